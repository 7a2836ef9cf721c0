//! `maatpact synth`.

use std::process::ExitCode;

use maatpact_core::{PlantedParams, SynthParams, synthesize};
use maatpact_pipeline::{CaseFileStyle, write_cases};

use crate::args::SynthArgs;
use crate::commands::load_config;

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    let params = SynthParams {
        preset: args.preset,
        n_cases: args.cases,
        seed: args.seed,
        planted: PlantedParams {
            extra_tags: args.extra_tags,
            ..PlantedParams::default()
        },
    };
    let synthetic = synthesize(&params, &config).map_err(maatpact_pipeline::Error::from)?;
    let bottleneck_ids: Vec<String> = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| b.id.clone())
        .collect();
    let style = if args.dutch {
        CaseFileStyle::DutchExcel
    } else {
        CaseFileStyle::Plain
    };
    write_cases(
        &args.out,
        &synthetic.cases,
        &synthetic.vocabulary,
        &bottleneck_ids,
        style,
    )?;
    eprintln!(
        "wrote {} synthetic cases ({} preset, seed {}) to {}",
        synthetic.cases.len(),
        args.preset,
        args.seed,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
