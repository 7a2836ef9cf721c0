//! Latent class analysis: a finite mixture of independent Bernoulli distributions over the
//! tags, fitted by EM on the distinct profiles weighted by their counts (the same likelihood
//! as over the cases, at a fraction of the cost). This is what R's poLCA fits for binary
//! items, here with a weak Beta prior on the tag probabilities (maximum a posteriori EM; see
//! [`LcaParams::prior_strength`]).
//!
//! Each restart starts from `k` profiles picked k-means++-style (the first by weight, the
//! next ones with probability proportional to weight × squared Hamming distance to the
//! picked ones), each class's tag probabilities set to `0.75 × profile + 0.25 × overall
//! prevalence`. Tag probabilities are kept within `[1e-6, 1 − 1e-6]` so that no case ever has
//! likelihood 0 under a class. After a few iterations the start with the highest objective
//! (log-likelihood plus log prior; ties: the lowest start) is run to convergence.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::ground::{UnitFit, Units, add_row, derive_seed, most_probable, streams};
use super::params::LcaParams;

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
    /// `delta` holds one row of `k` per tag, so a tag adds one contiguous row; each class's
    /// sum is still `base + Σ delta` in the order of the tags.
    fn log_joint(tags: &[usize], out: &mut [f64], base: &[f64], delta: &[f64]) {
        let k = out.len();
        out.copy_from_slice(base);
        for &t in tags {
            for (value, d) in out.iter_mut().zip(&delta[t * k..(t + 1) * k]) {
                *value += d;
            }
        }
    }

    /// Per class: `ln share + Σ_t ln(1 − p_t)`, and per tag and class `ln p_t − ln(1 − p_t)`
    /// (tag-major), so that a row's log-likelihood costs one addition per tag it carries.
    fn precompute(&self) -> (Vec<f64>, Vec<f64>) {
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
        let k = self.shares.len();
        let n_tags = self.tag_probabilities.first().map_or(0, Vec::len);
        let mut delta = vec![0.0; n_tags * k];
        for (c, probs) in self.tag_probabilities.iter().enumerate() {
            for (t, &p) in probs.iter().enumerate() {
                delta[t * k + c] = p.ln() - (1.0 - p).ln();
            }
        }
        (base, delta)
    }

    /// Posterior class probabilities of each unit and the total log-likelihood.
    #[cfg(test)]
    pub fn posteriors(&self, unit_tags: &[Vec<usize>], weights: &[usize]) -> (Array2<f64>, f64) {
        let k = self.shares.len();
        let n_tags = self.tag_probabilities.first().map_or(0, Vec::len);
        let mut posteriors = vec![0.0; unit_tags.len() * k];
        let mut log_likelihoods = vec![0.0; unit_tags.len()];
        let units = EmUnits {
            unit_tags,
            weights,
            n_tags,
        };
        let step = self.e_step(&units, &mut posteriors, &mut log_likelihoods);
        let out = Array2::from_shape_vec((unit_tags.len(), k), posteriors)
            .expect("one row of k per unit");
        (out, step.log_likelihood)
    }

    /// The E-step: each unit's posterior class probabilities (into `posteriors`, a row of k
    /// per unit) and the log-likelihood; on the same pass, the sums the next M-step needs.
    /// The sums are taken per chunk of [`M_STEP_CHUNK`] units in unit order and added in
    /// chunk order, and the log-likelihood in unit order, so that none depends on the number
    /// of threads. (One pass for both: a second pass over the posteriors for the M-step
    /// cost a fifth of clustering a million cases.)
    fn e_step(
        &self,
        units: &EmUnits<'_>,
        posteriors: &mut [f64],
        log_likelihoods: &mut [f64],
    ) -> EStep {
        let k = self.shares.len();
        let n_tags = units.n_tags;
        let (base, delta) = self.precompute();
        let partials: Vec<(Vec<f64>, Vec<f64>)> = posteriors
            .par_chunks_mut(M_STEP_CHUNK * k.max(1))
            .zip(log_likelihoods.par_chunks_mut(M_STEP_CHUNK))
            .enumerate()
            .map(|(chunk, (joints, chunk_log_likelihoods))| {
                let mut class_weight = vec![0.0f64; k];
                let mut tag_weight = vec![0.0f64; k * n_tags];
                let first = chunk * M_STEP_CHUNK;
                for (i, (joint, log_likelihood)) in joints
                    .chunks_mut(k.max(1))
                    .zip(chunk_log_likelihoods.iter_mut())
                    .enumerate()
                {
                    let tags = &units.unit_tags[first + i];
                    Self::log_joint(tags, joint, &base, &delta);
                    let max = joint.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    // One exponential per class: the posterior is its share of the sum. Below
                    // e^-745 an exponential is 0 in f64 anyway, and costs nothing to skip.
                    let mut sum = 0.0;
                    for value in joint.iter_mut() {
                        let x = *value - max;
                        *value = if x < -745.0 { 0.0 } else { x.exp() };
                        sum += *value;
                    }
                    *log_likelihood = max + sum.ln();
                    let scale = 1.0 / sum;
                    for value in joint.iter_mut() {
                        *value *= scale;
                    }
                    // Each class's sums take the same terms in the same order as class by
                    // class; tag-major rows of k make each tag one contiguous update.
                    let w = units.weights[first + i] as f64;
                    for (sum, &p) in class_weight.iter_mut().zip(joint.iter()) {
                        *sum += w * p;
                    }
                    for &t in tags {
                        for (sum, &p) in tag_weight[t * k..(t + 1) * k].iter_mut().zip(joint.iter())
                        {
                            *sum += w * p;
                        }
                    }
                }
                (class_weight, tag_weight)
            })
            .collect();
        let mut class_weight = vec![0.0f64; k];
        let mut tag_weight = vec![0.0f64; k * n_tags];
        for (cw, tw) in &partials {
            for (sum, v) in class_weight.iter_mut().zip(cw) {
                *sum += v;
            }
            for (sum, v) in tag_weight.iter_mut().zip(tw) {
                *sum += v;
            }
        }
        EStep {
            // Summed in unit order, so the total does not depend on the number of threads.
            log_likelihood: log_likelihoods
                .iter()
                .zip(units.weights)
                .map(|(&l, &w)| w as f64 * l)
                .sum(),
            class_weight,
            tag_weight,
        }
    }
}

/// The units as the E-step reads them.
struct EmUnits<'a> {
    unit_tags: &'a [Vec<usize>],
    weights: &'a [usize],
    n_tags: usize,
}

/// What an E-step gives: the log-likelihood, and per class (and per tag and class,
/// tag-major) the weighted posterior sums that the M-step turns into the next model.
struct EStep {
    log_likelihood: f64,
    class_weight: Vec<f64>,
    tag_weight: Vec<f64>,
}

/// BIC: `−2 log L + p ln n`.
pub(crate) fn bic(log_likelihood: f64, n_parameters: usize, n_cases: usize) -> f64 {
    -2.0 * log_likelihood + n_parameters as f64 * (n_cases as f64).ln()
}

/// Fits the model with `params.n_init` starts, labels each unit by its most probable class
/// (ties: the lowest class).
pub(super) fn fit(units: &Units<'_>, k: usize, params: &LcaParams, seed: u64) -> UnitFit {
    let (model, posteriors, log_likelihood) = fit_model(units, k, params, seed);
    let labels = (0..units.len())
        .map(|u| most_probable(posteriors.row(u).as_slice().expect("row-major")))
        .collect();
    UnitFit {
        requested_k: k,
        labels,
        n_labels: model.shares.len(),
        probabilities: Some(posteriors),
        log_likelihood: Some((log_likelihood, model.n_parameters())),
        noise_label: None,
        dendrogram: None,
        cores: None,
    }
}

/// The best fit over `params.n_init` starts: model, posteriors per unit and log-likelihood.
///
/// Every start runs [`SHORT_RUN_ITERATIONS`] EM iterations, and only the start with the
/// highest objective then runs to convergence: the "emEM" strategy of Biernacki, Celeux and
/// Govaert (2003). It costs a fraction of running every start to convergence and usually
/// ends at the same optimum, because starts that will lose are mostly behind early; it is not
/// guaranteed to.
pub(crate) fn fit_model(
    units: &Units<'_>,
    k: usize,
    params: &LcaParams,
    seed: u64,
) -> (LatentClassModel, Array2<f64>, f64) {
    let data = EmData::new(units, params.prior_strength);
    let short_iterations = SHORT_RUN_ITERATIONS.min(params.max_iter);
    let short_runs: Vec<Em> = (0..params.n_init)
        .into_par_iter()
        .map(|restart| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(
                seed,
                streams::RESTART,
                restart as u64,
            ));
            let start = initial_model(units, &data, k, &mut rng);
            em(&data, start, short_iterations)
        })
        .collect();
    let best = short_runs
        .into_iter()
        .enumerate()
        .max_by(|(ra, a), (rb, b)| a.objective.total_cmp(&b.objective).then(rb.cmp(ra)))
        .map(|(_, best)| best)
        .expect("at least one start");
    let best = if best.converged {
        best
    } else {
        em(&data, best.model, params.max_iter - short_iterations)
    };
    (best.model, best.posteriors, best.log_likelihood)
}

/// Every start runs this many EM iterations before the best one is run to convergence.
const SHORT_RUN_ITERATIONS: usize = 25;

/// The units as EM reads them, and the prior.
struct EmData<'a> {
    unit_tags: Vec<Vec<usize>>,
    weights: &'a [usize],
    n_tags: usize,
    /// Σ weights.
    total: f64,
    /// Overall prevalence of each tag, the centre of the prior.
    prevalence: Vec<f64>,
    /// The prior's weight in cases: [`LcaParams::prior_strength`], or 1% of the
    /// cases if that is less.
    prior_strength: f64,
}

impl<'a> EmData<'a> {
    fn new(units: &Units<'a>, prior_strength: f64) -> EmData<'a> {
        let n_tags = units.rows.n_tags();
        let total = units.total_weight() as f64;
        let mut counts = vec![0usize; n_tags];
        for u in 0..units.len() {
            add_row(&mut counts, units.rows.row(u), units.weights[u]);
        }
        EmData {
            unit_tags: (0..units.len())
                .map(|u| units.rows.tags_of(u).iter().map(|t| t.index()).collect())
                .collect(),
            weights: units.weights,
            n_tags,
            total,
            prevalence: counts.iter().map(|&c| c as f64 / total).collect(),
            prior_strength: prior_strength.min(total / 100.0),
        }
    }

    /// The log density of the prior at `model`, up to a constant: per class and tag a Beta
    /// distribution worth `prior_strength` cases of the overall prevalence.
    fn log_prior(&self, model: &LatentClassModel) -> f64 {
        if self.prior_strength == 0.0 {
            return 0.0;
        }
        model
            .tag_probabilities
            .iter()
            .map(|probs| {
                probs
                    .iter()
                    .zip(&self.prevalence)
                    .map(|(&p, &q)| self.prior_strength * (q * p.ln() + (1.0 - q) * (1.0 - p).ln()))
                    .sum::<f64>()
            })
            .sum()
    }
}

/// The state after some EM iterations.
struct Em {
    model: LatentClassModel,
    posteriors: Array2<f64>,
    log_likelihood: f64,
    /// Log-likelihood plus log prior: what EM maximises.
    objective: f64,
    converged: bool,
}

fn initial_model(
    units: &Units<'_>,
    data: &EmData<'_>,
    k: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> LatentClassModel {
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
            let mut probs: Vec<f64> = data.prevalence.iter().map(|&p| 0.25 * p).collect();
            for &t in &data.unit_tags[u] {
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

/// Units per chunk of the M-step's sums. Fixed, so that partial sums are added in the same
/// order whatever the number of threads.
const M_STEP_CHUNK: usize = 4096;

/// Runs EM from `model` for at most `max_iter` iterations, or until the objective improves
/// by less than [`TOLERANCE`] (relative).
fn em(data: &EmData<'_>, mut model: LatentClassModel, max_iter: usize) -> Em {
    let k = model.shares.len();
    let n_tags = data.n_tags;
    let units = EmUnits {
        unit_tags: &data.unit_tags,
        weights: data.weights,
        n_tags,
    };
    let mut posteriors = vec![0.0; data.unit_tags.len() * k];
    let mut log_likelihoods = vec![0.0; data.unit_tags.len()];
    let mut step = model.e_step(&units, &mut posteriors, &mut log_likelihoods);
    let mut objective = step.log_likelihood + data.log_prior(&model);
    let mut converged = false;
    for _ in 0..max_iter {
        // M-step, from the weighted responsibilities the E-step summed.
        for c in 0..k {
            model.shares[c] = step.class_weight[c] / data.total;
            let denominator = step.class_weight[c] + data.prior_strength;
            if denominator > 0.0 {
                for t in 0..n_tags {
                    let numerator =
                        step.tag_weight[t * k + c] + data.prior_strength * data.prevalence[t];
                    model.tag_probabilities[c][t] =
                        (numerator / denominator).clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR);
                }
            }
        }
        step = model.e_step(&units, &mut posteriors, &mut log_likelihoods);
        let next_objective = step.log_likelihood + data.log_prior(&model);
        let improvement = next_objective - objective;
        objective = next_objective;
        if improvement.abs() <= TOLERANCE * objective.abs().max(1.0) {
            converged = true;
            break;
        }
    }
    Em {
        model,
        posteriors: Array2::from_shape_vec((data.unit_tags.len(), k), posteriors)
            .expect("one row of k per unit"),
        log_likelihood: step.log_likelihood,
        objective,
        converged,
    }
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
        let (model, _, log_likelihood) = fit_model(&units, 1, &LcaParams::default(), 1);
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
    fn the_prior_shrinks_a_class_towards_the_overall_prevalence() {
        // 1,000 cases with tag 0 only, 1,000 with tag 1 only: two perfectly separated classes,
        // each with prevalence 0.5 overall. Without a prior a class never has the other's tag;
        // with a prior of a cases it has about a · 0.5 / (1000 + a), the MAP estimate (plus the
        // little posterior weight the other class's cases then get, about 2.5e-5 here).
        let rows: Vec<Vec<TagId>> = (0..2000).map(|i| vec![TagId(i % 2)]).collect();
        let matrix = TagMatrix::from_rows(2, rows.iter().map(Vec::as_slice));
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let fit = |prior: f64| {
            let params = LcaParams {
                prior_strength: prior,
                ..LcaParams::default()
            };
            let (model, _, _) = fit_model(&units, 2, &params, 3);
            let class_with_tag_0 = usize::from(model.tag_probabilities[0][0] < 0.5);
            model.tag_probabilities[class_with_tag_0][1]
        };
        assert!((fit(0.0) - PROBABILITY_FLOOR).abs() < 1e-9);
        let expected = 10.0 * 0.5 / (1000.0 + 10.0);
        assert!((fit(10.0) - expected).abs() < 1e-4, "{}", fit(10.0));
        // The prior is capped at 1% of the cases: 1,000 asked, 20 given at 2,000 cases.
        assert!(
            (fit(1000.0) - 20.0 * 0.5 / 1020.0).abs() < 1e-4,
            "{}",
            fit(1000.0)
        );
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
