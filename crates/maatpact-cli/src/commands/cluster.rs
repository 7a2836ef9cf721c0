//! `maatpact cluster`.

use std::process::ExitCode;

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
        print_confirmation(confirmation, &validated.vocabulary);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_confirmation(
    confirmation: &maatpact_core::Confirmation,
    vocabulary: &maatpact_core::Vocabulary,
) {
    use maatpact_core::ConfirmStatus;
    let ids = |tags: &[maatpact_core::TagId]| {
        tags.iter()
            .map(|&t| vocabulary.get(t).id.clone())
            .collect::<Vec<_>>()
            .join("+")
    };
    println!("reference cocktails:");
    for v in &confirmation.references {
        let detail = match v.status {
            ConfirmStatus::Confirmed => {
                format!("{} (evidence {:.1} nats)", ids(&v.core), v.evidence)
            }
            ConfirmStatus::Nuanced => format!(
                "as {}{}{} (evidence {:.1} nats)",
                ids(&v.core),
                if v.added.is_empty() {
                    String::new()
                } else {
                    format!("; added {}", ids(&v.added))
                },
                if v.dropped.is_empty() {
                    String::new()
                } else {
                    format!("; dropped {}", ids(&v.dropped))
                },
                v.evidence
            ),
            ConfirmStatus::NotSupported => match v.households_needed {
                Some(n) => format!("too few households to confirm it: at least ~{n} needed"),
                None => "the data show no sign of it".to_owned(),
            },
        };
        println!("  {}: {}: {detail}", v.id, v.status.id());
    }
    for core in &confirmation.new_cocktails {
        println!("  new: {}", ids(core));
    }
}
