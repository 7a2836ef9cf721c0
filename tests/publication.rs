//! The publication as an outsider reads it: every folder passes `maatpact audit`, and what
//! it shows is what the typed publication holds.

use std::collections::BTreeMap;
use std::path::Path;

use maatpact_core::publication::{Attribution, FigureSettings, RowKey};
use maatpact_core::{
    Case, Cents, ClusterParams, Config, MiningParams, Preset, RuleParams, SynthParams, TagId,
    cluster, synthesize,
};
use maatpact_pipeline::publish::{Publication, Sources, csv};
use maatpact_pipeline::{audit_folder, mine_tables, publish, tag_matrix};
use proptest::prelude::*;

/// Publishes cases as `run` does (every table, clusters by latent class analysis with a
/// light bootstrap), and writes the CSV files into `dir`.
fn publish_into(cases: &[Case], vocabulary: &maatpact_core::Vocabulary, dir: &Path) -> Publication {
    let config = Config::default();
    let matrix = tag_matrix(cases, vocabulary);
    let params = ClusterParams {
        bootstrap_resamples: 20,
        ..ClusterParams::default()
    }
    .check()
    .unwrap();
    let result = cluster(&matrix, &params, &config.cocktails, vocabulary).unwrap();
    let mined = mine_tables(
        &matrix,
        &config,
        &MiningParams::default(),
        &RuleParams::default(),
    )
    .unwrap();
    let publication = publish(&Sources {
        cases,
        config: &config,
        vocabulary,
        clustering: Some(&result),
        mining: Some(&mined),
        issues: Some(&[]),
        savings: Some(FigureSettings {
            thresholds: config.privacy,
            bootstrap_resamples: 100,
            seed: 1,
            attribution: Attribution::Count,
        }),
    })
    .unwrap();
    for (name, bytes) in csv::files(&publication).unwrap() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    publication
}

fn assert_audit_passes(dir: &Path, what: &str) {
    let outcome = audit_folder(dir, &Config::default().privacy).unwrap();
    assert!(outcome.passed(), "{what}:\n{}", outcome.to_text());
    assert!(outcome.n_hidden > 0, "{what}: nothing hidden");
    assert_no_reason_published(dir);
}

/// A row's `suppressed` column says only that something is hidden: a reason would narrow
/// the hidden figure down (`small_cell`: 1 to 9 households).
fn assert_no_reason_published(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = ::csv::Reader::from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let Some(column) = headers.iter().position(|h| h == "suppressed") else {
            continue;
        };
        for record in reader.records() {
            let value = record.unwrap()[column].to_owned();
            assert!(
                value.is_empty() || value == "x",
                "{}: {value}",
                path.display()
            );
        }
    }
}

/// Synthetic programmes of the sizes real ones have pass the audit, on every seed.
#[test]
fn synthetic_programmes_of_60_to_150_households_pass_the_audit() {
    let config = Config::default();
    for n in [60, 100, 150] {
        for seed in 1..=4 {
            let synthetic = synthesize(
                &SynthParams {
                    n_cases: Some(n),
                    ..SynthParams::new(Preset::Maatpact, seed)
                },
                &config,
            )
            .unwrap();
            let dir = tempfile::tempdir().unwrap();
            publish_into(&synthetic.cases, &synthetic.vocabulary, dir.path());
            assert_audit_passes(dir.path(), &format!("{n} households, seed {seed}"));
        }
    }
}

/// What the folder shows of every savings row is exactly what the publication holds:
/// the CSV writer and the audit's reader agree on every file and column.
#[test]
fn the_folder_reads_back_as_the_publication() {
    let config = Config::default();
    let synthetic = synthesize(&SynthParams::new(Preset::Maatpact, 7), &config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let publication = publish_into(&synthetic.cases, &synthetic.vocabulary, dir.path());
    let read = csv::read_figures(dir.path()).unwrap();
    let rows: BTreeMap<RowKey, _> = read.rows.into_iter().map(|r| (r.key.clone(), r)).collect();
    let savings = publication.savings.as_ref().unwrap();
    let all = std::iter::once(&savings.overall)
        .chain(&savings.per_cluster)
        .chain(&savings.per_cluster_phase)
        .chain(&savings.per_phase)
        .chain(&savings.per_municipality)
        .chain(&savings.per_budget_category)
        .chain(&savings.per_bottleneck)
        .chain(&savings.per_owner_level)
        .chain(&savings.per_tag);
    let mut n_rows = 0;
    for row in all {
        let read = &rows[&row.group.key()];
        let count = |d: &maatpact_core::Disclosed<u64>| d.shown().map(|&n| n as f64);
        let euros = |d: &maatpact_core::Disclosed<Cents>| d.shown().map(|c| c.0 as f64);
        assert_eq!(read.counts[0], count(&row.n_cases), "{:?}", row.group);
        assert_eq!(read.counts[1], count(&row.n_with_kba), "{:?}", row.group);
        assert_eq!(read.amounts[3], euros(&row.savings), "{:?}", row.group);
        assert_eq!(
            read.amounts[1],
            euros(&row.cost_threatened),
            "{:?}",
            row.group
        );
        n_rows += 1;
    }
    assert!(n_rows > 50);
    // Cluster sizes in clusters.csv are the savings rows' counts: one unit, shown alike.
    for cluster in &publication.clustering.as_ref().unwrap().clusters {
        let read = &rows[&RowKey::Cluster(cluster.name.number)];
        assert_eq!(read.counts[0], cluster.size.shown().map(|&n| n as f64));
    }
}

/// Random small programmes: a handful of tags, phases, municipalities, bottlenecks and
/// financiers, with amounts of any size.
fn arbitrary_cases() -> impl Strategy<Value = Vec<Case>> {
    let case = (
        prop::collection::btree_set(0u32..8, 1..5),
        0u8..3,
        0u8..4,
        prop::option::of((0i64..50_000, 0i64..200_000, 0i64..150_000)),
        0i64..20_000,
        prop::collection::btree_set(0u32..5, 0..3),
        prop::collection::vec(prop::option::of(-5_000i64..50_000), 7),
    );
    prop::collection::vec(case, 30..90).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(
                |(i, (tags, phase, municipality, costs, spend, bottlenecks, shares))| {
                    let mut case =
                        Case::new(format!("P-{i:04}"), tags.into_iter().map(TagId).collect());
                    case.phase = Some(format!("{}", phase + 1));
                    case.municipality = Some(
                        ["Tilburg", "Dongen", "Goirle", "Oisterwijk"][municipality as usize].into(),
                    );
                    if let Some((current, threatened, tailored)) = costs {
                        case.costs.current = Some(Cents::from_euros(current));
                        case.costs.threatened = Some(Cents::from_euros(threatened));
                        case.costs.tailored = Some(Cents::from_euros(tailored));
                    }
                    case.breakthrough_spend = Some(Cents::from_euros(spend));
                    case.bottlenecks = bottlenecks
                        .into_iter()
                        .map(maatpact_core::BottleneckId)
                        .collect();
                    for (slot, share) in case.savings_by_financier.iter_mut().zip(shares) {
                        *slot = share.map(Cents::from_euros);
                    }
                    case
                },
            )
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// For random small inputs, `audit` finds no hidden figure whose interval is below its
    /// protection level, and no small group in sight.
    #[test]
    fn random_small_programmes_pass_the_audit(cases in arbitrary_cases()) {
        let config = Config::default();
        let dir = tempfile::tempdir().unwrap();
        publish_into(&cases, &config.vocabulary, dir.path());
        let outcome = audit_folder(dir.path(), &config.privacy).unwrap();
        prop_assert!(outcome.passed(), "{}", outcome.to_text());
    }
}
