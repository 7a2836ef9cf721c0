//! End-to-end tests of `maatpact run`: every file, figures that agree, determinism, atomic
//! output, decodable charts, and the committed notebooks-output/ kept fresh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn maatpact(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_maatpact"));
    command.args(args).current_dir(repo_root());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

fn run_into(input: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", input, "--out", out.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    maatpact(&args, &[])
}

/// Every file below `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

const TABLES: [&str; 29] = [
    "itemsets.csv",
    "rules.csv",
    "cooccurrence.csv",
    "clusters.csv",
    "k_selection.csv",
    "cluster_profiles.csv",
    "satisfaction_per_cluster.csv",
    "savings_overall.csv",
    "savings_per_cluster.csv",
    "savings_per_bottleneck.csv",
    "savings_per_owner_level.csv",
    "savings_per_tag.csv",
    "savings_per_phase.csv",
    "savings_per_municipality.csv",
    "savings_per_budget_category.csv",
    "savings_per_cluster_phase.csv",
    "savings_per_financier.csv",
    "savings_per_cluster_financier.csv",
    "savings_per_phase_financier.csv",
    "savings_per_budget_category_financier.csv",
    "savings_per_payer.csv",
    "savings_per_payer_financier.csv",
    "funnel.csv",
    "net_position.csv",
    "net_position_per_cluster.csv",
    "savings_per_cluster_payer.csv",
    "outlook.csv",
    "data_quality.csv",
    "summary.json",
];

const CHARTS: [&str; 9] = [
    "savings_per_cocktail",
    "costs_per_cocktail",
    "tag_prevalence_per_cocktail",
    "cooccurrence_lift",
    "savings_per_bottleneck",
    "k_selection",
    "satisfaction_per_cocktail",
    "savings_per_financier",
    "net_position",
];

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// `€ 1.234.568` as the Dutch report writes a CSV amount of 1234567.89.
fn dutch_euros(cell: &str) -> String {
    let value: f64 = cell.parse().unwrap();
    let digits = (value.round() as i64).unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if value.round() < 0.0 { "−" } else { "" };
    format!("{sign}€\u{a0}{grouped}")
}

fn assert_decodes_to_a_real_image(name: &str, bytes: &[u8]) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert!(
        info.width >= 300 && info.height >= 200,
        "{name} is {}×{}",
        info.width,
        info.height
    );
    let pixels = &buffer[..info.buffer_size()];
    let distinct: std::collections::BTreeSet<&[u8]> = pixels.chunks(3).collect();
    let non_white = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    assert!(
        distinct.len() >= 4 && non_white > 2_000,
        "{name} looks blank"
    );
}

#[test]
fn run_writes_every_file_and_the_report_agrees_with_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let run = |input: &str, name: &str| {
        let out = dir.path().join(name);
        let internal = dir.path().join(format!("{name}-internal"));
        let output = run_into(input, &out, &["--internal", internal.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{input}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (read_tree(&out), read_tree(&internal))
    };
    let (files, internal) = run("data-sample/cases.csv", "plain");
    check_files_and_report(&files, &internal);
    check_totals_against_the_input(&files);
    // The same records as Dutch Excel writes them (`;`, decimal comma, € signs, Dutch
    // headers) give the same tables, and a report that agrees with them.
    let (excel, excel_internal) = run("data-sample/cases-excel-nl.csv", "excel");
    check_files_and_report(&excel, &excel_internal);
    // Only the input's name (summary.json) and its findings (data_quality.csv) differ.
    for name in TABLES
        .iter()
        .filter(|name| !["data_quality.csv", "summary.json"].contains(name))
    {
        assert!(
            excel[*name] == files[*name],
            "{name} differs for the Excel file"
        );
    }
}

/// Every listed file exists, every PNG decodes, and the report's figures are the tables'.
fn check_files_and_report(files: &BTreeMap<String, Vec<u8>>, internal: &BTreeMap<String, Vec<u8>>) {
    for name in TABLES.iter().chain(&["report.md", "report.html"]) {
        assert!(files.contains_key(*name), "missing {name}");
    }
    for chart in CHARTS {
        assert!(
            files.contains_key(&format!("charts/{chart}.svg")),
            "missing {chart}.svg"
        );
        let png = &files[&format!("charts/{chart}.png")];
        assert_decodes_to_a_real_image(chart, png);
    }

    let report = String::from_utf8(files["report.md"].clone()).unwrap();
    let html = String::from_utf8(files["report.html"].clone()).unwrap();
    let (headers, rows) = csv_rows(&files["savings_overall.csv"]);
    let overall = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].clone();
    for column in [
        "savings_total",
        "cost_threatened_total",
        "savings_mean",
        "breakthrough_spend_total",
    ] {
        let figure = dutch_euros(&overall(column));
        assert!(
            report.contains(&figure),
            "report.md lacks {column} = {figure}"
        );
        assert!(
            html.contains(&figure),
            "report.html lacks {column} = {figure}"
        );
    }
    assert!(report.contains(&format!("Huishoudens: {}", overall("n_cases"))));
    // Every published cluster mean in the report is the CSV's.
    let (headers, rows) = csv_rows(&files["savings_per_cluster.csv"]);
    let mean = headers.iter().position(|h| h == "savings_mean").unwrap();
    for row in &rows {
        if row[mean] != "." {
            assert!(
                report.contains(&dutch_euros(&row[mean])),
                "report lacks {}",
                row[mean]
            );
        }
    }
    check_cluster_numbering(files, internal, &report);
    // Self-contained HTML: no scripts, no external resources.
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http")
    );
}

/// Clusters are 1..k in `clusters.csv`; the households in no cluster are cluster 0 in the
/// other tables, and every table and `summary.json` count the same households per cluster.
fn check_cluster_numbering(
    files: &BTreeMap<String, Vec<u8>>,
    internal: &BTreeMap<String, Vec<u8>>,
    report: &str,
) {
    let summary: serde_json::Value = serde_json::from_slice(&files["summary.json"]).unwrap();
    let k = summary["k"].as_u64().unwrap() as usize;
    // Hidden (null) when protecting the households needs it.
    let in_no_cluster = summary["n_in_no_cluster"].as_u64().map(|n| n as usize);
    let (headers, rows) = csv_rows(&files["clusters.csv"]);
    let numbers: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = (1..=k).map(|c| c.to_string()).collect();
    assert_eq!(numbers, expected);
    let size = headers.iter().position(|h| h == "size").unwrap();
    let (_, assignments) = csv_rows(&internal["assignments.csv"]);
    let mut per_cluster = vec![0usize; k + 1];
    for row in &assignments {
        per_cluster[row[1].parse::<usize>().unwrap()] += 1;
    }
    assert!(in_no_cluster.is_none_or(|n| n == per_cluster[0]));
    for (row, &count) in rows.iter().zip(&per_cluster[1..]) {
        assert!(
            row[size] == "." || row[size] == count.to_string(),
            "{row:?}"
        );
    }
    let (headers, rows) = csv_rows(&files["savings_per_cluster.csv"]);
    let n_cases = headers.iter().position(|h| h == "n_cases").unwrap();
    for row in &rows {
        let cluster: usize = row[0].parse().unwrap();
        assert!(row[n_cases] == "." || row[n_cases] == per_cluster[cluster].to_string());
    }
    assert_eq!(
        rows.iter().any(|r| r[0] == "0"),
        per_cluster[0] > 0,
        "cluster 0 has savings rows exactly when households are in no cluster"
    );
    match in_no_cluster {
        Some(n) if n > 0 => {
            assert!(report.contains(&format!("{n} huishoudens vallen in geen cluster")));
        }
        None if per_cluster[0] > 0 => assert!(report.contains(
            "Een aantal (verborgen om huishoudens te beschermen) huishoudens vallen in geen cluster"
        )),
        _ => {}
    }
}

/// The overall savings equal an independent sum of the columns of `data-sample/cases.csv`.
fn check_totals_against_the_input(files: &BTreeMap<String, Vec<u8>>) {
    let (headers, rows) = csv_rows(&files["savings_overall.csv"]);
    let overall = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].clone();
    let (headers, rows) =
        csv_rows(&std::fs::read(repo_root().join("data-sample/cases.csv")).unwrap());
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (threatened, tailored) = (column("cost_threatened"), column("cost_tailored"));
    let mut savings_cents = 0i64;
    for row in &rows {
        if !row[threatened].is_empty() && !row[tailored].is_empty() {
            let cents = |s: &str| (s.parse::<f64>().unwrap() * 100.0).round() as i64;
            savings_cents += cents(&row[threatened]) - cents(&row[tailored]);
        }
    }
    assert_eq!(
        overall("savings_total"),
        format!("{}.{:02}", savings_cents / 100, savings_cents % 100)
    );
}

#[test]
fn two_runs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let output = run_into("data-sample/cases-excel-nl.csv", out, &["--lang", "en"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (first, second) = (read_tree(&a), read_tree(&b));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(bytes == &second[name], "{name} differs between runs");
    }
    assert!(String::from_utf8_lossy(&first["report.md"]).contains("## Summary"));
}

/// An output folder `out` in `parent` holding what a previous run left: `previous.txt`.
fn previous_output(parent: &Path) -> PathBuf {
    let out = parent.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("previous.txt"), "the previous run").unwrap();
    out
}

#[test]
fn a_failed_run_leaves_the_previous_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_output(dir.path());
    let inputs = ["data-sample/cases.csv", "data-sample/cases-excel-nl.csv"];
    for (stage, input) in ["clustering", "charts", "write-midway"]
        .into_iter()
        .flat_map(|stage| inputs.map(|input| (stage, input)))
    {
        let output = maatpact(
            &["run", input, "--out", out.to_str().unwrap(), "--quiet"],
            &[("MAATPACT_FAIL_AT", stage)],
        );
        assert_eq!(
            output.status.code(),
            Some(1),
            "{stage}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let files = read_tree(&out);
        assert_eq!(files.len(), 1, "{stage}: {:?}", files.keys());
        assert_eq!(files["previous.txt"], b"the previous run");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers.len(),
            1,
            "{stage}: staging left behind: {leftovers:?}"
        );
    }
}

#[test]
fn a_killed_run_leaves_the_previous_output_intact_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_output(dir.path());
    // SIGKILL while computing, and while half the files of the new folder are written.
    for stage in ["clustering", "write-midway"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_maatpact"))
            .args(["run", "data-sample/cases.csv", "--quiet", "--out"])
            .arg(&out)
            .current_dir(repo_root())
            .env("MAATPACT_PAUSE_AT", stage)
            .spawn()
            .unwrap();
        let staging = dir.path().join(format!(".out.new-{}", child.id()));
        let started = std::time::Instant::now();
        if stage == "write-midway" {
            while !(staging.is_dir() && std::fs::read_dir(&staging).unwrap().count() > 3) {
                assert!(
                    started.elapsed().as_secs() < 120,
                    "the run never reached the write stage"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        } else {
            // Nothing is written before the write stage, so wherever the kill lands before
            // it, the previous folder must be untouched.
            std::thread::sleep(std::time::Duration::from_millis(500));
            assert!(!staging.exists(), "a staging folder before the write stage");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let files = read_tree(&out);
        assert_eq!(files.len(), 1, "{stage}: {:?}", files.keys());
        assert_eq!(files["previous.txt"], b"the previous run");
    }
    // The next run replaces the folder and removes what the killed runs left behind.
    let output = run_into("data-sample/cases.csv", &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.join("report.html").is_file() && !out.join("previous.txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["out"], "leftovers: {leftovers:?}");
}

#[test]
fn invalid_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_into("tests/data/validate/unknown_tag.csv", &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown_tag.csv:2:problems: error"));
    assert!(!out.exists());
}

/// The publication holds nothing per household: no case id and no row number in any file,
/// with or without `--internal`. The per-household files go to the internal folder, with a
/// README that says it is not for publication, and only when it is asked for and apart.
#[test]
fn per_household_files_stay_out_of_the_publication() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_into("data-sample/cases.csv", &out, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let published = read_tree(&out);
    let input = std::fs::read_to_string(repo_root().join("data-sample/cases.csv")).unwrap();
    let case_ids: Vec<&str> = input
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert!(case_ids.len() > 100);
    for (name, bytes) in &published {
        let text = String::from_utf8_lossy(bytes);
        for id in &case_ids {
            assert!(!text.contains(id), "{name} holds case id {id}");
        }
    }
    assert!(!published.contains_key("assignments.csv"));
    let (headers, rows) = csv_rows(&published["data_quality.csv"]);
    assert_eq!(headers, ["severity", "code", "n_findings", "suppressed"]);
    // data-sample has three negative_savings warnings: fewer than 10, so not shown.
    assert!(
        rows.iter()
            .all(|r| r[2] == "." || r[2].parse::<usize>().unwrap() >= 10),
        "{rows:?}"
    );
    let model: serde_json::Value = serde_json::from_slice(&published["model.json"]).unwrap();
    assert!(!model.to_string().contains("distance"), "{model}");

    let internal = dir.path().join("internal");
    let output = run_into(
        "data-sample/cases.csv",
        &out,
        &["--internal", internal.to_str().unwrap()],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        read_tree(&out),
        published,
        "--internal changes nothing in the publication"
    );
    let internal_files = read_tree(&internal);
    let readme = String::from_utf8_lossy(&internal_files["README.md"]).into_owned();
    assert!(
        readme.contains("niet publiceren") && readme.contains("do not publish"),
        "{readme}"
    );
    let (_, assignments) = csv_rows(&internal_files["assignments.csv"]);
    assert_eq!(assignments.len(), case_ids.len());
    let (_, findings) = csv_rows(&internal_files["data_quality_rows.csv"]);
    assert!(
        findings.iter().all(|r| !r[3].is_empty()),
        "row numbers: {findings:?}"
    );

    // An internal folder inside the publication (or around it) is refused.
    for inside in [out.join("intern"), dir.path().to_path_buf()] {
        let output = run_into(
            "data-sample/cases.csv",
            &out,
            &["--internal", inside.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("apart from the publication"));
    }
    assert_eq!(read_tree(&out), published);
}

#[test]
fn weaker_disclosure_needs_an_explicit_flag() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("weak.toml");
    std::fs::write(
        &config,
        "[privacy]\nmin_cell_size = 3\ndominance_n = 2\ndominance_k = 85.0\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let config_arg = config.to_str().unwrap();
    let refused = run_into("data-sample/cases.csv", &out, &["--config", config_arg]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-weak-disclosure"));
    assert!(!out.exists());
    let allowed = run_into(
        "data-sample/cases.csv",
        &out,
        &["--config", config_arg, "--allow-weak-disclosure"],
    );
    assert_eq!(
        allowed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"weak_disclosure_thresholds\": true"),
        "{summary}"
    );
    // Dominance over one contributor is weaker than over two: refused without the flag.
    // Over three it is stricter, and runs without it.
    for (dominance_n, code) in [(1, 2), (3, 0)] {
        std::fs::write(
            &config,
            format!(
                "[privacy]\nmin_cell_size = 10\ndominance_n = {dominance_n}\ndominance_k = 85.0\n"
            ),
        )
        .unwrap();
        let out = dir.path().join(format!("out-n{dominance_n}"));
        let output = run_into("data-sample/cases.csv", &out, &["--config", config_arg]);
        assert_eq!(
            output.status.code(),
            Some(code),
            "dominance_n = {dominance_n}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// notebooks-output/ in the repository is the default run on data-sample/: regenerate it
/// with `cargo run --release -p maatpact-cli -- run` when this fails.
#[test]
fn committed_notebooks_output_is_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = maatpact(&["run", "--out", out.to_str().unwrap(), "--quiet"], &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fresh = read_tree(&out);
    let committed = read_tree(&repo_root().join("notebooks-output"));
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "notebooks-output/ is stale: run `cargo run --release -p maatpact-cli -- run`"
    );
    for (name, bytes) in &fresh {
        assert!(
            &committed[name] == bytes,
            "notebooks-output/{name} is stale: run `cargo run --release -p maatpact-cli -- run`"
        );
    }
}

#[test]
fn bench_reports_every_method_beside_the_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench");
    let output = maatpact(
        &[
            "bench",
            "--sizes",
            "300",
            "--algorithms",
            "kmodes,hierarchical",
            "--preset",
            "maatpact,overlap",
            "--noise",
            "0.1,1",
            "--repeats",
            "1",
            "--true-model-cases",
            "20000",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        &[],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (headers, rows) = csv_rows(&std::fs::read(out.join("bench.csv")).unwrap());
    assert_eq!(
        headers[..5],
        ["size", "preset", "noise", "algorithm", "repeat"]
    );
    // (oracle + true grouping + 2 methods) × 3 data sets (maatpact at 2 noise levels, the
    // overlap variant), and the true model where there is a truth.
    assert_eq!(rows.len(), 14);
    let algorithm = headers.iter().position(|h| h == "algorithm").unwrap();
    let ari = headers.iter().position(|h| h == "ari").unwrap();
    let noise = headers.iter().position(|h| h == "noise").unwrap();
    let ari_of = |method: &str, level: &str| {
        rows.iter()
            .find(|r| r[algorithm] == method && r[noise] == level)
            .map(|r| r[ari].clone())
    };
    let oracle: f64 = ari_of("oracle", "0.10").unwrap().parse().unwrap();
    assert!(oracle > 0.6, "oracle ARI {oracle}");
    // Without the sample's labels the same model does somewhat worse on 300 cases.
    let true_model: f64 = ari_of("true_model", "0.10").unwrap().parse().unwrap();
    assert!(
        true_model > 0.6 && true_model < oracle + 0.02,
        "true model {true_model}, oracle {oracle}"
    );
    // On the noise preset the truth is one class: no ARI to report, not a perfect one.
    assert_eq!(ari_of("oracle", "1.00").unwrap(), "");
    assert_eq!(ari_of("true_model", "1.00"), None);
    // The true grouping, described by the defining-tag rule, finds its cocktails on 300
    // households of the overlap variant and invents few; on noise it finds and invents none.
    let preset = headers.iter().position(|h| h == "preset").unwrap();
    let found = headers.iter().position(|h| h == "recovered").unwrap();
    let invented = headers.iter().position(|h| h == "invented").unwrap();
    let grouping = |name: &str| {
        rows.iter()
            .find(|r| r[algorithm] == "true_grouping" && r[preset] == name)
            .map(|r| {
                (
                    r[found].parse::<usize>().unwrap(),
                    r[invented].parse::<usize>().unwrap(),
                )
            })
            .unwrap()
    };
    let (overlap_found, _) = grouping("overlap");
    assert!(overlap_found >= 3, "overlap: {overlap_found} found");
    assert_eq!(grouping("noise"), (0, 0));
    let markdown = std::fs::read_to_string(out.join("bench.md")).unwrap();
    assert!(
        markdown.contains("| 300 | maatpact 0.10 | kmodes |"),
        "{markdown}"
    );
    for chart in ["quality_vs_noise", "time_vs_size"] {
        assert_decodes_to_a_real_image(
            chart,
            &std::fs::read(out.join(format!("charts/{chart}.png"))).unwrap(),
        );
    }
}

/// Seed 004: 20 cost-benefit analyses, €426,000 saved against €830,000 threatened, about
/// €21,000 per family.
#[test]
fn the_maastricht_preset_reproduces_the_headline_figures() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("maastricht.csv");
    let output = maatpact(
        &[
            "synth",
            "--preset",
            "maastricht",
            "--out",
            input.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    let out = dir.path().join("out");
    let output = run_into(input.to_str().unwrap(), &out, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (headers, rows) = csv_rows(&std::fs::read(out.join("savings_overall.csv")).unwrap());
    let overall = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(overall("n_cases"), "30");
    assert_eq!(overall("n_with_kba"), "20");
    assert_eq!(overall("savings_total"), "426000.00");
    assert_eq!(overall("cost_threatened_total"), "830000.00");
    let mean: f64 = overall("savings_mean").parse().unwrap();
    assert!((20_000.0..22_000.0).contains(&mean), "{mean}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("€\u{a0}426.000") && report.contains("€\u{a0}830.000"),
        "{report}"
    );
}

/// `run --confirm`: confirm.csv holds a verdict per reference cocktail, the report says the
/// same in its own section, and the folder still passes the audit.
#[test]
fn run_confirm_reports_each_reference_cocktail() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_into("data-sample/cases.csv", &out, &["--confirm"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (headers, rows) = csv_rows(&std::fs::read(out.join("confirm.csv")).unwrap());
    assert_eq!(headers[..3], ["cocktail", "status", "tags"]);
    assert_eq!(rows.len(), 4);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Bevestigd, genuanceerd of niet ondersteund"));
    for row in &rows {
        let word = match row[1].as_str() {
            "confirmed" => "bevestigd",
            "nuanced" => "genuanceerd",
            _ => "niet ondersteund",
        };
        let evidence = row[5].replace('.', ",");
        let cell = format!("| {evidence} |");
        assert!(
            report
                .lines()
                .any(|l| l.contains(word) && l.ends_with(&cell)),
            "{row:?}"
        );
    }
    let audit = maatpact(&["audit", out.to_str().unwrap()], &[]);
    assert_eq!(audit.status.code(), Some(0));
    // A hidden share of a defining problem still says that it defines the cocktail, as
    // clusters.csv does; other hidden shares are a dot.
    let heatmap =
        std::fs::read_to_string(out.join("charts/tag_prevalence_per_cocktail.svg")).unwrap();
    assert!(heatmap.contains("bepalend"), "no defining cell marked");
    assert!(heatmap.contains("verborgen om huishoudens te beschermen"));
    // The k-selection chart shows the curve k was chosen on (silhouette, as the report
    // says), not BIC, whose lowest point lies at another k.
    let (_, k_rows) = csv_rows(&std::fs::read(out.join("k_selection.csv")).unwrap());
    let chosen = k_rows.iter().find(|r| r[3] == "yes").expect("a chosen k");
    let chart = std::fs::read_to_string(out.join("charts/k_selection.svg")).unwrap();
    assert!(
        chart.contains(&format!("(k = {}; hoogste silhouet)", chosen[0])),
        "{chosen:?}"
    );
    assert!(chart.contains("gemiddeld silhouet") && !chart.contains("BIC"));
}

/// The policy sections of issue 17: the funnel, who pays and who gains, spend per category
/// and financier, savings against huidig, and `--where`.
mod policy {
    use super::*;

    /// The rows of the first Markdown table after a heading, without the header row.
    fn report_table(report: &str, heading: &str) -> Vec<Vec<String>> {
        table_after(report, &format!("## {heading}\n"))
    }

    /// The rows of the first Markdown table after `start` (a heading or a paragraph's
    /// opening words), without the header row.
    fn table_after(report: &str, start: &str) -> Vec<Vec<String>> {
        let start = report
            .find(start)
            .unwrap_or_else(|| panic!("no `{start}` in the report"));
        report[start..]
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|l| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_owned())
                    .collect()
            })
            .collect()
    }

    const FINANCIERS: [&str; 7] = [
        "jeugd",
        "wmo",
        "participatie",
        "zorgverzekeraar",
        "woningcorporatie",
        "justitie",
        "overig",
    ];

    /// A report matrix against its tables: per row of the one-way table (keyed by `key`),
    /// its spend, its savings per financier from the cross table, and its savings.
    fn assert_matrix(matrix: &[Vec<String>], one_way: &Csv, key: &str, cross: &Csv) {
        assert_eq!(matrix.len(), one_way.rows.len(), "{key}");
        for (cells, row) in matrix.iter().zip(&one_way.rows) {
            let value = one_way.get(row, key);
            let mut expected = vec![euros(one_way.get(row, "breakthrough_spend_total"))];
            for f in FINANCIERS {
                let cell = cross.find(&[(key, value), ("financier", f)]).unwrap();
                expected.push(euros(cross.get(cell, "savings_total")));
            }
            expected.push(euros(one_way.get(row, "savings_total")));
            assert_eq!(cells[1..], expected[..], "{key} {value}");
        }
    }

    struct Csv {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    }

    impl Csv {
        fn of(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Csv {
            let (headers, rows) = csv_rows(&files[name]);
            Csv { headers, rows }
        }

        fn get<'a>(&self, row: &'a [String], column: &str) -> &'a str {
            let i = self.headers.iter().position(|h| h == column).unwrap();
            &row[i]
        }

        fn find(&self, keys: &[(&str, &str)]) -> Option<&Vec<String>> {
            self.rows
                .iter()
                .find(|r| keys.iter().all(|(c, v)| self.get(r, c) == *v))
        }
    }

    /// A CSV amount as the Dutch report shows it: `.` stays `.`.
    fn euros(cell: &str) -> String {
        if cell == "." {
            ".".into()
        } else {
            dutch_euros(cell)
        }
    }

    /// A CSV count as the Dutch report shows it.
    fn count(cell: &str) -> String {
        if cell == "." {
            return ".".into();
        }
        dutch_euros(cell).trim_start_matches("€\u{a0}").to_owned()
    }

    fn run_sample(extra: &[&str]) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let output = run_into("data-sample/cases.csv", &out, extra);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let files = read_tree(&out);
        (dir, files)
    }

    /// Seed 000: "ruim € 46.000 aan wonen … bijna zeven ton op jeugdhulp en bijna drie ton
    /// op Wmo", from one run with `--where phase=1`.
    #[test]
    fn the_seed_headline_comes_from_one_run_on_phase_1() {
        let (_dir, files) = run_sample(&["--where", "fase=1"]);
        let categories = Csv::of(&files, "savings_per_budget_category.csv");
        let wonen = categories.find(&[("budget_category", "wonen")]).unwrap();
        assert_eq!(
            categories.get(wonen, "breakthrough_spend_total"),
            "46000.00"
        );
        let financiers = Csv::of(&files, "savings_per_financier.csv");
        let share = |f: &str| -> f64 {
            let row = financiers.find(&[("financier", f)]).unwrap();
            financiers.get(row, "savings_total").parse().unwrap()
        };
        assert!(
            (650_000.0..700_000.0).contains(&share("jeugd")),
            "jeugd {}",
            share("jeugd")
        );
        assert!(
            (250_000.0..300_000.0).contains(&share("wmo")),
            "wmo {}",
            share("wmo")
        );
        let report = String::from_utf8(files["report.md"].clone()).unwrap();
        assert!(report.contains("Selectie: alleen de huishoudens met `phase=1`"));
        assert!(report.contains(&dutch_euros("46000.00")));
        let summary: serde_json::Value = serde_json::from_slice(&files["summary.json"]).unwrap();
        assert_eq!(summary["selection"], "phase=1");
        assert_eq!(summary["n_cases"], 51);
    }

    #[test]
    fn the_policy_sections_show_what_their_tables_hold() {
        let (_dir, files) = run_sample(&[]);
        let report = String::from_utf8(files["report.md"].clone()).unwrap();

        let funnel = Csv::of(&files, "funnel.csv");
        let shown = report_table(&report, "Van aanmelding tot uitvoering");
        assert_eq!(shown.len(), funnel.rows.len());
        for (cells, row) in shown.iter().zip(&funnel.rows) {
            let columns = ["registered", "with_plan", "with_kba", "executed"];
            let expected: Vec<String> = columns.iter().map(|c| count(funnel.get(row, c))).collect();
            assert_eq!(cells[1..], expected[..], "funnel row {row:?}");
        }

        assert_matrix(
            &report_table(&report, "Wie betaalt, wie profiteert"),
            &Csv::of(&files, "savings_per_payer.csv"),
            "payer",
            &Csv::of(&files, "savings_per_payer_financier.csv"),
        );

        // The net position: shown only where both of its figures are, and their difference.
        let net = Csv::of(&files, "net_position.csv");
        let received_in_financier_table = Csv::of(&files, "savings_per_financier.csv");
        for row in &net.rows {
            let (paid, received, net_total) = (
                net.get(row, "paid_total"),
                net.get(row, "received_total"),
                net.get(row, "net_total"),
            );
            if let Some(f) =
                received_in_financier_table.find(&[("financier", net.get(row, "party"))])
            {
                assert_eq!(
                    received,
                    received_in_financier_table.get(f, "savings_total")
                );
            }
            if paid == "." || received == "." {
                assert_eq!(net_total, ".", "{row:?}");
            } else {
                let (p, r, n): (f64, f64, f64) = (
                    paid.parse().unwrap(),
                    received.parse().unwrap(),
                    net_total.parse().unwrap(),
                );
                assert!((r - p - n).abs() < 0.005, "{row:?}");
            }
            assert!(report.contains(&euros(net_total)));
        }

        // Per cocktail: received within the cluster (cluster × financier), paid within it
        // (cluster × payer), and the net only where both are shown; the report's table has
        // a row per cluster of the CSV.
        let net = Csv::of(&files, "net_position_per_cluster.csv");
        let cluster_financier = Csv::of(&files, "savings_per_cluster_financier.csv");
        let cluster_payer = Csv::of(&files, "savings_per_cluster_payer.csv");
        for row in &net.rows {
            let (cluster, party) = (net.get(row, "cluster"), net.get(row, "party"));
            if let Some(f) = cluster_financier.find(&[("cluster", cluster), ("financier", party)]) {
                assert_eq!(
                    net.get(row, "received_total"),
                    cluster_financier.get(f, "savings_total")
                );
            }
            if let Some(p) = cluster_payer.find(&[("cluster", cluster), ("payer", party)]) {
                assert_eq!(
                    net.get(row, "paid_total"),
                    cluster_payer.get(p, "breakthrough_spend_total")
                );
            }
            let hidden = |c: &str| net.get(row, c) == ".";
            assert_eq!(
                hidden("net_total"),
                hidden("paid_total") || hidden("received_total"),
                "{row:?}"
            );
        }
        let shown_in_report = table_after(&report, "Netto per cocktail").len();
        let clusters_in_csv: std::collections::BTreeSet<&str> =
            net.rows.iter().map(|r| net.get(r, "cluster")).collect();
        assert_eq!(shown_in_report, clusters_in_csv.len());

        // Who gains per phase and per spending category: the report's matrices are the
        // tables' cells.
        assert_matrix(
            &table_after(&report, "Per fase: het bedrag"),
            &Csv::of(&files, "savings_per_phase.csv"),
            "phase",
            &Csv::of(&files, "savings_per_phase_financier.csv"),
        );
        assert_matrix(
            &report_table(
                &report,
                "Waaraan het doorbraakbudget is besteed, en wie daarvan profiteert",
            ),
            &Csv::of(&files, "savings_per_budget_category.csv"),
            "budget_category",
            &Csv::of(&files, "savings_per_budget_category_financier.csv"),
        );

        // Both baselines, side by side; huidig − maatwerk only where both are shown.
        let clusters = Csv::of(&files, "savings_per_cluster.csv");
        let costs = report_table(&report, "Kosten en baten per cocktail");
        for (cells, row) in costs.iter().zip(&clusters.rows) {
            assert_eq!(cells[5], euros(clusters.get(row, "savings_total")));
            assert_eq!(
                cells[6],
                euros(clusters.get(row, "savings_vs_current_total"))
            );
        }
        for row in &clusters.rows {
            let derived = clusters.get(row, "savings_vs_current_total");
            let hidden = |c: &str| clusters.get(row, c) == ".";
            assert_eq!(
                derived == ".",
                hidden("cost_current_total") || hidden("cost_tailored_total")
            );
        }
    }

    /// Systeemleren per theme: each bottleneck with households once, with its table's
    /// figures, the themes kept together.
    #[test]
    fn the_themes_regroup_the_bottleneck_table() {
        let (_dir, files) = run_sample(&[]);
        let report = String::from_utf8(files["report.md"].clone()).unwrap();
        let bottlenecks = Csv::of(&files, "savings_per_bottleneck.csv");
        let rows = report_table(&report, "Systeemleren per thema");
        let with_households = bottlenecks
            .rows
            .iter()
            .filter(|r| bottlenecks.get(r, "n_cases") != "0")
            .count();
        assert_eq!(rows.len(), with_households);
        for row in &rows {
            let source = bottlenecks.find(&[("label_nl", row[1].as_str())]).unwrap();
            assert_eq!(row[3], count(bottlenecks.get(source, "n_cases")));
            assert_eq!(row[4], euros(bottlenecks.get(source, "savings_total")));
        }
        let mut seen: Vec<&str> = Vec::new();
        for row in &rows {
            if seen.last() != Some(&row[0].as_str()) {
                assert!(!seen.contains(&row[0].as_str()), "theme {} split", row[0]);
                seen.push(&row[0]);
            }
        }
        assert_eq!(seen.first(), Some(&"Wonen"));
    }

    /// A file without the payer, executed and financier columns publishes no payer or
    /// financier tables and no net position, its report says so rather than showing zeros,
    /// and the funnel says the executed stage is not recorded.
    #[test]
    fn without_payers_there_is_no_payer_table() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("no-payer.csv");
        let (headers, rows) =
            csv_rows(&std::fs::read(repo_root().join("data-sample/cases.csv")).unwrap());
        // Without payers, without executed, and without the shares per financier.
        let drop: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                ["breakthrough_payer", "executed"].contains(&h.as_str())
                    || h.starts_with("savings_")
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(drop.len(), 9);
        let mut writer = csv::Writer::from_path(&input).unwrap();
        let keep = |r: &[String]| -> Vec<String> {
            r.iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, c)| c.clone())
                .collect()
        };
        writer.write_record(keep(&headers)).unwrap();
        for row in &rows {
            writer.write_record(keep(row)).unwrap();
        }
        writer.flush().unwrap();
        let out = dir.path().join("out");
        let output = run_into(input.to_str().unwrap(), &out, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let files = read_tree(&out);
        for name in [
            "savings_per_payer.csv",
            "savings_per_payer_financier.csv",
            "savings_per_cluster_payer.csv",
            "net_position.csv",
            "net_position_per_cluster.csv",
            "charts/net_position.svg",
            "savings_per_financier.csv",
            "savings_per_cluster_financier.csv",
            "savings_per_phase_financier.csv",
            "charts/savings_per_financier.svg",
        ] {
            assert!(!files.contains_key(name), "{name} without payers");
        }
        let report_text = String::from_utf8(files["report.md"].clone()).unwrap();
        assert!(report_text.contains("De gegevens leggen niet vast bij welke financier"));
        let report = String::from_utf8(files["report.md"].clone()).unwrap();
        assert!(!report.contains("Wie betaalt"));
        let funnel = Csv::of(&files, "funnel.csv");
        for row in &funnel.rows {
            assert_eq!(funnel.get(row, "executed"), "", "{row:?}");
            assert_ne!(funnel.get(row, "with_plan"), "", "{row:?}");
        }
        let stages = report_table(&report, "Van aanmelding tot uitvoering");
        assert!(
            stages.iter().all(|r| r[4] == "niet vastgelegd"),
            "{stages:?}"
        );
        assert!(files.contains_key("funnel.csv") && files.contains_key("savings_per_phase.csv"));
    }

    #[test]
    fn a_selection_no_household_meets_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let output = run_into(
            "data-sample/cases.csv",
            &out,
            &["--where", "gemeente=Tilbrug"],
        );
        assert_ne!(output.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("tilbrug") && stderr.contains("tilburg"),
            "{stderr}"
        );
        assert!(!out.exists());
        let output = run_into("data-sample/cases.csv", &out, &["--where", "kleur=rood"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(!out.exists());
    }

    /// Programme costs, a five-year horizon and a region: every figure follows from the
    /// published totals, the scenario shares add up to the region, and the report says the
    /// scenario is not a finding.
    #[test]
    fn the_outlook_follows_from_the_published_totals() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("costs.toml");
        std::fs::write(
            &config,
            "[[programme_costs]]\nitem = \"organisatie\"\nyear = 2019\neuros = 140000\n\n[[programme_costs]]\nitem = \"training\"\neuros = 10000.5\n",
        )
        .unwrap();
        let extra = [
            "--config",
            config.to_str().unwrap(),
            "--horizon",
            "5",
            "--region-households",
            "2600",
        ];
        let (_out, files) = run_sample(&extra);
        let overall = Csv::of(&files, "savings_overall.csv");
        let total = |c: &str| -> f64 { overall.get(&overall.rows[0], c).parse().unwrap() };
        let programme = Csv::of(&files, "programme_return.csv");
        let measure = |m: &str| -> f64 {
            let row = programme.find(&[("measure", m)]).unwrap();
            programme.get(row, "value").parse().unwrap()
        };
        assert_eq!(measure("programme_costs_total"), 150000.50);
        let net = total("savings_total") - total("breakthrough_spend_total") - 150000.50;
        assert!((measure("net_return") - net).abs() < 0.005);

        let outlook = Csv::of(&files, "outlook.csv");
        let factor: f64 = (0..5).map(|t| 1.0225f64.powi(-t)).sum();
        for row in &outlook.rows {
            let year: f64 = outlook.get(row, "savings_year").parse().unwrap_or(f64::NAN);
            let horizon: f64 = outlook
                .get(row, "savings_horizon")
                .parse()
                .unwrap_or(f64::NAN);
            if year.is_finite() {
                assert!((horizon - year * factor).abs() < 0.01, "{row:?}");
            }
        }
        let certain = outlook
            .find(&[("group", "all"), ("likelihood", "1.00")])
            .unwrap();
        assert_eq!(
            outlook.get(certain, "savings_year"),
            overall.get(&overall.rows[0], "savings_total")
        );
        let at_zero_would_be = total("cost_current_total") - total("cost_tailored_total");
        let quarter = outlook
            .find(&[("group", "all"), ("likelihood", "0.25")])
            .unwrap();
        let expected = 0.25 * total("savings_total") + 0.75 * at_zero_would_be;
        let quarter: f64 = outlook.get(quarter, "savings_year").parse().unwrap();
        assert!((quarter - expected).abs() < 0.01);

        let region = Csv::of(&files, "scenario_region.csv");
        // A group whose share is hidden has its scenario row hidden too.
        let shown: Vec<_> = region
            .rows
            .iter()
            .filter(|r| region.get(r, "households") != ".")
            .collect();
        assert!(shown.len() >= 2, "{:?}", region.rows);
        let households: f64 = shown
            .iter()
            .map(|r| region.get(r, "households").parse::<f64>().unwrap())
            .sum();
        if shown.len() == region.rows.len() {
            assert!(
                (households - 2600.0).abs() < 0.5 * region.rows.len() as f64,
                "{households}"
            );
        } else {
            assert!(households < 2600.0, "{households}");
        }
        for row in shown {
            let [low, mid, high] = ["savings_low", "savings", "savings_high"]
                .map(|c| region.get(row, c).parse::<f64>().unwrap());
            assert!(low < mid && mid < high, "{row:?}");
        }
        let report = String::from_utf8(files["report.md"].clone()).unwrap();
        assert!(report.contains("## Scenario: een regio van 2.600 huishoudens (geen bevinding)"));
        assert!(report.contains("over 5 jaar, verdisconteerd met 2,25% per jaar"));
        let rows = report_table(&report, "Kosten van het programma en netto opbrengst");
        let net_row = rows
            .iter()
            .find(|r| r[0].starts_with("Netto opbrengst"))
            .unwrap();
        assert_eq!(net_row[1], euros(&format!("{net:.2}")));
    }

    #[test]
    fn outlook_parameters_are_checked_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for bad in [
            ["--horizon", "0"],
            ["--discount-rate", "40"],
            ["--region-households", "0"],
        ] {
            let output = run_into("data-sample/cases.csv", &out, &bad);
            assert_ne!(output.status.code(), Some(0), "{bad:?}");
            assert!(!out.exists(), "{bad:?}");
        }
    }

    /// The English report has the same sections.
    #[test]
    fn the_english_report_has_the_policy_sections() {
        let (_dir, files) = run_sample(&["--lang", "en"]);
        let report = String::from_utf8(files["report.md"].clone()).unwrap();
        for heading in [
            "From registration to execution",
            "Who pays, who gains",
            "What the breakthrough budget was spent on, and who gains",
        ] {
            assert!(report.contains(&format!("## {heading}\n")), "{heading}");
        }
    }
}
