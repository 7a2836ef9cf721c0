//! Reading the first (or a named) worksheet of an `.xlsx` workbook.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use maatpact_core::{RawRow, RawTable};

use crate::error::Result;
use crate::io::read::{MAX_CELL_BYTES, MAX_COLUMNS, ReadOptions, fatal};

pub(crate) fn read_xlsx(path: &Path, source: &str, options: &ReadOptions) -> Result<RawTable> {
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|err| {
        fatal(
            source,
            None,
            None,
            format!("not a readable .xlsx workbook: {err}"),
        )
    })?;
    let names = workbook.sheet_names();
    let sheet = match &options.sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                fatal(
                    source,
                    None,
                    None,
                    format!(
                        "no sheet `{wanted}`; the workbook has: {}",
                        names.join(", ")
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| fatal(source, None, None, "the workbook has no sheets".into()))?,
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|err| fatal(source, None, None, format!("sheet `{sheet}`: {err}")))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    if range.width() > MAX_COLUMNS {
        return Err(fatal(
            source,
            None,
            None,
            format!("{} columns; at most {MAX_COLUMNS} are read", range.width()),
        ));
    }
    let mut table = RawTable {
        source: source.to_owned(),
        delimiter: None,
        ..RawTable::default()
    };
    let mut header_seen = false;
    for (offset, cells) in range.rows().enumerate() {
        let row = first_row as usize + offset + 1;
        let mut values = Vec::with_capacity(cells.len());
        for (index, cell) in cells.iter().enumerate() {
            let value = cell_text(cell).map_err(|message| {
                let column = table
                    .headers
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", index + 1));
                fatal(source, Some(row), Some(column), message)
            })?;
            if value.len() > MAX_CELL_BYTES {
                return Err(fatal(
                    source,
                    Some(row),
                    None,
                    format!(
                        "cell of {} bytes; at most {MAX_CELL_BYTES} bytes are read",
                        value.len()
                    ),
                ));
            }
            values.push(value);
        }
        // Empty rows, and the blank rows under merged cells, carry nothing.
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if header_seen {
            table.rows.push(RawRow::new(row, values));
        } else {
            table.header_row = row;
            table.headers = values.into_iter().map(|h| h.trim().to_owned()).collect();
            header_seen = true;
        }
    }
    Ok(table)
}

/// A cell as text: numbers without float noise (`1354.33`, not `1354.3300000000002`),
/// dates as `yyyy-mm-dd`.
fn cell_text(cell: &Data) -> std::result::Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_float(*f),
        Data::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Data::DateTime(dt) => excel_serial_to_iso(dt.as_f64()),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(err) => return Err(format!("the cell holds an Excel error ({err:?})")),
    })
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let cents = (f * 100.0).round();
    if (f * 100.0 - cents).abs() < 1e-6 {
        let text = format!("{:.2}", cents / 100.0);
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        f.to_string()
    }
}

/// An Excel serial date (days since 1899-12-30) as `yyyy-mm-dd`.
fn excel_serial_to_iso(serial: f64) -> String {
    // Days since 1970-01-01, then the civil-from-days algorithm (Howard Hinnant).
    let days = serial.floor() as i64 - 25_569;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_iso_dates() {
        assert_eq!(excel_serial_to_iso(43_831.0), "2020-01-01");
        assert_eq!(excel_serial_to_iso(44_196.5), "2020-12-31");
    }

    #[test]
    fn floats_lose_their_noise() {
        assert_eq!(format_float(20_000.0), "20000");
        assert_eq!(format_float(1354.3300000000002), "1354.33");
        assert_eq!(format_float(7.5), "7.5");
    }
}
