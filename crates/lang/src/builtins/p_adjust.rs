//! `p.adjust(p, method = "holm", n = length(p))`: R's adjustment of public p-values for
//! multiple comparisons (issue 16's list; one module: its entry and its evaluation).
//!
//! The methods as R computes them, `m` the `n` given (at least the number of p-values), the
//! values sorted stably: `bonferroni` `min(1, m p)`; `holm` the running maximum of
//! `(m − i + 1) p_(i)` upwards; `hochberg` the running minimum of `(m − i + 1) p_(i)`
//! downwards; `BH` (alias `fdr`) the running minimum of `m / i · p_(i)` downwards; `BY` the
//! same times `Σ_{j ≤ m} 1/j`; `none`. `NA`s stay `NA` and do not count. `hommel` is refused
//! by name. Reveals nothing: its input is public.

use super::args::Args;
use super::{Builtin, Param};
use crate::ast::Expr;
use crate::eval::call::need;
use crate::eval::value::{PrivTable, Public, Value};
use crate::eval::{EvalError, Evaluator, Result};

/// The entry of `p.adjust`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "p.adjust",
    params: &[
        Param::required("p"),
        Param::optional("method", "p.adjust.methods"),
        Param::optional("n", "length(p)"),
    ],
    min_dots: 0,
    refused: &[],
    usage: "p.adjust(p, method = \"holm\"): R's adjusted p-values of public p-values (holm, hochberg, bonferroni, BH or fdr, BY, none)",
    reveals: "nothing (public input)",
    check: None,
    eval: Some(eval),
};

fn eval(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    a: &Args<'_>,
    scope: Option<&PrivTable>,
) -> Result<Value> {
    let p_arg = need(a, e, "p")?;
    let Value::Pub(Public::Num { values, names }) = ev.eval_in(p_arg, scope)? else {
        return Err(EvalError::at(
            p_arg,
            "p.adjust() takes public p-values (numbers)",
        ));
    };
    let method = method_arg(ev, e, a.get("method"), scope)?;
    let given: Vec<f64> = values.iter().flatten().copied().collect();
    let m = match a.get("n") {
        None => given.len() as f64,
        Some(n) => ev.flag(Some(n), scope, 0.0)?,
    };
    if m < given.len() as f64 || !m.is_finite() {
        return Err(EvalError::at(
            a.get("n").unwrap_or(e),
            "n must be at least the number of p-values",
        ));
    }
    if given.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(EvalError::at(p_arg, "p-values lie between 0 and 1"));
    }
    let adjusted = adjust(&given, method, m);
    let mut it = adjusted.into_iter();
    let values = values.iter().map(|v| v.and_then(|_| it.next())).collect();
    Ok(Value::Pub(Public::Num { values, names }))
}

/// R's `match.arg` of an adjustment method (`hommel` refused by name), from `arg` (default
/// `holm`).
pub(crate) fn method_arg(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    arg: Option<&Expr>,
    scope: Option<&PrivTable>,
) -> Result<&'static str> {
    let method = match arg {
        None => "holm".to_owned(),
        Some(m) => match ev.eval_in(m, scope)? {
            Value::Pub(Public::Str(s)) if s.len() == 1 => s[0].clone().unwrap_or_default(),
            _ => return Err(EvalError::at(m, "method is one string")),
        },
    };
    const KNOWN: [&str; 8] = [
        "holm",
        "hochberg",
        "hommel",
        "bonferroni",
        "BH",
        "BY",
        "fdr",
        "none",
    ];
    // R's match.arg: an exact name or a unique prefix.
    let hits: Vec<&'static str> = KNOWN
        .iter()
        .copied()
        .filter(|k| *k == method || (!method.is_empty() && k.starts_with(method.as_str())))
        .collect();
    let exact = KNOWN.iter().copied().find(|k| *k == method);
    let method = match (hits.as_slice(), exact) {
        (_, Some(k)) => k,
        ([one], None) => *one,
        _ => {
            return Err(EvalError::at(
                arg.unwrap_or(e),
                format!("'method' should be one of {}", KNOWN.join(", ")),
            ));
        }
    };
    if method == "hommel" {
        return Err(EvalError::at(
            arg.unwrap_or(e),
            "method = \"hommel\" is not available; holm, hochberg, BH or BY are",
        ));
    }
    Ok(method)
}

/// R's adjustment of the p-values `p` (no `NA`) by `method` for `m` comparisons.
pub(crate) fn adjust(p: &[f64], method: &str, m: f64) -> Vec<f64> {
    let k = p.len();
    let mut up: Vec<usize> = (0..k).collect();
    up.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut down: Vec<usize> = (0..k).collect();
    down.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut out = vec![0.0; k];
    let q: f64 = (1..=m as usize).map(|j| 1.0 / j as f64).sum();
    match method {
        "bonferroni" => p.iter().map(|x| (m * x).min(1.0)).collect(),
        "holm" => {
            let mut run = 0.0f64;
            for (i, &j) in up.iter().enumerate() {
                run = run.max((m - i as f64) * p[j]);
                out[j] = run.min(1.0);
            }
            out
        }
        "hochberg" | "BH" | "fdr" | "BY" => {
            let mut run = f64::INFINITY;
            for (r, &j) in down.iter().enumerate() {
                // i = k − r, the rank from the bottom.
                let i = (k - r) as f64;
                let factor = match method {
                    "hochberg" => m + 1.0 - i,
                    "BY" => q * m / i,
                    _ => m / i,
                };
                run = run.min(factor * p[j]);
                out[j] = run.min(1.0);
            }
            out
        }
        _ => p.to_vec(),
    }
}
