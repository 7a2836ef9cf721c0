//! Comparing the cocktails of two phases: did phase 2 *confirm or nuance* the cocktails of
//! phase 1?
//!
//! [`compare_cocktails`] takes a [`CocktailSummary`] per cluster of each phase (BASE and NEW),
//! matches the clusters one-to-one and reports per cocktail a [`CocktailComparison`]: whether
//! it is [`MatchStatus::Confirmed`], [`MatchStatus::Nuanced`] (with the tags added and
//! removed), [`MatchStatus::New`] or [`MatchStatus::Vanished`], and how its share of cases and
//! its mean savings shifted.
//!
//! # Matching
//! The Hungarian algorithm (`pathfinding`'s `kuhn_munkres`) finds the one-to-one assignment
//! that maximises, lexicographically,
//! 1. the total Jaccard similarity of the defining-tag sets, and then
//! 2. minus the total L1 distance between the prevalence vectors (the tie-break).
//!
//! `kuhn_munkres` needs integer weights, so the pair weight is
//! `round(J · 10¹²) · BIG − round(L1 · 10⁶)` in `i128`, with `BIG` one more than the largest
//! possible sum of the scaled L1 terms over a whole assignment. Any difference in the
//! (rounded) total Jaccard therefore outweighs any difference in prevalence. The Jaccard term
//! is rounded in exact integer arithmetic, so the weights, and the matching, do not depend on
//! the platform. Before matching, both sides are put in a canonical order (by defining tags,
//! then prevalences, then the other fields), so the result does not depend on the order of
//! the input lists: only clusters identical in every field can trade places.
//!
//! A pair with Jaccard similarity 0 (no defining tag in common) is not a match: the BASE
//! cocktail is reported as vanished and the NEW one as new. Two empty defining-tag sets (such
//! as two noise clusters) are identical and have similarity 1.
//!
//! # Shifts
//! A cocktail's share is `n_cases / n_total` of its side. The 95% interval of the change in
//! share (NEW − BASE) is Newcombe's hybrid score interval (Newcombe 1998, method 10) for the
//! difference of two independent proportions: it combines the two Wilson score intervals and,
//! unlike the Wald interval, stays inside [−1, 1] and behaves at shares of 0 and 1 (a cocktail
//! that vanished has share 0 in NEW).

use std::cmp::Ordering;

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use serde::{Deserialize, Serialize};

use crate::case::TagId;
use crate::cluster::ClusterProfile;
use crate::error::{Error, Result};

/// One cluster (cocktail) of one phase, as [`compare_cocktails`] needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CocktailSummary {
    /// The cluster's defining tags. Any order is accepted; they are compared as a set.
    pub defining_tags: Vec<TagId>,
    /// The prevalence of every vocabulary tag in the cluster (in [0, 1]), in vocabulary
    /// order. Every summary of both sides must have the same length.
    pub prevalence: Vec<f64>,
    /// Number of cases in the cluster.
    pub n_cases: usize,
    /// Number of cases on this side (the phase); the same for every summary of a side.
    pub n_total: usize,
    /// Mean savings per case of the cluster, in euros, when known.
    pub mean_savings: Option<f64>,
    /// Whether the cluster was stable under bootstrap. Not used by the matching; carried so
    /// that callers can report it next to the comparison.
    pub stable: bool,
}

impl CocktailSummary {
    /// The summary of a cluster profile, for a side with `n_total` cases and a known (or
    /// unknown) mean saving in euros. A profile without a stability measurement counts as
    /// stable unless flagged unstable.
    pub fn from_profile(
        profile: &ClusterProfile,
        n_total: usize,
        mean_savings: Option<f64>,
    ) -> CocktailSummary {
        CocktailSummary {
            defining_tags: profile.defining_tags.clone(),
            prevalence: profile.tags.iter().map(|stat| stat.prevalence).collect(),
            n_cases: profile.size,
            n_total,
            mean_savings,
            stable: !profile.unstable,
        }
    }

    /// `n_cases / n_total`.
    pub fn share(&self) -> f64 {
        self.n_cases as f64 / self.n_total as f64
    }
}

/// What became of a cocktail between BASE and NEW.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Matched, with the same defining tags.
    Confirmed,
    /// Matched, with tags added or removed.
    Nuanced,
    /// Only in NEW.
    New,
    /// Only in BASE.
    Vanished,
}

impl MatchStatus {
    /// The id used in tables: `confirmed`, `nuanced`, `new` or `vanished`.
    pub fn id(self) -> &'static str {
        match self {
            MatchStatus::Confirmed => "confirmed",
            MatchStatus::Nuanced => "nuanced",
            MatchStatus::New => "new",
            MatchStatus::Vanished => "vanished",
        }
    }
}

impl std::fmt::Display for MatchStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The comparison of one cocktail across the two phases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CocktailComparison {
    /// Index into the BASE list; `None` for a new cocktail.
    pub base: Option<usize>,
    /// Index into the NEW list; `None` for a vanished cocktail.
    pub new: Option<usize>,
    /// Confirmed, nuanced, new or vanished.
    pub status: MatchStatus,
    /// Defining tags in NEW but not in BASE, sorted (all of them for a new cocktail).
    pub added: Vec<TagId>,
    /// Defining tags in BASE but not in NEW, sorted (all of them for a vanished cocktail).
    pub removed: Vec<TagId>,
    /// Jaccard similarity of the two defining-tag sets; 0 for a new or vanished cocktail.
    pub jaccard: f64,
    /// Share of BASE's cases in the cocktail; 0 for a new cocktail.
    pub share_base: f64,
    /// Share of NEW's cases in the cocktail; 0 for a vanished cocktail.
    pub share_new: f64,
    /// `share_new − share_base`.
    pub share_change: f64,
    /// 95% interval of `share_change` (Newcombe's hybrid score interval).
    pub share_change_ci: (f64, f64),
    /// NEW's mean savings minus BASE's, in euros, when both are known.
    pub mean_savings_change: Option<f64>,
}

/// Matches the cocktails of BASE and NEW one-to-one and classifies each (see the module
/// documentation for the method).
///
/// The result lists every BASE cocktail in BASE order (matched or vanished), then the new
/// cocktails in NEW order. An empty side has no known number of cases: its shares are 0 and
/// its proportion's interval is taken as the whole of [0, 1], so the intervals are wide.
///
/// # Errors
/// [`Error::InvalidParameter`] (named `base` or `new`) when a side is inconsistent: a
/// `n_total` of 0 or differing within the side, more cases in a cluster than on its side,
/// prevalence vectors of different lengths, or a prevalence outside [0, 1].
///
/// ```
/// use maatpact_core::{CocktailSummary, MatchStatus, TagId, compare_cocktails};
///
/// let summary = |tags: &[u32], n_cases| CocktailSummary {
///     defining_tags: tags.iter().map(|&t| TagId(t)).collect(),
///     prevalence: vec![0.5; 4],
///     n_cases,
///     n_total: 100,
///     mean_savings: None,
///     stable: true,
/// };
/// let base = [summary(&[0, 1], 40), summary(&[2, 3], 60)];
/// let new = [summary(&[2, 3], 50), summary(&[0, 2], 50)];
/// let comparisons = compare_cocktails(&base, &new)?;
/// assert_eq!(comparisons[0].status, MatchStatus::Nuanced);
/// assert_eq!((comparisons[0].added.clone(), comparisons[0].removed.clone()), (vec![TagId(2)], vec![TagId(1)]));
/// assert_eq!(comparisons[1].status, MatchStatus::Confirmed);
/// assert!((comparisons[1].share_change + 0.1).abs() < 1e-12);
/// # Ok::<(), maatpact_core::Error>(())
/// ```
pub fn compare_cocktails(
    base: &[CocktailSummary],
    new: &[CocktailSummary],
) -> Result<Vec<CocktailComparison>> {
    let n_total_base = check_side("base", base)?;
    let n_total_new = check_side("new", new)?;
    if let (Some(b), Some(n)) = (base.first(), new.first())
        && b.prevalence.len() != n.prevalence.len()
    {
        return Err(Error::InvalidParameter {
            name: "new",
            message: format!(
                "prevalence vectors have {} tags in NEW but {} in BASE; both phases must use \
                 the same vocabulary",
                n.prevalence.len(),
                b.prevalence.len()
            ),
        });
    }
    let base_tags: Vec<Vec<TagId>> = base.iter().map(|c| sorted_set(&c.defining_tags)).collect();
    let new_tags: Vec<Vec<TagId>> = new.iter().map(|c| sorted_set(&c.defining_tags)).collect();

    let match_of_base = assign(base, new, &base_tags, &new_tags)?;
    let mut matched_new = vec![false; new.len()];
    let mut comparisons = Vec::with_capacity(base.len() + new.len());
    for (b, matched) in match_of_base.iter().enumerate() {
        let base_side = Side {
            index: b,
            tags: &base_tags[b],
            n_cases: base[b].n_cases,
            mean_savings: base[b].mean_savings,
        };
        let new_side = matched.map(|n| {
            matched_new[n] = true;
            Side {
                index: n,
                tags: &new_tags[n],
                n_cases: new[n].n_cases,
                mean_savings: new[n].mean_savings,
            }
        });
        comparisons.push(comparison(
            Some(base_side),
            new_side,
            n_total_base,
            n_total_new,
        ));
    }
    for (n, cocktail) in new.iter().enumerate() {
        if !matched_new[n] {
            let new_side = Side {
                index: n,
                tags: &new_tags[n],
                n_cases: cocktail.n_cases,
                mean_savings: cocktail.mean_savings,
            };
            comparisons.push(comparison(None, Some(new_side), n_total_base, n_total_new));
        }
    }
    Ok(comparisons)
}

/// The 95% Wilson score interval of a proportion `successes / trials`. With no trials it is
/// (0, 1): nothing is known.
pub fn wilson_interval(successes: usize, trials: usize) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half_width = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    (
        (centre - half_width).max(0.0),
        (centre + half_width).min(1.0),
    )
}

/// The 95% interval of `after − before` for two independent proportions, each given as
/// `(successes, trials)`: Newcombe's hybrid score interval (1998, method 10), built from the
/// two Wilson intervals.
pub fn newcombe_difference_interval(before: (usize, usize), after: (usize, usize)) -> (f64, f64) {
    let proportion = |(successes, trials): (usize, usize)| {
        if trials == 0 {
            0.0
        } else {
            successes as f64 / trials as f64
        }
    };
    let (p_after, p_before) = (proportion(after), proportion(before));
    let (low_after, high_after) = wilson_interval(after.0, after.1);
    let (low_before, high_before) = wilson_interval(before.0, before.1);
    let difference = p_after - p_before;
    let lower = difference - (p_after - low_after).hypot(high_before - p_before);
    let upper = difference + (high_after - p_after).hypot(p_before - low_before);
    (lower.max(-1.0), upper.min(1.0))
}

/// The two-sided 97.5% quantile of the standard normal distribution.
const Z_95: f64 = 1.959_963_984_540_054;

/// Scale of the Jaccard term of a matching weight.
const JACCARD_SCALE: i128 = 1_000_000_000_000;

/// Scale of the prevalence (L1) tie-break term of a matching weight.
const PREVALENCE_SCALE: f64 = 1_000_000.0;

/// One side of a comparison: a cocktail's index, sorted defining tags, size and savings.
#[derive(Clone, Copy)]
struct Side<'a> {
    index: usize,
    tags: &'a [TagId],
    n_cases: usize,
    mean_savings: Option<f64>,
}

/// The comparison of a matched pair, or of a cocktail on one side only (a missing side counts
/// as an empty cocktail with no cases).
fn comparison<'a>(
    base: Option<Side<'a>>,
    new: Option<Side<'a>>,
    n_total_base: usize,
    n_total_new: usize,
) -> CocktailComparison {
    let tags = |side: Option<Side<'a>>| -> &'a [TagId] { side.map_or(&[], |s| s.tags) };
    let cases = |side: Option<Side<'a>>| side.map_or(0, |s| s.n_cases);
    let share = |cases: usize, total: usize| {
        if total == 0 {
            0.0
        } else {
            cases as f64 / total as f64
        }
    };
    let (added, removed) = differences(tags(base), tags(new));
    let status = match (base, new) {
        (Some(_), None) => MatchStatus::Vanished,
        (None, _) => MatchStatus::New,
        _ if added.is_empty() && removed.is_empty() => MatchStatus::Confirmed,
        _ => MatchStatus::Nuanced,
    };
    let jaccard = if base.is_some() && new.is_some() {
        jaccard(tags(base), tags(new))
    } else {
        0.0
    };
    let (share_base, share_new) = (
        share(cases(base), n_total_base),
        share(cases(new), n_total_new),
    );
    CocktailComparison {
        base: base.map(|s| s.index),
        new: new.map(|s| s.index),
        status,
        added,
        removed,
        jaccard,
        share_base,
        share_new,
        share_change: share_new - share_base,
        share_change_ci: newcombe_difference_interval(
            (cases(base), n_total_base),
            (cases(new), n_total_new),
        ),
        mean_savings_change: match (
            base.and_then(|s| s.mean_savings),
            new.and_then(|s| s.mean_savings),
        ) {
            (Some(before), Some(after)) => Some(after - before),
            _ => None,
        },
    }
}

/// Checks one side and returns its number of cases (0 for an empty side).
fn check_side(name: &'static str, side: &[CocktailSummary]) -> Result<usize> {
    let invalid = |message: String| Error::InvalidParameter { name, message };
    let Some(first) = side.first() else {
        return Ok(0);
    };
    for (index, cocktail) in side.iter().enumerate() {
        if cocktail.n_total == 0 {
            return Err(invalid(format!("cocktail {index} has n_total 0")));
        }
        if cocktail.n_total != first.n_total {
            return Err(invalid(format!(
                "cocktail {index} has n_total {} but cocktail 0 has {}; n_total is the number \
                 of cases of the whole side",
                cocktail.n_total, first.n_total
            )));
        }
        if cocktail.n_cases > cocktail.n_total {
            return Err(invalid(format!(
                "cocktail {index} has {} cases, more than the {} of its side",
                cocktail.n_cases, cocktail.n_total
            )));
        }
        if cocktail.prevalence.len() != first.prevalence.len() {
            return Err(invalid(format!(
                "cocktail {index} has {} prevalences but cocktail 0 has {}",
                cocktail.prevalence.len(),
                first.prevalence.len()
            )));
        }
        if let Some(bad) = cocktail
            .prevalence
            .iter()
            .find(|p| !(0.0..=1.0).contains(*p))
        {
            return Err(invalid(format!(
                "cocktail {index} has a prevalence of {bad}, outside [0, 1]"
            )));
        }
    }
    Ok(first.n_total)
}

/// The matched NEW index of every BASE cocktail, by the Hungarian algorithm on canonically
/// ordered sides; pairs without a common tag are dropped.
fn assign(
    base: &[CocktailSummary],
    new: &[CocktailSummary],
    base_tags: &[Vec<TagId>],
    new_tags: &[Vec<TagId>],
) -> Result<Vec<Option<usize>>> {
    let mut match_of_base = vec![None; base.len()];
    if base.is_empty() || new.is_empty() {
        return Ok(match_of_base);
    }
    let base_order = canonical_order(base, base_tags);
    let new_order = canonical_order(new, new_tags);
    let n_tags = base[0].prevalence.len();
    let smaller_side = base.len().min(new.len());
    let max_prevalence_term = (n_tags as f64 * PREVALENCE_SCALE).round() as i128;
    let overflow = || {
        Error::Data(format!(
            "too many cocktails ({} and {}) or tags ({n_tags}) to match",
            base.len(),
            new.len()
        ))
    };
    let big = (smaller_side as i128)
        .checked_mul(max_prevalence_term)
        .and_then(|total| total.checked_add(1))
        .ok_or_else(overflow)?;
    // The largest total weight must fit, with room for the algorithm's label arithmetic.
    JACCARD_SCALE
        .checked_mul(big)
        .and_then(|weight| weight.checked_mul(4 * smaller_side as i128 + 4))
        .ok_or_else(overflow)?;
    let weight = |b: usize, n: usize| -> i128 {
        let (both, either) = overlap(&base_tags[b], &new_tags[n]);
        if either != 0 && both == 0 {
            return 0;
        }
        let jaccard_term = if either == 0 {
            JACCARD_SCALE
        } else {
            // round(both / either · scale), in exact integer arithmetic.
            (2 * both as i128 * JACCARD_SCALE + either as i128) / (2 * either as i128)
        };
        let distance: f64 = base[b]
            .prevalence
            .iter()
            .zip(&new[n].prevalence)
            .map(|(x, y)| (x - y).abs())
            .sum();
        jaccard_term * big - (distance * PREVALENCE_SCALE).round() as i128
    };
    // kuhn_munkres assigns every row, so the smaller side goes in the rows.
    let base_in_rows = base.len() <= new.len();
    let (rows, columns) = if base_in_rows {
        (&base_order, &new_order)
    } else {
        (&new_order, &base_order)
    };
    let weights = Matrix::from_fn(rows.len(), columns.len(), |(row, column)| {
        if base_in_rows {
            weight(rows[row], columns[column])
        } else {
            weight(columns[column], rows[row])
        }
    });
    let (_, assignment) = kuhn_munkres(&weights);
    for (row, &column) in assignment.iter().enumerate() {
        let (b, n) = if base_in_rows {
            (rows[row], columns[column])
        } else {
            (columns[column], rows[row])
        };
        let (both, either) = overlap(&base_tags[b], &new_tags[n]);
        if both > 0 || either == 0 {
            match_of_base[b] = Some(n);
        }
    }
    Ok(match_of_base)
}

/// The indices of a side sorted by every field, so that the matching sees the same matrix
/// whatever the input order.
fn canonical_order(side: &[CocktailSummary], tags: &[Vec<TagId>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..side.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&side[a], &side[b]);
        tags[a]
            .cmp(&tags[b])
            .then_with(|| compare_floats(&x.prevalence, &y.prevalence))
            .then_with(|| x.n_cases.cmp(&y.n_cases))
            .then_with(|| x.n_total.cmp(&y.n_total))
            .then_with(|| match (x.mean_savings, y.mean_savings) {
                (Some(p), Some(q)) => p.total_cmp(&q),
                (p, q) => p.is_some().cmp(&q.is_some()),
            })
            .then_with(|| x.stable.cmp(&y.stable))
    });
    order
}

fn compare_floats(a: &[f64], b: &[f64]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.total_cmp(y))
        .find(|ordering| ordering.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

fn sorted_set(tags: &[TagId]) -> Vec<TagId> {
    let mut tags = tags.to_vec();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// `(|a ∩ b|, |a ∪ b|)` of two sorted sets.
fn overlap(a: &[TagId], b: &[TagId]) -> (usize, usize) {
    let both = a.iter().filter(|t| b.binary_search(t).is_ok()).count();
    (both, a.len() + b.len() - both)
}

/// Jaccard similarity of two sorted sets; 1 for two empty sets, which are identical.
fn jaccard(a: &[TagId], b: &[TagId]) -> f64 {
    match overlap(a, b) {
        (_, 0) => 1.0,
        (both, either) => both as f64 / either as f64,
    }
}

/// `(after \ before, before \ after)`, both sorted.
fn differences(before: &[TagId], after: &[TagId]) -> (Vec<TagId>, Vec<TagId>) {
    let added = after
        .iter()
        .filter(|t| before.binary_search(t).is_err())
        .copied()
        .collect();
    let removed = before
        .iter()
        .filter(|t| after.binary_search(t).is_err())
        .copied()
        .collect();
    (added, removed)
}

#[cfg(test)]
mod tests;
