//! `wilcox.test` as R's, the whole function in one module (issue 15: its registry entry, and
//! its evaluation; the checker's rule for statistical functions applies): the rank-sum (Mann-Whitney) test of two samples or `y ~ g`, and the
//! signed-rank test of one sample or of paired differences (`paired = TRUE`), each with
//! `alternative`, `mu`, `exact` and `correct` as R reads them.
//!
//! Computed securely (`sharestat_stats::rank`): for the rank-sum test `W` and the tie
//! correction `Σ(t³ − t)` with the group sizes (an oblivious sort and two scans); for the
//! signed-rank test `V`, `Σ(t³ − t)` of the ranks of `|d|`, the number of non-zero and of
//! all used differences (R drops the zeros). In the clear (`sharestat_rstats`): R's exact
//! p-value (`pwilcox`, `psignrank`) without ties (and zeros) below 50 observations (per
//! group), otherwise the normal approximation with R's tie and continuity corrections.
//! `mu` shifts the first sample (`x − mu`, or `d − mu`) exactly, as a public constant.
use super::args::Args;
use super::{Builtin, Param};
use crate::ast::{BinOp, Expr, ExprKind};
use crate::eval::htest::{formula, usable};
use crate::eval::ttest::Alt;
use crate::eval::value::{HTest, PrivTable, PrivVec, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_mpc::AShares;
use sharestat_rstats::{signrank, wilcox};

/// The entry of `wilcox.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "wilcox.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("data", "NULL"),
        Param::optional("alternative", "\"two.sided\""),
        Param::optional("mu", "0"),
        Param::optional("paired", "FALSE"),
        Param::optional("exact", "NULL"),
        Param::optional("correct", "TRUE"),
        Param::optional("conf.level", "0.95"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "wilcox.test(y ~ g, data), wilcox.test(x, y): rank-sum test; wilcox.test(x, mu =) or (x, y, paired = TRUE): signed-rank test",
    reveals: "rank sum: group sizes, W, Σ(t³ - t); signed rank: n used, n non-zero, V, Σ(t³ - t)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let test = ev.wilcox_test(e, a, scope)?;
    Ok(Value::Pub(Public::Test(Box::new(usable(e, test)?))))
}

/// What R's `wilcox.test` reads besides the data.
#[derive(Clone, Copy, Debug)]
struct Opts {
    alt: Alt,
    mu: f64,
    correct: bool,
    /// R's `exact` (`NULL`: exact below 50 observations, per group for two samples).
    exact: Option<bool>,
}

/// Up to this many non-zero differences `exact = TRUE` tabulates the signed-rank
/// distribution (`n²/2` counts); beyond, refused with R's default as the way out.
const MAX_EXACT_SIGNED: u64 = 400;

impl Evaluator<'_> {
    /// `wilcox.test(y ~ g, data)`, `wilcox.test(x, y)`, `wilcox.test(x)` or
    /// `wilcox.test(x, y, paired = TRUE)`.
    fn wilcox_test(&mut self, e: &Expr, a: &Args<'_>, scope: Option<&PrivTable>) -> Result<HTest> {
        let x = a
            .get("x")
            .ok_or_else(|| EvalError::at(e, "wilcox.test(x, y) or y ~ g"))?;
        let paired = self.flag(a.get("paired"), scope, 0.0)? != 0.0;
        let mu = self.flag(a.get("mu"), scope, 0.0)?;
        if !mu.is_finite() {
            return Err(EvalError::at(
                a.get("mu").unwrap_or(e),
                "'mu' must be a single number",
            ));
        }
        // R's `exact`: NULL for exact p-values below 50 (per group), else as given (ties
        // and zeros always take the normal approximation, as R's with its warning).
        let exact = self.exact_arg(a, scope)?;
        let o = Opts {
            alt: self.alternative(a, scope)?,
            mu,
            correct: self.flag(a.get("correct"), scope, 1.0)? != 0.0,
            exact,
        };
        // Without `conf.int` (not available), R does not use `conf.level`; checked as R
        // checks it.
        self.level(a, scope)?;
        if let Some((lhs, rhs)) = formula(x) {
            if paired {
                return Err(EvalError::at(
                    x,
                    "paired = TRUE with a formula: give the two measurements, \
                     wilcox.test(x, y, paired = TRUE)",
                ));
            }
            return self.rank_sum_formula(e, a.get("data"), scope, (lhs, rhs), o);
        }
        let xv = self.wilcox_sample(e, x, scope)?;
        let Some(y) = a.get("y") else {
            if paired {
                return Err(EvalError::at(e, "'y' is missing for paired test"));
            }
            let d = self.shifted(e, xv, mu)?;
            return self.signed_rank_test(e, d, o, (x.to_string(), "location"));
        };
        let yv = self.wilcox_sample(e, y, scope)?;
        if paired {
            // The differences over the rows where both are present (R's complete.cases).
            let parts = [(x, &Value::Vec(xv.clone())), (y, &Value::Vec(yv.clone()))];
            crate::eval::ops::same_lengths(e, &parts)?;
            let Value::Vec(d) = self.binary(e, BinOp::Sub, Value::Vec(xv), Value::Vec(yv))? else {
                return Err(EvalError::at(
                    e,
                    "wilcox.test(): the differences are not private",
                ));
            };
            let d = self.shifted(e, d, mu)?;
            return self.signed_rank_test(e, d, o, (format!("{x} and {y}"), "location shift"));
        }
        let xv = self.shifted(e, xv, mu)?;
        self.rank_sum_xy(e, (xv, yv), o, format!("{x} and {y}"))
    }

    /// A sample of `wilcox.test`: a private numeric vector.
    fn wilcox_sample(&mut self, e: &Expr, x: &Expr, scope: Option<&PrivTable>) -> Result<PrivVec> {
        match self.eval_in(x, scope)? {
            Value::Vec(v) if matches!(v.kind, crate::eval::value::Kind::Num { .. }) => Ok(v),
            _ => Err(EvalError::at(
                if matches!(x.kind, ExprKind::Null) {
                    e
                } else {
                    x
                },
                "wilcox.test() of private numeric vectors",
            )),
        }
    }

    /// `v − mu` (exact: `mu` is a public constant, at the decimals that write it).
    fn shifted(&mut self, e: &Expr, v: PrivVec, mu: f64) -> Result<PrivVec> {
        if mu == 0.0 {
            return Ok(v);
        }
        let c = Value::Pub(Public::Num {
            values: vec![Some(mu)],
            names: None,
        });
        match self.binary(e, BinOp::Sub, Value::Vec(v), c)? {
            Value::Vec(v) => Ok(v),
            _ => Err(EvalError::at(
                e,
                "wilcox.test(): the shifted values are not private",
            )),
        }
    }

    /// The signed-rank test of the differences `d` (already shifted by `mu`).
    fn signed_rank_test(
        &mut self,
        e: &Expr,
        d: PrivVec,
        o: Opts,
        (data_name, what): (String, &str),
    ) -> Result<HTest> {
        self.check_selection(e, &d.sel, &d.layout)?;
        let used = self.and_mask(d.sel.clone(), d.present.clone())?;
        self.check_support(e, &d, &used)?;
        crate::eval::checks::check_key(e, d.range, crate::eval::agg::scale(&d))?;
        let m = self.mask_or_ones(&used, d.len());
        let [n_used, n, two_v, ties] = sharestat_stats::rank::signed_rank(self.p, &d.data, &m)?;
        if n_used == 0 {
            return Err(EvalError::at(
                e,
                "not enough (non-missing) 'x' observations",
            ));
        }
        if n == 0 {
            return Err(EvalError::at(
                e,
                "every difference is zero (after subtracting mu): the test is undefined (R's \
                 p-value is NA)",
            ));
        }
        let (v, nf) = (two_v as f64 / 2.0, n as f64);
        let wants_exact = o.exact.unwrap_or(n < 50);
        let exact = wants_exact && ties == 0 && n == n_used;
        if exact && n > MAX_EXACT_SIGNED {
            return Err(EvalError::at(
                e,
                format!(
                    "exact = TRUE over {n} differences: the exact distribution is too long to \
                     compute here (up to {MAX_EXACT_SIGNED}); the normal approximation \
                     (exact = FALSE) is R's default beyond 50"
                ),
            ));
        }
        let p = if exact {
            signrank::p_value(v, n as usize, o.alt)
        } else {
            let z = v - nf * (nf + 1.0) / 4.0;
            let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - ties as f64 / 48.0).sqrt();
            o.alt.normal_p((z - o.alt.correction(z, o.correct)) / sigma)
        };
        Ok(wilcox_htest(
            "Wilcoxon signed rank",
            exact,
            ("V", v, p),
            (data_name, what),
            o,
        ))
    }

    /// The groups of `y ~ g` (`g` a factor, logical or numeric grouping): per level its label,
    /// its 0/1 indicator over the rows used (selected, both present) and its size, opened
    /// after the sizes pass `min_cell` with the response's support check.
    pub(crate) fn groups_of(
        &mut self,
        e: &Expr,
        (y, g): (&PrivVec, &PrivVec),
        rhs: &Expr,
    ) -> Result<(Vec<String>, Vec<AShares>, Vec<u64>)> {
        let sel = self.and_mask(y.sel.clone(), g.sel.clone())?;
        self.check_selection(e, &sel, &y.layout)?;
        let present = self.and_mask(y.present.clone(), g.present.clone())?;
        let used = self.and_mask(sel, present)?;
        let m = self.mask_or_ones(&used, y.len());
        let (labels, ind) = self.levels_of(rhs, g)?;
        let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, &m)).collect();
        let masked = self.p.mul_many(&pairs)?;
        let counts: Vec<AShares> = masked.iter().map(AShares::sum).collect();
        let counts = AShares::concat(&counts.iter().collect::<Vec<_>>());
        // The groups' sizes pass min_cell in the batch of the response's support check.
        self.check_with_cells(e, counts.clone(), labels.clone(), |s| {
            s.check_support(e, y, &used).map(drop)
        })?;
        let n = self.p.reveal(&counts)?;
        Ok((labels, masked, n))
    }

    /// The rank-sum test of `y ~ g` in `data`: the first level's values shifted by `mu`.
    fn rank_sum_formula(
        &mut self,
        e: &Expr,
        data: Option<&Expr>,
        scope: Option<&PrivTable>,
        (lhs, rhs): (&Expr, &Expr),
        o: Opts,
    ) -> Result<HTest> {
        let t = self.data_arg(e, data, scope)?;
        let (y, g) = (self.in_table(lhs, &t)?, self.in_table(rhs, &t)?);
        let (_, masked, n) = self.groups_of(e, (&y, &g), rhs)?;
        let nonempty: Vec<usize> = (0..n.len()).filter(|&i| n[i] > 0).collect();
        let [i, j] = nonempty.as_slice() else {
            return Err(EvalError::at(
                rhs,
                "grouping factor must have exactly 2 levels",
            ));
        };
        let (ga, gb) = (masked[*i].clone(), masked[*j].clone());
        // x − mu for the first group's rows: y − ga (y − shifted), one product.
        let shifted = self.shifted(e, y.clone(), o.mu)?;
        let s = crate::eval::agg::scale(&shifted);
        let mut bits = 8;
        for v in [&y, &shifted] {
            crate::eval::checks::check_key(lhs, v.range, s)?;
            bits = bits.max(crate::eval::checks::key_bits(v.range, s));
        }
        let base = crate::eval::ops::rescale(&y.data, crate::eval::agg::scale(&y), s).into_owned();
        let values = if o.mu == 0.0 {
            base
        } else {
            let step = base.sub(&shifted.data);
            base.sub(&self.p.mul(&ga, &step)?)
        };
        self.rank_sum(e, ((&values, bits), &ga, &gb), o, format!("{lhs} by {rhs}"))
    }

    /// The rank-sum test of two private samples (`x` already shifted by `mu`).
    fn rank_sum_xy(
        &mut self,
        e: &Expr,
        (xv, yv): (PrivVec, PrivVec),
        o: Opts,
        data_name: String,
    ) -> Result<HTest> {
        let mut masks = Vec::new();
        for v in [&xv, &yv] {
            self.check_selection(e, &v.sel, &v.layout)?;
            let used = self.and_mask(v.sel.clone(), v.present.clone())?;
            self.check_support(e, v, &used)?;
            masks.push(self.mask_or_ones(&used, v.len()));
        }
        let (nx, ny) = (xv.len(), yv.len());
        let z = |n: usize| AShares::from_parts(vec![0; n], vec![0; n]);
        let s = crate::eval::agg::scale(&xv).max(crate::eval::agg::scale(&yv));
        let mut bits = 8;
        for v in [&xv, &yv] {
            crate::eval::checks::check_key(e, v.range, s)?;
            bits = bits.max(crate::eval::checks::key_bits(v.range, s));
        }
        let values = AShares::concat(&[
            &crate::eval::ops::rescale(&xv.data, crate::eval::agg::scale(&xv), s),
            &crate::eval::ops::rescale(&yv.data, crate::eval::agg::scale(&yv), s),
        ]);
        let ga = AShares::concat(&[&masks[0], &z(ny)]);
        let gb = AShares::concat(&[&z(nx), &masks[1]]);
        self.rank_sum(e, ((&values, bits), &ga, &gb), o, data_name)
    }

    /// `W` of group A against group B of `values`, and R's p-value.
    fn rank_sum(
        &mut self,
        e: &Expr,
        ((values, bits), ga, gb): ((&AShares, u32), &AShares, &AShares),
        o: Opts,
        data_name: String,
    ) -> Result<HTest> {
        let (n1, n2) = {
            let o = self.p.reveal(&AShares::concat(&[&ga.sum(), &gb.sum()]))?;
            (o[0] as f64, o[1] as f64)
        };
        if n1 == 0.0 || n2 == 0.0 {
            let which = if n1 == 0.0 { "'x'" } else { "'y'" };
            return Err(EvalError::at(
                e,
                format!("not enough (non-missing) {which} observations"),
            ));
        }
        let stats = sharestat_stats::rank::mann_whitney_in(self.p, (values, bits), ga, gb)?;
        rank_sum_test(e, (n1, n2), stats, o, data_name)
    }
}

/// R's default two-sided rank-sum test (`exact` and `correct` as R's) of groups of `n1` and
/// `n2` values from `2U` and the ties' `Σ(t³ − t)` (computed by the caller, as `table1` does
/// from its one sort of a column).
pub(crate) fn rank_sum_from(
    e: &Expr,
    sizes: (f64, f64),
    stats: (u64, u64),
    data_name: String,
) -> Result<HTest> {
    let o = Opts {
        alt: Alt::TwoSided,
        mu: 0.0,
        correct: true,
        exact: None,
    };
    rank_sum_test(e, sizes, stats, o, data_name)
}

/// R's rank-sum test of groups of `n1` and `n2` values from `2U` and `Σ(t³ − t)`.
fn rank_sum_test(
    e: &Expr,
    (n1, n2): (f64, f64),
    (two_u, ties): (u64, u64),
    o: Opts,
    data_name: String,
) -> Result<HTest> {
    let w = two_u as f64 / 2.0;
    let exact = ties == 0 && o.exact.unwrap_or(n1 < 50.0 && n2 < 50.0);
    if exact && n1 * n2 > wilcox::MAX_EXACT_PAIRS {
        return Err(EvalError::at(
            e,
            format!(
                "exact = TRUE over {n1} x {n2} pairs: the exact distribution is too long to \
                 compute; the normal approximation (exact = FALSE) is R's default here"
            ),
        ));
    }
    let p = if exact {
        wilcox::p_value(w, n1 as usize, n2 as usize, o.alt)
    } else {
        let z = w - n1 * n2 / 2.0;
        let sigma = ((n1 * n2 / 12.0)
            * ((n1 + n2 + 1.0) - ties as f64 / ((n1 + n2) * (n1 + n2 - 1.0))))
            .sqrt();
        o.alt.normal_p((z - o.alt.correction(z, o.correct)) / sigma)
    };
    Ok(wilcox_htest(
        "Wilcoxon rank sum",
        exact,
        ("W", w, p),
        (data_name, "location shift"),
        o,
    ))
}

/// R's `htest` of `wilcox.test`: `"<kind> exact test"`, or `"<kind> test"` with `"with
/// continuity correction"` when the normal approximation is corrected.
fn wilcox_htest(
    kind: &str,
    exact: bool,
    (stat, value, p): (&str, f64, f64),
    (data_name, what): (String, &str),
    o: Opts,
) -> HTest {
    let alternative = format!(
        "true {what} is {} {}",
        o.alt.words(),
        crate::display::fmt_num(o.mu)
    );
    let method = if exact {
        format!("{kind} exact test")
    } else if o.correct {
        format!("{kind} test with continuity correction")
    } else {
        format!("{kind} test")
    };
    HTest {
        method,
        data_name,
        statistic: Some((stat.into(), value)),
        parameter: Vec::new(),
        p_value: p.min(1.0),
        alternative,
        conf_int: None,
        estimate: Vec::new(),
    }
}
