//! The publication: every table a command publishes, as typed rows whose figures are
//! [`Disclosed`](maatpact_core::Disclosed), protected by one pattern over all the tables at
//! once ([`publish`]), written as CSV by one writer ([`csv`]), and audited from the
//! folder alone ([`audit_folder`]).

mod audit;
pub mod csv;
mod disclose;
mod figures;
mod outlook;
pub mod rows;

pub use audit::{AuditOutcome, audit_folder};
pub use figures::UNKNOWN;
pub use outlook::{OutlookTables, ProgrammeReturn, RegionTable, SensitivityRow, outlook_tables};
pub use rows::*;

use maatpact_core::publication::{FigureSettings, LinkInput, link};
use maatpact_core::{
    Case, ClusterResult, Config, Cooccurrence, Disclosed, Issue, MiningResult, PrivacyThresholds,
    Rule, Vocabulary, protect,
};

use crate::error::Result;

/// Everything a command publishes, protected as one linked set.
#[derive(Clone, Debug, PartialEq)]
pub struct Publication {
    /// The disclosure thresholds used.
    pub thresholds: PrivacyThresholds,
    /// All households (hidden only when there are too few to publish anything).
    pub n_cases: Disclosed<u64>,
    /// Savings and *systeemleren* tables (`run`).
    pub savings: Option<SavingsTables>,
    /// The tables of a clustering (`run`, `cluster`).
    pub clustering: Option<ClusterTables>,
    /// Frequent-pattern tables (`run`, `mine`).
    pub mining: Option<MiningTables>,
    /// Data-quality counts (`run`).
    pub quality: Option<QualityTables>,
    /// Rows hidden (in whole or in part) by disclosure control.
    pub n_hidden_rows: usize,
    /// The verdict on each reference cocktail (`--confirm`): set by the command after
    /// [`publish`], as it holds no count of households.
    pub confirmation: Option<Vec<rows::ConfirmedCocktail>>,
    /// Programme costs, horizon, sensitivity and region scenario (`run`): set by the
    /// command after [`publish`], as every figure in it derives from published ones.
    pub outlook: Option<OutlookTables>,
}

/// The results of mining, as [`publish`] needs them.
#[derive(Clone, Debug)]
pub struct Mined {
    /// The frequent itemsets.
    pub result: MiningResult,
    /// The association rules.
    pub rules: Vec<Rule>,
    /// Every pair of tags.
    pub pairs: Cooccurrence,
    /// The support floor, in households.
    pub min_count: usize,
    /// Whether the requested support was raised to the minimum cell size.
    pub raised_to_cell_size: bool,
}

/// What a publication is made of; what is `None` is not published.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// The validated cases.
    pub cases: &'a [Case],
    /// The configuration (catalogue, thresholds).
    pub config: &'a Config,
    /// The vocabulary of the input (the config's, plus kept unknown tags).
    pub vocabulary: &'a Vocabulary,
    /// A clustering of the cases.
    pub clustering: Option<&'a ClusterResult>,
    /// Mining results.
    pub mining: Option<&'a Mined>,
    /// Validation findings, for the data-quality table.
    pub issues: Option<&'a [Issue]>,
    /// The settings of the savings tables, when they are published.
    pub savings: Option<FigureSettings>,
}

/// Computes every table of `sources` and protects them together: one linked model of all
/// their rows, one pattern of what to hide.
pub fn publish(sources: &Sources<'_>) -> Result<Publication> {
    let thresholds = sources.config.privacy;
    let gathered = disclose::Gathered::new(sources);
    let input = LinkInput {
        rows: gathered.rows(sources),
        attribution: sources.savings.map(|s| s.attribution).unwrap_or_default(),
        difference_primary: gathered.difference_primary(),
        truth: true,
        min_cell_size: thresholds.min_cell_size,
    };
    let linked = link(&input);
    let pattern = protect(&linked.model, &thresholds)?;
    Ok(gathered.disclose(&linked.units, &pattern, sources))
}
