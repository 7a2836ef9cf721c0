//! Beyond the 12-month KBA, in the way of the Dutch MKBA guidance and clearly apart from the
//! findings: the programme's own costs, a multi-year view with a discount rate, how the
//! savings depend on how likely the threatened cost was, and a scenario for a region.
//! Pure arithmetic on published totals: nothing here sees a household.

use serde::{Deserialize, Serialize};

use crate::compare::wilson_interval;
use crate::error::{Error, Result};

/// The discount rate of the Dutch MKBA guidance (Werkgroep discontovoet 2020, from 2021):
/// 2.25% real.
pub const MKBA_DISCOUNT_RATE: f64 = 0.0225;

/// The likelihoods of the threatened cost the sensitivity table shows.
pub const LIKELIHOODS: [f64; 4] = [1.0, 0.75, 0.5, 0.25];

/// The settings of the outlook, as given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlookParams {
    /// Years the savings are counted over; 1 is the KBA's own 12 months.
    pub years: u32,
    /// The real discount rate per year (0.0225 for 2.25%).
    pub discount_rate: f64,
    /// The households of the region a scenario scales to (seed 001: 2,600), if any.
    pub region_households: Option<u64>,
}

impl Default for OutlookParams {
    fn default() -> Self {
        OutlookParams {
            years: 1,
            discount_rate: MKBA_DISCOUNT_RATE,
            region_households: None,
        }
    }
}

/// Checked [`OutlookParams`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outlook(OutlookParams);

impl OutlookParams {
    /// Checks the parameters before any use: 1 to 30 years, a rate from 0 to 20%, a region
    /// of at least one household.
    pub fn check(self) -> Result<Outlook> {
        if !(1..=30).contains(&self.years) {
            return Err(Error::InvalidParameter {
                name: "horizon",
                message: format!("{} years; use 1 to 30", self.years),
            });
        }
        if !(0.0..=0.2).contains(&self.discount_rate) {
            return Err(Error::InvalidParameter {
                name: "discount_rate",
                message: format!(
                    "{}%; use 0 to 20 (the MKBA rate is 2.25)",
                    self.discount_rate * 100.0
                ),
            });
        }
        if self.region_households == Some(0) {
            return Err(Error::InvalidParameter {
                name: "region_households",
                message: "a region of 0 households".into(),
            });
        }
        Ok(Outlook(self))
    }
}

impl Outlook {
    /// The parameters.
    pub fn params(&self) -> &OutlookParams {
        &self.0
    }

    /// What one year's savings are worth over the horizon today: Σ over years t = 0 … n−1
    /// of 1 / (1 + r)^t, the first year undiscounted. It assumes the 12-month savings recur
    /// each year, which a KBA does not show; the report says so.
    pub fn present_value_factor(&self) -> f64 {
        let r = self.0.discount_rate;
        (0..self.0.years).map(|t| (1.0 + r).powi(-(t as i32))).sum()
    }
}

/// The savings when the threatened cost would have come about with probability
/// `likelihood`, and the current cost otherwise: likelihood · dreigend + (1 − likelihood) ·
/// huidig − maatwerk. At likelihood 1 it is the KBA's savings; at 0, the savings against
/// today.
pub fn savings_at_likelihood(current: f64, threatened: f64, tailored: f64, likelihood: f64) -> f64 {
    likelihood * threatened + (1.0 - likelihood) * current - tailored
}

/// A cocktail scaled to a region: its share of the households (`n` of `n_all`) times the
/// region's households, times the mean savings and the ends of its interval. The low end
/// takes the low end of both the share's Wilson interval and the mean's; the high end both
/// high ends, so the band is wide on purpose.
pub fn region_scenario(
    n: u64,
    n_all: u64,
    mean: f64,
    mean_interval: (f64, f64),
    region_households: u64,
) -> RegionScenario {
    let share = n as f64 / n_all as f64;
    let (share_low, share_high) = wilson_interval(n as usize, n_all as usize);
    let region = region_households as f64;
    RegionScenario {
        households: share * region,
        households_interval: (share_low * region, share_high * region),
        savings: share * region * mean,
        savings_interval: (
            share_low * region * mean_interval.0,
            share_high * region * mean_interval.1,
        ),
    }
}

/// A cocktail in the region scenario.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RegionScenario {
    /// Expected households of the region in the cocktail.
    pub households: f64,
    /// The 95% Wilson interval of that, scaled.
    pub households_interval: (f64, f64),
    /// Expected savings over 12 months.
    pub savings: f64,
    /// The wide band around it.
    pub savings_interval: (f64, f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_year_is_not_discounted_and_more_years_are() {
        let one = OutlookParams::default().check().unwrap();
        assert_eq!(one.present_value_factor(), 1.0);
        let five = OutlookParams {
            years: 5,
            ..OutlookParams::default()
        }
        .check()
        .unwrap();
        // 1 + 1/1.0225 + 1/1.0225² + 1/1.0225³ + 1/1.0225⁴
        let expected = 1.0 + 0.977_995_1 + 0.956_474_4 + 0.935_427_3 + 0.914_843_3;
        assert!((five.present_value_factor() - expected).abs() < 1e-6);
        let flat = OutlookParams {
            years: 3,
            discount_rate: 0.0,
            region_households: None,
        };
        assert_eq!(flat.check().unwrap().present_value_factor(), 3.0);
    }

    #[test]
    fn parameters_are_checked_before_use() {
        let bad = [
            OutlookParams {
                years: 0,
                ..OutlookParams::default()
            },
            OutlookParams {
                years: 31,
                ..OutlookParams::default()
            },
            OutlookParams {
                discount_rate: -0.01,
                ..OutlookParams::default()
            },
            OutlookParams {
                discount_rate: 0.5,
                ..OutlookParams::default()
            },
            OutlookParams {
                region_households: Some(0),
                ..OutlookParams::default()
            },
        ];
        for params in bad {
            assert!(params.clone().check().is_err(), "{params:?}");
        }
    }

    #[test]
    fn likelihood_moves_from_threatened_to_current() {
        assert_eq!(savings_at_likelihood(100.0, 300.0, 150.0, 1.0), 150.0);
        assert_eq!(savings_at_likelihood(100.0, 300.0, 150.0, 0.0), -50.0);
        assert_eq!(savings_at_likelihood(100.0, 300.0, 150.0, 0.5), 50.0);
    }

    #[test]
    fn a_region_scales_share_and_savings_with_a_band_around_both() {
        let scenario = region_scenario(30, 120, 20_000.0, (15_000.0, 25_000.0), 2_600);
        assert!((scenario.households - 650.0).abs() < 1e-9);
        assert!((scenario.savings - 13_000_000.0).abs() < 1e-6);
        let (low, high) = scenario.savings_interval;
        assert!(low < 650.0 * 15_000.0 && high > 650.0 * 25_000.0);
        let (h_low, h_high) = scenario.households_interval;
        assert!(h_low < 650.0 && 650.0 < h_high);
    }
}
