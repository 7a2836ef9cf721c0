use proptest::prelude::*;

use super::*;
use crate::case::TagId;
use crate::cluster::{ReferenceMatch, TagStat};
use crate::config::{Config, TagDef};
use crate::synth::{Preset, SynthParams, synthesize};
use crate::tag_matrix::TagMatrix;

fn thresholds() -> ModelThresholds {
    (&ClusterParams::default()).into()
}

/// A model of the default configuration whose cocktails are the reference cocktails,
/// numbered 1 to 4.
fn reference_model(config: &Config) -> Model {
    let cocktails = config
        .cocktails
        .iter()
        .enumerate()
        .map(|(i, reference)| ModelCocktail::from_reference(i + 1, reference, &config.vocabulary))
        .collect();
    Model::new(
        &config.vocabulary,
        "lca",
        cocktails,
        thresholds(),
        &config.cocktails,
    )
}

/// A vocabulary `t00`, `t01`, … of `n` tags.
fn numbered_vocabulary(n: usize) -> Vocabulary {
    Vocabulary::new(
        (0..n)
            .map(|i| TagDef {
                id: format!("t{i:02}"),
                label_nl: format!("T{i}"),
                label_en: format!("T{i}"),
                zrm_domain: None,
                synonyms: Vec::new(),
            })
            .collect(),
    )
    .unwrap()
}

/// A model over `vocabulary` with one cocktail per entry of `defining` (clusters 1, 2, …).
fn model_of(vocabulary: &Vocabulary, defining: &[Vec<usize>]) -> Model {
    let cocktails = defining
        .iter()
        .enumerate()
        .map(|(i, tags)| ModelCocktail {
            cluster: i + 1,
            label_nl: format!("cluster {}", i + 1),
            label_en: format!("cluster {}", i + 1),
            defining_tags: tags
                .iter()
                .map(|&t| vocabulary.id(TagId(t as u32)).to_owned())
                .collect(),
            mode: Vec::new(),
            reference_match: None,
            stable: true,
            profile: None,
        })
        .collect();
    Model::new(vocabulary, "kmodes", cocktails, thresholds(), &[])
}

fn model_error(result: Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Model(message)) => message,
        other => panic!("expected a model error, got {other:?}"),
    }
}

#[test]
fn a_model_survives_a_round_trip_through_a_document() {
    let config = Config::default();
    let mut model = reference_model(&config);
    model.cocktails[1].reference_match = None;
    model.cocktails[2].stable = false;
    // A version-1 model (no class profiles) is still read.
    let old = toml::to_string(&model)
        .unwrap()
        .replace("format_version = 2", "format_version = 1");
    let old: toml::Value = toml::from_str(&old).unwrap();
    assert_eq!(
        Model::from_document(old).unwrap().cocktails,
        model.cocktails
    );
    // (Class profiles hold nulls, which TOML has not: the pipeline's JSON round trip of a
    // published model.json covers them.)
    let text = toml::to_string(&model).unwrap();
    let document: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(
        model_format_version(document.clone()).unwrap(),
        MODEL_FORMAT_VERSION
    );
    let read = Model::from_document(document).unwrap();
    assert_eq!(read, model);
    assert_eq!(
        read.reference_cocktails[3].tags,
        ["ggz", "wonen", "geen_uitkering"]
    );
    read.check_compatible(&config.vocabulary).unwrap();
}

#[test]
fn another_format_version_is_refused_whatever_its_shape() {
    for (text, version, advice) in [
        (
            "format_version = 3\ncocktails = 'a new shape'",
            3,
            "upgrade maatpact",
        ),
        ("format_version = 0\nclusters = []", 0, "older maatpact"),
    ] {
        let document: toml::Value = toml::from_str(text).unwrap();
        let message = model_error(Model::from_document(document));
        assert!(
            message.contains(&format!(
                "format version {version}, but this maatpact reads format versions 1 to 2"
            )),
            "{message}"
        );
        assert!(message.contains(advice), "{message}");
        assert!(
            message.contains("re-run `maatpact run` or `maatpact cluster`"),
            "{message}"
        );
    }
    let document: toml::Value = toml::from_str("algorithm = 'lca'").unwrap();
    let message = model_error(Model::from_document(document));
    assert!(message.contains("not a maatpact model"), "{message}");
    let document: toml::Value = toml::from_str("format_version = 1\nalgorithm = 3").unwrap();
    let message = model_error(Model::from_document(document));
    assert!(message.contains("damaged"), "{message}");

    let config = Config::default();
    let mut model = reference_model(&config);
    model.format_version = 7;
    let message = model_error(model.check_compatible(&config.vocabulary));
    assert!(message.contains("format version 7"), "{message}");
}

#[test]
fn another_vocabulary_is_refused_naming_the_differing_tags() {
    let config = Config::default();
    let model = reference_model(&config);

    let mut extended = config.vocabulary.clone();
    extended.intern("gokverslaving");
    let message = model_error(model.check_compatible(&extended));
    assert!(
        message.contains(&format!(
            "the model has {} tags, the input {}",
            config.vocabulary.len(),
            config.vocabulary.len() + 1
        )),
        "{message}"
    );
    assert!(
        message.contains("only in the input: `gokverslaving`"),
        "{message}"
    );
    assert!(message.contains("--config"), "{message}");

    let mut tags = config.vocabulary.tags().to_vec();
    tags[2].id = "anders".into();
    tags[2].synonyms.clear();
    let renamed = Vocabulary::new(tags).unwrap();
    let message = model_error(model.check_compatible(&renamed));
    let original = config.vocabulary.tags()[2].id.clone();
    assert!(
        message.contains(&format!(
            "tag 3 is `{original}` in the model but `anders` in the input"
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("only in the model: `{original}`")),
        "{message}"
    );
    assert!(
        matches!(
            Screener::new(&model, &renamed),
            Err(Error::Model(m)) if m.contains("different vocabulary")
        ),
        "the screener checks compatibility too"
    );

    // Labels are not identity: a translated label does not make another vocabulary.
    let mut tags = config.vocabulary.tags().to_vec();
    tags[0].label_en = "Something else".into();
    model
        .check_compatible(&Vocabulary::new(tags).unwrap())
        .unwrap();
}

#[test]
fn a_cluster_profile_becomes_a_model_cocktail() {
    let vocabulary = numbered_vocabulary(4);
    let prevalence = [0.9, 0.51, 0.5, 0.1];
    let profile = ClusterProfile {
        cluster: 0,
        size: 100,
        tags: prevalence
            .iter()
            .enumerate()
            .map(|(t, &p)| TagStat {
                tag: TagId(t as u32),
                count: (p * 100.0) as usize,
                prevalence: p,
                lift: 1.0,
            })
            .collect(),
        defining_tags: vec![TagId(0)],
        label_nl: "T0".into(),
        label_en: "T0".into(),
        reference: Some(ReferenceMatch {
            id: "cocktail_2".into(),
            jaccard: 0.5,
        }),
        stability: Some(0.4),
        bootstrap_jaccard: Some(0.6),
        unstable: true,
        silhouette: None,
        noise: false,
    };
    assert_eq!(
        ModelCocktail::from_profile(&profile, &vocabulary),
        ModelCocktail {
            cluster: 1,
            label_nl: "T0".into(),
            label_en: "T0".into(),
            defining_tags: vec!["t00".into()],
            mode: vec!["t00".into(), "t01".into()],
            reference_match: Some("cocktail_2".into()),
            stable: false,
            profile: None,
        }
    );
}

/// One row of the screening fixture: a case's tags and what screening must say.
struct Expected {
    tags: &'static [usize],
    cluster: usize,
    distance: f64,
    present: &'static [u32],
    missing: &'static [u32],
    geschikt: bool,
}

#[test]
fn screening_fixture() {
    // Cluster 1 {0,1,2}; cluster 2 {0,3}; cluster 3 is noise (no defining tags); cluster 4
    // {0,1}; cluster 5 {70} (a second bitset word).
    let vocabulary = numbered_vocabulary(72);
    let model = model_of(
        &vocabulary,
        &[vec![0, 1, 2], vec![0, 3], vec![], vec![0, 1], vec![70]],
    );
    let screener = Screener::new(&model, &vocabulary).unwrap();
    let cases = [
        // All of cluster 1 and extras: cluster 1 (3 tags) beats the contained cluster 4 (2).
        Expected {
            tags: &[0, 1, 2, 5, 6],
            cluster: 1,
            distance: 0.4,
            present: &[0, 1, 2],
            missing: &[],
            geschikt: true,
        },
        // Exactly cluster 4, which is nearer than cluster 1 (1/3) and contained.
        Expected {
            tags: &[0, 1],
            cluster: 4,
            distance: 0.0,
            present: &[0, 1],
            missing: &[],
            geschikt: true,
        },
        // Contains cluster 2 ({0,3}) and cluster 4 ({0,1}), equally specific: lower number.
        Expected {
            tags: &[0, 1, 3],
            cluster: 2,
            distance: 1.0 / 3.0,
            present: &[0, 3],
            missing: &[],
            geschikt: true,
        },
        // Contains cluster 5 only (similarity 1/3); cluster 1 is nearer (2/4) but partial, and
        // a contained cocktail wins.
        Expected {
            tags: &[1, 2, 70],
            cluster: 5,
            distance: 2.0 / 3.0,
            present: &[70],
            missing: &[],
            geschikt: true,
        },
        // Contains nothing: nearest is cluster 1 (similarity 2/4) over clusters 2 and 4 (1/4).
        Expected {
            tags: &[0, 2, 9],
            cluster: 1,
            distance: 0.5,
            present: &[0, 2],
            missing: &[1],
            geschikt: false,
        },
        // Equal similarity 1/3 to clusters 2 ({0,3}) and 4 ({0,1}): the lower number.
        Expected {
            tags: &[0, 9],
            cluster: 2,
            distance: 2.0 / 3.0,
            present: &[0],
            missing: &[3],
            geschikt: false,
        },
        // No tags at all: every cocktail at distance 1, the first one wins.
        Expected {
            tags: &[],
            cluster: 1,
            distance: 1.0,
            present: &[],
            missing: &[0, 1, 2],
            geschikt: false,
        },
        // Only tags of no cocktail.
        Expected {
            tags: &[9, 71],
            cluster: 1,
            distance: 1.0,
            present: &[],
            missing: &[0, 1, 2],
            geschikt: false,
        },
        // The tag past the first word.
        Expected {
            tags: &[70, 71],
            cluster: 5,
            distance: 0.5,
            present: &[70],
            missing: &[],
            geschikt: true,
        },
    ];
    let rows: Vec<Vec<TagId>> = cases
        .iter()
        .map(|c| c.tags.iter().map(|&t| TagId(t as u32)).collect())
        .collect();
    let matrix = TagMatrix::from_rows(72, rows.iter().map(Vec::as_slice));
    let screenings = screener.screen(&matrix).unwrap();
    for (index, (expected, got)) in cases.iter().zip(&screenings).enumerate() {
        let ids = |raw: &[u32]| raw.iter().map(|&t| TagId(t)).collect::<Vec<_>>();
        assert_eq!(got.cluster, expected.cluster, "case {index}");
        assert_eq!(
            model.cocktails[got.cocktail].cluster, expected.cluster,
            "case {index}"
        );
        assert!(
            (got.distance - expected.distance).abs() < 1e-12,
            "case {index}: {}",
            got.distance
        );
        assert_eq!(got.present, ids(expected.present), "case {index}");
        assert_eq!(got.missing, ids(expected.missing), "case {index}");
        assert_eq!(got.maatpact_geschikt, expected.geschikt, "case {index}");
        let matches = if expected.geschikt {
            CocktailMatch::Yes
        } else {
            CocktailMatch::Partial
        };
        assert_eq!(got.matches_cocktail, matches, "case {index}");
        assert_eq!(
            &screener.screen_tags(&rows[index]).unwrap(),
            got,
            "case {index}"
        );
    }
}

#[test]
fn screening_refuses_what_it_cannot_screen() {
    let vocabulary = numbered_vocabulary(3);
    let only_noise = model_of(&vocabulary, &[vec![], vec![]]);
    let message = model_error(Screener::new(&only_noise, &vocabulary));
    assert!(
        message.contains("no cocktail with defining tags"),
        "{message}"
    );

    let mut damaged = model_of(&vocabulary, &[vec![0]]);
    damaged.cocktails[0].defining_tags.push("t99".into());
    let message = model_error(Screener::new(&damaged, &vocabulary));
    assert!(message.contains("`t99`"), "{message}");

    let screener = Screener::new(&model_of(&vocabulary, &[vec![0]]), &vocabulary).unwrap();
    assert!(matches!(
        screener.screen(&TagMatrix::zeros(2, 4)),
        Err(Error::Data(_))
    ));
    assert!(matches!(
        screener.screen_tags(&[TagId(3)]),
        Err(Error::Data(_))
    ));
}

/// The must-show at the core level: on planted-cocktail data every case that kept
/// all tags of its planted cocktail is flagged, and on the `noise` preset no case that lacks
/// the defining tags of every cocktail is.
#[test]
fn planted_cocktails_are_flagged_and_noise_without_them_is_not() {
    let config = Config::default();
    let model = reference_model(&config);
    let screener = Screener::new(&model, &config.vocabulary).unwrap();
    for preset in [Preset::Maatpact, Preset::Noise] {
        let params = SynthParams {
            n_cases: Some(2_000),
            ..SynthParams::new(preset, 7)
        };
        let synthetic = synthesize(&params, &config).unwrap();
        assert_eq!(synthetic.vocabulary, config.vocabulary);
        let matrix = TagMatrix::from_cases(&synthetic.cases, config.vocabulary.len());
        let screenings = screener.screen(&matrix).unwrap();
        let mut kept_all = 0;
        for (case, screening) in synthetic.cases.iter().zip(&screenings) {
            let contains = |tags: &[TagId]| tags.iter().all(|&t| case.has_tag(t));
            let planted = config
                .cocktails
                .iter()
                .find(|c| case.true_cluster.as_deref() == Some(&c.id));
            if let Some(cocktail) = planted
                && contains(&cocktail.tags)
            {
                kept_all += 1;
                assert!(screening.maatpact_geschikt, "{}", case.case_id);
            }
            if !config.cocktails.iter().any(|c| contains(&c.tags)) {
                assert!(!screening.maatpact_geschikt, "{}", case.case_id);
            }
        }
        // Cocktail cases (90%) keep each tag with probability 0.9, so more than half of all
        // cases keep their whole cocktail; the noise preset plants none.
        match preset {
            Preset::Maatpact => assert!(kept_all > 1_000, "{kept_all}"),
            _ => assert_eq!(kept_all, 0),
        }
    }
}

#[test]
fn screening_does_not_depend_on_the_number_of_threads() {
    let config = Config::default();
    let screener = Screener::new(&reference_model(&config), &config.vocabulary).unwrap();
    let params = SynthParams {
        n_cases: Some(20_000),
        ..SynthParams::new(Preset::Maatpact, 3)
    };
    let synthetic = synthesize(&params, &config).unwrap();
    let matrix = TagMatrix::from_cases(&synthetic.cases, config.vocabulary.len());
    let with_threads = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| screener.screen(&matrix).unwrap())
    };
    assert_eq!(with_threads(1), with_threads(3));
}

/// Tag numbers used by the property test: a few in each of two bitset words.
const PROPERTY_TAGS: [usize; 8] = [0, 1, 2, 3, 63, 64, 65, 66];

fn tag_subset(max_len: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::sample::subsequence(PROPERTY_TAGS.to_vec(), 0..=max_len)
}

proptest! {
    #[test]
    fn screening_agrees_with_the_brute_force_definition(
        defining in proptest::collection::vec(tag_subset(3), 1..6),
        cases in proptest::collection::vec(tag_subset(8), 1..30),
    ) {
        let vocabulary = numbered_vocabulary(67);
        let model = model_of(&vocabulary, &defining);
        let usable: Vec<usize> = (0..defining.len()).filter(|&c| !defining[c].is_empty()).collect();
        prop_assume!(!usable.is_empty());
        let screener = Screener::new(&model, &vocabulary).unwrap();
        let rows: Vec<Vec<TagId>> = cases
            .iter()
            .map(|tags| tags.iter().map(|&t| TagId(t as u32)).collect())
            .collect();
        let matrix = TagMatrix::from_rows(67, rows.iter().map(Vec::as_slice));
        let screenings = screener.screen(&matrix).unwrap();
        for (case, screening) in cases.iter().zip(&screenings) {
            let similarity = |c: usize| {
                let both = defining[c].iter().filter(|t| case.contains(t)).count();
                both as f64 / (case.len() + defining[c].len() - both) as f64
            };
            let contains = |c: usize| defining[c].iter().all(|t| case.contains(t));
            prop_assert_eq!(screening.maatpact_geschikt, usable.iter().any(|&c| contains(c)));
            // The most specific contained cocktail, else the nearest; ties to the lower number
            // (max_by_key keeps the last maximum, hence the reversed iteration).
            let expected = usable
                .iter()
                .rev()
                .copied()
                .filter(|&c| contains(c))
                .max_by_key(|&c| defining[c].len())
                .unwrap_or_else(|| {
                    usable
                        .iter()
                        .rev()
                        .copied()
                        .max_by(|&a, &b| similarity(a).total_cmp(&similarity(b)))
                        .unwrap()
                });
            prop_assert_eq!(screening.cocktail, expected);
            prop_assert!((screening.distance - (1.0 - similarity(expected))).abs() < 1e-12);
            let present: Vec<usize> = screening.present.iter().map(|t| t.index()).collect();
            let missing: Vec<usize> = screening.missing.iter().map(|t| t.index()).collect();
            let mut split: Vec<usize> = present.iter().chain(&missing).copied().collect();
            split.sort_unstable();
            prop_assert_eq!(split, defining[expected].clone());
            prop_assert!(present.iter().all(|t| case.contains(t)));
            prop_assert!(missing.iter().all(|t| !case.contains(t)));
        }
    }
}

/// Two cocktails of two tags each among four tags, and the households in no cluster: the
/// posterior follows the profiles, a hidden count is taken at the middle of 1 to 9, and
/// without profiles the score is the share of the cocktail's tags present.
#[test]
fn the_posterior_follows_the_class_profiles() {
    let vocabulary = numbered_vocabulary(4);
    let mut model = model_of(&vocabulary, &[vec![0, 1], vec![2, 3]]);
    let without = Screener::new(&model, &vocabulary).unwrap();
    assert!(!without.has_posterior());
    let half = without.screen_tags(&[TagId(0)]).unwrap();
    assert_eq!((half.score, half.posterior), (0.5, None));

    let profile = |households: u64, counts: [Option<u64>; 4]| ClassProfile {
        households: Some(households),
        tag_counts: counts.to_vec(),
    };
    model.cocktails[0].profile = Some(profile(50, [Some(48), Some(45), Some(5), None]));
    model.cocktails[1].profile = Some(profile(40, [None, Some(4), Some(38), Some(36)]));
    model.unclustered = Some(profile(30, [Some(6), Some(6), Some(6), Some(6)]));
    model.min_cell_size = Some(10);
    let screener = Screener::new(&model, &vocabulary).unwrap();
    assert!(screener.has_posterior());
    let first = screener.screen_tags(&[TagId(0), TagId(1)]).unwrap();
    assert_eq!(first.cluster, 1);
    assert!(first.posterior.unwrap() > 0.95, "{first:?}");
    assert_eq!(first.score, first.posterior.unwrap());
    let second = screener.screen_tags(&[TagId(2), TagId(3)]).unwrap();
    assert_eq!(second.cluster, 2);
    assert!(second.posterior.unwrap() > 0.95);
    let nothing = screener.screen_tags(&[]).unwrap();
    assert!(nothing.posterior_none.unwrap() > 0.9, "{nothing:?}");
    assert!(!nothing.maatpact_geschikt);
    // One tag of the first cocktail: more likely that cocktail than the second, less sure.
    let partial = screener.screen_tags(&[TagId(0)]).unwrap();
    assert_eq!(partial.cluster, 1);
    assert!(partial.posterior.unwrap() < first.posterior.unwrap());
    assert_eq!(partial.missing, [TagId(1)]);
}
