//! The CSV reader of the pipeline crate (encoding, quoting, delimiter sniffing, limits)
//! followed by validation with the default config: what `maatpact validate file.csv` does.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use maatpact_core::{Config, LoadOptions, Severity, validate};

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    match maatpact_pipeline::read_delimited("fuzz.csv", data) {
        Ok(table) => {
            assert!(table.headers.len() <= maatpact_pipeline::MAX_COLUMNS);
            for row in &table.rows {
                assert!(
                    row.row > table.header_row,
                    "row {} above the header",
                    row.row
                );
                assert!(
                    row.cells()
                        .all(|c| c.len() <= maatpact_pipeline::MAX_CELL_BYTES)
                );
            }
            let validated = validate(&table, config, &LoadOptions::default());
            assert!(validated.cases.len() <= table.rows.len());
            if !validated.has_errors() {
                assert_eq!(validated.cases.len(), table.rows.len());
            }
            for issue in &validated.issues {
                assert!(!issue.to_string().is_empty());
            }
        }
        Err(maatpact_pipeline::Error::Invalid { issues }) => {
            assert!(!issues.is_empty());
            for issue in &issues {
                assert_eq!(issue.severity, Severity::Error, "{issue}");
                assert!(issue.to_string().starts_with("fuzz.csv"), "{issue}");
            }
        }
        Err(other) => panic!("reading bytes can only fail as invalid input: {other}"),
    }
});
