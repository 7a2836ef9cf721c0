//! From a raw table of strings to typed [`Case`]s, collecting every problem on the way.
//!
//! - `raw`: the table a reader gives; `fields`: the columns of the format and their Dutch
//!   and English headers; `issue`: the kinds of finding.
//! - `columns`: which column holds which field; `decimal`: the file's decimal style.
//! - `row`: one row to a case, one field group at a time, rows checked in parallel.
//! - here: the checks of the file as a whole, and the merge of the rows in file order
//!   (duplicate case ids, tags new to the vocabulary).

mod columns;
mod decimal;
mod fields;
mod issue;
mod raw;
mod row;
pub(crate) use row::parse_flag;

pub use fields::{FIELDS, Field, field_for_header, field_name};
pub use issue::{Issue, IssueCode, Severity};
pub use raw::{RawRow, RawTable};
pub use row::parse_date;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::case::{Case, TagId};
use crate::config::{Config, Vocabulary};
use crate::numbers::DecimalStyle;
use columns::Columns;
use row::{RowChecker, RowOutcome};

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
    /// Which fields are read and checked.
    pub scope: Scope,
}

/// Which fields a command reads. Every scope checks the file's shape (short and ragged
/// rows), the case ids, and every cell for a BSN: personal data is refused whatever a
/// command reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every field, as `validate` and `run` read them.
    #[default]
    All,
    /// Only the case id and the problems, which is all that mining needs: costs, dates and
    /// scores are neither parsed nor checked (`maatpact validate` checks them).
    Tags,
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

/// Checks a raw table against the case-record format and the configuration, and converts
/// every row without errors into a [`Case`]. Collects every finding rather than stopping at
/// the first. Rows with errors yield no case.
pub fn validate(table: &RawTable, config: &Config, options: &LoadOptions) -> Validated {
    let head = Head {
        source: &table.source,
        delimiter: table.delimiter,
        header_row: table.header_row,
        headers: &table.headers,
    };
    Validator::new(head, config, options, &table.notices).run(Rows::Borrowed(&table.rows))
}

/// [`validate`], consuming the table: each block of rows is dropped once it is checked, so a
/// large file's strings and its cases are never in memory whole at the same time.
pub fn validate_owned(table: RawTable, config: &Config, options: &LoadOptions) -> Validated {
    let RawTable {
        source,
        delimiter,
        header_row,
        headers,
        rows,
        notices,
    } = table;
    let head = Head {
        source: &source,
        delimiter,
        header_row,
        headers: &headers,
    };
    Validator::new(head, config, options, &notices).run(Rows::Owned(rows))
}

/// What the checks need of a table besides its rows.
#[derive(Clone, Copy)]
struct Head<'h> {
    source: &'h str,
    delimiter: Option<char>,
    header_row: usize,
    headers: &'h [String],
}

/// The rows of a table, borrowed or to be consumed block by block.
enum Rows<'r> {
    Borrowed(&'r [RawRow]),
    Owned(Vec<RawRow>),
}

impl Rows<'_> {
    fn all(&self) -> &[RawRow] {
        match self {
            Rows::Borrowed(rows) => rows,
            Rows::Owned(rows) => rows,
        }
    }
}

/// Rows per parallel task. Fixed, so the work (not the result, which does not depend on it)
/// is the same on any number of threads.
const ROW_CHUNK: usize = 4096;

/// Rows checked before they are merged (and, when owned, dropped).
const ROW_BLOCK: usize = 16 * ROW_CHUNK;

/// Where findings go: the validator's list for findings about the file and its header, a
/// row checker's list for the rows.
trait Findings {
    fn head(&self) -> &Head<'_>;

    fn record(&mut self, issue: Issue);

    fn push(
        &mut self,
        code: IssueCode,
        row: Option<usize>,
        column: Option<usize>,
        message: String,
        value: Option<String>,
    ) {
        let head = self.head();
        let column = column.map(|c| head.headers[c].clone());
        let issue = Issue::new(code, head.source, row, column, message, value);
        self.record(issue);
    }

    fn error(&mut self, code: IssueCode, row: usize, column: usize, message: String, value: &str) {
        let value = (!value.is_empty()).then(|| value.to_owned());
        self.push(code, Some(row), Some(column), message, value);
    }
}

struct Validator<'a> {
    head: Head<'a>,
    config: &'a Config,
    options: &'a LoadOptions,
    vocabulary: Vocabulary,
    issues: Vec<Issue>,
    /// The errors among `issues`, counted as they are pushed: counting them per row made a
    /// file with an error in every row quadratic (50,000 such rows took minutes).
    n_errors: usize,
}

impl Findings for Validator<'_> {
    fn head(&self) -> &Head<'_> {
        &self.head
    }

    fn record(&mut self, issue: Issue) {
        self.n_errors += usize::from(issue.severity == Severity::Error);
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
    fn new(
        head: Head<'a>,
        config: &'a Config,
        options: &'a LoadOptions,
        notices: &[Issue],
    ) -> Validator<'a> {
        Validator {
            head,
            config,
            options,
            vocabulary: config.vocabulary.clone(),
            n_errors: notices
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .count(),
            issues: notices.to_vec(),
        }
    }

    fn run(mut self, rows: Rows<'_>) -> Validated {
        let decimal = self.options.decimal.unwrap_or(DecimalStyle::Point);
        let cases = self.read(rows, decimal);
        Validated {
            cases: cases.0,
            vocabulary: self.vocabulary,
            issues: self.issues,
            decimal: cases.1,
        }
    }

    fn read(&mut self, rows: Rows<'_>, decimal: DecimalStyle) -> (Vec<Case>, DecimalStyle) {
        if self.head.headers.iter().all(|h| h.trim().is_empty()) && rows.all().is_empty() {
            self.push(
                IssueCode::EmptyFile,
                None,
                None,
                "the file is empty".into(),
                None,
            );
            return (Vec::new(), decimal);
        }
        let Some(columns) = self.map_columns(rows.all()) else {
            return (Vec::new(), decimal);
        };
        if rows.all().is_empty() {
            let header_row = Some(self.head.header_row);
            let message = "the file has a header but no case rows".into();
            self.push(IssueCode::NoRows, header_row, None, message, None);
            return (Vec::new(), decimal);
        }
        let decimal = match self.options.scope {
            Scope::All => self.decide_decimal(&columns, rows.all()),
            Scope::Tags => (DecimalStyle::Point, false),
        };
        let n_rows = rows.all().len();
        let separators = list_separators(self.head.delimiter);
        let checker = BlockChecker {
            head: self.head,
            config: self.config,
            options: self.options,
            columns: &columns,
            decimal,
            separators: &separators,
        };
        let mut merge = Merge {
            head: self.head,
            case_id_column: columns.get(Field::CaseId),
            seen_ids: rustc_hash::FxHashMap::with_capacity_and_hasher(n_rows, Default::default()),
            vocabulary: &mut self.vocabulary,
            issues: &mut self.issues,
            n_errors: &mut self.n_errors,
            cases: Vec::with_capacity(n_rows),
        };
        // Block b + 1 is checked (in parallel) while block b is merged (in order): the
        // merge is sequential, and at a million rows it took as long as the checks.
        let mut merge_block = |checked: Vec<Vec<RowOutcome>>, next: Option<Vec<Chunk<'_>>>| {
            let (next, ()) = rayon::join(
                || next.map(|chunks| checker.check(chunks)),
                || merge.all(checked),
            );
            next
        };
        let mut checked = Vec::new();
        match rows {
            Rows::Borrowed(rows) => {
                for block in rows.chunks(ROW_BLOCK) {
                    let chunks = block.chunks(ROW_CHUNK).map(Chunk::Borrowed).collect();
                    checked = merge_block(checked, Some(chunks)).expect("a block");
                }
            }
            Rows::Owned(rows) => {
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunks = (0..ROW_BLOCK / ROW_CHUNK)
                        .map(|_| Chunk::Owned(rows.by_ref().take(ROW_CHUNK).collect()))
                        .collect();
                    checked = merge_block(checked, Some(chunks)).expect("a block");
                }
            }
        }
        merge_block(checked, None);
        (merge.cases, decimal.0)
    }

    fn error_count(&self) -> usize {
        self.n_errors
    }
}

/// Rows checked by one task: borrowed, or owned and then dropped by the task that checked
/// them (freeing a million rows one by one on one thread was a tenth of the merge).
enum Chunk<'r> {
    Borrowed(&'r [RawRow]),
    Owned(Vec<RawRow>),
}

impl Chunk<'_> {
    fn rows(&self) -> &[RawRow] {
        match self {
            Chunk::Borrowed(rows) => rows,
            Chunk::Owned(rows) => rows,
        }
    }
}

/// What checking a row needs: nothing that changes while rows are checked.
struct BlockChecker<'c> {
    head: Head<'c>,
    config: &'c Config,
    options: &'c LoadOptions,
    columns: &'c Columns,
    decimal: (DecimalStyle, bool),
    separators: &'c [char],
}

impl BlockChecker<'_> {
    /// Checks a block in parallel, a chunk per task; the outcomes come back in file order.
    fn check(&self, chunks: Vec<Chunk<'_>>) -> Vec<Vec<RowOutcome>> {
        let vocabulary = &self.config.vocabulary;
        chunks
            .into_par_iter()
            .map(|chunk| {
                let mut checker = RowChecker::new(
                    &self.head,
                    self.config,
                    self.options,
                    vocabulary,
                    self.columns,
                    self.decimal,
                    self.separators,
                );
                chunk.rows().iter().map(|raw| checker.check(raw)).collect()
            })
            .collect()
    }
}

/// The checks that need the rows in file order, and the cases they keep.
struct Merge<'m, 'h> {
    head: Head<'h>,
    case_id_column: Option<usize>,
    /// Each case id seen, with its first row.
    /// (FxHash: SipHash was a tenth of reading a million rows; the file is the user's own.)
    seen_ids: rustc_hash::FxHashMap<Box<str>, usize>,
    vocabulary: &'m mut Vocabulary,
    issues: &'m mut Vec<Issue>,
    n_errors: &'m mut usize,
    cases: Vec<Case>,
}

impl Merge<'_, '_> {
    fn all(&mut self, checked: Vec<Vec<RowOutcome>>) {
        for outcome in checked.into_iter().flatten() {
            self.one(outcome);
        }
    }

    /// Takes one checked row, in file order: finds a duplicate case id, numbers the tags new
    /// to the vocabulary as they first appear, and keeps the case of a row without errors.
    /// The findings come out in the order a row-by-row pass gives.
    fn one(&mut self, outcome: RowOutcome) {
        let RowOutcome {
            row,
            case_id,
            mut case,
            mut issues,
            id_finding_at,
            new_tags,
        } = outcome;
        if let Some(id) = case_id.filter(|id| !id.is_empty()) {
            match self.seen_ids.get(&id) {
                Some(first_row) => {
                    let column = self.case_id_column.map(|c| self.head.headers[c].clone());
                    let message = format!("duplicate case_id, first seen in row {first_row}");
                    let issue = Issue::new(
                        IssueCode::DuplicateCaseId,
                        self.head.source,
                        Some(row),
                        column,
                        message,
                        Some(id.into_string()),
                    );
                    issues.insert(id_finding_at, issue);
                }
                None => {
                    self.seen_ids.insert(id, row);
                }
            }
        }
        // New tags are numbered in order of appearance, rows with errors included, as they
        // are read.
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
        *self.n_errors += row_errors;
        self.issues.append(&mut issues);
        if let Some(case) = case.filter(|_| row_errors == 0) {
            self.cases.push(case);
        }
    }
}
