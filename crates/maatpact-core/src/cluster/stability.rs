//! Hennig's (2007) bootstrap stability of each cluster.
//!
//! Each resample draws `m = min(n, bootstrap_max_cases)` cases with replacement (resample `b`
//! from its own generator seeded with `(seed, b)`), clusters them again with the same algorithm and k, and scores each
//! original cluster by the Jaccard similarity between its members that were drawn and the
//! most similar new cluster (over distinct drawn cases, as in fpc's `clusterboot`). A
//! cluster's bootstrap Jaccard is the mean over the resamples in which any of its members was
//! drawn. With `m < n` this is the m-out-of-n bootstrap: it keeps the cost of a resample
//! independent of the number of cases, and it is conservative, since a cluster that is
//! recovered from `m` cases is recovered at least as well from `n`.
//!
//! Hennig's raw Jaccard favours large clusters: a cluster holding 90% of the cases overlaps
//! any large new cluster by about 0.8 even when the two clusterings are unrelated, so on data
//! without structure it looks stable. The stability used for the `unstable` flag is therefore
//! adjusted for chance, the way the adjusted Rand index adjusts the Rand index:
//! `(J − J₀) / (1 − J₀)` per resample, where `J₀` is the best-match Jaccard expected if the new
//! clusters were drawn at random with their sizes (expected overlap `|C| |D| / m` for `m`
//! distinct drawn cases). Planted cocktails keep their value (about 0.15 is subtracted from
//! clusters of a quarter of the cases); a catch-all cluster on noise drops below 0.
//! Resamples run in parallel and are combined in order, so the result does not depend on the
//! number of threads.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::ground::{UnitFit, Units, derive_seed, streams};
use super::params::ClusterParams;
use super::{Clustering, finish, fit_units, unit_labels};
use crate::error::{Error, Result};
use crate::tag_matrix::TagMatrix;

/// Per cluster, Hennig's mean best-match Jaccard and its chance-adjusted version.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Stability {
    pub raw: Vec<f64>,
    pub adjusted: Vec<f64>,
}

/// The bootstrap stability of each cluster of `clustering`.
pub(super) fn bootstrap(
    n_cases: usize,
    units: &Units<'_>,
    profile_of_case: &[usize],
    clustering: &Clustering,
    requested_k: usize,
    params: &ClusterParams,
) -> Result<Stability> {
    let k = clustering.k;
    let original = unit_labels(clustering, profile_of_case, units.len());
    let per_resample: Vec<Vec<Option<(f64, f64)>>> = (0..params.bootstrap_resamples)
        .into_par_iter()
        .map(|b| {
            let seed = derive_seed(params.seed, streams::BOOTSTRAP, b as u64);
            one_resample(
                n_cases,
                units,
                profile_of_case,
                &original,
                k,
                requested_k,
                params,
                seed,
            )
            .map_err(|e| Error::Data(format!("bootstrap resample {}: {e}", b + 1)))
        })
        .collect::<Result<_>>()?;
    let mean = |pick: fn((f64, f64)) -> f64| -> Vec<f64> {
        (0..k)
            .map(|c| {
                let scores: Vec<f64> = per_resample.iter().filter_map(|r| r[c]).map(pick).collect();
                if scores.is_empty() {
                    0.0
                } else {
                    scores.iter().sum::<f64>() / scores.len() as f64
                }
            })
            .collect()
    };
    Ok(Stability {
        raw: mean(|(raw, _)| raw),
        adjusted: mean(|(_, adjusted)| adjusted),
    })
}

#[allow(clippy::too_many_arguments)]
fn one_resample(
    n_cases: usize,
    units: &Units<'_>,
    profile_of_case: &[usize],
    original: &[usize],
    k: usize,
    requested_k: usize,
    params: &ClusterParams,
    seed: u64,
) -> Result<Vec<Option<(f64, f64)>>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut drawn = vec![0u64; n_cases.div_ceil(64)];
    let mut draws = vec![0usize; units.len()];
    let mut distinct = vec![0usize; units.len()];
    for _ in 0..n_cases.min(params.bootstrap_max_cases) {
        let case = rng.gen_range(0..n_cases);
        let unit = profile_of_case[case];
        draws[unit] += 1;
        let (word, bit) = (case / 64, 1u64 << (case % 64));
        if drawn[word] & bit == 0 {
            drawn[word] |= bit;
            distinct[unit] += 1;
        }
    }
    let kept: Vec<usize> = (0..units.len()).filter(|&u| draws[u] > 0).collect();
    let rows = TagMatrix::from_rows(
        units.rows.n_tags(),
        kept.iter()
            .map(|&u| units.rows.tags_of(u))
            .collect::<Vec<_>>()
            .iter()
            .map(Vec::as_slice),
    );
    let weights: Vec<usize> = kept.iter().map(|&u| draws[u]).collect();
    let resampled = Units {
        rows: &rows,
        weights: &weights,
    };
    let fit = fit_units(&resampled, &[requested_k], params, seed)?
        .pop()
        .expect("one fit");
    // Distinct drawn cases per (original cluster, new cluster).
    let mut overlap = vec![vec![0usize; fit.n_labels]; k];
    let mut original_size = vec![0usize; k];
    let mut new_size = vec![0usize; fit.n_labels];
    for (i, &u) in kept.iter().enumerate() {
        let (c, d) = (original[u], fit.labels[i]);
        overlap[c][d] += distinct[u];
        original_size[c] += distinct[u];
        new_size[d] += distinct[u];
    }
    let drawn_total: usize = original_size.iter().sum();
    Ok((0..k)
        .map(|c| {
            (original_size[c] > 0).then(|| {
                let size = original_size[c] as f64;
                let (mut best, mut chance) = (0.0f64, 0.0f64);
                for d in 0..fit.n_labels {
                    let both = overlap[c][d] as f64;
                    best = best.max(both / (size + new_size[d] as f64 - both));
                    let expected = size * new_size[d] as f64 / drawn_total as f64;
                    chance = chance.max(expected / (size + new_size[d] as f64 - expected));
                }
                let adjusted = if chance < 1.0 {
                    (best - chance) / (1.0 - chance)
                } else {
                    0.0
                };
                (best, adjusted)
            })
        })
        .collect())
}

/// Moves the cases of clusters below the dissolve threshold into one rest group of households
/// in no cluster, when at least one cluster is stable: DBSCAN's noise cluster if there is one,
/// otherwise a new cluster, numbered last and marked as noise. Returns the new clustering, the
/// stability of its clusters (none for a new rest group) and the numbers of the dissolved
/// clusters (in the old numbering).
///
/// The households are not moved into the stable clusters: a dissolved group is typically the
/// households that share no cocktail, and counting them in a cocktail would blur its profile
/// and its savings.
pub(super) fn dissolve_unstable(
    matrix: &TagMatrix,
    profile_of_case: &[usize],
    units: &Units<'_>,
    clustering: Clustering,
    stability: Stability,
    params: &ClusterParams,
) -> (Clustering, Stability, Vec<usize>) {
    let k = clustering.k;
    let is_noise = |c: usize| clustering.noise_cluster == Some(c);
    let any_stable =
        (0..k).any(|c| !is_noise(c) && stability.adjusted[c] >= params.stability_threshold);
    let dissolved: Vec<usize> = (0..k)
        .filter(|&c| !is_noise(c) && stability.adjusted[c] < params.dissolve_threshold)
        .collect();
    if dissolved.is_empty() || !any_stable {
        return (clustering, stability, Vec::new());
    }
    let rest = clustering.noise_cluster.unwrap_or(k);
    let labels: Vec<usize> = unit_labels(&clustering, profile_of_case, units.len())
        .into_iter()
        .map(|label| {
            if dissolved.contains(&label) {
                rest
            } else {
                label
            }
        })
        .collect();
    // Unit-level posteriors, from any case of each unit; the rest group has no class.
    let unit_probabilities = clustering.probabilities.as_ref().map(|p| {
        let mut case_of_unit = vec![0; units.len()];
        for (case, &unit) in profile_of_case.iter().enumerate() {
            case_of_unit[unit] = case;
        }
        p.select(ndarray::Axis(0), &case_of_unit)
    });
    let fit = UnitFit {
        requested_k: k,
        labels,
        n_labels: k.max(rest + 1),
        probabilities: unit_probabilities,
        log_likelihood: None,
        noise_label: Some(rest),
        dendrogram: None,
        // The dissolved clusters' cores go with them; the rest group has none.
        cores: clustering.cores.as_ref().map(|cores| {
            (0..k.max(rest + 1))
                .map(|c| {
                    if c == rest || dissolved.contains(&c) {
                        Vec::new()
                    } else {
                        cores[c].clone()
                    }
                })
                .collect()
        }),
    };
    let after = finish(matrix, profile_of_case, units, &fit, params);
    // Old number of each new cluster: a case that kept its cluster tells.
    let mut old_of_new = vec![None; after.k];
    for (case, &new) in after.labels.iter().enumerate() {
        let old = clustering.labels[case];
        if !dissolved.contains(&old) {
            old_of_new[new] = Some(old);
        }
    }
    // Only the rest group, last, can lack an old number, so the values stay aligned.
    let kept = Stability {
        raw: old_of_new
            .iter()
            .flatten()
            .map(|&o| stability.raw[o])
            .collect(),
        adjusted: old_of_new
            .iter()
            .flatten()
            .map(|&o| stability.adjusted[o])
            .collect(),
    };
    (after, kept, dissolved)
}
