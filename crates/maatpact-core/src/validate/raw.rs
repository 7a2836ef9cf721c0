//! The table a reader gives: headers and rows of strings, before any interpretation.

use super::Issue;

/// A table as read from a file: headers and rows of strings, before any interpretation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawTable {
    /// The file name, as shown in messages.
    pub source: String,
    /// The delimiter of a text file; `None` for typed sources (xlsx, Parquet).
    pub delimiter: Option<char>,
    /// The row number of the header (1 for CSV; the first non-empty row for xlsx).
    pub header_row: usize,
    /// Column headers, as written.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<RawRow>,
    /// Findings of the reader (e.g. a Windows-1252 file decoded), passed on by [`validate`].
    pub notices: Vec<Issue>,
}

/// One data row of a [`RawTable`]: its cells stored end to end in one string, so that a
/// million rows of 23 cells cost two allocations each rather than 23 (at 1,000,000 cases
/// the table of one `String` per cell took 1.9 GB, most of it allocator overhead).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRow {
    /// The row number in the file, as a user finds it (header is row 1 in a CSV).
    pub row: usize,
    text: String,
    /// Where each cell ends in `text`; a short row has fewer cells than headers.
    ends: Vec<u32>,
}

impl RawRow {
    /// A row from its cells, in column order.
    ///
    /// # Panics
    /// If the cells add up to 4 GiB or more; readers refuse cells of more than 1 MiB and
    /// rows of more than 1,000 columns, far below it.
    pub fn new<S: AsRef<str>>(row: usize, cells: impl IntoIterator<Item = S>) -> RawRow {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            ends.push(u32::try_from(text.len()).expect("a row is below 4 GiB"));
        }
        text.shrink_to_fit();
        RawRow { row, text, ends }
    }

    /// A row from its cells stored end to end and where each cell ends, as a CSV reader
    /// holds them: two exact allocations per row.
    ///
    /// # Panics
    /// If an end lies past the text or the ends are not in order.
    pub fn from_parts(row: usize, text: String, ends: Vec<u32>) -> RawRow {
        assert!(
            ends.windows(2).all(|w| w[0] <= w[1])
                && ends.last().is_none_or(|&e| e as usize <= text.len()),
            "cell ends in order and within the row"
        );
        RawRow { row, text, ends }
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `index`, as written.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        Some(&self.text[start..end])
    }

    /// The cells, in column order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("index below len"))
    }
}
