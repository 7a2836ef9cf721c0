//! What a person reads: the report (Markdown and self-contained HTML) and the charts (SVG
//! and PNG), in Dutch or English, all drawn from the typed publication.

pub mod charts;
pub mod document;
pub mod format;
pub mod report;
pub mod run_charts;
