# Reference values for the strict log-rank test of k groups (issue 16): R's survdiff chi-square
# and df, on the cohorts as the tests upload them (examples/*/site_a.csv + site_b.csv) and on
# the adrenal fixture.
# Run from the repository root:  Rscript r/strict_logrank.R   (writes r/strict_logrank.json;
# CI needs no R)
library(survival)
library(jsonlite)
read <- function(dir) rbind(read.csv(file.path(dir, "site_a.csv")), read.csv(file.path(dir, "site_b.csv")))
lung <- read("examples/lung")
lung3 <- subset(lung, ph.ecog < 3)
lung3$ecog_f <- factor(lung3$ph.ecog, levels = c(0, 1, 2))
veteran <- read("examples/veteran")
veteran$celltype <- factor(veteran$celltype, levels = c("squamous", "smallcell", "adeno", "large"))
adrenal <- rbind(read.csv("examples/adrenal/munich.csv"), read.csv("examples/adrenal/rome.csv"))
adrenal$ecog_f <- factor(adrenal$ecog_status, levels = c(0, 1, 2))
one <- function(call, fit) list(call = call, chisq = fit$chisq, df = length(fit$n) - 1)
out <- list(
  one("lung: survdiff(Surv(time, dead) ~ ecog_f, data = e)",
      survdiff(Surv(time, dead) ~ ecog_f, data = lung3)),
  one("veteran: survdiff(Surv(time, dead) ~ celltype, data = d)",
      survdiff(Surv(time, dead) ~ celltype, data = veteran)),
  one("adrenal: survdiff(Surv(follow_up_months, event_death) ~ ecog_f, data = d)",
      survdiff(Surv(follow_up_months, event_death) ~ ecog_f, data = adrenal)))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "r/strict_logrank.json")
