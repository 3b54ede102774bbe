# Reference values for predict() on new data (issue 16: `predict` on public new data) from
# glm and lm fits on the lung cohort (examples/lung, the CSV files the tests upload).
# Run from the repository root:
#   Rscript r/predict.R   (writes r/predict.json; CI needs no R)
library(jsonlite)
read_site <- function(s) read.csv(sprintf("examples/lung/%s.csv", s), check.names = FALSE,
                                  stringsAsFactors = FALSE, na.strings = c("", "NA"))
d <- rbind(read_site("site_a"), read_site("site_b"))
d$sex_f <- factor(d$sex_f, levels = c("male", "female"))
cases <- list(
  logit = list(
    fit = "glm(dead ~ age + sex + ph.ecog, family = binomial, data = d)",
    newdata = "data.frame(age = c(50, 65, 80), sex = c(1, 2, 1), ph.ecog = c(0, 1, 2))"),
  probit_factor = list(
    fit = "glm(dead ~ factor(ph.ecog, levels = c(0, 1, 2)) + wt.loss, family = binomial(link = \"probit\"), data = d, subset = ph.ecog < 3)",
    newdata = "data.frame(ph.ecog = c(0, 1, 2, 1), wt.loss = c(0, 10, 25, NA))"),
  poisson_offset = list(
    fit = "glm(dead ~ sex_f + age + offset(log(time)), family = poisson, data = d)",
    newdata = "data.frame(sex_f = c(\"male\", \"female\"), age = c(60, 70), time = c(365, 100))"),
  quasibinomial = list(
    fit = "glm(dead ~ age + sex_f, family = quasibinomial, data = d)",
    newdata = "data.frame(age = c(45, 70), sex_f = c(\"female\", \"male\"))"),
  interaction = list(
    fit = "glm(dead ~ age * sex_f + I(ph.ecog >= 2), family = binomial, data = d)",
    newdata = "data.frame(age = c(55, 72), sex_f = c(\"female\", \"male\"), ph.ecog = c(2, 0))"),
  cloglog = list(
    fit = "glm(dead ~ age + sex_f, family = binomial(link = \"cloglog\"), data = d)",
    newdata = "data.frame(age = c(50, 75), sex_f = c(\"male\", \"female\"))"),
  gaussian = list(
    fit = "glm(meal.cal ~ age + sex_f, family = gaussian, data = d)",
    newdata = "data.frame(age = c(50, 75), sex_f = c(\"male\", \"female\"))"),
  lm = list(
    fit = "lm(meal.cal ~ log(age) + sex_f + wt.loss, data = d)",
    newdata = "data.frame(age = c(50, 75), sex_f = c(\"male\", \"female\"), wt.loss = c(0, 20))")
)
out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  fit <- eval(parse(text = cs$fit))
  nd <- eval(parse(text = cs$newdata))
  is_lm <- inherits(fit, "lm") && !inherits(fit, "glm")
  types <- if (is_lm) "response" else c("link", "response")
  res <- list(fit = cs$fit, newdata = cs$newdata)
  for (type in types) {
    p <- predict(fit, newdata = nd, type = type, se.fit = TRUE)
    res[[type]] <- list(fit = unname(p$fit), se = unname(p$se.fit),
                        residual_scale = p$residual.scale,
                        df = if (is_lm) p$df else NULL)
  }
  res$print <- capture.output(print(predict(fit, newdata = nd)))
  res$print_se <- capture.output(print(predict(fit, newdata = nd, se.fit = TRUE)))
  res$print_newdata <- capture.output(print(nd))
  out[[name]] <- res
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "r/predict.json")
