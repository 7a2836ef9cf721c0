//! `maatpact run`: the pipeline.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use maatpact_core::{MiningParams, RuleParams, Support};
use maatpact_pipeline::{Progress, RunSettings, STAGES};

use crate::args::RunArgs;
use crate::commands::load_for_analysis;

/// Progress bars on stderr when it is a terminal, and the start of every stage for
/// `--timings`.
struct Bars {
    bar: Option<ProgressBar>,
    starts: RefCell<Vec<(String, Instant)>>,
}

impl Progress for Bars {
    fn stage(&self, index: usize, _total: usize, name: &str) {
        self.starts
            .borrow_mut()
            .push((name.to_owned(), Instant::now()));
        if let Some(bar) = &self.bar {
            bar.set_position(index as u64);
            bar.set_message(name.to_owned());
        }
    }
}

impl Bars {
    /// Seconds per stage, up to `end`.
    fn timings(&self, end: Instant) -> Vec<(String, f64)> {
        let starts = self.starts.borrow();
        starts
            .iter()
            .enumerate()
            .map(|(i, (name, start))| {
                let until = starts.get(i + 1).map(|(_, t)| *t).unwrap_or(end);
                (name.clone(), until.duration_since(*start).as_secs_f64())
            })
            .collect()
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // Loading first, so an invalid input is refused exactly as `validate` refuses it.
    let load_started = Instant::now();
    let (settings, validated) = load_for_analysis(&args.input, &args.load)?;
    let load_seconds = load_started.elapsed().as_secs_f64();
    let run_settings = RunSettings {
        input: args.input.clone(),
        out: args.out.clone(),
        load: settings,
        mining: MiningParams {
            min_support: Support::Fraction(args.min_support),
            ..MiningParams::default()
        },
        rules: RuleParams {
            min_lift: 1.0,
            ..RuleParams::default()
        },
        cluster: args.cluster.params(),
        bootstrap_resamples: args.bootstrap_resamples,
        attribution: args.attribution,
        lang: args.lang,
        allow_weak_disclosure: args.allow_weak_disclosure,
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(STAGES.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("the template is valid"),
        );
        bar
    });
    let bars = Bars {
        bar,
        starts: RefCell::new(Vec::new()),
    };
    let summary = maatpact_pipeline::run_validated(&run_settings, validated, &bars);
    if let Some(bar) = &bars.bar {
        bar.finish_and_clear();
    }
    let summary = summary?;
    if args.timings {
        eprintln!("timing: load and validate: {load_seconds:.3} s");
        for (stage, seconds) in bars.timings(Instant::now()) {
            eprintln!("timing: {stage}: {seconds:.3} s");
        }
    }
    let overall = |key: &str| summary.overall.get(key).cloned().unwrap_or_default();
    println!(
        "{}: {} cases, {} clusters ({}), savings {} against {} threatened; written to {}",
        args.input.display(),
        summary.n_cases,
        summary.k,
        summary.algorithm,
        overall("savings_total"),
        overall("cost_threatened_total"),
        args.out.display()
    );
    if !args.quiet {
        for cluster in &summary.clusters {
            println!(
                "  cluster {}: {}{}{}",
                cluster.cluster,
                cluster.defining_tags,
                cluster
                    .reference_match
                    .as_ref()
                    .map(|r| format!(" = {r}"))
                    .unwrap_or_default(),
                if cluster.stable { "" } else { " (unstable)" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
