//! Hardening against bad input: the corpus of malformed files in `tests/data/bad/`, inputs
//! too large to commit (a 10 MB line, a 100 MB cell, 100,000 columns) generated into a temp
//! folder, xlsx workbooks with empty and merged rows, and Parquet files with wrong column
//! types. Every one must be refused with an error that says where (file, row, column) and
//! why; none may crash or exhaust memory.

use std::path::Path;

use maatpact_core::{Config, Issue, Severity, Validated};
use maatpact_pipeline::{MAX_CELL_BYTES, MAX_COLUMNS};
use maatpact_tests::{check_expect, fixture, load_default, render};

/// Findings about one cell (or one header cell): they must name both row and column.
const CELL_CODES: &[&str] = &[
    "bad_number",
    "bad_date",
    "bad_flag",
    "negative_cost",
    "satisfaction_out_of_range",
    "unknown_tag",
    "unknown_bottleneck",
    "bsn",
    "empty_case_id",
    "duplicate_case_id",
    "identifier_column",
    "duplicate_column",
    "cell_too_large",
];

/// Findings about a whole row, or the header: they must name the row.
const ROW_CODES: &[&str] = &["ragged_row", "short_row", "no_rows", "missing_column"];

/// Checks that an input was refused, and that every error says where it is.
fn assert_refused_with_location(name: &str, validated: &Validated) {
    assert!(
        validated.has_errors(),
        "{name} was accepted:\n{}",
        render(validated)
    );
    for issue in validated.errors() {
        assert_eq!(issue.file, name, "{issue}");
        assert!(!issue.message.is_empty(), "{issue}");
        if CELL_CODES.contains(&issue.code.code()) {
            assert!(
                issue.row.is_some() && issue.column.is_some(),
                "{name}: a cell finding without row and column: {issue}"
            );
        }
        if ROW_CODES.contains(&issue.code.code()) {
            assert!(issue.row.is_some(), "{name}: no row: {issue}");
        }
    }
}

/// A config file on top of the built-in config, as `--config FILE` applies it.
fn render_config(path: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match Config::default().with_overrides(&text, name) {
        Ok(_) => "accepted\n".into(),
        Err(err) => format!("error: {err}\n"),
    }
}

/// Every file in tests/data/bad is refused, with exactly the findings of its expect file.
#[test]
fn every_bad_input_is_refused_with_where_and_why() {
    let dir = fixture("bad");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 30, "bad inputs missing: {}", inputs.len());
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let expected = dir.join(format!("{name}.expected"));
        if input.extension().is_some_and(|e| e == "toml") {
            let rendered = render_config(&input, &name);
            assert!(
                rendered.starts_with(&format!("error: {name}")),
                "{rendered}"
            );
            check_expect(&expected, &rendered);
            continue;
        }
        let validated = load_default(&input);
        assert_refused_with_location(&name, &validated);
        check_expect(&expected, &render(&validated));
    }
}

fn load_bytes(name: &str, bytes: &[u8]) -> Validated {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    load_default(&path)
}

fn only_error(validated: &Validated) -> &Issue {
    let errors: Vec<&Issue> = validated.errors().collect();
    assert_eq!(errors.len(), 1, "{}", render(validated));
    errors[0]
}

#[test]
fn a_10_mb_single_line_is_refused() {
    // One cell of 10 MB, without a newline at all.
    let one_cell = vec![b'x'; 10 << 20];
    let validated = load_bytes("one_cell_line.csv", &one_cell);
    let error = only_error(&validated);
    assert_eq!(
        error.to_string(),
        format!(
            "one_cell_line.csv:1:column 1: error: cell of {} bytes; at most {MAX_CELL_BYTES} bytes are read",
            10 << 20
        )
    );
    // Five million empty columns on one line.
    let many_cells = b",,".repeat(5 << 20);
    let validated = load_bytes("many_cells_line.csv", &many_cells);
    let error = only_error(&validated);
    assert_eq!(
        error.to_string(),
        format!(
            "many_cells_line.csv:1: error: {} columns; at most {MAX_COLUMNS} are read",
            (10 << 20) + 1
        )
    );
}

#[test]
fn a_header_of_100_000_columns_is_refused() {
    let mut text = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push_str("\nA1,wonen\n");
    let validated = load_bytes("wide.csv", text.as_bytes());
    assert_eq!(
        only_error(&validated).to_string(),
        format!("wide.csv:1: error: 100000 columns; at most {MAX_COLUMNS} are read")
    );
}

#[test]
fn a_100_mb_cell_is_refused() {
    let mut text = b"case_id,problems,situatieschets\nA1,wonen,".to_vec();
    text.resize(text.len() + (100 << 20), b'x');
    text.extend_from_slice(b"\nA2,ggz,kort\n");
    let validated = load_bytes("huge_cell.csv", &text);
    assert_eq!(
        only_error(&validated).to_string(),
        format!(
            "huge_cell.csv:2:situatieschets: error: cell of {} bytes; at most {MAX_CELL_BYTES} bytes are read",
            100 << 20
        )
    );
}

/// An export with a blank first row, a blank row between cases, a case whose id is merged
/// over two rows (the second row of a merge is empty: its case has no id) and a problems
/// cell merged over the cost columns. Row numbers are Excel's.
#[test]
fn xlsx_empty_and_merged_rows_keep_their_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let merged = rust_xlsxwriter::Format::new();
    // Excel rows are 1-based, rust_xlsxwriter's 0-based: row r here is Excel row r + 1.
    for (col, header) in ["casusnummer", "problemen", "dreigend", "maatwerk"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, col as u16, *header).unwrap();
    }
    // Excel row 3: a good case.
    sheet.write_string(2, 0, "A1").unwrap();
    sheet.write_string(2, 1, "wonen").unwrap();
    sheet.write_number(2, 2, 90_000.0).unwrap();
    sheet.write_number(2, 3, 63_000.0).unwrap();
    // Excel row 4 is empty. Rows 5 and 6: the id merged over both.
    sheet.merge_range(4, 0, 5, 0, "A2", &merged).unwrap();
    for row in [4, 5] {
        sheet.write_string(row, 1, "ggz").unwrap();
        sheet.write_number(row, 2, 1_000.0).unwrap();
    }
    // Excel row 7: an unparseable cost.
    sheet.write_string(6, 0, "A3").unwrap();
    sheet.write_string(6, 1, "schulden").unwrap();
    sheet.write_string(6, 2, "twintig").unwrap();
    // Excel row 8: problems merged across the cost columns, which are then empty.
    sheet.write_string(7, 0, "A4").unwrap();
    sheet.merge_range(7, 1, 7, 3, "wonen", &merged).unwrap();
    workbook.save(&path).unwrap();

    let validated = load_default(&path);
    assert_refused_with_location("merged.xlsx", &validated);
    let errors: Vec<String> = validated.errors().map(Issue::to_string).collect();
    assert_eq!(
        errors,
        [
            "merged.xlsx:6:casusnummer: error: case_id is empty",
            "merged.xlsx:7:dreigend: error: not a number (this file uses decimal point; override with --decimal comma|point) (twintig)",
        ]
    );
    let ids: Vec<&str> = validated.cases.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(ids, ["A1", "A2", "A4"]);
}

fn parquet_bytes(columns: Vec<polars::prelude::Column>) -> Vec<u8> {
    use polars::prelude::*;
    let height = columns[0].len();
    let mut frame = DataFrame::new(height, columns).unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut frame).unwrap();
    bytes
}

#[test]
fn parquet_with_wrong_column_types_is_refused_by_column() {
    use polars::prelude::*;
    let ids = || Column::new("case_id".into(), ["A1", "A2"]);
    // A boolean cost column: read as text, each value is not a number.
    let boolean_cost = parquet_bytes(vec![
        ids(),
        Column::new("problems".into(), ["wonen", "ggz"]),
        Column::new("cost_threatened".into(), [true, false]),
    ]);
    let validated = load_bytes("boolean_cost.parquet", &boolean_cost);
    assert_refused_with_location("boolean_cost.parquet", &validated);
    let errors: Vec<String> = validated.errors().map(Issue::to_string).collect();
    assert_eq!(
        errors,
        [
            "boolean_cost.parquet:2:cost_threatened: error: not a number (this file uses decimal point; override with --decimal comma|point) (true)",
            "boolean_cost.parquet:3:cost_threatened: error: not a number (this file uses decimal point; override with --decimal comma|point) (false)",
        ]
    );
    // A list column of problems: it has no text form, and is refused by name.
    let problems = Series::new(
        "problems".into(),
        [
            Series::new("".into(), ["wonen", "ggz"]),
            Series::new("".into(), ["schulden"]),
        ],
    );
    let list_problems = parquet_bytes(vec![ids(), problems.into_column()]);
    let validated = load_bytes("list_problems.parquet", &list_problems);
    let error = only_error(&validated);
    assert_eq!(
        (error.code.code(), error.row, error.column.as_deref()),
        ("unreadable", Some(1), Some("problems")),
        "{error}"
    );
    assert!(
        error
            .message
            .starts_with("column of type list[str] cannot be read as a case field"),
        "{error}"
    );
}

#[test]
fn parquet_cell_over_the_limit_is_refused() {
    use polars::prelude::*;
    let long_text = "x".repeat(MAX_CELL_BYTES + 1);
    let bytes = parquet_bytes(vec![
        Column::new("case_id".into(), ["A1", "A2"]),
        Column::new("problems".into(), ["wonen", "ggz"]),
        Column::new("situatieschets".into(), ["kort", long_text.as_str()]),
    ]);
    let validated = load_bytes("long_cell.parquet", &bytes);
    assert_eq!(
        only_error(&validated).to_string(),
        format!(
            "long_cell.parquet:3:situatieschets: error: cell of {} bytes; at most {MAX_CELL_BYTES} bytes are read",
            MAX_CELL_BYTES + 1
        )
    );
}

/// Every error the loader can give is an error, never a panic, for every truncation of a
/// valid sample: a cheap stand-in for the fuzzer inside the test suite.
#[test]
fn truncated_samples_never_panic() {
    let sample =
        std::fs::read(maatpact_tests::repo_root().join("data-sample/cases-excel-nl.csv")).unwrap();
    let sample = &sample[..sample.len().min(4_000)];
    for end in (0..sample.len()).step_by(37) {
        let table = match maatpact_pipeline::read_delimited("cut.csv", &sample[..end]) {
            Ok(table) => table,
            Err(maatpact_pipeline::Error::Invalid { issues }) => {
                assert!(issues.iter().all(|i| i.severity == Severity::Error));
                continue;
            }
            Err(other) => panic!("{other}"),
        };
        let validated = maatpact_core::validate(
            &table,
            &Config::default(),
            &maatpact_core::LoadOptions::default(),
        );
        assert!(validated.cases.len() <= table.rows.len());
    }
}

/// Errors are counted as they are found (counting them again for every row made a file with
/// an error in every row quadratic: 50,000 such rows took minutes). With errors in every
/// other row, exactly the good rows must still become cases.
#[test]
fn errors_in_every_other_row_keep_exactly_the_good_rows() {
    let mut text = String::from("case_id,problems,cost_threatened\n");
    for i in 0..2_000 {
        let cost = if i % 2 == 0 { "1000" } else { "duizend" };
        text.push_str(&format!("A{i},wonen,{cost}\n"));
    }
    let validated = load_bytes("alternating.csv", text.as_bytes());
    assert_eq!(validated.errors().count(), 1_000);
    let ids: Vec<String> = validated.cases.iter().map(|c| c.case_id.clone()).collect();
    let expected: Vec<String> = (0..2_000).step_by(2).map(|i| format!("A{i}")).collect();
    assert_eq!(ids, expected);
}

/// Long unknown names get no suggestion, and are refused without comparing them letter by
/// letter with every known name (200 cells of 5,000 letters took minutes that way).
#[test]
fn long_unknown_tags_and_bottlenecks_are_refused_without_a_suggestion() {
    let mut text = String::from("case_id,problems,bottlenecks\n");
    for i in 0..100u32 {
        // Distinct per row, so no cache helps.
        let name: String = (0..5_000u32)
            .map(|j| char::from(b'a' + ((i * 7 + j * 13 + j / 5) % 16) as u8))
            .collect();
        text.push_str(&format!("A{i},{name},{name}x\n"));
    }
    let validated = load_bytes("long_names.csv", text.as_bytes());
    let codes: Vec<&str> = validated.errors().map(|i| i.code.code()).collect();
    assert_eq!(codes.len(), 200);
    assert!(
        codes
            .chunks(2)
            .all(|pair| pair == ["unknown_tag", "unknown_bottleneck"])
    );
    assert!(
        validated
            .errors()
            .all(|i| !i.message.contains("did you mean"))
    );
}
