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

use std::collections::BTreeMap;

use maatpact_core::publication::{FigureSettings, LinkInput, Linked, RowKey, link};
use maatpact_core::{
    Case, ClusterResult, Config, Cooccurrence, Disclosed, Issue, MiningResult, Pattern,
    PrivacyThresholds, Rule, Suppression, Vocabulary, protect,
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
    /// The smaller folders of the same cases (`mine`, then `cluster`) whose counts this
    /// one keeps as they publish them: 0 to 2 (see [`publish`]).
    pub agrees_with_layers: usize,
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
///
/// The folders of one set of cases nest: `mine` publishes the households, tags and tag
/// sets; `cluster` also the clusters; `run` everything. Each folder keeps the counts of the
/// smaller ones as those publish them, each protected with the counts before it fixed, so
/// that no folder shows a count another one hides as a partner. Protected each on its
/// own, `mine`'s tag totals set beside `run`'s folder gave cluster × tag counts of 1 and 3
/// households exactly (found by `maatpact audit` on the combination). The layers assume the
/// same mining settings in each command (the defaults).
pub fn publish(sources: &Sources<'_>) -> Result<Publication> {
    let mining = Sources {
        clustering: None,
        issues: None,
        savings: None,
        ..*sources
    };
    let clustering = Sources {
        issues: None,
        savings: None,
        ..*sources
    };
    // The counts of each smaller folder, with those of the folders before it.
    let mut layers: Vec<Elsewhere> = vec![BTreeMap::new()];
    for layer in [mining, clustering] {
        let smaller = layer.mining.is_some() && layer_count(&layer) < layer_count(sources);
        if !smaller {
            continue;
        }
        let before = layers.last().expect("the empty layer");
        let gathered = disclose::Gathered::new(&layer);
        let Ok((linked, pattern)) = protected(&layer, &gathered, before) else {
            break;
        };
        let mut fixed = before.clone();
        for (key, unit) in linked.units {
            let hidden = pattern.visibility(unit).reason();
            fixed.insert(key, (hidden, linked.model.count_names(unit)));
        }
        layers.push(fixed);
    }
    let gathered = disclose::Gathered::new(sources);
    // A figure only counts the smaller folders show could protect leaves this folder no
    // way to agree with them: it then agrees with fewer (the caller says so), never with
    // a figure exposed.
    let mut layers = layers.into_iter().enumerate().rev();
    loop {
        let (agrees, fixed) = layers.next().expect("the empty layer");
        match protected(sources, &gathered, &fixed) {
            Ok((linked, pattern)) => {
                let mut publication = gathered.disclose(&linked.units, &pattern, sources);
                publication.agrees_with_layers = agrees;
                return Ok(publication);
            }
            Err(err) if fixed.is_empty() => return Err(err),
            Err(_) => continue,
        }
    }
}

/// Per row, its counts as a smaller folder publishes them: hidden (and why), or shown
/// (the names of the count cells it shows).
type Elsewhere = BTreeMap<RowKey, (Option<Suppression>, Vec<String>)>;

/// How many of the table groups (mining, clustering, data quality, savings) `sources` has.
fn layer_count(sources: &Sources<'_>) -> usize {
    [
        sources.mining.is_some(),
        sources.clustering.is_some(),
        sources.issues.is_some(),
        sources.savings.is_some(),
    ]
    .into_iter()
    .filter(|&present| present)
    .count()
}

/// The linked model of `sources` and what to hide of it, with the counts of the rows in
/// `fixed` as another folder publishes them.
fn protected(
    sources: &Sources<'_>,
    gathered: &disclose::Gathered,
    fixed: &Elsewhere,
) -> Result<(Linked, Pattern)> {
    let thresholds = sources.config.privacy;
    let input = LinkInput {
        rows: gathered.rows(sources),
        attribution: sources.savings.map(|s| s.attribution).unwrap_or_default(),
        difference_primary: gathered.difference_primary(),
        truth: true,
        min_cell_size: thresholds.min_cell_size,
    };
    let mut linked = link(&input);
    for (key, (hidden, shown)) in fixed {
        if let Some(&unit) = linked.units.get(key) {
            linked.model.fix_counts(unit, *hidden, shown);
        }
    }
    let pattern = protect(&linked.model, &thresholds)?;
    Ok((linked, pattern))
}
