//! Nine attacks an outsider made on published folders of an earlier version, each with the
//! fixture that reproduced it (`tests/data/attacks/`, see its README for what the earlier
//! folders gave away), and two on the tables of who pays and who gains and the funnel, on
//! synthetic programmes with payers, and one on selections published side by side. Each test runs the pipeline on the fixture, checks that the folder
//! passes `maatpact audit`, and runs the attack on the folder, as an outsider would, with
//! nothing but its files: it must no longer recover anything.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use maatpact_core::{Case, ClusterAlgorithm, ClusterParams, PrivacyThresholds};
use maatpact_pipeline::{
    Attribution, LoadSettings, RunSettings, Silent, audit_folder, render::format::Lang, run,
};
use maatpact_tests::{fixture, load_default};

const SMALL: std::ops::RangeInclusive<f64> = 1.0..=9.0;

/// A published folder, read as an outsider reads it.
struct Published {
    dir: PathBuf,
}

type Row = BTreeMap<String, String>;

impl Published {
    fn table(&self, name: &str) -> Vec<Row> {
        let path = self.dir.join(name);
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            return Vec::new();
        };
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let record = r.unwrap();
                headers
                    .iter()
                    .map(str::to_owned)
                    .zip(record.iter().map(str::to_owned))
                    .collect()
            })
            .collect()
    }

    fn summary(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.dir.join("summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// A published number: `None` when hidden (`.`) or empty.
fn num(row: &Row, column: &str) -> Option<f64> {
    row.get(column)
        .filter(|v| *v != "." && !v.is_empty())
        .map(|v| v.parse().unwrap())
}

/// One fixture, run as `maatpact run FIXTURE --internal DIR` would: the published folder,
/// the cases (the truth, which only the test knows) and each case's cluster (from the
/// internal folder).
struct Attacked {
    _dir: tempfile::TempDir,
    /// The folder of a generated input, removed with the attack.
    _input: Option<tempfile::TempDir>,
    published: Published,
    cases: Vec<Case>,
    cluster_of: HashMap<String, usize>,
}

fn run_fixture(name: &str, algorithm: ClusterAlgorithm) -> Attacked {
    run_input(fixture(&format!("attacks/{name}.csv")), name, algorithm)
}

fn run_input(input: PathBuf, name: &str, algorithm: ClusterAlgorithm) -> Attacked {
    let dir = tempfile::tempdir().unwrap();
    let settings = RunSettings {
        input: input.clone(),
        out: dir.path().join("out"),
        load: LoadSettings::default(),
        mining: Default::default(),
        rules: Default::default(),
        cluster: ClusterParams {
            algorithm: algorithm.into(),
            bootstrap_resamples: 30,
            ..ClusterParams::default()
        },
        bootstrap_resamples: 100,
        attribution: Attribution::Count,
        lang: Lang::Nl,
        allow_weak_disclosure: false,
        internal: Some(dir.path().join("internal")),
        confirm: false,
        outlook: Default::default(),
    };
    run(&settings, &Silent).unwrap();
    let outcome = audit_folder(&settings.out, &PrivacyThresholds::DEFAULT).unwrap();
    assert!(outcome.passed(), "{name}: {}", outcome.to_text());
    let internal = Published {
        dir: dir.path().join("internal"),
    };
    let cluster_of = internal
        .table("assignments.csv")
        .into_iter()
        .map(|r| (r["case_id"].clone(), r["cluster"].parse().unwrap()))
        .collect();
    Attacked {
        published: Published {
            dir: settings.out.clone(),
        },
        cases: load_default(&input).cases,
        cluster_of,
        _dir: dir,
        _input: None,
    }
}

/// Attack 1: `data_quality.csv` was per-record data, and `summary.json`'s warnings minus
/// the published counts gave a hidden count.
#[test]
fn attack_1_data_quality_holds_no_row_and_no_lone_hidden_count() {
    let attacked = run_fixture("data_quality", ClusterAlgorithm::Lca);
    let rows = attacked.published.table("data_quality.csv");
    assert!(!rows.is_empty());
    for forbidden in ["row", "case_id", "value", "file", "column"] {
        assert!(
            !rows[0].contains_key(forbidden),
            "data_quality.csv has `{forbidden}`"
        );
    }
    let warnings: Vec<&Row> = rows.iter().filter(|r| r["severity"] == "warning").collect();
    let hidden = warnings
        .iter()
        .filter(|r| num(r, "n_findings").is_none())
        .count();
    let total = attacked.published.summary()["n_warnings"].as_f64();
    assert!(
        total.is_none() || hidden != 1,
        "n_warnings minus the published counts gives the hidden one"
    );
}

/// Attack 2: `assignments.csv` (case id → cluster, distance, probabilities) was published.
#[test]
fn attack_2_no_published_file_holds_a_case_id() {
    let attacked = run_fixture("case_ids", ClusterAlgorithm::Lca);
    let ids: Vec<&str> = attacked.cases.iter().map(|c| c.case_id.as_str()).collect();
    for path in files_under(&attacked.published.dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for id in &ids {
            assert!(!text.contains(id), "{} holds case id {id}", path.display());
        }
    }
    assert!(!attacked.published.dir.join("assignments.csv").exists());
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Attack 3: Overall minus a tag's row gave the households without the tag; an owner level minus
/// its published bottlenecks gave a hidden bottleneck (no household had two of them).
#[test]
fn attack_3_multi_membership_rows_leave_no_small_complement_or_lone_bottleneck() {
    let attacked = run_fixture("multi_membership", ClusterAlgorithm::Lca);
    let p = &attacked.published;
    let overall = &p.table("savings_overall.csv")[0];
    for tag in p.table("savings_per_tag.csv") {
        if let (Some(all), Some(with)) = (num(overall, "n_cases"), num(&tag, "n_cases")) {
            assert!(
                !SMALL.contains(&(all - with)),
                "without {}: {}",
                tag["tag"],
                all - with
            );
        }
    }
    let bottlenecks = p.table("savings_per_bottleneck.csv");
    for owner in p.table("savings_per_owner_level.csv") {
        let level = &owner["owner_level"];
        let members: Vec<&Row> = bottlenecks
            .iter()
            .filter(|b| &b["owner_level"] == level)
            .collect();
        let hidden: Vec<&&Row> = members
            .iter()
            .filter(|b| num(b, "n_cases").is_none())
            .collect();
        let Some(total) = num(&owner, "n_cases") else {
            continue;
        };
        if hidden.len() != 1 {
            continue;
        }
        // Assuming no household has two bottlenecks of the level, as an outsider may.
        let published: f64 = members.iter().filter_map(|b| num(b, "n_cases")).sum();
        let target = &hidden[0]["bottleneck"];
        let truth = attacked
            .cases
            .iter()
            .filter(|c| c.bottlenecks.iter().any(|&b| bottleneck_id(b) == *target))
            .count() as f64;
        assert_ne!(
            total - published,
            truth,
            "owner {level} gives bottleneck {target}"
        );
    }
}

/// Attack 3′: tags that never occur together (their pairs published as 0) split the
/// households, so overall minus their rows gave the households with none of them.
#[test]
fn attack_3b_pairwise_disjoint_tags_leave_no_small_remainder() {
    let attacked = run_fixture("multi_membership_disjoint_tags", ClusterAlgorithm::Lca);
    let p = &attacked.published;
    let overall = &p.table("savings_overall.csv")[0];
    let counts: BTreeMap<String, f64> = p
        .table("tags.csv")
        .iter()
        .filter_map(|r| Some((r["tag"].clone(), num(r, "n_cases")?)))
        .collect();
    let never_together: BTreeSet<(String, String)> = p
        .table("cooccurrence.csv")
        .iter()
        .filter(|r| num(r, "count") == Some(0.0))
        .map(|r| (r["tag_a"].clone(), r["tag_b"].clone()))
        .collect();
    let disjoint = |a: &String, b: &String| {
        never_together.contains(&(a.clone(), b.clone()))
            || never_together.contains(&(b.clone(), a.clone()))
    };
    let tags: Vec<&String> = counts.keys().collect();
    let all = num(overall, "n_cases").unwrap();
    // Every set of two or three pairwise disjoint published tags.
    for (i, a) in tags.iter().enumerate() {
        for (j, b) in tags.iter().enumerate().skip(i + 1) {
            if !disjoint(a, b) {
                continue;
            }
            let pair = all - counts[*a] - counts[*b];
            assert!(!SMALL.contains(&pair), "without {a}, {b}: {pair}");
            for c in tags.iter().skip(j + 1) {
                if disjoint(a, c) && disjoint(b, c) {
                    let rest = pair - counts[*c];
                    assert!(!SMALL.contains(&rest), "without {a}, {b}, {c}: {rest}");
                }
            }
        }
    }
}

fn bottleneck_id(id: maatpact_core::BottleneckId) -> String {
    maatpact_core::Config::default()
        .catalogue
        .get(id)
        .id
        .clone()
}

/// Attack 4: Each table was suppressed on its own: one cluster's phases added up to its hidden
/// total, and overall minus the published clusters gave cluster 0; `summary.json` printed
/// its size.
#[test]
fn attack_4_clusters_cannot_be_completed_from_other_tables() {
    let attacked = run_fixture("cluster_zero", ClusterAlgorithm::Dbscan);
    let p = &attacked.published;
    let cross = p.table("savings_per_cluster_phase.csv");
    let mut unknown = BTreeSet::new();
    for row in p.table("savings_per_cluster.csv") {
        if num(&row, "n_cases").is_some() {
            continue;
        }
        let cells: Vec<&Row> = cross
            .iter()
            .filter(|x| x["cluster"] == row["cluster"])
            .collect();
        let from_phases = !cells.is_empty() && cells.iter().all(|x| num(x, "n_cases").is_some());
        if !from_phases {
            unknown.insert(row["cluster"].clone());
        }
    }
    // The subtraction needs the overall count (hidden, and then `audit` checks every
    // other way to it).
    let overall = p.table("savings_overall.csv");
    if num(&overall[0], "n_cases").is_some() {
        assert_ne!(
            unknown.len(),
            1,
            "overall minus the rest gives cluster {unknown:?}"
        );
    }
    let n_in_no_cluster = &p.summary()["n_in_no_cluster"];
    let size_zero = attacked.cluster_of.values().filter(|&&c| c == 0).count();
    if (1..10).contains(&size_zero) {
        assert!(
            n_in_no_cluster.is_null(),
            "summary.json gives {n_in_no_cluster}"
        );
    }
}

/// Attack 5: A cluster's size minus a published count of a tag in it gave 1 to 9 households.
#[test]
fn attack_5_cluster_sizes_minus_tag_counts_are_never_small() {
    let attacked = run_fixture("cluster_profile", ClusterAlgorithm::Lca);
    let p = &attacked.published;
    let mut sizes: HashMap<String, f64> = HashMap::new();
    for row in p.table("clusters.csv") {
        if let Some(size) = num(&row, "size") {
            sizes.insert(row["cluster"].clone(), size);
        }
    }
    for row in p.table("savings_per_cluster.csv") {
        if let Some(size) = num(&row, "n_cases") {
            sizes.insert(row["cluster"].clone(), size);
        }
    }
    for row in p.table("cluster_profiles.csv") {
        if let (Some(size), Some(count)) = (sizes.get(&row["cluster"]), num(&row, "count")) {
            assert!(!SMALL.contains(&(size - count)), "{row:?}");
        }
    }
}

/// Every count of a set of tags an outsider can read or recompute: tag totals, pairs,
/// itemsets, and from rules count(A ∪ B) and count(A) = count / confidence.
fn tag_set_counts(p: &Published) -> BTreeMap<BTreeSet<String>, f64> {
    let mut known = BTreeMap::new();
    let set = |text: &str| text.split('+').map(str::to_owned).collect::<BTreeSet<_>>();
    for row in p.table("itemsets.csv") {
        known.insert(set(&row["itemset"]), num(&row, "count").unwrap());
    }
    for row in p.table("tags.csv") {
        if let Some(n) = num(&row, "n_cases") {
            known.insert(set(&row["tag"]), n);
        }
    }
    for row in p.table("cooccurrence.csv") {
        if let Some(n) = num(&row, "count") {
            known.insert([row["tag_a"].clone(), row["tag_b"].clone()].into(), n);
        }
    }
    for row in p.table("rules.csv") {
        let (a, b) = (set(&row["antecedent"]), set(&row["consequent"]));
        let count = num(&row, "count").unwrap();
        known.insert(a.union(&b).cloned().collect(), count);
        if let Some(confidence) = num(&row, "confidence").filter(|c| *c > 0.0) {
            known.entry(a).or_insert((count / confidence).round());
        }
    }
    known
}

/// Attack 6: Nested itemsets: count(A) − count(A + b) was 1 to 9 households.
#[test]
fn attack_6_nested_tag_sets_differ_by_zero_or_at_least_ten() {
    let attacked = run_fixture("nested_itemsets", ClusterAlgorithm::Lca);
    let known = tag_set_counts(&attacked.published);
    let n = num(
        &attacked.published.table("savings_overall.csv")[0],
        "n_cases",
    )
    .unwrap();
    for (a, count_a) in &known {
        assert!(
            !SMALL.contains(&(n - count_a)),
            "households without all of {a:?}"
        );
        for (b, count_b) in &known {
            if a.len() < b.len() && a.is_subset(b) {
                assert!(!SMALL.contains(&(count_a - count_b)), "{a:?} − {b:?}");
            }
        }
    }
}

/// Attack 7: Dominance was tested on savings only: a municipality's dreigend, 87% two households,
/// was published.
#[test]
fn attack_7_every_amount_is_tested_for_dominance() {
    let attacked = run_fixture("dominated_costs", ClusterAlgorithm::Lca);
    let thresholds = PrivacyThresholds::DEFAULT;
    let mut dominated = 0;
    for row in attacked.published.table("savings_per_municipality.csv") {
        let contributions: Vec<i64> = attacked
            .cases
            .iter()
            .filter(|c| c.municipality.as_deref() == Some(&row["municipality"]))
            .filter(|c| c.costs.is_complete())
            .filter_map(|c| c.costs.threatened.map(|t| t.0))
            .collect();
        if maatpact_core::is_dominated(&contributions, &thresholds) {
            dominated += 1;
            assert!(num(&row, "cost_threatened_total").is_none(), "{row:?}");
        }
    }
    assert!(dominated > 0, "the fixture has a dominated municipality");
}

/// Attack 8: The weak-threshold check was inverted for `dominance_n`: 1 (weaker) ran without
/// `--allow-weak-disclosure`, 3 (stricter) was refused. (The command line is tested in
/// `crates/maatpact-cli/tests/run.rs` with `tests/data/attacks/dominance_n_1.toml`.)
#[test]
fn attack_8_a_smaller_dominance_n_is_weaker_and_a_larger_one_stricter() {
    let text = std::fs::read_to_string(fixture("attacks/dominance_n_1.toml")).unwrap();
    let config = maatpact_core::Config::default()
        .with_overrides(&text, "dominance_n_1.toml")
        .unwrap();
    assert!(config.privacy.weaker_than_default());
    let stricter = PrivacyThresholds {
        dominance_n: 3,
        ..PrivacyThresholds::DEFAULT
    };
    assert!(!stricter.weaker_than_default());
}

/// Attack 9: Empty cells counted as protection: a cluster's total minus its published phases gave a
/// small hidden cell whose only partner was an empty one.
#[test]
fn attack_9_a_margin_never_reveals_a_small_cell_through_empty_partners() {
    let attacked = run_fixture("empty_partner", ClusterAlgorithm::Lca);
    let p = &attacked.published;
    let cross = p.table("savings_per_cluster_phase.csv");
    let margins: Vec<(String, String, Row)> = p
        .table("savings_per_cluster.csv")
        .into_iter()
        .map(|r| ("cluster".to_owned(), r["cluster"].clone(), r))
        .chain(
            p.table("savings_per_phase.csv")
                .into_iter()
                .map(|r| ("phase".to_owned(), r["phase"].clone(), r)),
        )
        .collect();
    for (column, value, total) in margins {
        let Some(total) = num(&total, "n_cases") else {
            continue;
        };
        let cells: Vec<&Row> = cross.iter().filter(|x| x[&column] == value).collect();
        let published: f64 = cells.iter().filter_map(|x| num(x, "n_cases")).sum();
        let hidden = total - published;
        assert!(
            !SMALL.contains(&hidden),
            "{column} {value}: its hidden cells hold {hidden} households"
        );
    }
}

/// A synthetic programme with payers and shares per financier: every table of who pays and
/// who gains, and the funnel, are published.
fn run_with_payers(cases: usize, seed: u64) -> Attacked {
    let config = maatpact_core::Config::default();
    let params = maatpact_core::SynthParams {
        n_cases: Some(cases),
        ..maatpact_core::SynthParams::new(maatpact_core::Preset::Maatpact, seed)
    };
    let synthetic = maatpact_core::synthesize(&params, &config).unwrap();
    let ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    let bytes = maatpact_pipeline::cases_to_csv(
        &synthetic.cases,
        &synthetic.vocabulary,
        &ids,
        maatpact_pipeline::CaseFileStyle::Plain,
    )
    .unwrap();
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("cases.csv");
    std::fs::write(&path, bytes).unwrap();
    Attacked {
        _input: Some(input),
        ..run_input(path, "payers", ClusterAlgorithm::Lca)
    }
}

/// Attack 10 (new tables): a financier's shown total minus the shown cells of one partition
/// of it (clusters, phases, budget categories, payers) would give a lone hidden cell.
#[test]
fn attack_10_no_partition_of_a_financier_leaves_one_hidden_cell() {
    for (cases, seed) in [(121, 42), (300, 7)] {
        let attacked = run_with_payers(cases, seed);
        let p = &attacked.published;
        let totals: BTreeMap<String, Option<f64>> = p
            .table("savings_per_financier.csv")
            .iter()
            .map(|r| (r["financier"].clone(), num(r, "savings_total")))
            .collect();
        for (file, part) in [
            ("savings_per_cluster_financier.csv", "cluster"),
            ("savings_per_phase_financier.csv", "phase"),
            (
                "savings_per_budget_category_financier.csv",
                "budget_category",
            ),
            ("savings_per_payer_financier.csv", "payer"),
        ] {
            let rows = p.table(file);
            assert!(!rows.is_empty(), "{file}");
            for (financier, total) in &totals {
                if total.is_none() {
                    continue;
                }
                let hidden: Vec<&String> = rows
                    .iter()
                    .filter(|r| &r["financier"] == financier && num(r, "savings_total").is_none())
                    .map(|r| &r[part])
                    .collect();
                assert_ne!(hidden.len(), 1, "{cases}: {file}, {financier}: {hidden:?}");
            }
        }
    }
}

/// Attack 11 (new tables): the funnel's phases under a shown total: a lone hidden phase
/// would be recovered, and so would a stage that differs from the one before by 1 to 9.
#[test]
fn attack_11_the_funnel_gives_away_no_phase_and_no_small_step() {
    for (cases, seed) in [(121, 42), (300, 7)] {
        let attacked = run_with_payers(cases, seed);
        let funnel = attacked.published.table("funnel.csv");
        let all = funnel.iter().find(|r| r["phase"] == "all").unwrap();
        for stage in ["with_plan", "executed"] {
            if num(all, stage).is_none() {
                continue;
            }
            let hidden = funnel
                .iter()
                .filter(|r| r["phase"] != "all" && num(r, stage).is_none())
                .count();
            assert_ne!(hidden, 1, "{cases}: {stage}");
        }
        for row in &funnel {
            let steps = [("registered", "with_plan"), ("with_plan", "executed")];
            for (outer, inner) in steps {
                if let (Some(a), Some(b)) = (num(row, outer), num(row, inner)) {
                    assert!(
                        !SMALL.contains(&(a - b)),
                        "{cases}: {row:?} {outer} − {inner}"
                    );
                }
            }
        }
    }
}

/// The values a household has for a field, as `--where` names them (`unknown`: not recorded).
fn selectable_value(case: &Case, field: &str) -> String {
    let text = match field {
        "phase" => case.phase.clone(),
        "municipality" => case.municipality.clone(),
        "budget_category" => case.budget_category.clone(),
        "executed" => case
            .executed
            .map(|e| if e { "yes" } else { "no" }.to_owned()),
        other => panic!("{other}"),
    };
    text.unwrap_or_else(|| "unknown".into())
}

/// Attack 12 (selections): each `--where` folder was protected on its own, so two published
/// side by side subtracted: `gemeente=A,B` minus `gemeente=A` gave the households of B, and
/// a run on all minus `fase=1` minus `fase=2` those without a phase. Here every selection
/// `--where` allows, on one field or two (each field one or two values), is set against
/// every other on the same fields and a run on all, as their summary.json's household
/// counts would be: no nested pair and no two disjoint ones leave 1 to 9 households.
#[test]
fn attack_12_selections_side_by_side_never_subtract_to_a_few_households() {
    let config = maatpact_core::Config::default();
    let (mut tried, mut published) = (0, 0);
    for (n, seed) in [(51, 3), (121, 42), (300, 7)] {
        let params = maatpact_core::SynthParams {
            n_cases: Some(n),
            ..maatpact_core::SynthParams::new(maatpact_core::Preset::Maatpact, seed)
        };
        let cases = maatpact_core::synthesize(&params, &config).unwrap().cases;
        let fields: [&[&str]; 6] = [
            &["phase"],
            &["municipality"],
            &["executed"],
            &["budget_category"],
            &["phase", "municipality"],
            &["phase", "executed"],
        ];
        for fields in fields {
            // Each field's conditions: one value, or two.
            let conditions: Vec<Vec<String>> = fields
                .iter()
                .map(|field| {
                    let values: BTreeSet<String> =
                        cases.iter().map(|c| selectable_value(c, field)).collect();
                    let values: Vec<&String> = values.iter().collect();
                    let mut out: Vec<String> =
                        values.iter().map(|v| format!("{field}={v}")).collect();
                    for (i, a) in values.iter().enumerate() {
                        for b in &values[i + 1..] {
                            out.push(format!("{field}={a},{b}"));
                        }
                    }
                    out
                })
                .collect();
            let mut selections = vec![maatpact_core::Selection::default()];
            for options in &conditions {
                selections = selections
                    .iter()
                    .flat_map(|s| options.iter().map(|c| s.clone().with(c.parse().unwrap())))
                    .collect();
            }
            let allowed: Vec<(String, BTreeSet<String>)> = selections
                .iter()
                .filter_map(|s| {
                    tried += 1;
                    let kept = s.select(cases.clone(), 10).ok()?;
                    Some((s.to_string(), kept.into_iter().map(|c| c.case_id).collect()))
                })
                .collect();
            published += allowed.len();
            let all: BTreeSet<String> = cases.iter().map(|c| c.case_id.clone()).collect();
            let all = ("all".to_owned(), all);
            let with_all: Vec<&(String, BTreeSet<String>)> = allowed.iter().chain([&all]).collect();
            for (name_a, a) in &with_all {
                for (name_b, b) in &with_all {
                    if b.is_subset(a) {
                        let left = (a.len() - b.len()) as f64;
                        assert!(!SMALL.contains(&left), "{n}: {name_a} − {name_b}");
                    }
                    if a.is_disjoint(b) && name_a < name_b {
                        let left = (cases.len() - a.len() - b.len()) as f64;
                        assert!(!SMALL.contains(&left), "{n}: all − {name_a} − {name_b}");
                    }
                }
            }
        }
    }
    // Not vacuous: many selections tried, and many allowed to be set against each other.
    assert!(
        tried > 600 && published > 30,
        "{tried} tried, {published} allowed"
    );
}
