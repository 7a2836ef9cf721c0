//! The `maastricht` preset: the "50 gezinnen" approach, as in the interim evaluation of
//! December 2020 (seed 004). 30 families have a plan, 21 plans were executed, and 20
//! cost-benefit analyses save exactly €426,000 against €830,000 threatened.

use rand::Rng;

use crate::case::{Case, Date, TagId};
use crate::config::{Config, Vocabulary};
use crate::money::Cents;

use super::SynthParams;
use super::draw::{date_between, months_between, round_euros, sample_indices, uniform};
use super::effects::{TagEffects, case_id, draw_satisfaction, id_width};
use super::finance::{rescale_to_total, split_cents};
use super::tags::IndependentModel;

/// The default number of families with a plan.
pub(super) const DEFAULT_CASES: usize = 30;
const DEFAULT_EXECUTED: usize = 21;
const DEFAULT_WITH_ANALYSIS: usize = 20;
/// The totals of the 20 cost-benefit analyses.
const THREATENED_EUROS: i64 = 830_000;
const SAVED_EUROS: i64 = 426_000;
/// Casus 1 of seed 004: huidig €20,000, dreigend €90,000, maatwerk €63,000.
const EXAMPLE_CASE: [i64; 3] = [20_000, 90_000, 63_000];
/// Breakthrough (maatwerk) budget spent: €140,000 in 2019, €90,000 in 2020 by mid-October.
const SPENT_2019_EUROS: i64 = 140_000;
const SPENT_2020_EUROS: i64 = 90_000;
/// Share of families that used the budget.
const BREAKTHROUGH_USE: f64 = 0.85;
/// The interim evaluation: scores at 6 and 12 months exist only for plans that old by then.
const EVALUATION: Date = Date {
    year: 2020,
    month: 12,
    day: 1,
};

/// Tag prevalences for Maastricht's families (all have children at home, most have
/// housing and debt problems; school transport came up as a bottleneck). Tags not listed,
/// including `extra_NN` tags, have prevalence 0.05.
fn prevalence(tag_id: &str) -> f64 {
    match tag_id {
        "kinderen" => 0.9,
        "wonen" => 0.85,
        "schulden" => 0.7,
        "jeugdzorg" => 0.45,
        "ggz" => 0.4,
        "financien" => 0.35,
        "werk_opleiding" | "huiselijke_relaties" | "niet_passende_begeleiding" => 0.3,
        "geen_uitkering" | "huiselijk_geweld" | "isolement" | "migratieachtergrond" => 0.2,
        "leerlingenvervoer" | "lvb" | "lichamelijke_gezondheid" => 0.15,
        "verslaving" => 0.12,
        "justitie" => 0.1,
        _ => 0.05,
    }
}

/// The number of `part`s in `n` cases when the default has `part` of `whole`, rounded.
fn scaled(n: usize, part: usize, whole: usize) -> usize {
    (n * part + whole / 2) / whole
}

/// Generates the `maastricht` preset. Tags are independent (no planted cocktail), so
/// `true_cluster` is `None`.
pub(super) fn generate(
    params: &SynthParams,
    config: &Config,
    vocabulary: &Vocabulary,
    rng: &mut impl Rng,
) -> Vec<Case> {
    let n_cases = params.n_cases.unwrap_or(DEFAULT_CASES);
    let n_analysed = scaled(n_cases, DEFAULT_WITH_ANALYSIS, DEFAULT_CASES);
    let n_executed = scaled(n_cases, DEFAULT_EXECUTED, DEFAULT_CASES);
    let effects = TagEffects::new(vocabulary, &config.catalogue);
    let model = IndependentModel::new(
        vocabulary
            .tags()
            .iter()
            .map(|tag| prevalence(&tag.id))
            .collect(),
    );
    let executed = sample_indices(rng, n_cases, n_executed);
    // The first family is casus 1 of seed 004 whenever the default 20 analyses fit.
    let with_example = n_analysed >= DEFAULT_WITH_ANALYSIS;
    let analysed: Vec<usize> = if with_example {
        std::iter::once(0)
            .chain(
                sample_indices(rng, n_cases - 1, n_analysed - 1)
                    .into_iter()
                    .map(|i| i + 1),
            )
            .collect()
    } else {
        sample_indices(rng, n_cases, n_analysed)
    };

    let width = id_width(n_cases, 3);
    let mut tags: Vec<TagId> = Vec::with_capacity(16);
    let mut scratch = Vec::new();
    let mut cases = Vec::with_capacity(n_cases);
    let mut raw_threatened = Vec::with_capacity(n_analysed);
    let mut weights = Vec::with_capacity(n_analysed);
    for index in 0..n_cases {
        model.draw(rng, &mut tags);
        let mut case = Case::new(case_id("MS", index + 1, width), tags.clone());
        case.municipality = Some("Maastricht".to_owned());
        let start = date_between(
            rng,
            Date {
                year: 2019,
                month: 1,
                day: 7,
            },
            Date {
                year: 2020,
                month: 10,
                day: 15,
            },
        );
        case.start_date = Some(start);
        if analysed.binary_search(&index).is_ok() {
            raw_threatened.push(effects.draw_costs(rng, &case.tags).threatened);
            weights.push(effects.financier_weights(rng, &case.tags));
        }
        if let Some((category, euros)) =
            effects.draw_breakthrough(rng, &case.tags, BREAKTHROUGH_USE, 3.5)
        {
            case.budget_category = Some(category.to_owned());
            case.breakthrough_spend = Some(Cents::from_euros(euros));
        }
        case.bottlenecks = effects.draw_bottlenecks(rng, &case.tags, &mut scratch);
        let is_executed = executed.binary_search(&index).is_ok();
        case.executed = Some(is_executed);
        let age = months_between(start, EVALUATION);
        case.satisfaction = draw_satisfaction(rng, is_executed, age >= 6, age >= 12);
        cases.push(case);
    }

    let costs = exact_costs(rng, &raw_threatened, with_example, n_analysed);
    for (position, &index) in analysed.iter().enumerate() {
        let [current, threatened, tailored] = costs[position];
        let case = &mut cases[index];
        case.costs.current = Some(Cents::from_euros(current));
        case.costs.threatened = Some(Cents::from_euros(threatened));
        case.costs.tailored = Some(Cents::from_euros(tailored));
        case.savings_by_financier =
            split_cents(Cents::from_euros(threatened - tailored), &weights[position]);
    }
    calibrate_spend(&mut cases, n_cases);
    cases
}

/// Current, threatened and tailored cost of each analysed case, whole euros, such that the
/// threatened costs sum to exactly €830,000 and the savings to exactly €426,000 (scaled
/// by the number of analyses over 20), every figure non-negative and every plan cheaper
/// than its threat.
fn exact_costs(
    rng: &mut impl Rng,
    raw_threatened: &[i64],
    with_example: bool,
    n_analysed: usize,
) -> Vec<[i64; 3]> {
    let scale = |euros: i64| {
        (euros as f64 * n_analysed as f64 / DEFAULT_WITH_ANALYSIS as f64).round() as i64
    };
    let fixed = usize::from(with_example);
    let (mut threatened_total, mut saved_total) = (scale(THREATENED_EUROS), scale(SAVED_EUROS));
    if with_example {
        threatened_total -= EXAMPLE_CASE[1];
        saved_total -= EXAMPLE_CASE[1] - EXAMPLE_CASE[2];
    }
    let mut threatened: Vec<i64> = raw_threatened[fixed..].to_vec();
    rescale_to_total(&mut threatened, threatened_total);

    // Savings rates drawn in [0.35, 0.67] are shifted by one common amount so that their
    // threat-weighted mean is exactly the target rate (about 0.54). The shift is at most
    // 0.32, so every rate stays within (0, 1): no plan costs less than nothing.
    let rates: Vec<f64> = threatened
        .iter()
        .map(|_| uniform(rng, 0.35, 0.67))
        .collect();
    let threatened_sum: f64 = threatened.iter().map(|&t| t as f64).sum();
    let weighted_mean = if threatened_sum > 0.0 {
        rates
            .iter()
            .zip(&threatened)
            .map(|(r, &t)| r * t as f64)
            .sum::<f64>()
            / threatened_sum
    } else {
        0.0
    };
    let target_rate = if threatened_sum > 0.0 {
        saved_total as f64 / threatened_sum
    } else {
        0.0
    };
    let mut saved: Vec<i64> = rates
        .iter()
        .zip(&threatened)
        .map(|(r, &t)| {
            ((r - weighted_mean + target_rate) * t as f64 * 1_000.0)
                .round()
                .max(0.0) as i64
        })
        .collect();
    rescale_to_total(&mut saved, saved_total);

    let mut costs = Vec::with_capacity(n_analysed);
    if with_example {
        costs.push(EXAMPLE_CASE);
    }
    for (&threat, &saving) in threatened.iter().zip(&saved) {
        let current = round_euros(threat as f64 * uniform(rng, 0.2, 0.5), 100);
        costs.push([current, threat, threat - saving]);
    }
    costs
}

/// Rescales breakthrough spend so that cases started in 2019 spent exactly €140,000 and
/// those started in 2020 exactly €90,000 (scaled by the number of families over 30).
fn calibrate_spend(cases: &mut [Case], n_cases: usize) {
    for (year, euros) in [(2019, SPENT_2019_EUROS), (2020, SPENT_2020_EUROS)] {
        let members: Vec<usize> = (0..cases.len())
            .filter(|&i| {
                cases[i].breakthrough_spend.is_some()
                    && cases[i].start_date.is_some_and(|d| d.year == year)
            })
            .collect();
        let mut amounts: Vec<i64> = members
            .iter()
            .map(|&i| cases[i].breakthrough_spend.map_or(0, |c| c.0 / 100))
            .collect();
        let target = (euros as f64 * n_cases as f64 / DEFAULT_CASES as f64).round() as i64;
        if rescale_to_total(&mut amounts, target) {
            for (&index, &amount) in members.iter().zip(&amounts) {
                cases[index].breakthrough_spend = Some(Cents::from_euros(amount));
            }
        }
    }
}
