//! One folder writer for every command: files are staged beside the target folder, a
//! publication is audited there, and the folder is swapped in whole. A failure at any point
//! leaves the previous folder as it was.

use std::path::{Path, PathBuf};

use maatpact_core::PrivacyThresholds;

use crate::error::{Error, Result, io_error};
use crate::io::atomic::{replace_dir_atomic, write_file_atomic};
use crate::publish::audit_folder;

/// The files of one output folder, by path within it.
#[derive(Clone, Debug, Default)]
pub struct Folder {
    files: Vec<(String, Vec<u8>)>,
}

impl Folder {
    /// An empty folder.
    pub fn new() -> Folder {
        Folder::default()
    }

    /// Adds a file (`charts/x.svg` makes the subfolder).
    pub fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.push((name.into(), bytes.into()));
    }

    /// The files' paths, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.files.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names
    }

    /// Writes the files into `dir` (a staging folder).
    fn write_into(&self, dir: &Path) -> Result<()> {
        for (index, (name, bytes)) in self.files.iter().enumerate() {
            if index == self.files.len() / 2 {
                injected_failure("write-midway")?;
            }
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            write_file_atomic(&path, bytes)?;
        }
        Ok(())
    }

    /// Replaces `out` with these files, unaudited: for folders that describe no households
    /// (benchmarks on synthetic data) and internal folders.
    pub fn replace(&self, out: &Path) -> Result<()> {
        replace_dir_atomic(out, |staging| self.write_into(staging))
    }

    /// Replaces `out` with this publication once its staged copy passes `maatpact audit`.
    pub fn publish(&self, out: &Path, thresholds: &PrivacyThresholds) -> Result<()> {
        replace_dir_atomic(out, |staging| {
            self.write_into(staging)?;
            let outcome = audit_folder(staging, thresholds)?;
            if outcome.passed() {
                return Ok(());
            }
            Err(Error::Output {
                what: out.display().to_string(),
                message: format!(
                    "the folder fails its disclosure audit and is not published:\n{}",
                    outcome.to_text()
                ),
            })
        })
    }
}

/// The publication folder and, when asked for, the internal folder beside it: the internal
/// folder is swapped in only once the publication is, so a failed run leaves both.
pub fn publish_with_internal(
    publication: &Folder,
    out: &Path,
    thresholds: &PrivacyThresholds,
    internal: Option<(&Folder, &Path)>,
) -> Result<()> {
    match internal {
        Some((files, dir)) => {
            check_internal_apart(out, dir)?;
            replace_dir_atomic(dir, |staging| {
                files.write_into(staging)?;
                publication.publish(out, thresholds)
            })
        }
        None => publication.publish(out, thresholds),
    }
}

/// The internal folder must be neither the publication folder nor inside it (or it inside
/// the internal one): per-household files would otherwise be published with it.
pub fn check_internal_apart(out: &Path, internal: &Path) -> Result<()> {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .components()
            .collect::<PathBuf>()
    };
    let (out, internal) = (absolute(out), absolute(internal));
    if internal.starts_with(&out) || out.starts_with(&internal) {
        return Err(Error::Usage(format!(
            "--internal `{}` must be a folder apart from the publication folder `{}`, not inside it or around it",
            internal.display(),
            out.display()
        )));
    }
    Ok(())
}

/// The README of the internal folder: what it is, and that it is not for publication.
pub const INTERNAL_README: &str = "# Intern: niet publiceren / Internal: do not publish

Deze map bevat gegevens per huishouden (casusnummer, rijnummer). Ze is bedoeld voor het
projectteam en mag niet worden gedeeld of gepubliceerd. Wat gepubliceerd mag worden staat in
de uitvoermap van `maatpact run` (--out), die door geheimhoudingscontrole is gegaan.

This folder holds data per household (case id, row number). It is for the project team only
and must not be shared or published. What may be published is the output folder of
`maatpact run` (--out), which has passed disclosure control.

- assignments.csv: per case id, its cluster (0: in no cluster), its distance to the
  cluster's mode, and, for latent class analysis, its class probabilities.
- data_quality_rows.csv (`maatpact run` only): every finding of validation, with file, row,
  column and the (masked) value.
";

/// A test-only fault-injection point: with `MAATPACT_FAIL_AT=<stage>` in the environment a
/// command fails at that stage (`write-midway` fails after half the files are written), so
/// tests can check that a failed run leaves the previous output as it was. With
/// `MAATPACT_PAUSE_AT=<stage>` it stops there and waits to be killed, so tests can send
/// SIGKILL at a known point.
pub(crate) fn injected_failure(stage: &str) -> Result<()> {
    if std::env::var("MAATPACT_PAUSE_AT").is_ok_and(|wanted| wanted == stage) {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    match std::env::var("MAATPACT_FAIL_AT") {
        Ok(wanted) if wanted == stage => Err(Error::Output {
            what: format!("stage {stage}"),
            message: "failure injected by MAATPACT_FAIL_AT".into(),
        }),
        _ => Ok(()),
    }
}

/// The selection of households a folder describes (`--where`, `[filter]`), as
/// `summary.json` states it: `null` for all households.
pub(crate) fn selection_of(config: &maatpact_core::Config) -> Option<String> {
    Some(config.selection.to_string()).filter(|s| !s.is_empty())
}

/// Pretty JSON with a trailing newline.
pub(crate) fn json_bytes(value: &serde_json::Value) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(value).map_err(|err| Error::Output {
        what: "summary.json".into(),
        message: err.to_string(),
    })?;
    json.push(b'\n');
    Ok(json)
}
