//! What a run publishes, as disclosure control sees it: every row of every table by the
//! households it describes ([`RowKey`]), and how rows are tied together.
//!
//! [`link`] turns the rows into a [`LinkedModel`]: one unit per row, its figures as cells,
//! and every relation an outsider knows from the tables' definitions:
//! - partitions add up to their total (clusters, phases, municipalities, budget
//!   categories and payers to all households; a cluster's phases to the cluster, a phase's
//!   clusters to the phase; each partition's shares per financier to the financier);
//! - the funnel: households with a plan are some of a group's, those whose plan was
//!   carried out some of those, and the phases add up to all;
//! - every row's savings are its threatened minus its tailored cost;
//! - a multi-membership row is part of all households (tags, bottlenecks, owner levels),
//!   and a bottleneck part of its owner level: the households outside it are a group too;
//! - the households with a set of tags are part of those with each subset, in every
//!   published combination of tags (tag totals, co-occurring pairs, itemsets), and every
//!   inclusion–exclusion atom over published combinations is a group too;
//! - a cluster's count of a tag adds up over the clusters to the tag's total, and is part
//!   of the cluster;
//! - satisfaction scores of a cluster are at most its households; findings of validation
//!   add up to the number of warnings.
//!
//! With true values ([`LinkInput::truth`]), relations that happen to hold in the data and
//! that an outsider could guess are added too: an owner level's households as the sum of its
//! bottlenecks' when no household has two of them, and the financiers' shares as the
//! savings when every case's shares add up to it.

mod figures;
mod link;

pub use figures::{
    FigureSettings, FinancierFigures, Membership, SavingsFigures, difference_primary,
    financier_figures, funnel_figures, savings_figures,
};
pub use link::{Linked, link};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::disclosure::Suppression;

/// A row of the publication, by the households it describes. Ids are canonical ids (tags,
/// bottlenecks, owner levels, financiers) or the values as published (phases,
/// municipalities, budget categories); clusters by their published number (0: households
/// in no cluster).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RowKey {
    /// All households.
    Overall,
    /// A cluster.
    Cluster(usize),
    /// A programme phase.
    Phase(String),
    /// A municipality.
    Municipality(String),
    /// What the breakthrough budget was spent on.
    BudgetCategory(String),
    /// A cluster within a phase.
    ClusterPhase(usize, String),
    /// A cluster's households whose breakthrough a payer paid (`unknown`: none recorded).
    ClusterPayer(usize, String),
    /// A bottleneck, with its owner level.
    Bottleneck(String, String),
    /// Households with at least one bottleneck of an owner level.
    OwnerLevel(String),
    /// Whose budget paid the breakthrough spend (`unknown`: no payer recorded).
    Payer(String),
    /// The share of the savings that falls to a financier (an amount only: how many
    /// households have a share is not published, so that the amount can be).
    Financier(String),
    /// The same, within a group of a partition: a cluster, phase, budget category or payer.
    PartFinancier(Box<RowKey>, String),
    /// Households of a group (all households or a phase) at a stage of the funnel.
    Funnel(Box<RowKey>, Stage),
    /// Households with every tag of a set (one tag: the tag's row of `savings_per_tag`).
    TagSet(Vec<String>),
    /// A cluster's households with a tag.
    ClusterTag(usize, String),
    /// A cluster's households with a satisfaction score at a moment.
    Satisfaction(usize, Moment),
    /// Validation findings of one kind (`severity:code`).
    Finding(String),
    /// Validation warnings in all.
    Warnings,
}

/// When a satisfaction score was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    /// Right after the plan.
    Start,
    /// After 6 months.
    Month6,
    /// After 12 months.
    Month12,
}

impl Moment {
    /// Every moment, in time order.
    pub const ALL: [Moment; 3] = [Moment::Start, Moment::Month6, Moment::Month12];

    /// The id used in tables.
    pub fn id(self) -> &'static str {
        match self {
            Moment::Start => "start",
            Moment::Month6 => "6m",
            Moment::Month12 => "12m",
        }
    }
}

/// A stage of the funnel, after registration (every household) and before the KBA
/// (households with a KBA are counted in every savings row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A breakthrough was chosen: what it was spent on, its spend, or whether it was
    /// carried out is recorded.
    WithPlan,
    /// The plan was carried out (`executed` is yes).
    Executed,
}

impl Stage {
    /// Both stages, in funnel order.
    pub const ALL: [Stage; 2] = [Stage::WithPlan, Stage::Executed];

    /// The id used in tables.
    pub fn id(self) -> &'static str {
        match self {
            Stage::WithPlan => "with_plan",
            Stage::Executed => "executed",
        }
    }
}

/// What kind of figures a row has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowShape {
    /// Households, households with a KBA, and the five amounts of [`SAVINGS_AMOUNTS`].
    Savings,
    /// Households with a share, and the share.
    Financier,
    /// Households only.
    Count,
}

/// The counts of a savings row, in order.
pub const SAVINGS_COUNTS: [&str; 2] = ["n_cases", "n_with_kba"];
/// The amounts of a savings row, in order (cents).
pub const SAVINGS_AMOUNTS: [&str; 5] = [
    "cost_current_total",
    "cost_threatened_total",
    "cost_tailored_total",
    "savings_total",
    "breakthrough_spend_total",
];
/// Which amounts can only be at least 0.
const SAVINGS_AMOUNT_NONNEGATIVE: [bool; 5] = [true, true, true, false, true];

impl RowKey {
    /// The figures a row of this kind has.
    pub fn shape(&self) -> RowShape {
        match self {
            RowKey::Overall
            | RowKey::Cluster(_)
            | RowKey::Phase(_)
            | RowKey::Municipality(_)
            | RowKey::BudgetCategory(_)
            | RowKey::ClusterPhase(..)
            | RowKey::ClusterPayer(..)
            | RowKey::Bottleneck(..)
            | RowKey::OwnerLevel(_)
            | RowKey::Payer(_) => RowShape::Savings,
            RowKey::TagSet(tags) if tags.len() == 1 => RowShape::Savings,
            RowKey::Financier(_) | RowKey::PartFinancier(..) => RowShape::Financier,
            RowKey::TagSet(_)
            | RowKey::ClusterTag(..)
            | RowKey::Funnel(..)
            | RowKey::Satisfaction(..)
            | RowKey::Finding(_)
            | RowKey::Warnings => RowShape::Count,
        }
    }

    /// How the row is named in audit findings.
    pub fn label(&self) -> String {
        match self {
            RowKey::Overall => "all households".into(),
            RowKey::Cluster(c) => format!("cluster {c}"),
            RowKey::Phase(p) => format!("phase {p}"),
            RowKey::Municipality(m) => format!("municipality {m}"),
            RowKey::BudgetCategory(b) => format!("budget category {b}"),
            RowKey::ClusterPhase(c, p) => format!("cluster {c} in phase {p}"),
            RowKey::ClusterPayer(c, p) => format!("cluster {c} paid by {p}"),
            RowKey::Bottleneck(b, _) => format!("bottleneck {b}"),
            RowKey::OwnerLevel(o) => format!("owner level {o}"),
            RowKey::Financier(f) => format!("financier {f}"),
            RowKey::Payer(p) => format!("payer {p}"),
            RowKey::PartFinancier(part, f) => format!("{}, financier {f}", part.label()),
            RowKey::Funnel(group, stage) => format!("{}, {}", group.label(), stage.id()),
            RowKey::TagSet(tags) => format!("tags {}", tags.join("+")),
            RowKey::ClusterTag(c, t) => format!("cluster {c} with tag {t}"),
            RowKey::Satisfaction(c, m) => format!("cluster {c}, satisfaction {}", m.id()),
            RowKey::Finding(code) => format!("findings {code}"),
            RowKey::Warnings => "warnings".into(),
        }
    }

    /// The preference for hiding this row as a partner: lower is hidden first. One-way
    /// rows (a cluster, a tag) are worth more to readers than cells of cross tables, and a
    /// combination of tags is worth more the fewer tags it holds: pairs fill the
    /// co-occurrence table, and the cocktails' long combinations are published as clusters.
    fn cost(&self) -> f64 {
        match self {
            RowKey::Overall => 10.0,
            // The cocktails' sizes are what the report is about.
            RowKey::Cluster(_) => 4.0,
            RowKey::Phase(_)
            | RowKey::Municipality(_)
            | RowKey::BudgetCategory(_)
            | RowKey::Bottleneck(..)
            | RowKey::OwnerLevel(_)
            | RowKey::Financier(_)
            | RowKey::Payer(_)
            | RowKey::Funnel(..)
            | RowKey::Warnings => 3.0,
            RowKey::TagSet(tags) if tags.len() == 1 => 3.0,
            RowKey::TagSet(tags) => 2.0 + 1.0 / tags.len() as f64,
            RowKey::ClusterPhase(..)
            | RowKey::ClusterPayer(..)
            | RowKey::PartFinancier(..)
            | RowKey::ClusterTag(..) => 2.0,
            RowKey::Satisfaction(..) | RowKey::Finding(_) => 1.0,
        }
    }
}

/// The figures of one row: counts and amounts (cents) in the order of its [`RowShape`]
/// (`None`: hidden, in a published folder).
#[derive(Clone, Debug, PartialEq)]
pub struct RowFigures {
    /// The row.
    pub key: RowKey,
    /// Its counts.
    pub counts: Vec<Option<f64>>,
    /// Its amounts, in cents.
    pub amounts: Vec<Option<f64>>,
    /// Primary suppression of the amounts, from the households' values (true figures only).
    pub amount_primary: Option<Suppression>,
}

/// A group of households outside a row, whose amounts disclosure control also judges: all
/// households without a tag, bottleneck or owner level, or an owner level's households
/// without one of its bottlenecks.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DifferenceKey {
    /// All households outside the row.
    Without(RowKey),
    /// The households of an owner level without a bottleneck of it.
    OwnerWithout(String, String),
}

/// How a household in several groups counts in the amounts of multi-membership rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// In full in each of its groups.
    #[default]
    Count,
    /// Divided equally over its groups.
    Split,
}

impl std::str::FromStr for Attribution {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "count" => Ok(Attribution::Count),
            "split" => Ok(Attribution::Split),
            other => Err(format!(
                "unknown attribution `{other}` (use count or split)"
            )),
        }
    }
}

/// Everything [`link`] needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkInput {
    /// Every row of every table, each once.
    pub rows: Vec<RowFigures>,
    /// The attribution of the multi-membership amounts.
    pub attribution: Attribution,
    /// Primary suppression of the amounts of difference groups (true figures only).
    pub difference_primary: BTreeMap<DifferenceKey, Suppression>,
    /// Whether the figures are the true ones (protection) or a folder's (audit).
    pub truth: bool,
    /// The minimum cell size: which groups may be small.
    pub min_cell_size: usize,
}
