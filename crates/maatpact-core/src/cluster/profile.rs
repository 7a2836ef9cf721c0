//! What each cluster looks like: tag prevalence and lift, defining tags, labels, the
//! best-matching reference cocktail; and the verdict on structure.

use super::metrics::jaccard_of_sorted;
use super::params::{ClusterAlgorithm, ClusterParams};
use super::stability::Stability;
use super::{Clustering, StructureVerdict};
use crate::case::TagId;
use crate::config::{ReferenceCocktail, Vocabulary};
use crate::tag_matrix::TagMatrix;

/// How common one tag is in a cluster.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TagStat {
    /// The tag.
    pub tag: TagId,
    /// Cases of the cluster that carry it.
    pub count: usize,
    /// The share of the cluster that carries it: `count / size`; for latent class analysis
    /// the class-conditional probability as poLCA reports it, the posterior-weighted share
    /// `Σ P(class | case) · has_tag / Σ P(class | case)`. That counts each household by how
    /// surely it belongs: households without a cocktail that are only just most probable in
    /// a class do not dilute its profile, which on small samples pushed a cocktail's third
    /// tag below the lift threshold.
    pub prevalence: f64,
    /// Prevalence in the cluster divided by prevalence over all cases; 0 for a tag no case
    /// carries.
    pub lift: f64,
}

/// A reference cocktail that a cluster resembles.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceMatch {
    /// The reference's id, e.g. `cocktail_1`.
    pub id: String,
    /// Jaccard similarity of the cluster's defining tags and the reference's tags.
    pub jaccard: f64,
}

/// The description of one cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterProfile {
    /// The cluster number (0-based, as in [`Clustering::labels`]).
    pub cluster: usize,
    /// Number of cases.
    pub size: usize,
    /// Every tag of the vocabulary, in vocabulary order.
    pub tags: Vec<TagStat>,
    /// Tags with prevalence ≥ `defining_min_prevalence` and either lift ≥ `defining_min_lift`
    /// or prevalence ≥ `defining_dominant_prevalence`; sorted by tag id. Empty for noise.
    pub defining_tags: Vec<TagId>,
    /// Dutch label: the reference's label when the defining tags equal a matched reference
    /// exactly; else the Dutch labels of the defining tags in vocabulary order, joined with
    /// " + " (e.g. "GGZ + Wonen + Kinderen + Niet passende begeleiding").
    pub label_nl: String,
    /// English label, built the same way.
    pub label_en: String,
    /// The reference cocktail with the highest Jaccard similarity to the defining tags (ties:
    /// the first in the configuration), when it reaches `min_reference_jaccard`, the cluster is
    /// not unstable, and the data have structure. Never set for noise.
    pub reference: Option<ReferenceMatch>,
    /// Bootstrap stability adjusted for chance: Hennig's best-match Jaccard with the Jaccard
    /// expected from the cluster sizes alone subtracted and rescaled, `(J − J₀) / (1 − J₀)`,
    /// averaged over the resamples (1 = always recovered; 0 = no better than chance). `None`
    /// when not measured.
    pub stability: Option<f64>,
    /// Hennig's raw mean best-match Jaccard (as fpc's `clusterboot` reports it); `None` when
    /// not measured.
    pub bootstrap_jaccard: Option<f64>,
    /// Whether the cluster cannot be trusted: its stability is below `stability_threshold`,
    /// or the data as a whole show no structure ([`StructureVerdict::has_structure`]). On
    /// structureless data a split can be perfectly reproducible (households with and without
    /// one common tag), yet it is no cluster.
    pub unstable: bool,
    /// Mean silhouette of the cluster's cases.
    pub silhouette: Option<f64>,
    /// Whether this is the noise cluster of households in no cluster: DBSCAN's noise, or the
    /// households of dissolved unstable clusters.
    pub noise: bool,
}

/// Per class (every cluster but the noise cluster) and tag the posterior-weighted prevalence,
/// when the clustering has probabilities.
fn soft_prevalences(matrix: &TagMatrix, clustering: &Clustering) -> Option<Vec<Vec<f64>>> {
    let probabilities = clustering.probabilities.as_ref()?;
    let k = probabilities.ncols();
    let mut weight = vec![0.0f64; k];
    let mut tag_weight = vec![vec![0.0f64; matrix.n_tags()]; k];
    for case in 0..matrix.n_cases() {
        let tags = matrix.tags_of(case);
        for c in 0..k {
            let p = probabilities[[case, c]];
            weight[c] += p;
            for tag in &tags {
                tag_weight[c][tag.index()] += p;
            }
        }
    }
    Some(
        tag_weight
            .into_iter()
            .zip(weight)
            .map(|(tags, total)| {
                tags.into_iter()
                    .map(|w| if total > 0.0 { w / total } else { 0.0 })
                    .collect()
            })
            .collect(),
    )
}

/// The rule that makes a tag define a cluster: common in it, and either more common than
/// overall or nearly universal in it.
fn is_defining(prevalence: f64, lift: f64, params: &ClusterParams) -> bool {
    prevalence >= params.defining_min_prevalence
        && (lift >= params.defining_min_lift || prevalence >= params.defining_dominant_prevalence)
}

/// The defining tags of each group of a partition (`labels` below `k`; `skip` is a group
/// with none, such as households in no cocktail), by the rule every clustering's profiles
/// use, from hard counts. This is how `bench` describes the true grouping: the ceiling of
/// what any method can be credited with under the same rule.
pub fn defining_tags_of_partition(
    matrix: &TagMatrix,
    labels: &[usize],
    k: usize,
    skip: Option<usize>,
    params: &ClusterParams,
) -> Vec<Vec<TagId>> {
    let n_tags = matrix.n_tags();
    let overall = matrix.tag_counts();
    let n = matrix.n_cases() as f64;
    let mut counts = vec![vec![0usize; n_tags]; k];
    let mut sizes = vec![0usize; k];
    for (case, &label) in labels.iter().enumerate() {
        super::ground::add_row(&mut counts[label], matrix.row(case), 1);
        sizes[label] += 1;
    }
    (0..k)
        .map(|c| {
            if Some(c) == skip || sizes[c] == 0 {
                return Vec::new();
            }
            (0..n_tags)
                .filter(|&t| {
                    let prevalence = counts[c][t] as f64 / sizes[c] as f64;
                    let lift = if overall[t] == 0 {
                        0.0
                    } else {
                        prevalence / (overall[t] as f64 / n)
                    };
                    is_defining(prevalence, lift, params)
                })
                .map(|t| TagId(t as u32))
                .collect()
        })
        .collect()
}

pub(super) fn profiles(
    matrix: &TagMatrix,
    clustering: &Clustering,
    stability: Option<&Stability>,
    silhouettes: &[Option<f64>],
    references: &[ReferenceCocktail],
    vocabulary: &Vocabulary,
    params: &ClusterParams,
) -> Vec<ClusterProfile> {
    let n_tags = matrix.n_tags();
    let overall = matrix.tag_counts();
    let n = matrix.n_cases() as f64;
    let sizes = clustering.sizes();
    let mut counts = vec![vec![0usize; n_tags]; clustering.k];
    for (case, &label) in clustering.labels.iter().enumerate() {
        super::ground::add_row(&mut counts[label], matrix.row(case), 1);
    }
    let prevalences = soft_prevalences(matrix, clustering);
    (0..clustering.k)
        .map(|cluster| {
            let size = sizes[cluster];
            let noise = clustering.noise_cluster == Some(cluster);
            let tags: Vec<TagStat> = (0..n_tags)
                .map(|t| {
                    let count = counts[cluster][t];
                    // The noise cluster is no class and has no posterior: hard counts.
                    let prevalence = match prevalences.as_ref().and_then(|p| p.get(cluster)) {
                        Some(prevalences) => prevalences[t],
                        None => count as f64 / size.max(1) as f64,
                    };
                    let lift = if overall[t] == 0 {
                        0.0
                    } else {
                        prevalence / (overall[t] as f64 / n)
                    };
                    TagStat {
                        tag: TagId(t as u32),
                        count,
                        prevalence,
                        lift,
                    }
                })
                .collect();
            let defining_tags: Vec<TagId> = if noise {
                Vec::new()
            } else if let Some(cores) = &clustering.cores {
                // A model of core sets says itself what defines each cocktail, plus the
                // tags nearly all of its households carry (the dominant clause of the rule
                // below): a problem as common as housing is background to the model, but
                // part of every cocktail to its readers.
                let mut tags_of: Vec<TagId> = cores[cluster].clone();
                tags_of.extend(
                    tags.iter()
                        .filter(|s| s.prevalence >= params.defining_dominant_prevalence)
                        .map(|s| s.tag),
                );
                tags_of.sort_unstable();
                tags_of.dedup();
                tags_of
            } else {
                tags.iter()
                    .filter(|s| is_defining(s.prevalence, s.lift, params))
                    .map(|s| s.tag)
                    .collect()
            };
            let stability_value = stability.and_then(|s| s.adjusted.get(cluster).copied());
            // The rest group of dissolved clusters has no stability of its own; its households
            // come from clusters that proved unstable.
            let unstable = match stability_value {
                Some(value) => value < params.stability_threshold,
                None => noise && stability.is_some(),
            };
            let reference = if noise || unstable || defining_tags.is_empty() {
                None
            } else {
                best_reference(&defining_tags, references)
                    .filter(|m| m.jaccard >= params.min_reference_jaccard)
            };
            let exact = reference
                .as_ref()
                .filter(|m| m.jaccard == 1.0)
                .and_then(|m| references.iter().find(|r| r.id == m.id));
            let (label_nl, label_en) = match (noise, exact) {
                (true, _) if params.algorithm.kind() == ClusterAlgorithm::Dbscan => (
                    "Ruis (geen dichte groep)".to_owned(),
                    "Noise (no dense group)".to_owned(),
                ),
                (true, _) if params.algorithm.kind() == ClusterAlgorithm::CoreSet => (
                    "Geen cocktail (alleen achtergrondproblemen)".to_owned(),
                    "No cocktail (background problems only)".to_owned(),
                ),
                (true, _) => (
                    "Overige huishoudens (geen stabiel cluster)".to_owned(),
                    "Other households (no stable cluster)".to_owned(),
                ),
                (false, Some(reference)) => {
                    (reference.label_nl.clone(), reference.label_en.clone())
                }
                (false, None) => join_labels(&defining_tags, vocabulary),
            };
            ClusterProfile {
                cluster,
                size,
                tags,
                defining_tags,
                label_nl,
                label_en,
                reference,
                stability: stability_value,
                bootstrap_jaccard: stability.and_then(|s| s.raw.get(cluster).copied()),
                unstable,
                silhouette: silhouettes.get(cluster).copied().flatten(),
                noise,
            }
        })
        .collect()
}

fn best_reference(defining: &[TagId], references: &[ReferenceCocktail]) -> Option<ReferenceMatch> {
    let mut best: Option<ReferenceMatch> = None;
    for reference in references {
        let jaccard = jaccard_of_sorted(defining, &reference.tags);
        if jaccard > best.as_ref().map_or(0.0, |b| b.jaccard) {
            best = Some(ReferenceMatch {
                id: reference.id.clone(),
                jaccard,
            });
        }
    }
    best
}

fn join_labels(tags: &[TagId], vocabulary: &Vocabulary) -> (String, String) {
    if tags.is_empty() {
        return (
            "Geen kenmerkende problemen".to_owned(),
            "No defining problems".to_owned(),
        );
    }
    let nl: Vec<&str> = tags
        .iter()
        .map(|&t| vocabulary.get(t).label_nl.as_str())
        .collect();
    let en: Vec<&str> = tags
        .iter()
        .map(|&t| vocabulary.get(t).label_en.as_str())
        .collect();
    (nl.join(" + "), en.join(" + "))
}

pub(super) fn verdict(
    profiles: &[ClusterProfile],
    silhouette: Option<f64>,
    stability_measured: bool,
    single_class_preferred: Option<bool>,
    params: &ClusterParams,
) -> StructureVerdict {
    let stable_clusters =
        stability_measured.then(|| profiles.iter().filter(|p| !p.noise && !p.unstable).count());
    let mut reasons = Vec::new();
    match silhouette {
        Some(s) if s >= params.min_structure_silhouette => {}
        Some(s) => reasons.push(format!(
            "the mean silhouette is {s:.2}, below {:.2}",
            params.min_structure_silhouette
        )),
        None => reasons.push("there is only one cluster".to_owned()),
    }
    if stable_clusters == Some(0) {
        reasons.push(format!(
            "no cluster is stable (chance-adjusted bootstrap Jaccard ≥ {:.2})",
            params.stability_threshold
        ));
    }
    let has_structure = reasons.is_empty();
    let summary = if has_structure {
        let n_clusters = profiles.iter().filter(|p| !p.noise).count();
        let stable = match stable_clusters {
            Some(n) => format!("{n} of {n_clusters} clusters are stable"),
            None => format!("{n_clusters} clusters (stability not measured)"),
        };
        format!(
            "structure found: {stable} and the mean silhouette is {:.2}",
            silhouette.unwrap_or(0.0)
        )
    } else {
        format!("no clear structure: {}", reasons.join("; "))
    };
    StructureVerdict {
        has_structure,
        silhouette,
        stable_clusters,
        single_class_preferred,
        summary,
    }
}
