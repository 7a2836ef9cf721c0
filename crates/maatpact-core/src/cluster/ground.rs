//! What every method stands on: the distinct profiles a method fits (with their weights),
//! a fit before it is numbered, and the small shared operations on bitset rows and labels.
//! The methods import from here, never from the module above them.

use ndarray::Array2;

use super::hierarchical::Dendrogram;
use crate::tag_matrix::TagMatrix;

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
