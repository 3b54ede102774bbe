//! `lm(y ~ x1 + x2, data)`: least squares from securely computed cross-products (issue 6).
//!
//! With `m` the mask of rows used (selected, every variable present) and `X = [1, x1, ...]`,
//! the nodes compute `XᵀX`, `Xᵀy` and `yᵀy` over the masked rows (one multiplication round for
//! `m ∘ x_i`, one dot-product round for all cross-products) and reveal them, exact (scaled
//! integers; summed in parts beyond 64 bits where a product could leave the ring,
//! [`super::wide_gram`]). The fit is then solved in the clear: `β = (XᵀX)⁻¹ Xᵀy`,
//! `RSS = yᵀy − βᵀXᵀy`, `σ² = RSS / (n − p)`, standard errors from `σ² (XᵀX)⁻¹`, R² from
//! `RSS` and `Σ(y − ȳ)²`. **Reveals** `n`, `XᵀX`, `Xᵀy`, `yᵀy` (the sufficient statistics;
//! the subset rules apply to a filtered `data`). Numeric, logical and factor terms,
//! interactions and `I()` as R reads them (`formula.rs`). The leverage rule (`max_leverage`, [`super::leverage`])
//! then opens one more bit: whether some row's hat value is above the bound.
use super::call::Args;
use super::htest::formula;
use super::value::{Kind, LmFit, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

pub(crate) use sharestat_stats::linalg::invert;

impl Evaluator<'_> {
    pub(crate) fn lm(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let f = a
            .get("formula")
            .ok_or_else(|| EvalError::at(e, "lm(formula, data)"))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "lm() takes a formula y ~ x"))?;
        let (t, data) = self.model_data(e, a, scope)?;
        let fr = self.model_frame(e, "lm", (lhs, rhs), &t)?;
        if matches!(fr.y.kind, Kind::Cat { .. }) {
            return Err(EvalError::at(lhs, "the response must be numeric"));
        }
        let spans = fr.spans_intercept();
        let (names, xs, y, term_cols, spec) = (fr.names, fr.xs, fr.y, fr.terms, fr.spec);
        // `offset(o)`: a term with coefficient 1, so the coefficients are those of `y - o`;
        // R's fitted values include it (R² below).
        let (offset, off) = match fr.off {
            Some((o, v)) => (Some(o), Some(v)),
            None => (None, None),
        };
        let (candidates, used) = (fr.candidates, fr.used);
        let intercept = fr.intercept;
        let scale = super::agg::scale;
        let skip = usize::from(intercept);
        // The columns: the predictors, the offset, the response.
        let mut vars: Vec<(String, super::range::Range, u32)> = names[skip..]
            .iter()
            .zip(&xs)
            .map(|(t, x)| (t.clone(), *x.range, scale(x)))
            .collect();
        if let (Some(o), Some(v)) = (&offset, &off) {
            vars.push((o.clone(), *v.range, scale(v)));
        }
        vars.push((lhs.to_string(), *y.range, scale(&y)));
        let all: Vec<&super::value::PrivVec> = xs.iter().chain(&off).chain([&y]).collect();
        let cols: Vec<&AShares> = all.iter().map(|x| &x.data).collect();
        let scales: Vec<u32> = all.iter().map(|x| scale(x)).collect();
        let mask = used.as_ref().map(|m| &m.shares);
        // Σ m, Σ m c_i and Σ m c_i c_j over the predictors and y (beyond 64 bits where
        // needed: `wide_gram.rs`).
        let g = self.gram_checked(e, &vars, &cols, mask)?;
        let q = xs.len();
        if g.n as usize <= q + skip {
            return Err(EvalError::at(e, "fewer rows than coefficients"));
        }
        let xx = g.design(&scales);
        let fit = solve(&xx, q, intercept, off.is_some())
            .ok_or_else(|| EvalError::at(e, "the predictors are collinear"))?;
        let anova = (intercept && off.is_none())
            .then(|| sequential_ss(&xx, q, &term_cols))
            .flatten()
            .map(|rows| sharestat_rstats::aov::AnovaLm {
                response: lhs.to_string(),
                rows,
                residual: (fit.df, fit.sigma * fit.sigma * fit.df as f64),
                balanced: balanced(&xx, q),
            });
        // The offset is opened with the predictors' products: the leverage rule covers it
        // as one more column (one that isolates a row would give that row's response away
        // as `Σoy / Σo`).
        let lev = q + usize::from(off.is_some());
        self.check_leverage(e, &cols[..lev], &scales[..lev], mask, (&g, spans))?;
        Ok(Value::Pub(Public::Model(Box::new(LmFit {
            call: format!("lm(formula = {f}{data})"),
            terms: names,
            coef: fit.coef,
            se: fit.se,
            n: fit.n,
            df: fit.df,
            sigma: fit.sigma,
            r_squared: fit.r_squared,
            adj_r_squared: fit.adj_r_squared,
            intercept,
            deleted: candidates.map(|c| c.saturating_sub(fit.n)),
            summary: false,
            anova,
            cov: fit.cov,
            spec,
        }))))
    }
}

/// Whether the design's columns (intercept and `q` predictors of `xx`) are orthogonal: R's
/// `print.aov` test, the off-diagonal of the QR factor `R` (here the Cholesky factor of
/// `XᵀX`, equal up to signs) against its diagonal, relative `sqrt(ε)`.
fn balanced(xx: &[Vec<f64>], q: usize) -> bool {
    let p = q + 1;
    let mut l = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = xx[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            l[i][j] = if i == j {
                s.max(0.0).sqrt()
            } else {
                s / l[j][j]
            };
        }
    }
    let diag: f64 = (0..p).map(|i| l[i][i].abs()).sum();
    let off: f64 = (0..p)
        .flat_map(|i| (0..i).map(move |j| (i, j)))
        .map(|(i, j)| l[i][j].abs())
        .sum();
    diag > 0.0 && off / diag <= f64::EPSILON.sqrt()
}

/// R's sequential sums of squares (`anova(lm)`) from the cross-products `xx` (intercept,
/// `q` predictors, the response last): for each term in order, the residual sum of squares
/// of the model up to the term before it less the one with it (a least-squares solve of
/// each nested design in the clear). `None` when a nested design is singular.
fn sequential_ss(
    xx: &[Vec<f64>],
    q: usize,
    terms: &[(String, usize)],
) -> Option<Vec<(String, u64, f64)>> {
    let y = q + 1;
    let rss = |cols: &[usize]| -> Option<f64> {
        let a: Vec<Vec<f64>> = cols
            .iter()
            .map(|&i| cols.iter().map(|&j| xx[i][j]).collect())
            .collect();
        let b: Vec<f64> = cols.iter().map(|&i| xx[i][y]).collect();
        let inv = invert(&a)?;
        let fitted: f64 = (0..cols.len())
            .map(|i| b[i] * (0..cols.len()).map(|j| inv[i][j] * b[j]).sum::<f64>())
            .sum();
        Some(xx[y][y] - fitted)
    };
    let mut cols = vec![0];
    let mut prev = rss(&cols)?;
    let mut out = Vec::new();
    for (label, k) in terms {
        let from = cols.len();
        cols.extend(from..from + k);
        let now = rss(&cols)?;
        out.push((label.clone(), *k as u64, prev - now));
        prev = now;
    }
    Some(out)
}

/// A least-squares fit in the clear.
#[derive(Debug)]
struct Fit {
    n: u64,
    coef: Vec<f64>,
    se: Vec<f64>,
    cov: Vec<Vec<f64>>,
    df: u64,
    sigma: f64,
    r_squared: f64,
    adj_r_squared: f64,
}

/// The fit from the design's cross-products `xx` (intercept first, then `q` predictors, then
/// the offset if `offset`, then the response), as R's `lm` and `summary.lm` (R 4.2):
/// `β = (XᵀX)⁻¹Xᵀ(y − o)`, `σ² = RSS / (n − p)`, `R² = MSS / (MSS + RSS)` with `MSS` the
/// spread of the fitted values `Xβ + o` (about their mean with an intercept, about 0
/// without). `None` when the predictors are collinear.
fn solve(xx: &[Vec<f64>], q: usize, intercept: bool, offset: bool) -> Option<Fit> {
    let n = xx[0][0];
    // Indices into `xx` of the design's columns, of the offset and of the response.
    let cols: Vec<usize> = (usize::from(!intercept)..=q).collect();
    let (o, y) = (offset.then_some(q + 1), q + 1 + usize::from(offset));
    let p = cols.len();
    let xtx: Vec<Vec<f64>> = cols
        .iter()
        .map(|&i| cols.iter().map(|&j| xx[i][j]).collect())
        .collect();
    // Products with y − o.
    let with_resp = |i: usize| xx[i][y] - o.map_or(0.0, |o| xx[i][o]);
    let xty: Vec<f64> = cols.iter().map(|&i| with_resp(i)).collect();
    let yty = xx[y][y] - o.map_or(0.0, |o| 2.0 * xx[o][y] - xx[o][o]);
    let inv = invert(&xtx)?;
    let beta: Vec<f64> = (0..p)
        .map(|i| (0..p).map(|j| inv[i][j] * xty[j]).sum())
        .collect();
    let rss = yty - beta.iter().zip(&xty).map(|(b, v)| b * v).sum::<f64>();
    let df = (n as u64).saturating_sub(p as u64);
    let sigma2 = rss / df as f64;
    let se: Vec<f64> = (0..p).map(|i| (sigma2 * inv[i][i]).sqrt()).collect();
    // Σf and Σf² of the fitted values f = Xβ + o.
    let bxb: f64 = (0..p)
        .map(|i| (0..p).map(|j| beta[i] * xtx[i][j] * beta[j]).sum::<f64>())
        .sum();
    let (sum_f, sum_f2) = match o {
        Some(o) => (
            cols.iter()
                .zip(&beta)
                .map(|(&i, b)| b * xx[0][i])
                .sum::<f64>()
                + xx[0][o],
            bxb + 2.0
                * cols
                    .iter()
                    .zip(&beta)
                    .map(|(&i, b)| b * xx[i][o])
                    .sum::<f64>()
                + xx[o][o],
        ),
        None => (
            cols.iter().zip(&beta).map(|(&i, b)| b * xx[0][i]).sum(),
            bxb,
        ),
    };
    let r2 = match (offset, intercept) {
        // Without an offset, 1 − RSS/TSS (the same number, from fewer operations).
        (false, true) => 1.0 - rss / (yty - xx[0][y] * xx[0][y] / n),
        (false, false) => 1.0 - rss / yty,
        (true, true) => {
            let mss = sum_f2 - sum_f * sum_f / n;
            mss / (mss + rss)
        }
        (true, false) => sum_f2 / (sum_f2 + rss),
    };
    let adj = 1.0 - (1.0 - r2) * (n - f64::from(u8::from(intercept))) / df as f64;
    Some(Fit {
        n: n as u64,
        coef: beta,
        se,
        cov: inv
            .iter()
            .map(|r| r.iter().map(|v| v * sigma2).collect())
            .collect(),
        df,
        sigma: sigma2.sqrt(),
        r_squared: r2,
        adj_r_squared: adj,
    })
}
