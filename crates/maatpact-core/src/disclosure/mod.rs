//! Disclosure control for the published folder, protected as one linked set of tables.
//!
//! Every published figure is a *cell*: a count of households, or a euro amount, of one
//! *unit* (a row of a published table; a unit that appears in several tables is one unit).
//! Cells are tied together by the linear *relations* an outsider knows from the tables'
//! definitions: the rows of a partition add up to its total, a row of a cross table to its
//! margins, a tag's households are at most all households, an itemset's households at most
//! those of each of its subsets. Some linear combinations of cells count a set of
//! households: a row itself, or a *difference* such as "all households minus those with
//! `wonen`". These are the *groups* of a [`LinkedModel`], and no group may reveal a small
//! number of households, nor one household's amount.
//!
//! [`protect`] decides what to hide. Primary suppression hides rows of 1 to
//! `min_cell_size − 1` households, and the amounts of rows that are dominated or have too
//! few contributors ([`is_dominated`], [`too_few_contributors`]). Then, as in sdcTable's
//! audit-and-repair heuristic and τ-ARGUS's protection levels, it adds partners until every
//! hidden figure has a wide *attacker interval*: the minimum and maximum an outsider can
//! derive from everything published, by linear programming over the relations
//! ([`audit`]). The run audits the folder it is about to publish, and `maatpact audit`
//! audits any folder, with the same code.
//!
//! A published figure is a [`Disclosed`] value: shown, or suppressed with its reason. Only a
//! [`Pattern`], which only [`protect`] makes, can make one.

mod check;
mod lp;
mod model;
mod pattern;
mod protect;
mod rules;

pub use check::{AuditReport, CellInterval, Finding, FindingKind, audit};
pub use model::{CellId, CellKind, Expr, LinkedModel, Part, Sense, UnitId};
pub use pattern::{Disclosed, Pattern, Visibility};
pub use protect::protect;
pub use rules::{Contributions, amount_primary, is_dominated, too_few_contributors};

use serde::{Deserialize, Serialize};

/// Why a figure is not published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// Fewer households than the minimum cell size.
    SmallCell,
    /// The largest few households make up too much of an amount.
    Dominance,
    /// Too few households contribute to an amount (non-zero values).
    FewContributors,
    /// Published, it would reveal a small group by difference with other published figures
    /// (e.g. all households minus those with a tag).
    SmallDifference,
    /// Hidden so that another hidden figure cannot be derived, or narrowed down, from the
    /// published ones.
    Secondary,
}

impl Suppression {
    /// Every reason, in the order of [`Suppression::code`]'s documentation.
    pub const ALL: [Suppression; 5] = [
        Suppression::SmallCell,
        Suppression::Dominance,
        Suppression::FewContributors,
        Suppression::SmallDifference,
        Suppression::Secondary,
    ];

    /// The code written in the `suppressed` column.
    pub fn code(self) -> &'static str {
        match self {
            Suppression::SmallCell => "small_cell",
            Suppression::Dominance => "dominance",
            Suppression::FewContributors => "few_contributors",
            Suppression::SmallDifference => "small_difference",
            Suppression::Secondary => "secondary",
        }
    }

    /// The reason of a `suppressed` code.
    pub fn from_code(code: &str) -> Option<Suppression> {
        Suppression::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests;
