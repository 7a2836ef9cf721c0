//! `maatpact bench`: clustering methods against a known truth. Synthetic data with planted
//! cocktails; for every size, noise level, method and repeat: ARI and NMI against the truth,
//! silhouette, which planted cocktails came back exactly, wall time and peak memory; and
//! beside every method the oracle, the ceiling no unsupervised method can beat by much.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use maatpact_core::{
    ClusterAlgorithm, ClusterParams, Config, KChoice, PlantedParams, Preset, SynthParams,
    TagMatrix, adjusted_rand_index, cluster, normalized_mutual_information, oracle_labels,
    synthesize,
};

use crate::charts::{LineData, RenderedChart, line_chart};
use crate::document::{Block, to_markdown};
use crate::error::{Error, Result};
use crate::memory::{peak_memory_mib, reset_peak_memory};
use crate::run::chart_notes;
use crate::tables::{Table, fixed, fixed_opt};
use crate::{replace_dir_atomic, report::Lang};

/// What to benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchSettings {
    /// Numbers of cases.
    pub sizes: Vec<usize>,
    /// Methods to run.
    pub algorithms: Vec<ClusterAlgorithm>,
    /// Fractions of noise cases (no cocktail); `1.0` is the `noise` preset: no structure.
    pub noise_levels: Vec<f64>,
    /// Repeats per cell, each with its own data seed.
    pub repeats: usize,
    /// The base seed.
    pub seed: u64,
    /// Planted cocktails (the four references, then generated ones).
    pub n_cocktails: usize,
    /// Extra generic background tags.
    pub extra_tags: usize,
    /// How k is chosen for every method.
    pub k: KChoice,
    /// Bootstrap resamples for stability (0 skips it, which is the default for speed).
    pub stability_resamples: usize,
    /// The output folder.
    pub out: PathBuf,
}

/// One measured (or skipped) run.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchRow {
    /// Number of cases.
    pub size: usize,
    /// Noise level.
    pub noise: f64,
    /// Method, or `oracle`.
    pub algorithm: String,
    /// Repeat index.
    pub repeat: usize,
    /// Adjusted Rand index against the truth.
    pub ari: Option<f64>,
    /// Normalised mutual information against the truth.
    pub nmi: Option<f64>,
    /// Mean silhouette of the result.
    pub silhouette: Option<f64>,
    /// Planted cocktails that came back as a cluster with exactly their tags.
    pub recovered: Option<usize>,
    /// Planted cocktails.
    pub planted: usize,
    /// Clusters found.
    pub k: Option<usize>,
    /// Wall time of the clustering, in seconds.
    pub seconds: Option<f64>,
    /// Peak resident memory of the process during the run, in MiB (Linux only).
    pub peak_mib: Option<f64>,
    /// `ok`, or `skipped: reason`.
    pub status: String,
}

/// The truth of synthetic cases as label indices (`noise` is its own class).
fn truth_labels(cases: &[maatpact_core::Case]) -> Vec<usize> {
    let mut names: Vec<&str> = cases
        .iter()
        .map(|c| c.true_cluster.as_deref().unwrap_or(""))
        .collect();
    names.sort_unstable();
    names.dedup();
    cases
        .iter()
        .map(|c| {
            names
                .binary_search(&c.true_cluster.as_deref().unwrap_or(""))
                .unwrap_or(0)
        })
        .collect()
}

/// Runs the benchmark and writes `bench.csv`, `bench.md` and two charts.
pub fn run_bench(settings: &BenchSettings, progress: &dyn Fn(&str)) -> Result<Vec<BenchRow>> {
    if settings.sizes.is_empty()
        || settings.algorithms.is_empty()
        || settings.noise_levels.is_empty()
        || settings.repeats == 0
    {
        return Err(Error::Usage(
            "bench needs at least one size, algorithm, noise level and repeat".into(),
        ));
    }
    if let Some(bad) = settings
        .noise_levels
        .iter()
        .find(|n| !(0.0..=1.0).contains(*n))
    {
        return Err(Error::Usage(format!("noise level {bad} is not in [0, 1]")));
    }
    let config = Config::default();
    let mut rows = Vec::new();
    for &size in &settings.sizes {
        for &noise in &settings.noise_levels {
            for repeat in 0..settings.repeats {
                let data_seed = settings.seed.wrapping_add(repeat as u64);
                let preset = if noise >= 1.0 {
                    Preset::Noise
                } else {
                    Preset::Maatpact
                };
                let synthetic = synthesize(
                    &SynthParams {
                        preset,
                        n_cases: Some(size),
                        seed: data_seed,
                        planted: PlantedParams {
                            noise_fraction: noise.min(1.0),
                            extra_tags: settings.extra_tags,
                            n_cocktails: Some(settings.n_cocktails),
                            ..PlantedParams::default()
                        },
                    },
                    &config,
                )?;
                let matrix = TagMatrix::from_cases(&synthetic.cases, synthetic.vocabulary.len());
                let truth = truth_labels(&synthetic.cases);
                // Against a truth of one class (the noise preset) ARI and NMI are 0/0: they say
                // nothing, and are left empty rather than shown as 1 for the oracle.
                let informative = truth.iter().any(|&t| t != truth[0]);
                let agreement = |labels: &[usize]| {
                    informative.then(|| {
                        (
                            adjusted_rand_index(labels, &truth),
                            normalized_mutual_information(labels, &truth),
                        )
                    })
                };
                let planted: Vec<Vec<maatpact_core::TagId>> = if preset == Preset::Noise {
                    Vec::new()
                } else {
                    synthetic.cocktails.iter().map(|c| c.tags.clone()).collect()
                };
                let oracle = oracle_labels(&matrix, &truth);
                rows.push(BenchRow {
                    size,
                    noise,
                    algorithm: "oracle".into(),
                    repeat,
                    ari: agreement(&oracle).map(|a| a.0),
                    nmi: agreement(&oracle).map(|a| a.1),
                    silhouette: None,
                    recovered: None,
                    planted: planted.len(),
                    k: None,
                    seconds: None,
                    peak_mib: None,
                    status: "ok".into(),
                });
                for &algorithm in &settings.algorithms {
                    progress(&format!(
                        "n={size} noise={noise} repeat={repeat} {algorithm}"
                    ));
                    let params = ClusterParams {
                        algorithm,
                        k: settings.k,
                        seed: data_seed,
                        bootstrap_resamples: settings.stability_resamples,
                        ..ClusterParams::default()
                    }
                    .check()?;
                    let measured = reset_peak_memory();
                    let started = Instant::now();
                    let outcome = cluster(
                        &matrix,
                        &params,
                        &synthetic.cocktails,
                        &synthetic.vocabulary,
                    );
                    let seconds = started.elapsed().as_secs_f64();
                    let peak = if measured { peak_memory_mib() } else { None };
                    rows.push(match outcome {
                        Ok(result) => {
                            let labels = &result.clustering.labels;
                            let recovered = planted
                                .iter()
                                .filter(|tags| {
                                    result.profiles.iter().any(|p| &p.defining_tags == *tags)
                                })
                                .count();
                            BenchRow {
                                size,
                                noise,
                                algorithm: algorithm.to_string(),
                                repeat,
                                ari: agreement(labels).map(|a| a.0),
                                nmi: agreement(labels).map(|a| a.1),
                                silhouette: result.structure.silhouette,
                                recovered: Some(recovered),
                                planted: planted.len(),
                                k: Some(result.clustering.n_clusters()),
                                seconds: Some(seconds),
                                peak_mib: peak,
                                status: "ok".into(),
                            }
                        }
                        // A method that cannot run at this size says why; it is never dropped.
                        Err(err) => BenchRow {
                            size,
                            noise,
                            algorithm: algorithm.to_string(),
                            repeat,
                            ari: None,
                            nmi: None,
                            silhouette: None,
                            recovered: None,
                            planted: planted.len(),
                            k: None,
                            seconds: None,
                            peak_mib: None,
                            status: format!("skipped: {err}"),
                        },
                    });
                }
            }
        }
    }
    let csv_table = bench_table(&rows);
    let markdown = bench_markdown(&rows, settings);
    let charts = bench_charts(&rows, settings)?;
    replace_dir_atomic(&settings.out, |dir| {
        let write = |name: &str, bytes: &[u8]| crate::write_file_atomic(&dir.join(name), bytes);
        write("bench.csv", &csv_table.to_csv()?)?;
        write("bench.md", markdown.as_bytes())?;
        std::fs::create_dir_all(dir.join("charts"))
            .map_err(crate::error::io_error(dir.join("charts")))?;
        for chart in &charts {
            write(&format!("charts/{}.svg", chart.name), chart.svg.as_bytes())?;
            write(&format!("charts/{}.png", chart.name), &chart.png)?;
        }
        Ok(())
    })?;
    Ok(rows)
}

/// `bench.csv`: one row per (size, noise, algorithm, repeat).
pub fn bench_table(rows: &[BenchRow]) -> Table {
    let mut table = Table::new(&[
        "size",
        "noise",
        "algorithm",
        "repeat",
        "ari",
        "nmi",
        "silhouette",
        "recovered",
        "planted",
        "k",
        "seconds",
        "peak_mib",
        "status",
    ]);
    table.rows = rows
        .iter()
        .map(|r| {
            vec![
                r.size.to_string(),
                fixed(r.noise, 2),
                r.algorithm.clone(),
                r.repeat.to_string(),
                fixed_opt(r.ari, 4),
                fixed_opt(r.nmi, 4),
                fixed_opt(r.silhouette, 4),
                r.recovered.map(|v| v.to_string()).unwrap_or_default(),
                r.planted.to_string(),
                r.k.map(|v| v.to_string()).unwrap_or_default(),
                fixed_opt(r.seconds, 3),
                fixed_opt(r.peak_mib, 1),
                r.status.clone(),
            ]
        })
        .collect();
    table
}

fn median_and_range(values: &mut [f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let median = maatpact_core::percentile(values, 0.5);
    Some((median, values[0], values[values.len() - 1]))
}

type CellKey = (usize, String, String);

fn cells(rows: &[BenchRow]) -> BTreeMap<CellKey, Vec<&BenchRow>> {
    let mut cells: BTreeMap<CellKey, Vec<&BenchRow>> = BTreeMap::new();
    for row in rows {
        cells
            .entry((row.size, fixed(row.noise, 2), row.algorithm.clone()))
            .or_default()
            .push(row);
    }
    cells
}

/// `bench.md`: median and range per cell.
pub fn bench_markdown(rows: &[BenchRow], settings: &BenchSettings) -> String {
    let summary = |values: Vec<f64>, decimals: usize| -> String {
        let mut values = values;
        match median_and_range(&mut values) {
            Some((median, low, high)) if low == high => fixed(median, decimals),
            Some((median, low, high)) => format!(
                "{} ({}–{})",
                fixed(median, decimals),
                fixed(low, decimals),
                fixed(high, decimals)
            ),
            None => String::new(),
        }
    };
    let mut table_rows = Vec::new();
    for ((size, noise, algorithm), members) in cells(rows) {
        let skipped: Vec<&str> = members
            .iter()
            .filter(|r| r.status != "ok")
            .map(|r| r.status.as_str())
            .collect();
        table_rows.push(vec![
            size.to_string(),
            noise,
            algorithm,
            summary(members.iter().filter_map(|r| r.ari).collect(), 3),
            summary(members.iter().filter_map(|r| r.nmi).collect(), 3),
            summary(members.iter().filter_map(|r| r.silhouette).collect(), 3),
            members
                .iter()
                .filter_map(|r| r.recovered.map(|v| format!("{v}/{}", r.planted)))
                .collect::<Vec<_>>()
                .join(" "),
            summary(members.iter().filter_map(|r| r.seconds).collect(), 3),
            summary(members.iter().filter_map(|r| r.peak_mib).collect(), 0),
            skipped
                .first()
                .map(|s| (*s).to_owned())
                .unwrap_or_else(|| "ok".into()),
        ]);
    }
    let blocks = vec![
        Block::Heading(1, "maatpact bench".into()),
        Block::Paragraph(format!(
            "Synthetic data (maatpact preset; noise level 1.00 is the noise preset), {} planted cocktails, {} extra tags, {} repeat(s) from seed {}, k {}. Median (range) over repeats. `oracle` is a Bernoulli model per true cluster fitted with the true labels: the ceiling for ARI. Peak memory is the process's peak resident set during the run (Linux).",
            settings.n_cocktails, settings.extra_tags, settings.repeats, settings.seed, settings.k
        )),
        Block::Table(
            [
                "size",
                "noise",
                "algorithm",
                "ARI",
                "NMI",
                "silhouette",
                "recovered",
                "seconds",
                "peak MiB",
                "status",
            ]
            .map(String::from)
            .to_vec(),
            table_rows,
        ),
    ];
    to_markdown(&blocks)
}

fn bench_charts(rows: &[BenchRow], settings: &BenchSettings) -> Result<Vec<RenderedChart>> {
    let notes = chart_notes(Lang::En);
    let mut algorithms: Vec<String> = rows.iter().map(|r| r.algorithm.clone()).collect();
    algorithms.sort();
    algorithms.dedup();
    let largest = settings.sizes.iter().copied().max().unwrap_or(0);
    let median_of = |values: Vec<f64>| {
        let mut values = values;
        median_and_range(&mut values).map(|(m, _, _)| m)
    };
    let quality = LineData {
        title: format!("Quality against noise (n = {largest})"),
        x_label: "noise level".into(),
        y_label: "ARI against the truth".into(),
        x_ticks: Vec::new(),
        log_scale: false,
        series: algorithms
            .iter()
            .map(|algorithm| {
                let points = settings
                    .noise_levels
                    .iter()
                    .map(|&noise| {
                        let values = rows
                            .iter()
                            .filter(|r| {
                                r.size == largest && &r.algorithm == algorithm && r.noise == noise
                            })
                            .filter_map(|r| r.ari)
                            .collect();
                        (noise, median_of(values))
                    })
                    .collect();
                (algorithm.clone(), points)
            })
            .collect(),
    };
    let first_noise = settings.noise_levels[0];
    let time = LineData {
        title: format!("Time against size (noise {first_noise})"),
        x_label: "cases".into(),
        y_label: "seconds".into(),
        x_ticks: Vec::new(),
        log_scale: true,
        series: algorithms
            .iter()
            .filter(|a| a.as_str() != "oracle")
            .map(|algorithm| {
                let points = settings
                    .sizes
                    .iter()
                    .map(|&size| {
                        let values = rows
                            .iter()
                            .filter(|r| {
                                r.size == size
                                    && &r.algorithm == algorithm
                                    && r.noise == first_noise
                            })
                            .filter_map(|r| r.seconds)
                            .map(|s| s.max(1e-4))
                            .collect();
                        (size as f64, median_of(values))
                    })
                    .collect();
                (algorithm.clone(), points)
            })
            .collect(),
    };
    Ok(vec![
        line_chart("quality_vs_noise", &quality, &notes)?,
        line_chart("time_vs_size", &time, &notes)?,
    ])
}
