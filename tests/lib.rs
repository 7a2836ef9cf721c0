//! Shared helpers for the integration tests: paths to fixtures, and expect-file checks.

use std::path::{Path, PathBuf};

use maatpact_core::Validated;
use maatpact_pipeline::{LoadSettings, load};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository root")
        .to_path_buf()
}

/// A fixture under `tests/data/`.
pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("tests/data").join(relative)
}

/// Compares `actual` with the expect file at `path`. With `UPDATE_EXPECT=1` in the
/// environment, (re)writes the file instead, so intended changes are one command away and
/// show up in review as a diff.
pub fn check_expect(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).expect("write expect file");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing expect file {}; run with UPDATE_EXPECT=1 to create it. Actual:\n{actual}",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs (run with UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// Loads a file with the default settings; only failures of the operating system panic.
pub fn load_default(path: &Path) -> Validated {
    load(path, &LoadSettings::default()).expect("only operating-system failures are Err")
}

/// Every finding, one per line as the CLI prints it, then the number of cases: the form of
/// the expect files.
pub fn render(validated: &Validated) -> String {
    let mut out = String::new();
    for issue in &validated.issues {
        out.push_str(&issue.to_string());
        out.push('\n');
    }
    out.push_str(&format!("cases: {}\n", validated.cases.len()));
    out
}
