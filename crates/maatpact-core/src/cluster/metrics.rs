//! Dissimilarities on bitsets, the silhouette, and agreement between two labelings.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::ground::{Units, derive_seed, streams};
use super::params::{ClusterParams, Dissimilarity};
use crate::tag_matrix::TagMatrix;

/// The adjusted Rand index of two labelings of the same cases (Hubert and Arabie 1985): 1 for
/// identical partitions, about 0 for independent ones, negative below chance. Two labelings
/// that each put everything in one cluster (or each case in its own) score 1, as in
/// scikit-learn.
///
/// # Panics
/// When the labelings differ in length.
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings of different lengths");
    let pairs = |n: f64| n * (n - 1.0) / 2.0;
    let table = Contingency::new(a, b);
    let index: f64 = table.cells.values().map(|&n| pairs(n as f64)).sum();
    let sum_a: f64 = table.rows.iter().map(|&n| pairs(n as f64)).sum();
    let sum_b: f64 = table.columns.iter().map(|&n| pairs(n as f64)).sum();
    let expected = sum_a * sum_b / pairs(a.len() as f64);
    let maximum = (sum_a + sum_b) / 2.0;
    if maximum == expected {
        return 1.0;
    }
    (index - expected) / (maximum - expected)
}

/// The normalised mutual information of two labelings, `MI / ((H(a) + H(b)) / 2)` (the
/// arithmetic mean, scikit-learn's default): 1 for identical partitions, 0 for independent
/// ones. Two single-cluster labelings score 1, as in scikit-learn.
///
/// # Panics
/// When the labelings differ in length.
pub fn normalized_mutual_information(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "labelings of different lengths");
    let table = Contingency::new(a, b);
    if table.rows.len() <= 1 && table.columns.len() <= 1 {
        return 1.0;
    }
    let n = a.len() as f64;
    let entropy = |counts: &[usize]| -> f64 {
        counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / n;
                -p * p.ln()
            })
            .sum()
    };
    let mutual: f64 = table
        .cells
        .iter()
        .map(|(&(i, j), &count)| {
            let count = count as f64;
            count / n * (count * n / (table.rows[i] as f64 * table.columns[j] as f64)).ln()
        })
        .sum();
    if mutual <= 0.0 {
        return 0.0;
    }
    let mean_entropy = (entropy(&table.rows) + entropy(&table.columns)) / 2.0;
    (mutual / mean_entropy).min(1.0)
}

/// The mean silhouette of a labeling of the rows of `matrix` (Rousseeuw 1987), with the given
/// dissimilarity, computed exactly over the distinct (profile, label) pairs weighted by their
/// counts. A case alone in its cluster scores 0, as in scikit-learn. `None` when fewer than 2
/// clusters are non-empty.
///
/// # Panics
/// When `labels` does not have one label per row.
pub fn silhouette(
    matrix: &TagMatrix,
    labels: &[usize],
    dissimilarity: Dissimilarity,
) -> Option<f64> {
    assert_eq!(labels.len(), matrix.n_cases(), "one label per case");
    let (rows, weights, unit_labels, k) = collapse(matrix, labels);
    let units = Units {
        rows: &rows,
        weights: &weights,
    };
    weighted_silhouette(&units, &unit_labels, k, dissimilarity).mean
}

/// The number of tags in which two rows differ.
pub(crate) fn hamming(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// `1 − |a ∩ b| / |a ∪ b|`, 0 for two empty rows.
pub(crate) fn jaccard_distance(a: &[u64], b: &[u64]) -> f64 {
    let (mut both, mut either) = (0u32, 0u32);
    for (x, y) in a.iter().zip(b) {
        both += (x & y).count_ones();
        either += (x | y).count_ones();
    }
    if either == 0 {
        0.0
    } else {
        1.0 - f64::from(both) / f64::from(either)
    }
}

/// Jaccard similarity of two sorted id lists; 0 when both are empty.
pub(crate) fn jaccard_of_sorted<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let either = a.len() + b.len() - both;
    if either == 0 {
        0.0
    } else {
        both as f64 / either as f64
    }
}

/// The silhouette of a clustering of units, overall and per cluster.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Silhouettes {
    pub mean: Option<f64>,
    pub per_cluster: Vec<Option<f64>>,
}

/// The silhouette of a labeling of units (all cases of a unit share its label), exact up to
/// [`ClusterParams::silhouette_exact_max_profiles`] units, else over a seeded sample of
/// [`ClusterParams::silhouette_sample_cases`] cases (as scikit-learn's `sample_size`).
pub(crate) fn silhouette_by_cluster(
    units: &Units<'_>,
    labels: &[usize],
    k: usize,
    params: &ClusterParams,
) -> Silhouettes {
    if units.len() <= params.silhouette_exact_max_profiles {
        return weighted_silhouette(units, labels, k, params.dissimilarity);
    }
    // Draw cases (as unit indices, with their unit's weight as probability) without
    // replacement, by a seeded partial shuffle of the case list.
    let n_cases = units.total_weight();
    let mut case_unit = Vec::with_capacity(n_cases);
    for (u, &w) in units.weights.iter().enumerate() {
        case_unit.extend(std::iter::repeat_n(u, w));
    }
    let sample = params.silhouette_sample_cases.min(n_cases);
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(derive_seed(params.seed, streams::SILHOUETTE_SAMPLE, 0));
    for i in 0..sample {
        let j = rng.gen_range(i..n_cases);
        case_unit.swap(i, j);
    }
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for &u in &case_unit[..sample] {
        *counts.entry(u).or_default() += 1;
    }
    let mut chosen: Vec<usize> = counts.keys().copied().collect();
    chosen.sort_unstable();
    let rows = TagMatrix::from_rows(
        units.rows.n_tags(),
        chosen
            .iter()
            .map(|&u| units.rows.tags_of(u))
            .collect::<Vec<_>>()
            .iter()
            .map(Vec::as_slice),
    );
    let weights: Vec<usize> = chosen.iter().map(|u| counts[u]).collect();
    let sample_labels: Vec<usize> = chosen.iter().map(|&u| labels[u]).collect();
    let sampled = Units {
        rows: &rows,
        weights: &weights,
    };
    weighted_silhouette(&sampled, &sample_labels, k, params.dissimilarity)
}

/// Exact silhouette over weighted units: unit `u` stands for `weights[u]` identical cases with
/// label `labels[u]`. Labels `>= k` (none in practice) are ignored.
pub(crate) fn weighted_silhouette(
    units: &Units<'_>,
    labels: &[usize],
    k: usize,
    dissimilarity: Dissimilarity,
) -> Silhouettes {
    let mut size = vec![0usize; k];
    for (u, &label) in labels.iter().enumerate() {
        if label < k {
            size[label] += units.weights[u];
        }
    }
    let non_empty = size.iter().filter(|&&s| s > 0).count();
    if non_empty < 2 {
        return Silhouettes {
            mean: None,
            per_cluster: vec![None; k],
        };
    }
    // For each unit, the summed dissimilarity to every cluster, then its silhouette.
    let unit_scores: Vec<f64> = (0..units.len())
        .into_par_iter()
        .map(|u| {
            let own = labels[u];
            if own >= k || size[own] <= 1 {
                return 0.0;
            }
            let mut sums = vec![0.0f64; k];
            let row = units.rows.row(u);
            for (v, &label) in labels.iter().enumerate() {
                if label < k && v != u {
                    sums[label] +=
                        units.weights[v] as f64 * dissimilarity.between(row, units.rows.row(v));
                }
            }
            // The other copies of `u` itself are at distance 0 and only count in the size.
            let within = sums[own] / (size[own] - 1) as f64;
            let nearest = (0..k)
                .filter(|&c| c != own && size[c] > 0)
                .map(|c| sums[c] / size[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let larger = within.max(nearest);
            if larger > 0.0 {
                (nearest - within) / larger
            } else {
                0.0
            }
        })
        .collect();
    let mut total = 0.0;
    let mut cluster_total = vec![0.0f64; k];
    for (u, &score) in unit_scores.iter().enumerate() {
        if labels[u] < k {
            let weighted = score * units.weights[u] as f64;
            total += weighted;
            cluster_total[labels[u]] += weighted;
        }
    }
    let n: usize = size.iter().sum();
    Silhouettes {
        mean: Some(total / n as f64),
        per_cluster: cluster_total
            .iter()
            .zip(&size)
            .map(|(&t, &s)| (s > 0).then(|| t / s as f64))
            .collect(),
    }
}

/// Collapses cases into distinct (row, label) units: rows, weights, labels and the number of
/// labels.
fn collapse(matrix: &TagMatrix, labels: &[usize]) -> (TagMatrix, Vec<usize>, Vec<usize>, usize) {
    let mut index: HashMap<(&[u64], usize), usize> = HashMap::new();
    let mut keys: Vec<(&[u64], usize)> = Vec::new();
    let mut weights = Vec::new();
    for (case, &label) in labels.iter().enumerate() {
        let key = (matrix.row(case), label);
        let next = keys.len();
        let unit = *index.entry(key).or_insert_with(|| {
            keys.push(key);
            weights.push(0);
            next
        });
        weights[unit] += 1;
    }
    let rows = TagMatrix::from_rows(
        matrix.n_tags(),
        keys.iter()
            .map(|(row, _)| crate::tag_matrix::bits_to_tags(row))
            .collect::<Vec<_>>()
            .iter()
            .map(Vec::as_slice),
    );
    let unit_labels: Vec<usize> = keys.iter().map(|&(_, label)| label).collect();
    let k = labels.iter().max().map_or(0, |&m| m + 1);
    (rows, weights, unit_labels, k)
}

struct Contingency {
    cells: HashMap<(usize, usize), usize>,
    rows: Vec<usize>,
    columns: Vec<usize>,
}

impl Contingency {
    /// Labels may be any numbers: they are mapped to dense indices first.
    fn new(a: &[usize], b: &[usize]) -> Contingency {
        fn dense(labels: &[usize]) -> (Vec<usize>, usize) {
            let mut index: HashMap<usize, usize> = HashMap::new();
            let out = labels
                .iter()
                .map(|&l| {
                    let next = index.len();
                    *index.entry(l).or_insert(next)
                })
                .collect();
            (out, index.len())
        }
        let (a, n_a) = dense(a);
        let (b, n_b) = dense(b);
        let mut cells = HashMap::new();
        let mut rows = vec![0; n_a];
        let mut columns = vec![0; n_b];
        for (&i, &j) in a.iter().zip(&b) {
            *cells.entry((i, j)).or_insert(0) += 1;
            rows[i] += 1;
            columns[j] += 1;
        }
        Contingency {
            cells,
            rows,
            columns,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::case::TagId;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn adjusted_rand_index_matches_known_values() {
        // Values from scikit-learn's documentation and by hand (see the comments).
        let cases: &[(&[usize], &[usize], f64)] = &[
            (&[0, 0, 1, 1], &[0, 0, 1, 1], 1.0),
            (&[0, 0, 1, 1], &[1, 1, 0, 0], 1.0),
            (&[0, 0, 1, 1], &[0, 0, 1, 2], 0.571_428_571_428_571_4),
            (&[0, 0, 1, 2], &[0, 0, 1, 1], 0.571_428_571_428_571_4),
            (&[0, 0, 0, 0], &[0, 1, 2, 3], 0.0),
            (&[0, 0, 1, 1], &[0, 1, 0, 1], -0.5),
            // index 2, expected 6·3/15 = 1.2, max 4.5: (2 − 1.2) / (4.5 − 1.2)
            (&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2], 0.8 / 3.3),
        ];
        for &(a, b, expected) in cases {
            let got = adjusted_rand_index(a, b);
            assert!(close(got, expected), "{a:?} {b:?}: {got} != {expected}");
        }
        assert!(close(adjusted_rand_index(&[3, 3, 3], &[7, 7, 7]), 1.0));
    }

    #[test]
    fn normalized_mutual_information_matches_known_values() {
        let cases: &[(&[usize], &[usize], f64)] = &[
            (&[0, 0, 1, 1], &[1, 1, 0, 0], 1.0),
            // MI = ln 2, H = ln 2 and 1.5 ln 2: 2 / 2.5
            (&[0, 0, 1, 1], &[0, 0, 1, 2], 0.8),
            (&[0, 0, 1, 1], &[0, 1, 0, 1], 0.0),
            (&[0, 0, 0, 0], &[0, 0, 0, 0], 1.0),
            (&[0, 0, 0, 0], &[0, 1, 2, 3], 0.0),
        ];
        for &(a, b, expected) in cases {
            let got = normalized_mutual_information(a, b);
            assert!(close(got, expected), "{a:?} {b:?}: {got} != {expected}");
        }
        // MI = (2/3) ln 2, H = ln 2 and ln 3: (2/3) ln 2 / ((ln 2 + ln 3) / 2)
        let got = normalized_mutual_information(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        let expected = (2.0 / 3.0) * 2f64.ln() / ((2f64.ln() + 3f64.ln()) / 2.0);
        assert!(close(got, expected), "{got}");
        assert!((got - 0.515_803_742_979_388_8).abs() < 1e-12, "{got}");
    }

    #[test]
    fn dissimilarities_count_bits() {
        let a = [0b1011u64, 1];
        let b = [0b0110u64, 1];
        assert_eq!(hamming(&a, &b), 3);
        // both: bit 1 and word 1 bit 0 = 2; either: bits 0,1,2,3 and 64 = 5
        assert!(close(jaccard_distance(&a, &b), 1.0 - 2.0 / 5.0));
        assert_eq!(jaccard_distance(&[0], &[0]), 0.0);
        assert_eq!(jaccard_of_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard_of_sorted::<u32>(&[], &[]), 0.0);
    }

    /// The textbook silhouette over every case, for comparison.
    fn naive_silhouette(
        matrix: &TagMatrix,
        labels: &[usize],
        dissimilarity: Dissimilarity,
    ) -> Option<f64> {
        let n = matrix.n_cases();
        let k = labels.iter().max()? + 1;
        let sizes: Vec<usize> = (0..k)
            .map(|c| labels.iter().filter(|&&l| l == c).count())
            .collect();
        if sizes.iter().filter(|&&s| s > 0).count() < 2 {
            return None;
        }
        let mut total = 0.0;
        for i in 0..n {
            if sizes[labels[i]] == 1 {
                continue;
            }
            let mut sums = vec![0.0; k];
            for j in 0..n {
                if i != j {
                    sums[labels[j]] += dissimilarity.between(matrix.row(i), matrix.row(j));
                }
            }
            let a = sums[labels[i]] / (sizes[labels[i]] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != labels[i] && sizes[c] > 0)
                .map(|c| sums[c] / sizes[c] as f64)
                .fold(f64::INFINITY, f64::min);
            if a.max(b) > 0.0 {
                total += (b - a) / a.max(b);
            }
        }
        Some(total / n as f64)
    }

    fn matrix_of(rows: &[Vec<u32>], n_tags: usize) -> TagMatrix {
        let rows: Vec<Vec<TagId>> = rows
            .iter()
            .map(|r| r.iter().map(|&t| TagId(t)).collect())
            .collect();
        TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice))
    }

    #[test]
    fn silhouette_of_a_hand_checked_fixture() {
        // Two tight pairs: {0},{0} and {1},{1,2}. Jaccard: within the second pair 0.5, across 1.
        let matrix = matrix_of(&[vec![0], vec![0], vec![1], vec![1, 2]], 3);
        let got = silhouette(&matrix, &[0, 0, 1, 1], Dissimilarity::Jaccard).unwrap();
        // cases 0,1: a = 0, b = 1 → 1; cases 2,3: a = 0.5, b = 1 → 0.5
        assert!(close(got, 0.75), "{got}");
        assert_eq!(
            silhouette(&matrix, &[0, 0, 0, 0], Dissimilarity::Jaccard),
            None
        );
    }

    proptest! {
        #[test]
        fn weighted_silhouette_equals_the_per_case_silhouette(
            rows in prop::collection::vec(prop::collection::vec(0u32..5, 0..4), 2..40),
            labels_seed in prop::collection::vec(0usize..3, 40),
            hamming_distance in any::<bool>(),
        ) {
            let matrix = matrix_of(&rows, 5);
            // Labels that may split identical rows, to test the (row, label) collapse.
            let labels: Vec<usize> = (0..rows.len()).map(|i| labels_seed[i]).collect();
            let dissimilarity = if hamming_distance { Dissimilarity::Hamming } else { Dissimilarity::Jaccard };
            let fast = silhouette(&matrix, &labels, dissimilarity);
            let slow = naive_silhouette(&matrix, &labels, dissimilarity);
            match (fast, slow) {
                (Some(f), Some(s)) => prop_assert!((f - s).abs() < 1e-9, "{} vs {}", f, s),
                (f, s) => prop_assert_eq!(f.is_some(), s.is_some()),
            }
        }

        #[test]
        fn agreement_metrics_are_symmetric_and_bounded(
            a in prop::collection::vec(0usize..4, 2..60),
            b_seed in prop::collection::vec(0usize..4, 60),
        ) {
            let b = &b_seed[..a.len()];
            let ari = adjusted_rand_index(&a, b);
            prop_assert!((ari - adjusted_rand_index(b, &a)).abs() < 1e-12);
            prop_assert!(ari <= 1.0 + 1e-12);
            let nmi = normalized_mutual_information(&a, b);
            prop_assert!((nmi - normalized_mutual_information(b, &a)).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&nmi));
            prop_assert!((adjusted_rand_index(&a, &a) - 1.0).abs() < 1e-12);
        }
    }
}
