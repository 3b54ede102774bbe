# Reference values for prop.test (issue 16): R's documentation example (smokers), one and
# two-sample tests with and without continuity correction and one-sided, k = 3, a count of
# zero, and the table form on the lung cohort (examples/lung, as the tests upload it).
# Run from the repository root:
#   Rscript r/proportions.R        (writes r/proportions.json; CI needs no R)
# JSON: a list of {call, statistic, df, p, conf_int (or null), estimate, print (R's lines)}.
library(jsonlite)
a <- read.csv("examples/lung/site_a.csv", stringsAsFactors = FALSE)
b <- read.csv("examples/lung/site_b.csv", stringsAsFactors = FALSE)
d <- rbind(a, b)
d$sex_f <- factor(d$sex_f, levels = c("male", "female"))
calls <- c(
  "prop.test(15, 40)",
  "prop.test(15, 40, p = 0.3, alternative = \"greater\", correct = FALSE)",
  "prop.test(0, 10)",
  "prop.test(c(15, 25), c(50, 50))",
  "prop.test(c(15, 25), c(50, 50), alternative = \"less\", conf.level = 0.9)",
  "prop.test(c(15, 25, 30), c(50, 50, 50))",
  "prop.test(c(83, 90, 129, 70), c(86, 93, 136, 82))",
  "prop.test(table(d$sex_f, d$dead == 1))"
)
out <- lapply(calls, function(call) {
  t <- suppressWarnings(eval(parse(text = call)))
  list(call = call, statistic = unname(t$statistic), df = unname(t$parameter),
       p = t$p.value, conf_int = if (is.null(t$conf.int)) NULL else as.numeric(t$conf.int),
       estimate = unname(t$estimate), print = capture.output(print(t)))
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           "r/proportions.json")
