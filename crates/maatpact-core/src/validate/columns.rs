//! Which column holds which field: headers in Dutch or English, or one column per tag.

use super::{Field, Findings, IssueCode, RawRow, Validator, field_for_header, field_name};
use crate::case::TagId;
use crate::privacy::{PSEUDONYMISE_HINT, identifier_in_header};

/// The columns of the fields present, and of the one-hot tag columns.
pub(super) struct Columns {
    pub fields: Vec<(Field, usize)>,
    pub one_hot: Vec<(TagId, usize)>,
}

impl Columns {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, i)| i)
    }
}

impl Validator<'_> {
    /// Maps every header to a field or a one-hot tag column, refusing identifier columns
    /// and reporting duplicates, unknown columns and missing required ones.
    pub(super) fn map_columns(&mut self, rows: &[RawRow]) -> Option<Columns> {
        let mut columns = Columns {
            fields: Vec::new(),
            one_hot: Vec::new(),
        };
        let mut refused = false;
        for (index, header) in self.head.headers.iter().enumerate() {
            refused |= !self.map_header(index, header, rows, &mut columns);
        }
        self.report_missing(&columns);
        if refused || self.error_count() > 0 {
            return None;
        }
        Some(columns)
    }

    /// Maps one header; `false` when it names a direct identifier.
    fn map_header(
        &mut self,
        index: usize,
        header: &str,
        rows: &[RawRow],
        columns: &mut Columns,
    ) -> bool {
        let head = self.head;
        let at = (Some(head.header_row), Some(index));
        if let Some(word) = identifier_in_header(header) {
            let message = format!(
                "column looks like a direct identifier (`{word}`); maatpact refuses names, BSNs, addresses, birth dates, e-mail and phone numbers: {PSEUDONYMISE_HINT}"
            );
            self.push(IssueCode::IdentifierColumn, at.0, at.1, message, None);
            return false;
        }
        if let Some(field) = field_for_header(header) {
            match columns.fields.iter().find(|(f, _)| *f == field) {
                Some(&(_, first)) => {
                    let message = format!(
                        "column is `{}` again (first as `{}`)",
                        field_name(field),
                        head.headers[first]
                    );
                    self.push(IssueCode::DuplicateColumn, at.0, at.1, message, None);
                }
                None => columns.fields.push((field, index)),
            }
        } else if header.trim().is_empty() {
            let first = rows
                .iter()
                .find(|r| r.get(index).is_some_and(|c| !c.trim().is_empty()));
            if let Some(first) = first {
                // The header row is where the column is, the first value where to look: a
                // value in a column without header is most often a stray delimiter there.
                let message = format!(
                    "column {} has no header but holds values (the first in row {}: a stray delimiter there?); it is ignored",
                    index + 1,
                    first.row
                );
                self.push(IssueCode::ExtraColumn, at.0, at.1, message, None);
            }
        } else if let Ok(tag) = self.config.vocabulary.resolve(header) {
            match columns.one_hot.iter().find(|(t, _)| *t == tag) {
                Some(&(_, first)) => {
                    let message = format!(
                        "column is tag `{}` again (first as `{}`)",
                        self.config.vocabulary.id(tag),
                        head.headers[first]
                    );
                    self.push(IssueCode::DuplicateColumn, at.0, at.1, message, None);
                }
                None => columns.one_hot.push((tag, index)),
            }
        } else if marks_problems(rows, index) {
            // A column of x's under a name the vocabulary lacks is a problem nobody listed,
            // not a note: ignoring it lost the problem of every household marked.
            if self.options.unknown_tags == super::UnknownTags::Keep {
                let tag = self.vocabulary.intern(header);
                columns.one_hot.push((tag, index));
            } else {
                let suggestion = self.config.vocabulary.resolve(header).err().flatten();
                let message = format!(
                    "column holds problem marks (x, 1) but `{}` is not a known problem tag{}; rename it, add the tag to the vocabulary with --config, or accept new tags with --unknown-tags keep",
                    header.trim(),
                    crate::config::did_you_mean(suggestion.as_deref())
                );
                self.push(IssueCode::UnknownTag, at.0, at.1, message, None);
            }
        } else {
            let message = "unknown column is ignored".into();
            self.push(IssueCode::ExtraColumn, at.0, at.1, message, None);
        }
        true
    }

    fn report_missing(&mut self, columns: &Columns) {
        let mut missing = Vec::new();
        if columns.get(Field::CaseId).is_none() {
            missing.push("`case_id` (or casusnummer, casus_id, clientnummer)");
        }
        if columns.one_hot.is_empty() && columns.get(Field::Problems).is_none() {
            missing.push("`problems` (or problemen, problematiek), or one column per problem tag");
        }
        for what in missing {
            let message = format!("missing required column {what}");
            self.push(
                IssueCode::MissingColumn,
                Some(self.head.header_row),
                None,
                message,
                None,
            );
        }
    }
}

/// Whether a column reads as one-hot problem marks: every cell empty, `x`, `✓`, `1` or `0`,
/// and at least one marked.
fn marks_problems(rows: &[RawRow], index: usize) -> bool {
    let mut marked = false;
    for cell in rows.iter().filter_map(|r| r.get(index)).map(str::trim) {
        match cell {
            "" | "0" => {}
            "x" | "X" | "✓" | "1" => marked = true,
            _ => return false,
        }
    }
    marked
}
