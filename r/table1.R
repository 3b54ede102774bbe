# Reference values for table1 (issue 16), computed in plain R as tableone::CreateTableOne and
# gtsummary::tbl_summary() |> add_p() compute them (neither package is needed):
#   numeric: n, mean, sd, type 7 quartiles per column (overall, then each group), missing;
#   categorical: counts per level and column (levels in the dictionary's order), missing;
#   p-value: gtsummary's default (chisq.test(correct = FALSE) when every expected count is
#   at least 5, else fisher.test; wilcox.test for two groups, kruskal.test for more) or the
#   test named; tableone's SMD (Yang and Dalton's for categoricals, the mean of pairwise SMDs
#   for more than two groups); and the cells under min_cell = 5 (1 to 4 rows) that the
#   adrenal study's policy refuses, labelled as the refusals label them ("level / group").
# Run from the repository root:  Rscript r/table1.R   (writes r/table1.json; CI needs no R)
library(jsonlite)
read <- function(f) read.csv(f, stringsAsFactors = FALSE, na.strings = "")
adrenal <- rbind(read("examples/adrenal/munich.csv"), read("examples/adrenal/rome.csv"))
lv <- list(
  gender = c("male", "female"), ecog_status = c("0", "1", "2", "3", "4"),
  laterality = c("left", "right", "bilateral"),
  timing = c("metachronous", "oligoprogressive", "synchronous", "other"),
  pattern = c("solitary", "oligo", "multiple"),
  chemotherapy = c("before", "concurrent", "after", "before_and_after", "none"),
  primary = c("lung", "skin", "liver", "colorectal", "kidney", "other"),
  toxicity = c("fatigue", "gastrointestinal", "anorexia", "none"),
  local_control = c("complete", "partial", "stable", "progressive"))
for (v in names(lv)) adrenal[[v]] <- factor(adrenal[[v]], levels = lv[[v]])
adrenal$event_death <- factor(adrenal$event_death, levels = c(0, 1), labels = c("FALSE", "TRUE"))

lung <- rbind(read("examples/lung/site_a.csv"), read("examples/lung/site_b.csv"))
lung$sex_f <- factor(lung$sex_f, levels = c("male", "female"))
lung$dead <- factor(lung$dead, levels = c(0, 1), labels = c("FALSE", "TRUE"))
lung3 <- subset(lung, ph.ecog < 3)
lung3$ecog_f <- factor(lung3$ph.ecog)

smd_num <- function(a, b) abs(mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)
smd_cat <- function(a, b) {
  keep <- (a + b) > 0
  a <- a[keep] / sum(a); b <- b[keep] / sum(b)
  t <- a[-1]; c <- b[-1]; k <- length(t)
  s <- matrix(0, k, k)
  for (i in 1:k) for (j in 1:k)
    s[i, j] <- if (i == j) (t[i] * (1 - t[i]) + c[i] * (1 - c[i])) / 2 else -(t[i] * t[j] + c[i] * c[j]) / 2
  sqrt(drop(t(t - c) %*% solve(s) %*% (t - c)))
}
pairwise_mean <- function(gs, f) {
  v <- c(); for (i in seq_along(gs)) for (j in seq_along(gs)) if (i < j) v <- c(v, f(gs[[i]], gs[[j]]))
  mean(v)
}

one <- function(d, var, by, test = NULL) {
  d <- d[!is.na(d[[by]]), ]
  g <- droplevels(factor(d[[by]]))
  x <- d[[var]]
  cols <- c(list(Overall = rep(TRUE, nrow(d))), lapply(levels(g), function(l) g == l))
  names(cols) <- c("Overall", levels(g))
  small <- function(n, label) if (n >= 1 && n < 5) label
  if (is.factor(x)) {
    counts <- lapply(cols, function(m) as.vector(table(x[m])))
    missing <- sapply(cols, function(m) sum(is.na(x[m])))
    tab <- table(x, g)
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    exp <- outer(rowSums(tab), colSums(tab)) / sum(tab)
    which <- if (!is.null(test)) test else if (all(exp >= 5)) "chisq.test.no.correct" else "fisher.test"
    t <- switch(which,
      chisq.test.no.correct = chisq.test(tab, correct = FALSE),
      chisq.test = chisq.test(tab),
      fisher.test = fisher.test(tab))
    cells <- unlist(lapply(levels(g), function(l) c(
      unlist(lapply(levels(x), function(k) small(sum(x[g == l] == k, na.rm = TRUE), paste(k, "/", l)))),
      small(sum(is.na(x[g == l])), paste("<NA> /", l)))))
    smd <- pairwise_mean(lapply(levels(g), function(l) as.vector(table(x[g == l]))), smd_cat)
    list(var = var, type = "categorical", levels = levels(x), counts = unname(counts),
         missing = unname(missing), test = t$method, p = t$p.value, smd = smd,
         small = I(if (is.null(cells)) character(0) else cells))
  } else {
    k <- nlevels(g)
    which <- if (!is.null(test)) test else if (k == 2) "wilcox.test" else "kruskal.test"
    f <- x ~ g
    t <- suppressWarnings(switch(which,
      wilcox.test = wilcox.test(f), kruskal.test = kruskal.test(f),
      t.test = t.test(f), aov = oneway.test(f, var.equal = TRUE), oneway.test = oneway.test(f)))
    s <- function(m) { v <- x[m & !is.na(x)]
      list(n = length(v), mean = mean(v), sd = sd(v), q = unname(quantile(v, c(0.25, 0.5, 0.75)))) }
    st <- lapply(cols, s)
    cells <- unlist(lapply(levels(g), function(l) small(sum(is.na(x[g == l])), paste("<NA> /", l))))
    smd <- pairwise_mean(lapply(levels(g), function(l) x[g == l & !is.na(x)]), smd_num)
    list(var = var, type = "numeric", n = unname(sapply(st, `[[`, "n")),
         mean = unname(sapply(st, `[[`, "mean")), sd = unname(sapply(st, `[[`, "sd")),
         q1 = unname(sapply(st, function(s) s$q[1])), median = unname(sapply(st, function(s) s$q[2])),
         q3 = unname(sapply(st, function(s) s$q[3])),
         missing = unname(sapply(cols, function(m) sum(is.na(x[m])))),
         test = t$method, p = t$p.value, smd = smd, small = I(if (is.null(cells)) character(0) else cells))
  }
}

adrenal_vars <- c("age", "ecog_status", "primary", "timing", "pattern", "laterality",
                  "chemotherapy", "fractions", "prescription_dose_gy", "bed10_gy", "gtv_cc",
                  "ptv_cc", "toxicity", "local_control", "event_death", "follow_up_months")
out <- list(
  adrenal_by_gender = list(columns = c(48, sum(adrenal$gender == "male"), sum(adrenal$gender == "female")),
    vars = lapply(adrenal_vars, function(v) one(adrenal, v, "gender"))),
  lung_by_sex = list(vars = lapply(c("age", "wt.loss", "meal.cal", "ph.karno", "dead"),
    function(v) one(lung, v, "sex_f"))),
  lung_by_sex_t = list(vars = lapply(c("age", "wt.loss"), function(v) one(lung, v, "sex_f", "t.test"))),
  lung_by_sex_chisq = list(vars = list(one(lung, "dead", "sex_f", "chisq.test"))),
  lung_by_ecog = list(vars = lapply(c("age", "wt.loss", "sex_f"), function(v) one(lung3, v, "ecog_f"))),
  lung_by_ecog_aov = list(vars = lapply(c("age", "sex_f"), function(v)
    one(lung3, v, "ecog_f", if (v == "age") "aov" else "fisher.test"))),
  lung_by_ecog_welch = list(vars = list(one(lung3, "wt.loss", "ecog_f", "oneway.test"))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "r/table1.json")
