//! The frequent-itemset engine: distinct weighted profiles, then a depth-first search with
//! occurrence delivery (the scheme of Uno et al.'s LCM) over the profiles.
//!
//! Every public guarantee (exact counts, closedness, maximality) is stated and tested in
//! [`super`]; this file holds the machinery.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::ItemsetKind;
use crate::case::TagId;
use crate::tag_matrix::TagMatrix;

/// The distinct rows of a [`TagMatrix`] with how many cases share each.
///
/// Households share problem profiles, so this is usually far smaller than the cases (a few
/// thousand distinct rows for a million synthetic cases), and every later step works on it.
/// Its size is bounded by the number of cases, so memory stays linear.
pub(crate) struct DistinctRows {
    pub(crate) n_tags: usize,
    pub(crate) words_per_row: usize,
    /// The distinct rows, flattened, `words_per_row` words each, in no particular order.
    pub(crate) words: Vec<u64>,
    /// How many cases have each distinct row.
    pub(crate) weights: Vec<u64>,
}

impl DistinctRows {
    /// Counts the distinct rows of `matrix` in one pass.
    pub(crate) fn of(matrix: &TagMatrix) -> DistinctRows {
        let words_per_row = matrix.words_per_row();
        let mut distinct = DistinctRows {
            n_tags: matrix.n_tags(),
            words_per_row,
            words: Vec::new(),
            weights: Vec::new(),
        };
        if words_per_row == 1 {
            // Up to 64 tags, a row is one word: hash it as such, which is most of the cost of
            // mining a million cases.
            let mut weight_of: HashMap<u64, u64, BuildWordHasher> = HashMap::default();
            for &word in matrix.as_words() {
                *weight_of.entry(word).or_insert(0) += 1;
            }
            for (word, weight) in weight_of {
                distinct.words.push(word);
                distinct.weights.push(weight);
            }
        } else {
            let mut index_of: HashMap<&[u64], usize, BuildWordHasher> = HashMap::default();
            for row in matrix.as_words().chunks_exact(words_per_row) {
                let next = distinct.weights.len();
                let index = *index_of.entry(row).or_insert(next);
                if index == next {
                    distinct.words.extend_from_slice(row);
                    distinct.weights.push(0);
                }
                distinct.weights[index] += 1;
            }
        }
        distinct
    }

    /// The number of distinct rows.
    pub(crate) fn len(&self) -> usize {
        self.weights.len()
    }

    /// One distinct row.
    pub(crate) fn row(&self, index: usize) -> &[u64] {
        &self.words[index * self.words_per_row..(index + 1) * self.words_per_row]
    }

    /// The total weight: the number of cases.
    pub(crate) fn n_cases(&self) -> u64 {
        self.weights.iter().sum()
    }

    /// How many cases carry each tag.
    pub(crate) fn tag_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.n_tags];
        for index in 0..self.len() {
            let weight = self.weights[index];
            for_each_bit(self.row(index), |tag| counts[tag] += weight);
        }
        counts
    }

    /// The cases that carry every tag of `required`, with those tags and every tag that is
    /// not frequent among them removed. `None` when the required set itself is not frequent
    /// (or names a tag outside the matrix), so that nothing can be reported.
    pub(crate) fn conditional(
        &self,
        required: &[TagId],
        min_count: u64,
    ) -> Option<WeightedTransactions> {
        let mut required_mask = vec![0u64; self.words_per_row];
        for tag in required {
            if tag.index() >= self.n_tags {
                return None;
            }
            required_mask[tag.index() / 64] |= 1 << (tag.index() % 64);
        }
        let contains_required = |row: &[u64]| {
            row.iter()
                .zip(&required_mask)
                .all(|(&word, &mask)| word & mask == mask)
        };
        let mut base_count = 0u64;
        let mut counts = vec![0u64; self.n_tags];
        for index in 0..self.len() {
            let row = self.row(index);
            if contains_required(row) {
                let weight = self.weights[index];
                base_count += weight;
                for_each_bit(row, |tag| counts[tag] += weight);
            }
        }
        if base_count < min_count {
            return None;
        }
        for tag in required {
            counts[tag.index()] = 0;
        }
        // Rank the frequent items by increasing count, so that the search tree's largest
        // subtrees (those of the first items) get the smallest occurrence lists.
        let mut frequent: Vec<usize> = (0..self.n_tags)
            .filter(|&tag| counts[tag] >= min_count)
            .collect();
        frequent.sort_by_key(|&tag| (counts[tag], tag));
        let mut rank_of_tag = vec![u32::MAX; self.n_tags];
        for (rank, &tag) in frequent.iter().enumerate() {
            rank_of_tag[tag] = rank as u32;
        }
        // Rows that differ only in removed tags are now the same transaction: merge them.
        let mut index_of: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut transactions = WeightedTransactions {
            tag_of_rank: frequent.iter().map(|&tag| TagId(tag as u32)).collect(),
            base_count,
            items: Vec::new(),
            starts: vec![0],
            weights: Vec::new(),
        };
        let mut items = Vec::new();
        for index in 0..self.len() {
            let row = self.row(index);
            if !contains_required(row) {
                continue;
            }
            items.clear();
            for_each_bit(row, |tag| {
                if rank_of_tag[tag] != u32::MAX {
                    items.push(rank_of_tag[tag]);
                }
            });
            if items.is_empty() {
                continue;
            }
            items.sort_unstable();
            let next = transactions.weights.len();
            let slot = *index_of.entry(items.clone()).or_insert(next);
            if slot == next {
                transactions.items.extend_from_slice(&items);
                transactions.starts.push(transactions.items.len());
                transactions.weights.push(0);
            }
            transactions.weights[slot] += self.weights[index];
        }
        Some(transactions)
    }
}

/// Distinct transactions over item ranks, weighted by how many cases they stand for.
pub(crate) struct WeightedTransactions {
    /// The tag of each item rank.
    pub(crate) tag_of_rank: Vec<TagId>,
    /// The number of cases that carry every required tag (all cases when none are required).
    pub(crate) base_count: u64,
    /// The item ranks of every transaction, ascending within each, flattened.
    items: Vec<u32>,
    /// Where each transaction starts in `items`, plus the end.
    starts: Vec<usize>,
    weights: Vec<u64>,
}

impl WeightedTransactions {
    fn items_of(&self, transaction: u32) -> &[u32] {
        let t = transaction as usize;
        &self.items[self.starts[t]..self.starts[t + 1]]
    }
}

/// Enumerates the itemsets of `transactions` with count `>= min_count` and at most
/// `max_items` items (beyond the required ones), of the given kind. Calls `report` with each
/// itemset's ascending item ranks and its count. The empty itemset stands for the required
/// set; it is reported only when `report_empty` (that is, when tags are required).
pub(crate) fn enumerate(
    transactions: &WeightedTransactions,
    min_count: u64,
    max_items: usize,
    kind: ItemsetKind,
    report_empty: bool,
    report: &mut dyn FnMut(&[u32], u64),
) {
    let n_items = transactions.tag_of_rank.len();
    let mut search = Search {
        transactions,
        min_count,
        max_items,
        kind,
        prefix: Vec::new(),
        in_prefix: vec![false; n_items],
        levels: Vec::new(),
        report,
    };
    let all: Vec<u32> = (0..transactions.weights.len() as u32).collect();
    search.visit(0, transactions.base_count, &all, report_empty);
}

struct Search<'a, 'r> {
    transactions: &'a WeightedTransactions,
    min_count: u64,
    max_items: usize,
    kind: ItemsetKind,
    prefix: Vec<u32>,
    in_prefix: Vec<bool>,
    /// Scratch space per depth, reused across siblings so the search allocates little.
    levels: Vec<Level>,
    report: &'r mut dyn FnMut(&[u32], u64),
}

#[derive(Default)]
struct Level {
    counts: Vec<u64>,
    touched: Vec<u32>,
    children: Vec<u32>,
    buckets: Vec<Vec<u32>>,
}

impl Search<'_, '_> {
    /// Visits the itemset `prefix`, which occurs (with `count` cases) in the transactions
    /// `occurrences`: decides whether to report it and descends into its extensions by items
    /// after its last one.
    fn visit(&mut self, depth: usize, count: u64, occurrences: &[u32], reportable: bool) {
        let n_items = self.transactions.tag_of_rank.len();
        if self.levels.len() <= depth {
            self.levels.push(Level::default());
        }
        let mut level = std::mem::take(&mut self.levels[depth]);
        level.counts.resize(n_items, 0);
        level.buckets.resize_with(n_items, Vec::new);
        let first_extension = self.prefix.last().map_or(0, |&last| last + 1);

        // Count every item over the occurrences. Closed and maximal itemsets need the counts
        // of all one-item supersets; plain enumeration only those of the extensions.
        let all_items = self.kind != ItemsetKind::All;
        for &transaction in occurrences {
            let weight = self.transactions.weights[transaction as usize];
            for &item in self.transactions.items_of(transaction).iter().rev() {
                if item < first_extension && !all_items {
                    break;
                }
                let slot = &mut level.counts[item as usize];
                if *slot == 0 {
                    level.touched.push(item);
                }
                *slot += weight;
            }
        }

        if reportable {
            let outside_prefix = |item: &&u32| !self.in_prefix[**item as usize];
            let keep = match self.kind {
                ItemsetKind::All => true,
                // Closed: no one-item superset has the same count (so no superset at all).
                ItemsetKind::Closed => !level
                    .touched
                    .iter()
                    .filter(outside_prefix)
                    .any(|&item| level.counts[item as usize] == count),
                // Maximal: no one-item superset is frequent (so no superset at all).
                ItemsetKind::Maximal => !level
                    .touched
                    .iter()
                    .filter(outside_prefix)
                    .any(|&item| level.counts[item as usize] >= self.min_count),
            };
            if keep {
                (self.report)(&self.prefix, count);
            }
        }

        if self.prefix.len() < self.max_items {
            level.children.clear();
            level
                .children
                .extend(level.touched.iter().copied().filter(|&item| {
                    item >= first_extension && level.counts[item as usize] >= self.min_count
                }));
            level.children.sort_unstable();
            let leaves = self.kind == ItemsetKind::All && self.prefix.len() + 1 == self.max_items;
            if leaves {
                // The children are the last level and all of them are reported: no need to
                // gather their occurrences.
                for &item in &level.children {
                    self.prefix.push(item);
                    (self.report)(&self.prefix, level.counts[item as usize]);
                    self.prefix.pop();
                }
            } else if !level.children.is_empty() {
                for &transaction in occurrences {
                    for &item in self.transactions.items_of(transaction).iter().rev() {
                        if item < first_extension {
                            break;
                        }
                        if level.counts[item as usize] >= self.min_count {
                            level.buckets[item as usize].push(transaction);
                        }
                    }
                }
                for &item in &level.children {
                    let bucket = std::mem::take(&mut level.buckets[item as usize]);
                    self.prefix.push(item);
                    self.in_prefix[item as usize] = true;
                    self.visit(depth + 1, level.counts[item as usize], &bucket, true);
                    self.in_prefix[item as usize] = false;
                    self.prefix.pop();
                    let mut bucket = bucket;
                    bucket.clear();
                    level.buckets[item as usize] = bucket;
                }
            }
        }

        for &item in &level.touched {
            level.counts[item as usize] = 0;
        }
        level.touched.clear();
        self.levels[depth] = level;
    }
}

/// Calls `visit` with the index of every set bit of a bitset.
pub(crate) fn for_each_bit(words: &[u64], mut visit: impl FnMut(usize)) {
    for (w, &word) in words.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            visit(w * 64 + rest.trailing_zeros() as usize);
            rest &= rest - 1;
        }
    }
}

/// A fast, fixed (hence deterministic) hasher for bitset words. SipHash, the default, costs
/// several times more per row and its DoS resistance buys nothing on our own data.
#[derive(Default)]
struct WordHasher(u64);

type BuildWordHasher = BuildHasherDefault<WordHasher>;

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: the table uses the low bits, which a multiply alone leaves
        // poorly mixed.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}
