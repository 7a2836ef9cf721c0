//! Cases × tags as bitsets, and the distinct tag profiles behind them.

use std::collections::HashMap;

use ndarray::Array2;

use crate::case::{Case, TagId};

/// Cases × tags as row-major bitsets: `words_per_row` 64-bit words per case.
///
/// The number of tags is not capped at 64: a row takes as many words as it needs. Tag `t`
/// is bit `t % 64` of word `t / 64`, so tag order follows the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagMatrix {
    n_cases: usize,
    n_tags: usize,
    words_per_row: usize,
    bits: Vec<u64>,
}

/// The distinct tag sets (profiles) of a [`TagMatrix`], with how many cases share each.
///
/// Many households share the exact same problems, so clustering and mining can work on
/// profiles weighted by their counts instead of on every case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profiles {
    /// The distinct rows, in increasing bit order, as a matrix of their own.
    pub matrix: TagMatrix,
    /// How many cases have each profile.
    pub counts: Vec<usize>,
    /// For each case, the index of its profile.
    pub profile_of_case: Vec<usize>,
}

impl TagMatrix {
    /// An all-zero matrix.
    pub fn zeros(n_cases: usize, n_tags: usize) -> TagMatrix {
        let words_per_row = n_tags.div_ceil(64).max(1);
        TagMatrix {
            n_cases,
            n_tags,
            words_per_row,
            bits: vec![0; n_cases * words_per_row],
        }
    }

    /// The matrix of a slice of cases over a vocabulary of `n_tags` tags.
    ///
    /// # Panics
    /// When a case carries a tag id `>= n_tags`; validated cases never do.
    pub fn from_cases(cases: &[Case], n_tags: usize) -> TagMatrix {
        TagMatrix::from_rows(n_tags, cases.iter().map(|case| case.tags.as_slice()))
    }

    /// The matrix of any rows of tag ids.
    ///
    /// # Panics
    /// When a tag id is `>= n_tags`.
    pub fn from_rows<'a>(n_tags: usize, rows: impl IntoIterator<Item = &'a [TagId]>) -> TagMatrix {
        let rows = rows.into_iter();
        let words_per_row = n_tags.div_ceil(64).max(1);
        let mut bits = Vec::with_capacity(rows.size_hint().0 * words_per_row);
        let mut n_cases = 0;
        for tags in rows {
            let start = bits.len();
            bits.resize(start + words_per_row, 0);
            for tag in tags {
                let t = tag.index();
                assert!(t < n_tags, "tag id {t} out of range for {n_tags} tags");
                bits[start + t / 64] |= 1 << (t % 64);
            }
            n_cases += 1;
        }
        TagMatrix {
            n_cases,
            n_tags,
            words_per_row,
            bits,
        }
    }

    /// Number of cases (rows).
    pub fn n_cases(&self) -> usize {
        self.n_cases
    }

    /// Number of tags (columns).
    pub fn n_tags(&self) -> usize {
        self.n_tags
    }

    /// Number of 64-bit words per row.
    pub fn words_per_row(&self) -> usize {
        self.words_per_row
    }

    /// The bitset of one case.
    pub fn row(&self, case: usize) -> &[u64] {
        &self.bits[case * self.words_per_row..(case + 1) * self.words_per_row]
    }

    /// All rows, flattened.
    pub fn as_words(&self) -> &[u64] {
        &self.bits
    }

    /// Sets or clears one cell.
    pub fn set(&mut self, case: usize, tag: TagId, value: bool) {
        let t = tag.index();
        assert!(
            t < self.n_tags,
            "tag id {t} out of range for {} tags",
            self.n_tags
        );
        let word = &mut self.bits[case * self.words_per_row + t / 64];
        if value {
            *word |= 1 << (t % 64);
        } else {
            *word &= !(1 << (t % 64));
        }
    }

    /// Whether case `case` has tag `tag`.
    pub fn contains(&self, case: usize, tag: TagId) -> bool {
        let t = tag.index();
        t < self.n_tags && self.row(case)[t / 64] >> (t % 64) & 1 == 1
    }

    /// The tags of one case, in increasing order.
    pub fn tags_of(&self, case: usize) -> Vec<TagId> {
        bits_to_tags(self.row(case))
    }

    /// Number of tags of one case.
    pub fn row_len(&self, case: usize) -> u32 {
        self.row(case).iter().map(|w| w.count_ones()).sum()
    }

    /// How many cases carry each tag.
    pub fn tag_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.n_tags];
        for row in self.bits.chunks_exact(self.words_per_row) {
            for (w, &word) in row.iter().enumerate() {
                let mut rest = word;
                while rest != 0 {
                    counts[w * 64 + rest.trailing_zeros() as usize] += 1;
                    rest &= rest - 1;
                }
            }
        }
        counts
    }

    /// For each tag, the set of cases that carry it, as a bitset over cases (a *tidset*).
    pub fn tag_columns(&self) -> Vec<Vec<u64>> {
        let case_words = self.n_cases.div_ceil(64);
        let mut columns = vec![vec![0u64; case_words]; self.n_tags];
        for case in 0..self.n_cases {
            for (w, &word) in self.row(case).iter().enumerate() {
                let mut rest = word;
                while rest != 0 {
                    let t = w * 64 + rest.trailing_zeros() as usize;
                    columns[t][case / 64] |= 1 << (case % 64);
                    rest &= rest - 1;
                }
            }
        }
        columns
    }

    /// The distinct profiles, in increasing bit order, with their counts.
    pub fn profiles(&self) -> Profiles {
        let mut index_of: HashMap<&[u64], usize> = HashMap::new();
        let mut first_seen: Vec<&[u64]> = Vec::new();
        let mut raw_profile_of_case = Vec::with_capacity(self.n_cases);
        for case in 0..self.n_cases {
            let row = self.row(case);
            let next = first_seen.len();
            let idx = *index_of.entry(row).or_insert_with(|| {
                first_seen.push(row);
                next
            });
            raw_profile_of_case.push(idx);
        }
        // Sort the profiles by their bits (most significant word last) so the order does not
        // depend on which case came first.
        let mut order: Vec<usize> = (0..first_seen.len()).collect();
        order.sort_by(|&a, &b| first_seen[a].iter().rev().cmp(first_seen[b].iter().rev()));
        let mut rank = vec![0usize; order.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old] = new;
        }
        let mut matrix = TagMatrix::zeros(order.len(), self.n_tags);
        for (new, &old) in order.iter().enumerate() {
            matrix.bits[new * self.words_per_row..(new + 1) * self.words_per_row]
                .copy_from_slice(first_seen[old]);
        }
        let mut counts = vec![0usize; order.len()];
        let profile_of_case: Vec<usize> = raw_profile_of_case.iter().map(|&p| rank[p]).collect();
        for &p in &profile_of_case {
            counts[p] += 1;
        }
        Profiles {
            matrix,
            counts,
            profile_of_case,
        }
    }

    /// A dense 0/1 view (cases × tags) for linfa, in the ndarray version linfa uses.
    pub fn to_dense(&self) -> Array2<f64> {
        Array2::from_shape_fn((self.n_cases, self.n_tags), |(case, tag)| {
            if self.contains(case, TagId(tag as u32)) {
                1.0
            } else {
                0.0
            }
        })
    }
}

/// The tag ids set in a bitset, in increasing order.
pub fn bits_to_tags(words: &[u64]) -> Vec<TagId> {
    let mut tags = Vec::new();
    for (w, &word) in words.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            tags.push(TagId((w * 64 + rest.trailing_zeros() as usize) as u32));
            rest &= rest - 1;
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(raw: &[u32]) -> Vec<TagId> {
        raw.iter().map(|&t| TagId(t)).collect()
    }

    #[test]
    fn rows_past_64_tags_keep_every_bit() {
        let rows = [ids(&[0, 63, 64, 99]), ids(&[1]), ids(&[])];
        let matrix = TagMatrix::from_rows(100, rows.iter().map(Vec::as_slice));
        assert_eq!(matrix.words_per_row(), 2);
        assert_eq!(matrix.tags_of(0), ids(&[0, 63, 64, 99]));
        assert_eq!(matrix.row_len(0), 4);
        assert!(matrix.contains(1, TagId(1)));
        assert!(!matrix.contains(2, TagId(1)));
        let counts = matrix.tag_counts();
        assert_eq!((counts[0], counts[1], counts[64], counts[2]), (1, 1, 1, 0));
        let columns = matrix.tag_columns();
        assert_eq!(columns[99], vec![0b001]);
        assert_eq!(columns[1], vec![0b010]);
    }

    #[test]
    fn profiles_are_sorted_and_counted_whatever_the_case_order() {
        let rows = [ids(&[2]), ids(&[0, 1]), ids(&[2]), ids(&[0])];
        let matrix = TagMatrix::from_rows(3, rows.iter().map(Vec::as_slice));
        let profiles = matrix.profiles();
        assert_eq!(profiles.matrix.n_cases(), 3);
        assert_eq!(profiles.matrix.tags_of(0), ids(&[0]));
        assert_eq!(profiles.matrix.tags_of(1), ids(&[0, 1]));
        assert_eq!(profiles.matrix.tags_of(2), ids(&[2]));
        assert_eq!(profiles.counts, vec![1, 1, 2]);
        assert_eq!(profiles.profile_of_case, vec![2, 1, 2, 0]);
        let reversed: Vec<_> = rows.iter().rev().cloned().collect();
        let other = TagMatrix::from_rows(3, reversed.iter().map(Vec::as_slice)).profiles();
        assert_eq!(other.matrix, profiles.matrix);
    }

    #[test]
    fn dense_view_matches_bits() {
        let rows = [ids(&[0, 2]), ids(&[1])];
        let dense = TagMatrix::from_rows(3, rows.iter().map(Vec::as_slice)).to_dense();
        assert_eq!(dense, ndarray::array![[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]);
    }
}
