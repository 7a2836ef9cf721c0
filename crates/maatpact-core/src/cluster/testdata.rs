//! Test data from [`crate::synthesize`]: the tag matrix, the planted truth and the references.

use crate::config::{Config, ReferenceCocktail, Vocabulary};
use crate::synth::{PlantedParams, Preset, SynthParams, synthesize};
use crate::tag_matrix::TagMatrix;

/// Cases as a matrix, their true class (the planted cocktails in config order, then noise) and
/// the reference cocktails to match.
pub(crate) struct Planted {
    pub matrix: TagMatrix,
    pub truth: Vec<usize>,
    pub vocabulary: Vocabulary,
    pub cocktails: Vec<ReferenceCocktail>,
}

/// `maatpact` preset data (`None`: the preset's 121 cases).
pub(crate) fn planted(n_cases: Option<usize>, seed: u64) -> Planted {
    synthetic(Preset::Maatpact, n_cases, seed)
}

/// `noise` preset data: independent tags.
pub(crate) fn noise(n_cases: usize, seed: u64) -> Planted {
    synthetic(Preset::Noise, Some(n_cases), seed)
}

/// Any preset's data; the references are the planted cocktails (the config's for `noise`).
pub(crate) fn synthetic(preset: Preset, n_cases: Option<usize>, seed: u64) -> Planted {
    let config = Config::default();
    let params = SynthParams {
        preset,
        n_cases,
        seed,
        planted: PlantedParams::default(),
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
        cocktails: if data.cocktails.is_empty() {
            config.cocktails
        } else {
            data.cocktails
        },
    }
}
