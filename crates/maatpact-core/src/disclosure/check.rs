//! The checks behind [`audit`] and [`super::protect`]: for every group of households
//! (a unit's row, or a difference of rows), what an attacker can derive of its count and
//! amounts, against the protection that group needs.
//!
//! Without the true values (an audit of a folder):
//! - a published count of 1 to `min_cell_size − 1` households, or such a difference of
//!   published counts, is a finding;
//! - a hidden count, or a difference, that may be small (its interval reaches below
//!   `min_cell_size`) needs an interval at least `min_cell_size` wide;
//! - a hidden amount, or the amount of a group that may be small, needs an interval at
//!   least `2 × protection_percent` of its midpoint wide, and may not be derivable exactly.
//!
//! With the true values (while protecting), also:
//! - a small group's true count may not lie at an end of its interval (an attacker who
//!   guesses the bound would be right);
//! - a hidden or sensitive amount's interval must reach `protection_percent` of the true
//!   value below and above it, as τ-ARGUS's protection levels do.

use std::cell::RefCell;
use std::collections::HashMap;

use super::Suppression;
use super::lp::{Bound, BoundKey, Intervals, Point};
use super::model::{CellId, Expr, LinkedModel, Part, UnitId};
use crate::config::PrivacyThresholds;
use crate::error::Result;

/// What an audit found wrong with one group of households.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The unit (`savings_per_tag.csv: wonen`) or difference (`households without wonen`).
    pub group: String,
    /// Whether the count or an amount of the group is exposed.
    pub part: Part,
    /// How it is exposed.
    pub kind: FindingKind,
}

/// How a group is exposed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FindingKind {
    /// Derivable exactly from published figures: a count of 1 to `min_cell_size − 1`
    /// households, or a sensitive amount.
    Exact {
        /// The derived value (households, or cents).
        value: f64,
    },
    /// The attacker's interval is narrower than the protection interval.
    Narrow {
        /// Lower end of the attacker's interval.
        low: f64,
        /// Upper end.
        high: f64,
        /// The width the group needs.
        required: f64,
    },
    /// (Runs only.) The true value lies at, or too near, an end of the attacker's interval.
    NearEdge {
        /// Lower end of the attacker's interval.
        low: f64,
        /// Upper end.
        high: f64,
        /// The true value.
        value: f64,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.part {
            Part::Count => "households",
            Part::Amount => "amount",
        };
        match self.kind {
            FindingKind::Exact { value } => {
                write!(f, "{}: {what} derivable exactly ({value})", self.group)
            }
            FindingKind::Narrow {
                low,
                high,
                required,
            } => write!(
                f,
                "{}: {what} narrowed down to [{low}, {high}], a width of {} where {required} is required",
                self.group,
                high - low
            ),
            FindingKind::NearEdge { low, high, value } => write!(
                f,
                "{}: {what} {value} at the edge of the attacker's interval [{low}, {high}]",
                self.group
            ),
        }
    }
}

/// The attacker's interval of one hidden cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellInterval {
    /// The unit's label.
    pub unit: String,
    /// The cell's name within it.
    pub cell: String,
    /// The tightest lower bound.
    pub low: f64,
    /// The tightest upper bound.
    pub high: f64,
    /// Whether the cell counts households.
    pub is_count: bool,
}

/// The result of an audit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditReport {
    /// Every exposed group; empty when the publication is safe.
    pub findings: Vec<Finding>,
    /// The attacker's interval of every hidden cell.
    pub intervals: Vec<CellInterval>,
}

/// Audits published figures: `model` holds every published cell's value and `None` for
/// hidden ones. Nothing but what the folder shows is used.
pub fn audit(model: &LinkedModel, thresholds: &PrivacyThresholds) -> Result<AuditReport> {
    let hidden: Vec<bool> = model.cells.iter().map(|c| c.value.is_none()).collect();
    let intervals = Intervals::new(model, &hidden);
    let cache = RefCell::new(BoundCache::new());
    let checker = Checker::new(model, &intervals, thresholds, false, &cache);
    let findings = checker
        .violations()?
        .into_iter()
        .map(|v| v.finding(model))
        .collect();
    let mut cells = Vec::new();
    for (index, cell) in model.cells.iter().enumerate() {
        if cell.value.is_some() {
            continue;
        }
        let expr = vec![(CellId(index as u32), 1.0)];
        if let Bound::Range(low, high) = checker.bound(&expr)? {
            cells.push(CellInterval {
                unit: model.units[cell.unit.index()].label.clone(),
                cell: cell.name.clone(),
                low,
                high,
                is_count: cell.kind == super::CellKind::Count,
            });
        }
    }
    Ok(AuditReport {
        findings,
        intervals: cells,
    })
}

/// Where a violation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Unit(UnitId),
    Difference(usize),
}

/// A violation, with what [`super::protect`] needs to repair it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Violation {
    pub source: Source,
    pub part: Part,
    pub expr: Expr,
    pub kind: FindingKind,
    /// The width the group needs: what a partner should contribute.
    pub need: f64,
}

impl Violation {
    fn finding(&self, model: &LinkedModel) -> Finding {
        Finding {
            group: match self.source {
                Source::Unit(unit) => model.units[unit.index()].label.clone(),
                Source::Difference(d) => model.differences[d].label.clone(),
            },
            part: self.part,
            kind: self.kind,
        }
    }
}

/// What earlier programs found, kept across the rounds of [`super::protect`]: a round
/// changes few components, so most bounds are found here. Hiding more cells keeps every
/// earlier solution a table that fits the published cells, so the range of values they give
/// a cell is an interval an outsider cannot rule out: when that alone is wide enough, no
/// program needs to run.
#[derive(Default)]
pub(crate) struct BoundCache {
    bounds: HashMap<BoundKey, Bound>,
    /// Per cell: the lowest and highest value any solution gave it.
    seen: HashMap<usize, (f64, f64)>,
    /// Every solution, for expressions of several cells.
    points: Vec<Point>,
    /// Per cell: the first solutions that move it (at most [`POINTS_PER_CELL`]).
    points_of: HashMap<usize, Vec<usize>>,
}

/// Solutions kept per cell for expressions of several cells: enough to show most intervals
/// wide, few enough that a check scans them quickly.
const POINTS_PER_CELL: usize = 32;

impl BoundCache {
    pub fn new() -> BoundCache {
        BoundCache::default()
    }

    fn add_points(&mut self, points: Vec<Point>) {
        for point in points {
            let index = self.points.len();
            for &(cell, value) in &point {
                let range = self.seen.entry(cell).or_insert((value, value));
                range.0 = range.0.min(value);
                range.1 = range.1.max(value);
                let of = self.points_of.entry(cell).or_default();
                if of.len() < POINTS_PER_CELL {
                    of.push(index);
                }
            }
            self.points.push(point);
        }
    }
}

/// Runs the checks for one state of hidden cells.
pub(crate) struct Checker<'a> {
    model: &'a LinkedModel,
    intervals: &'a Intervals<'a>,
    min_cell: f64,
    fraction: f64,
    /// Whether the model holds the true value of every cell.
    truth: bool,
    cache: &'a RefCell<BoundCache>,
    /// Whether the state is a trial that may be undone: its solutions hide more than the
    /// pattern does, so they are not kept (its bounds are, keyed by the state).
    trial: bool,
}

impl<'a> Checker<'a> {
    pub fn new(
        model: &'a LinkedModel,
        intervals: &'a Intervals<'a>,
        thresholds: &PrivacyThresholds,
        truth: bool,
        cache: &'a RefCell<BoundCache>,
    ) -> Checker<'a> {
        Checker {
            model,
            intervals,
            min_cell: thresholds.min_cell_size as f64,
            fraction: thresholds.protection_percent / 100.0,
            truth,
            cache,
            trial: false,
        }
    }

    /// The same checks on a state that may be undone.
    pub fn trial(self) -> Checker<'a> {
        Checker {
            trial: true,
            ..self
        }
    }

    fn bound(&self, expr: &[(CellId, f64)]) -> Result<Bound> {
        let key = self.intervals.bound_key(expr);
        if let Some(bound) = self.cache.borrow().bounds.get(&key) {
            return Ok(*bound);
        }
        let mut points = Vec::new();
        let bound = self.intervals.bound(expr, &mut points)?;
        let mut cache = self.cache.borrow_mut();
        if !self.trial {
            cache.add_points(points);
        }
        cache.bounds.insert(key, bound);
        Ok(bound)
    }

    /// An interval of a hidden cell that an outsider cannot rule out, from solutions found
    /// before (and the true value, which fits by definition): inside its attacker interval.
    fn seen_range(&self, cell: CellId) -> Option<(f64, f64)> {
        let (low, high) = *self.cache.borrow().seen.get(&cell.index())?;
        Some(
            match self.model.cells[cell.index()].value.filter(|_| self.truth) {
                Some(v) => (low.min(v), high.max(v)),
                None => (low, high),
            },
        )
    }

    /// Every violation, units first (in unit order), then differences.
    pub fn violations(&self) -> Result<Vec<Violation>> {
        let mut out = Vec::new();
        let units = (0..self.model.units.len()).map(|i| Source::Unit(UnitId(i as u32)));
        let differences = (0..self.model.differences.len()).map(Source::Difference);
        for source in units.chain(differences) {
            out.extend(self.violations_of(source)?);
        }
        Ok(out)
    }

    /// The violations of one group.
    pub fn violations_of(&self, source: Source) -> Result<Vec<Violation>> {
        let mut out = Vec::new();
        match source {
            Source::Unit(unit) => {
                let unit = &self.model.units[unit.index()];
                let single = |cells: &[CellId]| -> Vec<Expr> {
                    cells.iter().map(|&c| vec![(c, 1.0)]).collect()
                };
                self.check_group(
                    source,
                    &single(&unit.counts),
                    &single(&unit.amounts),
                    unit.amount_primary,
                    &mut out,
                )?;
            }
            Source::Difference(index) => {
                let difference = &self.model.differences[index];
                self.check_group(
                    source,
                    &difference.counts,
                    &difference.amounts,
                    difference.amount_primary,
                    &mut out,
                )?;
            }
        }
        Ok(out)
    }

    fn is_single_hidden(&self, expr: &[(CellId, f64)]) -> bool {
        expr.len() == 1 && expr[0].1 == 1.0 && self.intervals.is_hidden(expr[0].0)
    }

    fn is_small(&self, value: f64) -> bool {
        value >= 0.5 && value < self.min_cell - 0.5
    }

    fn check_group(
        &self,
        source: Source,
        counts: &[Expr],
        amounts: &[Expr],
        amount_primary: Option<Suppression>,
        out: &mut Vec<Violation>,
    ) -> Result<()> {
        let mut push = |part: Part, expr: &Expr, (kind, need): (FindingKind, f64)| {
            out.push(Violation {
                source,
                part,
                expr: expr.clone(),
                kind,
                need,
            });
        };
        // Whether the group may be a small one as an attacker sees it, and whether its
        // amounts are sensitive in truth (small, dominated or thinly contributed).
        let mut may_be_small = false;
        let mut sensitive_in_truth = self.truth && amount_primary.is_some();
        for expr in counts {
            if self.intervals.involves_gone(expr) {
                continue;
            }
            let truth = self.truth_of(expr);
            sensitive_in_truth |= truth.is_some_and(|v| self.is_small(v));
            // A group with amounts must know whether it may be small: solutions seen so far
            // tell when they reach below the minimum (the true interval reaches further);
            // a single hidden cell's amounts are checked in any case.
            if let Some((low, high)) = self.seen_range_for(expr, truth)
                && self.count_problem(low, high, truth).is_none()
            {
                let reaches_small = low < self.min_cell - 0.5 && high >= 0.5;
                if amounts.is_empty() || self.is_single_hidden(expr) || reaches_small {
                    may_be_small |= reaches_small;
                    continue;
                }
            }
            match self.bound(expr)? {
                Bound::Exact(value) if self.is_small(value) => {
                    may_be_small = true;
                    push(
                        Part::Count,
                        expr,
                        (FindingKind::Exact { value }, self.min_cell),
                    );
                }
                Bound::Exact(_) => {}
                Bound::Range(low, high) => {
                    // A group an outsider can tell is not small (at least `min_cell_size`
                    // households) needs no protection; one that may be small, or is in
                    // truth, needs a wide interval.
                    let possibly_small = low < self.min_cell - 0.5 && high >= 0.5;
                    may_be_small |= possibly_small;
                    let small = truth.is_some_and(|v| self.is_small(v));
                    if (possibly_small || small)
                        && let Some(problem) = self.count_problem(low, high, truth)
                    {
                        push(Part::Count, expr, problem);
                    }
                }
            }
        }
        for expr in amounts {
            if self.intervals.involves_gone(expr) {
                continue;
            }
            let single = self.is_single_hidden(expr);
            if !(may_be_small || sensitive_in_truth || single) {
                continue;
            }
            // The true value's margins matter only where the truth is sensitive; where the
            // group only may be small to an outsider, its interval must be wide.
            let truth = self.truth_of(expr).filter(|_| sensitive_in_truth || single);
            if self.passes_on_seen(expr, truth, |lo, hi, v| self.amount_problem(lo, hi, v)) {
                continue;
            }
            match self.bound(expr)? {
                Bound::Exact(value) => {
                    push(Part::Amount, expr, (FindingKind::Exact { value }, 0.0));
                }
                Bound::Range(low, high) => {
                    if let Some(problem) = self.amount_problem(low, high, truth) {
                        push(Part::Amount, expr, problem);
                    }
                }
            }
        }
        Ok(())
    }

    fn truth_of(&self, expr: &[(CellId, f64)]) -> Option<f64> {
        if self.truth {
            self.model.eval(expr)
        } else {
            None
        }
    }

    /// Whether a check passes on the values earlier solutions give an expression. Its
    /// attacker interval holds their range, and every check here passes on any interval
    /// that holds one it passes on.
    fn passes_on_seen(
        &self,
        expr: &[(CellId, f64)],
        truth: Option<f64>,
        problem: impl Fn(f64, f64, Option<f64>) -> Option<(FindingKind, f64)>,
    ) -> bool {
        self.seen_range_for(expr, truth)
            .is_some_and(|(low, high)| problem(low, high, truth).is_none())
    }

    /// The range earlier solutions give an expression with hidden cells.
    fn seen_range_for(&self, expr: &[(CellId, f64)], truth: Option<f64>) -> Option<(f64, f64)> {
        if self.is_single_hidden(expr) {
            self.seen_range(expr[0].0)
        } else {
            self.seen_range_of(expr, truth)
        }
    }

    /// The range of an expression of several cells over the solutions that move any of its
    /// hidden cells (and the true value).
    fn seen_range_of(&self, expr: &[(CellId, f64)], truth: Option<f64>) -> Option<(f64, f64)> {
        let hidden: Vec<usize> = expr
            .iter()
            .filter(|(c, _)| self.intervals.is_hidden(*c))
            .map(|(c, _)| c.index())
            .collect();
        if hidden.is_empty() {
            return None;
        }
        let cache = self.cache.borrow();
        let mut candidates: Vec<usize> = hidden
            .iter()
            .filter_map(|c| cache.points_of.get(c))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut range: Option<(f64, f64)> = truth.map(|v| (v, v));
        for point in candidates.into_iter().map(|i| &cache.points[i]) {
            let mut value = 0.0;
            for &(cell, k) in expr {
                let at = match point.binary_search_by_key(&cell.index(), |p| p.0) {
                    Ok(i) => point[i].1,
                    Err(_) => self.model.cells[cell.index()].value?,
                };
                value += k * at;
            }
            range = Some(match range {
                Some((low, high)) => (low.min(value), high.max(value)),
                None => (value, value),
            });
        }
        range
    }

    /// A hidden count, or a possibly small group, needs an interval `min_cell_size` wide;
    /// a small group also may not sit at an end of it.
    fn count_problem(&self, low: f64, high: f64, truth: Option<f64>) -> Option<(FindingKind, f64)> {
        if high - low < self.min_cell - 1e-9 {
            let required = self.min_cell;
            return Some((
                FindingKind::Narrow {
                    low,
                    high,
                    required,
                },
                required,
            ));
        }
        self.edge_problem(low, high, truth)
    }

    fn edge_problem(&self, low: f64, high: f64, truth: Option<f64>) -> Option<(FindingKind, f64)> {
        let value = truth.filter(|&v| self.is_small(v))?;
        (low > value - 1.0 + 1e-9 || high < value + 1.0 - 1e-9)
            .then_some((FindingKind::NearEdge { low, high, value }, self.min_cell))
    }

    /// A hidden or sensitive amount needs an interval at least `2 × protection_percent` of its
    /// midpoint wide, and with the true value, `protection_percent` of it on both sides.
    fn amount_problem(
        &self,
        low: f64,
        high: f64,
        truth: Option<f64>,
    ) -> Option<(FindingKind, f64)> {
        let middle = if low.is_finite() && high.is_finite() {
            (low + high) / 2.0
        } else {
            0.0
        };
        let required = 2.0 * self.fraction * middle.abs();
        if high - low < required - 1e-9 * required.max(1.0) {
            // A partner of the protection margin around the true value widens the interval
            // enough on both counts.
            let need = truth.map_or(required, |v| self.fraction * v.abs());
            return Some((
                FindingKind::Narrow {
                    low,
                    high,
                    required,
                },
                need,
            ));
        }
        let value = truth?;
        let margin = self.fraction * value.abs();
        let tolerance = 1e-9 * value.abs().max(1.0);
        (low > value - margin + tolerance || high < value + margin - tolerance)
            .then_some((FindingKind::NearEdge { low, high, value }, margin))
    }
}
