//! `model.json`: what `maatpact screen` needs from a clustering, as versioned JSON.

use std::path::Path;

use maatpact_core::{
    ClusterParams, ClusterResult, Model, ModelCocktail, ModelThresholds, ReferenceCocktail,
    Vocabulary,
};

use crate::error::{Error, Result, io_error};

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
