//! R's `pairwise.htest` (`pairwise.t.test`'s result): the lower triangle of adjusted
//! p-values, printed as R's `print.pairwise.htest` (`format.pval` at 2 digits, `-` where
//! there is no comparison, a character matrix left-aligned), and its JSON.
use crate::format::format_pval;
use serde_json::{Value as Json, json};

/// Pairwise comparisons of `levels`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pairwise {
    /// E.g. `t tests with pooled SD`.
    pub method: String,
    /// E.g. `age and ph.ecog`.
    pub data_name: String,
    /// The groups' labels in order.
    pub levels: Vec<String>,
    /// `p[i][j]` for `i > j` (row `levels[i]`, column `levels[j]`), adjusted.
    pub p: Vec<Vec<Option<f64>>>,
    /// R's `p.adjust.method`.
    pub adjust: String,
}

/// `print.pairwise.htest` at R's default digits.
pub fn render_pairwise(x: &Pairwise) -> String {
    let k = x.levels.len();
    let mut out = format!(
        "\n\tPairwise comparisons using {} \n\ndata:  {} \n\n",
        x.method, x.data_name
    );
    // format.pval of all the values together (2 digits), "-" for NA.
    let all: Vec<f64> = (1..k)
        .flat_map(|i| (0..k - 1).filter_map(move |j| x.p[i][j]))
        .collect();
    let formatted = format_pval(&all, 2);
    let mut it = formatted.into_iter();
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once(String::new())
            .chain(x.levels[..k - 1].iter().cloned())
            .collect(),
    ];
    for i in 1..k {
        let mut row = vec![x.levels[i].clone()];
        for j in 0..k - 1 {
            row.push(match x.p[i][j] {
                Some(_) => it.next().unwrap_or_default(),
                None => "-".into(),
            });
        }
        rows.push(row);
    }
    // A character matrix prints left-aligned, its column names too.
    let w: Vec<usize> = (0..k)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| format!("{s:<w$}", w = w[c]))
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out.push_str(&format!("\nP value adjustment method: {} \n", x.adjust));
    out
}

/// JSON: `method`, `data_name`, `levels`, `p` (rows `levels[1..]`, columns `levels[..k−1]`,
/// `null` where there is no comparison), `p_adjust_method`.
pub fn pairwise_json(x: &Pairwise) -> Json {
    let k = x.levels.len();
    let p: Vec<Vec<Option<f64>>> = (1..k).map(|i| x.p[i][..k - 1].to_vec()).collect();
    json!({
        "method": x.method, "data_name": x.data_name, "levels": x.levels, "p": p,
        "p_adjust_method": x.adjust,
    })
}
