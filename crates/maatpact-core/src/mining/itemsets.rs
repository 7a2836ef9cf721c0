//! The frequent-itemset engine: distinct weighted profiles, then a depth-first search over
//! them, on bitmasks with database reduction when at most 64 tags are frequent, on item
//! lists with occurrence delivery otherwise.
//!
//! Every public guarantee (exact counts, closedness, maximality) is stated and tested in
//! [`super`]; this file holds the machinery.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::ItemsetKind;
use crate::case::TagId;
use crate::tag_matrix::TagMatrix;

/// The distinct rows of a [`TagMatrix`] with how many cases share each.
///
/// Households share problem profiles, so this is usually far smaller than the cases (about
/// 113,000 distinct rows for a million noisy synthetic cases over 30 tags), and every later
/// step works on it. Its size is bounded by the number of cases, so memory stays linear.
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
            let mut merged = MaskMerger::default();
            let mut empty_rows = 0;
            for &word in matrix.as_words() {
                if word == 0 {
                    empty_rows += 1;
                } else {
                    merged.add(word, 1);
                }
            }
            for (word, weight) in merged.take() {
                distinct.words.push(word);
                distinct.weights.push(weight);
            }
            if empty_rows > 0 {
                distinct.words.push(0);
                distinct.weights.push(empty_rows);
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

    /// The cases that carry every tag of `required`, with those tags removed, as weighted
    /// transactions over the tags that are frequent among them. `None` when the required set
    /// itself is not frequent (or names a tag outside the matrix): nothing can be reported.
    fn conditional(&self, required: &[TagId], min_count: u64) -> Option<Conditional<'_>> {
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
        // subtrees (those of the first items) get the smallest databases.
        let mut frequent: Vec<usize> = (0..self.n_tags)
            .filter(|&tag| counts[tag] >= min_count)
            .collect();
        frequent.sort_by_key(|&tag| (counts[tag], tag));
        let mut rank_of_tag = vec![u32::MAX; self.n_tags];
        for (rank, &tag) in frequent.iter().enumerate() {
            rank_of_tag[tag] = rank as u32;
        }
        let rows = (0..self.len()).filter_map(|index| {
            let row = self.row(index);
            contains_required(row).then_some((row, self.weights[index]))
        });
        Some(Conditional {
            tag_of_rank: frequent.iter().map(|&tag| TagId(tag as u32)).collect(),
            rank_of_tag,
            base_count,
            rows: rows.collect(),
        })
    }
}

/// Which search to run. `Auto` takes `Masks` whenever at most 64 tags are frequent (always,
/// with the default vocabulary) and `Lists` otherwise; tests run both on the same data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    Auto,
    #[cfg_attr(not(test), allow(dead_code, reason = "only tests force an engine"))]
    Masks,
    #[cfg_attr(not(test), allow(dead_code, reason = "only tests force an engine"))]
    Lists,
}

/// Every itemset of `distinct` that contains all `required` tags, has a count of at least
/// `min_count`, at most `max_len` tags and is of the given kind, as (tags by id, count).
pub(crate) fn find(
    distinct: &DistinctRows,
    required: &[TagId],
    min_count: u64,
    max_len: Option<usize>,
    kind: ItemsetKind,
    engine: Engine,
) -> Vec<(Vec<TagId>, u64)> {
    let mut found = Vec::new();
    let Some(conditional) = distinct.conditional(required, min_count) else {
        return found;
    };
    let max_items = max_len.map_or(usize::MAX, |max_len| max_len.saturating_sub(required.len()));
    let search = Search::new(Limits {
        min_count,
        max_items,
        kind,
    });
    let report_empty = !required.is_empty();
    let use_masks = match engine {
        Engine::Auto => conditional.tag_of_rank.len() <= 64,
        Engine::Masks => {
            assert!(
                conditional.tag_of_rank.len() <= 64,
                "the mask engine takes at most 64 frequent tags"
            );
            true
        }
        Engine::Lists => false,
    };
    let found_ranks = if use_masks {
        let database = conditional.masks();
        let mut mask_search = MaskSearch::new(search);
        mask_search.visit(conditional.base_count, &database, 0, report_empty);
        mask_search.search.found
    } else {
        let transactions = conditional.lists();
        let n_items = conditional.tag_of_rank.len();
        let all: Vec<u32> = (0..transactions.weights.len() as u32).collect();
        let mut list_search = ListSearch {
            search,
            transactions: &transactions,
            in_prefix: vec![false; n_items],
            levels: Vec::new(),
        };
        list_search.visit(0, conditional.base_count, &all, report_empty);
        list_search.search.found
    };
    found.extend(found_ranks.into_iter().map(|(ranks, count)| {
        let mut tags: Vec<TagId> = required.to_vec();
        tags.extend(
            ranks
                .iter()
                .map(|&rank| conditional.tag_of_rank[rank as usize]),
        );
        tags.sort_unstable();
        (tags, count)
    }));
    found
}

/// The rows that carry the required tags, and the ranks of the tags frequent among them.
struct Conditional<'a> {
    tag_of_rank: Vec<TagId>,
    /// `u32::MAX` for a tag that is required or not frequent.
    rank_of_tag: Vec<u32>,
    /// The number of cases with every required tag: the count of the required set.
    base_count: u64,
    rows: Vec<(&'a [u64], u64)>,
}

impl Conditional<'_> {
    /// The rows as bitmasks over at most 64 item ranks, identical ones merged.
    fn masks(&self) -> Vec<(u64, u64)> {
        let mut merged = MaskMerger::default();
        for &(row, weight) in &self.rows {
            let mut mask = 0u64;
            for_each_bit(row, |tag| {
                if self.rank_of_tag[tag] != u32::MAX {
                    mask |= 1 << self.rank_of_tag[tag];
                }
            });
            merged.add(mask, weight);
        }
        merged.take()
    }

    /// The rows as ascending lists of item ranks, identical ones merged.
    fn lists(&self) -> WeightedTransactions {
        let mut index_of: HashMap<Vec<u32>, usize, BuildWordHasher> = HashMap::default();
        let mut transactions = WeightedTransactions {
            items: Vec::new(),
            starts: vec![0],
            weights: Vec::new(),
        };
        let mut items = Vec::new();
        for &(row, weight) in &self.rows {
            items.clear();
            for_each_bit(row, |tag| {
                if self.rank_of_tag[tag] != u32::MAX {
                    items.push(self.rank_of_tag[tag]);
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
            transactions.weights[slot] += weight;
        }
        transactions
    }
}

/// Sums weights by non-zero 64-bit mask, dropping empty masks, keeping first-seen order.
/// (A hand-written open-addressing table measured no faster than `HashMap` with
/// [`WordHasher`] here, under cachegrind and on the clock.)
#[derive(Default)]
struct MaskMerger {
    index_of: HashMap<u64, usize, BuildWordHasher>,
    merged: Vec<(u64, u64)>,
}

impl MaskMerger {
    fn add(&mut self, mask: u64, weight: u64) {
        if mask == 0 {
            return;
        }
        let next = self.merged.len();
        let slot = *self.index_of.entry(mask).or_insert(next);
        if slot == next {
            self.merged.push((mask, 0));
        }
        self.merged[slot].1 += weight;
    }

    /// The merged masks with their summed weights; empties the merger for reuse.
    fn take(&mut self) -> Vec<(u64, u64)> {
        self.index_of.clear();
        std::mem::take(&mut self.merged)
    }
}

/// The thresholds of a search.
#[derive(Clone, Copy)]
struct Limits {
    min_count: u64,
    /// The largest number of items (beyond the required tags) in a reported itemset.
    max_items: usize,
    kind: ItemsetKind,
}

/// What both searches share: the thresholds, the current itemset and what was found.
struct Search {
    limits: Limits,
    /// The current itemset, as ascending item ranks.
    prefix: Vec<u32>,
    /// The reported itemsets, as (ascending item ranks, count).
    found: Vec<(Vec<u32>, u64)>,
}

impl Search {
    fn new(limits: Limits) -> Search {
        Search {
            limits,
            prefix: Vec::new(),
            found: Vec::new(),
        }
    }

    fn report(&mut self, count: u64) {
        self.found.push((self.prefix.clone(), count));
    }
}

/// A root database at least this large is searched in parallel, one task per first item.
/// Smaller ones are faster alone. The output is the same either way.
const PARALLEL_MIN_DATABASE: usize = 4096;

/// Depth-first search over bitmask databases with database reduction, as in LCM and
/// FP-growth: the database of an itemset holds only the items that can still matter below
/// it, and transactions that became identical are merged, so it shrinks quickly with depth.
struct MaskSearch {
    search: Search,
    merger: MaskMerger,
}

impl MaskSearch {
    fn new(search: Search) -> MaskSearch {
        MaskSearch {
            search,
            merger: MaskMerger::default(),
        }
    }

    /// Visits the current itemset, which `count` cases carry and whose database (without the
    /// itemset's own items) is `database`. Extensions are by items `>= first_extension`.
    fn visit(
        &mut self,
        count: u64,
        database: &[(u64, u64)],
        first_extension: u32,
        reportable: bool,
    ) {
        let limits = self.search.limits;
        let mut counts = [0u64; 64];
        for &(mask, weight) in database {
            let mut rest = mask;
            while rest != 0 {
                counts[rest.trailing_zeros() as usize] += weight;
                rest &= rest - 1;
            }
        }
        let mut frequent = 0u64;
        for (item, &item_count) in counts.iter().enumerate() {
            if item_count >= limits.min_count {
                frequent |= 1 << item;
            }
        }
        if reportable {
            // The database holds every item outside the itemset that could be frequent with
            // it (for closed and maximal, also the earlier ones), so one-item supersets
            // decide: counts only fall as an itemset grows.
            let keep = match limits.kind {
                ItemsetKind::All => true,
                ItemsetKind::Closed => !counts.contains(&count),
                ItemsetKind::Maximal => frequent == 0,
            };
            if keep {
                self.search.report(count);
            }
        }
        if self.search.prefix.len() >= limits.max_items {
            return;
        }
        let later = if first_extension >= 64 {
            0
        } else {
            u64::MAX << first_extension
        };
        let mut extensions = Vec::new();
        let mut rest = frequent & later;
        while rest != 0 {
            extensions.push(rest.trailing_zeros());
            rest &= rest - 1;
        }
        if limits.kind == ItemsetKind::All && self.search.prefix.len() + 1 == limits.max_items {
            // The last level: report the extensions without building their databases.
            for item in extensions {
                self.search.prefix.push(item);
                self.search.report(counts[item as usize]);
                self.search.prefix.pop();
            }
            return;
        }
        let keeps = child_keeps(database, frequent, limits);
        if self.search.prefix.is_empty() && database.len() >= PARALLEL_MIN_DATABASE {
            let subtrees: Vec<Vec<(Vec<u32>, u64)>> = extensions
                .par_iter()
                .map(|&item| {
                    let mut branch = MaskSearch::new(Search::new(limits));
                    let child = branch.project(database, item, keeps[item as usize]);
                    branch.search.prefix.push(item);
                    branch.visit(counts[item as usize], &child, item + 1, true);
                    branch.search.found
                })
                .collect();
            self.search.found.extend(subtrees.into_iter().flatten());
        } else {
            for item in extensions {
                let child = self.project(database, item, keeps[item as usize]);
                self.search.prefix.push(item);
                self.visit(counts[item as usize], &child, item + 1, true);
                self.search.prefix.pop();
            }
        }
    }

    /// The database of the current itemset extended by `item`: the transactions with `item`,
    /// cut to the items of `keep`, identical ones merged.
    fn project(&mut self, database: &[(u64, u64)], item: u32, keep: u64) -> Vec<(u64, u64)> {
        let bit = 1u64 << item;
        for &(mask, weight) in database {
            if mask & bit != 0 {
                self.merger.add(mask & keep, weight);
            }
        }
        self.merger.take()
    }
}

/// For each item, the items its child database must keep: those frequent together with it
/// (from one pass of pair counts over `database`), and for plain enumeration only the later
/// ones. Closed and maximal itemsets keep earlier items too, to check every superset; an item
/// left out is not frequent with the child, so it can neither match a count nor be a
/// frequent superset. Pruning here, as FP-growth does with its conditional databases, makes
/// the child databases collapse into few distinct masks.
fn child_keeps(database: &[(u64, u64)], frequent: u64, limits: Limits) -> [u64; 64] {
    let mut dense_of = [0usize; 64];
    let mut items = Vec::with_capacity(frequent.count_ones() as usize);
    let mut rest = frequent;
    while rest != 0 {
        let item = rest.trailing_zeros() as usize;
        dense_of[item] = items.len();
        items.push(item);
        rest &= rest - 1;
    }
    let n = items.len();
    let mut pair_counts = vec![0u64; n * n];
    for &(mask, weight) in database {
        let mut first = mask & frequent;
        while first != 0 {
            let row = dense_of[first.trailing_zeros() as usize] * n;
            first &= first - 1;
            let mut second = first;
            while second != 0 {
                pair_counts[row + dense_of[second.trailing_zeros() as usize]] += weight;
                second &= second - 1;
            }
        }
    }
    let mut keeps = [0u64; 64];
    for (low_dense, &low) in items.iter().enumerate() {
        for (high_dense, &high) in items.iter().enumerate().skip(low_dense + 1) {
            if pair_counts[low_dense * n + high_dense] >= limits.min_count {
                keeps[low] |= 1 << high;
                if limits.kind != ItemsetKind::All {
                    keeps[high] |= 1 << low;
                }
            }
        }
    }
    keeps
}

/// Distinct transactions over item ranks, weighted by how many cases they stand for.
struct WeightedTransactions {
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

/// Depth-first search with occurrence delivery over item lists (as in LCM), for any number
/// of frequent tags: one pass over an itemset's occurrences counts every extension, a second
/// distributes the occurrences of the frequent ones into per-item buckets.
struct ListSearch<'a> {
    search: Search,
    transactions: &'a WeightedTransactions,
    in_prefix: Vec<bool>,
    /// Scratch space per depth, reused across siblings so the search allocates little.
    levels: Vec<Level>,
}

#[derive(Default)]
struct Level {
    counts: Vec<u64>,
    touched: Vec<u32>,
    children: Vec<u32>,
    buckets: Vec<Vec<u32>>,
}

impl ListSearch<'_> {
    /// Visits the current itemset, which occurs (with `count` cases) in the transactions
    /// `occurrences`: decides whether to report it and descends into its extensions by items
    /// after its last one.
    fn visit(&mut self, depth: usize, count: u64, occurrences: &[u32], reportable: bool) {
        let n_items = self.in_prefix.len();
        if self.levels.len() <= depth {
            self.levels.push(Level::default());
        }
        let mut level = std::mem::take(&mut self.levels[depth]);
        level.counts.resize(n_items, 0);
        level.buckets.resize_with(n_items, Vec::new);
        let first_extension = self.search.prefix.last().map_or(0, |&last| last + 1);

        // Count every item over the occurrences. Closed and maximal itemsets need the counts
        // of all one-item supersets; plain enumeration only those of the extensions.
        let all_items = self.search.limits.kind != ItemsetKind::All;
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
            let keep = match self.search.limits.kind {
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
                    .any(|&item| level.counts[item as usize] >= self.search.limits.min_count),
            };
            if keep {
                self.search.report(count);
            }
        }

        if self.search.prefix.len() < self.search.limits.max_items {
            let min_count = self.search.limits.min_count;
            level.children.clear();
            level
                .children
                .extend(level.touched.iter().copied().filter(|&item| {
                    item >= first_extension && level.counts[item as usize] >= min_count
                }));
            level.children.sort_unstable();
            let leaves = self.search.limits.kind == ItemsetKind::All
                && self.search.prefix.len() + 1 == self.search.limits.max_items;
            if leaves {
                // The children are the last level and all of them are reported: no need to
                // gather their occurrences.
                for &item in &level.children {
                    self.search.prefix.push(item);
                    self.search.report(level.counts[item as usize]);
                    self.search.prefix.pop();
                }
            } else if !level.children.is_empty() {
                for &transaction in occurrences {
                    for &item in self.transactions.items_of(transaction).iter().rev() {
                        if item < first_extension {
                            break;
                        }
                        if level.counts[item as usize] >= min_count {
                            level.buckets[item as usize].push(transaction);
                        }
                    }
                }
                for &item in &level.children {
                    let mut bucket = std::mem::take(&mut level.buckets[item as usize]);
                    self.search.prefix.push(item);
                    self.in_prefix[item as usize] = true;
                    self.visit(depth + 1, level.counts[item as usize], &bucket, true);
                    self.in_prefix[item as usize] = false;
                    self.search.prefix.pop();
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

/// MurmurHash3's 64-bit finaliser: every input bit affects every output bit. Tag masks are
/// far from random (a few high bits for the common tags), and the table picks buckets by the
/// low bits of the hash, which a multiplication alone leaves poorly mixed.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
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
        mix(self.0)
    }
}
