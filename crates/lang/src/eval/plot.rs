//! `plot`, `barplot` and `hist`: public results handed to the client to draw (nodes write no
//! files). `hist(x, breaks = c(...))` of a private numeric vector is the table of
//! `cut(x, breaks, include.lowest = TRUE)` (so every cell passes disclosure control), drawn as
//! adjacent bars; R's automatic breaks would need the minimum and maximum, so they must be
//! given.
use super::call::Args;
use super::value::{PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;

impl Evaluator<'_> {
    /// A plot of `what` with `[file, conf.int, main, xlab, ylab]` arguments.
    pub(crate) fn plot(
        &mut self,
        e: &Expr,
        what: Public,
        [file, conf, main, xlab, ylab]: [Option<&Expr>; 5],
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let text = |s: &mut Self, a: Option<&Expr>, default: &str| -> Result<String> {
            match a {
                None => Ok(default.to_owned()),
                Some(v) => match s.eval_in(v, scope)? {
                    Value::Pub(Public::Str(x)) if x.len() == 1 => {
                        Ok(x[0].clone().unwrap_or_default())
                    }
                    _ => Err(EvalError::at(v, "expected a string")),
                },
            }
        };
        let file = text(self, file, "plot.svg")?;
        if !(file.ends_with(".svg") || file.ends_with(".png")) {
            return Err(EvalError::at(e, "file must end in .svg or .png"));
        }
        let conf_int = match conf {
            None => false,
            Some(v) => {
                matches!(self.eval_in(v, scope)?, Value::Pub(Public::Bool(b)) if b == [Some(true)])
            }
        };
        let main = text(self, main, "")?;
        let mut label = |a: Option<&Expr>| a.map(|v| text(self, Some(v), "")).transpose();
        let labels = [label(xlab)?, label(ylab)?];
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
            km_options,
        }))
    }

    /// `hist(x, breaks, file, main)`.
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
        self.plot(
            e,
            what,
            [a.get("file"), None, a.get("main"), None, None],
            scope,
        )
    }
}
