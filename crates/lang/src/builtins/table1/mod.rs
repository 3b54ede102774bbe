//! `table1(data, vars, by, test, smd, format)`: a study's "Table 1", patient characteristics
//! overall and by group, as R's `tableone::CreateTableOne` and `gtsummary::tbl_summary() |>
//! add_p()` make it (issue 16; the public side and the printing are
//! `sharestat_rstats::table1`).
//!
//! Per variable, on shares: a categorical (or logical) one's counts per level and group and
//! its missing counts, released as `table()` releases cells (each 0 or at least `min_cell`,
//! perturbed where the study perturbs counts), after the subset rules of `data`'s selection;
//! a numeric one's per-group `n`, `Σx`, `Σx²` (as `oneway.test`: group sizes at least
//! `min_cell`), its quartiles per group and overall (as `quantile()`, under its rules: the
//! subset rules per group, `allow_extremes`, the record of released quantiles) and its
//! missing counts. The p-value's test is `gtsummary::add_p`'s choice unless `test =` names
//! one: chi-square without correction when every expected count is at least 5, else
//! Fisher's exact test (both from the released counts); the rank-sum test for two groups and
//! Kruskal-Wallis for more (securely, as `wilcox.test` and `kruskal.test`); `t.test` (Welch),
//! `aov` (equal variances) and `oneway.test` (Welch) from the groups' moments. A variable
//! that disclosure control refuses prints `(refused)` with the reason (the cells it names),
//! and the others print: a refusal is never a silently missing row.
//!
//! **Reveals** what the functions above reveal for each variable: the groups' sizes, each
//! released cell, each group's `n`, mean, variance and quartiles, and each test's statistic.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{Kind, Mask, PrivTable, PrivVec, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};
use sharestat_mpc::AShares;
use sharestat_rstats::table1::{Body, Format, Table1, Var};

/// The entry of `table1`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "table1",
    params: &[
        Param::required("data"),
        Param::optional("vars", "NULL"),
        Param::optional("by", "NULL"),
        Param::optional("test", "NULL"),
        Param::optional("smd", "FALSE"),
        Param::optional("format", "\"text\""),
    ],
    min_dots: 0,
    refused: &[],
    usage: "table1(data, vars = c(\"age\", \"sex\"), by = \"group\", test = NULL, smd = FALSE, format = \"text\"): a study's Table 1 as tableone/gtsummary make it: n (%) per level, mean (SD) and median [IQR], missing counts, overall and by group, p-values with gtsummary's tests (test = \"t.test\", \"aov\", \"oneway.test\", \"kruskal.test\", \"wilcox.test\", \"chisq.test\", \"chisq.test.no.correct\", \"fisher.test\" to choose), standardised mean differences (smd = TRUE); format = \"text\", \"markdown\" or \"csv\"",
    reveals: "per variable what table(), quantile() and the tests reveal: the group sizes, each count (0 or >= min_cell), each group's n, mean, variance and quartiles, each test's statistic; a refused variable shows why",
    check: None,
    eval: Some(eval),
};

/// The tests `test =` may name, for numeric variables and for categorical ones.
const NUMERIC_TESTS: &[&str] = &[
    "wilcox.test",
    "kruskal.test",
    "t.test",
    "aov",
    "oneway.test",
];
const CATEGORICAL_TESTS: &[&str] = &["chisq.test", "chisq.test.no.correct", "fisher.test"];

/// The tests asked for (`None`: `gtsummary::add_p`'s choice).
#[derive(Default, Clone, Copy)]
struct Tests {
    numeric: Option<&'static str>,
    categorical: Option<&'static str>,
}

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let data = need(a, e, "data")?;
    let Value::Table(t) = ev.eval_in(data, scope)? else {
        return Err(EvalError::at(data, "data must be a private table"));
    };
    let by = match strings(ev, a.get("by"), scope)? {
        None => None,
        Some(v) if v.len() == 1 => Some(v[0].clone()),
        Some(_) => {
            return Err(EvalError::at(
                a.get("by").unwrap_or(e),
                "by = names one column",
            ));
        }
    };
    let columns: Vec<String> = t.columns.iter().map(|(c, _)| c.clone()).collect();
    let vars = match strings(ev, a.get("vars"), scope)? {
        Some(v) => v,
        None => columns
            .iter()
            .filter(|c| Some(*c) != by.as_ref())
            .cloned()
            .collect(),
    };
    for name in vars.iter().chain(by.iter()) {
        if !columns.contains(name) {
            return Err(EvalError::at(
                a.get("vars").unwrap_or(data),
                format!("`{data}` has no column `{name}`"),
            ));
        }
    }
    if let Some(b) = &by
        && vars.contains(b)
    {
        return Err(EvalError::at(
            a.get("vars").unwrap_or(e),
            format!("`{b}` is the by = column; leave it out of vars"),
        ));
    }
    let mut tests = Tests::default();
    for name in strings(ev, a.get("test"), scope)?.unwrap_or_default() {
        let at = a.get("test").unwrap_or(e);
        if let Some(n) = NUMERIC_TESTS.iter().find(|t| **t == name) {
            tests.numeric = Some(n);
        } else if let Some(c) = CATEGORICAL_TESTS.iter().find(|t| **t == name) {
            tests.categorical = Some(c);
        } else {
            return Err(EvalError::at(
                at,
                format!(
                    "test = \"{name}\" is not one of {}",
                    [NUMERIC_TESTS, CATEGORICAL_TESTS].concat().join(", ")
                ),
            ));
        }
    }
    let smd = ev.flag(a.get("smd"), scope, 0.0)? != 0.0;
    if (smd || a.get("test").is_some()) && by.is_none() {
        return Err(EvalError::at(
            e,
            "smd = and test = compare groups: give by = a column",
        ));
    }
    let format = match strings(ev, a.get("format"), scope)? {
        None => Format::Text,
        Some(f) => match f.as_slice() {
            [s] => Format::parse(s).ok_or_else(|| {
                EvalError::at(
                    a.get("format").unwrap_or(e),
                    "format is \"text\", \"markdown\" or \"csv\"",
                )
            })?,
            _ => {
                return Err(EvalError::at(
                    a.get("format").unwrap_or(e),
                    "format is one string",
                ));
            }
        },
    };
    let out = ev.table1(e, &t, &vars, by.as_deref(), (tests, smd, format))?;
    Ok(Value::Pub(Public::Table1(Box::new(out))))
}

/// A public character vector argument (`None` when absent or `NULL`).
fn strings(
    ev: &mut Evaluator<'_>,
    arg: Option<&Expr>,
    scope: Option<&PrivTable>,
) -> Result<Option<Vec<String>>> {
    let Some(x) = arg else { return Ok(None) };
    match ev.eval_in(x, scope)? {
        Value::Pub(Public::Null) => Ok(None),
        Value::Pub(Public::Str(v)) => v
            .into_iter()
            .map(|s| s.ok_or_else(|| EvalError::at(x, "NA is not a column or a name")))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        _ => Err(EvalError::at(x, format!("`{x}` must be public strings"))),
    }
}

/// The columns of the table: a label, the rows' 0/1 shares (selected, `by` present) and
/// whether the mask comes from comparing numbers.
struct Groups {
    labels: Vec<String>,
    masks: Vec<AShares>,
    sizes: Vec<u64>,
    /// The grouping column (a constant `TRUE` without `by`).
    g: PrivVec,
    /// The union of the groups' rows (`None`: every row).
    all: Option<Mask>,
    ordered: bool,
}

impl Evaluator<'_> {
    fn table1(
        &mut self,
        e: &Expr,
        t: &PrivTable,
        vars: &[String],
        by: Option<&str>,
        (tests, smd, format): (Tests, bool, Format),
    ) -> Result<Table1> {
        let mut notes = Vec::new();
        let groups = self.table1_groups(e, t, by, &mut notes)?;
        let overall: u64 = groups.sizes.iter().sum();
        let mut columns = vec![("Overall".to_owned(), overall)];
        if by.is_some() {
            columns.extend(
                groups
                    .labels
                    .iter()
                    .cloned()
                    .zip(groups.sizes.iter().copied()),
            );
        }
        // The rank-sum test of two groups comes from each numeric variable's one sort.
        let rank_sum = by.is_some()
            && groups.masks.len() == 2
            && tests.numeric.unwrap_or("wilcox.test") == "wilcox.test";
        let mut out = Vec::new();
        for name in vars {
            let x = self.column(e, t, name)?;
            let mut stats = None;
            let var = match &x.kind {
                Kind::Cat { .. } | Kind::Bool => self.categorical_var(e, name, &x, &groups, by),
                Kind::Num { .. } => {
                    self.numeric_var(e, (name, &x), &groups, by, rank_sum)
                        .map(|(v, s)| {
                            stats = s;
                            v
                        })
                }
                Kind::Date => {
                    return Err(EvalError::at(
                        e,
                        format!(
                            "`{name}` is a date: summarise a number made from it (e.g. the \
                             days or years since a reference date)"
                        ),
                    ));
                }
            };
            let mut var = match var {
                Ok(v) => v,
                Err(EvalError::Refused { rule, message, .. }) => Var {
                    name: name.clone(),
                    body: Body::Refused(format!(
                        "refused by disclosure control ({rule}): {}",
                        message.replace(&format!("in `{e}`, "), "")
                    )),
                    test: None,
                    smd: None,
                },
                Err(other) => return Err(other),
            };
            let suppressed =
                matches!(&var.body, Body::Categorical { hidden, .. } if !hidden.is_empty());
            if suppressed && by.is_some() {
                notes.push(format!(
                    "{name}: no p-value or SMD: they need every count, and some are suppressed"
                ));
            }
            if let Some(b) = by.filter(|_| !suppressed && !matches!(var.body, Body::Refused(_))) {
                let at = (b, tests, stats);
                match self.table1_test(e, (name, &x, &var), &groups, at) {
                    Ok(test) => var.test = test,
                    Err(EvalError::Runtime { message, .. }) => {
                        notes.push(format!("{name}: no p-value: {message}"))
                    }
                    Err(other) => return Err(other),
                }
                if smd {
                    var.smd = Some(compare::table1_smd(&var.body));
                }
            }
            out.push(var);
        }
        if out
            .iter()
            .any(|v| matches!(&v.body, Body::Categorical { hidden, .. } if !hidden.is_empty()))
        {
            notes.push(crate::eval::suppress::suppressed_note(self.policy.min_cell));
        }
        Ok(Table1 {
            by: by.map(str::to_owned),
            columns,
            vars: out,
            smd,
            format,
            notes,
        })
    }

    /// The columns: each level of `by` with rows (sizes released as table cells), or one
    /// column of all the selected rows.
    fn table1_groups(
        &mut self,
        e: &Expr,
        t: &PrivTable,
        by: Option<&str>,
        notes: &mut Vec<String>,
    ) -> Result<Groups> {
        let rows = crate::eval::value::layout_rows(&t.layout);
        let g = match by {
            Some(b) => self.column(e, t, b)?,
            None => PrivVec {
                kind: Kind::Bool,
                data: self.ones(rows),
                onehot: None,
                present: None,
                sel: t.sel.clone(),
                layout: t.layout.clone(),
                support: crate::eval::value::Support::constant(),
                range: crate::eval::range::Range::point(1.0).into(),
            },
        };
        self.check_selection(e, &g.sel, &g.layout)?;
        let all = self.and_mask(g.sel.clone(), g.present.clone())?;
        let (labels, ind) = match by {
            Some(_) => self.levels_of(e, &g)?,
            None => (vec!["Overall".into()], vec![self.ones(rows)]),
        };
        self.check_levels(e, labels.len())?;
        let masks = match &all {
            Some(m) => {
                let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, &m.shares)).collect();
                self.p.mul_many(&pairs)?
            }
            None => ind,
        };
        let ordered = crate::eval::ordered(&g);
        let sizes = self.release_cells(e, &masks, &labels, !ordered, &g.layout)?;
        if let (Some(pm), Some(b)) = (&g.present, by) {
            // The rows left out, released on their own: a refusal of this count (e.g. a zero
            // where `by` was made by comparing numbers) leaves the note without the number.
            let sel = self.mask_or_ones(&g.sel, rows);
            let absent = pm.shares.neg().add_const(self.p.id(), 1);
            let cell = self.p.mul(&sel, &absent)?;
            let label = [format!("<NA> ({b})")];
            match self.release_cells(e, &[cell], &label, !ordered, &g.layout) {
                Ok(k) if k[0] == 0 => {}
                Ok(k) => notes.push(format!(
                    "{} rows with a missing `{b}` are left out (as gtsummary leaves them out)",
                    k[0]
                )),
                Err(EvalError::Refused { .. }) => notes.push(format!(
                    "rows with a missing `{b}`, if any, are left out (their number is refused \
                     by the small-cell rule)"
                )),
                Err(other) => return Err(other),
            }
        }
        // Groups without rows have no column (as R's tests drop them).
        let keep: Vec<usize> = (0..labels.len()).filter(|&i| sizes[i] > 0).collect();
        Ok(Groups {
            labels: keep.iter().map(|&i| labels[i].clone()).collect(),
            masks: keep.iter().map(|&i| masks[i].clone()).collect(),
            sizes: keep.iter().map(|&i| sizes[i]).collect(),
            g,
            all,
            ordered,
        })
    }

    /// The counts of the 0/1 vectors `cells`, released as `table()` releases its cells
    /// (refused when one is small).
    fn release_cells(
        &mut self,
        e: &Expr,
        cells: &[AShares],
        labels: &[String],
        zero_ok: bool,
        layout: &[crate::eval::value::Seg],
    ) -> Result<Vec<u64>> {
        Ok(self
            .release(e, (cells, labels), zero_ok, layout, None)?
            .counts)
    }

    /// [`Self::release_cells`] as a table of `shape`, under the study's small-cell mode.
    fn release_table(
        &mut self,
        e: &Expr,
        (cells, labels): (&[AShares], &[String]),
        zero_ok: bool,
        layout: &[crate::eval::value::Seg],
        shape: (usize, usize),
    ) -> Result<crate::eval::suppress::Released> {
        self.release(e, (cells, labels), zero_ok, layout, Some(shape))
    }

    /// The counts of `cells` with their cell keys where the study perturbs: as a table of
    /// `shape` under the small-cell mode, or (`None`) refused when one is small.
    fn release(
        &mut self,
        e: &Expr,
        (cells, labels): (&[AShares], &[String]),
        zero_ok: bool,
        layout: &[crate::eval::value::Seg],
        shape: Option<(usize, usize)>,
    ) -> Result<crate::eval::suppress::Released> {
        let sums: Vec<AShares> = cells.iter().map(AShares::sum).collect();
        let counts = AShares::concat(&sums.iter().collect::<Vec<_>>());
        let keys = if self.perturbed() {
            Some(self.record_keys(layout)?)
        } else {
            None
        };
        let pairs: Vec<(&AShares, &AShares)> = match &keys {
            Some(k) => cells.iter().map(|c| (c, k.as_ref())).collect(),
            None => Vec::new(),
        };
        let k = keys
            .is_some()
            .then(|| (&pairs[..], Box::new(|k| k) as Box<dyn FnOnce(_) -> _>));
        match shape {
            Some(shape) => self.released_table(e, &counts, labels, zero_ok, k, shape),
            None => {
                let counts = self.released_counts(e, &counts, labels, zero_ok, k)?;
                Ok(crate::eval::suppress::Released {
                    hidden: vec![false; counts.len()],
                    counts,
                })
            }
        }
    }

    /// A categorical variable's counts per level and column, and its missing counts.
    fn categorical_var(
        &mut self,
        e: &Expr,
        name: &str,
        x: &PrivVec,
        groups: &Groups,
        by: Option<&str>,
    ) -> Result<Var> {
        let (levels, ind) = self.levels_of(e, x)?;
        self.check_levels(e, levels.len())?;
        // Each group's rows with a value first (one product per group), then each level's
        // cells within them; the missing cells are the rest of the group (local).
        let with_value: Vec<AShares> = match &x.present {
            Some(pm) => {
                let pairs: Vec<(&AShares, &AShares)> =
                    groups.masks.iter().map(|g| (g, &pm.shares)).collect();
                self.p.mul_many(&pairs)?
            }
            None => groups.masks.clone(),
        };
        let mut pairs = Vec::new();
        let mut labels = Vec::new();
        for (gv, gl) in with_value.iter().zip(&groups.labels) {
            for (c, l) in ind.iter().zip(&levels) {
                pairs.push((c, gv));
                labels.push(cell_label(l, gl, by));
            }
        }
        let products = self.p.mul_many(&pairs)?;
        let k = levels.len();
        let missing_cells = x.present.is_some();
        let per = k + usize::from(missing_cells);
        let mut cells = Vec::with_capacity(per * groups.masks.len());
        let mut labels_all = Vec::with_capacity(cells.capacity());
        for (j, (gm, gl)) in groups.masks.iter().zip(&groups.labels).enumerate() {
            cells.extend(products[j * k..(j + 1) * k].iter().cloned());
            labels_all.extend(labels[j * k..(j + 1) * k].iter().cloned());
            if missing_cells {
                cells.push(gm.sub(&with_value[j]));
                labels_all.push(cell_label("<NA>", gl, by));
            }
        }
        let labels = labels_all;
        let zero_ok = !groups.ordered && !crate::eval::ordered(x);
        // The groups' cells as a groups x (levels, missing) table: refused, or with small
        // cells suppressed (the overall column holds its margins).
        let released = self.release_table(
            e,
            (&cells, &labels),
            zero_ok,
            &x.layout,
            (groups.masks.len(), per),
        )?;
        let mut counts: Vec<Vec<u64>> = released
            .counts
            .chunks(per)
            .map(|c| c[..k].to_vec())
            .collect();
        let mut missing: Vec<u64> = released
            .counts
            .chunks(per)
            .map(|c| c.get(k).copied().unwrap_or(0))
            .collect();
        // Per column: the levels' hidden flags, then the missing count's.
        let mut hidden: Vec<Vec<bool>> = released
            .hidden
            .chunks(per)
            .map(|h| {
                let mut v = h[..k].to_vec();
                v.push(h.get(k).copied().unwrap_or(false));
                v
            })
            .collect();
        if by.is_some() {
            // A margin is shown where every cell it adds up is (hidden cells hold 0).
            let overall: Vec<bool> = (0..=k).map(|l| hidden.iter().any(|h| h[l])).collect();
            let total: Vec<u64> = (0..k)
                .map(|l| {
                    if overall[l] {
                        0
                    } else {
                        counts.iter().map(|c| c[l]).sum()
                    }
                })
                .collect();
            let all_missing = if overall[k] { 0 } else { missing.iter().sum() };
            counts.insert(0, total);
            missing.insert(0, all_missing);
            hidden.insert(0, overall);
        }
        if !hidden.iter().flatten().any(|h| *h) {
            hidden.clear();
        }
        Ok(Var {
            name: name.to_owned(),
            body: Body::Categorical {
                levels,
                counts,
                missing,
                hidden,
            },
            test: None,
            smd: None,
        })
    }
}

/// A cell's label in a refusal: `level` of the variable in group `group`.
pub(super) fn cell_label(level: &str, group: &str, by: Option<&str>) -> String {
    match by {
        Some(_) => format!("{level} / {group}"),
        None => level.to_owned(),
    }
}

mod compare;
mod numeric;
