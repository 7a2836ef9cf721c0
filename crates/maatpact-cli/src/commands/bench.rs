//! `maatpact bench`.

use std::process::ExitCode;

use maatpact_core::ClusterAlgorithm;
use maatpact_pipeline::{BenchSettings, Error, ScreenBenchSettings, run_bench, run_screen_bench};

use crate::args::BenchArgs;

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if args.screen {
        return screen(args);
    }
    let algorithms = if args.algorithms.len() == 1 && args.algorithms[0] == "all" {
        ClusterAlgorithm::ALL.to_vec()
    } else {
        args.algorithms
            .iter()
            .map(|a| a.parse::<ClusterAlgorithm>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::from)?
    };
    let presets = presets(&args)?;
    let settings = BenchSettings {
        sizes: args.sizes,
        algorithms,
        presets,
        noise_levels: args.noise,
        repeats: args.repeats,
        seed: args.seed,
        n_cocktails: args.cocktails,
        extra_tags: args.extra_tags,
        k: args.k,
        stability_resamples: args.stability_resamples,
        true_model_cases: args.true_model_cases,
        out: args.out.clone(),
    };
    let quiet = args.quiet;
    let rows = run_bench(&settings, &|what| {
        if !quiet {
            eprintln!("bench: {what}");
        }
    })?;
    let skipped = rows.iter().filter(|r| r.status != "ok").count();
    println!(
        "{} runs ({} skipped) written to {}",
        rows.len(),
        skipped,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn presets(args: &BenchArgs) -> anyhow::Result<Vec<maatpact_core::Preset>> {
    let mut presets = Vec::new();
    for name in &args.preset {
        if name.trim() == "variants" {
            presets.extend(maatpact_core::Preset::VARIANTS);
        } else {
            presets.push(name.parse::<maatpact_core::Preset>()?);
        }
    }
    Ok(presets)
}

/// `bench --screen`: precision, recall and calibration of `screen` on unseen households.
fn screen(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let settings = ScreenBenchSettings {
        train_sizes: args.sizes.clone(),
        test_cases: args.screen_cases,
        presets: presets(&args)?,
        repeats: args.repeats,
        seed: args.seed,
        out: args.out.clone(),
    };
    let quiet = args.quiet;
    let results = run_screen_bench(&settings, &|what| {
        if !quiet {
            eprintln!("bench: {what}");
        }
    })?;
    println!(
        "{} screening cells written to {}",
        results.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
