//! `maatpact cluster`.

use std::process::ExitCode;

use anyhow::Context;
use maatpact_core::cluster;
use maatpact_pipeline::{
    INTERNAL_README, assignments_table, check_internal_apart, clusters_table, k_selection_table,
    model_json, model_of, replace_dir_atomic, tag_matrix, write_file_atomic,
};

use crate::args::ClusterCommandArgs;
use crate::commands::load_for_analysis;

pub fn run(args: ClusterCommandArgs) -> anyhow::Result<ExitCode> {
    if let Some(internal) = &args.internal {
        check_internal_apart(&args.out, internal)?;
    }
    let (settings, validated) = load_for_analysis(&args.input, &args.load)?;
    let params = args
        .cluster
        .params()
        .check()
        .map_err(maatpact_pipeline::Error::from)?;
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let result = cluster(
        &matrix,
        &params,
        &settings.config.cocktails,
        &validated.vocabulary,
    )
    .map_err(maatpact_pipeline::Error::from)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("failed to create `{}`", args.out.display()))?;
    let thresholds = &settings.config.privacy;
    let model = model_of(
        &result,
        &validated.vocabulary,
        &params,
        &settings.config.cocktails,
    );
    write_file_atomic(&args.out.join("model.json"), &model_json(&model)?)?;
    if let Some(internal) = &args.internal {
        let assignments = assignments_table(&validated.cases, &result).to_csv()?;
        replace_dir_atomic(internal, |staging| {
            write_file_atomic(&staging.join("assignments.csv"), &assignments)?;
            write_file_atomic(&staging.join("README.md"), INTERNAL_README.as_bytes())
        })?;
    }
    for (name, table) in [
        (
            "clusters.csv",
            clusters_table(&result, &validated.vocabulary, thresholds),
        ),
        ("k_selection.csv", k_selection_table(&result)),
    ] {
        write_file_atomic(&args.out.join(name), &table.to_csv()?)?;
    }
    println!(
        "{} clusters ({}); {}",
        result.clustering.n_clusters(),
        result.algorithm,
        result.structure.summary
    );
    for profile in &result.profiles {
        if profile.noise {
            println!("  {} cases in no cluster", profile.size);
            continue;
        }
        println!(
            "  cluster {}: {} cases, {}{}{}",
            profile.cluster + 1,
            profile.size,
            validated.vocabulary.join_ids(&profile.defining_tags),
            profile
                .reference
                .as_ref()
                .map(|r| format!(" = {} (Jaccard {:.2})", r.id, r.jaccard))
                .unwrap_or_default(),
            if profile.unstable { " (unstable)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
