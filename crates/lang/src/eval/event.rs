//! The event of `Surv(time, event)` as R's `survival::Surv` reads it: a logical (`TRUE` the
//! event), a 0/1 number (1 the event), or a 1/2 number (2 the event: R subtracts 1 when the
//! largest status is 2). Which coding a numeric event has is read from its proven present
//! values (the dictionary's range): within `[0, 1]` it is used as it is; within `[1, 2]` it
//! becomes `status - 1` once a secure check has opened that some patient has status 2 (as
//! R's rule needs; the number of events is released by every survival function anyway).
//! Anything else is refused naming what R would do (`0/1/2` statuses: R turns the 0s into
//! `NA` with a warning), never read with a different meaning.
use super::value::{Kind, PrivTable, PrivVec};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;
use sharestat_mpc::AShares;

impl Evaluator<'_> {
    /// The event indicator (0/1 words) of `ee` in `t`.
    pub(crate) fn event_of(&mut self, ee: &Expr, t: &PrivTable) -> Result<PrivVec> {
        let event = self.in_table(ee, t)?;
        if event.kind == Kind::Bool {
            return Ok(event);
        }
        let r = event.range.present;
        if event.kind != (Kind::Num { scale: 0 }) {
            return Err(refuse(ee, "a logical, or whole numbers 0/1 or 1/2"));
        }
        if r.lo >= 0.0 && r.hi <= 1.0 {
            return Ok(event);
        }
        if r.lo >= 1.0 && r.hi <= 2.0 {
            // R: `if (max(status) == 2) status - 1`. Is some present status 2?
            let n = event.len();
            let two = AShares::from_parts(vec![0; n], vec![0; n]).add_const(self.p.id(), 2);
            let is2 = self.p.eq(&event.data, &two, super::ops::CMP_BITS)?;
            let is2 = self.p.b2a_bits(&is2)?;
            let m = self.mask_or_ones(&event.present, n);
            let count = self.p.dot(&is2, &m)?;
            let zero = AShares::from_parts(vec![0], vec![0]);
            let none = self.p.eq(&count, &zero, super::ops::CMP_BITS)?;
            if self.p.reveal_bits(&none)?[0] {
                return Err(refuse(
                    ee,
                    "1/2 statuses where no patient has status 2 (R would then read every 1 \
                     as an event)",
                ));
            }
            let data = event.data.add_const(self.p.id(), 1u64.wrapping_neg());
            return Ok(PrivVec {
                data,
                range: event.range.minus(super::range::Range::point(1.0)),
                ..event
            });
        }
        Err(refuse(
            ee,
            "0/1 or 1/2 codes (R's Surv() reads a status with values 0, 1 and 2 as 2 = the \
             event and turns the 0s into NA with a warning); write the event you mean, e.g. \
             status == 2",
        ))
    }
}

fn refuse(ee: &Expr, what: &str) -> EvalError {
    EvalError::at(
        ee,
        format!("the event `{ee}` must be {what}; its values' range does not say which"),
    )
}
