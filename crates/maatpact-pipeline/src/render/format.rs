//! The language of a report and every number as its readers write it: the one place of
//! locale formatting, for the report and the charts alike. (The CSV files are
//! machine-readable and keep a decimal point: see [`crate::publish::csv`].)

use maatpact_core::Disclosed;
use serde::{Deserialize, Serialize};

/// What a hidden figure shows, in every language (CBS StatLine practice).
pub const HIDDEN: &str = ".";

/// The language of the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Dutch, for the policy staff and council members who read it.
    #[default]
    Nl,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (use nl or en)")),
        }
    }
}

impl Lang {
    /// The HTML `lang` code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Picks the text in this language.
    pub fn t<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// A number with fixed decimals and the language's decimal separator: `0,85` / `0.85`.
    pub fn decimal(self, value: f64, decimals: usize) -> String {
        let text = crate::publish::csv::fixed(value, decimals);
        match self {
            Lang::Nl => text.replace('.', ","),
            Lang::En => text,
        }
    }

    /// A whole number with thousands grouped: `1.234.568` / `1,234,568`.
    pub fn whole(self, value: f64) -> String {
        let rounded = value.round() as i64;
        let digits = rounded.unsigned_abs().to_string();
        let separator = self.t(".", ",");
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push_str(separator);
            }
            grouped.push(c);
        }
        if rounded < 0 {
            format!("−{grouped}")
        } else {
            grouped
        }
    }

    /// An amount in cents as whole euros: `€ 1.234.568` (with a no-break space, so a table
    /// cell never wraps between the sign and the number) / `€1,234,568`.
    pub fn euros(self, cents: f64) -> String {
        let whole = self.whole(cents / 100.0);
        let (sign, digits) = match whole.strip_prefix('−') {
            Some(digits) => ("−", digits),
            None => ("", whole.as_str()),
        };
        match self {
            Lang::Nl => format!("{sign}€\u{a0}{digits}"),
            Lang::En => format!("{sign}€{digits}"),
        }
    }

    /// A percentage of a share (0–1) with no decimals: `42%`.
    pub fn percent(self, share: f64) -> String {
        format!("{}%", self.decimal(share * 100.0, 0))
    }
}

/// A published figure as text: `.` when hidden, empty when there is no value.
pub fn shown<T>(value: &Disclosed<T>, text: impl FnOnce(&T) -> String) -> String {
    value.shown().map(text).unwrap_or_else(|| HIDDEN.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(Lang::Nl.euros(42_600_000.0), "€\u{a0}426.000");
        assert_eq!(Lang::En.euros(42_600_000.0), "€426,000");
        assert_eq!(Lang::Nl.euros(-123_456.0), "−€\u{a0}1.235");
        assert_eq!(Lang::Nl.decimal(0.85, 2), "0,85");
        assert_eq!(Lang::En.decimal(0.85, 2), "0.85");
        assert_eq!(Lang::Nl.whole(1_000_000.0), "1.000.000");
        assert_eq!(Lang::En.percent(0.426), "43%");
    }
}
