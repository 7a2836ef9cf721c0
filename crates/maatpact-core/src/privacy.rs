//! Privacy rules for input: no direct identifiers, no BSNs, and keyed pseudonyms.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::text::header_key;

/// How a user fixes input that carries personal data; shown with every privacy refusal.
pub const PSEUDONYMISE_HINT: &str = "remove the column, or make a pseudonymised copy with \
`maatpact pseudonymise INPUT --key-file KEY --out OUTPUT` (it replaces case_id by a keyed hash \
and drops identifier columns)";

/// Header words that name a direct identifier of a person. Matched against each word of a
/// header, so `Voornaam cliënt` and `first_name` are caught but `gemeentenaam` is not.
const IDENTIFIER_WORDS: &[&str] = &[
    "naam",
    "voornaam",
    "achternaam",
    "roepnaam",
    "meisjesnaam",
    "clientnaam",
    "name",
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "adres",
    "woonadres",
    "emailadres",
    "address",
    "straat",
    "straatnaam",
    "street",
    "huisnummer",
    "postcode",
    "zipcode",
    "geboortedatum",
    "dob",
    "birthdate",
    "email",
    "mail",
    "telefoon",
    "telefoonnummer",
    "phone",
    "mobiel",
];

/// Identifiers written as several words, matched on the whole header key.
const IDENTIFIER_PHRASES: &[&str] = &[
    "dateofbirth",
    "geboortedatum",
    "email",
    "telefoonnummer",
    "phonenumber",
    "burgerservicenummer",
];

/// Whether a column header names a direct identifier (name, BSN, address, birth date,
/// e-mail, phone). Returns the word that matched, for the error message.
pub fn identifier_in_header(header: &str) -> Option<&'static str> {
    let key = header_key(header);
    if let Some(phrase) = IDENTIFIER_PHRASES.iter().find(|p| key.contains(*p)) {
        return Some(phrase);
    }
    header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(header_key)
        .find_map(|word| IDENTIFIER_WORDS.iter().find(|w| **w == word).copied())
}

/// The BSN *elfproef*: 9 digits d1..d9 with 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11.
/// `000000000` is not a BSN. `digits` must be 9 ASCII digits.
pub fn is_valid_bsn(digits: &[u8; 9]) -> bool {
    if digits.iter().all(|&d| d == b'0') {
        return false;
    }
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let weight = if i == 8 { -1 } else { 9 - i as i64 };
            weight * i64::from(d - b'0')
        })
        .sum();
    sum % 11 == 0
}

/// Finds a BSN in a cell: a 9-digit number (or an 8-digit one, read with a leading zero),
/// with or without separators (space, `.` or `-` between groups), that passes the elfproef.
/// Returns the 9 digits.
///
/// An 8-digit BSN is only recognised as one unbroken run: read with separators, 8 digits
/// would make every `dd-mm-yyyy` date a candidate.
pub fn find_bsn(cell: &str) -> Option<[u8; 9]> {
    let bytes = cell.as_bytes();
    // Groups of digits and whether the next group joins on after exactly one separator.
    let mut groups: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let joins_next = i + 1 < bytes.len()
            && matches!(bytes[i], b' ' | b'.' | b'-')
            && bytes[i + 1].is_ascii_digit();
        groups.push((start, i, joins_next));
    }
    for first in 0..groups.len() {
        let mut digits = Vec::with_capacity(9);
        for (g, &(start, end, joins_next)) in groups.iter().enumerate().skip(first) {
            digits.extend_from_slice(&bytes[start..end]);
            let single_group = g == first;
            if digits.len() > 9 {
                break;
            }
            if digits.len() == 9 || (digits.len() == 8 && single_group) {
                let mut candidate = [b'0'; 9];
                candidate[9 - digits.len()..].copy_from_slice(&digits);
                // A run glued to more digits is a longer number, not a BSN.
                let longer = single_group && digits.len() == 8 && joins_next;
                if !longer && is_valid_bsn(&candidate) {
                    return Some(candidate);
                }
            }
            if !joins_next {
                break;
            }
        }
    }
    None
}

/// Masks an identifier for an error message: five stars and the last four characters,
/// e.g. `*****6782`, so the message never repeats it.
pub fn mask(value: &str) -> String {
    let tail: String = value
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("*****{tail}")
}

/// A stable pseudonym for a case id: HMAC-SHA256 under `key`, truncated to 16 hex digits,
/// prefixed `P-`. The same key and id always give the same pseudonym; without the key it
/// cannot be reversed or recomputed.
pub fn pseudonym(key: &[u8], case_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(case_id.trim().as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("P-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elfproef_matches_domain_examples() {
        assert!(is_valid_bsn(b"111222333"));
        assert!(is_valid_bsn(b"123456782"));
        assert!(!is_valid_bsn(b"123456789"));
        assert!(!is_valid_bsn(b"000000000"));
    }

    #[test]
    fn bsn_found_with_and_without_separators() {
        for cell in [
            "123456782",
            "bsn 123456782 in tekst",
            "123.456.782",
            "1234 56 782",
            "123-456-782",
            "12345672",
        ] {
            assert!(find_bsn(cell).is_some(), "{cell}");
        }
        for cell in [
            "123456789",
            "000000000",
            "15-01-2020",
            "1234567820",
            "€ 20.000,00",
            "MP-0001",
            "",
        ] {
            assert_eq!(find_bsn(cell), None, "{cell}");
        }
        assert_eq!(find_bsn("12345672"), Some(*b"012345672"));
    }

    #[test]
    fn identifier_headers_are_caught_by_word() {
        for header in [
            "naam",
            "Voornaam",
            "achternaam",
            "Name",
            "first_name",
            "BSN",
            "burgerservicenummer",
            "Adres",
            "address",
            "straat",
            "Postcode",
            "geboortedatum",
            "Date of birth",
            "E-mail",
            "telefoon",
            "Phone",
            "Naam cliënt",
        ] {
            assert!(identifier_in_header(header).is_some(), "{header}");
        }
        for header in [
            "gemeentenaam",
            "casusnummer",
            "problemen",
            "tevredenheid_6m",
            "dreigend",
        ] {
            assert_eq!(identifier_in_header(header), None, "{header}");
        }
    }

    #[test]
    fn masking_hides_all_but_the_last_four() {
        assert_eq!(mask("123456782"), "*****6782");
        assert_eq!(mask("12"), "*****12");
    }

    #[test]
    fn pseudonyms_are_stable_per_key() {
        let a = pseudonym(b"secret", "MP-0001");
        assert_eq!(a, pseudonym(b"secret", "MP-0001"));
        assert_ne!(a, pseudonym(b"other", "MP-0001"));
        assert_ne!(a, pseudonym(b"secret", "MP-0002"));
        assert_eq!(a.len(), 18);
    }
}
