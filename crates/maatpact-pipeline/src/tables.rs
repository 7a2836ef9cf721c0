//! CSV tables, machine-readable first: a decimal point, no thousands separators, euro
//! amounts with two decimals, suppressed cells as `.` with the reason in a `suppressed`
//! column. The report renders these same rows; it never recomputes them.

use maatpact_core::{
    Cents, CooccurrenceRow, Issue, ItemsetRow, PrivacyThresholds, RuleRow, Severity, Suppression,
};

use crate::error::{Error, Result};
use crate::savings::{FinancierRow, SavingsRow, SavingsTable};

/// What a suppressed cell shows.
pub const SUPPRESSED: &str = ".";

/// A table as text cells: what is written as CSV and what the report shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given headers and no rows.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// The CSV bytes.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let to_error = |err: csv::Error| Error::Output {
            what: "table".into(),
            message: err.to_string(),
        };
        writer.write_record(&self.headers).map_err(to_error)?;
        for row in &self.rows {
            writer.write_record(row).map_err(to_error)?;
        }
        writer.into_inner().map_err(|err| Error::Output {
            what: "table".into(),
            message: err.to_string(),
        })
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The cell of a row by column name.
    pub fn cell<'a>(&'a self, row: &'a [String], name: &str) -> Option<&'a str> {
        self.column(name)
            .and_then(|i| row.get(i))
            .map(String::as_str)
    }
}

/// A number with fixed decimals.
pub fn fixed(value: f64, decimals: usize) -> String {
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let text = format!("{value:.decimals$}");
    // `-0.00` reads as a sign error.
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    }
}

/// An optional number with fixed decimals; empty when absent.
pub fn fixed_opt(value: Option<f64>, decimals: usize) -> String {
    value.map(|v| fixed(v, decimals)).unwrap_or_default()
}

/// A p-value: scientific notation with three significant digits.
pub fn p_value(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(0.0) => "0".into(),
        Some(p) if p >= 0.001 => fixed(p, 4),
        Some(p) => format!("{p:.2e}"),
    }
}

/// Cents as euros with two decimals.
pub fn euros(amount: Cents) -> String {
    amount.to_string()
}

/// Hundredths of a euro held as a float (means, medians) as euros with two decimals.
pub fn euros_f64(cents: Option<f64>) -> String {
    cents.map(|c| fixed(c / 100.0, 2)).unwrap_or_default()
}

/// `itemsets.csv`. Combinations found in fewer households than the minimum cell size are
/// not published at all: the mining support floor is raised to it (see
/// [`publishable_min_count`]).
pub fn itemsets_table(rows: &[ItemsetRow]) -> Table {
    let mut table = Table::new(&[
        "itemset",
        "size",
        "count",
        "support",
        "lift",
        "p_value",
        "p_value_holm",
    ]);
    table.rows = rows
        .iter()
        .map(|r| {
            vec![
                r.itemset.clone(),
                r.size.to_string(),
                r.count.to_string(),
                fixed(r.support, 4),
                fixed(r.lift, 4),
                p_value(r.p_value),
                p_value(r.p_value_holm),
            ]
        })
        .collect();
    table
}

/// `rules.csv`.
pub fn rules_table(rows: &[RuleRow]) -> Table {
    let mut table = Table::new(&[
        "antecedent",
        "consequent",
        "count",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
        "zhang",
    ]);
    table.rows = rows
        .iter()
        .map(|r| {
            vec![
                r.antecedent.clone(),
                r.consequent.clone(),
                r.count.to_string(),
                fixed(r.support, 4),
                fixed(r.confidence, 4),
                fixed(r.lift, 4),
                fixed(r.leverage, 4),
                fixed(r.conviction, 4),
                fixed(r.zhang, 4),
            ]
        })
        .collect();
    table
}

/// `cooccurrence.csv`. A pair seen in 1 to `min_cell_size − 1` households is suppressed; a
/// pair never seen is published as 0, which discloses no household.
pub fn cooccurrence_table(rows: &[CooccurrenceRow], thresholds: &PrivacyThresholds) -> Table {
    let mut table = Table::new(&[
        "tag_a",
        "tag_b",
        "count",
        "jaccard",
        "lift",
        "pmi",
        "suppressed",
    ]);
    table.rows = rows
        .iter()
        .map(|r| {
            if r.count > 0 && r.count < thresholds.min_cell_size {
                vec![
                    r.tag_a.clone(),
                    r.tag_b.clone(),
                    SUPPRESSED.into(),
                    SUPPRESSED.into(),
                    SUPPRESSED.into(),
                    SUPPRESSED.into(),
                    Suppression::SmallCell.code().into(),
                ]
            } else {
                vec![
                    r.tag_a.clone(),
                    r.tag_b.clone(),
                    r.count.to_string(),
                    fixed(r.jaccard, 4),
                    fixed(r.lift, 4),
                    fixed_opt(r.pmi, 4),
                    String::new(),
                ]
            }
        })
        .collect();
    table
}

/// The smallest itemset count that may be published: the mining threshold, but never below
/// the minimum cell size.
pub fn publishable_min_count(mining_min_count: usize, thresholds: &PrivacyThresholds) -> usize {
    mining_min_count.max(thresholds.min_cell_size)
}

/// `data_quality.csv` of the publication: how many findings of each kind validation made,
/// and nothing that points at a row. A count below the minimum cell size is suppressed, as
/// it would be in any other table: it counts households.
pub fn data_quality_table(issues: &[Issue], thresholds: &PrivacyThresholds) -> Table {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for issue in issues {
        *counts
            .entry((severity_name(issue.severity), issue.code))
            .or_default() += 1;
    }
    let mut table = Table::new(&["severity", "code", "n_findings", "suppressed"]);
    table.rows = counts
        .into_iter()
        .map(|((severity, code), n)| {
            let small = n < thresholds.min_cell_size;
            vec![
                severity.to_owned(),
                code.to_owned(),
                if small {
                    SUPPRESSED.to_owned()
                } else {
                    n.to_string()
                },
                if small {
                    Suppression::SmallCell.code().to_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table
}

/// `data_quality_rows.csv`, for the internal folder only: every finding of validation with
/// its file, row, column and (masked) value.
pub fn data_quality_rows_table(issues: &[Issue]) -> Table {
    let mut table = Table::new(&[
        "severity", "code", "file", "row", "column", "message", "value",
    ]);
    table.rows = issues
        .iter()
        .map(|i| {
            vec![
                severity_name(i.severity).to_owned(),
                i.code.to_owned(),
                i.file.clone(),
                i.row.map(|r| r.to_string()).unwrap_or_default(),
                i.column.clone().unwrap_or_default(),
                i.message.clone(),
                i.value.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The measure columns of every savings table, after its key columns.
pub const SAVINGS_COLUMNS: [&str; 15] = [
    "n_cases",
    "n_with_kba",
    "cost_current_total",
    "cost_threatened_total",
    "cost_tailored_total",
    "savings_total",
    "savings_mean",
    "savings_median",
    "savings_ci_low",
    "savings_ci_high",
    "breakthrough_spend_total",
    "return_per_euro",
    "satisfaction_change_mean",
    "suppressed",
    "attribution",
];

fn savings_cells(row: &SavingsRow, attribution: &str) -> Vec<String> {
    let hide_all = matches!(
        row.suppressed,
        Some(Suppression::SmallCell | Suppression::Secondary)
    );
    let hide_euros = row.suppressed.is_some();
    let count = |v: usize| {
        if hide_all {
            SUPPRESSED.to_owned()
        } else {
            v.to_string()
        }
    };
    let money = |text: String| {
        if hide_euros {
            SUPPRESSED.to_owned()
        } else {
            text
        }
    };
    let (ci_low, ci_high) = match row.savings_ci {
        Some((low, high)) => (euros_f64(Some(low)), euros_f64(Some(high))),
        None => (String::new(), String::new()),
    };
    vec![
        count(row.n_cases),
        count(row.n_with_kba),
        money(euros(row.cost_current_total)),
        money(euros(row.cost_threatened_total)),
        money(euros(row.cost_tailored_total)),
        money(euros(row.savings_total)),
        money(euros_f64(row.savings_mean)),
        money(euros_f64(row.savings_median)),
        money(ci_low),
        money(ci_high),
        money(euros(row.breakthrough_spend_total)),
        money(fixed_opt(row.return_per_euro, 2)),
        if hide_all {
            SUPPRESSED.to_owned()
        } else {
            fixed_opt(row.satisfaction_change_mean, 2)
        },
        row.suppressed
            .map(|s| s.code().to_owned())
            .unwrap_or_default(),
        attribution.to_owned(),
    ]
}

/// A savings table with its key columns first. The `attribution` column says how a case
/// in several groups counts: `single` (each case in one group), `count` or `split`.
pub fn savings_rows_table(keys: &[&str], table: &SavingsTable) -> Table {
    let headers: Vec<&str> = keys.iter().copied().chain(SAVINGS_COLUMNS).collect();
    let mut out = Table::new(&headers);
    let attribution = if table.partition {
        "single"
    } else {
        match table.attribution {
            crate::savings::Attribution::Count => "count",
            crate::savings::Attribution::Split => "split",
        }
    };
    out.rows = table
        .rows
        .iter()
        .map(|row| {
            row.keys
                .iter()
                .cloned()
                .chain(savings_cells(row, attribution))
                .collect()
        })
        .collect();
    out
}

/// A financier table: who benefits.
pub fn financier_rows_table(keys: &[&str], rows: &[FinancierRow]) -> Table {
    let headers: Vec<&str> = keys
        .iter()
        .copied()
        .chain(["label_nl", "n_cases", "savings_total", "suppressed"])
        .collect();
    let mut out = Table::new(&headers);
    out.rows = rows
        .iter()
        .map(|row| {
            let hidden = row.suppressed.is_some();
            let value = |text: String| if hidden { SUPPRESSED.to_owned() } else { text };
            row.keys
                .iter()
                .cloned()
                .chain([
                    row.financier.label_nl().to_owned(),
                    value(row.n_cases.to_string()),
                    value(euros(row.savings_total)),
                    row.suppressed
                        .map(|s| s.code().to_owned())
                        .unwrap_or_default(),
                ])
                .collect()
        })
        .collect();
    out
}
