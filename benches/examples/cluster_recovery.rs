//! Recovery of planted cocktails by every clustering algorithm, against the oracle.
//!
//! `cargo run --release -p maatpact-benches --example cluster_recovery -- [SIZES] [SEEDS]
//! [ALGORITHMS] [RESAMPLES] [FIRST_SEED]`, e.g. `-- 1000,10000,100000 10 lca,kmeans 100`. For
//! each size and each of SEEDS seeds from FIRST_SEED (default 1) it generates planted-cocktail
//! data, clusters it with the default parameters (`k = auto`, RESAMPLES bootstrap resamples,
//! default 100), and prints per algorithm the mean adjusted Rand index against the planted
//! truth, the oracle's, in how many seeds the ARI reached the oracle's minus 0.02, and in how
//! many all four reference cocktails came out as clusters with exactly their tags.
//!
//! The first row of each size, `true_model`, is the oracle's classifier with the parameters
//! of the source rather than of the sample: fitted with the true labels on 300,000 other cases
//! from the same generator, then applied to the sample. It shows how much of the oracle's ARI
//! comes from knowing the sample's labels: no method that does not see them can be expected
//! to do better than this.
//!
//! The data come from `maatpact_core::synthesize` (`maatpact` and `noise` presets).

use std::time::Instant;

use maatpact_core::{
    BernoulliClasses, ClusterAlgorithm, ClusterParams, adjusted_rand_index, cluster, oracle_labels,
};

/// Cases the `true_model` row is fitted on.
const SOURCE_CASES: usize = 300_000;

#[path = "../benches/cluster/planted.rs"]
mod planted;

use planted::{Planted, noise, planted};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .get(1)
        .map_or("1000,10000".into(), String::clone)
        .split(',')
        .map(|s| s.parse().expect("sizes: comma-separated numbers"))
        .collect();
    let n_seeds: u64 = args
        .get(2)
        .map_or(10, |s| s.parse().expect("seeds: a number"));
    let algorithms: Vec<ClusterAlgorithm> = match args.get(3) {
        Some(list) => list
            .split(',')
            .map(|a| a.parse().expect("algorithm"))
            .collect(),
        None => ClusterAlgorithm::ALL.to_vec(),
    };
    let resamples: usize = args
        .get(4)
        .map_or(100, |s| s.parse().expect("resamples: a number"));
    let first_seed: u64 = args
        .get(5)
        .map_or(1, |s| s.parse().expect("first seed: a number"));
    println!(
        "algorithm,n_cases,seeds,mean_ari,mean_oracle_ari,within_0.02,all_4_recovered,mean_k,seconds_per_run"
    );
    for &n in &sizes {
        let seeds: Vec<u64> = (first_seed..first_seed + n_seeds).collect();
        let data: Vec<(Planted, Vec<usize>, f64)> = seeds
            .iter()
            .map(|&seed| {
                let planted = planted(n, seed, 0);
                let oracle = oracle_labels(&planted.matrix, &planted.truth);
                let oracle_ari = adjusted_rand_index(&oracle, &planted.truth);
                (planted, oracle, oracle_ari)
            })
            .collect();
        let (mut true_sum, mut true_within) = (0.0, 0);
        for (&seed, (planted_data, _, oracle_ari)) in seeds.iter().zip(&data) {
            let source = planted(SOURCE_CASES, seed + 1_000_000, 0);
            let model = BernoulliClasses::fit(&source.matrix, &source.truth);
            let ari = adjusted_rand_index(&model.assign(&planted_data.matrix), &planted_data.truth);
            true_sum += ari;
            true_within += usize::from(ari >= oracle_ari - 0.02);
        }
        println!(
            "true_model,{n},{n_seeds},{:.3},{:.3},{true_within},,,",
            true_sum / n_seeds as f64,
            data.iter().map(|d| d.2).sum::<f64>() / n_seeds as f64,
        );
        for &algorithm in &algorithms {
            let (mut ari_sum, mut oracle_sum, mut within, mut recovered, mut k_sum) =
                (0.0, 0.0, 0, 0, 0);
            let mut failures = 0;
            let start = Instant::now();
            for (&seed, (planted, _, oracle_ari)) in seeds.iter().zip(&data) {
                let params = ClusterParams {
                    algorithm: algorithm.into(),
                    seed,
                    bootstrap_resamples: resamples,
                    ..ClusterParams::default()
                };
                let result = match cluster(
                    &planted.matrix,
                    &params.check().expect("valid"),
                    &planted.cocktails,
                    &planted.vocabulary,
                ) {
                    Ok(result) => result,
                    Err(e) => {
                        eprintln!("{algorithm} n={n} seed={seed}: {e}");
                        failures += 1;
                        continue;
                    }
                };
                let ari = adjusted_rand_index(&result.clustering.labels, &planted.truth);
                ari_sum += ari;
                oracle_sum += oracle_ari;
                within += usize::from(ari >= oracle_ari - 0.02);
                let all = planted
                    .cocktails
                    .iter()
                    .all(|r| result.profiles.iter().any(|p| p.defining_tags == r.tags));
                recovered += usize::from(all);
                if std::env::var_os("CLUSTER_VERBOSE").is_some() {
                    eprintln!(
                        "{algorithm} n={n} seed={seed} k={} ari={ari:.3} oracle={oracle_ari:.3} all={all}",
                        result.clustering.k
                    );
                    for p in result.profiles.iter().chain(&result.dissolved) {
                        eprintln!(
                            "    {} {} stab={:.2?} raw={:.2?}",
                            p.size, p.label_nl, p.stability, p.bootstrap_jaccard
                        );
                    }
                }
                k_sum += result.clustering.k;
            }
            let runs = (n_seeds as usize - failures).max(1) as f64;
            println!(
                "{algorithm},{n},{n_seeds},{:.3},{:.3},{within},{recovered},{:.1},{:.2}{}",
                ari_sum / runs,
                oracle_sum / runs,
                k_sum as f64 / runs,
                start.elapsed().as_secs_f64() / runs,
                if failures > 0 {
                    format!(" ({failures} failed)")
                } else {
                    String::new()
                },
            );
        }
    }
    println!();
    println!("noise data (independent tags), n = 1000, 100 bootstrap resamples");
    println!("algorithm,seed,k,has_structure,stable_clusters,references_matched,silhouette");
    for &algorithm in &algorithms {
        for seed in 1..=3u64 {
            let data = noise(1000, seed);
            let params = ClusterParams {
                algorithm: algorithm.into(),
                seed,
                ..ClusterParams::default()
            };
            match cluster(
                &data.matrix,
                &params.check().expect("valid"),
                &data.cocktails,
                &data.vocabulary,
            ) {
                Ok(result) => println!(
                    "{algorithm},{seed},{},{},{:?},{},{:.3}",
                    result.clustering.k,
                    result.structure.has_structure,
                    result.structure.stable_clusters,
                    result
                        .profiles
                        .iter()
                        .filter(|p| p.reference.is_some())
                        .count(),
                    result.structure.silhouette.unwrap_or(f64::NAN),
                ),
                Err(e) => println!("{algorithm},{seed},error: {e}"),
            }
        }
    }
}
