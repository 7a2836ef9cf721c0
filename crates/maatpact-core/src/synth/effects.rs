//! What each problem tag does to a household's canvas: its current and threatened cost, who
//! pays for it (and so who saves), the bottlenecks it tends to run into, and what the
//! breakthrough budget is spent on. Looked up once per tag, then summed per case.

use rand::Rng;

use crate::case::{BottleneckId, Date, Satisfaction, TagId};
use crate::config::{Catalogue, Vocabulary};

use super::draw::{one_decimal, round_euros, uniform, weighted_index};

/// Index of each financier in [`crate::Financier::ALL`] (and in `savings_by_financier`).
pub(super) const JEUGD: usize = 0;
pub(super) const WMO: usize = 1;
const PARTICIPATIE: usize = 2;
const ZORGVERZEKERAAR: usize = 3;
const WONINGCORPORATIE: usize = 4;
const JUSTITIE: usize = 5;
const OVERIG: usize = 6;

/// Every case carries a little "other" in its savings split (police time, school, ...).
const BASE_OVERIG_WEIGHT: f64 = 0.1;

/// The effect of one tag.
#[derive(Clone, Debug, Default)]
struct TagEffect {
    /// What the problem costs now, in euros over 12 months.
    current_cost: f64,
    /// What it adds to the threatened cost if nothing is done (placement, shelter, crisis).
    escalation: f64,
    /// Who pays for the problem, as relative weights per financier.
    financier_weights: [f64; 7],
    /// Bottlenecks the problem tends to run into, with relative weights.
    bottlenecks: Vec<(BottleneckId, f64)>,
    /// A money problem: breakthrough spend on it is categorised `geld`.
    money: bool,
}

/// Per-tag effects for a vocabulary and catalogue.
#[derive(Clone, Debug)]
pub(super) struct TagEffects {
    effects: Vec<TagEffect>,
    wonen: Option<TagId>,
    /// Bottlenecks any case may hit, whatever its problems.
    generic_bottlenecks: Vec<(BottleneckId, f64)>,
    n_bottlenecks: usize,
}

/// The raw 12-month costs of a case, in whole euros.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawCosts {
    pub(super) current: i64,
    pub(super) threatened: i64,
    pub(super) tailored: i64,
}

impl TagEffects {
    pub(super) fn new(vocabulary: &Vocabulary, catalogue: &Catalogue) -> TagEffects {
        let bottleneck = |id: &str, weight: f64| catalogue.resolve(id).ok().map(|b| (b, weight));
        let effects = vocabulary
            .tags()
            .iter()
            .map(|tag| {
                let mut effect = TagEffect {
                    current_cost: 2_500.0,
                    escalation: 2_500.0,
                    ..TagEffect::default()
                };
                let weights = &mut effect.financier_weights;
                let mut pool: Vec<Option<(BottleneckId, f64)>> = Vec::new();
                // Figures: shelter about €120 a night (domain.md), a youth placement tens of
                // thousands a year, problem debts about €10,000 a year for society (Nibud).
                match tag.id.as_str() {
                    "wonen" => {
                        effect.current_cost = 3_000.0;
                        effect.escalation = 22_000.0;
                        weights[WMO] += 0.5;
                        weights[WONINGCORPORATIE] += 0.3;
                        pool.extend([
                            bottleneck("woningtekort", 3.0),
                            bottleneck("huurschuld_eerst", 2.0),
                            bottleneck("late_inschrijving_opvang", 1.0),
                            bottleneck("opvang_doelgroepen", 1.0),
                            bottleneck("bewijslast_woningtoewijzing", 0.3),
                            bottleneck("damoclesbeleid", 0.3),
                        ]);
                    }
                    "kinderen" => {
                        effect.current_cost = 3_000.0;
                        effect.escalation = 8_000.0;
                        weights[JEUGD] += 8.0;
                        pool.extend([
                            bottleneck("leerlingenvervoer_adres", 1.0),
                            bottleneck("geen_ontschotting", 1.0),
                        ]);
                    }
                    "jeugdzorg" => {
                        effect.current_cost = 9_000.0;
                        effect.escalation = 35_000.0;
                        weights[JEUGD] += 8.0;
                        pool.extend([
                            bottleneck("geen_ontschotting", 2.0),
                            bottleneck("leerlingenvervoer_adres", 1.0),
                        ]);
                    }
                    "ggz" => {
                        effect.current_cost = 6_000.0;
                        effect.escalation = 15_000.0;
                        weights[WMO] += 1.8;
                        weights[ZORGVERZEKERAAR] += 0.8;
                        pool.extend([
                            bottleneck("geen_ontschotting", 1.0),
                            bottleneck("opvang_doelgroepen", 0.5),
                        ]);
                    }
                    "niet_passende_begeleiding" => {
                        effect.current_cost = 4_000.0;
                        effect.escalation = 8_000.0;
                        weights[WMO] += 2.4;
                        weights[JEUGD] += 0.5;
                        pool.push(bottleneck("geen_ontschotting", 2.0));
                    }
                    "schulden" => {
                        effect.escalation = 10_000.0;
                        weights[PARTICIPATIE] += 0.2;
                        weights[WONINGCORPORATIE] += 0.1;
                        weights[OVERIG] += 0.1;
                        effect.money = true;
                        pool.extend([
                            bottleneck("schuldhulp_inflexibel", 3.0),
                            bottleneck("toeslagen_complex", 2.0),
                            bottleneck("huurschuld_eerst", 1.0),
                        ]);
                    }
                    "geen_uitkering" => {
                        effect.current_cost = 1_500.0;
                        effect.escalation = 6_000.0;
                        weights[PARTICIPATIE] += 1.0;
                        effect.money = true;
                        pool.extend([
                            bottleneck("kostendelersnorm", 2.0),
                            bottleneck("terugvordering_bijstand", 2.0),
                            bottleneck("bijzondere_bijstand", 1.0),
                        ]);
                    }
                    "financien" => {
                        effect.escalation = 3_000.0;
                        weights[PARTICIPATIE] += 0.1;
                        weights[OVERIG] += 0.05;
                        effect.money = true;
                        pool.extend([
                            bottleneck("toeslagen_complex", 1.0),
                            bottleneck("bijzondere_bijstand", 1.0),
                        ]);
                    }
                    "werk_opleiding" => {
                        weights[PARTICIPATIE] += 0.2;
                        pool.push(bottleneck("kostendelersnorm", 0.5));
                    }
                    "verslaving" => {
                        effect.escalation = 8_000.0;
                        weights[WMO] += 0.4;
                        weights[ZORGVERZEKERAAR] += 0.4;
                        pool.push(bottleneck("damoclesbeleid", 2.0));
                    }
                    "justitie" => {
                        effect.escalation = 10_000.0;
                        weights[JUSTITIE] += 0.8;
                    }
                    "huiselijk_geweld" => {
                        effect.escalation = 12_000.0;
                        weights[WMO] += 0.5;
                        weights[JEUGD] += 0.3;
                        pool.extend([
                            bottleneck("bewijslast_woningtoewijzing", 3.0),
                            bottleneck("opvang_doelgroepen", 2.0),
                        ]);
                    }
                    "lichamelijke_gezondheid" | "basale_adl" => {
                        weights[ZORGVERZEKERAAR] += 0.4;
                        pool.push(bottleneck("vergunning_mantelzorgwoning", 1.0));
                    }
                    "lvb" => {
                        effect.escalation = 5_000.0;
                        weights[WMO] += 0.4;
                        weights[JEUGD] += 0.2;
                    }
                    "isolement" | "instrumentele_adl" => weights[WMO] += 0.3,
                    "leerlingenvervoer" => {
                        weights[JEUGD] += 0.2;
                        weights[OVERIG] += 0.2;
                        pool.extend([
                            bottleneck("leerlingenvervoer_adres", 3.0),
                            bottleneck("leerlingenvervoer_buitenland", 1.0),
                        ]);
                    }
                    _ => weights[OVERIG] += 0.05,
                }
                effect.bottlenecks = pool.into_iter().flatten().collect();
                effect
            })
            .collect();
        let generic_bottlenecks = [
            bottleneck("geen_ontschotting", 0.3),
            bottleneck("bijzondere_bijstand", 0.1),
        ]
        .into_iter()
        .flatten()
        .collect();
        TagEffects {
            effects,
            wonen: vocabulary.resolve("wonen").ok(),
            generic_bottlenecks,
            n_bottlenecks: catalogue.len(),
        }
    }

    /// Current, threatened and tailored cost over 12 months, in whole euros, rounded to
    /// €100 as canvases estimate them. The tailored plan mostly lies between the current and
    /// the threatened cost; about 5% of plans cost less than today, and about 3% cost more
    /// than the threatened scenario (negative savings are real).
    pub(super) fn draw_costs(&self, rng: &mut impl Rng, tags: &[TagId]) -> RawCosts {
        let mut current = 9_000.0;
        let mut escalation = 0.0;
        for tag in tags {
            let effect = &self.effects[tag.index()];
            current += effect.current_cost * uniform(rng, 0.8, 1.2);
            escalation += effect.escalation;
        }
        let current = current.clamp(12_000.0, 48_000.0);
        let threatened = (current + escalation * uniform(rng, 0.7, 1.3)).clamp(45_000.0, 140_000.0);
        let gap = threatened - current;
        let outcome = rng.r#gen::<f64>();
        let tailored = if outcome < 0.03 {
            threatened + uniform(rng, 2_000.0, 12_000.0)
        } else if outcome < 0.08 {
            current - gap * uniform(rng, 0.0, 0.15)
        } else {
            threatened - gap * uniform(rng, 0.26, 0.62)
        };
        RawCosts {
            current: round_euros(current, 100),
            threatened: round_euros(threatened, 100),
            tailored: round_euros(tailored, 100),
        }
    }

    /// Who the savings of a case fall to, as relative weights per financier. Each
    /// financier's weight is shaken by ±40% so that cases with the same problems differ.
    pub(super) fn financier_weights(&self, rng: &mut impl Rng, tags: &[TagId]) -> [f64; 7] {
        let mut weights = [0.0; 7];
        weights[OVERIG] = BASE_OVERIG_WEIGHT;
        for tag in tags {
            for (total, add) in weights
                .iter_mut()
                .zip(self.effects[tag.index()].financier_weights)
            {
                *total += add;
            }
        }
        for weight in &mut weights {
            *weight *= uniform(rng, 0.6, 1.4);
        }
        weights
    }

    /// 0 to 3 bottlenecks, drawn from those the case's problems tend to run into.
    /// `scratch` is reused between cases to keep generation free of allocations here.
    pub(super) fn draw_bottlenecks(
        &self,
        rng: &mut impl Rng,
        tags: &[TagId],
        scratch: &mut Vec<f64>,
    ) -> Vec<BottleneckId> {
        const COUNT_CUMULATIVE: [f64; 4] = [0.15, 0.50, 0.82, 1.0];
        let wanted = weighted_index(rng, &COUNT_CUMULATIVE);
        if wanted == 0 {
            return Vec::new();
        }
        // Dense weights per bottleneck: the catalogue is small, and summing per case
        // merges a bottleneck that several problems lead to.
        scratch.clear();
        scratch.resize(self.n_bottlenecks, 0.0);
        let pools = tags
            .iter()
            .flat_map(|tag| &self.effects[tag.index()].bottlenecks)
            .chain(&self.generic_bottlenecks);
        for &(id, weight) in pools {
            scratch[id.index()] += weight;
        }
        let mut chosen = Vec::with_capacity(wanted);
        while chosen.len() < wanted {
            let total: f64 = scratch.iter().sum();
            if total <= 0.0 {
                break;
            }
            let point = rng.r#gen::<f64>() * total;
            let mut reached = 0.0;
            let mut picked = None;
            for (index, &weight) in scratch.iter().enumerate() {
                if weight > 0.0 {
                    reached += weight;
                    picked = Some(index);
                    if reached > point {
                        break;
                    }
                }
            }
            let Some(index) = picked else { break };
            scratch[index] = 0.0;
            chosen.push(BottleneckId(index as u32));
        }
        chosen.sort_unstable();
        chosen
    }

    /// What the breakthrough budget was spent on, and how much (whole euros), or `None`
    /// when it was not used. Housing spend is temporary rent, hotel or B&B at about €120 a
    /// night; money spend clears arrears or bridges a gap in income.
    pub(super) fn draw_breakthrough(
        &self,
        rng: &mut impl Rng,
        tags: &[TagId],
        use_probability: f64,
        scale: f64,
    ) -> Option<(&'static str, i64)> {
        if !rng.gen_bool(use_probability) {
            return None;
        }
        let has_wonen = self.wonen.is_some_and(|w| tags.contains(&w));
        let has_money = tags.iter().any(|t| self.effects[t.index()].money);
        let pick = rng.r#gen::<f64>();
        let (category, amount) = if has_wonen && pick < 0.5 {
            let nights = rng.gen_range(5..=40);
            ("wonen", f64::from(nights) * 120.0)
        } else if has_money && pick < 0.85 || pick < 0.6 {
            ("geld", uniform(rng, 300.0, 5_000.0))
        } else {
            const OTHER: [&str; 3] = ["zorg", "kinderen", "overig"];
            (
                OTHER[rng.gen_range(0..OTHER.len())],
                uniform(rng, 200.0, 3_000.0),
            )
        };
        Some((category, round_euros(amount * scale, 1).max(1)))
    }
}

/// Satisfaction right after the plan (about 3 to 5), higher at 6 months and higher still at
/// 12, on the 1–10 scale with one decimal. Unexecuted plans gain little; a few households
/// fall back. A missing score is `None`.
pub(super) fn draw_satisfaction(
    rng: &mut impl Rng,
    executed: bool,
    has_6m: bool,
    has_12m: bool,
) -> Satisfaction {
    let start = one_decimal(uniform(rng, 3.0, 5.0)).clamp(1.0, 10.0);
    let (gain_6m, gain_12m) = if !executed {
        (uniform(rng, -0.5, 1.0), uniform(rng, -0.5, 0.8))
    } else if rng.gen_bool(0.08) {
        (uniform(rng, -1.0, 0.5), uniform(rng, -1.0, 0.5))
    } else {
        (uniform(rng, 0.5, 2.5), uniform(rng, 0.1, 1.5))
    };
    let month_6 = one_decimal(start + gain_6m).clamp(1.0, 10.0);
    let month_12 = one_decimal(month_6 + gain_12m).clamp(1.0, 10.0);
    Satisfaction {
        start: Some(start),
        month_6: has_6m.then_some(month_6),
        month_12: (has_6m && has_12m).then_some(month_12),
    }
}

/// Formats a pseudonymous case id: prefix, dash, zero-padded number (`MP-0001`).
pub(super) fn case_id(prefix: &str, number: usize, width: usize) -> String {
    format!("{prefix}-{number:0width$}")
}

/// The width of zero-padded case numbers for `n` cases: at least `minimum` digits.
pub(super) fn id_width(n: usize, minimum: usize) -> usize {
    n.to_string().len().max(minimum)
}

/// The start date of a Maatpact case: phase 1 ran from autumn 2019 into early 2020 (50
/// households in six months), phase 2 until 1 April 2021.
pub(super) fn maatpact_start_date(rng: &mut impl Rng, phase1: bool) -> Date {
    let date = |year, month, day| Date { year, month, day };
    if phase1 {
        super::draw::date_between(rng, date(2019, 9, 1), date(2020, 3, 31))
    } else {
        super::draw::date_between(rng, date(2020, 4, 1), date(2021, 3, 31))
    }
}

/// The nine Hart van Brabant municipalities, weighted by population (CBS, 2020), with
/// Tilburg weighted up further: multi-problem households gather in the city.
const HART_VAN_BRABANT: [(&str, f64); 9] = [
    ("Tilburg", 219_800.0 * 1.3),
    ("Waalwijk", 48_000.0),
    ("Heusden", 44_000.0),
    ("Gilze en Rijen", 26_700.0),
    ("Oisterwijk", 26_500.0),
    ("Dongen", 26_000.0),
    ("Goirle", 23_500.0),
    ("Loon op Zand", 23_300.0),
    ("Hilvarenbeek", 15_500.0),
];

/// A Hart van Brabant municipality, Tilburg about half the time.
pub(super) fn hart_van_brabant(rng: &mut impl Rng) -> &'static str {
    let mut cumulative = [0.0; 9];
    let mut total = 0.0;
    for (slot, (_, weight)) in cumulative.iter_mut().zip(HART_VAN_BRABANT) {
        total += weight;
        *slot = total;
    }
    HART_VAN_BRABANT[weighted_index(rng, &cumulative)].0
}

/// The names of the nine Hart van Brabant municipalities.
#[cfg(test)]
pub(super) fn hart_van_brabant_names() -> impl Iterator<Item = &'static str> {
    HART_VAN_BRABANT.iter().map(|(name, _)| *name)
}
