//! `maatpact cluster`.

use std::process::ExitCode;

use maatpact_pipeline::publish::rows::ConfirmedCocktail;
use maatpact_pipeline::render::{format::Lang, report::confirm_verdict};
use maatpact_pipeline::{check_internal_apart, run_cluster};

use crate::args::ClusterCommandArgs;
use crate::commands::load_for_analysis;
use maatpact_core::Scope;

pub fn run(args: ClusterCommandArgs) -> anyhow::Result<ExitCode> {
    if let Some(internal) = &args.internal {
        check_internal_apart(&args.out, internal)?;
    }
    let (settings, validated) = load_for_analysis(&args.input, &args.load, Scope::All)?;
    let params = args
        .cluster
        .params()
        .check()
        .map_err(maatpact_pipeline::Error::from)?;
    let outcome = run_cluster(
        &validated,
        &settings.config,
        &params,
        &args.out,
        args.internal.as_deref(),
        args.confirm,
    )?;
    let (result, tables) = (&outcome.result, &outcome.tables);
    println!(
        "{} clusters ({}); {}",
        result.clustering.n_clusters(),
        result.algorithm,
        result.structure.summary
    );
    let shown =
        |d: &maatpact_core::Disclosed<u64>| d.shown().map_or(".".to_owned(), u64::to_string);
    if let Some(n) = &tables.n_in_no_cluster {
        println!("  {} cases in no cluster", shown(n));
    }
    for row in &tables.clusters {
        println!(
            "  cluster {}: {} cases, {}{}{}",
            row.name.number,
            shown(&row.size),
            row.name.defining_tags.join("+"),
            row.reference
                .as_ref()
                .map(|(id, jaccard)| format!(" = {id} (Jaccard {jaccard:.2})"))
                .unwrap_or_default(),
            if row.unstable { " (unstable)" } else { "" }
        );
    }
    if let Some(confirmation) = &outcome.confirmation {
        print_confirmation(confirmation);
    }
    Ok(ExitCode::SUCCESS)
}

/// The verdicts as `confirm.csv` holds them, worded as the English report words them.
fn print_confirmation(rows: &[ConfirmedCocktail]) {
    println!("reference cocktails:");
    for row in rows {
        let evidence = row
            .evidence
            .map(|e| format!(" (evidence {e:.1} nats)"))
            .unwrap_or_default();
        println!(
            "  {}: {}: {}{evidence}",
            row.cocktail,
            row.tags.join("+"),
            confirm_verdict(Lang::En, row)
        );
    }
}
