//! A seeded generator of planted-cocktail data shaped like the `maatpact` synth preset, shared
//! by the clustering bench and the `cluster_recovery` example: the four reference cocktails
//! (30/25/25/20%), each tag kept with p = 0.9, Poisson(1.5) weighted background tags that never
//! complete another cocktail, and 10% noise cases (housing with p = 0.9 plus Poisson(3.5)
//! random tags). `extra_tags` appends that many background-only tags (weight 1), to reach the
//! benchmark's 30 tags.

#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use maatpact_core::{Config, TagId, TagMatrix};

/// Cases, their true class (0..4 the cocktails in config order, 4 noise) and the config.
pub struct Planted {
    pub matrix: TagMatrix,
    pub truth: Vec<usize>,
    pub config: Config,
}

pub const NOISE: usize = 4;

fn background_weight(id: &str) -> f64 {
    match id {
        "wonen" => 0.0,
        "financien" => 3.0,
        "schulden" | "werk_opleiding" | "huiselijke_relaties" => 2.0,
        "isolement" | "lichamelijke_gezondheid" => 1.6,
        "ggz" => 1.4,
        "verslaving" | "migratieachtergrond" => 1.2,
        "geen_uitkering"
        | "niet_passende_begeleiding"
        | "tijdsbesteding"
        | "maatschappelijke_participatie" => 0.8,
        "justitie" => 0.7,
        "jeugdzorg" | "instrumentele_adl" => 0.6,
        "leerlingenvervoer" => 0.4,
        "basale_adl" => 0.3,
        _ => 1.0,
    }
}

fn poisson(rng: &mut impl Rng, mean: f64) -> usize {
    let limit = (-mean).exp();
    let (mut k, mut product) = (0, rng.gen_range(0.0..1.0));
    while product > limit {
        k += 1;
        product *= rng.gen_range(0.0..1.0);
    }
    k
}

fn weighted(rng: &mut impl Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = rng.gen_range(0.0..total);
    for (i, &w) in weights.iter().enumerate() {
        if target < w {
            return i;
        }
        target -= w;
    }
    weights.len() - 1
}

pub fn planted(n_cases: usize, seed: u64) -> Planted {
    let config = Config::default();
    let vocabulary = &config.vocabulary;
    let n_tags = vocabulary.len();
    let wonen = vocabulary.resolve("wonen").unwrap();
    let mut weights: Vec<f64> = vocabulary
        .tags()
        .iter()
        .map(|t| background_weight(&t.id))
        .collect();
    weights.resize(n_tags, 1.0);
    let cocktails: Vec<Vec<TagId>> = config.cocktails.iter().map(|c| c.tags.clone()).collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(n_cases);
    let mut truth = Vec::with_capacity(n_cases);
    for _ in 0..n_cases {
        let mut tags: Vec<TagId> = Vec::new();
        if rng.gen_bool(0.1) {
            truth.push(NOISE);
            if rng.gen_bool(0.9) {
                tags.push(wonen);
            }
            let noise_weights: Vec<f64> = (0..n_tags)
                .map(|t| {
                    if TagId(t as u32) == wonen {
                        0.0
                    } else {
                        weights[t].max(0.1)
                    }
                })
                .collect();
            for _ in 0..poisson(&mut rng, 3.5) {
                for _ in 0..8 {
                    let tag = TagId(weighted(&mut rng, &noise_weights) as u32);
                    if !tags.contains(&tag) {
                        tags.push(tag);
                        break;
                    }
                }
            }
            if tags.is_empty() {
                tags.push(wonen);
            }
        } else {
            let class = weighted(&mut rng, &[30.0, 25.0, 25.0, 20.0]);
            truth.push(class);
            for &tag in &cocktails[class] {
                if rng.gen_bool(0.9) {
                    tags.push(tag);
                }
            }
            let own: Vec<f64> = (0..n_tags)
                .map(|t| {
                    if cocktails[class].contains(&TagId(t as u32)) {
                        0.0
                    } else {
                        weights[t]
                    }
                })
                .collect();
            for _ in 0..poisson(&mut rng, 1.5) {
                for _ in 0..8 {
                    let tag = TagId(weighted(&mut rng, &own) as u32);
                    let completes = cocktails.iter().enumerate().any(|(i, c)| {
                        i != class
                            && c.contains(&tag)
                            && c.iter().all(|t| *t == tag || tags.contains(t))
                    });
                    if !tags.contains(&tag) && !completes {
                        tags.push(tag);
                        break;
                    }
                }
            }
            if tags.is_empty() {
                tags.push(TagId(weighted(&mut rng, &own) as u32));
            }
        }
        tags.sort_unstable();
        rows.push(tags);
    }
    let matrix = TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice));
    Planted {
        matrix,
        truth,
        config,
    }
}

/// Independent tags with the prevalences of planted data: no structure to find.
pub fn noise(n_cases: usize, seed: u64) -> Planted {
    let reference = planted(20_000, seed ^ 0x5EED);
    let prevalence: Vec<f64> = reference
        .matrix
        .tag_counts()
        .iter()
        .map(|&c| c as f64 / 20_000.0)
        .collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let rows: Vec<Vec<TagId>> = (0..n_cases)
        .map(|_| {
            (0..prevalence.len())
                .filter(|&t| rng.gen_bool(prevalence[t]))
                .map(|t| TagId(t as u32))
                .collect()
        })
        .collect();
    let matrix = TagMatrix::from_rows(prevalence.len(), rows.iter().map(Vec::as_slice));
    Planted {
        matrix,
        truth: vec![NOISE; n_cases],
        config: reference.config,
    }
}
