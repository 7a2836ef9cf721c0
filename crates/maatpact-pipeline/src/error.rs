//! The error type of maatpact-pipeline.

use std::path::PathBuf;

/// Errors from reading, writing and running. Problems in the *data* are not errors but
/// [`maatpact_core::Issue`]s, collected in full in [`maatpact_core::Validated`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused a read or write.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The input cannot be used; every problem is listed.
    #[error("{} problem(s) in the input", issues.len())]
    Invalid {
        /// The errors (and warnings) found.
        issues: Vec<maatpact_core::Issue>,
    },
    /// An analysis step refused its input or parameters.
    #[error(transparent)]
    Core(#[from] maatpact_core::Error),
    /// Writing a table, chart or report failed.
    #[error("{what}: {message}")]
    Output {
        /// What was being written.
        what: String,
        /// Why it failed.
        message: String,
    },
    /// A command-line or run parameter is unusable.
    #[error("{0}")]
    Usage(String),
}

/// A `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn io_error(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
