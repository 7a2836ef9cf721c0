//! Reading CSV/TSV, `.xlsx` and Parquet files into a [`RawTable`] of strings. All three
//! produce the same table for the same records; interpretation happens in
//! [`maatpact_core::validate`].

use std::borrow::Cow;
use std::path::Path;

use maatpact_core::{Issue, IssueCode, RawRow, RawTable};

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
    if let Some(offset) = body.iter().position(|&b| b == 0) {
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

/// The line and byte offset of a quote that is never closed, if any.
fn unclosed_quote(text: &str) -> Option<(usize, usize)> {
    let mut in_quotes = false;
    let mut opened_at = (0, 0);
    let mut line = 1;
    let mut previous = '\n';
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' if in_quotes => {
                if chars.peek().map(|&(_, next)| next) == Some('"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            '"' if matches!(previous, '\n' | ',' | ';' | '\t' | '|') => {
                in_quotes = true;
                opened_at = (line, offset);
            }
            _ => {}
        }
        previous = c;
    }
    in_quotes.then_some(opened_at)
}

/// A cell longer than [`MAX_CELL_BYTES`], as [`oversized_cell`] finds it.
#[derive(Debug, PartialEq, Eq)]
struct OversizedCell {
    /// The byte offset where its record starts: everything before it is parsed as usual.
    record_start: usize,
    /// The line where its record starts, as the CSV parser numbers rows.
    line: usize,
    /// Its 0-based column.
    column: usize,
    /// Its length once unquoted.
    bytes: usize,
}

/// The first cell longer than [`MAX_CELL_BYTES`], found by splitting the text the way the
/// CSV parser does (quotes open a cell only at its start, `""` is one quote) but without
/// copying any cell: the parser would first build the whole record in memory, and a cell of
/// 100 MB would cost several times that.
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
        let ends_record = matches!(byte, b'\n' | b'\r');
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
                line += usize::from(byte == b'\n');
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
    let mut notices = Vec::new();
    let text = one_line_ending(decode(source, bytes, &mut notices)?);
    if let Some((line, offset)) = unclosed_quote(&text) {
        return Err(fatal(
            source,
            Some(line),
            Some(column_at(text.as_bytes(), offset)),
            "a quote opened here is never closed".into(),
        ));
    }
    let delimiter = sniff_delimiter(&text);
    // Records before an oversized cell are still read, for the header that names its column.
    let oversized = oversized_cell(&text, delimiter as u8);
    let readable = &text[..oversized.as_ref().map_or(text.len(), |o| o.record_start)];
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(readable.as_bytes());
    let mut table = RawTable {
        source: source.to_owned(),
        delimiter: Some(delimiter),
        header_row: 1,
        notices,
        ..RawTable::default()
    };
    let mut header_seen = false;
    let mut record = csv::StringRecord::new();
    let mut problems = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let row = err.position().map(|p| p.line() as usize);
                return Err(fatal(source, row, None, format!("unreadable CSV: {err}")));
            }
        }
        let row = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.len() > MAX_COLUMNS {
            return Err(fatal(
                source,
                Some(row),
                None,
                format!("{} columns; at most {MAX_COLUMNS} are read", record.len()),
            ));
        }
        for (index, cell) in record.iter().enumerate() {
            if cell.len() > MAX_CELL_BYTES {
                problems.push(cell_too_large(source, &table, row, index, cell.len()));
            }
        }
        if !problems.is_empty() {
            continue;
        }
        if !header_seen {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            table.header_row = row;
            table.headers = record.iter().map(|h| h.trim().to_owned()).collect();
            header_seen = true;
        } else if record.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push(raw_row(row, &record));
        }
    }
    if let Some(cell) = oversized {
        problems.push(cell_too_large(
            source,
            &table,
            cell.line,
            cell.column,
            cell.bytes,
        ));
    }
    if !problems.is_empty() {
        return Err(crate::Error::Invalid { issues: problems });
    }
    Ok(table)
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
        let stray = read_delimited("t.csv", b"case_id,problems\nA1,won\ren\nA2,ggz\n").unwrap();
        assert_eq!(
            stray.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            [2, 3, 4]
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
    fn finds_oversized_cells_without_parsing_them() {
        let big = "x".repeat(MAX_CELL_BYTES + 1);
        let text = format!("a,b\n1,2\r\n3,{big}\n4,5\n");
        let found = oversized_cell(&text, b',').unwrap();
        assert_eq!(
            found,
            OversizedCell {
                record_start: text.find("3,").unwrap(),
                line: 3,
                column: 1,
                bytes: MAX_CELL_BYTES + 1
            }
        );
        // Quotes and their doubling are not counted; newlines inside quotes are.
        let quoted = format!("a\n\"{}\"\"\n\"\n", "x".repeat(MAX_CELL_BYTES - 2));
        assert_eq!(oversized_cell(&quoted, b','), None);
        let quoted = format!("a\n\"{}\"\"\n\"\n", "x".repeat(MAX_CELL_BYTES - 1));
        assert_eq!(
            oversized_cell(&quoted, b',').map(|o| (o.line, o.bytes)),
            Some((2, MAX_CELL_BYTES + 1))
        );
        // A quote inside a cell is text, not the start of a quoted cell.
        let text = format!("a,b\n5\" screen,{}\n", "x".repeat(MAX_CELL_BYTES));
        assert_eq!(oversized_cell(&text, b','), None);
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

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unclosed_quote("a,b\n\"x,y\n1,2\n"), Some((2, 4)));
        assert_eq!(unclosed_quote("a,b\n\"x \"\"q\"\" y\",2\n"), None);
        assert_eq!(unclosed_quote("a,b\n5\" screen,2\n"), None);
    }
}
