//! The fields of the case-record format, and the headers (English and Dutch) that name them.

use crate::text::header_key;

/// A field of the case-record format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `case_id`.
    CaseId,
    /// `municipality`.
    Municipality,
    /// `phase`.
    Phase,
    /// `start_date`.
    StartDate,
    /// `problems`.
    Problems,
    /// `cost_current`.
    CostCurrent,
    /// `cost_threatened`.
    CostThreatened,
    /// `cost_tailored`.
    CostTailored,
    /// `breakthrough_spend`.
    BreakthroughSpend,
    /// `budget_category`.
    BudgetCategory,
    /// `breakthrough_payer`.
    BreakthroughPayer,
    /// `bottlenecks`.
    Bottlenecks,
    /// `satisfaction_start`.
    SatisfactionStart,
    /// `satisfaction_6m`.
    Satisfaction6m,
    /// `satisfaction_12m`.
    Satisfaction12m,
    /// `executed`.
    Executed,
    /// `savings_<financier>`, indexed like [`crate::Financier::ALL`].
    Savings(usize),
    /// `true_cluster`: the planted truth of synthetic data.
    TrueCluster,
}

/// Every field with its canonical (English) name and Dutch aliases.
pub const FIELDS: &[(Field, &str, &[&str])] = &[
    (
        Field::CaseId,
        "case_id",
        &["casusnummer", "casus_id", "clientnummer", "casus", "case"],
    ),
    (Field::Municipality, "municipality", &["gemeente"]),
    (Field::Phase, "phase", &["fase"]),
    (Field::StartDate, "start_date", &["startdatum"]),
    (Field::Problems, "problems", &["problemen", "problematiek"]),
    (
        Field::CostCurrent,
        "cost_current",
        &["huidig", "kosten_huidig"],
    ),
    (
        Field::CostThreatened,
        "cost_threatened",
        &["dreigend", "kosten_dreigend"],
    ),
    (
        Field::CostTailored,
        "cost_tailored",
        &["maatwerk", "kosten_maatwerk"],
    ),
    (
        Field::BreakthroughSpend,
        "breakthrough_spend",
        &["doorbraakbudget", "maatwerkbudget"],
    ),
    (
        Field::BudgetCategory,
        "budget_category",
        &["budgetcategorie"],
    ),
    (
        Field::BreakthroughPayer,
        "breakthrough_payer",
        &["betaald_uit", "betaler", "financiering_doorbraak", "payer"],
    ),
    (Field::Bottlenecks, "bottlenecks", &["knelpunten"]),
    (
        Field::SatisfactionStart,
        "satisfaction_start",
        &["tevredenheid_start"],
    ),
    (
        Field::Satisfaction6m,
        "satisfaction_6m",
        &["tevredenheid_6m"],
    ),
    (
        Field::Satisfaction12m,
        "satisfaction_12m",
        &["tevredenheid_12m"],
    ),
    (Field::Executed, "executed", &["uitgevoerd"]),
    (Field::Savings(0), "savings_jeugd", &["besparing_jeugd"]),
    (Field::Savings(1), "savings_wmo", &["besparing_wmo"]),
    (
        Field::Savings(2),
        "savings_participatie",
        &["besparing_participatie"],
    ),
    (
        Field::Savings(3),
        "savings_zorgverzekeraar",
        &["besparing_zorgverzekeraar"],
    ),
    (
        Field::Savings(4),
        "savings_woningcorporatie",
        &["besparing_woningcorporatie"],
    ),
    (
        Field::Savings(5),
        "savings_justitie",
        &["besparing_justitie"],
    ),
    (Field::Savings(6), "savings_overig", &["besparing_overig"]),
    (Field::TrueCluster, "true_cluster", &["ware_cluster"]),
];

/// The field a header names, if any. A unit after the name (`Huidig (€)`, `Dreigend in
/// euro`, `Maatwerk [EUR]`) is not part of it: such columns were ignored as unknown, and
/// a run published € 0 for every cost.
pub fn field_for_header(header: &str) -> Option<Field> {
    let key = header_key(without_unit(header));
    FIELDS.iter().find_map(|(field, name, aliases)| {
        (header_key(name) == key || aliases.iter().any(|a| header_key(a) == key)).then_some(*field)
    })
}

/// The header without a trailing currency unit, in brackets or after `in`.
fn without_unit(header: &str) -> &str {
    let trimmed = header.trim();
    let lower = trimmed.to_lowercase();
    for unit in ["€", "euro", "eur", "euros"] {
        for form in [
            format!("({unit})"),
            format!("[{unit}]"),
            format!("(in {unit})"),
            format!("in {unit}"),
            unit.to_owned(),
        ] {
            if let Some(rest) = lower.strip_suffix(&form)
                && rest.ends_with([' ', '_', '-'])
                && lower.len() == trimmed.len()
            {
                return trimmed[..rest.len()].trim_end_matches([' ', '_', '-']);
            }
        }
    }
    trimmed
}

/// The canonical column name of a field.
pub fn field_name(field: Field) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, name, _)| *name)
        .expect("every field has a name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_currency_unit_after_a_header_is_not_part_of_its_name() {
        for header in [
            "Huidig (€)",
            "huidig [EUR]",
            "Huidig in euro",
            "huidig_eur",
            "Huidig €",
            "Huidig (in euro)",
        ] {
            assert_eq!(
                field_for_header(header),
                field_for_header("huidig"),
                "{header}"
            );
        }
        assert!(field_for_header("huidig").is_some());
        // Not a unit: a word that only ends like one.
        assert_eq!(without_unit("Amateur"), "Amateur");
        assert_eq!(field_for_header("Neuro"), None);
    }
}
