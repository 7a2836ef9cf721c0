//! The number parser: `parse_hundredths` in both styles and `style_evidence`, with the
//! invariants every accepted value must keep.

#![no_main]

use libfuzzer_sys::fuzz_target;
use maatpact_core::{
    Cents, DecimalStyle, NumberError, StyleEvidence, parse_hundredths, style_evidence,
};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let comma = parse_hundredths(raw, DecimalStyle::Comma);
    let point = parse_hundredths(raw, DecimalStyle::Point);
    for (style, parsed) in [(DecimalStyle::Comma, &comma), (DecimalStyle::Point, &point)] {
        // Surrounding whitespace never changes a reading.
        assert_eq!(
            &parse_hundredths(&format!(" {raw}\t"), style),
            parsed,
            "{raw:?}"
        );
        let Ok(value) = *parsed else {
            continue;
        };
        // At most 15 integer digits: far inside i64, with room for the cents.
        assert!(value.unsigned_abs() < 10u64.pow(17), "{raw:?} -> {value}");
        // What `Cents` prints reads back as the same value, in point style and (with the
        // separator swapped) in comma style.
        let printed = Cents(value).to_string();
        assert_eq!(
            parse_hundredths(&printed, DecimalStyle::Point),
            Ok(value),
            "{raw:?} -> {printed}"
        );
        let dutch = printed.replace('.', ",");
        assert_eq!(
            parse_hundredths(&dutch, DecimalStyle::Comma),
            Ok(value),
            "{raw:?} -> {dutch}"
        );
        // At most one sign and one currency: `--5` and `€€5` are typing errors. (`,-` and
        // `.-` mark whole euros, before or after a currency: `−99,- EUR`.)
        let body = raw.replace(",-", "").replace(".-", "");
        assert!(body.matches(['-', '−']).count() <= 1, "{raw:?} -> {value}");
        let currencies =
            body.matches('€').count() + body.to_ascii_lowercase().matches("eur").count();
        assert!(currencies <= 1, "{raw:?} -> {value}");
        // An unsigned value with a minus in front is its negation.
        if !raw.contains(['-', '−']) {
            assert_eq!(
                parse_hundredths(&format!("-{raw}"), style),
                Ok(-value),
                "-{raw:?}"
            );
        }
    }
    let expected = match (&comma, &point) {
        (Ok(a), Ok(b)) if a == b => StyleEvidence::None,
        (Ok(_), Ok(_)) => StyleEvidence::Ambiguous,
        (Ok(_), Err(_)) => StyleEvidence::Comma,
        (Err(_), Ok(_)) => StyleEvidence::Point,
        (Err(_), Err(_)) => StyleEvidence::None,
    };
    assert_eq!(style_evidence(raw), expected, "{raw:?}");
    // Every refusal has a message.
    for err in [comma.err(), point.err()].into_iter().flatten() {
        let _: &NumberError = &err;
        assert!(!err.to_string().is_empty());
    }
});
