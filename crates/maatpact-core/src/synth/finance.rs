//! Exact money arithmetic for synthetic data: rescaling amounts to an exact total, splitting
//! savings over financiers to the cent, and calibrating Maatpact phase 1 to the published
//! figures.

use crate::case::Case;
use crate::money::Cents;

use super::effects::{JEUGD, WMO};

/// Phase 1 of Maatpact had 51 cases; its published figures are per those 51, and are scaled
/// by `n_phase1 / 51` when another number of cases is asked for.
pub(super) const PHASE1_CASES: usize = 51;
/// Phase-1 savings against the threatened scenario: "€1.1M saved, on average more than
/// €22,000 per household" (domain.md). €1,150,000 over 51 cases is €22,549 each.
pub(super) const PHASE1_SAVINGS_EUROS: i64 = 1_150_000;
/// "Almost €700,000 on jeugdhulp".
pub(super) const PHASE1_JEUGD_EUROS: i64 = 690_000;
/// "Almost €300,000 on Wmo".
pub(super) const PHASE1_WMO_EUROS: i64 = 295_000;
/// "About half of the Doorbraakbudget went to housing: €46,000".
pub(super) const PHASE1_BREAKTHROUGH_WONEN_EUROS: i64 = 46_000;
/// The other half, on money and everything else.
pub(super) const PHASE1_BREAKTHROUGH_OTHER_EUROS: i64 = 46_000;

/// Scales non-negative whole amounts so that they sum to exactly `target`, by the
/// largest-remainder method (ties to the earlier amount). Exact integer arithmetic, so the
/// result does not depend on float rounding. Leaves the amounts alone and returns `false`
/// when they sum to zero or the target is negative.
pub(super) fn rescale_to_total(amounts: &mut [i64], target: i64) -> bool {
    debug_assert!(amounts.iter().all(|&a| a >= 0));
    let sum: i128 = amounts.iter().map(|&a| i128::from(a)).sum();
    if sum <= 0 || target < 0 {
        return false;
    }
    let target = i128::from(target);
    let mut remainders = Vec::with_capacity(amounts.len());
    let mut assigned = 0i128;
    for (index, amount) in amounts.iter_mut().enumerate() {
        let scaled = i128::from(*amount) * target;
        let quotient = scaled / sum;
        *amount = quotient as i64;
        assigned += quotient;
        remainders.push((scaled % sum, index));
    }
    let left_over = (target - assigned) as usize;
    if left_over > 0 {
        remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, index) in remainders.iter().take(left_over) {
            amounts[index] += 1;
        }
    }
    true
}

/// Splits `total` over the seven financiers in proportion to `weights`, in whole cents, so
/// that the parts add up to `total` exactly: each part is rounded towards zero and the
/// left-over cents go to the financier with the largest weight.
pub(super) fn split_cents(total: Cents, weights: &[f64; 7]) -> [Option<Cents>; 7] {
    let weight_sum: f64 = weights.iter().sum();
    let largest = weights.iter().enumerate().fold(
        0,
        |best, (index, &w)| if w > weights[best] { index } else { best },
    );
    let magnitude = total.0.abs();
    let mut parts = [0i64; 7];
    if weight_sum > 0.0 {
        for (part, &weight) in parts.iter_mut().zip(weights) {
            *part = (magnitude as f64 * weight / weight_sum).floor() as i64;
        }
    }
    let assigned: i64 = parts.iter().sum();
    parts[largest] += magnitude - assigned;
    let sign = total.0.signum();
    parts.map(|part| Some(Cents(sign * part)))
}

/// Calibrates the phase-1 cases (all with a cost-benefit analysis) to the published figures,
/// scaled to their number, then fills in their per-financier savings:
/// - the positive savings are rescaled so that the total is exactly the target (negative
///   savings are kept); the threatened cost absorbs the change, the tailored plan stays;
/// - the split over financiers is raked (iterative proportional fitting) so that the
///   Jeugdwet and Wmo totals come to their targets while every case's parts still add up
///   to its own savings;
/// - housing and other breakthrough spend are rescaled to exactly their targets.
///
/// `weights[i]` is the financier weighting of `cases[i]`.
pub(super) fn calibrate_phase1(cases: &mut [Case], weights: &[[f64; 7]]) {
    if cases.is_empty() {
        return;
    }
    let n_phase1 = cases.len() as f64;
    let target = |euros: i64| (euros as f64 * n_phase1 / PHASE1_CASES as f64).round() as i64;
    calibrate_savings(cases, target(PHASE1_SAVINGS_EUROS));
    split_phase1_savings(
        cases,
        weights,
        target(PHASE1_JEUGD_EUROS),
        target(PHASE1_WMO_EUROS),
    );
    calibrate_breakthrough(
        cases,
        |category| category == "wonen",
        target(PHASE1_BREAKTHROUGH_WONEN_EUROS),
    );
    calibrate_breakthrough(
        cases,
        |category| category != "wonen",
        target(PHASE1_BREAKTHROUGH_OTHER_EUROS),
    );
}

fn savings_euros(case: &Case) -> Option<i64> {
    case.costs.savings().map(|s| s.0 / 100)
}

fn calibrate_savings(cases: &mut [Case], target_total: i64) {
    let negative: i64 = cases
        .iter()
        .filter_map(savings_euros)
        .filter(|&s| s < 0)
        .sum();
    let positive: Vec<usize> = (0..cases.len())
        .filter(|&i| savings_euros(&cases[i]).is_some_and(|s| s > 0))
        .collect();
    let mut savings: Vec<i64> = positive
        .iter()
        .map(|&i| savings_euros(&cases[i]).unwrap_or(0))
        .collect();
    if rescale_to_total(&mut savings, target_total - negative) {
        for (&index, &saving) in positive.iter().zip(&savings) {
            let costs = &mut cases[index].costs;
            if let Some(tailored) = costs.tailored {
                costs.threatened = Some(tailored + Cents::from_euros(saving));
            }
        }
    }
}

/// Three groups of financiers are raked: Jeugdwet, Wmo, and the rest together (whose
/// internal split keeps each case's own proportions).
fn split_phase1_savings(cases: &mut [Case], weights: &[[f64; 7]], jeugd: i64, wmo: i64) {
    let mut target = [jeugd as f64, wmo as f64, 0.0];
    let mut rows: Vec<(usize, f64, [f64; 3])> = Vec::with_capacity(cases.len());
    let mut positive_total = 0.0;
    for (index, case) in cases.iter().enumerate() {
        let Some(savings) = savings_euros(case) else {
            continue;
        };
        let row_weights = &weights[index];
        let weight_sum: f64 = row_weights.iter().sum();
        let grouped = [
            row_weights[JEUGD],
            row_weights[WMO],
            weight_sum - row_weights[JEUGD] - row_weights[WMO],
        ];
        let savings = savings as f64;
        if savings > 0.0 {
            positive_total += savings;
            rows.push((index, savings, grouped.map(|w| savings * w / weight_sum)));
        } else {
            // Negative savings keep their raw split and count against the targets.
            target[0] -= savings * grouped[0] / weight_sum;
            target[1] -= savings * grouped[1] / weight_sum;
        }
    }
    target[2] = positive_total - target[0] - target[1];
    if target.iter().all(|&t| t > 0.0) {
        rake(&mut rows, &target);
    }
    let mut raked = vec![None; cases.len()];
    for (index, _, groups) in rows {
        raked[index] = Some(groups);
    }
    for (index, case) in cases.iter_mut().enumerate() {
        let Some(savings) = case.costs.savings() else {
            continue;
        };
        let mut row_weights = weights[index];
        if let Some([jeugd, wmo, rest]) = raked[index] {
            let rest_weight: f64 =
                row_weights.iter().sum::<f64>() - row_weights[JEUGD] - row_weights[WMO];
            for (financier, weight) in row_weights.iter_mut().enumerate() {
                if financier != JEUGD && financier != WMO {
                    *weight = if rest_weight > 0.0 {
                        rest * *weight / rest_weight
                    } else {
                        0.0
                    };
                }
            }
            row_weights[JEUGD] = jeugd;
            row_weights[WMO] = wmo;
        }
        case.savings_by_financier = split_cents(savings, &row_weights);
    }
}

/// Iterative proportional fitting: alternately scales the columns to their targets and the
/// rows back to their totals, until the columns are within a cent.
fn rake(rows: &mut [(usize, f64, [f64; 3])], target: &[f64; 3]) {
    for _iteration in 0..500 {
        let mut column = [0.0; 3];
        for (_, _, groups) in rows.iter() {
            for (sum, value) in column.iter_mut().zip(groups) {
                *sum += value;
            }
        }
        if column
            .iter()
            .zip(target)
            .all(|(sum, goal)| (sum - goal).abs() < 0.01)
        {
            return;
        }
        let factor: [f64; 3] = std::array::from_fn(|g| {
            if column[g] > 0.0 {
                target[g] / column[g]
            } else {
                1.0
            }
        });
        for (_, savings, groups) in rows.iter_mut() {
            for (value, f) in groups.iter_mut().zip(factor) {
                *value *= f;
            }
            let row_sum: f64 = groups.iter().sum();
            if row_sum > 0.0 {
                for value in groups.iter_mut() {
                    *value *= *savings / row_sum;
                }
            }
        }
    }
}

fn calibrate_breakthrough(cases: &mut [Case], in_group: impl Fn(&str) -> bool, target: i64) {
    let members: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            cases[i].breakthrough_spend.is_some()
                && cases[i].budget_category.as_deref().is_some_and(&in_group)
        })
        .collect();
    let mut amounts: Vec<i64> = members
        .iter()
        .map(|&i| cases[i].breakthrough_spend.map_or(0, |c| c.0 / 100))
        .collect();
    if rescale_to_total(&mut amounts, target) {
        for (&index, &amount) in members.iter().zip(&amounts) {
            cases[index].breakthrough_spend = Some(Cents::from_euros(amount));
        }
    }
}

/// Who paid each breakthrough, by what it was spent on. The seeds name the programme's
/// breakthrough budget and bijzondere bijstand (Participation Act) for housing and money
/// (seed 004: "vanuit de bijzondere bijstand … vanuit de 50 gezinnen aanpak"); care and
/// children's spend is drawn partly from the Wmo and Youth Act budgets, the rest from the
/// programme. Cases without spend have no payer. Drawn from its own stream, so the other
/// fields are those of a file without payers.
pub(super) fn assign_payers(cases: &mut [Case], rng: &mut impl rand::Rng) {
    use crate::case::{Financier, Payer};
    const PROGRAMME: Payer = Payer::Programme;
    let financier = Payer::Financier;
    for case in cases.iter_mut().filter(|c| c.breakthrough_spend.is_some()) {
        let choices: &[(Payer, f64)] = match case.budget_category.as_deref() {
            Some("wonen") => &[
                (PROGRAMME, 0.6),
                (financier(Financier::Participatie), 0.25),
                (financier(Financier::Woningcorporatie), 0.15),
            ],
            Some("geld") => &[(financier(Financier::Participatie), 0.6), (PROGRAMME, 0.4)],
            Some("zorg") => &[
                (financier(Financier::Wmo), 0.5),
                (financier(Financier::Zorgverzekeraar), 0.2),
                (PROGRAMME, 0.3),
            ],
            Some("kinderen") => &[(financier(Financier::Jeugd), 0.6), (PROGRAMME, 0.4)],
            _ => &[(PROGRAMME, 1.0)],
        };
        let mut pick = rng.r#gen::<f64>();
        let mut payer = choices[choices.len() - 1].0;
        for &(candidate, share) in choices {
            if pick < share {
                payer = candidate;
                break;
            }
            pick -= share;
        }
        case.payer = Some(payer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_hits_the_target_exactly() {
        let mut amounts = vec![100, 200, 300, 0];
        assert!(rescale_to_total(&mut amounts, 1_000));
        assert_eq!(amounts, vec![167, 333, 500, 0]);
        let mut thirds = vec![1, 1, 1];
        assert!(rescale_to_total(&mut thirds, 10));
        assert_eq!(
            thirds,
            vec![4, 3, 3],
            "the left-over euro goes to the first tie"
        );
        let mut zeros = vec![0, 0];
        assert!(!rescale_to_total(&mut zeros, 10));
        assert_eq!(zeros, vec![0, 0]);
    }

    #[test]
    fn split_cents_adds_up_and_keeps_the_sign() {
        let weights = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0];
        let parts = split_cents(Cents(100), &weights);
        assert_eq!(
            parts,
            [34, 33, 33, 0, 0, 0, 0].map(|c| Some(Cents(c))),
            "the left-over cent goes to the first largest weight"
        );
        let negative = split_cents(Cents(-1_001), &[0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(negative.iter().map(|p| p.unwrap().0).sum::<i64>(), -1_001);
        assert_eq!(negative[1], Some(Cents(-751)));
        assert_eq!(negative[6], Some(Cents(-250)));
    }
}
