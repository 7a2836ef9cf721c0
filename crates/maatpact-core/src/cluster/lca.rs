//! Latent class analysis: a finite mixture of independent Bernoulli distributions over the
//! tags, fitted by EM on the distinct profiles weighted by their counts (the same likelihood
//! as over the cases, at a fraction of the cost). This is what R's poLCA fits for binary
//! items.
//!
//! Each restart starts from `k` profiles picked k-means++-style (the first by weight, the
//! next ones with probability proportional to weight × squared Hamming distance to the
//! picked ones), each class's tag probabilities set to `0.75 × profile + 0.25 × overall
//! prevalence`. Tag probabilities are kept within `[1e-6, 1 − 1e-6]` so that no case ever has
//! likelihood 0 under a class. The restart with the highest log-likelihood wins (ties: the
//! lowest restart).

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::{ClusterParams, UnitFit, Units, add_row, derive_seed, streams};

const PROBABILITY_FLOOR: f64 = 1e-6;
/// EM stops when the log-likelihood improves by less than this, relative.
const TOLERANCE: f64 = 1e-6;

/// A fitted latent class model.
#[derive(Clone, Debug)]
pub(crate) struct LatentClassModel {
    /// Class shares, summing to 1.
    pub shares: Vec<f64>,
    /// Classes × tags: the probability that a case of the class has the tag.
    pub tag_probabilities: Vec<Vec<f64>>,
}

impl LatentClassModel {
    /// Number of free parameters: `k − 1` shares and `k × n_tags` probabilities.
    pub fn n_parameters(&self) -> usize {
        let k = self.shares.len();
        k - 1 + k * self.tag_probabilities.first().map_or(0, Vec::len)
    }

    /// Log of the joint probability of the row and each class (unnormalised posterior).
    fn log_joint(&self, tags: &[usize], out: &mut [f64], base: &[f64], delta: &[Vec<f64>]) {
        for c in 0..self.shares.len() {
            let mut value = base[c];
            for &t in tags {
                value += delta[c][t];
            }
            out[c] = value;
        }
    }

    /// Per class: `ln share + Σ_t ln(1 − p_t)`, and per tag `ln p_t − ln(1 − p_t)`, so that a
    /// row's log-likelihood costs one addition per tag it carries.
    fn precompute(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let base = self
            .shares
            .iter()
            .zip(&self.tag_probabilities)
            .map(|(&share, probs)| {
                let ln_share = if share > 0.0 {
                    share.ln()
                } else {
                    f64::NEG_INFINITY
                };
                ln_share + probs.iter().map(|&p| (1.0 - p).ln()).sum::<f64>()
            })
            .collect();
        let delta = self
            .tag_probabilities
            .iter()
            .map(|probs| probs.iter().map(|&p| p.ln() - (1.0 - p).ln()).collect())
            .collect();
        (base, delta)
    }

    /// Posterior class probabilities of each unit and the total log-likelihood.
    pub fn posteriors(&self, unit_tags: &[Vec<usize>], weights: &[usize]) -> (Array2<f64>, f64) {
        let k = self.shares.len();
        let (base, delta) = self.precompute();
        let rows: Vec<(Vec<f64>, f64)> = unit_tags
            .par_iter()
            .map(|tags| {
                let mut joint = vec![0.0; k];
                self.log_joint(tags, &mut joint, &base, &delta);
                let max = joint.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = joint.iter().map(|&v| (v - max).exp()).sum();
                let log_likelihood = max + sum.ln();
                let posterior = joint.iter().map(|&v| (v - log_likelihood).exp()).collect();
                (posterior, log_likelihood)
            })
            .collect();
        let mut out = Array2::zeros((unit_tags.len(), k));
        let mut total = 0.0;
        for (u, (posterior, log_likelihood)) in rows.into_iter().enumerate() {
            total += weights[u] as f64 * log_likelihood;
            for (c, p) in posterior.into_iter().enumerate() {
                out[[u, c]] = p;
            }
        }
        (out, total)
    }
}

/// BIC: `−2 log L + p ln n`.
pub(crate) fn bic(log_likelihood: f64, n_parameters: usize, n_cases: usize) -> f64 {
    -2.0 * log_likelihood + n_parameters as f64 * (n_cases as f64).ln()
}

/// Fits the model with `params.n_init` restarts, labels each unit by its most probable class
/// (ties: the lowest class).
pub(super) fn fit(units: &Units<'_>, k: usize, params: &ClusterParams, seed: u64) -> UnitFit {
    let (model, posteriors, log_likelihood) = fit_model(units, k, params, seed);
    let labels = (0..units.len())
        .map(|u| {
            let row = posteriors.row(u);
            let mut best = 0;
            for c in 1..row.len() {
                if row[c] > row[best] {
                    best = c;
                }
            }
            best
        })
        .collect();
    UnitFit {
        requested_k: k,
        labels,
        n_labels: model.shares.len(),
        probabilities: Some(posteriors),
        log_likelihood: Some((log_likelihood, model.n_parameters())),
        noise_label: None,
        dendrogram: None,
    }
}

/// The best of `params.n_init` EM runs: model, posteriors per unit and log-likelihood.
pub(crate) fn fit_model(
    units: &Units<'_>,
    k: usize,
    params: &ClusterParams,
    seed: u64,
) -> (LatentClassModel, Array2<f64>, f64) {
    let unit_tags: Vec<Vec<usize>> = (0..units.len())
        .map(|u| units.rows.tags_of(u).iter().map(|t| t.index()).collect())
        .collect();
    let runs: Vec<(LatentClassModel, Array2<f64>, f64)> = (0..params.n_init)
        .into_par_iter()
        .map(|restart| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(
                seed,
                streams::RESTART,
                restart as u64,
            ));
            let start = initial_model(units, &unit_tags, k, &mut rng);
            em(units, &unit_tags, start, params.max_iter)
        })
        .collect();
    runs.into_iter()
        .enumerate()
        .max_by(|(ra, a), (rb, b)| a.2.total_cmp(&b.2).then(rb.cmp(ra)))
        .map(|(_, best)| best)
        .expect("at least one restart")
}

fn initial_model(
    units: &Units<'_>,
    unit_tags: &[Vec<usize>],
    k: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> LatentClassModel {
    let n_tags = units.rows.n_tags();
    let n = units.total_weight() as f64;
    let mut counts = vec![0usize; n_tags];
    for u in 0..units.len() {
        add_row(&mut counts, units.rows.row(u), units.weights[u]);
    }
    let prevalence: Vec<f64> = counts.iter().map(|&c| c as f64 / n).collect();
    // k-means++ seeding over units, by weight × squared Hamming distance.
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    let mut nearest = vec![f64::INFINITY; units.len()];
    while picked.len() < k {
        let scores: Vec<f64> = (0..units.len())
            .map(|u| {
                let w = units.weights[u] as f64;
                if picked.is_empty() {
                    w
                } else {
                    w * nearest[u] * nearest[u]
                }
            })
            .collect();
        let total: f64 = scores.iter().sum();
        let pick = if total > 0.0 {
            let mut target = rng.gen_range(0.0..total);
            let mut chosen = units.len() - 1;
            for (u, &s) in scores.iter().enumerate() {
                if target < s {
                    chosen = u;
                    break;
                }
                target -= s;
            }
            chosen
        } else {
            // Fewer distinct profiles than classes: repeat one at random.
            rng.gen_range(0..units.len())
        };
        picked.push(pick);
        for (u, distance) in nearest.iter_mut().enumerate() {
            let d = super::metrics::hamming(units.rows.row(u), units.rows.row(pick)) as f64;
            *distance = distance.min(d);
        }
    }
    let tag_probabilities = picked
        .iter()
        .map(|&u| {
            let mut probs: Vec<f64> = prevalence.iter().map(|&p| 0.25 * p).collect();
            for &t in &unit_tags[u] {
                probs[t] += 0.75;
            }
            probs
                .into_iter()
                .map(|p| p.clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR))
                .collect()
        })
        .collect();
    LatentClassModel {
        shares: vec![1.0 / k as f64; k],
        tag_probabilities,
    }
}

fn em(
    units: &Units<'_>,
    unit_tags: &[Vec<usize>],
    mut model: LatentClassModel,
    max_iter: usize,
) -> (LatentClassModel, Array2<f64>, f64) {
    let k = model.shares.len();
    let n_tags = units.rows.n_tags();
    let n = units.total_weight() as f64;
    let (mut posteriors, mut log_likelihood) = model.posteriors(unit_tags, units.weights);
    for _ in 0..max_iter {
        // M-step: weighted responsibilities.
        let mut class_weight = vec![0.0f64; k];
        let mut tag_weight = vec![vec![0.0f64; n_tags]; k];
        for (u, tags) in unit_tags.iter().enumerate() {
            let w = units.weights[u] as f64;
            for c in 0..k {
                let r = w * posteriors[[u, c]];
                class_weight[c] += r;
                for &t in tags {
                    tag_weight[c][t] += r;
                }
            }
        }
        for c in 0..k {
            model.shares[c] = class_weight[c] / n;
            if class_weight[c] > 0.0 {
                for (probability, &weight) in
                    model.tag_probabilities[c].iter_mut().zip(&tag_weight[c])
                {
                    *probability = (weight / class_weight[c])
                        .clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR);
                }
            }
        }
        let (next_posteriors, next_log_likelihood) = model.posteriors(unit_tags, units.weights);
        let improvement = next_log_likelihood - log_likelihood;
        posteriors = next_posteriors;
        log_likelihood = next_log_likelihood;
        if improvement.abs() <= TOLERANCE * log_likelihood.abs().max(1.0) {
            break;
        }
    }
    (model, posteriors, log_likelihood)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;
    use crate::tag_matrix::TagMatrix;

    #[test]
    fn a_single_class_is_the_tag_prevalence() {
        // With one class, EM's answer is the maximum-likelihood prevalence of each tag.
        let rows: Vec<Vec<TagId>> = vec![
            vec![TagId(0)],
            vec![TagId(0), TagId(1)],
            vec![],
            vec![TagId(0)],
        ];
        let matrix = TagMatrix::from_rows(3, rows.iter().map(Vec::as_slice));
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let (model, _, log_likelihood) = fit_model(&units, 1, &ClusterParams::default(), 1);
        let probs = &model.tag_probabilities[0];
        assert!((probs[0] - 0.75).abs() < 1e-12);
        assert!((probs[1] - 0.25).abs() < 1e-12);
        assert!((probs[2] - PROBABILITY_FLOOR).abs() < 1e-15);
        // ln L = 4 (0.75 ln 0.75 + 0.25 ln 0.25) + 4 (0.25 ln 0.25 + 0.75 ln 0.75) + 4 ln(1 − 1e-6)
        let h = 0.75f64 * 0.75f64.ln() + 0.25 * 0.25f64.ln();
        let expected = 8.0 * h + 4.0 * (1.0 - PROBABILITY_FLOOR).ln();
        assert!(
            (log_likelihood - expected).abs() < 1e-9,
            "{log_likelihood} vs {expected}"
        );
        assert_eq!(model.n_parameters(), 3);
    }

    #[test]
    fn weighted_profiles_give_the_likelihood_of_the_cases() {
        let rows: Vec<Vec<TagId>> = (0..30)
            .map(|i| match i % 3 {
                0 => vec![TagId(0), TagId(1)],
                1 => vec![TagId(2)],
                _ => vec![TagId(0), TagId(2)],
            })
            .collect();
        let matrix = TagMatrix::from_rows(3, rows.iter().map(Vec::as_slice));
        let profiles = matrix.profiles();
        let weighted = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let ones = vec![1; matrix.n_cases()];
        let per_case = Units {
            rows: &matrix,
            weights: &ones,
        };
        let model = LatentClassModel {
            shares: vec![0.4, 0.6],
            tag_probabilities: vec![vec![0.9, 0.8, 0.1], vec![0.3, 0.05, 0.9]],
        };
        let tags = |units: &Units<'_>| -> Vec<Vec<usize>> {
            (0..units.len())
                .map(|u| units.rows.tags_of(u).iter().map(|t| t.index()).collect())
                .collect()
        };
        let (_, a) = model.posteriors(&tags(&weighted), weighted.weights);
        let (_, b) = model.posteriors(&tags(&per_case), per_case.weights);
        assert!((a - b).abs() < 1e-9);
    }
}
