//! Savings tables: hand-computed fixtures exact to the cent, disclosure control, and totals
//! that add up.

use maatpact_core::{Case, Cents, PrivacyThresholds, Suppression};
use maatpact_pipeline::{Attribution, Grouping, SavingsSettings, financier_table, savings_table};
use proptest::prelude::*;

const NO_SUPPRESSION: PrivacyThresholds = PrivacyThresholds {
    min_cell_size: 1,
    dominance_n: 2,
    dominance_k: 100.0,
};

fn settings(thresholds: PrivacyThresholds) -> SavingsSettings {
    SavingsSettings {
        thresholds,
        bootstrap_resamples: 200,
        seed: 1,
        attribution: Attribution::Count,
    }
}

fn case(id: &str, phase: &str, costs: Option<(i64, i64, i64)>, spend: i64) -> Case {
    let mut case = Case::new(id, Vec::new());
    case.phase = Some(phase.to_owned());
    if let Some((current, threatened, tailored)) = costs {
        case.costs.current = Some(Cents::from_euros(current));
        case.costs.threatened = Some(Cents::from_euros(threatened));
        case.costs.tailored = Some(Cents::from_euros(tailored));
    }
    case.breakthrough_spend = Some(Cents::from_euros(spend));
    case
}

fn by_phase(cases: &[Case]) -> Grouping {
    Grouping::partition(
        cases,
        |c| c.phase.clone().unwrap_or_default(),
        |k| vec![k.clone()],
    )
}

#[test]
fn hand_computed_totals_are_exact_to_the_cent() {
    let mut cases = vec![
        // The example of seed 004, casus 1: €27,000 saved against dreigend.
        case("A", "1", Some((20_000, 90_000, 63_000)), 1_000),
        case("B", "1", Some((30_000, 50_000, 40_000)), 500),
        case("C", "2", None, 200),
        case("D", "2", Some((10_000, 12_345, 10_000)), 0),
    ];
    cases[3].costs.threatened = Some(Cents(1_234_567)); // €12,345.67
    cases[0].satisfaction.start = Some(4.0);
    cases[0].satisfaction.month_12 = Some(7.5);
    cases[1].satisfaction.start = Some(5.0);
    cases[1].satisfaction.month_6 = Some(6.0);
    let table = savings_table(&cases, &by_phase(&cases), &settings(NO_SUPPRESSION), &[]).unwrap();
    assert!(table.partition);
    assert_eq!(table.n_without_kba, 1);
    let phase1 = &table.rows[0];
    assert_eq!(phase1.keys, ["1"]);
    assert_eq!((phase1.n_cases, phase1.n_with_kba), (2, 2));
    assert_eq!(phase1.cost_current_total, Cents::from_euros(50_000));
    assert_eq!(phase1.cost_threatened_total, Cents::from_euros(140_000));
    assert_eq!(phase1.cost_tailored_total, Cents::from_euros(103_000));
    assert_eq!(phase1.savings_total, Cents::from_euros(37_000));
    assert_eq!(phase1.savings_mean, Some(1_850_000.0));
    assert_eq!(phase1.savings_median, Some(1_850_000.0));
    assert_eq!(phase1.breakthrough_spend_total, Cents::from_euros(1_500));
    assert_eq!(phase1.return_per_euro, Some(37_000.0 / 1_500.0));
    // (7.5 − 4) and (6 − 5): 12 months where known, else 6 months.
    assert_eq!(phase1.satisfaction_change_mean, Some(2.25));
    let (low, high) = phase1.savings_ci.unwrap();
    assert!(
        (1_000_000.0..=2_700_000.0).contains(&low) && low <= high,
        "{low} {high}"
    );
    let phase2 = &table.rows[1];
    assert_eq!((phase2.n_cases, phase2.n_with_kba), (2, 1));
    // Case C has no KBA: counted, but out of every euro figure except its spend.
    assert_eq!(phase2.cost_threatened_total, Cents(1_234_567));
    assert_eq!(phase2.savings_total, Cents(234_567));
    assert_eq!(phase2.breakthrough_spend_total, Cents::from_euros(200));
    assert_eq!(phase2.savings_ci, None);
}

#[test]
fn split_attribution_divides_a_case_over_its_groups() {
    let cases = vec![
        case("A", "1", Some((0, 10_000, 4_000)), 0),
        case("B", "1", Some((0, 5_000, 4_000)), 0),
    ];
    // A is in both groups, B only in the second.
    let grouping = Grouping {
        groups: vec![vec!["x".into()], vec!["y".into()]],
        membership: vec![vec![0, 1], vec![1]],
    };
    let count = savings_table(&cases, &grouping, &settings(NO_SUPPRESSION), &[]).unwrap();
    assert_eq!(count.rows[0].savings_total, Cents::from_euros(6_000));
    assert_eq!(count.rows[1].savings_total, Cents::from_euros(7_000));
    let mut split_settings = settings(NO_SUPPRESSION);
    split_settings.attribution = Attribution::Split;
    let split = savings_table(&cases, &grouping, &split_settings, &[]).unwrap();
    assert_eq!(split.attribution, Attribution::Split);
    assert_eq!(split.rows[0].savings_total, Cents::from_euros(3_000));
    assert_eq!(split.rows[1].savings_total, Cents::from_euros(4_000));
}

#[test]
fn small_cells_and_their_secondary_partner_are_suppressed() {
    let mut cases = Vec::new();
    for (phase, n) in [("1", 25), ("2", 4), ("3", 12), ("4", 30)] {
        for i in 0..n {
            cases.push(case(
                &format!("{phase}-{i}"),
                phase,
                Some((1_000, 9_000, 5_000 + i)),
                100,
            ));
        }
    }
    let table = savings_table(
        &cases,
        &by_phase(&cases),
        &settings(PrivacyThresholds::DEFAULT),
        &[],
    )
    .unwrap();
    let reasons: Vec<_> = table.rows.iter().map(|r| r.suppressed).collect();
    assert_eq!(
        reasons,
        [
            None,
            Some(Suppression::SmallCell),
            Some(Suppression::Secondary),
            None
        ]
    );
}

#[test]
fn dominated_euro_totals_are_suppressed() {
    let mut cases: Vec<Case> = (0..12)
        .map(|i| case(&format!("s{i}"), "1", Some((0, 1_100, 1_000)), 0))
        .collect();
    cases.extend((0..20).map(|i| case(&format!("t{i}"), "2", Some((0, 2_000, 1_000)), 0)));
    cases.extend((0..20).map(|i| case(&format!("u{i}"), "3", Some((0, 2_000, 1_000)), 0)));
    // Two huge savings dominate phase 1.
    cases[0].costs.threatened = Some(Cents::from_euros(500_000));
    cases[1].costs.threatened = Some(Cents::from_euros(400_000));
    let table = savings_table(
        &cases,
        &by_phase(&cases),
        &settings(PrivacyThresholds::DEFAULT),
        &[],
    )
    .unwrap();
    assert_eq!(table.rows[0].suppressed, Some(Suppression::Dominance));
    assert_eq!(
        table
            .rows
            .iter()
            .filter(|r| r.suppressed == Some(Suppression::Secondary))
            .count(),
        1
    );
}

#[test]
fn financier_cells_protect_both_margins() {
    let mut cases = Vec::new();
    for i in 0..40 {
        let mut c = case(
            &format!("c{i}"),
            if i < 20 { "1" } else { "2" },
            Some((0, 3_000, 1_000)),
            0,
        );
        c.savings_by_financier[0] = Some(Cents::from_euros(1_500));
        c.savings_by_financier[1] = Some(Cents::from_euros(500));
        cases.push(c);
    }
    // Three cases give the insurer a share: a small cell in each phase.
    for c in cases.iter_mut().take(3) {
        c.savings_by_financier[3] = Some(Cents::from_euros(100));
        c.savings_by_financier[0] = Some(Cents::from_euros(1_400));
    }
    let rows = financier_table(&cases, Some(&by_phase(&cases)), &PrivacyThresholds::DEFAULT);
    let phase1_insurer = rows
        .iter()
        .find(|r| r.keys == ["1", "zorgverzekeraar"])
        .unwrap();
    assert_eq!(phase1_insurer.suppressed, Some(Suppression::SmallCell));
    // Within each phase, and within each financier across phases: never one lone
    // suppressed cell, which the published margin total would give away.
    let phase_margins =
        ["1", "2"].map(|p| rows.iter().filter(|r| r.keys[0] == p).collect::<Vec<_>>());
    let financier_margins = maatpact_core::Financier::ALL
        .map(|f| rows.iter().filter(|r| r.financier == f).collect::<Vec<_>>());
    for margin_rows in phase_margins.iter().chain(&financier_margins) {
        let n = margin_rows
            .iter()
            .filter(|r| r.suppressed.is_some())
            .count();
        assert!(n != 1, "{margin_rows:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// When each case is in exactly one group, the group totals add up to the overall total.
    #[test]
    fn partition_totals_add_up(
        figures in prop::collection::vec((0usize..5, 0i64..200_000, 0i64..200_000, any::<bool>()), 1..80),
    ) {
        let cases: Vec<Case> = figures
            .iter()
            .enumerate()
            .map(|(i, &(group, threatened, tailored, has_kba))| {
                let costs = has_kba.then_some((0, threatened, tailored));
                case(&i.to_string(), &group.to_string(), costs, 10)
            })
            .collect();
        let table = savings_table(&cases, &by_phase(&cases), &settings(NO_SUPPRESSION), &[]).unwrap();
        let overall: Cents = cases.iter().filter_map(|c| c.costs.savings()).sum();
        let sum: Cents = table.rows.iter().map(|r| r.savings_total).sum();
        prop_assert_eq!(sum, overall);
        let n: usize = table.rows.iter().map(|r| r.n_cases).sum();
        prop_assert_eq!(n, cases.len());
    }
}
