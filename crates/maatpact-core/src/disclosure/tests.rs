use proptest::prelude::*;

use super::*;
use crate::config::PrivacyThresholds;

const DEFAULT: PrivacyThresholds = PrivacyThresholds::DEFAULT;

/// A one-way table: a kept total and its rows, households only.
fn partition(sizes: &[u64]) -> (LinkedModel, UnitId, Vec<UnitId>, Vec<CellId>) {
    let mut model = LinkedModel::new();
    let total_unit = model.add_unit("total", 10.0);
    model.keep(total_unit);
    let total = model.add_cell(
        total_unit,
        "n",
        CellKind::Count,
        Some(sizes.iter().sum::<u64>() as f64),
    );
    let mut units = Vec::new();
    let mut cells = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        let unit = model.add_unit(format!("row {i}"), 3.0);
        cells.push(model.add_cell(unit, "n", CellKind::Count, Some(n as f64)));
        units.push(unit);
    }
    let mut terms: Expr = cells.iter().map(|&c| (c, 1.0)).collect();
    terms.push((total, -1.0));
    model.add_relation(terms, Sense::Eq, 0.0);
    (model, total_unit, units, cells)
}

/// The model as an outsider reads it: hidden cells have no value.
fn published(model: &LinkedModel, pattern: &Pattern) -> LinkedModel {
    let mut out = model.clone();
    for cell in &mut out.cells {
        if pattern.visibility(cell.unit).hides(cell.kind.part()) {
            cell.value = None;
        }
    }
    out
}

fn audit_of(model: &LinkedModel, pattern: &Pattern) -> AuditReport {
    audit(&published(model, pattern), &DEFAULT).expect("audit runs")
}

#[test]
fn a_small_row_is_hidden_with_a_partner_large_enough_to_protect_it() {
    let (model, total, units, _) = partition(&[30, 4, 12, 50]);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert_eq!(pattern.visibility(total), Visibility::Shown);
    assert_eq!(
        pattern.visibility(units[1]),
        Visibility::Hidden(Suppression::SmallCell)
    );
    // 12 is the smallest row that alone gives the 4 an interval of at least 10.
    assert_eq!(
        pattern.visibility(units[2]),
        Visibility::Hidden(Suppression::Secondary)
    );
    assert_eq!(pattern.n_hidden(), 2);
    let report = audit_of(&model, &pattern);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.intervals.len(), 2);
    assert!(
        report
            .intervals
            .iter()
            .all(|i| i.low == 0.0 && i.high == 16.0)
    );
}

#[test]
fn empty_rows_are_never_partners() {
    // The 0 row would leave the 4 exactly derivable; the 40 must be hidden instead.
    let (model, _, units, _) = partition(&[4, 0, 40, 60]);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert_eq!(pattern.visibility(units[1]), Visibility::Shown);
    assert_eq!(
        pattern.visibility(units[2]),
        Visibility::Hidden(Suppression::Secondary)
    );
    assert!(audit_of(&model, &pattern).findings.is_empty());
}

#[test]
fn two_small_rows_that_narrow_each_other_get_a_third() {
    // 3 + 4 = 7 is known once both are hidden: each lies in [0, 7], narrower than 10.
    let (model, _, units, _) = partition(&[3, 4, 25, 50]);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert!(pattern.visibility(units[2]).hides(Part::Count));
    assert!(!pattern.visibility(units[3]).hides(Part::Count));
    assert!(audit_of(&model, &pattern).findings.is_empty());
}

#[test]
fn the_audit_finds_what_an_outsider_can_recover() {
    let (model, _, _, cells) = partition(&[30, 4, 12, 50]);
    // Hiding the small row alone: total minus the rest gives it back.
    let mut folder = model.clone();
    folder.cells[cells[1].index()].value = None;
    let report = audit(&folder, &DEFAULT).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        report.findings[0].kind,
        FindingKind::Narrow {
            low: 4.0,
            high: 4.0,
            required: 10.0
        }
    );
    // Publishing it: a small count in plain sight.
    let report = audit(&model, &DEFAULT).unwrap();
    assert_eq!(report.findings[0].kind, FindingKind::Exact { value: 4.0 });
}

#[test]
fn a_small_difference_hides_the_cheaper_of_its_rows() {
    // All 121 households, 112 with a tag: the 9 without it are a small group.
    let mut model = LinkedModel::new();
    let all = model.add_unit("all", 10.0);
    model.keep(all);
    let n_all = model.add_cell(all, "n", CellKind::Count, Some(121.0));
    let tag = model.add_unit("tag", 3.0);
    let n_tag = model.add_cell(tag, "n", CellKind::Count, Some(112.0));
    model.add_difference(
        "households without the tag",
        vec![vec![(n_all, 1.0), (n_tag, -1.0)]],
        Vec::new(),
        None,
    );
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert_eq!(
        pattern.visibility(tag),
        Visibility::Hidden(Suppression::SmallDifference)
    );
    assert!(audit_of(&model, &pattern).findings.is_empty());
}

#[test]
fn a_guessable_sum_needs_a_partner_too() {
    // An owner level of 40 households whose bottlenecks hold 9, 16 and 15 of them, and no
    // household has two: owner minus the published bottlenecks gives the hidden 9.
    let mut model = LinkedModel::new();
    let owner = model.add_unit("owner", 3.0);
    let n_owner = model.add_cell(owner, "n", CellKind::Count, Some(40.0));
    let mut terms = vec![(n_owner, 1.0)];
    let mut units = Vec::new();
    for (i, n) in [9.0, 16.0, 15.0].into_iter().enumerate() {
        let unit = model.add_unit(format!("bottleneck {i}"), 3.0);
        terms.push((model.add_cell(unit, "n", CellKind::Count, Some(n)), -1.0));
        units.push(unit);
    }
    model.add_relation(terms, Sense::Eq, 0.0);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert!(pattern.visibility(units[0]).hides(Part::Count));
    assert_eq!(
        [units[1], units[2]]
            .iter()
            .filter(|u| pattern.visibility(**u).hides(Part::Count))
            .count(),
        1
    );
    assert!(audit_of(&model, &pattern).findings.is_empty());
}

#[test]
fn a_dominated_amount_hides_only_amounts_and_gets_a_partner_of_at_least_its_protection() {
    let mut model = LinkedModel::new();
    let all = model.add_unit("all", 10.0);
    model.keep(all);
    let total = model.add_cell(all, "n", CellKind::Count, Some(60.0));
    let total_euros = model.add_cell(
        all,
        "savings",
        CellKind::Amount { nonnegative: true },
        Some(1_000_000.0),
    );
    let mut counts = vec![(total, -1.0)];
    let mut amounts = vec![(total_euros, -1.0)];
    let mut units = Vec::new();
    for (i, (n, euros)) in [(20.0, 500_000.0), (20.0, 100_000.0), (20.0, 400_000.0)]
        .into_iter()
        .enumerate()
    {
        let unit = model.add_unit(format!("row {i}"), 3.0);
        counts.push((model.add_cell(unit, "n", CellKind::Count, Some(n)), 1.0));
        amounts.push((
            model.add_cell(
                unit,
                "savings",
                CellKind::Amount { nonnegative: true },
                Some(euros),
            ),
            1.0,
        ));
        units.push(unit);
    }
    model.add_relation(counts, Sense::Eq, 0.0);
    model.add_relation(amounts, Sense::Eq, 0.0);
    model.set_amount_primary(units[0], Suppression::Dominance);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert_eq!(
        pattern.visibility(units[0]),
        Visibility::AmountsHidden(Suppression::Dominance)
    );
    // Hidden beside 100,000, the 500,000 lies in [0, 600,000]: 15% above and below it. The
    // smallest row that can give that is chosen.
    assert_eq!(
        pattern.visibility(units[1]),
        Visibility::AmountsHidden(Suppression::Secondary)
    );
    assert_eq!(pattern.visibility(units[2]), Visibility::Shown);
    assert!(audit_of(&model, &pattern).findings.is_empty());
    let shown: Disclosed<u64> = pattern.disclose(units[0], Part::Count, 20);
    assert_eq!(shown.shown(), Some(&20));
    let hidden: Disclosed<f64> = pattern.disclose(units[0], Part::Amount, 500_000.0);
    assert_eq!(hidden.suppression(), Some(Suppression::Dominance));
}

#[test]
fn the_true_value_may_not_sit_at_the_edge_of_its_interval() {
    // Hidden 5 with partner 20 in a margin of 25: [0, 25] is wide, and 5 is inside.
    // Hidden 5 bounded below by a published 5 (an itemset nested in it) sits at the edge.
    let mut model = LinkedModel::new();
    let parent = model.add_unit("parent", 2.0);
    let n_parent = model.add_cell(parent, "n", CellKind::Count, Some(5.0));
    let child = model.add_unit("child", 1.0);
    let n_child = model.add_cell(child, "n", CellKind::Count, Some(0.0));
    model.add_relation(vec![(n_child, 1.0), (n_parent, -1.0)], Sense::Le, 0.0);
    let pattern = protect(&model, &DEFAULT).unwrap();
    assert!(pattern.visibility(parent).hides(Part::Count));
    assert!(audit_of(&model, &pattern).findings.is_empty());
}

proptest! {
    /// Random two-way tables with both margins and a kept grand total: after protection an
    /// outsider can narrow no hidden count below the minimum cell size, and no small count
    /// is in sight.
    #[test]
    fn protected_two_way_tables_pass_the_audit(
        rows in 2usize..5,
        columns in 2usize..5,
        values in prop::collection::vec(0u64..40, 16),
    ) {
        let mut model = LinkedModel::new();
        let grand = model.add_unit("grand", 10.0);
        model.keep(grand);
        let value = |r: usize, c: usize| values[r * columns + c] as f64;
        let mut cell = vec![vec![None; columns]; rows];
        for (r, row) in cell.iter_mut().enumerate() {
            for (c, slot) in row.iter_mut().enumerate() {
                let unit = model.add_unit(format!("{r},{c}"), 2.0);
                *slot = Some(model.add_cell(unit, "n", CellKind::Count, Some(value(r, c))));
            }
        }
        let total: f64 = (0..rows).flat_map(|r| (0..columns).map(move |c| (r, c))).map(|(r, c)| value(r, c)).sum();
        let n_grand = model.add_cell(grand, "n", CellKind::Count, Some(total));
        let mut grand_terms = vec![(n_grand, -1.0)];
        for (r, row) in cell.iter().enumerate() {
            let unit = model.add_unit(format!("row {r}"), 3.0);
            let sum: f64 = (0..columns).map(|c| value(r, c)).sum();
            let margin = model.add_cell(unit, "n", CellKind::Count, Some(sum));
            grand_terms.push((margin, 1.0));
            let mut terms: Expr = row.iter().map(|c| (c.unwrap(), 1.0)).collect();
            terms.push((margin, -1.0));
            model.add_relation(terms, Sense::Eq, 0.0);
        }
        model.add_relation(grand_terms, Sense::Eq, 0.0);
        for c in 0..columns {
            let unit = model.add_unit(format!("column {c}"), 3.0);
            let sum: f64 = (0..rows).map(|r| value(r, c)).sum();
            let margin = model.add_cell(unit, "n", CellKind::Count, Some(sum));
            let mut terms: Expr = cell.iter().map(|row| (row[c].unwrap(), 1.0)).collect();
            terms.push((margin, -1.0));
            model.add_relation(terms, Sense::Eq, 0.0);
        }
        match protect(&model, &DEFAULT) {
            Ok(pattern) => {
                let report = audit_of(&model, &pattern);
                prop_assert!(report.findings.is_empty(), "{:?}", report.findings);
            }
            // Only when the grand total itself is small or everything else is hidden.
            Err(_) => prop_assert!(total < 2.0 * DEFAULT.min_cell_size as f64),
        }
    }
}
