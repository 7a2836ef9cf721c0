//! The co-occurrence matrix: statistics for every pair of tags.

use serde::Serialize;

use super::itemsets::{DistinctRows, for_each_bit};
use crate::case::TagId;
use crate::config::Vocabulary;
use crate::tag_matrix::TagMatrix;

/// How often two tags occur together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagPair {
    /// The tag with the lower id.
    pub first: TagId,
    /// The tag with the higher id.
    pub second: TagId,
    /// The number of cases with both tags.
    pub count: usize,
    /// `count / (cases with either tag)`; 0 when neither tag occurs.
    pub jaccard: f64,
    /// `count · n_cases / (count(first) · count(second))`: how many times more often the
    /// pair occurs than under independence; 0 when it never occurs.
    pub lift: f64,
    /// Pointwise mutual information in bits, `log2(lift)`; `None` when the pair never
    /// occurs (it would be −∞).
    pub pmi: Option<f64>,
}

/// One row of `cooccurrence.csv`: the two canonical ids (alphabetically ordered) and the
/// statistics of [`TagPair`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CooccurrenceRow {
    /// The alphabetically first canonical id.
    pub tag_a: String,
    /// The alphabetically second canonical id.
    pub tag_b: String,
    /// See [`TagPair::count`].
    pub count: usize,
    /// See [`TagPair::jaccard`].
    pub jaccard: f64,
    /// See [`TagPair::lift`].
    pub lift: f64,
    /// See [`TagPair::pmi`].
    pub pmi: Option<f64>,
}

/// The co-occurrence statistics of every pair of tags of a [`TagMatrix`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cooccurrence {
    /// The number of cases.
    pub n_cases: usize,
    /// How many cases carry each tag.
    pub tag_counts: Vec<usize>,
    /// Every pair of distinct tags once, ordered by (first, second) id, including pairs that
    /// never occur.
    pub pairs: Vec<TagPair>,
}

impl Cooccurrence {
    /// The statistics of two distinct tags, in either order; `None` for a tag with itself or
    /// a tag outside the matrix.
    pub fn pair(&self, a: TagId, b: TagId) -> Option<&TagPair> {
        let n_tags = self.tag_counts.len();
        let (low, high) = (a.min(b).index(), a.max(b).index());
        if low == high || high >= n_tags {
            return None;
        }
        self.pairs.get(pair_index(low, high, n_tags))
    }

    /// The pairs as named rows, sorted by `tag_a`, then `tag_b`.
    pub fn rows(&self, vocabulary: &Vocabulary) -> Vec<CooccurrenceRow> {
        let mut rows: Vec<CooccurrenceRow> = self
            .pairs
            .iter()
            .map(|pair| {
                let (mut tag_a, mut tag_b) =
                    (vocabulary.id(pair.first), vocabulary.id(pair.second));
                if tag_b < tag_a {
                    std::mem::swap(&mut tag_a, &mut tag_b);
                }
                CooccurrenceRow {
                    tag_a: tag_a.to_owned(),
                    tag_b: tag_b.to_owned(),
                    count: pair.count,
                    jaccard: pair.jaccard,
                    lift: pair.lift,
                    pmi: pair.pmi,
                }
            })
            .collect();
        rows.sort_by(|x, y| (&x.tag_a, &x.tag_b).cmp(&(&y.tag_a, &y.tag_b)));
        rows
    }
}

/// The co-occurrence statistics of every pair of tags of `matrix`.
pub fn cooccurrence(matrix: &TagMatrix) -> Cooccurrence {
    let distinct = DistinctRows::of(matrix);
    let n_tags = distinct.n_tags;
    let n_pairs = n_tags * n_tags.saturating_sub(1) / 2;
    let mut pair_counts = vec![0u64; n_pairs];
    let mut tags = Vec::new();
    for index in 0..distinct.len() {
        let weight = distinct.weights[index];
        tags.clear();
        for_each_bit(distinct.row(index), |tag| tags.push(tag));
        for (i, &low) in tags.iter().enumerate() {
            for &high in &tags[i + 1..] {
                pair_counts[pair_index(low, high, n_tags)] += weight;
            }
        }
    }
    let tag_counts = distinct.tag_counts();
    let n_cases = distinct.n_cases();
    let mut pairs = Vec::with_capacity(n_pairs);
    for low in 0..n_tags {
        for high in low + 1..n_tags {
            let count = pair_counts[pair_index(low, high, n_tags)];
            let (first_count, second_count) = (tag_counts[low], tag_counts[high]);
            let union = first_count + second_count - count;
            let lift = if count == 0 {
                0.0
            } else {
                (count as u128 * n_cases as u128) as f64
                    / (first_count as u128 * second_count as u128) as f64
            };
            pairs.push(TagPair {
                first: TagId(low as u32),
                second: TagId(high as u32),
                count: count as usize,
                jaccard: if union == 0 {
                    0.0
                } else {
                    count as f64 / union as f64
                },
                lift,
                pmi: (count > 0).then(|| lift.log2()),
            });
        }
    }
    Cooccurrence {
        n_cases: n_cases as usize,
        tag_counts: tag_counts.into_iter().map(|c| c as usize).collect(),
        pairs,
    }
}

/// The position of the pair `low < high` in the row-major upper triangle.
fn pair_index(low: usize, high: usize, n_tags: usize) -> usize {
    low * n_tags - low * (low + 1) / 2 + (high - low - 1)
}
