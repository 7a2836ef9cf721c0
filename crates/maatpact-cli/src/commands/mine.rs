//! `maatpact mine`.

use std::process::ExitCode;

use maatpact_core::{ItemsetKind, MiningParams, RuleParams, Support, TagId};
use maatpact_pipeline::{Error, run_mine};

use crate::args::MineArgs;
use crate::commands::load_for_analysis;
use maatpact_core::Scope;

pub fn run(args: MineArgs) -> anyhow::Result<ExitCode> {
    let (settings, validated) = load_for_analysis(&args.input, &args.load, Scope::Tags)?;
    let required = resolve_tags(&args.require, &validated.vocabulary)?;
    let mining = MiningParams {
        min_support: parse_support(&args.min_support)?,
        max_len: args.max_len,
        required,
        kind: match args.kind.as_str() {
            "all" => ItemsetKind::All,
            "closed" => ItemsetKind::Closed,
            "maximal" => ItemsetKind::Maximal,
            other => {
                return Err(Error::Usage(format!(
                    "unknown --kind `{other}` (use all, closed or maximal)"
                ))
                .into());
            }
        },
    };
    let rule_params = RuleParams {
        min_confidence: args.min_confidence,
        min_lift: args.min_lift,
        top_k: args.top_k,
    };
    let tables = run_mine(
        &validated,
        &settings.config,
        &mining,
        &rule_params,
        &args.out,
    )?;
    if tables.raised_to_cell_size {
        eprintln!(
            "note: the minimum support was raised to {} households, the minimum cell size of published tables",
            tables.min_count
        );
    }
    eprintln!(
        "{} itemsets, {} rules, {} tag pairs written to {}",
        tables.itemsets.len(),
        tables.rules.len(),
        tables.pairs.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `0.05` is a fraction of the cases; a whole number of 1 or more is a count.
fn parse_support(text: &str) -> anyhow::Result<Support> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| Error::Usage(format!("--min-support `{text}` is not a number")))?;
    Ok(
        if value >= 1.0 && value.fract() == 0.0 && !text.contains('.') {
            Support::Count(value as usize)
        } else {
            Support::Fraction(value)
        },
    )
}

/// Resolves `--require wonen,kinderen` against the vocabulary.
pub fn resolve_tags(
    names: &[String],
    vocabulary: &maatpact_core::Vocabulary,
) -> anyhow::Result<Vec<TagId>> {
    names
        .iter()
        .map(|name| {
            vocabulary.resolve(name).map_err(|suggestion| {
                let hint = suggestion
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Error::Usage(format!("unknown tag `{name}`{hint}")).into()
            })
        })
        .collect()
}
