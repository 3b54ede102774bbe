# The probit link's polynomials (issue 16: glm(family = binomial(link = "probit"))). Run from
# the repository root:
#   Rscript r/probit.R   (writes crates/stats/src/glm/probit_poly.rs; CI needs no R)
#
# For a = |eta| in [0, A], A = -qnorm(.Machine$double.eps) (R's clamp of the probit's eta in
# binomial()$linkinv), three functions as polynomials in x = 2a/A - 1 in [-1, 1]:
#   Q(a) = pnorm(a, lower.tail = FALSE)           the upper tail
#   S(a) = dnorm(a)/Q(a) - a                       the inverse Mills ratio less a
#   L(a) = log(dnorm(a)/Q(a))                      its logarithm
# each by interpolation at the n + 1 Chebyshev nodes (degree n = 31), converted to the
# monomial basis. The script prints each one's largest error on a grid of 20001 points.
A <- -qnorm(.Machine$double.eps)
fns <- list(
  Q = function(a) pnorm(a, lower.tail = FALSE),
  S = function(a) exp(dnorm(a, log = TRUE) - pnorm(a, lower.tail = FALSE, log.p = TRUE)) - a,
  L = function(a) dnorm(a, log = TRUE) - pnorm(a, lower.tail = FALSE, log.p = TRUE)
)
n <- 31
cheb_mono <- function(f) {
  k <- 0:n
  xs <- cos(pi * (k + 0.5) / (n + 1))
  fx <- f((xs + 1) * A / 2)
  cc <- sapply(0:n, function(j) 2 / (n + 1) * sum(fx * cos(j * pi * (k + 0.5) / (n + 1))))
  cc[1] <- cc[1] / 2
  Tm <- list(c(1), c(0, 1))
  for (j in 2:n) Tm[[j + 1]] <- c(0, 2 * Tm[[j]]) - c(Tm[[j - 1]], 0, 0)
  m <- numeric(n + 1)
  for (j in 0:n) {
    idx <- seq_along(Tm[[j + 1]])
    m[idx] <- m[idx] + cc[j + 1] * Tm[[j + 1]]
  }
  m
}
grid <- seq(-1, 1, length.out = 20001)
horner <- function(m, x) Reduce(function(acc, c) acc * x + c, rev(m), 0)
lines <- c("//! The probit link's polynomials in `x = 2a/A − 1`, `a = |η| ∈ [0, A]`: made by",
           "//! `r/probit.R` (R's `pnorm`/`dnorm`, Chebyshev interpolation of degree 31); do not edit.",
           sprintf("//! Largest errors on 20001 points: %s.",
                   paste(sapply(names(fns), function(nm) {
                     m <- cheb_mono(fns[[nm]])
                     sprintf("%s %.1e", nm, max(abs(horner(m, grid) - fns[[nm]]((grid + 1) * A / 2))))
                   }), collapse = ", ")),
           "",
           "#![allow(clippy::excessive_precision)]",
           "",
           "/// `A = −qnorm(ε)`: R's clamp of the probit's linear predictor.",
           sprintf("pub const A: f64 = %.17g;", A),
           "",
           "/// `−qnorm(10 ε)`: beyond, R warns that fitted probabilities are numerically 0 or 1.",
           sprintf("pub const BOUNDARY: f64 = %.17g;", -qnorm(10 * .Machine$double.eps)),
           "",
           "/// `qnorm(3/4)`: R's starting `η` for a response of 1 (`mustart = 3/4`).",
           sprintf("pub const QNORM_3_4: f64 = %.17g;", qnorm(0.75)))
doc <- c(Q = "The upper tail `Q(a) = 1 − Φ(a)`.",
         S = "The inverse Mills ratio less `a`: `φ(a)/Q(a) − a`.",
         L = "The inverse Mills ratio's logarithm `ln(φ(a)/Q(a))`.")
for (nm in names(fns)) {
  m <- cheb_mono(fns[[nm]])
  lines <- c(lines, "", paste0("/// ", doc[[nm]]),
             sprintf("pub const %s: [f64; %d] = [", nm, n + 1),
             sprintf("    %.17e,", m), "];")
}
writeLines(lines, "crates/stats/src/glm/probit_poly.rs")
