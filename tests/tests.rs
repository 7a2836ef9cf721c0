//! maatpact's integration tests: one binary, one module per stage.

mod loading;
mod savings;
