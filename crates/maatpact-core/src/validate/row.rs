//! One row to a case: its shape, BSNs, then one field group at a time. Rows are checked
//! in parallel, a chunk per task; what needs them in order (duplicate ids, numbering new
//! tags) is left to the merge.

use std::collections::HashMap;

use super::columns::Columns;
use super::{Field, Findings, Head, IssueCode, LoadOptions, RawRow, UnknownTags, field_name};
use crate::case::{BottleneckId, Case, Date, Payer, TagId};
use crate::config::{Config, Vocabulary, did_you_mean};
use crate::money::Cents;
use crate::numbers::{DecimalStyle, NumberError, StyleEvidence, parse_hundredths, style_evidence};
use crate::privacy::{PSEUDONYMISE_HINT, case_id_is_bsn, find_bsn, mask};

/// Checks the rows of one chunk.
pub(super) struct RowChecker<'l> {
    head: &'l Head<'l>,
    config: &'l Config,
    options: &'l LoadOptions,
    /// The configured vocabulary; tags new to it are collected, not added.
    vocabulary: &'l Vocabulary,
    columns: &'l Columns,
    decimal: (DecimalStyle, bool),
    separators: &'l [char],
    /// The findings of the row being checked.
    issues: Vec<super::Issue>,
    /// Unknown tags of the row being checked, kept under `--unknown-tags keep`.
    new_tags: Vec<String>,
    /// Resolved tag names, so a chunk of the same few names resolves each name once.
    tag_cache: HashMap<String, Result<TagId, Option<String>>>,
    /// Resolved bottleneck names, likewise: an unknown name costs a did-you-mean search.
    bottleneck_cache: HashMap<String, Result<BottleneckId, Option<String>>>,
}

/// What checking one row gave, before the checks that need the rows in order.
pub(super) struct RowOutcome {
    pub row: usize,
    /// The row's case id as written (trimmed), when the row was read as a case.
    pub case_id: Option<Box<str>>,
    pub case: Option<Case>,
    pub issues: Vec<super::Issue>,
    /// Where a duplicate-id finding goes among `issues`: after the BSN findings, as the
    /// row is read from left to right.
    pub id_finding_at: usize,
    pub new_tags: Vec<String>,
}

impl Findings for RowChecker<'_> {
    fn head(&self) -> &Head<'_> {
        self.head
    }

    fn record(&mut self, issue: super::Issue) {
        self.issues.push(issue);
    }
}

/// A row's cells, trimmed.
struct Cells<'r> {
    raw: &'r RawRow,
    columns: &'r Columns,
}

impl<'r> Cells<'r> {
    fn at(&self, index: usize) -> &'r str {
        self.raw.get(index).map(str::trim).unwrap_or("")
    }

    /// The column of a field and its trimmed cell, when the field has a column.
    fn field(&self, field: Field) -> Option<(usize, &'r str)> {
        let index = self.columns.get(field)?;
        Some((index, self.at(index)))
    }

    /// A text field's value, when not empty.
    fn text(&self, field: Field) -> Option<String> {
        self.field(field)
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
}

impl<'l> RowChecker<'l> {
    pub fn new(
        head: &'l Head<'l>,
        config: &'l Config,
        options: &'l LoadOptions,
        vocabulary: &'l Vocabulary,
        columns: &'l Columns,
        decimal: (DecimalStyle, bool),
        separators: &'l [char],
    ) -> RowChecker<'l> {
        RowChecker {
            head,
            config,
            options,
            vocabulary,
            columns,
            decimal,
            separators,
            issues: Vec::new(),
            new_tags: Vec::new(),
            tag_cache: HashMap::new(),
            bottleneck_cache: HashMap::new(),
        }
    }

    pub fn check(&mut self, raw: &RawRow) -> RowOutcome {
        let head = self.head;
        let mut outcome = RowOutcome {
            row: raw.row,
            case_id: None,
            case: None,
            issues: Vec::new(),
            id_finding_at: 0,
            new_tags: Vec::new(),
        };
        if raw.len() > head.headers.len()
            && raw
                .cells()
                .skip(head.headers.len())
                .any(|c| !c.trim().is_empty())
        {
            self.push(
                IssueCode::RaggedRow,
                Some(raw.row),
                None,
                format!(
                    "row has {} fields but the header has {} (a stray delimiter, or mixed delimiters?)",
                    raw.len(),
                    head.headers.len()
                ),
                None,
            );
        } else if raw.len() < head.headers.len() {
            // A short row is almost always a broken line (an unquoted newline in a text
            // cell, a lost delimiter): reading it would silently shift or drop the values
            // it lacks. Empty trailing fields count, so `a;b;;;` under five columns is whole.
            self.push(
                IssueCode::ShortRow,
                Some(raw.row),
                None,
                format!(
                    "row has {} field{} but the header has {}: a broken line (a newline inside an unquoted text cell?), a lost delimiter, or mixed delimiters; fix the file",
                    raw.len(),
                    if raw.len() == 1 { "" } else { "s" },
                    head.headers.len()
                ),
                None,
            );
        } else {
            let case_id_column = self.columns.get(Field::CaseId);
            self.scan_row_for_bsn(raw, case_id_column);
            outcome.id_finding_at = self.issues.len();
            outcome.case_id = case_id_column
                .and_then(|i| raw.get(i))
                .map(|id| id.trim().into());
            outcome.case = self.read_row(raw);
            outcome.new_tags = std::mem::take(&mut self.new_tags);
        }
        outcome.issues = std::mem::take(&mut self.issues);
        outcome
    }

    /// Any cell, in any column, that holds a BSN refuses the input. The value is masked. The
    /// case id may be any pseudonym (digit runs included), so there only an id that is
    /// exactly a BSN counts.
    fn scan_row_for_bsn(&mut self, raw: &RawRow, case_id_column: Option<usize>) {
        let head = self.head;
        for (index, cell) in raw.cells().enumerate().take(head.headers.len()) {
            let found = if Some(index) == case_id_column {
                case_id_is_bsn(cell)
            } else {
                find_bsn(cell)
            };
            if let Some(digits) = found {
                let digits = std::str::from_utf8(&digits).unwrap_or_default();
                self.push(
                    IssueCode::Bsn,
                    Some(raw.row),
                    Some(index),
                    format!(
                        "cell holds what looks like a BSN (9 digits, or 8 with the leading zero left out, that pass the elfproef); maatpact refuses personal data: {PSEUDONYMISE_HINT}, and remove BSNs from free text"
                    ),
                    Some(mask(digits)),
                );
            }
        }
    }

    /// One row to a case, one field group at a time; `None` when the file has no case-id
    /// column (refused earlier).
    fn read_row(&mut self, raw: &RawRow) -> Option<Case> {
        let columns = self.columns;
        let cells = Cells { raw, columns };
        let row = raw.row;
        let case_id_col = columns.get(Field::CaseId)?;
        let case_id = cells.at(case_id_col);
        if case_id.is_empty() {
            let message = "case_id is empty".into();
            self.error(IssueCode::EmptyCaseId, row, case_id_col, message, "");
        }
        let mut case = Case::new(case_id, Vec::new());
        if self.options.scope == super::Scope::Tags {
            case.tags = self.read_problems(&cells, row);
            return Some(case);
        }
        case.municipality = cells.text(Field::Municipality);
        case.phase = cells.text(Field::Phase);
        case.budget_category = cells.text(Field::BudgetCategory).map(|c| c.to_lowercase());
        case.payer = self.read_payer(&cells, row);
        case.true_cluster = cells.text(Field::TrueCluster);
        case.start_date = self.read_date(&cells, row);
        case.tags = self.read_problems(&cells, row);
        case.costs.current = self.read_money(&cells, row, Field::CostCurrent, false);
        case.costs.threatened = self.read_money(&cells, row, Field::CostThreatened, false);
        case.costs.tailored = self.read_money(&cells, row, Field::CostTailored, false);
        case.breakthrough_spend = self.read_money(&cells, row, Field::BreakthroughSpend, false);
        for (i, slot) in case.savings_by_financier.iter_mut().enumerate() {
            *slot = self.read_money(&cells, row, Field::Savings(i), true);
        }
        case.satisfaction.start = self.read_score(&cells, row, Field::SatisfactionStart);
        case.satisfaction.month_6 = self.read_score(&cells, row, Field::Satisfaction6m);
        case.satisfaction.month_12 = self.read_score(&cells, row, Field::Satisfaction12m);
        case.executed = self.read_executed(&cells, row);
        if let Some((index, value)) = cells.field(Field::Bottlenecks) {
            case.bottlenecks = self.read_bottlenecks(value, row, index);
        }
        self.check_consistency(&case, row, columns);
        Some(case)
    }

    fn read_date(&mut self, cells: &Cells<'_>, row: usize) -> Option<Date> {
        let (index, value) = cells.field(Field::StartDate)?;
        if value.is_empty() {
            return None;
        }
        let date = parse_date(value);
        if date.is_none() {
            let message = "not a date (use yyyy-mm-dd or dd-mm-yyyy)".into();
            self.error(IssueCode::BadDate, row, index, message, value);
        }
        date
    }

    /// Problems: a list column, one-hot columns, or both; sorted, without duplicates.
    fn read_problems(&mut self, cells: &Cells<'_>, row: usize) -> Vec<TagId> {
        let columns = self.columns;
        let mut tags = Vec::new();
        if let Some((index, value)) = cells.field(Field::Problems) {
            for item in split_list(value, self.separators) {
                if let Some(tag) = self.resolve_tag(item, row, index) {
                    tags.push(tag);
                }
            }
        }
        for &(tag, index) in &columns.one_hot {
            match parse_flag(cells.at(index), true) {
                Some(true) => tags.push(tag),
                Some(false) => {}
                None => {
                    let message =
                        "not a yes/no value (use 1/0, ja/nee, x/empty, true/false)".into();
                    self.error(IssueCode::BadFlag, row, index, message, cells.at(index));
                }
            }
        }
        tags.sort_unstable();
        tags.dedup();
        if tags.is_empty() && self.new_tags.is_empty() {
            let column = columns
                .get(Field::Problems)
                .or(columns.one_hot.first().map(|&(_, i)| i));
            let message = "case has no problems recorded".into();
            self.push(IssueCode::NoProblems, Some(row), column, message, None);
        }
        tags
    }

    /// An amount in the file's decimal style, as cents.
    fn read_money(
        &mut self,
        cells: &Cells<'_>,
        row: usize,
        field: Field,
        allow_negative: bool,
    ) -> Option<Cents> {
        let (index, value) = cells.field(field)?;
        if value.is_empty() {
            return None;
        }
        let (decimal, certain) = self.decimal;
        match parse_number(value, decimal, certain) {
            Ok(hundredths) if hundredths < 0 && !allow_negative => {
                let message = format!("{} cannot be negative", field_name(field));
                self.error(IssueCode::NegativeCost, row, index, message, value);
                None
            }
            Ok(hundredths) => Some(Cents(hundredths)),
            Err(err) => {
                let message = number_message(&err, decimal);
                self.error(IssueCode::BadNumber, row, index, message, value);
                None
            }
        }
    }

    /// A satisfaction score, 1 to 10.
    fn read_score(&mut self, cells: &Cells<'_>, row: usize, field: Field) -> Option<f64> {
        let (index, value) = cells.field(field)?;
        if value.is_empty() {
            return None;
        }
        let (decimal, certain) = self.decimal;
        match parse_number(value, decimal, certain) {
            Ok(hundredths) if (100..=1000).contains(&hundredths) => Some(hundredths as f64 / 100.0),
            Ok(_) => {
                let message = "satisfaction must be between 1 and 10".into();
                self.error(
                    IssueCode::SatisfactionOutOfRange,
                    row,
                    index,
                    message,
                    value,
                );
                None
            }
            Err(err) => {
                let message = number_message(&err, decimal);
                self.error(IssueCode::BadNumber, row, index, message, value);
                None
            }
        }
    }

    fn read_payer(&mut self, cells: &Cells<'_>, row: usize) -> Option<Payer> {
        let (index, value) = cells.field(Field::BreakthroughPayer)?;
        if value.is_empty() {
            return None;
        }
        let payer = Payer::parse(value);
        if payer.is_none() {
            let known: Vec<&str> = Payer::ALL.iter().map(|p| p.id()).collect();
            let message = format!(
                "not a known budget; use one of {} (or a name such as doorbraakbudget, bijzondere bijstand, Jeugdwet)",
                known.join(", ")
            );
            self.error(IssueCode::UnknownPayer, row, index, message, value);
        }
        payer
    }

    fn read_executed(&mut self, cells: &Cells<'_>, row: usize) -> Option<bool> {
        let (index, value) = cells.field(Field::Executed)?;
        if value.is_empty() {
            return None;
        }
        let flag = parse_flag(value, false);
        if flag.is_none() {
            let message = "not a yes/no value (use ja/nee, yes/no, true/false, 1/0)".into();
            self.error(IssueCode::BadFlag, row, index, message, value);
        }
        flag
    }

    fn read_bottlenecks(&mut self, value: &str, row: usize, index: usize) -> Vec<BottleneckId> {
        let mut bottlenecks: Vec<BottleneckId> = Vec::new();
        for item in split_list(value, self.separators) {
            let resolved = match self.bottleneck_cache.get(item) {
                Some(resolved) => resolved.clone(),
                None => {
                    let resolved = self.config.catalogue.resolve(item);
                    self.bottleneck_cache
                        .insert(item.to_owned(), resolved.clone());
                    resolved
                }
            };
            match resolved {
                Ok(id) => bottlenecks.push(id),
                Err(suggestion) => {
                    let message = format!(
                        "unknown bottleneck{}; add it to the catalogue with --config",
                        did_you_mean(suggestion.as_deref())
                    );
                    self.error(IssueCode::UnknownBottleneck, row, index, message, item);
                }
            }
        }
        bottlenecks.sort_unstable();
        bottlenecks.dedup();
        bottlenecks
    }

    fn resolve_tag(&mut self, item: &str, row: usize, index: usize) -> Option<TagId> {
        let resolved = match self.tag_cache.get(item) {
            Some(resolved) => resolved.clone(),
            None => {
                let resolved = self.vocabulary.resolve(item);
                self.tag_cache.insert(item.to_owned(), resolved.clone());
                resolved
            }
        };
        match resolved {
            Ok(tag) => Some(tag),
            Err(_) if self.options.unknown_tags == UnknownTags::Keep => {
                // Numbered in file order by `Validator::merge`.
                self.new_tags.push(item.to_owned());
                None
            }
            Err(suggestion) => {
                self.error(
                    IssueCode::UnknownTag,
                    row,
                    index,
                    format!(
                        "unknown problem tag{}; add it to the vocabulary with --config, or accept new tags with --unknown-tags keep",
                        did_you_mean(suggestion.as_deref())
                    ),
                    item,
                );
                None
            }
        }
    }

    fn check_consistency(&mut self, case: &Case, row: usize, columns: &Columns) {
        let (Some(threatened), Some(tailored)) = (case.costs.threatened, case.costs.tailored)
        else {
            return;
        };
        if tailored > threatened {
            self.push(
                IssueCode::NegativeSavings,
                Some(row),
                columns.get(Field::CostTailored),
                "maatwerk is higher than dreigend: the savings are negative".into(),
                Some(format!("{} > {}", tailored, threatened)),
            );
        }
        if case.savings_by_financier.iter().any(Option::is_some) {
            let split: Cents = case.savings_by_financier.iter().flatten().copied().sum();
            let savings = threatened - tailored;
            if (split - savings).0.abs() > 100 {
                self.push(
                    IssueCode::SavingsSplitMismatch,
                    Some(row),
                    None,
                    format!(
                        "savings per financier add up to {split}, but dreigend − maatwerk is {savings}"
                    ),
                    None,
                );
            }
        }
    }
}

fn number_message(err: &NumberError, decimal: DecimalStyle) -> String {
    match err {
        NumberError::Invalid => format!(
            "not a number (this file uses decimal {decimal}; override with --decimal comma|point)"
        ),
        other => other.to_string(),
    }
}

/// Parses a number in the file's style. When the style is not certain, a value that the two
/// styles read differently is ambiguous.
fn parse_number(value: &str, decimal: DecimalStyle, certain: bool) -> Result<i64, NumberError> {
    if !certain && style_evidence(value) == StyleEvidence::Ambiguous {
        return Err(NumberError::Ambiguous);
    }
    parse_hundredths(value, decimal)
}

/// Splits a list cell on any of the separators, trimming items and dropping empty ones.
fn split_list<'s>(cell: &'s str, separators: &[char]) -> impl Iterator<Item = &'s str> {
    cell.split(move |c| separators.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Parses a yes/no cell. In one-hot columns an empty cell means no.
pub(crate) fn parse_flag(value: &str, empty_is_false: bool) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "1" | "ja" | "j" | "yes" | "y" | "true" | "waar" | "x" => Some(true),
        "0" | "nee" | "n" | "no" | "false" | "onwaar" => Some(false),
        "" if empty_is_false => Some(false),
        _ => None,
    }
}

/// `yyyy-mm-dd`, `dd-mm-yyyy` or `dd/mm/yyyy`, checked against the calendar.
pub fn parse_date(value: &str) -> Option<Date> {
    let parts: Vec<&str> = value.trim().split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 {
        (number(c)?, number(b)?, number(a)?)
    } else {
        return None;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1900..=2100).contains(&year) || day == 0 || day > days_in_month {
        return None;
    }
    Some(Date {
        year: year as i32,
        month: month as u8,
        day: day as u8,
    })
}
