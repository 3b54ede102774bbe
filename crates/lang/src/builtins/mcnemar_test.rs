//! `mcnemar.test(x, y = NULL, correct = TRUE)`: R's McNemar test of symmetry of a square
//! table of paired observations — `x` a square two-way table (`table(before, after)`), or
//! two vectors of one set of levels, tabulated first (`mcnemar.test(a, b)`), as R's.
//!
//! A whole function in one module and one line in the registry's table (issue 15's
//! acceptance, shown with a test issue 16 asks for): its entry and its evaluation; the
//! statistical functions' type rule applies. Securely, only the table is computed (and
//! passes the cell rule, as `table(a, b)`); in the clear, as R: `Σ_{i<j} (n_ij − n_ji)² /
//! (n_ij + n_ji)` on `r(r − 1)/2` df, for a 2 x 2 table with Yates' correction
//! (`(|n_12 − n_21| − 1)²`) unless `correct = FALSE` or the table is symmetric.
//! **Reveals** the table, nothing more.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::htest::usable;
use crate::eval::value::{HTest, PrivTable, Public, Table, Value};
use crate::eval::{EvalError, Evaluator, Result};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The entry of `mcnemar.test`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "mcnemar.test",
    params: &[
        Param::required("x"),
        Param::optional("y", "NULL"),
        Param::optional("correct", "TRUE"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "mcnemar.test(table(before, after)) or mcnemar.test(before, after): R's McNemar test of paired categories (continuity-corrected for 2 x 2 unless correct = FALSE)",
    reveals: "the two-way table (cells >= min_cell), as table(a, b)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let x = need(a, e, "x")?;
    let correct = ev.flag(a.get("correct"), scope, 1.0)? != 0.0;
    let xv = crate::eval::suppress::whole_table(x, ev.eval_in(x, scope)?, "mcnemar.test")?;
    let (t, data_name) = match (xv, a.get("y")) {
        (Value::Pub(Public::Table(t)), None) if t.dims.len() == 2 => (t, x.to_string()),
        (xv @ Value::Vec(_), Some(y)) => {
            let yv = ev.eval_in(y, scope)?;
            let t = ev.table2(e, [x, y], xv, yv, "no")?;
            match crate::eval::suppress::whole_table(e, t, "mcnemar.test")? {
                Value::Pub(Public::Table(t)) => (t, format!("{x} and {y}")),
                _ => return Err(EvalError::at(e, "mcnemar.test(): not a table")),
            }
        }
        (Value::Vec(_), None) => {
            return Err(EvalError::at(
                e,
                "if 'x' is not a matrix, 'y' must be given",
            ));
        }
        _ => {
            return Err(EvalError::at(
                x,
                "mcnemar.test() takes a two-way table or two vectors",
            ));
        }
    };
    let test = mcnemar(e, &t, correct, data_name)?;
    Ok(Value::Pub(Public::Test(Box::new(usable(e, test)?))))
}

/// R's statistic, df and p-value of a square table.
fn mcnemar(e: &Expr, t: &Table, correct: bool, data_name: String) -> Result<HTest> {
    let r = t.dims[0].1.len();
    if r < 2 || t.dims[1].1.len() != r {
        return Err(EvalError::at(
            e,
            "'x' and 'y' must have the same number of levels (minimum 2): the table must be \
             square",
        ));
    }
    let n = |i: usize, j: usize| t.counts[i * r + j] as f64;
    let symmetric = (0..r).all(|i| (0..r).all(|j| n(i, j) == n(j, i)));
    let yates = correct && r == 2 && !symmetric;
    let mut stat = 0.0;
    for i in 0..r {
        for j in i + 1..r {
            let d = (n(i, j) - n(j, i)).abs() - if yates { 1.0 } else { 0.0 };
            stat += d * d / (n(i, j) + n(j, i));
        }
    }
    let df = (r * (r - 1) / 2) as f64;
    let p = ChiSquared::new(df).map_or(f64::NAN, |d| d.sf(stat));
    Ok(HTest {
        method: if yates {
            "McNemar's Chi-squared test with continuity correction"
        } else {
            "McNemar's Chi-squared test"
        }
        .into(),
        data_name,
        statistic: Some(("McNemar's chi-squared".into(), stat)),
        parameter: vec![("df".into(), df)],
        p_value: p,
        alternative: String::new(),
        conf_int: None,
        estimate: Vec::new(),
    })
}
