//! Benchmarks of the tag matrix and of pattern mining at 1k to 1M cases.
//!
//! Run: `cargo bench -p maatpact-benches --bench mining -- --sample-size 10`
//! (add a filter such as `n=1000000` or `alternatives` to run a part).
//!
//! The data come from `maatpact_core::synthesize` (the `maatpact` preset, as `maatpact synth`
//! writes it) with 8 extra background tags: 30 tags, four planted cocktails of 3 to 4 tags
//! sharing `wonen` (case shares 30/25/25/20 %), each tag kept with probability 0.9,
//! Poisson(1.5) background tags, and 10 % noise cases. Fixed seed; the data are generated
//! outside the timed closures.
//!
//! The `alternatives` group times the two Eclat variants that the engine's design was
//! measured against (see the `maatpact_core::mine` module docs), and checks once, outside the
//! timing, that they find exactly the same itemsets.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use maatpact_core::{
    Case, Config, ItemsetKind, MiningParams, PlantedParams, Preset, RuleParams, Support,
    SynthParams, TagMatrix, ValidMiningParams, cooccurrence, mine, rules, synthesize,
};

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
const MIN_SUPPORT: f64 = 0.01;
const N_TAGS: usize = 30;
const SEED: u64 = 20_190_401;

/// The benchmark data: `maatpact synth` cases (the `maatpact` preset with its four planted
/// cocktails) with 8 extra background tags, so 30 tags in all.
fn generate_cases(n_cases: usize, seed: u64) -> Vec<Case> {
    let params = SynthParams {
        preset: Preset::Maatpact,
        n_cases: Some(n_cases),
        seed,
        planted: PlantedParams {
            extra_tags: 8,
            ..PlantedParams::default()
        },
    };
    let synthetic = synthesize(&params, &Config::default()).expect("valid synth parameters");
    assert_eq!(synthetic.vocabulary.len(), N_TAGS);
    synthetic.cases
}

fn mining_params(kind: ItemsetKind) -> ValidMiningParams {
    MiningParams {
        min_support: Support::Fraction(MIN_SUPPORT),
        kind,
        ..MiningParams::default()
    }
    .check()
    .expect("valid parameters")
}

fn bench_matrix(c: &mut Criterion) {
    let mut group = c.benchmark_group("tag_matrix");
    for n in SIZES {
        let cases = generate_cases(n, SEED);
        group.bench_with_input(
            BenchmarkId::new("from_cases", format!("n={n}")),
            &cases,
            |b, cases| b.iter(|| TagMatrix::from_cases(black_box(cases), N_TAGS)),
        );
    }
    group.finish();
}

fn bench_mining(c: &mut Criterion) {
    let mut group = c.benchmark_group("mine");
    for n in SIZES {
        let matrix = TagMatrix::from_cases(&generate_cases(n, SEED), N_TAGS);
        for kind in ItemsetKind::ALL {
            let params = mining_params(kind);
            let id = format!("{}/min_support={MIN_SUPPORT}/n={n}", kind.id());
            group.bench_with_input(BenchmarkId::from_parameter(id), &matrix, |b, matrix| {
                b.iter(|| mine(black_box(matrix), &params))
            });
        }
        let params = mining_params(ItemsetKind::All);
        let rule_params = RuleParams::default().check().expect("valid parameters");
        let id = format!("rules/min_support={MIN_SUPPORT}/n={n}");
        group.bench_with_input(BenchmarkId::from_parameter(id), &matrix, |b, matrix| {
            b.iter(|| rules(black_box(matrix), &params, &rule_params))
        });
        let id = format!("cooccurrence/n={n}");
        group.bench_with_input(BenchmarkId::from_parameter(id), &matrix, |b, matrix| {
            b.iter(|| cooccurrence(black_box(matrix)))
        });
    }
    group.finish();
}

fn bench_alternatives(c: &mut Criterion) {
    let mut group = c.benchmark_group("alternatives");
    for n in [100_000, 1_000_000] {
        let matrix = TagMatrix::from_cases(&generate_cases(n, SEED), N_TAGS);
        let params = mining_params(ItemsetKind::All);
        let min_count = params.min_count(n) as u64;
        let mut expected: Vec<(Vec<u32>, u64)> = mine(&matrix, &params)
            .itemsets
            .iter()
            .map(|i| (i.tags.iter().map(|t| t.0).collect(), i.count as u64))
            .collect();
        expected.sort();
        let mut by_cases = eclat_case_tidsets(&matrix, min_count);
        by_cases.sort();
        assert_eq!(by_cases, expected, "Eclat on case tidsets disagrees");
        let mut by_profiles = eclat_profile_tidsets(&matrix, min_count);
        by_profiles.sort();
        assert_eq!(by_profiles, expected, "Eclat on profile tidsets disagrees");

        let suffix = format!("min_support={MIN_SUPPORT}/n={n}");
        group.bench_with_input(
            BenchmarkId::new("engine_profiles_mask_search", &suffix),
            &matrix,
            |b, matrix| b.iter(|| mine(black_box(matrix), &params)),
        );
        group.bench_with_input(
            BenchmarkId::new("eclat_case_tidsets", &suffix),
            &matrix,
            |b, matrix| b.iter(|| eclat_case_tidsets(black_box(matrix), min_count)),
        );
        group.bench_with_input(
            BenchmarkId::new("eclat_profile_tidsets", &suffix),
            &matrix,
            |b, matrix| b.iter(|| eclat_profile_tidsets(black_box(matrix), min_count)),
        );
    }
    group.finish();
}

/// Eclat over per-tag tidsets of the cases (`TagMatrix::tag_columns`), supports by popcount
/// of the intersections. Returns every frequent itemset (tag ids ascending) with its count.
fn eclat_case_tidsets(matrix: &TagMatrix, min_count: u64) -> Vec<(Vec<u32>, u64)> {
    let columns = matrix.tag_columns();
    let popcount = |set: &[u64]| set.iter().map(|w| w.count_ones() as u64).sum::<u64>();
    let items: Vec<(u32, Vec<u64>, u64)> = columns
        .into_iter()
        .enumerate()
        .map(|(tag, set)| {
            let count = popcount(&set);
            (tag as u32, set, count)
        })
        .filter(|(_, _, count)| *count >= min_count)
        .collect();
    let mut found = Vec::new();
    let mut prefix = Vec::new();
    eclat(
        &items,
        min_count,
        &mut prefix,
        &mut found,
        &|a: &[u64], b: &[u64], out: &mut Vec<u64>| {
            out.clear();
            out.extend(a.iter().zip(b).map(|(x, y)| x & y));
            popcount(out)
        },
    );
    found
}

/// Eclat over per-tag tidsets of the distinct profiles (`TagMatrix::profiles`), supports by
/// summing the profile counts of the set bits of the intersections.
fn eclat_profile_tidsets(matrix: &TagMatrix, min_count: u64) -> Vec<(Vec<u32>, u64)> {
    let profiles = matrix.profiles();
    let weights: Vec<u64> = profiles.counts.iter().map(|&c| c as u64).collect();
    let weighted = |set: &[u64]| {
        let mut total = 0;
        for (w, &word) in set.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                total += weights[w * 64 + rest.trailing_zeros() as usize];
                rest &= rest - 1;
            }
        }
        total
    };
    let items: Vec<(u32, Vec<u64>, u64)> = profiles
        .matrix
        .tag_columns()
        .into_iter()
        .enumerate()
        .map(|(tag, set)| {
            let count = weighted(&set);
            (tag as u32, set, count)
        })
        .filter(|(_, _, count)| *count >= min_count)
        .collect();
    let mut found = Vec::new();
    let mut prefix = Vec::new();
    eclat(
        &items,
        min_count,
        &mut prefix,
        &mut found,
        &|a: &[u64], b: &[u64], out: &mut Vec<u64>| {
            out.clear();
            out.extend(a.iter().zip(b).map(|(x, y)| x & y));
            weighted(out)
        },
    );
    found
}

/// Writes the intersection of two tidsets into the buffer and returns its support.
type Intersect<'a> = dyn Fn(&[u64], &[u64], &mut Vec<u64>) -> u64 + 'a;

/// The Eclat recursion: `items` are the frequent extensions of `prefix`, each with its tidset
/// and count; `intersect` writes an intersection and returns its support.
fn eclat(
    items: &[(u32, Vec<u64>, u64)],
    min_count: u64,
    prefix: &mut Vec<u32>,
    found: &mut Vec<(Vec<u32>, u64)>,
    intersect: &Intersect<'_>,
) {
    for (i, (tag, set, count)) in items.iter().enumerate() {
        prefix.push(*tag);
        found.push((prefix.clone(), *count));
        let mut extensions = Vec::new();
        for (other, other_set, _) in &items[i + 1..] {
            let mut both = Vec::with_capacity(set.len());
            let support = intersect(set, other_set, &mut both);
            if support >= min_count {
                extensions.push((*other, both, support));
            }
        }
        if !extensions.is_empty() {
            eclat(&extensions, min_count, prefix, found, intersect);
        }
        prefix.pop();
    }
}

criterion_group!(benches, bench_matrix, bench_mining, bench_alternatives);
criterion_main!(benches);
