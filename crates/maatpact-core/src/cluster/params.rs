//! What a clustering is asked to do: the method with its own parameters ([`Algorithm`]),
//! and the parameters every method shares (k, stability, profiles, the verdict).
//! [`ClusterParams::check`] validates both before any work, as linfa's params do.

use std::fmt;
use std::str::FromStr;

use super::metrics;
use crate::error::{Error, Result};

/// The clustering method. Parsed from and shown as `kmodes`, `hierarchical`, `lca`, `kmeans`,
/// `dbscan` or `gmm`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ClusterAlgorithm {
    /// k-modes (Huang 1998) for binary data, with Cao and Huang initialisation.
    KModes,
    /// Agglomerative clustering with average linkage (UPGMA), cut at k.
    Hierarchical,
    /// Latent class analysis: a mixture of independent Bernoulli distributions fitted by EM,
    /// as R's poLCA, with a weak prior ([`LcaParams::prior_strength`]). Gives each
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

fn invalid(name: &'static str, message: impl Into<String>) -> Error {
    Error::InvalidParameter {
        name,
        message: message.into(),
    }
}

fn at_least_one(name: &'static str, value: usize) -> Result<()> {
    if value == 0 {
        return Err(invalid(name, "must be at least 1"));
    }
    Ok(())
}

/// Restarts and iterations of an iterative method: at least one of each.
fn restarts(n_init: usize, max_iter: usize) -> Result<()> {
    at_least_one("n_init", n_init)?;
    at_least_one("max_iter", max_iter)
}

fn finite_non_negative(name: &'static str, value: f64) -> Result<()> {
    if value >= 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(invalid(
            name,
            format!("must be a finite number of at least 0, got {value}"),
        ))
    }
}

/// k-modes: restarts, iterations and how the starting modes are picked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KModesParams {
    /// Restarts; the best one is kept (default 10).
    pub n_init: usize,
    /// Maximum iterations of one restart (default 300).
    pub max_iter: usize,
    /// Initialisation (default Cao for the first restart, Huang for the others).
    pub init: KModesInit,
}

impl Default for KModesParams {
    fn default() -> Self {
        KModesParams {
            n_init: 10,
            max_iter: 300,
            init: KModesInit::CaoThenHuang,
        }
    }
}

/// Latent class analysis: restarts, iterations and the prior.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LcaParams {
    /// Restarts; the best one is kept (default 10).
    pub n_init: usize,
    /// Maximum iterations of one restart (default 300).
    pub max_iter: usize,
    /// The weight, in cases, of a Beta prior on every class's tag probabilities, centred on
    /// the tag's overall prevalence (default 20), but at most 1% of the cases. The model is
    /// then fitted by maximum a posteriori EM: with few cases per class the estimates shrink
    /// towards the overall prevalence instead of overfitting the sample, while with
    /// thousands of cases per class the prior is negligible. The 1% cap keeps the prior well
    /// below the smallest class worth reporting on small samples (at 121 cases a prior of 20
    /// merged the classes into three). 0 gives plain maximum likelihood, as poLCA. Chosen on
    /// the `maatpact` preset: without a prior EM overfits at 1,000 cases (started from the
    /// true classes it drifts to an ARI 0.1 below the oracle's); 20 recovered every planted
    /// cocktail at 1,000 and 10,000 cases with a higher ARI than 5, 10 or 15; 30 merged the
    /// households without a cocktail into the cocktails at 1,000.
    pub prior_strength: f64,
}

impl Default for LcaParams {
    fn default() -> Self {
        LcaParams {
            n_init: 10,
            max_iter: 300,
            prior_strength: 20.0,
        }
    }
}

/// Agglomerative clustering: how much memory its distance matrix may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HierarchicalParams {
    /// It keeps a condensed matrix of profile distances, and refuses to run when that
    /// would need more than this many bytes (default 2 GiB, about 23,000 distinct profiles).
    pub max_linkage_bytes: usize,
}

impl Default for HierarchicalParams {
    fn default() -> Self {
        HierarchicalParams {
            max_linkage_bytes: 2 << 30,
        }
    }
}

/// linfa's k-means: restarts and iterations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KMeansParams {
    /// Restarts; the best one is kept (default 10).
    pub n_init: usize,
    /// Maximum iterations of one restart (default 300).
    pub max_iter: usize,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams {
            n_init: 10,
            max_iter: 300,
        }
    }
}

/// linfa's DBSCAN: the neighbourhood and the core points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DbscanParams {
    /// Neighbours: cases differing in at most this many tags (default 1).
    pub max_differences: usize,
    /// Core points need this many cases in their neighbourhood, themselves included
    /// (default 10).
    pub min_points: usize,
}

impl Default for DbscanParams {
    fn default() -> Self {
        DbscanParams {
            max_differences: 1,
            min_points: 10,
        }
    }
}

/// linfa's Gaussian mixture: restarts, iterations and the covariance regularisation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GmmParams {
    /// Restarts; the best one is kept (default 10).
    pub n_init: usize,
    /// Maximum iterations of one restart (default 300).
    pub max_iter: usize,
    /// Added to the diagonal of the covariances (default 1e-3): 0/1 data have singular
    /// covariances, which linfa's default of 1e-6 does not always survive.
    pub reg_covariance: f64,
}

impl Default for GmmParams {
    fn default() -> Self {
        GmmParams {
            n_init: 10,
            max_iter: 300,
            reg_covariance: 1e-3,
        }
    }
}

/// A clustering method with its own parameters. Built from a [`ClusterAlgorithm`] with
/// the defaults (`ClusterAlgorithm::KModes.into()`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Algorithm {
    /// k-modes.
    KModes(KModesParams),
    /// Average-linkage agglomerative clustering.
    Hierarchical(HierarchicalParams),
    /// Latent class analysis.
    Lca(LcaParams),
    /// linfa's k-means.
    KMeans(KMeansParams),
    /// linfa's DBSCAN.
    Dbscan(DbscanParams),
    /// linfa's Gaussian mixture.
    Gmm(GmmParams),
    /// The core-set mixture; its search has no parameters of its own (k_max bounds it).
    CoreSet,
}

impl Default for Algorithm {
    fn default() -> Self {
        ClusterAlgorithm::default().into()
    }
}

impl From<ClusterAlgorithm> for Algorithm {
    fn from(kind: ClusterAlgorithm) -> Algorithm {
        match kind {
            ClusterAlgorithm::KModes => Algorithm::KModes(KModesParams::default()),
            ClusterAlgorithm::Hierarchical => {
                Algorithm::Hierarchical(HierarchicalParams::default())
            }
            ClusterAlgorithm::Lca => Algorithm::Lca(LcaParams::default()),
            ClusterAlgorithm::KMeans => Algorithm::KMeans(KMeansParams::default()),
            ClusterAlgorithm::Dbscan => Algorithm::Dbscan(DbscanParams::default()),
            ClusterAlgorithm::Gmm => Algorithm::Gmm(GmmParams::default()),
            ClusterAlgorithm::CoreSet => Algorithm::CoreSet,
        }
    }
}

impl Algorithm {
    /// Which method this is.
    pub fn kind(&self) -> ClusterAlgorithm {
        match self {
            Algorithm::KModes(_) => ClusterAlgorithm::KModes,
            Algorithm::Hierarchical(_) => ClusterAlgorithm::Hierarchical,
            Algorithm::Lca(_) => ClusterAlgorithm::Lca,
            Algorithm::KMeans(_) => ClusterAlgorithm::KMeans,
            Algorithm::Dbscan(_) => ClusterAlgorithm::Dbscan,
            Algorithm::Gmm(_) => ClusterAlgorithm::Gmm,
            Algorithm::CoreSet => ClusterAlgorithm::CoreSet,
        }
    }

    /// The same method with `n_init` restarts, where it has restarts (k-modes, latent
    /// class analysis, k-means and the Gaussian mixture).
    pub fn with_restarts(mut self, n_init: usize) -> Algorithm {
        match &mut self {
            Algorithm::KModes(p) => p.n_init = n_init,
            Algorithm::Lca(p) => p.n_init = n_init,
            Algorithm::KMeans(p) => p.n_init = n_init,
            Algorithm::Gmm(p) => p.n_init = n_init,
            Algorithm::Hierarchical(_) | Algorithm::Dbscan(_) | Algorithm::CoreSet => {}
        }
        self
    }

    /// Checks the method's own parameters.
    fn check(&self) -> Result<()> {
        match self {
            Algorithm::KModes(p) => restarts(p.n_init, p.max_iter),
            Algorithm::Lca(p) => restarts(p.n_init, p.max_iter)
                .and_then(|()| finite_non_negative("lca_prior_strength", p.prior_strength)),
            Algorithm::KMeans(p) => restarts(p.n_init, p.max_iter),
            Algorithm::Gmm(p) => restarts(p.n_init, p.max_iter)
                .and_then(|()| finite_non_negative("gmm_reg_covariance", p.reg_covariance)),
            Algorithm::Dbscan(p) => at_least_one("dbscan_min_points", p.min_points),
            Algorithm::Hierarchical(_) | Algorithm::CoreSet => Ok(()),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind().fmt(f)
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
    /// The method, with its own parameters.
    pub algorithm: Algorithm,
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
    /// Dissimilarity for k-modes, hierarchical clustering and the silhouette (default Jaccard).
    pub dissimilarity: Dissimilarity,
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
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            algorithm: Algorithm::default(),
            k: KChoice::Auto,
            k_min: 2,
            k_max: 10,
            k_criterion: KCriterion::Silhouette,
            seed: 42,
            dissimilarity: Dissimilarity::Jaccard,
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
        }
    }
}

/// [`ClusterParams`] that passed [`ClusterParams::check`]: the only way into [`cluster`].
///
/// [`cluster`]: super::cluster
#[derive(Clone, Debug, PartialEq)]
pub struct ValidClusterParams(ClusterParams);

impl ValidClusterParams {
    /// The checked parameters.
    pub fn get(&self) -> &ClusterParams {
        &self.0
    }
}

impl ClusterParams {
    /// Checks every parameter; the first problem is returned as
    /// [`Error::InvalidParameter`].
    pub fn check(&self) -> Result<ValidClusterParams> {
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
        let kind = self.algorithm.kind();
        match (kind, self.k) {
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
        if self.k_criterion == KCriterion::Bic && kind != ClusterAlgorithm::Lca {
            return Err(invalid(
                "k_criterion",
                format!("bic needs a likelihood: only lca has one, not {kind}"),
            ));
        }
        self.algorithm.check()?;
        if self.bootstrap_max_cases < 2 {
            return Err(invalid("bootstrap_max_cases", "must be at least 2"));
        }
        share("stability_threshold", self.stability_threshold)?;
        share("dissolve_threshold", self.dissolve_threshold)?;
        share("defining_min_prevalence", self.defining_min_prevalence)?;
        share("min_reference_jaccard", self.min_reference_jaccard)?;
        finite_non_negative("defining_min_lift", self.defining_min_lift)?;
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
        Ok(ValidClusterParams(self.clone()))
    }
}
