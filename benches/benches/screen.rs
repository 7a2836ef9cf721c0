//! Screening bench: 1,000,000 synthetic `maatpact` cases against the four reference
//! cocktails of the default configuration.
//!
//! `cargo bench -p maatpact-benches --bench screen`

use criterion::{Criterion, criterion_group, criterion_main};
use maatpact_core::{
    ClusterParams, Config, Model, ModelCocktail, Preset, Screener, SynthParams, TagMatrix,
    synthesize,
};

fn screen_one_million(c: &mut Criterion) {
    let config = Config::default();
    let params = SynthParams {
        n_cases: Some(1_000_000),
        ..SynthParams::new(Preset::Maatpact, 42)
    };
    let synthetic = synthesize(&params, &config).expect("synthetic cases");
    let matrix = TagMatrix::from_cases(&synthetic.cases, synthetic.vocabulary.len());
    let cocktails = config
        .cocktails
        .iter()
        .enumerate()
        .map(|(i, reference)| ModelCocktail::from_reference(i + 1, reference, &config.vocabulary))
        .collect();
    let model = Model::new(
        &config.vocabulary,
        "lca",
        cocktails,
        (&ClusterParams::default()).into(),
        &config.cocktails,
    );
    let screener = Screener::new(&model, &synthetic.vocabulary).expect("compatible model");

    let mut group = c.benchmark_group("screen");
    group.sample_size(10);
    group.bench_function("n=1000000", |b| {
        b.iter(|| screener.screen(&matrix).expect("screening runs"))
    });
    group.finish();
}

criterion_group!(benches, screen_one_million);
criterion_main!(benches);
