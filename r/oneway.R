# Reference values for oneway.test (issue 16) on the lung cohort (examples/lung, as the tests
# upload it): Welch's and the equal-variance F test, two and three groups, with missing values.
# Run from the repository root:
#   Rscript r/oneway.R        (writes r/oneway.json; CI needs no R)
# JSON: a list of {call, statistic, df (num, denom), p, print (R's lines)}.
library(jsonlite)
a <- read.csv("examples/lung/site_a.csv", stringsAsFactors = FALSE)
b <- read.csv("examples/lung/site_b.csv", stringsAsFactors = FALSE)
d <- rbind(a, b)
d$sex_f <- factor(d$sex_f, levels = c("male", "female"))
calls <- c(
  "oneway.test(age ~ sex_f, data = d)",
  "oneway.test(age ~ ph.ecog, data = subset(d, ph.ecog < 3))",
  "oneway.test(wt.loss ~ ph.ecog, data = subset(d, ph.ecog < 3), var.equal = TRUE)",
  "oneway.test(meal.cal ~ sex_f, data = d, var.equal = TRUE)"
)
out <- lapply(calls, function(call) {
  t <- eval(parse(text = call))
  list(call = call, statistic = unname(t$statistic), df = unname(t$parameter),
       p = t$p.value, print = capture.output(print(t)))
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "r/oneway.json")
