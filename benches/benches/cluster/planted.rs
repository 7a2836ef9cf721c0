//! Planted-cocktail data from `maatpact_core::synthesize`, shared by the clustering bench and
//! the `cluster_recovery` example.

#![allow(dead_code)]

use maatpact_core::{
    Config, PlantedParams, Preset, ReferenceCocktail, SynthParams, TagMatrix, Vocabulary,
    synthesize,
};

/// Cases as a matrix, their true class (the planted cocktails in order, then noise), the
/// vocabulary and the reference cocktails.
pub struct Planted {
    pub matrix: TagMatrix,
    pub truth: Vec<usize>,
    pub vocabulary: Vocabulary,
    pub cocktails: Vec<ReferenceCocktail>,
}

/// `maatpact` preset data with `extra_tags` generic background tags.
pub fn planted(n_cases: usize, seed: u64, extra_tags: usize) -> Planted {
    synthetic(Preset::Maatpact, n_cases, seed, extra_tags)
}

/// `noise` preset data: independent tags.
pub fn noise(n_cases: usize, seed: u64) -> Planted {
    synthetic(Preset::Noise, n_cases, seed, 0)
}

fn synthetic(preset: Preset, n_cases: usize, seed: u64, extra_tags: usize) -> Planted {
    let config = Config::default();
    let params = SynthParams {
        preset,
        n_cases: Some(n_cases),
        seed,
        planted: PlantedParams {
            extra_tags,
            ..PlantedParams::default()
        },
    };
    let data = synthesize(&params, &config).expect("synthesize runs");
    let matrix = TagMatrix::from_cases(&data.cases, data.vocabulary.len());
    let noise = data.cocktails.len();
    let truth = data
        .cases
        .iter()
        .map(|case| {
            let planted = case.true_cluster.as_deref().unwrap_or("noise");
            data.cocktails
                .iter()
                .position(|c| c.id == planted)
                .unwrap_or(noise)
        })
        .collect();
    Planted {
        matrix,
        truth,
        vocabulary: data.vocabulary,
        cocktails: config.cocktails,
    }
}
