//! Argument matching, R's rules (R Language Definition §4.3.2), run once by the checker
//! ([`bind`]); the checked program carries each call's [`Matched`] arguments ([`Calls`]),
//! and the evaluator reads them by parameter name through [`Args`].
//!
//! 1. Exact: a named argument goes to the parameter of exactly that name.
//! 2. Partial: a named argument left over goes to the one unmatched parameter before `...`
//!    whose name it begins (`conf = 0.9` to `conf.level`); none after `...` (R matches those
//!    exactly only); two candidates are an error.
//! 3. Positional: unnamed arguments fill the unmatched parameters before `...` in order,
//!    then `...`; a parameter marked named-only ([`super::Param::named`]: R has another
//!    parameter at its position) is skipped.
//!
//! A named argument that matches nothing goes to `...` when there is one, else it is an error
//! naming it, and naming why when R has the argument and sharestat refuses it
//! ([`Builtin::refused`]). A required parameter left unmatched is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Builtin, DOTS};
use crate::ast::{Arg, Expr, ExprKind};
use crate::check::{TypeError, TypeErrorKind};
use crate::span::Span;

/// A call's arguments matched to its function's parameters: per parameter (in
/// [`Builtin::params`] order, `...` included and always `None`) the index of its argument,
/// and the indices of the arguments in `...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matched {
    pub(crate) slots: Vec<Option<usize>>,
    pub(crate) dots: Vec<usize>,
}

/// Every call of a checked program with its matched arguments, by the call's span.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Calls(BTreeMap<(usize, usize), (&'static Builtin, Matched)>);

impl Calls {
    fn key(span: Span) -> (usize, usize) {
        (span.start.offset, span.end.offset)
    }

    pub(crate) fn insert(&mut self, call: &Expr, b: &'static Builtin, m: Matched) {
        self.0.insert(Self::key(call.span), (b, m));
    }

    /// The matched arguments of the call `call` (its function and its matching).
    pub(crate) fn get(&self, call: &Expr) -> Option<&(&'static Builtin, Matched)> {
        self.0.get(&Self::key(call.span))
    }

    pub(crate) fn extend(&mut self, other: Calls) {
        self.0.extend(other.0);
    }

    /// The entries of the calls within `e` (a fit keeps those of the call that made it, to
    /// run it again in a later program, whose spans are its own).
    pub(crate) fn within(&self, e: &Expr) -> Calls {
        let mut out = Calls::default();
        e.walk(&mut |x| {
            if let Some(v) = self.0.get(&Self::key(x.span)) {
                out.0.insert(Self::key(x.span), v.clone());
            }
        });
        out
    }
}

/// An error in the arguments of a call of `func`, at `at`.
pub(crate) fn arg_error(func: &str, message: String, at: &Expr) -> TypeError {
    TypeError::new(
        at,
        TypeErrorKind::Arguments {
            func: func.to_owned(),
            message,
        },
    )
}

/// Every call of the language's functions within `e` matched (`Surv` and the rest inside
/// formulas included), and the first error; calls of other names are left to the checker.
pub(crate) fn match_calls(e: &Expr) -> (Calls, Option<TypeError>) {
    let mut calls = Calls::default();
    let mut failed = None;
    e.walk(&mut |x| {
        if let ExprKind::Call { func, args } = &x.kind
            && let Some(b) = func.as_ident().and_then(super::lookup)
        {
            match bind(b, x, args) {
                Ok(m) => calls.insert(x, b, m),
                Err(err) => {
                    failed.get_or_insert(err);
                }
            }
        }
    });
    (calls, failed)
}

/// Matches the arguments `args` of the call `call` to `b`'s parameters by R's rules.
pub(crate) fn bind(b: &Builtin, call: &Expr, args: &[Arg]) -> Result<Matched, TypeError> {
    let func = b.name;
    let params = b.params;
    let dots_at = params.iter().position(|p| p.name == DOTS);
    let before_dots = |i: usize| dots_at.is_none_or(|d| i < d);
    let mut slots: Vec<Option<usize>> = vec![None; params.len()];
    let mut dots = Vec::new();
    let mut named = Vec::new();
    let mut positional = Vec::new();
    for (k, a) in args.iter().enumerate() {
        let Some(v) = &a.value else {
            return Err(arg_error(func, "empty argument".to_owned(), call));
        };
        match &a.name {
            Some(n) => match params.iter().position(|p| p.name == n && p.name != DOTS) {
                Some(i) => {
                    if slots[i].replace(k).is_some() {
                        return Err(arg_error(func, format!("argument `{n}` given twice"), v));
                    }
                }
                None => named.push(k),
            },
            None => positional.push(k),
        }
    }
    for k in named {
        let a = &args[k];
        let (Some(n), Some(v)) = (&a.name, &a.value) else {
            continue;
        };
        let candidates: Vec<usize> = (0..params.len())
            .filter(|&i| before_dots(i) && params[i].name != DOTS && slots[i].is_none())
            .filter(|&i| params[i].name.starts_with(n.as_str()))
            .collect();
        match candidates[..] {
            [i] => slots[i] = Some(k),
            [_, _, ..] => {
                let names: Vec<&str> = candidates.iter().map(|&i| params[i].name).collect();
                return Err(arg_error(
                    func,
                    format!(
                        "argument `{n}` matches several parameters ({}); write one in full",
                        names.join(", ")
                    ),
                    v,
                ));
            }
            [] => {
                if let Some((r, why)) = b
                    .refused
                    .iter()
                    .find(|(r, _)| *r == n || r.starts_with(n.as_str()))
                {
                    return Err(arg_error(
                        func,
                        format!("`{r} =` is not supported by {func}(): {why}"),
                        v,
                    ));
                }
                if dots_at.is_some() {
                    dots.push(k);
                } else {
                    let named: Vec<&str> = params.iter().map(|p| p.name).collect();
                    let known = if named.is_empty() {
                        "it takes no named arguments".to_owned()
                    } else {
                        format!("its arguments are {}", named.join(", "))
                    };
                    return Err(arg_error(
                        func,
                        format!("unknown argument `{n}`; {known}"),
                        v,
                    ));
                }
            }
        }
    }
    for k in positional {
        let free = (0..params.len()).find(|&i| {
            before_dots(i) && params[i].name != DOTS && params[i].positional && slots[i].is_none()
        });
        match free {
            Some(i) => slots[i] = Some(k),
            None if dots_at.is_some() => dots.push(k),
            None => {
                let n = params.len();
                let at = args[k].value.as_ref().unwrap_or(call);
                return Err(arg_error(func, format!("takes at most {n} arguments"), at));
            }
        }
    }
    dots.sort_unstable();
    if let Some(i) = (0..params.len())
        .find(|&i| params[i].name != DOTS && params[i].default.is_none() && slots[i].is_none())
    {
        let p = params[i].name;
        return Err(arg_error(func, format!("needs argument `{p}`"), call));
    }
    if dots.len() < b.min_dots {
        let min = b.min_dots;
        return Err(arg_error(
            func,
            format!("needs at least {min} argument"),
            call,
        ));
    }
    Ok(Matched { slots, dots })
}

/// Whether parameter reads are recorded (for the test that every parameter is read).
static TRACK: AtomicBool = AtomicBool::new(false);
/// The `(function, parameter)` pairs read since tracking began.
static READS: Mutex<BTreeSet<(&'static str, &'static str)>> = Mutex::new(BTreeSet::new());

/// Starts recording which parameters the evaluator reads (for tests).
#[doc(hidden)]
pub fn track_reads() {
    TRACK.store(true, Ordering::Relaxed);
}

/// The `(function, parameter)` pairs read since [`track_reads`] (for tests).
#[doc(hidden)]
pub fn reads() -> BTreeSet<(&'static str, &'static str)> {
    READS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The argument of `args` (matched to `b` as `m`) for parameter `name`, recorded as read.
pub(crate) fn arg_of<'x>(
    b: &'static Builtin,
    m: &Matched,
    args: &'x [Arg],
    name: &str,
) -> Option<&'x Expr> {
    arg_tracked(b, m, args, name, true)
}

/// [`arg_of`], recording the read only when `track` (the evaluator's reads, not the
/// checker's, are what the registry test counts).
fn arg_tracked<'x>(
    b: &'static Builtin,
    m: &Matched,
    args: &'x [Arg],
    name: &str,
    track: bool,
) -> Option<&'x Expr> {
    let i = b.params.iter().position(|p| p.name == name);
    debug_assert!(i.is_some(), "{} has no parameter {name}", b.name);
    let i = i?;
    if track {
        record(b.name, b.params[i].name);
    }
    let k = (*m.slots.get(i)?)?;
    args.get(k)?.value.as_ref()
}

fn record(func: &'static str, param: &'static str) {
    if TRACK.load(Ordering::Relaxed) {
        READS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((func, param));
    }
}

/// A call's arguments as the evaluator (or a module's type rule) reads them: by parameter
/// name.
pub(crate) struct Args<'e> {
    builtin: &'static Builtin,
    args: &'e [Arg],
    matched: &'e Matched,
    /// Whether reads are recorded for the registry test (the evaluator's are).
    tracked: bool,
}

impl<'e> Args<'e> {
    pub(crate) fn new(builtin: &'static Builtin, args: &'e [Arg], matched: &'e Matched) -> Self {
        Args {
            builtin,
            args,
            matched,
            tracked: true,
        }
    }

    /// The arguments as the checker's type rule reads them (reads not recorded).
    pub(crate) fn for_checker(
        builtin: &'static Builtin,
        args: &'e [Arg],
        matched: &'e Matched,
    ) -> Self {
        Args {
            tracked: false,
            ..Args::new(builtin, args, matched)
        }
    }

    /// The function's name.
    pub(crate) fn function(&self) -> &'static str {
        self.builtin.name
    }

    /// R's default of parameter `name`, as R writes it.
    pub(crate) fn default_of(&self, name: &str) -> Option<&'static str> {
        self.builtin.params.iter().find(|p| p.name == name)?.default
    }

    /// The argument given for parameter `name` (`None` when it was left to its default).
    pub(crate) fn get(&self, name: &str) -> Option<&'e Expr> {
        arg_tracked(self.builtin, self.matched, self.args, name, self.tracked)
    }

    /// The function's parameters.
    pub(crate) fn params(&self) -> &'static [super::Param] {
        self.builtin.params
    }

    /// The argument of the `i`-th parameter other than `...` (a type rule's positional view).
    pub(crate) fn nth(&self, i: usize) -> Option<&'e Expr> {
        let p = self
            .builtin
            .params
            .iter()
            .filter(|p| p.name != DOTS)
            .nth(i)?;
        self.get(p.name)
    }

    /// The arguments of the parameters other than `...`, in order (`None`: left to R's
    /// default).
    pub(crate) fn slots(&self) -> Vec<Option<&'e Expr>> {
        (0..self
            .builtin
            .params
            .iter()
            .filter(|p| p.name != DOTS)
            .count())
            .map(|i| self.nth(i))
            .collect()
    }

    /// The call's arguments as written (`c(a = 1, b = 2)` names its values by them).
    pub(crate) fn raw(&self) -> &'e [Arg] {
        self.args
    }

    /// The arguments in `...`.
    pub(crate) fn dots(&self) -> Vec<&'e Expr> {
        if self.tracked {
            record(self.builtin.name, DOTS);
        }
        self.matched
            .dots
            .iter()
            .filter_map(|&k| self.args[k].value.as_ref())
            .collect()
    }
}
