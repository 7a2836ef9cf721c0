//! The sections on money between partners and on the funnel: who pays and who gains, what
//! the breakthrough money was spent on and whom it saved, and how many households got from
//! registration to a plan carried out.

use maatpact_core::{Cents, Disclosed, Financier, OwnerLevel, Payer};

use super::{Context, table_section};
use crate::publish::{FinancierRow, Group, SavingsRow, SavingsTables};
use crate::render::document::Block;

/// A payer's name in the report.
pub(super) fn payer_label(cx: &Context<'_>, payer: Option<Payer>) -> String {
    match payer {
        Some(p) => cx.t(p.label_nl(), p.label_en()),
        None => cx.t("(niet vastgelegd)", "(not recorded)"),
    }
}

/// A phase as the report names it, or all phases.
fn phase_label(cx: &Context<'_>, group: &Group) -> String {
    match group {
        Group::Phase(p) if p == crate::publish::UNKNOWN => cx.t("Fase onbekend", "Phase unknown"),
        Group::Phase(p) => format!("{} {p}", cx.t("Fase", "Phase")),
        _ => cx.t("Alle fasen", "All phases"),
    }
}

fn financier_headers<'a>(cx: &'a Context<'_>) -> impl Iterator<Item = String> + 'a {
    Financier::ALL
        .iter()
        .map(|f| cx.t(f.label_nl(), f.label_en()))
}

/// One row of a matrix: a group's spend, its savings per financier, and its savings.
fn matrix_row(
    cx: &Context<'_>,
    label: String,
    row: &SavingsRow,
    cells: &[FinancierRow],
) -> Vec<String> {
    let key = row.group.key();
    let mut out = vec![label, cx.euros(&row.breakthrough_spend)];
    for financier in Financier::ALL {
        let cell = cells.iter().find(|c| {
            c.financier == financier && c.part.as_ref().map(Group::key).as_ref() == Some(&key)
        });
        out.push(cell.map_or_else(String::new, |c| cx.euros(&c.savings)));
    }
    out.push(cx.euros(&row.savings));
    out
}

fn matrix_headers(cx: &Context<'_>, first: String, spend: String) -> Vec<String> {
    let mut headers = vec![first, spend];
    headers.extend(financier_headers(cx));
    headers.push(cx.t("Besparing, totaal", "Savings, total"));
    headers
}

/// "Wie betaalt, wie profiteert": payer → beneficiary, and each party's net position.
/// Only when the input records who paid.
pub(super) fn who_pays(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    if savings.per_payer.is_empty() {
        return Vec::new();
    }
    let rows = savings
        .per_payer
        .iter()
        .map(|row| {
            let label = match &row.group {
                Group::Payer(p) => payer_label(cx, *p),
                _ => String::new(),
            };
            matrix_row(cx, label, row, &savings.per_payer_financier)
        })
        .collect();
    let mut blocks = table_section(
        cx.t("Wie betaalt, wie profiteert", "Who pays, who gains"),
        cx.t(
            "Per budget waaruit de doorbraak is betaald: wat eruit is besteed, en welk deel van de besparing (dreigend − maatwerk) bij elke financier terechtkwam bij die huishoudens. Waar betaler en profiteur verschillen, zit het geld in het verkeerde potje; dit is de basis voor afspraken met partners.",
            "Per budget the breakthrough was paid from: what was spent from it, and which share of the savings (threatened − tailored) fell to each financier in those households. Where payer and beneficiary differ, the money is in the wrong pocket; this is the basis for agreements with partners.",
        ),
        matrix_headers(
            cx,
            cx.t("Betaald uit", "Paid from"),
            cx.t("Besteed", "Spent"),
        ),
        rows,
    );
    let net_rows = savings
        .net_positions
        .iter()
        .map(|row| {
            let money = |v: &Option<Disclosed<Cents>>| {
                v.as_ref()
                    .map_or_else(|| cx.lang.euros(0.0), |v| cx.euros(v))
            };
            vec![
                payer_label(cx, Some(row.party)),
                money(&row.paid),
                money(&row.received),
                cx.euros(&row.net),
            ]
        })
        .collect();
    blocks.push(Block::Paragraph(cx.t(
        "Netto per partij: het deel van de besparing dat de partij ontvangt, min wat zij aan doorbraken betaalde. Het programmabudget ontvangt zelf geen besparing.",
        "Net per party: the share of the savings the party receives, minus what it paid for breakthroughs. The programme budget receives no savings itself.",
    )));
    blocks.push(Block::Table(
        vec![
            cx.t("Partij", "Party"),
            cx.t("Betaald", "Paid"),
            cx.t("Ontvangen besparing", "Savings received"),
            cx.t("Netto", "Net"),
        ],
        net_rows,
    ));
    blocks.extend(cx.chart(
        "net_position",
        "Netto positie per partij: ontvangen besparing min betaalde doorbraken",
        "Net position per party: savings received minus breakthroughs paid",
    ));
    blocks.extend(net_per_cocktail(cx, savings));
    blocks
}

/// The net positions within each cocktail: who pays and who gains per cocktail.
fn net_per_cocktail(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    if savings.net_positions_per_cluster.is_empty() {
        return Vec::new();
    }
    let mut headers = vec![cx.t("Cocktail", "Cocktail")];
    headers.extend(Payer::ALL.iter().map(|&p| payer_label(cx, Some(p))));
    let rows = savings
        .net_positions_per_cluster
        .iter()
        .map(|(name, rows)| {
            let mut cells = vec![super::cluster_row_label(cx, &Group::Cluster(name.clone()))];
            cells.extend(Payer::ALL.iter().map(|&party| {
                rows.iter()
                    .find(|r| r.party == party)
                    .map_or_else(String::new, |r| cx.euros(&r.net))
            }));
            cells
        })
        .collect();
    vec![
        Block::Paragraph(cx.t(
            "Netto per cocktail: binnen elke cocktail wat elke partij aan besparing ontvangt, min wat zij aan doorbraken betaalde.",
            "Net per cocktail: within each cocktail what each party receives in savings, minus what it paid for breakthroughs.",
        )),
        Block::Table(headers, rows),
    ]
}

/// What the breakthrough money was spent on, and whom the savings of those households
/// went to: the seeds' headline ("€46,000 on housing … almost seven tons on youth care").
pub(super) fn spend_and_gains(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    let rows = savings
        .per_budget_category
        .iter()
        .map(|row| {
            let label = match &row.group {
                Group::BudgetCategory(b) if b == crate::publish::UNKNOWN => {
                    cx.t("(geen doorbraakbudget)", "(no breakthrough budget)")
                }
                Group::BudgetCategory(b) => b.clone(),
                _ => String::new(),
            };
            matrix_row(cx, label, row, &savings.per_budget_category_financier)
        })
        .collect();
    table_section(
        cx.t(
            "Waaraan het doorbraakbudget is besteed, en wie daarvan profiteert",
            "What the breakthrough budget was spent on, and who gains",
        ),
        cx.t(
            "Per bestedingscategorie: het bedrag uit het doorbraakbudget, en de besparing (dreigend − maatwerk) bij die huishoudens per financier. Zo is te lezen hoeveel een euro voor wonen bespaart op jeugdhulp en Wmo.",
            "Per spending category: the amount from the breakthrough budget, and the savings (threatened − tailored) in those households per financier. This shows how much a euro spent on housing saves on youth care and the Wmo.",
        ),
        matrix_headers(
            cx,
            cx.t("Besteed aan", "Spent on"),
            cx.t("Besteed", "Spent"),
        ),
        rows,
    )
}

/// Registered → with a plan → with a KBA → carried out, overall and per phase.
pub(super) fn funnel(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    let rows = savings
        .funnel
        .iter()
        .map(|row| {
            let label = phase_label(cx, &row.group);
            let recorded = |v: &Option<maatpact_core::Disclosed<u64>>| {
                v.as_ref()
                    .map_or_else(|| cx.t("niet vastgelegd", "not recorded"), |v| cx.count(v))
            };
            vec![
                label,
                cx.count(&row.registered),
                recorded(&row.with_plan),
                cx.count(&row.with_kba),
                recorded(&row.executed),
            ]
        })
        .collect();
    table_section(
        cx.t("Van aanmelding tot uitvoering", "From registration to execution"),
        cx.t(
            "Hoeveel huishoudens elke stap haalden. Met plan: er is een doorbraak gekozen (besteding, categorie of uitvoering vastgelegd). Met KBA: dreigend en maatwerk zijn ingevuld. Uitgevoerd: het plan is uitgevoerd.",
            "How many households reached each step. With a plan: a breakthrough was chosen (spend, category or execution recorded). With a KBA: threatened and tailored cost are filled in. Executed: the plan was carried out.",
        ),
        vec![
            cx.t("Groep", "Group"),
            cx.t("Aangemeld", "Registered"),
            cx.t("Met plan", "With a plan"),
            cx.t("Met KBA", "With a KBA"),
            cx.t("Uitgevoerd", "Executed"),
        ],
        rows,
    )
}

/// A theme's name: the Maastricht evaluation's chapter 6.1 headings, and the catalogue's
/// other domains.
fn theme_label(cx: &Context<'_>, theme: &str) -> String {
    let (nl, en) = match theme {
        "wonen" => ("Wonen", "Housing"),
        "leerlingenvervoer" => ("Leerlingenvervoer", "School transport"),
        "financien" => ("Financiële problemen", "Financial problems"),
        "werk_en_inkomen" => ("Werk en inkomen", "Work and income"),
        "zorg_en_ondersteuning" => ("Zorg en ondersteuning", "Care and support"),
        "samenwerking" => (
            "Samenwerking en ontschotting",
            "Cooperation and pooled budgets",
        ),
        "geboortebeperking" => ("Geboortebeperking (Nu niet zwanger)", "Family planning"),
        other => (other, other),
    };
    cx.t(nl, en)
}

fn owner_label(cx: &Context<'_>, level: OwnerLevel) -> String {
    match level {
        OwnerLevel::Gemeente => cx.t("gemeente", "municipality"),
        OwnerLevel::Regio => cx.t("regio", "region"),
        OwnerLevel::Partner => cx.t("partner", "partner"),
        OwnerLevel::Rijk => cx.t("Rijk", "national government"),
    }
}

/// *Systeemleren* per theme, as the Maastricht evaluation's chapter 6.1 reports it: the
/// themes in order of their largest published savings, each theme's bottlenecks by
/// savings. No new figure: a household with two bottlenecks of a theme would count twice in
/// a theme total, so none is shown.
pub(super) fn themes(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    let savings_of = |row: &SavingsRow| row.savings.shown().map_or(i64::MIN, |c| c.0);
    let mut rows: Vec<(&crate::publish::BottleneckName, &SavingsRow)> = savings
        .per_bottleneck
        .iter()
        .filter(|r| r.n_cases.shown() != Some(&0))
        .filter_map(|r| match &r.group {
            Group::Bottleneck(b) => Some((b, r)),
            _ => None,
        })
        .collect();
    let mut best: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for (b, r) in &rows {
        let entry = best.entry(b.theme.as_str()).or_insert(i64::MIN);
        *entry = (*entry).max(savings_of(r));
    }
    rows.sort_by_key(|(b, r)| {
        let theme = b.theme.as_str();
        (
            std::cmp::Reverse(best[theme]),
            theme,
            std::cmp::Reverse(savings_of(r)),
        )
    });
    let table = rows
        .iter()
        .map(|(b, r)| {
            vec![
                theme_label(cx, &b.theme),
                cx.t(&b.label_nl, &b.label_en),
                owner_label(cx, b.owner_level),
                cx.count(&r.n_cases),
                cx.euros(&r.savings),
            ]
        })
        .collect();
    table_section(
        cx.t("Systeemleren per thema", "System learning by theme"),
        cx.t(
            "De knelpunten per thema, zoals de Maastrichtse evaluatie ze ordent: eerst het thema met de grootste besparing. Per thema geen totaal, omdat een huishouden met twee knelpunten van hetzelfde thema dan dubbel zou tellen.",
            "The bottlenecks by theme, as the Maastricht evaluation orders them: the theme with the largest savings first. No total per theme, since a household with two bottlenecks of one theme would then count twice.",
        ),
        vec![
            cx.t("Thema", "Theme"),
            cx.t("Knelpunt", "Bottleneck"),
            cx.t("Wie kan het oplossen", "Who can solve it"),
            cx.t("Huishoudens", "Households"),
            cx.t("Besparing", "Savings"),
        ],
        table,
    )
}

/// Who gains per phase: each phase's spend and its savings per financier, to set phase 2
/// beside phase 1 (the seeds report phase 1's "bijna zeven ton" on youth care).
pub(super) fn gains_per_phase(cx: &Context<'_>, savings: &SavingsTables) -> Vec<Block> {
    if savings.per_phase_financier.is_empty() || savings.per_phase.len() < 2 {
        return Vec::new();
    }
    let rows = savings
        .per_phase
        .iter()
        .map(|row| {
            let label = phase_label(cx, &row.group);
            matrix_row(cx, label, row, &savings.per_phase_financier)
        })
        .collect();
    vec![
        Block::Paragraph(cx.t(
            "Per fase: het bedrag uit het doorbraakbudget, en de besparing per financier.",
            "Per phase: the amount from the breakthrough budget, and the savings per financier.",
        )),
        Block::Table(
            matrix_headers(cx, cx.t("Fase", "Phase"), cx.t("Besteed", "Spent")),
            rows,
        ),
    ]
}
