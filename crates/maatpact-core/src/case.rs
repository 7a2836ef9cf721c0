//! The validated case record: one maatwerkcanvas.

use serde::{Deserialize, Serialize};

use crate::money::Cents;

/// Index of a problem tag in a [`crate::Vocabulary`]. Tag order follows the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TagId(pub u32);

impl TagId {
    /// The index as `usize`, for slices and bitsets.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a bottleneck (*knelpunt*) in a [`crate::Catalogue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BottleneckId(pub u32);

impl BottleneckId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A calendar date, as written on the canvas. Only validated, never used for arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Year, e.g. 2020.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of month, 1 to 31.
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The party that a share of the savings falls to (the financier, or *domein*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Financier {
    /// Jeugdwet (youth care, municipality).
    Jeugd,
    /// Wmo (social support, municipality).
    Wmo,
    /// Participatiewet (benefits and work, municipality).
    Participatie,
    /// Health insurer (Zvw).
    Zorgverzekeraar,
    /// Housing corporation.
    Woningcorporatie,
    /// Justice and police.
    Justitie,
    /// Anything else.
    Overig,
}

impl Financier {
    /// Every financier, in column order.
    pub const ALL: [Financier; 7] = [
        Financier::Jeugd,
        Financier::Wmo,
        Financier::Participatie,
        Financier::Zorgverzekeraar,
        Financier::Woningcorporatie,
        Financier::Justitie,
        Financier::Overig,
    ];

    /// The canonical id, as used in column names (`savings_<id>`) and tables.
    pub fn id(self) -> &'static str {
        match self {
            Financier::Jeugd => "jeugd",
            Financier::Wmo => "wmo",
            Financier::Participatie => "participatie",
            Financier::Zorgverzekeraar => "zorgverzekeraar",
            Financier::Woningcorporatie => "woningcorporatie",
            Financier::Justitie => "justitie",
            Financier::Overig => "overig",
        }
    }

    /// The Dutch label used in reports.
    pub fn label_nl(self) -> &'static str {
        match self {
            Financier::Jeugd => "Jeugdwet",
            Financier::Wmo => "Wmo",
            Financier::Participatie => "Participatiewet",
            Financier::Zorgverzekeraar => "Zorgverzekeraar",
            Financier::Woningcorporatie => "Woningcorporatie",
            Financier::Justitie => "Justitie",
            Financier::Overig => "Overig",
        }
    }

    /// The English label used in reports.
    pub fn label_en(self) -> &'static str {
        match self {
            Financier::Jeugd => "Youth Act",
            Financier::Wmo => "Social Support Act",
            Financier::Participatie => "Participation Act",
            Financier::Zorgverzekeraar => "Health insurer",
            Financier::Woningcorporatie => "Housing corporation",
            Financier::Justitie => "Justice",
            Financier::Overig => "Other",
        }
    }
}

/// Who paid a breakthrough (*wie betaalt*): the programme's own budget or a financier's.
/// With the financiers who gain (savings per financier) it gives the payer → beneficiary
/// matrix: who pays, who profits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The programme's breakthrough budget (*doorbraakbudget*, *doorbraakfonds*).
    Programme,
    /// A financier's budget (bijzondere bijstand is the Participation Act's).
    Financier(Financier),
}

impl Payer {
    /// Every payer: the programme first, then the financiers.
    pub const ALL: [Payer; 8] = [
        Payer::Programme,
        Payer::Financier(Financier::Jeugd),
        Payer::Financier(Financier::Wmo),
        Payer::Financier(Financier::Participatie),
        Payer::Financier(Financier::Zorgverzekeraar),
        Payer::Financier(Financier::Woningcorporatie),
        Payer::Financier(Financier::Justitie),
        Payer::Financier(Financier::Overig),
    ];

    /// The id used in tables: `programma`, or the financier's id.
    pub fn id(self) -> &'static str {
        match self {
            Payer::Programme => "programma",
            Payer::Financier(f) => f.id(),
        }
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Payer::Programme => "Programmabudget (doorbraak)",
            Payer::Financier(f) => f.label_nl(),
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Payer::Programme => "Programme budget (breakthrough)",
            Payer::Financier(f) => f.label_en(),
        }
    }

    /// The payer a cell names: its id, or a Dutch or English name of the budget it came
    /// from, compared without case, spaces, dashes or underscores.
    pub fn parse(text: &str) -> Option<Payer> {
        let key = crate::text::header_key(text);
        Payer::ALL
            .into_iter()
            .find(|p| p.names().iter().any(|n| crate::text::header_key(n) == key))
    }

    /// The names a payer is recognised by.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Payer::Programme => &[
                "programma",
                "programme",
                "program",
                "doorbraakbudget",
                "doorbraakfonds",
                "maatwerkbudget",
                "programmabudget",
                "50 gezinnen aanpak",
                "maatpact",
                "breakthrough budget",
            ],
            Payer::Financier(Financier::Jeugd) => &["jeugd", "jeugdwet", "jeugdhulp", "youth act"],
            Payer::Financier(Financier::Wmo) => &["wmo", "wmo 2015", "social support act"],
            Payer::Financier(Financier::Participatie) => &[
                "participatie",
                "participatiewet",
                "bijzondere bijstand",
                "bijstand",
                "participation act",
            ],
            Payer::Financier(Financier::Zorgverzekeraar) => &[
                "zorgverzekeraar",
                "zorgverzekeringswet",
                "zvw",
                "health insurer",
                "insurer",
            ],
            Payer::Financier(Financier::Woningcorporatie) => {
                &["woningcorporatie", "corporatie", "housing corporation"]
            }
            Payer::Financier(Financier::Justitie) => &["justitie", "justice"],
            Payer::Financier(Financier::Overig) => &["overig", "anders", "other"],
        }
    }
}

/// The 12-month cost-benefit analysis (*kosten-batenanalyse*) of one case, in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBenefit {
    /// *huidig*: the current cost over the next 12 months.
    pub current: Option<Cents>,
    /// *dreigend*: the threatened cost if nothing is done.
    pub threatened: Option<Cents>,
    /// *maatwerk*: the cost with the tailored solution.
    pub tailored: Option<Cents>,
}

impl CostBenefit {
    /// Savings against the threatened scenario, `dreigend − maatwerk`, when both are known.
    pub fn savings(&self) -> Option<Cents> {
        Some(self.threatened? - self.tailored?)
    }

    /// Savings against the current cost, `huidig − maatwerk`, when both are known.
    pub fn savings_vs_current(&self) -> Option<Cents> {
        Some(self.current? - self.tailored?)
    }

    /// Whether the case has a usable cost-benefit analysis (threatened and tailored cost).
    pub fn is_complete(&self) -> bool {
        self.threatened.is_some() && self.tailored.is_some()
    }
}

/// Life-satisfaction scores (1–10) right after the plan, at 6 and at 12 months.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// Score right after the plan was made.
    pub start: Option<f64>,
    /// Score after 6 months.
    pub month_6: Option<f64>,
    /// Score after 12 months.
    pub month_12: Option<f64>,
}

impl Satisfaction {
    /// The change since the start: 12 months minus start, or 6 months minus start when the
    /// 12-month score is missing.
    pub fn change(&self) -> Option<f64> {
        let start = self.start?;
        self.month_12.or(self.month_6).map(|later| later - start)
    }
}

/// One validated case record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Pseudonymous case number (*casusnummer*). Never a name.
    pub case_id: String,
    /// Municipality (*gemeente*).
    pub municipality: Option<String>,
    /// Programme phase (*fase*), as written.
    pub phase: Option<String>,
    /// Start date.
    pub start_date: Option<Date>,
    /// The household's problems, sorted by tag id and without duplicates.
    pub tags: Vec<TagId>,
    /// The 12-month cost-benefit analysis.
    pub costs: CostBenefit,
    /// Spend from the breakthrough budget (*doorbraakbudget*).
    pub breakthrough_spend: Option<Cents>,
    /// What the breakthrough budget was spent on (e.g. `wonen`, `geld`).
    pub budget_category: Option<String>,
    /// Whose budget paid the breakthrough spend.
    pub payer: Option<Payer>,
    /// Bottlenecks that blocked the obvious solution, sorted and without duplicates.
    pub bottlenecks: Vec<BottleneckId>,
    /// Satisfaction scores.
    pub satisfaction: Satisfaction,
    /// Whether the plan was executed (*uitgevoerd*).
    pub executed: Option<bool>,
    /// The share of the savings per financier, indexed like [`Financier::ALL`].
    pub savings_by_financier: [Option<Cents>; 7],
    /// The planted truth of synthetic data (`true_cluster`); ignored by the analysis.
    pub true_cluster: Option<String>,
}

impl Case {
    /// A case with only an id and tags; every other field empty.
    pub fn new(case_id: impl Into<String>, mut tags: Vec<TagId>) -> Case {
        tags.sort_unstable();
        tags.dedup();
        Case {
            case_id: case_id.into(),
            municipality: None,
            phase: None,
            start_date: None,
            tags,
            costs: CostBenefit::default(),
            breakthrough_spend: None,
            budget_category: None,
            payer: None,
            bottlenecks: Vec::new(),
            satisfaction: Satisfaction::default(),
            executed: None,
            savings_by_financier: [None; 7],
            true_cluster: None,
        }
    }

    /// Whether a breakthrough was chosen: what it was spent on, its spend or whether it was
    /// carried out is recorded.
    pub fn has_plan(&self) -> bool {
        self.budget_category.is_some()
            || self.breakthrough_spend.is_some()
            || self.executed.is_some()
    }

    /// Whether the case carries the given tag.
    pub fn has_tag(&self, tag: TagId) -> bool {
        self.tags.binary_search(&tag).is_ok()
    }
}
