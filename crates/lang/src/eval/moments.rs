//! Sums and sums of squares that cannot wrap (issue 14), and the evaluator's moments built on
//! them (`n`, `Σx`, `Σx²` of a vector, and per level of a grouping, as `t.test` uses them). A sum over `n` rows of words within
//! `±w` stays in the ring when `n w < 2^63`; beyond, it is summed exactly in two parts
//! ([`super::wide::Wide::linear`]; the perturbation mode refuses it, [`check_sum`]). A sum of squares is computed as it is when `n (w + 1)^2 < 2^62`; otherwise on the
//! values centred at their range's public midpoint `m` (exact and local: a variance does not
//! change), and, when `n (h + 2)^2` would
//! still reach `2^62` for the half-width `h` of the centred words, in three exact parts beyond
//! 64 bits (`wide.rs`) when the words have at most `60 − log2 n` bits, else on the centred
//! values truncated by `2^j` (the engine's truncation, `floor(x / 2^j) - ε`, `ε ∈ {0, 1}`),
//! with the smallest `j` that lets the three parts hold them, or failing those the smallest
//! that fits one word ([`Plan`]).
//!
//! Accuracy: `Σx` is always exact. Without truncation (`j = 0`, every dictionary column of
//! a study of up to millions of rows with a few decimals) `Σx²` is exact too. With `j > 0` each
//! centred value moves by less than `2^(j+1)` units of its last decimal place, so the
//! variance's error is below `2^(j+2) s + 2^(2j+2)` in squared units, for `s` the standard
//! deviation in units of the last place (a relative error below `2^(j+2) / s`; the truncation
//! needs `j` only when values have about 10 or more significant digits, so `s` is large).
use super::range::{Range, WORD_LIMIT, show};
use super::value::{Kind, PrivVec};
use super::{EvalError, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::Column;

/// Whether a sum over `rows` rows of words within `range` at `scale` decimals could leave
/// the ring.
pub(crate) fn sum_is_wide(range: Range, scale: u32, rows: usize) -> bool {
    rows as f64 * range.words(scale) >= 2.0 * WORD_LIMIT
}

/// Refuses a sum over `rows` rows of words within `range` at `scale` decimals that could
/// leave the ring (where no wide sum is made: the perturbation mode, tests by group).
pub(crate) fn check_sum(e: &Expr, range: Range, scale: u32, rows: usize) -> Result<()> {
    if !sum_is_wide(range, scale, rows) {
        return Ok(());
    }
    Err(EvalError::at(
        e,
        format!(
            "a sum of `{e}` over {rows} rows can reach {} (values up to {}), beyond what a \
             64-bit word holds at {scale} decimal places; scale the values down or round them",
            show(rows as f64 * range.mag()),
            show(range.mag())
        ),
    ))
}

/// Refuses cross-products `Σ x_i x_j` over `rows` rows (of `cor`, `lm`) that could leave the
/// ring: `vars` are each variable's expression, range and decimals.
pub(crate) fn check_products(e: &Expr, vars: &[(String, Range, u32)], rows: usize) -> Result<()> {
    for (i, (a, ra, sa)) in vars.iter().enumerate() {
        for (b, rb, sb) in &vars[i..] {
            let bound = rows as f64 * ra.words(*sa) * rb.words(*sb);
            if bound >= WORD_LIMIT {
                return Err(EvalError::at(
                    e,
                    format!(
                        "in `{e}`, the sum of `{a}` times `{b}` over {rows} rows can reach {} \
                         units of their last decimal places, beyond what a 64-bit word holds; \
                         scale a variable down or round it",
                        show(bound)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The largest centred word `|x - centre|` of words within `range` at `scale` decimals.
pub(crate) fn centred_half(range: Range, scale: u32, centre: i64) -> f64 {
    let unit = 10f64.powi(scale as i32);
    (range.hi * unit - centre as f64).max(centre as f64 - range.lo * unit) + 1.0
}

/// How a sum of squares is computed: centred at `centre` (a word), truncated by `2^shift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The range's midpoint as a word.
    pub centre: i64,
    /// Bits truncated from the centred words before squaring.
    pub shift: u32,
}

impl Plan {
    /// The plan for `rows` rows of words within `range` at `scale` decimals (with `squares`
    /// false, no centring is needed and the plan is the identity).
    pub(crate) fn new(
        e: &Expr,
        range: Range,
        scale: u32,
        rows: usize,
        squares: bool,
    ) -> Result<Plan> {
        if !squares {
            return Ok(Plan {
                centre: 0,
                shift: 0,
            });
        }

        // Uncentred when the squares fit as they are (the usual case: no change at all).
        let plain = range.words(scale) + 1.0;
        if rows.max(1) as f64 * plain * plain < WORD_LIMIT {
            return Ok(Plan {
                centre: 0,
                shift: 0,
            });
        }
        let centre = range.centre_word(scale);
        let half = centred_half(range, scale, centre);
        let rows = rows.max(1) as f64;
        let fits = |j: u32| {
            let h = half / 2f64.powi(j as i32) + 2.0;
            rows * h * h < WORD_LIMIT
        };
        let shift = (0..62).find(|&j| fits(j)).ok_or_else(|| {
            EvalError::at(
                e,
                format!(
                    "the squares of `{e}` (values up to {}) cannot be summed over {rows} rows",
                    show(range.mag())
                ),
            )
        })?;
        Ok(Plan { centre, shift })
    }

    /// Refuses a truncated sum of squares whose variance could be off by more than 1e-6
    /// relative: the bound of the module doc against the variance the truncated words give.
    /// Nothing is refused without truncation (the squares are exact).
    pub(crate) fn check_accuracy(&self, e: &Expr, n: u64, st: i128, sst: i128) -> Result<()> {
        if self.shift == 0 || n < 2 {
            return Ok(());
        }
        let (nf, q) = (n as f64, 2f64.powi(self.shift as i32));
        let var_t = ((n as i128 * sst - st * st) as f64 / (nf * (nf - 1.0))).max(0.0);
        let var = var_t * q * q;
        let error = 4.0 * q * var.sqrt() + 4.0 * q * q;
        if error <= 1e-6 * var {
            return Ok(());
        }
        Err(EvalError::at(
            e,
            format!(
                "the variance of `{e}` cannot be computed within 1e-6 relative: its values' \
                 range allows words up to {} units of the last decimal place, so its squares \
                 were summed to within {} units only; declare the column's range (`min`, \
                 `max`) in the dictionary or round the values",
                show(self.half_hint()),
                show(q)
            ),
        ))
    }

    /// The largest centred word the plan was made for (for messages).
    fn half_hint(&self) -> f64 {
        2f64.powi(self.shift as i32) * (WORD_LIMIT.sqrt())
    }

    /// `Σx²` in squared words from the count `n`, the exact `Σx` (`sum`) and the sums of
    /// the centred (and truncated) words `t` and of their squares. Without truncation it is
    /// exact; with it, it is the value for which `n Σx² - (Σx)²` is the truncated words'
    /// `2^(2j) (n Σt² - (Σt)²)`: the variance of the truncated values, consistent with
    /// itself (see the module doc for its error).
    /// `None` when `Σx²`, `n Σx²` or `(Σx)²` leaves 128 bits (only where `Σx` itself was
    /// summed beyond 64 bits).
    pub(crate) fn squares(&self, n: u64, sum: i128, st: i128, sst: i128) -> Option<i128> {
        let (n, m) = (n as i128, self.centre as i128);
        let ss = if self.shift == 0 {
            // Σx² = Σ(t + m)² = Σt² + 2m Σt + n m².
            sst.checked_add((2 * m).checked_mul(st)?)?
                .checked_add(n.checked_mul(m)?.checked_mul(m)?)?
        } else if n == 0 {
            0
        } else {
            let var_num = n.checked_mul(sst)?.checked_sub(st.checked_mul(st)?)?;
            let var_num = var_num.checked_mul(1i128.checked_shl(2 * self.shift)?)?;
            let total = var_num.checked_add(sum.checked_mul(sum)?)?;
            // Rounded to the nearest: `n Σx² - (Σx)²` is then `var_num` within `n / 2`.
            (total + n / 2).div_euclid(n)
        };
        // The variance's `n Σx² - (Σx)²` must be computable too.
        ss.checked_mul(n)?;
        sum.checked_mul(sum)?;
        Some(ss)
    }

    /// [`squares`](Self::squares), refused by name where it leaves 128 bits.
    pub(crate) fn squares_of(
        &self,
        e: &Expr,
        n: u64,
        sum: i128,
        st: i128,
        sst: i128,
    ) -> Result<i128> {
        self.squares(n, sum, st, sst).ok_or_else(|| {
            EvalError::at(
                e,
                format!(
                    "the squares of `{e}` summed over {n} rows cannot be held even in 128 \
                     bits; scale the values down or round them"
                ),
            )
        })
    }
}

impl super::Evaluator<'_> {
    /// `n`, `Σx` and (if `squares`) `Σx²` of the used values of `col`, whose words lie in
    /// `range`, revealed together (`Σx` exact; see [`super::moments`] for `Σx²`).
    pub(crate) fn moments(
        &mut self,
        e: &Expr,
        col: &Column,
        range: Range,
        squares: bool,
    ) -> Result<(u64, i128, i128)> {
        let plan = super::moments::Plan::new(e, range, col.scale, col.len(), squares)?;
        // `Σx` beyond 64 bits: exact in two parts (`wide.rs`); the 64-bit sum opened below
        // is then its low word, which the exact sum replaces.
        let exact = if sum_is_wide(range, col.scale, col.len()) {
            Some(self.wide_sum(e, col, range.words(col.scale))?)
        } else {
            None
        };
        let me = self.p.id();
        let x = &col.values;
        // The centred values `x - m` (exact, local), truncated by `2^j` when their squares
        // would not fit.
        let centred = x.add_const(me, plan.centre.wrapping_neg() as u64);
        // Squares beyond the ring in three exact parts (`wide.rs`) rather than truncated;
        // where even those cannot hold the words, the words truncated by the least `2^j`
        // that lets them (far less than the plain truncation's: its error is checked below).
        if squares && plan.shift > 0 {
            let half = centred_half(range, col.scale, plan.centre);
            for j in 0..plan.shift {
                let q = 2f64.powi(j as i32);
                let Some(w) = super::wide::Wide::new(half / q + 2.0, col.len()) else {
                    continue;
                };
                let words = if j == 0 {
                    centred
                } else {
                    self.p.trunc(&centred, j)?
                };
                let plan = Plan {
                    centre: plan.centre,
                    shift: j,
                };
                return self.wide_moments(e, col, plan, &words, w, exact);
            }
        }
        let t = if plan.shift > 0 {
            self.p.trunc(&centred, plan.shift)?
        } else {
            centred
        };
        let parts = match &col.present {
            Some(m) => {
                let both = self
                    .p
                    .mul(&AShares::concat(&[m, m]), &AShares::concat(&[x, &t]))?;
                let (mx, mt) = (both.slice(0..x.len()), both.slice(x.len()..2 * x.len()));
                let mut v = vec![m.sum(), mx.sum()];
                if squares {
                    v.extend([mt.sum(), self.p.dot(&mt, &t)?]);
                }
                v
            }
            None => {
                let n = AShares::from_parts(vec![0], vec![0]).add_const(me, x.len() as u64);
                let mut v = vec![n, x.sum()];
                if squares {
                    v.extend([t.sum(), self.p.dot(&t, &t)?]);
                }
                v
            }
        };
        let o = self
            .p
            .reveal(&AShares::concat(&parts.iter().collect::<Vec<_>>()))?;
        let (n, sum) = (o[0], exact.unwrap_or(o[1] as i64 as i128));
        let ss = if squares {
            let (st, sst) = (o[2] as i64 as i128, o[3] as i64 as i128);
            plan.check_accuracy(e, n, st, sst)?;
            plan.squares_of(e, n, sum, st, sst)?
        } else {
            0
        };
        Ok((n, sum, ss))
    }
}

impl super::Evaluator<'_> {
    /// [`moments`](Self::moments) with `Σt²` from the three parts of `wide.rs`, for `words`
    /// the centred values truncated by `2^plan.shift` (none when 0), and `Σx` when it was
    /// summed beyond 64 bits (`exact`): `n`, `Σx` (exact) and
    /// `Σx²` (exact without truncation; else as [`Plan::squares`] gives it, its error
    /// checked).
    fn wide_moments(
        &mut self,
        e: &Expr,
        col: &Column,
        plan: Plan,
        words: &AShares,
        w: super::wide::Wide,
        exact: Option<i128>,
    ) -> Result<(u64, i128, i128)> {
        let me = self.p.id();
        let (x, n) = (&col.values, col.len());
        let h = self.p.trunc(words, w.s)?;
        let l = words.sub(&h.scale(1u64 << w.s));
        let (count, sum, mh, ml) = match &col.present {
            Some(m) => {
                let all = self
                    .p
                    .mul(&AShares::concat(&[m, m, m]), &AShares::concat(&[x, &h, &l]))?;
                (
                    m.sum(),
                    all.slice(0..n).sum(),
                    all.slice(n..2 * n),
                    all.slice(2 * n..3 * n),
                )
            }
            None => {
                let c = AShares::from_parts(vec![0], vec![0]).add_const(me, n as u64);
                (c, x.sum(), h.clone(), l.clone())
            }
        };
        let s = self.p.dot_many(&[(&mh, &h), (&mh, &l), (&ml, &l)])?;
        let part = |i: usize| s.slice(i..i + 1);
        // T mod 2^64, and the estimate E from each part by a public power of two.
        let parts = (0..3).map(part).zip(w.weights()).collect();
        let (low, est) = self.wide_words(&[super::wide::WideSum { parts, g: w.g }])?;
        let (low, est) = (&low[0], &est[0]);
        // Σ t of the truncated words (local from the parts); with no truncation it follows
        // from Σx.
        let st_parts = mh.sum().scale(1u64 << w.s).add(&ml.sum());
        let o = self
            .p
            .reveal(&AShares::concat(&[&count, &sum, low, est, &st_parts]))?;
        let (n, sum) = (o[0], exact.unwrap_or(o[1] as i64 as i128));
        let st = if plan.shift == 0 {
            sum - i128::from(plan.centre) * i128::from(n)
        } else {
            o[4] as i64 as i128
        };
        let sst = w.total(o[2], o[3] as i64);
        plan.check_accuracy(e, n, st, sst)?;
        Ok((n, sum, plan.squares_of(e, n, sum, st, sst)?))
    }
}

/// Per level of a grouping: label, `n`, `Σy`, `Σy²`.
pub(crate) type Groups = Vec<(String, u64, i128, i128)>;

/// Each group's `(n, mean, variance)` from its sums of words at `unit = 10^scale`.
pub(crate) fn group_stats(groups: &Groups, unit: f64) -> Vec<(f64, f64, f64)> {
    groups
        .iter()
        .map(|(_, n, s1, s2)| {
            let n = *n as f64;
            let mean = *s1 as f64 / unit / n;
            let var = (*s2 as f64 / (unit * unit) - n * mean * mean) / (n - 1.0);
            (n, mean, var)
        })
        .collect()
}

impl super::Evaluator<'_> {
    /// `n`, `Σy`, `Σy²` of `y` in each nonempty level of `g` (group sizes pass `min_cell`).
    pub(crate) fn group_moments(&mut self, e: &Expr, y: PrivVec, g: PrivVec) -> Result<Groups> {
        if !matches!(y.kind, Kind::Num { .. } | Kind::Bool) {
            return Err(EvalError::at(e, "the response must be numeric"));
        }
        let sel = self.and_mask(y.sel.clone(), g.sel.clone())?;
        self.check_selection(e, &sel, &y.layout)?;
        let present = self.and_mask(y.present.clone(), g.present.clone())?;
        let used = self.and_mask(sel, present)?;
        let (labels, ind) = self.levels_of(e, &g)?;
        let masked = match &used {
            Some(m) => {
                let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, &m.shares)).collect();
                self.p.mul_many(&pairs)?
            }
            None => ind,
        };
        let counts: Vec<AShares> = masked.iter().map(AShares::sum).collect();
        let counts = AShares::concat(&counts.iter().collect::<Vec<_>>());
        // The groups' sizes pass min_cell in the batch of the response's support check.
        self.check_with_cells(e, counts.clone(), labels.clone(), |s| {
            s.check_support(e, &y, &used).map(drop)
        })?;
        // Squares of the values centred at their range's midpoint (`moments.rs`).
        let scale = super::agg::scale(&y);
        super::moments::check_sum(e, *y.range, scale, y.len())?;
        let plan = super::moments::Plan::new(e, *y.range, scale, y.len(), true)?;
        if plan.shift > 0 {
            return Err(EvalError::at(
                e,
                "the response has too many significant digits for its squares to be summed \
                 exactly; round it (e.g. to 6 significant digits) first",
            ));
        }
        let centred = y
            .data
            .add_const(self.p.id(), plan.centre.wrapping_neg() as u64);
        let pairs: Vec<(&AShares, &AShares)> = masked
            .iter()
            .flat_map(|m| [(m, &y.data), (m, &centred)])
            .collect();
        let both = self.p.mul_many(&pairs)?;
        let my: Vec<AShares> = both.iter().step_by(2).cloned().collect();
        let mc: Vec<&AShares> = both.iter().skip(1).step_by(2).collect();
        let sq_pairs: Vec<(&AShares, &AShares)> = mc.iter().map(|m| (*m, &centred)).collect();
        let sq = self.p.dot_many(&sq_pairs)?;
        let csums: Vec<AShares> = mc.iter().map(|m| m.sum()).collect();
        let sq = AShares::concat(&[&sq, &AShares::concat(&csums.iter().collect::<Vec<_>>())]);
        let sums: Vec<AShares> = my.iter().map(AShares::sum).collect();
        let sums = AShares::concat(&sums.iter().collect::<Vec<_>>());
        let o = self.p.reveal(&AShares::concat(&[&counts, &sums, &sq]))?;
        let k = labels.len();
        (0..k)
            .filter(|&i| o[i] > 0)
            .map(|i| {
                let sum = o[k + i] as i64 as i128;
                let (sst, st) = (o[2 * k + i] as i64 as i128, o[3 * k + i] as i64 as i128);
                let ss = plan.squares_of(e, o[i], sum, st, sst)?;
                Ok((labels[i].clone(), o[i], sum, ss))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr() -> Expr {
        crate::parse("x").unwrap().stmts[0].expr().clone()
    }

    #[test]
    fn small_ranges_need_no_truncation_and_large_ones_the_least_that_fits() {
        let e = expr();
        let age = Plan::new(&e, Range::new(18.0, 110.0), 0, 1_000_000, true).unwrap();
        assert_eq!(
            age,
            Plan {
                centre: 0,
                shift: 0
            }
        );
        // Days since 1970 over 10^7 rows: centred, not truncated.
        let days = Plan::new(&e, Range::new(0.0, 1e6), 0, 10_000_000, true).unwrap();
        assert_eq!(
            days,
            Plan {
                centre: 500_000,
                shift: 0
            }
        );
        // ptv_cc / 3 at 7 decimals: words up to 6.7e9 around a centre of 3.3e9.
        let p = Plan::new(&e, Range::new(0.0, 666.7), 7, 48, true).unwrap();
        assert_eq!(p.centre, 3_333_500_000);
        let h = 3_333_500_001f64 / 2f64.powi(p.shift as i32) + 2.0;
        assert!(48.0 * h * h < WORD_LIMIT);
        let h = 3_333_500_001f64 / 2f64.powi(p.shift as i32 - 1) + 2.0;
        assert!(48.0 * h * h >= WORD_LIMIT, "{p:?} is not the least shift");
        assert!(check_sum(&e, Range::new(0.0, 1e12), 6, 10).is_err());
    }

    #[test]
    fn the_squares_are_exact_without_truncation() {
        let xs = [3i128, 17, 250, 99, 120];
        let p = Plan {
            centre: 125,
            shift: 0,
        };
        let t: Vec<i128> = xs.iter().map(|x| x - p.centre as i128).collect();
        let got = p
            .squares(
                5,
                xs.iter().sum(),
                t.iter().sum(),
                t.iter().map(|v| v * v).sum(),
            )
            .unwrap();
        assert_eq!(got, xs.iter().map(|v| v * v).sum::<i128>());
    }
}
