//! `maatpact bench`: clustering methods against a known truth. Synthetic data with planted
//! cocktails; for every size, noise level, method and repeat: ARI and NMI against the truth,
//! silhouette, which planted cocktails came back exactly, wall time and peak memory; and
//! beside every method the oracle, the ceiling no unsupervised method can beat by much, and
//! the true model, the same classifier without the sample's labels.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use maatpact_core::{
    BernoulliClasses, Case, ClusterAlgorithm, ClusterParams, Config, KChoice, PlantedParams,
    Preset, SynthParams, TagMatrix, adjusted_rand_index, cluster, defining_tags_of_partition,
    normalized_mutual_information, oracle_labels, synthesize,
};

use super::folder::Folder;
use crate::error::{Error, Result};
use crate::io::memory::{peak_memory_mib, reset_peak_memory};
use crate::publish::csv::{Table, fixed, fixed_opt};
use crate::render::charts::{LineData, Notes, RenderedChart, line_chart};
use crate::render::document::{Block, to_markdown};
use crate::render::format::Lang;

/// What to benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchSettings {
    /// Numbers of cases.
    pub sizes: Vec<usize>,
    /// Methods to run.
    pub algorithms: Vec<ClusterAlgorithm>,
    /// Generators: `maatpact` (with the noise levels below), `noise`, or any of the
    /// variants of [`Preset::VARIANTS`], which we did not design the methods on.
    pub presets: Vec<Preset>,
    /// Fractions of noise cases (no cocktail) for the `maatpact` preset; `1.0` is the
    /// `noise` preset: no structure.
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
    /// Cases of the same generator (another seed) that the `true_model` row is fitted on;
    /// 0 skips it.
    pub true_model_cases: usize,
    /// The output folder.
    pub out: PathBuf,
}

/// One measured (or skipped) run.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchRow {
    /// Number of cases.
    pub size: usize,
    /// The generator (`maatpact`, `noise` or a variant).
    pub preset: String,
    /// Noise level: the share of households in no cocktail.
    pub noise: f64,
    /// Method, `oracle` or `true_model`.
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
    /// Clusters with two or more defining tags that are no planted cocktail.
    pub invented: Option<usize>,
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

/// The truth of synthetic cases as label indices: the planted cocktails in order, then the
/// noise cases, so that two samples of one generator number their classes alike.
fn truth_labels(cases: &[Case], cocktails: &[maatpact_core::ReferenceCocktail]) -> Vec<usize> {
    cases
        .iter()
        .map(|c| {
            c.true_cluster
                .as_deref()
                .and_then(|id| cocktails.iter().position(|r| r.id == id))
                .unwrap_or(cocktails.len())
        })
        .collect()
}

/// Mixed into the data seed for the cases the `true_model` row is fitted on.
const TRUE_MODEL_SEED: u64 = 0x7275_655f_6d6f_6465;

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
    let mut data_sets: Vec<(Preset, f64)> = Vec::new();
    for &preset in &settings.presets {
        match preset {
            Preset::Maatpact => data_sets.extend(settings.noise_levels.iter().map(|&noise| {
                let preset = if noise >= 1.0 {
                    Preset::Noise
                } else {
                    Preset::Maatpact
                };
                (preset, noise)
            })),
            Preset::Maastricht => {
                return Err(Error::Usage(
                    "bench needs planted cocktails or none: maastricht plants no truth".into(),
                ));
            }
            other => data_sets.push((other, nominal_noise(other))),
        }
    }
    let mut rows = Vec::new();
    for &size in &settings.sizes {
        for &(preset, noise) in &data_sets {
            for repeat in 0..settings.repeats {
                rows.extend(bench_data_set(
                    settings,
                    &config,
                    (preset, size, noise, repeat),
                    progress,
                )?);
            }
        }
    }
    let mut folder = Folder::new();
    folder.add("bench.csv", bench_table(&rows).to_csv()?);
    folder.add("bench.md", bench_markdown(&rows, settings));
    for chart in bench_charts(&rows, settings)? {
        folder.add(format!("charts/{}.svg", chart.name), chart.svg);
        folder.add(format!("charts/{}.png", chart.name), chart.png);
    }
    // Synthetic data describe no household: nothing to audit.
    folder.replace(&settings.out)?;
    Ok(rows)
}

/// What one synthetic data set is scored against: its true labels, and the cocktails
/// planted in it.
struct Truth {
    labels: Vec<usize>,
    informative: bool,
    planted: Vec<Vec<maatpact_core::TagId>>,
}

impl Truth {
    /// The truth of a synthetic data set.
    fn of(synthetic: &maatpact_core::Synthetic, preset: Preset) -> Truth {
        let labels = truth_labels(&synthetic.cases, &synthetic.cocktails);
        Truth {
            informative: labels.iter().any(|&t| t != labels[0]),
            planted: if preset == Preset::Noise {
                Vec::new()
            } else {
                synthetic.cocktails.iter().map(|c| c.tags.clone()).collect()
            },
            labels,
        }
    }

    /// Of a clustering's defining tag sets: the planted cocktails among them (exactly), and
    /// the sets of two or more tags that match none.
    fn found_and_invented(&self, described: &[Vec<maatpact_core::TagId>]) -> (usize, usize) {
        let found = self
            .planted
            .iter()
            .filter(|tags| described.contains(tags))
            .count();
        let invented = described
            .iter()
            .filter(|d| d.len() >= 2 && !self.planted.contains(d))
            .count();
        (found, invented)
    }

    /// ARI and NMI against the truth. Against a truth of one class (the noise preset) they
    /// are 0/0: they say nothing, and are left empty rather than shown as 1 for the oracle.
    fn agreement(&self, labels: &[usize]) -> Option<(f64, f64)> {
        self.informative.then(|| {
            (
                adjusted_rand_index(labels, &self.labels),
                normalized_mutual_information(labels, &self.labels),
            )
        })
    }
}

/// The share of households in no cocktail that a generator plants.
fn nominal_noise(preset: Preset) -> f64 {
    match preset {
        Preset::Noise => 1.0,
        Preset::Noise20 => 0.2,
        _ => 0.1,
    }
}

/// Every method, and the ceilings, on one synthetic data set.
fn bench_data_set(
    settings: &BenchSettings,
    config: &Config,
    (preset, size, noise, repeat): (Preset, usize, f64, usize),
    progress: &dyn Fn(&str),
) -> Result<Vec<BenchRow>> {
    let data_seed = settings.seed.wrapping_add(repeat as u64);
    let generate = |n_cases: usize, seed: u64| {
        synthesize(
            &SynthParams {
                preset,
                n_cases: Some(n_cases),
                seed,
                planted: PlantedParams {
                    noise_fraction: noise.min(1.0),
                    extra_tags: settings.extra_tags,
                    n_cocktails: Some(settings.n_cocktails),
                    ..PlantedParams::default()
                },
            },
            config,
        )
    };
    let synthetic = generate(size, data_seed)?;
    let matrix = TagMatrix::from_cases(&synthetic.cases, synthetic.vocabulary.len());
    let truth = Truth::of(&synthetic, preset);
    let base = RowBase {
        size,
        preset,
        noise,
        repeat,
        truth: &truth,
    };
    let mut rows = vec![
        base.scored("oracle", &oracle_labels(&matrix, &truth.labels)),
        base.true_grouping(&matrix, synthetic.cocktails.len()),
    ];
    if truth.informative && settings.true_model_cases > 0 {
        // Fitted on the generator's other cases, it does not know the sample's labels: the
        // oracle's advantage on small samples shows against it.
        let source = generate(settings.true_model_cases, data_seed ^ TRUE_MODEL_SEED)?;
        let source_matrix = TagMatrix::from_cases(&source.cases, source.vocabulary.len());
        let model = BernoulliClasses::fit(
            &source_matrix,
            &truth_labels(&source.cases, &source.cocktails),
        );
        rows.push(base.scored("true_model", &model.assign(&matrix)));
    }
    for &algorithm in &settings.algorithms {
        progress(&format!(
            "n={size} {preset} noise={noise} repeat={repeat} {algorithm}"
        ));
        let params = ClusterParams {
            algorithm: algorithm.into(),
            k: settings.k,
            seed: data_seed,
            bootstrap_resamples: settings.stability_resamples,
            ..ClusterParams::default()
        }
        .check()?;
        rows.push(base.method(&params, &matrix, &synthetic));
    }
    Ok(rows)
}

/// What every row of one data set shares.
struct RowBase<'a> {
    size: usize,
    preset: Preset,
    noise: f64,
    repeat: usize,
    truth: &'a Truth,
}

impl RowBase<'_> {
    fn empty(&self, algorithm: &str) -> BenchRow {
        BenchRow {
            size: self.size,
            preset: self.preset.to_string(),
            noise: self.noise,
            algorithm: algorithm.into(),
            repeat: self.repeat,
            ari: None,
            nmi: None,
            silhouette: None,
            recovered: None,
            invented: None,
            planted: self.truth.planted.len(),
            k: None,
            seconds: None,
            peak_mib: None,
            status: "ok".into(),
        }
    }

    /// The ceiling of found and invented: the true grouping described by the same rule as
    /// every method's clusters (households in no cocktail have no defining tags).
    fn true_grouping(&self, matrix: &TagMatrix, n_planted: usize) -> BenchRow {
        let described = defining_tags_of_partition(
            matrix,
            &self.truth.labels,
            n_planted + 1,
            Some(n_planted),
            &ClusterParams::default(),
        );
        let (found, invented) = self.truth.found_and_invented(&described);
        BenchRow {
            recovered: Some(found),
            invented: Some(invented),
            ..self.scored("true_grouping", &self.truth.labels)
        }
    }

    fn scored(&self, algorithm: &str, labels: &[usize]) -> BenchRow {
        let agreement = self.truth.agreement(labels);
        BenchRow {
            ari: agreement.map(|a| a.0),
            nmi: agreement.map(|a| a.1),
            ..self.empty(algorithm)
        }
    }

    /// One clustering method, timed, with its peak memory. A method that cannot run at
    /// this size says why; it is never dropped.
    fn method(
        &self,
        params: &maatpact_core::ValidClusterParams,
        matrix: &TagMatrix,
        synthetic: &maatpact_core::Synthetic,
    ) -> BenchRow {
        let name = params.get().algorithm.to_string();
        let measured = reset_peak_memory();
        let started = Instant::now();
        let outcome = cluster(matrix, params, &synthetic.cocktails, &synthetic.vocabulary);
        let seconds = started.elapsed().as_secs_f64();
        let peak = if measured { peak_memory_mib() } else { None };
        match outcome {
            Ok(result) => {
                let described: Vec<Vec<maatpact_core::TagId>> = result
                    .profiles
                    .iter()
                    .map(|p| p.defining_tags.clone())
                    .collect();
                let (recovered, invented) = self.truth.found_and_invented(&described);
                BenchRow {
                    silhouette: result.structure.silhouette,
                    recovered: Some(recovered),
                    invented: Some(invented),
                    k: Some(result.clustering.n_clusters()),
                    seconds: Some(seconds),
                    peak_mib: peak,
                    ..self.scored(&name, &result.clustering.labels)
                }
            }
            Err(err) => BenchRow {
                status: format!("skipped: {err}"),
                ..self.empty(&name)
            },
        }
    }
}

/// `bench.csv`: one row per (size, noise, algorithm, repeat).
pub fn bench_table(rows: &[BenchRow]) -> Table {
    let mut table = Table::new(&[
        "size",
        "preset",
        "noise",
        "algorithm",
        "repeat",
        "ari",
        "nmi",
        "silhouette",
        "recovered",
        "invented",
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
                r.preset.clone(),
                fixed(r.noise, 2),
                r.algorithm.clone(),
                r.repeat.to_string(),
                fixed_opt(r.ari, 4),
                fixed_opt(r.nmi, 4),
                fixed_opt(r.silhouette, 4),
                r.recovered.map(|v| v.to_string()).unwrap_or_default(),
                r.invented.map(|v| v.to_string()).unwrap_or_default(),
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
        let data = format!("{} {}", row.preset, fixed(row.noise, 2));
        cells
            .entry((row.size, data, row.algorithm.clone()))
            .or_default()
            .push(row);
    }
    cells
}

/// Median (range) of values, or the value when they are all equal.
fn median_range_text(values: Vec<f64>, decimals: usize) -> String {
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
}

/// Runs of a cell with every planted cocktail found and none invented, of those scored.
fn perfect_runs(members: &[&BenchRow]) -> String {
    let scored: Vec<&&BenchRow> = members.iter().filter(|r| r.recovered.is_some()).collect();
    let perfect = scored
        .iter()
        .filter(|r| r.recovered == Some(r.planted) && r.invented == Some(0))
        .count();
    if scored.is_empty() {
        String::new()
    } else {
        format!("{perfect}/{}", scored.len())
    }
}

/// One row of `bench.md`: a cell's summaries.
fn markdown_row((size, data, algorithm): CellKey, members: &[&BenchRow]) -> Vec<String> {
    let summary = median_range_text;
    let counts = |pick: fn(&BenchRow) -> Option<usize>| -> Vec<f64> {
        members
            .iter()
            .filter_map(|r| pick(r).map(|v| v as f64))
            .collect()
    };
    let skipped = members
        .iter()
        .map(|r| r.status.as_str())
        .find(|s| *s != "ok")
        .unwrap_or("ok");
    vec![
        size.to_string(),
        data,
        algorithm,
        summary(members.iter().filter_map(|r| r.ari).collect(), 3),
        summary(members.iter().filter_map(|r| r.nmi).collect(), 3),
        summary(members.iter().filter_map(|r| r.silhouette).collect(), 3),
        summary(counts(|r| r.recovered), 1),
        summary(counts(|r| r.invented), 1),
        perfect_runs(members),
        summary(members.iter().filter_map(|r| r.seconds).collect(), 3),
        summary(members.iter().filter_map(|r| r.peak_mib).collect(), 0),
        skipped.to_owned(),
    ]
}

/// `bench.md`: median and range per cell.
pub fn bench_markdown(rows: &[BenchRow], settings: &BenchSettings) -> String {
    let table_rows: Vec<Vec<String>> = cells(rows)
        .into_iter()
        .map(|(key, members)| markdown_row(key, &members))
        .collect();
    let blocks = vec![
        Block::Heading(1, "maatpact bench".into()),
        Block::Paragraph(format!(
            "Synthetic data (the maatpact preset at each noise level, where 1.00 is the noise preset, and the generator variants named), {} planted cocktails (maatpact preset), {} extra tags, {} repeat(s) from seed {}, k {}. Median (range) over repeats. `oracle` is a Bernoulli model per true cluster fitted with the true labels: the ceiling for ARI. `true_grouping` is the planted grouping itself, described by the same defining-tag rule as every method's clusters: the ceiling for found and invented. Found counts planted cocktails that come back as a cluster with exactly their tags; invented counts clusters of two or more defining tags that match none. `true_model` is the same model fitted on {} other cases of the same generator: fitted on the sample itself, the oracle knows its labels, which on small samples puts it above anything that does not. Peak memory is the process's peak resident set during the run (Linux).",
            settings.n_cocktails,
            settings.extra_tags,
            settings.repeats,
            settings.seed,
            settings.k,
            settings.true_model_cases
        )),
        Block::Table(
            [
                "size",
                "data (noise)",
                "algorithm",
                "ARI",
                "NMI",
                "silhouette",
                "found (of planted)",
                "invented",
                "all found, none invented",
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
    let notes = Notes::of(Lang::En);
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
            .filter(|a| !matches!(a.as_str(), "oracle" | "true_model"))
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
