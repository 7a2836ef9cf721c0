//! The edges of maatpact: reading case files (CSV, `.xlsx`, Parquet) into
//! [`maatpact_core::RawTable`]s, writing case records and outputs atomically, and running
//! the pipeline. The analysis itself lives in `maatpact-core`.
//!
//! The main entry points:
//! - [`read_table`] and [`load`]: a file to validated cases, with every finding.
//! - [`write_cases`]: case records to CSV (plain or Dutch Excel style) or Parquet.
//! - [`write_file_atomic`] and [`replace_dir_atomic`]: outputs that are whole or absent.
#![deny(missing_docs)]

mod analysis;
mod atomic;
mod bench;
pub mod charts;
mod cluster_tables;
mod compare;
pub mod document;
mod error;
mod load;
mod memory;
mod model_io;
mod pseudonymise;
mod read;
mod read_parquet;
mod read_xlsx;
pub mod report;
mod run;
mod run_charts;
mod savings;
pub mod tables;
mod write_cases;

pub use analysis::{MiningTables, mining_tables, tag_matrix};
pub use atomic::{replace_dir_atomic, sibling, write_file_atomic};
pub use bench::{BenchRow, BenchSettings, bench_markdown, bench_table, run_bench};
pub use cluster_tables::{
    assignments_table, cluster_profiles_table, clusters_table, k_selection_table,
    satisfaction_table,
};
pub use compare::{Side, cluster_side, run_compare};
pub use error::{Error, Result};
pub use load::{LoadSettings, load, load_valid};
pub use memory::{peak_memory_mib, reset_peak_memory};
pub use model_io::{model_json, model_of, read_model};
pub use pseudonymise::{BSN_REDACTED, MIN_KEY_BYTES, Pseudonymised, pseudonymise};
pub use read::{InputFormat, MAX_CELL_BYTES, MAX_COLUMNS, ReadOptions, read_delimited, read_table};
pub use run::{
    INTERNAL_README, Progress, RunSettings, STAGES, Silent, Summary, SummaryCluster,
    check_internal_apart, run, run_validated,
};
pub use savings::{
    Attribution, ClusterKeys, FinancierRow, Grouping, SavingsRow, SavingsSettings, SavingsTable,
    UNKNOWN, financier_table, savings_table, systeemleren_tables,
};
pub use write_cases::{CaseFileStyle, cases_to_csv, cases_to_parquet, write_cases};
