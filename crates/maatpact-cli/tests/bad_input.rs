//! End to end: every malformed input of `tests/data/bad/` (and the generated oversized ones)
//! makes `validate` and every analysis command exit 2, naming the file, and write nothing:
//! no new output folder, and an existing one left exactly as it was.

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

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `validate`, then `run`, `mine` and `cluster` into fresh output folders and into an
/// existing one, on an input that must be refused: each exits 2 and nothing is written.
fn assert_refused_without_output(input: &Path, extra: &[&str], must_mention: &str) {
    assert_refused_by(input, extra, must_mention, &["run", "mine", "cluster"]);
}

/// Like [`assert_refused_without_output`], for the given analysis commands only.
fn assert_refused_by(input: &Path, extra: &[&str], must_mention: &str, commands: &[&str]) {
    let input = input.to_str().unwrap();
    let mut validate = vec!["validate", input];
    validate.extend_from_slice(extra);
    let output = maatpact(&validate);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "validate {input}:\n{text}");
    assert!(text.contains(must_mention), "validate {input}:\n{text}");
    assert!(text.contains("error"), "validate {input}:\n{text}");

    let scratch = tempfile::tempdir().unwrap();
    let existing = scratch.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("report.md"), "the previous run\n").unwrap();
    for &command in commands {
        for out in [
            scratch.path().join(format!("{command}-out")),
            existing.clone(),
        ] {
            let mut args = vec![command, input, "--out", out.to_str().unwrap()];
            args.extend_from_slice(extra);
            let output = maatpact(&args);
            let text = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{command} {input}:\n{text}");
            assert!(text.contains(must_mention), "{command} {input}:\n{text}");
        }
    }
    // Nothing new beside the existing folder (no output folder, no half-written temporary
    // sibling), and the existing folder as it was.
    assert_eq!(listing(scratch.path()), ["existing"], "{input}");
    assert_eq!(listing(&existing), ["report.md"], "{input}");
    assert_eq!(
        std::fs::read_to_string(existing.join("report.md")).unwrap(),
        "the previous run\n"
    );
}

#[test]
fn every_bad_input_exits_2_and_writes_nothing() {
    let dir = repo_root().join("tests/data/bad");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 30, "bad inputs missing: {}", inputs.len());
    let sample = repo_root().join("data-sample/cases.csv");
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        if input.extension().is_some_and(|e| e == "toml") {
            // A bad config refuses even the good sample.
            let config = input.to_str().unwrap();
            assert_refused_without_output(&sample, &["--config", config], &name);
        } else {
            let expected = std::fs::read_to_string(dir.join(format!("{name}.expected"))).unwrap();
            let commands: &[&str] = if outside_mining(&expected) {
                &["run", "cluster"]
            } else {
                &["run", "mine", "cluster"]
            };
            assert_refused_by(&input, &[], &name, commands);
        }
    }
}

/// Whether every error of an expected `validate` listing is in a column `mine` does not
/// read (it reads the case ids and the problems, and checks the file's shape and every cell
/// for a BSN).
fn outside_mining(expected: &str) -> bool {
    let errors: Vec<&str> = expected
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    !errors.is_empty()
        && errors.iter().all(|line| {
            let before = line.split(": error: ").next().unwrap_or("");
            let column = before.rsplit(':').next().unwrap_or("");
            let located = before.matches(':').count() >= 2;
            located
                && !column.chars().all(|c| c.is_ascii_digit())
                && !["case_id", "problems", "problemen"].contains(&column)
                && !line.contains("BSN")
        })
}

/// `mine` reads only what mining needs: a bad date, amount or score does not stop it.
#[test]
fn mine_accepts_errors_outside_its_columns() {
    let dir = repo_root().join("tests/data/bad");
    let input = dir.join("bad_date.csv");
    let expected = std::fs::read_to_string(dir.join("bad_date.csv.expected")).unwrap();
    assert!(outside_mining(&expected));
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let output = maatpact(&[
        "mine",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(out.join("tags.csv").exists());
    for name in ["short_row.csv", "bsn_in_free_text.csv", "unknown_tag.csv"] {
        let expected = std::fs::read_to_string(dir.join(format!("{name}.expected"))).unwrap();
        assert!(!outside_mining(&expected), "{name}");
    }
}

#[test]
fn oversized_inputs_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("wide.csv");
    let mut header = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    header.push_str("\nA1,wonen\n");
    std::fs::write(&wide, header).unwrap();
    assert_refused_without_output(&wide, &[], "wide.csv:1: error: 100000 columns");

    let huge = dir.path().join("huge_cell.csv");
    let mut text = b"case_id,problems,situatieschets\nA1,wonen,".to_vec();
    text.resize(text.len() + (100 << 20), b'x');
    text.push(b'\n');
    std::fs::write(&huge, text).unwrap();
    let output = maatpact(&["validate", huge.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("huge_cell.csv:2:situatieschets: error: cell of 104857600 bytes"),
        "{}",
        stderr(&output)
    );
}
