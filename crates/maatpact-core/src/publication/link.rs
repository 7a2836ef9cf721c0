//! From rows to a linked model: units, cells and every relation between them.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Attribution, DifferenceKey, LinkInput, RowKey, RowShape, SAVINGS_AMOUNT_NONNEGATIVE,
    SAVINGS_AMOUNTS, SAVINGS_COUNTS, Stage,
};
use crate::disclosure::{CellId, CellKind, Expr, LinkedModel, Sense, UnitId};

/// A linked model and where each row went.
#[derive(Clone, Debug)]
pub struct Linked {
    /// The model.
    pub model: LinkedModel,
    /// The unit of each row.
    pub units: BTreeMap<RowKey, UnitId>,
}

/// The cells of one row.
struct RowCells {
    counts: Vec<CellId>,
    amounts: Vec<CellId>,
}

impl RowCells {
    /// Counts then amounts: the order in which rows of one shape line up.
    fn measures(&self) -> Vec<CellId> {
        self.counts.iter().chain(&self.amounts).copied().collect()
    }
}

/// Builds the linked model of a publication.
pub fn link(input: &LinkInput) -> Linked {
    let mut model = LinkedModel::new();
    let mut units = BTreeMap::new();
    let mut rows: BTreeMap<&RowKey, RowCells> = BTreeMap::new();
    for figures in &input.rows {
        let key = &figures.key;
        let unit = model.add_unit(key.label(), key.cost());
        if *key == RowKey::Overall {
            model.keep(unit);
        }
        if matches!(key, RowKey::TagSet(tags) if tags.len() >= 3) {
            // Combinations of three or more tags are listed only in itemsets.csv, which
            // leaves out a hidden one.
            model.omit_when_hidden(unit);
        }
        if let Some(reason) = figures.amount_primary {
            model.set_amount_primary(unit, reason);
        }
        let (count_names, amount_names, nonnegative): (&[&str], &[&str], &[bool]) =
            match key.shape() {
                RowShape::Savings => (
                    &SAVINGS_COUNTS,
                    &SAVINGS_AMOUNTS,
                    &SAVINGS_AMOUNT_NONNEGATIVE,
                ),
                RowShape::Financier => (&[], &["savings_total"], &[false]),
                RowShape::Count => (&["n"], &[], &[]),
            };
        let counts: Vec<CellId> = count_names
            .iter()
            .zip(&figures.counts)
            .map(|(name, &value)| model.add_cell(unit, *name, CellKind::Count, value))
            .collect();
        let amounts: Vec<CellId> = amount_names
            .iter()
            .zip(nonnegative)
            .zip(&figures.amounts)
            .map(|((name, &nonnegative), &value)| {
                model.add_cell(unit, *name, CellKind::Amount { nonnegative }, value)
            })
            .collect();
        if key.shape() == RowShape::Savings && counts.len() == 2 && amounts.len() == 5 {
            // savings = threatened − tailored; households with a KBA ≤ households.
            model.add_relation(
                vec![(amounts[3], 1.0), (amounts[1], -1.0), (amounts[2], 1.0)],
                Sense::Eq,
                0.0,
            );
            model.add_relation(vec![(counts[1], 1.0), (counts[0], -1.0)], Sense::Le, 0.0);
        }
        units.insert(key.clone(), unit);
        rows.insert(key, RowCells { counts, amounts });
    }
    let mut linker = Linker {
        model,
        rows: &rows,
        input,
    };
    linker.partitions();
    linker.multi_membership();
    linker.financiers();
    linker.funnel();
    linker.cluster_tags();
    linker.satisfaction_and_findings();
    linker.tag_sets();
    linker.empty_groups_have_no_amounts();
    Linked {
        model: linker.model,
        units,
    }
}

struct Linker<'r, 'a> {
    model: LinkedModel,
    rows: &'r BTreeMap<&'a RowKey, RowCells>,
    input: &'a LinkInput,
}

impl Linker<'_, '_> {
    fn row(&self, key: &RowKey) -> Option<&RowCells> {
        self.rows.get(key)
    }

    fn keys(&self) -> impl Iterator<Item = &RowKey> {
        self.rows.keys().copied()
    }

    /// `Σ children = parent`, measure by measure.
    fn sum(&mut self, parent: &RowKey, children: &[RowKey]) {
        let Some(parent) = self.row(parent).map(RowCells::measures) else {
            return;
        };
        let children: Vec<Vec<CellId>> = children
            .iter()
            .filter_map(|c| self.row(c).map(RowCells::measures))
            .collect();
        if children.is_empty() {
            return;
        }
        for (m, &total) in parent.iter().enumerate() {
            if children.iter().any(|c| c.len() <= m) {
                continue;
            }
            let mut terms: Expr = children.iter().map(|c| (c[m], 1.0)).collect();
            terms.push((total, -1.0));
            self.model.add_relation(terms, Sense::Eq, 0.0);
        }
    }

    fn partitions(&mut self) {
        let families: [fn(&RowKey) -> bool; 5] = [
            |k| matches!(k, RowKey::Cluster(_)),
            |k| matches!(k, RowKey::Phase(_)),
            |k| matches!(k, RowKey::Municipality(_)),
            |k| matches!(k, RowKey::BudgetCategory(_)),
            |k| matches!(k, RowKey::Payer(_)),
        ];
        for in_family in families {
            let children: Vec<RowKey> = self.keys().filter(|k| in_family(k)).cloned().collect();
            self.sum(&RowKey::Overall, &children);
        }
        self.cluster_cross(
            |k| match k {
                RowKey::ClusterPhase(c, p) => Some((*c, p.clone())),
                _ => None,
            },
            RowKey::ClusterPhase,
            RowKey::Phase,
        );
        self.cluster_cross(
            |k| match k {
                RowKey::ClusterPayer(c, p) => Some((*c, p.clone())),
                _ => None,
            },
            RowKey::ClusterPayer,
            RowKey::Payer,
        );
    }

    /// A cluster × (phase or payer) table: each cluster's cells add up to the cluster, and
    /// each column's to its one-way row.
    fn cluster_cross(
        &mut self,
        cell_of: fn(&RowKey) -> Option<(usize, String)>,
        cell: fn(usize, String) -> RowKey,
        column: fn(String) -> RowKey,
    ) {
        let cross: Vec<(usize, String)> = self.keys().filter_map(cell_of).collect();
        let clusters: BTreeSet<usize> = cross.iter().map(|(c, _)| *c).collect();
        let columns: BTreeSet<&String> = cross.iter().map(|(_, p)| p).collect();
        for &c in &clusters {
            let children: Vec<RowKey> = cross
                .iter()
                .filter(|(cc, _)| *cc == c)
                .map(|(c, p)| cell(*c, p.clone()))
                .collect();
            self.sum(&RowKey::Cluster(c), &children);
        }
        for p in columns {
            let children: Vec<RowKey> = cross
                .iter()
                .filter(|(_, pp)| pp == p)
                .map(|(c, p)| cell(*c, p.clone()))
                .collect();
            self.sum(&column(p.clone()), &children);
        }
    }

    /// A group outside a row, within another: `outer − inner`, for every count (and, with
    /// count attribution, every amount).
    fn difference(&mut self, label: String, outer: &RowKey, inner: &RowKey, key: DifferenceKey) {
        let (Some(outer), Some(inner)) = (self.row(outer), self.row(inner)) else {
            return;
        };
        let pair = |a: &[CellId], b: &[CellId]| -> Vec<Expr> {
            a.iter()
                .zip(b)
                .map(|(&a, &b)| vec![(a, 1.0), (b, -1.0)])
                .collect()
        };
        let counts = pair(&outer.counts, &inner.counts);
        let amounts = if self.input.attribution == Attribution::Count {
            pair(&outer.amounts, &inner.amounts)
        } else {
            Vec::new()
        };
        let primary = self.input.difference_primary.get(&key).copied();
        self.model.add_difference(label, counts, amounts, primary);
    }

    /// Tags, bottlenecks and owner levels: part of all households, a bottleneck part of its
    /// owner level, an owner level at most the sum of its bottlenecks.
    fn multi_membership(&mut self) {
        let keys: Vec<RowKey> = self.keys().cloned().collect();
        for key in &keys {
            let outside = match key {
                RowKey::TagSet(tags) if tags.len() == 1 => {
                    format!("households without tag {}", tags[0])
                }
                RowKey::Bottleneck(b, _) => format!("households without bottleneck {b}"),
                RowKey::OwnerLevel(o) => format!("households without a bottleneck of {o}"),
                _ => continue,
            };
            self.difference(
                outside,
                &RowKey::Overall,
                key,
                DifferenceKey::Without(key.clone()),
            );
            if let RowKey::Bottleneck(b, o) = key {
                self.difference(
                    format!("households with a bottleneck of {o} other than {b}"),
                    &RowKey::OwnerLevel(o.clone()),
                    key,
                    DifferenceKey::OwnerWithout(o.clone(), b.clone()),
                );
            }
        }
        let owners: Vec<String> = keys
            .iter()
            .filter_map(|k| match k {
                RowKey::OwnerLevel(o) => Some(o.clone()),
                _ => None,
            })
            .collect();
        for owner in owners {
            let members: Vec<RowKey> = keys
                .iter()
                .filter(|k| matches!(k, RowKey::Bottleneck(_, o) if *o == owner))
                .cloned()
                .collect();
            if members.is_empty() {
                continue;
            }
            let total = self
                .row(&RowKey::OwnerLevel(owner.clone()))
                .map(RowCells::measures);
            let parts: Vec<Vec<CellId>> = members
                .iter()
                .filter_map(|k| self.row(k).map(RowCells::measures))
                .collect();
            let Some(total) = total else { continue };
            for (m, &cell) in total.iter().enumerate() {
                if parts.iter().any(|p| p.len() <= m) {
                    continue;
                }
                let mut terms: Expr = parts.iter().map(|p| (p[m], -1.0)).collect();
                terms.push((cell, 1.0));
                let is_count = m < SAVINGS_COUNTS.len();
                if is_count {
                    // No household with a bottleneck of the level is left out.
                    self.model.add_relation(terms.clone(), Sense::Le, 0.0);
                }
                let coincides = self.input.truth
                    && (is_count || self.input.attribution == Attribution::Count)
                    && self.model.eval(&terms).is_some_and(|v| v == 0.0);
                if coincides {
                    // True when no household has two bottlenecks of the level: an outsider
                    // may well guess it.
                    self.model.add_relation(terms, Sense::Eq, 0.0);
                }
            }
        }
    }

    fn financiers(&mut self) {
        let cross: Vec<(RowKey, String)> = self
            .keys()
            .filter_map(|k| match k {
                RowKey::PartFinancier(part, f) => Some((part.as_ref().clone(), f.clone())),
                _ => None,
            })
            .collect();
        let financiers: BTreeSet<String> = self
            .keys()
            .filter_map(|k| match k {
                RowKey::Financier(f) => Some(f.clone()),
                _ => None,
            })
            .collect();
        let cross_key =
            |part: &RowKey, f: &str| RowKey::PartFinancier(Box::new(part.clone()), f.into());
        // Each partition (clusters, phases, …) adds up to the financier's row.
        let mut families: Vec<std::mem::Discriminant<RowKey>> = cross
            .iter()
            .map(|(p, _)| std::mem::discriminant(p))
            .collect();
        families.dedup();
        for family in families {
            for f in &financiers {
                let children: Vec<RowKey> = cross
                    .iter()
                    .filter(|(p, ff)| ff == f && std::mem::discriminant(p) == family)
                    .map(|(p, f)| cross_key(p, f))
                    .collect();
                self.sum(&RowKey::Financier(f.clone()), &children);
            }
        }
        if !self.input.truth {
            return;
        }
        let mut groups: Vec<(RowKey, Vec<RowKey>)> = vec![(
            RowKey::Overall,
            financiers
                .iter()
                .map(|f| RowKey::Financier(f.clone()))
                .collect(),
        )];
        let parts: BTreeSet<&RowKey> = cross.iter().map(|(p, _)| p).collect();
        for part in parts {
            groups.push((
                part.clone(),
                cross
                    .iter()
                    .filter(|(p, _)| p == part)
                    .map(|(p, f)| cross_key(p, f))
                    .collect(),
            ));
        }
        for (total, shares) in groups {
            let Some(&total) = self.row(&total).and_then(|r| r.amounts.get(3)) else {
                continue;
            };
            let mut terms: Expr = shares
                .iter()
                .filter_map(|k| self.row(k).and_then(|r| r.amounts.first()))
                .map(|&cell| (cell, 1.0))
                .collect();
            if terms.is_empty() {
                continue;
            }
            terms.push((total, -1.0));
            if self.model.eval(&terms).is_some_and(|v| v == 0.0) {
                self.model.add_relation(terms, Sense::Eq, 0.0);
            }
        }
    }

    /// Households with a plan are some of a group's households, and those whose plan was
    /// carried out some of them; the phases add up to all households.
    fn funnel(&mut self) {
        let cells: Vec<(RowKey, Stage)> = self
            .keys()
            .filter_map(|k| match k {
                RowKey::Funnel(group, stage) => Some((group.as_ref().clone(), *stage)),
                _ => None,
            })
            .collect();
        let key = |group: &RowKey, stage: Stage| RowKey::Funnel(Box::new(group.clone()), stage);
        let groups: BTreeSet<&RowKey> = cells.iter().map(|(g, _)| g).collect();
        for group in groups {
            let n = self.row(group).map(|r| r.counts[0]);
            let plan = self.row(&key(group, Stage::WithPlan)).map(|r| r.counts[0]);
            let executed = self.row(&key(group, Stage::Executed)).map(|r| r.counts[0]);
            let steps = [
                (n, plan, "without a plan"),
                (plan, executed, "with a plan not carried out"),
            ];
            for (outer, inner, what) in steps {
                let (Some(outer), Some(inner)) = (outer, inner) else {
                    continue;
                };
                let expr = vec![(outer, 1.0), (inner, -1.0)];
                self.model
                    .add_relation(vec![(inner, 1.0), (outer, -1.0)], Sense::Le, 0.0);
                let label = format!("{}: households {what}", group.label());
                self.model
                    .add_difference(label, vec![expr], Vec::new(), None);
            }
        }
        for stage in Stage::ALL {
            let phases: Vec<RowKey> = cells
                .iter()
                .filter(|(g, s)| *s == stage && matches!(g, RowKey::Phase(_)))
                .map(|(g, s)| key(g, *s))
                .collect();
            self.sum(&key(&RowKey::Overall, stage), &phases);
        }
    }

    fn cluster_tags(&mut self) {
        let cells: Vec<(usize, String)> = self
            .keys()
            .filter_map(|k| match k {
                RowKey::ClusterTag(c, t) => Some((*c, t.clone())),
                _ => None,
            })
            .collect();
        let tags: BTreeSet<&String> = cells.iter().map(|(_, t)| t).collect();
        for tag in tags {
            let total = self
                .row(&RowKey::TagSet(vec![tag.clone()]))
                .map(|r| r.counts[0]);
            let mut terms: Expr = cells
                .iter()
                .filter(|(_, t)| t == tag)
                .filter_map(|(c, t)| self.row(&RowKey::ClusterTag(*c, t.clone())))
                .map(|r| (r.counts[0], 1.0))
                .collect();
            if let Some(total) = total {
                terms.push((total, -1.0));
                self.model.add_relation(terms, Sense::Eq, 0.0);
            }
        }
        for (c, t) in &cells {
            let (Some(cluster), Some(cell)) = (
                self.row(&RowKey::Cluster(*c)),
                self.row(&RowKey::ClusterTag(*c, t.clone())),
            ) else {
                continue;
            };
            let expr = vec![(cluster.counts[0], 1.0), (cell.counts[0], -1.0)];
            self.model.add_difference(
                format!("cluster {c} without tag {t}"),
                vec![expr],
                Vec::new(),
                None,
            );
        }
    }

    fn satisfaction_and_findings(&mut self) {
        let mut at_most: Vec<(CellId, CellId)> = Vec::new();
        let mut warnings: Expr = Vec::new();
        for (key, row) in self.rows {
            match key {
                RowKey::Satisfaction(c, _) => {
                    if let Some(cluster) = self.row(&RowKey::Cluster(*c)) {
                        at_most.push((row.counts[0], cluster.counts[0]));
                    }
                }
                RowKey::Finding(code) if code.starts_with("warning:") => {
                    warnings.push((row.counts[0], 1.0));
                }
                _ => {}
            }
        }
        for (part, whole) in at_most {
            self.model
                .add_relation(vec![(part, 1.0), (whole, -1.0)], Sense::Le, 0.0);
        }
        if let Some(total) = self.row(&RowKey::Warnings).map(|r| r.counts[0]) {
            warnings.push((total, -1.0));
            self.model.add_relation(warnings, Sense::Eq, 0.0);
        }
    }

    /// Every published combination of tags, with all households as the empty combination:
    /// the households with a combination but without all of a larger one that has one or two
    /// tags more (or without all of it, from all households), and the inclusion–exclusion
    /// atom of a combination and two more tags. Longer chains add little an outsider could
    /// not bound from these, and their number grows as 2^tags.
    fn tag_sets(&mut self) {
        let family = self.tag_family();
        let sets: Vec<Vec<String>> = family.keys().filter(|s| s.len() >= 2).cloned().collect();
        for set in sets {
            let whole = family[&set];
            // A folder without an overall row (a crafted one, or one without any case) has
            // no complement to form.
            if let Some(&all) = family.get(&Vec::new()) {
                self.model.add_difference(
                    format!("households without all of {}", set.join("+")),
                    vec![vec![(all, 1.0), (whole, -1.0)]],
                    Vec::new(),
                    None,
                );
            }
            let n = set.len();
            let full = (1u32 << n) - 1;
            for mask in 1..full {
                let missing = n - mask.count_ones() as usize;
                if missing > 2 {
                    continue;
                }
                let subset = pick(&set, mask);
                let Some(&part) = family.get(&subset) else {
                    continue;
                };
                let rest = pick(&set, full & !mask).join("+");
                let with = subset.join("+");
                self.model.add_difference(
                    format!("households with {with} but not all of {rest}"),
                    vec![vec![(part, 1.0), (whole, -1.0)]],
                    Vec::new(),
                    None,
                );
                if missing == 2
                    && let Some(atom) = atom(&family, &set, mask)
                {
                    self.model.add_difference(
                        format!("households with {with} and none of {rest}"),
                        vec![atom],
                        Vec::new(),
                        None,
                    );
                }
            }
        }
        self.disjoint_tags(&family);
    }

    /// Every published combination of tags by its count cell; all households as the empty
    /// combination.
    fn tag_family(&self) -> BTreeMap<Vec<String>, CellId> {
        let mut family: BTreeMap<Vec<String>, CellId> = BTreeMap::new();
        if let Some(overall) = self.row(&RowKey::Overall) {
            family.insert(Vec::new(), overall.counts[0]);
        }
        for (key, row) in self.rows {
            if let RowKey::TagSet(tags) = key {
                family.insert(tags.clone(), row.counts[0]);
            }
        }
        family
    }

    /// Tags that never occur together (a pair published as 0) split all households: all
    /// households minus their rows are the households with none of them, with their amounts.
    /// Every set of pairwise disjoint tags whose remainder may be small is such a group.
    fn disjoint_tags(&mut self, family: &BTreeMap<Vec<String>, CellId>) {
        let Some(overall) = self.row(&RowKey::Overall) else {
            return;
        };
        let (n_all, all_counts, all_amounts) = (
            self.model.value(overall.counts[0]),
            overall.counts.clone(),
            overall.amounts.clone(),
        );
        let Some(n_all) = n_all else { return };
        // Tags with households (or hidden), largest first.
        let mut tags: Vec<(String, Option<f64>)> = family
            .iter()
            .filter(|(set, _)| set.len() == 1)
            .map(|(set, &cell)| (set[0].clone(), self.model.value(cell)))
            .filter(|(_, n)| n.is_none_or(|n| n > 0.0))
            .collect();
        tags.sort_by(|a, b| b.1.unwrap_or(n_all).total_cmp(&a.1.unwrap_or(n_all)));
        let disjoint = |a: &str, b: &str| {
            let mut pair = vec![a.to_owned(), b.to_owned()];
            pair.sort();
            family
                .get(&pair)
                .and_then(|&c| self.model.value(c))
                .is_some_and(|v| v == 0.0)
        };
        let limit = n_all - (self.min_cell() - 1.0);
        let mut found: Vec<Vec<usize>> = Vec::new();
        disjoint_sets(&tags, &disjoint, limit, &mut Vec::new(), 0, 0.0, &mut found);
        for set in found {
            let keys: Vec<RowKey> = set
                .iter()
                .map(|&i| RowKey::TagSet(vec![tags[i].0.clone()]))
                .collect();
            let rows: Vec<&RowCells> = keys.iter().filter_map(|k| self.row(k)).collect();
            let minus = |all: &[CellId], of: fn(&RowCells) -> &Vec<CellId>| -> Vec<Expr> {
                (0..all.len())
                    .filter(|&m| rows.iter().all(|r| of(r).len() > m))
                    .map(|m| {
                        let mut expr: Expr = vec![(all[m], 1.0)];
                        expr.extend(rows.iter().map(|r| (of(r)[m], -1.0)));
                        expr
                    })
                    .collect()
            };
            let counts = minus(&all_counts, |r| &r.counts);
            let amounts = match self.input.attribution {
                Attribution::Count => minus(&all_amounts, |r| &r.amounts),
                Attribution::Split => Vec::new(),
            };
            let names: Vec<&str> = set.iter().map(|&i| tags[i].0.as_str()).collect();
            self.model.add_difference(
                format!("households with none of {}", names.join("+")),
                counts,
                amounts,
                None,
            );
        }
    }

    /// A group of no households has amounts of 0: where a difference's count is known to
    /// be 0, its amounts are tied to 0 (the row of a tag every household has is then the
    /// overall row).
    fn empty_groups_have_no_amounts(&mut self) {
        let mut zero: Vec<Expr> = Vec::new();
        for difference in &self.model.differences {
            let known_empty = difference
                .counts
                .first()
                .and_then(|count| self.model.eval(count))
                .is_some_and(|n| n == 0.0);
            if known_empty {
                zero.extend(difference.amounts.iter().cloned());
            }
        }
        for amount in zero {
            self.model.add_relation(amount, Sense::Eq, 0.0);
        }
    }

    fn min_cell(&self) -> f64 {
        self.input.min_cell_size as f64
    }
}

/// The tags of `set` that `mask` selects.
fn pick(set: &[String], mask: u32) -> Vec<String> {
    (0..set.len())
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| set[i].clone())
        .collect()
}

/// The most sets of disjoint tags [`disjoint_sets`] reports: a bound on work, far above
/// what real programmes give (tags that cover almost every household without overlapping).
const MAX_DISJOINT_SETS: usize = 10_000;

/// Sets of two or more pairwise disjoint tags whose households may add up to `limit` or
/// more (a hidden total counts as possibly all households).
fn disjoint_sets(
    tags: &[(String, Option<f64>)],
    disjoint: &dyn Fn(&str, &str) -> bool,
    limit: f64,
    chosen: &mut Vec<usize>,
    from: usize,
    sum: f64,
    found: &mut Vec<Vec<usize>>,
) {
    if chosen.len() >= 2 && sum >= limit {
        found.push(chosen.clone());
    }
    for next in from..tags.len() {
        if found.len() >= MAX_DISJOINT_SETS {
            return;
        }
        if !chosen.iter().all(|&c| disjoint(&tags[c].0, &tags[next].0)) {
            continue;
        }
        // Even every later tag cannot reach the limit: nothing below reaches it.
        let rest: f64 = tags[next..]
            .iter()
            .map(|t| t.1.unwrap_or(f64::INFINITY))
            .sum();
        if sum + rest < limit {
            return;
        }
        chosen.push(next);
        let size = tags[next].1.unwrap_or(f64::INFINITY);
        disjoint_sets(tags, disjoint, limit, chosen, next + 1, sum + size, found);
        chosen.pop();
    }
}

/// The households with every tag of `set` selected by `mask` and none of the others, by
/// inclusion–exclusion over the published combinations: `None` unless every term is
/// published.
fn atom(family: &BTreeMap<Vec<String>, CellId>, set: &[String], mask: u32) -> Option<Expr> {
    let n = set.len();
    let free: Vec<usize> = (0..n).filter(|i| mask & (1 << i) == 0).collect();
    let mut terms = Vec::with_capacity(1 << free.len());
    for pick in 0..(1u32 << free.len()) {
        let mut chosen = mask;
        for (j, &i) in free.iter().enumerate() {
            if pick & (1 << j) != 0 {
                chosen |= 1 << i;
            }
        }
        let subset: Vec<String> = (0..n)
            .filter(|i| chosen & (1 << i) != 0)
            .map(|i| set[i].clone())
            .collect();
        let sign = if pick.count_ones() % 2 == 0 {
            1.0
        } else {
            -1.0
        };
        terms.push((*family.get(&subset)?, sign));
    }
    Some(terms)
}
