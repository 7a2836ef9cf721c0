//! One pass over a delimited text before it is parsed: a quote that is never closed, a cell
//! too large to read, and the record starts where the text can be cut so that its pieces
//! are parsed in parallel.
//!
//! The pass splits records the way the CSV parser does (a quote opens a cell only at its
//! start, `""` inside quotes is one quote, a newline inside quotes is text), but jumps from
//! quote to newline with `memchr` instead of looking at every byte: at a million cases the
//! two byte-by-byte scans it replaces took a fifth of `maatpact mine`.

use memchr::{memchr, memchr_iter, memchr2};

use super::read::MAX_CELL_BYTES;

/// What [`scan`] finds.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TextShape {
    /// The line and byte offset of a quote that is never closed.
    pub unclosed_quote: Option<(usize, usize)>,
    /// A quoted cell over several lines whose closing quote is followed by text rather than
    /// a delimiter or the end of the line: the quote that opened it was almost always never
    /// closed, and the lines after it were read into the cell up to the next quote, so
    /// whole records vanished without a finding.
    pub text_after_quote: Option<TextAfterQuote>,
    /// The first cell longer than [`MAX_CELL_BYTES`].
    pub oversized: Option<OversizedCell>,
    /// Record starts, as (byte offset, line), at least `piece_bytes` apart; the first is the
    /// start of the text. Every record lies wholly between two of them.
    pub cuts: Vec<(usize, usize)>,
}

/// Where a quoted cell opens, and where its closing quote is followed by text.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TextAfterQuote {
    /// The line and byte offset of the opening quote.
    pub opened: (usize, usize),
    /// The line and byte offset of the closing quote.
    pub closed: (usize, usize),
}

/// A cell longer than [`MAX_CELL_BYTES`].
#[derive(Debug, PartialEq, Eq)]
pub(super) struct OversizedCell {
    /// The byte offset where its record starts: everything before it is parsed as usual.
    pub record_start: usize,
    /// The line where its record starts, as the CSV parser numbers rows.
    pub line: usize,
    /// Its 0-based column.
    pub column: usize,
    /// Its length once unquoted.
    pub bytes: usize,
}

/// Scans `text` (LF line endings only) split by `delimiter`. A record longer than
/// [`MAX_CELL_BYTES`] is looked at cell by cell; no other record can hold an oversized cell.
pub(super) fn scan(text: &str, delimiter: u8, piece_bytes: usize) -> TextShape {
    let bytes = text.as_bytes();
    let mut shape = TextShape {
        unclosed_quote: None,
        text_after_quote: None,
        oversized: None,
        cuts: vec![(0, 1)],
    };
    let (mut line, mut record_line, mut record_start, mut at) = (1, 1, 0, 0);
    let end_record = |shape: &mut TextShape, end: usize, record_start: usize, line: usize| {
        if end - record_start > MAX_CELL_BYTES && shape.oversized.is_none() {
            shape.oversized =
                oversized_cell(&text[record_start..end], delimiter).map(|cell| OversizedCell {
                    record_start,
                    line: line + cell.line - 1,
                    ..cell
                });
        }
    };
    while let Some(found) = memchr2(b'\n', b'"', &bytes[at..]) {
        let position = at + found;
        at = position + 1;
        if bytes[position] == b'\n' {
            end_record(&mut shape, position, record_start, record_line);
            line += 1;
            (record_start, record_line) = (at, line);
            let last_cut = shape.cuts.last().expect("the first cut").0;
            if record_start - last_cut >= piece_bytes && record_start < bytes.len() {
                shape.cuts.push((record_start, record_line));
            }
            continue;
        }
        // A quote opens a cell only at the cell's start; elsewhere it is text.
        if position != record_start && bytes[position - 1] != delimiter {
            continue;
        }
        let opened = (line, position);
        loop {
            let Some(close) = memchr(b'"', &bytes[at..]) else {
                shape.unclosed_quote = Some(opened);
                return shape;
            };
            line += memchr_iter(b'\n', &bytes[at..at + close]).count();
            at += close + 1;
            match bytes.get(at) {
                Some(&b'"') => at += 1,
                // Only across lines: on one line the cell keeps the text (`"5000" extra`
                // reads as `5000 extra`), which the cell's own check then names.
                Some(&next) if next != b'\n' && next != delimiter && line > opened.0 => {
                    shape.text_after_quote.get_or_insert(TextAfterQuote {
                        opened,
                        closed: (line, at - 1),
                    });
                    break;
                }
                _ => break,
            }
        }
    }
    end_record(&mut shape, bytes.len(), record_start, record_line);
    shape
}

/// The first cell longer than [`MAX_CELL_BYTES`], found by splitting the text the way the
/// CSV parser does but without copying any cell: the parser would first build the whole
/// record in memory, and a cell of 100 MB would cost several times that.
fn oversized_cell(text: &str, delimiter: u8) -> Option<OversizedCell> {
    let bytes = text.as_bytes();
    let (mut line, mut record_line, mut record_start) = (1, 1, 0);
    let (mut column, mut cell_bytes) = (0, 0usize);
    let (mut at_cell_start, mut in_quotes) = (true, false);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if in_quotes {
            match byte {
                b'"' if bytes.get(i) == Some(&b'"') => {
                    i += 1;
                    cell_bytes += 1;
                }
                b'"' => in_quotes = false,
                b'\n' => {
                    line += 1;
                    cell_bytes += 1;
                }
                _ => cell_bytes += 1,
            }
            continue;
        }
        let ends_record = byte == b'\n';
        if ends_record || byte == delimiter {
            if cell_bytes > MAX_CELL_BYTES {
                return Some(OversizedCell {
                    record_start,
                    line: record_line,
                    column,
                    bytes: cell_bytes,
                });
            }
            cell_bytes = 0;
            at_cell_start = true;
            column += 1;
            if ends_record {
                line += 1;
                (record_line, record_start, column) = (line, i, 0);
            }
            continue;
        }
        if byte == b'"' && at_cell_start {
            in_quotes = true;
        } else {
            cell_bytes += 1;
        }
        at_cell_start = false;
    }
    (cell_bytes > MAX_CELL_BYTES).then_some(OversizedCell {
        record_start,
        line: record_line,
        column,
        bytes: cell_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_oversized_cells_without_parsing_them() {
        let big = "x".repeat(MAX_CELL_BYTES + 1);
        let text = format!("a,b\n1,2\n3,{big}\n4,5\n");
        assert_eq!(
            scan(&text, b',', usize::MAX).oversized,
            Some(OversizedCell {
                record_start: text.find("3,").unwrap(),
                line: 3,
                column: 1,
                bytes: MAX_CELL_BYTES + 1
            })
        );
        // Quotes and their doubling are not counted; newlines inside quotes are.
        let quoted = format!("a\n\"{}\"\"\n\"\n", "x".repeat(MAX_CELL_BYTES - 2));
        assert_eq!(scan(&quoted, b',', usize::MAX).oversized, None);
        let quoted = format!("a\n\"{}\"\"\n\"\n", "x".repeat(MAX_CELL_BYTES - 1));
        assert_eq!(
            scan(&quoted, b',', usize::MAX)
                .oversized
                .map(|o| (o.line, o.bytes)),
            Some((2, MAX_CELL_BYTES + 1))
        );
        // A quote inside a cell is text, not the start of a quoted cell; a long record of
        // short cells holds no oversized cell.
        let text = format!("a,b\n5\" screen,{}\n", "x".repeat(MAX_CELL_BYTES));
        assert_eq!(scan(&text, b',', usize::MAX).oversized, None);
        let many = "x,".repeat(MAX_CELL_BYTES / 2 + 10);
        let text = format!("a\n{many}\n\"q\nr\",{big}\n");
        assert_eq!(
            scan(&text, b',', usize::MAX)
                .oversized
                .map(|o| (o.line, o.column)),
            Some((3, 1))
        );
    }

    #[test]
    fn finds_unclosed_quotes() {
        let unclosed = |text: &str| scan(text, b',', usize::MAX).unclosed_quote;
        assert_eq!(unclosed("a,b\n\"x,y\n1,2\n"), Some((2, 4)));
        assert_eq!(unclosed("a,b\n1,\"x\n\ny\n"), Some((2, 6)));
        assert_eq!(unclosed("a,b\n\"x \"\"q\"\" y\",2\n"), None);
        assert_eq!(unclosed("a,b\n5\" screen,2\n"), None);
        // Only the file's delimiter starts a cell: after `;` in a comma file a quote is text.
        assert_eq!(unclosed("a,b\nx;\"y,2\n"), None);
        assert_eq!(
            scan("a;b\nx;\"y,2\n", b';', usize::MAX).unclosed_quote,
            Some((2, 6))
        );
    }

    #[test]
    fn finds_text_after_a_closing_quote() {
        let after = |text: &str| {
            scan(text, b';', usize::MAX)
                .text_after_quote
                .map(|t| (t.opened.0, t.closed.0))
        };
        // A note whose quote is never closed swallows the next line up to its first quote.
        assert_eq!(
            after("a;b\n1;\"nee, volgt\n2;zie \"verslag\" van mei\n"),
            Some((2, 3))
        );
        // Quoted cells closed properly, doubled quotes and quotes inside cells are fine, and
        // so is text after a quote on the quote's own line (the cell's check names it).
        assert_eq!(after("a;b\n1;\"5000\" extra\n"), None);
        assert_eq!(
            after("a;b\n1;\"x\ny\";2\n\"q \"\"r\"\"\"\n5\" scherm;3\n"),
            None
        );
        assert_eq!(after("a;b\n1;\"x\""), None);
    }

    #[test]
    fn cuts_fall_on_record_starts_with_their_lines() {
        let text = "h,i\n\"a\nb\",1\nc,2\n\nd,\"3\n\"\ne,4";
        let shape = scan(text, b',', 1);
        let lines: Vec<usize> = shape.cuts.iter().map(|&(_, line)| line).collect();
        assert_eq!(lines, [1, 2, 4, 5, 6, 8]);
        for &(offset, line) in &shape.cuts {
            assert!(offset == 0 || text.as_bytes()[offset - 1] == b'\n');
            assert_eq!(text[..offset].matches('\n').count() + 1, line);
        }
        assert_eq!(scan(text, b',', 1000).cuts, [(0, 1)]);
    }
}
