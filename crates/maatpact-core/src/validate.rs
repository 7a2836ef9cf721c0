//! From a raw table of strings to typed [`Case`]s, collecting every problem on the way.

use std::collections::HashMap;

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::case::{BottleneckId, Case, Date, TagId};
use crate::config::{Config, Vocabulary, did_you_mean};
use crate::money::Cents;
use crate::numbers::{DecimalStyle, NumberError, StyleEvidence, parse_hundredths, style_evidence};
use crate::privacy::{PSEUDONYMISE_HINT, case_id_is_bsn, find_bsn, identifier_in_header, mask};
use crate::text::header_key;

/// A table as read from a file: headers and rows of strings, before any interpretation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawTable {
    /// The file name, as shown in messages.
    pub source: String,
    /// The delimiter of a text file; `None` for typed sources (xlsx, Parquet).
    pub delimiter: Option<char>,
    /// The row number of the header (1 for CSV; the first non-empty row for xlsx).
    pub header_row: usize,
    /// Column headers, as written.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<RawRow>,
    /// Findings of the reader (e.g. a Windows-1252 file decoded), passed on by [`validate`].
    pub notices: Vec<Issue>,
}

/// One data row of a [`RawTable`]: its cells stored end to end in one string, so that a
/// million rows of 23 cells cost two allocations each rather than 23 (at 1,000,000 cases
/// the table of one `String` per cell took 1.9 GB, most of it allocator overhead).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRow {
    /// The row number in the file, as a user finds it (header is row 1 in a CSV).
    pub row: usize,
    text: String,
    /// Where each cell ends in `text`; a short row has fewer cells than headers.
    ends: Vec<u32>,
}

impl RawRow {
    /// A row from its cells, in column order.
    ///
    /// # Panics
    /// If the cells add up to 4 GiB or more; readers refuse cells of more than 1 MiB and
    /// rows of more than 1,000 columns, far below it.
    pub fn new<S: AsRef<str>>(row: usize, cells: impl IntoIterator<Item = S>) -> RawRow {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            ends.push(u32::try_from(text.len()).expect("a row is below 4 GiB"));
        }
        text.shrink_to_fit();
        RawRow { row, text, ends }
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `index`, as written.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        Some(&self.text[start..end])
    }

    /// The cells, in column order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("index below len"))
    }
}

/// What to do with problem tags that are not in the vocabulary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownTags {
    /// Report them as errors, with a suggestion.
    #[default]
    Error,
    /// Accept them as new tags.
    Keep,
}

impl std::str::FromStr for UnknownTags {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(UnknownTags::Error),
            "keep" => Ok(UnknownTags::Keep),
            other => Err(format!("unknown value `{other}` (use error or keep)")),
        }
    }
}

/// Options for [`validate`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Force a decimal style instead of detecting it.
    pub decimal: Option<DecimalStyle>,
    /// Unknown problem tags: error (default) or keep.
    pub unknown_tags: UnknownTags,
}

/// How serious an [`Issue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input is usable; the finding is reported.
    Warning,
    /// The input cannot be used until this is fixed.
    Error,
}

/// A validation finding, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code for the kind of finding, e.g. `negative_cost`.
    pub code: &'static str,
    /// The file.
    pub file: String,
    /// The row, when the finding is about one row (the header row for column findings).
    pub row: Option<usize>,
    /// The column header as written, when the finding is about one column.
    pub column: Option<String>,
    /// What is wrong, and how to fix it where that is not obvious.
    pub message: String,
    /// The offending value, masked when it may identify a person.
    pub value: Option<String>,
}

/// `file:row:column: severity: message (value)`, leaving out what is unknown.
impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ":{row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ":{column}")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}: {}", self.message)?;
        if let Some(value) = &self.value {
            write!(f, " ({value})")?;
        }
        Ok(())
    }
}

/// The result of [`validate`]: the cases that could be read, the vocabulary (with any kept
/// unknown tags) and every finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated {
    /// Cases from rows without errors.
    pub cases: Vec<Case>,
    /// The vocabulary the cases' tag ids refer to.
    pub vocabulary: Vocabulary,
    /// Every finding, in file order.
    pub issues: Vec<Issue>,
    /// The decimal style used for numbers.
    pub decimal: DecimalStyle,
}

impl Validated {
    /// Whether any finding is an error: such an input must not be analysed.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
    }
}

/// A field of the case-record format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `case_id`.
    CaseId,
    /// `municipality`.
    Municipality,
    /// `phase`.
    Phase,
    /// `start_date`.
    StartDate,
    /// `problems`.
    Problems,
    /// `cost_current`.
    CostCurrent,
    /// `cost_threatened`.
    CostThreatened,
    /// `cost_tailored`.
    CostTailored,
    /// `breakthrough_spend`.
    BreakthroughSpend,
    /// `budget_category`.
    BudgetCategory,
    /// `bottlenecks`.
    Bottlenecks,
    /// `satisfaction_start`.
    SatisfactionStart,
    /// `satisfaction_6m`.
    Satisfaction6m,
    /// `satisfaction_12m`.
    Satisfaction12m,
    /// `executed`.
    Executed,
    /// `savings_<financier>`, indexed like [`crate::Financier::ALL`].
    Savings(usize),
    /// `true_cluster`: the planted truth of synthetic data.
    TrueCluster,
}

/// Every field with its canonical (English) name and Dutch aliases.
pub const FIELDS: &[(Field, &str, &[&str])] = &[
    (
        Field::CaseId,
        "case_id",
        &["casusnummer", "casus_id", "clientnummer", "casus", "case"],
    ),
    (Field::Municipality, "municipality", &["gemeente"]),
    (Field::Phase, "phase", &["fase"]),
    (Field::StartDate, "start_date", &["startdatum"]),
    (Field::Problems, "problems", &["problemen", "problematiek"]),
    (
        Field::CostCurrent,
        "cost_current",
        &["huidig", "kosten_huidig"],
    ),
    (
        Field::CostThreatened,
        "cost_threatened",
        &["dreigend", "kosten_dreigend"],
    ),
    (
        Field::CostTailored,
        "cost_tailored",
        &["maatwerk", "kosten_maatwerk"],
    ),
    (
        Field::BreakthroughSpend,
        "breakthrough_spend",
        &["doorbraakbudget", "maatwerkbudget"],
    ),
    (
        Field::BudgetCategory,
        "budget_category",
        &["budgetcategorie"],
    ),
    (Field::Bottlenecks, "bottlenecks", &["knelpunten"]),
    (
        Field::SatisfactionStart,
        "satisfaction_start",
        &["tevredenheid_start"],
    ),
    (
        Field::Satisfaction6m,
        "satisfaction_6m",
        &["tevredenheid_6m"],
    ),
    (
        Field::Satisfaction12m,
        "satisfaction_12m",
        &["tevredenheid_12m"],
    ),
    (Field::Executed, "executed", &["uitgevoerd"]),
    (Field::Savings(0), "savings_jeugd", &["besparing_jeugd"]),
    (Field::Savings(1), "savings_wmo", &["besparing_wmo"]),
    (
        Field::Savings(2),
        "savings_participatie",
        &["besparing_participatie"],
    ),
    (
        Field::Savings(3),
        "savings_zorgverzekeraar",
        &["besparing_zorgverzekeraar"],
    ),
    (
        Field::Savings(4),
        "savings_woningcorporatie",
        &["besparing_woningcorporatie"],
    ),
    (
        Field::Savings(5),
        "savings_justitie",
        &["besparing_justitie"],
    ),
    (Field::Savings(6), "savings_overig", &["besparing_overig"]),
    (Field::TrueCluster, "true_cluster", &["ware_cluster"]),
];

/// The field a header names, if any.
pub fn field_for_header(header: &str) -> Option<Field> {
    let key = header_key(header);
    FIELDS.iter().find_map(|(field, name, aliases)| {
        (header_key(name) == key || aliases.iter().any(|a| header_key(a) == key)).then_some(*field)
    })
}

/// The canonical column name of a field.
pub fn field_name(field: Field) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, name, _)| *name)
        .expect("every field has a name")
}

/// Checks a raw table against the case-record format and the configuration, and converts
/// every row without errors into a [`Case`]. Collects every finding rather than stopping at
/// the first. Rows with errors yield no case.
pub fn validate(table: &RawTable, config: &Config, options: &LoadOptions) -> Validated {
    let mut v = Validator {
        table,
        config,
        options,
        vocabulary: config.vocabulary.clone(),
        issues: Vec::new(),
        n_errors: 0,
    };
    v.issues.extend(table.notices.iter().cloned());
    v.n_errors = v.errors_in_issues();
    let (cases, decimal) = v.run();
    Validated {
        cases,
        vocabulary: v.vocabulary,
        issues: v.issues,
        decimal,
    }
}

struct Columns {
    fields: Vec<(Field, usize)>,
    one_hot: Vec<(TagId, usize)>,
}

impl Columns {
    fn get(&self, field: Field) -> Option<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, i)| i)
    }
}

struct Validator<'a> {
    table: &'a RawTable,
    config: &'a Config,
    options: &'a LoadOptions,
    vocabulary: Vocabulary,
    issues: Vec<Issue>,
    /// The errors among `issues`, counted as they are pushed: counting them per row made a
    /// file with an error in every row quadratic (50,000 such rows took minutes).
    n_errors: usize,
}

/// Checks the rows of one chunk of the table. Rows are checked in parallel, a chunk per
/// task; what needs the rows in order (duplicate ids, and the numbering of new tags under
/// `--unknown-tags keep`) is left to [`Validator::merge`].
struct RowChecker<'t, 'l> {
    table: &'t RawTable,
    config: &'l Config,
    options: &'l LoadOptions,
    /// The configured vocabulary; tags new to it are collected, not added.
    vocabulary: &'l Vocabulary,
    columns: &'l Columns,
    decimal: (DecimalStyle, bool),
    separators: &'l [char],
    /// The findings of the row being checked.
    issues: Vec<Issue>,
    /// Unknown tags of the row being checked, kept under `--unknown-tags keep`.
    new_tags: Vec<String>,
    /// Resolved tag names, so a chunk of the same few names resolves each name once.
    tag_cache: HashMap<String, Result<TagId, Option<String>>>,
    /// Resolved bottleneck names, likewise: an unknown name costs a did-you-mean search.
    bottleneck_cache: HashMap<String, Result<BottleneckId, Option<String>>>,
}

/// What checking one row gave, before the checks that need the rows in order.
struct RowOutcome<'a> {
    row: usize,
    /// The row's case id as written (trimmed), when the row was read as a case.
    case_id: Option<&'a str>,
    case: Option<Case>,
    issues: Vec<Issue>,
    /// Where a duplicate-id finding goes among `issues`: after the BSN findings, as the
    /// row is read from left to right.
    id_finding_at: usize,
    new_tags: Vec<String>,
}

/// Rows per parallel task. Fixed, so the work (not the result, which does not depend on it)
/// is the same on any number of threads.
const ROW_CHUNK: usize = 4096;

/// Where findings go: the validator's list for findings about the file and its header, a
/// row checker's list for the rows.
trait Findings {
    fn table(&self) -> &RawTable;

    fn record(&mut self, issue: Issue);

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        row: Option<usize>,
        column: Option<usize>,
        message: String,
        value: Option<String>,
    ) {
        let table = self.table();
        let issue = Issue {
            severity,
            code,
            file: table.source.clone(),
            row,
            column: column.map(|c| table.headers[c].clone()),
            message,
            value,
        };
        self.record(issue);
    }

    fn error(
        &mut self,
        code: &'static str,
        row: usize,
        column: usize,
        message: String,
        value: &str,
    ) {
        let value = (!value.is_empty()).then(|| value.to_owned());
        self.push(
            Severity::Error,
            code,
            Some(row),
            Some(column),
            message,
            value,
        );
    }
}

impl Findings for Validator<'_> {
    fn table(&self) -> &RawTable {
        self.table
    }

    fn record(&mut self, issue: Issue) {
        self.n_errors += usize::from(issue.severity == Severity::Error);
        self.issues.push(issue);
    }
}

impl Findings for RowChecker<'_, '_> {
    fn table(&self) -> &RawTable {
        self.table
    }

    fn record(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
}

/// Characters that separate items of a list inside a cell: `|` always (a `|`-delimited file
/// quotes such cells), `;` and `,` when they are not the file's delimiter.
fn list_separators(delimiter: Option<char>) -> Vec<char> {
    ['|', ';', ',']
        .into_iter()
        .filter(|&c| c == '|' || Some(c) != delimiter)
        .collect()
}

impl<'a> Validator<'a> {
    fn run(&mut self) -> (Vec<Case>, DecimalStyle) {
        let table = self.table;
        let decimal = self.options.decimal.unwrap_or(DecimalStyle::Point);
        if table.headers.iter().all(|h| h.trim().is_empty()) && table.rows.is_empty() {
            self.push(
                Severity::Error,
                "empty_file",
                None,
                None,
                "the file is empty".into(),
                None,
            );
            return (Vec::new(), decimal);
        }
        let Some(columns) = self.map_columns() else {
            return (Vec::new(), decimal);
        };
        if table.rows.is_empty() {
            self.push(
                Severity::Error,
                "no_rows",
                Some(table.header_row),
                None,
                "the file has a header but no case rows".into(),
                None,
            );
            return (Vec::new(), decimal);
        }
        let (decimal, certain) = self.decide_decimal(&columns);
        let separators = list_separators(table.delimiter);
        let vocabulary = &self.config.vocabulary;
        let (config, options, columns) = (self.config, self.options, &columns);
        let outcomes: Vec<Vec<RowOutcome<'a>>> = table
            .rows
            .par_chunks(ROW_CHUNK)
            .map(|chunk| {
                let mut checker = RowChecker {
                    table,
                    config,
                    options,
                    vocabulary,
                    columns,
                    decimal: (decimal, certain),
                    separators: &separators,
                    issues: Vec::new(),
                    new_tags: Vec::new(),
                    tag_cache: HashMap::new(),
                    bottleneck_cache: HashMap::new(),
                };
                chunk.iter().map(|raw| checker.check(raw)).collect()
            })
            .collect();
        let case_id_column = columns.get(Field::CaseId);
        (
            self.merge(outcomes.into_iter().flatten(), case_id_column),
            decimal,
        )
    }

    /// Takes the checked rows in file order: finds duplicate case ids, numbers the tags new
    /// to the vocabulary as they first appear, and keeps the cases of rows without errors.
    /// The findings come out in the order a row-by-row pass gives.
    fn merge(
        &mut self,
        outcomes: impl Iterator<Item = RowOutcome<'a>>,
        case_id_column: Option<usize>,
    ) -> Vec<Case> {
        let mut seen_ids: HashMap<&'a str, usize> = HashMap::with_capacity(self.table.rows.len());
        let mut cases = Vec::with_capacity(self.table.rows.len());
        for outcome in outcomes {
            let RowOutcome {
                row,
                case_id,
                mut case,
                mut issues,
                id_finding_at,
                new_tags,
            } = outcome;
            if let Some(id) = case_id.filter(|id| !id.is_empty()) {
                match seen_ids.get(id) {
                    Some(first_row) => {
                        issues.insert(
                            id_finding_at,
                            Issue {
                                severity: Severity::Error,
                                code: "duplicate_case_id",
                                file: self.table.source.clone(),
                                row: Some(row),
                                column: case_id_column.map(|c| self.table.headers[c].clone()),
                                message: format!(
                                    "duplicate case_id, first seen in row {first_row}"
                                ),
                                value: Some(id.to_owned()),
                            },
                        );
                    }
                    None => {
                        seen_ids.insert(id, row);
                    }
                }
            }
            // New tags are numbered in order of appearance, rows with errors included, as
            // they are read.
            let new_ids: Vec<TagId> = new_tags
                .iter()
                .map(|name| self.vocabulary.intern(name))
                .collect();
            if let Some(case) = case.as_mut().filter(|_| !new_ids.is_empty()) {
                case.tags.extend(new_ids);
                case.tags.sort_unstable();
                case.tags.dedup();
            }
            let row_errors = issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .count();
            self.n_errors += row_errors;
            self.issues.append(&mut issues);
            if let Some(case) = case.filter(|_| row_errors == 0) {
                cases.push(case);
            }
        }
        cases
    }

    fn error_count(&self) -> usize {
        self.n_errors
    }

    fn errors_in_issues(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count()
    }

    fn map_columns(&mut self) -> Option<Columns> {
        let table = self.table;
        let header_row = Some(table.header_row);
        let mut fields: Vec<(Field, usize)> = Vec::new();
        let mut one_hot: Vec<(TagId, usize)> = Vec::new();
        let mut refused = false;
        for (index, header) in table.headers.iter().enumerate() {
            if let Some(word) = identifier_in_header(header) {
                refused = true;
                self.push(
                    Severity::Error,
                    "identifier_column",
                    header_row,
                    Some(index),
                    format!(
                        "column looks like a direct identifier (`{word}`); maatpact refuses names, BSNs, addresses, birth dates, e-mail and phone numbers: {PSEUDONYMISE_HINT}"
                    ),
                    None,
                );
                continue;
            }
            if let Some(field) = field_for_header(header) {
                if let Some(&(_, first)) = fields.iter().find(|(f, _)| *f == field) {
                    self.push(
                        Severity::Error,
                        "duplicate_column",
                        header_row,
                        Some(index),
                        format!(
                            "column is `{}` again (first as `{}`)",
                            field_name(field),
                            table.headers[first]
                        ),
                        None,
                    );
                } else {
                    fields.push((field, index));
                }
            } else if header.trim().is_empty() {
                let all_empty = table
                    .rows
                    .iter()
                    .all(|r| r.get(index).is_none_or(|c| c.trim().is_empty()));
                if !all_empty {
                    self.push(
                        Severity::Warning,
                        "extra_column",
                        header_row,
                        Some(index),
                        format!(
                            "column {} has no header but holds values; it is ignored",
                            index + 1
                        ),
                        None,
                    );
                }
            } else if let Ok(tag) = self.config.vocabulary.resolve(header) {
                if let Some(&(_, first)) = one_hot.iter().find(|(t, _)| *t == tag) {
                    self.push(
                        Severity::Error,
                        "duplicate_column",
                        header_row,
                        Some(index),
                        format!(
                            "column is tag `{}` again (first as `{}`)",
                            self.config.vocabulary.id(tag),
                            table.headers[first]
                        ),
                        None,
                    );
                } else {
                    one_hot.push((tag, index));
                }
            } else {
                self.push(
                    Severity::Warning,
                    "extra_column",
                    header_row,
                    Some(index),
                    "unknown column is ignored".into(),
                    None,
                );
            }
        }
        let mut missing = Vec::new();
        if !fields.iter().any(|(f, _)| *f == Field::CaseId) {
            missing.push("`case_id` (or casusnummer, casus_id, clientnummer)".to_owned());
        }
        if one_hot.is_empty() && !fields.iter().any(|(f, _)| *f == Field::Problems) {
            missing.push(
                "`problems` (or problemen, problematiek), or one column per problem tag".to_owned(),
            );
        }
        for what in missing {
            self.push(
                Severity::Error,
                "missing_column",
                header_row,
                None,
                format!("missing required column {what}"),
                None,
            );
        }
        if refused || self.error_count() > 0 {
            return None;
        }
        Some(Columns { fields, one_hot })
    }

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

    /// The decimal style of the file, and whether it is certain: forced by `--decimal`, else
    /// what most values say, else what the delimiter says (`;` → comma, `,` → point). Without
    /// any of these (a tab-separated or typed file of whole numbers), or when the values
    /// outvote the delimiter, it is uncertain, and
    /// values such as `1.500` that read differently in the two styles are reported, not
    /// guessed. Values that contradict the chosen style are reported where they are parsed.
    fn decide_decimal(&mut self, columns: &Columns) -> (DecimalStyle, bool) {
        if let Some(style) = self.options.decimal {
            return (style, true);
        }
        // Every numeric cell votes: two parses each, so the rows are counted in parallel
        // (integer counts, the same whatever the number of threads).
        let numeric = Self::numeric_columns(columns);
        let (comma, point) = self
            .table
            .rows
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
        let by_delimiter = match self.table.delimiter {
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

impl<'t> RowChecker<'t, '_> {
    /// Checks one row: its shape, BSNs, and every field. Duplicate ids and new tags are
    /// left to [`Validator::merge`].
    fn check(&mut self, raw: &'t RawRow) -> RowOutcome<'t> {
        let table = self.table;
        let mut outcome = RowOutcome {
            row: raw.row,
            case_id: None,
            case: None,
            issues: Vec::new(),
            id_finding_at: 0,
            new_tags: Vec::new(),
        };
        if raw.len() > table.headers.len()
            && raw
                .cells()
                .skip(table.headers.len())
                .any(|c| !c.trim().is_empty())
        {
            self.push(
                Severity::Error,
                "ragged_row",
                Some(raw.row),
                None,
                format!(
                    "row has {} fields but the header has {} (a stray delimiter, or mixed delimiters?)",
                    raw.len(),
                    table.headers.len()
                ),
                None,
            );
        } else if raw.len() < table.headers.len() {
            // A short row is almost always a broken line (an unquoted newline in a text
            // cell, a lost delimiter): reading it would silently shift or drop the values
            // it lacks. Empty trailing fields count, so `a;b;;;` under five columns is whole.
            self.push(
                Severity::Error,
                "short_row",
                Some(raw.row),
                None,
                format!(
                    "row has {} field{} but the header has {}: a broken line (a newline inside an unquoted text cell?), a lost delimiter, or mixed delimiters; fix the file",
                    raw.len(),
                    if raw.len() == 1 { "" } else { "s" },
                    table.headers.len()
                ),
                None,
            );
        } else {
            let case_id_column = self.columns.get(Field::CaseId);
            self.scan_row_for_bsn(raw, case_id_column);
            outcome.id_finding_at = self.issues.len();
            outcome.case_id = case_id_column.and_then(|i| raw.get(i)).map(str::trim);
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
        let table = self.table;
        for (index, cell) in raw.cells().enumerate().take(table.headers.len()) {
            let found = if Some(index) == case_id_column {
                case_id_is_bsn(cell)
            } else {
                find_bsn(cell)
            };
            if let Some(digits) = found {
                let digits = std::str::from_utf8(&digits).unwrap_or_default();
                self.push(
                    Severity::Error,
                    "bsn",
                    Some(raw.row),
                    Some(index),
                    format!(
                        "cell holds what looks like a BSN (9 digits that pass the elfproef); maatpact refuses personal data: {PSEUDONYMISE_HINT}, and remove BSNs from free text"
                    ),
                    Some(mask(digits)),
                );
            }
        }
    }

    fn read_row(&mut self, raw: &'t RawRow) -> Option<Case> {
        let (columns, separators) = (self.columns, self.separators);
        let (decimal, certain) = self.decimal;
        let row = raw.row;
        let cell = |index: Option<usize>| -> &'t str {
            index
                .and_then(|i| raw.get(i))
                .map(|c| c.trim())
                .unwrap_or("")
        };
        let case_id_col = columns.get(Field::CaseId)?;
        let case_id = cell(Some(case_id_col));
        if case_id.is_empty() {
            self.error(
                "empty_case_id",
                row,
                case_id_col,
                "case_id is empty".into(),
                "",
            );
        }
        let mut case = Case::new(case_id, Vec::new());
        let text = |field: Field| -> Option<String> {
            let value = cell(columns.get(field));
            (!value.is_empty()).then(|| value.to_owned())
        };
        case.municipality = text(Field::Municipality);
        case.phase = text(Field::Phase);
        case.budget_category = text(Field::BudgetCategory).map(|c| c.to_lowercase());
        case.true_cluster = text(Field::TrueCluster);
        if let Some(index) = columns.get(Field::StartDate) {
            let value = cell(Some(index));
            if !value.is_empty() {
                match parse_date(value) {
                    Some(date) => case.start_date = Some(date),
                    None => self.error(
                        "bad_date",
                        row,
                        index,
                        "not a date (use yyyy-mm-dd or dd-mm-yyyy)".into(),
                        value,
                    ),
                }
            }
        }
        // Problems: a list column, one-hot columns, or both.
        let mut tags = Vec::new();
        if let Some(index) = columns.get(Field::Problems) {
            for item in split_list(cell(Some(index)), separators) {
                if let Some(tag) = self.resolve_tag(item, row, index) {
                    tags.push(tag);
                }
            }
        }
        for &(tag, index) in &columns.one_hot {
            match parse_flag(cell(Some(index)), true) {
                Some(true) => tags.push(tag),
                Some(false) => {}
                None => self.error(
                    "bad_flag",
                    row,
                    index,
                    "not a yes/no value (use 1/0, ja/nee, x/empty, true/false)".into(),
                    cell(Some(index)),
                ),
            }
        }
        tags.sort_unstable();
        tags.dedup();
        if tags.is_empty() && self.new_tags.is_empty() {
            let column = columns
                .get(Field::Problems)
                .or(columns.one_hot.first().map(|&(_, i)| i));
            self.push(
                Severity::Warning,
                "no_problems",
                Some(row),
                column,
                "case has no problems recorded".into(),
                None,
            );
        }
        case.tags = tags;
        // Money.
        let money = |v: &mut Self, field: Field, allow_negative: bool| -> Option<Cents> {
            let index = columns.get(field)?;
            let value = cell(Some(index));
            if value.is_empty() {
                return None;
            }
            match parse_number(value, decimal, certain) {
                Ok(hundredths) if hundredths < 0 && !allow_negative => {
                    v.error(
                        "negative_cost",
                        row,
                        index,
                        format!("{} cannot be negative", field_name(field)),
                        value,
                    );
                    None
                }
                Ok(hundredths) => Some(Cents(hundredths)),
                Err(err) => {
                    v.error(
                        "bad_number",
                        row,
                        index,
                        number_message(&err, decimal),
                        value,
                    );
                    None
                }
            }
        };
        case.costs.current = money(self, Field::CostCurrent, false);
        case.costs.threatened = money(self, Field::CostThreatened, false);
        case.costs.tailored = money(self, Field::CostTailored, false);
        case.breakthrough_spend = money(self, Field::BreakthroughSpend, false);
        for (i, slot) in case.savings_by_financier.iter_mut().enumerate() {
            *slot = money(self, Field::Savings(i), true);
        }
        // Satisfaction, 1 to 10.
        let score = |v: &mut Self, field: Field| -> Option<f64> {
            let index = columns.get(field)?;
            let value = cell(Some(index));
            if value.is_empty() {
                return None;
            }
            match parse_number(value, decimal, certain) {
                Ok(hundredths) if (100..=1000).contains(&hundredths) => {
                    Some(hundredths as f64 / 100.0)
                }
                Ok(_) => {
                    v.error(
                        "satisfaction_out_of_range",
                        row,
                        index,
                        "satisfaction must be between 1 and 10".into(),
                        value,
                    );
                    None
                }
                Err(err) => {
                    v.error(
                        "bad_number",
                        row,
                        index,
                        number_message(&err, decimal),
                        value,
                    );
                    None
                }
            }
        };
        case.satisfaction.start = score(self, Field::SatisfactionStart);
        case.satisfaction.month_6 = score(self, Field::Satisfaction6m);
        case.satisfaction.month_12 = score(self, Field::Satisfaction12m);
        if let Some(index) = columns.get(Field::Executed) {
            let value = cell(Some(index));
            if !value.is_empty() {
                match parse_flag(value, false) {
                    Some(flag) => case.executed = Some(flag),
                    None => self.error(
                        "bad_flag",
                        row,
                        index,
                        "not a yes/no value (use ja/nee, yes/no, true/false, 1/0)".into(),
                        value,
                    ),
                }
            }
        }
        if let Some(index) = columns.get(Field::Bottlenecks) {
            let mut bottlenecks: Vec<BottleneckId> = Vec::new();
            for item in split_list(cell(Some(index)), separators) {
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
                    Err(suggestion) => self.error(
                        "unknown_bottleneck",
                        row,
                        index,
                        format!(
                            "unknown bottleneck{}; add it to the catalogue with --config",
                            did_you_mean(suggestion.as_deref())
                        ),
                        item,
                    ),
                }
            }
            bottlenecks.sort_unstable();
            bottlenecks.dedup();
            case.bottlenecks = bottlenecks;
        }
        self.check_consistency(&case, row, columns);
        Some(case)
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
                    "unknown_tag",
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
                Severity::Warning,
                "negative_savings",
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
                    Severity::Warning,
                    "savings_split_mismatch",
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
fn parse_flag(value: &str, empty_is_false: bool) -> Option<bool> {
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
