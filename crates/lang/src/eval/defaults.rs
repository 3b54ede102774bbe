//! R arguments whose other values sharestat does not compute yet: each is read, and refused
//! by name unless it holds R's default (`alternative = "greater"`, `paired = TRUE`), so that
//! an argument is never accepted and ignored (issue 15).
use super::call::Args;
use super::value::{PrivTable, Public, Value};
use super::{EvalError, Evaluator, Result};

impl Evaluator<'_> {
    /// Refuses `name =` of `a` unless it holds R's default for it; `why` says what is not
    /// available.
    pub(crate) fn default_only(
        &mut self,
        a: &Args<'_>,
        name: &str,
        scope: Option<&PrivTable>,
        why: &str,
    ) -> Result<()> {
        let Some(v) = a.get(name) else {
            return Ok(());
        };
        let default = a.default_of(name).unwrap_or("NULL");
        if is_default(&self.eval_in(v, scope)?, default) {
            return Ok(());
        }
        Err(EvalError::at(
            v,
            format!(
                "`{name} = {v}` is not available in {}() (R's default is {default}): {why}",
                a.function()
            ),
        ))
    }
}

impl Evaluator<'_> {
    /// `conf.level =` of `a` (R's 0.95 when not given), a number strictly between 0 and 1 as
    /// R requires.
    pub(crate) fn level(&mut self, a: &Args<'_>, scope: Option<&PrivTable>) -> Result<f64> {
        let level = self.flag(a.get("conf.level"), scope, 0.95)?;
        match a.get("conf.level") {
            Some(v) if !(level > 0.0 && level < 1.0) => Err(EvalError::at(
                v,
                format!("'conf.level' must be a single number between 0 and 1 (it is {v})"),
            )),
            _ => Ok(level),
        }
    }
}

/// Whether `v` is R's `default` (as R writes it); a string may be abbreviated, as R's
/// `match.arg` allows (`"two"` for `"two.sided"`).
fn is_default(v: &Value, default: &str) -> bool {
    let Value::Pub(p) = v else {
        return false;
    };
    match p {
        Public::Null => default == "NULL",
        Public::Bool(b) if b.len() == 1 => {
            matches!(
                (b[0], default),
                (Some(true), "TRUE") | (Some(false), "FALSE")
            )
        }
        Public::Str(s) if s.len() == 1 => match (&s[0], default.strip_prefix('"')) {
            (Some(s), Some(d)) => !s.is_empty() && d.trim_end_matches('"').starts_with(s.as_str()),
            _ => false,
        },
        Public::Num { values, .. } if values.len() == 1 => {
            values[0].is_some() && default.parse::<f64>().ok() == values[0]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_as_r_writes_them() {
        let s = |x: &str| Value::Pub(Public::Str(vec![Some(x.into())]));
        assert!(is_default(&s("two.sided"), "\"two.sided\""));
        assert!(is_default(&s("two"), "\"two.sided\""));
        assert!(!is_default(&s("greater"), "\"two.sided\""));
        assert!(!is_default(&s(""), "\"two.sided\""));
        assert!(is_default(
            &Value::Pub(Public::Bool(vec![Some(false)])),
            "FALSE"
        ));
        assert!(!is_default(
            &Value::Pub(Public::Bool(vec![Some(true)])),
            "FALSE"
        ));
        assert!(is_default(&Value::Pub(Public::num(0.0)), "0"));
        assert!(!is_default(&Value::Pub(Public::num(1.0)), "0"));
        assert!(is_default(&Value::Pub(Public::Null), "NULL"));
    }
}
