//! maatpact's integration tests: one binary, one module per stage.

mod attacks;
mod hardening;
mod loading;
mod pseudonymise;
mod publication;
mod savings;
