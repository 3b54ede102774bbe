//! Every numeric summary and frequency table of the fixture's `expected.json` (computed by R on
//! the canonical files), reproduced on secret shares of both sites' data: counts exact, real
//! values within 1e-6 relative.
use serde_json::Value;
use sharestat_client::import::{ImportOptions, Imported, import_file};
use sharestat_dict::{Dictionary, EncodedKind};
use sharestat_mpc::harness::{Keys, run_in_memory};
use sharestat_mpc::prg::Prg;
use sharestat_mpc::proto::io::deal;
use sharestat_mpc::{AShares, Party};
use sharestat_stats::{Column, freq, order, summary};
use std::path::Path;

fn close(got: f64, want: f64, what: &str) {
    let tol = 1e-6 * want.abs().max(1e-3);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, R says {want}"
    );
}

fn load() -> (Dictionary, Vec<Imported>, Value) {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal");
    let dict =
        Dictionary::parse(&std::fs::read_to_string(ex.join("dictionary.toml")).unwrap()).unwrap();
    let opts = ImportOptions {
        site: "canonical".into(),
        drop_bad_rows: false,
    };
    let sites = ["munich.csv", "rome.csv"]
        .iter()
        .map(|f| import_file(&ex.join(f), &dict, &opts).unwrap())
        .collect();
    let expected =
        serde_json::from_str(&std::fs::read_to_string(ex.join("expected.json")).unwrap()).unwrap();
    (dict, sites, expected)
}

/// Deals every encoded column of both sites; party `i` gets `[site][column]` shares.
fn deal_all(sites: &[Imported]) -> Vec<Vec<[AShares; 3]>> {
    let mut prg = Prg::new([3; 16]);
    sites
        .iter()
        .map(|s| s.data.iter().map(|c| deal(c, &mut prg)).collect())
        .collect()
}

fn column(
    p: &Party,
    dealt: &[Vec<[AShares; 3]>],
    sites: &[Imported],
    name: &str,
    scale: u32,
) -> Column {
    let idx = |n: &str| sites[0].columns.iter().position(|c| c.name == n);
    let i = p.id().index();
    let parts: Vec<Column> = (0..sites.len())
        .map(|s| Column {
            values: dealt[s][idx(name).unwrap()][i].clone(),
            present: idx(&format!("{name}.present")).map(|k| dealt[s][k][i].clone()),
            scale,
        })
        .collect();
    Column::concat(p, &parts.iter().collect::<Vec<_>>())
}

#[test]
fn numeric_summaries_and_quantiles_match_r() {
    let (dict, sites, expected) = load();
    let dealt = deal_all(&sites);
    let probs = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0];
    let numeric: Vec<(String, u32)> = sites[0]
        .columns
        .iter()
        .filter_map(|c| match c.kind {
            EncodedKind::Integer => Some((c.name.clone(), 0)),
            EncodedKind::Decimal { decimals } => Some((c.name.clone(), decimals)),
            _ => None,
        })
        .collect();
    assert!(numeric.len() >= 10, "{numeric:?}");
    let [res, _, _] = run_in_memory(Keys::Os, |p| {
        let mut out = Vec::new();
        for (name, scale) in &numeric {
            let col = column(p, &dealt, &sites, name, *scale);
            out.push((
                name.clone(),
                summary::summary(p, &col)?,
                order::quantiles(p, &col, &probs)?,
            ));
        }
        Ok(out)
    })
    .unwrap();
    let _ = dict;
    let names: Vec<&String> = res.iter().map(|r| &r.0).collect();
    for key in expected["numeric"].as_object().unwrap().keys() {
        assert!(
            names.contains(&key),
            "numeric.{key} of expected.json is computed"
        );
    }
    for (name, s, q) in res {
        let e = &expected["numeric"][&name];
        if !e.is_object() {
            continue; // e.g. fractions: R summarised it as a table, not a number
        }
        assert_eq!(s.n, e["n"].as_u64().unwrap(), "{name} n");
        close(s.sum, e["sum"].as_f64().unwrap(), &format!("{name} sum"));
        close(s.mean, e["mean"].as_f64().unwrap(), &format!("{name} mean"));
        close(s.var, e["var"].as_f64().unwrap(), &format!("{name} var"));
        close(s.sd, e["sd"].as_f64().unwrap(), &format!("{name} sd"));
        let q = q.unwrap();
        for (k, want) in e["quantile_type7"].as_array().unwrap().iter().enumerate() {
            close(
                q[k],
                want.as_f64().unwrap(),
                &format!("{name} quantile {}", probs[k]),
            );
        }
        close(
            q[3],
            e["median"].as_f64().unwrap(),
            &format!("{name} median"),
        );
    }
}

#[test]
fn frequency_tables_match_r() {
    let (dict, sites, expected) = load();
    let dealt = deal_all(&sites);
    let cats: Vec<(String, Vec<String>)> = dict
        .columns
        .iter()
        .filter_map(|c| match &c.ty {
            sharestat_dict::ColumnType::Categorical {
                levels,
                onehot: true,
            } => Some((c.name.clone(), levels.clone())),
            _ => None,
        })
        .collect();
    assert!(cats.len() >= 10);
    let [res, _, _] = run_in_memory(Keys::Os, |p| {
        let i = p.id().index();
        let mut out = Vec::new();
        for (name, levels) in &cats {
            let cols: Vec<AShares> = levels
                .iter()
                .map(|l| {
                    let k = sites[0]
                        .columns
                        .iter()
                        .position(|c| c.name == format!("{name}={l}"))
                        .unwrap();
                    AShares::concat(&[&dealt[0][k][i], &dealt[1][k][i]])
                })
                .collect();
            out.push((
                name.clone(),
                levels.clone(),
                freq::freq(p, &cols.iter().collect::<Vec<_>>(), None)?,
            ));
        }
        Ok(out)
    })
    .unwrap();
    for (name, levels, counts) in res {
        let e = &expected["freq"][&name];
        assert!(e.is_object(), "expected.json has freq.{name}");
        for (l, n) in levels.iter().zip(&counts) {
            assert_eq!(*n, e[l].as_u64().unwrap_or(0), "{name} = {l}");
        }
    }
}
