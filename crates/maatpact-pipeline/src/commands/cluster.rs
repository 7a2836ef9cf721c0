//! `maatpact cluster`: clusters, their profiles and the model, published as a protected
//! folder; the assignment of each household only in an internal folder.

use std::path::Path;

use maatpact_core::{
    ClusterResult, Config, MiningParams, RuleParams, ValidClusterParams, Validated, cluster,
    confirm,
};

use super::analysis::{mine_tables, tag_matrix};
use super::folder::{Folder, INTERNAL_README, publish_with_internal};
use super::internal::assignments;
use crate::error::Result;
use crate::io::model_io::{model_json, model_of, with_published_profiles};
use crate::publish::rows::ConfirmedCocktail;
use crate::publish::{ClusterTables, Sources, csv, publish};

/// What `maatpact cluster` produced.
pub struct ClusterOutcome {
    /// The clustering.
    pub result: ClusterResult,
    /// Its published tables.
    pub tables: ClusterTables,
    /// With `--confirm`: the verdict on each reference cocktail, as published.
    pub confirmation: Option<Vec<ConfirmedCocktail>>,
}

/// Clusters the cases and publishes `clusters.csv`, `k_selection.csv`,
/// `cluster_profiles.csv`, `satisfaction_per_cluster.csv` and `model.json` in `out` (and
/// `confirm.csv` when `confirm_references`); `assignments.csv` goes to `internal` only.
pub fn run_cluster(
    validated: &Validated,
    config: &Config,
    params: &ValidClusterParams,
    out: &Path,
    internal: Option<&Path>,
    confirm_references: bool,
) -> Result<ClusterOutcome> {
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let result = cluster(&matrix, params, &config.cocktails, &validated.vocabulary)?;
    // Mined as `mine` and `run` mine by default, for the counts their folders publish (see
    // `publish`), but not published here.
    let mined = mine_tables(
        &matrix,
        config,
        &MiningParams::default(),
        &RuleParams::default(),
    )?;
    let mut publication = publish(&Sources {
        cases: &validated.cases,
        config,
        vocabulary: &validated.vocabulary,
        clustering: Some(&result),
        mining: Some(&mined),
        issues: None,
        savings: None,
    })?;
    publication.mining = None;
    publication.confirmation = confirm_references.then(|| {
        let confirmation = confirm(&matrix, &config.cocktails);
        ConfirmedCocktail::rows_of(&confirmation, &config.cocktails, &validated.vocabulary)
    });
    let mut folder = Folder::new();
    for (name, bytes) in csv::files(&publication)? {
        folder.add(name, bytes);
    }
    // Which households were clustered, and how many: a folder of a selection says so.
    let summary = serde_json::json!({
        "format_version": 2,
        "n_cases": publication.n_cases,
        // Whether `mine`'s folder of the same cases may be published beside this one (see
        // run's summary.json).
        "agrees_with": &["mine"][..publication.agrees_with_layers],
        "selection": super::folder::selection_of(config),
    });
    folder.add("summary.json", super::folder::json_bytes(&summary)?);
    let model = model_of(
        &result,
        &validated.vocabulary,
        params.get(),
        &config.cocktails,
    );
    let model = with_published_profiles(
        model,
        publication
            .clustering
            .as_ref()
            .expect("a clustering was published"),
        config.privacy.min_cell_size,
    );
    folder.add("model.json", model_json(&model)?);
    let internal_files = internal.map(|_| {
        let mut files = Folder::new();
        files.add("README.md", INTERNAL_README);
        assignments(&validated.cases, &result)
            .to_csv()
            .map(|bytes| {
                files.add("assignments.csv", bytes);
                files
            })
    });
    let internal_files = internal_files.transpose()?;
    publish_with_internal(
        &folder,
        out,
        &config.privacy,
        internal_files.as_ref().zip(internal),
    )?;
    Ok(ClusterOutcome {
        result,
        tables: publication.clustering.expect("a clustering was published"),
        confirmation: publication.confirmation,
    })
}
