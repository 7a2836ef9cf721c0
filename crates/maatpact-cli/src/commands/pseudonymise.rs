//! `maatpact pseudonymise INPUT --key-file KEY --out OUTPUT`: the one command that may read
//! identifier columns, so that users can make a copy that the others accept.

use std::process::ExitCode;

use anyhow::Context;
use maatpact_pipeline::{Error, ReadOptions, pseudonymise, read_table, write_file_atomic};

use crate::args::PseudonymiseArgs;

pub fn run(args: PseudonymiseArgs) -> anyhow::Result<ExitCode> {
    if same_file(&args.input, &args.out) {
        return Err(Error::Usage(format!(
            "--out `{}` is the input itself; pseudonymise never overwrites its input",
            args.out.display()
        ))
        .into());
    }
    let key = std::fs::read(&args.key_file)
        .with_context(|| format!("failed to read key file `{}`", args.key_file.display()))?;
    let table = match read_table(
        &args.input,
        &ReadOptions {
            sheet: args.sheet.clone(),
        },
    ) {
        Ok(table) => table,
        Err(Error::Invalid { issues }) => {
            crate::commands::print_issues(&issues);
            return Err(Error::Invalid { issues })
                .with_context(|| format!("`{}` cannot be read", args.input.display()));
        }
        Err(other) => return Err(other.into()),
    };
    let copy = pseudonymise(&table, key.trim_ascii())
        .with_context(|| format!("key file `{}`", args.key_file.display()))?;
    write_file_atomic(&args.out, &copy.csv)?;
    eprintln!(
        "wrote {} pseudonymised cases to {}; dropped columns: {}; cells with a BSN blanked: {}",
        copy.rows,
        args.out.display(),
        if copy.dropped_columns.is_empty() {
            "none".to_owned()
        } else {
            copy.dropped_columns.join(", ")
        },
        copy.redacted_cells
    );
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
