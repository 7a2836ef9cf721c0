//! `maatpact compare BASE NEW` or `maatpact compare INPUT --by phase`.

use std::process::ExitCode;

use maatpact_pipeline::{Error, cluster_side, run_compare};

use crate::args::CompareArgs;
use crate::commands::load_for_analysis;
use maatpact_core::Scope;

pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let params = args.cluster.params();
    let (settings, base) = load_for_analysis(&args.base, &args.load, Scope::All)?;
    let config = &settings.config;
    let (base_side, new_side, vocabulary) = match (&args.new, &args.by) {
        (_, Some(by)) => {
            if by != "phase" && by != "fase" {
                return Err(
                    Error::Usage(format!("--by `{by}`: only phase can be compared")).into(),
                );
            }
            let mut phases: Vec<String> =
                base.cases.iter().filter_map(|c| c.phase.clone()).collect();
            phases.sort_by_key(|p| natural_key(p));
            phases.dedup();
            let (Some(first), Some(last)) = (phases.first().cloned(), phases.last().cloned())
            else {
                return Err(
                    Error::Usage("the input has no phase column values to compare".into()).into(),
                );
            };
            if first == last {
                return Err(
                    Error::Usage(format!("the input has only one phase (`{first}`)")).into(),
                );
            }
            if phases.len() > 2 {
                eprintln!(
                    "note: {} phases found; comparing the first (`{first}`) with the last (`{last}`)",
                    phases.len()
                );
            }
            let vocabulary = base.vocabulary.clone();
            let pick = |phase: &str| -> Vec<maatpact_core::Case> {
                base.cases
                    .iter()
                    .filter(|c| c.phase.as_deref() == Some(phase))
                    .cloned()
                    .collect()
            };
            let base_side = cluster_side(
                format!("fase {first}"),
                pick(&first),
                &vocabulary,
                config,
                &params,
            )?;
            let new_side = cluster_side(
                format!("fase {last}"),
                pick(&last),
                &vocabulary,
                config,
                &params,
            )?;
            (base_side, new_side, vocabulary)
        }
        (Some(new_path), None) => {
            let (_, new) = load_for_analysis(new_path, &args.load, Scope::All)?;
            if new.vocabulary != base.vocabulary {
                return Err(Error::Usage(
                    "the two inputs ended with different vocabularies (unknown tags kept in one of them); compare needs the same tags"
                        .into(),
                )
                .into());
            }
            let name = |p: &std::path::Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let vocabulary = base.vocabulary.clone();
            let base_side =
                cluster_side(name(&args.base), base.cases, &vocabulary, config, &params)?;
            let new_side = cluster_side(name(new_path), new.cases, &vocabulary, config, &params)?;
            (base_side, new_side, vocabulary)
        }
        (None, None) => return Err(Error::Usage("give NEW, or --by phase".into()).into()),
    };
    let comparisons = run_compare(
        &base_side,
        &new_side,
        config,
        &vocabulary,
        args.lang,
        &args.out,
    )?;
    for c in &comparisons {
        let tags = |ids: &[maatpact_core::TagId], sign: &str| {
            ids.iter()
                .map(|&t| format!("{sign}{}", vocabulary.id(t)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "{}: base {} → new {} {} {}",
            c.status.id(),
            c.base
                .map(|i| (i + 1).to_string())
                .unwrap_or_else(|| "-".into()),
            c.new
                .map(|i| (i + 1).to_string())
                .unwrap_or_else(|| "-".into()),
            tags(&c.added, "+"),
            tags(&c.removed, "−")
        );
    }
    println!("written to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Phases sort as numbers when they are numbers (`2` before `10`).
fn natural_key(phase: &str) -> (u64, String) {
    (phase.trim().parse().unwrap_or(u64::MAX), phase.to_owned())
}
