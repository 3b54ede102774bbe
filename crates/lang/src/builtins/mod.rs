//! The language's functions: one module each (as mini-redis has one file per command), and
//! one table of them all ([`TABLE`]). A function's module holds its registry entry: its
//! parameters in R's order with R's defaults, the R arguments it refuses by name and why, its
//! help and what it reveals, its type rule (`check`, unless the statistical functions' rule
//! applies) and its evaluation (`eval`: the secure part through `sharestat-stats`, the public
//! part through `sharestat-rstats`; families R documents together share one, and the
//! aggregates share `eval/agg.rs`'s pipeline). The checker matches every call's arguments
//! once by R's rules
//! ([`args::bind`]) and the evaluator reads them by name ([`args::Args`]); the function list,
//! the REPL's completion and `help()` come from the table, and a test checks that
//! `docs/language.md` lists exactly these functions.
//!
//! Adding a function: a new module with its `ENTRY`, and one line in [`TABLE`].

pub mod args;

mod abs;
mod anova;
mod aov;
mod as_character;
mod as_factor;
mod as_integer;
mod as_numeric;
mod barplot;
mod binom_test;
mod c;
mod ceiling;
mod chisq_test;
mod coef;
mod confint;
mod confint_default;
mod cor;
mod cor_test;
mod cox_zph;
mod coxph;
mod cut;
mod data_frame;
mod droplevels;
mod exp;
mod factor;
mod fisher_test;
mod floor;
mod freq;
mod ggsurvplot;
mod glm;
mod help;
mod hist;
mod ifelse;
mod is_na;
mod kruskal_test;
mod length;
mod levels;
mod lm;
mod load;
mod log;
mod log10;
mod log1p;
mod log2;
mod max;
mod mcnemar_test;
mod mean;
mod median;
mod min;
mod names;
mod ncol;
mod nrow;
mod oneway_test;
mod p_adjust;
mod pairwise_t_test;
mod plot;
mod pmax;
mod pmin;
mod predict;
mod print;
mod prop_table;
mod prop_test;
mod proportions;
mod quantile;
mod range;
mod rbind;
mod relevel;
mod round;
mod scale;
mod sd;
mod signif;
mod sqrt;
mod subset;
mod sum;
mod summary;
mod surv;
mod survdiff;
mod survfit;
mod t_test;
mod table;
mod table1;
mod var;
mod wilcox_test;

pub use args::{reads, track_reads};

/// R's `...`.
pub const DOTS: &str = "...";

/// A parameter as R's documentation lists it.
#[derive(Debug, PartialEq, Eq)]
pub struct Param {
    /// The name (`...` for R's dots).
    pub name: &'static str,
    /// R's default as R writes it (`FALSE`, `0.95`, `NULL`); `None` for a required argument
    /// and for `...`.
    pub default: Option<&'static str>,
    /// Whether an unnamed argument can fill it. `false` where R has, at this position among
    /// the parameters we have, one we do not (a positional argument must not land on a
    /// parameter R would not give it to): `coxph(f, d, w)` is R's `weights`, never `subset`.
    pub positional: bool,
}

impl Param {
    /// A parameter that must be given.
    pub const fn required(name: &'static str) -> Param {
        Param {
            name,
            default: None,
            positional: true,
        }
    }

    /// A parameter with R's default `default`.
    pub const fn optional(name: &'static str, default: &'static str) -> Param {
        Param {
            name,
            default: Some(default),
            positional: true,
        }
    }

    /// A parameter with R's default that only a named argument fills (see
    /// [`Param::positional`]).
    pub const fn named(name: &'static str, default: &'static str) -> Param {
        Param {
            name,
            default: Some(default),
            positional: false,
        }
    }
}

/// R's `...` as a parameter.
pub const DOTS_PARAM: Param = Param {
    name: DOTS,
    default: None,
    positional: true,
};

/// A function's type rule, in its module (`None`: the statistical functions' rule, every
/// argument checked and a public result): the call, its arguments by name, the columns in
/// scope. The checker has already matched the arguments (required ones are present) and
/// checked `na.rm`.
pub(crate) type CheckFn = fn(
    &crate::check::Checker,
    &crate::ast::Expr,
    &args::Args<'_>,
    crate::check::rules::Scope<'_>,
) -> Result<crate::check::Ty, crate::check::TypeError>;

/// A function's evaluation, in its module (every function has one but `Surv`, which is read
/// inside formulas): the call, its arguments by name, the table in scope. Shared pipelines
/// stay shared: the aggregates call `eval/agg.rs`, the models and tests their `eval/` files.
pub(crate) type EvalFn = fn(
    &mut crate::eval::Evaluator<'_>,
    &crate::ast::Expr,
    &args::Args<'_>,
    Option<&crate::eval::value::PrivTable>,
) -> crate::eval::Result<crate::eval::Value>;

/// Those the k-group tests of a formula refuse (`kruskal.test`, `oneway.test`).
pub(crate) const GROUP_TEST_REFUSED: &[(&str, &str)] = &[
    (
        "subset",
        "give the rows as the data, data = subset(d, cond)",
    ),
    (
        "na.action",
        "rows with a missing value are left out (R's default); no other action",
    ),
];

/// R's `na.action =` of the models, refused.
pub(crate) const NA_ACTION: (&str, &str) = (
    "na.action",
    "rows with a missing value in the model's variables are left out (R's na.omit); no other \
     action is available",
);
/// The model arguments `lm`, `survfit` and `coxph` refuse (`subset =` they honour: the rows
/// where the condition, evaluated among `data`'s columns, is `TRUE`, as R's `model.frame`).
pub(crate) const MODEL_REFUSED: &[(&str, &str)] =
    &[("weights", "case weights are not supported"), NA_ACTION];
/// Those `survdiff` refuses (R's has no `weights`).
pub(crate) const SURVDIFF_REFUSED: &[(&str, &str)] = &[NA_ACTION];

/// The parameters of `plot` and `barplot`.
pub(crate) const PLOT_PARAMS: &[Param] = &[
    Param::required("x"),
    Param::optional("file", "NULL"),
    Param::optional("conf.int", "NULL"),
    Param::optional("main", "NULL"),
    Param::optional("xlab", "NULL"),
    Param::optional("ylab", "NULL"),
    Param::optional("xlim", "NULL"),
    Param::optional("ylim", "NULL"),
    Param::optional("col", "NULL"),
    Param::optional("lty", "NULL"),
];

/// A function of the language.
pub struct Builtin {
    /// Its name, as R's.
    pub name: &'static str,
    /// Its parameters in R's order (`...` where R has it).
    pub params: &'static [Param],
    /// How many arguments `...` needs at least.
    pub min_dots: usize,
    /// Arguments R has that sharestat refuses by name, with the reason.
    pub refused: &'static [(&'static str, &'static str)],
    /// Its usage and what it computes (`help()`'s first line).
    pub usage: &'static str,
    /// What it reveals.
    pub reveals: &'static str,
    /// Its type rule (`None`: the statistical functions' rule, `check/call.rs`).
    pub(crate) check: Option<CheckFn>,
    /// Its evaluation (`None` for `Surv`, read inside formulas only).
    pub(crate) eval: Option<EvalFn>,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Builtin({})", self.name)
    }
}

/// Functions are one per name.
impl PartialEq for Builtin {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Builtin {}

impl Builtin {
    /// `help()`'s text.
    pub fn help(&self) -> String {
        format!("{}\nReveals: {}.", self.usage, self.reveals)
    }
}

/// Every function of the language.
pub static TABLE: &[&Builtin] = &[
    &load::ENTRY,
    &names::ENTRY,
    &ncol::ENTRY,
    &nrow::ENTRY,
    &length::ENTRY,
    &c::ENTRY,
    &rbind::ENTRY,
    &subset::ENTRY,
    &is_na::ENTRY,
    &ifelse::ENTRY,
    &cut::ENTRY,
    &data_frame::ENTRY,
    &floor::ENTRY,
    &ceiling::ENTRY,
    &abs::ENTRY,
    &anova::ENTRY,
    &aov::ENTRY,
    &log::ENTRY,
    &log2::ENTRY,
    &log10::ENTRY,
    &log1p::ENTRY,
    &exp::ENTRY,
    &sqrt::ENTRY,
    &round::ENTRY,
    &signif::ENTRY,
    &pmin::ENTRY,
    &pmax::ENTRY,
    &print::ENTRY,
    &prop_test::ENTRY,
    &sum::ENTRY,
    &mean::ENTRY,
    &var::ENTRY,
    &sd::ENTRY,
    &median::ENTRY,
    &quantile::ENTRY,
    &min::ENTRY,
    &max::ENTRY,
    &range::ENTRY,
    &summary::ENTRY,
    &freq::ENTRY,
    &table::ENTRY,
    &table1::ENTRY,
    &cor::ENTRY,
    &t_test::ENTRY,
    &wilcox_test::ENTRY,
    &chisq_test::ENTRY,
    &fisher_test::ENTRY,
    &ggsurvplot::ENTRY,
    &glm::ENTRY,
    &cor_test::ENTRY,
    &lm::ENTRY,
    &surv::ENTRY,
    &survfit::ENTRY,
    &survdiff::ENTRY,
    &levels::ENTRY,
    &relevel::ENTRY,
    &factor::ENTRY,
    &as_factor::ENTRY,
    &droplevels::ENTRY,
    &as_numeric::ENTRY,
    &as_integer::ENTRY,
    &as_character::ENTRY,
    &scale::ENTRY,
    &prop_table::ENTRY,
    &proportions::ENTRY,
    &coef::ENTRY,
    &confint::ENTRY,
    &confint_default::ENTRY,
    &cox_zph::ENTRY,
    &coxph::ENTRY,
    &plot::ENTRY,
    &hist::ENTRY,
    &barplot::ENTRY,
    &help::ENTRY,
    &binom_test::ENTRY,
    &mcnemar_test::ENTRY,
    &kruskal_test::ENTRY,
    &oneway_test::ENTRY,
    &p_adjust::ENTRY,
    &pairwise_t_test::ENTRY,
    &predict::ENTRY,
];

/// The function named `name`.
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    TABLE.iter().copied().find(|b| b.name == name)
}

/// Every function's name, in the table's order (for completion and suggestions).
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|b| b.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parameters_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for b in TABLE {
            assert!(seen.insert(b.name), "{} twice", b.name);
            let mut ps = std::collections::BTreeSet::new();
            for p in b.params {
                assert!(ps.insert(p.name), "{}: {} twice", b.name, p.name);
            }
            for (r, _) in b.refused {
                assert!(!ps.contains(r), "{}: {r} both taken and refused", b.name);
            }
        }
    }
}
