//! The true figures of the publication's rows, aggregated from the cases in one pass per
//! table: counts, totals in cents, the savings' mean, median and interval, and what the
//! amount rules judge (each household's contribution, gathered without keeping the values).

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Attribution, DifferenceKey, RowFigures, RowKey, Stage};
use crate::case::{Case, Financier};
use crate::config::PrivacyThresholds;
use crate::disclosure::{Contributions, Suppression, amount_primary};
use crate::money::Cents;
use crate::stats_bootstrap::mean_ci;

/// The settings of the savings figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FigureSettings {
    /// Disclosure-control thresholds (the amount rules need `dominance_n`).
    pub thresholds: PrivacyThresholds,
    /// Bootstrap resamples of the interval of the mean savings.
    pub bootstrap_resamples: usize,
    /// The seed of the bootstrap.
    pub seed: u64,
    /// How a household in several groups counts in their amounts.
    pub attribution: Attribution,
}

/// One group's savings figures, before disclosure control. Amounts are in cents, over the
/// households with a cost-benefit analysis (KBA), except the breakthrough spend, which is
/// over every household with spend.
#[derive(Clone, Debug, PartialEq)]
pub struct SavingsFigures {
    /// The group.
    pub key: RowKey,
    /// Households in it.
    pub n_cases: u64,
    /// Households with a KBA (dreigend and maatwerk known).
    pub n_with_kba: u64,
    /// Total *huidig*.
    pub cost_current: Cents,
    /// Total *dreigend*.
    pub cost_threatened: Cents,
    /// Total *maatwerk*.
    pub cost_tailored: Cents,
    /// Total savings, dreigend − maatwerk.
    pub savings: Cents,
    /// Total breakthrough spend.
    pub breakthrough_spend: Cents,
    /// Mean savings per household with a KBA, in cents.
    pub savings_mean: Option<f64>,
    /// Median savings, in cents.
    pub savings_median: Option<f64>,
    /// 95% interval of the mean savings, in cents ([`mean_ci`]).
    pub savings_ci: Option<(f64, f64)>,
    /// Mean change in satisfaction (12 or 6 months minus start).
    pub satisfaction_change_mean: Option<f64>,
    /// Households with a change in satisfaction.
    pub satisfaction_change_n: u64,
    /// Primary suppression of the amounts.
    pub amount_primary: Option<Suppression>,
}

impl SavingsFigures {
    /// Savings per euro of breakthrough spend. It counts only the spend from the
    /// breakthrough budget, not the programme's own costs.
    pub fn return_per_euro(&self) -> Option<f64> {
        (self.breakthrough_spend.0 > 0)
            .then(|| self.savings.0 as f64 / self.breakthrough_spend.0 as f64)
    }

    /// The figures disclosure control links.
    pub fn row(&self) -> RowFigures {
        RowFigures {
            key: self.key.clone(),
            counts: vec![Some(self.n_cases as f64), Some(self.n_with_kba as f64)],
            amounts: [
                self.cost_current,
                self.cost_threatened,
                self.cost_tailored,
                self.savings,
                self.breakthrough_spend,
            ]
            .iter()
            .map(|c| Some(c.0 as f64))
            .collect(),
            amount_primary: self.amount_primary,
        }
    }
}

/// The five amounts of a case as one household contributes them to a group, and whether it
/// has a KBA. `weight` is its share in the group (1, or 1/k with split attribution).
fn amounts_of(case: &Case, weight: f64) -> ([Option<f64>; 5], bool) {
    let kba = case.costs.is_complete();
    let scaled = |c: Option<Cents>| c.map(|c| c.0 as f64 * weight);
    let when_kba = |c: Option<Cents>| if kba { scaled(c) } else { None };
    (
        [
            when_kba(case.costs.current),
            when_kba(case.costs.threatened),
            when_kba(case.costs.tailored),
            when_kba(case.costs.savings()),
            scaled(case.breakthrough_spend),
        ],
        kba,
    )
}

/// Running sums of one group.
#[derive(Clone)]
struct Accumulator {
    n_cases: u64,
    n_with_kba: u64,
    totals: [f64; 5],
    contributions: [Contributions; 5],
    savings: Vec<f64>,
    satisfaction_sum: f64,
    satisfaction_n: u64,
}

impl Accumulator {
    fn new(thresholds: &PrivacyThresholds) -> Accumulator {
        let empty = Contributions::new(thresholds);
        Accumulator {
            n_cases: 0,
            n_with_kba: 0,
            totals: [0.0; 5],
            contributions: std::array::from_fn(|_| empty.clone()),
            savings: Vec::new(),
            satisfaction_sum: 0.0,
            satisfaction_n: 0,
        }
    }

    fn add(&mut self, case: &Case, weight: f64) {
        let (amounts, kba) = amounts_of(case, weight);
        self.n_cases += 1;
        self.n_with_kba += u64::from(kba);
        for (i, amount) in amounts.iter().enumerate() {
            if let Some(value) = amount {
                self.totals[i] += value;
                self.contributions[i].add(*value);
            }
        }
        if let Some(savings) = amounts[3] {
            self.savings.push(savings);
        }
        if let Some(change) = case.satisfaction.change() {
            self.satisfaction_sum += change;
            self.satisfaction_n += 1;
        }
    }
}

/// The savings figures of one table: `keys` are its groups, `member_of` fills in the groups
/// (indices into `keys`) of a case. A case in several groups counts in full in each, or
/// divided over them with [`Attribution::Split`].
pub fn savings_figures(
    cases: &[Case],
    keys: Vec<RowKey>,
    member_of: impl Fn(usize, &Case, &mut Vec<usize>),
    settings: &FigureSettings,
) -> Vec<SavingsFigures> {
    let thresholds = &settings.thresholds;
    let mut accumulators = vec![Accumulator::new(thresholds); keys.len()];
    let mut groups = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        groups.clear();
        member_of(index, case, &mut groups);
        let weight = match settings.attribution {
            Attribution::Split if groups.len() > 1 => 1.0 / groups.len() as f64,
            _ => 1.0,
        };
        for &group in &groups {
            accumulators[group].add(case, weight);
        }
    }
    // Each group's interval gets its own stream, derived from the seed and the group's
    // position, so that neither other groups nor the number of threads change it.
    let intervals: Vec<MedianAndInterval> = accumulators
        .par_iter_mut()
        .enumerate()
        .map(|(group, acc)| {
            acc.savings.sort_unstable_by(f64::total_cmp);
            let median = median_of_sorted(&acc.savings);
            let ci = mean_ci(
                &acc.savings,
                settings.bootstrap_resamples,
                settings.seed ^ (group as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            (median, ci)
        })
        .collect();
    keys.into_iter()
        .zip(accumulators)
        .zip(intervals)
        .map(|((key, acc), (median, ci))| {
            let cents = |v: f64| Cents(v.round() as i64);
            SavingsFigures {
                key,
                n_cases: acc.n_cases,
                n_with_kba: acc.n_with_kba,
                cost_current: cents(acc.totals[0]),
                cost_threatened: cents(acc.totals[1]),
                cost_tailored: cents(acc.totals[2]),
                savings: cents(acc.totals[3]),
                breakthrough_spend: cents(acc.totals[4]),
                savings_mean: (!acc.savings.is_empty())
                    .then(|| acc.totals[3] / acc.savings.len() as f64),
                savings_median: median,
                savings_ci: ci,
                satisfaction_change_mean: (acc.satisfaction_n > 0)
                    .then(|| acc.satisfaction_sum / acc.satisfaction_n as f64),
                satisfaction_change_n: acc.satisfaction_n,
                amount_primary: amount_primary(&acc.contributions, thresholds),
            }
        })
        .collect()
}

/// A group's median savings and the interval of its mean.
type MedianAndInterval = (Option<f64>, Option<(f64, f64)>);

fn median_of_sorted(values: &[f64]) -> Option<f64> {
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// One row of savings per financier: the total of the households' shares.
#[derive(Clone, Debug, PartialEq)]
pub struct FinancierFigures {
    /// `Financier(f)` or `PartFinancier(part, f)`.
    pub key: RowKey,
    /// The financier.
    pub financier: Financier,
    /// The total share, in cents.
    pub savings: Cents,
    /// Primary suppression of the total.
    pub amount_primary: Option<Suppression>,
}

impl FinancierFigures {
    /// The figures disclosure control links.
    pub fn row(&self) -> RowFigures {
        RowFigures {
            key: self.key.clone(),
            counts: Vec::new(),
            amounts: vec![Some(self.savings.0 as f64)],
            amount_primary: self.amount_primary,
        }
    }
}

/// Savings per financier: overall, or per group of a partition when `parts` gives the
/// groups (clusters, phases, budget categories or payers) and each case's position in them.
pub fn financier_figures(
    cases: &[Case],
    parts: Option<(&[RowKey], &[usize])>,
    thresholds: &PrivacyThresholds,
) -> Vec<FinancierFigures> {
    let n_parts = parts.map_or(1, |(keys, _)| keys.len());
    let n_financiers = Financier::ALL.len();
    let mut totals = vec![0i64; n_parts * n_financiers];
    let mut contributions = vec![Contributions::new(thresholds); n_parts * n_financiers];
    for (index, case) in cases.iter().enumerate() {
        let group = parts.map_or(0, |(_, of_case)| of_case[index]);
        for (f, share) in case.savings_by_financier.iter().enumerate() {
            let Some(share) = share.filter(|s| s.0 != 0) else {
                continue;
            };
            let cell = group * n_financiers + f;
            totals[cell] += share.0;
            contributions[cell].add(share.0 as f64);
        }
    }
    let mut rows = Vec::with_capacity(totals.len());
    for g in 0..n_parts {
        for (f, &financier) in Financier::ALL.iter().enumerate() {
            let cell = g * n_financiers + f;
            let id = financier.id().to_owned();
            rows.push(FinancierFigures {
                key: match parts {
                    Some((keys, _)) => RowKey::PartFinancier(Box::new(keys[g].clone()), id),
                    None => RowKey::Financier(id),
                },
                financier,
                savings: Cents(totals[cell]),
                amount_primary: amount_primary([&contributions[cell]], thresholds),
            });
        }
    }
    rows
}

/// The funnel after registration: households with a plan, and with the plan carried out,
/// for all households and per phase (`phases` in order, each case's position in them).
/// Rows in the order all, then each phase; stages in [`Stage::ALL`] order. A stage no case
/// records (a file without `executed`) has no rows: unknown is not zero.
pub fn funnel_figures(cases: &[Case], phases: &[RowKey], phase_of: &[usize]) -> Vec<(RowKey, u64)> {
    let recorded = [
        cases.iter().any(Case::has_plan),
        cases.iter().any(|c| c.executed.is_some()),
    ];
    let groups: Vec<RowKey> = std::iter::once(RowKey::Overall)
        .chain(phases.iter().cloned())
        .collect();
    let mut counts = vec![[0u64; 2]; groups.len()];
    for (case, &phase) in cases.iter().zip(phase_of) {
        let stages = [case.has_plan(), case.executed == Some(true)];
        for group in [0, phase + 1] {
            for (slot, reached) in counts[group].iter_mut().zip(stages) {
                *slot += u64::from(reached);
            }
        }
    }
    groups
        .into_iter()
        .zip(counts)
        .flat_map(|(group, counts)| {
            Stage::ALL
                .into_iter()
                .zip(counts)
                .zip(recorded)
                .filter(|(_, recorded)| *recorded)
                .map(move |((stage, n), _)| (RowKey::Funnel(Box::new(group.clone()), stage), n))
        })
        .collect()
}

/// Whether a case belongs to a group.
pub type Membership<'a> = dyn Fn(usize, &Case) -> bool + Sync + 'a;

/// The primary suppression of the amounts of every difference group that disclosure
/// control links (households without a tag, bottleneck or owner level; an owner level's
/// households without one of its bottlenecks), with count attribution. `membership` gives
/// each such group's key and whether a case is in it.
pub fn difference_primary(
    cases: &[Case],
    groups: &[(DifferenceKey, &Membership<'_>)],
    thresholds: &PrivacyThresholds,
) -> BTreeMap<DifferenceKey, Suppression> {
    groups
        .par_iter()
        .filter_map(|(key, member)| {
            let mut contributions: [Contributions; 5] =
                std::array::from_fn(|_| Contributions::new(thresholds));
            for (_, case) in cases.iter().enumerate().filter(|(i, c)| member(*i, c)) {
                let (amounts, _) = amounts_of(case, 1.0);
                for (i, amount) in amounts.iter().enumerate() {
                    if let Some(value) = amount {
                        contributions[i].add(*value);
                    }
                }
            }
            amount_primary(&contributions, thresholds).map(|reason| (key.clone(), reason))
        })
        .collect()
}
