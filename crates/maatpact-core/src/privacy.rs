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

/// Separators that may stand between the digit groups of a BSN (`123.456.782`,
/// `1234 56 782`, `123-456-782`).
const BSN_GROUP_SEPARATORS: &[u8] = b" .-";

/// Group lengths in which a BSN is written: one run of 9 (or of 8, read with a leading zero,
/// as spreadsheets drop it), or 9 digits grouped 3-3-3 or 4-2-3.
const BSN_SHAPES: &[&[usize]] = &[&[9], &[8], &[3, 3, 3], &[4, 2, 3]];

/// A maximal run of ASCII digits in a cell, and how it touches its neighbours.
#[derive(Clone, Copy, Debug)]
struct DigitGroup {
    start: usize,
    end: usize,
    /// The one byte between this group and the next when exactly one byte separates them,
    /// e.g. `.` in `1.050`; `None` when the next group is further away or there is none.
    joined_by: Option<u8>,
}

fn digit_groups(bytes: &[u8]) -> Vec<DigitGroup> {
    let mut groups: Vec<DigitGroup> = Vec::new();
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
        if let Some(previous) = groups.last_mut()
            && previous.end + 1 == start
        {
            previous.joined_by = Some(bytes[previous.end]);
        }
        groups.push(DigitGroup {
            start,
            end: i,
            joined_by: None,
        });
    }
    groups
}

/// Whether the character next to a candidate keeps it a number of its own: it is not part
/// of an alphanumeric token (`P19435071a8c`, `ab123456789`). Multi-byte characters are
/// letters for this purpose when they are alphanumeric (`é123456782`).
fn is_word_char_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn is_word_char_after(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(char::is_alphanumeric)
}

/// Finds a BSN in a cell of free text or of any column: 9 digits, 8 digits (read with a
/// leading zero), or 9 digits grouped 3-3-3 or 4-2-3 with one kind of separator (space, `.`
/// or `-`), that pass the elfproef. Returns the 9 digits.
///
/// The candidate must stand on its own: a digit run inside an alphanumeric token
/// (`P19435071a8c`) is not one, and neither is a group that continues a longer number
/// through a `.`, `,` or `-` (`1050000.00`, `123.456.789,00`, `06-12345678`, `15-01-2020`).
/// A neighbour joined by a space is another word (`in 2020 123456782`), so it does not
/// hide the candidate.
pub fn find_bsn(cell: &str) -> Option<[u8; 9]> {
    let bytes = cell.as_bytes();
    // Most cells (amounts, scores, tags) hold fewer than 8 digits: no BSN, no allocation.
    if bytes.iter().filter(|b| b.is_ascii_digit()).count() < 8 {
        return None;
    }
    let groups = digit_groups(bytes);
    for first in 0..groups.len() {
        let continues_previous = first > 0
            && groups[first - 1]
                .joined_by
                .is_some_and(|separator| separator != b' ');
        if continues_previous || is_word_char_before(cell, groups[first].start) {
            continue;
        }
        for shape in BSN_SHAPES {
            let Some(window) = groups.get(first..first + shape.len()) else {
                continue;
            };
            if let Some(digits) = bsn_in_window(cell, window, shape) {
                return Some(digits);
            }
        }
    }
    None
}

/// The BSN written by `window`, when its groups have exactly the lengths of `shape`, are
/// joined by one and the same separator, and end where a number ends.
fn bsn_in_window(cell: &str, window: &[DigitGroup], shape: &[usize]) -> Option<[u8; 9]> {
    let lengths_match = window
        .iter()
        .zip(shape)
        .all(|(group, &len)| group.end - group.start == len);
    if !lengths_match {
        return None;
    }
    let inner = &window[..window.len() - 1];
    let separator = inner.first().and_then(|g| g.joined_by);
    let joined_alike = inner.iter().all(|g| {
        g.joined_by
            .is_some_and(|s| BSN_GROUP_SEPARATORS.contains(&s) && Some(s) == separator)
    });
    let last = window[window.len() - 1];
    let continues_next = last.joined_by.is_some_and(|s| s != b' ');
    if !joined_alike || continues_next || is_word_char_after(cell, last.end) {
        return None;
    }
    let bytes = cell.as_bytes();
    let digits: Vec<u8> = window
        .iter()
        .flat_map(|g| bytes[g.start..g.end].iter().copied())
        .collect();
    let mut candidate = [b'0'; 9];
    candidate[9 - digits.len()..].copy_from_slice(&digits);
    is_valid_bsn(&candidate).then_some(candidate)
}

/// Whether a case id is itself a BSN: the whole id, trimmed, is written in one of the
/// shapes of [`find_bsn`] and passes the elfproef. Case ids may hold any other pseudonym,
/// including ones with digit runs, so only an exact BSN is refused.
pub fn case_id_is_bsn(case_id: &str) -> Option<[u8; 9]> {
    let id = case_id.trim();
    let groups = digit_groups(id.as_bytes());
    let whole = groups.first().is_some_and(|g| g.start == 0)
        && groups.last().is_some_and(|g| g.end == id.len());
    if !whole {
        return None;
    }
    BSN_SHAPES
        .iter()
        .filter(|shape| shape.len() == groups.len())
        .find_map(|shape| bsn_in_window(id, &groups, shape))
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

/// The 16 letters a pseudonym is spelled in, one per 4 bits: consonants only, so a
/// pseudonym holds no digit (it can never look like a BSN, a date or an amount) and spells
/// no word.
const PSEUDONYM_ALPHABET: &[u8; 16] = b"bcdfghjklmnpqrst";

/// A stable pseudonym for a case id: HMAC-SHA256 under `key`, truncated to 64 bits and
/// spelled as 16 letters, prefixed `P-` (e.g. `P-kqbtrgmdhsflpcnj`). The same key and id
/// always give the same pseudonym; without the key it cannot be reversed or recomputed. It
/// contains no digit, so no pseudonym is ever taken for a BSN.
pub fn pseudonym(key: &[u8], case_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(case_id.trim().as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(18);
    out.push_str("P-");
    for byte in &digest[..8] {
        out.push(char::from(PSEUDONYM_ALPHABET[usize::from(byte >> 4)]));
        out.push(char::from(PSEUDONYM_ALPHABET[usize::from(byte & 0x0f)]));
    }
    out
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
            "BSN: 123456782.",
            "(123456782)",
            "123.456.782",
            "1234.56.782",
            "1234 56 782",
            "123-456-782",
            "123 456 782",
            "12345672",
            "in 2020 123456782",
            "BSN-123456782",
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
            // Digit runs inside alphanumeric tokens.
            "P19435071a8c77529",
            "ab123456782",
            "123456782ab",
            "x12345672",
            "é123456782",
            // Amounts and longer numbers.
            "1050000.00",
            "1.050.000,00",
            "123456782.00",
            "123.456.782,00",
            "12345672,50",
            "06-12345672",
            // Mixed or unknown separators.
            "123.456-782",
            "123_456_782",
            "12-34-56-782",
        ] {
            assert_eq!(find_bsn(cell), None, "{cell}");
        }
        assert_eq!(find_bsn("12345672"), Some(*b"012345672"));
    }

    #[test]
    fn a_case_id_is_refused_only_when_it_is_exactly_a_bsn() {
        for id in ["123456782", " 123456782 ", "123.456.782", "12345672"] {
            assert!(case_id_is_bsn(id).is_some(), "{id}");
        }
        for id in [
            "P-123456782",
            "123456782-A",
            "MP-0001",
            "123456789",
            "P19435071a8c",
            "1234567820",
            "",
        ] {
            assert_eq!(case_id_is_bsn(id), None, "{id}");
        }
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
        assert!(a.starts_with("P-"));
        assert!(
            a[2..].bytes().all(|b| PSEUDONYM_ALPHABET.contains(&b)),
            "{a}"
        );
    }

    /// Ids that other pseudonymisation tools write: hex and base32 digests, bare or with a
    /// prefix. None may be taken for a BSN, in the case-id column or in free text.
    #[test]
    fn a_million_random_hex_and_base32_ids_hold_no_bsn() {
        use rand::{Rng, SeedableRng};
        const HEX: &[u8] = b"0123456789abcdef";
        const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(14);
        let prefixes = ["", "P-", "P", "id_", "CL-"];
        let mut findings = Vec::new();
        for i in 0..1_000_000 {
            let (alphabet, len) = match i % 4 {
                0 => (HEX, 16),
                1 => (HEX, 32),
                2 => (BASE32, 16),
                _ => (BASE32, 26),
            };
            let mut id = prefixes[i % prefixes.len()].to_owned();
            id.extend((0..len).map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())])));
            if case_id_is_bsn(&id).is_some() || find_bsn(&id).is_some() {
                findings.push(id);
            }
        }
        assert!(
            findings.is_empty(),
            "{} ids: {:?}",
            findings.len(),
            &findings[..findings.len().min(5)]
        );
    }

    proptest::proptest! {
        #[test]
        fn pseudonyms_under_any_key_hold_no_bsn(
            key in proptest::collection::vec(proptest::num::u8::ANY, 16..64),
            id in "[A-Za-z0-9-]{1,20}",
        ) {
            let p = pseudonym(&key, &id);
            proptest::prop_assert!(find_bsn(&p).is_none() && case_id_is_bsn(&p).is_none(), "{}", p);
            proptest::prop_assert!(!p.bytes().any(|b| b.is_ascii_digit()), "{}", p);
        }

        /// Every valid BSN is found in every shape it is written in, alone or in a sentence,
        /// and the finding is the BSN itself.
        #[test]
        fn every_valid_bsn_is_found_in_every_shape(n in 1_000_000u32..100_000_000) {
            // The check digit that makes the first eight pass the elfproef.
            let first8 = format!("{n:08}");
            let weighted: u32 = first8.bytes().zip((2..=9).rev()).map(|(d, w)| w * u32::from(d - b'0')).sum();
            proptest::prop_assume!(weighted % 11 < 10);
            let digits = format!("{first8}{}", weighted % 11);
            let bytes: [u8; 9] = digits.as_bytes().try_into().unwrap();
            proptest::prop_assert!(is_valid_bsn(&bytes));
            let (a, b, c) = (&digits[..3], &digits[3..6], &digits[6..]);
            for written in [
                digits.clone(),
                format!("{a}.{b}.{c}"),
                format!("{a} {b} {c}"),
                format!("{a}-{b}-{c}"),
                format!("{}.{}.{}", &digits[..4], &digits[4..6], &digits[6..]),
            ] {
                proptest::prop_assert_eq!(find_bsn(&written), Some(bytes));
                proptest::prop_assert_eq!(find_bsn(&format!("moeder, bsn {written}, belt")), Some(bytes));
                proptest::prop_assert_eq!(case_id_is_bsn(&written), Some(bytes));
            }
        }
    }
}
