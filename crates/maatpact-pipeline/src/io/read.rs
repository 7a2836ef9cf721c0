//! Reading CSV/TSV, `.xlsx` and Parquet files into a [`RawTable`] of strings. All three
//! produce the same table for the same records; interpretation happens in
//! [`maatpact_core::validate`].

use std::borrow::Cow;
use std::path::Path;

use maatpact_core::{Issue, IssueCode, RawRow, RawTable};

use rayon::prelude::*;

use super::read_scan::scan;
use crate::error::{Result, io_error};

/// The most columns a table may have. A header with more is refused rather than read.
pub const MAX_COLUMNS: usize = 1_000;
/// The longest cell, in bytes. A longer cell is refused rather than kept in memory.
pub const MAX_CELL_BYTES: usize = 1 << 20;

/// Options for [`read_table`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The worksheet of an `.xlsx` file; the first sheet when `None`.
    pub sheet: Option<String>,
}

/// The kinds of input file, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimited text: `.csv`, `.tsv`, `.txt` and anything unknown.
    Delimited,
    /// An Excel workbook: `.xlsx`, `.xlsm`.
    Xlsx,
    /// Apache Parquet: `.parquet`.
    Parquet,
}

impl InputFormat {
    /// The format of a path, by its extension.
    pub fn of(path: &Path) -> InputFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx" | "xlsm") => InputFormat::Xlsx,
            Some("parquet" | "pq") => InputFormat::Parquet,
            _ => InputFormat::Delimited,
        }
    }
}

/// Reads a file into a raw table. Problems with the file's form (encoding, quoting, size
/// limits) come back as a table-less `Err(Error::Invalid)` listing them; problems with its
/// contents are for [`maatpact_core::validate`].
pub fn read_table(path: &Path, options: &ReadOptions) -> Result<RawTable> {
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match InputFormat::of(path) {
        InputFormat::Delimited => {
            let bytes = std::fs::read(path).map_err(io_error(path))?;
            read_delimited(&source, &bytes)
        }
        InputFormat::Xlsx => crate::io::read_xlsx::read_xlsx(path, &source, options),
        InputFormat::Parquet => crate::io::read_parquet::read_parquet(path, &source),
    }
}

pub(crate) fn fatal(
    source: &str,
    row: Option<usize>,
    column: Option<String>,
    message: String,
) -> crate::Error {
    crate::Error::Invalid {
        issues: vec![Issue::new(
            IssueCode::Unreadable,
            source,
            row,
            column,
            message,
            None,
        )],
    }
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The column of a byte offset, for errors found before the text is split into cells: the
/// header's name for it, or `column N`. Cells are counted from the start of the offset's
/// line, with delimiters inside quotes skipped.
fn column_at(bytes: &[u8], offset: usize) -> String {
    let header_end = bytes
        .split_inclusive(|&b| b == b'\n')
        .scan(0, |end, line| {
            *end += line.len();
            Some((*end, line))
        })
        .find(|(_, line)| !line.trim_ascii().is_empty())
        .map_or(0, |(end, _)| end);
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    let delimiter = sniff_delimiter(&header) as u8;
    let offset = offset.min(bytes.len());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let mut index = 0;
    let mut in_quotes = false;
    for &byte in &bytes[line_start..offset] {
        if byte == b'"' {
            in_quotes = !in_quotes;
        } else if byte == delimiter && !in_quotes {
            index += 1;
        }
    }
    let names = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(header.trim_start().as_bytes())
        .records()
        .next()
        .and_then(|r| r.ok());
    names
        .as_ref()
        .filter(|_| line_start >= header_end)
        .and_then(|names| names.get(index))
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| format!("column {}", index + 1))
}

/// Bytes that Windows-1252 leaves undefined: a file with them is not Windows-1252 either.
const UNDEFINED_IN_WINDOWS_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Decodes a text file: UTF-16 with a BOM, UTF-8 (a BOM is dropped), or else Windows-1252,
/// which is what Excel writes as "CSV" on Dutch Windows machines. UTF-8 is borrowed, not
/// copied: a large file is then held in memory once.
/// The text with LF as its only line ending: CRLF (Windows, as Excel writes CSV) and a lone
/// CR (classic Mac, Excel for Mac's "CSV (Macintosh)") become LF. The CSV parser ends records
/// at either but counts lines by the LF that starts the next record, so without this every
/// row of a Windows file was reported one row too early, and every row after a lone CR under
/// the wrong number. Found by the `csv_reader` fuzz target.
fn one_line_ending(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn decode<'b>(source: &str, bytes: &'b [u8], notices: &mut Vec<Issue>) -> Result<Cow<'b, str>> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            let message = format!("not valid {}", encoding.name());
            return Err(fatal(source, None, None, message));
        }
        return Ok(Cow::Owned(text.into_owned()));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = memchr::memchr(0, body) {
        return Err(fatal(
            source,
            Some(line_of(body, offset)),
            Some(column_at(body, offset)),
            "the file holds a NUL byte: it is binary, not a CSV text file (export it again as CSV)"
                .into(),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(err) => {
            if let Some(offset) = body
                .iter()
                .position(|b| UNDEFINED_IN_WINDOWS_1252.contains(b))
            {
                return Err(fatal(
                    source,
                    Some(line_of(body, err.valid_up_to())),
                    Some(column_at(body, err.valid_up_to())),
                    format!(
                        "the file is neither UTF-8 nor Windows-1252 (invalid UTF-8 at byte {}, byte 0x{:02X} at byte {} is undefined in Windows-1252); save it as CSV UTF-8",
                        err.valid_up_to() + 1,
                        body[offset],
                        offset + 1
                    ),
                ));
            }
            // A file that holds UTF-8 letters (ë, é written as two bytes) is UTF-8 with a
            // stray byte from elsewhere, not Windows-1252: decoding all of it as 1252 turned
            // every "Súdwest" into "SÃºdwest" and named no row.
            if body.utf8_chunks().any(|chunk| !chunk.valid().is_ascii()) {
                let offset = err.valid_up_to();
                return Err(fatal(
                    source,
                    Some(line_of(body, offset)),
                    Some(column_at(body, offset)),
                    format!(
                        "the file is UTF-8, but byte {} (0x{:02X}) is not: probably a letter pasted from another program (é or ë in Windows-1252); retype it, or save the file again as CSV UTF-8",
                        offset + 1,
                        body[offset]
                    ),
                ));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
            notices.push(Issue::new(
                IssueCode::Windows1252,
                source,
                None,
                None,
                "the file is not UTF-8; it was read as Windows-1252",
                None,
            ));
            Ok(text)
        }
    }
}

/// The delimiter of the header line: the most frequent of `;`, tab, `,` and `|` outside
/// quotes. Ties go in that order, because Dutch exports use `;` and `,` is also a decimal.
fn sniff_delimiter(text: &str) -> char {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(';', 0usize), ('\t', 0), (',', 0), ('|', 0)];
    let mut in_quotes = false;
    for c in header.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
            entry.1 += 1;
        }
    }
    let best = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
    counts
        .iter()
        .find(|&&(_, n)| n == best && n > 0)
        .map(|&(d, _)| d)
        .unwrap_or(',')
}

/// A record as a row: the record's buffer is the cells end to end, copied once at its
/// exact size.
fn raw_row(row: usize, record: &csv::StringRecord) -> RawRow {
    let ends = (0..record.len())
        .map(|i| record.range(i).map_or(0, |r| r.end as u32))
        .collect();
    RawRow::from_parts(row, record.as_slice().to_owned(), ends)
}

/// Reads delimited text (CSV, TSV, semicolon-separated) from bytes.
pub fn read_delimited(source: &str, bytes: &[u8]) -> Result<RawTable> {
    read_in_pieces(source, bytes, PIECE_BYTES)
}

/// [`read_delimited`], the text cut into pieces of at least `piece_bytes` (whole records)
/// that are parsed in parallel.
fn read_in_pieces(source: &str, bytes: &[u8], piece_bytes: usize) -> Result<RawTable> {
    let mut notices = Vec::new();
    let text = one_line_ending(decode(source, bytes, &mut notices)?);
    // Excel's "CSV for Excel" names its delimiter on a first line of its own (`sep=;`).
    let excel_sep = text
        .lines()
        .next()
        .and_then(|line| line.trim().strip_prefix("sep="))
        .and_then(|rest| {
            let mut chars = rest.chars();
            chars.next().filter(|_| chars.next().is_none())
        });
    let delimiter = excel_sep.unwrap_or_else(|| sniff_delimiter(&text));
    let shape = scan(&text, delimiter as u8, piece_bytes);
    if let Some((line, offset)) = shape.unclosed_quote {
        return Err(fatal(
            source,
            Some(line),
            Some(column_at(text.as_bytes(), offset)),
            "a quote opened here is never closed".into(),
        ));
    }
    if let Some(quote) = shape.text_after_quote {
        let bytes = text.as_bytes();
        let after: String = text[quote.closed.1 + 1..]
            .chars()
            .take_while(|&c| c != '\n' && c != delimiter)
            .take(20)
            .collect();
        let lines = match quote.closed.0 - quote.opened.0 {
            1 => format!(", and line {} was read into this one cell", quote.closed.0),
            _ => format!(
                ", and lines {}–{} were read into this one cell",
                quote.opened.0 + 1,
                quote.closed.0
            ),
        };
        return Err(fatal(
            source,
            Some(quote.opened.0),
            Some(column_at(bytes, quote.opened.1)),
            format!(
                "a quote opened here closes in line {} followed by text (`\"{after}`) instead of a delimiter or the end of the line: a quote is probably never closed here{lines}. Close the quote at the end of this cell, or remove it, and double any quote inside a quoted cell",
                quote.closed.0
            ),
        ));
    }
    // Records before an oversized cell are still read, for the header that names its column;
    // the scan has seen every cell before it, and none is oversized.
    let readable = &text[..shape
        .oversized
        .as_ref()
        .map_or(text.len(), |o| o.record_start)];
    let mut pieces = shape.cuts;
    pieces.retain(|&(start, _)| start == 0 || start < readable.len());
    let ends = pieces.iter().skip(1).map(|&(start, _)| start);
    let pieces: Vec<(&str, usize)> = pieces
        .iter()
        .zip(ends.chain([readable.len()]))
        .map(|(&(start, line), end)| (&readable[start..end], line))
        .collect();
    let parsed: Vec<Vec<RawRow>> = pieces
        .into_par_iter()
        .map(|(piece, first_line)| parse_piece(source, piece, first_line, delimiter as u8))
        .collect::<Result<_>>()?;
    let mut records = parsed.into_iter().flatten();
    let mut table = RawTable {
        source: source.to_owned(),
        delimiter: Some(delimiter),
        header_row: 1,
        notices,
        ..RawTable::default()
    };
    if excel_sep.is_some() {
        records.next();
    }
    if let Some(header) = records.next() {
        table.header_row = header.row;
        table.headers = header.cells().map(|h| h.trim().to_owned()).collect();
    }
    table.rows = records.collect();
    if let Some(cell) = shape.oversized {
        let issue = cell_too_large(source, &table, cell.line, cell.column, cell.bytes);
        return Err(crate::Error::Invalid {
            issues: vec![issue],
        });
    }
    Ok(table)
}

/// Text per piece parsed in parallel: big enough that a piece's reader costs nothing, small
/// enough that two cores share a file of a few megabytes.
const PIECE_BYTES: usize = 4 << 20;

/// Parses one piece of the text, which starts a record at line `first_line`, into its rows
/// that are not blank (the first of the file is its header).
fn parse_piece(source: &str, piece: &str, first_line: usize, delimiter: u8) -> Result<Vec<RawRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(piece.as_bytes());
    let line_in_file = |line: u64| line as usize + first_line - 1;
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            // Flexible records from text that is UTF-8 throughout give no error; should one
            // come, its row is the file's, not the piece's.
            Err(err) => {
                let row = err.position().map(|p| line_in_file(p.line()));
                return Err(fatal(source, row, None, format!("unreadable CSV: {err}")));
            }
        }
        // The reader's position of a record after blank lines is that of the first blank
        // line (it skips them without counting them): the record's own line is further on.
        let row = record.position().map_or(0, |p| {
            let blank_lines = piece.as_bytes()[p.byte() as usize..]
                .iter()
                .take_while(|&&b| b == b'\n')
                .count();
            line_in_file(p.line()) + blank_lines
        });
        if record.len() > MAX_COLUMNS {
            return Err(fatal(
                source,
                Some(row),
                None,
                format!("{} columns; at most {MAX_COLUMNS} are read", record.len()),
            ));
        }
        if record.iter().any(|c| !c.trim().is_empty()) {
            rows.push(raw_row(row, &record));
        }
    }
    Ok(rows)
}

fn cell_too_large(source: &str, table: &RawTable, row: usize, index: usize, bytes: usize) -> Issue {
    Issue {
        severity: IssueCode::CellTooLarge.severity(),
        code: IssueCode::CellTooLarge,
        file: source.to_owned(),
        row: Some(row),
        column: Some(
            table
                .headers
                .get(index)
                .cloned()
                .unwrap_or_else(|| format!("column {}", index + 1)),
        ),
        message: format!("cell of {bytes} bytes; at most {MAX_CELL_BYTES} bytes are read"),
        value: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_alike_for_lf_crlf_and_lone_cr_line_endings() {
        // Found by the csv_reader fuzz target: CRLF files were numbered one row too early,
        // and the row after a lone CR got the header's number.
        for text in [
            "case_id,problems\nA1,wonen\nA2,ggz\n",
            "case_id,problems\r\nA1,wonen\r\nA2,ggz\r\n",
            "case_id,problems\rA1,wonen\rA2,ggz\r",
        ] {
            let table = read_delimited("t.csv", text.as_bytes()).unwrap();
            assert_eq!(table.header_row, 1, "{text:?}");
            let rows: Vec<usize> = table.rows.iter().map(|r| r.row).collect();
            assert_eq!(rows, [2, 3], "{text:?}");
            assert_eq!(
                table.rows[1].cells().collect::<Vec<_>>(),
                ["A2", "ggz"],
                "{text:?}"
            );
        }
        // Blank lines are skipped but counted, with or without a quoted newline before them.
        let blanks = read_delimited("t.csv", b"a,b\n\n1,2\n\"x\ny\",3\n\n\n4,5\n").unwrap();
        assert_eq!(
            blanks.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            [3, 4, 8]
        );
        let stray = read_delimited("t.csv", b"case_id,problems\nA1,won\ren\nA2,ggz\n").unwrap();
        assert_eq!(
            stray.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }

    /// The rows a single CSV reader gives, numbered by the line where each record starts
    /// (counted here from its byte offset, past the blank lines the reader skips).
    fn one_reader(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.unwrap())
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .map(|r| {
                let byte = r.position().unwrap().byte() as usize;
                let start = byte + text[byte..].len() - text[byte..].trim_start_matches('\n').len();
                let line = text[..start].matches('\n').count() + 1;
                (line, r.iter().map(str::to_owned).collect())
            })
            .collect()
    }

    proptest::proptest! {
        /// Cut into pieces of any size, a text gives the rows (cells and row numbers) that
        /// one reader over the whole text gives: quotes, doubled quotes, newlines and
        /// delimiters inside quotes, quotes inside cells and blank lines included.
        #[test]
        fn pieces_read_as_one_reader_does(
            cells in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[a-z0-9 ]{0,4}").unwrap(),
                    proptest::string::string_regex("\"[a-z;\n]{0,4}(\"\"[a-z\n]{0,3})?\"").unwrap(),
                    proptest::string::string_regex("[a-z]\"[a-z]{0,2}").unwrap(),
                ],
                1..60,
            ),
            ends in proptest::collection::vec(0u8..4, 60),
            piece_bytes in 1usize..40,
        ) {
            let mut text = String::from("a;b;c\n");
            for (cell, end) in cells.iter().zip(&ends) {
                text.push_str(cell);
                text.push_str(match end {
                    0 => "\n",
                    1 => "\n\n",
                    _ => ";",
                });
            }
            let Ok(whole) = read_in_pieces("t.csv", text.as_bytes(), usize::MAX) else {
                // An unclosed quote: refused whole and in pieces alike.
                proptest::prop_assert!(read_in_pieces("t.csv", text.as_bytes(), piece_bytes).is_err());
                return Ok(());
            };
            let pieces = read_in_pieces("t.csv", text.as_bytes(), piece_bytes).unwrap();
            proptest::prop_assert_eq!(&pieces, &whole);
            let rows: Vec<(usize, Vec<String>)> = pieces
                .rows
                .iter()
                .map(|r| (r.row, r.cells().map(str::to_owned).collect()))
                .collect();
            proptest::prop_assert_eq!(rows, one_reader(&text, b';')[1..].to_vec());
        }
    }

    #[test]
    fn an_excel_sep_line_names_the_delimiter_and_is_no_header() {
        let table =
            read_delimited("t.csv", b"sep=;\r\ncase_id;problems\r\nA1;wonen,ggz\r\n").unwrap();
        assert_eq!(table.delimiter, Some(';'));
        assert_eq!(table.header_row, 2);
        assert_eq!(table.headers, ["case_id", "problems"]);
        assert_eq!(table.rows[0].row, 3);
        assert_eq!(
            table.rows[0].cells().collect::<Vec<_>>(),
            ["A1", "wonen,ggz"]
        );
    }

    #[test]
    fn sniffs_the_header_delimiter() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3"), ';');
        assert_eq!(sniff_delimiter("a\tb\n"), '\t');
        assert_eq!(sniff_delimiter("a,b,c\n"), ',');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), ',');
        assert_eq!(sniff_delimiter("single\n"), ',');
    }

    #[test]
    fn names_the_column_of_a_byte_offset() {
        let text = b"\ncase_id;\"problems\";note\nA1;\"a;b\";x\0y\n";
        let nul = text.iter().position(|&b| b == 0).unwrap();
        assert_eq!(column_at(text, nul), "note");
        assert_eq!(column_at(text, 3), "column 1");
        assert_eq!(column_at(b"a,b\n1,2,3,4\n", 11), "column 4");
        assert_eq!(column_at(b"", 0), "column 1");
    }
}
