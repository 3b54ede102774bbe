//! Frequency tables: one-way (`freq`, `table(x)`, with `useNA`) of categoricals, logicals and
//! numeric values (distinct values, `sharestat_stats::distinct`), and two-way (`table(x, y)`).
//! **Reveals** the cell counts, each 0 or at least `min_cell` (checked securely first), after
//! the subset rules; the number of levels is at most `max_levels`.
use super::agg::{days_to_date, dim_name};
use super::value::{Kind, PrivVec, Public, Table, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;
use sharestat_stats::Column;
use sharestat_stats::distinct::{Distinct, distinct_counts};

impl Evaluator<'_> {
    /// Level labels and 0/1 indicator columns of a categorical or logical vector.
    pub(crate) fn levels_of(
        &mut self,
        e: &Expr,
        v: &PrivVec,
    ) -> Result<(Vec<String>, Vec<AShares>)> {
        match &v.kind {
            Kind::Cat { levels } => Ok((levels.clone(), self.onehot(e, v)?)),
            Kind::Bool => {
                let not = v.data.neg().add_const(self.p.id(), 1);
                Ok((
                    vec!["FALSE".into(), "TRUE".into()],
                    vec![not, v.data.clone()],
                ))
            }
            Kind::Num { .. } | Kind::Date => self.numeric_levels(e, v),
        }
    }

    /// A numeric (or date) grouping variable as R groups it, by its distinct values: found
    /// securely (`sharestat_stats::distinct`, which reveals them with their counts, each at
    /// least `min_cell`, at most `max_levels` of them: the table `table(g)` shows), then one
    /// equality test per row and value for the indicator columns.
    fn numeric_levels(&mut self, e: &Expr, v: &PrivVec) -> Result<(Vec<String>, Vec<AShares>)> {
        let scale = super::agg::scale(v);
        super::checks::check_key(e, *v.range, scale)?;
        let words: Vec<i64> = self
            .distinct_of(e, v)?
            .into_iter()
            .map(|(x, _)| x)
            .collect();
        let labels = value_labels(v, words.iter().copied());
        let (n, k) = (v.len(), words.len());
        let me = self.p.id();
        let diffs: Vec<AShares> = words
            .iter()
            .map(|&w| v.data.add_const(me, (w as u64).wrapping_neg()))
            .collect();
        let zero = AShares::from_parts(vec![0; n * k], vec![0; n * k]);
        let bits = self.p.eq(
            &AShares::concat(&diffs.iter().collect::<Vec<_>>()),
            &zero,
            super::ops::CMP_BITS,
        )?;
        let mut hit = self.p.b2a_bits(&bits)?;
        // A missing value is stored as 0, which would match the value 0.
        if let Some(m) = &v.present {
            let masks: Vec<&AShares> = (0..k).map(|_| &m.shares).collect();
            hit = self.p.mul(&hit, &AShares::concat(&masks))?;
        }
        let ind = (0..k).map(|i| hit.slice(i * n..(i + 1) * n)).collect();
        Ok((labels, ind))
    }

    /// One-way frequency table (`freq`, `table(x)`), with an `NA` cell for `useNA`.
    pub(crate) fn freq(&mut self, e: &Expr, arg: &Expr, x: Value, use_na: &str) -> Result<Value> {
        let Value::Vec(v) = x else {
            return Err(EvalError::at(e, "freq() takes a vector"));
        };
        let dim = dim_name(arg);
        if let Kind::Num { .. } | Kind::Date = v.kind {
            let table = self.freq_numeric(e, v.clone(), dim)?;
            return self.with_na_cell(e, &v, table, use_na);
        }
        let computed;
        let (mut labels, ind): (Vec<String>, &[AShares]) = match (&v.kind, &v.onehot) {
            (Kind::Cat { levels }, Some(oh)) => (levels.clone(), oh),
            _ => {
                computed = self.levels_of(e, &v)?;
                (computed.0.clone(), &computed.1)
            }
        };
        self.check_levels(e, labels.len())?;
        self.check_selection(e, &v.sel, &v.layout)?;
        let used = self.used(&v)?;
        let refs: Vec<&AShares> = ind.iter().collect();
        // Boolean indicators must be masked by presence; one-hot columns are 0 where missing.
        let mask = match (&v.kind, &used) {
            (Kind::Bool, _) | (_, Some(_)) => used.as_ref().map(|m| &m.shares),
            _ => None,
        };
        let mut counts = match (mask, &v.kind) {
            (None, _) => AShares::concat(
                &refs
                    .iter()
                    .map(|c| c.sum())
                    .collect::<Vec<_>>()
                    .iter()
                    .collect::<Vec<_>>(),
            ),
            (Some(m), _) => self.p.freq_onehot(&refs, Some(m))?,
        };
        if use_na != "no" {
            let na = self.na_count(&v)?;
            counts = AShares::concat(&[&counts, &na]);
            labels.push("<NA>".into());
        }
        let zero_ok = !ordered(&v);
        let released = if self.perturbed() {
            // Each cell's key: its rows' record keys added up (cells: the levels among the
            // used rows, then the missing among the selected).
            let n = v.len();
            let keys = self.record_keys(&v.layout)?;
            let used_keys = match &used {
                Some(m) => std::sync::Arc::new(self.p.mul(&m.shares, &keys)?),
                None => keys.clone(),
            };
            // Without a mask the levels partition the rows: the last one's key is the rest of
            // all the rows' keys (one dot product fewer).
            let last = (mask.is_none() && refs.len() > 1).then(|| refs.len() - 1);
            let mut pairs: Vec<(&AShares, &AShares)> = refs[..last.unwrap_or(refs.len())]
                .iter()
                .map(|c| (*c, used_keys.as_ref()))
                .collect();
            let na_rows;
            if use_na != "no" {
                na_rows = self
                    .mask_or_ones(&v.sel, n)
                    .sub(&self.mask_or_ones(&used, n));
                pairs.push((&na_rows, keys.as_ref()));
            }
            let all = keys.sum();
            let cell_keys = move |cks: AShares| match last {
                Some(l) => {
                    let rest = all.sub(&cks.slice(0..l).sum());
                    let na = cks.slice(l..cks.len());
                    AShares::concat(&[&cks.slice(0..l), &rest, &na])
                }
                None => cks,
            };
            let keys = (&pairs[..], Box::new(cell_keys) as Box<dyn FnOnce(_) -> _>);
            self.released_table(e, &counts, &labels, zero_ok, Some(keys), (1, labels.len()))?
        } else {
            self.released_table(e, &counts, &labels, zero_ok, None, (1, labels.len()))?
        };
        let (mut opened, mut hidden) = (released.counts, released.hidden);
        if use_na == "ifany" && opened.last() == Some(&0) && hidden.last() == Some(&false) {
            opened.pop();
            hidden.pop();
            labels.pop();
        }
        let table = Table {
            dims: vec![(dim, labels)],
            counts: opened,
        };
        Ok(self.table_value(table, hidden))
    }

    /// The number of missing values of `v` among its selected rows (shares).
    fn na_count(&mut self, v: &PrivVec) -> Result<AShares> {
        let n = v.len() as u64;
        Ok(match (&v.present, &v.sel) {
            (None, _) => AShares::from_parts(vec![0], vec![0]),
            (Some(pm), None) => pm.shares.sum().neg().add_const(self.p.id(), n),
            (Some(pm), Some(s)) => s.shares.sum().sub(&self.p.dot(&s.shares, &pm.shares)?),
        })
    }

    /// A numeric frequency table with R's `<NA>` cell for `useNA = "ifany"` (when some value
    /// is missing) or `"always"`: the count of missing values passes the cell rule (and takes
    /// its noise in the perturbation mode) as every cell does.
    fn with_na_cell(&mut self, e: &Expr, v: &PrivVec, table: Value, use_na: &str) -> Result<Value> {
        let Value::Pub(Public::Table(mut t)) = table else {
            return Ok(table);
        };
        if use_na == "no" {
            return Ok(Value::Pub(Public::Table(t)));
        }
        let na = self.na_count(v)?;
        let label = ["<NA>".to_owned()];
        let released = if self.perturbed() {
            let n = v.len();
            let keys = self.record_keys(&v.layout)?;
            let used = self.used(v)?;
            let na_rows = self
                .mask_or_ones(&v.sel, n)
                .sub(&self.mask_or_ones(&used, n));
            let pairs = [(&na_rows, keys.as_ref())];
            let same = Box::new(|c: AShares| c) as Box<dyn FnOnce(_) -> _>;
            self.released_counts(e, &na, &label, true, Some((&pairs[..], same)))?
        } else {
            self.released_counts(e, &na, &label, true, None)?
        };
        if use_na == "always" || released[0] > 0 {
            t.dims[0].1.push(label[0].clone());
            t.counts.push(released[0]);
        }
        Ok(Value::Pub(Public::Table(t)))
    }

    /// Frequency table of a numeric vector: its distinct values (`sharestat_stats::distinct`).
    pub(crate) fn freq_numeric(&mut self, e: &Expr, v: PrivVec, dim: String) -> Result<Value> {
        let counts = self.distinct_of(e, &v)?;
        let labels = value_labels(&v, counts.iter().map(|(x, _)| *x));
        Ok(Value::Pub(Public::Table(Table {
            dims: vec![(dim, labels)],
            counts: counts.into_iter().map(|(_, n)| n).collect(),
        })))
    }

    /// The distinct present values of `v` (encoded) with their counts, each at least
    /// `min_cell` and at most `max_levels` of them, or the refusal.
    fn distinct_of(&mut self, e: &Expr, v: &PrivVec) -> Result<Vec<(i64, u64)>> {
        self.check_selection(e, &v.sel, &v.layout)?;
        let scale = super::agg::scale(v);
        let used = self.used(v)?;
        let col = Column {
            values: v.data.clone(),
            present: used.map(|m| m.shares),
            scale,
        };
        let pol = self.policy.clone();
        match distinct_counts(self.p, &col, pol.min_cell, pol.max_levels as u64)? {
            Distinct::SmallCell => Err(EvalError::refused(
                e,
                "min_cell",
                format!(
                    "in `{e}`, some value would be counted between 1 and {} times (the values \
                     are not shown; group them, e.g. with cut())",
                    pol.min_cell.saturating_sub(1)
                ),
            )),
            Distinct::TooManyLevels => Err(EvalError::refused(
                e,
                "max_levels",
                format!(
                    "`{e}` would have more than {} distinct values; group them with cut()",
                    pol.max_levels
                ),
            )),
            Distinct::Counts(c) => Ok(c),
        }
    }

    /// Two-way table of two vectors (numeric ones grouped by their values), with R's `<NA>`
    /// row and column for `useNA` ("ifany": those with a missing value).
    pub(crate) fn table2(
        &mut self,
        e: &Expr,
        args: [&Expr; 2],
        x: Value,
        y: Value,
        use_na: &str,
    ) -> Result<Value> {
        let (Value::Vec(x), Value::Vec(y)) = (x, y) else {
            return Err(EvalError::at(e, "table() takes private vectors"));
        };
        if x.len() != y.len() {
            return Err(EvalError::at(e, "table() of vectors of different lengths"));
        }
        let (mut lx, mut ix) = self.levels_of(args[0], &x)?;
        let (mut ly, mut iy) = self.levels_of(args[1], &y)?;
        self.check_levels(e, lx.len().max(ly.len()))?;
        let sel = self.and_mask(x.sel.clone(), y.sel.clone())?;
        self.check_selection(e, &sel, &x.layout)?;
        let with_na = use_na != "no";
        if with_na {
            // Each variable's levels among its present rows, then its missing rows; the
            // cells count the selected rows.
            for (v, labels, ind) in [(&x, &mut lx, &mut ix), (&y, &mut ly, &mut iy)] {
                if let Some(pm) = &v.present {
                    let pairs: Vec<(&AShares, &AShares)> =
                        ind.iter().map(|c| (c, &pm.shares)).collect();
                    *ind = self.p.mul_many(&pairs)?;
                    ind.push(pm.shares.neg().add_const(self.p.id(), 1));
                } else {
                    ind.push(AShares::from_parts(vec![0; v.len()], vec![0; v.len()]));
                }
                labels.push("<NA>".into());
            }
        }
        let used = if with_na {
            sel.clone()
        } else {
            let ux = self.used(&x)?;
            let uy = self.used(&y)?;
            self.and_mask(ux, uy)?
        };
        let masked: Vec<AShares> = match &used {
            Some(m) => {
                let pairs: Vec<(&AShares, &AShares)> = ix.iter().map(|c| (c, &m.shares)).collect();
                self.p.mul_many(&pairs)?
            }
            None => ix,
        };
        let mut pairs = Vec::new();
        for a in &masked {
            for b in &iy {
                pairs.push((a, b));
            }
        }
        let counts = self.p.dot_many(&pairs)?;
        let labels: Vec<String> = lx
            .iter()
            .flat_map(|a| ly.iter().map(move |b| format!("{a} / {b}")))
            .collect();
        let zero_ok = !ordered(&x) && !ordered(&y);
        let shape = (lx.len(), ly.len());
        let released = if self.perturbed() {
            let keys = self.record_keys(&x.layout)?;
            let pairs: Vec<(&AShares, &AShares)> =
                masked.iter().map(|a| (a, keys.as_ref())).collect();
            let keyed = self.p.mul_many(&pairs)?;
            let mut cells = Vec::new();
            for a in &keyed {
                for b in &iy {
                    cells.push((a, b));
                }
            }
            let keys = (&cells[..], Box::new(|k| k) as Box<dyn FnOnce(_) -> _>);
            self.released_table(e, &counts, &labels, zero_ok, Some(keys), shape)?
        } else {
            self.released_table(e, &counts, &labels, zero_ok, None, shape)?
        };
        let mut table = Table {
            dims: vec![(dim_name(args[0]), lx), (dim_name(args[1]), ly)],
            counts: released.counts,
        };
        let mut hidden = released.hidden;
        if use_na == "ifany" {
            (table, hidden) = drop_empty_na(table, hidden);
        }
        Ok(self.table_value(table, hidden))
    }
}

/// The vector's levels, selection or missing values come from comparing numbers with values
/// the query chose (`x > k`, `cut(x, breaks)`, `subset(d, age > k)`): its zero counts are
/// refused like small ones, so a threshold cannot be moved until a refusal turns into a 0.
pub(crate) fn ordered(v: &PrivVec) -> bool {
    v.support.ordered()
        || v.sel.as_ref().is_some_and(|m| m.ordered)
        || v.present.as_ref().is_some_and(|m| m.ordered)
}

/// R's labels of encoded values of `v`: numbers as R prints them, dates as ISO dates.
fn value_labels(v: &PrivVec, words: impl Iterator<Item = i64>) -> Vec<String> {
    let scale = super::agg::scale(v);
    words
        .map(|x| {
            if v.kind == Kind::Date {
                days_to_date(x)
            } else {
                crate::display::fmt_num(x as f64 / 10f64.powi(scale as i32))
            }
        })
        .collect()
}

/// R's `useNA = "ifany"`: the `<NA>` row and column (the last of each) dropped where empty.
fn drop_empty_na(t: Table, hidden: Vec<bool>) -> (Table, Vec<bool>) {
    let (r, c) = (t.dims[0].1.len(), t.dims[1].1.len());
    // A hidden cell is not known to be empty: its row and column stay.
    let full = |i: usize, j: usize| t.counts[i * c + j] > 0 || hidden[i * c + j];
    let keep_row = (0..c).any(|j| full(r - 1, j));
    let keep_col = (0..r).any(|i| full(i, c - 1));
    let rows = if keep_row { r } else { r - 1 };
    let cols = if keep_col { c } else { c - 1 };
    let kept: Vec<usize> = (0..rows)
        .flat_map(|i| (0..cols).map(move |j| i * c + j))
        .collect();
    let counts = kept.iter().map(|&k| t.counts[k]).collect();
    let hidden = kept.iter().map(|&k| hidden[k]).collect();
    let mut dims = t.dims;
    dims[0].1.truncate(rows);
    dims[1].1.truncate(cols);
    (Table { dims, counts }, hidden)
}
