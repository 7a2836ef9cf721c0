//! The saved model (`model.json`): what `maatpact screen` needs to recognise the cocktails of
//! a clustering in new cases, without clustering again.
//!
//! A [`Model`] holds the vocabulary, one [`ModelCocktail`] per cluster (defining tags, mode,
//! labels, reference match, stability), the [`ModelThresholds`] that made the defining tags,
//! the reference cocktails and the algorithm. Tags are stored by canonical id, so the file is
//! readable and does not depend on tag numbering.
//!
//! Core derives `Serialize`/`Deserialize` only; the pipeline picks the format (JSON). Reading
//! a model goes in two steps so that a model of another format version, whose shape may
//! differ, still gets a clear message instead of a field error:
//! 1. [`Model::from_document`] reads only `format_version` from a parsed document (for JSON,
//!    a `&serde_json::Value`), refuses any version outside [`MIN_MODEL_FORMAT_VERSION`] to
//!    [`MODEL_FORMAT_VERSION`] with
//!    [`check_model_format_version`], and only then deserialises the whole model;
//! 2. [`Model::check_compatible`] refuses a model whose vocabulary differs from the input's.
//!
//! [`Screener`] then screens cases against the model's cocktails.

mod screen;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize};

use crate::cluster::{ClusterParams, ClusterProfile};
use crate::config::{CocktailDef, ReferenceCocktail, Vocabulary};
use crate::error::{Error, Result};

pub use screen::{CaseScreening, CocktailMatch, Screener};

/// The format version written by this maatpact. Bump it whenever the shape or meaning of
/// [`Model`] changes.
pub const MODEL_FORMAT_VERSION: u32 = 2;

/// The oldest format version this maatpact reads: version 1 lacks the class profiles, so
/// screening with it matches by tags alone, without a posterior.
pub const MIN_MODEL_FORMAT_VERSION: u32 = 1;

/// A saved clustering, for screening new cases. See the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// [`MODEL_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The vocabulary the model was made with; serialised as its list of tag definitions.
    pub vocabulary: Vocabulary,
    /// The clustering algorithm, e.g. `lca`.
    pub algorithm: String,
    /// One entry per cluster, in cluster order.
    pub cocktails: Vec<ModelCocktail>,
    /// The thresholds that made the defining tags and the stability flags.
    pub thresholds: ModelThresholds,
    /// The reference cocktails of the configuration, by canonical tag id.
    pub reference_cocktails: Vec<CocktailDef>,
    /// The households in no cluster, as a class for the posterior of screening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unclustered: Option<ClassProfile>,
    /// The minimum cell size of the publication the profiles come from: a hidden count is
    /// 1 to this minus one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cell_size: Option<usize>,
}

/// A class of households as screening's posterior needs it: how many households, and how
/// many of them carry each tag. In a published model every figure is a published one, and
/// a figure the publication hides is `None`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassProfile {
    /// Households in the class.
    pub households: Option<u64>,
    /// Per tag of the vocabulary, in its order: households of the class with the tag.
    pub tag_counts: Vec<Option<u64>>,
}

impl ClassProfile {
    /// The profile of a clustering's class, with every figure known (benchmarks, models
    /// that are not published).
    pub fn of(profile: &ClusterProfile, n_tags: usize) -> ClassProfile {
        let mut tag_counts = vec![Some(0); n_tags];
        for stat in &profile.tags {
            tag_counts[stat.tag.index()] = Some(stat.count as u64);
        }
        ClassProfile {
            households: Some(profile.size as u64),
            tag_counts,
        }
    }
}

/// One cluster of a [`Model`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelCocktail {
    /// The cluster number, 1-based as in reports.
    pub cluster: usize,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// The defining tags, by canonical id, in vocabulary order. Screening matches on these; a
    /// cluster without defining tags (noise) is never matched.
    pub defining_tags: Vec<String>,
    /// The tags of the cluster's mode (carried by more than half of its cases), by canonical
    /// id, in vocabulary order.
    pub mode: Vec<String>,
    /// The id of the matching reference cocktail, if any.
    pub reference_match: Option<String>,
    /// Whether the cluster was stable under bootstrap (or stability was not measured).
    pub stable: bool,
    /// Its households and tag counts, for the posterior of screening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ClassProfile>,
}

/// The thresholds behind a model's defining tags and stability flags, as in
/// [`ClusterParams`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelThresholds {
    /// [`ClusterParams::defining_min_prevalence`].
    pub defining_min_prevalence: f64,
    /// [`ClusterParams::defining_min_lift`].
    pub defining_min_lift: f64,
    /// [`ClusterParams::defining_dominant_prevalence`].
    pub defining_dominant_prevalence: f64,
    /// [`ClusterParams::min_reference_jaccard`].
    pub min_reference_jaccard: f64,
    /// [`ClusterParams::stability_threshold`].
    pub stability_threshold: f64,
}

impl From<&ClusterParams> for ModelThresholds {
    fn from(params: &ClusterParams) -> Self {
        ModelThresholds {
            defining_min_prevalence: params.defining_min_prevalence,
            defining_min_lift: params.defining_min_lift,
            defining_dominant_prevalence: params.defining_dominant_prevalence,
            min_reference_jaccard: params.min_reference_jaccard,
            stability_threshold: params.stability_threshold,
        }
    }
}

impl ModelCocktail {
    /// A model entry for a reference cocktail, e.g. to screen against the configured
    /// cocktails without clustering: its tags are the defining tags and the mode, and it
    /// matches itself.
    pub fn from_reference(
        cluster: usize,
        reference: &ReferenceCocktail,
        vocabulary: &Vocabulary,
    ) -> ModelCocktail {
        let mut tags = reference.tags.clone();
        tags.sort_unstable();
        let ids: Vec<String> = tags.iter().map(|&t| vocabulary.id(t).to_owned()).collect();
        ModelCocktail {
            cluster,
            label_nl: reference.label_nl.clone(),
            label_en: reference.label_en.clone(),
            defining_tags: ids.clone(),
            mode: ids,
            reference_match: Some(reference.id.clone()),
            stable: true,
            profile: None,
        }
    }

    /// The model entry of a cluster profile: its defining tags, its mode (the tags with
    /// prevalence above one half), labels, reference match and stability. The cluster number
    /// becomes 1-based.
    pub fn from_profile(profile: &ClusterProfile, vocabulary: &Vocabulary) -> ModelCocktail {
        let ids = |tags: &mut dyn Iterator<Item = crate::TagId>| -> Vec<String> {
            let mut tags: Vec<_> = tags.collect();
            tags.sort_unstable();
            tags.into_iter()
                .map(|tag| vocabulary.id(tag).to_owned())
                .collect()
        };
        ModelCocktail {
            cluster: profile.cluster + 1,
            label_nl: profile.label_nl.clone(),
            label_en: profile.label_en.clone(),
            defining_tags: ids(&mut profile.defining_tags.iter().copied()),
            mode: ids(&mut profile
                .tags
                .iter()
                .filter(|stat| stat.prevalence > 0.5)
                .map(|stat| stat.tag)),
            reference_match: profile.reference.as_ref().map(|r| r.id.clone()),
            stable: !profile.unstable,
            profile: None,
        }
    }
}

/// Only the `format_version` of a serialised model; every other field is ignored, so that
/// any model, old or new, yields its version.
#[derive(Clone, Copy, Debug, Deserialize)]
struct VersionProbe {
    format_version: u32,
}

impl Model {
    /// A model of the current format version. The reference cocktails are stored by the
    /// canonical ids of their tags.
    pub fn new(
        vocabulary: &Vocabulary,
        algorithm: impl Into<String>,
        cocktails: Vec<ModelCocktail>,
        thresholds: ModelThresholds,
        references: &[ReferenceCocktail],
    ) -> Model {
        let reference_cocktails = references
            .iter()
            .map(|reference| CocktailDef {
                id: reference.id.clone(),
                label_nl: reference.label_nl.clone(),
                label_en: reference.label_en.clone(),
                tags: reference
                    .tags
                    .iter()
                    .map(|&tag| vocabulary.id(tag).to_owned())
                    .collect(),
            })
            .collect();
        Model {
            format_version: MODEL_FORMAT_VERSION,
            vocabulary: vocabulary.clone(),
            algorithm: algorithm.into(),
            cocktails,
            thresholds,
            reference_cocktails,
            unclustered: None,
            min_cell_size: None,
        }
    }

    /// Reads a model from a parsed document: first its format version alone (refused unless
    /// it is [`MODEL_FORMAT_VERSION`]), then the whole model. `document` is any serde
    /// deserializer that can be used twice, e.g. `&serde_json::Value` (the pipeline's JSON) or
    /// a `toml::Value`:
    ///
    /// ```
    /// use maatpact_core::{ClusterParams, Config, Model};
    ///
    /// let config = Config::default();
    /// let thresholds = (&ClusterParams::default()).into();
    /// let model = Model::new(&config.vocabulary, "lca", Vec::new(), thresholds, &config.cocktails);
    /// // With JSON: `Model::from_document(&serde_json::from_str::<serde_json::Value>(&text)?)`.
    /// let text = toml::to_string(&model).expect("a model serialises");
    /// let document: toml::Value = toml::from_str(&text).expect("valid TOML");
    /// assert_eq!(Model::from_document(document)?, model);
    ///
    /// let future: toml::Value = toml::from_str("format_version = 3\nshape = 'other'").unwrap();
    /// let message = Model::from_document(future).unwrap_err().to_string();
    /// assert!(message.contains("format version 3, but this maatpact reads format versions 1 to 2"));
    /// # Ok::<(), maatpact_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Model`] when the document has no `format_version` (it is not a model), has
    /// another version, or does not have the shape of a model.
    pub fn from_document<'de, D>(document: D) -> Result<Model>
    where
        D: Deserializer<'de> + Clone,
    {
        check_model_format_version(model_format_version(document.clone())?)?;
        Model::deserialize(document)
            .map_err(|err| Error::Model(format!("the model is damaged: {err}")))
    }

    /// Checks that the model can screen cases read with `vocabulary`: the format version is
    /// [`MODEL_FORMAT_VERSION`] and the vocabulary has the same tag ids in the same order.
    /// Labels and synonyms may differ: they do not change what a tag is.
    ///
    /// # Errors
    /// [`Error::Model`] naming both versions, or the first differing tag ids.
    pub fn check_compatible(&self, vocabulary: &Vocabulary) -> Result<()> {
        check_model_format_version(self.format_version)?;
        let model_ids: Vec<&str> = self.vocabulary.tags().iter().map(|t| &*t.id).collect();
        let input_ids: Vec<&str> = vocabulary.tags().iter().map(|t| &*t.id).collect();
        if model_ids == input_ids {
            return Ok(());
        }
        Err(Error::Model(vocabulary_difference(&model_ids, &input_ids)))
    }
}

/// The `format_version` of a serialised model, read on its own so that a model of any
/// version (whatever its other fields) yields it.
///
/// # Errors
/// [`Error::Model`] when the document has no numeric `format_version`.
pub fn model_format_version<'de, D: Deserializer<'de>>(document: D) -> Result<u32> {
    VersionProbe::deserialize(document)
        .map(|probe| probe.format_version)
        .map_err(|err| {
            Error::Model(format!(
                "this is not a maatpact model: it has no valid `format_version` ({err})"
            ))
        })
}

/// Refuses a model format version this maatpact cannot read, saying what to do.
///
/// # Errors
/// [`Error::Model`] naming both versions.
pub fn check_model_format_version(found: u32) -> Result<()> {
    if (MIN_MODEL_FORMAT_VERSION..=MODEL_FORMAT_VERSION).contains(&found) {
        return Ok(());
    }
    let origin = if found > MODEL_FORMAT_VERSION {
        "a newer maatpact; upgrade maatpact, or"
    } else {
        "an older maatpact;"
    };
    Err(Error::Model(format!(
        "the model has format version {found}, but this maatpact reads format versions \
         {MIN_MODEL_FORMAT_VERSION} to {MODEL_FORMAT_VERSION}. It was written by {origin} re-run `maatpact run` or \
         `maatpact cluster` to write a new model"
    )))
}

/// The message for two different vocabularies: the first position where the ids differ, and
/// the ids only one side has (at most five of each).
fn vocabulary_difference(model: &[&str], input: &[&str]) -> String {
    let mut message = String::from("the model was made with a different vocabulary: ");
    match model.iter().zip(input).position(|(a, b)| a != b) {
        Some(position) => message.push_str(&format!(
            "tag {} is `{}` in the model but `{}` in the input",
            position + 1,
            model[position],
            input[position]
        )),
        None => message.push_str(&format!(
            "the model has {} tags, the input {}",
            model.len(),
            input.len()
        )),
    }
    let model_set: BTreeSet<&str> = model.iter().copied().collect();
    let input_set: BTreeSet<&str> = input.iter().copied().collect();
    for (side, ids) in [
        ("only in the model", model_set.difference(&input_set)),
        ("only in the input", input_set.difference(&model_set)),
    ] {
        let ids: Vec<&&str> = ids.collect();
        if ids.is_empty() {
            continue;
        }
        let shown: Vec<String> = ids.iter().take(5).map(|id| format!("`{id}`")).collect();
        message.push_str(&format!("; {side}: {}", shown.join(", ")));
        if ids.len() > 5 {
            message.push_str(&format!(" and {} more", ids.len() - 5));
        }
    }
    message.push_str(
        ". Screen with the configuration the model was made with (--config, --unknown-tags), \
         or re-run `maatpact run` or `maatpact cluster` to write a new model",
    );
    message
}
