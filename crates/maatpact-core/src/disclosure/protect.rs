//! Choosing what to hide: primary suppression, then partners until every check passes.

use std::cell::RefCell;
use std::collections::BTreeSet;

use super::Suppression;
use super::check::{BoundCache, Checker, FindingKind, Source, Violation};
use super::lp::Intervals;
use super::model::{LinkedModel, Part, UnitId};
use super::pattern::{Pattern, Visibility};
use crate::config::PrivacyThresholds;
use crate::error::{Error, Result};

/// Decides what to publish of every unit of `model`, which must hold every cell's true
/// value.
///
/// 1. Primary suppression: a unit with a count of 1 to `min_cell_size − 1` households is
///    hidden; a unit whose amounts are sensitive in themselves
///    ([`LinkedModel::set_amount_primary`]) has its amounts hidden.
/// 2. Repair, until no check fails: for a small group that is derivable exactly (a
///    difference of published rows), one of its rows is hidden (`small_difference`); for a
///    hidden figure whose attacker interval is too narrow, or whose true value lies at its
///    edge, a published row that shares a relation with it is hidden (`secondary`).
///    Partners are never empty rows, preferably rows large enough to give the width needed
///    on their own, then the cheapest, then the smallest; a unit marked
///    [`LinkedModel::keep`] only when nothing else is left.
///
/// Hiding more can only widen an attacker's intervals, so the repair ends; it fails only if
/// everything that could protect a figure is already hidden.
pub fn protect(model: &LinkedModel, thresholds: &PrivacyThresholds) -> Result<Pattern> {
    if let Some(cell) = model.cells.iter().find(|c| c.value.is_none()) {
        return Err(Error::Disclosure(format!(
            "protection needs every true value; `{}` of `{}` has none",
            cell.name,
            model.units[cell.unit.index()].label
        )));
    }
    let min_cell = thresholds.min_cell_size as f64;
    let mut visibility: Vec<Visibility> = model
        .units
        .iter()
        .map(|unit| {
            let small = unit.counts.iter().any(|&c| {
                let value = model.cells[c.index()].value.unwrap_or(0.0);
                value >= 0.5 && value < min_cell - 0.5
            });
            match (unit.fixed_counts, small, unit.amount_primary) {
                (Some(Some(reason)), _, _) => Visibility::Hidden(reason),
                (_, true, _) => Visibility::Hidden(Suppression::SmallCell),
                (_, false, Some(reason)) => Visibility::AmountsHidden(reason),
                (_, false, None) => Visibility::Shown,
            }
        })
        .collect();
    // Each pass hides at least one more part of a unit, so there are at most two passes per
    // unit (amounts, then counts) and one to confirm.
    let cache = RefCell::new(BoundCache::new());
    for _ in 0..=2 * model.units.len() {
        let violations = {
            let hidden = hidden_cells(model, &visibility);
            let intervals = Intervals::new(model, &hidden);
            Checker::new(model, &intervals, thresholds, true, &cache).violations()?
        };
        let Some(first) = violations.first() else {
            return Ok(Pattern {
                visibility,
                min_cell_size: thresholds.min_cell_size,
            });
        };
        if !repair(
            model,
            thresholds,
            &cache,
            &mut visibility,
            violations.clone(),
        )? {
            return Err(Error::Disclosure(format!(
                "no partner is left to protect {}",
                describe(model, first)
            )));
        }
    }
    unreachable!("every pass hides more, and there is a finite number of units")
}

/// Repairs the violations of a pass one by one, each against the state the repairs before
/// it left: a partner widens every interval in its component, so a later violation there
/// may be gone. Returns whether anything was hidden.
fn repair(
    model: &LinkedModel,
    thresholds: &PrivacyThresholds,
    cache: &RefCell<BoundCache>,
    visibility: &mut [Visibility],
    violations: Vec<Violation>,
) -> Result<bool> {
    let mut changed = false;
    let mut stale = false;
    let mut groups_done = BTreeSet::new();
    for violation in violations {
        let hidden = hidden_cells(model, visibility);
        let intervals = Intervals::new(model, &hidden);
        let current = if stale {
            // Still violated now? Check its group again.
            if !groups_done.insert((violation.source, violation.part)) {
                continue;
            }
            let checker = Checker::new(model, &intervals, thresholds, true, cache);
            let again = checker.violations_of(violation.source)?;
            match again.into_iter().find(|v| v.part == violation.part) {
                Some(v) => v,
                None => continue,
            }
        } else {
            groups_done.insert((violation.source, violation.part));
            violation
        };
        let candidates = partners(model, &intervals, visibility, &current);
        if let Some((unit, reason)) =
            best_partner(model, thresholds, cache, visibility, &current, &candidates)?
            && visibility[unit.index()].raise(current.part, reason)
        {
            changed = true;
            stale = true;
        }
    }
    Ok(changed)
}

/// Candidates tried in full, in rank order: hiding one more row is cheap to try on the
/// few best, and a row that protects the figure alone beats a cheaper one that does not.
const LOOK_AHEAD: usize = 6;

/// The first of the best-ranked candidates that repairs the violation on its own, else the
/// best-ranked one.
fn best_partner(
    model: &LinkedModel,
    thresholds: &PrivacyThresholds,
    cache: &RefCell<BoundCache>,
    visibility: &[Visibility],
    violation: &Violation,
    candidates: &[(UnitId, Suppression)],
) -> Result<Option<(UnitId, Suppression)>> {
    if matches!(violation.kind, FindingKind::Exact { .. }) || candidates.len() < 2 {
        return Ok(candidates.first().copied());
    }
    for &(unit, reason) in candidates.iter().take(LOOK_AHEAD) {
        let mut trial = visibility.to_vec();
        trial[unit.index()].raise(violation.part, reason);
        let hidden = hidden_cells(model, &trial);
        let intervals = Intervals::new(model, &hidden);
        let checker = Checker::new(model, &intervals, thresholds, true, cache).trial();
        let still = checker
            .violations_of(violation.source)?
            .into_iter()
            .any(|v| v.part == violation.part && v.expr == violation.expr);
        if !still {
            return Ok(Some((unit, reason)));
        }
    }
    Ok(candidates.first().copied())
}

/// Which cells a visibility hides.
pub(crate) fn hidden_cells(model: &LinkedModel, visibility: &[Visibility]) -> Vec<bool> {
    model
        .cells
        .iter()
        .map(|cell| visibility[cell.unit.index()].hides(cell.kind.part()))
        .collect()
}

fn describe(model: &LinkedModel, violation: &Violation) -> String {
    let group = match violation.source {
        Source::Unit(unit) => model.units[unit.index()].label.clone(),
        Source::Difference(d) => model.differences[d].label.clone(),
    };
    let part = match violation.part {
        Part::Count => "households",
        Part::Amount => "amounts",
    };
    format!("the {part} of {group}")
}

/// The unit to hide (further) for one violation, and why.
fn partners(
    model: &LinkedModel,
    intervals: &Intervals<'_>,
    visibility: &[Visibility],
    violation: &Violation,
) -> Vec<(UnitId, Suppression)> {
    let part = violation.part;
    // Counts another folder shows stay shown: hiding them here would protect nothing.
    let open = |unit: UnitId| {
        let shown_elsewhere =
            part == Part::Count && model.units[unit.index()].fixed_counts == Some(None);
        !visibility[unit.index()].hides(part) && !shown_elsewhere
    };
    let is_empty = |unit: UnitId| {
        model.units[unit.index()]
            .counts
            .first()
            .and_then(|&c| model.cells[c.index()].value)
            .is_some_and(|v| v == 0.0)
    };
    // Candidate cells with their value.
    let candidates: Vec<(UnitId, f64)> = match violation.kind {
        FindingKind::Exact { .. } => violation
            .expr
            .iter()
            .map(|&(cell, _)| (model.cells[cell.index()].unit, cell))
            .filter(|&(unit, _)| open(unit))
            .map(|(unit, cell)| (unit, model.cells[cell.index()].value.unwrap_or(0.0)))
            .collect(),
        FindingKind::Narrow { .. } | FindingKind::NearEdge { .. } => intervals
            .component_relations(&violation.expr)
            .into_iter()
            .flat_map(|r| model.relations[r].terms.iter())
            // A difference is bounded by its own published terms too.
            .chain(violation.expr.iter())
            .filter(|(cell, _)| model.cells[cell.index()].kind.part() == part)
            .filter(|(cell, _)| !intervals.is_hidden(*cell))
            .map(|&(cell, _)| {
                (
                    model.cells[cell.index()].unit,
                    model.cells[cell.index()].value.unwrap_or(0.0),
                )
            })
            .filter(|&(unit, _)| open(unit))
            .collect(),
    };
    let reason = match (violation.kind, violation.source) {
        (FindingKind::Exact { .. }, Source::Difference(_)) => Suppression::SmallDifference,
        (FindingKind::Exact { .. }, Source::Unit(_)) => Suppression::SmallCell,
        _ => Suppression::Secondary,
    };
    let need = violation.need;
    let key = |&(unit, value): &(UnitId, f64)| {
        let u = &model.units[unit.index()];
        let short = value.abs() < need;
        // Among rows that cannot give the width alone, the largest helps most.
        let size = if short { -value.abs() } else { value.abs() };
        (u.keep, short, OrderedCost(u.cost), OrderedCost(size), unit)
    };
    let mut ranked: Vec<(UnitId, f64)> = candidates
        .into_iter()
        .filter(|&(unit, _)| !is_empty(unit))
        .collect();
    ranked.sort_by_key(key);
    ranked.dedup_by_key(|c| c.0);
    ranked.into_iter().map(|(unit, _)| (unit, reason)).collect()
}

/// A total order on costs and sizes (never NaN), for sorting candidates.
#[derive(Clone, Copy)]
struct OrderedCost(f64);

impl PartialEq for OrderedCost {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for OrderedCost {}

impl PartialOrd for OrderedCost {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedCost {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
