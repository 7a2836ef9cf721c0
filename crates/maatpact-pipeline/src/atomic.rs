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
pub fn replace_dir_atomic<T>(dir: &Path, build: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
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
