//! Reading and validating case records in one step, as every command does.

use std::path::Path;

use maatpact_core::{Config, LoadOptions, Selection, Validated, validate_owned};

use crate::error::{Error, Result};
use crate::io::read::{ReadOptions, read_table};

/// Everything that decides how an input is loaded: the loading flags shared by every
/// command that reads case records.
#[derive(Clone, Debug, Default)]
pub struct LoadSettings {
    /// The configuration (vocabulary, catalogue, cocktails, thresholds).
    pub config: Config,
    /// Decimal style and unknown-tag handling.
    pub options: LoadOptions,
    /// Reader options (the xlsx sheet).
    pub read: ReadOptions,
}

/// Reads and validates a case file. The result holds every finding; a file whose form is
/// unreadable (encoding, quoting, limits) comes back as a result with those errors and no
/// cases. Only failures of the operating system are `Err`.
pub fn load(path: &Path, settings: &LoadSettings) -> Result<Validated> {
    match read_table(path, &settings.read) {
        Ok(table) => Ok(validate_owned(table, &settings.config, &settings.options)),
        Err(Error::Invalid { issues }) => Ok(Validated {
            cases: Vec::new(),
            vocabulary: settings.config.vocabulary.clone(),
            issues,
            decimal: settings
                .options
                .decimal
                .unwrap_or(maatpact_core::DecimalStyle::Point),
        }),
        Err(other) => Err(other),
    }
}

/// Like [`load`], but an input with errors is `Err(Error::Invalid)`: what every analysis
/// command wants, since invalid input is refused and nothing is written.
pub fn load_valid(path: &Path, settings: &LoadSettings) -> Result<Validated> {
    let validated = load(path, settings)?;
    if validated.has_errors() {
        return Err(Error::Invalid {
            issues: validated.issues,
        });
    }
    let config = &settings.config;
    select(validated, &config.selection, config.privacy.min_cell_size)
}

/// The households a selection (`[filter]`, `--where`) keeps; all of them without one.
/// Validation has seen the whole file, so its findings are about every row.
pub fn select(
    mut validated: Validated,
    selection: &Selection,
    min_cell_size: usize,
) -> Result<Validated> {
    if !selection.is_empty() {
        validated.cases = selection.select(validated.cases, min_cell_size)?;
    }
    Ok(validated)
}
