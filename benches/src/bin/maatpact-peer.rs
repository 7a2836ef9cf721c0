//! The Rust side of the peer comparison in `benches/peers/`: exports synthetic data in formats
//! that pyfim, mlxtend, kmodes and scikit-learn read, and mines or clusters it with
//! `maatpact-core`, printing JSON that the Python driver compares with its peers.
//!
//! ```text
//! maatpact-peer export  --preset maatpact|noise --cases N --seed S --extra-tags E --out DIR
//! maatpact-peer mine    --input DIR --min-support F [--repeat R]
//! maatpact-peer cluster --input DIR --algorithm kmodes|hierarchical|lca [--k 4] [--n-init 10]
//!                       [--seed S] [--dissimilarity jaccard|hamming] [--init huang|cao|cao-then-huang]
//!                       [--repeat R] [--labels-out FILE]
//! ```
//!
//! `export` writes into DIR:
//! - `transactions.txt`: one line per case, its tag indices separated by spaces (an empty line
//!   for a case without tags), the format pyfim and Borgelt's command-line tools read;
//! - `matrix.csv`: a header of tag ids, then one 0/1 row per case (mlxtend, kmodes, sklearn);
//! - `truth.txt`: each case's `true_cluster` (a planted cocktail's id, or `noise`);
//! - `meta.json`: the parameters, the tag ids and the number of distinct profiles.
//!
//! Times are wall-clock seconds measured with `std::time::Instant` around the library calls
//! only, and the CPU seconds of all the process's threads over the same span (`*_cpu_seconds`);
//! reading the files is not timed, as it is not timed for the Python peers either.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use maatpact_core::{
    ClusterAlgorithm, ClusterParams, Config, Dissimilarity, ItemsetKind, KModesInit, MiningParams,
    Preset, Support, SynthParams, TagId, TagMatrix, adjusted_rand_index, fit_clustering, mine,
    oracle_labels, synthesize,
};
use serde_json::json;

type Failure = Box<dyn std::error::Error>;

const USAGE: &str = "usage:
  maatpact-peer export  --preset maatpact|noise --cases N --seed S --extra-tags E --out DIR
  maatpact-peer mine    --input DIR --min-support F [--repeat R]
  maatpact-peer cluster --input DIR --algorithm kmodes|hierarchical|lca [--k 4] [--n-init 10]
                        [--seed S] [--dissimilarity jaccard|hamming]
                        [--init huang|cao|cao-then-huang] [--repeat R] [--labels-out FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = Options::parse(rest).and_then(|options| match command.as_str() {
        "export" => export(&options),
        "mine" => mine_command(&options),
        "cluster" => cluster_command(&options),
        other => Err(format!("unknown command `{other}`\n{USAGE}").into()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` pairs; every option takes a value.
struct Options(HashMap<String, String>);

impl Options {
    fn parse(args: &[String]) -> Result<Options, Failure> {
        let mut values = HashMap::new();
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("expected an option, got `{flag}`\n{USAGE}"))?;
            let value = rest
                .next()
                .ok_or_else(|| format!("option `{flag}` needs a value"))?;
            values.insert(name.to_string(), value.clone());
        }
        Ok(Options(values))
    }

    fn text(&self, name: &str) -> Result<&str, Failure> {
        self.0
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("missing option `--{name}`\n{USAGE}").into())
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: Option<T>) -> Result<T, Failure>
    where
        T::Err: std::fmt::Display,
    {
        match (self.0.get(name), default) {
            (Some(text), _) => text
                .parse()
                .map_err(|e| format!("option `--{name}`: `{text}`: {e}").into()),
            (None, Some(default)) => Ok(default),
            (None, None) => Err(format!("missing option `--{name}`\n{USAGE}").into()),
        }
    }
}

fn export(options: &Options) -> Result<(), Failure> {
    let preset: Preset = options.text("preset")?.parse()?;
    let n_cases: usize = options.number("cases", None)?;
    let seed: u64 = options.number("seed", Some(42))?;
    let extra_tags: usize = options.number("extra-tags", Some(0))?;
    let out = PathBuf::from(options.text("out")?);

    let mut params = SynthParams::new(preset, seed);
    params.n_cases = Some(n_cases);
    params.planted.extra_tags = extra_tags;
    let started = Instant::now();
    let synthetic = synthesize(&params, &Config::default())?;
    let synth_seconds = started.elapsed().as_secs_f64();
    let n_tags = synthetic.vocabulary.len();
    let tag_ids: Vec<String> = (0..n_tags)
        .map(|t| synthetic.vocabulary.id(TagId(t as u32)).to_string())
        .collect();

    fs::create_dir_all(&out)?;
    let mut transactions = BufWriter::new(fs::File::create(out.join("transactions.txt"))?);
    let mut matrix_csv = BufWriter::new(fs::File::create(out.join("matrix.csv"))?);
    let mut truth = BufWriter::new(fs::File::create(out.join("truth.txt"))?);
    writeln!(matrix_csv, "{}", tag_ids.join(","))?;
    let mut cells = vec![b'0'; 2 * n_tags];
    for case in &synthetic.cases {
        let indices: Vec<String> = case.tags.iter().map(|t| t.0.to_string()).collect();
        writeln!(transactions, "{}", indices.join(" "))?;
        for (column, cell) in cells.chunks_exact_mut(2).enumerate() {
            cell[0] = b'0';
            cell[1] = if column + 1 == n_tags { b'\n' } else { b',' };
        }
        for tag in &case.tags {
            cells[2 * tag.index()] = b'1';
        }
        matrix_csv.write_all(&cells)?;
        writeln!(truth, "{}", case.true_cluster.as_deref().unwrap_or("none"))?;
    }
    transactions.flush()?;
    matrix_csv.flush()?;
    truth.flush()?;

    let matrix = TagMatrix::from_cases(&synthetic.cases, n_tags);
    let meta = json!({
        "preset": preset.id(),
        "n_cases": synthetic.cases.len(),
        "seed": seed,
        "extra_tags": extra_tags,
        "n_tags": n_tags,
        "tags": tag_ids,
        "n_profiles": matrix.profiles().counts.len(),
        "mean_tags_per_case": matrix.tag_counts().iter().sum::<usize>() as f64
            / synthetic.cases.len() as f64,
        "planted_cocktails": synthetic.cocktails.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "synth_seconds": synth_seconds,
    });
    fs::write(out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
    println!("{meta}");
    Ok(())
}

fn mine_command(options: &Options) -> Result<(), Failure> {
    let input = PathBuf::from(options.text("input")?);
    let min_support: f64 = options.number("min-support", None)?;
    let repeat: usize = options.number("repeat", Some(1))?;
    if repeat == 0 {
        return Err("`--repeat` must be at least 1".into());
    }
    let n_tags = read_n_tags(&input)?;
    let rows = read_transactions(&input)?;

    let params = MiningParams {
        min_support: Support::Fraction(min_support),
        kind: ItemsetKind::All,
        ..MiningParams::default()
    }
    .check()?;
    let mut matrix_seconds = Vec::with_capacity(repeat);
    let mut mine_seconds = Vec::with_capacity(repeat);
    let mut matrix_cpu_seconds = Vec::with_capacity(repeat);
    let mut mine_cpu_seconds = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat {
        let (started, cpu_started) = (Instant::now(), cpu_seconds());
        let matrix = TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice));
        matrix_seconds.push(started.elapsed().as_secs_f64());
        matrix_cpu_seconds.push(cpu_seconds() - cpu_started);
        let (started, cpu_started) = (Instant::now(), cpu_seconds());
        let result = mine(&matrix, &params);
        mine_seconds.push(started.elapsed().as_secs_f64());
        mine_cpu_seconds.push(cpu_seconds() - cpu_started);
        last = Some(result);
    }
    let result = last.expect("at least one repeat");
    let itemsets: BTreeMap<String, usize> = result
        .itemsets
        .iter()
        .map(|itemset| {
            let key: Vec<String> = itemset.tags.iter().map(|t| t.0.to_string()).collect();
            (key.join(" "), itemset.count)
        })
        .collect();
    let report = json!({
        "n_cases": result.n_cases,
        "n_tags": n_tags,
        "min_support": min_support,
        "min_count": result.min_count,
        "n_itemsets": result.itemsets.len(),
        "matrix_seconds": matrix_seconds,
        "mine_seconds": mine_seconds,
        "matrix_cpu_seconds": matrix_cpu_seconds,
        "mine_cpu_seconds": mine_cpu_seconds,
        "itemsets": itemsets,
    });
    println!("{report}");
    Ok(())
}

fn cluster_command(options: &Options) -> Result<(), Failure> {
    let input = PathBuf::from(options.text("input")?);
    let algorithm: ClusterAlgorithm = options.text("algorithm")?.parse()?;
    let k: usize = options.number("k", Some(4))?;
    let n_init: usize = options.number("n-init", Some(10))?;
    let seed: u64 = options.number("seed", Some(42))?;
    let repeat: usize = options.number("repeat", Some(1))?;
    if repeat == 0 {
        return Err("`--repeat` must be at least 1".into());
    }
    let dissimilarity = match options.0.get("dissimilarity").map(String::as_str) {
        None | Some("jaccard") => Dissimilarity::Jaccard,
        Some("hamming") => Dissimilarity::Hamming,
        Some(other) => return Err(format!("unknown dissimilarity `{other}`").into()),
    };
    let kmodes_init = match options.0.get("init").map(String::as_str) {
        None | Some("cao-then-huang") => KModesInit::CaoThenHuang,
        Some("huang") => KModesInit::Huang,
        Some("cao") => KModesInit::Cao,
        Some(other) => return Err(format!("unknown k-modes init `{other}`").into()),
    };
    let algorithm = match maatpact_core::Algorithm::from(algorithm).with_restarts(n_init) {
        maatpact_core::Algorithm::KModes(own) => {
            maatpact_core::Algorithm::KModes(maatpact_core::KModesParams {
                init: kmodes_init,
                ..own
            })
        }
        other => other,
    };
    let params = ClusterParams {
        algorithm,
        seed,
        dissimilarity,
        bootstrap_resamples: 0,
        ..ClusterParams::default()
    }
    .check()?;

    let n_tags = read_n_tags(&input)?;
    let rows = read_transactions(&input)?;
    let truth = read_truth(&input)?;
    if truth.len() != rows.len() {
        return Err(format!(
            "{} transactions but {} truth labels",
            rows.len(),
            truth.len()
        )
        .into());
    }
    let matrix = TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice));
    let n_profiles = matrix.profiles().counts.len();

    let mut seconds = Vec::with_capacity(repeat);
    let mut cpu = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat {
        let (started, cpu_started) = (Instant::now(), cpu_seconds());
        let clustering = fit_clustering(&matrix, &params, k)?;
        seconds.push(started.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - cpu_started);
        last = Some(clustering);
    }
    let clustering = last.expect("at least one repeat");
    let started = Instant::now();
    let oracle = oracle_labels(&matrix, &truth);
    let oracle_seconds = started.elapsed().as_secs_f64();
    if let Some(path) = options.0.get("labels-out") {
        let mut out = BufWriter::new(fs::File::create(path)?);
        for label in &clustering.labels {
            writeln!(out, "{label}")?;
        }
        out.flush()?;
    }
    let report = json!({
        "algorithm": algorithm.kind().name(),
        "n_cases": matrix.n_cases(),
        "n_tags": n_tags,
        "n_profiles": n_profiles,
        "k": clustering.k,
        "n_init": n_init,
        "dissimilarity": format!("{dissimilarity:?}").to_lowercase(),
        "init": format!("{kmodes_init:?}"),
        "ari": adjusted_rand_index(&clustering.labels, &truth),
        "oracle_ari": adjusted_rand_index(&oracle, &truth),
        "oracle_seconds": oracle_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "threads": rayon_threads(),
    });
    println!("{report}");
    Ok(())
}

/// The CPU time used so far by all threads of this process, in seconds
/// (`CLOCK_PROCESS_CPUTIME_ID`). Other developers share this machine, so wall time depends on
/// their load; CPU time much less.
fn cpu_seconds() -> f64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}

/// The number of threads rayon uses (its environment variable, else the cores), for the record.
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn read_n_tags(dir: &Path) -> Result<usize, Failure> {
    let path = dir.join("meta.json");
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("failed to read `{}`: {e}", path.display()))?;
    let meta: serde_json::Value = serde_json::from_str(&text)?;
    meta["n_tags"]
        .as_u64()
        .map(|n| n as usize)
        .ok_or_else(|| format!("`{}` has no n_tags", path.display()).into())
}

fn read_transactions(dir: &Path) -> Result<Vec<Vec<TagId>>, Failure> {
    let path = dir.join("transactions.txt");
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("failed to read `{}`: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(line, items)| {
            items
                .split_ascii_whitespace()
                .map(|item| {
                    item.parse::<u32>().map(TagId).map_err(|e| {
                        format!("`{}` line {}: `{item}`: {e}", path.display(), line + 1).into()
                    })
                })
                .collect()
        })
        .collect()
}

/// The true clusters as numbers, in order of first appearance (the adjusted Rand index does
/// not depend on the numbering).
fn read_truth(dir: &Path) -> Result<Vec<usize>, Failure> {
    let path = dir.join("truth.txt");
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("failed to read `{}`: {e}", path.display()))?;
    let mut number_of: HashMap<&str, usize> = HashMap::new();
    Ok(text
        .lines()
        .map(|label| {
            let next = number_of.len();
            *number_of.entry(label).or_insert(next)
        })
        .collect())
}
