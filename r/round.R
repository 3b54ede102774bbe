# Reference values for round() and signif() of public numbers (issue 14), as R computes them
# (R >= 4.0: the representable number closest to x, ties to even). Run from the repository root:
#   Rscript r/round.R        (writes r/round.json, which the tests read; CI needs no R)
library(jsonlite)
x <- c(0.125, 2.675, 0.15, 2.5, 0.5, 1.005, -2.5, -0.125, 1234.5678, 1250, 1350, 0.000123456,
       99.995, 1e10 + 0.5, -1.55, 3.14159265358979, 0, 123456789.123, 5.5, 6.5, 0.285, 10.245)
cases <- list()
for (d in -2:4) {
  cases[[length(cases) + 1]] <- list(fun = "round", digits = d, x = x, y = round(x, d))
}
for (d in 1:7) {
  cases[[length(cases) + 1]] <- list(fun = "signif", digits = d, x = x, y = signif(x, d))
}
write_json(cases, "r/round.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
