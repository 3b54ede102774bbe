//! Pearson's correlation (`cor`, `cor.test`): the pair of private vectors and the rows both
//! use (after the subset rules), and r from exact cross-products (`wide_gram.rs`).
//! **Reveals** `n`, `Σx`, `Σy`, `Σx²`, `Σy²`, `Σxy`.
use super::agg::{Input, scale};
use super::value::{PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

impl Evaluator<'_> {
    /// Pearson correlation.
    pub(crate) fn cor(&mut self, e: &Expr, x: Value, y: Value, complete: bool) -> Result<Value> {
        Ok(Value::Pub(match self.pearson(e, x, y, complete)? {
            Some((_, r)) => Public::num(r),
            None => Public::nums([None]),
        }))
    }

    /// Two private vectors and the mask of the rows both use (selected in both, and present
    /// in both), after the subset rules; `None` when a missing value makes R answer `NA`
    /// (without `complete`, i.e. `use = "complete.obs"`).
    pub(crate) fn pair_input(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<(PrivVec, PrivVec, Option<AShares>)>> {
        let (x, y) = private_pair(e, x, y)?;
        let sel = self.and_mask(x.sel.clone(), y.sel.clone())?;
        let present = self.and_mask(x.present.clone(), y.present.clone())?;
        let joint = PrivVec {
            sel,
            present,
            ..x.clone()
        };
        let used = self.and_mask(joint.sel.clone(), joint.present.clone())?;
        self.check_support(e, &y, &used)?;
        Ok(match self.input(e, joint, complete)? {
            Input::HasNa => None,
            Input::Values(c) => Some((x, y, c.present)),
        })
    }

    /// `n` and Pearson's r of two private vectors (`None`: `NA`, from missing values without
    /// `complete`, or a constant vector). Reveals `n`, `Σx`, `Σy`, `Σx²`, `Σy²`, `Σxy`.
    pub(crate) fn pearson(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<(u64, f64)>> {
        let Some((x, y, m)) = self.pair_input(e, x, y, complete)? else {
            return Ok(None);
        };
        let vars = [
            ("x".to_owned(), *x.range, scale(&x)),
            ("y".to_owned(), *y.range, scale(&y)),
        ];
        // Exact beyond 64 bits where needed (`wide_gram.rs`).
        let g = self.gram_checked(e, &vars, &[&x.data, &y.data], m.as_ref())?;
        Ok(cor_from_gram(&g))
    }
}

/// Two private vectors of the same length (the operands of `cor`).
pub(crate) fn private_pair(e: &Expr, x: Value, y: Value) -> Result<(PrivVec, PrivVec)> {
    let (Value::Vec(x), Value::Vec(y)) = (x, y) else {
        return Err(EvalError::at(e, "cor(x, y) of two private numeric vectors"));
    };
    if x.len() != y.len() {
        return Err(EvalError::at(e, "incompatible dimensions"));
    }
    Ok((x, y))
}

/// Pearson's correlation from the opened `n`, `Σx`, `Σy`, `Σx²`, `Σy²`, `Σxy` (ring words);
/// `None` (R's `NA`) when either standard deviation is zero.
pub(crate) fn cor_from_sums(o: &[u64]) -> Option<(u64, f64)> {
    let i = |k: usize| i128::from(o[k] as i64);
    cor_from_gram(&sharestat_stats::leverage::Gram {
        n: o[0],
        sums: vec![i(1), i(2)],
        cross: vec![vec![i(3), i(5)], vec![i(5), i(4)]],
    })
}

/// `n` and Pearson's r from exact cross-products of `x` and `y` (`None` for a constant).
pub(crate) fn cor_from_gram(g: &sharestat_stats::leverage::Gram) -> Option<(u64, f64)> {
    let n = i128::from(g.n);
    // n Σab − Σa Σb, exact in i128 when it fits (always, short of 2^126).
    let spread = |a: usize, b: usize| -> f64 {
        let (sa, sb, q) = (g.sums[a], g.sums[b], g.cross[a][b]);
        match n.checked_mul(q).zip(sa.checked_mul(sb)) {
            Some((nq, ss)) => (nq - ss) as f64,
            None => g.n as f64 * (q as f64 - sa as f64 * (sb as f64 / g.n as f64)),
        }
    };
    let (v1, v2) = (spread(0, 0), spread(1, 1));
    if v1 <= 0.0 || v2 <= 0.0 {
        return None;
    }
    Some((g.n, spread(0, 1) / (v1 * v2).sqrt()))
}
