//! Turning the values of a step's printed statements into the shape the R reference
//! `expected.json` gives the same result: whole numbers as integers, tables without empty
//! cells and with R's `0`/`1` names for logicals, 2-D tables as rows of counts in R's level
//! order, model and test results as the fields R exports.
use super::analysis::Shape;
use serde_json::{Value, json};

/// Whole numbers as integers, recursively (R writes counts and whole medians that way).
pub fn tidy(v: &Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => json!(f as i64),
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(tidy).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), tidy(v))).collect()),
        _ => v.clone(),
    }
}

fn values_of(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Array(o.values().map(tidy).collect()),
        other => tidy(other),
    }
}

fn counts(v: &Value) -> Value {
    let Value::Object(o) = v else {
        return tidy(v);
    };
    Value::Object(
        o.iter()
            .filter(|(_, c)| c.as_f64() != Some(0.0))
            .map(|(k, c)| {
                let k = match k.as_str() {
                    "FALSE" => "0",
                    "TRUE" => "1",
                    k => k,
                };
                (k.to_owned(), tidy(c))
            })
            .collect(),
    )
}

/// A 2-D table's counts as rows of numbers, and its row and column labels; as R tabulates
/// character vectors, levels are sorted and empty rows and columns left out.
fn matrix(v: &Value) -> (Value, Vec<String>, Vec<String>) {
    let rows: Vec<(String, Vec<(String, Value)>)> = v
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(r, cells)| {
                    let cells = cells
                        .as_object()
                        .map(|c| c.iter().map(|(k, x)| (k.clone(), tidy(x))).collect())
                        .unwrap_or_default();
                    (r.clone(), cells)
                })
                .collect()
        })
        .unwrap_or_default();
    let empty = |x: &Value| x.as_f64() == Some(0.0);
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter(|(_, c)| !c.iter().all(|(_, x)| empty(x)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut cols: Vec<String> = rows
        .first()
        .map(|(_, c)| c.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    cols.retain(|k| {
        !rows
            .iter()
            .all(|(_, c)| c.iter().any(|(j, x)| j == k && empty(x)))
    });
    cols.sort();
    let cell = |c: &[(String, Value)], k: &str| {
        c.iter()
            .find(|(j, _)| j == k)
            .map_or(Value::Null, |(_, x)| x.clone())
    };
    let table = rows
        .iter()
        .map(|(_, c)| Value::Array(cols.iter().map(|k| cell(c, k)).collect()))
        .collect();
    (
        Value::Array(table),
        rows.into_iter().map(|(r, _)| r).collect(),
        cols,
    )
}

fn pick(v: &Value, keys: &[&str]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| ((*k).to_owned(), tidy(&v[*k])))
            .collect(),
    )
}

/// Rows of a table without their missing entries (R leaves out the standard error and the
/// interval where the survival estimate reaches 0).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Array(rows) => Value::Array(rows.iter().map(without_nulls).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect(),
        ),
        x => x.clone(),
    }
}

/// `NA` for a missing number, as R's JSON writes it.
fn or_na(v: &Value) -> Value {
    if v.is_null() { json!("NA") } else { tidy(v) }
}

/// The JSON entry of a step from the values of its printed statements, in order.
pub fn shape(shape: Shape, out: &[Value]) -> Option<Value> {
    let at = |i: usize| out.get(i).cloned().unwrap_or(Value::Null);
    Some(match shape {
        Shape::None => return None,
        Shape::Value => tidy(&at(0)),
        Shape::Values => values_of(&at(0)),
        Shape::Counts => counts(&at(0)),
        Shape::Summary => {
            let mut m = serde_json::Map::new();
            let keys = ["n", "sum", "mean", "var", "sd", "min", "max", "median"];
            for (i, k) in keys.iter().enumerate() {
                m.insert((*k).into(), tidy(&at(i)));
            }
            m.insert("quantile_type7".into(), values_of(&at(8)));
            Value::Object(m)
        }
        Shape::ByFractions => json!({
            "n": tidy(&at(0)),
            "prescription_dose_gy_median": tidy(&at(1)),
            "prescription_dose_gy_range": tidy(&at(2)),
            "bed10_gy_median": tidy(&at(3)),
            "bed10_gy_range": tidy(&at(4)),
        }),
        Shape::KmOverall => {
            let fit = at(0);
            let s = at(1);
            json!({
                "n": tidy(&fit["n"]),
                "events": tidy(&fit["events"]),
                "median": or_na(&fit["median"]),
                "median_lower": or_na(&fit["median_lower"]),
                "median_upper": or_na(&fit["median_upper"]),
                "rmean": tidy(&fit["rmean"]),
                "surv_12": tidy(&s["survival"][0]),
                "surv_24": tidy(&s["survival"][1]),
                "conf_type": "log (R default)",
                "table": without_nulls(&tidy(&fit["table"])),
            })
        }
        Shape::KmGroups => pick(&at(0), &["groups", "n", "events", "median", "rmean"]),
        Shape::LogRank { counts: true } => pick(
            &at(0),
            &["groups", "n", "observed", "expected", "chisq", "p_value"],
        ),
        Shape::LogRank { counts: false } => pick(&at(0), &["groups", "chisq", "p_value"]),
        Shape::Fisher => {
            let (table, _, _) = matrix(&at(0));
            let f = at(1);
            json!({"table": table, "p_value": f["p_value"], "odds_ratio": f["estimate"]["odds ratio"]})
        }
        Shape::ChiSq => {
            let (table, rows, cols) = matrix(&at(0));
            let c = at(1);
            json!({"levels_gender": rows, "levels_ecog": cols, "table": table,
                   "statistic": c["statistic"], "df": tidy(&c["df"]), "p_value": c["p_value"]})
        }
        Shape::TTests => {
            let (w, s) = (at(0), at(1));
            json!({"welch_t": w["statistic"], "welch_df": w["df"], "welch_p": w["p_value"],
                   "student_t": s["statistic"], "student_df": tidy(&s["df"]),
                   "student_p": s["p_value"]})
        }
        Shape::Wilcoxon => {
            let w = at(0);
            json!({"W": tidy(&w["statistic"]), "p_value": w["p_value"]})
        }
        Shape::Cox => {
            let c = at(0);
            let ties = match c["ties"].as_str() {
                Some("efron") => json!("efron (R default)"),
                _ => c["ties"].clone(),
            };
            json!({"coef": c["coef"], "se": c["se"], "names": c["names"],
                   "loglik": c["loglik"], "ties": ties})
        }
        Shape::Lm => pick(&at(0), &["coef", "se", "r_squared"]),
        Shape::Cor => json!({"pearson": at(0), "spearman": at(1)}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_take_r_names_and_drop_empty_cells() {
        let v = json!({"FALSE": 31.0, "TRUE": 17.0, "NA": 0});
        assert_eq!(shape(Shape::Counts, &[v]), Some(json!({"0": 31, "1": 17})));
        let q = json!({"0%": 38.0, "50%": 66.5});
        assert_eq!(shape(Shape::Values, &[q]), Some(json!([38, 66.5])));
        let t = json!({"TRUE": {"TRUE": 5, "FALSE": 5}, "FALSE": {"FALSE": 31, "TRUE": 5},
                       "NA": {"FALSE": 0, "TRUE": 0}});
        let f = json!({"p_value": 0.03, "estimate": {"odds ratio": 5.9}});
        assert_eq!(
            shape(Shape::Fisher, &[t, f]),
            Some(json!({"table": [[31, 5], [5, 5]], "p_value": 0.03, "odds_ratio": 5.9}))
        );
    }
}
