//! The error type of maatpact-core.

/// Errors from maatpact-core. Validation problems in the data are not errors but
/// [`crate::Issue`]s, collected in full; these are the failures that stop an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration file is malformed or inconsistent.
    #[error("{file}: {message}")]
    Config {
        /// The file (or `<built-in>`).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter of an algorithm is out of range; raised before any work is done.
    #[error("invalid parameter `{name}`: {message}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong, and what is allowed.
        message: String,
    },
    /// The data cannot be analysed as asked (too few cases, no tags, …).
    #[error("{0}")]
    Data(String),
    /// Disclosure control could not protect, or audit, the published figures.
    #[error("disclosure control: {0}")]
    Disclosure(String),
    /// A serialised model cannot be used with this input or this version.
    #[error("model: {0}")]
    Model(String),
}

/// A `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
