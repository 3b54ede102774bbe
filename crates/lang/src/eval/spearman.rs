//! `cor(x, y, method = "spearman")`: Pearson's correlation of midranks (ties get the mean of
//! their ranks, as R's `rank`), without opening any value.
//!
//! The midrank of row `i` among the rows used is `Σ_j [x_j < x_i] + (Σ_j [x_j = x_i] + 1) / 2`
//! (the second sum counts `i` itself). Twice that is an integer: one batched comparison and one
//! batched equality of all `n²` pairs, masked by the rows used, then summed per row. The
//! correlation of the doubled ranks is then computed as for `cor` (it is scale-free).
//! **Reveals** what `cor` reveals, of the ranks: `n`, `Σr`, `Σs`, `Σr²`, `Σs²`, `Σrs`.
//! Cost: `2n²` comparisons (48-bit), so it is limited to [`MAX_ROWS`] rows; a sort-based
//! version for large data is future work.
use super::agg::private_pair;
use super::ops::CMP_BITS;
use super::value::{Kind, PrivVec, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

/// Largest number of rows for the pairwise ranks.
pub const MAX_ROWS: usize = 3000;

impl Evaluator<'_> {
    /// Twice the midranks of `x` among the rows with `m = 1` (garbage elsewhere).
    fn double_ranks(&mut self, x: &AShares, m: &AShares) -> Result<AShares> {
        let n = x.len();
        // Pair (i, j) at i·n + j: x_i repeated, x_j tiled.
        let rep: Vec<usize> = (0..n * n).map(|k| k / n).collect();
        let tile: Vec<usize> = (0..n * n).map(|k| k % n).collect();
        let (xi, xj) = (x.gather(&rep), x.gather(&tile));
        let mj = m.gather(&tile);
        let less = self.p.lt(&xj, &xi, CMP_BITS)?;
        let same = self.p.eq(&xj, &xi, CMP_BITS)?;
        let less = self.p.b2a_bits(&less)?;
        let same = self.p.b2a_bits(&same)?;
        // 2·[x_j < x_i] + [x_j = x_i], counted only for used j.
        let w = less.scale(2).add(&same);
        let w = self.p.mul(&w, &mj)?;
        let sums: Vec<AShares> = (0..n).map(|i| w.slice(i * n..(i + 1) * n).sum()).collect();
        Ok(AShares::concat(&sums.iter().collect::<Vec<_>>()).add_const(self.p.id(), 1))
    }

    /// Spearman's rank correlation of two private vectors (`None`: `NA`).
    pub(crate) fn spearman(
        &mut self,
        e: &Expr,
        x: Value,
        y: Value,
        complete: bool,
    ) -> Result<Option<(u64, f64)>> {
        let (x, y) = private_pair(e, x, y)?;
        if x.len() > MAX_ROWS {
            return Err(EvalError::at(
                e,
                format!("Spearman's correlation is available up to {MAX_ROWS} rows for now"),
            ));
        }
        let sel = self.and_mask(x.sel.clone(), y.sel.clone())?;
        let present = self.and_mask(x.present.clone(), y.present.clone())?;
        if !complete && present.is_some() {
            // Without use = "complete.obs", a missing value makes the answer NA, as in R.
            let probe = PrivVec {
                sel: sel.clone(),
                present: present.clone(),
                ..x.clone()
            };
            if let super::agg::Input::HasNa = self.input(e, probe, false)? {
                return Ok(None);
            }
        }
        let used = self.and_mask(sel.clone(), present)?;
        let m = self.mask_or_ones(&used, x.len());
        // Ranks compare a vector with itself only: its own encoding scale is fine.
        let rx = self.double_ranks(&x.data, &m)?;
        let ry = self.double_ranks(&y.data, &m)?;
        let as_vec = |data: AShares| PrivVec {
            kind: Kind::Num { scale: 0 },
            data,
            onehot: None,
            present: used.clone(),
            sel: None,
            layout: x.layout.clone(),
        };
        let (vx, vy) = (as_vec(rx), as_vec(ry));
        // The subset rules were applied to `sel` by `input` above only when values may be
        // missing; apply them here in any case.
        self.check_selection(e, &sel, &x.layout)?;
        self.pearson(e, Value::Vec(vx), Value::Vec(vy), true)
    }
}
