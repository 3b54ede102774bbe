//! `scale(x, center = TRUE, scale = TRUE)` of a private numeric column (issue 14): R's
//! `(x − mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE)`, made of the language's own
//! operations, so that the mean and standard deviation pass every disclosure rule of `mean`
//! and `sd` (they are revealed: R's `scaled:center` and `scaled:scale` attributes) and the
//! subtraction carries its proven range; the division by the public SD is one public product
//! rounded to 6 decimals (each value within 1e-6). A number given as `center` or `scale` is
//! used instead, as in R; `FALSE` leaves that step out, except `scale = TRUE` with
//! `center = FALSE`, where R divides by the root mean square: refused by name.
use super::call::Args;
use super::range::Range;
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Arg, Expr, ExprKind};

/// `f(x, na.rm = TRUE)` as an expression at `x`'s place.
fn na_rm_call(f: &str, x: &Expr) -> Expr {
    let at = x.span;
    let ident = Expr {
        kind: ExprKind::Ident(f.to_owned()),
        span: at,
    };
    let yes = Expr {
        kind: ExprKind::Bool(true),
        span: at,
    };
    Expr {
        kind: ExprKind::Call {
            func: Box::new(ident),
            args: vec![
                Arg {
                    name: None,
                    value: Some(x.clone()),
                    span: at,
                },
                Arg {
                    name: Some("na.rm".into()),
                    value: Some(yes),
                    span: at,
                },
            ],
        },
        span: at,
    }
}

impl Evaluator<'_> {
    /// `scale(x, center, scale)`.
    pub(crate) fn scale_call(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let x = a.get("x").ok_or_else(|| EvalError::at(e, "scale(x)"))?;
        let center = self.scale_arg(a.get("center"), scope)?;
        let scaled = self.scale_arg(a.get("scale"), scope)?;
        if scaled == Some(None) && center.is_none() {
            return Err(EvalError::at(
                a.get("scale").unwrap_or(e),
                "scale = TRUE with center = FALSE divides by the root mean square in R; not \
                 available (center as well, or give scale = a number)",
            ));
        }
        let number = |v: &Value| match v {
            Value::Pub(Public::Num { values, .. }) if values.len() == 1 => values[0],
            _ => None,
        };
        let v = self.eval_in(x, scope)?;
        // R's center: TRUE the mean, a number that number, FALSE none.
        let mean = match center {
            None => 0.0,
            Some(Some(c)) => c,
            Some(None) => {
                let m = self.call_internal(&na_rm_call("mean", x), scope)?;
                number(&m).ok_or_else(|| EvalError::at(e, "scale(): the mean is NA"))?
            }
        };
        // R's scale: TRUE the SD, a number that number, FALSE none.
        let sd = match scaled {
            None => 1.0,
            Some(Some(s)) => s,
            Some(None) => {
                let s = self.call_internal(&na_rm_call("sd", x), scope)?;
                number(&s).unwrap_or(f64::NAN)
            }
        };
        if sd.is_nan() || sd <= 0.0 {
            return Err(EvalError::at(
                e,
                "scale(): the standard deviation is 0 or NA",
            ));
        }
        match v {
            Value::Vec(pv) if center.is_some() || scaled.is_some() => {
                self.standardise(e, pv, mean, sd)
            }
            Value::Vec(pv) => Ok(Value::Vec(pv)),
            _ => Err(EvalError::at(
                x,
                "scale() takes a private numeric column here",
            )),
        }
    }

    /// `center =` / `scale =`: `None` for `FALSE`, `Some(None)` for `TRUE` (the mean or SD),
    /// `Some(Some(c))` for a public number `c`, as R reads them.
    fn scale_arg(
        &mut self,
        a: Option<&Expr>,
        scope: Option<&PrivTable>,
    ) -> Result<Option<Option<f64>>> {
        let Some(at) = a else { return Ok(Some(None)) };
        match self.eval_in(at, scope)? {
            Value::Pub(Public::Bool(b)) if b.len() == 1 => Ok((b[0] == Some(true)).then_some(None)),
            Value::Pub(Public::Num { values, .. }) if values.len() == 1 && values[0].is_some() => {
                Ok(Some(values[0]))
            }
            _ => Err(EvalError::at(
                at,
                "expected TRUE, FALSE or one public number",
            )),
        }
    }

    /// `(v − mean) / sd` in one step from `v`'s words: one public product and a public
    /// offset, rounded to 6 decimals (fewer if the words would pass `2^40`), each value within
    /// one unit of the last (`math::times_real_raw`).
    fn standardise(&mut self, e: &Expr, v: PrivVec, mean: f64, sd: f64) -> Result<Value> {
        let Kind::Num { scale } = v.kind else {
            return Err(EvalError::at(e, "scale() takes numbers"));
        };
        let far = v.range.map(|r| Range::new(r.lo - mean, r.hi - mean)).mag() / sd;
        // Six decimals (each value within 1e-6): finer words would make the products that
        // models sum (`lm`'s cross-products) overflow sooner.
        let out = super::math::out_decimals(far + 1.0).min(6);
        let c = 10f64.powi(out as i32 - scale as i32) / sd;
        let words = v.range.mag() * 10f64.powi(scale as i32);
        let shift = (mean * 10f64.powi(out as i32) / sd).round() as i64;
        let me = self.p.id();
        let data = self
            .times_real_raw(&v.data, words, c)?
            .add_const(me, shift.wrapping_neg() as u64);
        let unit = 10f64.powi(-(out as i32));
        let range = v
            .range
            .map(|r| Range::new((r.lo - mean) / sd - unit, (r.hi - mean) / sd + unit));
        Ok(Value::Vec(PrivVec {
            kind: Kind::Num { scale: out },
            data,
            range,
            ..v
        }))
    }
}
