//! The comparisons of `table1`'s groups: each variable's p-value, by the test `test =` names
//! or the one `gtsummary::add_p` chooses (categorical ones from the released counts, numeric
//! ones through `numeric.rs`), and `tableone`'s standardised mean difference.
use super::{Groups, Tests};
use crate::ast::Expr;
use crate::eval::ttest::Alt;
use crate::eval::value::{PrivVec, Table};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_rstats::table1::{self as t1, Body, Var};

/// `tableone`'s SMD of a variable's groups (the overall column excluded).
pub(super) fn table1_smd(body: &Body) -> f64 {
    match body {
        Body::Numeric(cells) => {
            let g = &cells[1..];
            t1::mean_pairwise(g.len(), |i, j| {
                t1::smd_numeric((g[i].mean, g[i].sd), (g[j].mean, g[j].sd))
            })
        }
        Body::Categorical { counts, .. } => {
            let g = &counts[1..];
            t1::mean_pairwise(g.len(), |i, j| t1::smd_categorical(&g[i], &g[j]))
        }
        _ => f64::NAN,
    }
}

impl Evaluator<'_> {
    /// The p-value of a variable across the groups, by the test asked or `add_p`'s choice.
    /// `rank_sum`: the two groups' `(2U, Σ(t³ − t))` when the numeric variable's sort gave it.
    pub(super) fn table1_test(
        &mut self,
        e: &Expr,
        (name, x, var): (&str, &PrivVec, &Var),
        groups: &Groups,
        (by, tests, rank_sum): (&str, Tests, Option<(u64, u64)>),
    ) -> Result<Option<(String, f64)>> {
        let data_name = format!("{name} by {by}");
        let test = match &var.body {
            Body::Categorical { levels, counts, .. } => {
                let g = &counts[1..];
                let table = Table {
                    dims: vec![
                        (name.to_owned(), levels.clone()),
                        (by.to_owned(), groups.labels.clone()),
                    ],
                    counts: (0..levels.len())
                        .flat_map(|l| g.iter().map(move |c| c[l]))
                        .collect(),
                };
                let table = crate::eval::htest::drop_empty(&table);
                if table.dims.iter().any(|d| d.1.len() < 2) {
                    return Err(EvalError::at(
                        e,
                        "the table has fewer than two non-empty rows or columns",
                    ));
                }
                let by_group: Vec<Vec<u64>> = {
                    let (r, c) = (table.dims[0].1.len(), table.dims[1].1.len());
                    (0..c)
                        .map(|j| (0..r).map(|i| table.counts[i * c + j]).collect())
                        .collect()
                };
                match tests.categorical.unwrap_or(t1::categorical_test(&by_group)) {
                    "fisher.test" => crate::eval::htest::fisher_test(
                        e,
                        &table,
                        data_name,
                        (None, Alt::TwoSided),
                    )?,
                    which => {
                        crate::eval::htest::chisq_test(&table, which == "chisq.test", data_name)
                    }
                }
            }
            Body::Numeric(cells) => self.numeric_test(
                e,
                x,
                (groups, &cells[1..]),
                (tests.numeric, rank_sum),
                data_name,
            )?,
            _ => return Ok(None),
        };
        Ok(Some((test.method, test.p_value)))
    }
}
