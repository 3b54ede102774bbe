# Reference values for glm() (issue 16): logistic, Poisson with offset, Gaussian, quasi families
# the cloglog and probit links on the lung cohort (examples/lung, the same CSV files the tests upload),
# logistic regression of complete remission on the adrenal fixture (examples/adrenal), and a
# separated data set (R warns "fitted probabilities numerically 0 or 1 occurred").
# Run from the repository root:
#   Rscript r/glm.R        (writes r/glm.json, which tests read; CI needs no R)
#
# JSON layout: <key>.call (the call on d), coefficients / se / stat / p (objects keyed by R's
# coefficient names; stat is z or t as summary.glm prints), null_deviance, deviance, df_null,
# df_residual, aic (null for quasi families), iter, dispersion, n, warnings (R's warning
# texts), print (capture.output(print(fit))), summary (capture.output(summary(fit))),
# confint (confint.default: lower/upper), and for anova cases the table.
library(jsonlite)

# Empty cells are missing values (na.strings), as the uploads read them.
read_cohort <- function(name, a = "site_a", b = "site_b") {
  x <- read.csv(sprintf("examples/%s/%s.csv", name, a), check.names = FALSE,
                stringsAsFactors = FALSE, na.strings = c("", "NA"))
  y <- read.csv(sprintf("examples/%s/%s.csv", name, b), check.names = FALSE,
                stringsAsFactors = FALSE, na.strings = c("", "NA"))
  rbind(x, y)
}

col <- function(tab, name) as.list(setNames(tab[, name], rownames(tab)))

fit_result <- function(call, d) {
  warnings <- character(0)
  fit <- withCallingHandlers(eval(parse(text = call)),
                             warning = function(w) {
                               warnings <<- c(warnings, conditionMessage(w))
                               invokeRestart("muffleWarning")
                             })
  s <- summary(fit)
  cf <- s$coefficients
  ci <- confint.default(fit)
  list(
    call = call,
    coefficients = col(cf, "Estimate"),
    se = col(cf, "Std. Error"),
    stat = col(cf, colnames(cf)[3]),
    p = col(cf, colnames(cf)[4]),
    null_deviance = fit$null.deviance,
    deviance = fit$deviance,
    df_null = fit$df.null,
    df_residual = fit$df.residual,
    aic = if (is.na(fit$aic)) NULL else fit$aic,
    iter = fit$iter,
    dispersion = s$dispersion,
    n = length(fit$y),
    warnings = warnings,
    print = capture.output(print(fit)),
    summary = capture.output(print(s)),
    confint = list(lower = as.list(setNames(ci[, 1], rownames(ci))),
                   upper = as.list(setNames(ci[, 2], rownames(ci))))
  )
}

lung <- read_cohort("lung")
lung$sex_f <- factor(lung$sex_f, levels = c("male", "female"))
d <- lung
out <- list()
out$lung_logit <- fit_result(
  "glm(dead ~ age + sex + ph.ecog, family = binomial, data = d)", d)
out$lung_logit_factor <- fit_result(
  "glm(dead ~ age + sex_f, family = binomial(link = \"logit\"), data = d)", d)
out$lung_cloglog <- fit_result(
  "glm(dead ~ age + sex_f, family = binomial(link = \"cloglog\"), data = d)", d)
out$lung_cloglog_offset <- fit_result(
  "glm(dead ~ age + sex_f + offset(log(time / 365)), family = binomial(link = \"cloglog\"), data = d)", d)
out$lung_cloglog_factor <- fit_result(
  "glm(dead ~ factor(ph.ecog, levels = c(0, 1, 2)) + wt.loss, family = binomial(\"cloglog\"), data = d, subset = ph.ecog < 3)", d)
out$lung_cloglog_null <- fit_result(
  "glm(dead ~ 1, family = binomial(link = \"cloglog\"), data = d)", d)
out$lung_probit <- fit_result(
  "glm(dead ~ age + sex_f + ph.ecog, family = binomial(link = \"probit\"), data = d)", d)
out$lung_probit_offset <- fit_result(
  "glm(dead ~ age + offset(wt.loss / 50), family = binomial(\"probit\"), data = d)", d)
out$lung_probit_factor <- fit_result(
  "glm(dead ~ factor(ph.ecog, levels = c(0, 1, 2)) + wt.loss, family = binomial(link = \"probit\"), data = d, subset = ph.ecog < 3)", d)
out$lung_probit_null <- fit_result(
  "glm(dead ~ 1, family = binomial(link = \"probit\"), data = d)", d)
out$lung_probit_no_intercept <- fit_result(
  "glm(dead ~ 0 + age + ph.ecog, family = binomial(link = \"probit\"), data = d)", d)
out$lung_probit_factor_no_intercept <- fit_result(
  "glm(dead ~ 0 + sex_f + age, family = binomial(link = \"probit\"), data = d)", d)
out$lung_gaussian_factor_no_intercept <- fit_result(
  "glm(meal.cal ~ 0 + sex_f + age, family = gaussian, data = d)", d)
out$lung_quasibinomial <- fit_result(
  "glm(dead ~ age + sex + ph.ecog, family = quasibinomial, data = d)", d)
out$lung_poisson <- fit_result(
  "glm(dead ~ sex_f + age + offset(log(time)), family = poisson, data = d)", d)
out$lung_quasipoisson <- fit_result(
  "glm(dead ~ sex_f + age + offset(log(time)), family = quasipoisson, data = d)", d)
out$lung_poisson_counts <- fit_result(
  "glm(ph.ecog ~ sex_f + age, family = poisson(link = \"log\"), data = d)", d)
out$lung_quasipoisson_counts <- fit_result(
  "glm(ph.ecog ~ sex_f + age, family = quasipoisson, data = d)", d)
out$lung_quasibinomial_subset <- fit_result(
  "glm(dead ~ age + ph.karno, family = quasibinomial(link = \"logit\"), data = d, subset = age > 50)", d)
out$lung_logit_null <- fit_result("glm(dead ~ 1, family = binomial, data = d)", d)
out$lung_logit_no_intercept <- fit_result("glm(dead ~ age - 1, family = binomial, data = d)", d)
out$lung_poisson_null <- fit_result("glm(ph.ecog ~ 1, family = poisson, data = d)", d)
out$lung_poisson_no_intercept <- fit_result(
  "glm(dead ~ age + ph.ecog - 1, family = poisson, data = d)", d)
out$lung_gaussian <- fit_result(
  "glm(age ~ sex_f + ph.ecog, data = d)", d)
out$lung_logit_subset <- fit_result(
  "glm(dead ~ age + ph.ecog, family = \"binomial\", data = d, subset = sex == 1)", d)

ad <- read_cohort("adrenal", "munich", "rome")
ad$ecog_group <- ifelse(ad$ecog_status %in% c(0, 1), "ecog01", "ecog2")
d <- ad
out$adrenal_logit <- fit_result(
  "glm(local_control == \"complete\" ~ I(bed10_gy >= 80) + ecog_group, family = binomial, data = d)", d)

# Separation: x > 0 predicts y exactly (R warns); 40 rows, x = -19.5..19.5.
sep <- data.frame(x = seq(-19.5, 19.5, by = 1))
sep$y <- as.integer(sep$x > 0)
d <- sep
out$separation <- fit_result("glm(y ~ x, family = binomial, data = d)", d)
out$separation$x <- sep$x
out$separation$y <- sep$y

# anova(fit0, fit1, test = "Chisq") on nested logistic models
d <- lung
f0 <- glm(dead ~ age, family = binomial, data = d[!is.na(d$ph.ecog), ])
f1 <- glm(dead ~ age + ph.ecog, family = binomial, data = d[!is.na(d$ph.ecog), ])
a <- anova(f0, f1, test = "Chisq")
out$anova_nested <- list(
  resid_df = a[["Resid. Df"]], resid_dev = a[["Resid. Dev"]],
  df = a[["Df"]][2], deviance = a[["Deviance"]][2], p = a[["Pr(>Chi)"]][2],
  print = capture.output(print(a)))

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           "r/glm.json")
