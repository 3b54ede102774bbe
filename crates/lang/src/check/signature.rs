//! The signature of every function the language knows: parameter names in R's order, how
//! many are required, and whether `...` takes the positional arguments.

/// A function's arguments: named parameters (the first `required` must be given)
/// and, for `Some(min)`, `...` taking all positional arguments (at least `min`).
pub(crate) struct Sig {
    pub(crate) params: &'static [&'static str],
    pub(crate) required: usize,
    pub(crate) dots: Option<usize>,
}

const fn sig(params: &'static [&'static str], required: usize) -> Sig {
    Sig {
        params,
        required,
        dots: None,
    }
}

const fn dots(params: &'static [&'static str], min: usize) -> Sig {
    Sig {
        params,
        required: 0,
        dots: Some(min),
    }
}

const MODEL: &[&str] = &["formula", "data", "subset", "weights", "na.action"];
const TEST2: &[&str] = &[
    "x",
    "y",
    "data",
    "alternative",
    "mu",
    "paired",
    "var.equal",
    "conf.level",
    "exact",
    "correct",
    "method",
    "simulate.p.value",
];

/// The functions the checker knows, with their signatures.
pub(crate) fn signature(name: &str) -> Option<Sig> {
    Some(match name {
        "load" => sig(&["study", "name"], 1),
        "c" | "rbind" => dots(&[], 1),
        "subset" => sig(&["x", "subset"], 2),
        "print" => sig(&["x", "digits"], 1),
        "is.na" | "length" | "nrow" | "ncol" | "names" | "freq" | "floor" | "ceiling" => {
            sig(&["x"], 1)
        }
        "abs" | "exp" | "sqrt" | "log2" | "log10" | "log1p" => sig(&["x"], 1),
        "log" => sig(&["x", "base"], 1),
        "round" | "signif" => sig(&["x", "digits"], 1),
        "pmin" | "pmax" => dots(&["na.rm"], 2),
        "summary" => sig(&["object", "times"], 1),
        "ifelse" => sig(&["test", "yes", "no"], 3),
        "cut" => sig(&["x", "breaks", "labels", "right", "include.lowest"], 2),
        "mean" | "var" | "sd" | "median" => sig(&["x", "na.rm"], 1),
        "sum" | "min" | "max" | "range" => dots(&["na.rm"], 1),
        "quantile" => sig(&["x", "probs", "na.rm", "type"], 1),
        "table" => dots(&["useNA"], 1),
        "cor" => sig(&["x", "y", "use", "method"], 1),
        "Surv" => sig(&["time", "event"], 2),
        "help" => sig(&["topic"], 1),
        "plot" | "barplot" => sig(&["x", "file", "conf.int", "main", "xlab", "ylab"], 1),
        "hist" => sig(&["x", "breaks", "file", "main"], 1),
        "survfit" | "lm" => sig(MODEL, 1),
        "survdiff" => sig(&["formula", "data", "strict", "subset", "na.action"], 1),
        "coxph" => sig(
            &["formula", "data", "ties", "subset", "weights", "na.action"],
            1,
        ),
        "fisher.test" | "chisq.test" | "t.test" | "wilcox.test" | "cor.test" => sig(TEST2, 1),
        "confint" => sig(&["object", "parm", "level"], 1),
        "cox.zph" => sig(&["fit", "transform", "terms", "singledf", "global"], 1),
        "levels" => sig(&["x"], 1),
        "relevel" => sig(&["x", "ref"], 2),
        "factor" => sig(&["x", "levels", "labels"], 1),
        "prop.table" | "proportions" => sig(&["x", "margin"], 1),
        "scale" => sig(&["x", "center", "scale"], 1),
        "as.factor" | "droplevels" | "as.numeric" | "as.integer" | "as.character" => sig(&["x"], 1),
        _ => return None,
    })
}

/// Every function the language knows (the checker's signatures), e.g. for tab completion.
pub const FUNCTIONS: &[&str] = &[
    "load",
    "c",
    "rbind",
    "subset",
    "is.na",
    "floor",
    "ceiling",
    "abs",
    "log",
    "log2",
    "log10",
    "log1p",
    "exp",
    "sqrt",
    "round",
    "signif",
    "pmin",
    "pmax",
    "print",
    "length",
    "nrow",
    "ncol",
    "names",
    "freq",
    "summary",
    "ifelse",
    "cut",
    "mean",
    "var",
    "sd",
    "median",
    "sum",
    "min",
    "max",
    "range",
    "quantile",
    "table",
    "cor",
    "Surv",
    "plot",
    "barplot",
    "hist",
    "help",
    "survfit",
    "survdiff",
    "coxph",
    "lm",
    "fisher.test",
    "chisq.test",
    "t.test",
    "wilcox.test",
    "cor.test",
    "confint",
    "cox.zph",
    "levels",
    "relevel",
    "factor",
    "as.factor",
    "droplevels",
    "as.numeric",
    "as.integer",
    "as.character",
    "prop.table",
    "scale",
    "proportions",
];

/// The parameter names of function `name` and whether it takes `...` (for the evaluator's
/// argument matching).
pub fn params(name: &str) -> Option<(&'static [&'static str], bool)> {
    signature(name).map(|s| (s.params, s.dots.is_some()))
}
