//! The linfa baselines: k-means, DBSCAN and a Gaussian mixture on the dense 0/1 matrix.
//!
//! k-means and the Gaussian mixture are fitted on the cases (each profile repeated by its
//! count), then every profile is labelled by the fitted model, which labels identical cases
//! alike. DBSCAN is run on the profiles repeated at most `min_points` times: whether a point
//! is a core point only depends on whether its neighbourhood holds `min_points` cases, and
//! capping every profile's copies at `min_points` never changes that answer, while it keeps
//! neighbourhoods (and DBSCAN's quadratic worst case) small.

use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa::prelude::{Fit, Predict, Transformer};
use linfa_clustering::{Dbscan, GaussianMixtureModel, KMeans};
use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::ground::{UnitFit, Units, derive_seed, streams};
use super::params::{DbscanParams, GmmParams, KMeansParams};
use crate::error::{Error, Result};

/// linfa's k-means (k-means++ initialisation, `n_init` runs).
pub(super) fn kmeans(
    units: &Units<'_>,
    k: usize,
    params: &KMeansParams,
    seed: u64,
) -> Result<UnitFit> {
    let k = k.min(units.len()).max(1);
    let cases = DatasetBase::from(expand(units, usize::MAX));
    let rng = Xoshiro256Plus::seed_from_u64(derive_seed(seed, streams::RESTART, 0));
    let model = KMeans::params_with_rng(k, rng)
        .n_runs(params.n_init)
        .max_n_iterations(params.max_iter as u64)
        .tolerance(1e-6)
        .check()
        .map_err(|e| Error::Data(format!("kmeans: {e}")))?
        .fit(&cases)
        .map_err(|e| Error::Data(format!("kmeans failed on this data: {e}")))?;
    let labels = model.predict(&units.rows.to_dense()).to_vec();
    Ok(plain_fit(k, labels, k))
}

/// linfa's Gaussian mixture with full covariances, [`GmmParams::reg_covariance`] added to
/// their diagonals.
pub(super) fn gmm(units: &Units<'_>, k: usize, params: &GmmParams, seed: u64) -> Result<UnitFit> {
    let k = k.min(units.len()).max(1);
    let cases = DatasetBase::from(expand(units, usize::MAX));
    let rng = Xoshiro256Plus::seed_from_u64(derive_seed(seed, streams::RESTART, 0));
    let model = GaussianMixtureModel::params_with_rng(k, rng)
        .n_runs(params.n_init as u64)
        .max_n_iterations(params.max_iter as u64)
        .reg_covariance(params.reg_covariance)
        .check()
        .map_err(|e| Error::Data(format!("gmm: {e}")))?
        .fit(&cases)
        .map_err(|e| {
            Error::Data(format!(
                "gmm failed on this data ({e}); a larger gmm_reg_covariance or another algorithm \
                 may work"
            ))
        })?;
    let labels = model.predict(&units.rows.to_dense()).to_vec();
    Ok(plain_fit(k, labels, k))
}

/// linfa's DBSCAN with a Euclidean radius that admits `dbscan_max_differences` differing tags.
/// `k` is not used; noise gets the label after the clusters.
pub(super) fn dbscan(units: &Units<'_>, k: usize, params: &DbscanParams) -> Result<UnitFit> {
    let min_points = params.min_points;
    let copies: Vec<usize> = units.weights.iter().map(|&w| w.min(min_points)).collect();
    let points = expand(units, min_points);
    // 0/1 rows differing in d tags are sqrt(d) apart: a radius between sqrt(d) and sqrt(d + 1)
    // admits exactly d differences, safe from rounding.
    let radius = (params.max_differences as f64 + 0.5).sqrt();
    let memberships = Dbscan::params(min_points)
        .tolerance(radius)
        .check()
        .map_err(|e| Error::Data(format!("dbscan: {e}")))?
        .transform(&points);
    let n_clusters = memberships.iter().flatten().max().map_or(0, |&m| m + 1);
    let mut labels = Vec::with_capacity(units.len());
    let mut first_copy = 0;
    for &count in &copies {
        labels.push(memberships[first_copy].unwrap_or(n_clusters));
        first_copy += count;
    }
    let has_noise = labels.contains(&n_clusters);
    let mut fit = plain_fit(k, labels, n_clusters + usize::from(has_noise));
    fit.noise_label = has_noise.then_some(n_clusters);
    Ok(fit)
}

fn plain_fit(requested_k: usize, labels: Vec<usize>, n_labels: usize) -> UnitFit {
    UnitFit {
        requested_k,
        labels,
        n_labels,
        probabilities: None,
        log_likelihood: None,
        noise_label: None,
        dendrogram: None,
        cores: None,
    }
}

/// The dense 0/1 rows of the units, each repeated `min(weight, cap)` times.
fn expand(units: &Units<'_>, cap: usize) -> Array2<f64> {
    let dense = units.rows.to_dense();
    let total: usize = units.weights.iter().map(|&w| w.min(cap)).sum();
    let mut out = Array2::zeros((total, units.rows.n_tags()));
    let mut row = 0;
    for (u, &w) in units.weights.iter().enumerate() {
        for _ in 0..w.min(cap) {
            out.row_mut(row).assign(&dense.row(u));
            row += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;
    use crate::tag_matrix::TagMatrix;

    fn two_groups() -> TagMatrix {
        let a = [TagId(0), TagId(1)];
        let a2 = [TagId(0), TagId(1), TagId(2)];
        let b = [TagId(3), TagId(4)];
        let rows: Vec<&[TagId]> = (0..40)
            .map(|i| match i % 4 {
                0 | 1 => &a[..],
                2 => &a2[..],
                _ => &b[..],
            })
            .collect();
        TagMatrix::from_rows(5, rows)
    }

    #[test]
    fn kmeans_and_gmm_separate_two_groups() {
        let matrix = two_groups();
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        for fit in [
            kmeans(&units, 2, &KMeansParams::default(), 1).unwrap(),
            gmm(&units, 2, &GmmParams::default(), 1).unwrap(),
        ] {
            // Profiles in bit order: {0,1}, {0,1,2}, {3,4}.
            assert_eq!(fit.labels[0], fit.labels[1]);
            assert_ne!(fit.labels[0], fit.labels[2]);
        }
    }

    #[test]
    fn dbscan_marks_sparse_profiles_as_noise() {
        let mut rows: Vec<Vec<TagId>> = vec![vec![TagId(0), TagId(1)]; 12];
        rows.push(vec![TagId(2), TagId(3), TagId(4)]);
        let matrix = TagMatrix::from_rows(5, rows.iter().map(Vec::as_slice));
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let fit = dbscan(&units, 0, &DbscanParams::default()).unwrap();
        assert_eq!(fit.n_labels, 2);
        assert_eq!(fit.noise_label, Some(1));
        assert_eq!(fit.labels, vec![0, 1]);
    }
}
