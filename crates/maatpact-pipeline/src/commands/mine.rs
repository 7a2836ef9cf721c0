//! `maatpact mine`: frequent problem combinations, rules and co-occurrence, published as a
//! folder protected like every other.

use std::path::Path;

use maatpact_core::{Config, MiningParams, RuleParams, Validated};

use super::analysis::{mine_tables, tag_matrix};
use super::folder::Folder;
use crate::error::Result;
use crate::publish::{MiningTables, Sources, csv, publish};

/// Mines the cases and publishes `tags.csv`, `itemsets.csv`, `rules.csv` and
/// `cooccurrence.csv` in `out`, replaced as a whole once it passes its audit.
pub fn run_mine(
    validated: &Validated,
    config: &Config,
    mining: &MiningParams,
    rules: &RuleParams,
    out: &Path,
) -> Result<MiningTables> {
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let mined = mine_tables(&matrix, config, mining, rules)?;
    let publication = publish(&Sources {
        cases: &validated.cases,
        config,
        vocabulary: &validated.vocabulary,
        clustering: None,
        mining: Some(&mined),
        issues: None,
        savings: None,
    })?;
    let mut folder = Folder::new();
    for (name, bytes) in csv::files(&publication)? {
        folder.add(name, bytes);
    }
    // The number of households, which every support is a share of, and which households
    // they are.
    let summary = serde_json::json!({
        "format_version": 2,
        "n_cases": publication.n_cases,
        "min_count": mined.min_count,
        "selection": super::folder::selection_of(config),
    });
    folder.add("summary.json", super::folder::json_bytes(&summary)?);
    folder.publish(out, &config.privacy)?;
    Ok(publication.mining.expect("mining was published"))
}
