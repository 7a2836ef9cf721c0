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
        let head = self.head;
        let header_row = Some(head.header_row);
        let mut fields: Vec<(Field, usize)> = Vec::new();
        let mut one_hot: Vec<(TagId, usize)> = Vec::new();
        let mut refused = false;
        for (index, header) in head.headers.iter().enumerate() {
            if let Some(word) = identifier_in_header(header) {
                refused = true;
                self.push(
                    IssueCode::IdentifierColumn,
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
                        IssueCode::DuplicateColumn,
                        header_row,
                        Some(index),
                        format!(
                            "column is `{}` again (first as `{}`)",
                            field_name(field),
                            head.headers[first]
                        ),
                        None,
                    );
                } else {
                    fields.push((field, index));
                }
            } else if header.trim().is_empty() {
                let all_empty = rows
                    .iter()
                    .all(|r| r.get(index).is_none_or(|c| c.trim().is_empty()));
                if !all_empty {
                    self.push(
                        IssueCode::ExtraColumn,
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
                        IssueCode::DuplicateColumn,
                        header_row,
                        Some(index),
                        format!(
                            "column is tag `{}` again (first as `{}`)",
                            self.config.vocabulary.id(tag),
                            head.headers[first]
                        ),
                        None,
                    );
                } else {
                    one_hot.push((tag, index));
                }
            } else {
                self.push(
                    IssueCode::ExtraColumn,
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
                IssueCode::MissingColumn,
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
}
