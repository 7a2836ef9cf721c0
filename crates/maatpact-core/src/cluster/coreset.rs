//! The core-set mixture: what a cocktail is, as a model.
//!
//! A cocktail is a core set of problems that occur together. A household in cocktail `k`
//! carries each core problem `t ∈ S_k` with its own probability `q_kt` (high), and every
//! other problem at the background rate `b_t` that all households share. Households in no
//! cocktail carry every problem at its background rate. So a cocktail costs one share and
//! `|S_k|` probabilities, not one probability per tag as a latent class does, which is what
//! a programme of 30 to 300 households can support.
//!
//! The structure is a description-length search over several starts:
//! 1. The background alone (no cocktail).
//! 2. A forward path: candidate cores are the closed frequent combinations of two or more
//!    tags with lift above 1, found on the weighted distinct profiles; starting from the
//!    background, the candidate whose addition lowers the description length most is
//!    added and EM refits everything, up to `k_max` cocktails. Every model on the path is
//!    a start: one cocktail alone may not pay for itself while the others still sit in the
//!    background.
//! 3. Latent class fits with 1 to `k_max` classes, each class's core being the tags most
//!    of it carries more often than overall. Latent classes split cocktails that share two
//!    tags, which a forward path of single additions does not.
//!
//! The start with the shortest description wins, and each of its cores is then refined by
//! adding or removing one tag at a time while that helps. With a fixed k, only starts with
//! k cocktails count.
//!
//! The description length is `−log L + ½ p ln n + Σ_k ln C(T, |S_k|)`: BIC's penalty for the
//! `p` free parameters, plus what it costs to say which `|S_k|` of the `T` tags form each
//! core. The last term is what keeps the search from naming chance combinations: a core of
//! three out of 22 tags must pay for being one of 1,540.
//!
//! Each household is labelled by its most probable class; the class of no cocktail is the
//! noise label (households in no cluster). Bootstrap stability, as for every method, checks
//! that a core comes back on resamples.

use super::ground::{UnitFit, Units};
use super::params::{ClusterParams, LcaParams};
use crate::case::TagId;

/// Probabilities are kept inside `[FLOOR, 1 − FLOOR]` so that no household is impossible.
const FLOOR: f64 = 1e-4;
/// EM stops when the log-likelihood improves by less than this, relative.
const TOLERANCE: f64 = 1e-7;
/// EM iterations when trying a candidate, and at most when refitting to convergence.
const TRIAL_ITERATIONS: usize = 8;
const FULL_ITERATIONS: usize = 200;
/// The most candidate cores considered (the best by lift × support), and the longest.
const MAX_CANDIDATES: usize = 120;
const MAX_CORE_LEN: usize = 6;
/// The initial probability of a core tag in a new cocktail.
const INITIAL_CORE_PROBABILITY: f64 = 0.9;
/// A core tag is carried by at least this share of its cocktail's households. Without it,
/// a tag that the cocktail's households lack would fit as a "core" tag of probability 0:
/// a cocktail is problems that occur together, not problems that are absent.
const MIN_CORE_PROBABILITY: f64 = 0.7;

/// The units as the model reads them.
struct Data {
    /// Per unit: its tags, by index.
    unit_tags: Vec<Vec<usize>>,
    /// Per unit: whether it has each tag (unit-major, `n_tags` per unit).
    has: Vec<bool>,
    weights: Vec<f64>,
    n_tags: usize,
    total: f64,
}

impl Data {
    fn new(units: &Units<'_>) -> Data {
        let n_tags = units.rows.n_tags();
        let unit_tags: Vec<Vec<usize>> = (0..units.len())
            .map(|u| units.rows.tags_of(u).iter().map(|t| t.index()).collect())
            .collect();
        let mut has = vec![false; unit_tags.len() * n_tags];
        for (u, tags) in unit_tags.iter().enumerate() {
            for &t in tags {
                has[u * n_tags + t] = true;
            }
        }
        let weights: Vec<f64> = units.weights.iter().map(|&w| w as f64).collect();
        Data {
            total: weights.iter().sum(),
            unit_tags,
            has,
            weights,
            n_tags,
        }
    }

    fn has(&self, unit: usize, tag: usize) -> bool {
        self.has[unit * self.n_tags + tag]
    }

    /// Weighted share of households with every tag of `set`.
    fn support(&self, set: &[usize]) -> f64 {
        let count: f64 = (0..self.weights.len())
            .filter(|&u| set.iter().all(|&t| self.has(u, t)))
            .map(|u| self.weights[u])
            .sum();
        count / self.total
    }
}

/// A fitted core-set mixture. Class 0 is no cocktail; class `k + 1` is cocktail `k`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CoreSetModel {
    /// Per cocktail, its core tags, sorted.
    pub cores: Vec<Vec<usize>>,
    /// Per core tag of each cocktail, the probability that a household of it has the tag.
    pub core_probabilities: Vec<Vec<f64>>,
    /// Class shares: no cocktail first.
    pub shares: Vec<f64>,
    /// The background rate of each tag.
    pub background: Vec<f64>,
}

impl CoreSetModel {
    fn background_only(data: &Data) -> CoreSetModel {
        let mut background = vec![0.0; data.n_tags];
        for (u, tags) in data.unit_tags.iter().enumerate() {
            for &t in tags {
                background[t] += data.weights[u];
            }
        }
        CoreSetModel {
            cores: Vec::new(),
            core_probabilities: Vec::new(),
            shares: vec![1.0],
            background: background
                .into_iter()
                .map(|c| clamp(c / data.total))
                .collect(),
        }
    }

    /// Free parameters: background rates, shares, core probabilities.
    fn n_parameters(&self) -> usize {
        self.background.len() + self.cores.len() + self.cores.iter().map(Vec::len).sum::<usize>()
    }

    /// The model with one more cocktail, started at `INITIAL_CORE_PROBABILITY` and a share of
    /// half the core's support.
    fn with_core(&self, core: &[usize], support: f64) -> CoreSetModel {
        let mut next = self.clone();
        let share = (support / 2.0).clamp(0.01, 0.5);
        for s in &mut next.shares {
            *s *= 1.0 - share;
        }
        next.shares.push(share);
        next.cores.push(core.to_vec());
        next.core_probabilities
            .push(vec![INITIAL_CORE_PROBABILITY; core.len()]);
        next
    }

    /// Cocktail `k` started afresh, as [`Self::with_core`] starts one: its share from the
    /// support of `core` (the others scaled to make room), its core probabilities initial.
    fn restarted(&self, k: usize, support: f64) -> CoreSetModel {
        let mut next = self.clone();
        let share = (support / 2.0).clamp(0.01, 0.5);
        let others = 1.0 - next.shares[k + 1];
        for (class, s) in next.shares.iter_mut().enumerate() {
            *s = if class == k + 1 {
                share
            } else if others > 0.0 {
                *s * (1.0 - share) / others
            } else {
                (1.0 - share) / (self.shares.len() - 1) as f64
            };
        }
        next.core_probabilities[k] = vec![INITIAL_CORE_PROBABILITY; self.cores[k].len()];
        next
    }

    /// Per unit, the log joint probability of each class, into `out` (`k + 1` per unit).
    fn log_joint(&self, data: &Data, unit: usize, out: &mut [f64]) {
        let ln1b: f64 = self.background.iter().map(|&b| (1.0 - b).ln()).sum();
        let base: f64 = ln1b
            + data.unit_tags[unit]
                .iter()
                .map(|&t| logit(self.background[t]))
                .sum::<f64>();
        out[0] = base + self.shares[0].ln();
        for (k, core) in self.cores.iter().enumerate() {
            let mut value = base + self.shares[k + 1].ln();
            for (&t, &q) in core.iter().zip(&self.core_probabilities[k]) {
                let b = self.background[t];
                value += if data.has(unit, t) {
                    q.ln() - b.ln()
                } else {
                    (1.0 - q).ln() - (1.0 - b).ln()
                };
            }
            out[k + 1] = value;
        }
    }

    /// Posteriors (unit-major, `k + 1` per unit) and the log-likelihood.
    fn posteriors(&self, data: &Data) -> (Vec<f64>, f64) {
        let classes = self.shares.len();
        let mut out = vec![0.0; data.weights.len() * classes];
        let mut log_likelihood = 0.0;
        for (u, row) in out.chunks_mut(classes).enumerate() {
            self.log_joint(data, u, row);
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for v in row.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            for v in row.iter_mut() {
                *v /= sum;
            }
            log_likelihood += data.weights[u] * (max + sum.ln());
        }
        (out, log_likelihood)
    }

    /// One M-step from posteriors.
    fn maximise(&mut self, data: &Data, posteriors: &[f64]) {
        let classes = self.shares.len();
        let mut class_weight = vec![0.0; classes];
        let mut core_hits: Vec<Vec<f64>> = self.cores.iter().map(|c| vec![0.0; c.len()]).collect();
        // Background: per tag, the weight of households whose class does not hold the tag
        // in its core, and how much of it carries the tag.
        // Every household counts towards every tag's background, less its core classes.
        let mut background_weight = vec![data.total; data.n_tags];
        let mut background_hits = vec![0.0; data.n_tags];
        for (u, row) in posteriors.chunks(classes).enumerate() {
            let w = data.weights[u];
            for (c, &r) in row.iter().enumerate() {
                class_weight[c] += w * r;
            }
            for &t in &data.unit_tags[u] {
                background_hits[t] += w;
            }
            for (k, core) in self.cores.iter().enumerate() {
                let r = w * row[k + 1];
                for (i, &t) in core.iter().enumerate() {
                    background_weight[t] -= r;
                    if data.has(u, t) {
                        core_hits[k][i] += r;
                        background_hits[t] -= r;
                    }
                }
            }
        }
        for (share, &weight) in self.shares.iter_mut().zip(&class_weight) {
            *share = (weight / data.total).max(1e-6);
        }
        for (k, hits) in core_hits.iter().enumerate() {
            for (q, &h) in self.core_probabilities[k].iter_mut().zip(hits) {
                *q = if class_weight[k + 1] > 0.0 {
                    clamp(h / class_weight[k + 1])
                } else {
                    INITIAL_CORE_PROBABILITY
                };
            }
        }
        for t in 0..data.n_tags {
            if background_weight[t] > 1e-9 {
                self.background[t] = clamp(background_hits[t].max(0.0) / background_weight[t]);
            }
        }
    }

    /// EM for at most `iterations`; returns the log-likelihood.
    fn em(&mut self, data: &Data, iterations: usize) -> f64 {
        let (mut posteriors, mut log_likelihood) = self.posteriors(data);
        for _ in 0..iterations {
            self.maximise(data, &posteriors);
            let (next, next_log_likelihood) = self.posteriors(data);
            let improvement = next_log_likelihood - log_likelihood;
            posteriors = next;
            log_likelihood = next_log_likelihood;
            if improvement.abs() <= TOLERANCE * log_likelihood.abs().max(1.0) {
                break;
            }
        }
        log_likelihood
    }

    /// `−log L + ½ p ln n + Σ ln C(T, |S|)`, in nats.
    fn description_length(&self, log_likelihood: f64, data: &Data) -> f64 {
        let structure: f64 = self
            .cores
            .iter()
            .map(|c| ln_binomial(data.n_tags, c.len()))
            .sum();
        -log_likelihood + 0.5 * self.n_parameters() as f64 * data.total.ln() + structure
    }
}

fn clamp(p: f64) -> f64 {
    p.clamp(FLOOR, 1.0 - FLOOR)
}

fn logit(p: f64) -> f64 {
    p.ln() - (1.0 - p).ln()
}

/// `ln C(n, k)`.
fn ln_binomial(n: usize, k: usize) -> f64 {
    (0..k).map(|i| ((n - i) as f64 / (i + 1) as f64).ln()).sum()
}

/// Closed frequent tag combinations of two to `MAX_CORE_LEN` tags, with lift above 1: the
/// candidate cores, best (lift × support) first. A combination is closed when no larger
/// one has the same support: a non-closed set is always worse than its closure as a core.
fn candidates(data: &Data, min_support: f64) -> Vec<(Vec<usize>, f64)> {
    let single: Vec<f64> = (0..data.n_tags).map(|t| data.support(&[t])).collect();
    let frequent: Vec<usize> = (0..data.n_tags)
        .filter(|&t| single[t] >= min_support)
        .collect();
    let mut found: Vec<(Vec<usize>, f64)> = Vec::new();
    let mut stack: Vec<(Vec<usize>, f64)> =
        frequent.iter().map(|&t| (vec![t], single[t])).collect();
    while let Some((set, support)) = stack.pop() {
        let last = *set.last().expect("never empty");
        let mut closed = true;
        for &t in frequent.iter().filter(|&&t| t > last) {
            let mut next = set.clone();
            next.push(t);
            let s = data.support(&next);
            if s >= min_support {
                closed &= s < support;
                if next.len() < MAX_CORE_LEN {
                    stack.push((next, s));
                } else if s > 0.0 {
                    found.push((next, s));
                }
            }
        }
        // A smaller tag could also keep the support; closure needs every tag outside.
        closed &= (0..data.n_tags)
            .filter(|t| !set.contains(t) && *t < last)
            .all(|t| {
                let mut with = set.clone();
                with.push(t);
                with.sort_unstable();
                data.support(&with) < support
            });
        if set.len() >= 2 && closed {
            found.push((set, support));
        }
    }
    let lift =
        |set: &[usize], support: f64| support / set.iter().map(|&t| single[t]).product::<f64>();
    let mut scored: Vec<(Vec<usize>, f64, f64)> = found
        .into_iter()
        .map(|(set, support)| {
            let l = lift(&set, support);
            (set, support, l)
        })
        .filter(|(_, _, l)| *l > 1.0)
        .collect();
    scored.sort_by(|a, b| {
        (b.2 * b.1)
            .total_cmp(&(a.2 * a.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    scored.dedup_by(|a, b| a.0 == b.0);
    scored
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(set, support, _)| (set, support))
        .collect()
}

/// The fitted model and its description length.
#[derive(Clone)]
struct Fitted {
    model: CoreSetModel,
    length: f64,
}

impl Fitted {
    /// Whether every core tag is carried by most of its cocktail, and every cocktail has
    /// households. (Not necessarily above its background rate: housing is a problem in
    /// nearly every household of these programmes, and in every cocktail.)
    fn is_cocktail_model(&self) -> bool {
        (0..self.model.cores.len()).all(|k| self.core_is_cocktail(k))
    }

    /// Whether cocktail `k` alone is carried by most of its households and has some.
    fn core_is_cocktail(&self, k: usize) -> bool {
        let m = &self.model;
        m.shares[k + 1] * 1e6 > 1.0
            && m.core_probabilities[k]
                .iter()
                .all(|&q| q >= MIN_CORE_PROBABILITY)
    }
}

fn refit(data: &Data, mut model: CoreSetModel, iterations: usize) -> Fitted {
    let log_likelihood = model.em(data, iterations);
    Fitted {
        length: model.description_length(log_likelihood, data),
        model,
    }
}

/// Adds the best candidate; `None` when none is left or (without `force`) none shortens
/// the description.
fn add_best(
    data: &Data,
    current: &Fitted,
    candidates: &[(Vec<usize>, f64)],
    force: bool,
) -> Option<Fitted> {
    let mut best: Option<Fitted> = None;
    for (core, support) in candidates {
        if current.model.cores.contains(core) {
            continue;
        }
        let trial = refit(
            data,
            current.model.with_core(core, *support),
            TRIAL_ITERATIONS,
        );
        if !trial.is_cocktail_model() {
            continue;
        }
        if best.as_ref().is_none_or(|b| trial.length < b.length) {
            best = Some(trial);
        }
    }
    let best = refit(data, best?.model, FULL_ITERATIONS);
    (best.is_cocktail_model() && (force || best.length < current.length)).then_some(best)
}

/// Adds or removes one tag of one core while that shortens the description.
fn refine(data: &Data, mut current: Fitted) -> Fitted {
    for _round in 0..MAX_CORE_LEN * 2 {
        let mut improved = false;
        for k in 0..current.model.cores.len() {
            for t in 0..data.n_tags {
                let Some(core) = toggled(&current.model.cores[k], t) else {
                    continue;
                };
                if let Some(next) = try_core(data, &current, k, core, Fitted::is_cocktail_model) {
                    current = next;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    current
}

/// Core `core` with tag `t` added or dropped, within two to `MAX_CORE_LEN` tags.
fn toggled(core: &[usize], t: usize) -> Option<Vec<usize>> {
    let mut next = core.to_vec();
    match next.binary_search(&t) {
        Ok(i) if core.len() > 2 => {
            next.remove(i);
        }
        Err(i) if core.len() < MAX_CORE_LEN => next.insert(i, t),
        _ => return None,
    }
    Some(next)
}

/// The model with cocktail `k`'s core replaced by `core` (its kept tags keep their
/// probabilities), if `valid` and shorter: judged on a short run, kept after a full one.
fn try_core(
    data: &Data,
    current: &Fitted,
    k: usize,
    core: Vec<usize>,
    valid: impl Fn(&Fitted) -> bool,
) -> Option<Fitted> {
    if current.model.cores.contains(&core) {
        return None;
    }
    let old = &current.model.cores[k];
    let mut model = current.model.clone();
    model.core_probabilities[k] = core
        .iter()
        .map(|t| {
            old.iter()
                .position(|o| o == t)
                .map_or(INITIAL_CORE_PROBABILITY, |i| {
                    current.model.core_probabilities[k][i]
                })
        })
        .collect();
    model.cores[k] = core;
    let helps = |f: &Fitted| valid(f) && f.length < current.length - 1e-9;
    let trial = refit(data, model, TRIAL_ITERATIONS);
    if !helps(&trial) {
        return None;
    }
    let trial = refit(data, trial.model, FULL_ITERATIONS);
    helps(&trial).then_some(trial)
}

/// The shortest of two fitted models (ties: the first).
fn shorter(a: Fitted, b: Fitted) -> Fitted {
    if b.length < a.length { b } else { a }
}

/// Starts from latent class fits: each class of a `k`-class model becomes a cocktail whose
/// core is the tags most of the class carries, more often than overall (classes without
/// two such tags join the background). Latent classes split overlapping cocktails well
/// once there are a few hundred households; the core-set model then says how many of them
/// pay for themselves.
fn from_latent_classes(
    data: &Data,
    units: &Units<'_>,
    k: usize,
    params: &ClusterParams,
) -> Option<Fitted> {
    let (lca, _, _) = super::lca::fit_model(units, k, &LcaParams::default(), params.seed);
    let prevalence = CoreSetModel::background_only(data).background;
    let mut model = CoreSetModel::background_only(data);
    for (class, probabilities) in lca.tag_probabilities.iter().enumerate() {
        let core: Vec<usize> = (0..data.n_tags)
            .filter(|&t| {
                probabilities[t] >= MIN_CORE_PROBABILITY && probabilities[t] > prevalence[t]
            })
            .collect();
        if core.len() < 2 || model.cores.contains(&core) {
            continue;
        }
        model = model.with_core(&core, lca.shares[class] * 2.0);
    }
    if model.cores.is_empty() {
        return None;
    }
    let mut fitted = refit(data, model, FULL_ITERATIONS);
    // Tags that EM shows most of a cocktail lacks leave its core; a core left with fewer
    // than two tags is no cocktail.
    while !fitted.is_cocktail_model() {
        let mut model = fitted.model.clone();
        let mut k = 0;
        while k < model.cores.len() {
            let keep: Vec<bool> = model.core_probabilities[k]
                .iter()
                .map(|&q| q >= MIN_CORE_PROBABILITY)
                .collect();
            let core: Vec<usize> = model.cores[k]
                .iter()
                .zip(&keep)
                .filter(|p| *p.1)
                .map(|p| *p.0)
                .collect();
            if core.len() < 2
                || model.shares[k + 1] * 1e6 <= 1.0
                || model.cores[..k].contains(&core)
            {
                model.cores.remove(k);
                model.core_probabilities.remove(k);
                let share = model.shares.remove(k + 1);
                model.shares[0] += share;
                continue;
            }
            let q: Vec<f64> = model.core_probabilities[k]
                .iter()
                .zip(&keep)
                .filter(|p| *p.1)
                .map(|p| *p.0)
                .collect();
            model.cores[k] = core;
            model.core_probabilities[k] = q;
            k += 1;
        }
        if model.cores.is_empty() {
            return None;
        }
        fitted = refit(data, model, FULL_ITERATIONS);
    }
    Some(fitted)
}

/// Fits the mixture: `k` cocktails when given, else as many as shorten the description
/// (at most `params.k_max`).
pub(super) fn fit_model(
    units: &Units<'_>,
    k: Option<usize>,
    params: &ClusterParams,
) -> CoreSetModel {
    let data = Data::new(units);
    // A core must be carried by a few households at least: 3, or 5% of them.
    let min_support = (3.0 / data.total).clamp(0.05, 1.0);
    let candidates = candidates(&data, min_support);
    let background = refit(&data, CoreSetModel::background_only(&data), FULL_ITERATIONS);
    // Forward along the path of best additions up to `k_max`, keeping the shortest model
    // on it: one cocktail alone may not pay for itself while the others still sit in the
    // background, so stopping at the first step that does not help would miss them all.
    let wanted = k.unwrap_or(params.k_max);
    let mut current = background.clone();
    let mut best: Option<Fitted> = None;
    let keep = |best: Option<Fitted>, next: Fitted| match best {
        Some(b) => Some(shorter(b, next)),
        None => Some(next),
    };
    while current.model.cores.len() < wanted {
        match add_best(&data, &current, &candidates, true) {
            Some(next) => current = next,
            None => break,
        }
        if k.is_none_or(|k| current.model.cores.len() == k) {
            best = keep(best, current.clone());
        }
    }
    // A latent class model may hold more classes than cocktails (classes of background
    // households have no core), so a fixed k also tries a few more classes.
    let classes: Vec<usize> = match k {
        Some(k) => (k..=(k + 3).min(params.k_max.max(k))).collect(),
        None => (1..=params.k_max).collect(),
    };
    for classes in classes {
        if let Some(start) = from_latent_classes(&data, units, classes, params)
            && k.is_none_or(|k| start.model.cores.len() == k)
        {
            best = keep(best, start);
        }
    }
    let chosen = match (best, k) {
        (Some(best), Some(_)) => best,
        (Some(best), None) => shorter(background, best),
        (None, _) => background,
    };
    refine(&data, chosen).model
}

/// Fits the mixture and labels each unit by its most probable class (ties: the lowest);
/// class 0, no cocktail, is the noise label.
pub(super) fn fit(units: &Units<'_>, k: Option<usize>, params: &ClusterParams) -> UnitFit {
    let model = fit_model(units, k, params);
    let data = Data::new(units);
    let (posteriors, log_likelihood) = model.posteriors(&data);
    let classes = model.shares.len();
    let labels = posteriors
        .chunks(classes)
        .map(super::most_probable)
        .collect();
    UnitFit {
        // The number found, so that bootstrap resamples refit that many cocktails and their
        // clusters can be matched one to one.
        requested_k: k.unwrap_or(model.cores.len()),
        labels,
        n_labels: classes,
        probabilities: None,
        log_likelihood: Some((log_likelihood, model.n_parameters())),
        noise_label: Some(0),
        dendrogram: None,
        cores: Some(
            std::iter::once(Vec::new())
                .chain(
                    model
                        .cores
                        .iter()
                        .map(|core| core.iter().map(|&t| TagId(t as u32)).collect()),
                )
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;
    use crate::tag_matrix::TagMatrix;

    /// `copies` households of each profile.
    fn units_of(profiles: &[(&[u32], usize)], n_tags: usize) -> (TagMatrix, Vec<usize>) {
        let rows: Vec<Vec<TagId>> = profiles
            .iter()
            .map(|(tags, _)| tags.iter().map(|&t| TagId(t)).collect())
            .collect();
        let matrix = TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice));
        (matrix, profiles.iter().map(|p| p.1).collect())
    }

    #[test]
    fn two_planted_cores_are_found_and_nothing_else() {
        // Core {0,1,2} in 40 households, core {3,4} in 30, and 30 with one background tag.
        let (matrix, weights) = units_of(
            &[
                (&[0, 1, 2], 30),
                (&[0, 1, 2, 5], 6),
                (&[0, 1], 4),
                (&[3, 4], 24),
                (&[3, 4, 6], 6),
                (&[5], 10),
                (&[6], 10),
                (&[7], 10),
            ],
            8,
        );
        let units = Units {
            rows: &matrix,
            weights: &weights,
        };
        let model = fit_model(&units, None, &ClusterParams::default());
        let mut cores = model.cores.clone();
        cores.sort();
        assert_eq!(cores, vec![vec![0, 1, 2], vec![3, 4]]);
    }

    #[test]
    fn independent_tags_give_no_core() {
        // Every combination of three tags equally often: no tag goes with another.
        let mut profiles: Vec<(Vec<u32>, usize)> = Vec::new();
        for mask in 0u32..8 {
            let tags: Vec<u32> = (0..3).filter(|t| mask & (1 << t) != 0).collect();
            profiles.push((tags, 5));
        }
        let borrowed: Vec<(&[u32], usize)> =
            profiles.iter().map(|(t, w)| (t.as_slice(), *w)).collect();
        let (matrix, weights) = units_of(&borrowed, 3);
        let units = Units {
            rows: &matrix,
            weights: &weights,
        };
        let model = fit_model(&units, None, &ClusterParams::default());
        assert!(model.cores.is_empty(), "{:?}", model.cores);
    }

    #[test]
    fn ln_binomial_is_the_log_of_the_count() {
        assert!((ln_binomial(22, 3) - 1540f64.ln()).abs() < 1e-9);
        assert_eq!(ln_binomial(5, 0), 0.0);
    }
}

/// What the data say of one reference cocktail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmStatus {
    /// The reference, as it is, pays for itself: the data are described better with it.
    Confirmed,
    /// The data support the cocktail with a tag added or dropped.
    Nuanced,
    /// The data are described as well without it.
    NotSupported,
}

impl ConfirmStatus {
    /// `confirmed`, `nuanced` or `not_supported`.
    pub fn id(&self) -> &'static str {
        match self {
            ConfirmStatus::Confirmed => "confirmed",
            ConfirmStatus::Nuanced => "nuanced",
            ConfirmStatus::NotSupported => "not_supported",
        }
    }
}

/// The confirmatory verdict on one reference cocktail.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceVerdict {
    /// The reference's id.
    pub id: String,
    /// Confirmed, nuanced or not supported.
    pub status: ConfirmStatus,
    /// The core the data support (the reference's own when confirmed or not supported).
    pub core: Vec<TagId>,
    /// Tags the data add to the reference.
    pub added: Vec<TagId>,
    /// Tags the data drop from it.
    pub dropped: Vec<TagId>,
    /// How much shorter (in nats) the description of the data is with the cocktail than
    /// without it; negative when it does not pay for itself.
    pub evidence: f64,
    /// When not supported: roughly how many households it would take for a cocktail this
    /// distinct to pay for itself, if the data show any sign of it.
    pub households_needed: Option<usize>,
}

/// The outcome of [`confirm`]: one verdict per reference, and further cocktails the data
/// support beyond them.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirmation {
    /// Per reference, in config order.
    pub references: Vec<ReferenceVerdict>,
    /// New cocktails, each a core of tags.
    pub new_cocktails: Vec<Vec<TagId>>,
}

/// Confirmatory analysis: starts from the reference cocktails, fits the core-set mixture
/// with them as cores, and asks of each whether the description of the data is shorter with
/// it (confirmed), shorter still with a tag added or dropped (nuanced), or not shorter at
/// all (not supported, with the number of households a cocktail as distinct would need).
/// Then it searches for further cocktails that pay for themselves.
pub fn confirm(
    matrix: &crate::tag_matrix::TagMatrix,
    references: &[crate::config::ReferenceCocktail],
) -> Confirmation {
    let profiles = matrix.profiles();
    let units = Units {
        rows: &profiles.matrix,
        weights: &profiles.counts,
    };
    let data = Data::new(&units);
    let cores: Vec<Vec<usize>> = references
        .iter()
        .map(|r| r.tags.iter().map(|t| t.index()).collect())
        .collect();
    let mut start = CoreSetModel::background_only(&data);
    for core in &cores {
        start = start.with_core(core, data.support(core));
    }
    let all = refine_all(&data, refit(&data, start, FULL_ITERATIONS), &cores);
    let verdicts = cores
        .iter()
        .enumerate()
        .map(|(k, core)| verdict(&data, &all, k, core, &references[k].id))
        .collect::<Vec<_>>();
    // Beyond the references: the supported cores (nuanced ones as the data have them),
    // then any candidate that shortens the description further.
    let mut model = CoreSetModel::background_only(&data);
    for v in verdicts
        .iter()
        .filter(|v| v.status != ConfirmStatus::NotSupported)
    {
        let core: Vec<usize> = v.core.iter().map(|t| t.index()).collect();
        model = model.with_core(&core, data.support(&core));
    }
    let mut current = refit(&data, model, FULL_ITERATIONS);
    let known = current.model.cores.len();
    let min_support = (3.0 / data.total).clamp(0.05, 1.0);
    let candidates = candidates(&data, min_support);
    while let Some(next) = add_best(&data, &current, &candidates, false) {
        current = next;
    }
    Confirmation {
        references: verdicts,
        new_cocktails: current.model.cores[known..]
            .iter()
            .map(|c| c.iter().map(|&t| TagId(t as u32)).collect())
            .collect(),
    }
}

/// The verdict on reference `k` of the model `all` that holds every reference.
fn verdict(data: &Data, all: &Fitted, k: usize, core: &[usize], id: &str) -> ReferenceVerdict {
    let tags = |c: &[usize]| c.iter().map(|&t| TagId(t as u32)).collect::<Vec<_>>();
    // The reference as the data best have it (in the jointly refined model), against the
    // same model without it.
    let refined = all.clone();
    let mut without = refined.model.clone();
    without.cores.remove(k);
    without.core_probabilities.remove(k);
    let share = without.shares.remove(k + 1);
    without.shares[0] += share;
    let without = refit(data, without, FULL_ITERATIONS);
    let evidence = without.length - refined.length;
    if evidence <= 0.0 {
        return ReferenceVerdict {
            id: id.to_owned(),
            status: ConfirmStatus::NotSupported,
            core: tags(core),
            added: Vec::new(),
            dropped: Vec::new(),
            evidence,
            households_needed: households_needed(data, &refined.model, k, evidence),
        };
    }
    // A tag the model leaves to the background but nearly all of the cocktail's households,
    // or nearly all households, carry (housing, in these programmes) is not dropped from the
    // cocktail as its readers know it: it cannot tell one cocktail from another.
    let prevalence = class_prevalence(data, &refined.model, k);
    let overall = CoreSetModel::background_only(data).background;
    let mut found: Vec<usize> = refined.model.cores[k].clone();
    found.extend(
        core.iter()
            .copied()
            .filter(|&t| prevalence[t].max(overall[t]) >= DOMINANT_PREVALENCE),
    );
    found.sort_unstable();
    found.dedup();
    let found = &found;
    let added: Vec<usize> = found
        .iter()
        .copied()
        .filter(|t| !core.contains(t))
        .collect();
    let dropped: Vec<usize> = core
        .iter()
        .copied()
        .filter(|t| !found.contains(t))
        .collect();
    ReferenceVerdict {
        id: id.to_owned(),
        status: if added.is_empty() && dropped.is_empty() {
            ConfirmStatus::Confirmed
        } else {
            ConfirmStatus::Nuanced
        },
        core: tags(found),
        added: tags(&added),
        dropped: tags(&dropped),
        evidence,
        households_needed: None,
    }
}

/// A tag carried by this share of a cocktail's households belongs to it, core or not (the
/// dominant clause of the defining-tag rule).
const DOMINANT_PREVALENCE: f64 = 0.8;

/// Per tag, the share of cocktail `k`'s households (weighted by their posterior) that
/// carry it.
fn class_prevalence(data: &Data, model: &CoreSetModel, k: usize) -> Vec<f64> {
    let (posteriors, _) = model.posteriors(data);
    let classes = model.shares.len();
    let mut carried = vec![0.0; data.n_tags];
    let mut total = 0.0;
    for (u, row) in posteriors.chunks(classes).enumerate() {
        let r = data.weights[u] * row[k + 1];
        total += r;
        for &t in &data.unit_tags[u] {
            carried[t] += r;
        }
    }
    carried
        .into_iter()
        .map(|c| if total > 0.0 { c / total } else { 0.0 })
        .collect()
}

/// The least Jaccard similarity between a reference and the core it is nuanced to.
const MIN_NUANCE_JACCARD: f64 = 0.5;

/// Jaccard similarity of two sorted tag sets.
fn jaccard(a: &[usize], b: &[usize]) -> f64 {
    let both = a.iter().filter(|t| b.contains(t)).count();
    let either = a.len() + b.len() - both;
    if either == 0 {
        1.0
    } else {
        both as f64 / either as f64
    }
}

/// The cores one move away from core `k`: one tag added, one dropped, or one swapped for
/// another (a cocktail held with schulden instead of geen uitkering is a swap: neither
/// half alone may pay).
fn moves(core: &[usize], n_tags: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = (0..n_tags).filter_map(|t| toggled(core, t)).collect();
    for &old in core {
        for new in (0..n_tags).filter(|t| !core.contains(t)) {
            let mut next: Vec<usize> = core.iter().copied().filter(|&t| t != old).collect();
            next.push(new);
            next.sort_unstable();
            out.push(next);
        }
    }
    out
}

/// Moves core `k` (see [`moves`]) while that shortens the description. The moves of a
/// round are those of the core the round starts from; each is tried against the model as
/// it stands, so every kept move shortens the description.
fn refine_one(data: &Data, mut current: Fitted, k: usize, anchor: &[usize]) -> Fitted {
    for _round in 0..MAX_CORE_LEN * 2 {
        let mut improved = false;
        for core in moves(&current.model.cores[k], data.n_tags) {
            // A nuance keeps most of the reference: a core that shares less than half of
            // its tags is another cocktail (found as new), not this one nuanced.
            if jaccard(&core, anchor) < MIN_NUANCE_JACCARD {
                continue;
            }
            // From the model as it stands, and from the cocktail started afresh on the moved
            // core: a reference the data do not hold as it is has collapsed to a sliver
            // (its households taken by a neighbour), and a few EM steps from there do not
            // win them back even for the core that holds them.
            let fresh = Fitted {
                model: current.model.restarted(k, data.support(&core)),
                length: current.length,
            };
            let valid = |f: &Fitted| f.core_is_cocktail(k);
            let moved = try_core(data, &current, k, core.clone(), valid)
                .or_else(|| try_core(data, &fresh, k, core, valid));
            if let Some(next) = moved {
                current = next;
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
    current
}

/// Refines every core in turn until a whole pass changes none: the references are judged
/// together, so that one cocktail's households are not held by another's core.
fn refine_all(data: &Data, mut current: Fitted, anchors: &[Vec<usize>]) -> Fitted {
    for _pass in 0..4 {
        let before = current.model.cores.clone();
        for (k, anchor) in anchors.iter().enumerate() {
            current = refine_one(data, current, k, anchor);
        }
        if current.model.cores == before {
            break;
        }
    }
    current
}

/// The smallest number of households at which a cocktail as distinct as reference `k`
/// (the same log-likelihood gain per household) would pay for its parameters and its
/// description; `None` when the data show no gain at all.
fn households_needed(data: &Data, all: &CoreSetModel, k: usize, evidence: f64) -> Option<usize> {
    let size = all.cores[k].len();
    let structure = ln_binomial(data.n_tags, size);
    let parameters = (1 + size) as f64;
    let penalty = |n: f64| 0.5 * parameters * n.ln() + structure;
    // evidence = gain − penalty at the current size.
    let gain_per_household = (evidence + penalty(data.total)) / data.total;
    if gain_per_household <= 0.0 {
        return None;
    }
    (1..=1_000_000usize)
        .find(|&n| gain_per_household * n as f64 > penalty(n as f64))
        .filter(|&n| n as f64 > data.total)
}
