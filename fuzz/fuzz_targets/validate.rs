//! Validation of a raw table, without the pipeline crate (and so without polars): the
//! bytes are split into a table with the `csv` crate, the way the pipeline's reader does
//! for UTF-8 input, then validated under every option combination.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use maatpact_core::{Config, DecimalStyle, LoadOptions, RawRow, RawTable, UnknownTags, validate};

/// The delimiter that occurs most on the first line, as the reader sniffs it.
fn sniff(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b';', b'\t', b',', b'|']
        .into_iter()
        .rev()
        .max_by_key(|&d| header.bytes().filter(|&b| b == d).count())
        .unwrap_or(b',')
}

fn table(text: &str) -> Option<RawTable> {
    let delimiter = sniff(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = RawTable {
        source: "fuzz.csv".into(),
        delimiter: Some(delimiter as char),
        header_row: 1,
        ..RawTable::default()
    };
    let mut header_seen = false;
    for record in reader.records() {
        let record = record.ok()?;
        let row = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.len() > 1_000 {
            return None;
        }
        if !header_seen {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            table.header_row = row;
            table.headers = cells.iter().map(|h| h.trim().to_owned()).collect();
            header_seen = true;
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push(RawRow::new(row, cells));
        }
    }
    Some(table)
}

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(table) = table(text) else {
        return;
    };
    let last_row = table.rows.last().map_or(table.header_row, |r| r.row);
    for decimal in [None, Some(DecimalStyle::Comma), Some(DecimalStyle::Point)] {
        for unknown_tags in [UnknownTags::Error, UnknownTags::Keep] {
            let options = LoadOptions {
                decimal,
                unknown_tags,
            };
            let validated = validate(&table, config, &options);
            check_invariants(&table, &validated, last_row);
        }
    }
});

fn check_invariants(table: &RawTable, validated: &maatpact_core::Validated, last_row: usize) {
    assert!(validated.cases.len() <= table.rows.len());
    if !validated.has_errors() {
        // Rows with an error yield no case; every other row yields exactly one.
        assert_eq!(validated.cases.len(), table.rows.len());
    }
    for issue in &validated.issues {
        assert!(!issue.to_string().is_empty());
        if let Some(row) = issue.row {
            assert!((1..=last_row).contains(&row), "{issue}");
        }
    }
    let mut ids: Vec<&str> = validated.cases.iter().map(|c| c.case_id.as_str()).collect();
    ids.sort_unstable();
    assert!(
        ids.windows(2).all(|w| w[0] != w[1]),
        "duplicate case ids accepted"
    );
    for case in &validated.cases {
        assert!(!case.case_id.is_empty());
        assert!(case.tags.windows(2).all(|w| w[0] < w[1]));
        assert!(
            case.tags
                .iter()
                .all(|t| t.index() < validated.vocabulary.len())
        );
        for score in [
            case.satisfaction.start,
            case.satisfaction.month_6,
            case.satisfaction.month_12,
        ]
        .into_iter()
        .flatten()
        {
            assert!((1.0..=10.0).contains(&score), "{score}");
        }
        for cost in [
            case.costs.current,
            case.costs.threatened,
            case.costs.tailored,
            case.breakthrough_spend,
        ]
        .into_iter()
        .flatten()
        {
            assert!(cost.0 >= 0, "{cost}");
        }
    }
}
