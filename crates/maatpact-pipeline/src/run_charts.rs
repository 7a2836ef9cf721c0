//! The nine charts of a run, drawn from the run's tables (and, for the dendrogram, the
//! merge tree), so that a chart never shows a number its table does not.

use std::collections::BTreeMap;

use maatpact_core::{ClusterAlgorithm, ClusterResult, OwnerLevel, Validated};

use crate::charts::{
    BarData, DendrogramData, GroupedBarData, HeatmapData, LineData, RenderedChart, bar_chart,
    dendrogram, grouped_bar_chart, heatmap, line_chart,
};
use crate::error::Result;
use crate::report::Lang;
use crate::run::chart_notes;
use crate::tables::Table;

fn number(table: &Table, row: &[String], name: &str) -> Option<f64> {
    table.cell(row, name).and_then(|c| c.parse().ok())
}

fn text(table: &Table, row: &[String], name: &str) -> String {
    table.cell(row, name).unwrap_or("").to_owned()
}

/// Builds every chart the run's data allow.
pub fn build_charts(
    lang: Lang,
    tables: &BTreeMap<String, Table>,
    result: &ClusterResult,
    validated: &Validated,
) -> Result<Vec<RenderedChart>> {
    let notes = chart_notes(lang);
    let t = |nl: &str, en: &str| lang.t(nl, en).to_owned();
    let empty = Table::default();
    let get = |name: &str| tables.get(name).unwrap_or(&empty);
    let clusters = get("clusters.csv");
    let cluster_name = |number: &str| match number {
        "0" => t("Geen cluster", "No cluster"),
        _ => format!("{} {number}", t("Cluster", "Cluster")),
    };
    let mut charts = Vec::new();

    // 1. Mean savings per cocktail, with whiskers.
    let per_cluster = get("savings_per_cluster.csv");
    let labels: Vec<String> = per_cluster
        .rows
        .iter()
        .map(|r| cluster_name(&text(per_cluster, r, "cluster")))
        .collect();
    charts.push(bar_chart(
        "savings_per_cocktail",
        &BarData {
            title: t(
                "Gemiddelde besparing per cocktail (95%-interval)",
                "Mean savings per cocktail (95% interval)",
            ),
            value_label: t("€ per huishouden, 12 maanden", "€ per household, 12 months"),
            labels: labels.clone(),
            values: per_cluster
                .rows
                .iter()
                .map(|r| number(per_cluster, r, "savings_mean"))
                .collect(),
            whiskers: per_cluster
                .rows
                .iter()
                .map(|r| {
                    Some((
                        number(per_cluster, r, "savings_ci_low")?,
                        number(per_cluster, r, "savings_ci_high")?,
                    ))
                })
                .collect(),
            ..BarData::default()
        },
        false,
        &notes,
    )?);

    // 2. Huidig / dreigend / maatwerk per cocktail.
    let series = [
        ("cost_current_total", t("Huidig", "Current")),
        ("cost_threatened_total", t("Dreigend", "Threatened")),
        ("cost_tailored_total", t("Maatwerk", "Tailored")),
    ]
    .into_iter()
    .map(|(column, name)| {
        (
            name,
            per_cluster
                .rows
                .iter()
                .map(|r| number(per_cluster, r, column))
                .collect(),
        )
    })
    .collect();
    charts.push(grouped_bar_chart(
        "costs_per_cocktail",
        &GroupedBarData {
            title: t(
                "Kosten over 12 maanden per cocktail",
                "Costs over 12 months per cocktail",
            ),
            value_label: "€".into(),
            groups: labels.clone(),
            series,
        },
        false,
        &notes,
    )?);

    // 3. Tag prevalence per cocktail.
    let profiles = get("cluster_profiles.csv");
    let tag_ids: Vec<String> = validated
        .vocabulary
        .tags()
        .iter()
        .map(|t| t.id.clone())
        .collect();
    // Tags down the side, where their names have room; clusters across.
    let prevalence_rows: Vec<Vec<Option<f64>>> = tag_ids
        .iter()
        .map(|tag| {
            clusters
                .rows
                .iter()
                .map(|c| {
                    let number_text = text(clusters, c, "cluster");
                    profiles
                        .rows
                        .iter()
                        .find(|r| {
                            text(profiles, r, "cluster") == number_text
                                && text(profiles, r, "tag") == *tag
                        })
                        .and_then(|r| number(profiles, r, "prevalence"))
                })
                .collect()
        })
        .collect();
    charts.push(heatmap(
        "tag_prevalence_per_cocktail",
        &HeatmapData {
            title: t(
                "Aandeel huishoudens met elk probleem, per cocktail",
                "Share of households with each problem, per cocktail",
            ),
            rows: tag_ids.clone(),
            columns: clusters
                .rows
                .iter()
                .map(|r| cluster_name(&text(clusters, r, "cluster")))
                .collect(),
            values: prevalence_rows,
            max_value: 1.0,
            centred_on_one: false,
            number_columns: false,
        },
        &notes,
    )?);

    // 4. Co-occurrence lift.
    let cooccurrence = get("cooccurrence.csv");
    let used: Vec<String> = tag_ids
        .iter()
        .filter(|tag| {
            validated.cases.iter().any(|c| {
                c.tags
                    .iter()
                    .any(|&t| validated.vocabulary.id(t) == tag.as_str())
            })
        })
        .cloned()
        .collect();
    let lift_of = |a: &str, b: &str| -> Option<f64> {
        if a == b {
            return None;
        }
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        cooccurrence
            .rows
            .iter()
            .find(|r| {
                text(cooccurrence, r, "tag_a") == first && text(cooccurrence, r, "tag_b") == second
            })
            .and_then(|r| number(cooccurrence, r, "lift"))
    };
    let lifts: Vec<Vec<Option<f64>>> = used
        .iter()
        .map(|a| used.iter().map(|b| lift_of(a, b)).collect())
        .collect();
    let max_lift = lifts
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(2.0, f64::max);
    charts.push(heatmap(
        "cooccurrence_lift",
        &HeatmapData {
            title: t("Lift van paren van problemen", "Lift of pairs of problems"),
            rows: used.clone(),
            columns: used.clone(),
            values: lifts,
            max_value: max_lift,
            centred_on_one: true,
            number_columns: true,
        },
        &notes,
    )?);

    // 5. Savings per bottleneck, coloured by owner level.
    let bottlenecks = get("savings_per_bottleneck.csv");
    let shown: Vec<&Vec<String>> = bottlenecks
        .rows
        .iter()
        .filter(|r| text(bottlenecks, r, "n_cases") != "0")
        .collect();
    let level_index = |level: &str| {
        OwnerLevel::ALL
            .iter()
            .position(|l| l.id() == level)
            .unwrap_or(0)
    };
    charts.push(bar_chart(
        "savings_per_bottleneck",
        &BarData {
            title: t("Besparing per knelpunt", "Savings per bottleneck"),
            value_label: t("€, 12 maanden", "€, 12 months"),
            labels: shown
                .iter()
                .map(|r| text(bottlenecks, r, "bottleneck"))
                .collect(),
            values: shown
                .iter()
                .map(|r| number(bottlenecks, r, "savings_total"))
                .collect(),
            whiskers: Vec::new(),
            colors: shown
                .iter()
                .map(|r| level_index(&text(bottlenecks, r, "owner_level")))
                .collect(),
            legend: OwnerLevel::ALL
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.id().to_owned()))
                .collect(),
        },
        true,
        &notes,
    )?);

    // 6. Choice of k.
    let k_selection = get("k_selection.csv");
    if !k_selection.rows.is_empty() {
        let by_bic = result.algorithm == ClusterAlgorithm::Lca;
        let column = if by_bic { "bic" } else { "silhouette" };
        charts.push(line_chart(
            "k_selection",
            &LineData {
                title: t(
                    "Keuze van het aantal clusters",
                    "Choice of the number of clusters",
                ),
                x_label: "k".into(),
                y_label: if by_bic {
                    "BIC".into()
                } else {
                    t("gemiddeld silhouet", "mean silhouette")
                },
                x_ticks: Vec::new(),
                log_scale: false,
                series: vec![(
                    column.to_owned(),
                    k_selection
                        .rows
                        .iter()
                        .map(|r| {
                            (
                                number(k_selection, r, "k").unwrap_or(0.0),
                                number(k_selection, r, column),
                            )
                        })
                        .collect(),
                )],
            },
            &notes,
        )?);
    }

    // 7. Satisfaction trajectories.
    let satisfaction = get("satisfaction_per_cluster.csv");
    charts.push(line_chart(
        "satisfaction_per_cocktail",
        &LineData {
            title: t("Tevredenheid per cocktail", "Satisfaction per cocktail"),
            x_label: String::new(),
            y_label: t("rapportcijfer (1–10)", "score (1–10)"),
            x_ticks: vec![
                t("start", "start"),
                t("6 maanden", "6 months"),
                t("12 maanden", "12 months"),
            ],
            log_scale: false,
            series: satisfaction
                .rows
                .iter()
                .map(|r| {
                    (
                        cluster_name(&text(satisfaction, r, "cluster")),
                        vec![
                            (0.0, number(satisfaction, r, "mean_start")),
                            (1.0, number(satisfaction, r, "mean_6m")),
                            (2.0, number(satisfaction, r, "mean_12m")),
                        ],
                    )
                })
                .collect(),
        },
        &notes,
    )?);

    // 8. The dendrogram, when hierarchical clustering ran.
    if let Some(tree) = &result.dendrogram {
        let cut = tree
            .steps
            .len()
            .checked_sub(result.chosen_k)
            .and_then(|i| tree.steps.get(i))
            .map(|s| s.distance);
        charts.push(dendrogram(
            "dendrogram",
            &DendrogramData {
                title: t(
                    "Dendrogram (gemiddelde koppeling, Jaccard)",
                    "Dendrogram (average linkage, Jaccard)",
                ),
                n_leaves: tree.n_leaves,
                leaf_labels: Vec::new(),
                steps: tree
                    .steps
                    .iter()
                    .map(|s| (s.left, s.right, s.distance))
                    .collect(),
                cut_height: cut,
            },
            &notes,
        )?);
    }

    // 9. Savings per financier, stacked per cocktail.
    let cluster_financier = get("savings_per_cluster_financier.csv");
    let mut financier_ids: Vec<String> = Vec::new();
    for row in &cluster_financier.rows {
        let id = text(cluster_financier, row, "financier");
        if !financier_ids.contains(&id) {
            financier_ids.push(id);
        }
    }
    let series = financier_ids
        .iter()
        .map(|id| {
            let label = cluster_financier
                .rows
                .iter()
                .find(|r| text(cluster_financier, r, "financier") == *id)
                .map(|r| text(cluster_financier, r, "label_nl"))
                .unwrap_or_default();
            let values = per_cluster
                .rows
                .iter()
                .map(|c| {
                    let number_text = text(per_cluster, c, "cluster");
                    cluster_financier
                        .rows
                        .iter()
                        .find(|r| {
                            text(cluster_financier, r, "cluster") == number_text
                                && text(cluster_financier, r, "financier") == *id
                        })
                        .and_then(|r| number(cluster_financier, r, "savings_total"))
                })
                .collect();
            (label, values)
        })
        .collect();
    charts.push(grouped_bar_chart(
        "savings_per_financier",
        &GroupedBarData {
            title: t(
                "Wie profiteert: besparing per financier",
                "Who benefits: savings per financier",
            ),
            value_label: "€".into(),
            groups: labels,
            series,
        },
        true,
        &notes,
    )?);
    Ok(charts)
}
