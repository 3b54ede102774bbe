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
        let f = a.slots[0].ok_or_else(|| EvalError::at(e, "lm(formula, data)"))?;
        let (lhs, rhs) =
            formula(f).ok_or_else(|| EvalError::at(f, "lm() takes a formula y ~ x"))?;
        let t = self.data_arg(e, a.slots[1], scope)?;
        let y = self.in_table(lhs, &t)?;
        let form = super::formula::expand(rhs)?;
        if let Some(s) = form.strata.first().or(form.offsets.first()) {
            return Err(EvalError::at(
                s,
                "strata() and offset() are not available in lm(); strata() is for coxph()",
            ));
        }
        let mut xs = Vec::new();
        let mut names = Vec::new();
        if form.intercept {
            names.push("(Intercept)".to_owned());
        }
        for (i, term) in form.terms.iter().enumerate() {
            for (name, v) in self.term_columns(term, &t, !form.intercept && i == 0)? {
                names.push(name);
                xs.push(v);
            }
        }
        if xs.is_empty() && !form.intercept {
            return Err(EvalError::at(rhs, "lm() needs an intercept or a predictor"));
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
        let scale = super::agg::scale;
        let skip = usize::from(form.intercept);
        let mut vars: Vec<(String, super::range::Range, u32)> = names[skip..]
            .iter()
            .zip(&xs)
            .map(|(t, x)| (t.clone(), *x.range, scale(x)))
            .collect();
        vars.push((lhs.to_string(), *y.range, scale(&y)));
        let mut cols: Vec<&AShares> = xs.iter().map(|x| &x.data).collect();
        cols.push(&y.data);
        let scales: Vec<u32> = xs.iter().chain([&y]).map(scale).collect();
        let mask = used.as_ref().map(|m| &m.shares);
        // Σ m, Σ m c_i and Σ m c_i c_j over the predictors and y (beyond 64 bits where
        // needed: `wide_gram.rs`).
        let g = self.gram_checked(e, &vars, &cols, mask)?;
        let mut xx = g.design(&scales);
        if !form.intercept {
            // Without an intercept: the design's first row and column (the 1s) go.
            xx = xx[1..].iter().map(|r| r[1..].to_vec()).collect();
        }
        let k = xx.len();
        let n = g.n;
        let p = k - 1;
        if n as usize <= p {
            return Err(EvalError::at(e, "fewer rows than coefficients"));
        }
        let xtx: Vec<Vec<f64>> = (0..p).map(|i| xx[i][..p].to_vec()).collect();
        let xty: Vec<f64> = (0..p).map(|i| xx[i][p]).collect();
        let yty = xx[p][p];
        let inv = invert(&xtx).ok_or_else(|| EvalError::at(e, "the predictors are collinear"))?;
        let q = xs.len();
        self.check_leverage(e, &cols[..q], &scales[..q], mask, &g)?;
        let beta: Vec<f64> = (0..p)
            .map(|i| (0..p).map(|j| inv[i][j] * xty[j]).sum())
            .collect();
        let rss = yty - beta.iter().zip(&xty).map(|(b, v)| b * v).sum::<f64>();
        let df = n - p as u64;
        let sigma2 = rss / df as f64;
        let se: Vec<f64> = (0..p).map(|i| (sigma2 * inv[i][i]).sqrt()).collect();
        // R's R² is about the mean with an intercept, about 0 without one.
        let tss = if form.intercept {
            yty - xx[0][p] * xx[0][p] / n as f64
        } else {
            yty
        };
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
