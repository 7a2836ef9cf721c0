//! The outlook sections: the programme's net return, the savings over a horizon and against
//! how likely the threatened cost was, and the region scenario, which is never a finding.

use super::{Context, table_section};
use crate::publish::{Group, OutlookTables};
use crate::render::document::Block;
use crate::render::format::shown;
use crate::render::run_charts::cluster_label;

fn group_label(cx: &Context<'_>, group: &Group) -> String {
    match group {
        Group::Cluster(name) => cluster_label(cx.lang, name),
        _ => cx.t("Alle huishoudens", "All households"),
    }
}

/// Net return with the programme's own costs, or how to add them.
pub(super) fn programme(cx: &Context<'_>, outlook: &OutlookTables) -> Vec<Block> {
    let Some(programme) = &outlook.programme else {
        return vec![Block::Paragraph(cx.t(
            "Programmakosten (organisatie, training) zijn niet opgegeven, dus het rendement hierboven telt alleen het doorbraakbudget. Geef ze op in de config als [[programme_costs]] (item, year, euros) voor de netto opbrengst.",
            "Programme costs (organisation, training) were not given, so the return above counts only the breakthrough budget. Give them in the config as [[programme_costs]] (item, year, euros) for the net return.",
        ))];
    };
    let mut rows: Vec<Vec<String>> = programme
        .costs
        .iter()
        .map(|c| {
            let year = c.year.map(|y| format!(" ({y})")).unwrap_or_default();
            vec![
                format!(
                    "{}: {}{year}",
                    cx.t("Programmakosten", "Programme cost"),
                    c.item
                ),
                cx.lang.euros(c.euros * 100.0),
            ]
        })
        .collect();
    rows.extend([
        vec![
            cx.t(
                "Besparing (dreigend − maatwerk)",
                "Savings (threatened − tailored)",
            ),
            cx.euros(&programme.savings),
        ],
        vec![
            cx.t(
                "Besteed uit het doorbraakbudget",
                "Spent from the breakthrough budget",
            ),
            cx.euros(&programme.breakthrough_spend),
        ],
        vec![
            cx.t("Programmakosten, totaal", "Programme costs, total"),
            cx.lang.euros(programme.costs_total.0 as f64),
        ],
        vec![
            cx.t(
                "Netto opbrengst (besparing − doorbraakbudget − programmakosten)",
                "Net return (savings − breakthrough budget − programme costs)",
            ),
            cx.euros(&programme.net),
        ],
        vec![
            cx.t(
                "Besparing per euro, alle kosten",
                "Savings per euro, all costs",
            ),
            cx.decimal_opt(&programme.return_per_euro, 2),
        ],
    ]);
    table_section(
        cx.t("Kosten van het programma en netto opbrengst", "Programme costs and net return"),
        cx.t(
            "De besparing tegenover alles wat het programma kostte: het doorbraakbudget en de eigen kosten van het programma uit de config.",
            "The savings against everything the programme cost: the breakthrough budget and the programme's own costs from the config.",
        ),
        vec![cx.t("Post", "Item"), cx.t("Bedrag", "Amount")],
        rows,
    )
}

/// Savings over the horizon, at each likelihood of the threatened cost.
pub(super) fn sensitivity(cx: &Context<'_>, outlook: &OutlookTables) -> Vec<Block> {
    let mut groups: Vec<&Group> = Vec::new();
    for row in &outlook.sensitivity {
        if !groups.contains(&&row.group) {
            groups.push(&row.group);
        }
    }
    let likelihoods: Vec<f64> = {
        let first = groups.first().copied();
        outlook
            .sensitivity
            .iter()
            .filter(|r| Some(&r.group) == first)
            .map(|r| r.likelihood)
            .collect()
    };
    let rows = groups
        .iter()
        .map(|&group| {
            let mut cells = vec![group_label(cx, group)];
            cells.extend(
                outlook
                    .sensitivity
                    .iter()
                    .filter(|r| &r.group == group)
                    .map(|r| shown(&r.savings_horizon, |&c| cx.lang.euros(c))),
            );
            cells
        })
        .collect();
    let mut headers = vec![cx.t("Groep", "Group")];
    headers.extend(likelihoods.iter().map(|p| {
        format!(
            "{} {}%",
            cx.t("Dreigend met kans", "Threatened at"),
            cx.lang.whole(p * 100.0)
        )
    }));
    let rate = cx.lang.decimal(outlook.discount_rate * 100.0, 2);
    let intro = if outlook.years == 1 {
        cx.t(
            "Besparing over 12 maanden als het dreigende scenario niet zeker was: met kans p de dreigende kosten, anders de huidige (p · dreigend + (1 − p) · huidig − maatwerk). Bij 100% is het de KBA zoals gemaakt. Met --horizon JAREN een meerjarig beeld.",
            "Savings over 12 months if the threatened scenario was not certain: with likelihood p the threatened cost, else the current cost (p · threatened + (1 − p) · current − tailored). At 100% it is the KBA as made. --horizon YEARS gives a multi-year view.",
        )
    } else {
        format!(
            "{} {} {} {rate}% {}",
            cx.t(
                "Besparing als het dreigende scenario niet zeker was (p · dreigend + (1 − p) · huidig − maatwerk), over",
                "Savings if the threatened scenario was not certain (p · threatened + (1 − p) · current − tailored), over",
            ),
            outlook.years,
            cx.t(
                "jaar, verdisconteerd met",
                "years, discounted at",
            ),
            cx.t(
                "per jaar (de MKBA-rekenrente, reëel). Aanname: de besparing van de eerste 12 maanden herhaalt zich elk jaar; de KBA zelf beslaat alleen die 12 maanden, dus dit is een verkenning, geen bevinding.",
                "a year (the MKBA rate, real). Assumption: the first 12 months' savings recur each year; the KBA itself covers only those 12 months, so this is an exploration, not a finding.",
            )
        )
    };
    table_section(
        cx.t(
            "Meerjarig beeld en gevoeligheid",
            "Multi-year view and sensitivity",
        ),
        intro,
        headers,
        rows,
    )
}

/// The region scenario, labelled as one.
pub(super) fn region(cx: &Context<'_>, outlook: &OutlookTables) -> Vec<Block> {
    let Some(region) = &outlook.region else {
        return Vec::new();
    };
    let rows = region
        .rows
        .iter()
        .map(|(name, scenario)| {
            let label = cluster_label(cx.lang, name);
            let households = shown(scenario, |s| {
                s.map(|s| {
                    format!(
                        "{} ({} – {})",
                        cx.lang.whole(s.households),
                        cx.lang.whole(s.households_interval.0),
                        cx.lang.whole(s.households_interval.1)
                    )
                })
                .unwrap_or_default()
            });
            let savings = shown(scenario, |s| {
                s.map(|s| {
                    format!(
                        "{} ({} – {})",
                        cx.lang.euros(s.savings * 100.0),
                        cx.lang.euros(s.savings_interval.0 * 100.0),
                        cx.lang.euros(s.savings_interval.1 * 100.0)
                    )
                })
                .unwrap_or_default()
            });
            vec![label, households, savings]
        })
        .collect();
    table_section(
        format!(
            "{} {} {}",
            cx.t("Scenario: een regio van", "Scenario: a region of"),
            cx.lang.whole(region.households as f64),
            cx.t("huishoudens (geen bevinding)", "households (not a finding)")
        ),
        cx.t(
            "Een rekenvoorbeeld, geen uitkomst van deze gegevens: als de huishoudens van de regio over de cocktails verdeeld zijn zoals hier, en elk zoveel bespaart als hier gemiddeld, over 12 maanden. De bandbreedte neemt de onzekerheid van zowel het aandeel als de gemiddelde besparing mee (95%), en is daarom ruim. Of de regio op deze huishoudens lijkt, zegt dit niet.",
            "A worked example, not an outcome of these data: if the region's households are spread over the cocktails as here, and each saves as much as the mean here, over 12 months. The band carries the uncertainty of both the share and the mean savings (95%), and is therefore wide. Whether the region resembles these households, it does not say.",
        ),
        vec![
            cx.t("Cocktail", "Cocktail"),
            cx.t("Huishoudens in de regio", "Households in the region"),
            cx.t("Besparing, 12 maanden", "Savings, 12 months"),
        ],
        rows,
    )
}
