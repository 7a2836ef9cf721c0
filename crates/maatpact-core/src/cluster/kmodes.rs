//! k-modes for binary tag data (Huang 1998), on distinct profiles weighted by their counts.
//!
//! Each restart alternates two steps until no profile changes cluster: assign every profile
//! to its nearest mode, then make each mode the majority profile of its cluster (a tag is in
//! the mode when more than half of the cluster's cases carry it). This batch form assigns all
//! copies of a profile alike, so running it on the weighted profiles is exactly running it on
//! the cases. Ties go to the current cluster, else to the lowest-numbered mode.
//!
//! Restarts run in parallel; restart `r` draws from its own generator seeded with
//! `(seed, r)`, and the lowest cost wins (ties: the lowest restart), so the result does not
//! depend on the number of threads.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::ground::{UnitFit, Units, add_row, derive_seed, majority_row, streams};
use super::params::{Dissimilarity, KModesInit, KModesParams};

/// Fits k-modes with `params.n_init` restarts and returns the best one.
pub(super) fn fit(
    units: &Units<'_>,
    k: usize,
    dissimilarity: Dissimilarity,
    params: &KModesParams,
    seed: u64,
) -> UnitFit {
    let k = k.min(units.len()).max(1);
    let restarts: Vec<(f64, Vec<usize>)> = (0..params.n_init)
        .into_par_iter()
        .map(|restart| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(
                seed,
                streams::RESTART,
                restart as u64,
            ));
            let use_cao = match params.init {
                KModesInit::Cao => true,
                KModesInit::Huang => false,
                KModesInit::CaoThenHuang => restart == 0,
            };
            let modes = if use_cao {
                cao_init(units, k, dissimilarity)
            } else {
                huang_init(units, k, dissimilarity, &mut rng)
            };
            run(units, modes, dissimilarity, params.max_iter)
        })
        .collect();
    let (_, labels) = restarts
        .into_iter()
        .enumerate()
        .min_by(|(ra, (ca, _)), (rb, (cb, _))| ca.total_cmp(cb).then(ra.cmp(rb)))
        .map(|(_, best)| best)
        .expect("at least one restart");
    UnitFit {
        requested_k: k,
        labels,
        n_labels: k,
        probabilities: None,
        log_likelihood: None,
        noise_label: None,
        dendrogram: None,
        cores: None,
    }
}

/// One restart from the given modes: the cost and the label of each unit.
fn run(
    units: &Units<'_>,
    mut modes: Vec<Vec<u64>>,
    dissimilarity: Dissimilarity,
    max_iter: usize,
) -> (f64, Vec<usize>) {
    let k = modes.len();
    let n_tags = units.rows.n_tags();
    let words = units.rows.words_per_row();
    let mut labels = vec![usize::MAX; units.len()];
    let mut unit_cost = vec![0.0f64; units.len()];
    for _ in 0..max_iter {
        let new: Vec<(usize, f64)> = (0..units.len())
            .into_par_iter()
            .map(|u| nearest(units.rows.row(u), &modes, dissimilarity, labels[u]))
            .collect();
        let mut changed = false;
        for (u, (label, cost)) in new.into_iter().enumerate() {
            changed |= labels[u] != label;
            labels[u] = label;
            unit_cost[u] = cost;
        }
        if !changed {
            break;
        }
        let mut counts = vec![vec![0usize; n_tags]; k];
        let mut totals = vec![0usize; k];
        for (u, &label) in labels.iter().enumerate() {
            totals[label] += units.weights[u];
            add_row(&mut counts[label], units.rows.row(u), units.weights[u]);
        }
        for c in 0..k {
            // An empty cluster keeps its mode: it may win cases back later.
            if totals[c] > 0 {
                modes[c] = majority_row(&counts[c], totals[c], words);
            }
        }
    }
    let cost = unit_cost
        .iter()
        .zip(units.weights)
        .map(|(&c, &w)| c * w as f64)
        .sum();
    (cost, labels)
}

/// The nearest mode to `row` and its dissimilarity; ties keep `current`, else the lowest.
fn nearest(
    row: &[u64],
    modes: &[Vec<u64>],
    dissimilarity: Dissimilarity,
    current: usize,
) -> (usize, f64) {
    let mut best = (usize::MAX, f64::INFINITY);
    for (c, mode) in modes.iter().enumerate() {
        let d = dissimilarity.between(row, mode);
        if d < best.1 || (d == best.1 && c == current) {
            best = (c, d);
        }
    }
    best
}

/// Cao, Liang and Bai (2009): the densest unit first; then, each time, the unit with the
/// largest density × dissimilarity to its nearest chosen mode. Density is the mean frequency
/// of the unit's value (present or absent) over all tags.
fn cao_init(units: &Units<'_>, k: usize, dissimilarity: Dissimilarity) -> Vec<Vec<u64>> {
    let n = units.total_weight() as f64;
    let n_tags = units.rows.n_tags();
    let mut counts = vec![0usize; n_tags];
    for u in 0..units.len() {
        add_row(&mut counts, units.rows.row(u), units.weights[u]);
    }
    let absent_total: f64 = counts.iter().map(|&c| n - c as f64).sum();
    let density: Vec<f64> = (0..units.len())
        .map(|u| {
            // Sum over tags of the frequency of the unit's value: start from "all absent" and
            // swap in the present tags.
            let mut total = absent_total;
            for tag in units.rows.tags_of(u) {
                let c = counts[tag.index()] as f64;
                total += c - (n - c);
            }
            total / (n * n_tags.max(1) as f64)
        })
        .collect();
    let first = argmax(density.iter().copied());
    let mut chosen = vec![first];
    let mut nearest_distance: Vec<f64> = (0..units.len())
        .map(|u| dissimilarity.between(units.rows.row(u), units.rows.row(first)))
        .collect();
    while chosen.len() < k {
        let next = argmax((0..units.len()).map(|u| density[u] * nearest_distance[u]));
        if chosen.contains(&next) {
            break;
        }
        chosen.push(next);
        for (u, distance) in nearest_distance.iter_mut().enumerate() {
            *distance =
                distance.min(dissimilarity.between(units.rows.row(u), units.rows.row(next)));
        }
    }
    // Fewer distinct far units than k (tiny data): fill with the densest remaining units.
    let mut by_density: Vec<usize> = (0..units.len()).collect();
    by_density.sort_by(|&a, &b| density[b].total_cmp(&density[a]).then(a.cmp(&b)));
    for u in by_density {
        if chosen.len() >= k {
            break;
        }
        if !chosen.contains(&u) {
            chosen.push(u);
        }
    }
    chosen.iter().map(|&u| units.rows.row(u).to_vec()).collect()
}

/// Huang (1998): each mode draws every tag with the tag's frequency, then is replaced by the
/// nearest unit not yet taken (as Python's `kmodes` does).
fn huang_init(
    units: &Units<'_>,
    k: usize,
    dissimilarity: Dissimilarity,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<Vec<u64>> {
    let n = units.total_weight() as f64;
    let n_tags = units.rows.n_tags();
    let words = units.rows.words_per_row();
    let mut counts = vec![0usize; n_tags];
    for u in 0..units.len() {
        add_row(&mut counts, units.rows.row(u), units.weights[u]);
    }
    let mut taken = vec![false; units.len()];
    let mut modes = Vec::with_capacity(k);
    for _ in 0..k {
        let mut draw = vec![0u64; words];
        for (tag, &count) in counts.iter().enumerate() {
            if rng.gen_bool((count as f64 / n).clamp(0.0, 1.0)) {
                draw[tag / 64] |= 1 << (tag % 64);
            }
        }
        let pick = argmin((0..units.len()).map(|u| {
            if taken[u] {
                f64::INFINITY
            } else {
                dissimilarity.between(&draw, units.rows.row(u))
            }
        }));
        taken[pick] = true;
        modes.push(units.rows.row(pick).to_vec());
    }
    modes
}

/// Index of the largest value; ties: the first.
fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// Index of the smallest value; ties: the first.
fn argmin(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, v) in values.enumerate() {
        if v < best.1 {
            best = (i, v);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;
    use crate::tag_matrix::TagMatrix;

    fn cases(rows: &[&[u32]]) -> TagMatrix {
        let rows: Vec<Vec<TagId>> = rows
            .iter()
            .map(|r| r.iter().map(|&t| TagId(t)).collect())
            .collect();
        TagMatrix::from_rows(6, rows.iter().map(Vec::as_slice))
    }

    #[test]
    fn two_obvious_groups_are_found_from_every_start() {
        let matrix = cases(&[&[0, 1], &[0, 1], &[0, 1, 2], &[3, 4], &[3, 4, 5], &[3, 4]]);
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        for init in [KModesInit::Cao, KModesInit::Huang] {
            let params = KModesParams {
                init,
                ..KModesParams::default()
            };
            let fit = fit(&units, 2, Dissimilarity::Jaccard, &params, 7);
            let case_labels: Vec<usize> = profiles
                .profile_of_case
                .iter()
                .map(|&p| fit.labels[p])
                .collect();
            assert_eq!(case_labels[0], case_labels[1]);
            assert_eq!(case_labels[0], case_labels[2]);
            assert_eq!(case_labels[3], case_labels[4]);
            assert_eq!(case_labels[3], case_labels[5]);
            assert_ne!(case_labels[0], case_labels[3]);
        }
    }

    #[test]
    fn cao_starts_from_the_densest_profile() {
        // Tag 0 is in 3 of 4 cases: the profile {0} has the highest density.
        let matrix = cases(&[&[0], &[0], &[0, 1], &[2]]);
        let profiles = matrix.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let modes = cao_init(&units, 2, Dissimilarity::Hamming);
        assert_eq!(modes[0], vec![0b001]);
        // density × distance: {0,1}: d=1, {2}: d=2 and higher density than {0,1}? density of
        // {2} = (1/4 + 1/4 + 1/4 … ) computed per tag: tag0 absent 1/4, tag1 absent 3/4,
        // tag2 present 1/4 → far and dense enough to win.
        assert_eq!(modes[1], vec![0b100]);
    }
}
