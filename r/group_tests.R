# Reference values for oneway.test and pairwise.t.test (issue 16) on the lung cohort
# (examples/lung, as the tests upload it).
# Run from the repository root:
#   Rscript r/group_tests.R     (writes r/oneway.json, r/anova_lm.json, r/aov.json, r/pairwise.json;
#   CI needs no R)
# oneway.json: a list of {call, statistic, df (num, denom), p, print (R's lines)}: Welch's and
#   the equal-variance F test, two and three groups, missing values.
# anova_lm.json: a list of {call, df, sum_sq, f, p (null for the residuals), print}: R's
#   sequential analysis of variance of lm fits (one factor, a factor and a covariate,
#   an interaction).
# aov.json: a list of {call, print, summary}: print.aov and summary.aov of aov fits.
# pairwise.json: a list of {call, levels, p (rows levels[-1], columns levels[-k], null where
#   none), print}: pooled SD with Holm's, BH's and Bonferroni's adjustment, Welch's
#   (pool.sd = FALSE), one-sided.
library(jsonlite)
a <- read.csv("examples/lung/site_a.csv", stringsAsFactors = FALSE)
b <- read.csv("examples/lung/site_b.csv", stringsAsFactors = FALSE)
d <- rbind(a, b)
d$sex_f <- factor(d$sex_f, levels = c("male", "female"))
e <- subset(d, ph.ecog < 3)
run <- function(calls, result, file) {
  out <- lapply(calls, function(call) {
    t <- eval(parse(text = call))
    c(list(call = call), result(t), list(print = capture.output(print(t))))
  })
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), file)
}
run(c("oneway.test(age ~ sex_f, data = d)",
      "oneway.test(age ~ ph.ecog, data = subset(d, ph.ecog < 3))",
      "oneway.test(wt.loss ~ ph.ecog, data = subset(d, ph.ecog < 3), var.equal = TRUE)",
      "oneway.test(meal.cal ~ sex_f, data = d, var.equal = TRUE)"),
    function(t) list(statistic = unname(t$statistic), df = unname(t$parameter), p = t$p.value),
    "r/oneway.json")
run(c("pairwise.t.test(e$age, e$ph.ecog)",
      "pairwise.t.test(e$wt.loss, e$ph.ecog, p.adjust.method = \"BH\")",
      "pairwise.t.test(e$age, e$ph.ecog, pool.sd = FALSE)",
      "pairwise.t.test(e$meal.cal, e$ph.ecog, p.adjust.method = \"bonferroni\", alternative = \"less\")"),
    function(t) list(levels = c(rownames(t$p.value)[1], colnames(t$p.value)),
                     p = unname(t$p.value)),
    "r/pairwise.json")
e$ecog <- factor(e$ph.ecog)
d$ecog <- factor(d$ph.ecog)
run(c("anova(lm(age ~ ecog, data = e))",
      "anova(lm(wt.loss ~ sex_f + age, data = d))",
      "anova(lm(meal.cal ~ age * sex_f, data = d))"),
    function(t) list(df = t$Df, sum_sq = t[["Sum Sq"]], f = t[["F value"]], p = t[["Pr(>F)"]]),
    "r/anova_lm.json")
# aov.json: a list of {call, print (print.aov), summary (print.summary.aov)}.
out <- lapply(c("aov(age ~ ecog, data = e)", "aov(wt.loss ~ sex_f + age, data = d)"),
              function(call) {
  f <- eval(parse(text = call))
  list(call = call, print = capture.output(print(f)), summary = capture.output(print(summary(f))))
})
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE), "r/aov.json")
