//! The numeric variables of `table1`: per column the number of values, mean and SD (from the
//! groups' `n`, `Σx`, `Σx²`, as `oneway.test` opens them), the quartiles (as `quantile()`
//! releases them, under its rules, for each group's rows and for all of them) and the missing
//! counts (released as table cells); and their tests across the groups.
use super::{Groups, cell_label};
use crate::ast::Expr;
use crate::eval::agg::{Input, scale};
use crate::eval::value::{HTest, PrivVec};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_mpc::AShares;
use sharestat_rstats::table1::{Body, NumCell, Var};

/// The quartiles `table1` prints.
const QUARTILES: [f64; 3] = [0.25, 0.5, 0.75];

impl Evaluator<'_> {
    /// A numeric variable's summaries per column (overall first when there are groups).
    pub(super) fn numeric_var(
        &mut self,
        e: &Expr,
        name: &str,
        x: &PrivVec,
        groups: &Groups,
        by: Option<&str>,
    ) -> Result<Var> {
        let me = self.p.id();
        let k = groups.masks.len();
        let missing = match &x.present {
            Some(pm) => {
                let absent = pm.shares.neg().add_const(me, 1);
                let pairs: Vec<(&AShares, &AShares)> =
                    groups.masks.iter().map(|m| (&absent, m)).collect();
                let cells = self.p.mul_many(&pairs)?;
                let labels: Vec<String> = groups
                    .labels
                    .iter()
                    .map(|g| cell_label("<NA>", g, by))
                    .collect();
                let zero_ok = !groups.ordered && !crate::eval::ordered(x);
                self.release_cells(e, &cells, &labels, zero_ok, &x.layout)?
            }
            None => vec![0; k],
        };
        let unit = 10f64.powi(scale(x) as i32);
        let moments = self.group_moments(e, x.clone(), groups.g.clone())?;
        // Per group `(n, Σx, Σx²)` in the order of the columns (absent: no value).
        let sums: Vec<(u64, i128, i128)> = groups
            .labels
            .iter()
            .map(|l| {
                let label = if by.is_some() { l.as_str() } else { "TRUE" };
                moments
                    .iter()
                    .find(|m| m.0 == label)
                    .map_or((0, 0, 0), |m| (m.1, m.2, m.3))
            })
            .collect();
        let mut columns = Vec::new();
        if by.is_some() {
            let total = sums
                .iter()
                .fold((0, 0, 0), |a, s| (a.0 + s.0, a.1 + s.1, a.2 + s.2));
            columns.push((groups.all.clone(), total, missing.iter().sum()));
        }
        for (i, m) in groups.masks.iter().enumerate() {
            let mut mask = self.new_mask(m.clone());
            mask.ordered = groups.ordered;
            columns.push((Some(mask), sums[i], missing[i]));
        }
        let mut cells = Vec::new();
        for (sel, (n, s1, s2), missing) in columns {
            let v = PrivVec {
                sel: match sel {
                    Some(m) => Some(m),
                    None => x.sel.clone(),
                },
                ..x.clone()
            };
            let q = match self.input(e, v.clone(), true)? {
                Input::Values(col) => {
                    let bits = crate::eval::checks::key_bits(x.range, scale(x));
                    self.checked_quantiles(e, (&col, bits), &v.layout, false, &QUARTILES)?
                }
                Input::HasNa => None,
            }
            .unwrap_or(vec![f64::NAN; 3]);
            let nf = n as f64;
            let mean = s1 as f64 / unit / nf;
            let var = (s2 as f64 / (unit * unit) - nf * mean * mean) / (nf - 1.0);
            cells.push(NumCell {
                n,
                mean,
                sd: var.max(0.0).sqrt(),
                median: q[1],
                q1: q[0],
                q3: q[2],
                missing,
            });
        }
        Ok(Var {
            name: name.to_owned(),
            body: Body::Numeric(cells),
            test: None,
            smd: None,
        })
    }

    /// The test of a numeric variable across the groups (`cells`: their summaries).
    pub(super) fn numeric_test(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        (groups, cells): (&Groups, &[NumCell]),
        which: Option<&'static str>,
        data_name: String,
    ) -> Result<HTest> {
        let k = groups.masks.len();
        let which = which.unwrap_or(if k == 2 {
            "wilcox.test"
        } else {
            "kruskal.test"
        });
        let two = |what: &str| {
            EvalError::at(
                e,
                format!(
                    "{what} compares two groups and by = has {k}; kruskal.test or aov compare more"
                ),
            )
        };
        let stats: Vec<(f64, f64, f64)> = cells
            .iter()
            .map(|c| (c.n as f64, c.mean, c.sd * c.sd))
            .collect();
        let moments_test = |var_equal: bool, method: &str| -> Result<HTest> {
            let t = super::super::oneway_test::oneway(&stats, var_equal)
                .map_err(|m| EvalError::at(e, m))?;
            Ok(HTest {
                method: method.to_owned(),
                data_name: data_name.clone(),
                ..t
            })
        };
        match which {
            "wilcox.test" => {
                if k != 2 {
                    return Err(two("wilcox.test"));
                }
                crate::eval::checks::check_key(e, x.range, scale(x))?;
                let present = self.mask_or_ones(&x.present, x.len());
                let pairs: Vec<(&AShares, &AShares)> =
                    groups.masks.iter().map(|m| (m, &present)).collect();
                let g = self.p.mul_many(&pairs)?;
                let bits = crate::eval::checks::key_bits(x.range, scale(x));
                self.rank_sum_default(e, ((&x.data, bits), &g[0], &g[1]), data_name)
            }
            "kruskal.test" => {
                super::super::kruskal_test::kruskal(self, e, (x, &groups.g, e), data_name)
            }
            "t.test" => {
                if k != 2 {
                    return Err(two("t.test"));
                }
                // Welch's F of two groups is Welch's t squared, on the same df.
                moments_test(false, "Welch Two Sample t-test")
            }
            "aov" => moments_test(true, "One-way analysis of means"),
            _ => moments_test(
                false,
                "One-way analysis of means (not assuming equal variances)",
            ),
        }
    }
}
