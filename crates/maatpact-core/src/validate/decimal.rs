//! The decimal style of a file: forced, voted by its numbers, or given by its delimiter.

use rayon::prelude::*;

use super::{Columns, Field, RawRow, Validator};
use crate::numbers::{DecimalStyle, StyleEvidence, style_evidence};

/// The columns that hold numbers.
fn numeric_columns(columns: &Columns) -> Vec<usize> {
    columns
        .fields
        .iter()
        .filter(|(f, _)| {
            matches!(
                f,
                Field::CostCurrent
                    | Field::CostThreatened
                    | Field::CostTailored
                    | Field::BreakthroughSpend
                    | Field::SatisfactionStart
                    | Field::Satisfaction6m
                    | Field::Satisfaction12m
                    | Field::Savings(_)
            )
        })
        .map(|&(_, i)| i)
        .collect()
}

impl Validator<'_> {
    /// The decimal style of the file, and whether it is certain: forced by `--decimal`, else
    /// what most values say, else what the delimiter says (`;` → comma, `,` → point). Without
    /// any of these (a tab-separated or typed file of whole numbers), or when the values
    /// outvote the delimiter, it is uncertain, and
    /// values such as `1.500` that read differently in the two styles are reported, not
    /// guessed. Values that contradict the chosen style are reported where they are parsed.
    pub(super) fn decide_decimal(
        &mut self,
        columns: &Columns,
        rows: &[RawRow],
    ) -> (DecimalStyle, bool) {
        if let Some(style) = self.options.decimal {
            return (style, true);
        }
        // Every numeric cell votes: two parses each, so the rows are counted in parallel
        // (integer counts, the same whatever the number of threads).
        let numeric = numeric_columns(columns);
        let (comma, point) = rows
            .par_iter()
            .map(|raw| {
                let (mut comma, mut point) = (0usize, 0usize);
                for &index in &numeric {
                    match raw.get(index).map(style_evidence) {
                        Some(StyleEvidence::Comma) => comma += 1,
                        Some(StyleEvidence::Point) => point += 1,
                        _ => {}
                    }
                }
                (comma, point)
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        let by_delimiter = match self.head.delimiter {
            Some(';') => Some(DecimalStyle::Comma),
            Some(',') => Some(DecimalStyle::Point),
            _ => None,
        };
        // When the values outvote the delimiter (one `20.00` in a `;` file) the style is not
        // certain: `90.000` must then be reported as ambiguous, not read as 90 euros.
        let agrees = |style: DecimalStyle| by_delimiter.is_none_or(|d| d == style);
        match (comma.cmp(&point), by_delimiter) {
            (std::cmp::Ordering::Greater, _) => (DecimalStyle::Comma, agrees(DecimalStyle::Comma)),
            (std::cmp::Ordering::Less, _) => (DecimalStyle::Point, agrees(DecimalStyle::Point)),
            (std::cmp::Ordering::Equal, Some(style)) => (style, true),
            (std::cmp::Ordering::Equal, None) => (DecimalStyle::Point, false),
        }
    }
}
