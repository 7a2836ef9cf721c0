//! `maatpact pseudonymise INPUT --key-file KEY --out OUTPUT`: the one command that may read
//! identifier columns, so that users can make a copy that the others accept.

use std::process::ExitCode;

use anyhow::{Context, bail};
use maatpact_core::privacy::{find_bsn, identifier_in_header, pseudonym};
use maatpact_core::{Field, field_for_header};
use maatpact_pipeline::{Error, ReadOptions, read_table, write_file_atomic};

use crate::args::PseudonymiseArgs;

/// Keys shorter than this are too easy to guess, which would make the pseudonyms reversible.
const MIN_KEY_BYTES: usize = 16;

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
    let key = key.trim_ascii();
    if key.len() < MIN_KEY_BYTES {
        return Err(Error::Usage(format!(
            "the key in `{}` has {} bytes; use at least {MIN_KEY_BYTES} random bytes (e.g. `head -c 32 /dev/urandom | base64 > KEY`)",
            args.key_file.display(),
            key.len()
        ))
        .into());
    }
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
    let Some(id_column) = table
        .headers
        .iter()
        .position(|h| field_for_header(h) == Some(Field::CaseId))
    else {
        bail!(Error::Usage(format!(
            "`{}` has no case_id column (casusnummer, casus_id, clientnummer) to pseudonymise",
            args.input.display()
        )));
    };
    let kept: Vec<usize> = (0..table.headers.len())
        .filter(|&i| identifier_in_header(&table.headers[i]).is_none())
        .collect();
    let dropped: Vec<&str> = (0..table.headers.len())
        .filter(|i| !kept.contains(i))
        .map(|i| table.headers[i].as_str())
        .collect();
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(kept.iter().map(|&i| &table.headers[i]))?;
    let mut redacted = 0usize;
    for row in &table.rows {
        let cells = kept.iter().map(|&i| {
            let cell = row.cells.get(i).map(String::as_str).unwrap_or("");
            if i == id_column {
                pseudonym(key, cell)
            } else if find_bsn(cell).is_some() {
                redacted += 1;
                "[BSN verwijderd]".to_owned()
            } else {
                cell.to_owned()
            }
        });
        writer.write_record(cells.collect::<Vec<_>>())?;
    }
    let bytes = writer.into_inner().context("failed to finish the CSV")?;
    write_file_atomic(&args.out, &bytes)?;
    eprintln!(
        "wrote {} pseudonymised cases to {}; dropped columns: {}; cells with a BSN blanked: {redacted}",
        table.rows.len(),
        args.out.display(),
        if dropped.is_empty() {
            "none".to_owned()
        } else {
            dropped.join(", ")
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
