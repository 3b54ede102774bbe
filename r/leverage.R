# Reference hat values for the leverage rule (issue 13): the largest hatvalues() of models
# on the adrenal fixture, as R computes them. Run from the repository root:
#   Rscript r/leverage.R        (writes r/leverage.json, which the tests read; CI needs no R)
library(jsonlite)
m <- read.csv("examples/adrenal/munich.csv")
r <- read.csv("examples/adrenal/rome.csv")
common <- intersect(names(m), names(r))
d <- rbind(m[common], r[common])
top <- function(f) max(hatvalues(lm(f, data = d)))
# For coxph the rule uses the covariates' design with an intercept: the same hat values.
models <- list(
  list(call = "lm(ptv_cc ~ gtv_cc, data = d)", formula = ptv_cc ~ gtv_cc),
  list(call = "lm(follow_up_months ~ age, data = d)", formula = follow_up_months ~ age),
  list(call = "lm(follow_up_months ~ age + gtv_cc + fractions, data = d)",
       formula = follow_up_months ~ age + gtv_cc + fractions),
  list(call = "coxph(Surv(follow_up_months, event_death) ~ age + ptv_cc, data = d)",
       formula = follow_up_months ~ age + ptv_cc)
)
out <- lapply(models, function(x) list(call = x$call, max_hat = top(x$formula)))
write_json(out, "r/leverage.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
