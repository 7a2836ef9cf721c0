//! Parsing numbers as Dutch and English spreadsheets write them: `20000`, `20.000,50`,
//! `€ 20.000,-`, `20,000.50`, `1 354,33`.

use serde::{Deserialize, Serialize};

/// Which character is the decimal separator in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalStyle {
    /// `1.354,33`: comma decimals, dot (or space) thousands. Dutch exports.
    Comma,
    /// `1,354.33`: point decimals, comma (or space) thousands.
    Point,
}

impl std::str::FromStr for DecimalStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "comma" | "komma" => Ok(DecimalStyle::Comma),
            "point" | "punt" | "dot" => Ok(DecimalStyle::Point),
            other => Err(format!(
                "unknown decimal style `{other}` (use comma or point)"
            )),
        }
    }
}

impl std::fmt::Display for DecimalStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DecimalStyle::Comma => "comma",
            DecimalStyle::Point => "point",
        })
    }
}

/// Why a number could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number in any style.
    Invalid,
    /// Readable in both styles with different values (`1.500`: 1500 or 1.5).
    Ambiguous,
    /// More than two decimals: cents are the smallest unit.
    TooManyDecimals,
    /// Too large to be an amount of money.
    TooLarge,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NumberError::Invalid => "not a number",
            NumberError::Ambiguous => {
                "ambiguous number: it reads as thousands or as decimals; pass --decimal comma or --decimal point"
            }
            NumberError::TooManyDecimals => "more than two decimals",
            NumberError::TooLarge => "number too large",
        })
    }
}

/// What a number's separators say about the file's decimal style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StyleEvidence {
    /// No separators, or none that tell (`20000`, `€ 5`).
    None,
    /// Only a comma-decimal reading is valid (`20.000,50`, `7,5`).
    Comma,
    /// Only a point-decimal reading is valid (`20,000.50`, `7.5`).
    Point,
    /// Both readings are valid and differ (`1.500`).
    Ambiguous,
}

/// The amount in hundredths (cents, or hundredths of a score) of a number in a given style.
///
/// Accepts a leading `-` or `−`, `€` or `EUR` before or after, a trailing `,-`, `,--` or `.-`
/// (whole euros), and thousands separators in groups of three (the other separator character,
/// or a space).
pub fn parse_hundredths(raw: &str, style: DecimalStyle) -> Result<i64, NumberError> {
    let (negative, body) = strip_decorations(raw).ok_or(NumberError::Invalid)?;
    let (decimal, thousands) = match style {
        DecimalStyle::Comma => (',', '.'),
        DecimalStyle::Point => ('.', ','),
    };
    let (int_part, frac_part) = match body.split_once(decimal) {
        Some((int_part, frac_part)) => (int_part, Some(frac_part)),
        None => (body, None),
    };
    let integer = parse_grouped_integer(int_part, thousands)?;
    let fraction = match frac_part {
        None => 0,
        Some(frac) if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(NumberError::Invalid);
        }
        // Trailing zeros past the cents are harmless (`1.500` in point style is 1.50).
        Some(frac) if frac.len() > 2 && frac.bytes().skip(2).any(|b| b != b'0') => {
            return Err(NumberError::TooManyDecimals);
        }
        Some(frac) => {
            let frac = &frac[..frac.len().min(2)];
            let value: i64 = frac.parse().map_err(|_| NumberError::Invalid)?;
            if frac.len() == 1 { value * 10 } else { value }
        }
    };
    let magnitude = integer
        .checked_mul(100)
        .and_then(|v| v.checked_add(fraction))
        .ok_or(NumberError::TooLarge)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// What one value says about the decimal style of its file.
pub fn style_evidence(raw: &str) -> StyleEvidence {
    let comma = parse_hundredths(raw, DecimalStyle::Comma);
    let point = parse_hundredths(raw, DecimalStyle::Point);
    match (comma, point) {
        (Ok(a), Ok(b)) if a == b => StyleEvidence::None,
        (Ok(_), Ok(_)) => StyleEvidence::Ambiguous,
        (Ok(_), Err(_)) => StyleEvidence::Comma,
        (Err(_), Ok(_)) => StyleEvidence::Point,
        (Err(_), Err(_)) => StyleEvidence::None,
    }
}

/// Strips sign, currency and the `,-` suffix; returns (negative, digits-and-separators).
fn strip_decorations(raw: &str) -> Option<(bool, &str)> {
    let mut s = raw.trim();
    let mut negative = false;
    let mut currency_seen = false;
    // A sign and a currency in either order (`- € 5`, `€ -5`), but each only once: `--5`
    // and `€€5` are typing errors, not numbers.
    for _ in 0..2 {
        if !negative && let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
            negative = true;
            s = rest.trim_start();
        }
        for currency in ["€", "EUR", "eur", "Eur"] {
            if currency_seen {
                break;
            }
            if let Some(rest) = s.strip_prefix(currency) {
                s = rest.trim_start();
                currency_seen = true;
            } else if let Some(rest) = s.strip_suffix(currency) {
                s = rest.trim_end();
                currency_seen = true;
            }
        }
    }
    // `,-` and the `,--` Dutch bookkeeping also writes for whole euros.
    if let Some(rest) = [",--", ".--", ",-", ".-"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
    {
        s = rest;
    }
    if s.is_empty() || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    Some((negative, s))
}

/// Digits in groups of three after the first, separated by `thousands` or a (non-breaking)
/// space; or plain digits.
fn parse_grouped_integer(int_part: &str, thousands: char) -> Result<i64, NumberError> {
    // The common case, plain digits, without the allocations of the grouped one below.
    if int_part.bytes().all(|b| b.is_ascii_digit()) {
        if int_part.len() > 15 {
            return Err(NumberError::TooLarge);
        }
        return int_part.parse().map_err(|_| NumberError::Invalid);
    }
    let groups: Vec<&str> = int_part
        .split([thousands, ' ', '\u{a0}', '\u{202f}'])
        .collect();
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (i == 0 || g.len() == 3)
            && (groups.len() == 1 || i > 0 || g.len() <= 3)
    });
    if !well_formed {
        return Err(NumberError::Invalid);
    }
    let digits: String = groups.concat();
    if digits.len() > 15 {
        return Err(NumberError::TooLarge);
    }
    digits.parse().map_err(|_| NumberError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalStyle::{Comma, Point};

    #[test]
    fn dutch_and_english_notations() {
        for (raw, style, expected) in [
            ("20000", Comma, 2_000_000),
            ("20.000", Comma, 2_000_000),
            ("€ 20.000", Comma, 2_000_000),
            ("€20.000,-", Comma, 2_000_000),
            ("€ 12.000,--", Comma, 1_200_000),
            ("1.354,33", Comma, 135_433),
            ("1 354,33", Comma, 135_433),
            ("-500", Comma, -50_000),
            ("− € 1.000,5", Comma, -100_050),
            ("7,5", Comma, 750),
            ("20,000.50", Point, 2_000_050),
            ("1354.33", Point, 135_433),
            ("EUR 90000", Point, 9_000_000),
            ("90000 EUR", Point, 9_000_000),
            ("€ -5", Point, -500),
            ("-5 €", Comma, -500),
        ] {
            assert_eq!(
                parse_hundredths(raw, style),
                Ok(expected),
                "{raw} as {style}"
            );
        }
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for (raw, style, error) in [
            ("", Comma, NumberError::Invalid),
            ("abc", Comma, NumberError::Invalid),
            ("12a", Point, NumberError::Invalid),
            ("1.2.3", Point, NumberError::Invalid),
            ("20.00", Comma, NumberError::Invalid),
            ("1,5", Point, NumberError::Invalid),
            ("1.234,567", Comma, NumberError::TooManyDecimals),
            ("1,", Comma, NumberError::Invalid),
            ("99999999999999999999", Point, NumberError::TooLarge),
            ("--", Point, NumberError::Invalid),
            ("1e5", Point, NumberError::Invalid),
            ("--5", Comma, NumberError::Invalid),
            ("- -5", Point, NumberError::Invalid),
            ("-€-5", Point, NumberError::Invalid),
            ("€€5", Comma, NumberError::Invalid),
            ("€ 5 EUR", Point, NumberError::Invalid),
            ("5-", Comma, NumberError::Invalid),
            (",-", Comma, NumberError::Invalid),
        ] {
            assert_eq!(parse_hundredths(raw, style), Err(error), "{raw} as {style}");
        }
    }

    #[test]
    fn evidence_tells_styles_apart() {
        assert_eq!(style_evidence("20000"), StyleEvidence::None);
        assert_eq!(style_evidence("1.354,33"), StyleEvidence::Comma);
        assert_eq!(style_evidence("7,5"), StyleEvidence::Comma);
        assert_eq!(style_evidence("1,354.33"), StyleEvidence::Point);
        assert_eq!(style_evidence("1.500"), StyleEvidence::Ambiguous);
        assert_eq!(style_evidence("1.500.000"), StyleEvidence::Comma);
        assert_eq!(style_evidence("geen"), StyleEvidence::None);
    }
}
