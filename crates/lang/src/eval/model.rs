//! `lm(y ~ x1 + x2, data)`: least squares from securely computed cross-products (issue 6).
//!
//! With `m` the mask of rows used (selected, every variable present) and `X = [1, x1, ...]`,
//! the nodes compute `XᵀX`, `Xᵀy` and `yᵀy` over the masked rows (one multiplication round for
//! `m ∘ x_i`, one dot-product round for all cross-products) and reveal them, exact in the
//! ring (scaled integers). The fit is then solved in the clear: `β = (XᵀX)⁻¹ Xᵀy`,
//! `RSS = yᵀy − βᵀXᵀy`, `σ² = RSS / (n − p)`, standard errors from `σ² (XᵀX)⁻¹`, R² from
//! `RSS` and `Σ(y − ȳ)²`. **Reveals** `n`, `XᵀX`, `Xᵀy`, `yᵀy` (the sufficient statistics;
//! the subset rules apply to a filtered `data`). Numeric and logical predictors; code a
//! categorical one with `ifelse()`.
use super::call::Args;
use super::htest::formula;
use super::value::{Kind, LmFit, PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr, ExprKind};
use sharestat_mpc::AShares;

/// The terms of `a + b + c`.
pub(crate) fn terms(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } => {
            let mut v = terms(lhs);
            v.extend(terms(rhs));
            v
        }
        _ => vec![e],
    }
}

pub(crate) use sharestat_stats::linalg::invert;

impl Evaluator<'_> {
    pub(crate) fn lm(
        &mut self,
        e: &Expr,
        a: &Args<'_>,
        scope: Option<&PrivTable>,
    ) -> Result<Value> {
        let f = a.slots[0].ok_or_else(|| EvalError::at(e, "lm(formula, data)"))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "lm() takes a formula y ~ x"))?;
        let t = self.data_arg(e, a.slots[1], scope)?;
        let y = self.in_table(lhs, &t)?;
        let mut xs = Vec::new();
        let mut names = vec!["(Intercept)".to_owned()];
        for term in terms(rhs) {
            let v = self.in_table(term, &t)?;
            if matches!(v.kind, Kind::Cat { .. }) {
                return Err(EvalError::at(
                    term,
                    "categorical predictor: code it with ifelse()",
                ));
            }
            names.push(term.to_string());
            xs.push(v);
        }
        if matches!(y.kind, Kind::Cat { .. }) {
            return Err(EvalError::at(lhs, "the response must be numeric"));
        }
        let (mut sel, mut present) = (y.sel.clone(), y.present.clone());
        for x in &xs {
            sel = self.and_mask(sel, x.sel.clone())?;
            present = self.and_mask(present, x.present.clone())?;
        }
        self.check_selection(e, &sel, &y.layout)?;
        let used = self.and_mask(sel, present)?;
        // Each regressor and the response on the rows that shape it: a 0/1 regressor however
        // built (`age > 90`, `(sex == "m") * 1`) has both its groups pass `min_cell`.
        for v in xs.iter().chain([&y]) {
            self.check_support(e, v, &used)?;
        }
        let n_rows = y.len();
        let scale = super::agg::scale;
        let mut cols: Vec<(AShares, u32)> = vec![(self.ones(n_rows), 0)];
        cols.extend(xs.iter().map(|x| (x.data.clone(), scale(x))));
        cols.push((y.data.clone(), scale(&y)));
        // Masked columns: m ∘ c (the intercept column becomes m itself).
        let masked: Vec<AShares> = match &used {
            Some(m) => {
                let pairs: Vec<(&AShares, &AShares)> =
                    cols[1..].iter().map(|(c, _)| (&m.shares, c)).collect();
                let mut v = vec![m.shares.clone()];
                v.extend(self.p.mul_many(&pairs)?);
                v
            }
            None => cols.iter().map(|(c, _)| c.clone()).collect(),
        };
        // Cross-products Σ m c_i c_j for i <= j over the intercept, predictors and y.
        let k = cols.len();
        let index: Vec<(usize, usize)> = (1..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
        let pairs: Vec<(&AShares, &AShares)> = index
            .iter()
            .map(|&(i, j)| (&masked[i], &cols[j].0))
            .collect();
        let dots = self.p.dot_many(&pairs)?;
        let sums: Vec<AShares> = masked.iter().map(AShares::sum).collect();
        let mut all = sums.clone();
        all.push(dots);
        let o = self
            .p
            .reveal(&AShares::concat(&all.iter().collect::<Vec<_>>()))?;
        let val = |w: u64| w as i64 as f64;
        let mut xx = vec![vec![0.0; k]; k];
        for i in 0..k {
            // Row and column 0: sums of the masked columns (Σ m = n at [0][0]).
            let v = val(o[i]) / 10f64.powi(cols[i].1 as i32);
            xx[0][i] = v;
            xx[i][0] = v;
        }
        for (p, &(i, j)) in index.iter().enumerate() {
            let v = val(o[k + p]) / 10f64.powi((cols[i].1 + cols[j].1) as i32);
            xx[i][j] = v;
            xx[j][i] = v;
        }
        let n = o[0];
        let p = k - 1;
        if n as usize <= p {
            return Err(EvalError::at(e, "fewer rows than coefficients"));
        }
        let xtx: Vec<Vec<f64>> = (0..p).map(|i| xx[i][..p].to_vec()).collect();
        let xty: Vec<f64> = (0..p).map(|i| xx[i][p]).collect();
        let yty = xx[p][p];
        let inv = invert(&xtx).ok_or_else(|| EvalError::at(e, "the predictors are collinear"))?;
        let beta: Vec<f64> = (0..p)
            .map(|i| (0..p).map(|j| inv[i][j] * xty[j]).sum())
            .collect();
        let rss = yty - beta.iter().zip(&xty).map(|(b, v)| b * v).sum::<f64>();
        let df = n - p as u64;
        let sigma2 = rss / df as f64;
        let se: Vec<f64> = (0..p).map(|i| (sigma2 * inv[i][i]).sqrt()).collect();
        let tss = yty - xx[0][p] * xx[0][p] / n as f64;
        let r2 = 1.0 - rss / tss;
        let adj = 1.0 - (1.0 - r2) * (n as f64 - 1.0) / df as f64;
        let data = a.slots[1]
            .map(|d| format!(", data = {d}"))
            .unwrap_or_default();
        Ok(Value::Pub(Public::Model(Box::new(LmFit {
            call: format!("lm(formula = {f}{data})"),
            terms: names,
            coef: beta,
            se,
            n,
            df,
            sigma: sigma2.sqrt(),
            r_squared: r2,
            adj_r_squared: adj,
        }))))
    }
}
