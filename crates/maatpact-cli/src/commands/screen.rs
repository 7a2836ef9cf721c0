//! `maatpact screen INPUT --model MODEL`: recognise cocktails in new cases early.

use std::process::ExitCode;

use maatpact_core::{CocktailMatch, Screener};
use maatpact_pipeline::publish::csv::{Table, fixed};
use maatpact_pipeline::{Error, read_model, tag_matrix, write_file_atomic};

use crate::args::ScreenArgs;
use crate::commands::load_for_analysis;
use maatpact_core::Scope;

pub fn run(args: ScreenArgs) -> anyhow::Result<ExitCode> {
    let model = read_model(&args.model)?;
    let (_settings, validated) = load_for_analysis(&args.input, &args.load, Scope::All)?;
    let screener = Screener::new(&model, &validated.vocabulary).map_err(Error::from)?;
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let screened = screener.screen(&matrix).map_err(Error::from)?;
    let vocabulary = &validated.vocabulary;
    let mut table = Table::new(&[
        "case_id",
        "cocktail",
        "label_nl",
        "distance",
        "matches_cocktail",
        "present",
        "missing",
        "maatpact_geschikt",
    ]);
    for (case, result) in validated.cases.iter().zip(&screened) {
        let cocktail = &model.cocktails[result.cocktail];
        table.rows.push(vec![
            case.case_id.clone(),
            cocktail.cluster.to_string(),
            cocktail.label_nl.clone(),
            fixed(result.distance, 4),
            result.matches_cocktail.id().to_owned(),
            vocabulary.join_ids(&result.present),
            vocabulary.join_ids(&result.missing),
            if result.maatpact_geschikt {
                "ja"
            } else {
                "nee"
            }
            .to_owned(),
        ]);
    }
    write_file_atomic(&args.out, &table.to_csv()?)?;
    let flagged = screened.iter().filter(|s| s.maatpact_geschikt).count();
    let partial = screened
        .iter()
        .filter(|s| s.matches_cocktail == CocktailMatch::Partial)
        .count();
    println!(
        "{} cases screened: {flagged} fully contain a cocktail (maatpact_geschikt), {partial} partly; written to {}",
        screened.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
