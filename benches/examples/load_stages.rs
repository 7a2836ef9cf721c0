//! Time and peak memory of reading and of validating a case file, apart:
//! `cargo run --release -p maatpact-benches --example load_stages -- CASES.csv`.

use std::time::Instant;

use maatpact_core::{Config, LoadOptions, validate};
use maatpact_pipeline::{ReadOptions, peak_memory_mib, read_table, reset_peak_memory};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: load_stages CASES.csv");
    let path = std::path::Path::new(&path);
    reset_peak_memory();
    let started = Instant::now();
    let table = read_table(path, &ReadOptions::default()).expect("a readable file");
    let read = started.elapsed().as_secs_f64();
    let read_peak = peak_memory_mib();
    reset_peak_memory();
    let started = Instant::now();
    let validated = validate(&table, &Config::default(), &LoadOptions::default());
    let checked = started.elapsed().as_secs_f64();
    let validate_peak = peak_memory_mib();
    println!(
        "read: {read:.3} s, peak {read_peak:.0?} MiB; validate: {checked:.3} s, peak {validate_peak:.0?} MiB; {} rows, {} cases, {} findings",
        table.rows.len(),
        validated.cases.len(),
        validated.issues.len()
    );
}
