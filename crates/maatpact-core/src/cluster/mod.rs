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
mod hierarchical;
mod kmodes;
mod lca;
mod linfa_baselines;
mod metrics;
mod oracle;
mod profile;
mod select;
mod stability;
#[cfg(test)]
pub(crate) mod testdata;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use ndarray::Array2;

use crate::config::{ReferenceCocktail, Vocabulary};
use crate::error::{Error, Result};
use crate::tag_matrix::TagMatrix;

pub use coreset::{ConfirmStatus, Confirmation, ReferenceVerdict, confirm};
pub use hierarchical::{Dendrogram, MergeStep};
pub use metrics::{adjusted_rand_index, normalized_mutual_information, silhouette};
pub use oracle::{BernoulliClasses, oracle_labels};
pub use profile::{ClusterProfile, ReferenceMatch, TagStat, defining_tags_of_partition};

/// The clustering method. Parsed from and shown as `kmodes`, `hierarchical`, `lca`, `kmeans`,
/// `dbscan` or `gmm`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ClusterAlgorithm {
    /// k-modes (Huang 1998) for binary data, with Cao and Huang initialisation.
    KModes,
    /// Agglomerative clustering with average linkage (UPGMA), cut at k.
    Hierarchical,
    /// Latent class analysis: a mixture of independent Bernoulli distributions fitted by EM,
    /// as R's poLCA, with a weak prior ([`ClusterParams::lca_prior_strength`]). Gives each
    /// case a probability per class.
    ///
    /// The default: in our measurements on `maatpact` synth data (k chosen by silhouette,
    /// 10 seeds per size) it came closest to the oracle (mean ARI 0.804 against 0.828 at
    /// 1,000 cases, 0.801 against 0.817 at 10,000, 0.793 against 0.813 at 100,000),
    /// recovered all four planted cocktails in 10 of 10 seeds at every size, and found
    /// exactly the four reference cocktails on the 121-case sample; it works on the weighted
    /// distinct profiles, so a million cases cost about as much as a hundred thousand.
    #[default]
    Lca,
    /// linfa's k-means on the 0/1 matrix (squared Euclidean distance = Hamming distance),
    /// fitted on the cases (linfa has no case weights), so its cost grows with the cases.
    KMeans,
    /// linfa's DBSCAN on the 0/1 matrix; finds its own number of clusters and marks noise.
    Dbscan,
    /// linfa's Gaussian mixture with full covariances on the 0/1 matrix.
    Gmm,
    /// The core-set mixture: each cocktail a core set of problems carried with high
    /// probability, every other problem at a background rate shared by all households, and
    /// households in no cocktail (see the `coreset` module). Chooses its own number of
    /// cocktails by description length unless k is fixed.
    CoreSet,
}

impl ClusterAlgorithm {
    /// Every algorithm, in the order of the documentation.
    pub const ALL: [ClusterAlgorithm; 7] = [
        ClusterAlgorithm::KModes,
        ClusterAlgorithm::Hierarchical,
        ClusterAlgorithm::Lca,
        ClusterAlgorithm::KMeans,
        ClusterAlgorithm::Dbscan,
        ClusterAlgorithm::Gmm,
        ClusterAlgorithm::CoreSet,
    ];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            ClusterAlgorithm::KModes => "kmodes",
            ClusterAlgorithm::Hierarchical => "hierarchical",
            ClusterAlgorithm::Lca => "lca",
            ClusterAlgorithm::KMeans => "kmeans",
            ClusterAlgorithm::Dbscan => "dbscan",
            ClusterAlgorithm::Gmm => "gmm",
            ClusterAlgorithm::CoreSet => "coreset",
        }
    }
}

impl fmt::Display for ClusterAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ClusterAlgorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<ClusterAlgorithm> {
        let key = s.trim().to_ascii_lowercase().replace(['-', '_'], "");
        ClusterAlgorithm::ALL
            .into_iter()
            .find(|a| a.name() == key)
            .ok_or_else(|| Error::InvalidParameter {
                name: "algorithm",
                message: format!(
                    "unknown algorithm `{s}`; expected one of kmodes, hierarchical, lca, kmeans, dbscan, gmm, coreset"
                ),
            })
    }
}

/// How many clusters to make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KChoice {
    /// Choose k in [`ClusterParams::k_min`]..=[`ClusterParams::k_max`] by
    /// [`ClusterParams::k_criterion`].
    #[default]
    Auto,
    /// Exactly this many clusters (fewer only when a cluster ends up empty).
    Fixed(usize),
}

impl fmt::Display for KChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KChoice::Auto => f.write_str("auto"),
            KChoice::Fixed(k) => write!(f, "{k}"),
        }
    }
}

impl FromStr for KChoice {
    type Err = Error;

    fn from_str(s: &str) -> Result<KChoice> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(KChoice::Auto);
        }
        s.parse::<usize>()
            .map(KChoice::Fixed)
            .map_err(|_| Error::InvalidParameter {
                name: "k",
                message: format!("`{s}` is neither `auto` nor a number of clusters"),
            })
    }
}

/// The dissimilarity between two tag sets, computed on the bitsets with popcount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dissimilarity {
    /// The number of tags in which the two sets differ.
    Hamming,
    /// `1 − |A ∩ B| / |A ∪ B|`; 0 for two empty sets.
    #[default]
    Jaccard,
}

impl Dissimilarity {
    /// The dissimilarity of two rows of a [`TagMatrix`].
    pub fn between(self, a: &[u64], b: &[u64]) -> f64 {
        match self {
            Dissimilarity::Hamming => metrics::hamming(a, b) as f64,
            Dissimilarity::Jaccard => metrics::jaccard_distance(a, b),
        }
    }
}

/// How [`KChoice::Auto`] compares numbers of clusters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KCriterion {
    /// The highest mean silhouette (with [`ClusterParams::dissimilarity`]), for every method.
    /// The default, also for the latent class model: on planted-cocktail data BIC chose too
    /// few classes on small samples (3 for 121 cases) and too many on large ones (6 to 7 for
    /// 100,000 cases, as the data are not exactly a latent class model), while the silhouette
    /// found the planted classes at every size.
    #[default]
    Silhouette,
    /// The lowest BIC; latent class analysis only.
    Bic,
}

/// How k-modes picks its starting modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KModesInit {
    /// Huang's method: random modes drawn from the tag frequencies, each replaced by the
    /// nearest case. Random, so every restart differs.
    Huang,
    /// Cao's method: the densest case first, then the cases that are dense and far from the
    /// chosen ones. Deterministic, so every restart is the same.
    Cao,
    /// The first restart uses Cao, the others Huang.
    #[default]
    CaoThenHuang,
}

/// Parameters of [`cluster`]. Check them with [`ClusterParams::check`] before use.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterParams {
    /// The method.
    pub algorithm: ClusterAlgorithm,
    /// How many clusters; DBSCAN finds its own number and only accepts [`KChoice::Auto`].
    pub k: KChoice,
    /// Smallest k tried by [`KChoice::Auto`] (default 2).
    pub k_min: usize,
    /// Largest k tried by [`KChoice::Auto`] (default 10).
    pub k_max: usize,
    /// How [`KChoice::Auto`] chooses (default: the silhouette).
    pub k_criterion: KCriterion,
    /// Seed of every random choice: restarts, bootstrap resamples and silhouette sampling.
    pub seed: u64,
    /// Restarts (k-modes, LCA, k-means, GMM); the best one is kept (default 10).
    pub n_init: usize,
    /// Maximum iterations of one restart (default 300).
    pub max_iter: usize,
    /// Dissimilarity for k-modes, hierarchical clustering and the silhouette (default Jaccard).
    pub dissimilarity: Dissimilarity,
    /// k-modes initialisation (default Cao for the first restart, Huang for the others).
    pub kmodes_init: KModesInit,
    /// Bootstrap resamples for the stability of each cluster (default 100; 0 skips it).
    pub bootstrap_resamples: usize,
    /// Each bootstrap resample draws this many cases at most (default 20,000): above it,
    /// stability is measured by the m-out-of-n bootstrap, so that its cost does not grow
    /// with the number of cases.
    pub bootstrap_max_cases: usize,
    /// Dissolve clusters whose stability is below [`ClusterParams::dissolve_threshold`] when
    /// at least one cluster is stable (default true): their cases go to the noise cluster of
    /// households in no cluster ([`Clustering::noise_cluster`]), and they are listed in
    /// [`ClusterResult::dissolved`]. Such a cluster is typically part of the leftover
    /// households that share no cocktail, which only form a recoverable group when there are
    /// enough of them; moving them into a cocktail instead would blur its profile and
    /// savings (and cost 0.02 of adjusted Rand index at 1,000 `maatpact` cases). When no
    /// cluster is stable nothing is dissolved: the verdict then says there is no structure.
    pub dissolve_unstable: bool,
    /// Below this stability a cluster is dissolved (default 0.5: Hennig calls clusters with a
    /// bootstrap Jaccard below 0.5 "dissolved"; between 0.5 and the stability threshold they
    /// stay, flagged unstable).
    pub dissolve_threshold: f64,
    /// A cluster whose chance-adjusted bootstrap Jaccard ([`ClusterProfile::stability`]) is
    /// below this is flagged unstable (default 0.6).
    pub stability_threshold: f64,
    /// A defining tag is carried by at least this share of the cluster (default 0.5) …
    pub defining_min_prevalence: f64,
    /// … and is at least this many times as common in the cluster as overall (default 1.2) …
    pub defining_min_lift: f64,
    /// … unless it is carried by at least this share of the cluster, whatever its lift
    /// (default 0.8). A tag that nearly every household has (housing, in Maatpact) can never
    /// reach the lift threshold anywhere, yet it belongs to every cocktail. Set above 1 to
    /// require the lift always.
    pub defining_dominant_prevalence: f64,
    /// A cluster of fewer cases than this is dissolved: its cases move to their next most
    /// probable class (latent class analysis) or the nearest remaining cluster mode (other
    /// methods; not DBSCAN, whose `min_points` already bounds cluster sizes). Default 10, the
    /// privacy threshold for a published cell: smaller clusters cannot be reported, and on
    /// small samples they are outliers that the mixture model gives a class of their own.
    pub min_cluster_size: usize,
    /// A reference cocktail is reported as a cluster's match only at a Jaccard similarity of
    /// at least this between the defining tags and the reference's tags (default 0.5).
    pub min_reference_jaccard: f64,
    /// Below this mean silhouette the data are said to have no clear structure (default 0.15).
    /// Kaufman and Rousseeuw's 0.25 is too strict for tag data with noise households: planted
    /// cocktails score 0.22 to 0.29, independent tags 0.05 to 0.13.
    pub min_structure_silhouette: f64,
    /// The silhouette is computed exactly over distinct profiles up to this many (default
    /// 5000); above, over a seeded sample of [`ClusterParams::silhouette_sample_cases`] cases.
    pub silhouette_exact_max_profiles: usize,
    /// The sample size of the silhouette above the exact limit (default 5000 cases).
    pub silhouette_sample_cases: usize,
    /// Hierarchical clustering keeps a condensed matrix of profile distances; it refuses to
    /// run when that matrix would need more than this many bytes (default 2 GiB, about
    /// 23,000 distinct profiles).
    pub max_linkage_bytes: usize,
    /// DBSCAN neighbourhood: cases differing in at most this many tags (default 1).
    pub dbscan_max_differences: usize,
    /// DBSCAN core points need this many cases in their neighbourhood, themselves included
    /// (default 10).
    pub dbscan_min_points: usize,
    /// Latent class analysis: the weight, in cases, of a Beta prior on every class's tag
    /// probabilities, centred on the tag's overall prevalence (default 20), but at most 1% of
    /// the cases. The model is then fitted by maximum a posteriori EM: with few cases per
    /// class the estimates shrink towards the overall prevalence instead of overfitting the
    /// sample, while with thousands of cases per class the prior is negligible. The 1% cap
    /// keeps the prior well below the smallest class worth reporting on small samples (at 121
    /// cases a prior of 20 merged the classes into three). 0 gives plain maximum likelihood,
    /// as poLCA. Chosen on the `maatpact` preset: without a prior EM overfits at 1,000 cases
    /// (started from the true classes it drifts to an ARI 0.1 below the oracle's); 20
    /// recovered every planted cocktail at 1,000 and 10,000 cases with a higher ARI than 5,
    /// 10 or 15; 30 merged the households without a cocktail into the cocktails at 1,000.
    pub lca_prior_strength: f64,
    /// Added to the diagonal of GMM covariances (default 1e-3): 0/1 data have singular
    /// covariances, which linfa's default of 1e-6 does not always survive.
    pub gmm_reg_covariance: f64,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            algorithm: ClusterAlgorithm::default(),
            k: KChoice::Auto,
            k_min: 2,
            k_max: 10,
            k_criterion: KCriterion::Silhouette,
            seed: 42,
            n_init: 10,
            max_iter: 300,
            dissimilarity: Dissimilarity::Jaccard,
            kmodes_init: KModesInit::CaoThenHuang,
            bootstrap_resamples: 100,
            bootstrap_max_cases: 20_000,
            dissolve_unstable: true,
            dissolve_threshold: 0.5,
            stability_threshold: 0.6,
            defining_min_prevalence: 0.5,
            defining_min_lift: 1.2,
            defining_dominant_prevalence: 0.8,
            min_reference_jaccard: 0.5,
            min_cluster_size: 10,
            min_structure_silhouette: 0.15,
            silhouette_exact_max_profiles: 5000,
            silhouette_sample_cases: 5000,
            max_linkage_bytes: 2 << 30,
            dbscan_max_differences: 1,
            dbscan_min_points: 10,
            lca_prior_strength: 20.0,
            gmm_reg_covariance: 1e-3,
        }
    }
}

/// [`ClusterParams`] that passed [`ClusterParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidClusterParams(ClusterParams);

impl std::ops::Deref for ValidClusterParams {
    type Target = ClusterParams;

    fn deref(&self) -> &ClusterParams {
        &self.0
    }
}

impl ClusterParams {
    /// Checks every parameter; the first problem is returned as
    /// [`Error::InvalidParameter`].
    pub fn check(&self) -> Result<ValidClusterParams> {
        fn invalid(name: &'static str, message: impl Into<String>) -> Error {
            Error::InvalidParameter {
                name,
                message: message.into(),
            }
        }
        let share = |name: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(invalid(
                    name,
                    format!("must be between 0 and 1, got {value}"),
                ))
            }
        };
        let non_negative = |name: &'static str, value: f64| {
            if value >= 0.0 && value.is_finite() {
                Ok(())
            } else {
                Err(invalid(
                    name,
                    format!("must be a finite number of at least 0, got {value}"),
                ))
            }
        };
        if self.k_min < 2 {
            return Err(invalid("k_min", "must be at least 2"));
        }
        if self.k_max < self.k_min {
            return Err(invalid(
                "k_max",
                format!(
                    "must be at least k_min ({}), got {}",
                    self.k_min, self.k_max
                ),
            ));
        }
        match (self.algorithm, self.k) {
            (ClusterAlgorithm::Dbscan, KChoice::Fixed(_)) => {
                return Err(invalid(
                    "k",
                    "dbscan finds its own number of clusters: use `auto`",
                ));
            }
            (_, KChoice::Fixed(k)) if k < 1 => {
                return Err(invalid("k", "must be at least 1"));
            }
            _ => {}
        }
        if self.k_criterion == KCriterion::Bic && self.algorithm != ClusterAlgorithm::Lca {
            return Err(invalid(
                "k_criterion",
                format!(
                    "bic needs a likelihood: only lca has one, not {}",
                    self.algorithm
                ),
            ));
        }
        if self.n_init == 0 {
            return Err(invalid("n_init", "must be at least 1"));
        }
        if self.bootstrap_max_cases < 2 {
            return Err(invalid("bootstrap_max_cases", "must be at least 2"));
        }
        if self.max_iter == 0 {
            return Err(invalid("max_iter", "must be at least 1"));
        }
        share("stability_threshold", self.stability_threshold)?;
        share("dissolve_threshold", self.dissolve_threshold)?;
        share("defining_min_prevalence", self.defining_min_prevalence)?;
        share("min_reference_jaccard", self.min_reference_jaccard)?;
        non_negative("defining_min_lift", self.defining_min_lift)?;
        if self.defining_dominant_prevalence.is_nan() || self.defining_dominant_prevalence < 0.0 {
            return Err(invalid(
                "defining_dominant_prevalence",
                format!(
                    "must be at least 0 (above 1 disables it), got {}",
                    self.defining_dominant_prevalence
                ),
            ));
        }
        if !(-1.0..=1.0).contains(&self.min_structure_silhouette) {
            return Err(invalid(
                "min_structure_silhouette",
                format!(
                    "must be between -1 and 1, got {}",
                    self.min_structure_silhouette
                ),
            ));
        }
        if self.silhouette_exact_max_profiles < 2 {
            return Err(invalid(
                "silhouette_exact_max_profiles",
                "must be at least 2",
            ));
        }
        if self.silhouette_sample_cases < 2 {
            return Err(invalid("silhouette_sample_cases", "must be at least 2"));
        }
        if self.dbscan_min_points == 0 {
            return Err(invalid("dbscan_min_points", "must be at least 1"));
        }
        non_negative("lca_prior_strength", self.lca_prior_strength)?;
        non_negative("gmm_reg_covariance", self.gmm_reg_covariance)?;
        Ok(ValidClusterParams(self.clone()))
    }
}

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
    params: &ValidClusterParams,
    references: &[ReferenceCocktail],
    vocabulary: &Vocabulary,
) -> Result<ClusterResult> {
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
        algorithm: params.algorithm,
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
    params: &ValidClusterParams,
    k: usize,
) -> Result<Clustering> {
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

/// Distinct rows with how many cases (or resampled draws) each stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Units<'a> {
    pub rows: &'a TagMatrix,
    pub weights: &'a [usize],
}

impl Units<'_> {
    pub fn len(&self) -> usize {
        self.rows.n_cases()
    }

    pub fn total_weight(&self) -> usize {
        self.weights.iter().sum()
    }
}

/// One fit on units, before renumbering: raw labels per unit.
#[derive(Clone, Debug)]
pub(crate) struct UnitFit {
    /// The k asked for.
    pub requested_k: usize,
    /// Raw label per unit, below `n_labels`.
    pub labels: Vec<usize>,
    pub n_labels: usize,
    /// Posterior class probabilities per unit (latent class analysis).
    pub probabilities: Option<Array2<f64>>,
    /// Log-likelihood and number of free parameters (latent class analysis).
    pub log_likelihood: Option<(f64, usize)>,
    /// The raw label of DBSCAN's noise.
    pub noise_label: Option<usize>,
    pub dendrogram: Option<Dendrogram>,
    /// The core-set mixture only: per raw label, the cocktail's core tags (none for the
    /// class of no cocktail).
    pub cores: Option<Vec<Vec<crate::case::TagId>>>,
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
    match params.algorithm {
        ClusterAlgorithm::KModes => ks
            .iter()
            .map(|&k| Ok(kmodes::fit(units, k, params, seed)))
            .collect(),
        ClusterAlgorithm::Hierarchical => hierarchical::fit(units, ks, params),
        ClusterAlgorithm::Lca => ks
            .iter()
            .map(|&k| Ok(lca::fit(units, k, params, seed)))
            .collect(),
        ClusterAlgorithm::KMeans => ks
            .iter()
            .map(|&k| linfa_baselines::kmeans(units, k, params, seed))
            .collect(),
        ClusterAlgorithm::Dbscan => ks
            .iter()
            .map(|&k| linfa_baselines::dbscan(units, k, params))
            .collect(),
        ClusterAlgorithm::Gmm => ks
            .iter()
            .map(|&k| linfa_baselines::gmm(units, k, params, seed))
            .collect(),
        // Deterministic: the search has no random start.
        ClusterAlgorithm::CoreSet => Ok(ks
            .iter()
            .map(|&k| coreset::fit(units, (k > 0).then_some(k), params))
            .collect()),
    }
}

/// The most probable class of a row of posteriors (ties: the lowest).
pub(crate) fn most_probable(row: &[f64]) -> usize {
    let mut best = 0;
    for c in 1..row.len() {
        if row[c] > row[best] {
            best = c;
        }
    }
    best
}

/// Moves the units of clusters smaller than `min_cluster_size` cases to the most probable
/// (latent class analysis) or nearest (by mode) remaining cluster. The largest cluster always
/// remains. DBSCAN fits are left alone.
fn dissolve_small_clusters(units: &Units<'_>, mut fit: UnitFit, params: &ClusterParams) -> UnitFit {
    // DBSCAN and the core-set mixture keep households that fit no cluster apart (noise, no
    // cocktail) rather than forcing them into one.
    if matches!(
        params.algorithm,
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

/// The new number of each raw label: non-empty clusters by weight (descending), then by the
/// first unit in `order_key` order; the noise label last; empty labels dropped (`None`).
pub(crate) fn renumber(
    raw_labels: &[usize],
    n_labels: usize,
    weights: &[usize],
    noise_label: Option<usize>,
) -> (Vec<Option<usize>>, usize) {
    let mut size = vec![0usize; n_labels];
    let mut first = vec![usize::MAX; n_labels];
    for (unit, &label) in raw_labels.iter().enumerate() {
        size[label] += weights[unit];
        first[label] = first[label].min(unit);
    }
    let mut order: Vec<usize> = (0..n_labels)
        .filter(|&l| size[l] > 0 && Some(l) != noise_label)
        .collect();
    order.sort_by_key(|&l| (std::cmp::Reverse(size[l]), first[l]));
    if let Some(noise) = noise_label.filter(|&l| size[l] > 0) {
        order.push(noise);
    }
    let mut new = vec![None; n_labels];
    for (index, &label) in order.iter().enumerate() {
        new[label] = Some(index);
    }
    (new, order.len())
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

/// The mode of each cluster: the tags carried by more than half of its weight. Units labelled
/// `usize::MAX` are skipped.
pub(crate) fn modes_of(units: &Units<'_>, labels: &[usize], k: usize) -> Vec<Vec<u64>> {
    let n_tags = units.rows.n_tags();
    let mut counts = vec![vec![0usize; n_tags]; k];
    let mut totals = vec![0usize; k];
    for (u, &label) in labels.iter().enumerate() {
        if label == usize::MAX {
            continue;
        }
        totals[label] += units.weights[u];
        add_row(&mut counts[label], units.rows.row(u), units.weights[u]);
    }
    counts
        .iter()
        .zip(&totals)
        .map(|(count, &total)| majority_row(count, total, units.rows.words_per_row()))
        .collect()
}

/// Adds `weight` to the count of every tag set in `row`.
pub(crate) fn add_row(counts: &mut [usize], row: &[u64], weight: usize) {
    for (w, &word) in row.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            counts[w * 64 + rest.trailing_zeros() as usize] += weight;
            rest &= rest - 1;
        }
    }
}

/// The bitset of the tags whose count is more than half of `total`.
pub(crate) fn majority_row(counts: &[usize], total: usize, words_per_row: usize) -> Vec<u64> {
    let mut row = vec![0u64; words_per_row];
    for (tag, &count) in counts.iter().enumerate() {
        if 2 * count > total {
            row[tag / 64] |= 1 << (tag % 64);
        }
    }
    row
}

/// A seed for one stream of randomness (restarts, resamples, …) and one index within it, so
/// that parallel work draws the same numbers whatever the thread count.
pub(crate) fn derive_seed(seed: u64, stream: u64, index: u64) -> u64 {
    let mut z = seed
        ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    // splitmix64's finaliser
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Streams of [`derive_seed`].
pub(crate) mod streams {
    pub const RESTART: u64 = 1;
    pub const BOOTSTRAP: u64 = 2;
    pub const SILHOUETTE_SAMPLE: u64 = 3;
}
