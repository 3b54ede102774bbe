//! How a private value's support ([`Support`]) follows the operations that make it: the
//! parts of a sum, of a product, of `c()`, of a logical result; and the rule that no value
//! holds a dataset's rows twice. The checks themselves are in `disclose.rs`.
use super::value::{PrivVec, Seg, Support, Term};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

/// Most additive parts a private value may have (see [`Support`]): `x * (a + b + ...)` of
/// many disjoint conditions is refused beyond this.
pub(crate) const MAX_TERMS: usize = 16;

/// How an operation's result depends on its operands' rows (see [`Support`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    /// The parts of the first operand (a constant applied, a sign changed).
    Same,
    /// The parts of both (a sum or difference).
    Sum,
    /// The products of their parts (a product of two private vectors).
    Product,
    /// A logical result, counted on its own TRUE rows; `ordered` when it compared numbers.
    Indicator {
        /// Compared numbers or dates.
        ordered: bool,
    },
}

impl Evaluator<'_> {
    /// The support of the result of an operation on `x` (and `y`) whose value is `data`.
    pub(crate) fn result_support(
        &mut self,
        e: &Expr,
        x: &PrivVec,
        y: Option<&PrivVec>,
        data: &AShares,
        via: Via,
    ) -> Result<Support> {
        let support = match (via, y) {
            (Via::Same, _) | (Via::Sum | Via::Product, None) => x.support.clone(),
            (Via::Sum, Some(y)) => x.support.union(&y.support),
            (Via::Product, Some(y)) => self.product_support(e, &x.support, &y.support)?,
            (Via::Indicator { ordered }, _) => {
                let mut m = self.new_mask(data.clone());
                m.ordered =
                    ordered || x.support.ordered() || y.is_some_and(|y| y.support.ordered());
                Support::indicator(m)
            }
        };
        if support.terms.len() > MAX_TERMS {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` adds up {} parts that depend on different rows (at most {MAX_TERMS}); \
                     aggregate the parts one by one",
                    support.terms.len()
                ),
            ));
        }
        Ok(support)
    }

    /// The parts of a product: each part of `a` times each part of `b`, on the rows of both.
    pub(crate) fn product_support(
        &mut self,
        e: &Expr,
        a: &Support,
        b: &Support,
    ) -> Result<Support> {
        if a.terms.len() * b.terms.len() > MAX_TERMS {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` multiplies values of {} and {} parts that depend on different rows \
                     (at most {MAX_TERMS} parts in all)",
                    a.terms.len(),
                    b.terms.len()
                ),
            ));
        }
        let mut out = Support {
            terms: Vec::new(),
            ordered: a.ordered || b.ordered,
            reversed: false,
        };
        for s in &a.terms {
            for t in &b.terms {
                let rows = self.and_mask(s.rows.clone(), t.rows.clone())?;
                let part = Support {
                    terms: vec![Term {
                        rows,
                        count: s.count && t.count,
                    }],
                    ordered: false,
                    reversed: false,
                };
                out = out.union(&part);
            }
        }
        Ok(out)
    }

    /// The parts of `c(v1, v2, ...)`: one part over every row when each vector has one part
    /// over all its rows; otherwise each part of each vector, zero on the other vectors' rows.
    pub(crate) fn combined_support(&mut self, e: &Expr, vecs: &[PrivVec]) -> Result<Support> {
        let ordered = vecs.iter().any(|v| v.support.ordered);
        let whole =
            |v: &PrivVec| matches!(v.support.terms.as_slice(), [t] if t.rows.is_none() && !t.count);
        if vecs.iter().all(whole) {
            return Ok(Support {
                ordered,
                ..Support::all()
            });
        }
        let mut terms = Vec::new();
        for (i, v) in vecs.iter().enumerate() {
            for t in &v.support.terms {
                let parts: Vec<AShares> = vecs
                    .iter()
                    .enumerate()
                    .map(|(j, w)| {
                        if i == j {
                            self.mask_or_ones(&t.rows, w.len())
                        } else {
                            AShares::from_parts(vec![0; w.len()], vec![0; w.len()])
                        }
                    })
                    .collect();
                let mut m = self.new_mask(AShares::concat(&parts.iter().collect::<Vec<_>>()));
                m.ordered = t.rows.as_ref().is_some_and(|r| r.ordered);
                terms.push(Term {
                    rows: Some(m),
                    count: t.count,
                });
            }
        }
        if terms.len() > 16 {
            return Err(EvalError::at(
                e,
                format!(
                    "`{e}` combines {} parts that depend on different rows (at most 16); \
                     aggregate the vectors one by one",
                    terms.len()
                ),
            ));
        }
        Ok(Support {
            terms,
            ordered,
            reversed: false,
        })
    }
}

/// Refuses rows of one dataset more than once (`c(x, x)`, `rbind(d, d)`, `c(s$age, d$age)`
/// of a subset `s` of `d`): every rule counts patients, and copies would count one patient
/// several times (`table(c(p, p, p, p, p))` would show 5 for one patient).
pub(crate) fn no_copies(e: &Expr, layout: &[Seg]) -> Result<()> {
    for (i, s) in layout.iter().enumerate() {
        if layout[..i].iter().any(|t| t.dataset == s.dataset) {
            return Err(EvalError::refused(
                e,
                "distinct_rows",
                format!(
                    "`{e}` would hold the rows of dataset {:?} more than once; each patient \
                     may count once (combine different datasets, or use one subset)",
                    s.dataset
                ),
            ));
        }
    }
    Ok(())
}
