//! Savings and *systeemleren* tables: per-case figures aggregated per group with polars lazy
//! group-bys, then passed through disclosure control once.

use maatpact_core::{
    Case, Cell, Cents, Financier, Margin, PrivacyThresholds, Suppression, mean_ci, suppress,
};
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a case with several bottlenecks (or tags) counts in a multi-membership table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// The case counts in full in each of its groups; group totals may add up to more than
    /// the overall total.
    #[default]
    Count,
    /// The case's figures are divided equally over its groups.
    Split,
}

impl std::str::FromStr for Attribution {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "count" => Ok(Attribution::Count),
            "split" => Ok(Attribution::Split),
            other => Err(format!(
                "unknown attribution `{other}` (use count or split)"
            )),
        }
    }
}

/// The settings of the savings tables.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SavingsSettings {
    /// Disclosure-control thresholds.
    pub thresholds: PrivacyThresholds,
    /// Bootstrap resamples for the confidence interval of the mean savings.
    pub bootstrap_resamples: usize,
    /// The seed of the bootstrap.
    pub seed: u64,
    /// Attribution in multi-membership tables.
    pub attribution: Attribution,
}

/// Which groups each case belongs to, for one table.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    /// The key values of each group, one per key column, in output order.
    pub groups: Vec<Vec<String>>,
    /// For each case, its groups (indices into `groups`).
    pub membership: Vec<Vec<usize>>,
}

impl Grouping {
    /// A grouping where each case is in exactly one group, by a key function. Groups are
    /// ordered by `order` of their key.
    pub fn partition<K: Ord + Clone>(
        cases: &[Case],
        key: impl Fn(&Case) -> K,
        render: impl Fn(&K) -> Vec<String>,
    ) -> Grouping {
        let keys: Vec<K> = cases.iter().map(&key).collect();
        let mut distinct: Vec<K> = keys.clone();
        distinct.sort();
        distinct.dedup();
        let membership = keys
            .iter()
            .map(|k| vec![distinct.binary_search(k).expect("key is present")])
            .collect();
        Grouping {
            groups: distinct.iter().map(render).collect(),
            membership,
        }
    }

    /// Whether every case is in exactly one group.
    pub fn is_partition(&self) -> bool {
        self.membership.iter().all(|m| m.len() == 1)
    }
}

/// One row of a savings table, before formatting. Amounts are in cents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SavingsRow {
    /// The group's key values.
    pub keys: Vec<String>,
    /// Households in the group.
    pub n_cases: usize,
    /// Households with a cost-benefit analysis (dreigend and maatwerk known).
    pub n_with_kba: usize,
    /// Total *huidig* over the cases with a KBA.
    pub cost_current_total: Cents,
    /// Total *dreigend* over the cases with a KBA.
    pub cost_threatened_total: Cents,
    /// Total *maatwerk* over the cases with a KBA.
    pub cost_tailored_total: Cents,
    /// Total savings, dreigend − maatwerk.
    pub savings_total: Cents,
    /// Mean savings per case with a KBA, in cents.
    pub savings_mean: Option<f64>,
    /// Median savings per case with a KBA, in cents.
    pub savings_median: Option<f64>,
    /// 95% interval of the mean savings, in cents: percentile bootstrap, or the normal
    /// interval above [`maatpact_core::BOOTSTRAP_MAX_VALUES`] cases ([`mean_ci`]).
    pub savings_ci: Option<(f64, f64)>,
    /// Total breakthrough spend.
    pub breakthrough_spend_total: Cents,
    /// Savings per euro of breakthrough spend.
    pub return_per_euro: Option<f64>,
    /// Mean change in satisfaction (12 or 6 months minus start).
    pub satisfaction_change_mean: Option<f64>,
    /// Why the row is not published, if it is not.
    pub suppressed: Option<Suppression>,
}

/// A savings table after disclosure control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SavingsTable {
    /// The rows, one per group, in group order.
    pub rows: Vec<SavingsRow>,
    /// Whether each case counts in exactly one row.
    pub partition: bool,
    /// The attribution used when it is not a partition.
    pub attribution: Attribution,
    /// Cases in the table without a KBA: counted in `n_cases`, left out of euro figures.
    pub n_without_kba: usize,
}

/// The figures of one case that the tables aggregate: built once per run, read by every
/// table.
struct CaseFrame(DataFrame);

fn polars_error(err: PolarsError) -> Error {
    Error::Output {
        what: "savings table".into(),
        message: err.to_string(),
    }
}

impl CaseFrame {
    fn new(cases: &[Case]) -> Result<CaseFrame> {
        let kba: Vec<bool> = cases.iter().map(|c| c.costs.is_complete()).collect();
        let money = |f: &dyn Fn(&Case) -> Option<Cents>| -> Vec<Option<f64>> {
            cases
                .iter()
                .zip(&kba)
                .map(|(c, &k)| if k { f(c).map(|v| v.0 as f64) } else { None })
                .collect()
        };
        let columns = vec![
            Column::new("case".into(), (0..cases.len() as u32).collect::<Vec<u32>>()),
            Column::new(
                "kba".into(),
                kba.iter().map(|&k| u32::from(k)).collect::<Vec<u32>>(),
            ),
            Column::new("current".into(), money(&|c| c.costs.current)),
            Column::new("threatened".into(), money(&|c| c.costs.threatened)),
            Column::new("tailored".into(), money(&|c| c.costs.tailored)),
            Column::new("savings".into(), money(&|c| c.costs.savings())),
            Column::new(
                "spend".into(),
                cases
                    .iter()
                    .map(|c| c.breakthrough_spend.map(|v| v.0 as f64))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "satisfaction_change".into(),
                cases
                    .iter()
                    .map(|c| c.satisfaction.change())
                    .collect::<Vec<_>>(),
            ),
        ];
        DataFrame::new(cases.len(), columns)
            .map(CaseFrame)
            .map_err(polars_error)
    }
}

/// Computes one savings table: aggregation with a polars lazy group-by, then the bootstrap
/// and disclosure control.
pub fn savings_table(
    cases: &[Case],
    grouping: &Grouping,
    settings: &SavingsSettings,
    extra_margins: &[Margin],
) -> Result<SavingsTable> {
    savings_table_of(
        &CaseFrame::new(cases)?,
        cases,
        grouping,
        settings,
        extra_margins,
    )
}

fn savings_table_of(
    frame: &CaseFrame,
    cases: &[Case],
    grouping: &Grouping,
    settings: &SavingsSettings,
    extra_margins: &[Margin],
) -> Result<SavingsTable> {
    let partition = grouping.is_partition();
    let split = !partition && settings.attribution == Attribution::Split;
    let mut member_case = Vec::new();
    let mut member_group = Vec::new();
    let mut member_weight = Vec::new();
    for (case, groups) in grouping.membership.iter().enumerate() {
        for &group in groups {
            member_case.push(case as u32);
            member_group.push(group as u32);
            member_weight.push(if split {
                1.0 / groups.len() as f64
            } else {
                1.0
            });
        }
    }
    let n_members = member_case.len();
    let members = DataFrame::new(
        n_members,
        vec![
            Column::new("case".into(), member_case),
            Column::new("group".into(), member_group),
            Column::new("weight".into(), member_weight),
        ],
    )
    .map_err(polars_error)?;
    let weighted = |name: &str| (col(name) * col("weight")).alias(name);
    let aggregated = members
        .lazy()
        .join(
            frame.0.clone().lazy(),
            [col("case")],
            [col("case")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([
            weighted("current"),
            weighted("threatened"),
            weighted("tailored"),
            weighted("savings"),
            weighted("spend"),
        ])
        .group_by([col("group")])
        .agg([
            len().alias("n_cases"),
            col("kba").sum().alias("n_with_kba"),
            col("current").sum().alias("current"),
            col("threatened").sum().alias("threatened"),
            col("tailored").sum().alias("tailored"),
            col("savings").sum().alias("savings_total"),
            col("savings").mean().alias("savings_mean"),
            col("savings").median().alias("savings_median"),
            col("savings").drop_nulls().alias("savings_values"),
            col("spend").sum().alias("spend"),
            col("satisfaction_change")
                .mean()
                .alias("satisfaction_change_mean"),
        ])
        .sort(["group"], SortMultipleOptions::default())
        .collect()
        .map_err(polars_error)?;

    let get_u32 = |name: &str| -> Result<Vec<u32>> {
        Ok(aggregated
            .column(name)
            .and_then(|c| c.cast(&DataType::UInt32))
            .map_err(polars_error)?
            .u32()
            .map_err(polars_error)?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let get_f64 = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(aggregated
            .column(name)
            .and_then(|c| c.cast(&DataType::Float64))
            .map_err(polars_error)?
            .f64()
            .map_err(polars_error)?
            .iter()
            .collect())
    };
    let groups = get_u32("group")?;
    let n_cases = get_u32("n_cases")?;
    let n_with_kba = get_u32("n_with_kba")?;
    let current = get_f64("current")?;
    let threatened = get_f64("threatened")?;
    let tailored = get_f64("tailored")?;
    let savings_total = get_f64("savings_total")?;
    let savings_mean = get_f64("savings_mean")?;
    let savings_median = get_f64("savings_median")?;
    let spend = get_f64("spend")?;
    let satisfaction = get_f64("satisfaction_change_mean")?;
    let values_column = aggregated.column("savings_values").map_err(polars_error)?;
    let values_list = values_column.list().map_err(polars_error)?;

    let cents = |v: Option<f64>| Cents(v.unwrap_or(0.0).round() as i64);
    let mut rows: Vec<SavingsRow> = grouping
        .groups
        .iter()
        .map(|keys| SavingsRow {
            keys: keys.clone(),
            n_cases: 0,
            n_with_kba: 0,
            cost_current_total: Cents::ZERO,
            cost_threatened_total: Cents::ZERO,
            cost_tailored_total: Cents::ZERO,
            savings_total: Cents::ZERO,
            savings_mean: None,
            savings_median: None,
            savings_ci: None,
            breakthrough_spend_total: Cents::ZERO,
            return_per_euro: None,
            satisfaction_change_mean: None,
            suppressed: None,
        })
        .collect();
    let values_per_group: Vec<Vec<f64>> = (0..groups.len())
        .map(|i| {
            values_list
                .get_as_series(i)
                .map(|s| {
                    s.f64()
                        .map(|ca| ca.iter().flatten().collect())
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        })
        .collect();
    // Each group gets its own stream, derived from the seed and its position, so adding a
    // group does not change the intervals of the others (nor does the number of threads).
    let intervals: Vec<Option<(f64, f64)>> = values_per_group
        .par_iter()
        .zip(groups.par_iter())
        .map(|(values, &group)| {
            mean_ci(
                values,
                settings.bootstrap_resamples,
                settings.seed ^ (group as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            )
        })
        .collect();
    let mut contributions: Vec<Vec<i64>> = vec![Vec::new(); rows.len()];
    for (i, (&group, values)) in groups.iter().zip(&values_per_group).enumerate() {
        let group = group as usize;
        let row = &mut rows[group];
        row.n_cases = n_cases[i] as usize;
        row.n_with_kba = n_with_kba[i] as usize;
        row.cost_current_total = cents(current[i]);
        row.cost_threatened_total = cents(threatened[i]);
        row.cost_tailored_total = cents(tailored[i]);
        row.savings_total = cents(savings_total[i]);
        row.savings_mean = savings_mean[i];
        row.savings_median = savings_median[i];
        row.savings_ci = intervals[i];
        row.breakthrough_spend_total = cents(spend[i]);
        row.return_per_euro = (row.breakthrough_spend_total.0 > 0)
            .then(|| row.savings_total.0 as f64 / row.breakthrough_spend_total.0 as f64);
        row.satisfaction_change_mean = satisfaction[i];
        contributions[group] = values.iter().map(|v| v.round() as i64).collect();
    }
    let cells: Vec<Cell> = rows
        .iter()
        .zip(contributions)
        .map(|(row, contributions)| Cell {
            // Euro figures describe only the cases with a KBA, so those count for the cell size.
            n_cases: row.n_with_kba,
            contributions,
        })
        .collect();
    let mut margins = extra_margins.to_vec();
    if partition {
        margins.push(Margin {
            cells: (0..rows.len()).collect(),
            total_published: true,
        });
    }
    for (row, suppression) in rows
        .iter_mut()
        .zip(suppress(&cells, &margins, &settings.thresholds))
    {
        row.suppressed = suppression;
    }
    let members_without_kba = grouping
        .membership
        .iter()
        .zip(cases)
        .filter(|(groups, case)| !groups.is_empty() && !case.costs.is_complete())
        .count();
    Ok(SavingsTable {
        rows,
        partition,
        attribution: if partition {
            Attribution::Count
        } else {
            settings.attribution
        },
        n_without_kba: members_without_kba,
    })
}

/// One row of the savings-per-financier table: who benefits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinancierRow {
    /// Extra key values (e.g. the cluster), then the financier id.
    pub keys: Vec<String>,
    /// The financier.
    pub financier: Financier,
    /// Cases with a share for this financier.
    pub n_cases: usize,
    /// The total share, in cents.
    pub savings_total: Cents,
    /// Why the row is not published, if it is not.
    pub suppressed: Option<Suppression>,
}

/// Savings per financier, optionally per group of a partition (e.g. per cluster). Cells of
/// one group add up to the group's savings split, and cells of one financier to its total,
/// so both are margins for secondary suppression.
pub fn financier_table(
    cases: &[Case],
    grouping: Option<&Grouping>,
    thresholds: &PrivacyThresholds,
) -> Vec<FinancierRow> {
    let single = Grouping {
        groups: vec![Vec::new()],
        membership: vec![vec![0]; cases.len()],
    };
    let grouping = grouping.unwrap_or(&single);
    let n_financiers = Financier::ALL.len();
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    for (group_index, keys) in grouping.groups.iter().enumerate() {
        for (f, &financier) in Financier::ALL.iter().enumerate() {
            let shares: Vec<i64> = cases
                .iter()
                .zip(&grouping.membership)
                .filter(|(_, m)| m.contains(&group_index))
                .filter_map(|(c, _)| c.savings_by_financier[f])
                .filter(|share| share.0 != 0)
                .map(|share| share.0)
                .collect();
            let mut row_keys = keys.clone();
            row_keys.push(financier.id().to_owned());
            rows.push(FinancierRow {
                keys: row_keys,
                financier,
                n_cases: shares.len(),
                savings_total: Cents(shares.iter().sum()),
                suppressed: None,
            });
            cells.push(Cell {
                n_cases: shares.len(),
                contributions: shares,
            });
        }
    }
    let n_groups = grouping.groups.len();
    let mut margins: Vec<Margin> = (0..n_groups)
        .map(|g| Margin {
            cells: (g * n_financiers..(g + 1) * n_financiers).collect(),
            total_published: true,
        })
        .collect();
    if n_groups > 1 {
        margins.extend((0..n_financiers).map(|f| Margin {
            cells: (0..n_groups).map(|g| g * n_financiers + f).collect(),
            total_published: true,
        }));
    }
    for (row, suppression) in rows.iter_mut().zip(suppress(&cells, &margins, thresholds)) {
        row.suppressed = suppression;
    }
    rows
}

/// What the published savings tables need to know about the clusters.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterKeys {
    /// The cluster of each case, 0-based.
    pub labels: Vec<usize>,
    /// Per cluster: the number it is published under (0: the households in no cluster).
    pub numbers: Vec<usize>,
    /// Per cluster: its defining tags joined with `+`.
    pub defining_tags: Vec<String>,
}

/// The name of an unknown group value (a case without a phase, municipality, …).
pub const UNKNOWN: &str = "unknown";

/// Every savings table of a run, by file name, formatted for publication.
pub fn systeemleren_tables(
    cases: &[Case],
    config: &maatpact_core::Config,
    vocabulary: &maatpact_core::Vocabulary,
    clusters: Option<&ClusterKeys>,
    settings: &SavingsSettings,
) -> Result<Vec<(&'static str, crate::tables::Table)>> {
    use crate::tables::{financier_rows_table, savings_rows_table};
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| UNKNOWN.to_owned());
    let mut out = Vec::new();
    let frame = CaseFrame::new(cases)?;
    let savings_table = |grouping: &Grouping, settings: &SavingsSettings, margins: &[Margin]| {
        savings_table_of(&frame, cases, grouping, settings, margins)
    };

    let overall = Grouping {
        groups: vec![vec!["all".to_owned()]],
        membership: vec![vec![0]; cases.len()],
    };
    let overall_table = savings_table(&overall, settings, &[])?;
    out.push((
        "savings_overall.csv",
        savings_rows_table(&["scope"], &overall_table),
    ));

    let cluster_grouping = clusters.map(|keys| Grouping {
        groups: keys
            .defining_tags
            .iter()
            .enumerate()
            .map(|(i, tags)| vec![keys.numbers[i].to_string(), tags.clone()])
            .collect(),
        membership: keys.labels.iter().map(|&l| vec![l]).collect(),
    });
    if let Some(grouping) = &cluster_grouping {
        let table = savings_table(grouping, settings, &[])?;
        out.push((
            "savings_per_cluster.csv",
            savings_rows_table(&["cluster", "defining_tags"], &table),
        ));
    }

    let catalogue = &config.catalogue;
    let bottleneck_grouping = Grouping {
        groups: catalogue
            .bottlenecks()
            .iter()
            .map(|b| {
                vec![
                    b.id.clone(),
                    b.label_nl.clone(),
                    b.owner_level.id().to_owned(),
                    b.rule.clone(),
                ]
            })
            .collect(),
        membership: cases
            .iter()
            .map(|c| c.bottlenecks.iter().map(|b| b.index()).collect())
            .collect(),
    };
    let table = savings_table(&bottleneck_grouping, settings, &[])?;
    out.push((
        "savings_per_bottleneck.csv",
        savings_rows_table(&["bottleneck", "label_nl", "owner_level", "rule"], &table),
    ));

    let levels = maatpact_core::OwnerLevel::ALL;
    let owner_grouping = Grouping {
        groups: levels.iter().map(|l| vec![l.id().to_owned()]).collect(),
        membership: cases
            .iter()
            .map(|c| {
                let mut owners: Vec<usize> = c
                    .bottlenecks
                    .iter()
                    .map(|&b| {
                        levels
                            .iter()
                            .position(|&l| l == catalogue.get(b).owner_level)
                            .unwrap_or(0)
                    })
                    .collect();
                owners.sort_unstable();
                owners.dedup();
                owners
            })
            .collect(),
    };
    let table = savings_table(&owner_grouping, settings, &[])?;
    out.push((
        "savings_per_owner_level.csv",
        savings_rows_table(&["owner_level"], &table),
    ));

    let tag_grouping = Grouping {
        groups: vocabulary
            .tags()
            .iter()
            .map(|t| vec![t.id.clone(), t.label_nl.clone()])
            .collect(),
        membership: cases
            .iter()
            .map(|c| c.tags.iter().map(|t| t.index()).collect())
            .collect(),
    };
    let table = savings_table(&tag_grouping, settings, &[])?;
    out.push((
        "savings_per_tag.csv",
        savings_rows_table(&["tag", "label_nl"], &table),
    ));

    let phase_grouping = Grouping::partition(cases, |c| text(&c.phase), |k| vec![k.clone()]);
    let table = savings_table(&phase_grouping, settings, &[])?;
    out.push((
        "savings_per_phase.csv",
        savings_rows_table(&["phase"], &table),
    ));

    let municipality_grouping =
        Grouping::partition(cases, |c| text(&c.municipality), |k| vec![k.clone()]);
    let table = savings_table(&municipality_grouping, settings, &[])?;
    out.push((
        "savings_per_municipality.csv",
        savings_rows_table(&["municipality"], &table),
    ));

    let category_grouping =
        Grouping::partition(cases, |c| text(&c.budget_category), |k| vec![k.clone()]);
    let table = savings_table(&category_grouping, settings, &[])?;
    out.push((
        "savings_per_budget_category.csv",
        savings_rows_table(&["budget_category"], &table),
    ));

    if let (Some(keys), Some(cluster_grouping)) = (clusters, &cluster_grouping) {
        let phases: Vec<String> = phase_grouping.groups.iter().map(|g| g[0].clone()).collect();
        let n_clusters = keys.defining_tags.len();
        let cross = Grouping {
            groups: (0..n_clusters)
                .flat_map(|c| phases.iter().map(move |p| (c, p.clone())))
                .map(|(c, p)| {
                    vec![
                        keys.numbers[c].to_string(),
                        keys.defining_tags[c].clone(),
                        p,
                    ]
                })
                .collect(),
            membership: cases
                .iter()
                .zip(&keys.labels)
                .map(|(case, &label)| {
                    let phase = text(&case.phase);
                    vec![
                        label * phases.len() + phases.iter().position(|p| *p == phase).unwrap_or(0),
                    ]
                })
                .collect(),
        };
        // Each cluster's row adds up to its line in savings_per_cluster, each phase's column
        // to its line in savings_per_phase: both are published totals.
        let n_phases = phases.len();
        let mut margins: Vec<Margin> = (0..n_clusters)
            .map(|c| Margin {
                cells: (c * n_phases..(c + 1) * n_phases).collect(),
                total_published: true,
            })
            .collect();
        margins.extend((0..n_phases).map(|p| Margin {
            cells: (0..n_clusters).map(|c| c * n_phases + p).collect(),
            total_published: true,
        }));
        let table = savings_table(&cross, settings, &margins)?;
        out.push((
            "savings_per_cluster_phase.csv",
            savings_rows_table(&["cluster", "defining_tags", "phase"], &table),
        ));
        let rows = financier_table(cases, Some(cluster_grouping), &settings.thresholds);
        out.push((
            "savings_per_cluster_financier.csv",
            financier_rows_table(&["cluster", "defining_tags", "financier"], &rows),
        ));
    }
    let rows = financier_table(cases, None, &settings.thresholds);
    out.push((
        "savings_per_financier.csv",
        financier_rows_table(&["financier"], &rows),
    ));
    Ok(out)
}
