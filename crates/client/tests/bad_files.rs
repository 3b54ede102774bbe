//! A corpus of bad files generated into a temporary directory: every problem must be
//! reported precisely (file, row, column, text, expected) and make the import fail,
//! unless `drop_bad_rows` drops and counts the bad rows.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sharestat_client::import::{CellError, ImportErrors, ImportOptions, Imported, import_file};
use sharestat_dict::Dictionary;
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/adrenal")
        .join(name)
}

fn adrenal() -> Dictionary {
    Dictionary::parse(&std::fs::read_to_string(fixture("dictionary.toml")).unwrap()).unwrap()
}

fn opts(site: &str) -> ImportOptions {
    ImportOptions {
        site: site.into(),
        drop_bad_rows: false,
    }
}

/// The canonical Munich file as lines of fields.
fn munich_rows(name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .map(|l| {
            l.split(if name.contains("delivered") { ';' } else { ',' })
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn join(rows: &[Vec<String>], sep: &str) -> String {
    rows.iter().map(|r| r.join(sep) + "\n").collect()
}

/// `rows` with cell (row, column) replaced; `row` is the 1-based file row.
fn edit(mut rows: Vec<Vec<String>>, row: usize, col: &str, value: &str) -> Vec<Vec<String>> {
    let c = rows[0].iter().position(|h| h == col).unwrap();
    rows[row - 1][c] = value.to_owned();
    rows
}

fn fails(path: &Path, dict: &Dictionary, o: &ImportOptions) -> ImportErrors {
    match import_file(path, dict, o) {
        Ok(_) => panic!("{} imported but should not", path.display()),
        Err(e) => e,
    }
}

fn only_error(e: &ImportErrors) -> &CellError {
    assert_eq!(e.fatal, None, "{e}");
    assert_eq!(e.errors.len(), 1, "{e}");
    &e.errors[0]
}

fn check(e: &CellError, file: &str, row: usize, column: &str, text: &str, expected: &str) {
    assert_eq!(
        (
            e.file.as_str(),
            e.row,
            e.column.as_str(),
            e.text.as_str(),
            e.expected.as_str()
        ),
        (file, row, column, text, expected),
        "{e}"
    );
}

#[test]
fn wrong_delimiter() {
    let dir = TempDir::new().unwrap();
    let p = write(
        &dir,
        "rome.csv",
        &std::fs::read(fixture("rome_delivered.csv")).unwrap(),
    );
    let e = fails(&p, &adrenal(), &opts("canonical"));
    assert!(e.errors.is_empty());
    let fatal = e.fatal.as_deref().unwrap();
    assert!(
        fatal.starts_with("header has 1 field; is the delimiter ';' rather than ','?"),
        "{fatal}"
    );
    assert!(
        e.to_string().starts_with("rome.csv: header has 1 field"),
        "{e}"
    );
}

#[test]
fn unknown_level() {
    let dir = TempDir::new().unwrap();
    let rows = edit(munich_rows("munich.csv"), 3, "gender", "divers");
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let e = fails(&p, &adrenal(), &opts("munich"));
    check(
        only_error(&e),
        "munich.csv",
        3,
        "gender",
        "divers",
        "one of male, female",
    );
    assert_eq!(
        e.errors[0].to_string(),
        "munich.csv row 3, column gender: \"divers\" is not one of male, female"
    );
}

#[test]
fn rome_alias_is_listed_and_unknown_aliases_rejected() {
    let dir = TempDir::new().unwrap();
    let rows = edit(munich_rows("rome_delivered.csv"), 10, "gender", "X");
    let p = write(&dir, "rome.csv", join(&rows, ";").as_bytes());
    let e = fails(&p, &adrenal(), &opts("rome"));
    check(
        only_error(&e),
        "rome.csv",
        10,
        "gender",
        "X",
        "one of male, female (or aliases F, M)",
    );
}

#[test]
fn value_out_of_range() {
    let dir = TempDir::new().unwrap();
    let rows = edit(munich_rows("munich.csv"), 7, "age", "17");
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let e = fails(&p, &adrenal(), &opts("canonical"));
    check(
        only_error(&e),
        "munich.csv",
        7,
        "age",
        "17",
        "an integer from 18 to 110",
    );
    assert_eq!(
        e.errors[0].to_string(),
        "munich.csv row 7, column age: \"17\" is not an integer from 18 to 110"
    );
}

#[test]
fn unparseable_date() {
    let dir = TempDir::new().unwrap();
    let rows = edit(
        munich_rows("rome_delivered.csv"),
        12,
        "treatment_start",
        "31/02/2022",
    );
    let p = write(&dir, "rome.csv", join(&rows, ";").as_bytes());
    let e = fails(&p, &adrenal(), &opts("rome"));
    check(
        only_error(&e),
        "rome.csv",
        12,
        "treatment_start",
        "31/02/2022",
        "a date dd/mm/yyyy (or yyyy-mm-dd)",
    );
}

#[test]
fn too_many_decimal_places() {
    let dir = TempDir::new().unwrap();
    let rows = edit(munich_rows("rome_delivered.csv"), 2, "bed10_gy", "60,05");
    let p = write(&dir, "rome.csv", join(&rows, ";").as_bytes());
    let e = fails(&p, &adrenal(), &opts("rome"));
    check(
        only_error(&e),
        "rome.csv",
        2,
        "bed10_gy",
        "60,05",
        "a number from 0.0 to 200.0 with at most 1 decimal place (decimal separator ',')",
    );
}

#[test]
fn ragged_row() {
    let dir = TempDir::new().unwrap();
    let mut rows = munich_rows("munich.csv");
    rows[4].pop();
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let e = fails(&p, &adrenal(), &opts("canonical"));
    check(
        only_error(&e),
        "munich.csv",
        5,
        "",
        "25 fields",
        "26 fields as in the header",
    );
    assert_eq!(
        e.errors[0].to_string(),
        "munich.csv row 5: found 25 fields, expected 26 fields as in the header"
    );
}

#[test]
fn duplicate_header() {
    let dir = TempDir::new().unwrap();
    let rows = edit(munich_rows("munich.csv"), 1, "timing", "age");
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let e = fails(&p, &adrenal(), &opts("canonical"));
    let fatal = e.fatal.as_deref().unwrap();
    assert!(
        fatal.contains("duplicate header \"age\" in columns 2 and 5"),
        "{fatal}"
    );
    assert!(fatal.contains("missing column \"timing\""), "{fatal}");
}

#[test]
fn unknown_column() {
    let dir = TempDir::new().unwrap();
    let mut rows = munich_rows("munich.csv");
    for (i, r) in rows.iter_mut().enumerate() {
        r.push(if i == 0 { "bmi".into() } else { "24".into() });
    }
    rows[0][1] = "Age".into();
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let e = fails(&p, &adrenal(), &opts("canonical"));
    let fatal = e.fatal.as_deref().unwrap();
    assert!(
        fatal.contains(
            "unknown column \"Age\" (column 2) is not in the dictionary (did you mean \"age\"?)"
        ),
        "{fatal}"
    );
    assert!(
        fatal.contains("unknown column \"bmi\" (column 27)"),
        "{fatal}"
    );
}

#[test]
fn empty_and_header_only() {
    let dir = TempDir::new().unwrap();
    let d = adrenal();
    let e = fails(&write(&dir, "empty.csv", b""), &d, &opts("canonical"));
    assert_eq!(
        e.fatal.as_deref(),
        Some("the file is empty (no header row)")
    );
    assert_eq!(
        e.to_string(),
        "empty.csv: the file is empty (no header row)"
    );
    let header = munich_rows("munich.csv")[0].join(",") + "\n\n";
    let e = fails(
        &write(&dir, "head.csv", header.as_bytes()),
        &d,
        &opts("canonical"),
    );
    assert_eq!(
        e.fatal.as_deref(),
        Some("the file has a header but no data rows")
    );
}

#[test]
fn non_utf8_bytes() {
    let dir = TempDir::new().unwrap();
    let mut text = join(&munich_rows("munich.csv"), ",").into_bytes();
    // Row 4 is "female,65,...": make it Latin-1 "fémale".
    let at = text.windows(8).position(|w| w == b"\nfemale,").unwrap() + 1;
    text.splice(at..at + 6, b"f\xe9male".iter().copied());
    let p = write(&dir, "munich.csv", &text);
    let e = fails(&p, &adrenal(), &opts("canonical"));
    check(
        only_error(&e),
        "munich.csv",
        4,
        "gender",
        "f\u{fffd}male",
        "valid UTF-8 text (save the file as UTF-8)",
    );
}

#[test]
fn all_errors_are_collected_and_drop_bad_rows_counts() {
    let dir = TempDir::new().unwrap();
    let mut rows = edit(munich_rows("munich.csv"), 3, "age", "old");
    rows = edit(rows, 3, "fractions", "0");
    rows = edit(rows, 20, "event_death", "maybe");
    rows = edit(rows, 25, "gtv_cc", "");
    let p = write(&dir, "munich.csv", join(&rows, ",").as_bytes());
    let d = adrenal();
    let e = fails(&p, &d, &opts("canonical"));
    let at: Vec<(usize, &str)> = e
        .errors
        .iter()
        .map(|c| (c.row, c.column.as_str()))
        .collect();
    assert_eq!(
        at,
        vec![
            (3, "age"),
            (3, "fractions"),
            (20, "event_death"),
            (25, "gtv_cc")
        ]
    );
    check(
        &e.errors[3],
        "munich.csv",
        25,
        "gtv_cc",
        "",
        "a number from 0.1 to 2000.0 with at most 1 decimal place (required: missing values are not allowed)",
    );
    assert!(
        e.to_string()
            .starts_with("munich.csv: 4 problems found\n  munich.csv row 3, column age: \"old\""),
        "{e}"
    );

    let o = ImportOptions {
        site: "canonical".into(),
        drop_bad_rows: true,
    };
    let imp: Imported = import_file(&p, &d, &o).unwrap();
    assert_eq!(
        (imp.rows, imp.dropped_rows, imp.dropped_errors.len()),
        (21, 3, 4)
    );
    assert!(imp.data.iter().all(|c| c.len() == 21));
    let genders: usize = imp
        .summary
        .column("gender")
        .unwrap()
        .levels
        .iter()
        .map(|l| l.1)
        .sum();
    assert_eq!(genders, 21);
}

#[test]
fn drop_bad_rows_with_nothing_left_fails() {
    let dir = TempDir::new().unwrap();
    let rows: Vec<Vec<String>> = munich_rows("munich.csv").into_iter().take(3).collect();
    let rows = edit(edit(rows, 2, "age", "x"), 3, "age", "y");
    let p = write(&dir, "m.csv", join(&rows, ",").as_bytes());
    let o = ImportOptions {
        site: "canonical".into(),
        drop_bad_rows: true,
    };
    let e = fails(&p, &adrenal(), &o);
    assert_eq!(
        e.fatal.as_deref(),
        Some("all 2 data rows have errors; nothing to import")
    );
    assert_eq!(e.errors.len(), 2);
}

#[test]
fn quoted_crlf_bom_and_blank_lines_read_like_canonical() {
    let dir = TempDir::new().unwrap();
    // BOM, every field quoted, CRLF, and after file row 6 a row of empty fields and a
    // blank line (both skipped, but counted in row numbers).
    let build = |rows: &[Vec<String>]| {
        let mut text = String::from("\u{feff}");
        for (i, r) in rows.iter().enumerate() {
            let quoted: Vec<String> = r.iter().map(|f| format!("\"{f}\"")).collect();
            text.push_str(&quoted.join(","));
            text.push_str("\r\n");
            if i == 5 {
                text.push_str(",,,,,,,,,,,,,,,,,,,,,,,,,\r\n\r\n");
            }
        }
        text
    };
    let rows = munich_rows("munich.csv");
    let d = adrenal();
    let a = import_file(
        &write(&dir, "q.csv", build(&rows).as_bytes()),
        &d,
        &opts("canonical"),
    )
    .unwrap();
    let b = import_file(&fixture("munich.csv"), &d, &opts("canonical")).unwrap();
    assert_eq!(a, b);
    let bad = build(&edit(
        edit(rows, 3, "timing", "later"),
        7,
        "event_death",
        "2",
    ));
    let e = fails(
        &write(&dir, "q.csv", bad.as_bytes()),
        &d,
        &opts("canonical"),
    );
    let at: Vec<(usize, &str, &str)> = e
        .errors
        .iter()
        .map(|c| (c.row, c.column.as_str(), c.text.as_str()))
        .collect();
    assert_eq!(at, vec![(3, "timing", "later"), (9, "event_death", "2")]);
}

#[test]
fn bare_cr_line_ends_are_named() {
    let dir = TempDir::new().unwrap();
    let text = join(&munich_rows("munich.csv"), ",").replace('\n', "\r");
    let e = fails(
        &write(&dir, "mac.csv", text.as_bytes()),
        &adrenal(),
        &opts("canonical"),
    );
    assert!(e.fatal.unwrap().contains("bare CR"));
}

#[test]
fn tsv_and_unsupported_extension() {
    let dir = TempDir::new().unwrap();
    let d = adrenal();
    let rows = munich_rows("munich.csv");
    let a = import_file(
        &write(&dir, "m.tsv", join(&rows, "\t").as_bytes()),
        &d,
        &opts("x"),
    )
    .unwrap();
    assert_eq!(a.rows, 24);
    let e = fails(&write(&dir, "m.json", b"{}"), &d, &opts("x"));
    assert!(
        e.fatal
            .unwrap()
            .starts_with("unsupported file type \".json\"")
    );
    let e = fails(&dir.path().join("absent.csv"), &d, &opts("x"));
    assert!(e.fatal.unwrap().starts_with("cannot open the file"));
}

#[test]
fn missing_sheet_is_named() {
    let text = std::fs::read_to_string(fixture("dictionary.toml")).unwrap();
    let d =
        Dictionary::parse(&text.replace("sheet = \"patients\"", "sheet = \"Tabelle1\"")).unwrap();
    let e = fails(&fixture("munich_delivered.xlsx"), &d, &opts("munich"));
    assert_eq!(
        e.fatal.as_deref(),
        Some(
            "the workbook has no sheet \"Tabelle1\" (the conventions of site \"munich\"); its sheets: patients"
        )
    );
    // A site without a sheet reads the first one; text dates then fail only if unparseable.
    let ok = import_file(&fixture("munich_delivered.xlsx"), &d, &opts("canonical")).unwrap();
    assert_eq!(ok.rows, 24);
}

#[test]
fn million_rows_with_one_bad_cell_in_the_last_row() {
    const ROWS: usize = 1_000_000;
    let dict = Dictionary::parse(
        r#"
        study = "big"
        [[columns]]
        name = "id"
        type = "integer"
        required = true
        [[columns]]
        name = "x"
        type = "decimal"
        decimals = 2
        [[columns]]
        name = "g"
        type = "categorical"
        levels = ["a", "b"]
        "#,
    )
    .unwrap();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("big.csv");
    let mut w = BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "id,x,g").unwrap();
    for i in 0..ROWS - 1 {
        writeln!(
            w,
            "{i},{}.{:02},{}",
            i % 1000,
            i % 100,
            if i % 3 == 0 { "a" } else { "b" }
        )
        .unwrap();
    }
    writeln!(w, "{},1.234,a", ROWS - 1).unwrap();
    drop(w.into_inner().unwrap());

    let e = fails(&path, &dict, &opts("site"));
    check(
        only_error(&e),
        "big.csv",
        ROWS + 1,
        "x",
        "1.234",
        "a number with at most 2 decimal places",
    );

    let o = ImportOptions {
        site: "site".into(),
        drop_bad_rows: true,
    };
    let imp = import_file(&path, &dict, &o).unwrap();
    assert_eq!((imp.rows, imp.dropped_rows), (ROWS - 1, 1));
    assert_eq!(imp.columns.len(), 1 + 2 + 4);
    assert_eq!(imp.column("x").unwrap()[ROWS - 2], 99_998 % 1000 * 100 + 98);
    assert_eq!(
        imp.summary.column("g").unwrap().levels[0].1,
        (ROWS - 1).div_ceil(3)
    );
}
