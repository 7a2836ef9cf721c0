//! Atomic writes: a failed or interrupted run never leaves a half-written file or folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Result, io_error};

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = sibling(path, "tmp");
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(io_error(path))
}

/// A hidden name beside `path`, unique to this process: `.NAME.TAG-PID`.
pub fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Builds a folder's contents in a temporary folder beside `dir`, then swaps it into place.
/// When `build` fails, the temporary folder is removed and `dir` is left as it was.
///
/// On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant `dir` is either
/// the complete previous folder or the complete new one, even if the process is killed.
/// Elsewhere (or on a file system without it) the previous folder is first renamed aside;
/// a kill between the two renames then leaves it as `.NAME.old-PID`, which the next run
/// puts back before it starts.
pub fn replace_dir_atomic<T>(dir: &Path, build: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    recover_interrupted(dir);
    let staging = sibling(dir, "new");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(io_error(&staging))?;
    let value = match build(&staging) {
        Ok(value) => value,
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
    };
    if dir.exists() && exchange(&staging, dir).is_ok() {
        // `staging` now holds the previous folder.
        let _ = fs::remove_dir_all(&staging);
        return Ok(value);
    }
    // Rename the old folder aside first: a directory cannot be renamed over a non-empty one.
    let previous = sibling(dir, "old");
    let _ = fs::remove_dir_all(&previous);
    let had_previous = dir.exists();
    if had_previous {
        fs::rename(dir, &previous).map_err(io_error(dir))?;
    }
    if let Err(err) = fs::rename(&staging, dir) {
        if had_previous {
            let _ = fs::rename(&previous, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(io_error(dir)(err));
    }
    if had_previous {
        let _ = fs::remove_dir_all(&previous);
    }
    Ok(value)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Cleans up after a run of another process that was killed: removes its staging folders
/// (`.NAME.new-PID`), and when `dir` is missing but a previous folder was renamed aside
/// (`.NAME.old-PID`), puts that back. Only folders of processes that no longer run are
/// touched (on Linux, where that can be checked; elsewhere none).
fn recover_interrupted(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some((tag, pid)) = file_name
            .strip_prefix(&format!(".{name}."))
            .and_then(|rest| rest.split_once('-'))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || !process_is_gone(pid) {
            continue;
        }
        match tag {
            "new" => {
                let _ = fs::remove_dir_all(entry.path());
            }
            "old" if !dir.exists() => {
                let _ = fs::rename(entry.path(), dir);
            }
            "old" => {
                let _ = fs::remove_dir_all(entry.path());
            }
            _ => {}
        }
    }
}

#[cfg(target_os = "linux")]
fn process_is_gone(pid: u32) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_is_gone(_: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_renamed_aside_by_a_killed_run_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // What a run killed between its two renames leaves: no `out`, the previous folder
        // aside under a process id that no longer runs.
        let aside = dir.path().join(".out.old-4000000000");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("report.md"), "previous").unwrap();
        let stale_staging = dir.path().join(".out.new-4000000001");
        fs::create_dir_all(&stale_staging).unwrap();
        let failed = replace_dir_atomic(&out, |_| -> Result<()> {
            Err(crate::error::Error::Usage("the build fails".into()))
        });
        assert!(failed.is_err());
        assert_eq!(
            fs::read_to_string(out.join("report.md")).unwrap(),
            "previous"
        );
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out"]);
    }

    #[test]
    fn a_successful_build_replaces_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("old.txt"), "old").unwrap();
        replace_dir_atomic(&out, |staging| {
            write_file_atomic(&staging.join("new.txt"), b"new")
        })
        .unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(fs::read_to_string(out.join("new.txt")).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
