//! The file system: reading case files (CSV, `.xlsx`, Parquet) into raw tables and
//! validated cases, writing case records and models, and atomic writes of files and folders.

pub(crate) mod atomic;
pub(crate) mod load;
pub(crate) mod memory;
pub(crate) mod model_io;
pub(crate) mod pseudonymise;
pub(crate) mod read;
pub(crate) mod read_parquet;
mod read_scan;
pub(crate) mod read_xlsx;
pub(crate) mod write_cases;
