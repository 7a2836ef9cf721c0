//! Clustering of cases by their problem tags: one interface over k-modes, hierarchical
//! clustering, latent class analysis and three linfa baselines, with the choice of k, bootstrap
//! stability, cluster profiles and an honest verdict on whether the data has structure.
//!
//! Every algorithm works on the distinct tag profiles of the cases weighted by how many cases
//! share each ([`TagMatrix::profiles`]), so the cost grows with the number of profiles rather
//! than cases, and all cases with the same tags always land in the same cluster. For k-modes,
//! hierarchical clustering and the latent class model this gives exactly the result of the same
//! algorithm run on the cases; the linfa baselines are run on the cases, expanded from the
//! profiles (DBSCAN with each profile repeated at most `min_points` times, which leaves its
//! core points unchanged).

mod coreset;
mod ground;
mod hierarchical;
mod kmodes;
mod lca;
mod linfa_baselines;
mod metrics;
mod oracle;
mod params;
mod profile;
mod select;
mod stability;
#[cfg(test)]
pub(crate) mod testdata;
#[cfg(test)]
mod tests;

use ndarray::Array2;

use crate::config::{ReferenceCocktail, Vocabulary};
use crate::error::{Error, Result};
use crate::tag_matrix::TagMatrix;

use ground::{UnitFit, Units, modes_of, most_probable, renumber};

pub use coreset::{ConfirmStatus, Confirmation, ReferenceVerdict, confirm};
pub use hierarchical::{Dendrogram, MergeStep};
pub use metrics::{adjusted_rand_index, normalized_mutual_information, silhouette};
pub use oracle::{BernoulliClasses, oracle_labels};
pub use params::{
    Algorithm, ClusterAlgorithm, ClusterParams, DbscanParams, Dissimilarity, GmmParams,
    HierarchicalParams, KChoice, KCriterion, KMeansParams, KModesInit, KModesParams, LcaParams,
    ValidClusterParams,
};
pub use profile::{ClusterProfile, ReferenceMatch, TagStat, defining_tags_of_partition};

/// One partition of the cases.
#[derive(Clone, Debug, PartialEq)]
pub struct Clustering {
    /// The cluster of each case, 0-based. Clusters are numbered by size, largest first; equal
    /// sizes by their first case. The noise cluster, if any, comes last.
    pub labels: Vec<usize>,
    /// Number of clusters, the noise cluster included; every label is below it.
    pub k: usize,
    /// For each case, its dissimilarity ([`ClusterParams::dissimilarity`]) to the mode of its
    /// cluster: the tags that more than half of the cluster carries.
    pub distances: Vec<f64>,
    /// Latent class analysis only: cases × classes, the posterior probability of each class.
    /// Columns follow the cluster numbering; the noise cluster has none. A fitted class that
    /// no case has as its most likely class, or that was dissolved (as too small or
    /// unstable), is dropped, so rows then sum to less than 1.
    pub probabilities: Option<Array2<f64>>,
    /// The label of the households in no cluster, if there are any: DBSCAN's noise (cases in
    /// no dense region), and the households of dissolved unstable clusters
    /// ([`ClusterParams::dissolve_unstable`]).
    pub noise_cluster: Option<usize>,
    /// The core-set mixture only: per cluster, the core tags the model fitted, which are
    /// then its defining tags.
    pub cores: Option<Vec<Vec<crate::case::TagId>>>,
}

impl Clustering {
    /// The number under which a cluster is published: 1, 2, … in cluster order, and 0 for the
    /// noise cluster of households in no cluster.
    pub fn published_number(&self, label: usize) -> usize {
        if self.noise_cluster == Some(label) {
            0
        } else {
            label + 1
        }
    }

    /// The number of clusters, not counting the noise cluster.
    pub fn n_clusters(&self) -> usize {
        self.k - usize::from(self.noise_cluster.is_some())
    }

    /// The size of each cluster.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![0; self.k];
        for &label in &self.labels {
            sizes[label] += 1;
        }
        sizes
    }
}

/// One point of the curve behind the choice of k.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KScore {
    /// The number of clusters asked for.
    pub k: usize,
    /// Mean silhouette (with [`ClusterParams::dissimilarity`]); `None` when it is undefined
    /// (a single non-empty cluster).
    pub silhouette: Option<f64>,
    /// Bayesian information criterion, `−2 log L + p ln n` (latent class analysis only).
    pub bic: Option<f64>,
}

/// Whether the data hold clusters worth naming.
#[derive(Clone, Debug, PartialEq)]
pub struct StructureVerdict {
    /// True when at least one cluster is stable (or stability was not measured) and the mean
    /// silhouette reaches [`ClusterParams::min_structure_silhouette`]; either failing is
    /// enough to doubt the clusters. Without structure no cluster is matched to a reference
    /// cocktail.
    pub has_structure: bool,
    /// The mean silhouette of the chosen clustering.
    pub silhouette: Option<f64>,
    /// How many clusters are stable; `None` when stability was not measured.
    pub stable_clusters: Option<usize>,
    /// Latent class analysis only: whether a single class has a lower BIC than the chosen
    /// number of classes. Shown for information, not part of the verdict: on small samples
    /// BIC prefers one class even for planted cocktails (121 cases).
    pub single_class_preferred: Option<bool>,
    /// The verdict in one English sentence, for reports.
    pub summary: String,
}

/// Everything [`cluster`] finds.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterResult {
    /// The algorithm that made it.
    pub algorithm: ClusterAlgorithm,
    /// The partition.
    pub clustering: Clustering,
    /// One profile per cluster, in cluster order.
    pub profiles: Vec<ClusterProfile>,
    /// The curve behind the choice of k (empty for a fixed k and for DBSCAN).
    pub k_selection: Vec<KScore>,
    /// The k the algorithm was run with: the best on [`ClusterResult::k_selection`], or the
    /// fixed k. The clustering can have fewer clusters, after small and unstable ones were
    /// dissolved.
    pub chosen_k: usize,
    /// Hierarchical clustering only: the merge tree over the distinct profiles.
    pub dendrogram: Option<Dendrogram>,
    /// Whether there is structure at all.
    pub structure: StructureVerdict,
    /// Clusters of the chosen partition that proved unstable and were dissolved
    /// ([`ClusterParams::dissolve_unstable`]), as they were before (their `cluster` numbers
    /// refer to that partition). Empty when nothing was dissolved.
    pub dissolved: Vec<ClusterProfile>,
}

/// Clusters the cases of `matrix`: chooses k (unless fixed), partitions, measures bootstrap
/// stability, profiles each cluster and matches it to the `references`.
///
/// ```
/// use maatpact_core::{ClusterParams, Config, KChoice, TagMatrix, cluster};
///
/// let config = Config::default();
/// let tag = |id: &str| config.vocabulary.resolve(id).unwrap();
/// let (a, b) = ([tag("schulden"), tag("wonen")], [tag("ggz"), tag("verslaving")]);
/// let rows: Vec<&[_]> = (0..40).map(|i| if i % 2 == 0 { &a[..] } else { &b[..] }).collect();
/// let matrix = TagMatrix::from_rows(config.vocabulary.len(), rows);
/// let params = ClusterParams { k: KChoice::Fixed(2), bootstrap_resamples: 10, ..ClusterParams::default() };
/// let result = cluster(&matrix, &params.check()?, &config.cocktails, &config.vocabulary)?;
/// assert_eq!(result.clustering.k, 2);
/// // Labels list the defining tags in vocabulary order.
/// assert_eq!(result.profiles[0].label_en, "Housing + Debts");
/// # Ok::<(), maatpact_core::Error>(())
/// ```
pub fn cluster(
    matrix: &TagMatrix,
    valid: &ValidClusterParams,
    references: &[ReferenceCocktail],
    vocabulary: &Vocabulary,
) -> Result<ClusterResult> {
    let params = valid.get();
    check_data(matrix, vocabulary)?;
    let profiles = matrix.profiles();
    let units = Units {
        rows: &profiles.matrix,
        weights: &profiles.counts,
    };
    let selection = select::choose(&units, params)?;
    let clustering = finish(
        matrix,
        &profiles.profile_of_case,
        &units,
        &selection.fit,
        params,
    );
    let stability = if params.bootstrap_resamples > 0 {
        Some(stability::bootstrap(
            matrix.n_cases(),
            &units,
            &profiles.profile_of_case,
            &clustering,
            selection.fit.requested_k,
            params,
        )?)
    } else {
        None
    };
    let (clustering, stability, dissolved) = match stability {
        Some(stability) if params.dissolve_unstable => {
            let before = clustering.clone();
            let (after, kept_stability, dissolved_ids) = stability::dissolve_unstable(
                matrix,
                &profiles.profile_of_case,
                &units,
                clustering,
                stability.clone(),
                params,
            );
            let dissolved = if dissolved_ids.is_empty() {
                Vec::new()
            } else {
                let unit_labels = unit_labels(&before, &profiles.profile_of_case, units.len());
                let silhouettes =
                    metrics::silhouette_by_cluster(&units, &unit_labels, before.k, params);
                profile::profiles(
                    matrix,
                    &before,
                    Some(&stability),
                    &silhouettes.per_cluster,
                    &[],
                    vocabulary,
                    params,
                )
                .into_iter()
                .filter(|p| dissolved_ids.contains(&p.cluster))
                .collect()
            };
            (after, Some(kept_stability), dissolved)
        }
        other => (clustering, other, Vec::new()),
    };
    let unit_labels = unit_labels(&clustering, &profiles.profile_of_case, units.len());
    let silhouettes = metrics::silhouette_by_cluster(&units, &unit_labels, clustering.k, params);
    let single_class_preferred = selection.single_class_bic.and_then(|single| {
        let chosen = selection
            .scores
            .iter()
            .find(|s| s.k == selection.fit.requested_k)
            .and_then(|s| s.bic)
            .or(selection.fit.bic(&units))?;
        Some(single <= chosen)
    });
    let profiles_out = profile::profiles(
        matrix,
        &clustering,
        stability.as_ref(),
        &silhouettes.per_cluster,
        references,
        vocabulary,
        params,
    );
    let structure = profile::verdict(
        &profiles_out,
        silhouettes.mean,
        stability.is_some(),
        single_class_preferred,
        params,
    );
    let profiles_out = if structure.has_structure {
        profiles_out
    } else {
        profiles_out
            .into_iter()
            .map(|p| ClusterProfile {
                reference: None,
                unstable: true,
                ..p
            })
            .collect()
    };
    Ok(ClusterResult {
        algorithm: params.algorithm.kind(),
        clustering,
        profiles: profiles_out,
        k_selection: selection.scores,
        chosen_k: selection.fit.requested_k,
        dendrogram: selection.fit.dendrogram,
        structure,
        dissolved,
    })
}

/// Partitions the cases into `k` clusters (DBSCAN: ignores `k`) with one run of the algorithm
/// (all its restarts), without choosing k, stability or profiles. This is what the choice of
/// k, the bootstrap and the benchmarks repeat.
pub fn fit_clustering(
    matrix: &TagMatrix,
    valid: &ValidClusterParams,
    k: usize,
) -> Result<Clustering> {
    let params = valid.get();
    if k == 0 {
        return Err(Error::InvalidParameter {
            name: "k",
            message: "must be at least 1".into(),
        });
    }
    if matrix.n_cases() == 0 {
        return Err(Error::Data("there are no cases to cluster".into()));
    }
    let profiles = matrix.profiles();
    let units = Units {
        rows: &profiles.matrix,
        weights: &profiles.counts,
    };
    let fit = fit_units(&units, &[k], params, params.seed)?
        .pop()
        .expect("one fit per k");
    Ok(finish(
        matrix,
        &profiles.profile_of_case,
        &units,
        &fit,
        params,
    ))
}

fn check_data(matrix: &TagMatrix, vocabulary: &Vocabulary) -> Result<()> {
    if matrix.n_cases() < 2 {
        return Err(Error::Data(format!(
            "clustering needs at least 2 cases, got {}",
            matrix.n_cases()
        )));
    }
    if matrix.n_tags() != vocabulary.len() {
        return Err(Error::Data(format!(
            "the tag matrix has {} tags but the vocabulary {}",
            matrix.n_tags(),
            vocabulary.len()
        )));
    }
    Ok(())
}

impl UnitFit {
    fn bic(&self, units: &Units<'_>) -> Option<f64> {
        self.log_likelihood.map(|(log_likelihood, n_parameters)| {
            lca::bic(log_likelihood, n_parameters, units.total_weight())
        })
    }
}

/// Fits the algorithm once per k in `ks` (hierarchical clustering builds its tree once).
pub(crate) fn fit_units(
    units: &Units<'_>,
    ks: &[usize],
    params: &ClusterParams,
    seed: u64,
) -> Result<Vec<UnitFit>> {
    let fits = fit_units_raw(units, ks, params, seed)?;
    Ok(fits
        .into_iter()
        .map(|fit| dissolve_small_clusters(units, fit, params))
        .collect())
}

fn fit_units_raw(
    units: &Units<'_>,
    ks: &[usize],
    params: &ClusterParams,
    seed: u64,
) -> Result<Vec<UnitFit>> {
    let dissimilarity = params.dissimilarity;
    match &params.algorithm {
        Algorithm::KModes(own) => ks
            .iter()
            .map(|&k| Ok(kmodes::fit(units, k, dissimilarity, own, seed)))
            .collect(),
        Algorithm::Hierarchical(own) => hierarchical::fit(units, ks, dissimilarity, own),
        Algorithm::Lca(own) => ks
            .iter()
            .map(|&k| Ok(lca::fit(units, k, own, seed)))
            .collect(),
        Algorithm::KMeans(own) => ks
            .iter()
            .map(|&k| linfa_baselines::kmeans(units, k, own, seed))
            .collect(),
        Algorithm::Dbscan(own) => ks
            .iter()
            .map(|&k| linfa_baselines::dbscan(units, k, own))
            .collect(),
        Algorithm::Gmm(own) => ks
            .iter()
            .map(|&k| linfa_baselines::gmm(units, k, own, seed))
            .collect(),
        // Deterministic: the search has no random start.
        Algorithm::CoreSet => Ok(ks
            .iter()
            .map(|&k| coreset::fit(units, (k > 0).then_some(k), params))
            .collect()),
    }
}

/// Moves the units of clusters smaller than `min_cluster_size` cases to the most probable
/// (latent class analysis) or nearest (by mode) remaining cluster. The largest cluster always
/// remains. DBSCAN fits are left alone.
fn dissolve_small_clusters(units: &Units<'_>, mut fit: UnitFit, params: &ClusterParams) -> UnitFit {
    // DBSCAN and the core-set mixture keep households that fit no cluster apart (noise, no
    // cocktail) rather than forcing them into one.
    if matches!(
        params.algorithm.kind(),
        ClusterAlgorithm::Dbscan | ClusterAlgorithm::CoreSet
    ) || params.min_cluster_size <= 1
    {
        return fit;
    }
    let mut size = vec![0usize; fit.n_labels];
    for (u, &label) in fit.labels.iter().enumerate() {
        size[label] += units.weights[u];
    }
    let largest = (0..fit.n_labels).max_by_key(|&l| (size[l], std::cmp::Reverse(l)));
    let keep: Vec<bool> = (0..fit.n_labels)
        .map(|l| size[l] >= params.min_cluster_size || Some(l) == largest)
        .collect();
    if keep.iter().all(|&k| k) {
        return fit;
    }
    let modes = fit
        .probabilities
        .is_none()
        .then(|| modes_of(units, &fit.labels, fit.n_labels));
    for u in 0..units.len() {
        if keep[fit.labels[u]] {
            continue;
        }
        let candidates = (0..fit.n_labels).filter(|&l| keep[l]);
        fit.labels[u] = match (&fit.probabilities, &modes) {
            (Some(posteriors), _) => candidates
                .fold(None, |best: Option<(usize, f64)>, l| match best {
                    Some((_, p)) if p >= posteriors[[u, l]] => best,
                    _ => Some((l, posteriors[[u, l]])),
                })
                .map(|(l, _)| l),
            (None, Some(modes)) => candidates
                .fold(None, |best: Option<(usize, f64)>, l| {
                    let d = params.dissimilarity.between(units.rows.row(u), &modes[l]);
                    match best {
                        Some((_, bd)) if bd <= d => best,
                        _ => Some((l, d)),
                    }
                })
                .map(|(l, _)| l),
            (None, None) => None,
        }
        .expect("the largest cluster remains");
    }
    fit
}

/// Turns a fit on the profiles into the per-case [`Clustering`]. Clusters are ordered by
/// their number of cases; ties by their first case.
pub(crate) fn finish(
    matrix: &TagMatrix,
    profile_of_case: &[usize],
    units: &Units<'_>,
    fit: &UnitFit,
    params: &ClusterParams,
) -> Clustering {
    // Order ties by first case: renumber over cases, weight 1 each.
    let raw_case_labels: Vec<usize> = profile_of_case.iter().map(|&p| fit.labels[p]).collect();
    let ones = vec![1usize; raw_case_labels.len()];
    let (new, k) = renumber(&raw_case_labels, fit.n_labels, &ones, fit.noise_label);
    let labels: Vec<usize> = raw_case_labels
        .iter()
        .map(|&l| new[l].expect("a label with a case is kept"))
        .collect();
    let unit_labels: Vec<usize> = fit
        .labels
        .iter()
        .map(|&l| new[l].unwrap_or(usize::MAX))
        .collect();
    let modes = modes_of(units, &unit_labels, k);
    let unit_distance: Vec<f64> = (0..units.len())
        .map(|u| match unit_labels[u] {
            usize::MAX => 0.0,
            label => params
                .dissimilarity
                .between(units.rows.row(u), &modes[label]),
        })
        .collect();
    let distances = profile_of_case.iter().map(|&p| unit_distance[p]).collect();
    let probabilities = fit.probabilities.as_ref().map(|unit_probabilities| {
        // One column per cluster that is a class: not the rest group of dissolved clusters,
        // which is numbered last.
        let classes = &new[..unit_probabilities.ncols()];
        let n_columns = classes.iter().flatten().count();
        let mut out = Array2::zeros((matrix.n_cases(), n_columns));
        for (case, &p) in profile_of_case.iter().enumerate() {
            for (raw, column) in classes.iter().enumerate() {
                if let Some(column) = column {
                    out[[case, *column]] = unit_probabilities[[p, raw]];
                }
            }
        }
        out
    });
    let cores = fit.cores.as_ref().map(|raw_cores| {
        let mut out = vec![Vec::new(); k];
        for (raw, core) in raw_cores.iter().enumerate() {
            if let Some(Some(number)) = new.get(raw) {
                out[*number] = core.clone();
            }
        }
        out
    });
    Clustering {
        labels,
        k,
        distances,
        probabilities,
        noise_cluster: fit.noise_label.and_then(|l| new[l]),
        cores,
    }
}

/// The cluster of each unit, from a per-case clustering (all cases of a unit share it).
pub(crate) fn unit_labels(
    clustering: &Clustering,
    profile_of_case: &[usize],
    n_units: usize,
) -> Vec<usize> {
    let mut labels = vec![0; n_units];
    for (case, &p) in profile_of_case.iter().enumerate() {
        labels[p] = clustering.labels[case];
    }
    labels
}
