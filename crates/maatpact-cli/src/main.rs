//! `maatpact`: find giftige cocktails in maatwerkcanvas case records, and report what the
//! tailored solutions saved and which rules stood in the way.

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod commands;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", render_error(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// 2 for bad usage or bad input, 1 for an analysis that could not be done.
fn exit_code(err: &anyhow::Error) -> u8 {
    use maatpact_pipeline::Error as P;
    for cause in err.chain() {
        if let Some(p) = cause.downcast_ref::<P>() {
            return match p {
                P::Core(maatpact_core::Error::Data(_)) => 1,
                P::Output { .. } => 1,
                _ => 2,
            };
        }
        if let Some(c) = cause.downcast_ref::<maatpact_core::Error>() {
            return match c {
                maatpact_core::Error::Data(_) => 1,
                _ => 2,
            };
        }
    }
    2
}

fn render_error(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        text.push_str(&format!(": {cause}"));
    }
    text
}
