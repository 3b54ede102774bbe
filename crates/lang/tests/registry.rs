//! The registry of functions (`crates/lang/src/builtins`) against what runs: every parameter
//! of every function is read by its evaluation when a query gives it (an argument accepted
//! and never read would be ignored: issue 15), and `docs/language.md` lists exactly the
//! registry's functions.
mod support;

use std::collections::BTreeSet;

use sharestat_lang::builtins::{self, DOTS};
use support::Fixture;

const PRELUDE: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n\
    km <- survfit(Surv(follow_up_months, event_death) ~ gender, data = d)\n\
    fit <- coxph(Surv(follow_up_months, event_death) ~ age + gtv_cc, data = d)\n";

/// Queries that give each function every argument it takes (by name, or positionally for
/// `...`), each run after [`PRELUDE`]; their answers do not matter here, only which
/// parameters the evaluation read.
const EXAMPLES: &[&str] = &[
    "load(study = \"munich\", name = NULL)",
    "names(x = tm)",
    "ncol(x = tm)",
    "nrow(x = tm)",
    "length(x = tm$age)",
    "length(c(tm$age, tr$age))",
    "nrow(rbind(tm, tr))",
    "nrow(subset(x = d, subset = d$age > 50))",
    "sum(is.na(x = d$ecog_status))",
    "table(ifelse(test = d$age > 60, yes = \"old\", no = \"young\"))",
    "table(cut(x = d$age, breaks = c(0, 60, 120), labels = c(\"a\", \"b\"), right = TRUE, \
     include.lowest = TRUE))",
    "mean(floor(x = d$gtv_cc))",
    "mean(ceiling(x = d$gtv_cc))",
    "mean(abs(x = d$gtv_cc - 20))",
    "mean(log(x = d$age, base = 2))",
    "mean(log2(x = d$age))",
    "mean(log10(x = d$age))",
    "mean(log1p(x = d$age))",
    "mean(exp(x = d$age / 100))",
    "mean(sqrt(x = d$age))",
    "mean(round(x = d$gtv_cc, digits = 0))",
    "mean(signif(x = d$gtv_cc, digits = 2))",
    "mean(pmin(d$age, 60, na.rm = FALSE))",
    "mean(pmax(d$age, 60, na.rm = FALSE))",
    "print(x = mean(d$age), digits = 3)",
    "sum(d$age, na.rm = TRUE)",
    "mean(x = d$age, na.rm = TRUE)",
    "var(x = d$age, na.rm = TRUE)",
    "sd(x = d$age, na.rm = TRUE)",
    "median(x = d$age, na.rm = TRUE)",
    "quantile(x = d$age, probs = c(0.25, 0.75), na.rm = TRUE, type = 7)",
    "min(d$age, na.rm = TRUE)",
    "max(d$age, na.rm = TRUE)",
    "range(d$age, na.rm = TRUE)",
    "summary(object = km, times = c(6, 12))",
    "freq(x = d$gender)",
    "table(d$ecog_status, useNA = \"ifany\")",
    "cor(x = d$age, y = d$gtv_cc, use = \"complete.obs\", method = \"kendall\")",
    "t.test(x = d$age, y = d$gtv_cc, alternative = \"two.sided\", mu = 0, paired = FALSE, \
     var.equal = FALSE, conf.level = 0.9)",
    "t.test(x = age ~ gender, data = d)",
    "wilcox.test(x = d$age, y = d$gtv_cc, alternative = \"less\", mu = 5, \
     paired = TRUE, exact = NULL, correct = FALSE, conf.level = 0.95)",
    "wilcox.test(x = age ~ gender, data = d)",
    "fisher.test(x = d$gender, y = d$pattern, alternative = \"two.sided\", conf.int = TRUE, \
     conf.level = 0.95, simulate.p.value = FALSE)",
    "chisq.test(x = d$gender, y = d$pattern, correct = TRUE, p = NULL, \
     simulate.p.value = FALSE)",
    "cor.test(x = d$age, y = d$gtv_cc, alternative = \"greater\", method = \"spearman\", \
     exact = NULL, conf.level = 0.95, continuity = TRUE)",
    "lm(formula = gtv_cc ~ age, data = d, subset = age > 40)",
    "survfit(formula = Surv(time = follow_up_months, event = event_death) ~ 1, data = d, \
     subset = age > 40)",
    "survdiff(formula = Surv(follow_up_months, event_death) ~ gender, data = d, \
     subset = age > 40, strict = FALSE)",
    "coxph(formula = Surv(follow_up_months, event_death) ~ age, data = d, \
     subset = age > 40, ties = \"efron\")",
    "levels(x = d$gender)",
    "table(relevel(x = d$gender, ref = \"female\"))",
    "table(factor(x = d$ecog_status, levels = c(\"0\", \"1\", \"2\"), labels = c(\"a\", \"b\", \
     \"c\")))",
    "table(as.factor(x = d$gender))",
    "table(droplevels(x = d$gender))",
    "mean(as.numeric(x = d$ecog_status))",
    "mean(as.integer(x = d$ecog_status))",
    "table(as.character(x = d$gender))",
    "mean(scale(x = d$age, center = TRUE, scale = TRUE))",
    "prop.table(x = table(d$gender, d$pattern), margin = 1)",
    "proportions(x = table(d$gender), margin = NULL)",
    "confint(object = fit, parm = \"age\", level = 0.9)",
    "cox.zph(fit = fit, transform = \"km\", terms = TRUE, singledf = FALSE, global = TRUE)",
    "plot(x = km, file = \"km.svg\", conf.int = FALSE, main = \"m\", xlab = \"Months\", \
     ylab = \"S\", xlim = c(0, 60), ylim = c(0, 1), col = c(\"red\", \"blue\"), lty = 1:2)",
    "barplot(height = table(d$gender), file = \"b.svg\", main = \"m\", \
     xlab = \"x\", ylab = \"n\", ylim = c(0, 40), col = \"grey\")",
    "ggsurvplot(fit = km, file = \"km.svg\", pval = FALSE, surv.median.line = \"hv\", \
     break.time.by = 12, xlim = c(0, 60), risk.table = TRUE, conf.int = FALSE, title = \"m\", \
     xlab = \"Months\", ylab = \"S\", dpi = 300)",
    "hist(x = d$age, breaks = c(0, 50, 70, 120), file = \"h.svg\", main = \"m\", \
     xlab = \"Age\", ylab = \"n\", ylim = c(0, 30), col = 8)",
    "help(topic = \"mean\")",
    "binom.test(x = 7, n = 20, p = 0.3, alternative = \"less\", conf.level = 0.9)",
    "mcnemar.test(x = d$age > 50, y = d$gtv_cc > 20, correct = FALSE)",
    "kruskal.test(x = d$age, g = d$gender)",
    "table1(data = d, vars = c(\"age\", \"ecog_status\"), by = \"gender\", test = \"t.test\", \
     smd = TRUE, format = \"markdown\")",
    "p.adjust(p = c(0.01, 0.02, 0.3), method = \"BH\", n = 4)",
    "kruskal.test(x = age ~ gender, data = d)",
    "glm(formula = I(local_control == \"complete\") ~ age, family = binomial(link = \"logit\"), \
     data = d, subset = age > 40)",
    "pairwise.t.test(x = d$age, g = d$gender, p.adjust.method = \"BH\", pool.sd = FALSE, \
     alternative = \"less\")",
    "oneway.test(formula = age ~ gender, data = d, var.equal = TRUE)",
    "prop.test(x = 7, n = 20, p = 0.3, alternative = \"less\", conf.level = 0.9, \
     correct = FALSE)",
    "anova(object = lm(age ~ gender, data = d))",
    "summary(aov(formula = age ~ gender, data = d, subset = age > 40))",
    "anova(object = glm(event_death ~ age, family = binomial, data = d), \
     glm(event_death ~ age + gender, family = binomial, data = d), test = \"Chisq\")",
    "coef(object = glm(event_death ~ age, family = binomial, data = d))",
    "confint.default(object = glm(event_death ~ age, family = binomial, data = d), parm = \"age\", \
     level = 0.9)",
    "predict(object = glm(event_death ~ age, family = binomial, data = d), \
     newdata = data.frame(age = c(50, 60)), type = \"response\", se.fit = TRUE, dispersion = 1)",
];

#[test]
fn every_parameter_of_every_function_is_read() {
    builtins::track_reads();
    let fx = Fixture::open();
    let mut failed = Vec::new();
    for q in EXAMPLES {
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            fx.run(&format!("{PRELUDE}{q}"))
        }));
        match run {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => failed.push(format!("{q}: {e}")),
            Err(_) => panic!("{q}: the parties disagree or panicked"),
        }
    }
    let read = builtins::reads();
    let mut unread = Vec::new();
    for b in builtins::TABLE {
        for p in b.params {
            if !read.contains(&(b.name, p.name)) {
                unread.push(format!("{}({} =)", b.name, p.name));
            }
        }
    }
    assert!(
        unread.is_empty(),
        "parameters never read: {}\n(queries that failed: {failed:#?})",
        unread.join(", ")
    );
    // Every function has an example here (a new one must add its own).
    let named: BTreeSet<&str> = builtins::names().collect();
    for b in builtins::TABLE {
        let used = EXAMPLES
            .iter()
            .chain(&[PRELUDE])
            .any(|q| q.contains(&format!("{}(", b.name)));
        assert!(used, "no example calls {}", b.name);
    }
    assert!(named.contains("t.test") && !named.contains(DOTS));
}

/// `docs/language.md`'s function tables name exactly the registry's functions.
#[test]
fn the_language_docs_list_the_registry() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md"),
    )
    .unwrap();
    let section = docs
        .split("\n## Functions")
        .nth(1)
        .expect("a Functions section");
    let section = section.split("\n## ").next().unwrap_or(section);
    // The first cell of each table row: its backticked calls `name(`.
    let mut listed = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.split(" | ").next().unwrap_or(line);
        for part in cell.split('`').skip(1).step_by(2) {
            if let Some((name, _)) = part.split_once('(')
                && !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
            {
                listed.insert(name.to_owned());
            }
        }
    }
    // Formula terms, read by the model functions inside their formulas (not functions that
    // run on their own): documented with the formulas.
    let formula_terms = ["I", "offset", "strata"];
    for t in formula_terms {
        assert!(listed.remove(t), "docs/language.md does not describe {t}()");
    }
    let registry: BTreeSet<String> = builtins::names().map(str::to_owned).collect();
    let missing: Vec<&String> = registry.difference(&listed).collect();
    let unknown: Vec<&String> = listed.difference(&registry).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/language.md's function tables lack {missing:?} and list {unknown:?}, which the \
         registry does not have"
    );
}
