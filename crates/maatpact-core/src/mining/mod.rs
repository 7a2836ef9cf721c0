//! Pattern mining over the problem tags: frequent itemsets (all, closed, maximal) with their
//! significance, association rules and the co-occurrence matrix.
//!
//! A *giftige cocktail* is first of all a combination of problems that occurs together far
//! more often than chance predicts. [`mine`] finds every combination above a minimum support
//! exactly and attaches a p-value against independence; [`rules`] turns the frequent
//! combinations into association rules; [`cooccurrence`] gives every tag pair's statistics.
//!
//! # Algorithm and its measurements
//!
//! Mining first counts the *distinct* rows (problem profiles) of the [`TagMatrix`] in one
//! hashed pass over the cases, and from then on works on those profiles weighted by their
//! counts: the search never touches the cases again. Households share profiles, so the
//! synthetic benchmark data (30 tags, with noise) reduce from 100,000 cases to about 23,000
//! profiles and from 1,000,000 to about 113,000; real programme data, with fewer tags per
//! household, reduce much further. Counts are sums of integer weights, hence exact.
//!
//! On the profiles, when at most 64 tags are frequent (always so with the default
//! vocabulary), a depth-first search runs over 64-bit masks with *database reduction*, as in
//! FP-growth and Uno et al.'s LCM: the database of an itemset holds only the tags that are
//! frequent together with it (found by counting all tag pairs of the parent's database in
//! one pass), and transactions that became identical are merged, so the databases shrink
//! fast with depth. The first level is searched in parallel (rayon), one task per tag; the
//! output is sorted afterwards, so it does not depend on the number of threads. With more
//! than 64 frequent tags, a depth-first search with occurrence delivery over tag lists (LCM's
//! scheme without the masks) takes over; both engines are tested against brute force.
//!
//! Memory is the profiles (at most one per case, so linear in the cases) plus one reduced
//! database per level of the search plus the output. Measured with a counting allocator, a
//! [`mine`] call on the benchmark data allocates at most 0.8 MB beyond the matrix at 10,000
//! cases, 3.1 MB at 100,000 and 12.5 MB at 1,000,000 (the matrix itself is 7.8 MB there).
//!
//! The alternatives, measured with `cargo bench -p maatpact-benches --bench mining --
//! --sample-size 10 alternatives` (`maatpact synth` data, 30 tags, min support 0.01, every
//! preparation step inside the timing; all three find exactly the same itemsets, which the
//! bench asserts), on the shared 2-core development machine while other builds kept its
//! load average near 11, so the absolute times are inflated several-fold; the ratios are what
//! matters:
//!
//! | cases | this engine | Eclat on case tidsets (`TagMatrix::tag_columns`, popcount) | Eclat on weighted profile tidsets (`TagMatrix::profiles`) |
//! |---|---|---|---|
//! | 100,000 | 21 ms | 24 ms | 37 ms |
//! | 1,000,000 | 112 ms | 287 ms | 319 ms |
//!
//! Eclat over per-case bitsets pays for every intersection in proportion to the number of
//! cases, plus the transposition into columns; Eclat over profile tidsets must sum weights
//! bit by bit. An earlier version of this engine (profiles, then occurrence delivery over
//! tag lists for every input, without database reduction) took about 2.8 times as long at
//! 1,000,000 cases in a quieter moment (105 ms against 37 ms for this one on a similar
//! generator), which is why the mask search with reduction is the default.
//!
//! # Closed and maximal itemsets
//!
//! *Closed*: no proper superset has the same count. *Maximal*: no proper superset is
//! frequent. Both are decided against **all** frequent itemsets, whatever the maximum
//! length: with `max_len = 3`, a reported closed triple is closed among itemsets of every
//! size, and a cocktail of four tags hides its triples from the maximal output. The length
//! limit only selects which of them are reported. (Since counts only fall as an itemset
//! grows, it suffices to look at the one-tag supersets, which the search counts anyway.)
//!
//! # Significance
//!
//! For each reported itemset of two or more tags, `p_value` is the probability of seeing at
//! least its count if its tags occurred independently, with their observed marginal counts:
//! - **pairs**: Fisher's exact test, one-sided (greater), on the 2×2 table of the two tags;
//! - **three or more tags**: a binomial upper-tail test of the count against `n_cases ×`
//!   the product of the tags' marginal frequencies. Its caveat: the null hypothesis is
//!   *full* independence, so a triple made of a strongly associated pair plus an unrelated
//!   tag can still come out significant. Compare a triple's lift with that of its pairs (or
//!   mine with `required` tags) before calling it a cocktail of three. The binomial also
//!   treats the marginals as known, which makes it slightly anti-conservative for small
//!   samples.
//!
//! `p_value_holm` corrects for multiple testing with Holm's method over all reported
//! itemsets of two or more tags. The family is what is reported (after the kind, length and
//! required-tag filters), not every combination that could have been tested, so treat it as
//! a screen: a combination with a large corrected p-value is one that chance explains.
//!
//! # Example
//!
//! ```
//! use maatpact_core::{mine, ItemsetKind, MiningParams, Support, TagId, TagMatrix};
//!
//! let rows = [vec![TagId(0), TagId(1)], vec![TagId(0), TagId(1)], vec![TagId(2)]];
//! let matrix = TagMatrix::from_rows(3, rows.iter().map(Vec::as_slice));
//! let params = MiningParams {
//!     min_support: Support::Count(2),
//!     kind: ItemsetKind::Closed,
//!     ..MiningParams::default()
//! }
//! .check()?;
//! let result = mine(&matrix, &params);
//! assert_eq!(result.itemsets.len(), 1);
//! assert_eq!(result.itemsets[0].tags, vec![TagId(0), TagId(1)]);
//! assert_eq!(result.itemsets[0].count, 2);
//! # Ok::<(), maatpact_core::Error>(())
//! ```

mod cooccurrence;
mod itemsets;
mod rules;

pub use cooccurrence::{Cooccurrence, CooccurrenceRow, TagPair, cooccurrence};
pub use rules::{Rule, RuleParams, RuleRow, ValidRuleParams, rule_rows, rules};

use serde::Serialize;

use crate::case::TagId;
use crate::config::Vocabulary;
use crate::error::{Error, Result};
use crate::stats::{binomial_upper_tail, fisher_exact_greater, holm_adjust};
use crate::tag_matrix::TagMatrix;
use itemsets::DistinctRows;

/// The minimum support of a frequent itemset.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Support {
    /// A fraction of the cases, in `(0, 1]`: an itemset is frequent when
    /// `count as f64 / n_cases as f64 >= fraction` (the rule mlxtend applies).
    Fraction(f64),
    /// An absolute number of cases, at least 1.
    Count(usize),
}

/// Which frequent itemsets to report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum ItemsetKind {
    /// Every frequent itemset.
    #[default]
    All,
    /// Frequent itemsets with no proper superset of the same count.
    Closed,
    /// Frequent itemsets with no frequent proper superset.
    Maximal,
}

impl ItemsetKind {
    /// Every kind, in the order of the command-line choices.
    pub const ALL: [ItemsetKind; 3] = [ItemsetKind::All, ItemsetKind::Closed, ItemsetKind::Maximal];

    /// The id used on the command line and in reports: `all`, `closed` or `maximal`.
    pub fn id(self) -> &'static str {
        match self {
            ItemsetKind::All => "all",
            ItemsetKind::Closed => "closed",
            ItemsetKind::Maximal => "maximal",
        }
    }
}

/// Parameters of [`mine`]; [`MiningParams::check`] validates them.
#[derive(Clone, Debug, PartialEq)]
pub struct MiningParams {
    /// The minimum support.
    pub min_support: Support,
    /// The maximum number of tags in an itemset (at least 1, and at least the number of
    /// required tags); `None` for no limit.
    pub max_len: Option<usize>,
    /// Only itemsets that contain all of these tags are reported. Duplicates are ignored.
    pub required: Vec<TagId>,
    /// Which itemsets to report.
    pub kind: ItemsetKind,
}

impl Default for MiningParams {
    /// Min support 5 %, no length limit, no required tags, all itemsets.
    fn default() -> Self {
        MiningParams {
            min_support: Support::Fraction(0.05),
            max_len: None,
            required: Vec::new(),
            kind: ItemsetKind::All,
        }
    }
}

impl MiningParams {
    /// Validates the parameters: a fraction in `(0, 1]` or a count of at least 1, a maximum
    /// length of at least 1 and not below the number of required tags.
    pub fn check(&self) -> Result<ValidMiningParams> {
        match self.min_support {
            Support::Fraction(fraction) if !(fraction > 0.0 && fraction <= 1.0) => {
                return Err(Error::InvalidParameter {
                    name: "min_support",
                    message: format!("a fraction must be in (0, 1], got {fraction}"),
                });
            }
            Support::Count(0) => {
                return Err(Error::InvalidParameter {
                    name: "min_support",
                    message: "a count must be at least 1, got 0".into(),
                });
            }
            _ => {}
        }
        let mut required = self.required.clone();
        required.sort_unstable();
        required.dedup();
        if let Some(max_len) = self.max_len {
            if max_len == 0 {
                return Err(Error::InvalidParameter {
                    name: "max_len",
                    message: "must be at least 1, got 0".into(),
                });
            }
            if max_len < required.len() {
                return Err(Error::InvalidParameter {
                    name: "max_len",
                    message: format!(
                        "is {max_len}, fewer than the {} required tags",
                        required.len()
                    ),
                });
            }
        }
        Ok(ValidMiningParams {
            min_support: self.min_support,
            max_len: self.max_len,
            required,
            kind: self.kind,
        })
    }
}

/// Validated [`MiningParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidMiningParams {
    min_support: Support,
    max_len: Option<usize>,
    required: Vec<TagId>,
    kind: ItemsetKind,
}

impl ValidMiningParams {
    /// The minimum support.
    pub fn min_support(&self) -> Support {
        self.min_support
    }

    /// The maximum itemset length, if any.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// The required tags, sorted by id, without duplicates.
    pub fn required(&self) -> &[TagId] {
        &self.required
    }

    /// Which itemsets are reported.
    pub fn kind(&self) -> ItemsetKind {
        self.kind
    }

    /// The same parameters with another kind.
    pub fn with_kind(&self, kind: ItemsetKind) -> ValidMiningParams {
        ValidMiningParams {
            kind,
            ..self.clone()
        }
    }

    /// The smallest count that is frequent among `n_cases` cases; at least 1.
    pub fn min_count(&self, n_cases: usize) -> usize {
        match self.min_support {
            Support::Count(count) => count,
            Support::Fraction(fraction) => {
                // ceil(fraction · n) up to rounding, then the exact rule `count / n >= fraction`
                // in f64, so that a fraction and the equivalent count always agree.
                let n = n_cases as f64;
                let mut count = (fraction * n).ceil() as usize;
                while count > 0 && (count - 1) as f64 / n >= fraction {
                    count -= 1;
                }
                while count <= n_cases && (count as f64 / n) < fraction {
                    count += 1;
                }
                count.max(1)
            }
        }
    }
}

/// A frequent combination of tags.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Itemset {
    /// The tags, sorted by id.
    pub tags: Vec<TagId>,
    /// The number of cases that carry all of them.
    pub count: usize,
    /// `count / n_cases`.
    pub support: f64,
    /// The support divided by the product of the tags' marginal supports: how many times
    /// more often the combination occurs than under independence. 1 for a single tag.
    pub lift: f64,
    /// For two or more tags, the p-value of "occurs more often than under independence"
    /// (Fisher's exact test for pairs, a binomial test for more; see the module docs).
    pub p_value: Option<f64>,
    /// `p_value` corrected with Holm's method over all reported itemsets of two or more tags.
    pub p_value_holm: Option<f64>,
}

/// The output of [`mine`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MiningResult {
    /// The reported itemsets, by count (descending), then by their tag ids (ascending).
    pub itemsets: Vec<Itemset>,
    /// The number of cases mined.
    pub n_cases: usize,
    /// The minimum count the support threshold came to.
    pub min_count: usize,
}

/// One row of `itemsets.csv`: `itemset,size,count,support,lift,p_value,p_value_holm`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemsetRow {
    /// The canonical tag ids, sorted alphabetically and joined with `+`.
    pub itemset: String,
    /// The number of tags.
    pub size: usize,
    /// See [`Itemset::count`].
    pub count: usize,
    /// See [`Itemset::support`].
    pub support: f64,
    /// See [`Itemset::lift`].
    pub lift: f64,
    /// See [`Itemset::p_value`].
    pub p_value: Option<f64>,
    /// See [`Itemset::p_value_holm`].
    pub p_value_holm: Option<f64>,
}

impl MiningResult {
    /// The itemsets as named rows, sorted by count (descending), then by the joined ids.
    pub fn rows(&self, vocabulary: &Vocabulary) -> Vec<ItemsetRow> {
        let mut rows: Vec<ItemsetRow> = self
            .itemsets
            .iter()
            .map(|itemset| ItemsetRow {
                itemset: vocabulary.join_ids(&itemset.tags),
                size: itemset.tags.len(),
                count: itemset.count,
                support: itemset.support,
                lift: itemset.lift,
                p_value: itemset.p_value,
                p_value_holm: itemset.p_value_holm,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.itemset.cmp(&b.itemset))
        });
        rows
    }
}

/// Mines the frequent itemsets of `matrix` (exactly), with their lift and significance.
///
/// An empty matrix, or required tags that are not frequent together (or lie outside the
/// matrix), give no itemsets. Beware that a very low support over many tags can make the
/// output itself exponential in size; that is the nature of the question, not of the engine.
pub fn mine(matrix: &TagMatrix, params: &ValidMiningParams) -> MiningResult {
    let distinct = DistinctRows::of(matrix);
    mine_distinct(&distinct, params)
}

/// [`mine`] on rows already made distinct.
fn mine_distinct(distinct: &DistinctRows, params: &ValidMiningParams) -> MiningResult {
    let n_cases = distinct.n_cases() as usize;
    let min_count = params.min_count(n_cases);
    let mut found = frequent_itemsets(distinct, params, min_count);
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let marginals = distinct.tag_counts();
    let n = n_cases as f64;
    let mut itemsets: Vec<Itemset> = found
        .into_iter()
        .map(|(tags, count)| {
            let expected_support: f64 = tags
                .iter()
                .map(|t| marginals[t.index()] as f64 / n)
                .product();
            let support = count as f64 / n;
            let lift = if tags.len() == 1 {
                1.0
            } else {
                support / expected_support
            };
            let p_value = match tags.len() {
                1 => None,
                2 => {
                    let first = marginals[tags[0].index()];
                    let second = marginals[tags[1].index()];
                    Some(fisher_exact_greater(
                        count,
                        first - count,
                        second - count,
                        n_cases as u64 + count - first - second,
                    ))
                }
                _ => Some(binomial_upper_tail(count, n_cases as u64, expected_support)),
            };
            Itemset {
                tags,
                count: count as usize,
                support,
                lift,
                p_value,
                p_value_holm: None,
            }
        })
        .collect();

    let tested: Vec<usize> = (0..itemsets.len())
        .filter(|&i| itemsets[i].p_value.is_some())
        .collect();
    let p_values: Vec<f64> = tested.iter().filter_map(|&i| itemsets[i].p_value).collect();
    for (&i, adjusted) in tested.iter().zip(holm_adjust(&p_values)) {
        itemsets[i].p_value_holm = Some(adjusted);
    }
    MiningResult {
        itemsets,
        n_cases,
        min_count,
    }
}

/// The itemsets of the given kind with count `>= min_count`, as (sorted tags, count).
fn frequent_itemsets(
    distinct: &DistinctRows,
    params: &ValidMiningParams,
    min_count: usize,
) -> Vec<(Vec<TagId>, u64)> {
    itemsets::find(
        distinct,
        params.required(),
        min_count as u64,
        params.max_len(),
        params.kind(),
        itemsets::Engine::Auto,
    )
}

#[cfg(test)]
mod tests;
