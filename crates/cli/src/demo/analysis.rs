//! The pilot's analysis as the demo runs it: every query the researcher sends, grouped in
//! the sections of the published study (the Fig. 5 session, Tables 4-6, survival, tests), and
//! for each query where its result goes in the JSON document, whose keys and shapes follow the
//! R reference `expected.json` of the adrenal fixture.
//!
//! Each [`Step`] is one job on the consortium, so a refusal by disclosure control stops only
//! that step. A step's lines are echoed like an R session; the values of its printed
//! statements (assignments print nothing) are turned into `expected.json`'s shape by its
//! [`Shape`].

/// How a section is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// As an R session: `> code`, then what R prints.
    Session,
    /// As a table of the paper: one block per variable, `n (%)` or median (range).
    Table,
}

/// How the values of a step's printed statements become its JSON entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The single value as it is (numbers that are whole become integers).
    Value,
    /// A named vector (e.g. `quantile`) as an array of its values.
    Values,
    /// A frequency table without its empty cells, `FALSE`/`TRUE` read as `0`/`1` (as R's
    /// `table` of a 0/1 column names them).
    Counts,
    /// `length, sum, mean, var, sd, min, max, median, quantile(x, 7 probs)`.
    Summary,
    /// `n`, then median and range of the dose and of BED10 (a group of `numeric_by_fractions`).
    ByFractions,
    /// `survfit(~ 1)` then `summary(fit, times = c(12, 24))`.
    KmOverall,
    /// `survfit(~ g)`: group sizes, events, medians and restricted means.
    KmGroups,
    /// `survdiff`: the whole test, or (`counts: false`) only groups, χ² and p.
    LogRank {
        /// With sizes, observed and expected events.
        counts: bool,
    },
    /// `table(a, b)` then `fisher.test(...)`.
    Fisher,
    /// `table(a, b)` then `chisq.test(...)`.
    ChiSq,
    /// Welch's `t.test`, then Student's.
    TTests,
    /// `wilcox.test`.
    Wilcoxon,
    /// `coxph`.
    Cox,
    /// `lm`.
    Lm,
    /// `cor(method = "pearson")`, then Spearman's.
    Cor,
    /// Printed only (a plot, or a table the study prints instead of a refused one).
    None,
}

/// One query of the analysis.
#[derive(Debug, Clone)]
pub struct Step {
    /// Where its result goes in the JSON document (`a.b`), empty for none.
    pub key: String,
    /// The row label in a table layout.
    pub label: String,
    /// Its lines (statements and assignments), in order.
    pub lines: Vec<String>,
    /// How its printed values become the JSON entry.
    pub shape: Shape,
}

/// A part of the analysis.
#[derive(Debug, Clone)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// How it is printed.
    pub layout: Layout,
    /// Lines run before every step of the section (replayed, not printed again).
    pub prelude: String,
    /// A table section's `table1(...)` call, which prints the table (its JSON goes under
    /// `table1.<key>`); the section's steps then only fill the JSON document.
    pub table1: Option<(String, String)>,
    /// Its queries.
    pub steps: Vec<Step>,
}

fn step(key: &str, label: &str, lines: &[&str], shape: Shape) -> Step {
    Step {
        key: key.into(),
        label: label.into(),
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        shape,
    }
}

const TWO_SITES: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")";
const POOLED: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))";
const SURV: &str = "Surv(follow_up_months, event_death)";
/// The survival section derives its groups as the R reference analysis did.
const GROUPED: &str = "d <- rbind(load(\"munich\"), load(\"rome\"))\n\
    d$ecog_group <- ifelse(d$ecog_status %in% c(\"0\", \"1\"), \"ecog01\", \"ecog2\")\n\
    d$bed_group <- ifelse(d$bed10_gy >= 80, \"bed_ge80\", \"bed_lt80\")";
const ECOG: &str = "ecog_group";
const BED: &str = "bed_group";

/// A categorical variable of a table: its counts and its missing values.
fn categorical(out: &mut Vec<Step>, column: &str, label: &str) {
    out.push(step(
        &format!("freq.{column}"),
        label,
        &[&format!("table(d${column})")],
        Shape::Counts,
    ));
    out.push(step(
        &format!("missing.{column}"),
        "missing",
        &[&format!("sum(is.na(d${column}))")],
        Shape::Value,
    ));
}

/// A numeric variable of a table: R's summaries and its missing values.
fn numeric(out: &mut Vec<Step>, column: &str, label: &str) {
    let x = format!("d${column}");
    let lines = [
        format!("length({x})"),
        format!("sum({x})"),
        format!("mean({x})"),
        format!("var({x})"),
        format!("sd({x})"),
        format!("min({x})"),
        format!("max({x})"),
        format!("median({x})"),
        format!("quantile({x}, c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1))"),
    ];
    out.push(Step {
        key: format!("numeric.{column}"),
        label: label.into(),
        lines: lines.into(),
        shape: Shape::Summary,
    });
    out.push(step(
        &format!("missing.{column}"),
        "missing",
        &[&format!("sum(is.na({x}))")],
        Shape::Value,
    ));
}

/// The whole analysis, in the order it runs.
pub fn sections() -> Vec<Section> {
    let alive = "freq(floor(c(subset(tm, event_death == 0)$follow_up_months, \
                 subset(tr, event_death == 0)$follow_up_months)))";
    let alive0 = "freq(floor(c(subset(tm, event_death == 0 & ecog_status == 0)$follow_up_months, \
                  subset(tr, event_death == 0 & ecog_status == 0)$follow_up_months)))";
    let transcript = vec![
        step(
            "transcript.munich_quantile_age",
            "",
            &["quantile(tm$age)"],
            Shape::Values,
        ),
        step(
            "transcript.munich_freq_gender",
            "",
            &["freq(tm$gender)"],
            Shape::Counts,
        ),
        step(
            "transcript.length_munich_age",
            "",
            &["length(tm$age)"],
            Shape::Value,
        ),
        step(
            "transcript.length_rome_age",
            "",
            &["length(tr$age)"],
            Shape::Value,
        ),
        step(
            "transcript.length_combined_age",
            "",
            &["length(c(tm$age, tr$age))"],
            Shape::Value,
        ),
        step(
            "transcript.combined_freq_gender",
            "",
            &["freq(c(tm$gender, tr$gender))"],
            Shape::Counts,
        ),
        step(
            "transcript.combined_quantile_age",
            "",
            &["quantile(c(tm$age, tr$age))"],
            Shape::Values,
        ),
        step(
            "transcript.freq_follow_up_alive",
            "",
            &[alive],
            Shape::Counts,
        ),
        step(
            "transcript.freq_follow_up_alive_ecog0",
            "",
            &[alive0],
            Shape::Counts,
        ),
        step(
            "",
            "",
            &["table(cut(c(tm$follow_up_months, tr$follow_up_months), c(0, 6, 12, 120)))"],
            Shape::None,
        ),
    ];

    let mut t4 = Vec::new();
    numeric(&mut t4, "age", "Age, years");
    for (c, l) in [
        ("gender", "Gender"),
        ("ecog_status", "ECOG performance status"),
        ("primary", "Primary tumour"),
        ("timing", "Timing of the adrenal metastasis"),
        ("pattern", "Metastatic pattern"),
        ("laterality", "Laterality"),
    ] {
        categorical(&mut t4, c, l);
    }

    let mut t5 = Vec::new();
    for (c, l) in [
        ("chemotherapy", "Chemotherapy (within 3 months)"),
        ("immunotherapy", "Immunotherapy (within 3 months)"),
        ("fractions", "Number of fractions"),
    ] {
        categorical(&mut t5, c, l);
    }
    for f in ["3", "5"] {
        let s = format!("s <- subset(d, fractions == {f})");
        t5.push(step(
            &format!("numeric_by_fractions.{f}"),
            &format!("{f} fractions: dose and BED10, Gy"),
            &[
                &s,
                "length(s$age)",
                "median(s$prescription_dose_gy)",
                "range(s$prescription_dose_gy)",
                "median(s$bed10_gy)",
                "range(s$bed10_gy)",
            ],
            Shape::ByFractions,
        ));
    }
    for (c, l) in [
        ("prescription_dose_gy", "Prescription dose, Gy"),
        ("bed10_gy", "BED10, Gy"),
        ("gtv_cc", "GTV, cm3"),
        ("ptv_cc", "PTV, cm3"),
        ("ptv_margin_mm", "PTV margin, mm"),
        ("ptv_dmax_gy", "PTV Dmax, Gy"),
        ("conformity_index", "Conformity index"),
        ("homogeneity_index", "Homogeneity index"),
        ("adapted_fractions", "Online-adapted fractions"),
    ] {
        numeric(&mut t5, c, l);
    }
    categorical(&mut t5, "motion_management", "Motion management");

    let mut t6 = Vec::new();
    for (c, l) in [
        ("toxicity", "Acute toxicity"),
        ("toxicity_grade", "Toxicity grade (CTCAE v5.0)"),
        ("local_control", "Local control (best response)"),
        ("event_death", "Died during follow-up"),
    ] {
        categorical(&mut t6, c, l);
    }
    numeric(&mut t6, "follow_up_months", "Follow-up, months");

    let km1 = format!("fit <- survfit({SURV} ~ 1, data = d)");
    let km2 = format!("fit2 <- survfit({SURV} ~ {ECOG}, data = d)");
    let survival = vec![
        step(
            "km_overall",
            "",
            &[
                &km1,
                "fit",
                "summary(fit, times = c(12, 24))",
                "plot(fit, file = \"km_overall.svg\", conf.int = TRUE, main = \"Overall survival\", xlab = \"Months\")",
            ],
            Shape::KmOverall,
        ),
        step(
            "km_by_ecog",
            "",
            &[
                &km2,
                "fit2",
                "plot(fit2, file = \"km_ecog.svg\", main = \"Overall survival by ECOG\", xlab = \"Months\")",
            ],
            Shape::KmGroups,
        ),
        step(
            "logrank_ecog",
            "",
            &[&format!("survdiff({SURV} ~ {ECOG}, data = d)")],
            Shape::LogRank { counts: true },
        ),
        step(
            "logrank_bed80",
            "",
            &[&format!("survdiff({SURV} ~ {BED}, data = d)")],
            Shape::LogRank { counts: false },
        ),
        step(
            "cox_age_ecog",
            "",
            &[&format!("coxph({SURV} ~ age + {ECOG}, data = d)")],
            Shape::Cox,
        ),
    ];

    let bed = "table(d$bed10_gy >= 80, d$local_control == \"complete\")";
    let tests = vec![
        step(
            "fisher_bed80_complete",
            "",
            &[bed, &format!("fisher.test({bed})")],
            Shape::Fisher,
        ),
        step(
            "chisq_gender_ecog",
            "",
            &[
                "table(d$gender, d$ecog_status)",
                "chisq.test(table(d$gender, d$ecog_status))",
            ],
            Shape::ChiSq,
        ),
        step(
            "t_test_age_by_gender",
            "",
            &[
                "t.test(d$age[d$gender == \"female\"], d$age[d$gender == \"male\"])",
                "t.test(d$age[d$gender == \"female\"], d$age[d$gender == \"male\"], var.equal = TRUE)",
            ],
            Shape::TTests,
        ),
        step(
            "wilcoxon_follow_up_by_gender",
            "",
            &["wilcox.test(d$follow_up_months[d$gender == \"female\"], \
               d$follow_up_months[d$gender == \"male\"])"],
            Shape::Wilcoxon,
        ),
        step(
            "lm_ptv_on_gtv",
            "",
            &["summary(lm(ptv_cc ~ gtv_cc, data = d))"],
            Shape::Lm,
        ),
        step(
            "cor_gtv_ptv",
            "",
            &[
                "cor(d$gtv_cc, d$ptv_cc)",
                "cor(d$gtv_cc, d$ptv_cc, method = \"spearman\")",
            ],
            Shape::Cor,
        ),
    ];

    let section = |title: &str, layout, prelude: &str, steps| Section {
        title: title.into(),
        layout,
        prelude: prelude.into(),
        table1: None,
        steps,
    };
    let made_with = |s: Section, key: &str, vars: &[&str]| Section {
        table1: Some((key.into(), table1_call(vars))),
        ..s
    };
    vec![
        section(
            "Fig. 5: the pilot's session (Munich and Rome, then pooled)",
            Layout::Session,
            TWO_SITES,
            transcript,
        ),
        made_with(
            section(
                "Table 4: patient and tumour characteristics",
                Layout::Table,
                POOLED,
                t4,
            ),
            "table4",
            &TABLE4,
        ),
        made_with(
            section("Table 5: treatment", Layout::Table, POOLED, t5),
            "table5",
            &TABLE5,
        ),
        made_with(
            section("Table 6: outcome", Layout::Table, POOLED, t6),
            "table6",
            &TABLE6,
        ),
        section(
            "Survival: Kaplan-Meier, log-rank, Cox",
            Layout::Session,
            GROUPED,
            survival,
        ),
        section(
            "Tests: remission by BED10, and the other reference analyses",
            Layout::Session,
            POOLED,
            tests,
        ),
    ]
}

/// The variables of the paper's Tables 4-6, in its order.
const TABLE4: [&str; 7] = [
    "age",
    "gender",
    "ecog_status",
    "primary",
    "timing",
    "pattern",
    "laterality",
];
const TABLE5: [&str; 13] = [
    "chemotherapy",
    "immunotherapy",
    "fractions",
    "prescription_dose_gy",
    "bed10_gy",
    "gtv_cc",
    "ptv_cc",
    "ptv_margin_mm",
    "ptv_dmax_gy",
    "conformity_index",
    "homogeneity_index",
    "adapted_fractions",
    "motion_management",
];
const TABLE6: [&str; 5] = [
    "toxicity",
    "toxicity_grade",
    "local_control",
    "event_death",
    "follow_up_months",
];

/// `table1(d, vars = c(...))` of `vars`.
fn table1_call(vars: &[&str]) -> String {
    let quoted: Vec<String> = vars.iter().map(|v| format!("\"{v}\"")).collect();
    format!("table1(d, vars = c({}))", quoted.join(", "))
}

/// Whether `line` is an assignment (prints nothing).
pub fn is_assignment(line: &str) -> bool {
    let t = line.trim_start();
    let name_len = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(t.len(), |(i, _)| i);
    name_len > 0 && t[name_len..].trim_start().starts_with("<-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_print_nothing() {
        assert!(is_assignment("fit <- survfit(x ~ 1, data = d)"));
        assert!(is_assignment("  s.1<-subset(d, a == 1)"));
        assert!(!is_assignment("fit"));
        assert!(!is_assignment("quantile(x <- 1)"));
        assert!(!is_assignment("x < -1"));
    }

    #[test]
    fn every_step_has_its_own_key() {
        let mut keys = std::collections::BTreeSet::new();
        for s in sections() {
            for st in s.steps {
                assert!(!st.lines.is_empty());
                if st.shape != Shape::None {
                    assert!(keys.insert(st.key.clone()), "{} twice", st.key);
                }
            }
        }
        assert!(keys.contains("cox_age_ecog") && keys.contains("numeric.follow_up_months"));
    }
}
