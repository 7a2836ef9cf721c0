//! `maatpact audit`: what an outsider can derive from a published folder alone.

use std::path::Path;

use maatpact_core::publication::link;
use maatpact_core::{AuditReport, PrivacyThresholds, audit};

use super::csv::read_figures;
use crate::error::Result;

/// The audit of a folder.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditOutcome {
    /// Every exposed group of households, and the intervals of the hidden figures.
    pub report: AuditReport,
    /// Figures read.
    pub n_figures: usize,
    /// Of which hidden.
    pub n_hidden: usize,
    /// The minimum cell size audited against.
    pub min_cell_size: usize,
}

impl AuditOutcome {
    /// Whether nothing is exposed.
    pub fn passed(&self) -> bool {
        self.report.findings.is_empty()
    }

    /// The outcome in words: one line per finding, then a summary line.
    pub fn to_text(&self) -> String {
        let mut text: String = self
            .report
            .findings
            .iter()
            .map(|f| format!("exposed: {f}\n"))
            .collect();
        // Only a count that may be small needs a wide interval: a hidden count an outsider
        // can pin down at 40 households discloses nothing.
        let narrowest = self
            .report
            .intervals
            .iter()
            .filter(|i| i.is_count && i.low < self.min_cell_size as f64 - 0.5 && i.high >= 0.5)
            .map(|i| i.high - i.low)
            .fold(f64::INFINITY, f64::min);
        text.push_str(&format!(
            "{} figures, {} hidden; {} exposed{}\n",
            self.n_figures,
            self.n_hidden,
            self.report.findings.len(),
            if narrowest.is_finite() {
                format!("; the narrowest interval of a hidden count that may be small is {narrowest} wide")
            } else {
                String::new()
            }
        ));
        text
    }
}

/// Audits a published folder with nothing but its files: every relation between its
/// figures, and for every hidden or small figure the tightest interval an outsider gets by
/// linear programming, against its protection interval.
pub fn audit_folder(dir: &Path, thresholds: &PrivacyThresholds) -> Result<AuditOutcome> {
    let mut input = read_figures(dir)?;
    input.min_cell_size = thresholds.min_cell_size;
    let n_figures = input
        .rows
        .iter()
        .map(|r| r.counts.len() + r.amounts.len())
        .sum();
    let n_hidden = input
        .rows
        .iter()
        .flat_map(|r| r.counts.iter().chain(&r.amounts))
        .filter(|v| v.is_none())
        .count();
    let linked = link(&input);
    Ok(AuditOutcome {
        report: audit(&linked.model, thresholds)?,
        n_figures,
        n_hidden,
        min_cell_size: thresholds.min_cell_size,
    })
}
