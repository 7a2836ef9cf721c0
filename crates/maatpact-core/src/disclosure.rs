//! Disclosure control for published tables (CBS StatLine practice; sdcTable defaults):
//! a minimum cell size, the (n, k) dominance rule for euro totals, and secondary suppression
//! so that no suppressed cell can be recovered from a published total.

use serde::{Deserialize, Serialize};

use crate::config::PrivacyThresholds;

/// Why a cell is not published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// Fewer households than the minimum cell size.
    SmallCell,
    /// The largest few cases make up too much of a euro total.
    Dominance,
    /// Suppressed so that another suppressed cell cannot be recovered by subtraction.
    Secondary,
}

impl Suppression {
    /// The code written in the `suppressed` column.
    pub fn code(self) -> &'static str {
        match self {
            Suppression::SmallCell => "small_cell",
            Suppression::Dominance => "dominance",
            Suppression::Secondary => "secondary",
        }
    }
}

/// One cell (a table row) as disclosure control sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Households in the cell.
    pub n_cases: usize,
    /// Each case's contribution to the cell's euro totals (in cents). Dominance is judged on
    /// absolute values, since a large negative contribution discloses as much as a positive.
    pub contributions: Vec<i64>,
}

/// A set of cells whose values add up to a published total: subtracting the other cells
/// from the total would reveal a lone suppressed cell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Margin {
    /// The cells, by index.
    pub cells: Vec<usize>,
    /// Whether the margin's total is published (a suppressed total reveals nothing).
    pub total_published: bool,
}

/// Whether a euro total is dominated: its `n` largest absolute contributions exceed `k`
/// percent of the sum of absolute contributions.
pub fn is_dominated(contributions: &[i64], thresholds: &PrivacyThresholds) -> bool {
    let mut magnitudes: Vec<u64> = contributions.iter().map(|c| c.unsigned_abs()).collect();
    let total: u128 = magnitudes.iter().map(|&m| u128::from(m)).sum();
    if total == 0 {
        return false;
    }
    magnitudes.sort_unstable_by(|a, b| b.cmp(a));
    let top: u128 = magnitudes
        .iter()
        .take(thresholds.dominance_n)
        .map(|&m| u128::from(m))
        .sum();
    top as f64 > thresholds.dominance_k / 100.0 * total as f64
}

/// Decides which cells to suppress, and why.
///
/// Primary suppression marks cells below the minimum size and cells whose euro totals are
/// dominated. Secondary suppression then repeats until no margin with a published total has
/// exactly one suppressed cell: in each such margin it also suppresses the smallest
/// unsuppressed cell (fewest cases, then lowest index), so that at least two unknowns remain.
pub fn suppress(
    cells: &[Cell],
    margins: &[Margin],
    thresholds: &PrivacyThresholds,
) -> Vec<Option<Suppression>> {
    let mut suppressed: Vec<Option<Suppression>> = cells
        .iter()
        .map(|cell| {
            if cell.n_cases < thresholds.min_cell_size {
                Some(Suppression::SmallCell)
            } else if is_dominated(&cell.contributions, thresholds) {
                Some(Suppression::Dominance)
            } else {
                None
            }
        })
        .collect();
    loop {
        let mut changed = false;
        for margin in margins.iter().filter(|m| m.total_published) {
            let n_suppressed = margin
                .cells
                .iter()
                .filter(|&&i| suppressed[i].is_some())
                .count();
            if n_suppressed != 1 {
                continue;
            }
            let partner = margin
                .cells
                .iter()
                .copied()
                .filter(|&i| suppressed[i].is_none())
                .min_by_key(|&i| (cells[i].n_cases, i));
            if let Some(partner) = partner {
                suppressed[partner] = Some(Suppression::Secondary);
                changed = true;
            }
        }
        if !changed {
            return suppressed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(n_cases: usize) -> Cell {
        Cell {
            n_cases,
            contributions: vec![100; n_cases],
        }
    }

    fn whole_table(n: usize) -> Vec<Margin> {
        vec![Margin {
            cells: (0..n).collect(),
            total_published: true,
        }]
    }

    const DEFAULT: PrivacyThresholds = PrivacyThresholds::DEFAULT;

    #[test]
    fn small_cells_are_suppressed_with_a_partner() {
        let cells = [cell(30), cell(4), cell(12), cell(50)];
        let result = suppress(&cells, &whole_table(4), &DEFAULT);
        assert_eq!(
            result,
            vec![
                None,
                Some(Suppression::SmallCell),
                Some(Suppression::Secondary),
                None
            ]
        );
    }

    #[test]
    fn two_small_cells_need_no_secondary() {
        let cells = [cell(30), cell(4), cell(3), cell(50)];
        let result = suppress(&cells, &whole_table(4), &DEFAULT);
        assert_eq!(result.iter().filter(|s| s.is_some()).count(), 2);
        assert!(!result.contains(&Some(Suppression::Secondary)));
    }

    #[test]
    fn an_unpublished_total_needs_no_secondary() {
        let cells = [cell(30), cell(4)];
        let margins = [Margin {
            cells: vec![0, 1],
            total_published: false,
        }];
        assert_eq!(
            suppress(&cells, &margins, &DEFAULT),
            vec![None, Some(Suppression::SmallCell)]
        );
    }

    #[test]
    fn dominance_follows_n2_k85() {
        let mut dominated = cell(10);
        dominated.contributions = vec![
            50_000, 40_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000,
        ];
        // 90,000 of 98,000 is 91.8% > 85%.
        assert!(is_dominated(&dominated.contributions, &DEFAULT));
        let mut spread = cell(10);
        spread.contributions = vec![
            30_000, 20_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000,
        ];
        assert!(!is_dominated(&spread.contributions, &DEFAULT));
        let cells = [dominated, spread, cell(20)];
        let result = suppress(&cells, &whole_table(3), &DEFAULT);
        assert_eq!(result[0], Some(Suppression::Dominance));
        assert_eq!(result[1], Some(Suppression::Secondary));
        assert_eq!(result[2], None);
    }

    #[test]
    fn two_dimensional_margins_chain() {
        // A 2×2 table (rows r0, r1 × columns c0, c1) with row and column margins.
        //        c0  c1
        //   r0    3  40
        //   r1   40  40
        let cells = [cell(3), cell(40), cell(40), cell(40)];
        let margins = [
            Margin {
                cells: vec![0, 1],
                total_published: true,
            },
            Margin {
                cells: vec![2, 3],
                total_published: true,
            },
            Margin {
                cells: vec![0, 2],
                total_published: true,
            },
            Margin {
                cells: vec![1, 3],
                total_published: true,
            },
        ];
        let result = suppress(&cells, &margins, &DEFAULT);
        // Every margin ends with zero or at least two suppressed cells: here all four.
        for margin in &margins {
            let n = margin
                .cells
                .iter()
                .filter(|&&i| result[i].is_some())
                .count();
            assert_ne!(n, 1, "{result:?}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// No margin with a published total is left with exactly one suppressed cell, so
            /// no suppressed value can be recovered as total minus the other cells.
            #[test]
            fn no_lone_suppressed_cell_in_any_published_margin(
                sizes in prop::collection::vec(0usize..40, 1..12),
            ) {
                let cells: Vec<Cell> = sizes.iter().map(|&n| cell(n)).collect();
                let margins = whole_table(cells.len());
                let result = suppress(&cells, &margins, &DEFAULT);
                let n = result.iter().filter(|s| s.is_some()).count();
                prop_assert!(n != 1 || cells.len() == 1);
                for (i, c) in cells.iter().enumerate() {
                    if c.n_cases < DEFAULT.min_cell_size {
                        prop_assert_eq!(result[i], Some(Suppression::SmallCell));
                    }
                }
            }
        }
    }
}
