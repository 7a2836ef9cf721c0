//! `maatpact screen INPUT --model MODEL`: recognise cocktails in new cases early, with a
//! graded score and a sentence a case worker can read.

use std::process::ExitCode;

use maatpact_core::{CaseScreening, Model, Scope, Screener, Vocabulary};
use maatpact_pipeline::publish::csv::{Table, fixed, fixed_opt};
use maatpact_pipeline::render::format::Lang;
use maatpact_pipeline::{Error, read_model, tag_matrix, write_file_atomic};

use crate::args::ScreenArgs;
use crate::commands::load_for_analysis;

pub fn run(args: ScreenArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(Error::Usage(format!(
            "--threshold {} is not a probability from 0 to 1",
            args.threshold
        ))
        .into());
    }
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
        "score",
        "flagged",
        "posterior",
        "posterior_no_cocktail",
        "distance",
        "matches_cocktail",
        "present",
        "missing",
        "maatpact_geschikt",
        "explanation",
    ]);
    let yes_no = |flag: bool| if flag { "ja" } else { "nee" }.to_owned();
    for (case, result) in validated.cases.iter().zip(&screened) {
        let cocktail = &model.cocktails[result.cocktail];
        table.rows.push(vec![
            case.case_id.clone(),
            cocktail.cluster.to_string(),
            cocktail.label_nl.clone(),
            fixed(result.score, 4),
            yes_no(result.score >= args.threshold),
            fixed_opt(result.posterior, 4),
            fixed_opt(result.posterior_none, 4),
            fixed(result.distance, 4),
            result.matches_cocktail.id().to_owned(),
            vocabulary.join_ids(&result.present),
            vocabulary.join_ids(&result.missing),
            yes_no(result.maatpact_geschikt),
            explanation(args.lang, &model, vocabulary, result),
        ]);
    }
    write_file_atomic(&args.out, &table.to_csv()?)?;
    let flagged = screened
        .iter()
        .filter(|s| s.score >= args.threshold)
        .count();
    let geschikt = screened.iter().filter(|s| s.maatpact_geschikt).count();
    let basis = if screener.has_posterior() {
        "posterior under the model's classes"
    } else {
        "share of the cocktail's problems present (the model has no class profiles)"
    };
    println!(
        "{} cases screened: {flagged} flagged at score ≥ {} ({basis}), {geschikt} fully contain a cocktail (maatpact_geschikt); written to {}",
        screened.len(),
        args.threshold,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// "2 van 3 problemen van cocktail 2 (Jeugdzorg + Wonen + Kinderen) aanwezig; ontbreekt:
/// Jeugdzorg; kans 0,64", for a case worker.
fn explanation(
    lang: Lang,
    model: &Model,
    vocabulary: &Vocabulary,
    result: &CaseScreening,
) -> String {
    let cocktail = &model.cocktails[result.cocktail];
    let label = |tag: &maatpact_core::TagId| {
        let def = &vocabulary.tags()[tag.index()];
        lang.t(&def.label_nl, &def.label_en).to_owned()
    };
    let present = result.present.len();
    let total = present + result.missing.len();
    let mut text = format!(
        "{present} {} {total} {} {} ({}) {}",
        lang.t("van", "of"),
        lang.t("problemen van cocktail", "problems of cocktail"),
        cocktail.cluster,
        lang.t(&cocktail.label_nl, &cocktail.label_en),
        lang.t("aanwezig", "present"),
    );
    if !result.missing.is_empty() {
        let missing: Vec<String> = result.missing.iter().map(label).collect();
        text.push_str(&format!(
            "; {}: {}",
            lang.t("ontbreekt", "missing"),
            missing.join(", ")
        ));
    }
    if let Some(p) = result.posterior {
        text.push_str(&format!(
            "; {} {}",
            lang.t("kans", "probability"),
            lang.decimal(p, 2)
        ));
    }
    text
}
