//! `maatpact run`: the pipeline.

use std::io::IsTerminal;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use maatpact_core::{MiningParams, RuleParams, Support};
use maatpact_pipeline::{Progress, RunSettings, STAGES};

use crate::args::RunArgs;
use crate::commands::load_for_analysis;

/// Progress bars on stderr, when it is a terminal.
struct Bars(ProgressBar);

impl Progress for Bars {
    fn stage(&self, index: usize, _total: usize, name: &str) {
        self.0.set_position(index as u64);
        self.0.set_message(name.to_owned());
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // Loading first, so an invalid input is refused exactly as `validate` refuses it.
    let (settings, validated) = load_for_analysis(&args.input, &args.load)?;
    drop(validated);
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
    let summary = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(STAGES.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("the template is valid"),
        );
        let bars = Bars(bar);
        let summary = maatpact_pipeline::run(&run_settings, &bars);
        bars.0.finish_and_clear();
        summary?
    } else {
        maatpact_pipeline::run(&run_settings, &maatpact_pipeline::Silent)?
    };
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
