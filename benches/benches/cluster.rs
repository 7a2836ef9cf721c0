//! Clustering benches: k-modes (k = 4, 10 restarts) on 1M planted-cocktail cases × 30 tags,
//! and the latent class model (the default method) on 100k and 1M cases.
//!
//! `cargo bench -p maatpact-benches --bench cluster`

use criterion::{Criterion, criterion_group, criterion_main};
use maatpact_core::{Algorithm, ClusterAlgorithm, ClusterParams, fit_clustering};

#[path = "cluster/planted.rs"]
mod planted;

fn kmodes_one_million(c: &mut Criterion) {
    let data = planted::planted(1_000_000, 42, 8);
    assert_eq!(data.matrix.n_tags(), 30);
    let params = ClusterParams {
        algorithm: Algorithm::from(ClusterAlgorithm::KModes).with_restarts(10),
        ..ClusterParams::default()
    }
    .check()
    .expect("valid parameters");
    let mut group = c.benchmark_group("cluster");
    group.sample_size(10);
    group.bench_function("kmodes/k=4/n_init=10/n=1000000/tags=30", |b| {
        b.iter(|| fit_clustering(&data.matrix, &params, 4).expect("k-modes runs"))
    });
    let params = ClusterParams {
        algorithm: Algorithm::from(ClusterAlgorithm::Lca).with_restarts(10),
        ..ClusterParams::default()
    }
    .check()
    .expect("valid parameters");
    for n in [100_000, 1_000_000] {
        let data = planted::planted(n, 42, 8);
        group.bench_function(format!("lca/k=5/n_init=10/n={n}/tags=30"), |b| {
            b.iter(|| fit_clustering(&data.matrix, &params, 5).expect("lca runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, kmodes_one_million);
criterion_main!(benches);
