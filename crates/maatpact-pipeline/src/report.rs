//! The *systeemleren* report, in Dutch (default) or English. It renders the tables of the
//! same run, read by column name: it never recomputes a figure.

use std::collections::BTreeMap;

use maatpact_core::{OwnerLevel, PrivacyThresholds};
use serde::{Deserialize, Serialize};

use crate::charts::RenderedChart;
use crate::document::Block;
use crate::tables::{SUPPRESSED, Table};

/// The language of the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Dutch, for the policy staff and council members who read it.
    #[default]
    Nl,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (use nl or en)")),
        }
    }
}

impl Lang {
    /// The HTML `lang` code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Picks the text in this language.
    pub fn t<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// A euro amount from a CSV cell (`1234567.89`) as readers expect it, rounded to whole
    /// euros: `€ 1.234.568` or `€1,234,568`. Suppressed and empty cells pass through.
    pub fn euros(self, cell: &str) -> String {
        let Ok(value) = cell.parse::<f64>() else {
            return cell.to_owned();
        };
        let rounded = value.round() as i64;
        let digits = rounded.unsigned_abs().to_string();
        let separator = self.t(".", ",");
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push_str(separator);
            }
            grouped.push(c);
        }
        let sign = if rounded < 0 { "−" } else { "" };
        match self {
            Lang::Nl => format!("{sign}€ {grouped}"),
            Lang::En => format!("{sign}€{grouped}"),
        }
    }

    /// A plain number from a CSV cell with the decimal separator of the language.
    pub fn number(self, cell: &str) -> String {
        match self {
            Lang::Nl if cell != SUPPRESSED => cell.replace('.', ","),
            _ => cell.to_owned(),
        }
    }
}

/// What the report says about how the run was made.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportMeta {
    /// The input file name.
    pub input: String,
    /// The clustering algorithm.
    pub algorithm: String,
    /// The seed.
    pub seed: u64,
    /// How k was chosen, in words.
    pub k_choice: String,
    /// The structure verdict, in one sentence (English, from core).
    pub structure_summary: String,
    /// Whether the data have structure at all.
    pub has_structure: bool,
    /// The disclosure thresholds.
    pub thresholds: PrivacyThresholds,
    /// Whether the thresholds are weaker than the default (explicitly allowed).
    pub weak_thresholds: bool,
    /// The bottleneck attribution: `count` or `split`.
    pub attribution: String,
    /// The mining support floor, in households.
    pub min_itemset_count: usize,
}

fn cell<'a>(table: &'a Table, row: &'a [String], name: &str) -> &'a str {
    table.cell(row, name).unwrap_or("")
}

fn rows_where<'a>(table: &'a Table, name: &str, value: &str) -> Vec<&'a Vec<String>> {
    table
        .rows
        .iter()
        .filter(|r| cell(table, r, name) == value)
        .collect()
}

fn chart_block(charts: &[RenderedChart], name: &str, caption: &str) -> Option<Block> {
    charts
        .iter()
        .find(|c| c.name == name)
        .map(|c| Block::Chart {
            name: c.name.clone(),
            caption: caption.to_owned(),
            svg: c.svg.clone(),
        })
}

/// The report as blocks. `tables` holds every CSV of the run by file name.
pub fn report_blocks(
    lang: Lang,
    tables: &BTreeMap<String, Table>,
    charts: &[RenderedChart],
    meta: &ReportMeta,
) -> Vec<Block> {
    let t = |nl: &str, en: &str| lang.t(nl, en).to_owned();
    // Cluster 0 is the households in no cluster.
    let cluster_number = |number: &str| match number {
        "0" => t("0 (geen cluster)", "0 (no cluster)"),
        _ => number.to_owned(),
    };
    let empty = Table::default();
    let get = |name: &str| tables.get(name).unwrap_or(&empty);
    let overall = get("savings_overall.csv");
    let clusters = get("clusters.csv");
    let per_cluster = get("savings_per_cluster.csv");
    let mut blocks = vec![Block::Heading(
        1,
        t(
            "Systeemleren: giftige cocktails, besparingen en knelpunten",
            "System learning: toxic cocktails, savings and bottlenecks",
        ),
    )];
    blocks.push(Block::Paragraph(format!(
        "{} {}. {}",
        t("Analyse van", "Analysis of"),
        meta.input,
        t(
            "Alle cijfers in dit rapport komen uit de CSV-bestanden in dezelfde map. Besparing = dreigend − maatwerk over 12 maanden.",
            "Every figure in this report comes from the CSV files in the same folder. Savings = threatened − tailored cost over 12 months.",
        )
    )));

    // Samenvatting.
    blocks.push(Block::Heading(2, t("Samenvatting", "Summary")));
    if let Some(row) = overall.rows.first() {
        let n = cell(overall, row, "n_cases");
        let n_kba = cell(overall, row, "n_with_kba");
        let mut items = vec![
            format!("{}: {n}", t("Huishoudens", "Households")),
            format!(
                "{}: {n_kba}",
                t(
                    "Met een kosten-batenanalyse",
                    "With a cost-benefit analysis"
                )
            ),
            format!(
                "{}: {}",
                t(
                    "Besparing (dreigend − maatwerk), totaal",
                    "Savings (threatened − tailored), total"
                ),
                lang.euros(cell(overall, row, "savings_total"))
            ),
            format!(
                "{}: {}",
                t("Dreigende kosten, totaal", "Threatened cost, total"),
                lang.euros(cell(overall, row, "cost_threatened_total"))
            ),
            format!(
                "{}: {}",
                t(
                    "Gemiddelde besparing per huishouden met KBA",
                    "Mean savings per household with a KBA"
                ),
                lang.euros(cell(overall, row, "savings_mean"))
            ),
            format!(
                "{}: {}",
                t(
                    "Besteed uit het doorbraakbudget",
                    "Spent from the breakthrough budget"
                ),
                lang.euros(cell(overall, row, "breakthrough_spend_total"))
            ),
        ];
        let confirmed = clusters
            .rows
            .iter()
            .filter(|r| !cell(clusters, r, "reference_match").is_empty())
            .count();
        items.push(format!(
            "{}: {} ({} {confirmed})",
            t("Gevonden clusters", "Clusters found"),
            clusters.rows.len(),
            t(
                "bevestigen een bekende giftige cocktail:",
                "confirm a known toxic cocktail:"
            )
        ));
        blocks.push(Block::List(items));
    }
    if !meta.has_structure {
        blocks.push(Block::Paragraph(t(
            "Let op: de gegevens laten geen duidelijke structuur zien. De clusters zijn niet stabiel of nauwelijks van elkaar te onderscheiden; er worden daarom geen giftige cocktails benoemd.",
            "Note: the data show no clear structure. The clusters are unstable or hardly distinct; no toxic cocktails are therefore named.",
        )));
    }

    // De giftige cocktails.
    blocks.push(Block::Heading(
        2,
        t("De giftige cocktails", "The toxic cocktails"),
    ));
    blocks.push(Block::Paragraph(t(
        "Elke cluster is een groep huishoudens met dezelfde combinatie van problemen. De bepalende problemen komen in de cluster veel vaker voor dan gemiddeld. Stabiliteit (0–1) zegt hoe vaak de cluster terugkomt als de analyse op een steekproef van de huishoudens wordt herhaald; onder 0,6 is een cluster onzeker.",
        "Each cluster is a group of households with the same combination of problems. Its defining problems occur far more often in it than on average. Stability (0–1) says how often the cluster returns when the analysis is repeated on a resample of the households; below 0.6 a cluster is uncertain.",
    )));
    let mut rows = Vec::new();
    for row in &clusters.rows {
        let number = cell(clusters, row, "cluster");
        let savings = rows_where(per_cluster, "cluster", number);
        let mean = savings
            .first()
            .map(|r| lang.euros(cell(per_cluster, r, "savings_mean")))
            .unwrap_or_default();
        let reference = cell(clusters, row, "reference_match");
        rows.push(vec![
            number.to_owned(),
            cell(clusters, row, lang.t("label_nl", "label_en")).to_owned(),
            cell(clusters, row, "size").to_owned(),
            mean,
            lang.number(cell(clusters, row, "stability")),
            if reference.is_empty() {
                t("nee", "no")
            } else {
                format!(
                    "{} {reference} (Jaccard {})",
                    t("ja:", "yes:"),
                    lang.number(cell(clusters, row, "reference_jaccard"))
                )
            },
        ]);
    }
    blocks.push(Block::Table(
        vec![
            t("Cluster", "Cluster"),
            t("Problemen", "Problems"),
            t("Huishoudens", "Households"),
            t("Gem. besparing", "Mean savings"),
            t("Stabiliteit", "Stability"),
            t("Bevestigt bekende cocktail", "Confirms known cocktail"),
        ],
        rows,
    ));
    if let Some(rest) = rows_where(per_cluster, "cluster", "0").first() {
        blocks.push(Block::Paragraph(format!(
            "{} {}",
            cell(per_cluster, rest, "n_cases"),
            t(
                "huishoudens vallen in geen cluster: ze horen bij geen dichte of stabiele groep en worden daarom niet bij een cocktail geteld. Hun kosten en baten staan in de tabellen onder cluster 0.",
                "households are in no cluster: they belong to no dense or stable group and are therefore not counted in any cocktail. Their costs and benefits are listed under cluster 0 in the tables.",
            )
        )));
    }
    blocks.extend(chart_block(
        charts,
        "tag_prevalence_per_cocktail",
        &t(
            "Hoe vaak elk probleem voorkomt per cocktail",
            "How often each problem occurs per cocktail",
        ),
    ));

    // Kosten en baten per cocktail.
    blocks.push(Block::Heading(
        2,
        t(
            "Kosten en baten per cocktail",
            "Costs and benefits per cocktail",
        ),
    ));
    blocks.push(Block::Paragraph(t(
        "Bedragen over 12 maanden, alleen over huishoudens met een kosten-batenanalyse (KBA). Het 95%-betrouwbaarheidsinterval van de gemiddelde besparing komt uit een bootstrap; bij groepen van meer dan 5.000 huishoudens uit de normale benadering, die dan vrijwel gelijk is.",
        "Amounts over 12 months, only over households with a cost-benefit analysis (KBA). The 95% confidence interval of the mean savings comes from a bootstrap; for groups of more than 5,000 households from the normal approximation, which is then practically the same.",
    )));
    let mut rows = Vec::new();
    for row in &per_cluster.rows {
        rows.push(vec![
            cluster_number(cell(per_cluster, row, "cluster")),
            cell(per_cluster, row, "n_with_kba").to_owned(),
            lang.euros(cell(per_cluster, row, "cost_current_total")),
            lang.euros(cell(per_cluster, row, "cost_threatened_total")),
            lang.euros(cell(per_cluster, row, "cost_tailored_total")),
            lang.euros(cell(per_cluster, row, "savings_total")),
            lang.euros(cell(per_cluster, row, "savings_mean")),
            format!(
                "{} – {}",
                lang.euros(cell(per_cluster, row, "savings_ci_low")),
                lang.euros(cell(per_cluster, row, "savings_ci_high"))
            ),
            lang.number(cell(per_cluster, row, "return_per_euro")),
        ]);
    }
    blocks.push(Block::Table(
        vec![
            t("Cluster", "Cluster"),
            t("Met KBA", "With KBA"),
            t("Huidig", "Current"),
            t("Dreigend", "Threatened"),
            t("Maatwerk", "Tailored"),
            t("Besparing", "Savings"),
            t("Gemiddeld", "Mean"),
            t("95%-interval", "95% interval"),
            t(
                "Rendement per € doorbraakbudget",
                "Return per € breakthrough budget",
            ),
        ],
        rows,
    ));
    blocks.extend(chart_block(
        charts,
        "savings_per_cocktail",
        &t(
            "Gemiddelde besparing per cocktail, met 95%-interval",
            "Mean savings per cocktail, with 95% interval",
        ),
    ));
    blocks.extend(chart_block(
        charts,
        "costs_per_cocktail",
        &t(
            "Huidig, dreigend en maatwerk per cocktail",
            "Current, threatened and tailored cost per cocktail",
        ),
    ));

    // Wie profiteert.
    let financiers = get("savings_per_financier.csv");
    blocks.push(Block::Heading(2, t("Wie profiteert", "Who benefits")));
    blocks.push(Block::Paragraph(t(
        "Het deel van de besparing dat bij elke financier terechtkomt. Partners zoals zorgverzekeraars en woningcorporaties delen in de besparing; afspraken over bijdragen kunnen hierop worden gebaseerd.",
        "The share of the savings that falls to each financier. Partners such as insurers and housing corporations share in the savings; agreements on contributions can be based on this.",
    )));
    blocks.push(Block::Table(
        vec![
            t("Financier", "Financier"),
            t("Huishoudens", "Households"),
            t("Besparing", "Savings"),
        ],
        financiers
            .rows
            .iter()
            .map(|r| {
                vec![
                    cell(financiers, r, "label_nl").to_owned(),
                    cell(financiers, r, "n_cases").to_owned(),
                    lang.euros(cell(financiers, r, "savings_total")),
                ]
            })
            .collect(),
    ));
    blocks.extend(chart_block(
        charts,
        "savings_per_financier",
        &t(
            "Besparing per financier, per cocktail",
            "Savings per financier, per cocktail",
        ),
    ));

    // Knelpunten en wie ze kan oplossen.
    let bottlenecks = get("savings_per_bottleneck.csv");
    blocks.push(Block::Heading(
        2,
        t(
            "Knelpunten en wie ze kan oplossen",
            "Bottlenecks and who can solve them",
        ),
    ));
    blocks.push(Block::Paragraph(format!(
        "{} {}",
        t(
            "Regels en werkwijzen die de voor de hand liggende oplossing blokkeerden, per niveau dat ze kan veranderen. Eerst wat de gemeente zelf kan oplossen: eigen beleidsregels en verordeningen.",
            "Rules and practices that blocked the obvious solution, by the level that can change them. First what the municipality can fix itself: its own policy rules and by-laws.",
        ),
        match meta.attribution.as_str() {
            "split" => t("Een huishouden met meerdere knelpunten telt naar rato mee bij elk.", "A household with several bottlenecks counts pro rata in each."),
            _ => t("Een huishouden met meerdere knelpunten telt volledig mee bij elk; de bedragen tellen dus niet op tot het totaal.", "A household with several bottlenecks counts in full in each; the amounts therefore do not add up to the total."),
        }
    )));
    for level in OwnerLevel::ALL {
        let rows: Vec<Vec<String>> = rows_where(bottlenecks, "owner_level", level.id())
            .into_iter()
            .filter(|r| cell(bottlenecks, r, "n_cases") != "0")
            .map(|r| {
                vec![
                    cell(bottlenecks, r, "label_nl").to_owned(),
                    cell(bottlenecks, r, "rule").to_owned(),
                    cell(bottlenecks, r, "n_cases").to_owned(),
                    lang.euros(cell(bottlenecks, r, "savings_total")),
                ]
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let heading = match level {
            OwnerLevel::Gemeente => t(
                "Gemeente: eigen beleidsregels en verordeningen",
                "Municipality: own policy rules and by-laws",
            ),
            OwnerLevel::Regio => t("Regio", "Region"),
            OwnerLevel::Partner => t(
                "Partners: woningcorporaties, verzekeraars, aanbieders",
                "Partners: housing corporations, insurers, providers",
            ),
            OwnerLevel::Rijk => t(
                "Rijk: landelijke wet- en regelgeving",
                "National government: national law",
            ),
        };
        blocks.push(Block::Heading(3, heading));
        blocks.push(Block::Table(
            vec![
                t("Knelpunt", "Bottleneck"),
                t("Regel", "Rule"),
                t("Huishoudens", "Households"),
                t("Besparing", "Savings"),
            ],
            rows,
        ));
    }
    blocks.extend(chart_block(
        charts,
        "savings_per_bottleneck",
        &t(
            "Besparing per knelpunt, gekleurd naar wie het kan oplossen",
            "Savings per bottleneck, coloured by who can solve it",
        ),
    ));

    // Tevredenheid.
    let satisfaction = get("satisfaction_per_cluster.csv");
    blocks.push(Block::Heading(2, t("Tevredenheid", "Satisfaction")));
    blocks.push(Block::Paragraph(t(
        "Het gemiddelde rapportcijfer (1–10) dat huishoudens hun leven geven, direct na het plan, na 6 en na 12 maanden.",
        "The mean score (1–10) households give their lives, right after the plan, after 6 and after 12 months.",
    )));
    blocks.push(Block::Table(
        vec![
            t("Cluster", "Cluster"),
            t("Start", "Start"),
            t("6 maanden", "6 months"),
            t("12 maanden", "12 months"),
        ],
        satisfaction
            .rows
            .iter()
            .map(|r| {
                vec![
                    cluster_number(cell(satisfaction, r, "cluster")),
                    lang.number(cell(satisfaction, r, "mean_start")),
                    lang.number(cell(satisfaction, r, "mean_6m")),
                    lang.number(cell(satisfaction, r, "mean_12m")),
                ]
            })
            .collect(),
    ));
    blocks.extend(chart_block(
        charts,
        "satisfaction_per_cocktail",
        &t("Tevredenheid per cocktail", "Satisfaction per cocktail"),
    ));

    // Methode en betrouwbaarheid.
    blocks.push(Block::Heading(
        2,
        t("Methode en betrouwbaarheid", "Method and reliability"),
    ));
    let itemsets = get("itemsets.csv");
    let significant = itemsets
        .rows
        .iter()
        .filter(|r| cell(itemsets, r, "size") != "1")
        .filter(|r| {
            cell(itemsets, r, "p_value_holm")
                .parse::<f64>()
                .is_ok_and(|p| p < 0.05)
        })
        .count();
    blocks.push(Block::List(vec![
        format!("{}: {} ({} {})", t("Clustermethode", "Clustering method"), meta.algorithm, t("seed", "seed"), meta.seed),
        format!("{}: {}", t("Keuze van het aantal clusters", "Choice of the number of clusters"), meta.k_choice),
        format!("{}: {}", t("Structuur", "Structure"), meta.structure_summary),
        format!(
            "{}: {significant} {}",
            t("Combinaties van problemen die vaker samen voorkomen dan toeval (Holm-gecorrigeerde p < 0,05)", "Problem combinations that occur together more often than chance (Holm-corrected p < 0.05)"),
            t("(zie itemsets.csv)", "(see itemsets.csv)")
        ),
        format!(
            "{} {} {}",
            t("Combinaties worden alleen getoond als ze bij minstens", "Combinations are only shown when found in at least"),
            meta.min_itemset_count,
            t("huishoudens voorkomen.", "households.")
        ),
    ]));
    blocks.extend(chart_block(
        charts,
        "k_selection",
        &t(
            "Keuze van het aantal clusters",
            "Choice of the number of clusters",
        ),
    ));
    blocks.extend(chart_block(
        charts,
        "cooccurrence_lift",
        &t(
            "Hoeveel vaker paren van problemen samen voorkomen dan toeval (lift)",
            "How much more often pairs of problems occur together than chance (lift)",
        ),
    ));
    blocks.extend(chart_block(
        charts,
        "dendrogram",
        &t(
            "Dendrogram van de hiërarchische clustering",
            "Dendrogram of the hierarchical clustering",
        ),
    ));
    blocks.push(Block::Paragraph(format!(
        "{} {} {} {} {} {}%{}",
        t("Geheimhouding: cellen met minder dan", "Disclosure control: cells of fewer than"),
        meta.thresholds.min_cell_size,
        t(
            "huishoudens worden niet getoond (\".\", onvoldoende waarnemingen), net als bedragen waarvan de",
            "households are not shown (\".\", insufficient observations), nor are amounts of which the",
        ),
        meta.thresholds.dominance_n,
        t("grootste huishoudens meer dan", "largest households make up more than"),
        meta.thresholds.dominance_k,
        t(
            " uitmaken. Waar nodig is een tweede cel verborgen, zodat een verborgen waarde niet uit de totalen is af te leiden.",
            ". Where needed a second cell is hidden too, so that a hidden value cannot be derived from the totals.",
        )
    )));
    if meta.weak_thresholds {
        blocks.push(Block::Paragraph(t(
            "Let op: deze run gebruikt lagere geheimhoudingsdrempels dan de standaard (expliciet toegestaan). Deel de uitvoer niet buiten de organisatie.",
            "Note: this run uses weaker disclosure thresholds than the default (explicitly allowed). Do not share the output outside the organisation.",
        )));
    }

    // Datakwaliteit.
    let quality = get("data_quality.csv");
    blocks.push(Block::Heading(2, t("Datakwaliteit", "Data quality")));
    if quality.rows.is_empty() {
        blocks.push(Block::Paragraph(t(
            "De invoer gaf geen waarschuwingen.",
            "The input gave no warnings.",
        )));
    } else {
        blocks.push(Block::Paragraph(t(
            "Waarschuwingen bij het inlezen, per soort (aantallen onder de minimale celgrootte zijn weggelaten; de bevindingen per rij geeft maatpact validate):",
            "Warnings while reading the input, per kind (counts below the minimum cell size are left out; maatpact validate gives the findings per row):",
        )));
        blocks.push(Block::Table(
            vec![t("Soort", "Kind"), t("Aantal", "Count")],
            quality
                .rows
                .iter()
                .map(|row| {
                    let n = cell(quality, row, "n_findings");
                    vec![
                        cell(quality, row, "code").to_owned(),
                        if n == SUPPRESSED {
                            t("minder dan de celgrootte", "fewer than the cell size").to_owned()
                        } else {
                            n.to_owned()
                        },
                    ]
                })
                .collect(),
        ));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_grouped_per_language() {
        assert_eq!(Lang::Nl.euros("426000.00"), "€ 426.000");
        assert_eq!(Lang::En.euros("426000.00"), "€426,000");
        assert_eq!(Lang::Nl.euros("-1234.56"), "−€ 1.235");
        assert_eq!(Lang::Nl.euros("."), ".");
        assert_eq!(Lang::Nl.number("0.85"), "0,85");
        assert_eq!(Lang::Nl.number("."), ".");
    }
}
