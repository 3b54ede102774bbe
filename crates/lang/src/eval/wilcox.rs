//! `wilcox.test`: the Wilcoxon rank-sum (Mann-Whitney) test on private data (issue 6). The
//! statistic and the tie correction come from `sharestat_stats::rank::mann_whitney` (an
//! oblivious sort and two scans; only `W` and `Σ(t³ − t)` are revealed, with the group
//! sizes); the p-value follows R: exact without ties below 50 per group, otherwise the normal
//! approximation with tie and continuity corrections.
use super::call::Args;
use super::htest::formula;
use super::value::{HTest, PrivTable, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{Expr, ExprKind};
use sharestat_mpc::AShares;
use statrs::distribution::{ContinuousCDF, Normal};

impl Evaluator<'_> {
    /// `wilcox.test(y ~ g, data)` or `wilcox.test(x, y)`: the rank-sum test with R's normal
    /// approximation (ties corrected, continuity correction) or, without ties and with fewer
    /// than 50 per group, its exact p-value. Reveals the group sizes, `W` and `Σ(t³ − t)`.
    pub(crate) fn wilcox_test(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<HTest> {
        let x = a
            .get("x")
            .ok_or_else(|| EvalError::at(e, "wilcox.test(x, y) or y ~ g"))?;
        let correct = self.flag(a.get("correct"), scope, 1.0)? != 0.0;
        // R's `exact`: NULL for exact p-values below 50 per group, else as given (ties
        // always take the normal approximation, as R's with its warning).
        let exact = match a.get("exact").filter(|v| !matches!(v.kind, ExprKind::Null)) {
            None => None,
            Some(v) => Some(self.flag(Some(v), scope, 0.0)? != 0.0),
        };
        let (values, ga, gb, names, data_name) = if let Some((lhs, rhs)) = formula(x) {
            let t = self.data_arg(e, a.get("data"), scope)?;
            let (y, g) = (self.in_table(lhs, &t)?, self.in_table(rhs, &t)?);
            super::checks::check_key(lhs, y.range, super::agg::scale(&y))?;
            let sel = self.and_mask(y.sel.clone(), g.sel.clone())?;
            self.check_selection(e, &sel, &y.layout)?;
            let present = self.and_mask(y.present.clone(), g.present.clone())?;
            let used = self.and_mask(sel, present)?;
            let m = self.mask_or_ones(&used, y.len());
            let (labels, ind) = self.levels_of(rhs, &g)?;
            let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, &m)).collect();
            let masked = self.p.mul_many(&pairs)?;
            let counts: Vec<AShares> = masked.iter().map(AShares::sum).collect();
            let counts = AShares::concat(&counts.iter().collect::<Vec<_>>());
            // The groups' sizes pass min_cell in the batch of the response's support check.
            self.check_with_cells(e, counts.clone(), labels.clone(), |s| {
                s.check_support(e, &y, &used).map(drop)
            })?;
            let n = self.p.reveal(&counts)?;
            let nonempty: Vec<usize> = (0..labels.len()).filter(|&i| n[i] > 0).collect();
            let [i, j] = nonempty.as_slice() else {
                return Err(EvalError::at(
                    rhs,
                    "grouping factor must have exactly 2 levels",
                ));
            };
            let names = (labels[*i].clone(), labels[*j].clone());
            (
                y.data.clone(),
                masked[*i].clone(),
                masked[*j].clone(),
                names,
                format!("{lhs} by {rhs}"),
            )
        } else {
            let y = a
                .get("y")
                .ok_or_else(|| EvalError::at(e, "wilcox.test(x, y) or y ~ g"))?;
            let (Value::Vec(xv), Value::Vec(yv)) =
                (self.eval_in(x, scope)?, self.eval_in(y, scope)?)
            else {
                return Err(EvalError::at(e, "wilcox.test() of private numeric vectors"));
            };
            let mut masks = Vec::new();
            for v in [&xv, &yv] {
                self.check_selection(e, &v.sel, &v.layout)?;
                let used = self.and_mask(v.sel.clone(), v.present.clone())?;
                self.check_support(e, v, &used)?;
                masks.push(self.mask_or_ones(&used, v.len()));
            }
            let (nx, ny) = (xv.len(), yv.len());
            let z = |n: usize| AShares::from_parts(vec![0; n], vec![0; n]);
            let s = super::agg::scale(&xv).max(super::agg::scale(&yv));
            for v in [&xv, &yv] {
                super::checks::check_key(e, v.range, s)?;
            }
            let values = AShares::concat(&[
                &super::ops::rescale(&xv.data, super::agg::scale(&xv), s),
                &super::ops::rescale(&yv.data, super::agg::scale(&yv), s),
            ]);
            let ga = AShares::concat(&[&masks[0], &z(ny)]);
            let gb = AShares::concat(&[&z(nx), &masks[1]]);
            (
                values,
                ga,
                gb,
                ("x".into(), "y".into()),
                format!("{x} and {y}"),
            )
        };
        let (n1, n2) = {
            let o = self.p.reveal(&AShares::concat(&[&ga.sum(), &gb.sum()]))?;
            (o[0] as f64, o[1] as f64)
        };
        let (two_u, ties) = sharestat_stats::rank::mann_whitney(self.p, &values, &ga, &gb)?;
        let w = two_u as f64 / 2.0;
        let exact = ties == 0 && exact.unwrap_or(n1 < 50.0 && n2 < 50.0);
        if exact && n1 * n2 > 1e7 {
            return Err(EvalError::at(
                e,
                format!(
                    "exact = TRUE over {n1} x {n2} pairs: the exact distribution is too long to \
                     compute; the normal approximation (exact = FALSE) is R's default here"
                ),
            ));
        }
        let p = if exact {
            exact_wilcox_p(w, n1 as usize, n2 as usize)
        } else {
            let z = w - n1 * n2 / 2.0;
            let sigma = ((n1 * n2 / 12.0)
                * ((n1 + n2 + 1.0) - ties as f64 / ((n1 + n2) * (n1 + n2 - 1.0))))
                .sqrt();
            let corr = if correct { 0.5 * z.signum() } else { 0.0 };
            let zz = (z - corr) / sigma;
            let nd = Normal::new(0.0, 1.0).expect("normal");
            2.0 * nd.cdf(-zz.abs())
        };
        let _ = names;
        Ok(HTest {
            method: if exact {
                "Wilcoxon rank sum exact test"
            } else if correct {
                "Wilcoxon rank sum test with continuity correction"
            } else {
                "Wilcoxon rank sum test"
            }
            .into(),
            data_name,
            statistic: Some(("W".into(), w)),
            parameter: Vec::new(),
            p_value: p.min(1.0),
            alternative: "true location shift is not equal to 0".into(),
            conf_int: None,
            estimate: Vec::new(),
        })
    }
}

/// Two-sided exact p-value of the rank-sum statistic `w` without ties (R's `pwilcox`):
/// the number of ways to reach each `U` by dynamic programming over the group sizes.
fn exact_wilcox_p(w: f64, n1: usize, n2: usize) -> f64 {
    let max = n1 * n2;
    // f[i][j][u]: arrangements of i A's and j B's with statistic u; built by the last element.
    let mut prev: Vec<Vec<f64>> = vec![vec![0.0; max + 1]; n2 + 1];
    for row in prev.iter_mut() {
        row[0] = 1.0;
    }
    for _i in 1..=n1 {
        let mut cur: Vec<Vec<f64>> = vec![vec![0.0; max + 1]; n2 + 1];
        for j in 0..=n2 {
            for u in 0..=max {
                // Last element an A (it beats all j B's) or a B.
                let mut v = if u >= j { prev[j][u - j] } else { 0.0 };
                if j > 0 {
                    v += cur[j - 1][u];
                }
                cur[j][u] = v;
            }
        }
        prev = cur;
    }
    let counts = &prev[n2];
    let total: f64 = counts.iter().sum();
    let cdf = |q: f64| -> f64 {
        counts
            .iter()
            .enumerate()
            .filter(|(u, _)| (*u as f64) <= q)
            .map(|(_, c)| c)
            .sum::<f64>()
            / total
    };
    let mid = (n1 * n2) as f64 / 2.0;
    let p = if w > mid { 1.0 - cdf(w - 1.0) } else { cdf(w) };
    (2.0 * p).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::exact_wilcox_p;

    #[test]
    fn exact_rank_sum_p_values_match_r() {
        // wilcox.test(1:3, 4:6): W = 0, p = 0.1; wilcox.test(c(1, 5), c(2, 3, 4)): W = 3, p = 1.
        assert!((exact_wilcox_p(0.0, 3, 3) - 0.1).abs() < 1e-12);
        assert!((exact_wilcox_p(9.0, 3, 3) - 0.1).abs() < 1e-12);
        assert!((exact_wilcox_p(3.0, 2, 3) - 1.0).abs() < 1e-12);
        // wilcox.test(1:4, 5:10): W = 0, p = 2 / choose(10, 4) = 0.009524.
        assert!((exact_wilcox_p(0.0, 4, 6) - 2.0 / 210.0).abs() < 1e-12);
    }
}
