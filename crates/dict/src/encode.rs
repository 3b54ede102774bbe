//! The encoded (stored) columns of a dictionary and the encoding of one row into
//! `u64` words (two's complement of the `i64` values).

use crate::spec::{ColumnType, Dictionary, EncodedColumn, EncodedKind};

impl Dictionary {
    /// The columns as stored on the nodes, in order: for each dictionary column its
    /// value column (named like the column), then, if the column is not required, a
    /// presence mask column `<name>.present` (1 = present, 0 = missing; the value
    /// column holds 0 where missing), then for categoricals with onehot one 0/1
    /// column per level `<name>=<level>`.
    pub fn encoded_columns(&self) -> Vec<EncodedColumn> {
        let mut out = Vec::new();
        for col in &self.columns {
            let kind = match &col.ty {
                ColumnType::Integer => EncodedKind::Integer,
                ColumnType::Decimal { decimals } => EncodedKind::Decimal {
                    decimals: *decimals,
                },
                ColumnType::Categorical { levels, .. } => EncodedKind::Code {
                    levels: levels.len(),
                },
                ColumnType::Boolean => EncodedKind::Boolean,
                ColumnType::Date => EncodedKind::Date,
            };
            let push = |out: &mut Vec<EncodedColumn>, name: String, kind| {
                out.push(EncodedColumn {
                    name,
                    source: col.name.clone(),
                    kind,
                })
            };
            push(&mut out, col.name.clone(), kind);
            if !col.required {
                push(
                    &mut out,
                    format!("{}.present", col.name),
                    EncodedKind::Present,
                );
            }
            if let ColumnType::Categorical {
                levels,
                onehot: true,
            } = &col.ty
            {
                for (level, name) in levels.iter().enumerate() {
                    push(
                        &mut out,
                        format!("{}={}", col.name, name),
                        EncodedKind::OneHot { level },
                    );
                }
            }
        }
        out
    }
}

/// Encoded words of one row (values in dictionary column order, as from
/// [`harmonise`](crate::harmonise())) in [`Dictionary::encoded_columns`] order.
/// `out` is cleared first, so one buffer can serve every row.
///
/// # Panics
///
/// If `values.len()` differs from the number of dictionary columns.
pub fn encode_row(dict: &Dictionary, values: &[Option<i64>], out: &mut Vec<u64>) {
    assert_eq!(
        values.len(),
        dict.columns.len(),
        "encode_row: one value per dictionary column"
    );
    out.clear();
    for (col, value) in dict.columns.iter().zip(values) {
        // Two's complement: the ring Z/2^64 of the shares.
        out.push(value.unwrap_or(0) as u64);
        if !col.required {
            out.push(u64::from(value.is_some()));
        }
        if let ColumnType::Categorical {
            levels,
            onehot: true,
        } = &col.ty
        {
            for level in 0..levels.len() {
                let hit = value.is_some_and(|v| usize::try_from(v) == Ok(level));
                out.push(u64::from(hit));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICT: &str = r#"
        study = "t"
        [[columns]]
        name = "g"
        type = "categorical"
        levels = ["a", "b", "c"]
        [[columns]]
        name = "x"
        type = "decimal"
        decimals = 1
        required = true
        [[columns]]
        name = "k"
        type = "categorical"
        levels = ["u", "v"]
        onehot = false
        required = true
        [[columns]]
        name = "d"
        type = "date"
    "#;

    #[test]
    fn encoded_layout() {
        let d = Dictionary::parse(DICT).unwrap();
        let cols = d.encoded_columns();
        let names: Vec<(&str, String)> = cols
            .iter()
            .map(|c| (c.name.as_str(), c.kind.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("g", "categorical(3)".to_owned()),
                ("g.present", "present".to_owned()),
                ("g=a", "onehot(0)".to_owned()),
                ("g=b", "onehot(1)".to_owned()),
                ("g=c", "onehot(2)".to_owned()),
                ("x", "decimal(1)".to_owned()),
                ("k", "categorical(2)".to_owned()),
                ("d", "date".to_owned()),
                ("d.present", "present".to_owned()),
            ]
        );
        assert!(cols.iter().all(|c| c.name.starts_with(c.source.as_str())));
    }

    #[test]
    fn row_words() {
        let d = Dictionary::parse(DICT).unwrap();
        let mut out = vec![99];
        encode_row(&d, &[Some(1), Some(-5), Some(0), None], &mut out);
        assert_eq!(out, vec![1, 1, 0, 1, 0, (-5i64) as u64, 0, 0, 0]);
        encode_row(&d, &[None, Some(3), Some(1), Some(19000)], &mut out);
        assert_eq!(out, vec![0, 0, 0, 0, 0, 3, 1, 19000, 1]);
        assert_eq!(out.len(), d.encoded_columns().len());
    }

    #[test]
    #[should_panic(expected = "one value per dictionary column")]
    fn row_length_checked() {
        let d = Dictionary::parse(DICT).unwrap();
        encode_row(&d, &[None], &mut Vec::new());
    }
}
