//! The outlook tables: the programme's net return, savings over a horizon and against the
//! likelihood of the threatened cost, and a scenario for a region. Every figure is derived
//! from figures the savings tables publish, and is shown only where they all are: it tells
//! an outsider nothing they do not.

use maatpact_core::{
    Cents, Disclosed, LIKELIHOODS, Outlook, ProgrammeCost, RegionScenario, region_scenario,
    savings_at_likelihood,
};

use super::rows::{ClusterName, Group, SavingsRow, SavingsTables};

/// The outlook of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlookTables {
    /// Years the savings are counted over.
    pub years: u32,
    /// The real discount rate per year.
    pub discount_rate: f64,
    /// What one year's savings are worth over the horizon today.
    pub present_value_factor: f64,
    /// The net return with the programme's own costs, when the config gives them.
    pub programme: Option<ProgrammeReturn>,
    /// Savings per group (all households, then each cluster) and likelihood.
    pub sensitivity: Vec<SensitivityRow>,
    /// The region scenario, when a region's households are given.
    pub region: Option<RegionTable>,
}

/// The savings against everything the programme cost.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeReturn {
    /// The cost items, as configured.
    pub costs: Vec<ProgrammeCost>,
    /// Their total.
    pub costs_total: Cents,
    /// Savings (dreigend − maatwerk) of all households.
    pub savings: Disclosed<Cents>,
    /// Breakthrough spend of all households.
    pub breakthrough_spend: Disclosed<Cents>,
    /// Savings − spend − programme costs.
    pub net: Disclosed<Cents>,
    /// Savings per euro of spend and programme costs together.
    pub return_per_euro: Disclosed<Option<f64>>,
}

/// One group's savings if the threatened cost was only so likely.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// All households, or a cluster.
    pub group: Group,
    /// The likelihood of the threatened cost (1 = the KBA as made).
    pub likelihood: f64,
    /// Savings over 12 months, in cents.
    pub savings_year: Disclosed<f64>,
    /// The same over the horizon, discounted, in cents.
    pub savings_horizon: Disclosed<f64>,
}

/// The region scenario: each cocktail scaled to the region's households.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionTable {
    /// The region's households.
    pub households: u64,
    /// One row per cluster (the households in no cluster last); `None` for a cluster
    /// without a household with a KBA.
    pub rows: Vec<(ClusterName, Disclosed<Option<RegionScenario>>)>,
}

/// The outlook of a publication's savings tables.
pub fn outlook_tables(
    savings: &SavingsTables,
    outlook: &Outlook,
    costs: &[ProgrammeCost],
) -> OutlookTables {
    let factor = outlook.present_value_factor();
    let params = outlook.params();
    let groups = std::iter::once(&savings.overall).chain(&savings.per_cluster);
    let sensitivity = groups
        .flat_map(|row| {
            LIKELIHOODS.into_iter().map(move |likelihood| {
                let year = at_likelihood(row, likelihood);
                SensitivityRow {
                    group: row.group.clone(),
                    likelihood,
                    savings_year: year,
                    savings_horizon: year.map(|v| v * factor),
                }
            })
        })
        .collect();
    OutlookTables {
        years: params.years,
        discount_rate: params.discount_rate,
        present_value_factor: factor,
        programme: (!costs.is_empty()).then(|| programme_return(&savings.overall, costs)),
        sensitivity,
        region: params
            .region_households
            .map(|households| region_table(savings, households)),
    }
}

fn at_likelihood(row: &SavingsRow, likelihood: f64) -> Disclosed<f64> {
    row.cost_current
        .zip(row.cost_threatened, |c, t| (c, t))
        .zip(row.cost_tailored, |(c, t), m| {
            savings_at_likelihood(c.0 as f64, t.0 as f64, m.0 as f64, likelihood)
        })
}

fn programme_return(overall: &SavingsRow, costs: &[ProgrammeCost]) -> ProgrammeReturn {
    let costs_total = Cents(costs.iter().map(|c| (c.euros * 100.0).round() as i64).sum());
    let net = overall
        .savings
        .zip(overall.breakthrough_spend, |s, b| s - b - costs_total);
    let return_per_euro = overall.savings.zip(overall.breakthrough_spend, |s, b| {
        let spent = b.0 + costs_total.0;
        (spent > 0).then(|| s.0 as f64 / spent as f64)
    });
    ProgrammeReturn {
        costs: costs.to_vec(),
        costs_total,
        savings: overall.savings,
        breakthrough_spend: overall.breakthrough_spend,
        net,
        return_per_euro,
    }
}

fn region_table(savings: &SavingsTables, households: u64) -> RegionTable {
    let n_all = savings.overall.n_cases;
    let rows = savings
        .per_cluster
        .iter()
        .filter_map(|row| {
            let Group::Cluster(name) = &row.group else {
                return None;
            };
            let scenario = row
                .n_cases
                .zip(n_all, |n, all| (n, all))
                .zip(row.savings_mean, |counts, mean| (counts, mean))
                .zip(row.savings_ci, |((n, all), mean), ci| {
                    let (mean, ci) = (mean?, ci?);
                    // Means and intervals are in cents; the scenario in euros.
                    let euros = |c: f64| c / 100.0;
                    Some(region_scenario(
                        n,
                        all,
                        euros(mean),
                        (euros(ci.0), euros(ci.1)),
                        households,
                    ))
                });
            Some((name.clone(), scenario))
        })
        .collect();
    RegionTable { households, rows }
}
