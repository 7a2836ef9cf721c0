use std::collections::BTreeMap;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::itemsets::Engine;
use super::*;
use crate::config::Config;

fn ids(raw: &[u32]) -> Vec<TagId> {
    raw.iter().map(|&t| TagId(t)).collect()
}

fn matrix_of(n_tags: usize, rows: &[Vec<TagId>]) -> TagMatrix {
    TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice))
}

/// Rows given as (tags, how many cases) for compact fixtures.
fn weighted_rows(n_tags: usize, rows: &[(&[u32], usize)]) -> TagMatrix {
    let expanded: Vec<Vec<TagId>> = rows
        .iter()
        .flat_map(|&(tags, times)| std::iter::repeat_n(ids(tags), times))
        .collect();
    matrix_of(n_tags, &expanded)
}

fn params(
    min_support: Support,
    max_len: Option<usize>,
    required: &[u32],
    kind: ItemsetKind,
) -> ValidMiningParams {
    MiningParams {
        min_support,
        max_len,
        required: ids(required),
        kind,
    }
    .check()
    .expect("valid parameters")
}

/// The itemsets of `matrix` by brute force: every subset of the tags that occur, counted
/// over every case, with the definitions of closed and maximal taken literally.
fn brute_force(
    matrix: &TagMatrix,
    used_tags: &[TagId],
    params: &ValidMiningParams,
) -> BTreeMap<Vec<TagId>, usize> {
    let n_used = used_tags.len();
    assert!(n_used <= 14, "brute force is for small matrices");
    let count_of = |mask: usize| -> usize {
        (0..matrix.n_cases())
            .filter(|&case| {
                (0..n_used).all(|i| mask >> i & 1 == 0 || matrix.contains(case, used_tags[i]))
            })
            .count()
    };
    let counts: Vec<usize> = (0..1usize << n_used).map(count_of).collect();
    let min_count = params.min_count(matrix.n_cases());
    let tags_of = |mask: usize| -> Vec<TagId> {
        (0..n_used)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| used_tags[i])
            .collect()
    };
    let mut expected = BTreeMap::new();
    for mask in 1..1usize << n_used {
        let tags = tags_of(mask);
        let count = counts[mask];
        if count < min_count
            || params.max_len().is_some_and(|max_len| tags.len() > max_len)
            || !params.required().iter().all(|t| tags.contains(t))
        {
            continue;
        }
        let proper_supersets =
            (1..1usize << n_used).filter(|&other| other != mask && other & mask == mask);
        let keep = match params.kind() {
            ItemsetKind::All => true,
            ItemsetKind::Closed => proper_supersets.clone().all(|other| counts[other] < count),
            ItemsetKind::Maximal => proper_supersets
                .clone()
                .all(|other| counts[other] < min_count),
        };
        if keep {
            expected.insert(tags, count);
        }
    }
    expected
}

/// The itemsets found by one engine, bypassing the choice `mine` makes.
fn find_with(
    matrix: &TagMatrix,
    params: &ValidMiningParams,
    engine: Engine,
) -> BTreeMap<Vec<TagId>, usize> {
    let distinct = DistinctRows::of(matrix);
    let min_count = params.min_count(matrix.n_cases()) as u64;
    itemsets::find(
        &distinct,
        params.required(),
        min_count,
        params.max_len(),
        params.kind(),
        engine,
    )
    .into_iter()
    .map(|(tags, count)| (tags, count as usize))
    .collect()
}

fn as_map(result: &MiningResult) -> BTreeMap<Vec<TagId>, usize> {
    result
        .itemsets
        .iter()
        .map(|itemset| (itemset.tags.clone(), itemset.count))
        .collect()
}

fn assert_sorted(result: &MiningResult) {
    for pair in result.itemsets.windows(2) {
        let key = |itemset: &Itemset| (std::cmp::Reverse(itemset.count), itemset.tags.clone());
        assert!(
            key(&pair[0]) < key(&pair[1]),
            "itemsets out of order: {pair:?}"
        );
    }
}

fn any_kind() -> impl Strategy<Value = ItemsetKind> {
    prop_oneof![
        Just(ItemsetKind::All),
        Just(ItemsetKind::Closed),
        Just(ItemsetKind::Maximal)
    ]
}

/// A small random matrix over `used` tag ids (possibly past 64), with rows as tag lists.
fn small_matrix(used: Vec<u32>) -> impl Strategy<Value = (Vec<TagId>, Vec<Vec<TagId>>)> {
    let n_used = used.len();
    let row = proptest::collection::vec(proptest::bool::weighted(0.45), n_used);
    proptest::collection::vec(row, 0..=60).prop_map(move |rows| {
        let rows = rows
            .into_iter()
            .map(|bits| {
                bits.iter()
                    .zip(&used)
                    .filter(|(bit, _)| **bit)
                    .map(|(_, &t)| TagId(t))
                    .collect()
            })
            .collect();
        (ids(&used), rows)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn itemsets_equal_brute_force(
        (used, rows) in (1usize..=12).prop_flat_map(|n| small_matrix((0..n as u32).collect())),
        min_count in 1usize..=8,
        max_len in proptest::option::of(1usize..=5),
        kind in any_kind(),
        required_picks in proptest::collection::vec(0usize..12, 0..=2),
    ) {
        let required: Vec<u32> = required_picks.iter().map(|&p| used[p % used.len()].0).collect();
        let mut distinct_required = required.clone();
        distinct_required.sort_unstable();
        distinct_required.dedup();
        let max_len = max_len.map(|m| m.max(distinct_required.len()));
        let matrix = matrix_of(used.len(), &rows);
        let params = params(Support::Count(min_count), max_len, &required, kind);
        let result = mine(&matrix, &params);
        let expected = brute_force(&matrix, &used, &params);
        prop_assert_eq!(as_map(&result), expected.clone());
        prop_assert_eq!(result.n_cases, rows.len());
        assert_sorted(&result);
        // Both engines, whichever `mine` picked.
        for engine in [Engine::Masks, Engine::Lists] {
            prop_assert_eq!(find_with(&matrix, &params, engine), expected.clone());
        }
    }

    #[test]
    fn tags_past_the_first_word_are_mined_exactly(
        (used, rows) in small_matrix(vec![0, 5, 63, 64, 65, 100, 127, 128]),
        min_count in 1usize..=6,
        kind in any_kind(),
    ) {
        let matrix = matrix_of(130, &rows);
        let params = params(Support::Count(min_count), None, &[], kind);
        prop_assert_eq!(as_map(&mine(&matrix, &params)), brute_force(&matrix, &used, &params));
    }

    #[test]
    fn a_fraction_and_its_count_agree(
        (_, rows) in (1usize..=8).prop_flat_map(|n| small_matrix((0..n as u32).collect())),
        min_count in 1usize..=60,
    ) {
        prop_assume!(!rows.is_empty() && min_count <= rows.len());
        let matrix = matrix_of(8, &rows);
        let by_count = mine(&matrix, &params(Support::Count(min_count), None, &[], ItemsetKind::All));
        let fraction = min_count as f64 / rows.len() as f64;
        let by_fraction = mine(&matrix, &params(Support::Fraction(fraction), None, &[], ItemsetKind::All));
        prop_assert_eq!(by_fraction.min_count, min_count);
        prop_assert_eq!(by_count, by_fraction);
    }

    #[test]
    fn closed_sets_carry_every_frequent_count(
        (used, rows) in (1usize..=10).prop_flat_map(|n| small_matrix((0..n as u32).collect())),
        min_count in 1usize..=6,
    ) {
        // Each frequent itemset's count is that of its smallest closed superset, and the
        // maximal sets are exactly the closed ones with no frequent proper superset.
        let matrix = matrix_of(used.len(), &rows);
        let all = mine(&matrix, &params(Support::Count(min_count), None, &[], ItemsetKind::All));
        let closed = mine(&matrix, &params(Support::Count(min_count), None, &[], ItemsetKind::Closed));
        let maximal = mine(&matrix, &params(Support::Count(min_count), None, &[], ItemsetKind::Maximal));
        let is_subset = |small: &[TagId], large: &[TagId]| small.iter().all(|t| large.contains(t));
        for itemset in &all.itemsets {
            let closure_count = closed
                .itemsets
                .iter()
                .filter(|c| is_subset(&itemset.tags, &c.tags))
                .map(|c| c.count)
                .max();
            prop_assert_eq!(closure_count, Some(itemset.count));
        }
        for itemset in &maximal.itemsets {
            prop_assert!(closed.itemsets.iter().any(|c| c.tags == itemset.tags));
        }
    }
}

#[test]
fn large_databases_searched_in_parallel_agree_with_the_list_engine() {
    // Enough distinct profiles for the mask engine to split its root across threads; the
    // list engine, checked against brute force above, is the reference.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let rows: Vec<Vec<TagId>> = (0..12_000)
        .map(|_| (0..14).filter(|_| rng.gen_bool(0.35)).map(TagId).collect())
        .collect();
    let matrix = matrix_of(14, &rows);
    assert!(DistinctRows::of(&matrix).len() >= 4096);
    for kind in ItemsetKind::ALL {
        let params = params(Support::Fraction(0.02), None, &[], kind);
        let by_masks = as_map(&mine(&matrix, &params));
        assert!(by_masks.len() > 100, "{kind:?}: {}", by_masks.len());
        assert_eq!(
            by_masks,
            find_with(&matrix, &params, Engine::Lists),
            "{kind:?}"
        );
    }
}

#[test]
fn more_than_64_frequent_tags_are_mined_exactly() {
    // 70 tags, all frequent: `mine` must leave the 64-bit masks for item lists.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let rows: Vec<Vec<TagId>> = (0..40)
        .map(|_| (0..70).filter(|_| rng.gen_bool(0.3)).map(TagId).collect())
        .collect();
    let matrix = matrix_of(70, &rows);
    let params = params(Support::Count(2), Some(2), &[], ItemsetKind::All);
    let mut expected = BTreeMap::new();
    for a in 0..70 {
        for b in a..70 {
            let tags: Vec<TagId> = if a == b { ids(&[a]) } else { ids(&[a, b]) };
            let count = rows
                .iter()
                .filter(|row| tags.iter().all(|t| row.contains(t)))
                .count();
            if count >= 2 {
                expected.insert(tags, count);
            }
        }
    }
    assert!(expected.keys().filter(|tags| tags.len() == 1).count() > 64);
    assert_eq!(as_map(&mine(&matrix, &params)), expected);
}

#[test]
fn parameters_are_checked_before_any_work() {
    let bad = [
        MiningParams {
            min_support: Support::Fraction(0.0),
            ..MiningParams::default()
        },
        MiningParams {
            min_support: Support::Fraction(1.5),
            ..MiningParams::default()
        },
        MiningParams {
            min_support: Support::Fraction(f64::NAN),
            ..MiningParams::default()
        },
        MiningParams {
            min_support: Support::Count(0),
            ..MiningParams::default()
        },
        MiningParams {
            max_len: Some(0),
            ..MiningParams::default()
        },
        MiningParams {
            max_len: Some(1),
            required: ids(&[0, 1]),
            ..MiningParams::default()
        },
    ];
    for params in bad {
        let error = params
            .check()
            .expect_err(&format!("{params:?} must be refused"));
        assert!(matches!(error, Error::InvalidParameter { .. }), "{error}");
    }
    let ok = MiningParams {
        max_len: Some(2),
        required: ids(&[1, 0, 1]),
        ..MiningParams::default()
    }
    .check();
    assert_eq!(ok.expect("valid").required(), ids(&[0, 1]));
}

#[test]
fn min_count_follows_the_fraction_rule_of_mlxtend() {
    let at = |fraction: f64, n: usize| {
        params(Support::Fraction(fraction), None, &[], ItemsetKind::All).min_count(n)
    };
    assert_eq!(at(0.01, 10_000), 100);
    assert_eq!(at(0.05, 100_000), 5_000);
    assert_eq!(at(0.01, 1_000_001), 10_001);
    assert_eq!(at(0.1, 3), 1);
    assert_eq!(at(1.0, 7), 7);
    assert_eq!(at(0.5, 0), 1);
}

/// Ten cases over A = 0, B = 1, C = 2 and D = 3 (which never occurs):
/// A 7, B 7, C 3, AB 6, AC 2, BC 2, ABC 2.
fn fixture() -> TagMatrix {
    weighted_rows(
        4,
        &[
            (&[0, 1], 4),
            (&[0, 1, 2], 2),
            (&[0], 1),
            (&[1], 1),
            (&[2], 1),
            (&[], 1),
        ],
    )
}

#[test]
fn fixture_itemsets_have_hand_checked_statistics() {
    let result = mine(
        &fixture(),
        &params(Support::Count(2), None, &[], ItemsetKind::All),
    );
    let rows: Vec<(Vec<TagId>, usize)> = result
        .itemsets
        .iter()
        .map(|i| (i.tags.clone(), i.count))
        .collect();
    let expected = [
        (ids(&[0]), 7),
        (ids(&[1]), 7),
        (ids(&[0, 1]), 6),
        (ids(&[2]), 3),
        (ids(&[0, 1, 2]), 2),
        (ids(&[0, 2]), 2),
        (ids(&[1, 2]), 2),
    ];
    assert_eq!(rows, expected);
    let get = |tags: &[u32]| {
        result
            .itemsets
            .iter()
            .find(|i| i.tags == ids(tags))
            .expect("reported")
    };

    let single = get(&[2]);
    assert_eq!(
        (
            single.support,
            single.lift,
            single.p_value,
            single.p_value_holm
        ),
        (0.3, 1.0, None, None)
    );

    // AB: lift 0.6 / (0.7 · 0.7); Fisher: P(X >= 6) = (C(7,6) C(3,1) + 1) / C(10,7) = 22/120.
    let ab = get(&[0, 1]);
    assert!((ab.lift - 60.0 / 49.0).abs() < 1e-12);
    let p_ab = ab.p_value.expect("a pair is tested");
    assert!((p_ab - 22.0 / 120.0).abs() < 1e-12, "{p_ab}");
    // AC: P(X >= 2) = (C(7,2) C(3,1) + C(7,3)) / C(10,3) = 98/120.
    let p_ac = get(&[0, 2]).p_value.expect("tested");
    assert!((p_ac - 98.0 / 120.0).abs() < 1e-12, "{p_ac}");
    // ABC: binomial P(X >= 2) with n = 10 and p = 0.7 · 0.7 · 0.3.
    let abc = get(&[0, 1, 2]);
    let p: f64 = 0.7 * 0.7 * 0.3;
    let q = 1.0 - p;
    let expected_abc = 1.0 - q.powi(10) - 10.0 * p * q.powi(9);
    assert!((abc.p_value.expect("tested") - expected_abc).abs() < 1e-12);
    assert!((abc.lift - 0.2 / p).abs() < 1e-12);
    // Holm over the four tested itemsets: AB has the smallest p-value, so it is scaled by 4.
    assert!((ab.p_value_holm.expect("corrected") - 4.0 * 22.0 / 120.0).abs() < 1e-12);
    let smallest_first = [p_ab, expected_abc.min(p_ac)];
    assert!(smallest_first[0] < smallest_first[1]);
}

#[test]
fn fixture_kinds_required_tags_and_max_len() {
    let matrix = fixture();
    let tags_of = |params: &ValidMiningParams| -> Vec<Vec<TagId>> {
        mine(&matrix, params)
            .itemsets
            .into_iter()
            .map(|i| i.tags)
            .collect()
    };
    let closed = params(Support::Count(2), None, &[], ItemsetKind::Closed);
    assert_eq!(
        tags_of(&closed),
        [
            ids(&[0]),
            ids(&[1]),
            ids(&[0, 1]),
            ids(&[2]),
            ids(&[0, 1, 2])
        ]
    );
    let maximal = params(Support::Count(2), None, &[], ItemsetKind::Maximal);
    assert_eq!(tags_of(&maximal), [ids(&[0, 1, 2])]);
    // With a length limit, maximality still looks at every size: ABC hides its pairs.
    let maximal_pairs = params(Support::Count(2), Some(2), &[], ItemsetKind::Maximal);
    assert!(tags_of(&maximal_pairs).is_empty());
    let with_c = params(Support::Count(2), None, &[2], ItemsetKind::All);
    assert_eq!(
        tags_of(&with_c),
        [ids(&[2]), ids(&[0, 1, 2]), ids(&[0, 2]), ids(&[1, 2])]
    );
    let never = params(Support::Count(1), None, &[3], ItemsetKind::All);
    assert!(tags_of(&never).is_empty());
    let outside = params(Support::Count(1), None, &[40], ItemsetKind::All);
    assert!(tags_of(&outside).is_empty());
    let empty = TagMatrix::from_rows(4, std::iter::empty::<&[TagId]>());
    assert!(
        mine(
            &empty,
            &params(Support::Fraction(0.5), None, &[], ItemsetKind::All)
        )
        .itemsets
        .is_empty()
    );
}

#[test]
fn rows_are_named_and_sorted_by_count_then_name() {
    let mut config = Config::default();
    let vocabulary = &mut config.vocabulary;
    // Tag ids in one order, names in the other, so the name order must win.
    let zorro = vocabulary.intern("zz_last");
    let alpha = vocabulary.intern("aa_first");
    let rows = [vec![zorro, alpha], vec![zorro], vec![alpha]];
    let matrix = matrix_of(vocabulary.len(), &rows);
    let result = mine(
        &matrix,
        &params(Support::Count(1), None, &[], ItemsetKind::All),
    );
    let by_id: Vec<Vec<TagId>> = result.itemsets.iter().map(|i| i.tags.clone()).collect();
    assert_eq!(by_id, [vec![zorro], vec![alpha], vec![zorro, alpha]]);
    let named: Vec<(String, usize, usize)> = result
        .rows(vocabulary)
        .into_iter()
        .map(|row| (row.itemset, row.size, row.count))
        .collect();
    let expected = [
        ("aa_first", 1, 2),
        ("zz_last", 1, 2),
        ("aa_first+zz_last", 2, 1),
    ];
    assert_eq!(
        named,
        expected.map(|(name, size, count)| (name.to_owned(), size, count))
    );
}

#[test]
fn fixture_rules_have_hand_checked_metrics() {
    let matrix = fixture();
    let mining = params(Support::Count(2), None, &[], ItemsetKind::Closed);
    let everything = RuleParams {
        min_confidence: 0.0,
        min_lift: 0.0,
        top_k: None,
    }
    .check()
    .expect("valid");
    let all = rules(&matrix, &mining, &everything);
    assert_eq!(all.len(), 12);
    let order: Vec<(Vec<TagId>, Vec<TagId>)> = all
        .iter()
        .map(|r| (r.antecedent.clone(), r.consequent.clone()))
        .collect();
    let expected_order = [
        (ids(&[0, 2]), ids(&[1])),
        (ids(&[1, 2]), ids(&[0])),
        (ids(&[0]), ids(&[1, 2])),
        (ids(&[1]), ids(&[0, 2])),
        (ids(&[0]), ids(&[1])),
        (ids(&[1]), ids(&[0])),
        (ids(&[2]), ids(&[0, 1])),
        (ids(&[0, 1]), ids(&[2])),
        (ids(&[2]), ids(&[0])),
        (ids(&[2]), ids(&[1])),
        (ids(&[0]), ids(&[2])),
        (ids(&[1]), ids(&[2])),
    ];
    assert_eq!(order, expected_order);
    let get = |a: &[u32], c: &[u32]| {
        all.iter()
            .find(|r| r.antecedent == ids(a) && r.consequent == ids(c))
            .expect("rule")
    };
    let close = |x: f64, y: f64| (x - y).abs() < 1e-12;

    let a_b = get(&[0], &[1]);
    assert_eq!(a_b.count, 6);
    assert!(
        close(a_b.support, 0.6) && close(a_b.confidence, 6.0 / 7.0) && close(a_b.lift, 60.0 / 49.0)
    );
    assert!(
        close(a_b.leverage, 0.11) && close(a_b.conviction, 2.1) && close(a_b.zhang, 0.11 / 0.18)
    );

    let ab_c = get(&[0, 1], &[2]);
    assert!(
        close(ab_c.confidence, 1.0 / 3.0)
            && close(ab_c.lift, 10.0 / 9.0)
            && close(ab_c.leverage, 0.02)
    );
    assert!(close(ab_c.conviction, 1.05) && close(ab_c.zhang, 0.25));

    let c_ab = get(&[2], &[0, 1]);
    assert!(close(c_ab.conviction, 1.2) && close(c_ab.zhang, 1.0 / 7.0));

    let ac_b = get(&[0, 2], &[1]);
    assert!(
        close(ac_b.confidence, 1.0) && close(ac_b.lift, 10.0 / 7.0) && close(ac_b.leverage, 0.06)
    );
    assert_eq!(ac_b.conviction, f64::INFINITY);
    assert!(close(ac_b.zhang, 0.375));

    let a_c = get(&[0], &[2]);
    assert!(close(a_c.lift, 20.0 / 21.0) && close(a_c.leverage, -0.01));
    assert!(close(a_c.conviction, 0.98) && close(a_c.zhang, -1.0 / 7.0));

    let strict = RuleParams {
        min_confidence: 0.5,
        min_lift: 1.0,
        top_k: None,
    }
    .check()
    .expect("valid");
    let kept: Vec<(Vec<TagId>, Vec<TagId>)> = rules(&matrix, &mining, &strict)
        .into_iter()
        .map(|r| (r.antecedent, r.consequent))
        .collect();
    assert_eq!(kept, [0, 1, 4, 5, 6].map(|i| expected_order[i].clone()));
    let top = RuleParams {
        top_k: Some(3),
        ..RuleParams {
            min_confidence: 0.5,
            min_lift: 1.0,
            top_k: None,
        }
    }
    .check()
    .expect("valid");
    assert_eq!(rules(&matrix, &mining, &top).len(), 3);

    // Only rules whose itemset contains C, though their sides need not.
    let with_c = params(Support::Count(2), None, &[2], ItemsetKind::All);
    let c_rules = rules(&matrix, &with_c, &everything);
    assert_eq!(c_rules.len(), 10);
    assert!(
        c_rules
            .iter()
            .all(|r| r.antecedent.contains(&TagId(2)) || r.consequent.contains(&TagId(2)))
    );

    for bad in [
        RuleParams {
            min_confidence: 1.5,
            ..RuleParams::default()
        },
        RuleParams {
            min_confidence: f64::NAN,
            ..RuleParams::default()
        },
        RuleParams {
            min_lift: -1.0,
            ..RuleParams::default()
        },
        RuleParams {
            min_lift: f64::INFINITY,
            ..RuleParams::default()
        },
        RuleParams {
            top_k: Some(0),
            ..RuleParams::default()
        },
    ] {
        assert!(
            matches!(bad.check(), Err(Error::InvalidParameter { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn fixture_cooccurrence_has_hand_checked_statistics() {
    let table = cooccurrence(&fixture());
    assert_eq!(table.n_cases, 10);
    assert_eq!(table.tag_counts, vec![7, 7, 3, 0]);
    assert_eq!(table.pairs.len(), 6);
    let ab = table.pair(TagId(1), TagId(0)).expect("pair");
    assert_eq!((ab.first, ab.second, ab.count), (TagId(0), TagId(1), 6));
    assert!((ab.jaccard - 0.75).abs() < 1e-12);
    assert!((ab.lift - 60.0 / 49.0).abs() < 1e-12);
    assert!((ab.pmi.expect("occurs") - (60.0f64 / 49.0).log2()).abs() < 1e-12);
    let bc = table.pair(TagId(1), TagId(2)).expect("pair");
    assert_eq!(bc.count, 2);
    assert!((bc.jaccard - 0.25).abs() < 1e-12);
    assert!(bc.pmi.expect("occurs") < 0.0);
    let with_absent = table.pair(TagId(0), TagId(3)).expect("pair");
    assert_eq!(
        (
            with_absent.count,
            with_absent.jaccard,
            with_absent.lift,
            with_absent.pmi
        ),
        (0, 0.0, 0.0, None)
    );
    assert!(table.pair(TagId(2), TagId(2)).is_none());
    assert!(table.pair(TagId(2), TagId(9)).is_none());
}

#[test]
fn chance_combinations_are_recognisable() {
    // Eight independent tags and one planted cocktail of three (tags 8, 9, 10).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let rows: Vec<Vec<TagId>> = (0..2_000)
        .map(|_| {
            let mut tags: Vec<TagId> = (0..8).filter(|_| rng.gen_bool(0.3)).map(TagId).collect();
            if rng.gen_bool(0.1) {
                tags.extend(ids(&[8, 9, 10]));
            }
            tags
        })
        .collect();
    let matrix = matrix_of(11, &rows);
    let result = mine(
        &matrix,
        &params(Support::Fraction(0.01), Some(3), &[], ItemsetKind::All),
    );
    let cocktail = ids(&[8, 9, 10]);
    for itemset in result.itemsets.iter().filter(|i| i.tags.len() >= 2) {
        let holm = itemset.p_value_holm.expect("corrected");
        let planted = itemset.tags.iter().all(|t| cocktail.contains(t));
        if planted {
            assert!(holm < 1e-20, "{itemset:?}");
        } else if itemset.tags.iter().all(|t| !cocktail.contains(t)) {
            assert!(
                holm > 0.05,
                "chance combination looks significant: {itemset:?}"
            );
        }
        assert!(holm >= itemset.p_value.expect("tested"));
    }
}
