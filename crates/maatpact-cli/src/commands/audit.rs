//! `maatpact audit DIR`: what an outsider can derive from a published folder alone.

use std::process::ExitCode;

use anyhow::Context;
use maatpact_pipeline::audit_folder;

use crate::args::AuditArgs;
use crate::commands::load_config;

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    let outcome = audit_folder(&args.dir, &config.privacy)
        .with_context(|| format!("failed to audit `{}`", args.dir.display()))?;
    if args.intervals {
        for interval in &outcome.report.intervals {
            println!(
                "hidden: {} {}: [{}, {}]",
                interval.unit, interval.cell, interval.low, interval.high
            );
        }
    }
    print!("{}", outcome.to_text());
    Ok(if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
