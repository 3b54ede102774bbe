//! `strata(g)` in `coxph` (issue 14): the stratified partial likelihood, as R's `coxph`
//! fits it (each stratum has its own baseline hazard: a risk set holds only its stratum's
//! rows). The stratum of each used row is opened with its time and event (the shuffled
//! multiset that `coxph` opens already, as `survfit` opens each group's times), so every
//! stratum's size must first pass the cell rule. A stratum variable is a factor, a logical,
//! or whole numbers over at most [`MAX_STRATA`] values (R groups by the distinct values);
//! rows where it is missing are left out, as R does.
use super::value::{Kind, PrivTable, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::{BinOp, Expr};
use sharestat_mpc::AShares;

/// Bits of `2·time + event` in a Cox row's key; the stratum's code sits above them.
pub(crate) const TIME_BITS: u32 = 38;

/// Most values a numeric stratum variable's proven range may hold.
const MAX_STRATA: f64 = 50.0;

impl Evaluator<'_> {
    /// The stratum variable `s` in `t`, checked to be one (see the module doc).
    pub(crate) fn stratum_var(&mut self, s: &Expr, t: &PrivTable) -> Result<PrivVec> {
        let g = self.in_table(s, t)?;
        let r = g.range.present;
        match g.kind {
            Kind::Cat { .. } | Kind::Bool => Ok(g),
            Kind::Num { scale: 0 } if r.hi - r.lo < MAX_STRATA => Ok(g),
            _ => Err(EvalError::at(
                s,
                "strata() takes a factor, a logical or whole numbers over at most 50 values",
            )),
        }
    }

    /// Each row's stratum code (`0..k`) for the used rows `m`, after the cell rule on every
    /// stratum's size.
    /// The levels of a stratum variable and one 0/1 indicator per level: a factor's or a
    /// logical's own, or whole numbers' values over their proven range (each row compared
    /// securely with each value).
    pub(crate) fn stratum_levels(
        &mut self,
        s: &Expr,
        g: &PrivVec,
    ) -> Result<(Vec<String>, Vec<AShares>)> {
        let Kind::Num { .. } = g.kind else {
            return self.levels_of(s, g);
        };
        let r = g.range.present;
        let mut labels = Vec::new();
        let mut ind = Vec::new();
        for v in (r.lo.ceil() as i64)..=(r.hi.floor() as i64) {
            let c = Value::Pub(Public::Num {
                values: vec![Some(v as f64)],
                names: None,
            });
            match self.binary(s, BinOp::Eq, Value::Vec(g.clone()), c)? {
                Value::Vec(d) => ind.push(d.data),
                _ => return Err(EvalError::at(s, "expected a private stratum")),
            }
            labels.push(v.to_string());
        }
        Ok((labels, ind))
    }

    pub(crate) fn stratum_codes(
        &mut self,
        e: &Expr,
        s: &Expr,
        g: &PrivVec,
        m: &AShares,
    ) -> Result<AShares> {
        let (mut labels, ind) = self.stratum_levels(s, g)?;
        if let Kind::Num { .. } = g.kind {
            labels = labels.iter().map(|v| format!("{s}={v}")).collect();
        }
        let pairs: Vec<(&AShares, &AShares)> = ind.iter().map(|c| (c, m)).collect();
        let sizes = self.p.dot_many(&pairs)?;
        self.check_cells(e, &sizes, &labels)?;
        let n = m.len();
        Ok(ind.iter().enumerate().fold(
            AShares::from_parts(vec![0; n], vec![0; n]),
            |acc, (l, c)| acc.add(&c.scale(l as u64)),
        ))
    }
}
