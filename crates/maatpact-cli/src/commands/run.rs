//! `maatpact run`: the pipeline.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use maatpact_core::{MiningParams, RuleParams, Support};
use maatpact_pipeline::{Progress, RunSettings, STAGES, peak_memory_mib, reset_peak_memory};

use crate::args::RunArgs;
use crate::commands::load_for_analysis;
use maatpact_core::Scope;

/// Progress bars on stderr when it is a terminal, and for `--timings` the start of every
/// stage and the peak memory of every stage that ended.
struct Bars {
    bar: Option<ProgressBar>,
    starts: RefCell<Vec<(String, Instant)>>,
    peaks: RefCell<Vec<Option<f64>>>,
}

impl Bars {
    /// Records the peak memory of the stage that just ended and starts measuring anew.
    fn end_stage(&self) {
        self.peaks.borrow_mut().push(peak_memory_mib());
        reset_peak_memory();
    }
}

impl Progress for Bars {
    fn stage(&self, index: usize, _total: usize, name: &str) {
        self.end_stage();
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
    /// Seconds and peak MiB per stage, up to `end` (after a last [`Bars::end_stage`]).
    fn timings(&self, end: Instant) -> Vec<(String, f64, Option<f64>)> {
        let starts = self.starts.borrow();
        let peaks = self.peaks.borrow();
        starts
            .iter()
            .enumerate()
            .map(|(i, (name, start))| {
                let until = starts.get(i + 1).map(|(_, t)| *t).unwrap_or(end);
                // peaks[0] is the loading's, before the first stage.
                let peak = peaks.get(i + 1).copied().flatten();
                (
                    name.clone(),
                    until.duration_since(*start).as_secs_f64(),
                    peak,
                )
            })
            .collect()
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // Loading first, so an invalid input is refused exactly as `validate` refuses it.
    let load_started = Instant::now();
    let (settings, validated) = load_for_analysis(&args.input, &args.load, Scope::All)?;
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
        internal: args.internal.clone(),
        confirm: args.confirm,
        outlook: maatpact_core::OutlookParams {
            years: args.horizon,
            discount_rate: args.discount_rate / 100.0,
            region_households: args.region_households,
        },
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
        peaks: RefCell::new(Vec::new()),
    };
    let summary = maatpact_pipeline::run_validated(&run_settings, validated, &bars);
    bars.end_stage();
    if let Some(bar) = &bars.bar {
        bar.finish_and_clear();
    }
    let summary = summary?;
    if summary.agrees_with.len() < 2 {
        eprintln!(
            "warning: this folder could not publish its counts as `maatpact mine` and `maatpact cluster` publish them on these cases without exposing a figure (it agrees with: {}); do not publish their folders beside it",
            if summary.agrees_with.is_empty() {
                "neither".to_owned()
            } else {
                summary.agrees_with.join(", ")
            }
        );
    }
    if args.timings {
        let peak = |mib: Option<f64>| mib.map_or(String::new(), |m| format!(", peak {m:.0} MiB"));
        let load_peak = bars.peaks.borrow().first().copied().flatten();
        eprintln!(
            "timing: load and validate: {load_seconds:.3} s{}",
            peak(load_peak)
        );
        for (stage, seconds, stage_peak) in bars.timings(Instant::now()) {
            eprintln!("timing: {stage}: {seconds:.3} s{}", peak(stage_peak));
        }
    }
    let shown = |value: &maatpact_core::Disclosed<f64>| {
        value.shown().map_or(".".to_owned(), |v| format!("{v:.2}"))
    };
    println!(
        "{}: {} cases, {} clusters ({}), savings {} against {} threatened; written to {}",
        args.input.display(),
        summary
            .n_cases
            .shown()
            .map_or(".".to_owned(), u64::to_string),
        summary.k,
        summary.algorithm,
        shown(&summary.overall.savings_total),
        shown(&summary.overall.cost_threatened_total),
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
