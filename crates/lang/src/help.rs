//! `help("name")`: what each function of the language does and what it reveals. The texts are
//! the same ones `docs/language.md` lists; a researcher sees them in the REPL, and a data
//! protection officer can read from them exactly which aggregates leave the nodes.

/// `(name, usage, what it reveals)` for every function.
pub const HELP: &[(&str, &str, &str)] = &[
    (
        "load",
        "load(study, name) or load(name): a dataset of the query's study as a private table (study must be the query's own)",
        "nothing",
    ),
    (
        "names",
        "names(t): the column names of a table",
        "nothing private",
    ),
    ("ncol", "ncol(t): the number of columns", "nothing private"),
    (
        "nrow",
        "nrow(t): the number of rows",
        "nothing if unfiltered; the subset size otherwise (subset rules, min_cell)",
    ),
    (
        "length",
        "length(x): the number of elements",
        "nothing if unfiltered; the subset size otherwise (subset rules, min_cell)",
    ),
    ("c", "c(...): concatenation (across sites)", "nothing"),
    (
        "rbind",
        "rbind(...): tables with the same columns, one after the other",
        "nothing",
    ),
    (
        "subset",
        "subset(t, cond), t[cond, ], x[cond]: the rows where cond is TRUE (NA counts as FALSE)",
        "nothing; aggregates over it apply the subset rules",
    ),
    ("is.na", "is.na(x): TRUE where x is missing", "nothing"),
    (
        "ifelse",
        "ifelse(test, yes, no): numbers, or two strings (a categorical)",
        "nothing",
    ),
    (
        "cut",
        "cut(x, breaks, labels, right = TRUE, include.lowest = FALSE): bins as a categorical",
        "nothing",
    ),
    ("floor", "floor(x): rounded down, exactly", "nothing"),
    ("ceiling", "ceiling(x): rounded up, exactly", "nothing"),
    (
        "abs",
        "abs(x): the absolute value, exactly (one secure sign test and a product per row)",
        "nothing",
    ),
    (
        "log",
        "log(x, base = exp(1)): the logarithm; private x must be > 0 by its proven range (a dictionary `min` above 0, or x + c), where R gives -Inf/NaN it is refused. Private: absolute error below 5e-7 / ln(base), 7 decimal places",
        "nothing",
    ),
    (
        "log2",
        "log2(x): log(x, 2); private error below 7.3e-7",
        "nothing",
    ),
    (
        "log10",
        "log10(x): log(x, 10); private error below 2.2e-7",
        "nothing",
    ),
    (
        "log1p",
        "log1p(x): log(1 + x), x > -1; private error below 5e-7 (absolute, so not R's extra precision near 0)",
        "nothing",
    ),
    (
        "exp",
        "exp(x): the exponential; private x must range over at most 21 and stay below 27 (results below 2^40); relative error below 2e-7",
        "nothing",
    ),
    (
        "sqrt",
        "sqrt(x): the square root, x >= 0 by its proven range (R gives NaN below); relative error below 2e-7; also x^0.5. Private powers x^p: whole p up to 8 exactly by products, negative whole p as 1 / x^-p, other p through logarithms (x > 0, relative error |p| 2e-7)",
        "nothing",
    ),
    (
        "round",
        "round(x, digits = 0): numbers rounded as R does (the closest number with that many places, ties to even); a private value's stored decimals are rounded exactly (R rounds the binary double, so for a tie that is not a binary fraction, such as 0.15, R may go the other way)",
        "nothing",
    ),
    (
        "signif",
        "signif(x, digits = 6): to that many significant digits, as R; private values exactly, each at its own (secret) decade, ties to even on the stored decimal; every decade of the value's range must pass the subset rules (else use round)",
        "nothing",
    ),
    (
        "pmin",
        "pmin(x, y, ...): the parallel minimum of numbers (vectors, or a vector and constants), exactly; na.rm = TRUE is not available",
        "nothing",
    ),
    (
        "pmax",
        "pmax(x, y, ...): the parallel maximum, as pmin",
        "nothing",
    ),
    (
        "print",
        "print(x, digits = 7): a public value, or the type of a private one; digits for numbers, tests (as R's print.htest), lm() fits and their summaries (as print.lm and print.summary.lm, 1 to 7) and a coxph() fit or its summary (print.coxph's table as R formats it, 1 to 5 digits: more would print digits beyond the fit's guaranteed 1e-6)",
        "nothing private",
    ),
    (
        "sum",
        "sum(x, na.rm = FALSE)",
        "the sum (and whether any value is missing, without na.rm)",
    ),
    ("mean", "mean(x, na.rm = FALSE)", "n and the sum"),
    (
        "var",
        "var(x, na.rm = FALSE): denominator n - 1",
        "n, the sum and the sum of squares",
    ),
    (
        "sd",
        "sd(x, na.rm = FALSE)",
        "n, the sum and the sum of squares",
    ),
    (
        "median",
        "median(x, na.rm = FALSE)",
        "n and the median (not the order statistics around it)",
    ),
    (
        "quantile",
        "quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)",
        "n and each interpolated quantile; 0 and 1 only with allow_extremes",
    ),
    ("min", "min(x)", "the minimum, only with allow_extremes"),
    ("max", "max(x)", "the maximum, only with allow_extremes"),
    (
        "range",
        "range(x)",
        "minimum and maximum, only with allow_extremes",
    ),
    (
        "summary",
        "summary(x): five numbers and the mean; summary(fit, times = ...) for survfit",
        "as quantile and mean; Min./Max. only with allow_extremes",
    ),
    (
        "freq",
        "freq(x): counts per level or distinct value",
        "the counts, each 0 or >= min_cell",
    ),
    (
        "table",
        "table(x), table(x, y), useNA = \"no\"/\"ifany\"/\"always\"",
        "the counts, each 0 or >= min_cell",
    ),
    (
        "cor",
        "cor(x, y, method = \"pearson\"): Pearson, or Spearman (midranks, from oblivious sorts)",
        "n, Σx, Σy, Σx², Σy², Σxy (of the ranks, for Spearman)",
    ),
    (
        "t.test",
        "t.test(y ~ g, data), t.test(x, y), t.test(x, mu = m); var.equal = TRUE for Student",
        "per group n, Σy, Σy² (group sizes >= min_cell)",
    ),
    (
        "wilcox.test",
        "wilcox.test(y ~ g, data) or wilcox.test(x, y): rank-sum test",
        "group sizes, W and the tie correction Σ(t³ - t)",
    ),
    (
        "chisq.test",
        "chisq.test(table(a, b)) or chisq.test(a, b); correct = FALSE to drop Yates",
        "the two-way table (cells >= min_cell)",
    ),
    (
        "fisher.test",
        "fisher.test(table(a, b)): exact test (2x2 with odds ratio; r x c: p-value)",
        "the 2x2 table (cells >= min_cell)",
    ),
    ("cor.test", "cor.test(x, y): Pearson's test", "as cor"),
    (
        "lm",
        "lm(y ~ x1 + x2, data): least squares; formulas as R reads them: a:b, a * b, I(x^2), log(x), factors (R's names: sexf, age:sexf), - 1 for no intercept, offset(o) (coefficient 1; R² as R 4.2's, of the fitted values with the offset); cross-products exact, summed beyond 64 bits where needed; prints as R's print.lm (the call and the coefficients), summary(fit) as print.summary.lm (without the residual quantiles, which are per-row values)",
        "n, XᵀX, Xᵀy, yᵀy (with an offset also Xᵀo, oᵀo, oᵀy); one bit: whether some row's hat value exceeds max_leverage (then refused)",
    ),
    (
        "Surv",
        "Surv(time, event): the response of survfit and survdiff",
        "nothing by itself",
    ),
    (
        "survfit",
        "survfit(Surv(time, event) ~ g, data): Kaplan-Meier curves",
        "group sizes and the distinct event and censoring times with their counts; needs allow_event_times",
    ),
    (
        "survdiff",
        "survdiff(Surv(time, event) ~ g + strata(s), data, strict = FALSE): log-rank test (with strata(s): R's stratified test, observed, expected and variance summed over the strata); strict = TRUE: two groups, only the statistic",
        "as survfit (with strata: per group and stratum); with strict = TRUE only the chi-square statistic (no times, no counts; allowed without allow_event_times)",
    ),
    (
        "levels",
        "levels(f): the levels of a factor, in order (the dictionary's or the program's; public)",
        "nothing",
    ),
    (
        "relevel",
        "relevel(f, ref = \"level\"): the factor with that level first (the reference level of models)",
        "nothing",
    ),
    (
        "factor",
        "factor(x, levels = c(...), labels = c(...)): a factor, as R's: of a factor (re-levelled; rows of levels left out become NA; without levels, the empty levels are dropped), of a logical (FALSE, TRUE) or of private numbers (levels written out: R's default, the distinct values, would come from the data); labels rename the levels one to one. as.factor(x) is factor(x)",
        "nothing, except without levels = on a factor: one bit per level (empty or not), after the small-cell rule on the levels' counts",
    ),
    ("as.factor", "as.factor(x): factor(x)", "as factor(x)"),
    (
        "droplevels",
        "droplevels(f): the factor without its empty levels (of the selected rows)",
        "one bit per level (empty or not), after the small-cell rule on the levels' counts",
    ),
    (
        "as.numeric",
        "as.numeric(x): a factor's level positions 1..k (private), logical values as 0/1, numbers as they are; as.integer the same",
        "nothing",
    ),
    ("as.integer", "as.integer(x): as.numeric(x)", "nothing"),
    (
        "as.character",
        "as.character(x): a private factor stays a factor (private text is categorical); public numbers become strings; private numbers are refused (use factor(x, levels = ...))",
        "nothing",
    ),
    (
        "scale",
        "scale(x, center = TRUE, scale = TRUE): (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE) of a private numeric column, as R's scale() (a private vector); numbers as center or scale are used as R uses them; FALSE leaves that step out (scale = TRUE without centring, R's root mean square, is refused); the division by a public SD carries its documented error",
        "the mean and standard deviation (as mean() and sd(), under their rules)",
    ),
    (
        "prop.table",
        "prop.table(x, margin = NULL): the proportions of a table (from table()): each count over the total, or over its row's (margin = 1) or column's (margin = 2) total; printed as R prints them. proportions() is the same",
        "nothing beyond the table",
    ),
    (
        "proportions",
        "proportions(x, margin = NULL): prop.table(x, margin)",
        "nothing beyond the table",
    ),
    (
        "confint",
        "confint(fit, level = 0.95): Wald confidence limits of a coxph() fit (normal quantile, as R's confint.default) or an lm() fit (Student's t, as confint.lm); parm is refused",
        "nothing beyond the fit",
    ),
    (
        "cox.zph",
        "cox.zph(fit, transform = \"km\", terms = TRUE, global = TRUE): R's test of proportional hazards of a coxph() fit (the score test of adding g(t)·x for each term, g the centred transform of time: \"km\", \"rank\", \"identity\" or \"log\"); one row per term (or per coefficient) and GLOBAL; singledf is refused. Runs the fit's call again on the data",
        "what the fit reveals, again, plus the test's k + k(k+1) sums at the fitted coefficients (hence the statistics)",
    ),
    (
        "coxph",
        "coxph(Surv(time, event) ~ x1 + x2 + strata(g), data, ties = \"efron\"): Cox regression (or ties = \"breslow\"); formulas as lm; strata(g): the stratified partial likelihood; offset(o): a covariate with coefficient fixed at 1 (loglik[1] with it in, as R); a 1/2 status is read as R reads it (2 = the event). Fixed point (Newton-Raphson at 22 fractional bits, the evaluations near the fit at 24 when the weights allow): coefficients within 1e-6 relative of R's (1e-6 of their standard error when closer to 0); every rounding is exact, so reruns print identical digits; summary(fit) prints R's summary.coxph (without the concordance)",
        "as survfit (with each used row's stratum), plus each numeric covariate's mean and SD and which of 4/8/16/32 SDs bounds it, and per iteration the score, information and log-likelihood (so the coefficients, their covariance and the likelihoods; with offset(o) also its own score and information entries); when the weights' worst case is beyond the fixed point, one bit per evaluation (every relative risk at that iterate lies within the fixed-point window); with Efron's ties and a time of two deaths or more, one bit per evaluation (whether at every such time at most half of the risk set's relative risk dies: the fast grouped sums or the per-term ones); to the nodes the covariates' (and offset's) XᵀX, and one bit: whether some row's hat value exceeds max_leverage (then refused)",
    ),
    (
        "plot",
        "plot(fit or table, file = \"km.svg\", conf.int = FALSE, main = \"\"): drawn by your client",
        "nothing beyond its argument",
    ),
    (
        "hist",
        "hist(x, breaks = c(0, 20, 40), file = \"hist.svg\"): histogram, drawn by your client",
        "the table of cut(x, breaks) (cells pass min_cell); breaks must be given",
    ),
    (
        "barplot",
        "barplot(table, file = \"bars.svg\"): drawn by your client",
        "nothing beyond its argument",
    ),
    ("help", "help(\"name\"): this text", "nothing"),
];

/// The help text of `name`, or `None`.
pub fn help(name: &str) -> Option<String> {
    HELP.iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, usage, reveals)| format!("{usage}\nReveals: {reveals}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_help() {
        for f in crate::check::FUNCTIONS {
            assert!(help(f).is_some(), "no help for {f}");
        }
        assert!(help("mean").unwrap().contains("Reveals: n and the sum."));
    }
}
