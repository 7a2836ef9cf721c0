//! The `maatpact` and `noise` presets, and the variants: Maatpact Hart van Brabant, phase 1
//! and phase 2. The presets differ only in where the tags come from ([`TagSource`]).

use rand::Rng;

use crate::case::{Case, TagId};
use crate::config::{Config, ReferenceCocktail, Vocabulary};
use crate::money::Cents;

use super::effects::{
    TagEffects, case_id, draw_satisfaction, hart_van_brabant, id_width, maatpact_start_date,
};
use super::finance::{calibrate_phase1, split_cents};
use super::tags::{IndependentModel, PlantedModel};
use super::variants::VariantModel;
use super::{NOISE_CLUSTER, SynthParams};

/// The default number of cases: 51 in phase 1 and 70 in phase 2.
pub(super) const DEFAULT_CASES: usize = 121;
const DEFAULT_PHASE1_CASES: usize = 51;

/// Phase-2 cases without a cost-benefit analysis.
const PHASE2_WITHOUT_ANALYSIS: f64 = 0.05;
/// Share of plans executed: phase 2 ran until April 2021, so more plans were still open.
const EXECUTED_PHASE1: f64 = 0.94;
const EXECUTED_PHASE2: f64 = 0.85;
/// Phase-2 cases whose 12-month satisfaction was not (yet) asked.
const PHASE2_WITHOUT_12M: f64 = 0.25;
/// Share of cases that used the breakthrough budget.
const BREAKTHROUGH_USE: f64 = 0.75;

/// Where the tags of a case come from.
pub(super) enum TagSource {
    /// Planted cocktails with noise cases.
    Planted(PlantedModel),
    /// Independent tags, no cocktail.
    Independent(IndependentModel),
    /// A generator not designed with our clustering method (the variant presets).
    Variant(VariantModel),
}

/// The number of phase-1 cases among `n`: the 51:70 split, rounded.
pub(super) fn phase1_cases(n: usize) -> usize {
    (n * DEFAULT_PHASE1_CASES + DEFAULT_CASES / 2) / DEFAULT_CASES
}

/// Generates the cases of the `maatpact` or `noise` preset or of a variant; `cocktails` are
/// the ones `source` plants, by index.
pub(super) fn generate(
    params: &SynthParams,
    config: &Config,
    vocabulary: &Vocabulary,
    cocktails: &[ReferenceCocktail],
    source: &TagSource,
    rng: &mut impl Rng,
) -> Vec<Case> {
    let n_cases = params.n_cases.unwrap_or(DEFAULT_CASES);
    let n_phase1 = phase1_cases(n_cases);
    let effects = TagEffects::new(vocabulary, &config.catalogue);
    let width = id_width(n_cases, 4);
    let mut cases = Vec::with_capacity(n_cases);
    let mut phase1_weights: Vec<[f64; 7]> = Vec::with_capacity(n_phase1);
    let mut tags: Vec<TagId> = Vec::with_capacity(16);
    let mut scratch = Vec::new();
    for index in 0..n_cases {
        let phase1 = index < n_phase1;
        let true_cluster = match source {
            TagSource::Planted(model) => match model.draw(rng, &mut tags) {
                Some(cocktail) => cocktails[cocktail].id.clone(),
                None => NOISE_CLUSTER.to_owned(),
            },
            TagSource::Independent(model) => {
                model.draw(rng, &mut tags);
                NOISE_CLUSTER.to_owned()
            }
            TagSource::Variant(model) => match model.draw(rng, &mut tags).cocktail {
                Some(cocktail) => cocktails[cocktail].id.clone(),
                None => NOISE_CLUSTER.to_owned(),
            },
        };
        let mut case = Case::new(case_id("MP", index + 1, width), tags.clone());
        case.true_cluster = Some(true_cluster);
        case.municipality = Some(hart_van_brabant(rng).to_owned());
        case.phase = Some(if phase1 { "1" } else { "2" }.to_owned());
        case.start_date = Some(maatpact_start_date(rng, phase1));

        let costs = effects.draw_costs(rng, &case.tags);
        let weights = effects.financier_weights(rng, &case.tags);
        let has_analysis = phase1 || !rng.gen_bool(PHASE2_WITHOUT_ANALYSIS);
        if has_analysis {
            case.costs.current = Some(Cents::from_euros(costs.current));
            case.costs.threatened = Some(Cents::from_euros(costs.threatened));
            case.costs.tailored = Some(Cents::from_euros(costs.tailored));
            if phase1 {
                // Filled in after calibration, which changes the savings.
                phase1_weights.push(weights);
            } else if let Some(savings) = case.costs.savings() {
                case.savings_by_financier = split_cents(savings, &weights);
            }
        }

        if let Some((category, euros)) =
            effects.draw_breakthrough(rng, &case.tags, BREAKTHROUGH_USE, 1.0)
        {
            case.budget_category = Some(category.to_owned());
            case.breakthrough_spend = Some(Cents::from_euros(euros));
        }
        case.bottlenecks = effects.draw_bottlenecks(rng, &case.tags, &mut scratch);
        let executed = rng.gen_bool(if phase1 {
            EXECUTED_PHASE1
        } else {
            EXECUTED_PHASE2
        });
        case.executed = Some(executed);
        let has_12m = phase1 || !rng.gen_bool(PHASE2_WITHOUT_12M);
        case.satisfaction = draw_satisfaction(rng, executed, true, has_12m);
        cases.push(case);
    }
    calibrate_phase1(&mut cases[..n_phase1], &phase1_weights);
    cases
}
