//! The edges of maatpact and its commands. The analysis itself lives in `maatpact-core`.
//!
//! The crate's folders follow the data one way:
//! - `io`: case files (CSV, `.xlsx`, Parquet) to validated cases ([`load`]), case records
//!   and models back to files, atomic writes ([`write_file_atomic`], [`replace_dir_atomic`]).
//! - [`publish`]: every table a command publishes, as a typed [`Publication`] protected by
//!   one pattern of disclosure control; its CSV files; and [`audit_folder`], which checks a
//!   folder from its files alone.
//! - [`render`]: the report and the charts, drawn from the publication.
//! - `commands`: `run`, `mine`, `cluster`, `compare` and `bench`, each writing one folder
//!   through [`Folder`].
#![deny(missing_docs)]

mod commands;
mod error;
mod io;
pub mod publish;
pub mod render;

pub use commands::Folder;
pub use commands::analysis::{mine_tables, tag_matrix};
pub use commands::bench::{BenchRow, BenchSettings, bench_markdown, bench_table, run_bench};
pub use commands::bench_screen::{ScreenBenchSettings, run_screen_bench};
pub use commands::cluster::{ClusterOutcome, run_cluster};
pub use commands::compare::{Side, cluster_side, run_compare};
pub use commands::folder::{INTERNAL_README, check_internal_apart};
pub use commands::internal::assignments;
pub use commands::mine::run_mine;
pub use commands::run::{
    Progress, RunSettings, STAGES, Silent, Summary, SummaryCluster, SummaryOverall, run,
    run_validated,
};
pub use error::{Error, Result};
pub use io::atomic::{replace_dir_atomic, sibling, write_file_atomic};
pub use io::load::{LoadSettings, load, load_valid, select};
pub use io::memory::{peak_memory_mib, reset_peak_memory};
pub use io::model_io::{
    model_json, model_of, read_model, with_published_profiles, with_true_profiles,
};
pub use io::pseudonymise::{BSN_REDACTED, MIN_KEY_BYTES, Pseudonymised, pseudonymise};
pub use io::read::{
    InputFormat, MAX_CELL_BYTES, MAX_COLUMNS, ReadOptions, read_delimited, read_table,
};
pub use io::write_cases::{CaseFileStyle, cases_to_csv, cases_to_parquet, write_cases};
pub use maatpact_core::publication::Attribution;
pub use publish::{AuditOutcome, Publication, audit_folder, publish};
