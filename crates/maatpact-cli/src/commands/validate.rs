//! `maatpact validate INPUT`.

use std::process::ExitCode;

use anyhow::Context;

use crate::args::ValidateArgs;
use crate::commands::{load_settings, print_issues};

pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let settings = load_settings(&args.load)?;
    let validated = maatpact_pipeline::load(&args.input, &settings)
        .with_context(|| format!("failed to read `{}`", args.input.display()))?;
    print_issues(&validated.issues);
    let n_errors = validated.errors().count();
    let n_warnings = validated.warnings().count();
    if n_errors > 0 {
        eprintln!(
            "{}: not usable: {n_errors} error(s), {n_warnings} warning(s)",
            args.input.display()
        );
        return Ok(ExitCode::from(2));
    }
    println!(
        "{}: {} cases, {} problem tags in use, decimal {}; {n_warnings} warning(s)",
        args.input.display(),
        validated.cases.len(),
        count_tags_in_use(&validated),
        validated.decimal
    );
    Ok(ExitCode::SUCCESS)
}

fn count_tags_in_use(validated: &maatpact_core::Validated) -> usize {
    let mut used = vec![false; validated.vocabulary.len()];
    for case in &validated.cases {
        for tag in &case.tags {
            used[tag.index()] = true;
        }
    }
    used.into_iter().filter(|&u| u).count()
}
