//! The peak resident memory of this process, for benchmarks and `--timings` (Linux only).

/// Resets the kernel's peak-RSS counter of this process, so that the next reading of
/// [`peak_memory_mib`] is the peak since now. False where that is not possible (not Linux).
pub fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The peak resident memory of this process in MiB (`VmHWM`), since it started or since the
/// last [`reset_peak_memory`]; `None` where it cannot be read.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
