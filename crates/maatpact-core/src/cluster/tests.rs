//! End-to-end tests of [`cluster`] on synthetic data.

use proptest::prelude::*;

use super::testdata::{self, Planted};
use super::*;
use crate::case::TagId;

fn run(data: &Planted, params: &ClusterParams) -> ClusterResult {
    cluster(
        &data.matrix,
        &params.check().unwrap(),
        &data.cocktails,
        &data.vocabulary,
    )
    .unwrap()
}

/// The references that come out as a cluster with exactly their tags.
fn recovered(result: &ClusterResult, references: &[ReferenceCocktail]) -> Vec<String> {
    references
        .iter()
        .filter(|r| result.profiles.iter().any(|p| p.defining_tags == r.tags))
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn sample_data_give_exactly_the_four_reference_cocktails() {
    let data = testdata::planted(None, 42);
    assert_eq!(data.matrix.n_cases(), 121);
    let result = run(
        &data,
        &ClusterParams {
            bootstrap_resamples: 40,
            ..ClusterParams::default()
        },
    );
    assert_eq!(
        result.clustering.n_clusters(),
        4,
        "{:?} {:?}",
        result.k_selection,
        result.dissolved
    );
    assert!(
        result.structure.has_structure,
        "{}",
        result.structure.summary
    );
    let mut matched: Vec<&str> = result
        .profiles
        .iter()
        .filter(|p| !p.noise)
        .map(|p| {
            let m = p
                .reference
                .as_ref()
                .expect("every cluster matches a reference");
            assert_eq!(m.jaccard, 1.0, "{p:?}");
            let reference = data.cocktails.iter().find(|r| r.id == m.id).unwrap();
            assert_eq!(p.defining_tags, reference.tags);
            assert_eq!(p.label_nl, reference.label_nl);
            assert!(!p.unstable, "{p:?}");
            m.id.as_str()
        })
        .collect();
    matched.sort_unstable();
    assert_eq!(
        matched,
        ["cocktail_1", "cocktail_2", "cocktail_3", "cocktail_4"]
    );
}

#[test]
fn a_thousand_cases_recover_every_cocktail_near_the_oracle() {
    // The full check (10 seeds, 1k to 100k cases, every algorithm) is the release-mode
    // example `cluster_recovery` of maatpact-benches; this is its debug-speed sample.
    let data = testdata::planted(Some(1000), 1);
    let oracle = adjusted_rand_index(&oracle_labels(&data.matrix, &data.truth), &data.truth);
    let result = run(
        &data,
        &ClusterParams {
            bootstrap_resamples: 20,
            ..ClusterParams::default()
        },
    );
    let ari = adjusted_rand_index(&result.clustering.labels, &data.truth);
    assert_eq!(
        recovered(&result, &data.cocktails).len(),
        4,
        "{:?}",
        result.profiles
    );
    // On this seed the households without a cocktail form two unstable groups, whose
    // households end up in no cluster (ARI 0.803 against the oracle's 0.836); the mean over
    // ten seeds is 0.804 against 0.828.
    assert!(ari >= oracle - 0.05, "ARI {ari:.3}, oracle {oracle:.3}");
    // The dissolved groups' households are together in the noise cluster, which is no class.
    let noise = result
        .clustering
        .noise_cluster
        .expect("groups were dissolved");
    let rest = &result.profiles[noise];
    assert!(rest.noise && rest.defining_tags.is_empty() && rest.reference.is_none());
    assert_eq!(
        rest.size,
        result.dissolved.iter().map(|d| d.size).sum::<usize>()
    );
    assert_eq!(result.clustering.published_number(noise), 0);
    let probabilities = result.clustering.probabilities.as_ref().unwrap();
    assert_eq!(probabilities.ncols(), result.clustering.n_clusters());
    assert!(
        result.structure.has_structure,
        "{}",
        result.structure.summary
    );
}

#[test]
fn noise_has_no_stable_cluster_and_matches_no_reference() {
    // k-means splits independent tags reproducibly (e.g. with and without GGZ), so the
    // verdict, not the raw stability, is what marks its clusters as untrustworthy.
    for (algorithm, seed) in [(ClusterAlgorithm::KMeans, 7), (ClusterAlgorithm::Lca, 8)] {
        let data = testdata::noise(300, seed);
        let params = ClusterParams {
            algorithm: Algorithm::from(algorithm).with_restarts(4),
            bootstrap_resamples: 20,
            ..ClusterParams::default()
        };
        let result = run(&data, &params);
        assert!(
            !result.structure.has_structure,
            "{}",
            result.structure.summary
        );
        assert!(
            result
                .profiles
                .iter()
                .all(|p| p.unstable && p.reference.is_none()),
            "{:?}",
            result.profiles
        );
        assert!(result.dissolved.is_empty());
    }
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let data = testdata::planted(Some(200), 3);
    for algorithm in [
        ClusterAlgorithm::KModes,
        ClusterAlgorithm::Lca,
        ClusterAlgorithm::Hierarchical,
        ClusterAlgorithm::KMeans,
    ] {
        let params = ClusterParams {
            algorithm: Algorithm::from(algorithm).with_restarts(3),
            k: KChoice::Fixed(4),
            bootstrap_resamples: 6,
            ..ClusterParams::default()
        };
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(&data, &params))
        };
        assert_eq!(on(1), on(3), "{algorithm}");
    }
}

#[test]
fn probabilities_follow_the_cluster_numbering() {
    let data = testdata::planted(Some(200), 5);
    let params = ClusterParams {
        algorithm: ClusterAlgorithm::Lca.into(),
        k: KChoice::Fixed(4),
        bootstrap_resamples: 0,
        ..ClusterParams::default()
    };
    let result = run(&data, &params);
    let probabilities = result.clustering.probabilities.as_ref().unwrap();
    assert_eq!(probabilities.dim(), (200, result.clustering.k));
    for (case, &label) in result.clustering.labels.iter().enumerate() {
        let row = probabilities.row(case);
        assert!(row.iter().all(|&p| p <= row[label] + 1e-12), "case {case}");
        assert!(row.sum() <= 1.0 + 1e-9);
    }
    assert!(result.structure.stable_clusters.is_none());
}

#[test]
fn invalid_parameters_are_refused_by_name() {
    let refused = |params: ClusterParams| match params.check() {
        Err(Error::InvalidParameter { name, .. }) => name,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let base = ClusterParams::default;
    assert_eq!(refused(ClusterParams { k_min: 1, ..base() }), "k_min");
    assert_eq!(refused(ClusterParams { k_max: 1, ..base() }), "k_max");
    assert_eq!(
        refused(ClusterParams {
            k: KChoice::Fixed(0),
            ..base()
        }),
        "k"
    );
    assert_eq!(
        refused(ClusterParams {
            algorithm: ClusterAlgorithm::Dbscan.into(),
            k: KChoice::Fixed(3),
            ..base()
        }),
        "k"
    );
    assert_eq!(
        refused(ClusterParams {
            algorithm: ClusterAlgorithm::KModes.into(),
            k_criterion: KCriterion::Bic,
            ..base()
        }),
        "k_criterion"
    );
    assert_eq!(
        refused(ClusterParams {
            algorithm: Algorithm::from(ClusterAlgorithm::KModes).with_restarts(0),
            ..base()
        }),
        "n_init"
    );
    assert_eq!(
        refused(ClusterParams {
            stability_threshold: 1.5,
            ..base()
        }),
        "stability_threshold"
    );
    assert_eq!(
        refused(ClusterParams {
            defining_min_lift: f64::NAN,
            ..base()
        }),
        "defining_min_lift"
    );
    assert_eq!(
        refused(ClusterParams {
            algorithm: Algorithm::Gmm(GmmParams {
                reg_covariance: -1.0,
                ..GmmParams::default()
            }),
            ..base()
        }),
        "gmm_reg_covariance"
    );
    assert_eq!(
        refused(ClusterParams {
            algorithm: Algorithm::Lca(LcaParams {
                prior_strength: f64::INFINITY,
                ..LcaParams::default()
            }),
            ..base()
        }),
        "lca_prior_strength"
    );
    assert_eq!(
        refused(ClusterParams {
            bootstrap_max_cases: 1,
            ..base()
        }),
        "bootstrap_max_cases"
    );
}

#[test]
fn data_problems_are_errors_not_panics() {
    let config = crate::Config::default();
    let params = ClusterParams::default().check().unwrap();
    let one = TagMatrix::from_rows(config.vocabulary.len(), [&[TagId(0)][..]]);
    assert!(matches!(
        cluster(&one, &params, &config.cocktails, &config.vocabulary),
        Err(Error::Data(_))
    ));
    let same = TagMatrix::from_rows(config.vocabulary.len(), [&[TagId(0)][..], &[TagId(0)][..]]);
    let err = cluster(&same, &params, &config.cocktails, &config.vocabulary).unwrap_err();
    assert!(err.to_string().contains("same tags"), "{err}");
    let narrow = TagMatrix::from_rows(3, [&[TagId(0)][..], &[TagId(1)][..]]);
    assert!(matches!(
        cluster(&narrow, &params, &config.cocktails, &config.vocabulary),
        Err(Error::Data(_))
    ));
}

#[test]
fn names_parse_and_print() {
    for algorithm in ClusterAlgorithm::ALL {
        assert_eq!(
            algorithm.to_string().parse::<ClusterAlgorithm>().unwrap(),
            algorithm
        );
    }
    assert_eq!(
        "K-Modes".parse::<ClusterAlgorithm>().unwrap(),
        ClusterAlgorithm::KModes
    );
    assert!("ward".parse::<ClusterAlgorithm>().is_err());
    assert_eq!("auto".parse::<KChoice>().unwrap(), KChoice::Auto);
    assert_eq!(" 4 ".parse::<KChoice>().unwrap(), KChoice::Fixed(4));
    assert_eq!(KChoice::Fixed(4).to_string(), "4");
    assert!("four".parse::<KChoice>().is_err());
}

#[test]
fn clusters_are_numbered_by_size_then_first_case() {
    // Raw labels: 2 has 3 cases, 0 and 1 have 2 each (1 appears first), 3 is empty.
    let raw = [1, 0, 2, 2, 1, 0, 2];
    let (new, k) = renumber(&raw, 4, &[1; 7], None);
    assert_eq!(k, 3);
    assert_eq!(new, vec![Some(2), Some(1), Some(0), None]);
    // A noise label goes last whatever its size.
    let (new, k) = renumber(&raw, 4, &[1; 7], Some(2));
    assert_eq!(k, 3);
    assert_eq!(new, vec![Some(1), Some(0), Some(2), None]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn every_case_gets_one_label_and_copies_agree(
        rows in prop::collection::vec(prop::collection::vec(0u32..6, 0..4), 3..30),
        k in 1usize..5,
        algorithm in prop::sample::select(vec![ClusterAlgorithm::KModes, ClusterAlgorithm::Hierarchical, ClusterAlgorithm::Lca]),
    ) {
        let rows: Vec<Vec<TagId>> = rows.iter().map(|r| r.iter().map(|&t| TagId(t)).collect()).collect();
        let matrix = TagMatrix::from_rows(6, rows.iter().map(Vec::as_slice));
        let params = ClusterParams { algorithm: Algorithm::from(algorithm).with_restarts(2), ..ClusterParams::default() }.check().unwrap();
        let clustering = fit_clustering(&matrix, &params, k).unwrap();
        prop_assert_eq!(clustering.labels.len(), matrix.n_cases());
        prop_assert!(clustering.k <= k && clustering.k >= 1);
        let sizes = clustering.sizes();
        prop_assert!(sizes.iter().all(|&s| s > 0));
        prop_assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
        for i in 0..matrix.n_cases() {
            prop_assert!(clustering.distances[i] >= 0.0);
            for j in 0..i {
                if matrix.row(i) == matrix.row(j) {
                    prop_assert_eq!(clustering.labels[i], clustering.labels[j]);
                }
            }
        }
    }
}

#[test]
fn stability_from_smaller_resamples_still_finds_the_planted_cocktails_stable() {
    // The m-out-of-n bootstrap: 2,000 cases, resamples of 600.
    let data = testdata::planted(Some(2000), 4);
    let result = run(
        &data,
        &ClusterParams {
            k: KChoice::Fixed(5),
            bootstrap_resamples: 10,
            bootstrap_max_cases: 600,
            ..ClusterParams::default()
        },
    );
    let stable: Vec<&ClusterProfile> = result.profiles.iter().filter(|p| !p.unstable).collect();
    assert!(stable.len() >= 4, "{:?}", result.profiles);
    assert_eq!(recovered(&result, &data.cocktails).len(), 4);
}

/// The core-set mixture on 300 households of generators it was not designed on: every
/// planted cocktail exactly, nothing invented; and on the noise preset, nothing at all.
#[test]
fn the_core_set_mixture_finds_planted_cocktails_and_invents_none() {
    use crate::synth::Preset;
    let params = ClusterParams {
        algorithm: ClusterAlgorithm::CoreSet.into(),
        bootstrap_resamples: 0,
        ..ClusterParams::default()
    };
    for (preset, seed) in [
        (Preset::Skewed, 1),
        (Preset::Overlap, 2),
        (Preset::Noise20, 3),
    ] {
        let data = testdata::synthetic(preset, Some(300), seed);
        let result = run(&data, &params);
        let found = recovered(&result, &data.cocktails);
        assert_eq!(
            found.len(),
            data.cocktails.len(),
            "{preset} seed {seed}: {found:?}"
        );
        let invented: Vec<&Vec<TagId>> = result
            .profiles
            .iter()
            .map(|p| &p.defining_tags)
            .filter(|tags| tags.len() >= 2 && !data.cocktails.iter().any(|c| &c.tags == *tags))
            .collect();
        assert!(invented.is_empty(), "{preset} seed {seed}: {invented:?}");
    }
    for seed in 1..=3 {
        let data = testdata::noise(300, seed);
        let result = run(&data, &params);
        assert!(
            result.profiles.iter().all(|p| p.defining_tags.len() < 2),
            "noise seed {seed}: {:?}",
            result
                .profiles
                .iter()
                .map(|p| &p.defining_tags)
                .collect::<Vec<_>>()
        );
    }
}

/// Confirmatory mode: on 300 households of the maatpact preset, the planted references are
/// confirmed; a reference that lacks a tag its households carry is nuanced with the tag
/// added; a reference of problems that never go together is not supported; and on noise
/// nothing is confirmed and nothing new is named.
#[test]
fn confirm_confirms_nuances_and_refuses() {
    use crate::config::ReferenceCocktail;
    use crate::synth::Preset;
    let config = crate::config::Config::default();
    let tag = |id: &str| config.vocabulary.resolve(id).unwrap();
    let data = testdata::synthetic(Preset::Maatpact, Some(300), 5);
    let confirmation = confirm(&data.matrix, &config.cocktails);
    for verdict in &confirmation.references {
        assert_eq!(verdict.status, ConfirmStatus::Confirmed, "{verdict:?}");
        assert!(verdict.evidence > 0.0);
    }
    assert!(confirmation.new_cocktails.is_empty(), "{confirmation:?}");

    let mut references: Vec<ReferenceCocktail> = config.cocktails.clone();
    references[0]
        .tags
        .retain(|&t| t != tag("niet_passende_begeleiding"));
    let mut bogus = references[1].clone();
    bogus.id = "bogus".into();
    bogus.tags = vec![tag("justitie"), tag("leerlingenvervoer"), tag("basale_adl")];
    bogus.tags.sort();
    references.push(bogus);
    let confirmation = confirm(&data.matrix, &references);
    let first = &confirmation.references[0];
    assert_eq!(first.status, ConfirmStatus::Nuanced, "{first:?}");
    assert_eq!(first.added, vec![tag("niet_passende_begeleiding")]);
    assert_eq!(first.core, config.cocktails[0].tags);
    let last = confirmation.references.last().unwrap();
    assert_eq!(last.status, ConfirmStatus::NotSupported, "{last:?}");

    // Cocktails unrelated to the references: a reference is at most nuanced to a core that
    // keeps half of it; the data's own cocktails come out as new.
    let unrelated = testdata::synthetic(Preset::Random6, Some(300), 3);
    let confirmation = confirm(&unrelated.matrix, &config.cocktails);
    for (verdict, reference) in confirmation.references.iter().zip(&config.cocktails) {
        let shared = verdict
            .core
            .iter()
            .filter(|t| reference.tags.contains(t))
            .count();
        let either = verdict.core.len() + reference.tags.len() - shared;
        assert!(2 * shared >= either, "{verdict:?}");
    }
    assert!(!confirmation.new_cocktails.is_empty(), "{confirmation:?}");

    for seed in 1..=3 {
        let noise = testdata::noise(51, seed);
        let confirmation = confirm(&noise.matrix, &config.cocktails);
        assert!(
            confirmation
                .references
                .iter()
                .all(|v| v.status == ConfirmStatus::NotSupported),
            "seed {seed}: {confirmation:?}"
        );
        assert!(confirmation.new_cocktails.is_empty(), "seed {seed}");
    }
}

/// The phase-2 scenario for `--confirm`: cocktail 4 is held with schulden instead
/// of geen uitkering. The reference as it is collapses (a neighbour takes its households),
/// and a few EM steps from that sliver never won them back for the swapped core, so it was
/// "not supported" in most runs at 1,000 households; the swap is now also tried with the
/// cocktail started afresh. Three seeds at 1,000: three confirmed, the fourth nuanced with
/// exactly that swap.
#[test]
fn confirm_finds_the_phase_two_swap_in_cocktail_four() {
    use crate::synth::{PlantedParams, Preset, SynthParams, synthesize};
    let config = crate::config::Config::default();
    let tag = |id: &str| config.vocabulary.resolve(id).unwrap();
    let mut phase_two = config.clone();
    let mut core = vec![tag("ggz"), tag("wonen"), tag("schulden")];
    core.sort_unstable();
    phase_two.cocktails[3].tags = core.clone();
    for seed in 1..=3 {
        let params = SynthParams {
            preset: Preset::Maatpact,
            n_cases: Some(1000),
            seed,
            planted: PlantedParams::default(),
        };
        let data = synthesize(&params, &phase_two).unwrap();
        let matrix = crate::tag_matrix::TagMatrix::from_cases(&data.cases, data.vocabulary.len());
        let confirmation = confirm(&matrix, &config.cocktails);
        let statuses: Vec<&ConfirmStatus> =
            confirmation.references.iter().map(|v| &v.status).collect();
        assert_eq!(
            statuses[..3],
            [&ConfirmStatus::Confirmed; 3],
            "seed {seed}: {confirmation:?}"
        );
        let fourth = &confirmation.references[3];
        assert_eq!(
            fourth.status,
            ConfirmStatus::Nuanced,
            "seed {seed}: {fourth:?}"
        );
        assert_eq!(fourth.core, core, "seed {seed}");
        assert_eq!(fourth.added, [tag("schulden")]);
        assert_eq!(fourth.dropped, [tag("geen_uitkering")]);
    }
}
