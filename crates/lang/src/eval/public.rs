//! Public values computed in the clear: `c()` of public values, operators with R's
//! recycling, and indexing by positions, names or a logical vector.
use super::value::{Public, Value};
use super::{EvalError, Result};
use crate::ast::{BinOp, Expr};

/// `c()` of public values.
pub(crate) fn combine_public(e: &Expr, parts: Vec<Public>) -> Result<Public> {
    if parts.iter().any(|p| matches!(p, Public::Str(_))) {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Public::Str(s) => out.extend(s),
                Public::Num { values, .. } => {
                    out.extend(values.iter().map(|v| v.map(crate::display::fmt_num)))
                }
                Public::Null => {}
                _ => return Err(EvalError::at(e, "c() of these values")),
            }
        }
        return Ok(Public::Str(out));
    }
    if parts
        .iter()
        .all(|p| matches!(p, Public::Bool(_) | Public::Null))
    {
        return Ok(Public::Bool(
            parts
                .into_iter()
                .flat_map(|p| match p {
                    Public::Bool(b) => b,
                    _ => Vec::new(),
                })
                .collect(),
        ));
    }
    let mut values = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut named = false;
    for p in parts {
        match p {
            Public::Num {
                values: v,
                names: n,
            } => {
                named |= n.is_some();
                names.extend(n.unwrap_or_else(|| vec![String::new(); v.len()]));
                values.extend(v);
            }
            Public::Bool(b) => {
                names.extend(vec![String::new(); b.len()]);
                values.extend(b.iter().map(|x| x.map(|y| f64::from(u8::from(y)))));
            }
            Public::Null => {}
            _ => return Err(EvalError::at(e, "c() of these values")),
        }
    }
    Ok(Public::Num {
        values,
        names: named.then_some(names),
    })
}

/// Operators on public values, element-wise with recycling.
pub(crate) fn public_binary(e: &Expr, op: BinOp, a: &Public, b: &Public) -> Result<Public> {
    let nums = |p: &Public| -> Option<Vec<Option<f64>>> {
        match p {
            Public::Num { values, .. } => Some(values.clone()),
            Public::Bool(v) => Some(
                v.iter()
                    .map(|x| x.map(|y| f64::from(u8::from(y))))
                    .collect(),
            ),
            _ => None,
        }
    };
    if let (Public::Str(x), Public::Str(y)) = (a, b)
        && matches!(op, BinOp::Eq | BinOp::Ne)
    {
        let n = x.len().max(y.len());
        return Ok(Public::Bool(
            (0..n)
                .map(|i| {
                    let (p, q) = (&x[i % x.len()], &y[i % y.len()]);
                    match (p, q) {
                        (Some(p), Some(q)) => Some((p == q) == (op == BinOp::Eq)),
                        _ => None,
                    }
                })
                .collect(),
        ));
    }
    let (Some(x), Some(y)) = (nums(a), nums(b)) else {
        return Err(EvalError::at(
            e,
            format!("`{}` on these values", op.symbol()),
        ));
    };
    if x.is_empty() || y.is_empty() {
        return Ok(Public::nums([]));
    }
    if op == BinOp::Range {
        let (Some(Some(lo)), Some(Some(hi))) = (x.first(), y.first()) else {
            return Err(EvalError::at(e, "NA in a sequence"));
        };
        let (lo, hi) = (*lo, *hi);
        let len = (hi - lo).abs().floor() as usize;
        if len > 1_000_000 {
            return Err(EvalError::at(e, "sequence too long"));
        }
        let step = if hi >= lo { 1.0 } else { -1.0 };
        return Ok(Public::nums((0..=len).map(|i| Some(lo + step * i as f64))));
    }
    let n = x.len().max(y.len());
    let pairs = (0..n).map(|i| (x[i % x.len()], y[i % y.len()]));
    let logical = |f: fn(f64, f64) -> bool| {
        Public::Bool(pairs.clone().map(|(p, q)| Some(f(p?, q?))).collect())
    };
    Ok(match op {
        BinOp::Lt => logical(|p, q| p < q),
        BinOp::Le => logical(|p, q| p <= q),
        BinOp::Gt => logical(|p, q| p > q),
        BinOp::Ge => logical(|p, q| p >= q),
        BinOp::Eq => logical(|p, q| p == q),
        BinOp::Ne => logical(|p, q| p != q),
        BinOp::And | BinOp::AndAnd => logical(|p, q| p != 0.0 && q != 0.0),
        BinOp::Or | BinOp::OrOr => logical(|p, q| p != 0.0 || q != 0.0),
        BinOp::In => {
            let set: Vec<f64> = y.iter().flatten().copied().collect();
            Public::Bool(
                x.iter()
                    .map(|v| Some(v.is_some_and(|v| set.contains(&v))))
                    .collect(),
            )
        }
        _ => Public::nums(pairs.map(|(p, q)| {
            let (p, q) = (p?, q?);
            Some(match op {
                BinOp::Add => p + q,
                BinOp::Sub => p - q,
                BinOp::Mul => p * q,
                BinOp::Div => p / q,
                BinOp::Pow => p.powf(q),
                BinOp::Mod => p - q * (p / q).floor(),
                BinOp::IntDiv => (p / q).floor(),
                _ => f64::NAN,
            })
        })),
    })
}

/// `v[i]` for public values: 1-based positions or a logical mask.
pub(crate) fn public_index(e: &Expr, v: Public, idx: Value) -> Result<Value> {
    let Value::Pub(idx) = idx else {
        return Err(EvalError::at(e, "a public value indexed by private data"));
    };
    let n = v.len();
    let picks: Vec<usize> = match &idx {
        Public::Num { values, .. } => values
            .iter()
            .flatten()
            .map(|&i| i as usize)
            .filter(|&i| i >= 1 && i <= n)
            .map(|i| i - 1)
            .collect(),
        Public::Bool(b) => (0..n)
            .filter(|&i| b[i % b.len().max(1)] == Some(true))
            .collect(),
        Public::Str(s) => {
            let names = match &v {
                Public::Num {
                    names: Some(nm), ..
                } => nm.clone(),
                Public::Table(t) => t.dims[0].1.clone(),
                _ => Vec::new(),
            };
            s.iter()
                .flatten()
                .filter_map(|x| names.iter().position(|y| y == x))
                .collect()
        }
        _ => return Err(EvalError::at(e, "index by positions, names or TRUE/FALSE")),
    };
    Ok(Value::Pub(match v {
        Public::Num { values, names } => Public::Num {
            values: picks.iter().map(|&i| values[i]).collect(),
            names: names.map(|nm| picks.iter().map(|&i| nm[i].clone()).collect()),
        },
        Public::Str(s) => Public::Str(picks.iter().map(|&i| s[i].clone()).collect()),
        Public::Bool(s) => Public::Bool(picks.iter().map(|&i| s[i]).collect()),
        Public::Table(t) if t.dims.len() == 1 => Public::Num {
            values: picks.iter().map(|&i| Some(t.counts[i] as f64)).collect(),
            names: Some(picks.iter().map(|&i| t.dims[0].1[i].clone()).collect()),
        },
        other => return Err(EvalError::at(e, format!("cannot index {other:?}"))),
    }))
}
