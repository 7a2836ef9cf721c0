//! The linked model: units, cells, relations and groups.

use super::Suppression;

/// A unit: one row of the published tables, hidden as a whole or in its amounts only. A row
/// that appears in several tables (a cluster's size in `clusters.csv` and its savings row)
/// is one unit, so that every table shows it alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(pub(crate) u32);

impl UnitId {
    /// The unit's index, in the order units were added.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A cell: one published figure of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId(pub(crate) u32);

impl CellId {
    /// The cell's index, in the order cells were added.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The two parts of a unit that are hidden separately: an amount can be hidden while its
/// household count is shown (dominance), never the other way round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Household counts.
    Count,
    /// Euro amounts (and every figure derived from them).
    Amount,
}

/// What a cell holds, which gives its natural bounds for an attacker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A whole number of households, at least 0.
    Count,
    /// An amount in cents; `nonnegative` when no household can contribute a negative value
    /// (costs, spend), unbounded otherwise (savings).
    Amount {
        /// Whether every contribution is at least 0.
        nonnegative: bool,
    },
}

impl CellKind {
    /// The part of its unit the cell belongs to.
    pub fn part(self) -> Part {
        match self {
            CellKind::Count => Part::Count,
            CellKind::Amount { .. } => Part::Amount,
        }
    }
}

/// A linear expression over cells: `Σ coefficient × cell`.
pub type Expr = Vec<(CellId, f64)>;

/// The sense of a relation `Σ terms (sense) rhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    /// Equal.
    Eq,
    /// At most.
    Le,
}

#[derive(Clone, Debug)]
pub(crate) struct Unit {
    pub label: String,
    /// Preference among partner candidates: the lowest cost is hidden first.
    pub cost: f64,
    /// Never chosen as a partner while any other candidate exists (the overall total).
    pub keep: bool,
    /// The counts as another folder of the same cases publishes them: `Some(None)` shown
    /// (never hidden here), `Some(Some(reason))` hidden. See [`LinkedModel::fix_counts`].
    pub fixed_counts: Option<Option<Suppression>>,
    /// Primary suppression of the unit's amounts, decided from the households' values.
    pub amount_primary: Option<Suppression>,
    /// Whether hiding the unit leaves it out of the publication altogether (an itemset is
    /// not listed), so that an outsider knows nothing of it, not even its relations.
    pub omitted_when_hidden: bool,
    pub counts: Vec<CellId>,
    pub amounts: Vec<CellId>,
}

#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub unit: UnitId,
    /// What the cell is within its unit (`n_cases`, `savings_total`), for findings.
    pub name: String,
    pub kind: CellKind,
    /// The value: the true one while protecting, the published one in an audit (`None` when
    /// hidden).
    pub value: Option<f64>,
}

#[derive(Clone, Debug)]
pub(crate) struct Relation {
    pub terms: Expr,
    pub sense: Sense,
    pub rhs: f64,
}

/// A set of households that is not a row itself: a difference of rows.
#[derive(Clone, Debug)]
pub(crate) struct Difference {
    pub label: String,
    /// Expressions of its number of households (e.g. all households, and those with a KBA).
    pub counts: Vec<Expr>,
    /// Expressions of its amounts.
    pub amounts: Vec<Expr>,
    /// Primary sensitivity of its amounts, decided from the households' values.
    pub amount_primary: Option<Suppression>,
}

/// Every published figure of a run and what ties them together. Built once per run (with
/// true values, for [`super::protect`]) or from a published folder (with the hidden values
/// missing, for [`super::audit`]).
#[derive(Clone, Debug, Default)]
pub struct LinkedModel {
    pub(crate) units: Vec<Unit>,
    pub(crate) cells: Vec<Cell>,
    pub(crate) relations: Vec<Relation>,
    pub(crate) differences: Vec<Difference>,
}

impl LinkedModel {
    /// An empty model.
    pub fn new() -> LinkedModel {
        LinkedModel::default()
    }

    /// Adds a unit. `label` names it in audit findings (`savings_per_tag.csv: wonen`); the
    /// lowest `cost` is preferred when a partner is needed.
    pub fn add_unit(&mut self, label: impl Into<String>, cost: f64) -> UnitId {
        self.units.push(Unit {
            label: label.into(),
            cost,
            keep: false,
            fixed_counts: None,
            amount_primary: None,
            omitted_when_hidden: false,
            counts: Vec::new(),
            amounts: Vec::new(),
        });
        UnitId((self.units.len() - 1) as u32)
    }

    /// Marks a unit as one to keep published unless nothing else can protect a figure.
    pub fn keep(&mut self, unit: UnitId) {
        self.units[unit.index()].keep = true;
    }

    /// Fixes a unit's counts as another folder of the same cases publishes them (`None`:
    /// shown; a reason: hidden). Two folders protected each on its own could be combined:
    /// a count one shows could be the partner that protects a hidden figure of the other.
    /// A shown count is then never a partner here (its amounts still may be hidden), and
    /// a hidden one starts hidden.
    ///
    /// `shown` names the count cells the other folder shows: an outsider knows their
    /// values, which is added as relations, so that a unit this folder must hide for a
    /// count the other does not publish (a tag's households with a KBA) is protected
    /// knowing its households.
    pub fn fix_counts(&mut self, unit: UnitId, hidden: Option<Suppression>, shown: &[String]) {
        self.units[unit.index()].fixed_counts = Some(hidden);
        if hidden.is_some() {
            return;
        }
        let known: Vec<(CellId, f64)> = self.units[unit.index()]
            .counts
            .iter()
            .filter(|c| shown.contains(&self.cells[c.index()].name))
            .filter_map(|&c| Some((c, self.cells[c.index()].value?)))
            .collect();
        for (cell, value) in known {
            self.add_relation(vec![(cell, 1.0)], Sense::Eq, value);
        }
    }

    /// The names of a unit's count cells.
    pub fn count_names(&self, unit: UnitId) -> Vec<String> {
        self.units[unit.index()]
            .counts
            .iter()
            .map(|c| self.cells[c.index()].name.clone())
            .collect()
    }

    /// Marks a unit that, hidden, is left out of the publication rather than shown as `.`.
    pub fn omit_when_hidden(&mut self, unit: UnitId) {
        self.units[unit.index()].omitted_when_hidden = true;
    }

    /// Records that a unit's amounts are sensitive in themselves (dominance, too few
    /// contributors).
    pub fn set_amount_primary(&mut self, unit: UnitId, reason: Suppression) {
        self.units[unit.index()].amount_primary = Some(reason);
    }

    /// Adds a cell named `name` (its column) to a unit. `value` is `None` only for a hidden
    /// cell read from a folder.
    pub fn add_cell(
        &mut self,
        unit: UnitId,
        name: impl Into<String>,
        kind: CellKind,
        value: Option<f64>,
    ) -> CellId {
        let id = CellId(self.cells.len() as u32);
        self.cells.push(Cell {
            unit,
            name: name.into(),
            kind,
            value,
        });
        let unit = &mut self.units[unit.index()];
        match kind.part() {
            Part::Count => unit.counts.push(id),
            Part::Amount => unit.amounts.push(id),
        }
        id
    }

    /// Adds a relation `Σ terms (sense) rhs` that holds between the cells' values and that
    /// an outsider knows.
    pub fn add_relation(&mut self, terms: Expr, sense: Sense, rhs: f64) {
        self.relations.push(Relation { terms, sense, rhs });
    }

    /// Adds a difference group: households counted by `counts` (one expression per count,
    /// e.g. households and households with a KBA), with amounts `amounts`. Its count
    /// expressions must also be at least 0, which is added as relations.
    pub fn add_difference(
        &mut self,
        label: impl Into<String>,
        counts: Vec<Expr>,
        amounts: Vec<Expr>,
        amount_primary: Option<Suppression>,
    ) {
        for count in &counts {
            let negated = count.iter().map(|&(c, k)| (c, -k)).collect();
            self.add_relation(negated, Sense::Le, 0.0);
        }
        self.differences.push(Difference {
            label: label.into(),
            counts,
            amounts,
            amount_primary,
        });
    }

    /// The number of units.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    /// A unit's label.
    pub fn unit_label(&self, unit: UnitId) -> &str {
        &self.units[unit.index()].label
    }

    /// A cell's unit.
    pub fn unit_of(&self, cell: CellId) -> UnitId {
        self.cells[cell.index()].unit
    }

    /// A cell's name within its unit.
    pub fn cell_name(&self, cell: CellId) -> &str {
        &self.cells[cell.index()].name
    }

    /// A cell's value, as the model holds it.
    pub fn value(&self, cell: CellId) -> Option<f64> {
        self.cells[cell.index()].value
    }

    /// The value of an expression, when every cell's value is known.
    pub(crate) fn eval(&self, expr: &[(CellId, f64)]) -> Option<f64> {
        expr.iter()
            .map(|&(c, k)| self.cells[c.index()].value.map(|v| k * v))
            .sum()
    }
}
