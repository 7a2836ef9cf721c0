//! Selecting households without splitting the file: `phase=1`, `municipality=Tilburg,Dongen`.
//! A selection is a list of conditions, one per field; a household is selected when it meets
//! every condition, and meets a condition when its value is one of the listed ones.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::case::{Case, Payer};
use crate::error::{Error, Result};
use crate::text::header_key;

/// A field households can be selected on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectField {
    /// The programme phase, as written.
    Phase,
    /// The municipality.
    Municipality,
    /// What the breakthrough budget was spent on.
    BudgetCategory,
    /// Whose budget paid the breakthrough.
    Payer,
    /// Whether the plan was carried out.
    Executed,
}

impl SelectField {
    /// Every field, in the order conditions are listed.
    pub const ALL: [SelectField; 5] = [
        SelectField::Phase,
        SelectField::Municipality,
        SelectField::BudgetCategory,
        SelectField::Payer,
        SelectField::Executed,
    ];

    /// The canonical name (the case file's column).
    pub fn name(self) -> &'static str {
        match self {
            SelectField::Phase => "phase",
            SelectField::Municipality => "municipality",
            SelectField::BudgetCategory => "budget_category",
            SelectField::Payer => "breakthrough_payer",
            SelectField::Executed => "executed",
        }
    }

    /// Every name the field is known by, English and Dutch.
    fn names(self) -> &'static [&'static str] {
        match self {
            SelectField::Phase => &["phase", "fase"],
            SelectField::Municipality => &["municipality", "gemeente"],
            SelectField::BudgetCategory => &["budget_category", "budgetcategorie"],
            SelectField::Payer => &["breakthrough_payer", "payer", "betaald_uit", "betaler"],
            SelectField::Executed => &["executed", "uitgevoerd"],
        }
    }

    /// A household's value, as conditions compare it; `None` when not recorded.
    fn value_of(self, case: &Case) -> Option<String> {
        match self {
            SelectField::Phase => case.phase.as_deref().map(normalise),
            SelectField::Municipality => case.municipality.as_deref().map(normalise),
            SelectField::BudgetCategory => case.budget_category.as_deref().map(normalise),
            SelectField::Payer => case.payer.map(|p| p.id().to_owned()),
            SelectField::Executed => case.executed.map(|e| yes_no(e).to_owned()),
        }
    }

    /// A value as written in a condition, in the form [`Self::value_of`] gives;
    /// `None` for "not recorded" (`unknown`, `onbekend`).
    fn parse_value(self, text: &str) -> std::result::Result<Option<String>, String> {
        let text = text.trim();
        if matches!(header_key(text).as_str(), "unknown" | "onbekend") {
            return Ok(None);
        }
        match self {
            SelectField::Payer => Payer::parse(text)
                .map(|p| Some(p.id().to_owned()))
                .ok_or_else(|| format!("`{text}` is not a known payer")),
            SelectField::Executed => crate::validate::parse_flag(text, false)
                .map(|e| Some(yes_no(e).to_owned()))
                .ok_or_else(|| format!("`{text}` is not yes or no")),
            _ => Ok(Some(normalise(text))),
        }
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

/// Values compare without case or surrounding spaces.
fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

impl FromStr for SelectField {
    type Err = Error;
    fn from_str(text: &str) -> Result<SelectField> {
        let key = header_key(text);
        SelectField::ALL
            .into_iter()
            .find(|f| f.names().iter().any(|n| header_key(n) == key))
            .ok_or_else(|| Error::InvalidParameter {
                name: "where",
                message: format!(
                    "cannot select on `{text}`; use one of {}",
                    SelectField::ALL.map(SelectField::name).join(", ")
                ),
            })
    }
}

/// One condition: the field's value is one of `values` (`None`: not recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// The field.
    pub field: SelectField,
    /// The accepted values, normalised, sorted and without duplicates.
    pub values: Vec<Option<String>>,
}

impl Condition {
    /// A condition on `field` from values as written.
    pub fn new(field: SelectField, values: &[String]) -> Result<Condition> {
        let mut parsed = values
            .iter()
            .map(|v| field.parse_value(v))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|message| Error::InvalidParameter {
                name: "where",
                message: format!("{}: {message}", field.name()),
            })?;
        if parsed.is_empty() {
            return Err(Error::InvalidParameter {
                name: "where",
                message: format!("{}: no value given", field.name()),
            });
        }
        parsed.sort();
        parsed.dedup();
        Ok(Condition {
            field,
            values: parsed,
        })
    }

    fn accepts(&self, case: &Case) -> bool {
        self.values.contains(&self.field.value_of(case))
    }
}

/// `field=value[,value…]`, the form of `--where`.
impl FromStr for Condition {
    type Err = Error;
    fn from_str(text: &str) -> Result<Condition> {
        let (field, values) = text
            .split_once('=')
            .ok_or_else(|| Error::InvalidParameter {
                name: "where",
                message: format!("`{text}` is not FIELD=VALUE[,VALUE…] (e.g. phase=1)"),
            })?;
        let values: Vec<String> = values
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        Condition::new(field.parse()?, &values)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values: Vec<&str> = self
            .values
            .iter()
            .map(|v| v.as_deref().unwrap_or("unknown"))
            .collect();
        write!(f, "{}={}", self.field.name(), values.join(","))
    }
}

/// Every condition a command selects households by: at most one per field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    conditions: Vec<Condition>,
}

impl Selection {
    /// A selection of the `[filter]` table of a config: field name → values.
    pub fn from_map(map: &BTreeMap<String, Vec<String>>) -> Result<Selection> {
        map.iter()
            .try_fold(Selection::default(), |selection, (field, values)| {
                Ok(selection.with(Condition::new(field.parse()?, values)?))
            })
    }

    /// This selection with `condition`, which replaces one on the same field.
    pub fn with(mut self, condition: Condition) -> Selection {
        self.conditions.retain(|c| c.field != condition.field);
        self.conditions.push(condition);
        self.conditions.sort_by_key(|c| c.field);
        self
    }

    /// Whether every household is selected.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// The conditions, by field.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Whether a household meets every condition.
    pub fn accepts(&self, case: &Case) -> bool {
        self.conditions.iter().all(|c| c.accepts(case))
    }

    /// The selected households. A value that no household has is refused, since it is
    /// almost always a typo. So is a selection on fields whose values split the households
    /// into a group of fewer than `min_cell_size`: other selections on the same fields could
    /// be subtracted from it to give that group (see [`Selection::check_differences`]).
    pub fn select(&self, cases: Vec<Case>, min_cell_size: usize) -> Result<Vec<Case>> {
        // The households per combination of the conditions' fields' values.
        let mut groups: Groups = BTreeMap::new();
        for case in &cases {
            let key = self
                .conditions
                .iter()
                .map(|c| c.field.value_of(case))
                .collect();
            *groups.entry(key).or_default() += 1;
        }
        for (i, condition) in self.conditions.iter().enumerate() {
            let present: std::collections::BTreeSet<&Option<String>> =
                groups.keys().map(|key| &key[i]).collect();
            if let Some(missing) = condition.values.iter().find(|v| !present.contains(v)) {
                let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
                return Err(Error::Data(format!(
                    "--where {}: no household has {} `{}`; the file has: {}",
                    condition,
                    condition.field.name(),
                    shown(missing),
                    present
                        .iter()
                        .map(|v| shown(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        self.check_differences(&groups, min_cell_size)?;
        Ok(cases.into_iter().filter(|c| self.accepts(c)).collect())
    }

    /// Two published selections are subtracted as easily as a selection and a run on all:
    /// `gemeente=A,B` minus `gemeente=A` gives the households of B, and a run on all minus
    /// `fase=1` minus `fase=2` gives those whose phase is not recorded. Every selection on a
    /// set of fields is a union of the groups that the combinations of those fields' values
    /// make (over the whole file), so each such group that holds any household must hold at
    /// least `min_cell_size`: then whatever selections on these fields are published side by
    /// side, with a run on all, no sum or difference of them isolates fewer households.
    ///
    /// Selections on different fields are each checked on their own fields; groups that only
    /// a combination of both would make are not, which leaves coincidences open (every
    /// phase-2 household in one municipality, say). A selection on both fields checks them.
    fn check_differences(&self, groups: &Groups, min_cell_size: usize) -> Result<()> {
        let selected = groups.keys().any(|key| {
            self.conditions
                .iter()
                .zip(key)
                .all(|(c, value)| c.values.contains(value))
        });
        if !selected {
            return Err(Error::Data(format!(
                "--where {self}: no household meets every condition"
            )));
        }
        let smallest = groups
            .iter()
            .filter(|&(_, &n)| n < min_cell_size)
            .min_by_key(|&(_, &n)| n);
        let Some((values, &n)) = smallest else {
            return Ok(());
        };
        let group: Vec<String> = self
            .conditions
            .iter()
            .zip(values)
            .map(|(c, v)| format!("{} `{}`", c.field.name(), v.as_deref().unwrap_or("unknown")))
            .collect();
        Err(Error::Data(format!(
            "--where {self}: the households with {} are {n}, fewer than {min_cell_size} (the minimum cell size); selections on {} published side by side (or beside a run on all) could be subtracted to give them. Select on fields whose every value{} holds at least {min_cell_size} households, {}",
            group.join(" and "),
            self.conditions
                .iter()
                .map(|c| c.field.name())
                .collect::<Vec<_>>()
                .join(" and "),
            if self.conditions.len() > 1 {
                " combination"
            } else {
                ""
            },
            if values.iter().any(Option::is_none) {
                "or record the missing values in the input"
            } else {
                "or merge small values into larger ones in the input (municipalities into a subregion, say)"
            },
        )))
    }
}

/// Households per combination of a selection's fields' values (in condition order).
type Groups = BTreeMap<Vec<Option<String>>, usize>;

/// `phase=1 municipality=dongen,tilburg`, as the report states it.
impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.conditions.iter().map(Condition::to_string).collect();
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, phase: Option<&str>, municipality: &str, executed: Option<bool>) -> Case {
        let mut case = Case::new(id, Vec::new());
        case.phase = phase.map(str::to_owned);
        case.municipality = Some(municipality.to_owned());
        case.executed = executed;
        case
    }

    fn cases() -> Vec<Case> {
        vec![
            case("a", Some("1"), "Tilburg", Some(true)),
            case("b", Some("2"), "Dongen", Some(false)),
            case("c", Some("2"), "Tilburg", None),
            case("d", None, "Goirle", Some(true)),
        ]
    }

    fn ids(selection: &Selection) -> Vec<String> {
        selection
            .select(cases(), 1)
            .unwrap()
            .into_iter()
            .map(|c| c.case_id)
            .collect()
    }

    #[test]
    fn conditions_combine_by_and_and_values_by_or() {
        let selection = Selection::default()
            .with("gemeente=tilburg, Dongen".parse().unwrap())
            .with("fase=2".parse().unwrap());
        assert_eq!(ids(&selection), ["b", "c"]);
        assert_eq!(selection.to_string(), "phase=2 municipality=dongen,tilburg");
        let executed = Selection::default().with("uitgevoerd=ja".parse().unwrap());
        assert_eq!(ids(&executed), ["a", "d"]);
        let unknown = Selection::default().with("phase=onbekend".parse().unwrap());
        assert_eq!(ids(&unknown), ["d"]);
    }

    #[test]
    fn a_later_condition_on_a_field_replaces_the_earlier() {
        let selection = Selection::default()
            .with("phase=1".parse().unwrap())
            .with("phase=2".parse().unwrap());
        assert_eq!(ids(&selection), ["b", "c"]);
    }

    #[test]
    fn typos_and_empty_selections_are_refused() {
        let typo = Selection::default().with("municipality=Tilbrug".parse().unwrap());
        let message = typo.select(cases(), 1).unwrap_err().to_string();
        assert!(message.contains("tilbrug") && message.contains("dongen, goirle, tilburg"));
        let none = Selection::default()
            .with("phase=1".parse().unwrap())
            .with("municipality=dongen".parse().unwrap());
        assert!(none.select(cases(), 1).is_err());
        assert!("colour=red".parse::<Condition>().is_err());
        assert!("phase".parse::<Condition>().is_err());
        assert!("phase=".parse::<Condition>().is_err());
        assert!("executed=maybe".parse::<Condition>().is_err());
    }

    /// 30 in Tilburg (20 in phase 1), 4 in Dongen (phase 2), 15 in Goirle (12 in phase 1).
    fn programme() -> Vec<Case> {
        let mut cases = Vec::new();
        for (municipality, phase_1, phase_2) in
            [("Tilburg", 20, 10), ("Dongen", 0, 4), ("Goirle", 12, 3)]
        {
            for i in 0..phase_1 + phase_2 {
                let phase = if i < phase_1 { "1" } else { "2" };
                let id = format!("{municipality}-{i}");
                cases.push(case(&id, Some(phase), municipality, None));
            }
        }
        cases
    }

    fn refusal(selection: &str) -> Option<String> {
        let selection = selection
            .split(' ')
            .fold(Selection::default(), |s, c| s.with(c.parse().unwrap()));
        selection
            .select(programme(), 10)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn no_selections_on_the_same_fields_subtract_to_a_few_households() {
        // Tilburg 30 (20 in phase 1), Dongen 4, Goirle 15: Dongen is too small a group for
        // any selection by municipality (Tilburg and Dongen minus Tilburg gives it).
        for selection in [
            "gemeente=tilburg",
            "gemeente=tilburg,dongen",
            "gemeente=dongen",
        ] {
            let message = refusal(selection).unwrap();
            assert!(
                message.contains("municipality `dongen` are 4"),
                "{selection}: {message}"
            );
        }
        // Phase 1 (32) and phase 2 (17) are large groups.
        assert_eq!(refusal("fase=1"), None);
        assert_eq!(refusal("fase=2"), None);
        // Phase by municipality: Goirle's 3 in phase 2 (Goirle minus its phase 1), the
        // smallest group named.
        let message = refusal("fase=1 gemeente=goirle,tilburg").unwrap();
        assert!(
            message.contains("phase `2` and municipality `goirle` are 3"),
            "{message}"
        );
        // A run on all, minus phase 1, minus phase 2: those without a phase.
        let mut cases = programme();
        cases.extend((0..3).map(|i| case(&format!("x{i}"), None, "Tilburg", None)));
        let phase_1 = Selection::default().with("fase=1".parse().unwrap());
        let message = phase_1.select(cases, 10).unwrap_err().to_string();
        assert!(message.contains("phase `unknown` are 3"), "{message}");
    }

    #[test]
    fn config_map_gives_the_same_selection() {
        let mut map = BTreeMap::new();
        map.insert("fase".to_owned(), vec!["1".to_owned()]);
        let from_map = Selection::from_map(&map).unwrap();
        assert_eq!(
            from_map,
            Selection::default().with("phase=1".parse().unwrap())
        );
    }
}
