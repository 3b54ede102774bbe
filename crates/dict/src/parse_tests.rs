//! Unit tests of dictionary parsing and validation.

use super::*;

const HEAD: &str = "study = \"s\"\nmissing = [\"\", \"NA\"]\n";

fn parse_col(body: &str) -> Result<Dictionary, DictError> {
    Dictionary::parse(&format!("{HEAD}[[columns]]\n{body}"))
}

fn err(body: &str) -> String {
    parse_col(body).unwrap_err().to_string()
}

#[test]
fn adrenal_example_parses() {
    let text = include_str!("../../../examples/adrenal/dictionary.toml");
    let d = Dictionary::parse(text).unwrap();
    assert_eq!(d.study, "adrenal");
    assert_eq!(d.columns.len(), 26);
    assert_eq!(d.missing, vec!["", "NA"]);
    let rome = d.site("rome");
    assert_eq!(rome.delimiter, Some(';'));
    assert_eq!(rome.decimal_separator, ',');
    assert_eq!(rome.date_format, "%d/%m/%Y");
    let munich = d.site("munich");
    assert_eq!(munich.sheet.as_deref(), Some("patients"));
    assert_eq!(d.site("canonical"), SiteConventions::default());
    let gender = d.column("gender").unwrap();
    assert_eq!(gender.aliases["rome"]["M"], "male");
    assert!(gender.required);
    let gtv = d.column("gtv_cc").unwrap();
    assert_eq!((gtv.min, gtv.max), (Some(1), Some(20000)));
    assert_eq!(gtv.bounds(), (1, 20000));
    let dose = d.column("bed10_gy").unwrap();
    assert_eq!(dose.bounds(), (0, 2000));
    let start = d.column("treatment_start").unwrap();
    assert_eq!(start.bounds().1, crate::DEFAULT_BOUND);
    let ci = d.column("conformity_index").unwrap();
    assert_eq!((ci.min, ci.max), (Some(0), Some(300)));
    assert_eq!(d.column("toxicity_grade").unwrap().ty.name(), "categorical");
    assert!(!d.column("pattern").unwrap().required);
    assert!(d.column("nope").is_none());
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    let header = include_str!("../../../examples/adrenal/munich.csv")
        .lines()
        .next()
        .unwrap();
    assert_eq!(names.join(","), header);
}

#[test]
fn min_greater_than_max_names_column_and_field() {
    let e = parse_col("name = \"age\"\ntype = \"integer\"\nmin = 120\nmax = 110\n").unwrap_err();
    assert_eq!(e.to_string(), "column age: min 120 > max 110");
    assert!(
        matches!(e, DictError::Column { ref column, ref field, .. } if column == "age" && field == "min")
    );
}

#[test]
fn column_errors() {
    let cases = [
        (
            "name = \"a\"\ntype = \"int\"\n",
            "column a: type \"int\" is not one of",
        ),
        (
            "name = \"a\"\ntype = \"decimal\"\n",
            "column a: decimals is required",
        ),
        (
            "name = \"a\"\ntype = \"decimal\"\ndecimals = 13\n",
            "column a: decimals 13 is not in 0..=12",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\ndecimals = 1\n",
            "column a: decimals is only allowed for decimal",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\n",
            "column a: levels is required",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\nlevels = []\n",
            "column a: levels must not be empty",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\nlevels = [\"x\", \"X\"]\n",
            "column a: levels \"x\" and \"X\" are the same",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\nlevels = [\"na\"]\nrequired = true\n",
            "column a: level \"na\" is also a missing-value marker",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\nlevels = [\"x\"]\n",
            "column a: levels is only allowed for categorical",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\nonehot = false\n",
            "column a: onehot is only allowed",
        ),
        (
            "name = \"a\"\ntype = \"boolean\"\nmin = 0\n",
            "column a: min is only allowed for integer, decimal and date",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\nmin = 1.5\n",
            "column a: min 1.5 is not an integer",
        ),
        (
            "name = \"a\"\ntype = \"decimal\"\ndecimals = 1\nmax = 0.15\n",
            "column a: max 0.15 has more than 1 decimal place",
        ),
        (
            "name = \"a\"\ntype = \"date\"\nmin = 2020-01-01\nmax = \"2019-12-31\"\n",
            "column a: min 2020-01-01 > max 2019-12-31",
        ),
        (
            "name = \"a\"\ntype = \"date\"\nmin = \"01.01.2020\"\n",
            "column a: min 01.01.2020 is not a date",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\nmn = 1\n",
            "column a: unknown field `mn`",
        ),
        (
            "name = \"a\"\ntype = \"integer\"\nmin = true\n",
            "column a: min true is not an integer",
        ),
        (
            "name = \"a=b\"\ntype = \"integer\"\n",
            "column a=b: name must not contain '='",
        ),
        (
            "name = \"a.present\"\ntype = \"integer\"\n",
            "column a.present: name must not contain",
        ),
        ("type = \"integer\"\n", "column #1: missing field `name`"),
        (
            "name = \"a\"\ntype = \"integer\"\naliases.rome = { M = \"1\" }\n",
            "column a: aliases are only allowed",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\nlevels = [\"x\"]\naliases.rome = { M = \"y\" }\n",
            "column a: alias \"M\" of site rome: target \"y\" is not one of the levels x",
        ),
        (
            "name = \"a\"\ntype = \"categorical\"\nlevels = [\"x\", \"y\"]\naliases.rome = { X = \"y\" }\n",
            "column a: alias \"X\" of site rome -> \"y\" contradicts \"x\"",
        ),
        (
            "name = \"a\"\ntype = \"boolean\"\naliases.rome = { ja = \"maybe\" }\n",
            "column a: alias \"ja\" of site rome: target \"maybe\" is not a boolean",
        ),
        (
            "name = \"a\"\ntype = \"boolean\"\naliases.rome = { yes = false }\n",
            "column a: alias \"yes\" of site rome -> \"false\" contradicts \"true\"",
        ),
    ];
    for (body, want) in cases {
        let got = err(body);
        assert!(
            got.starts_with(want),
            "for {body:?}: got {got:?}, want {want:?}"
        );
    }
}

#[test]
fn duplicate_column() {
    let e = Dictionary::parse(&format!(
        "{HEAD}[[columns]]\nname = \"a\"\ntype = \"integer\"\n[[columns]]\nname = \"a\"\ntype = \"date\"\n"
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "column a: name is used by more than one column"
    );
}

#[test]
fn study_and_site_errors() {
    let col = "[[columns]]\nname = \"a\"\ntype = \"integer\"\n";
    let cases = [
        (
            format!("title = \"x\"\n{col}"),
            "dictionary: study (the study id) is missing",
        ),
        (HEAD.to_owned(), "dictionary: no columns"),
        (
            format!("{HEAD}foo = 1\n{col}"),
            "dictionary: unknown field `foo`",
        ),
        ("study = ".to_owned(), "dictionary is not valid TOML"),
        (
            format!("{HEAD}[sites.r]\ndelimiter = \";;\"\n{col}"),
            "site r: delimiter \";;\" must be one ASCII",
        ),
        (
            format!("{HEAD}[sites.r]\ndecimal_separator = \";\"\n{col}"),
            "site r: decimal_separator \";\" must be",
        ),
        (
            format!("{HEAD}[sites.r]\ndelimiter = \",\"\ndecimal_separator = \",\"\n{col}"),
            "site r: delimiter and decimal_separator are both ','",
        ),
        (
            format!("{HEAD}[sites.r]\ndate_format = \"%d.%m\"\n{col}"),
            "site r: date_format \"%d.%m\" does not read back a full date",
        ),
        (
            format!("{HEAD}[sites.r]\ndate_format = \"%Q\"\n{col}"),
            "site r: date_format \"%Q\" is not a valid",
        ),
        (
            format!("{HEAD}[sites.r]\nsheet = \" \"\n{col}"),
            "site r: sheet must not be empty",
        ),
        (
            format!("{HEAD}[sites.r]\ndelim = \";\"\n{col}"),
            "site r: unknown field `delim`",
        ),
    ];
    for (text, want) in cases {
        let got = Dictionary::parse(&text).unwrap_err().to_string();
        assert!(
            got.starts_with(want),
            "for {text:?}: got {got:?}, want {want:?}"
        );
    }
}

#[test]
fn site_marker_may_not_be_a_level_nor_an_alias() {
    let text = format!(
        "{HEAD}[sites.r]\nmissing = [\"n.d.\"]\n[[columns]]\nname = \"a\"\ntype = \"categorical\"\nlevels = [\"N.D.\"]\n"
    );
    let got = Dictionary::parse(&text).unwrap_err().to_string();
    assert_eq!(
        got,
        "column a: level \"N.D.\" is also a missing-value marker"
    );
    let text = format!(
        "{HEAD}[sites.r]\nmissing = [\"?\"]\n[[columns]]\nname = \"a\"\ntype = \"boolean\"\naliases.r = {{ \"?\" = true }}\n"
    );
    let got = Dictionary::parse(&text).unwrap_err().to_string();
    assert_eq!(
        got,
        "column a: alias \"?\" of site r is also a missing-value marker"
    );
}

#[test]
fn defaults_and_bounds() {
    let d = parse_col(
        "name = \"x\"\ntype = \"decimal\"\ndecimals = 2\nmin = \"-1.5\"\nmax = 3\n[[columns]]\nname = \"c\"\ntype = \"categorical\"\nlevels = [\"a\"]\n[[columns]]\nname = \"d\"\ntype = \"date\"\nmin = 1970-01-02\n",
    )
    .unwrap();
    assert_eq!(d.title, "");
    assert_eq!(
        (d.columns[0].min, d.columns[0].max),
        (Some(-150), Some(300))
    );
    assert_eq!(d.columns[0].display_value(-150), "-1.50");
    assert!(matches!(
        d.columns[1].ty,
        ColumnType::Categorical { onehot: true, .. }
    ));
    assert!(!d.columns[1].required);
    assert_eq!(d.columns[2].min, Some(1));
    assert_eq!(d.columns[2].display_value(1), "1970-01-02");
}

#[test]
fn documented_example_parses() {
    let doc = include_str!("../../../docs/dictionary.md");
    let start = doc.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let d = Dictionary::parse(&doc[start..end]).unwrap();
    assert_eq!(d.columns.len(), 6);
    assert_eq!(d.site("rome").missing, vec!["n.d."]);
    let start = d.column("treatment_start").unwrap();
    assert_eq!(start.min, Some(10957));
    let names: Vec<String> = d.encoded_columns().into_iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "gender",
            "gender=male",
            "gender=female",
            "age",
            "bed10_gy",
            "toxicity_grade",
            "toxicity_grade.present",
            "treatment_start",
            "event_death"
        ]
    );
}
