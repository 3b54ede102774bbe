//! Issue 16: `ggsurvplot` (survminer's arguments) hands the client a Kaplan-Meier figure with
//! the log-rank p-value of `survdiff` on the same data, the fit's medians, the breaks and
//! limits asked for; its arguments are checked and a fit of one group refuses `pval`.
mod support;

use support::Fixture;
use support::cohort::{D, num};

#[test]
fn journal_figure_carries_the_log_rank_p_and_the_medians() {
    let fx = Fixture::cohort("lung");
    let fit = format!("{D}fit <- survfit(Surv(time, status) ~ sex_f, data = d)\n");
    let plot = fx.json(&format!(
        "{fit}ggsurvplot(fit, file = \"os.svg\", pval = TRUE, surv.median.line = \"hv\", \
         break.time.by = 180, xlim = c(0, 900), risk.table = TRUE, title = \"OS\")"
    ));
    let p = &plot["plot"];
    assert_eq!(p["file"], "os.svg");
    assert_eq!(p["main"], "OS");
    assert_eq!(p["xlab"], "Time");
    let o = &p["km_options"];
    // survdiff on the same data: p = 0.00131 (R's), printed to two digits.
    let lr = fx.json(&format!(
        "{D}survdiff(Surv(time, status) ~ sex_f, data = d)"
    ));
    let want = format!(
        "p = {}",
        sharestat_rstats::format::signif(num(&lr["p_value"]), 2)
    );
    assert_eq!(o["pval"], want.as_str(), "{o}");
    assert_eq!(o["pval"], "p = 0.0013");
    let fitj = fx.json(&format!("{fit}fit"));
    assert_eq!(o["medians"], fitj["median"], "{o}");
    assert_eq!(o["median_line"], "hv");
    assert_eq!(o["break_by"], 180.0);
    assert_eq!(o["xlim"], serde_json::json!([0.0, 900.0]));
    assert_eq!(o["risk_table"], true);
    let png = fx.json(&format!(
        "{fit}ggsurvplot(fit, file = \"os.png\", dpi = 300)"
    ));
    assert_eq!(png["plot"]["km_options"]["dpi"], 300);
    // Arguments checked; one group has no log-rank test.
    for (arg, says) in [
        ("surv.median.line = \"x\"", "surv.median.line"),
        ("break.time.by = -1", "break.time.by"),
        ("xlim = c(10, 0)", "xlim"),
        ("dpi = 10", "dpi"),
    ] {
        let m = fx.refusal(&format!("{fit}ggsurvplot(fit, {arg})"));
        assert!(m.contains(says), "{arg}: {m}");
    }
    let one = format!("{D}f1 <- survfit(Surv(time, status) ~ 1, data = d)\n");
    let m = fx.refusal(&format!("{one}ggsurvplot(f1, pval = TRUE)"));
    assert!(m.contains("two groups"), "{m}");
}
