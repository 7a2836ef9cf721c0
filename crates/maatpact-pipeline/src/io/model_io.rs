//! `model.json`: what `maatpact screen` needs from a clustering, as versioned JSON.

use std::path::Path;

use maatpact_core::{
    ClassProfile, ClusterParams, ClusterResult, Model, ModelCocktail, ModelThresholds,
    ReferenceCocktail, Vocabulary,
};

use crate::error::{Error, Result, io_error};
use crate::publish::ClusterTables;

/// The model of a clustering.
pub fn model_of(
    result: &ClusterResult,
    vocabulary: &Vocabulary,
    params: &ClusterParams,
    references: &[ReferenceCocktail],
) -> Model {
    // Households in no cluster (number 0 in every table) are never matched, so the model
    // lists only the clusters.
    let cocktails = result
        .profiles
        .iter()
        .filter(|p| !p.noise)
        .map(|p| ModelCocktail::from_profile(p, vocabulary))
        .collect();
    Model::new(
        vocabulary,
        result.algorithm.to_string(),
        cocktails,
        ModelThresholds::from(params),
        references,
    )
}

/// The model with the class profiles of screening's posterior, from the published cluster
/// tables: every figure in it is one the folder shows already, and a hidden one is `None`
/// (screening takes it as the middle of 1 to `min_cell_size − 1`).
pub fn with_published_profiles(
    mut model: Model,
    tables: &ClusterTables,
    min_cell_size: usize,
) -> Model {
    let profile = |number: usize, households: Option<u64>, vocabulary: &Vocabulary| {
        let tag_counts = vocabulary
            .tags()
            .iter()
            .map(|tag| {
                tables
                    .profiles
                    .iter()
                    .find(|r| r.cluster == number && r.tag.id == tag.id)
                    .and_then(|r| r.count.shown().copied())
            })
            .collect();
        ClassProfile {
            households,
            tag_counts,
        }
    };
    let vocabulary = model.vocabulary.clone();
    for cocktail in &mut model.cocktails {
        let size = tables
            .clusters
            .iter()
            .find(|c| c.name.number == cocktail.cluster)
            .and_then(|c| c.size.shown().copied());
        cocktail.profile = Some(profile(cocktail.cluster, size, &vocabulary));
    }
    model.unclustered = tables
        .n_in_no_cluster
        .map(|n| profile(0, n.shown().copied(), &vocabulary));
    model.min_cell_size = Some(min_cell_size);
    model
}

/// The model with every class profile as it is: for benchmarks on synthetic data, whose
/// models are not published.
pub fn with_true_profiles(mut model: Model, result: &ClusterResult) -> Model {
    let n_tags = model.vocabulary.len();
    for (cocktail, profile) in model
        .cocktails
        .iter_mut()
        .zip(result.profiles.iter().filter(|p| !p.noise))
    {
        cocktail.profile = Some(ClassProfile::of(profile, n_tags));
    }
    model.unclustered = result
        .profiles
        .iter()
        .find(|p| p.noise)
        .map(|p| ClassProfile::of(p, n_tags));
    model
}

/// The model as pretty JSON with a trailing newline.
pub fn model_json(model: &Model) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(model).map_err(|err| Error::Output {
        what: "model.json".into(),
        message: err.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads a model file. A file of another format version is refused with a message naming
/// both versions, whatever else it holds.
pub fn read_model(path: &Path) -> Result<Model> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
        Error::Usage(format!(
            "{}: not a model file (invalid JSON: {err})",
            path.display()
        ))
    })?;
    Model::from_document(&document)
        .map_err(|err| Error::Usage(format!("{}: {err}", path.display())))
}
