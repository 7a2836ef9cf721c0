//! Attacker intervals: the minimum and maximum of an expression over every set of values
//! consistent with what is published, by linear programming (good_lp with the pure-Rust
//! microlp solver).
//!
//! Only hidden cells are variables; published cells are constants. Hidden cells that share a
//! relation form a component, and an expression's interval needs only the components of its
//! own hidden cells, so the programs stay small however large the publication is.

use std::collections::BTreeSet;

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, microlp, variable,
};

use super::model::{CellId, CellKind, LinkedModel, Sense};
use crate::error::{Error, Result};

/// What an attacker knows of an expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bound {
    /// Every cell in it is published: the value is known.
    Exact(f64),
    /// The tightest interval (infinite where unbounded).
    Range(f64, f64),
}

/// One relation with its published cells moved to the right-hand side: terms over the
/// program's variables, sense, right-hand side.
type Row = (Vec<(usize, f64)>, Sense, f64);

/// Values of hidden cells (by cell index) that fit every relation with the published cells:
/// a table an outsider cannot tell from the true one. It stays such a table when more cells
/// are hidden.
pub(crate) type Point = Vec<(usize, f64)>;

/// See [`Intervals::bound_key`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BoundKey {
    expr: Vec<(usize, u64)>,
    hidden: Vec<usize>,
}

/// Computes intervals for one state of hidden cells.
pub(crate) struct Intervals<'m> {
    model: &'m LinkedModel,
    hidden: &'m [bool],
    /// Per cell: left out of the publication altogether (hidden and omitted); relations
    /// through it are unknown to an outsider.
    gone: Vec<bool>,
    /// Per cell: its component, or `usize::MAX` when published.
    component: Vec<usize>,
    /// Per component: its hidden cells, in index order.
    members: Vec<Vec<usize>>,
    /// Per component: the relations that touch it.
    relations: Vec<Vec<usize>>,
}

const PUBLISHED: usize = usize::MAX;

impl<'m> Intervals<'m> {
    pub fn new(model: &'m LinkedModel, hidden: &'m [bool]) -> Intervals<'m> {
        let n = model.cells.len();
        let gone: Vec<bool> = model
            .cells
            .iter()
            .zip(hidden)
            .map(|(cell, &h)| h && model.units[cell.unit.index()].omitted_when_hidden)
            .collect();
        let known = |relation: &super::model::Relation| {
            relation.terms.iter().all(|(c, _)| !gone[c.index()])
        };
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for relation in model.relations.iter().filter(|r| known(r)) {
            let mut first = None;
            for &(cell, _) in &relation.terms {
                if !hidden[cell.index()] {
                    continue;
                }
                let r = root(&mut parent, cell.index());
                match first {
                    None => first = Some(r),
                    Some(f) if f != r => parent[r] = f,
                    Some(_) => {}
                }
            }
        }
        let mut component = vec![PUBLISHED; n];
        let mut index_of_root = vec![PUBLISHED; n];
        let mut members: Vec<Vec<usize>> = Vec::new();
        for cell in 0..n {
            if !hidden[cell] || gone[cell] {
                continue;
            }
            let r = root(&mut parent, cell);
            if index_of_root[r] == PUBLISHED {
                index_of_root[r] = members.len();
                members.push(Vec::new());
            }
            component[cell] = index_of_root[r];
            members[index_of_root[r]].push(cell);
        }
        let mut relations = vec![Vec::new(); members.len()];
        for (r, relation) in model.relations.iter().enumerate() {
            if !known(relation) {
                continue;
            }
            let touched: BTreeSet<usize> = relation
                .terms
                .iter()
                .filter(|(c, _)| hidden[c.index()])
                .map(|(c, _)| component[c.index()])
                .collect();
            for c in touched {
                relations[c].push(r);
            }
        }
        Intervals {
            model,
            hidden,
            gone,
            component,
            members,
            relations,
        }
    }

    /// Whether a cell is hidden in this state.
    pub fn is_hidden(&self, cell: CellId) -> bool {
        self.hidden[cell.index()]
    }

    /// Whether an expression involves a figure left out of the publication: an outsider
    /// cannot evaluate it at all.
    pub fn involves_gone(&self, expr: &[(CellId, f64)]) -> bool {
        expr.iter().any(|(c, _)| self.gone[c.index()])
    }

    /// What an attacker's interval of `expr` depends on: the expression, and the hidden
    /// cells of the components it touches (which fix the components' relations). Two states
    /// with the same key give the same bound.
    pub fn bound_key(&self, expr: &[(CellId, f64)]) -> BoundKey {
        let components: BTreeSet<usize> = expr
            .iter()
            .filter(|(c, _)| self.hidden[c.index()])
            .map(|(c, _)| self.component[c.index()])
            .collect();
        BoundKey {
            expr: expr
                .iter()
                .map(|&(c, k)| (c.index(), k.to_bits()))
                .collect(),
            hidden: components
                .into_iter()
                .flat_map(|c| self.members[c].iter().copied())
                .collect(),
        }
    }

    /// The relations of the components an expression touches.
    pub fn component_relations(&self, expr: &[(CellId, f64)]) -> Vec<usize> {
        let components: BTreeSet<usize> = expr
            .iter()
            .filter(|(c, _)| self.hidden[c.index()])
            .map(|(c, _)| self.component[c.index()])
            .collect();
        let relations: BTreeSet<usize> = components
            .into_iter()
            .flat_map(|c| self.relations[c].iter().copied())
            .collect();
        relations.into_iter().collect()
    }

    /// What an attacker can derive about `expr`. The solutions the linear programs found
    /// are added to `points`: values of hidden cells that fit everything published.
    pub fn bound(&self, expr: &[(CellId, f64)], points: &mut Vec<Point>) -> Result<Bound> {
        let mut constant = 0.0;
        let mut unknown: Vec<(usize, f64)> = Vec::new();
        for &(cell, k) in expr {
            if self.hidden[cell.index()] {
                unknown.push((cell.index(), k));
            } else {
                constant += k * self.known(cell.index())?;
            }
        }
        if unknown.is_empty() {
            return Ok(Bound::Exact(constant));
        }
        let components: BTreeSet<usize> = unknown.iter().map(|&(c, _)| self.component[c]).collect();
        let mut cells: Vec<usize> = components
            .iter()
            .flat_map(|&c| self.members[c].iter().copied())
            .collect();
        cells.sort_unstable();
        let relations: BTreeSet<usize> = components
            .iter()
            .flat_map(|&c| self.relations[c].iter().copied())
            .collect();
        // Each relation with its published cells moved to the right-hand side.
        let mut rows: Vec<Row> = Vec::with_capacity(relations.len());
        let mut scale: f64 = 1.0;
        for &r in &relations {
            let relation = &self.model.relations[r];
            let mut rhs = relation.rhs;
            let mut terms = Vec::new();
            for &(cell, k) in &relation.terms {
                if self.hidden[cell.index()] {
                    let position = cells.binary_search(&cell.index()).expect("in component");
                    terms.push((position, k));
                } else {
                    let value = self.known(cell.index())?;
                    rhs -= k * value;
                    scale = scale.max((k * value).abs());
                }
            }
            scale = scale.max(relation.rhs.abs()).max(rhs.abs());
            rows.push((terms, relation.sense, rhs));
        }
        let objective: Vec<(usize, f64)> = unknown
            .iter()
            .map(|&(c, k)| (cells.binary_search(&c).expect("in component"), k))
            .collect();
        let kinds: Vec<CellKind> = cells.iter().map(|&c| self.model.cells[c].kind).collect();
        let (low, low_point) = extreme(&kinds, &rows, &objective, scale, false)?;
        let (high, high_point) = extreme(&kinds, &rows, &objective, scale, true)?;
        for point in [low_point, high_point].into_iter().flatten() {
            points.push(cells.iter().copied().zip(point).collect());
        }
        let (mut low, mut high) = (low + constant, high + constant);
        let whole = unknown
            .iter()
            .all(|&(c, k)| kinds_is_count(self.model.cells[c].kind) && k.fract() == 0.0)
            && constant.fract().abs() < 1e-9;
        if whole {
            // Counts are whole numbers, so an attacker rounds inwards.
            if low.is_finite() {
                low = (low - 1e-6 * low.abs().max(1.0)).ceil();
            }
            if high.is_finite() {
                high = (high + 1e-6 * high.abs().max(1.0)).floor();
            }
        }
        Ok(Bound::Range(low, high))
    }

    fn known(&self, cell: usize) -> Result<f64> {
        self.model.cells[cell].value.ok_or_else(|| {
            Error::Disclosure(format!(
                "the value of a published cell of `{}` is missing",
                self.model.units[self.model.cells[cell].unit.index()].label
            ))
        })
    }
}

fn kinds_is_count(kind: CellKind) -> bool {
    kind == CellKind::Count
}

/// The minimum or maximum of `objective` over the variables (scaled by `scale` so that the
/// solver sees numbers near 1, whatever the amounts).
fn extreme(
    kinds: &[CellKind],
    rows: &[Row],
    objective: &[(usize, f64)],
    scale: f64,
    maximise: bool,
) -> Result<(f64, Option<Vec<f64>>)> {
    // A free variable is the difference of two non-negative ones: microlp loops on some
    // systems of free variables, never on non-negative ones.
    let mut variables = ProblemVariables::new();
    let vars: Vec<Expression> = kinds
        .iter()
        .map(|kind| {
            let positive: Expression = variables.add(variable().min(0.0)).into();
            match kind {
                CellKind::Count | CellKind::Amount { nonnegative: true } => positive,
                CellKind::Amount { nonnegative: false } => {
                    positive - variables.add(variable().min(0.0))
                }
            }
        })
        .collect();
    let mut target = Expression::with_capacity(objective.len());
    for &(v, k) in objective {
        target.add_mul(k, vars[v].clone());
    }
    let problem = if maximise {
        variables.maximise(target)
    } else {
        variables.minimise(target)
    };
    let mut model = problem.using(microlp);
    for (terms, sense, rhs) in rows {
        let mut expression = Expression::with_capacity(terms.len());
        for &(v, k) in terms {
            expression.add_mul(k, vars[v].clone());
        }
        let rhs = rhs / scale;
        model.add_constraint(match sense {
            Sense::Eq => expression.eq(rhs),
            Sense::Le => expression.leq(rhs),
        });
    }
    match model.solve() {
        Ok(solution) => {
            let point: Vec<f64> = vars.iter().map(|v| solution.eval(v) * scale).collect();
            let value: f64 = objective.iter().map(|&(v, k)| k * point[v]).sum();
            Ok((value, Some(point)))
        }
        Err(ResolutionError::Unbounded) => Ok((
            if maximise {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            },
            None,
        )),
        Err(ResolutionError::Infeasible) => Err(Error::Disclosure(
            "the published figures contradict each other (no values fit every relation)".into(),
        )),
        Err(other) => Err(Error::Disclosure(format!(
            "the linear program of an attacker interval failed: {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fully_determined_system_of_free_amounts_solves() {
        let kinds = vec![CellKind::Amount { nonnegative: false }; 9];
        let rows: Vec<Row> = vec![
            (vec![(7, 1.0)], Sense::Eq, 7324507.0),
            (
                vec![(0, 1.0), (2, 1.0), (3, 1.0), (8, 1.0)],
                Sense::Eq,
                2824058.0,
            ),
            (vec![(4, 1.0), (5, 1.0)], Sense::Eq, 229744.0),
            (vec![(1, 1.0), (6, 1.0)], Sense::Eq, 2230875.0),
            (vec![(0, 1.0), (1, 1.0)], Sense::Eq, 2376819.0),
            (vec![(2, 1.0)], Sense::Eq, 1010774.0),
            (vec![(3, 1.0), (4, 1.0)], Sense::Eq, 303595.0),
            (vec![(5, 1.0), (6, 1.0)], Sense::Eq, 1025018.0),
            (vec![(7, 1.0), (8, 1.0)], Sense::Eq, 7892978.0),
        ];
        let (low, _) = extreme(&kinds, &rows, &[(2, 1.0)], 159392559.0, false).unwrap();
        let (high, _) = extreme(&kinds, &rows, &[(2, 1.0)], 159392559.0, true).unwrap();
        assert!((low - 1010774.0).abs() < 1e-3 && (high - 1010774.0).abs() < 1e-3);
    }
}
