//! `maatpact audit DIR`: what an outsider can derive from a published folder alone.

use std::process::ExitCode;

use anyhow::Context;
use maatpact_pipeline::audit_folder;

use crate::args::AuditArgs;
use crate::commands::{load_config, write_stdout};

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    let outcome = audit_folder(&args.dir, &config.privacy)
        .with_context(|| format!("failed to audit `{}`", args.dir.display()))?;
    let mut text = String::new();
    if args.intervals {
        for interval in &outcome.report.intervals {
            text.push_str(&format!(
                "hidden: {} {}: [{}, {}]\n",
                interval.unit,
                interval.cell,
                interval.low + 0.0, // never "-0"
                interval.high + 0.0
            ));
        }
    }
    text.push_str(&outcome.to_text());
    write_stdout(&text)?;
    Ok(if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
