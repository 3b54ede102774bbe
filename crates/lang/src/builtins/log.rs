//! `log`: log(x, base = exp(1)): the logarithm; private x must be > 0 by its proven range (a dictionary `min` above 0, or x + c), where R gives -Inf/NaN it is refused. Private: absolute error below 5e-7 / ln(base), 7 decimal places
//!
//! Its registry entry: parameters with R's defaults, help and what it reveals.

use super::{Builtin, Param};

/// The entry of `log`.
pub(crate) static ENTRY: Builtin = Builtin {
    name: "log",
    params: &[Param::required("x"), Param::optional("base", "exp(1)")],
    min_dots: 0,
    refused: &[],
    usage: "log(x, base = exp(1)): the logarithm; private x must be > 0 by its proven range (a dictionary `min` above 0, or x + c), where R gives -Inf/NaN it is refused. Private: absolute error below 5e-7 / ln(base), 7 decimal places",
    reveals: "nothing",
    check: None,
    eval: None,
};
