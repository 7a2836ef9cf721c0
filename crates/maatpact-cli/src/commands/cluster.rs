//! `maatpact cluster`.

use std::process::ExitCode;

use anyhow::Context;
use maatpact_core::cluster;
use maatpact_pipeline::{
    assignments_table, clusters_table, k_selection_table, model_json, model_of, tag_matrix,
    write_file_atomic,
};

use crate::args::ClusterCommandArgs;
use crate::commands::load_for_analysis;

pub fn run(args: ClusterCommandArgs) -> anyhow::Result<ExitCode> {
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
    for (name, table) in [
        (
            "assignments.csv",
            assignments_table(&validated.cases, &result),
        ),
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
