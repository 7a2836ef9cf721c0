use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::effects::hart_van_brabant_names;
use super::*;
use crate::{Cents, Date, TagId};

fn generate_with(
    preset: Preset,
    seed: u64,
    n_cases: Option<usize>,
    planted: PlantedParams,
) -> Synthetic {
    let params = SynthParams {
        preset,
        n_cases,
        seed,
        planted,
    };
    synthesize(&params, &Config::default()).unwrap()
}

fn generate(preset: Preset, seed: u64, n_cases: Option<usize>) -> Synthetic {
    generate_with(preset, seed, n_cases, PlantedParams::default())
}

fn tag(config: &Config, id: &str) -> TagId {
    config.vocabulary.resolve(id).unwrap()
}

fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// Phase-1 (or any) totals, in cents.
#[derive(Debug, Default)]
struct Totals {
    n: usize,
    savings: i64,
    by_financier: [i64; 7],
    breakthrough: i64,
    breakthrough_wonen: i64,
}

fn totals<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Totals {
    let mut totals = Totals::default();
    for case in cases {
        totals.n += 1;
        totals.savings += case.costs.savings().map_or(0, |c| c.0);
        for (sum, part) in totals
            .by_financier
            .iter_mut()
            .zip(case.savings_by_financier)
        {
            *sum += part.map_or(0, |c| c.0);
        }
        let spend = case.breakthrough_spend.map_or(0, |c| c.0);
        totals.breakthrough += spend;
        if case.budget_category.as_deref() == Some("wonen") {
            totals.breakthrough_wonen += spend;
        }
    }
    totals
}

fn in_phase<'a>(cases: &'a [Case], phase: &'a str) -> impl Iterator<Item = &'a Case> {
    cases
        .iter()
        .filter(move |c| c.phase.as_deref() == Some(phase))
}

#[test]
fn same_seed_gives_the_same_cases_and_another_seed_differs() {
    for preset in Preset::ALL {
        let first = generate(preset, 42, Some(500));
        let again = generate(preset, 42, Some(500));
        assert_eq!(first, again, "{preset}");
        let other = generate(preset, 43, Some(500));
        assert_ne!(first.cases, other.cases, "{preset}");
    }
}

#[test]
fn maatpact_defaults_to_51_phase1_and_70_phase2_cases() {
    let synthetic = generate(Preset::Maatpact, 42, None);
    let cases = &synthetic.cases;
    assert_eq!(cases.len(), 121);
    assert_eq!(in_phase(cases, "1").count(), 51);
    assert_eq!(in_phase(cases, "2").count(), 70);
    assert_eq!(cases[0].case_id, "MP-0001");
    assert_eq!(cases[120].case_id, "MP-0121");
    assert_eq!(synthetic.cocktails, Config::default().cocktails);
    assert_eq!(synthetic.vocabulary, Config::default().vocabulary);

    let scaled = generate(Preset::Maatpact, 42, Some(1_000));
    assert_eq!(
        in_phase(&scaled.cases, "1").count(),
        421,
        "1000 × 51/121, rounded"
    );
    assert_eq!(
        generate(Preset::Maatpact, 42, Some(1)).cases[0]
            .phase
            .as_deref(),
        Some("2")
    );
    assert_eq!(
        generate(Preset::Maatpact, 5, Some(12_000)).cases[0].case_id,
        "MP-00001"
    );
}

#[test]
fn phase1_is_calibrated_to_the_published_figures() {
    for seed in [42, 1, 2, 3, 2024] {
        let synthetic = generate(Preset::Maatpact, seed, None);
        let phase1 = totals(in_phase(&synthetic.cases, "1"));
        assert_eq!(phase1.n, 51);
        let savings = euros(phase1.savings);
        assert!(
            (1_100_000.0..=1_200_000.0).contains(&savings),
            "seed {seed}: {savings}"
        );
        assert!(
            savings / 51.0 > 22_000.0,
            "seed {seed}: mean {}",
            savings / 51.0
        );
        let jeugd = euros(phase1.by_financier[0]);
        let wmo = euros(phase1.by_financier[1]);
        assert!(
            (650_000.0..=700_000.0).contains(&jeugd),
            "seed {seed}: jeugd {jeugd}"
        );
        assert!(
            (270_000.0..=300_000.0).contains(&wmo),
            "seed {seed}: wmo {wmo}"
        );
        assert_eq!(phase1.by_financier.iter().sum::<i64>(), phase1.savings);
        assert_eq!(
            phase1.breakthrough_wonen,
            Cents::from_euros(46_000).0,
            "seed {seed}"
        );
        let spend = euros(phase1.breakthrough);
        assert!(
            (88_000.0..=96_000.0).contains(&spend),
            "seed {seed}: {spend}"
        );
    }
    // Twice the cases, twice the phase-1 figures.
    let doubled = generate(Preset::Maatpact, 42, Some(242));
    let phase1 = totals(in_phase(&doubled.cases, "1"));
    assert_eq!(phase1.n, 102);
    assert_eq!(phase1.savings, Cents::from_euros(2_300_000).0);
    assert_eq!(phase1.breakthrough_wonen, Cents::from_euros(92_000).0);
}

#[test]
fn per_financier_savings_add_up_exactly_in_every_case() {
    for preset in Preset::ALL {
        for seed in [42, 7] {
            let synthetic = generate(preset, seed, Some(3_000));
            let mut without_analysis = 0;
            for case in &synthetic.cases {
                match case.costs.savings() {
                    Some(savings) => {
                        let parts: Vec<Cents> = case
                            .savings_by_financier
                            .iter()
                            .map(|p| p.unwrap())
                            .collect();
                        assert_eq!(
                            parts.iter().copied().sum::<Cents>(),
                            savings,
                            "{}",
                            case.case_id
                        );
                        assert_eq!(savings.0 % 100, 0, "savings are whole euros");
                        assert!(
                            parts
                                .iter()
                                .all(|p| p.0 == 0 || p.0.signum() == savings.0.signum()),
                            "{}: parts have the sign of the savings",
                            case.case_id
                        );
                    }
                    None => {
                        without_analysis += 1;
                        assert_eq!(case.savings_by_financier, [None; 7]);
                        assert_eq!(case.costs, crate::CostBenefit::default());
                        assert_ne!(
                            case.phase.as_deref(),
                            Some("1"),
                            "phase 1 is fully analysed"
                        );
                    }
                }
            }
            if preset != Preset::Maastricht {
                let phase2 = in_phase(&synthetic.cases, "2").count();
                let share = without_analysis as f64 / phase2 as f64;
                assert!((0.03..0.07).contains(&share), "{preset}: {share}");
            }
        }
    }
}

#[test]
fn maastricht_totals_are_exact() {
    for seed in [42, 1, 2, 3] {
        let synthetic = generate(Preset::Maastricht, seed, None);
        let cases = &synthetic.cases;
        assert_eq!(cases.len(), 30);
        assert_eq!(cases[0].case_id, "MS-001");
        assert_eq!(cases[29].case_id, "MS-030");
        assert!(synthetic.cocktails.is_empty());
        assert!(
            cases
                .iter()
                .all(|c| c.municipality.as_deref() == Some("Maastricht"))
        );
        assert!(cases.iter().all(|c| c.true_cluster.is_none()));
        assert_eq!(
            cases.iter().filter(|c| c.executed == Some(true)).count(),
            21
        );
        let analysed: Vec<&Case> = cases.iter().filter(|c| c.costs.is_complete()).collect();
        assert_eq!(analysed.len(), 20);
        let threatened: Cents = analysed.iter().map(|c| c.costs.threatened.unwrap()).sum();
        let saved: Cents = analysed.iter().map(|c| c.costs.savings().unwrap()).sum();
        assert_eq!(threatened, Cents::from_euros(830_000), "seed {seed}");
        assert_eq!(saved, Cents::from_euros(426_000), "seed {seed}");
        for case in &analysed {
            let costs = case.costs;
            assert!(costs.current.unwrap().0 > 0, "{}", case.case_id);
            assert!(costs.tailored.unwrap().0 > 0, "{}", case.case_id);
            assert!(costs.savings().unwrap().0 > 0, "{}", case.case_id);
            assert!(
                costs.current.unwrap() < costs.threatened.unwrap(),
                "{}",
                case.case_id
            );
        }
        // Casus 1 of seed 004.
        assert_eq!(
            [
                cases[0].costs.current,
                cases[0].costs.threatened,
                cases[0].costs.tailored
            ],
            [20_000, 90_000, 63_000].map(|e| Some(Cents::from_euros(e)))
        );
        let spent_in = |year| -> Cents {
            cases
                .iter()
                .filter(|c| c.start_date.unwrap().year == year)
                .filter_map(|c| c.breakthrough_spend)
                .sum()
        };
        assert_eq!(spent_in(2019), Cents::from_euros(140_000));
        assert_eq!(spent_in(2020), Cents::from_euros(90_000));
    }
    // Twice the families, twice the totals.
    let doubled = generate(Preset::Maastricht, 42, Some(60));
    let analysed: Vec<&Case> = doubled
        .cases
        .iter()
        .filter(|c| c.costs.is_complete())
        .collect();
    assert_eq!(analysed.len(), 40);
    let saved: Cents = analysed.iter().map(|c| c.costs.savings().unwrap()).sum();
    assert_eq!(saved, Cents::from_euros(852_000));
}

/// Co-occurrence lift of every pair of tags common enough to measure it well.
fn pair_lifts(synthetic: &Synthetic) -> BTreeMap<(usize, usize), f64> {
    let n = synthetic.cases.len() as f64;
    let n_tags = synthetic.vocabulary.len();
    let mut single = vec![0.0; n_tags];
    let mut pair = vec![vec![0.0; n_tags]; n_tags];
    for case in &synthetic.cases {
        for (position, a) in case.tags.iter().enumerate() {
            single[a.index()] += 1.0;
            for b in &case.tags[position + 1..] {
                pair[a.index()][b.index()] += 1.0;
            }
        }
    }
    let mut lifts = BTreeMap::new();
    for a in 0..n_tags {
        for b in a + 1..n_tags {
            let expected = single[a] * single[b] / n;
            // At least 400 expected co-occurrences: the lift's sampling error is about 5%.
            if expected >= 400.0 {
                lifts.insert((a, b), pair[a][b] / expected);
            }
        }
    }
    lifts
}

#[test]
fn noise_preset_has_no_planted_structure() {
    let config = Config::default();
    let noise = generate(Preset::Noise, 42, Some(20_000));
    assert!(noise.cocktails.is_empty());
    assert!(
        noise
            .cases
            .iter()
            .all(|c| c.true_cluster.as_deref() == Some(NOISE_CLUSTER))
    );
    let lifts = pair_lifts(&noise);
    assert!(
        lifts.len() >= 20,
        "enough pairs are measured: {}",
        lifts.len()
    );
    for (&(a, b), &lift) in &lifts {
        assert!(
            (0.85..=1.15).contains(&lift),
            "tags {a} and {b}: lift {lift}"
        );
    }
    // The same measurement finds the planted structure of the maatpact preset.
    let planted = pair_lifts(&generate(Preset::Maatpact, 42, Some(20_000)));
    let key = |x: &str, y: &str| {
        let (a, b) = (tag(&config, x).index(), tag(&config, y).index());
        (a.min(b), a.max(b))
    };
    assert!(planted[&key("ggz", "niet_passende_begeleiding")] > 1.4);
    assert!(planted[&key("ggz", "geen_uitkering")] > 1.4);
    // Two cocktails that differ in one tag (jeugdzorg or schulden) rarely meet.
    assert!(planted[&key("jeugdzorg", "schulden")] < 0.5);

    // The marginals look alike.
    let prevalence = |synthetic: &Synthetic| {
        let mut counts = vec![0.0; synthetic.vocabulary.len()];
        for case in &synthetic.cases {
            for t in &case.tags {
                counts[t.index()] += 1.0;
            }
        }
        counts
            .into_iter()
            .map(|c| c / synthetic.cases.len() as f64)
            .collect::<Vec<f64>>()
    };
    let planted_cases = generate(Preset::Maatpact, 42, Some(20_000));
    for (index, (p, q)) in prevalence(&noise)
        .iter()
        .zip(prevalence(&planted_cases))
        .enumerate()
    {
        assert!(
            (p - q).abs() < 0.04,
            "tag {index}: noise {p} vs maatpact {q}"
        );
    }
}

#[test]
fn keep_probability_and_noise_fraction_are_respected() {
    let planted = PlantedParams {
        keep_probability: 0.7,
        noise_fraction: 0.2,
        ..PlantedParams::default()
    };
    let synthetic = generate_with(Preset::Maatpact, 42, Some(20_000), planted);
    let noise_share = synthetic
        .cases
        .iter()
        .filter(|c| c.true_cluster.as_deref() == Some(NOISE_CLUSTER))
        .count() as f64
        / 20_000.0;
    assert!((noise_share - 0.2).abs() < 0.015, "{noise_share}");
    for cocktail in &synthetic.cocktails {
        let members: Vec<&Case> = synthetic
            .cases
            .iter()
            .filter(|c| c.true_cluster.as_deref() == Some(cocktail.id.as_str()))
            .collect();
        assert!(members.len() > 2_000, "{}", cocktail.id);
        for &t in &cocktail.tags {
            let kept =
                members.iter().filter(|c| c.has_tag(t)).count() as f64 / members.len() as f64;
            assert!(
                (kept - 0.7).abs() < 0.03,
                "{} tag {t:?}: {kept}",
                cocktail.id
            );
        }
    }
}

#[test]
fn background_tags_never_complete_another_cocktail() {
    let synthetic = generate(Preset::Maatpact, 42, Some(5_000));
    let cocktails = &synthetic.cocktails;
    for case in &synthetic.cases {
        let Some(own) = cocktails
            .iter()
            .position(|c| Some(&c.id) == case.true_cluster.as_ref())
        else {
            continue;
        };
        for (index, other) in cocktails.iter().enumerate() {
            let complete = other.tags.iter().all(|&t| case.has_tag(t));
            assert!(
                index == own || !complete,
                "{} holds {}",
                case.case_id,
                other.id
            );
        }
    }
}

#[test]
fn maatpact_fields_are_plausible() {
    let config = Config::default();
    let synthetic = generate(Preset::Maatpact, 42, Some(5_000));
    let cases = &synthetic.cases;
    let n = cases.len() as f64;
    let share = |predicate: &dyn Fn(&Case) -> bool| {
        cases.iter().filter(|c| predicate(c)).count() as f64 / n
    };

    let ids: BTreeSet<&str> = cases.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(ids.len(), cases.len());

    let wonen = tag(&config, "wonen");
    let with_wonen = share(&|c| c.has_tag(wonen));
    assert!((0.85..0.95).contains(&with_wonen), "{with_wonen}");

    let names: BTreeSet<&str> = hart_van_brabant_names().collect();
    let mut per_municipality: BTreeMap<&str, usize> = BTreeMap::new();
    for case in cases {
        let municipality = case.municipality.as_deref().unwrap();
        assert!(names.contains(municipality), "{municipality}");
        *per_municipality.entry(municipality).or_default() += 1;
    }
    assert_eq!(per_municipality.len(), 9);
    let tilburg = per_municipality["Tilburg"];
    assert!(per_municipality.values().all(|&count| count <= tilburg));

    let date = |year, month, day| Date { year, month, day };
    for case in cases {
        let start = case.start_date.unwrap();
        let range = if case.phase.as_deref() == Some("1") {
            date(2019, 9, 1)..=date(2020, 3, 31)
        } else {
            date(2020, 4, 1)..=date(2021, 3, 31)
        };
        assert!(range.contains(&start), "{}: {start}", case.case_id);
        assert!(!case.tags.is_empty());
        assert!(case.tags.windows(2).all(|w| w[0] < w[1]));
        assert!(case.bottlenecks.len() <= 3);
        assert!(case.bottlenecks.windows(2).all(|w| w[0] < w[1]));
        assert!(
            case.bottlenecks
                .iter()
                .all(|b| b.index() < config.catalogue.len())
        );
        let s = case.satisfaction;
        for score in [s.start, s.month_6, s.month_12].into_iter().flatten() {
            assert!((1.0..=10.0).contains(&score), "{score}");
            assert!(
                ((score * 10.0).round() - score * 10.0).abs() < 1e-9,
                "one decimal: {score}"
            );
        }
        assert!((3.0..=5.0).contains(&s.start.unwrap()));
        if let Some(spend) = case.breakthrough_spend {
            assert!(spend.0 > 0 && spend.0 % 100 == 0);
            assert!(case.budget_category.is_some());
        }
        if case.costs.is_complete() {
            for cost in [
                case.costs.current,
                case.costs.threatened,
                case.costs.tailored,
            ] {
                assert!(cost.unwrap().0 >= 0 && cost.unwrap().0 % 100 == 0);
            }
        }
    }
    let euros_of = |c: Option<Cents>| c.unwrap().as_euros();
    let analysed: Vec<&Case> = cases.iter().filter(|c| c.costs.is_complete()).collect();
    let mean = |f: &dyn Fn(&Case) -> f64| {
        analysed.iter().map(|c| f(c)).sum::<f64>() / analysed.len() as f64
    };
    let current = mean(&|c| euros_of(c.costs.current));
    let threatened = mean(&|c| euros_of(c.costs.threatened));
    assert!((15_000.0..=45_000.0).contains(&current), "{current}");
    assert!((50_000.0..=130_000.0).contains(&threatened), "{threatened}");
    let between = analysed
        .iter()
        .filter(|c| c.costs.current <= c.costs.tailored && c.costs.tailored <= c.costs.threatened)
        .count() as f64
        / analysed.len() as f64;
    assert!(between > 0.85, "{between}");
    let negative = analysed
        .iter()
        .filter(|c| c.costs.savings().unwrap().0 < 0)
        .count() as f64
        / analysed.len() as f64;
    assert!((0.01..0.06).contains(&negative), "{negative}");

    let executed = share(&|c| c.executed == Some(true));
    assert!((0.8..0.95).contains(&executed), "{executed}");
    let missing_12m = share(&|c| c.satisfaction.month_12.is_none());
    assert!((0.08..0.2).contains(&missing_12m), "{missing_12m}");
    assert!(
        cases
            .iter()
            .filter(|c| c.phase.as_deref() == Some("1"))
            .all(|c| c.satisfaction.month_12.is_some())
    );
    let mean_score = |f: &dyn Fn(&Case) -> Option<f64>| {
        let scores: Vec<f64> = cases.iter().filter_map(f).collect();
        scores.iter().sum::<f64>() / scores.len() as f64
    };
    let (start, month_6, month_12) = (
        mean_score(&|c| c.satisfaction.start),
        mean_score(&|c| c.satisfaction.month_6),
        mean_score(&|c| c.satisfaction.month_12),
    );
    assert!(
        start < month_6 && month_6 < month_12,
        "{start} {month_6} {month_12}"
    );

    // Bottlenecks follow the problems.
    let schulden = tag(&config, "schulden");
    let debt_help = config.catalogue.resolve("schuldhulp_inflexibel").unwrap();
    let rate = |with: bool| {
        let group: Vec<&Case> = cases
            .iter()
            .filter(|c| c.has_tag(schulden) == with)
            .collect();
        group
            .iter()
            .filter(|c| c.bottlenecks.contains(&debt_help))
            .count() as f64
            / group.len() as f64
    };
    assert!(
        rate(true) > 2.0 * rate(false),
        "{} vs {}",
        rate(true),
        rate(false)
    );
}

#[test]
fn extra_tags_and_generated_cocktails() {
    let config = Config::default();
    let planted = PlantedParams {
        extra_tags: 8,
        n_cocktails: Some(10),
        ..PlantedParams::default()
    };
    let synthetic = generate_with(Preset::Maatpact, 42, Some(4_000), planted.clone());
    let vocabulary = &synthetic.vocabulary;
    assert_eq!(vocabulary.len(), config.vocabulary.len() + 8);
    assert_eq!(
        vocabulary.id(TagId(config.vocabulary.len() as u32)),
        "extra_01"
    );
    assert_eq!(
        vocabulary.id(TagId(vocabulary.len() as u32 - 1)),
        "extra_08"
    );
    let first_extra = config.vocabulary.len();
    assert!(
        synthetic
            .cases
            .iter()
            .any(|c| c.tags.iter().any(|t| t.index() >= first_extra))
    );

    let cocktails = &synthetic.cocktails;
    assert_eq!(cocktails.len(), 10);
    assert_eq!(&cocktails[..4], &config.cocktails[..]);
    let wonen = tag(&config, "wonen");
    for (index, cocktail) in cocktails.iter().enumerate().skip(4) {
        assert_eq!(cocktail.id, format!("cocktail_{}", index + 1));
        assert_eq!(cocktail.tags.len(), 3);
        assert!(cocktail.tags.contains(&wonen));
        assert!(cocktail.tags.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            cocktail.label_nl.matches(" + ").count(),
            2,
            "{}",
            cocktail.label_nl
        );
    }
    for (i, a) in cocktails.iter().enumerate() {
        for b in &cocktails[i + 1..] {
            let nested = |x: &ReferenceCocktail, y: &ReferenceCocktail| {
                x.tags.iter().all(|t| y.tags.contains(t))
            };
            assert!(!nested(a, b) && !nested(b, a), "{} and {}", a.id, b.id);
        }
    }
    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &synthetic.cases {
        *labels
            .entry(case.true_cluster.as_deref().unwrap())
            .or_default() += 1;
    }
    assert_eq!(labels.len(), 11, "ten cocktails and noise: {labels:?}");

    // The cocktails depend on the seed only, not on the number of cases.
    let small = generate_with(Preset::Maatpact, 42, Some(10), planted);
    assert_eq!(&small.cocktails, cocktails);

    let fewer = PlantedParams {
        n_cocktails: Some(2),
        ..PlantedParams::default()
    };
    let two = generate_with(Preset::Maatpact, 42, Some(500), fewer);
    assert_eq!(&two.cocktails[..], &config.cocktails[..2]);
    assert!(two.cases.iter().all(|c| {
        matches!(
            c.true_cluster.as_deref(),
            Some("cocktail_1" | "cocktail_2" | "noise")
        )
    }));
}

#[test]
fn presets_parse_and_print() {
    for preset in Preset::ALL {
        assert_eq!(preset.to_string().parse::<Preset>().unwrap(), preset);
    }
    assert_eq!(
        " Maastricht ".parse::<Preset>().unwrap(),
        Preset::Maastricht
    );
    let err = "tilburg".parse::<Preset>().unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "preset", .. }),
        "{err}"
    );
    assert_eq!(Preset::Maatpact.default_n_cases(), 121);
    assert_eq!(Preset::Maastricht.default_n_cases(), 30);
    assert_eq!(
        "No-Replacement".parse::<Preset>().unwrap(),
        Preset::NoReplacement
    );
    assert!(err.to_string().contains("random6"), "{err}");
    let ids: BTreeSet<&str> = Preset::ALL.iter().map(|p| p.id()).collect();
    assert_eq!(ids.len(), Preset::ALL.len(), "ids are distinct");
    for preset in Preset::VARIANTS {
        assert!(Preset::ALL.contains(&preset));
        assert!(preset.has_cocktails());
        assert_eq!(preset.default_n_cases(), 121);
    }
    assert!(!Preset::Noise.has_cocktails() && !Preset::Maastricht.has_cocktails());
    assert!(Preset::Maatpact.has_cocktails());
}

/// The share of `synthetic`'s cases whose `true_cluster` is `noise`.
fn noise_share(synthetic: &Synthetic) -> f64 {
    let noise = synthetic
        .cases
        .iter()
        .filter(|c| c.true_cluster.as_deref() == Some(NOISE_CLUSTER))
        .count();
    noise as f64 / synthetic.cases.len() as f64
}

/// Mean number of tags per case.
fn mean_tags(synthetic: &Synthetic) -> f64 {
    let total: usize = synthetic.cases.iter().map(|c| c.tags.len()).sum();
    total as f64 / synthetic.cases.len() as f64
}

#[test]
fn every_variant_gives_121_valid_cases_with_planted_cocktails_deterministically() {
    for preset in Preset::VARIANTS {
        let synthetic = generate(preset, 42, None);
        assert_eq!(synthetic, generate(preset, 42, None), "{preset}");
        assert_ne!(
            synthetic.cases,
            generate(preset, 43, None).cases,
            "{preset}"
        );
        assert_eq!(synthetic.cases.len(), 121, "{preset}");
        assert_eq!(in_phase(&synthetic.cases, "1").count(), 51, "{preset}");
        assert!(!synthetic.cocktails.is_empty(), "{preset}");
        let ids: BTreeSet<&str> = synthetic.cocktails.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), synthetic.cocktails.len(), "{preset}");
        for cocktail in &synthetic.cocktails {
            assert!(cocktail.tags.windows(2).all(|w| w[0] < w[1]), "{preset}");
            assert!(!cocktail.label_nl.is_empty() && !cocktail.label_en.is_empty());
        }
        let mut planted = 0;
        for case in &synthetic.cases {
            assert!(!case.tags.is_empty(), "{preset}: {}", case.case_id);
            assert!(case.tags.windows(2).all(|w| w[0] < w[1]));
            assert!(
                case.tags
                    .iter()
                    .all(|t| t.index() < synthetic.vocabulary.len())
            );
            let label = case.true_cluster.as_deref().unwrap();
            assert!(label == NOISE_CLUSTER || ids.contains(label), "{label}");
            planted += usize::from(label != NOISE_CLUSTER);
            assert!(case.municipality.is_some() && case.start_date.is_some());
        }
        assert!(planted > 80, "{preset}: {planted} cocktail cases");
    }
    let config = Config::default();
    assert_eq!(
        generate(Preset::Skewed, 1, None).cocktails,
        config.cocktails
    );
    let overlap = generate(Preset::Overlap, 1, None).cocktails;
    let overlap_ids: Vec<&str> = overlap.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        overlap_ids,
        ["cocktail_a", "cocktail_b", "cocktail_c", "cocktail_d"]
    );
    assert_eq!(overlap[1].label_en.matches(" + ").count(), 2);
}

#[test]
fn skewed_background_puts_schulden_in_about_half_of_all_households() {
    let config = Config::default();
    let synthetic = generate(Preset::Skewed, 42, Some(20_000));
    let schulden = tag(&config, "schulden");
    let prevalence = synthetic
        .cases
        .iter()
        .filter(|c| c.has_tag(schulden))
        .count() as f64
        / 20_000.0;
    assert!((0.4..=0.6).contains(&prevalence), "{prevalence}");
    // Not the maatpact model's courtesy: background tags may complete another cocktail.
    let completes_other = synthetic.cases.iter().any(|case| {
        synthetic.cocktails.iter().any(|c| {
            case.true_cluster.as_deref() != Some(c.id.as_str())
                && c.tags.iter().all(|&t| case.has_tag(t))
        })
    });
    assert!(completes_other);
}

#[test]
fn noise20_has_a_fifth_of_households_in_no_cocktail() {
    let share = noise_share(&generate(Preset::Noise20, 42, Some(20_000)));
    assert!((0.18..=0.22).contains(&share), "{share}");
    let base = noise_share(&generate(Preset::Skewed, 42, Some(20_000)));
    assert!((0.08..=0.12).contains(&base), "{base}");
}

#[test]
fn drawing_without_replacement_gives_more_tags() {
    for seed in [42, 7] {
        let with = mean_tags(&generate(Preset::Skewed, seed, Some(20_000)));
        let without = mean_tags(&generate(Preset::NoReplacement, seed, Some(20_000)));
        assert!(without > with, "seed {seed}: {without} <= {with}");
    }
}

#[test]
fn random6_plants_six_unnested_cocktails_over_30_tags() {
    let config = Config::default();
    for seed in [42, 7, 1_000] {
        let synthetic = generate(Preset::Random6, seed, Some(200));
        assert_eq!(synthetic.vocabulary.len(), 30);
        assert_eq!(synthetic.vocabulary.id(TagId(22)), "extra_01");
        assert_eq!(synthetic.vocabulary.id(TagId(29)), "extra_08");
        let cocktails = &synthetic.cocktails;
        assert_eq!(cocktails.len(), 6);
        for (index, cocktail) in cocktails.iter().enumerate() {
            assert_eq!(cocktail.id, format!("cocktail_{}", index + 1));
            assert!((3..=4).contains(&cocktail.tags.len()));
            for other in &cocktails[index + 1..] {
                let nested = |a: &[TagId], b: &[TagId]| a.iter().all(|t| b.contains(t));
                assert!(!nested(&cocktail.tags, &other.tags));
                assert!(!nested(&other.tags, &cocktail.tags));
            }
        }
        // The structure does not depend on the number of cases.
        assert_eq!(
            &generate(Preset::Random6, seed, Some(5)).cocktails,
            cocktails
        );
    }
    assert_ne!(
        generate(Preset::Random6, 42, Some(5)).cocktails,
        generate(Preset::Random6, 43, Some(5)).cocktails
    );
    let with_extra = generate_with(
        Preset::Random6,
        42,
        Some(5),
        PlantedParams {
            extra_tags: 3,
            ..PlantedParams::default()
        },
    );
    assert_eq!(with_extra.vocabulary.len(), config.vocabulary.len() + 3 + 8);
}

#[test]
fn variants_ignore_every_planted_knob_but_extra_tags() {
    let changed = PlantedParams {
        keep_probability: 0.1,
        background_tags_mean: 7.0,
        noise_fraction: 0.9,
        extra_tags: 0,
        n_cocktails: Some(9),
    };
    for preset in Preset::VARIANTS {
        assert_eq!(
            generate_with(preset, 42, Some(300), changed.clone()),
            generate(preset, 42, Some(300)),
            "{preset}"
        );
    }
    let extra = PlantedParams {
        extra_tags: 5,
        ..PlantedParams::default()
    };
    let skewed = generate_with(Preset::Skewed, 42, Some(300), extra);
    assert_eq!(
        skewed.vocabulary.len(),
        Config::default().vocabulary.len() + 5
    );
}

#[test]
fn variants_refuse_configs_that_cannot_carry_them() {
    let tiny = Config::default()
        .with_overrides(
            "mode = \"replace\"\n\
             [[tags]]\nid = \"a\"\nlabel_nl = \"A\"\nlabel_en = \"A\"\n",
            "tiny.toml",
        )
        .unwrap();
    for preset in [Preset::Skewed, Preset::Overlap] {
        let err = synthesize(&SynthParams::new(preset, 1), &tiny).unwrap_err();
        assert!(matches!(err, Error::Data(_)), "{preset}: {err}");
    }
    let random = synthesize(&SynthParams::new(Preset::Random6, 1), &tiny).unwrap();
    assert_eq!(random.vocabulary.len(), 9);
    assert_eq!(random.cocktails.len(), 6);
}

#[test]
fn invalid_parameters_are_rejected_before_any_work() {
    type Change = fn(&mut SynthParams);
    let cases: [(&str, Change); 10] = [
        ("n_cases", |p| p.n_cases = Some(0)),
        ("n_cases", |p| p.n_cases = Some(MAX_SYNTH_CASES + 1)),
        ("keep_probability", |p| p.planted.keep_probability = 1.01),
        ("keep_probability", |p| {
            p.planted.keep_probability = f64::NAN
        }),
        ("noise_fraction", |p| p.planted.noise_fraction = -0.1),
        ("background_tags_mean", |p| {
            p.planted.background_tags_mean = -1.0
        }),
        ("background_tags_mean", |p| {
            p.planted.background_tags_mean = f64::INFINITY
        }),
        ("extra_tags", |p| p.planted.extra_tags = MAX_EXTRA_TAGS + 1),
        ("n_cocktails", |p| p.planted.n_cocktails = Some(0)),
        ("n_cocktails", |p| {
            p.planted.n_cocktails = Some(MAX_COCKTAILS + 1)
        }),
    ];
    for (expected, change) in cases {
        let mut params = SynthParams::default();
        change(&mut params);
        match synthesize(&params, &Config::default()) {
            Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, expected),
            other => panic!("{expected}: {other:?}"),
        }
    }
    let boundaries = SynthParams {
        n_cases: Some(1),
        planted: PlantedParams {
            keep_probability: 0.0,
            noise_fraction: 1.0,
            background_tags_mean: 0.0,
            ..PlantedParams::default()
        },
        ..SynthParams::default()
    };
    assert!(synthesize(&boundaries, &Config::default()).is_ok());
}

#[test]
fn configs_that_cannot_carry_the_preset_are_refused() {
    let tiny = Config::default()
        .with_overrides(
            "mode = \"replace\"\n\
             [[tags]]\nid = \"a\"\nlabel_nl = \"A\"\nlabel_en = \"A\"\n\
             [[tags]]\nid = \"b\"\nlabel_nl = \"B\"\nlabel_en = \"B\"\n\
             [[tags]]\nid = \"c\"\nlabel_nl = \"C\"\nlabel_en = \"C\"\n",
            "tiny.toml",
        )
        .unwrap();
    let without_cocktails = synthesize(&SynthParams::default(), &tiny).unwrap_err();
    assert!(matches!(
        without_cocktails,
        Error::InvalidParameter {
            name: "n_cocktails",
            ..
        }
    ));
    let mut params = SynthParams::default();
    params.planted.n_cocktails = Some(2);
    let too_many = synthesize(&params, &tiny).unwrap_err();
    assert!(
        too_many
            .to_string()
            .contains("cannot plant 2 distinct cocktails"),
        "{too_many}"
    );
    params.planted.n_cocktails = Some(1);
    let one = synthesize(&params, &tiny).unwrap();
    assert_eq!(one.cocktails[0].label_nl.matches(" + ").count(), 2);
    assert!(synthesize(&SynthParams::new(Preset::Maastricht, 1), &tiny).is_ok());

    let empty = Config::default()
        .with_overrides("mode = \"replace\"\n", "empty.toml")
        .unwrap();
    assert!(matches!(
        synthesize(&SynthParams::new(Preset::Noise, 1), &empty),
        Err(Error::Data(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_case_is_well_formed(
        seed in any::<u64>(),
        n_cases in 1usize..150,
        preset in prop::sample::select(Preset::ALL.to_vec()),
        keep_probability in 0.0f64..=1.0,
        noise_fraction in 0.0f64..=1.0,
        extra_tags in 0usize..4,
    ) {
        let planted = PlantedParams { keep_probability, noise_fraction, extra_tags, ..PlantedParams::default() };
        let synthetic = generate_with(preset, seed, Some(n_cases), planted);
        prop_assert_eq!(synthetic.cases.len(), n_cases);
        let ids: BTreeSet<&str> = synthetic.cases.iter().map(|c| c.case_id.as_str()).collect();
        prop_assert_eq!(ids.len(), n_cases);
        let labels: BTreeSet<&str> = synthetic.cocktails.iter().map(|c| c.id.as_str()).collect();
        for case in &synthetic.cases {
            prop_assert!(!case.tags.is_empty());
            prop_assert!(case.tags.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(case.tags.iter().all(|t| t.index() < synthetic.vocabulary.len()));
            if let Some(savings) = case.costs.savings() {
                let parts: Cents = case.savings_by_financier.iter().map(|p| p.unwrap()).sum();
                prop_assert_eq!(parts, savings);
                for cost in [case.costs.current, case.costs.threatened, case.costs.tailored] {
                    prop_assert!(cost.unwrap().0 >= 0);
                }
            }
            match (preset, case.true_cluster.as_deref()) {
                (Preset::Maastricht, label) => prop_assert_eq!(label, None),
                (Preset::Noise, label) => prop_assert_eq!(label, Some(NOISE_CLUSTER)),
                (_, Some(label)) => {
                    prop_assert!(label == NOISE_CLUSTER || labels.contains(label));
                }
                (_, None) => prop_assert!(false, "a {} case without truth", preset),
            }
        }
        if preset == Preset::Maastricht {
            let analysed = synthetic.cases.iter().filter(|c| c.costs.is_complete()).count();
            prop_assert_eq!(analysed, (n_cases * 20 + 15) / 30);
        }
    }
}

#[test]
fn payers_come_with_spend_and_from_several_budgets() {
    for preset in [Preset::Maatpact, Preset::Maastricht] {
        let synthetic = synthesize(&SynthParams::new(preset, 7), &Config::default()).unwrap();
        let mut payers = BTreeSet::new();
        for case in &synthetic.cases {
            assert_eq!(
                case.payer.is_some(),
                case.breakthrough_spend.is_some(),
                "{preset}: {}",
                case.case_id
            );
            payers.extend(case.payer);
        }
        assert!(payers.contains(&crate::Payer::Programme), "{preset}");
        assert!(payers.len() >= 3, "{preset}: {payers:?}");
    }
}

#[test]
fn payers_are_read_by_their_dutch_and_english_names() {
    use crate::{Financier, Payer};
    let cases = [
        (
            "Bijzondere bijstand",
            Payer::Financier(Financier::Participatie),
        ),
        ("50 gezinnen aanpak", Payer::Programme),
        ("doorbraak-budget", Payer::Programme),
        ("JEUGDWET", Payer::Financier(Financier::Jeugd)),
        (
            "housing corporation",
            Payer::Financier(Financier::Woningcorporatie),
        ),
    ];
    for (text, payer) in cases {
        assert_eq!(Payer::parse(text), Some(payer), "{text}");
    }
    assert_eq!(Payer::parse("gemeentefonds"), None);
    for payer in Payer::ALL {
        assert_eq!(Payer::parse(payer.id()), Some(payer));
    }
}
