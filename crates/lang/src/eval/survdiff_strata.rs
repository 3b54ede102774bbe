//! `survdiff(Surv(time, event) ~ group + strata(s), data)`: the stratified log-rank test, as
//! R's `survdiff` computes it (issue 14): observed and expected events and their variance
//! within each stratum, summed over the strata, then `(O − E)ᵀ V⁻ (O − E)` on `k − 1` groups.
//!
//! The rows are grouped by the pair (group, stratum): one joint indicator per pair (the
//! products of the two factors' indicators, one multiplication batch), so the revealed
//! multiset is `(pair, time, event)`, what `survfit(... ~ group)` shows per stratum; each pair
//! is a cell under `min_cell`. A numeric stratum is grouped by its values, as R's `strata()`
//! (whole numbers over at most 50 values, `strata.rs`).
use super::formula::expand;
use super::surv::{LogRank, Obs};
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Whether a right-hand side has a `strata()` term.
pub(crate) fn has_strata(rhs: &Expr) -> bool {
    expand(rhs).is_ok_and(|f| !f.strata.is_empty())
}

/// `O`, `E` and `V` of the groups `0..k` within one stratum's observations (or all of them:
/// the unstratified test, `surv.rs`).
pub(crate) fn stratum_sums(
    obs: &[(usize, f64, bool)],
    k: usize,
) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
    let mut times: Vec<f64> = obs.iter().filter(|o| o.2).map(|o| o.1).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    // Numbers at risk and deaths per group at each death time, by one sweep down the times.
    let mut sorted: Vec<(usize, f64, bool)> = obs.to_vec();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut at = vec![(vec![0f64; k], vec![0f64; k]); times.len()];
    let mut nk = vec![0f64; k];
    let mut i = 0;
    for (ti, &t) in times.iter().enumerate().rev() {
        let mut dk = vec![0f64; k];
        while i < sorted.len() && sorted[i].1 >= t {
            let (g, time, event) = sorted[i];
            nk[g] += 1.0;
            if time == t && event {
                dk[g] += 1.0;
            }
            i += 1;
        }
        at[ti] = (nk.clone(), dk);
    }
    let (mut o, mut ex) = (vec![0f64; k], vec![0f64; k]);
    let mut v = vec![vec![0f64; k]; k];
    for (nk, dk) in &at {
        let (n, d): (f64, f64) = (nk.iter().sum(), dk.iter().sum());
        for a in 0..k {
            ex[a] += nk[a] * d / n;
            if n > 1.0 {
                let f = d * (n - d) / (n - 1.0) / n;
                for b in 0..k {
                    let delta = if a == b { 1.0 } else { 0.0 };
                    v[a][b] += f * nk[a] * (delta - nk[b] / n);
                }
            }
        }
    }
    for ob in obs.iter().filter(|o| o.2) {
        o[ob.0] += 1.0;
    }
    (o, ex, v)
}

impl Evaluator<'_> {
    /// The stratified test (see the module doc).
    pub(crate) fn survdiff_strata(
        &mut self,
        e: &Expr,
        (te, ee): (&Expr, &Expr),
        rhs: &Expr,
        t: &PrivTable,
        grid: Option<u32>,
        call: String,
    ) -> Result<Value> {
        let form = expand(rhs)?;
        let ([term], [s]) = (form.terms.as_slice(), form.strata.as_slice()) else {
            return Err(EvalError::at(
                rhs,
                "survdiff() takes one grouping term and one strata() term",
            ));
        };
        let [g_expr] = term.as_slice() else {
            return Err(EvalError::at(rhs, "survdiff() takes one grouping variable"));
        };
        let g = self.in_table(g_expr, t)?;
        let (glabels, gind) = self.levels_of(g_expr, &g)?;
        let sv = self.stratum_var(s, t)?;
        let (slabels, sind) = self.stratum_levels(s, &sv)?;
        let (kg, ks) = (glabels.len(), slabels.len());
        let (l, r): (Vec<&AShares>, Vec<&AShares>) =
            (0..kg * ks).map(|j| (&gind[j / ks], &sind[j % ks])).unzip();
        let joint = self.p.mul(&AShares::concat(&l), &AShares::concat(&r))?;
        let n = g.len();
        let onehot: Vec<AShares> = (0..kg * ks)
            .map(|j| joint.slice(j * n..(j + 1) * n))
            .collect();
        let labels: Vec<String> = (0..kg * ks)
            .map(|j| format!("{}, {s}={}", glabels[j / ks], slabels[j % ks]))
            .collect();
        let sel = self.and_mask(g.sel.clone(), sv.sel.clone())?;
        let present = self.and_mask(g.present.clone(), sv.present.clone())?;
        let group = PrivVec {
            kind: Kind::Cat { levels: labels },
            data: AShares::from_parts(Vec::new(), Vec::new()),
            onehot: Some(onehot),
            sel,
            present,
            ..g
        };
        let (_, obs): (_, Obs) = self.survival_obs(e, te, ee, rhs, t, grid, Some(group))?;
        let present: Vec<usize> = (0..kg)
            .filter(|a| obs.iter().any(|o| o.0 / ks == *a))
            .collect();
        if present.len() < 2 {
            return Err(EvalError::at(
                e,
                "survdiff() needs at least two groups with data",
            ));
        }
        let idx = |a: usize| present.iter().position(|p| *p == a).expect("present group");
        let k = present.len();
        let (mut o, mut ex) = (vec![0f64; k], vec![0f64; k]);
        let mut v = vec![vec![0f64; k]; k];
        for st in 0..ks {
            let sub: Vec<(usize, f64, bool)> = obs
                .iter()
                .filter(|x| x.0 % ks == st)
                .map(|x| (idx(x.0 / ks), x.1, x.2))
                .collect();
            let (so, se, sv) = stratum_sums(&sub, k);
            for a in 0..k {
                o[a] += so[a];
                ex[a] += se[a];
                for b in 0..k {
                    v[a][b] += sv[a][b];
                }
            }
        }
        let m = k - 1;
        let diff: Vec<f64> = (0..m).map(|a| o[a] - ex[a]).collect();
        let sub: Vec<Vec<f64>> = (0..m).map(|a| v[a][..m].to_vec()).collect();
        let inv =
            super::model::invert(&sub).ok_or_else(|| EvalError::at(e, "singular variance"))?;
        let chisq: f64 = (0..m)
            .map(|a| (0..m).map(|b| diff[a] * inv[a][b] * diff[b]).sum::<f64>())
            .sum();
        let p = ChiSquared::new(m as f64).map_or(f64::NAN, |d| 1.0 - d.cdf(chisq));
        Ok(Value::Pub(Public::LogRank(Box::new(LogRank {
            call,
            groups: present.iter().map(|&a| glabels[a].clone()).collect(),
            n: present
                .iter()
                .map(|&a| obs.iter().filter(|x| x.0 / ks == a).count() as u64)
                .collect(),
            observed: o.iter().map(|x| *x as u64).collect(),
            expected: ex,
            chisq,
            df: m,
            p_value: p,
            strict: false,
            strata: Some(g_expr.to_string()),
            var_diag: (0..k).map(|a| v[a][a]).collect(),
        }))))
    }
}
