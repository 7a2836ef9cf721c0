//! Reading Parquet files with polars. Every column is cast to text, so the same validation
//! applies as for CSV; a column whose type cannot be text is refused by name.

use std::path::Path;

use maatpact_core::{RawRow, RawTable};
use polars::prelude::*;

use crate::error::{Result, io_error};
use crate::io::read::{MAX_CELL_BYTES, MAX_COLUMNS, fatal};

pub(crate) fn read_parquet(path: &Path, source: &str) -> Result<RawTable> {
    let file = std::fs::File::open(path).map_err(io_error(path))?;
    let frame = ParquetReader::new(file).finish().map_err(|err| {
        fatal(
            source,
            None,
            None,
            format!("not a readable Parquet file: {err}"),
        )
    })?;
    if frame.width() > MAX_COLUMNS {
        return Err(fatal(
            source,
            None,
            None,
            format!("{} columns; at most {MAX_COLUMNS} are read", frame.width()),
        ));
    }
    let mut headers = Vec::with_capacity(frame.width());
    let mut columns: Vec<Vec<String>> = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        let name = column.name().to_string();
        let as_text = column.cast(&DataType::String).map_err(|err| {
            fatal(
                source,
                Some(1),
                Some(name.clone()),
                format!(
                    "column of type {} cannot be read as a case field: {err}",
                    column.dtype()
                ),
            )
        })?;
        let strings = as_text
            .str()
            .map_err(|err| fatal(source, Some(1), Some(name.clone()), err.to_string()))?;
        if let Some((index, long)) = strings
            .iter()
            .enumerate()
            .find(|(_, v)| v.is_some_and(|v| v.len() > MAX_CELL_BYTES))
        {
            return Err(fatal(
                source,
                Some(index + 2),
                Some(name),
                format!(
                    "cell of {} bytes; at most {MAX_CELL_BYTES} bytes are read",
                    long.unwrap_or_default().len()
                ),
            ));
        }
        columns.push(
            strings
                .iter()
                .map(|v| v.unwrap_or_default().to_owned())
                .collect(),
        );
        headers.push(name);
    }
    let rows = (0..frame.height())
        // Row 1 is the header, as in the CSV and xlsx forms of the same data.
        .map(|i| RawRow::new(i + 2, columns.iter().map(|c| c[i].as_str())))
        .filter(|r| r.cells().any(|c| !c.trim().is_empty()))
        .collect();
    Ok(RawTable {
        source: source.to_owned(),
        delimiter: None,
        header_row: 1,
        headers,
        rows,
        notices: Vec::new(),
    })
}
