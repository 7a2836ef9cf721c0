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
