//! Writing case records in the case-record format: plain CSV, Dutch Excel-style CSV and
//! Parquet. Used by `maatpact synth` and `maatpact pseudonymise`.

use std::path::Path;

use maatpact_core::{Case, Cents, FIELDS, Field, Vocabulary, field_name};

use crate::error::{Error, Result};
use crate::io::atomic::write_file_atomic;
use crate::io::read::InputFormat;

/// How a case file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseFileStyle {
    /// `,`-separated, English headers, decimal point, lists joined with `|`.
    Plain,
    /// As Dutch Excel writes it: `;`-separated, Dutch headers, `€ 20.000,00`, `ja`/`nee`.
    DutchExcel,
}

/// The columns written, in order.
const COLUMNS: [Field; 24] = [
    Field::CaseId,
    Field::Municipality,
    Field::Phase,
    Field::StartDate,
    Field::Problems,
    Field::CostCurrent,
    Field::CostThreatened,
    Field::CostTailored,
    Field::BreakthroughSpend,
    Field::BudgetCategory,
    Field::BreakthroughPayer,
    Field::Bottlenecks,
    Field::SatisfactionStart,
    Field::Satisfaction6m,
    Field::Satisfaction12m,
    Field::Executed,
    Field::Savings(0),
    Field::Savings(1),
    Field::Savings(2),
    Field::Savings(3),
    Field::Savings(4),
    Field::Savings(5),
    Field::Savings(6),
    Field::TrueCluster,
];

fn header(field: Field, style: CaseFileStyle) -> &'static str {
    match style {
        CaseFileStyle::Plain => field_name(field),
        CaseFileStyle::DutchExcel => FIELDS
            .iter()
            .find(|(f, _, _)| *f == field)
            .and_then(|(_, name, aliases)| aliases.first().or(Some(name)))
            .copied()
            .unwrap_or_else(|| field_name(field)),
    }
}

/// `€ 20.000,50` as Dutch Excel shows it.
fn dutch_euros(amount: Cents) -> String {
    let plain = amount.to_string();
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int_part, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}€ {grouped},{frac}")
}

fn score(value: f64, style: CaseFileStyle) -> String {
    let text = format!("{value}");
    match style {
        CaseFileStyle::Plain => text,
        CaseFileStyle::DutchExcel => text.replace('.', ","),
    }
}

/// The cells of one case, in [`COLUMNS`] order.
fn case_cells(
    case: &Case,
    vocabulary: &Vocabulary,
    bottleneck_ids: &[String],
    style: CaseFileStyle,
) -> Vec<String> {
    let money = |amount: Option<Cents>| match (amount, style) {
        (None, _) => String::new(),
        (Some(a), CaseFileStyle::Plain) => a.to_string(),
        (Some(a), CaseFileStyle::DutchExcel) => dutch_euros(a),
    };
    let list_separator = match style {
        CaseFileStyle::Plain => "|",
        CaseFileStyle::DutchExcel => ", ",
    };
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    COLUMNS
        .iter()
        .map(|field| match field {
            Field::CaseId => case.case_id.clone(),
            Field::Municipality => optional(&case.municipality),
            Field::Phase => optional(&case.phase),
            Field::StartDate => case.start_date.map(|d| d.to_string()).unwrap_or_default(),
            Field::Problems => case
                .tags
                .iter()
                .map(|&t| vocabulary.id(t))
                .collect::<Vec<_>>()
                .join(list_separator),
            Field::CostCurrent => money(case.costs.current),
            Field::CostThreatened => money(case.costs.threatened),
            Field::CostTailored => money(case.costs.tailored),
            Field::BreakthroughSpend => money(case.breakthrough_spend),
            Field::BudgetCategory => optional(&case.budget_category),
            Field::BreakthroughPayer => case.payer.map(|p| p.id().to_owned()).unwrap_or_default(),
            Field::Bottlenecks => case
                .bottlenecks
                .iter()
                .map(|b| bottleneck_ids[b.index()].as_str())
                .collect::<Vec<_>>()
                .join(list_separator),
            Field::SatisfactionStart => case
                .satisfaction
                .start
                .map(|v| score(v, style))
                .unwrap_or_default(),
            Field::Satisfaction6m => case
                .satisfaction
                .month_6
                .map(|v| score(v, style))
                .unwrap_or_default(),
            Field::Satisfaction12m => case
                .satisfaction
                .month_12
                .map(|v| score(v, style))
                .unwrap_or_default(),
            Field::Executed => match (case.executed, style) {
                (None, _) => String::new(),
                (Some(true), CaseFileStyle::Plain) => "yes".into(),
                (Some(false), CaseFileStyle::Plain) => "no".into(),
                (Some(true), CaseFileStyle::DutchExcel) => "ja".into(),
                (Some(false), CaseFileStyle::DutchExcel) => "nee".into(),
            },
            Field::Savings(i) => money(case.savings_by_financier[*i]),
            Field::TrueCluster => optional(&case.true_cluster),
        })
        .collect()
}

/// Case records as CSV bytes.
pub fn cases_to_csv(
    cases: &[Case],
    vocabulary: &Vocabulary,
    bottleneck_ids: &[String],
    style: CaseFileStyle,
) -> Result<Vec<u8>> {
    let delimiter = match style {
        CaseFileStyle::Plain => b',',
        CaseFileStyle::DutchExcel => b';',
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let to_error = |err: csv::Error| Error::Output {
        what: "case records".into(),
        message: err.to_string(),
    };
    writer
        .write_record(COLUMNS.iter().map(|&f| header(f, style)))
        .map_err(to_error)?;
    for case in cases {
        writer
            .write_record(case_cells(case, vocabulary, bottleneck_ids, style))
            .map_err(to_error)?;
    }
    writer.into_inner().map_err(|err| Error::Output {
        what: "case records".into(),
        message: err.to_string(),
    })
}

/// Case records as Parquet bytes: every column as text, like the CSV.
pub fn cases_to_parquet(
    cases: &[Case],
    vocabulary: &Vocabulary,
    bottleneck_ids: &[String],
) -> Result<Vec<u8>> {
    use polars::prelude::*;
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| case_cells(c, vocabulary, bottleneck_ids, CaseFileStyle::Plain))
        .collect();
    let columns: Vec<Column> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, &field)| {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|r| (!r[i].is_empty()).then_some(r[i].as_str()))
                .collect();
            Column::new(field_name(field).into(), values)
        })
        .collect();
    let to_error = |err: PolarsError| Error::Output {
        what: "parquet".into(),
        message: err.to_string(),
    };
    let mut frame = DataFrame::new(cases.len(), columns).map_err(to_error)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut frame)
        .map_err(to_error)?;
    Ok(bytes)
}

/// Writes case records to `path`, in the format its extension names (`.parquet` or CSV),
/// atomically.
pub fn write_cases(
    path: &Path,
    cases: &[Case],
    vocabulary: &Vocabulary,
    bottleneck_ids: &[String],
    style: CaseFileStyle,
) -> Result<()> {
    let bytes = match InputFormat::of(path) {
        InputFormat::Parquet => cases_to_parquet(cases, vocabulary, bottleneck_ids)?,
        InputFormat::Xlsx => {
            return Err(Error::Usage(
                "writing .xlsx is not supported; write .csv and open it in Excel".into(),
            ));
        }
        InputFormat::Delimited => cases_to_csv(cases, vocabulary, bottleneck_ids, style)?,
    };
    write_file_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_euros_group_thousands() {
        assert_eq!(dutch_euros(Cents(2_000_000)), "€ 20.000,00");
        assert_eq!(dutch_euros(Cents(135_433)), "€ 1.354,33");
        assert_eq!(dutch_euros(Cents(-50)), "-€ 0,50");
        assert_eq!(dutch_euros(Cents(100_000_000)), "€ 1.000.000,00");
    }
}
