//! Factor levels as R has them (issue 14): `levels(f)` (public: the levels are the
//! dictionary's or the program's, never the data's) and `relevel(f, ref = "level")`, which
//! moves one level first (the reference of models: its coefficient disappears and the others
//! are contrasts to it). Both cost nothing: `relevel` reorders the level indicators (local)
//! and recomputes the codes from them only when an operation needs them.
use super::value::{Kind, PrivVec, Public, Value};
use super::{EvalError, Evaluator, Result};
use crate::ast::Expr;

impl Evaluator<'_> {
    /// `levels(x)`.
    pub(crate) fn levels_call(&mut self, e: &Expr, x: Value) -> Result<Value> {
        match x {
            Value::Vec(PrivVec {
                kind: Kind::Cat { levels },
                ..
            }) => Ok(Value::Pub(Public::Str(
                levels.into_iter().map(Some).collect(),
            ))),
            Value::Vec(_) | Value::Pub(_) => Ok(Value::Pub(Public::Null)),
            _ => Err(EvalError::at(e, "levels() takes a factor")),
        }
    }

    /// `relevel(x, ref)` from the call's arguments.
    pub(crate) fn relevel_args(
        &mut self,
        e: &Expr,
        x: &Expr,
        reference: &Expr,
        scope: Option<&super::value::PrivTable>,
    ) -> Result<Value> {
        let v = self.eval_in(x, scope)?;
        let name = match self.eval_in(reference, scope)? {
            Value::Pub(Public::Str(s)) if s.len() == 1 && s[0].is_some() => {
                s[0].clone().unwrap_or_default()
            }
            _ => return Err(EvalError::at(reference, "ref is one level, as a string")),
        };
        self.relevel(e, v, &name)
    }

    /// `relevel(x, ref)`.
    fn relevel(&mut self, e: &Expr, x: Value, reference: &str) -> Result<Value> {
        let Value::Vec(v) = x else {
            return Err(EvalError::at(e, "relevel() takes a private factor"));
        };
        let Kind::Cat { levels } = &v.kind else {
            return Err(EvalError::at(e, "relevel() takes a factor"));
        };
        let Some(r) = levels.iter().position(|l| l == reference) else {
            return Err(EvalError::at(
                e,
                format!(
                    "'ref' must be an existing level: one of {}",
                    levels.join(", ")
                ),
            ));
        };
        let mut onehot = self.onehot(e, &v)?;
        let mut levels = levels.clone();
        let l = levels.remove(r);
        levels.insert(0, l);
        let o = onehot.remove(r);
        onehot.insert(0, o);
        let empty = sharestat_mpc::AShares::from_parts(Vec::new(), Vec::new());
        Ok(Value::Vec(PrivVec {
            kind: Kind::Cat { levels },
            data: empty,
            onehot: Some(onehot),
            ..v
        }))
    }
}
