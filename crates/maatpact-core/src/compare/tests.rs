use proptest::prelude::*;

use super::*;
use crate::config::Config;

fn summary(tags: &[TagId], prevalence: &[f64], n_cases: usize, n_total: usize) -> CocktailSummary {
    CocktailSummary {
        defining_tags: tags.to_vec(),
        prevalence: prevalence.to_vec(),
        n_cases,
        n_total,
        mean_savings: None,
        stable: true,
    }
}

/// A summary over a small vocabulary of `tags.len()` ≤ 8 tags whose defining tags have
/// prevalence 0.9 and the others 0.1.
fn simple(tags: &[u32], n_cases: usize, n_total: usize) -> CocktailSummary {
    let ids: Vec<TagId> = tags.iter().map(|&t| TagId(t)).collect();
    let prevalence: Vec<f64> = (0..8)
        .map(|t| if tags.contains(&t) { 0.9 } else { 0.1 })
        .collect();
    summary(&ids, &prevalence, n_cases, n_total)
}

fn statuses(
    comparisons: &[CocktailComparison],
) -> Vec<(Option<usize>, Option<usize>, MatchStatus)> {
    comparisons
        .iter()
        .map(|c| (c.base, c.new, c.status))
        .collect()
}

/// The must-show case: phase 2 keeps three cocktails and replaces `geen_uitkering`
/// by `schulden` in cocktail 4; NEW lists its clusters in another order than BASE.
#[test]
fn phase_two_confirms_three_cocktails_and_nuances_the_fourth() {
    let config = Config::default();
    let vocabulary = &config.vocabulary;
    let tag = |id: &str| vocabulary.resolve(id).unwrap();
    let prevalence_of = |tags: &[TagId]| -> Vec<f64> {
        (0..vocabulary.len())
            .map(|t| {
                if tags.contains(&TagId(t as u32)) {
                    0.92
                } else {
                    0.05
                }
            })
            .collect()
    };
    let reference: Vec<Vec<TagId>> = config.cocktails.iter().map(|c| c.tags.clone()).collect();
    let base: Vec<CocktailSummary> = reference
        .iter()
        .zip([20, 12, 10, 9])
        .map(|(tags, n)| CocktailSummary {
            mean_savings: Some(20_000.0),
            ..summary(tags, &prevalence_of(tags), n, 51)
        })
        .collect();
    let mut fourth = reference[3].clone();
    fourth.retain(|&t| t != tag("geen_uitkering"));
    fourth.push(tag("schulden"));
    fourth.sort_unstable();
    let new_tags = [
        fourth.clone(),
        reference[2].clone(),
        reference[0].clone(),
        reference[1].clone(),
    ];
    let new: Vec<CocktailSummary> = new_tags
        .iter()
        .zip([14, 15, 25, 16])
        .map(|(tags, n)| CocktailSummary {
            mean_savings: Some(22_000.0),
            ..summary(tags, &prevalence_of(tags), n, 70)
        })
        .collect();

    let comparisons = compare_cocktails(&base, &new).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), Some(2), MatchStatus::Confirmed),
            (Some(1), Some(3), MatchStatus::Confirmed),
            (Some(2), Some(1), MatchStatus::Confirmed),
            (Some(3), Some(0), MatchStatus::Nuanced),
        ]
    );
    let nuanced = &comparisons[3];
    assert_eq!(nuanced.added, vec![tag("schulden")]);
    assert_eq!(nuanced.removed, vec![tag("geen_uitkering")]);
    assert_eq!(nuanced.jaccard, 0.5);
    assert_eq!(
        (nuanced.share_base, nuanced.share_new),
        (9.0 / 51.0, 14.0 / 70.0)
    );
    assert_eq!(nuanced.mean_savings_change, Some(2_000.0));
    for confirmed in &comparisons[..3] {
        assert!(confirmed.added.is_empty() && confirmed.removed.is_empty());
        assert_eq!(confirmed.jaccard, 1.0);
    }
}

#[test]
fn unequal_sizes_and_disjoint_tags_give_new_and_vanished() {
    // BASE: {0,1}, {2,3}; NEW: {2,3,4}, {5,6}, {0,1}. {5,6} shares no tag with anything.
    let base = [simple(&[0, 1], 30, 100), simple(&[2, 3], 20, 100)];
    let new = [
        simple(&[2, 3, 4], 10, 80),
        simple(&[5, 6], 30, 80),
        simple(&[0, 1], 20, 80),
    ];
    let comparisons = compare_cocktails(&base, &new).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), Some(2), MatchStatus::Confirmed),
            (Some(1), Some(0), MatchStatus::Nuanced),
            (None, Some(1), MatchStatus::New),
        ]
    );
    let new_one = &comparisons[2];
    assert_eq!(new_one.added, vec![TagId(5), TagId(6)]);
    assert_eq!((new_one.share_base, new_one.share_new), (0.0, 30.0 / 80.0));
    assert_eq!(new_one.jaccard, 0.0);

    // The other way round, and a pair forced together by the assignment but without a common
    // tag is split into vanished + new.
    let comparisons = compare_cocktails(&new, &base[..1]).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), None, MatchStatus::Vanished),
            (Some(1), None, MatchStatus::Vanished),
            (Some(2), Some(0), MatchStatus::Confirmed),
        ]
    );
    assert_eq!(comparisons[1].removed, vec![TagId(5), TagId(6)]);
    let comparisons = compare_cocktails(&base[..1], &new[1..2]).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), None, MatchStatus::Vanished),
            (None, Some(0), MatchStatus::New),
        ]
    );
    assert!(compare_cocktails(&[], &[]).unwrap().is_empty());
}

#[test]
fn equal_tag_sets_are_matched_by_the_closest_prevalences() {
    // Two BASE clusters with the same defining tags, told apart only by the prevalence of
    // tag 2; NEW lists them the other way round.
    let low = summary(&[TagId(0), TagId(1)], &[0.9, 0.9, 0.1], 10, 50);
    let high = summary(&[TagId(0), TagId(1)], &[0.9, 0.9, 0.4], 20, 50);
    let new_high = summary(&[TagId(0), TagId(1)], &[0.8, 0.9, 0.45], 5, 40);
    let new_low = summary(&[TagId(0), TagId(1)], &[0.9, 0.8, 0.05], 6, 40);
    let comparisons = compare_cocktails(&[low, high], &[new_high, new_low]).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), Some(1), MatchStatus::Confirmed),
            (Some(1), Some(0), MatchStatus::Confirmed),
        ]
    );
}

#[test]
fn jaccard_outweighs_any_prevalence_difference() {
    // Pairing by position gives identical prevalences (L1 = 0) but a total Jaccard of
    // J({0,1,2},{0,1}) + J({0,1,4},{0,1,2,3}) = 2/3 + 2/5; crossing over gives
    // 3/4 + 2/3 with prevalences far apart (L1 = 2.5 + 2.5). The higher Jaccard wins.
    let base = [
        summary(&[TagId(0), TagId(1), TagId(2)], &[0.5; 5], 10, 100),
        summary(&[TagId(0), TagId(1), TagId(4)], &[1.0; 5], 10, 100),
    ];
    let new = [
        summary(&[TagId(0), TagId(1)], &[0.5; 5], 10, 100),
        summary(
            &[TagId(0), TagId(1), TagId(2), TagId(3)],
            &[1.0; 5],
            10,
            100,
        ),
    ];
    let comparisons = compare_cocktails(&base, &new).unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), Some(1), MatchStatus::Nuanced),
            (Some(1), Some(0), MatchStatus::Nuanced),
        ]
    );
    assert_eq!(
        (comparisons[0].jaccard, comparisons[1].jaccard),
        (0.75, 2.0 / 3.0)
    );
}

#[test]
fn empty_defining_tags_match_each_other() {
    let noise = simple(&[], 12, 100);
    let comparisons = compare_cocktails(
        &[simple(&[0, 1], 40, 100), noise.clone()],
        &[noise, simple(&[0, 1], 40, 100)],
    )
    .unwrap();
    assert_eq!(
        statuses(&comparisons),
        vec![
            (Some(0), Some(1), MatchStatus::Confirmed),
            (Some(1), Some(0), MatchStatus::Confirmed),
        ]
    );
    assert_eq!(comparisons[1].jaccard, 1.0);
}

#[test]
fn inconsistent_sides_are_refused() {
    let check = |base: &[CocktailSummary], new: &[CocktailSummary], name: &str, words: &str| {
        match compare_cocktails(base, new) {
            Err(Error::InvalidParameter { name: got, message }) => {
                assert_eq!(got, name);
                assert!(message.contains(words), "{message}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
    };
    let good = simple(&[0], 1, 10);
    check(
        &[good.clone(), simple(&[1], 1, 11)],
        &[],
        "base",
        "n_total 11",
    );
    check(
        std::slice::from_ref(&good),
        &[simple(&[1], 12, 10)],
        "new",
        "more than",
    );
    check(&[simple(&[1], 0, 0)], &[], "base", "n_total 0");
    let short = summary(&[TagId(0)], &[0.5], 1, 10);
    check(
        std::slice::from_ref(&good),
        &[short],
        "new",
        "same vocabulary",
    );
    let bad = summary(&[TagId(0)], &[1.5; 8], 1, 10);
    check(&[good], &[bad], "new", "outside [0, 1]");
}

#[test]
fn wilson_and_newcombe_match_published_values() {
    // Newcombe (1998), Statistics in Medicine 17, table II, example (a): 56/70 − 48/80,
    // method 10 gives 0.0524 to 0.3339.
    let (low, high) = newcombe_difference_interval((48, 80), (56, 70));
    assert!((low - 0.0524).abs() < 5e-5, "{low}");
    assert!((high - 0.3339).abs() < 5e-5, "{high}");
    // Example (b): 9/10 − 3/10 gives 0.1705 to 0.8090.
    let (low, high) = newcombe_difference_interval((3, 10), (9, 10));
    assert!((low - 0.1705).abs() < 5e-5, "{low}");
    assert!((high - 0.8090).abs() < 5e-5, "{high}");
    // By hand: 10/10 − 0/10 has Wilson intervals (0.7225, 1) and (0, 0.2775), so the lower
    // bound is 1 − √(0.2775² + 0.2775²) = 0.6075 and the upper bound 1.
    let (low, high) = newcombe_difference_interval((0, 10), (10, 10));
    assert!((low - 0.6075).abs() < 5e-5, "{low}");
    assert_eq!(high, 1.0);
    // Wilson 0/10: upper bound z² / (n + z²).
    let (low, high) = wilson_interval(0, 10);
    assert_eq!(low, 0.0);
    assert!((high - 0.2775).abs() < 5e-5, "{high}");
    assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
}

fn arbitrary_summary(n_total: usize) -> impl Strategy<Value = CocktailSummary> {
    (
        0u8..16,
        proptest::collection::vec(0u8..3, 4),
        0..=n_total,
        proptest::option::of(0u8..3),
        any::<bool>(),
    )
        .prop_map(
            move |(mask, grid, n_cases, savings, stable)| CocktailSummary {
                defining_tags: (0..4).filter(|t| mask >> t & 1 == 1).map(TagId).collect(),
                prevalence: grid.iter().map(|&g| f64::from(g) / 2.0).collect(),
                n_cases,
                n_total,
                mean_savings: savings.map(|s| f64::from(s) * 1000.0),
                stable,
            },
        )
}

fn arbitrary_side(n_total: usize) -> impl Strategy<Value = Vec<CocktailSummary>> {
    proptest::collection::vec(arbitrary_summary(n_total), 0..7)
}

/// What a comparison says, without the input indices: the compared summaries themselves.
fn content(
    base: &[CocktailSummary],
    new: &[CocktailSummary],
    comparisons: &[CocktailComparison],
) -> Vec<String> {
    let mut content: Vec<String> = comparisons
        .iter()
        .map(|c| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                c.base.map(|b| &base[b]),
                c.new.map(|n| &new[n]),
                c.status,
                c.added,
                c.removed,
                c.share_change_ci,
                c.mean_savings_change
            )
        })
        .collect();
    content.sort();
    content
}

proptest! {
    #[test]
    fn comparing_a_phase_with_itself_confirms_every_cocktail(side in arbitrary_side(60)) {
        let comparisons = compare_cocktails(&side, &side).unwrap();
        prop_assert_eq!(comparisons.len(), side.len());
        for (index, comparison) in comparisons.iter().enumerate() {
            prop_assert_eq!(comparison.status, MatchStatus::Confirmed);
            prop_assert_eq!(comparison.base, Some(index));
            let partner = &side[comparison.new.unwrap()];
            prop_assert_eq!(sorted_set(&partner.defining_tags), sorted_set(&side[index].defining_tags));
            prop_assert!(comparison.added.is_empty() && comparison.removed.is_empty());
            prop_assert_eq!(comparison.jaccard, 1.0);
            let (low, high) = comparison.share_change_ci;
            prop_assert!(low <= comparison.share_change && comparison.share_change <= high);
        }
    }

    #[test]
    fn the_order_of_the_input_lists_does_not_matter(
        (base, new, shuffled_base, shuffled_new) in (arbitrary_side(60), arbitrary_side(90))
            .prop_flat_map(|(base, new)| {
                let shuffled_base = Just(base.clone()).prop_shuffle();
                let shuffled_new = Just(new.clone()).prop_shuffle();
                (Just(base), Just(new), shuffled_base, shuffled_new)
            })
    ) {
        let original = compare_cocktails(&base, &new).unwrap();
        let shuffled = compare_cocktails(&shuffled_base, &shuffled_new).unwrap();
        prop_assert_eq!(
            content(&base, &new, &original),
            content(&shuffled_base, &shuffled_new, &shuffled)
        );
        // Every cocktail appears exactly once, BASE ones first and in BASE order.
        let bases: Vec<usize> = original.iter().filter_map(|c| c.base).collect();
        prop_assert_eq!(bases, (0..base.len()).collect::<Vec<_>>());
        let mut news: Vec<usize> = original.iter().filter_map(|c| c.new).collect();
        news.sort_unstable();
        prop_assert_eq!(news, (0..new.len()).collect::<Vec<_>>());
        for comparison in &original {
            let (low, high) = comparison.share_change_ci;
            prop_assert!(-1.0 <= low && low <= comparison.share_change);
            prop_assert!(comparison.share_change <= high && high <= 1.0);
            let matched = comparison.base.is_some() && comparison.new.is_some();
            prop_assert_eq!(matched, comparison.jaccard > 0.0);
        }
    }
}
