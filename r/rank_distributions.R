# Reference values of the exact null distributions of the rank tests, as R computes them, for
# the leaf crate crates/rstats (its tests read r/rank_distributions.json; CI needs no R).
# Run from the repository root:
#   Rscript r/rank_distributions.R
#
# JSON layout:
#   prho:      [n, is, lower, p]   R's AS 89 (.Call(stats:::C_pRho, is, n, lower)) over n = 2..40
#   psignrank: [q, n, p]           psignrank(q, n)
#   pwilcox:   [q, m, n, p]        pwilcox(q, m, n)
#   pkendall:  [q, n, p]           .Call(stats:::C_pKendall, q, n)
library(jsonlite)
prho <- list()
for (n in 2:40) {
  mx <- (n^3 - n) / 3
  for (is in unique(round(seq(0, mx + 4, length.out = 23)))) {
    for (lower in c(TRUE, FALSE)) {
      prho[[length(prho) + 1]] <- c(n, is, lower, .Call(stats:::C_pRho, is, n, lower))
    }
  }
}
psr <- list()
for (n in c(1, 2, 5, 10, 20, 49)) for (q in unique(round(seq(-1, n * (n + 1) / 2 + 1, length.out = 15))))
  psr[[length(psr) + 1]] <- c(q, n, psignrank(q, n))
pw <- list()
for (mn in list(c(1, 1), c(3, 4), c(10, 7), c(49, 30))) for (q in unique(round(seq(-1, prod(mn) + 1, length.out = 15))))
  pw[[length(pw) + 1]] <- c(q, mn, pwilcox(q, mn[1], mn[2]))
pk <- list()
for (n in c(2, 3, 6, 12, 30, 49)) for (q in unique(round(seq(-1, n * (n - 1) / 2 + 1, length.out = 15))))
  pk[[length(pk) + 1]] <- c(q, n, .Call(stats:::C_pKendall, q, n))
out <- list(prho = prho, psignrank = psr, pwilcox = pw, pkendall = pk)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "r/rank_distributions.json")
