//! Findings of reading and validation: what kind, how serious, and where.

use serde::{Deserialize, Serialize, Serializer};

/// How serious an [`Issue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input is usable; the finding is reported.
    Warning,
    /// The input cannot be used until this is fixed.
    Error,
}

impl Severity {
    /// `error` or `warning`, as messages and tables write it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Every kind of finding, each with its stable code and its severity.
macro_rules! issue_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal, $severity:ident;)*) => {
        /// A kind of finding. It owns its code (as written in `data_quality.csv` and by
        /// `validate`) and its severity.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum IssueCode {
            $($(#[doc = $doc])* $name,)*
        }

        impl IssueCode {
            /// Every kind, in the order of this list.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$name,)*];

            /// The stable code, e.g. `negative_cost`.
            pub fn code(self) -> &'static str {
                match self {
                    $(IssueCode::$name => $code,)*
                }
            }

            /// Whether the finding makes the input unusable.
            pub fn severity(self) -> Severity {
                match self {
                    $(IssueCode::$name => Severity::$severity,)*
                }
            }
        }
    };
}

issue_codes! {
    /// The file cannot be read as a table (encoding, quoting, size limits).
    Unreadable = "unreadable", Error;
    /// A cell is larger than the reader accepts.
    CellTooLarge = "cell_too_large", Error;
    /// The file was decoded as Windows-1252, not UTF-8.
    Windows1252 = "windows_1252", Warning;
    /// The file holds nothing.
    EmptyFile = "empty_file", Error;
    /// The file has a header but no case rows.
    NoRows = "no_rows", Error;
    /// A column that looks like a direct identifier (name, BSN, address, …).
    IdentifierColumn = "identifier_column", Error;
    /// Two columns name the same field or tag.
    DuplicateColumn = "duplicate_column", Error;
    /// A column that is not part of the format; ignored.
    ExtraColumn = "extra_column", Warning;
    /// A required column is missing.
    MissingColumn = "missing_column", Error;
    /// A row with more non-empty fields than the header.
    RaggedRow = "ragged_row", Error;
    /// A row with fewer fields than the header.
    ShortRow = "short_row", Error;
    /// A cell holds a BSN.
    Bsn = "bsn", Error;
    /// A row without a case id.
    EmptyCaseId = "empty_case_id", Error;
    /// A case id seen in an earlier row.
    DuplicateCaseId = "duplicate_case_id", Error;
    /// A start date that is not a date.
    BadDate = "bad_date", Error;
    /// A yes/no cell that is neither.
    BadFlag = "bad_flag", Error;
    /// A problem tag that is not in the vocabulary.
    UnknownTag = "unknown_tag", Error;
    /// A case without any problem.
    NoProblems = "no_problems", Warning;
    /// A negative cost or spend.
    NegativeCost = "negative_cost", Error;
    /// A number that cannot be read.
    BadNumber = "bad_number", Error;
    /// A satisfaction score outside 1–10.
    SatisfactionOutOfRange = "satisfaction_out_of_range", Error;
    /// A bottleneck that is not in the catalogue.
    UnknownBottleneck = "unknown_bottleneck", Error;
    /// A payer of the breakthrough spend that is not a known budget.
    UnknownPayer = "unknown_payer", Error;
    /// Maatwerk above dreigend: negative savings.
    NegativeSavings = "negative_savings", Warning;
    /// The savings per financier do not add up to the savings.
    SavingsSplitMismatch = "savings_split_mismatch", Warning;
}

impl std::fmt::Display for IssueCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Serialised as its code.
impl Serialize for IssueCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for IssueCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        IssueCode::ALL
            .iter()
            .copied()
            .find(|c| c.code() == code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown issue code `{code}`")))
    }
}

/// A validation finding, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Error or warning: the code's severity.
    pub severity: Severity,
    /// The kind of finding.
    pub code: IssueCode,
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

impl Issue {
    /// A finding of a kind, with its kind's severity.
    pub fn new(
        code: IssueCode,
        file: impl Into<String>,
        row: Option<usize>,
        column: Option<String>,
        message: impl Into<String>,
        value: Option<String>,
    ) -> Issue {
        Issue {
            severity: code.severity(),
            code,
            file: file.into(),
            row,
            column,
            message: message.into(),
            value,
        }
    }
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
        write!(f, ": {}: {}", self.severity.name(), self.message)?;
        if let Some(value) = &self.value {
            write!(f, " ({value})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_and_serialises_as_itself() {
        let codes: std::collections::BTreeSet<&str> =
            IssueCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), IssueCode::ALL.len());
        for &code in IssueCode::ALL {
            let json = serde_json_like(code);
            assert_eq!(json, format!("\"{}\"", code.code()));
        }
    }

    fn serde_json_like(code: IssueCode) -> String {
        // toml is the serialisation crate core depends on; a value needs a table around it.
        #[derive(Serialize)]
        struct Wrap {
            code: IssueCode,
        }
        let text = toml::to_string(&Wrap { code }).unwrap();
        text.trim().trim_start_matches("code = ").to_owned()
    }
}
