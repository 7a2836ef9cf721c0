//! The *systeemleren* report, in Dutch (default) or English: one function per section, each
//! reading the typed publication. It never recomputes a figure, and a hidden figure shows
//! as `.`.

mod outlook;
mod policy;

use maatpact_core::publication::{Attribution, Moment};
use maatpact_core::{Cents, ConfirmStatus, Disclosed, OwnerLevel};

use super::charts::RenderedChart;
use super::document::Block;
use super::format::{Lang, shown};
use super::run_charts::separating_tags;
use crate::publish::{
    ClusterTables, ConfirmedCocktail, Group, MiningTables, Publication, QualityTables, SavingsRow,
    SavingsTables,
};

/// What the report says about how the run was made.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportMeta {
    /// The input file name.
    pub input: String,
    /// The seed.
    pub seed: u64,
    /// How k was chosen: `None` for automatic, else the fixed k.
    pub fixed_k: Option<usize>,
    /// Whether automatic k uses the BIC (else the silhouette).
    pub k_by_bic: bool,
    /// Whether the thresholds are weaker than the default (explicitly allowed).
    pub weak_thresholds: bool,
    /// The households analysed (`phase=1 …`), empty for all.
    pub selection: String,
}

/// Everything a section needs.
struct Context<'a> {
    lang: Lang,
    publication: &'a Publication,
    charts: &'a [RenderedChart],
    meta: &'a ReportMeta,
}

impl Context<'_> {
    fn t(&self, nl: &str, en: &str) -> String {
        self.lang.t(nl, en).to_owned()
    }

    fn chart(&self, name: &str, nl: &str, en: &str) -> Option<Block> {
        self.charts
            .iter()
            .find(|c| c.name == name)
            .map(|c| Block::Chart {
                name: c.name.clone(),
                caption: self.t(nl, en),
                svg: c.svg.clone(),
            })
    }

    fn count(&self, value: &Disclosed<u64>) -> String {
        shown(value, |&n| self.lang.whole(n as f64))
    }

    fn euros(&self, value: &Disclosed<Cents>) -> String {
        shown(value, |c| self.lang.euros(c.0 as f64))
    }

    fn euros_opt(&self, value: &Disclosed<Option<f64>>) -> String {
        shown(value, |v| v.map(|c| self.lang.euros(c)).unwrap_or_default())
    }

    fn decimal_opt(&self, value: &Disclosed<Option<f64>>, decimals: usize) -> String {
        shown(value, |v| {
            v.map(|v| self.lang.decimal(v, decimals))
                .unwrap_or_default()
        })
    }
}

/// The report as blocks.
pub fn report_blocks(
    lang: Lang,
    publication: &Publication,
    charts: &[RenderedChart],
    meta: &ReportMeta,
) -> Vec<Block> {
    let cx = Context {
        lang,
        publication,
        charts,
        meta,
    };
    let mut blocks = introduction(&cx);
    if let (Some(savings), Some(clustering)) = (&publication.savings, &publication.clustering) {
        blocks.extend(summary(&cx, savings, clustering));
        blocks.extend(cocktails(&cx, savings, clustering));
        if let Some(confirmation) = &publication.confirmation {
            blocks.extend(confirmation_section(&cx, confirmation));
        }
        blocks.extend(costs_per_cocktail(&cx, savings));
        if let Some(outlook) = &publication.outlook {
            blocks.extend(outlook::programme(&cx, outlook));
            blocks.extend(outlook::sensitivity(&cx, outlook));
        }
        blocks.extend(policy::funnel(&cx, savings));
        blocks.extend(who_benefits(&cx, savings));
        blocks.extend(policy::gains_per_phase(&cx, savings));
        blocks.extend(policy::who_pays(&cx, savings));
        blocks.extend(policy::spend_and_gains(&cx, savings));
        blocks.extend(bottlenecks(&cx, savings));
        blocks.extend(policy::themes(&cx, savings));
        blocks.extend(satisfaction(&cx, clustering));
        if let Some(outlook) = &publication.outlook {
            blocks.extend(outlook::region(&cx, outlook));
        }
        blocks.extend(method(&cx, clustering, publication.mining.as_ref()));
    }
    blocks.extend(disclosure(&cx));
    if let Some(quality) = &publication.quality {
        blocks.extend(data_quality(&cx, quality));
    }
    blocks
}

fn introduction(cx: &Context<'_>) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading(
            1,
            cx.t(
                "Systeemleren: giftige cocktails, besparingen en knelpunten",
                "System learning: toxic cocktails, savings and bottlenecks",
            ),
        ),
        Block::Paragraph(format!(
            "{} {}. {}",
            cx.t("Analyse van", "Analysis of"),
            cx.meta.input,
            cx.t(
                "Alle cijfers in dit rapport komen uit de CSV-bestanden in dezelfde map. Besparing = dreigend − maatwerk over 12 maanden.",
                "Every figure in this report comes from the CSV files in the same folder. Savings = threatened − tailored cost over 12 months.",
            )
        )),
    ];
    if !cx.meta.selection.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "{} `{}`. {}",
            cx.t(
                "Selectie: alleen de huishoudens met",
                "Selection: only the households with"
            ),
            cx.meta.selection,
            cx.t(
                "Alle tabellen, figuren en bedragen gaan alleen over deze huishoudens.",
                "Every table, chart and amount is about these households only.",
            )
        )));
    }
    blocks
}

fn summary(cx: &Context<'_>, savings: &SavingsTables, clustering: &ClusterTables) -> Vec<Block> {
    let overall = &savings.overall;
    let confirmed = clustering
        .clusters
        .iter()
        .filter(|c| c.reference.is_some())
        .count();
    let mut blocks = vec![
        Block::Heading(2, cx.t("Samenvatting", "Summary")),
        Block::List(vec![
            format!(
                "{}: {}",
                cx.t("Huishoudens", "Households"),
                cx.count(&overall.n_cases)
            ),
            format!(
                "{}: {}",
                cx.t(
                    "Met een kosten-batenanalyse",
                    "With a cost-benefit analysis"
                ),
                cx.count(&overall.n_with_kba)
            ),
            format!(
                "{}: {}",
                cx.t(
                    "Besparing (dreigend − maatwerk), totaal",
                    "Savings (threatened − tailored), total"
                ),
                cx.euros(&overall.savings)
            ),
            format!(
                "{}: {}",
                cx.t(
                    "Besparing tegenover nu (huidig − maatwerk), totaal",
                    "Savings against today (current − tailored), total"
                ),
                cx.euros(&savings_vs_current(overall))
            ),
            format!(
                "{}: {}",
                cx.t("Dreigende kosten, totaal", "Threatened cost, total"),
                cx.euros(&overall.cost_threatened)
            ),
            format!(
                "{}: {}",
                cx.t(
                    "Gemiddelde besparing per huishouden met KBA",
                    "Mean savings per household with a KBA"
                ),
                cx.euros_opt(&overall.savings_mean)
            ),
            format!(
                "{}: {}",
                cx.t(
                    "Besteed uit het doorbraakbudget",
                    "Spent from the breakthrough budget"
                ),
                cx.euros(&overall.breakthrough_spend)
            ),
            format!(
                "{}: {} ({} {confirmed})",
                cx.t("Gevonden clusters", "Clusters found"),
                clustering.clusters.len(),
                cx.t(
                    "bevestigen een bekende giftige cocktail:",
                    "confirm a known toxic cocktail:"
                )
            ),
        ]),
    ];
    if !clustering.has_structure {
        blocks.push(Block::Paragraph(cx.t(
            "Let op: de gegevens laten geen duidelijke structuur zien. De clusters zijn niet stabiel of nauwelijks van elkaar te onderscheiden; er worden daarom geen giftige cocktails benoemd.",
            "Note: the data show no clear structure. The clusters are unstable or hardly distinct; no toxic cocktails are therefore named.",
        )));
    }
    blocks
}

/// Huidig − maatwerk: what the tailored solution saves against today's cost rather than
/// the threatened one. Shown when both totals are, as the CSV's `savings_vs_current_total`.
fn savings_vs_current(row: &SavingsRow) -> Disclosed<Cents> {
    row.cost_current
        .zip(row.cost_tailored, |current, tailored| current - tailored)
}

fn savings_of(savings: &SavingsTables, number: usize) -> Option<&SavingsRow> {
    savings
        .per_cluster
        .iter()
        .find(|r| matches!(&r.group, Group::Cluster(c) if c.number == number))
}

fn cocktails(cx: &Context<'_>, savings: &SavingsTables, clustering: &ClusterTables) -> Vec<Block> {
    let lang = cx.lang;
    let mut blocks = vec![
        Block::Heading(2, cx.t("De giftige cocktails", "The toxic cocktails")),
        Block::Paragraph(cx.t(
            "Elke cluster is een groep huishoudens met dezelfde combinatie van problemen. De bepalende problemen komen in de cluster veel vaker voor dan gemiddeld. Stabiliteit (0–1) zegt hoe vaak de cluster terugkomt als de analyse op een steekproef van de huishoudens wordt herhaald: onder 0,6 is een cluster onzeker, en onder 0,5 komt hij niet terug en wordt hij opgeheven.",
            "Each cluster is a group of households with the same combination of problems. Its defining problems occur far more often in it than on average. Stability (0–1) says how often the cluster returns when the analysis is repeated on a resample of the households: below 0.6 a cluster is uncertain, and below 0.5 it does not return and is dissolved.",
        )),
    ];
    let rows = clustering
        .clusters
        .iter()
        .map(|c| {
            let mean = savings_of(savings, c.name.number)
                .map(|r| cx.euros_opt(&r.savings_mean))
                .unwrap_or_default();
            vec![
                c.name.number.to_string(),
                lang.t(&c.name.label_nl, &c.name.label_en).to_owned(),
                cx.count(&c.size),
                mean,
                c.stability.map(|s| lang.decimal(s, 3)).unwrap_or_default(),
                match &c.reference {
                    None => cx.t("nee", "no"),
                    Some((id, jaccard)) => format!(
                        "{} {id} (Jaccard {})",
                        cx.t("ja:", "yes:"),
                        lang.decimal(*jaccard, 3)
                    ),
                },
            ]
        })
        .collect();
    blocks.push(Block::Table(
        vec![
            cx.t("Cluster", "Cluster"),
            cx.t("Problemen", "Problems"),
            cx.t("Huishoudens", "Households"),
            cx.t("Gem. besparing", "Mean savings"),
            cx.t("Stabiliteit", "Stability"),
            cx.t("Bevestigt bekende cocktail", "Confirms known cocktail"),
        ],
        rows,
    ));
    if let Some(n) = &clustering.n_in_no_cluster {
        // A hidden count is no number to start a sentence with (". huishoudens …").
        let how_many = match n.shown() {
            Some(_) => cx.count(n),
            None => cx
                .t(
                    "Een aantal (verborgen om huishoudens te beschermen)",
                    "A number of (hidden to protect households)",
                )
                .to_owned(),
        };
        blocks.push(Block::Paragraph(format!(
            "{} {}",
            how_many,
            cx.t(
                "huishoudens vallen in geen cluster: ze horen bij geen stabiele groep en worden daarom niet bij een cocktail geteld. Hun kosten en baten staan in de tabellen onder cluster 0 (geen cluster).",
                "households are in no cluster: they belong to no stable group and are therefore not counted in any cocktail. Their costs and benefits are listed under cluster 0 (no cluster) in the tables.",
            )
        )));
    }
    blocks.extend(cx.chart(
        "tag_prevalence_per_cocktail",
        "Hoe vaak elk probleem voorkomt per cocktail",
        "How often each problem occurs per cocktail",
    ));
    blocks.push(other_tags_note(cx, clustering));
    blocks
}

/// The tags the heatmap leaves out, named in a note.
fn other_tags_note(cx: &Context<'_>, clustering: &ClusterTables) -> Block {
    let shown: Vec<&str> = separating_tags(clustering)
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    let mut others: Vec<String> = Vec::new();
    for row in &clustering.profiles {
        let label = cx.lang.t(&row.tag.label_nl, &row.tag.label_en).to_owned();
        if !shown.contains(&row.tag.id.as_str()) && !others.contains(&label) {
            others.push(label);
        }
    }
    Block::Paragraph(format!(
        "{} {}.",
        cx.t(
            "De figuur toont de problemen die een cocktail bepalen of onderscheiden. Niet getoond, omdat ze in geen cocktail opvallend vaak voorkomen:",
            "The figure shows the problems that define or separate a cocktail. Not shown, since they occur notably often in no cocktail:",
        ),
        others.join(", ")
    ))
}

/// A reference cocktail's verdict in words, as the report and `compare.html` write it.
pub fn confirm_verdict(lang: Lang, row: &ConfirmedCocktail) -> String {
    let t = |nl: &str, en: &str| lang.t(nl, en).to_owned();
    let joined = |tags: &[String]| tags.join(" + ");
    match &row.status {
        Some(ConfirmStatus::Confirmed) => t("bevestigd", "confirmed"),
        Some(ConfirmStatus::Nuanced) => {
            let mut parts = vec![format!(
                "{} {}",
                t("genuanceerd, als", "nuanced, as"),
                joined(&row.tags)
            )];
            if !row.added.is_empty() {
                parts.push(format!("{} {}", t("erbij:", "added:"), joined(&row.added)));
            }
            if !row.dropped.is_empty() {
                parts.push(format!(
                    "{} {}",
                    t("eraf:", "dropped:"),
                    joined(&row.dropped)
                ));
            }
            parts.join("; ")
        }
        Some(ConfirmStatus::NotSupported) => match row.households_needed {
            Some(n) => format!(
                "{} ~{})",
                t(
                    "niet ondersteund (te weinig huishoudens om te bevestigen; nodig: minstens",
                    "not supported (too few households to confirm it; needed: at least"
                ),
                lang.whole(n as f64)
            ),
            None => t("niet ondersteund", "not supported"),
        },
        None => t("nieuw", "new"),
    }
}

/// "Bevestigd, genuanceerd of niet ondersteund": each reference cocktail tested on these
/// households with the core-set model (`--confirm`).
fn confirmation_section(cx: &Context<'_>, rows: &[ConfirmedCocktail]) -> Vec<Block> {
    let table = rows
        .iter()
        .map(|row| {
            vec![
                cx.t(&row.label_nl, &row.label_en),
                confirm_verdict(cx.lang, row),
                row.evidence
                    .map(|e| cx.lang.decimal(e, 1))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table_section(
        cx.t(
            "Bevestigd, genuanceerd of niet ondersteund",
            "Confirmed, nuanced or not supported",
        ),
        cx.t(
            "Elke referentiecocktail is op deze huishoudens getoetst met het kernverzamelingsmodel: een cocktail is een kern van problemen die samen voorkomen, naast achtergrondproblemen die alle huishoudens delen. Bevestigd: de gegevens worden beter beschreven met de cocktail dan zonder. Genuanceerd: beter nog met een probleem erbij of eraf. Bewijs: hoeveel korter de beschrijving wordt (in nats).",
            "Each reference cocktail was tested on these households with the core-set model: a cocktail is a core of problems that occur together, beside background problems all households share. Confirmed: the data are described better with the cocktail than without. Nuanced: better still with a problem added or dropped. Evidence: how much shorter the description becomes (in nats).",
        ),
        vec![
            cx.t("Cocktail", "Cocktail"),
            cx.t("Uitkomst", "Outcome"),
            cx.t("Bewijs (nats)", "Evidence (nats)"),
        ],
        table,
    )
}

/// A section of a heading, a paragraph and a table.
fn table_section(
    heading: String,
    intro: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
) -> Vec<Block> {
    vec![
        Block::Heading(2, heading),
        Block::Paragraph(intro),
        Block::Table(headers, rows),
    ]
}

fn cluster_row_label(cx: &Context<'_>, group: &Group) -> String {
    match group {
        Group::Cluster(name) if name.number == 0 => cx.t("0 (geen cluster)", "0 (no cluster)"),
        Group::Cluster(name) => name.number.to_string(),
        _ => String::new(),
    }
}

fn costs_per_cocktail(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    let rows = savings
        .per_cluster
        .iter()
        .map(|r| {
            let ci = shown(&r.savings_ci, |ci| {
                ci.map(|(a, b)| format!("{} – {}", cx.lang.euros(a), cx.lang.euros(b)))
                    .unwrap_or_default()
            });
            vec![
                cluster_row_label(cx, &r.group),
                cx.count(&r.n_with_kba),
                cx.euros(&r.cost_current),
                cx.euros(&r.cost_threatened),
                cx.euros(&r.cost_tailored),
                cx.euros(&r.savings),
                cx.euros(&savings_vs_current(r)),
                cx.euros_opt(&r.savings_mean),
                ci,
                cx.decimal_opt(&r.return_per_euro, 2),
            ]
        })
        .collect();
    let mut blocks = vec![
        Block::Heading(2, cx.t("Kosten en baten per cocktail", "Costs and benefits per cocktail")),
        Block::Paragraph(cx.t(
            "Bedragen over 12 maanden, alleen over huishoudens met een kosten-batenanalyse (KBA). Twee basislijnen: besparing tegenover dreigend (dreigend − maatwerk: wat het kost als niets gebeurt) en tegenover nu (huidig − maatwerk). Gemiddelde, interval en rendement gaan over de besparing tegenover dreigend. Het 95%-betrouwbaarheidsinterval van de gemiddelde besparing komt uit een bootstrap; bij groepen van meer dan 5.000 huishoudens uit de normale benadering, die dan vrijwel gelijk is. Het rendement telt alleen wat uit het doorbraakbudget is besteed, niet de kosten van het programma zelf.",
            "Amounts over 12 months, only over households with a cost-benefit analysis (KBA). Two baselines: savings against threatened (threatened − tailored: the cost if nothing is done) and against today (current − tailored). Mean, interval and return are of the savings against threatened. The 95% confidence interval of the mean savings comes from a bootstrap; for groups of more than 5,000 households from the normal approximation, which is then practically the same. The return counts only what was spent from the breakthrough budget, not the costs of the programme itself.",
        )),
        Block::Table(
            vec![
                cx.t("Cluster", "Cluster"),
                cx.t("Met KBA", "With KBA"),
                cx.t("Huidig", "Current"),
                cx.t("Dreigend", "Threatened"),
                cx.t("Maatwerk", "Tailored"),
                cx.t("Besparing t.o.v. dreigend", "Savings vs threatened"),
                cx.t("Besparing t.o.v. nu", "Savings vs current"),
                cx.t("Gemiddeld", "Mean"),
                cx.t("95%-interval", "95% interval"),
                cx.t("Rendement per € doorbraakbudget", "Return per € breakthrough budget"),
            ],
            rows,
        ),
    ];
    blocks.extend(cx.chart(
        "savings_per_cocktail",
        "Gemiddelde besparing per cocktail, met 95%-interval",
        "Mean savings per cocktail, with 95% interval",
    ));
    blocks.extend(cx.chart(
        "costs_per_cocktail",
        "Huidig, dreigend en maatwerk per cocktail",
        "Current, threatened and tailored cost per cocktail",
    ));
    blocks
}

fn who_benefits(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    if savings.per_financier.is_empty() {
        return vec![
            Block::Heading(2, cx.t("Wie profiteert", "Who benefits")),
            Block::Paragraph(cx.t(
                "De gegevens leggen niet vast bij welke financier de besparing terechtkomt (de kolommen besparing_jeugd, besparing_wmo, …); daarom staat hier geen verdeling.",
                "The data do not record which financier the savings fall to (the columns savings_jeugd, savings_wmo, …); so no split is shown here.",
            )),
        ];
    }
    let rows = savings
        .per_financier
        .iter()
        .map(|r| {
            vec![
                cx.lang
                    .t(r.financier.label_nl(), r.financier.label_en())
                    .to_owned(),
                cx.euros(&r.savings),
            ]
        })
        .collect();
    let mut blocks = table_section(
        cx.t("Wie profiteert", "Who benefits"),
        cx.t(
            "Het deel van de besparing dat bij elke financier terechtkomt. Partners zoals zorgverzekeraars en woningcorporaties delen in de besparing; afspraken over bijdragen kunnen hierop worden gebaseerd.",
            "The share of the savings that falls to each financier. Partners such as insurers and housing corporations share in the savings; agreements on contributions can be based on this.",
        ),
        vec![
            cx.t("Financier", "Financier"),
            cx.t("Besparing", "Savings"),
        ],
        rows,
    );
    blocks.extend(cx.chart(
        "savings_per_financier",
        "Besparing per financier, per cocktail",
        "Savings per financier, per cocktail",
    ));
    blocks
}

fn owner_heading(cx: &Context<'_>, level: OwnerLevel) -> String {
    match level {
        OwnerLevel::Gemeente => cx.t(
            "Gemeente: eigen beleidsregels en verordeningen",
            "Municipality: own policy rules and by-laws",
        ),
        OwnerLevel::Regio => cx.t("Regio", "Region"),
        OwnerLevel::Partner => cx.t(
            "Partners: woningcorporaties, verzekeraars, aanbieders",
            "Partners: housing corporations, insurers, providers",
        ),
        OwnerLevel::Rijk => cx.t(
            "Rijk: landelijke wet- en regelgeving",
            "National government: national law",
        ),
    }
}

fn bottlenecks(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    let attribution = match savings.attribution {
        Attribution::Split => cx.t(
            "Een huishouden met meerdere knelpunten telt naar rato mee bij elk.",
            "A household with several bottlenecks counts pro rata in each.",
        ),
        Attribution::Count => cx.t(
            "Een huishouden met meerdere knelpunten telt volledig mee bij elk; de bedragen tellen dus niet op tot het totaal.",
            "A household with several bottlenecks counts in full in each; the amounts therefore do not add up to the total.",
        ),
    };
    let mut blocks = vec![
        Block::Heading(2, cx.t("Knelpunten en wie ze kan oplossen", "Bottlenecks and who can solve them")),
        Block::Paragraph(format!(
            "{} {attribution}",
            cx.t(
                "Regels en werkwijzen die de voor de hand liggende oplossing blokkeerden, per niveau dat ze kan veranderen. Eerst wat de gemeente zelf kan oplossen: eigen beleidsregels en verordeningen.",
                "Rules and practices that blocked the obvious solution, by the level that can change them. First what the municipality can fix itself: its own policy rules and by-laws.",
            )
        )),
    ];
    for level in OwnerLevel::ALL {
        let rows: Vec<Vec<String>> = savings
            .per_bottleneck
            .iter()
            .filter(|r| r.n_cases.shown() != Some(&0))
            .filter_map(|r| match &r.group {
                Group::Bottleneck(b) if b.owner_level == level => Some(vec![
                    cx.t(&b.label_nl, &b.label_en),
                    b.rule.clone(),
                    cx.count(&r.n_cases),
                    cx.euros(&r.savings),
                ]),
                _ => None,
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(3, owner_heading(cx, level)));
        blocks.push(Block::Table(
            vec![
                cx.t("Knelpunt", "Bottleneck"),
                cx.t("Regel", "Rule"),
                cx.t("Huishoudens", "Households"),
                cx.t("Besparing", "Savings"),
            ],
            rows,
        ));
    }
    blocks.extend(cx.chart(
        "savings_per_bottleneck",
        "Besparing per knelpunt, gekleurd naar wie het kan oplossen",
        "Savings per bottleneck, coloured by who can solve it",
    ));
    blocks
}

fn satisfaction(cx: &Context<'_>, clustering: &ClusterTables) -> Vec<Block> {
    let mut numbers: Vec<usize> = clustering.clusters.iter().map(|c| c.name.number).collect();
    if clustering.n_in_no_cluster.is_some() {
        numbers.push(0);
    }
    let rows = numbers
        .iter()
        .map(|&number| {
            let mut row = vec![match number {
                0 => cx.t("0 (geen cluster)", "0 (no cluster)"),
                n => n.to_string(),
            }];
            for moment in Moment::ALL {
                let mean = clustering
                    .satisfaction
                    .iter()
                    .find(|r| r.cluster == number && r.moment == moment)
                    .map(|r| cx.decimal_opt(&r.mean, 2))
                    .unwrap_or_default();
                row.push(mean);
            }
            row
        })
        .collect();
    let mut blocks = vec![
        Block::Heading(2, cx.t("Tevredenheid", "Satisfaction")),
        Block::Paragraph(cx.t(
            "Het gemiddelde rapportcijfer (1–10) dat huishoudens hun leven geven, direct na het plan, na 6 en na 12 maanden.",
            "The mean score (1–10) households give their lives, right after the plan, after 6 and after 12 months.",
        )),
        Block::Table(
            vec![
                cx.t("Cluster", "Cluster"),
                cx.t("Start", "Start"),
                cx.t("6 maanden", "6 months"),
                cx.t("12 maanden", "12 months"),
            ],
            rows,
        ),
    ];
    blocks.extend(cx.chart(
        "satisfaction_per_cocktail",
        "Tevredenheid per cocktail",
        "Satisfaction per cocktail",
    ));
    blocks
}

/// How k was chosen, and what became of the clusters it gave.
fn k_choice(cx: &Context<'_>, clustering: &ClusterTables) -> String {
    let chosen = match cx.meta.fixed_k {
        Some(k) => format!("{} k = {k}", cx.t("vast:", "fixed:")),
        None => format!(
            "{} (k = {})",
            if cx.meta.k_by_bic {
                cx.t("automatisch, op BIC", "automatic, by BIC")
            } else {
                cx.t("automatisch, op silhouet", "automatic, by silhouette")
            },
            clustering.chosen_k
        ),
    };
    let found = clustering.clusters.len();
    let gone = clustering.chosen_k.saturating_sub(found);
    if gone == 0 {
        return chosen;
    }
    format!(
        "{chosen}; {gone} {}",
        cx.t(
            "daarvan waren te klein of niet stabiel en zijn opgeheven: hun huishoudens staan onder cluster 0 (geen cluster)",
            "of them were too small or not stable and were dissolved: their households are under cluster 0 (no cluster)",
        )
    )
}

fn structure_sentence(cx: &Context<'_>, clustering: &ClusterTables) -> String {
    let stable = clustering.clusters.iter().filter(|c| !c.unstable).count();
    let total = clustering.clusters.len();
    if clustering.has_structure {
        format!(
            "{stable} {} {total} {}",
            cx.t("van de", "of the"),
            cx.t(
                "clusters zijn stabiel en onderscheiden zich duidelijk",
                "clusters are stable and clearly distinct"
            )
        )
    } else {
        cx.t(
            "geen duidelijke structuur: de clusters zijn niet stabiel of nauwelijks van elkaar te onderscheiden",
            "no clear structure: the clusters are unstable or hardly distinct",
        )
    }
}

fn method(
    cx: &Context<'_>,
    clustering: &ClusterTables,
    mining: Option<&MiningTables>,
) -> Vec<Block> {
    let mut items = vec![
        format!(
            "{}: {} ({} {})",
            cx.t("Clustermethode", "Clustering method"),
            clustering.algorithm,
            cx.t("seed", "seed"),
            cx.meta.seed
        ),
        format!(
            "{}: {}",
            cx.t(
                "Keuze van het aantal clusters",
                "Choice of the number of clusters"
            ),
            k_choice(cx, clustering)
        ),
        format!(
            "{}: {}",
            cx.t("Structuur", "Structure"),
            structure_sentence(cx, clustering)
        ),
    ];
    if let Some(mining) = mining {
        let significant = mining
            .itemsets
            .iter()
            .filter(|r| r.tags.len() > 1)
            .filter(|r| r.p_value_holm.flatten().is_some_and(|p| p < 0.05))
            .count();
        items.push(format!(
            "{}: {significant} {}",
            cx.t(
                "Combinaties van problemen die vaker samen voorkomen dan toeval (Holm-gecorrigeerde p < 0,05)",
                "Problem combinations that occur together more often than chance (Holm-corrected p < 0.05)"
            ),
            cx.t("(zie itemsets.csv)", "(see itemsets.csv)")
        ));
        items.push(format!(
            "{} {} {}",
            cx.t(
                "Combinaties worden alleen getoond als ze bij minstens",
                "Combinations are only shown when found in at least"
            ),
            mining.min_count,
            cx.t("huishoudens voorkomen.", "households.")
        ));
    }
    let mut blocks = vec![
        Block::Heading(
            2,
            cx.t("Methode en betrouwbaarheid", "Method and reliability"),
        ),
        Block::List(items),
    ];
    blocks.extend(cx.chart(
        "k_selection",
        "Keuze van het aantal clusters",
        "Choice of the number of clusters",
    ));
    blocks.extend(cx.chart(
        "cooccurrence_lift",
        "Hoeveel vaker paren van problemen samen voorkomen dan toeval (lift)",
        "How much more often pairs of problems occur together than chance (lift)",
    ));
    blocks.extend(cx.chart(
        "dendrogram",
        "Dendrogram van de hiërarchische clustering (alleen bij --algorithm hierarchical)",
        "Dendrogram of the hierarchical clustering (only with --algorithm hierarchical)",
    ));
    blocks
}

fn disclosure(cx: &Context<'_>) -> Vec<Block> {
    let thresholds = &cx.publication.thresholds;
    let mut blocks = vec![Block::Paragraph(format!(
        "{} {} {} {} {} {}% {} {} {} {}% {} {} {}",
        cx.t("Geheimhouding: groepen van minder dan", "Disclosure control: groups of fewer than"),
        thresholds.min_cell_size,
        cx.t(
            "huishoudens worden niet getoond (\".\", verborgen), ook niet als verschil van twee getoonde cijfers; bedragen niet als de",
            "households are not shown (\".\", hidden), not even as the difference of two shown figures; amounts are not shown when the",
        ),
        thresholds.dominance_n,
        cx.t("grootste huishoudens meer dan", "largest households make up more than"),
        thresholds.dominance_k,
        cx.t("uitmaken of als minder dan", "of them, or when fewer than"),
        thresholds.min_contributors,
        cx.t(
            "huishoudens eraan bijdragen. Alle tabellen zijn samen beschermd: voor elk verborgen cijfer laat wat wel getoond is een bandbreedte open van minstens",
            "households contribute. All tables are protected together: for every hidden figure, what is shown leaves a range of at least",
        ),
        thresholds.protection_percent,
        cx.t(
            "boven en onder een bedrag, of van minstens de minimale groepsgrootte bij aantallen. Verborgen rijen:",
            "above and below an amount, or at least the minimum group size for counts. Hidden rows:",
        ),
        cx.publication.n_hidden_rows,
        cx.t("(controle: maatpact audit).", "(check: maatpact audit)."),
    ))];
    if cx.meta.weak_thresholds {
        blocks.push(Block::Paragraph(cx.t(
            "Let op: deze run gebruikt lagere geheimhoudingsdrempels dan de standaard (expliciet toegestaan). Deel de uitvoer niet buiten de organisatie.",
            "Note: this run uses weaker disclosure thresholds than the default (explicitly allowed). Do not share the output outside the organisation.",
        )));
    }
    blocks
}

fn data_quality(cx: &Context<'_>, quality: &QualityTables) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, cx.t("Datakwaliteit", "Data quality"))];
    if quality.findings.is_empty() {
        blocks.push(Block::Paragraph(cx.t(
            "De invoer gaf geen waarschuwingen.",
            "The input gave no warnings.",
        )));
        return blocks;
    }
    blocks.push(Block::Paragraph(cx.t(
        "Waarschuwingen bij het inlezen, per soort (aantallen onder de minimale groepsgrootte zijn weggelaten; de bevindingen per rij geeft maatpact validate):",
        "Warnings while reading the input, per kind (counts below the minimum group size are left out; maatpact validate gives the findings per row):",
    )));
    blocks.push(Block::Table(
        vec![cx.t("Soort", "Kind"), cx.t("Aantal", "Count")],
        quality
            .findings
            .iter()
            .map(|row| vec![row.code.to_owned(), cx.count(&row.n)])
            .collect(),
    ));
    blocks
}
