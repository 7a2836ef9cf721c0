//! `maatpact cluster`: clusters, their profiles and the model, published as a protected
//! folder; the assignment of each household only in an internal folder.

use std::path::Path;

use maatpact_core::{
    ClusterResult, Config, Confirmation, ValidClusterParams, Validated, Vocabulary, cluster,
    confirm,
};

use super::analysis::tag_matrix;
use super::folder::{Folder, INTERNAL_README, publish_with_internal};
use super::internal::assignments;
use crate::error::Result;
use crate::io::model_io::{model_json, model_of};
use crate::publish::{ClusterTables, Sources, csv, publish};

/// What `maatpact cluster` produced.
pub struct ClusterOutcome {
    /// The clustering.
    pub result: ClusterResult,
    /// Its published tables.
    pub tables: ClusterTables,
    /// With `--confirm`: the verdict on each reference cocktail.
    pub confirmation: Option<Confirmation>,
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
    let confirmation = confirm_references.then(|| confirm(&matrix, &config.cocktails));
    let publication = publish(&Sources {
        cases: &validated.cases,
        config,
        vocabulary: &validated.vocabulary,
        clustering: Some(&result),
        mining: None,
        issues: None,
        savings: None,
    })?;
    let mut folder = Folder::new();
    for (name, bytes) in csv::files(&publication)? {
        folder.add(name, bytes);
    }
    let model = model_of(&result, &validated.vocabulary, params, &config.cocktails);
    folder.add("model.json", model_json(&model)?);
    if let Some(confirmation) = &confirmation {
        // Verdicts and evidence only: no count of households, so nothing to protect.
        folder.add(
            "confirm.csv",
            confirm_table(confirmation, &validated.vocabulary).to_csv()?,
        );
    }
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
    let tables = publication.clustering.expect("a clustering was published");
    Ok(ClusterOutcome {
        result,
        tables,
        confirmation,
    })
}

/// `confirm.csv`: one row per reference cocktail (`confirmed`, `nuanced`, `not_supported`),
/// then one per new cocktail (`new`).
pub fn confirm_table(confirmation: &Confirmation, vocabulary: &Vocabulary) -> csv::Table {
    let ids = |tags: &[maatpact_core::TagId]| {
        tags.iter()
            .map(|&t| vocabulary.get(t).id.clone())
            .collect::<Vec<_>>()
            .join("+")
    };
    let mut table = csv::Table::new(&[
        "cocktail",
        "status",
        "tags",
        "added",
        "dropped",
        "evidence_nats",
        "households_needed",
    ]);
    for verdict in &confirmation.references {
        table.rows.push(vec![
            verdict.id.clone(),
            verdict.status.id().to_owned(),
            ids(&verdict.core),
            ids(&verdict.added),
            ids(&verdict.dropped),
            csv::fixed(verdict.evidence, 1),
            verdict
                .households_needed
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ]);
    }
    for (i, core) in confirmation.new_cocktails.iter().enumerate() {
        table.rows.push(vec![
            format!("new_{}", i + 1),
            "new".into(),
            ids(core),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    table
}
