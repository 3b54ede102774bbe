# Writes the two-site test cohorts examples/lung, examples/veteran and examples/pbc (site_a.csv,
# site_b.csv) from the data sets of R's `survival` package (LGPL). Run from the repository root:
#   Rscript r/survival_cohorts_data.R
# The files are committed; this script only documents (and can repeat) how they were made.
# Reference values computed on these files: r/survival_cohorts.R -> r/survival_cohorts.json.
#
# Canonical CSV: comma separated, '.' decimals, a header row, empty cell = missing (R's NA),
# rows in R's order within each site. Splits (deterministic, unequal):
#   lung    (228 rows): inst odd -> site_a; inst even or NA -> site_b
#   veteran (137 rows): row number (1-based) not a multiple of 3 -> site_a; multiples of 3 -> site_b
#   pbc     (first 312 rows, the randomised trial): id <= 150 -> site_a; id > 150 -> site_b
library(survival)

write_site <- function(d, path) {
  # write.csv prints numbers with up to 15 significant digits: the rounded values exactly.
  write.csv(d, path, row.names = FALSE, quote = FALSE, na = "")
}

split_write <- function(d, to_a, dir) {
  dir.create(dir, showWarnings = FALSE)
  write_site(d[to_a, ], file.path(dir, "site_a.csv"))
  write_site(d[!to_a, ], file.path(dir, "site_b.csv"))
  cat(dir, ": site_a", sum(to_a), "rows, site_b", sum(!to_a), "rows\n")
}

# ---------------------------------------------------------------- lung
l <- survival::lung
lung <- data.frame(
  inst = l$inst,
  time = l$time,
  status = l$status,                       # 1 = censored, 2 = dead (R's coding)
  dead = as.integer(l$status == 2),        # boolean 0/1
  age = l$age,
  sex = l$sex,                             # 1 = male, 2 = female (R's coding)
  sex_f = c("male", "female")[l$sex],
  ph.ecog = l$ph.ecog,
  ph.karno = l$ph.karno,
  pat.karno = l$pat.karno,
  meal.cal = l$meal.cal,
  wt.loss = l$wt.loss,
  check.names = FALSE
)
stopifnot(all(lung[sapply(lung, is.numeric)] == round(lung[sapply(lung, is.numeric)]), na.rm = TRUE))
split_write(lung, !is.na(l$inst) & l$inst %% 2 == 1, "examples/lung")

# ---------------------------------------------------------------- veteran
v <- survival::veteran
veteran <- data.frame(
  trt = v$trt,                             # 1 = standard, 2 = test
  celltype = as.character(v$celltype),     # levels squamous, smallcell, adeno, large
  time = v$time,
  status = v$status,                       # 0 = censored, 1 = dead
  dead = v$status,                         # the same as a boolean
  karno = v$karno,
  diagtime = v$diagtime,
  age = v$age,
  prior = v$prior                          # 0 = no, 10 = yes
)
split_write(veteran, seq_len(nrow(v)) %% 3 != 0, "examples/veteran")

# ---------------------------------------------------------------- pbc
p <- survival::pbc[1:312, ]
stopifnot(all(p$id == 1:312), !anyNA(p$trt))
pbc <- data.frame(
  id = p$id,
  time = p$time,
  status = p$status,                       # 0 = censored, 1 = transplant, 2 = dead
  trt = p$trt,                             # 1 = D-penicillamine, 2 = placebo
  age = round(p$age, 4),                   # years; R keeps ~15 digits, rounded to 4 decimals
  sex = as.character(p$sex),               # m / f
  ascites = p$ascites,
  hepato = p$hepato,
  spiders = p$spiders,
  edema = p$edema,                         # 0, 0.5, 1
  bili = p$bili,
  chol = p$chol,
  albumin = p$albumin,
  copper = p$copper,
  alk.phos = p$alk.phos,
  ast = p$ast,
  trig = p$trig,
  platelet = p$platelet,
  protime = p$protime,
  stage = p$stage,
  check.names = FALSE
)
split_write(pbc, p$id <= 150, "examples/pbc")
