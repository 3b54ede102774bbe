# Reference values for the two-site cohorts examples/lung, examples/veteran and examples/pbc (R's
# survival::lung, survival::veteran and the 312 randomised patients of survival::pbc), as R
# computes them on the SAME canonical CSV files the tests upload (site_a.csv rbind site_b.csv;
# pbc's age is rounded to 4 decimals there, so these numbers use the rounded ages).
# Run from the repository root:
#   Rscript r/survival_cohorts.R        (writes r/survival_cohorts.json, which tests read; CI needs no R)
# The CSV files themselves were written by r/survival_cohorts_data.R.
#
# JSON layout (keys are R's names; coefficient vectors are objects keyed by R's coefficient names):
#   <cohort>.rows                      rows of site_a, site_b and in all
#   <cohort>.<model>.call              the R call, on d = rbind(site_a, site_b)
#   coxph results: coefficients, exp_coef, se, z, p (Wald, per coefficient), loglik (null, model),
#     n, nevent, concordance (C and its se), lrt / wald / score tests (test, df, p), and for
#     veteran confint (lower/upper: 2.5 % and 97.5 % Wald limits of the coefficients)
#   cox.zph results (transform "km" and terms = TRUE unless the call says otherwise): per term
#     (or coefficient) and GLOBAL {chisq, df, p}
#   survfit results (time in months = days / 30.4375, one curve): n, n_event (total), median,
#     median_lower, median_upper (log-CI), and the full vectors time, n_risk, n_event_at,
#     n_censor, surv, std_err (of log S, as R's $std.err), lower, upper (log-transformed 95 %);
#     null where R has Inf or NA (veteran's last time: surv 0, std_err Inf, lower/upper NA)
#   lm results: coefficients, se, t, p, sigma, r_squared, adj_r_squared, df (residual df),
#     df_model (rank), n
#   pbc.aggregates: simple means/variances of math functions of private columns
#
# Cohort factors use the dictionaries' level orders (= R's): lung sex_f male/female, veteran
# celltype squamous/smallcell/adeno/large, pbc sex m/f. lung$status is R's 1/2 coding, which
# Surv() reads as censored/dead; veteran's is 0/1; pbc's death indicator is status == 2.
library(survival)
library(jsonlite)

read_cohort <- function(name) {
  a <- read.csv(sprintf("examples/%s/site_a.csv", name), check.names = FALSE,
                stringsAsFactors = FALSE)
  b <- read.csv(sprintf("examples/%s/site_b.csv", name), check.names = FALSE,
                stringsAsFactors = FALSE)
  stopifnot(identical(names(a), names(b)))
  list(d = rbind(a, b), rows = list(site_a = nrow(a), site_b = nrow(b), total = nrow(a) + nrow(b)))
}

# a column of a coefficient table as a JSON object keyed by the row names (also for one row)
col <- function(tab, name) as.list(setNames(tab[, name], rownames(tab)))
# a chi-square test as R computes it (summary.coxph rounds the Wald statistic to 2 decimals)
chisq_test <- function(stat, df) list(test = unname(stat), df = df,
                                      p = pchisq(unname(stat), df, lower.tail = FALSE))

cox_result <- function(call, fit) {
  s <- summary(fit)
  cf <- s$coefficients
  df <- sum(!is.na(coef(fit)))
  stopifnot(isTRUE(all.equal(unname(s$logtest["test"]), 2 * diff(fit$loglik))),
            isTRUE(all.equal(unname(s$sctest["test"]), unname(fit$score))))
  list(
    call = call,
    coefficients = col(cf, "coef"),
    exp_coef = col(cf, "exp(coef)"),
    se = col(cf, "se(coef)"),
    z = col(cf, "z"),
    p = col(cf, "Pr(>|z|)"),
    loglik = unname(fit$loglik),
    n = fit$n,
    nevent = fit$nevent,
    ties = fit$method,
    concordance = list(C = unname(s$concordance[1]), se = unname(s$concordance[2])),
    lrt = chisq_test(2 * diff(fit$loglik), df),
    wald = chisq_test(fit$wald.test, df),
    score = chisq_test(fit$score, df)
  )
}

zph_result <- function(call, fit, transform = "km", terms = TRUE) {
  z <- cox.zph(fit, transform = transform, terms = terms)   # global = TRUE
  tab <- z$table
  out <- list(call = call, transform = transform)
  for (r in rownames(tab)) {
    out[[r]] <- list(chisq = unname(tab[r, "chisq"]), df = unname(tab[r, "df"]),
                     p = unname(tab[r, "p"]))
  }
  out
}

km_result <- function(call, fit) {
  tab <- summary(fit)$table
  list(
    call = call,
    n = unname(fit$n),
    n_event = sum(fit$n.event),
    median = unname(tab["median"]),
    median_lower = unname(tab["0.95LCL"]),
    median_upper = unname(tab["0.95UCL"]),
    conf_type = fit$conf.type,
    time = fit$time,
    n_risk = fit$n.risk,
    n_event_at = fit$n.event,
    n_censor = fit$n.censor,
    surv = fit$surv,
    std_err = fit$std.err,
    lower = fit$lower,
    upper = fit$upper
  )
}

lm_result <- function(call, fit) {
  s <- summary(fit)
  cf <- s$coefficients
  list(
    call = call,
    coefficients = col(cf, "Estimate"),
    se = col(cf, "Std. Error"),
    t = col(cf, "t value"),
    p = col(cf, "Pr(>|t|)"),
    sigma = s$sigma,
    r_squared = s$r.squared,
    adj_r_squared = s$adj.r.squared,
    df = fit$df.residual,
    df_model = fit$rank,
    n = length(fit$residuals)
  )
}

out <- list(
  generated_by = "r/survival_cohorts.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival"))
)

# ---------------------------------------------------------------- lung
co <- read_cohort("lung")
d <- co$d
d$sex_f <- factor(d$sex_f, levels = c("male", "female"))
stopifnot(all(d$dead == (d$status == 2)), all((d$sex == 2) == (d$sex_f == "female")))
cox1 <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = d)
cox2 <- coxph(Surv(time, status) ~ age + strata(sex), data = d)
km <- survfit(Surv(time / 30.4375, status) ~ 1, data = d)
lm1 <- lm(wt.loss ~ age * sex_f + I(age^2), data = d)
out$lung <- list(
  rows = co$rows,
  coxph = cox_result("coxph(Surv(time, status) ~ age + sex + ph.ecog, data = d)", cox1),
  coxph_strata = cox_result("coxph(Surv(time, status) ~ age + strata(sex), data = d)", cox2),
  # the same model with the boolean event column (must give the same numbers)
  coxph_dead = cox_result("coxph(Surv(time, dead) ~ age + sex_f + ph.ecog, data = d)",
                          coxph(Surv(time, dead) ~ age + sex_f + ph.ecog, data = d)),
  # strata from a comparison and from a numeric score (R groups by the distinct values)
  coxph_strata_cmp = cox_result("coxph(Surv(time, status) ~ age + sex_f + strata(age > 60), data = d)",
                                coxph(Surv(time, status) ~ age + sex_f + strata(age > 60), data = d)),
  coxph_strata_ecog = cox_result("coxph(Surv(time, status) ~ age + sex_f + strata(ph.ecog), data = d)",
                                 coxph(Surv(time, status) ~ age + sex_f + strata(ph.ecog), data = d)),
  # offset(): a covariate whose coefficient is fixed at 1 (loglik[1] with it in)
  coxph_offset = cox_result("coxph(Surv(time, status) ~ sex + ph.ecog + offset(age / 50), data = d)",
                            coxph(Surv(time, status) ~ sex + ph.ecog + offset(age / 50), data = d)),
  cox_zph = zph_result("cox.zph(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = d))", cox1),
  coxph_print = list(
    default = capture.output(print(cox1)),
    digits2 = capture.output(print(cox1, digits = 2)),
    summary = capture.output(summary(cox1))
  ),
  survfit = km_result("survfit(Surv(time / 30.4375, status) ~ 1, data = d)", km),
  lm = lm_result("lm(wt.loss ~ age * sex_f + I(age^2), data = d)", lm1),
  # print.summary.lm's lines at its default and at 3 digits, and of a fit with stars
  # arguments that change a test's result (issue 15): conf.level and conf.int
  test_args = {
    f9 <- fisher.test(table(d$sex_f, d$status == 2), conf.level = 0.9)
    f0 <- fisher.test(table(d$sex_f, d$status == 2), conf.int = FALSE)
    c9 <- cor.test(d$age, d$wt.loss, conf.level = 0.9)
    list(fisher_90 = list(or = unname(f9$estimate), lower = f9$conf.int[1],
                          upper = f9$conf.int[2], p = f9$p.value),
         fisher_no_ci = list(has_ci = !is.null(f0$conf.int), p = f0$p.value),
         cor_90 = list(r = unname(c9$estimate), lower = c9$conf.int[1], upper = c9$conf.int[2]))
  },
  # binom.test (issue 15: a function in one module), on public counts as R users call it
  binom = {
    bt <- function(b) list(p = b$p.value, conf_int = as.numeric(b$conf.int),
                           estimate = unname(b$estimate))
    list(small = bt(binom.test(7, 20)),
         pair = bt(binom.test(c(682, 243), p = 3/4, alternative = "greater", conf.level = 0.9)),
         deaths = bt(binom.test(sum(d$status == 2), nrow(d), p = 0.75, alternative = "less")),
         high = bt(binom.test(18, 20, p = 0.6)))
  },
  # numeric grouping variables, grouped by their distinct values as R does (issue 15)
  numeric_groups = {
    tb <- table(d$sex, d$ph.ecog)
    tn <- t.test(age ~ sex, data = d)
    wn <- wilcox.test(age ~ sex, data = d)
    sn <- survdiff(Surv(time, status) ~ sex, data = d)
    list(table = list(rows = rownames(tb), cols = colnames(tb), counts = as.vector(t(tb))),
         t = list(statistic = unname(tn$statistic), p = tn$p.value,
                  estimate = unname(tn$estimate)),
         wilcox = list(statistic = unname(wn$statistic), p = wn$p.value),
         survdiff = list(chisq = sn$chisq, n = as.numeric(sn$n)))
  },
  # wilcox.test's signed-rank and shifted/one-sided tests, Spearman's and Kendall's cor.test
  # (issue 15); x74/y74: 16 patients over 74, without ties (exact p-values), small6: 6 over 76
  rank_tests = {
    ht <- function(t) list(statistic = unname(t$statistic), p = t$p.value,
                           estimate = unname(t$estimate), method = t$method,
                           alternative = t$alternative)
    old <- d$age > 74
    x74 <- d$time[old]
    y74 <- 1000 * d$age[old] - d$time[old]
    o6 <- d$age > 76
    list(paired = ht(wilcox.test(d$ph.karno, d$pat.karno, paired = TRUE)),
         paired_less = ht(wilcox.test(d$ph.karno, d$pat.karno, paired = TRUE,
                                      alternative = "less", mu = 5, correct = FALSE)),
         one = ht(wilcox.test(d$age, mu = 60)),
         one_exact = ht(wilcox.test(x74, mu = 300, alternative = "greater")),
         one_normal = ht(wilcox.test(x74, mu = 300, exact = FALSE)),
         sum_mu = ht(wilcox.test(age ~ sex, data = d, mu = 2, alternative = "greater")),
         sum_xy = ht(wilcox.test(d$age, d$wt.loss, alternative = "less", mu = 50,
                                 correct = FALSE)),
         sum_exact = ht(wilcox.test(x74, d$time[d$age < 45], alternative = "greater")),
         spearman = ht(cor.test(d$age, d$wt.loss, method = "spearman")),
         spearman_cont = ht(cor.test(d$age, d$wt.loss, method = "spearman",
                                     continuity = TRUE, alternative = "less")),
         spearman_exact = ht(cor.test(x74, y74, method = "spearman")),
         spearman_greater = ht(cor.test(x74, y74, method = "s", alternative = "greater")),
         spearman_small = ht(cor.test(d$time[o6], d$meal.cal[o6] + d$age[o6],
                                      method = "spearman")),
         kendall = ht(cor.test(d$age, d$wt.loss, method = "kendall")),
         kendall_cont = ht(cor.test(d$age, d$wt.loss, method = "kendall", continuity = TRUE,
                                    alternative = "greater")),
         kendall_exact = ht(cor.test(x74, y74, method = "kendall")),
         kendall_less = ht(cor.test(x74, y74, method = "kendall", alternative = "less")),
         cor_kendall = cor(d$age, d$wt.loss, method = "kendall", use = "complete.obs"),
         cor_spearman = cor(d$age, d$wt.loss, method = "spearman", use = "complete.obs"))
  },
  # subset = of the models (issue 15): R's model.frame keeps the rows where it is TRUE
  lm_subset = lm_result("lm(wt.loss ~ age + sex_f, data = d, subset = ph.ecog < 2)",
                        lm(wt.loss ~ age + sex_f, data = d, subset = ph.ecog < 2)),
  lm_subset_print = capture.output(print(lm(wt.loss ~ age + sex_f, data = d,
                                            subset = ph.ecog < 2))),
  coxph_subset = cox_result("coxph(Surv(time, status) ~ age + sex, data = d, subset = age > 50)",
                            coxph(Surv(time, status) ~ age + sex, data = d, subset = age > 50)),
  surv_subset = {
    f <- survfit(Surv(time, status) ~ sex_f, data = d, subset = ph.ecog >= 1)
    s <- survdiff(Surv(time, status) ~ sex_f, data = d, subset = age < 70)
    list(n = as.numeric(f$n), median = unname(summary(f)$table[, "median"]),
         chisq = s$chisq, survdiff_n = as.numeric(s$n))
  },
  # every argument changes the result as R's does (issue 15): each case is an expression that
  # reads the same in sharestat, and R's value of it (numbers in R's order, a 2-d table by
  # rows; htest: statistic and p; coxph: coef; cox.zph: the table's chisq column)
  arg_matrix = {
    old <- d$age > 74
    x74 <- d$time[old]
    y74 <- 1000 * d$age[old] - d$time[old]
    ev <- function(q) eval(parse(text = q))
    num <- function(q) list(kind = "num", q = q, values = as.numeric(t(unlist(ev(q)))))
    tab <- function(q) list(kind = "num", q = q, values = as.numeric(t(ev(q))))
    ht <- function(q) {
      r <- suppressWarnings(ev(q))
      list(kind = "htest", q = q, statistic = unname(r$statistic), p = r$p.value)
    }
    cf <- function(q) list(kind = "coef", q = q, values = unname(coef(ev(q))))
    zph <- function(q) list(kind = "zph", q = q, values = unname(ev(q)$table[, "chisq"]))
    list(num("median(d$wt.loss, na.rm = TRUE)"),
         num("quantile(d$wt.loss, c(0.1, 0.5, 0.9), na.rm = TRUE)"),
         num("sd(d$wt.loss, na.rm = TRUE)"),
         num("var(d$meal.cal, na.rm = TRUE)"),
         num("min(d$wt.loss, na.rm = TRUE)"),
         num("max(d$meal.cal, na.rm = TRUE)"),
         num("range(d$meal.cal, na.rm = TRUE)"),
         num("sum(d$wt.loss, na.rm = TRUE)"),
         num("mean(log(d$age, 3))"),
         num("mean(log2(d$age))"),
         num("mean(log10(d$age))"),
         num("mean(log1p(d$age))"),
         num("mean(abs(d$wt.loss), na.rm = TRUE)"),
         num("sum(ceiling(d$time / 7))"),
         num("ncol(d)"),
         num("mean(scale(d$age, center = 50, scale = 10))"),
         num("sd(scale(d$age, scale = FALSE))"),
         num("mean(as.integer(d$sex_f))"),
         tab("table(cut(d$age, c(30, 50, 60, 70, 90)))"),
         tab("table(cut(d$age, c(39, 50, 60, 70, 82), right = FALSE, include.lowest = TRUE))"),
         tab("table(cut(d$age, c(39, 50, 60, 70, 82), labels = c(\"a\", \"b\", \"c\", \"d\"), include.lowest = TRUE))"),
         tab("table(as.factor(d$sex_f))"),
         tab("table(as.character(d$sex_f))"),
         tab("proportions(table(d$sex_f, d$status), margin = 2)"),
         ht("chisq.test(table(d$sex_f, d$status == 2))"),
         ht("chisq.test(table(d$sex_f, d$status == 2), correct = FALSE)"),
         ht("chisq.test(d$sex_f, d$ph.ecog)"),
         ht("fisher.test(d$sex_f, d$status == 2)"),
         ht("cor.test(x74, y74, method = \"kendall\", exact = FALSE)"),
         ht("cor.test(x74, y74, method = \"spearman\", exact = FALSE)"),
         ht("cor.test(d$age, d$wt.loss, method = \"spearman\", exact = TRUE)"),
         ht("wilcox.test(x74, d$time[d$age < 45], exact = FALSE)"),
         ht("wilcox.test(x74, mu = 250, exact = TRUE)"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04))"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"hochberg\")"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"bonferroni\")"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"BH\")"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"fdr\", n = 10)"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"BY\")"),
         num("p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), method = \"none\")"),
         ht("kruskal.test(age ~ ph.ecog, data = d)"),
         ht("kruskal.test(d$wt.loss, d$sex_f)"),
         ht("kruskal.test(meal.cal ~ inst, data = d)"),
         ht("kruskal.test(age ~ ifelse(ph.ecog == 0, \"0\", ifelse(ph.ecog == 1, \"1\", \"2+\")), data = d)"),
         tab("table(ifelse(d$ph.ecog == 0, \"0\", ifelse(d$ph.ecog == 1, \"1\", \"2+\")), useNA = \"ifany\")"),
         tab("table(ifelse(d$age < 60, \"young\", as.character(d$sex_f)), d$status)"),
         ht("mcnemar.test(d$ph.karno < 90, d$pat.karno < 90)"),
         ht("mcnemar.test(table(d$ph.karno < 90, d$pat.karno < 90), correct = FALSE)"),
         ht("mcnemar.test(cut(d$ph.karno, c(0, 75, 85, 100)), cut(d$pat.karno, c(0, 75, 85, 100)))"),
         cf("coxph(Surv(time, status) ~ age + sex, data = d, ties = \"breslow\")"),
         zph("cox.zph(coxph(Surv(time, status) ~ age + sex, data = d), global = FALSE)"),
         zph("cox.zph(coxph(Surv(time, status) ~ age + sex, data = d), transform = \"identity\")"),
         zph("cox.zph(coxph(Surv(time, status) ~ age + sex, data = d), transform = \"log\")"))
  },
  # one-sided cor.test and fisher.test (issue 15)
  one_sided = {
    ht <- function(t) list(p = t$p.value, conf_int = as.numeric(t$conf.int),
                           estimate = unname(t$estimate), alternative = t$alternative)
    tab <- table(d$sex_f, d$status == 2)
    list(cor_less = ht(cor.test(d$age, d$wt.loss, alternative = "less")),
         cor_greater = ht(cor.test(d$age, d$wt.loss, alternative = "greater", conf.level = 0.9)),
         fisher_less = ht(fisher.test(tab, alternative = "less")),
         fisher_greater = ht(fisher.test(tab, alternative = "greater", conf.level = 0.9)))
  },
  # t.test's arguments (issue 15): paired, alternative, mu, conf.level
  t_args = {
    tt <- function(t) list(statistic = unname(t$statistic), df = unname(t$parameter),
                           p = t$p.value, conf_int = as.numeric(t$conf.int),
                           estimate = unname(t$estimate), method = t$method,
                           alternative = t$alternative)
    list(paired = tt(t.test(d$age, d$meal.cal / 10, paired = TRUE)),
         paired_less = tt(t.test(d$age, d$meal.cal / 10, paired = TRUE, alternative = "less",
                                 mu = -25)),
         welch_greater = tt(t.test(d$age, d$wt.loss, alternative = "greater", mu = 40)),
         student_less = tt(t.test(age ~ sex_f, data = d, alternative = "less",
                                  var.equal = TRUE)),
         one_greater = tt(t.test(d$age, mu = 60, alternative = "greater", conf.level = 0.9)))
  },
  # print.lm: the call and the coefficients as format(coef, digits) in columns of one width
  lm_print = list(
    default = capture.output(print(lm1)),
    digits3 = capture.output(print(lm1, digits = 3)),
    wrapped = capture.output(print(lm(time ~ age + ph.ecog + sex + wt.loss + meal.cal +
                                        pat.karno + ph.karno + inst, data = d)))
  ),
  lm_summary = list(
    default = capture.output(summary(lm1)),
    digits3 = capture.output(print(summary(lm1), digits = 3)),
    stars = capture.output(summary(lm(wt.loss ~ ph.ecog + meal.cal, data = d)))
  ),
  # summary(fit)$table: per curve records, n.max, n.start, events, rmean, se(rmean), median
  # and its limits (rmean up to the largest time of all curves, R's default)
  survfit_table = {
    t2 <- summary(survfit(Surv(time, status) ~ sex_f, data = d))$table
    t1 <- summary(survfit(Surv(time, status) ~ 1, data = d))$table
    list(strata = list(rows = rownames(t2), cols = colnames(t2), values = unname(t2)),
         one = as.list(t1))
  },
  # the stratified log-rank test (summed over strata)
  survdiff_strata = {
    sd <- survdiff(Surv(time, status) ~ sex_f + strata(ph.ecog), data = d)
    list(call = "survdiff(Surv(time, status) ~ sex_f + strata(ph.ecog), data = d)",
         chisq = sd$chisq, obs = as.list(setNames(rowSums(sd$obs), c("male", "female"))),
         exp = as.list(setNames(rowSums(sd$exp), c("male", "female"))),
         n = as.list(setNames(as.numeric(sd$n), c("male", "female"))))
  },
  # scale(): centred and scaled by the mean and SD of every row's age (model.frame's order)
  lm_scale = lm_result("lm(wt.loss ~ scale(age) + sex_f, data = d)",
                       lm(wt.loss ~ scale(age) + sex_f, data = d)),
  # offset(): a term with coefficient 1 (meal.cal has missing values: those rows go)
  lm_offset = lm_result("lm(wt.loss ~ age + sex_f + offset(meal.cal / 100), data = d)",
                        lm(wt.loss ~ age + sex_f + offset(meal.cal / 100), data = d)),
  lm_offset_0 = lm_result("lm(wt.loss ~ age + offset(meal.cal / 100) - 1, data = d)",
                          lm(wt.loss ~ age + offset(meal.cal / 100) - 1, data = d)),
  # 90 % limits of a simple lm (Student's t on the residual df)
  lm_confint = {
    ci <- confint(lm(wt.loss ~ age, data = d), level = 0.9)
    list(call = "confint(lm(wt.loss ~ age, data = d), level = 0.9)",
         lower = as.list(ci[, 1]), upper = as.list(ci[, 2]), columns = colnames(ci))
  }
)

# ---------------------------------------------------------------- veteran
co <- read_cohort("veteran")
d <- co$d
d$celltype <- factor(d$celltype, levels = c("squamous", "smallcell", "adeno", "large"))
stopifnot(all(d$dead == d$status))
cox1 <- coxph(Surv(time, status) ~ trt + celltype + karno, data = d)
ci <- confint(cox1)
km <- survfit(Surv(time / 30.4375, status) ~ 1, data = d)
out$veteran <- list(
  rows = co$rows,
  coxph = c(cox_result("coxph(Surv(time, status) ~ trt + celltype + karno, data = d)", cox1),
            list(confint = list(lower = col(ci, "2.5 %"), upper = col(ci, "97.5 %")))),
  cox_zph = zph_result("cox.zph(coxph(Surv(time, status) ~ trt + celltype + karno, data = d))",
                       cox1),
  # print.coxph's lines at its default and other digits (printCoefmat's formatting)
  coxph_print = list(
    default = capture.output(print(cox1)),
    digits3 = capture.output(print(cox1, digits = 3)),
    summary3 = capture.output(print(summary(cox1), digits = 3))
  ),
  # print.htest at R's default digits and at 3 (statistic and df with digits - 2, the p-value
  # with digits - 3, the interval and estimates formatted together)
  t_test_print = list(
    default = capture.output(print(t.test(d$karno, d$age))),
    digits3 = capture.output(print(t.test(d$karno, d$age), digits = 3)),
    paired4 = capture.output(print(t.test(d$karno, d$diagtime), digits = 4))
  ),
  survfit = km_result("survfit(Surv(time / 30.4375, status) ~ 1, data = d)", km),
  # the reference level moved: contrasts to "large", named as R names them
  cox_zph_rank = zph_result(
    "cox.zph(coxph(Surv(time, status) ~ trt + celltype + karno, data = d), transform = \"rank\", terms = FALSE)",
    cox1, transform = "rank", terms = FALSE),
  # factor() of a number with levels and labels, and of a factor keeping two levels
  coxph_factor = cox_result(
    "coxph(Surv(time, status) ~ factor(trt, levels = c(1, 2), labels = c(\"standard\", \"test\")) + celltype + karno, data = d)",
    coxph(Surv(time, status) ~ factor(trt, levels = c(1, 2), labels = c("standard", "test")) +
            celltype + karno, data = d)),
  factor_table = {
    f <- factor(d$celltype, levels = c("adeno", "large"))
    list(call = "table(factor(d$celltype, levels = c(\"adeno\", \"large\")))",
         levels = levels(f), counts = as.list(table(f)),
         mean_codes = mean(as.numeric(d$celltype)))
  },
  # prop.table of a one-way table, and of a two-way table by rows; R's printed lines
  prop_table = list(
    one = as.list(prop.table(table(d$celltype))),
    one_print = capture.output(print(prop.table(table(d$celltype)))),
    rows = unclass(prop.table(table(d$celltype, d$trt), 1)),
    rows_print = capture.output(print(prop.table(table(d$celltype, d$trt), 1)))
  ),
  coxph_relevel = cox_result(
    "coxph(Surv(time, status) ~ trt + relevel(celltype, ref = \"large\") + karno, data = d)",
    coxph(Surv(time, status) ~ trt + relevel(celltype, ref = "large") + karno, data = d))
)

# ---------------------------------------------------------------- pbc
co <- read_cohort("pbc")
d <- co$d
d$sex <- factor(d$sex, levels = c("m", "f"))
stopifnot(nrow(d) == 312, all(sort(d$id) == 1:312))
mayo <- coxph(Surv(time, status == 2) ~ age + edema + log(bili) + log(albumin) + log(protime),
              data = d)
km <- survfit(Surv(time / 30.4375, status == 2) ~ 1, data = d)
lm1 <- lm(log(bili) ~ age * sex + I(age^2), data = d)
out$pbc <- list(
  rows = co$rows,
  coxph_mayo = cox_result(
    "coxph(Surv(time, status == 2) ~ age + edema + log(bili) + log(albumin) + log(protime), data = d)",
    mayo),
  # I(age^2) with age at 4 decimals: its cross-products need more than 64 bits
  coxph_age2 = cox_result(
    "coxph(Surv(time, status == 2) ~ age + I(age^2) + log(bili), data = d)",
    coxph(Surv(time, status == 2) ~ age + I(age^2) + log(bili), data = d)),
  cox_zph_mayo = zph_result(
    "cox.zph(coxph(Surv(time, status == 2) ~ age + edema + log(bili) + log(albumin) + log(protime), data = d))",
    mayo),
  survfit = km_result("survfit(Surv(time / 30.4375, status == 2) ~ 1, data = d)", km),
  lm = lm_result("lm(log(bili) ~ age * sex + I(age^2), data = d)", lm1),
  aggregates = list(
    "mean(log(d$bili))" = mean(log(d$bili)),
    "sd(log(d$bili))" = sd(log(d$bili)),
    "mean(sqrt(d$platelet), na.rm = TRUE)" = mean(sqrt(d$platelet), na.rm = TRUE),
    "mean(exp(d$albumin - 3.5))" = mean(exp(d$albumin - 3.5)),
    "mean(d$bili / d$albumin)" = mean(d$bili / d$albumin),
    "var(d$bili / d$albumin)" = var(d$bili / d$albumin),
    # round() of private values: ties (x.5, tens) are binary fractions, where R rounds half
    # to even; 4 * albumin (two decimals) has no ties at one decimal
    "mean(round(d$bili))" = mean(round(d$bili)),
    "mean(round(d$protime, 0))" = mean(round(d$protime, 0)),
    "mean(round(d$albumin * 4, 1))" = mean(round(d$albumin * 4, 1)),
    "mean(round(d$bili, -1))" = mean(round(d$bili, -1)),
    # signif() of private values: per value's decade (one-decimal data: every tie is a
    # binary fraction or an integer, rounded to even as R does)
    "mean(signif(d$bili, 1))" = mean(signif(d$bili, 1)),
    "mean(signif(d$bili, 2))" = mean(signif(d$bili, 2)),
    "mean(signif(d$protime, 2))" = mean(signif(d$protime, 2)),
    # cross-products beyond 64 bits: age^2 at 8 decimals, squared over 312 rows
    "cor(d$age^2, d$bili)" = cor(d$age^2, d$bili),
    "cor(d$age^2, d$age^2 * d$albumin)" = cor(d$age^2, d$age^2 * d$albumin)
  )
)

write_json(out, "r/survival_cohorts.json", digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
