//! `plot`, `barplot` and `hist`: public results handed to the client to draw (nodes write no
//! files). `hist(x, breaks = c(...))` of a private numeric vector is the table of
//! `cut(x, breaks, include.lowest = TRUE)` (so every cell passes disclosure control), drawn as
//! adjacent bars; R's automatic breaks would need the minimum and maximum, so they must be
//! given. R's graphical arguments as R reads them: `xlim`/`ylim` (`c(from, to)`), `col`
//! (R's colour names, `#RRGGBB`, palette numbers; one per curve or bar, recycled), `lty`
//! (R's line types 0-6 or their names, one per curve, recycled); `conf.int` of a survival plot
//! defaults to R's: bands when there is a single curve.
use super::call::Args;
use super::value::{PlotStyle, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;

/// R's line types by name, in the order of their numbers (`lty = 0` is `blank`).
const LINE_TYPES: [&str; 7] = [
    "blank", "solid", "dashed", "dotted", "dotdash", "longdash", "twodash",
];

/// The arguments of a plot, each when given.
#[derive(Default, Clone, Copy)]
pub(crate) struct PlotArgs<'e> {
    pub(crate) file: Option<&'e Expr>,
    pub(crate) conf_int: Option<&'e Expr>,
    pub(crate) main: Option<&'e Expr>,
    pub(crate) xlab: Option<&'e Expr>,
    pub(crate) ylab: Option<&'e Expr>,
    pub(crate) xlim: Option<&'e Expr>,
    pub(crate) ylim: Option<&'e Expr>,
    pub(crate) col: Option<&'e Expr>,
    pub(crate) lty: Option<&'e Expr>,
}

impl<'e> PlotArgs<'e> {
    /// The plot arguments among a call's parameters (`main` under its own name).
    pub(crate) fn of(a: &Args<'e>) -> PlotArgs<'e> {
        let get = |n: &str| {
            a.params()
                .iter()
                .any(|p| p.name == n)
                .then(|| a.get(n))
                .flatten()
        };
        PlotArgs {
            file: get("file"),
            conf_int: get("conf.int"),
            main: get("main"),
            xlab: get("xlab"),
            ylab: get("ylab"),
            xlim: get("xlim"),
            ylim: get("ylim"),
            col: get("col"),
            lty: get("lty"),
        }
    }
}

impl Evaluator<'_> {
    fn plot_text(&mut self, a: Option<&Expr>, scope: Option<&PrivTable>) -> Result<Option<String>> {
        let Some(v) = a else { return Ok(None) };
        match self.eval_in(v, scope)? {
            Value::Pub(Public::Str(x)) if x.len() == 1 => {
                Ok(Some(x[0].clone().unwrap_or_default()))
            }
            _ => Err(EvalError::at(v, "expected a string")),
        }
    }

    /// `xlim`/`ylim`: `c(from, to)` with from < to.
    fn limits(
        &mut self,
        name: &str,
        a: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<Option<[f64; 2]>> {
        let Some(v) = a else { return Ok(None) };
        match self.eval_in(v, scope)? {
            Value::Pub(Public::Num { values, .. }) => match values[..] {
                [Some(lo), Some(hi)] if lo.is_finite() && hi.is_finite() && lo < hi => {
                    Ok(Some([lo, hi]))
                }
                _ => Err(EvalError::at(
                    v,
                    format!("{name} is c(from, to): two finite numbers, from < to"),
                )),
            },
            _ => Err(EvalError::at(
                v,
                format!("{name} is c(from, to): two numbers"),
            )),
        }
    }

    /// `col`: each colour as R's `col2rgb` reads it, written `#RRGGBB(AA)`.
    fn colours(&mut self, a: Option<&Expr>, scope: Option<&PrivTable>) -> Result<Vec<String>> {
        use sharestat_rstats::colour::{col2rgb, hex, palette};
        let Some(v) = a else { return Ok(Vec::new()) };
        let read = match self.eval_in(v, scope)? {
            Value::Pub(Public::Str(x)) => x
                .iter()
                .map(|s| col2rgb(s.as_deref().unwrap_or("transparent")))
                .collect::<std::result::Result<Vec<_>, _>>(),
            Value::Pub(Public::Num { values, .. }) => values
                .iter()
                .map(|n| n.map_or(Ok([255, 255, 255, 0]), palette))
                .collect(),
            _ => Err("col takes colour names, #RRGGBB codes or numbers".to_owned()),
        };
        match read {
            Ok(c) if c.is_empty() => Err(EvalError::at(v, "col is empty")),
            Ok(c) => Ok(c.into_iter().map(hex).collect()),
            Err(why) => Err(EvalError::at(v, why)),
        }
    }

    /// `lty`: R's line types, by number (0-6) or name.
    fn line_types(&mut self, a: Option<&Expr>, scope: Option<&PrivTable>) -> Result<Vec<u8>> {
        let Some(v) = a else { return Ok(Vec::new()) };
        let bad = || {
            EvalError::at(
                v,
                "lty is R's line type: 0-6 or \"blank\", \"solid\", \"dashed\", \"dotted\", \
                 \"dotdash\", \"longdash\", \"twodash\"",
            )
        };
        let out: Vec<u8> = match self.eval_in(v, scope)? {
            Value::Pub(Public::Num { values, .. }) => values
                .iter()
                .map(|n| match n {
                    Some(n) if n.fract() == 0.0 && (0.0..=6.0).contains(n) => Ok(*n as u8),
                    _ => Err(bad()),
                })
                .collect::<Result<_>>()?,
            Value::Pub(Public::Str(x)) => x
                .iter()
                .map(|s| {
                    let s = s.as_deref().unwrap_or("");
                    LINE_TYPES
                        .iter()
                        .position(|t| *t == s)
                        .or_else(|| s.parse::<u8>().ok().filter(|n| *n <= 6).map(usize::from))
                        .map(|i| i as u8)
                        .ok_or_else(bad)
                })
                .collect::<Result<_>>()?,
            _ => return Err(bad()),
        };
        if out.is_empty() {
            return Err(bad());
        }
        Ok(out)
    }

    /// A plot of `what` (a survival fit or a table) with R's graphical arguments.
    pub(crate) fn plot(
        &mut self,
        e: &Expr,
        what: Public,
        args: PlotArgs<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let file = self
            .plot_text(args.file, scope)?
            .unwrap_or_else(|| "plot.svg".into());
        if !(file.ends_with(".svg") || file.ends_with(".png")) {
            return Err(EvalError::at(e, "file must end in .svg or .png"));
        }
        let curves = match &what {
            Public::Surv(fit) => Some(fit.curves.len()),
            _ => None,
        };
        // What applies to curves only.
        if curves.is_none() {
            for (name, given) in [
                ("conf.int", args.conf_int),
                ("xlim", args.xlim),
                ("lty", args.lty),
            ] {
                if let Some(v) = given {
                    return Err(EvalError::at(
                        v,
                        format!(
                            "{name} applies to a survival plot; a table's bars stand at its \
                             levels (ylim, col, main, xlab and ylab apply)"
                        ),
                    ));
                }
            }
        }
        let conf_int = match args.conf_int {
            None => curves == Some(1),
            Some(v) => self.flag(Some(v), scope, 0.0)? != 0.0,
        };
        let main = self.plot_text(args.main, scope)?.unwrap_or_default();
        let labels = [
            self.plot_text(args.xlab, scope)?,
            self.plot_text(args.ylab, scope)?,
        ];
        let style = PlotStyle {
            xlim: self.limits("xlim", args.xlim, scope)?,
            ylim: self.limits("ylim", args.ylim, scope)?,
            col: self.colours(args.col, scope)?,
            lty: self.line_types(args.lty, scope)?,
        };
        let km_options = match (&what, self.risk_table_suppression()) {
            (Public::Surv(_), Some(k)) => {
                Some(Box::new(serde_json::json!({ "suppress_below": k })))
            }
            _ => None,
        };
        Ok(Value::Pub(Public::Plot {
            file,
            what: Box::new(what),
            conf_int,
            main,
            labels,
            style,
            km_options,
        }))
    }

    /// `hist(x, breaks, file, main, xlab, ylab, ylim, col)`.
    pub(crate) fn hist(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let x_expr = a
            .get("x")
            .ok_or_else(|| EvalError::at(e, "hist(x, breaks = c(...))"))?;
        let table = match self.eval_in(x_expr, scope)? {
            t @ Value::Pub(Public::Table(_)) => t,
            x @ Value::Vec(_) => {
                let b = a.get("breaks").ok_or_else(|| {
                    EvalError::at(
                        e,
                        "hist() of a private vector needs breaks = c(...): automatic breaks \\
                         would show its minimum and maximum",
                    )
                })?;
                let breaks = self.eval_in(b, scope)?;
                let cut = self.cut(e, x, breaks, None, true, true)?;
                self.freq(e, x_expr, cut, "no")?
            }
            _ => {
                return Err(EvalError::at(
                    x_expr,
                    "hist() takes a private numeric vector",
                ));
            }
        };
        let Value::Pub(what) = super::suppress::whole_table(e, table, "hist")? else {
            return Err(EvalError::at(e, "hist(): no table"));
        };
        self.plot(e, what, PlotArgs::of(a), scope)
    }
}
