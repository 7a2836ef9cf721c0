//! `maatpact cluster`: clusters, their profiles and the model, published as a protected
//! folder; the assignment of each household only in an internal folder.

use std::path::Path;

use maatpact_core::{ClusterResult, Config, ValidClusterParams, Validated, cluster};

use super::analysis::tag_matrix;
use super::folder::{Folder, INTERNAL_README, publish_with_internal};
use super::internal::assignments;
use crate::error::Result;
use crate::io::model_io::{model_json, model_of};
use crate::publish::{ClusterTables, Sources, csv, publish};

/// Clusters the cases and publishes `clusters.csv`, `k_selection.csv`,
/// `cluster_profiles.csv`, `satisfaction_per_cluster.csv` and `model.json` in `out`;
/// `assignments.csv` goes to `internal` only.
pub fn run_cluster(
    validated: &Validated,
    config: &Config,
    params: &ValidClusterParams,
    out: &Path,
    internal: Option<&Path>,
) -> Result<(ClusterResult, ClusterTables)> {
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let result = cluster(&matrix, params, &config.cocktails, &validated.vocabulary)?;
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
    Ok((result, tables))
}
