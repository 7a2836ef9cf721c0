//! Tables of a clustering: `clusters.csv`, `assignments.csv`, `k_selection.csv`,
//! `cluster_profiles.csv` (tag prevalence per cluster) and `satisfaction_per_cluster.csv`.

use maatpact_core::{Case, ClusterResult, PrivacyThresholds, Suppression, Vocabulary};

use crate::tables::{SUPPRESSED, Table, fixed, fixed_opt};

/// `clusters.csv`: one row per cluster, numbered 1..k by size. A cluster of fewer households
/// than the minimum cell size shows its size as `.`. The households in no cluster (number 0
/// in the other tables) are no cluster and have no row.
pub fn clusters_table(
    result: &ClusterResult,
    vocabulary: &Vocabulary,
    thresholds: &PrivacyThresholds,
) -> Table {
    let mut table = Table::new(&[
        "cluster",
        "size",
        "defining_tags",
        "label_nl",
        "label_en",
        "reference_match",
        "reference_jaccard",
        "stability",
        "unstable",
        "silhouette",
    ]);
    table.rows = result
        .profiles
        .iter()
        .filter(|p| !p.noise)
        .map(|p| {
            vec![
                (p.cluster + 1).to_string(),
                if p.size < thresholds.min_cell_size {
                    SUPPRESSED.into()
                } else {
                    p.size.to_string()
                },
                vocabulary.join_ids(&p.defining_tags),
                p.label_nl.clone(),
                p.label_en.clone(),
                p.reference
                    .as_ref()
                    .map(|r| r.id.clone())
                    .unwrap_or_default(),
                p.reference
                    .as_ref()
                    .map(|r| fixed(r.jaccard, 3))
                    .unwrap_or_default(),
                fixed_opt(p.stability, 3),
                if p.unstable {
                    "yes".into()
                } else {
                    "no".into()
                },
                fixed_opt(p.silhouette, 3),
            ]
        })
        .collect();
    table
}

/// `assignments.csv`: `case_id,cluster,distance`, plus `p_class_<c>` columns for latent
/// class analysis. Households in no cluster have cluster 0.
pub fn assignments_table(cases: &[Case], result: &ClusterResult) -> Table {
    let clustering = &result.clustering;
    let mut headers = vec![
        "case_id".to_owned(),
        "cluster".to_owned(),
        "distance".to_owned(),
    ];
    if let Some(probabilities) = &clustering.probabilities {
        headers.extend((1..=probabilities.ncols()).map(|c| format!("p_class_{c}")));
    }
    let rows = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut row = vec![
                case.case_id.clone(),
                clustering
                    .published_number(clustering.labels[i])
                    .to_string(),
                fixed(clustering.distances[i], 4),
            ];
            if let Some(probabilities) = &clustering.probabilities {
                row.extend(probabilities.row(i).iter().map(|p| fixed(*p, 4)));
            }
            row
        })
        .collect();
    Table { headers, rows }
}

/// `k_selection.csv`: the curve behind the choice of k.
pub fn k_selection_table(result: &ClusterResult) -> Table {
    let mut table = Table::new(&["k", "silhouette", "bic", "chosen"]);
    table.rows = result
        .k_selection
        .iter()
        .map(|score| {
            vec![
                score.k.to_string(),
                fixed_opt(score.silhouette, 4),
                fixed_opt(score.bic, 2),
                if score.k == result.chosen_k {
                    "yes".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table
}

/// `cluster_profiles.csv`: the prevalence and lift of every tag in every cluster. Counts of
/// 1 to `min_cell_size − 1` households are suppressed with their prevalence.
pub fn cluster_profiles_table(
    result: &ClusterResult,
    vocabulary: &Vocabulary,
    thresholds: &PrivacyThresholds,
) -> Table {
    let mut table = Table::new(&[
        "cluster",
        "tag",
        "count",
        "prevalence",
        "lift",
        "defining",
        "suppressed",
    ]);
    for profile in &result.profiles {
        for stat in &profile.tags {
            let small = stat.count > 0 && stat.count < thresholds.min_cell_size;
            let defining = profile.defining_tags.contains(&stat.tag);
            table.rows.push(vec![
                result
                    .clustering
                    .published_number(profile.cluster)
                    .to_string(),
                vocabulary.id(stat.tag).to_owned(),
                if small {
                    SUPPRESSED.into()
                } else {
                    stat.count.to_string()
                },
                if small {
                    SUPPRESSED.into()
                } else {
                    fixed(stat.prevalence, 3)
                },
                if small {
                    SUPPRESSED.into()
                } else {
                    fixed(stat.lift, 3)
                },
                if defining { "yes".into() } else { "no".into() },
                if small {
                    Suppression::SmallCell.code().into()
                } else {
                    String::new()
                },
            ]);
        }
    }
    table
}

/// `satisfaction_per_cluster.csv`: mean satisfaction at the start, after 6 and after 12
/// months, per cluster, over the cases with that score.
pub fn satisfaction_table(
    cases: &[Case],
    result: &ClusterResult,
    thresholds: &PrivacyThresholds,
) -> Table {
    let mut table = Table::new(&[
        "cluster",
        "n_start",
        "mean_start",
        "n_6m",
        "mean_6m",
        "n_12m",
        "mean_12m",
        "suppressed",
    ]);
    for profile in &result.profiles {
        let members: Vec<&Case> = cases
            .iter()
            .zip(&result.clustering.labels)
            .filter(|(_, l)| **l == profile.cluster)
            .map(|(c, _)| c)
            .collect();
        let mut row = vec![
            result
                .clustering
                .published_number(profile.cluster)
                .to_string(),
        ];
        let mut any_small = false;
        for score in [
            |c: &Case| c.satisfaction.start,
            |c: &Case| c.satisfaction.month_6,
            |c: &Case| c.satisfaction.month_12,
        ] {
            let values: Vec<f64> = members.iter().filter_map(|c| score(c)).collect();
            if values.len() < thresholds.min_cell_size {
                any_small = true;
                row.push(SUPPRESSED.into());
                row.push(SUPPRESSED.into());
            } else {
                row.push(values.len().to_string());
                row.push(fixed(values.iter().sum::<f64>() / values.len() as f64, 2));
            }
        }
        row.push(if any_small {
            Suppression::SmallCell.code().into()
        } else {
            String::new()
        });
        table.rows.push(row);
    }
    table
}
