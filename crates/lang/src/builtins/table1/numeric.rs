//! The numeric variables of `table1`: per column the number of values, mean and SD (from the
//! groups' `n`, `Σx`, `Σx²`, as `oneway.test` opens them), the quartiles (under `quantile()`'s
//! rules for each group's rows and for all of them, read from **one** oblivious sort of the
//! column, `sharestat_stats::sorted`, at public positions once the sorted rows are brought
//! together by group; the sort also gives the rank-sum statistic of two groups)
//! and the missing counts (released as table cells); and their tests across the groups.
use super::{Groups, cell_label};
use crate::ast::Expr;
use crate::eval::agg::{Input, scale};
use crate::eval::value::{HTest, PrivVec};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_mpc::AShares;
use sharestat_rstats::table1::{Body, NumCell, Var};
use sharestat_stats::{order, sorted};

/// The quartiles `table1` prints.
const QUARTILES: [f64; 3] = [0.25, 0.5, 0.75];

impl Evaluator<'_> {
    /// A numeric variable's summaries per column (overall first when there are groups), and
    /// with `rank_sum` (two groups) the rank-sum statistic `(2U, Σ(t³ − t))` from the same sort.
    pub(super) fn numeric_var(
        &mut self,
        e: &Expr,
        (name, x): (&str, &PrivVec),
        groups: &Groups,
        by: Option<&str>,
        rank_sum: bool,
    ) -> Result<(Var, Option<(u64, u64)>)> {
        let k = groups.masks.len();
        // Each group's rows with a value (sorted below); the rest of the group is missing.
        let used = match &x.present {
            Some(pm) => {
                let pairs: Vec<(&AShares, &AShares)> =
                    groups.masks.iter().map(|m| (m, &pm.shares)).collect();
                self.p.mul_many(&pairs)?
            }
            None => groups.masks.clone(),
        };
        let missing = match &x.present {
            Some(_) => {
                let cells: Vec<AShares> = groups
                    .masks
                    .iter()
                    .zip(&used)
                    .map(|(m, u)| m.sub(u))
                    .collect();
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
        crate::eval::checks::check_key(e, x.range, scale(x))?;
        let bits = crate::eval::checks::key_bits(x.range, scale(x));
        // Each column's rows pass quantile()'s rules (the subset rules, allow_extremes, the
        // record of released quantiles) before anything of it is read.
        let mut plans = Vec::new();
        for (c, (sel, (n, _, _), _)) in columns.iter().enumerate() {
            let v = PrivVec {
                sel: sel.clone().or_else(|| x.sel.clone()),
                ..x.clone()
            };
            let Input::Values(col) = self.input(e, v.clone(), true)? else {
                return Err(EvalError::at(
                    e,
                    "table1(): missing values were not set aside",
                ));
            };
            let plan = if *n > 0 {
                self.quantile_release(e, &col, (&v.layout, false), &QUARTILES, *n)?
            } else {
                Vec::new()
            };
            let probe = (by.is_some() && c > 0).then(|| c - 1);
            plans.push((probe, plan));
        }
        // One sort of the column over the groups' rows with a value.
        let sorted = sorted::sort_groups(self.p, &x.data, &used, bits)?;
        let probes: Vec<(Option<usize>, usize)> = plans
            .iter()
            .flat_map(|(g, plan)| {
                plan.iter()
                    .flat_map(move |&(lo, hi, _)| [(*g, lo), (*g, hi)])
            })
            .collect();
        // The groups' sizes (their `n`, released in the table) place their sorted rows.
        let sizes: Vec<u64> = sums.iter().map(|s| s.0).collect();
        let values = sorted::order_statistics(self.p, &sorted, &probes, &sizes)?;
        let pairs: Vec<(AShares, AShares)> = values
            .chunks(2)
            .map(|c| (c[0].clone(), c[1].clone()))
            .collect();
        let flat: Vec<(usize, usize, u64)> = plans.iter().flat_map(|(_, p)| p.clone()).collect();
        let mut opened = order::open_quantiles(self.p, unit, &flat, &pairs)?.into_iter();
        let stats = match (rank_sum, used.len()) {
            (true, 2) => Some(sorted::mann_whitney_sorted(self.p, &sorted)?),
            _ => None,
        };
        let mut cells = Vec::new();
        for ((_, (n, s1, s2), missing), (_, plan)) in columns.into_iter().zip(&plans) {
            let q: Vec<f64> = if plan.is_empty() {
                vec![f64::NAN; 3]
            } else {
                opened.by_ref().take(3).collect()
            };
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
        let var = Var {
            name: name.to_owned(),
            body: Body::Numeric(cells),
            test: None,
            smd: None,
        };
        Ok((var, stats))
    }

    /// The test of a numeric variable across the groups (`cells`: their summaries).
    pub(super) fn numeric_test(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        (groups, cells): (&Groups, &[NumCell]),
        (which, rank_sum): (Option<&'static str>, Option<(u64, u64)>),
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
                let stats = rank_sum
                    .ok_or_else(|| EvalError::at(e, "table1(): the rank sums were not computed"))?;
                let sizes = (cells[0].n as f64, cells[1].n as f64);
                if sizes.0 == 0.0 || sizes.1 == 0.0 {
                    return Err(EvalError::at(e, "not enough (non-missing) observations"));
                }
                super::super::wilcox_test::rank_sum_from(e, sizes, stats, data_name)
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
