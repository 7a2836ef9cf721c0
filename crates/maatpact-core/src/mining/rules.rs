//! Association rules `antecedent → consequent` from the frequent itemsets.

use std::collections::HashMap;

use serde::Serialize;

use super::itemsets::DistinctRows;
use super::{ItemsetKind, ValidMiningParams, frequent_itemsets};
use crate::case::TagId;
use crate::config::Vocabulary;
use crate::error::{Error, Result};
use crate::tag_matrix::TagMatrix;

/// Parameters of [`rules`]; [`RuleParams::check`] validates them.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleParams {
    /// The minimum confidence, in `[0, 1]`.
    pub min_confidence: f64,
    /// The minimum lift, at least 0 (0 keeps every rule).
    pub min_lift: f64,
    /// Keep only the first `k` rules in the output order; `None` keeps all. At least 1.
    pub top_k: Option<usize>,
}

impl Default for RuleParams {
    /// Min confidence 0.5, no lift threshold, all rules.
    fn default() -> Self {
        RuleParams {
            min_confidence: 0.5,
            min_lift: 0.0,
            top_k: None,
        }
    }
}

impl RuleParams {
    /// Validates the parameters.
    pub fn check(&self) -> Result<ValidRuleParams> {
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(Error::InvalidParameter {
                name: "min_confidence",
                message: format!("must be in [0, 1], got {}", self.min_confidence),
            });
        }
        if !(self.min_lift >= 0.0 && self.min_lift.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "min_lift",
                message: format!(
                    "must be a finite number of at least 0, got {}",
                    self.min_lift
                ),
            });
        }
        if self.top_k == Some(0) {
            return Err(Error::InvalidParameter {
                name: "top_k",
                message: "must be at least 1, got 0".into(),
            });
        }
        Ok(ValidRuleParams {
            min_confidence: self.min_confidence,
            min_lift: self.min_lift,
            top_k: self.top_k,
        })
    }
}

/// Validated [`RuleParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidRuleParams {
    min_confidence: f64,
    min_lift: f64,
    top_k: Option<usize>,
}

impl ValidRuleParams {
    /// The minimum confidence.
    pub fn min_confidence(&self) -> f64 {
        self.min_confidence
    }

    /// The minimum lift.
    pub fn min_lift(&self) -> f64 {
        self.min_lift
    }

    /// The maximum number of rules, if any.
    pub fn top_k(&self) -> Option<usize> {
        self.top_k
    }
}

/// An association rule `antecedent → consequent`: cases with the antecedent tags often also
/// have the consequent tags. With `s(X)` the support of `X` (a fraction of the cases):
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// The tags on the left, sorted by id.
    pub antecedent: Vec<TagId>,
    /// The tags on the right, sorted by id; disjoint from the antecedent.
    pub consequent: Vec<TagId>,
    /// The number of cases with all tags of both sides.
    pub count: usize,
    /// `s(A ∪ C)`.
    pub support: f64,
    /// `s(A ∪ C) / s(A)`: the share of antecedent cases that have the consequent too.
    pub confidence: f64,
    /// `confidence / s(C)`: above 1 when the sides occur together more than by chance.
    pub lift: f64,
    /// `s(A ∪ C) − s(A) s(C)`: the excess support over independence, in (−0.25, 0.25].
    pub leverage: f64,
    /// `(1 − s(C)) / (1 − confidence)`; `f64::INFINITY` when the confidence is 1.
    pub conviction: f64,
    /// Zhang's metric, `leverage / max(s(A ∪ C)(1 − s(A)), s(A)(s(C) − s(A ∪ C)))`, in
    /// [−1, 1]: 1 for perfect association, −1 for perfect dissociation; 0 when the
    /// denominator is 0 (only when the antecedent is in every case and the rule is exact).
    pub zhang: f64,
}

/// One row of `rules.csv`: the sides as joined canonical ids, then the metrics of [`Rule`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleRow {
    /// The antecedent's canonical ids, sorted alphabetically and joined with `+`.
    pub antecedent: String,
    /// The consequent's canonical ids, sorted alphabetically and joined with `+`.
    pub consequent: String,
    /// See [`Rule::count`].
    pub count: usize,
    /// See [`Rule::support`].
    pub support: f64,
    /// See [`Rule::confidence`].
    pub confidence: f64,
    /// See [`Rule::lift`].
    pub lift: f64,
    /// See [`Rule::leverage`].
    pub leverage: f64,
    /// See [`Rule::conviction`].
    pub conviction: f64,
    /// See [`Rule::zhang`].
    pub zhang: f64,
}

/// The association rules of the frequent itemsets of `matrix`.
///
/// Every frequent itemset of two or more tags (with the support, maximum length and
/// required tags of `mining`; its kind is ignored, since rules need every frequent itemset)
/// is split in every way into a non-empty antecedent and consequent. Rules are kept when
/// their confidence and lift reach the thresholds, ordered by lift (descending), confidence
/// (descending), count (descending), then antecedent and consequent tag ids, and cut to
/// `top_k`. All metrics come from exact integer counts, so leverage and Zhang's metric are
/// exactly 0 under exact independence.
pub fn rules(
    matrix: &TagMatrix,
    mining: &ValidMiningParams,
    params: &ValidRuleParams,
) -> Vec<Rule> {
    let distinct = DistinctRows::of(matrix);
    let n_cases = distinct.n_cases();
    let min_count = mining.min_count(n_cases as usize);
    // The counts of every frequent itemset, also those without the required tags: the
    // antecedent and consequent of a rule need not contain them.
    let unrestricted = ValidMiningParams {
        required: Vec::new(),
        kind: ItemsetKind::All,
        ..mining.clone()
    };
    let frequent = frequent_itemsets(&distinct, &unrestricted, min_count);
    let count_of: HashMap<&[TagId], u64> = frequent
        .iter()
        .map(|(tags, count)| (tags.as_slice(), *count))
        .collect();

    let mut found = Vec::new();
    let mut antecedent = Vec::new();
    let mut consequent = Vec::new();
    for (tags, count) in &frequent {
        let size = tags.len();
        // More than 63 tags would need 2^63 frequent subsets first: not reachable.
        if !(2..=63).contains(&size) || !mining.required().iter().all(|t| tags.contains(t)) {
            continue;
        }
        for mask in 1..(1u64 << size) - 1 {
            antecedent.clear();
            consequent.clear();
            for (position, &tag) in tags.iter().enumerate() {
                if mask >> position & 1 == 1 {
                    antecedent.push(tag);
                } else {
                    consequent.push(tag);
                }
            }
            let rule = rule_of(
                &antecedent,
                &consequent,
                *count,
                count_of[antecedent.as_slice()],
                count_of[consequent.as_slice()],
                n_cases,
            );
            if rule.confidence >= params.min_confidence() && rule.lift >= params.min_lift() {
                found.push(rule);
            }
        }
    }
    found.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.antecedent.cmp(&b.antecedent))
            .then_with(|| a.consequent.cmp(&b.consequent))
    });
    if let Some(k) = params.top_k() {
        found.truncate(k);
    }
    found
}

/// The rules as named rows, in the order of [`rules`] except that ties are broken by the
/// joined ids instead of the tag ids.
pub fn rule_rows(rules: &[Rule], vocabulary: &Vocabulary) -> Vec<RuleRow> {
    let mut rows: Vec<RuleRow> = rules
        .iter()
        .map(|rule| RuleRow {
            antecedent: vocabulary.join_ids(&rule.antecedent),
            consequent: vocabulary.join_ids(&rule.consequent),
            count: rule.count,
            support: rule.support,
            confidence: rule.confidence,
            lift: rule.lift,
            leverage: rule.leverage,
            conviction: rule.conviction,
            zhang: rule.zhang,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.antecedent.cmp(&b.antecedent))
            .then_with(|| a.consequent.cmp(&b.consequent))
    });
    rows
}

/// The metrics of one rule from its counts, with integer arithmetic wherever a difference
/// could cancel.
fn rule_of(
    antecedent: &[TagId],
    consequent: &[TagId],
    both: u64,
    antecedent_count: u64,
    consequent_count: u64,
    n_cases: u64,
) -> Rule {
    let (n, a, c, ac) = (
        n_cases as i128,
        antecedent_count as i128,
        consequent_count as i128,
        both as i128,
    );
    let nf = n_cases as f64;
    // leverage · n² = ac · n − a · c, exactly.
    let excess = ac * n - a * c;
    let conviction = if ac == a {
        f64::INFINITY
    } else {
        ((n - c) * a) as f64 / (n * (a - ac)) as f64
    };
    let zhang_denominator = (ac * (n - a)).max(a * (c - ac));
    let zhang = if zhang_denominator == 0 {
        0.0
    } else {
        excess as f64 / zhang_denominator as f64
    };
    Rule {
        antecedent: antecedent.to_vec(),
        consequent: consequent.to_vec(),
        count: both as usize,
        support: both as f64 / nf,
        confidence: both as f64 / antecedent_count as f64,
        lift: (ac * n) as f64 / (a * c) as f64,
        leverage: excess as f64 / (nf * nf),
        conviction,
        zhang,
    }
}
