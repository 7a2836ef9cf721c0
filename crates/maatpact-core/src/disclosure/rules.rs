//! Primary suppression of amounts, judged on each household's contribution.

use super::Suppression;
use crate::config::PrivacyThresholds;

/// What the amount rules need of the households' contributions to one amount, gathered one
/// value at a time: the sum of magnitudes, the `n` largest magnitudes and how many are not
/// zero. Magnitudes, because a large negative contribution discloses as much as a positive.
#[derive(Clone, Debug, PartialEq)]
pub struct Contributions {
    magnitude_total: f64,
    /// The largest magnitudes, largest first, at most `dominance_n`.
    largest: Vec<f64>,
    keep: usize,
    nonzero: u64,
}

impl Contributions {
    /// No contributions yet, keeping the `dominance_n` largest.
    pub fn new(thresholds: &PrivacyThresholds) -> Contributions {
        Contributions {
            magnitude_total: 0.0,
            largest: Vec::with_capacity(thresholds.dominance_n + 1),
            keep: thresholds.dominance_n,
            nonzero: 0,
        }
    }

    /// Adds one household's contribution.
    pub fn add(&mut self, value: f64) {
        let magnitude = value.abs();
        if magnitude == 0.0 {
            return;
        }
        self.nonzero += 1;
        self.magnitude_total += magnitude;
        if self.largest.len() < self.keep || self.largest.last().is_some_and(|&m| magnitude > m) {
            let at = self.largest.partition_point(|&m| m >= magnitude);
            self.largest.insert(at, magnitude);
            self.largest.truncate(self.keep);
        }
    }

    /// The sum of the magnitudes.
    pub fn magnitude_total(&self) -> f64 {
        self.magnitude_total
    }

    /// The sum of the `dominance_n` largest magnitudes.
    pub fn largest_total(&self) -> f64 {
        self.largest.iter().sum()
    }

    /// How many households contribute a value other than zero.
    pub fn nonzero(&self) -> u64 {
        self.nonzero
    }

    /// Whether the `n` largest contributions exceed `k` percent of the amount.
    pub fn is_dominated(&self, thresholds: &PrivacyThresholds) -> bool {
        self.magnitude_total > 0.0
            && self.largest_total() > thresholds.dominance_k / 100.0 * self.magnitude_total
    }

    /// Whether fewer than `min_contributors` households contribute (an amount nobody
    /// contributes to is 0 and discloses nothing).
    pub fn too_few(&self, thresholds: &PrivacyThresholds) -> bool {
        self.nonzero > 0 && self.nonzero < thresholds.min_contributors as u64
    }
}

/// Whether an amount is dominated: its `n` largest absolute contributions exceed `k`
/// percent of the sum of absolute contributions.
pub fn is_dominated(contributions: &[i64], thresholds: &PrivacyThresholds) -> bool {
    gather(contributions, thresholds).is_dominated(thresholds)
}

/// Whether an amount has non-zero contributions from fewer than `min_contributors`
/// households.
pub fn too_few_contributors(contributions: &[i64], thresholds: &PrivacyThresholds) -> bool {
    gather(contributions, thresholds).too_few(thresholds)
}

fn gather(contributions: &[i64], thresholds: &PrivacyThresholds) -> Contributions {
    let mut gathered = Contributions::new(thresholds);
    for &c in contributions {
        gathered.add(c as f64);
    }
    gathered
}

/// The primary suppression of a row's amounts, each judged on its own contributions:
/// dominance first, then too few contributors.
pub fn amount_primary<'c>(
    columns: impl IntoIterator<Item = &'c Contributions>,
    thresholds: &PrivacyThresholds,
) -> Option<Suppression> {
    let mut few = false;
    for column in columns {
        if column.is_dominated(thresholds) {
            return Some(Suppression::Dominance);
        }
        few |= column.too_few(thresholds);
    }
    few.then_some(Suppression::FewContributors)
}
