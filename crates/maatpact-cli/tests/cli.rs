//! End-to-end tests of the `maatpact` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn maatpact(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maatpact"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The data rows of a CSV file the binary wrote.
fn csv_records(path: &Path) -> Vec<csv::StringRecord> {
    let text = std::fs::read_to_string(path).unwrap();
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn validate_accepts_the_samples() {
    for sample in ["data-sample/cases.csv", "data-sample/cases-excel-nl.csv"] {
        let output = maatpact(&["validate", sample]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(String::from_utf8_lossy(&output.stdout).contains("121 cases"));
    }
}

#[test]
fn validate_lists_every_problem_and_exits_2() {
    let output = maatpact(&[
        "validate",
        "tests/data/validate/satisfaction_out_of_range.csv",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("satisfaction_out_of_range.csv:2:satisfaction_start: error: satisfaction must be between 1 and 10 (0)"), "{text}");
    assert!(
        text.contains("satisfaction_out_of_range.csv:2:satisfaction_12m: error"),
        "{text}"
    );
}

#[test]
fn identifiers_are_refused_without_echoing_them() {
    let output = maatpact(&["validate", "tests/data/validate/bsn_in_text.csv"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("*****6782"), "{text}");
    assert!(!text.contains("123456782"), "{text}");
    assert!(text.contains("maatpact pseudonymise"), "{text}");
}

#[test]
fn synth_is_byte_identical_for_the_same_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for out in [&a, &b] {
        let output = maatpact(&[
            "synth",
            "--preset",
            "noise",
            "--cases",
            "500",
            "--seed",
            "7",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let other = dir.path().join("c.csv");
    maatpact(&[
        "synth",
        "--preset",
        "noise",
        "--cases",
        "500",
        "--seed",
        "8",
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&other).unwrap());
}

#[test]
fn pseudonymise_drops_identifiers_and_never_overwrites_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("raw.csv");
    let original = "clientnummer,Naam,geboortedatum,problemen,notitie\n1001,Jan Jansen,01-02-1980,wonen|schulden,bsn 123456782\n1002,Piet Pieters,03-04-1990,ggz,geen\n";
    std::fs::write(&input, original).unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "a-secret-key-of-enough-bytes\n").unwrap();
    let out = dir.path().join("pseudo.csv");
    let args = |out: &Path| {
        vec![
            "pseudonymise".to_owned(),
            input.to_str().unwrap().to_owned(),
            "--key-file".into(),
            key.to_str().unwrap().into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let run = |out: &Path| {
        let a = args(out);
        maatpact(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let output = run(&out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.starts_with("clientnummer,problemen,notitie\n"),
        "{written}"
    );
    assert!(!written.contains("Jansen") && !written.contains("1980") && !written.contains("1001,"));
    assert!(!written.contains("123456782"));
    // Stable for the same key.
    let again = dir.path().join("again.csv");
    run(&again);
    assert_eq!(written, std::fs::read_to_string(&again).unwrap());
    // The copy passes validation.
    let check = maatpact(&["validate", out.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    // Refuses to write over its input, which stays as it was.
    let refused = run(&input);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("never overwrites its input"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), original);
}

#[test]
fn bad_usage_exits_2() {
    let output = maatpact(&["validate"]);
    assert_eq!(output.status.code(), Some(2));
    let output = maatpact(&[
        "validate",
        "data-sample/cases.csv",
        "--decimal",
        "semicolon",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

fn write_cases(path: &Path, cases: &[maatpact_core::Case], config: &maatpact_core::Config) {
    let bottleneck_ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    let bytes = maatpact_pipeline::cases_to_csv(
        cases,
        &config.vocabulary,
        &bottleneck_ids,
        maatpact_pipeline::CaseFileStyle::Plain,
    )
    .unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn phase_cases(config: &maatpact_core::Config, phase: &str, seed: u64) -> Vec<maatpact_core::Case> {
    let synthetic = maatpact_core::synthesize(
        &maatpact_core::SynthParams {
            preset: maatpact_core::Preset::Maatpact,
            n_cases: Some(800),
            seed,
            planted: maatpact_core::PlantedParams::default(),
        },
        config,
    )
    .unwrap();
    synthetic
        .cases
        .into_iter()
        .map(|mut case| {
            case.case_id = format!("{phase}-{}", case.case_id);
            case.phase = Some(phase.to_owned());
            case
        })
        .collect()
}

/// Runs `compare --by phase` on the cases and returns compare.csv's rows and compare.html.
fn compare_phases(
    cases: &[maatpact_core::Case],
    config: &maatpact_core::Config,
) -> (Vec<csv::StringRecord>, String) {
    let (rows, html, _) = compare_phases_confirmed(cases, config);
    (rows, html)
}

/// As [`compare_phases`], with confirm.csv's rows too.
fn compare_phases_confirmed(
    cases: &[maatpact_core::Case],
    config: &maatpact_core::Config,
) -> (Vec<csv::StringRecord>, String, Vec<csv::StringRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("phases.csv");
    write_cases(&input, cases, config);
    let out = dir.path().join("compare");
    let output = maatpact(&[
        "compare",
        input.to_str().unwrap(),
        "--by",
        "phase",
        "--stability-resamples",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (
        csv_records(&out.join("compare.csv")),
        std::fs::read_to_string(out.join("compare.html")).unwrap(),
        csv_records(&out.join("confirm.csv")),
    )
}

/// The scenario: phase 2 keeps three cocktails and has schulden instead of
/// geen_uitkering in cocktail 4.
#[test]
fn compare_by_phase_confirms_three_cocktails_and_nuances_the_fourth() {
    let config = maatpact_core::Config::default();
    let tag = |id: &str| config.vocabulary.resolve(id).unwrap();
    let mut phase_two_config = config.clone();
    let mut changed = vec![tag("ggz"), tag("wonen"), tag("schulden")];
    changed.sort_unstable();
    phase_two_config.cocktails[3].tags = changed;
    let mut cases = phase_cases(&config, "1", 21);
    cases.extend(phase_cases(&phase_two_config, "2", 22));
    let (rows, _, confirmed) = compare_phases_confirmed(&cases, &config);
    // The reference cocktails, tested on each phase: all four hold in phase 1; in phase 2
    // cocktail 4 is held with schulden instead of geen uitkering.
    let verdict = |side: &str, id: &str| {
        confirmed
            .iter()
            .find(|r| r[0].ends_with(side) && &r[1] == id)
            .map(|r| (r[2].to_owned(), r[4].to_owned(), r[5].to_owned()))
            .unwrap()
    };
    for id in ["cocktail_1", "cocktail_2", "cocktail_3", "cocktail_4"] {
        assert_eq!(verdict("1", id).0, "confirmed", "{id}: {confirmed:?}");
    }
    assert_eq!(
        verdict("2", "cocktail_4"),
        ("nuanced".into(), "schulden".into(), "geen_uitkering".into()),
        "{confirmed:?}"
    );
    let text: Vec<String> = rows
        .iter()
        .map(|r| r.iter().collect::<Vec<_>>().join(","))
        .collect();
    let status = |r: &csv::StringRecord| r[0].to_owned();
    // A group defined by one problem (households with housing problems and nothing in
    // common besides) is no cocktail; in one phase it may be stable and in the other not.
    let is_cocktail = |r: &csv::StringRecord| r[3].contains('+') || r[4].contains('+');
    let (rows, rest): (Vec<_>, Vec<_>) = rows.into_iter().partition(is_cocktail);
    assert!(
        rest.iter().all(|r| r[0] == *"vanished" || r[0] == *"new"),
        "{text:#?}"
    );
    assert_eq!(rows.len(), 4, "{text:#?}");
    assert_eq!(
        rows.iter().filter(|r| status(r) == "confirmed").count(),
        3,
        "{text:#?}"
    );
    let nuanced: Vec<&csv::StringRecord> = rows.iter().filter(|r| status(r) == "nuanced").collect();
    assert_eq!(nuanced.len(), 1, "{text:#?}");
    // The tags added and removed (columns `added` and `removed`).
    assert_eq!(
        (&nuanced[0][5], &nuanced[0][6]),
        ("schulden", "geen_uitkering"),
        "{text:#?}"
    );
}

/// Two phases with the same households: every cocktail is confirmed, end to end.
#[test]
fn compare_by_phase_confirms_every_cocktail_of_identical_phases() {
    let config = maatpact_core::Config::default();
    let mut cases = phase_cases(&config, "1", 11);
    cases.extend(phase_cases(&config, "2", 11));
    let (rows, html) = compare_phases(&cases, &config);
    let statuses: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == "confirmed"), "{statuses:?}");
    assert!(html.contains("bevestigd") && html.contains("<svg"));
}

#[test]
fn screen_flags_cases_that_kept_their_whole_cocktail() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cluster");
    // The default clustering finds all four cocktails here, so the model holds each of them.
    let output = maatpact(&[
        "cluster",
        "data-sample/cases.csv",
        "--stability-resamples",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let model = out.join("model.json");
    let screened = dir.path().join("screen.csv");
    let output = maatpact(&[
        "screen",
        "data-sample/cases.csv",
        "--model",
        model.to_str().unwrap(),
        "--out",
        screened.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let config = maatpact_core::Config::default();
    let sample = maatpact_pipeline::load(
        &repo_root().join("data-sample/cases.csv"),
        &maatpact_pipeline::LoadSettings::default(),
    )
    .unwrap();
    let rows = csv_records(&screened);
    let flags: Vec<String> = rows.iter().map(|r| r[11].to_owned()).collect();
    // The graded score: the posterior of the most probable cocktail, flagged at 0.5, and a
    // sentence that names what is present and what is missing.
    for row in &rows {
        let score: f64 = row[3].parse().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert_eq!(&row[4], if score >= 0.5 { "ja" } else { "nee" });
        assert_eq!(row[5], row[3], "the score is the posterior");
        let present = row[9].split('+').filter(|t| !t.is_empty()).count();
        let missing = row[10].split('+').filter(|t| !t.is_empty()).count();
        let start = format!(
            "{present} van {} problemen van cocktail {}",
            present + missing,
            &row[1]
        );
        assert!(row[12].starts_with(&start), "{row:?}");
        assert_eq!(row[12].contains("ontbreekt"), missing > 0, "{row:?}");
    }
    check_published_profiles(&out);
    let mut checked = 0;
    for (case, flag) in sample.cases.iter().zip(&flags) {
        let Some(cocktail) = config
            .cocktails
            .iter()
            .find(|c| case.true_cluster.as_deref() == Some(c.id.as_str()))
        else {
            continue;
        };
        if cocktail.tags.iter().all(|t| case.has_tag(*t)) {
            assert_eq!(flag, "ja", "{} kept all of {}", case.case_id, cocktail.id);
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

/// model.json's class profiles hold only what cluster_profiles.csv and clusters.csv show:
/// a count there is the same count here, and a hidden one is null.
fn check_published_profiles(folder: &std::path::Path) {
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("model.json")).unwrap()).unwrap();
    let tags: Vec<String> = model["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let mut reader = csv::Reader::from_path(folder.join("cluster_profiles.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (cluster, tag, count) = (column("cluster"), column("tag"), column("count"));
    let mut checked = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let number: u64 = record[cluster].parse().unwrap();
        let profile = if number == 0 {
            &model["unclustered"]
        } else {
            let cocktail = model["cocktails"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["cluster"] == number)
                .unwrap();
            &cocktail["profile"]
        };
        let position = tags.iter().position(|t| t == &record[tag]).unwrap();
        let in_model = &profile["tag_counts"][position];
        match &record[count] {
            "." => assert!(in_model.is_null(), "{record:?}"),
            shown => assert_eq!(
                in_model.as_u64(),
                Some(shown.parse().unwrap()),
                "{record:?}"
            ),
        }
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn screen_checks_its_threshold() {
    let output = maatpact(&[
        "screen",
        "data-sample/cases.csv",
        "--model",
        "notebooks-output/model.json",
        "--threshold",
        "1.5",
        "--out",
        "/dev/null",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--threshold"));
}

#[test]
fn a_model_of_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    std::fs::write(&model, "{\"format_version\": 99, \"anything\": true}").unwrap();
    let output = maatpact(&[
        "screen",
        "data-sample/cases.csv",
        "--model",
        model.to_str().unwrap(),
        "--out",
        dir.path().join("s.csv").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("format version 99"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("s.csv").exists());
}

#[test]
fn dbscan_noise_is_cluster_0_and_no_row_of_clusters_csv() {
    let dir = tempfile::tempdir().unwrap();
    let output = maatpact(&[
        "cluster",
        "data-sample/cases.csv",
        "--algorithm",
        "dbscan",
        "--stability-resamples",
        "10",
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--internal",
        dir.path().join("internal").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!dir.path().join("out/assignments.csv").exists());
    let clusters = csv_records(&dir.path().join("out/clusters.csv"));
    let numbers: Vec<String> = clusters.iter().map(|r| r[0].to_owned()).collect();
    let expected: Vec<String> = (1..=clusters.len()).map(|c| c.to_string()).collect();
    assert_eq!(numbers, expected);
    assert!(clusters.iter().all(|r| !r[2].is_empty()), "{clusters:?}");
    let noise = csv_records(&dir.path().join("internal/assignments.csv"))
        .iter()
        .filter(|r| &r[1] == "0")
        .count();
    assert!(noise > 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("{noise} cases in no cluster")),
        "{stdout}"
    );
}

#[test]
fn compare_leaves_out_the_households_in_no_cluster() {
    // Phase 2 of the sample has a group of households in no cluster; it is no cocktail, so it
    // is never reported as a new (or vanished) one.
    let dir = tempfile::tempdir().unwrap();
    let output = maatpact(&[
        "compare",
        "data-sample/cases.csv",
        "--by",
        "phase",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = csv_records(&dir.path().join("compare.csv"));
    assert!(!rows.is_empty());
    for row in &rows {
        let tags = if &row[0] == "new" { &row[4] } else { &row[3] };
        assert!(!tags.is_empty(), "{row:?}");
    }
}

/// `mine` reads only the case ids and the problems: a bad amount does not stop it (that is
/// `validate`'s and `run`'s to refuse), but a BSN in any column still does, and a short row
/// still does.
#[test]
fn mine_reads_only_its_columns_but_refuses_personal_data_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(repo_root().join("data-sample/cases.csv")).unwrap();
    let mut lines: Vec<String> = sample.lines().map(str::to_owned).collect();
    // Row 2: cost_current (column 6) becomes text.
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[5] = "veel".into();
    lines[1] = cells.join(",");
    let bad_amount = dir.path().join("bad_amount.csv");
    std::fs::write(&bad_amount, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    let mined = maatpact(&[
        "mine",
        bad_amount.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(mined.status.code(), Some(0), "{}", stderr(&mined));
    let validated = maatpact(&["validate", bad_amount.to_str().unwrap()]);
    assert_eq!(validated.status.code(), Some(2), "{}", stderr(&validated));

    // Row 3: a BSN in the budget category, a column mining does not read.
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[9] = "123456782".into();
    lines[2] = cells.join(",");
    let with_bsn = dir.path().join("with_bsn.csv");
    std::fs::write(&with_bsn, lines.join("\n") + "\n").unwrap();
    let refused = maatpact(&[
        "mine",
        with_bsn.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let text = stderr(&refused);
    assert!(
        text.contains("*****6782") && !text.contains("123456782"),
        "{text}"
    );
}

/// `cluster --confirm` on the sample confirms the four reference cocktails and writes
/// confirm.csv beside the clusters; on noise it confirms none.
#[test]
fn cluster_confirm_judges_each_reference_cocktail() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = maatpact(&[
        "cluster",
        "data-sample/cases.csv",
        "--confirm",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = csv_records(&out.join("confirm.csv"));
    let statuses: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0], &r[1])).collect();
    assert_eq!(
        statuses,
        [
            ("cocktail_1", "confirmed"),
            ("cocktail_2", "confirmed"),
            ("cocktail_3", "confirmed"),
            ("cocktail_4", "confirmed")
        ]
    );
    let noise = dir.path().join("noise.csv");
    let synth = maatpact(&[
        "synth",
        "--preset",
        "noise",
        "--cases",
        "51",
        "--seed",
        "1",
        "--out",
        noise.to_str().unwrap(),
    ]);
    assert_eq!(synth.status.code(), Some(0), "{}", stderr(&synth));
    let noise_out = dir.path().join("noise-out");
    let output = maatpact(&[
        "cluster",
        noise.to_str().unwrap(),
        "--confirm",
        "--out",
        noise_out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = csv_records(&noise_out.join("confirm.csv"));
    assert!(rows.iter().all(|r| &r[1] == "not_supported"), "{rows:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("too few households"));
}

/// `bench --screen` writes precision and recall per threshold and a calibration table, and
/// a recall can only fall as the threshold rises.
#[test]
fn bench_screen_measures_precision_recall_and_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench");
    let output = maatpact(&[
        "bench",
        "--screen",
        "--sizes",
        "200",
        "--screen-cases",
        "300",
        "--repeats",
        "1",
        "--preset",
        "maatpact,random6",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = csv_records(&out.join("screen_calibration.csv"));
    for preset in ["maatpact", "random6"] {
        let recall: Vec<f64> = rows
            .iter()
            .filter(|r| &r[0] == preset && &r[2] == "recall")
            .map(|r| r[5].parse().unwrap())
            .collect();
        assert_eq!(recall.len(), 4, "{preset}");
        assert!(
            recall.windows(2).all(|w| w[0] >= w[1]),
            "{preset}: {recall:?}"
        );
        assert!(recall[0] > 0.3, "{preset}: {recall:?}");
        let bands: usize = rows
            .iter()
            .filter(|r| &r[0] == preset && &r[2] == "right_in_band")
            .map(|r| r[4].parse::<usize>().unwrap())
            .sum();
        assert_eq!(
            bands, 300,
            "{preset}: every screened household is in one band"
        );
    }
    let markdown = std::fs::read_to_string(out.join("screen_calibration.md")).unwrap();
    assert!(markdown.contains("precision @0.5") && markdown.contains("Calibration"));
}

/// `mine` and `cluster` on a selection say which households their folder describes.
#[test]
fn mine_and_cluster_state_their_selection() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["mine", "cluster"] {
        let out = dir.path().join(command);
        let mut args = vec![command, "data-sample/cases.csv", "--where", "fase=2"];
        args.extend(["--out", out.to_str().unwrap()]);
        if command == "cluster" {
            args.extend(["--stability-resamples", "10"]);
        }
        let output = maatpact(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&output)
        );
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["selection"], "phase=2", "{command}");
        assert_eq!(summary["n_cases"], 70, "{command}");
    }
}

/// The rows of a published CSV by their key columns, as header → value.
fn keyed_rows(path: &std::path::Path, keys: &[&str]) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let cells: Vec<(String, String)> = headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect();
            let key = keys
                .iter()
                .map(|k| cells.iter().find(|(h, _)| h == k).unwrap().1.clone())
                .collect::<Vec<_>>()
                .join("|");
            (key, cells)
        })
        .collect()
}

/// The folders of `mine`, `cluster` and `run` on the same cases are published side by side.
/// Each was protected on its own, so `mine` showed tag totals that `run` hid as partners,
/// and the two together gave cluster × tag counts of 1 and 3 households exactly. Now `run`
/// and `cluster` keep the counts of the smaller folders: every figure two folders publish
/// agrees, or `run` hides one that the other shows (a tag whose households with a KBA are
/// few), and `run`'s folder with those figures filled in from the others still passes
/// `audit`: together they reveal nothing. On 51 and 121 households and a skewed programme.
#[test]
fn mine_cluster_and_run_folders_together_reveal_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = vec![std::path::PathBuf::from("data-sample/cases.csv")];
    for (preset, cases) in [("maatpact", "51"), ("skewed", "120")] {
        let path = dir.path().join(format!("{preset}-{cases}.csv"));
        let output = maatpact(&[
            "synth",
            "--preset",
            preset,
            "--cases",
            cases,
            "--seed",
            "11",
            "--out",
            path.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        inputs.push(path);
    }
    let tables: [(&str, &str, &[&str]); 7] = [
        ("mine", "tags.csv", &["tag"]),
        ("mine", "cooccurrence.csv", &["tag_a", "tag_b"]),
        ("mine", "itemsets.csv", &["itemset"]),
        ("mine", "rules.csv", &["antecedent", "consequent"]),
        ("cluster", "clusters.csv", &["cluster"]),
        ("cluster", "cluster_profiles.csv", &["cluster", "tag"]),
        (
            "cluster",
            "satisfaction_per_cluster.csv",
            &["cluster", "moment"],
        ),
    ];
    for (i, input) in inputs.iter().enumerate() {
        let input = input.to_str().unwrap();
        let folder = |command: &str| dir.path().join(format!("{command}-{i}"));
        for command in ["run", "mine", "cluster"] {
            let out = folder(command);
            let mut args = vec![command, input, "--out", out.to_str().unwrap()];
            if command == "run" {
                args.push("--quiet");
            }
            let output = maatpact(&args);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command} {input}: {}",
                stderr(&output)
            );
        }
        // run's folder, with every figure the other two show filled in.
        let combined = dir.path().join(format!("combined-{i}"));
        std::fs::create_dir(&combined).unwrap();
        for entry in std::fs::read_dir(folder("run")).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), combined.join(entry.file_name())).unwrap();
            }
        }
        let (mut agreed, mut filled) = (0, 0);
        for (command, name, keys) in tables {
            let other: std::collections::HashMap<String, Vec<(String, String)>> =
                keyed_rows(&folder(command).join(name), keys)
                    .into_iter()
                    .collect();
            let rows = keyed_rows(&combined.join(name), keys);
            let headers = csv::Reader::from_path(combined.join(name))
                .unwrap()
                .headers()
                .unwrap()
                .clone();
            let mut writer = csv::Writer::from_path(combined.join(name)).unwrap();
            writer.write_record(&headers).unwrap();
            for (key, mut cells) in rows {
                if let Some(theirs) = other.get(&key) {
                    for ((header, ours), (_, value)) in cells.iter_mut().zip(theirs) {
                        if ours == value {
                            agreed += 1;
                        } else if ours == "." && header != "suppressed" {
                            *ours = value.clone();
                            filled += 1;
                        } else if header != "suppressed" {
                            panic!("{input}: {name} {key} {header}: run {ours}, {command} {value}");
                        }
                    }
                }
                writer.write_record(cells.iter().map(|(_, v)| v)).unwrap();
            }
        }
        assert!(agreed > 100, "{input}: {agreed} figures compared");
        let audit = maatpact(&["audit", combined.to_str().unwrap()]);
        assert_eq!(
            audit.status.code(),
            Some(0),
            "{input}: {filled} figures filled in: {}",
            String::from_utf8_lossy(&audit.stdout)
        );
    }
}
