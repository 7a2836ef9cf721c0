//! The charts of a run, each drawn from the typed publication, so that a chart can never
//! show a figure its table hides: a hidden figure is a gap with a note, by type.

use maatpact_core::publication::Moment;
use maatpact_core::{Dendrogram, Disclosed, OwnerLevel};

use super::charts::{
    BarData, DendrogramData, GroupedBarData, HeatmapData, LineData, Notes, RenderedChart,
    bar_chart, dendrogram, grouped_bar_chart, heatmap, line_chart,
};
use super::format::Lang;
use crate::error::Result;
use crate::publish::{ClusterName, ClusterTables, MiningTables, Publication, SavingsTables};

/// A hierarchical clustering's merge tree and the number of clusters it was cut into.
pub struct Tree<'a> {
    /// The merges.
    pub dendrogram: &'a Dendrogram,
    /// The k that was cut.
    pub chosen_k: usize,
}

/// Every chart the publication's tables allow, in report order. `k_by_bic`: k was chosen by
/// BIC rather than by silhouette, so the k-selection chart shows BIC.
pub fn run_charts(
    lang: Lang,
    publication: &Publication,
    tree: Option<Tree<'_>>,
    k_by_bic: bool,
) -> Result<Vec<RenderedChart>> {
    let notes = Notes::of(lang);
    let mut charts = Vec::new();
    if let Some(savings) = &publication.savings {
        charts.push(savings_per_cocktail(&notes, savings)?);
        charts.push(costs_per_cocktail(&notes, savings)?);
    }
    if let Some(clustering) = &publication.clustering {
        charts.push(tag_prevalence(&notes, clustering)?);
    }
    if let Some(mining) = &publication.mining {
        charts.push(cooccurrence_lift(&notes, mining)?);
    }
    if let Some(savings) = &publication.savings {
        charts.push(savings_per_bottleneck(&notes, savings)?);
        if !savings.per_financier.is_empty() {
            charts.push(savings_per_financier(&notes, savings)?);
        }
        if !savings.net_positions.is_empty() {
            charts.push(net_position(&notes, savings)?);
        }
    }
    if let Some(clustering) = &publication.clustering {
        if !clustering.k_selection.is_empty() {
            charts.push(k_selection(&notes, clustering, k_by_bic)?);
        }
        charts.push(satisfaction(&notes, clustering)?);
    }
    if let Some(tree) = tree {
        charts.push(dendrogram_top(&notes, &tree)?);
    }
    Ok(charts)
}

/// "Cluster 2", or "Geen cluster" for the households in no cluster.
pub fn cluster_label(lang: Lang, name: &ClusterName) -> String {
    match name.number {
        0 => lang.t("Geen cluster", "No cluster").to_owned(),
        n => format!("{} {n}", lang.t("Cluster", "Cluster")),
    }
}

fn cluster_names(savings: &SavingsTables) -> Vec<&ClusterName> {
    savings
        .per_cluster
        .iter()
        .filter_map(|row| match &row.group {
            crate::publish::Group::Cluster(name) => Some(name),
            _ => None,
        })
        .collect()
}

fn euros_of(value: &Disclosed<maatpact_core::Cents>) -> Option<f64> {
    value.shown().map(|c| c.as_euros())
}

fn savings_per_cocktail(notes: &Notes, savings: &SavingsTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let rows = &savings.per_cluster;
    bar_chart(
        "savings_per_cocktail",
        &BarData {
            title: lang
                .t(
                    "Gemiddelde besparing per cocktail (95%-interval)",
                    "Mean savings per cocktail (95% interval)",
                )
                .into(),
            value_label: lang
                .t("€ per huishouden, 12 maanden", "€ per household, 12 months")
                .into(),
            labels: cluster_names(savings)
                .into_iter()
                .map(|n| cluster_label(lang, n))
                .collect(),
            values: rows
                .iter()
                .map(|r| r.savings_mean.flatten().map(|c| c / 100.0))
                .collect(),
            whiskers: rows
                .iter()
                .map(|r| r.savings_ci.flatten().map(|(a, b)| (a / 100.0, b / 100.0)))
                .collect(),
            ..BarData::default()
        },
        false,
        notes,
    )
}

fn costs_per_cocktail(notes: &Notes, savings: &SavingsTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let rows = &savings.per_cluster;
    let series = vec![
        (
            lang.t("Huidig", "Current").to_owned(),
            rows.iter().map(|r| euros_of(&r.cost_current)).collect(),
        ),
        (
            lang.t("Dreigend", "Threatened").to_owned(),
            rows.iter().map(|r| euros_of(&r.cost_threatened)).collect(),
        ),
        (
            lang.t("Maatwerk", "Tailored").to_owned(),
            rows.iter().map(|r| euros_of(&r.cost_tailored)).collect(),
        ),
    ];
    grouped_bar_chart(
        "costs_per_cocktail",
        &GroupedBarData {
            title: lang
                .t(
                    "Kosten over 12 maanden per cocktail",
                    "Costs over 12 months per cocktail",
                )
                .into(),
            value_label: "€".into(),
            groups: cluster_names(savings)
                .into_iter()
                .map(|n| cluster_label(lang, n))
                .collect(),
            series,
        },
        false,
        notes,
    )
}

/// The tags the heatmap shows: those that define a cluster, or occur in a cluster at least
/// 1.5 times as often as overall in at least a quarter of it. The rest are listed in the
/// report.
pub fn separating_tags(clustering: &ClusterTables) -> Vec<&crate::publish::TagName> {
    let mut tags: Vec<&crate::publish::TagName> = Vec::new();
    for row in &clustering.profiles {
        let separates = row.lift.shown().is_some_and(|&l| l >= 1.5)
            && row.prevalence.shown().is_some_and(|&p| p >= 0.25);
        if (row.defining || separates) && !tags.iter().any(|t| t.id == row.tag.id) {
            tags.push(&row.tag);
        }
    }
    let order = |id: &str| {
        clustering
            .profiles
            .iter()
            .position(|r| r.tag.id == id)
            .unwrap_or(usize::MAX)
    };
    tags.sort_by_key(|t| order(&t.id));
    tags
}

fn tag_prevalence(notes: &Notes, clustering: &ClusterTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let tags = separating_tags(clustering);
    let mut numbers: Vec<usize> = clustering.clusters.iter().map(|c| c.name.number).collect();
    if clustering.n_in_no_cluster.is_some() {
        numbers.push(0);
    }
    // A hidden share of a defining problem is still a defining problem, which clusters.csv
    // says by naming it: the reader sees which problems make each cocktail.
    let defining = lang.t("bepalend", "defining").to_owned();
    let cell = |tag: &str, n: usize| {
        let value = clustering
            .profiles
            .iter()
            .find(|r| r.cluster == n && r.tag.id == tag)
            .and_then(|r| r.prevalence.shown().copied());
        let label = clustering
            .clusters
            .iter()
            .find(|c| c.name.number == n)
            .filter(|c| c.name.defining_tags.iter().any(|d| d == tag))
            .map(|_| defining.clone());
        (value, label)
    };
    type Grid<T> = Vec<Vec<Option<T>>>;
    let (values, hidden_labels): (Grid<f64>, Grid<String>) = tags
        .iter()
        .map(|tag| numbers.iter().map(|&n| cell(&tag.id, n)).unzip())
        .unzip();
    heatmap(
        "tag_prevalence_per_cocktail",
        &HeatmapData {
            title: lang
                .t(
                    "Aandeel huishoudens met elk probleem, per cocktail",
                    "Share of households with each problem, per cocktail",
                )
                .into(),
            rows: tags
                .iter()
                .map(|t| lang.t(&t.label_nl, &t.label_en).to_owned())
                .collect(),
            columns: numbers
                .iter()
                .map(|&n| match n {
                    0 => lang.t("Geen cluster", "No cluster").to_owned(),
                    n => format!("{} {n}", lang.t("Cluster", "Cluster")),
                })
                .collect(),
            values,
            max_value: 1.0,
            centred_on_one: false,
            number_columns: false,
            hidden_labels,
        },
        notes,
    )
}

fn cooccurrence_lift(notes: &Notes, mining: &MiningTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let used: Vec<&crate::publish::TagRow> = mining
        .tags
        .iter()
        .filter(|t| t.n.shown() != Some(&0))
        .collect();
    let lift_of = |a: &str, b: &str| -> Option<f64> {
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        mining
            .pairs
            .iter()
            .find(|p| p.tag_a == first && p.tag_b == second)
            .and_then(|p| p.lift.shown().copied())
    };
    let lifts: Vec<Vec<Option<f64>>> = used
        .iter()
        .map(|a| {
            used.iter()
                .map(|b| {
                    (a.tag.id != b.tag.id)
                        .then(|| lift_of(&a.tag.id, &b.tag.id))
                        .flatten()
                })
                .collect()
        })
        .collect();
    let max_lift = lifts
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(2.0, f64::max);
    let labels: Vec<String> = used
        .iter()
        .map(|t| lang.t(&t.tag.label_nl, &t.tag.label_en).to_owned())
        .collect();
    heatmap(
        "cooccurrence_lift",
        &HeatmapData {
            title: lang
                .t("Lift van paren van problemen", "Lift of pairs of problems")
                .into(),
            rows: labels.clone(),
            columns: labels,
            values: lifts,
            max_value: max_lift,
            centred_on_one: true,
            number_columns: true,
            hidden_labels: Vec::new(),
        },
        notes,
    )
}

fn savings_per_bottleneck(notes: &Notes, savings: &SavingsTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let rows: Vec<(&crate::publish::BottleneckName, &crate::publish::SavingsRow)> = savings
        .per_bottleneck
        .iter()
        .filter(|r| r.n_cases.shown() != Some(&0))
        .filter_map(|r| match &r.group {
            crate::publish::Group::Bottleneck(b) => Some((b, r)),
            _ => None,
        })
        .collect();
    let level = |l: OwnerLevel| OwnerLevel::ALL.iter().position(|&x| x == l).unwrap_or(0);
    bar_chart(
        "savings_per_bottleneck",
        &BarData {
            title: lang
                .t("Besparing per knelpunt", "Savings per bottleneck")
                .into(),
            value_label: lang.t("€, 12 maanden", "€, 12 months").into(),
            labels: rows.iter().map(|(b, _)| b.label_nl.clone()).collect(),
            values: rows.iter().map(|(_, r)| euros_of(&r.savings)).collect(),
            whiskers: Vec::new(),
            colors: rows.iter().map(|(b, _)| level(b.owner_level)).collect(),
            legend: OwnerLevel::ALL
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.id().to_owned()))
                .collect(),
        },
        true,
        notes,
    )
}

fn savings_per_financier(notes: &Notes, savings: &SavingsTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let names = cluster_names(savings);
    let series = maatpact_core::Financier::ALL
        .iter()
        .map(|&financier| {
            let values = names
                .iter()
                .map(|name| {
                    savings
                        .per_cluster_financier
                        .iter()
                        .find(|r| {
                            r.financier == financier
                                && matches!(&r.part, Some(crate::publish::Group::Cluster(c)) if c.number == name.number)
                        })
                        .and_then(|r| euros_of(&r.savings))
                })
                .collect();
            let label = lang
                .t(financier.label_nl(), financier.label_en())
                .to_owned();
            (label, values)
        })
        .collect();
    grouped_bar_chart(
        "savings_per_financier",
        &GroupedBarData {
            title: lang
                .t(
                    "Wie profiteert: besparing per financier",
                    "Who benefits: savings per financier",
                )
                .into(),
            value_label: "€".into(),
            groups: names.into_iter().map(|n| cluster_label(lang, n)).collect(),
            series,
        },
        true,
        notes,
    )
}

fn net_position(notes: &Notes, savings: &SavingsTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let rows = &savings.net_positions;
    let values: Vec<Option<f64>> = rows.iter().map(|r| euros_of(&r.net)).collect();
    bar_chart(
        "net_position",
        &BarData {
            title: lang
                .t(
                    "Netto positie per partij (ontvangen besparing − betaald)",
                    "Net position per party (savings received − paid)",
                )
                .into(),
            value_label: lang.t("€, 12 maanden", "€, 12 months").into(),
            labels: rows
                .iter()
                .map(|r| lang.t(r.party.label_nl(), r.party.label_en()).to_owned())
                .collect(),
            colors: values
                .iter()
                .map(|v| usize::from(v.is_some_and(|v| v < 0.0)))
                .collect(),
            legend: vec![
                (
                    0,
                    lang.t("wint meer dan het betaalt", "gains more than it pays")
                        .into(),
                ),
                (
                    1,
                    lang.t("betaalt meer dan het wint", "pays more than it gains")
                        .into(),
                ),
            ],
            values,
            whiskers: Vec::new(),
        },
        true,
        notes,
    )
}

/// The curve k was chosen on: a chart of BIC beside a report that says "by silhouette" had
/// readers look for the lowest BIC, at another k than the one chosen.
fn k_selection(notes: &Notes, clustering: &ClusterTables, k_by_bic: bool) -> Result<RenderedChart> {
    let lang = notes.lang;
    let by_bic = k_by_bic && clustering.k_selection.iter().any(|r| r.bic.is_some());
    line_chart(
        "k_selection",
        &LineData {
            title: format!(
                "{} (k = {}; {})",
                lang.t(
                    "Keuze van het aantal clusters",
                    "Choice of the number of clusters",
                ),
                clustering.chosen_k,
                if by_bic {
                    lang.t("laagste BIC", "lowest BIC")
                } else {
                    lang.t("hoogste silhouet", "highest silhouette")
                }
            ),
            x_label: "k".into(),
            y_label: if by_bic {
                "BIC".into()
            } else {
                lang.t("gemiddeld silhouet", "mean silhouette").into()
            },
            x_ticks: Vec::new(),
            log_scale: false,
            series: vec![(
                if by_bic {
                    "BIC".into()
                } else {
                    lang.t("gemiddeld silhouet", "mean silhouette").into()
                },
                clustering
                    .k_selection
                    .iter()
                    .map(|r| (r.k as f64, if by_bic { r.bic } else { r.silhouette }))
                    .collect(),
            )],
        },
        notes,
    )
}

fn satisfaction(notes: &Notes, clustering: &ClusterTables) -> Result<RenderedChart> {
    let lang = notes.lang;
    let mut numbers: Vec<usize> = clustering.clusters.iter().map(|c| c.name.number).collect();
    if clustering.n_in_no_cluster.is_some() {
        numbers.push(0);
    }
    let series = numbers
        .iter()
        .map(|&number| {
            let points = Moment::ALL
                .iter()
                .enumerate()
                .map(|(x, &moment)| {
                    let mean = clustering
                        .satisfaction
                        .iter()
                        .find(|r| r.cluster == number && r.moment == moment)
                        .and_then(|r| r.mean.flatten());
                    (x as f64, mean)
                })
                .collect();
            let label = match number {
                0 => lang.t("Geen cluster", "No cluster").to_owned(),
                n => format!("{} {n}", lang.t("Cluster", "Cluster")),
            };
            (label, points)
        })
        .collect();
    line_chart(
        "satisfaction_per_cocktail",
        &LineData {
            title: lang
                .t("Tevredenheid per cocktail", "Satisfaction per cocktail")
                .into(),
            x_label: String::new(),
            y_label: lang.t("rapportcijfer (1–10)", "score (1–10)").into(),
            x_ticks: vec![
                lang.t("start", "start").into(),
                lang.t("6 maanden", "6 months").into(),
                lang.t("12 maanden", "12 months").into(),
            ],
            log_scale: false,
            series,
        },
        notes,
    )
}

/// The most merges the dendrogram shows: the top of the tree, so that no leaf is a single
/// household's profile.
const DENDROGRAM_LEAVES: usize = 12;

fn dendrogram_top(notes: &Notes, tree: &Tree<'_>) -> Result<RenderedChart> {
    let lang = notes.lang;
    let (n_leaves, steps) = top_of_tree(tree.dendrogram, DENDROGRAM_LEAVES);
    let cut = steps
        .len()
        .checked_sub(tree.chosen_k.saturating_sub(1))
        .and_then(|i| steps.get(i))
        .map(|s| s.2);
    dendrogram(
        "dendrogram",
        &DendrogramData {
            title: lang
                .t(
                    "Dendrogram (gemiddelde koppeling, Jaccard), bovenste samenvoegingen",
                    "Dendrogram (average linkage, Jaccard), top merges",
                )
                .into(),
            n_leaves,
            leaf_labels: Vec::new(),
            steps,
            cut_height: cut,
        },
        notes,
    )
}

/// The last `p − 1` merges of a tree, with the `p` groups they join as leaves (SciPy's
/// `truncate_mode="lastp"`).
fn top_of_tree(tree: &Dendrogram, p: usize) -> (usize, Vec<(usize, usize, f64)>) {
    let n = tree.n_leaves;
    let p = p.min(n).max(1);
    let first_kept = (n - p).min(tree.steps.len());
    // The groups that exist before the kept merges, in id order, become the leaves.
    let mut alive: Vec<bool> = vec![true; n + tree.steps.len()];
    for (i, step) in tree.steps[..first_kept].iter().enumerate() {
        alive[step.left] = false;
        alive[step.right] = false;
        alive[n + i] = true;
    }
    for slot in alive.iter_mut().skip(n + first_kept) {
        *slot = false;
    }
    let leaves: Vec<usize> = (0..alive.len()).filter(|&i| alive[i]).collect();
    let mut id = std::collections::HashMap::new();
    for (new, &old) in leaves.iter().enumerate() {
        id.insert(old, new);
    }
    let mut steps = Vec::new();
    for (i, step) in tree.steps[first_kept..].iter().enumerate() {
        steps.push((id[&step.left], id[&step.right], step.distance));
        id.insert(n + first_kept + i, leaves.len() + i);
    }
    (leaves.len(), steps)
}
