//! Normalising names for lookup, and suggesting the nearest known name.

/// Folds the accented letters of Dutch and its neighbours to ASCII (`ë` → `e`).
fn fold_letter(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// The key under which tag and bottleneck names are looked up: lowercase, accents folded,
/// every run of other characters (spaces, `-`, `/`, `&`) turned into one `_`.
///
/// `"Niet passende begeleiding/ondersteuning"` → `niet_passende_begeleiding_ondersteuning`.
pub fn lookup_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase).map(fold_letter) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    key
}

/// The key under which column headers are matched: case-insensitive, ignoring spaces, `-`
/// and `_` (and accents, so `cliëntnummer` matches `clientnummer`).
pub fn header_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_letter)
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '\t'))
        .collect()
}

/// The candidate nearest to `key` by edit distance, when it is close enough to be a typo:
/// at most a third of the key's length, and at least 1. Ties go to the alphabetically first.
pub fn nearest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let key_length = key.chars().count();
    let limit = (key_length / 3).max(1);
    candidates
        // The edit distance is at least the difference in length. Skipping on that alone
        // spares the quadratic comparison of a long garbage cell with every name: 200
        // cells of 5,000 characters took minutes.
        .filter(|candidate| candidate.chars().count().abs_diff(key_length) <= limit)
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (optimal
/// string alignment), because swapped letters are the most common typo in a tag name.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_keys_fold_case_accents_and_separators() {
        for (name, key) in [
            (
                "Niet passende begeleiding/ondersteuning",
                "niet_passende_begeleiding_ondersteuning",
            ),
            ("  GGZ ", "ggz"),
            ("Financiële problemen", "financiele_problemen"),
            ("werk & opleiding", "werk_opleiding"),
            ("geen_uitkering", "geen_uitkering"),
        ] {
            assert_eq!(lookup_key(name), key, "{name}");
        }
    }

    #[test]
    fn header_keys_ignore_spaces_dashes_and_underscores() {
        assert_eq!(header_key("Tevredenheid_6m"), "tevredenheid6m");
        assert_eq!(header_key("\u{feff}Case ID"), "caseid");
        assert_eq!(header_key("cliënt-nummer"), "clientnummer");
    }

    #[test]
    fn nearest_finds_typos_only() {
        let names = ["schulden", "wonen", "ggz"];
        assert_eq!(nearest("schuldne", names.into_iter()), Some("schulden"));
        assert_eq!(nearest("wonne", names.into_iter()), Some("wonen"));
        assert_eq!(nearest("verslaving", names.into_iter()), None);
        assert_eq!(nearest("wonenn", names.into_iter()), Some("wonen"));
        assert_eq!(nearest(&"x".repeat(5_000), names.into_iter()), None);
    }
}
