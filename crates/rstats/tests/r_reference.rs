//! The exact null distributions against R's own values (`r/rank_distributions.R` wrote
//! `r/rank_distributions.json`): AS 89 for Spearman's `S` at n = 2..40 (exact and Edgeworth),
//! `psignrank`, `pwilcox` and `pkendall`, in both tails and beyond the support.
use serde_json::Value;
use sharestat_rstats::{kendall, signrank, spearman, wilcox};

fn rows(key: &str) -> Vec<Vec<f64>> {
    let all: Value =
        serde_json::from_str(include_str!("../../../r/rank_distributions.json")).unwrap();
    all[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect()
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-8 * want.abs() + 1e-13,
        "{what}: {got} against R's {want}"
    );
}

#[test]
fn prho_is_as_89_as_r_runs_it() {
    let rows = rows("prho");
    assert!(rows.len() > 1000);
    for r in rows {
        let (n, is, lower, p) = (r[0] as usize, r[1], r[2] == 1.0, r[3]);
        close(
            spearman::prho(n, is, lower),
            p,
            &format!("prho(n = {n}, is = {is}, lower = {lower})"),
        );
    }
}

#[test]
fn psignrank_pwilcox_pkendall_are_rs() {
    for r in rows("psignrank") {
        close(
            signrank::psignrank(r[0], r[1] as usize),
            r[2],
            &format!("psignrank{r:?}"),
        );
    }
    for r in rows("pwilcox") {
        close(
            wilcox::pwilcox(r[0], r[1] as usize, r[2] as usize),
            r[3],
            &format!("pwilcox{r:?}"),
        );
    }
    for r in rows("pkendall") {
        close(
            kendall::pkendall(r[0], r[1] as usize),
            r[2],
            &format!("pkendall{r:?}"),
        );
    }
}
