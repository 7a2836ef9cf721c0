//! A pseudonymised copy of a case file: the one place that may read identifier columns, so
//! that users can make a copy that every other command accepts.

use maatpact_core::privacy::{find_bsn, identifier_in_header, pseudonym};
use maatpact_core::{Field, RawTable, field_for_header};

use crate::error::{Error, Result};

/// Keys shorter than this are too easy to guess, which would make the pseudonyms reversible.
pub const MIN_KEY_BYTES: usize = 16;

/// What replaces a free-text cell that holds a BSN.
pub const BSN_REDACTED: &str = "[BSN verwijderd]";

/// A pseudonymised copy, as CSV, and what was done to make it.
#[derive(Debug)]
pub struct Pseudonymised {
    /// The copy, as CSV bytes (UTF-8, with the input's delimiter; `,` for a workbook).
    pub csv: Vec<u8>,
    /// The data rows written.
    pub rows: usize,
    /// The identifier columns left out, as their headers were written.
    pub dropped_columns: Vec<String>,
    /// Cells outside the case-id column that held a BSN and were blanked.
    pub redacted_cells: usize,
}

/// Makes the pseudonymised copy of `table` under `key`: the case id becomes a keyed
/// pseudonym (letters only, so never a BSN, see [`pseudonym`]), identifier columns are
/// dropped, and a BSN in any other cell is replaced by [`BSN_REDACTED`]. Every other cell is
/// copied as it is, and a row keeps its number of fields, so a broken (short) row is still
/// reported by validation rather than padded into a case.
pub fn pseudonymise(table: &RawTable, key: &[u8]) -> Result<Pseudonymised> {
    if key.len() < MIN_KEY_BYTES {
        return Err(Error::Usage(format!(
            "the key has {} bytes; use at least {MIN_KEY_BYTES} random bytes (e.g. `head -c 32 /dev/urandom | base64 > KEY`)",
            key.len()
        )));
    }
    let Some(id_column) = table
        .headers
        .iter()
        .position(|h| field_for_header(h) == Some(Field::CaseId))
    else {
        return Err(Error::Usage(format!(
            "`{}` has no case_id column (casusnummer, casus_id, clientnummer) to pseudonymise",
            table.source
        )));
    };
    let (kept, dropped): (Vec<usize>, Vec<usize>) =
        (0..table.headers.len()).partition(|&i| identifier_in_header(&table.headers[i]).is_none());
    // The input's delimiter is kept: with it, the decimal style that validation reads from
    // a `;` file (decimal comma) stays what it was.
    let delimiter = table
        .delimiter
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(b',');
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_writer(Vec::new());
    let output_error = |err: csv::Error| Error::Output {
        what: "the pseudonymised copy".into(),
        message: err.to_string(),
    };
    writer
        .write_record(kept.iter().map(|&i| &table.headers[i]))
        .map_err(output_error)?;
    let mut redacted_cells = 0usize;
    for row in &table.rows {
        let cells: Vec<String> = kept
            .iter()
            .filter_map(|&i| row.get(i).map(|cell| (i, cell)))
            .map(|(i, cell)| {
                if i == id_column {
                    pseudonym(key, cell)
                } else if find_bsn(cell).is_some() {
                    redacted_cells += 1;
                    BSN_REDACTED.to_owned()
                } else {
                    cell.to_owned()
                }
            })
            .collect();
        writer.write_record(&cells).map_err(output_error)?;
    }
    let csv = writer.into_inner().map_err(|err| Error::Output {
        what: "the pseudonymised copy".into(),
        message: err.to_string(),
    })?;
    Ok(Pseudonymised {
        csv,
        rows: table.rows.len(),
        dropped_columns: dropped.iter().map(|&i| table.headers[i].clone()).collect(),
        redacted_cells,
    })
}
