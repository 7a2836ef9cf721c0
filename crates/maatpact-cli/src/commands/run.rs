//! `maatpact run`: the pipeline.

use std::process::ExitCode;

use crate::args::RunArgs;
use crate::commands::{load_for_analysis, print_issues};

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let (_settings, validated) = load_for_analysis(&args.input, &args.load)?;
    if !args.quiet {
        print_issues(&validated.issues);
    }
    println!(
        "{}: {} cases loaded and validated ({} warnings)",
        args.input.display(),
        validated.cases.len(),
        validated.warnings().count()
    );
    Ok(ExitCode::SUCCESS)
}
