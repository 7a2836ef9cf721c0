//! `maatpact bench --screen`: how well early recognition works on households the model has
//! not seen. One synthetic programme (one structure: the same cocktails) is split at random
//! into the households a model is fitted on and the households that are screened; a case is right when its most probable cocktail
//! is the cocktail planted in it (the same tags exactly). Precision and recall at each
//! threshold, and calibration: in each band of the score, how many are right.

use maatpact_core::{
    ClusterParams, Config, Model, Preset, Screener, SynthParams, TagId, TagMatrix, cluster,
    synthesize,
};

use super::folder::Folder;
use crate::error::{Error, Result};
use crate::io::model_io::{model_of, with_true_profiles};
use crate::publish::csv::{Table, fixed};
use crate::render::document::{Block, to_markdown};

/// What to measure.
#[derive(Clone, Debug, PartialEq)]
pub struct ScreenBenchSettings {
    /// Households of the programme the model is fitted on.
    pub train_sizes: Vec<usize>,
    /// Households screened.
    pub test_cases: usize,
    /// Generators (each plants its cocktails in both programmes).
    pub presets: Vec<Preset>,
    /// Repeats, each with its own seeds.
    pub repeats: usize,
    /// The base seed.
    pub seed: u64,
    /// The output folder.
    pub out: std::path::PathBuf,
}

/// The thresholds precision and recall are reported at.
pub const THRESHOLDS: [f64; 4] = [0.3, 0.5, 0.7, 0.9];
/// The upper ends of the calibration bands of the score.
const BANDS: [f64; 5] = [0.2, 0.4, 0.6, 0.8, 1.0];
/// SplitMix64: a fixed, well-mixed hash of a case's position, to split at random without
/// a random number generator.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Counts of one preset and training size, over the repeats.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenCounts {
    /// Screened households carrying a planted cocktail.
    pub planted: usize,
    /// Per threshold: flagged, flagged and right.
    pub flagged: [(usize, usize); THRESHOLDS.len()],
    /// Per band: households, their summed score, right.
    pub bands: [(usize, f64, usize); BANDS.len()],
}

/// Runs the screening benchmark and writes `screen_calibration.csv` and `.md`.
pub fn run_screen_bench(
    settings: &ScreenBenchSettings,
    progress: &dyn Fn(&str),
) -> Result<Vec<(Preset, usize, ScreenCounts)>> {
    if settings.train_sizes.is_empty() || settings.repeats == 0 || settings.test_cases == 0 {
        return Err(Error::Usage(
            "bench --screen needs a size, a repeat and cases to screen".into(),
        ));
    }
    let config = Config::default();
    let mut results = Vec::new();
    for &preset in &settings.presets {
        if !preset.has_cocktails() {
            return Err(Error::Usage(format!(
                "bench --screen needs planted cocktails; {preset} plants none"
            )));
        }
        for &size in &settings.train_sizes {
            let mut counts = ScreenCounts::default();
            for repeat in 0..settings.repeats {
                progress(&format!("screen {preset} n={size} repeat={repeat}"));
                let seed = settings.seed.wrapping_add(repeat as u64);
                measure(
                    &config,
                    preset,
                    (size, settings.test_cases),
                    seed,
                    &mut counts,
                )?;
            }
            results.push((preset, size, counts));
        }
    }
    let mut folder = Folder::new();
    folder.add("screen_calibration.csv", screen_table(&results).to_csv()?);
    folder.add("screen_calibration.md", screen_markdown(&results, settings));
    folder.replace(&settings.out)?;
    Ok(results)
}

fn measure(
    config: &Config,
    preset: Preset,
    (train_size, test_size): (usize, usize),
    seed: u64,
    counts: &mut ScreenCounts,
) -> Result<()> {
    let mut programme = synthesize(
        &SynthParams {
            n_cases: Some(train_size + test_size),
            ..SynthParams::new(preset, seed)
        },
        config,
    )?;
    let mut order: Vec<usize> = (0..programme.cases.len()).collect();
    order.sort_by_key(|&i| mix(i as u64 ^ seed));
    let mut cases: Vec<Option<maatpact_core::Case>> = programme.cases.drain(..).map(Some).collect();
    let mut take = |positions: &[usize]| -> Vec<maatpact_core::Case> {
        positions.iter().filter_map(|&i| cases[i].take()).collect()
    };
    let train_cases = take(&order[..train_size]);
    let test = maatpact_core::Synthetic {
        cases: take(&order[train_size..]),
        ..programme
    };
    let matrix = TagMatrix::from_cases(&train_cases, test.vocabulary.len());
    let params = ClusterParams {
        seed,
        bootstrap_resamples: 0,
        ..ClusterParams::default()
    };
    let result = cluster(
        &matrix,
        &params.check()?,
        &config.cocktails,
        &test.vocabulary,
    )?;
    let model = with_true_profiles(
        model_of(&result, &test.vocabulary, &params, &config.cocktails),
        &result,
    );
    let test_matrix = TagMatrix::from_cases(&test.cases, test.vocabulary.len());
    let Ok(screener) = Screener::new(&model, &test.vocabulary) else {
        // No cocktail found: every planted household is missed.
        counts.planted += planted_tags(&test).iter().filter(|t| t.is_some()).count();
        return Ok(());
    };
    let screened = screener.screen(&test_matrix)?;
    let planted = planted_tags(&test);
    for (result, truth) in screened.iter().zip(&planted) {
        let right = truth.as_ref() == Some(&defining_tags(&model, result.cocktail, &test));
        counts.planted += usize::from(truth.is_some());
        for (slot, &threshold) in counts.flagged.iter_mut().zip(&THRESHOLDS) {
            if result.score >= threshold {
                slot.0 += 1;
                slot.1 += usize::from(right);
            }
        }
        let band = BANDS
            .iter()
            .position(|&upper| result.score < upper)
            .unwrap_or(BANDS.len() - 1);
        let slot = &mut counts.bands[band];
        slot.0 += 1;
        slot.1 += result.score;
        slot.2 += usize::from(right);
    }
    Ok(())
}

/// Each case's planted cocktail's tags (sorted), if any.
fn planted_tags(synthetic: &maatpact_core::Synthetic) -> Vec<Option<Vec<TagId>>> {
    synthetic
        .cases
        .iter()
        .map(|case| {
            let id = case.true_cluster.as_deref()?;
            let cocktail = synthetic.cocktails.iter().find(|c| c.id == id)?;
            let mut tags = cocktail.tags.clone();
            tags.sort_unstable();
            Some(tags)
        })
        .collect()
}

fn defining_tags(
    model: &Model,
    cocktail: usize,
    synthetic: &maatpact_core::Synthetic,
) -> Vec<TagId> {
    let mut tags: Vec<TagId> = model.cocktails[cocktail]
        .defining_tags
        .iter()
        .filter_map(|id| synthetic.vocabulary.resolve(id).ok())
        .collect();
    tags.sort_unstable();
    tags
}

fn ratio(part: usize, whole: usize) -> String {
    if whole == 0 {
        String::new()
    } else {
        fixed(part as f64 / whole as f64, 3)
    }
}

fn screen_table(results: &[(Preset, usize, ScreenCounts)]) -> Table {
    let mut table = Table::new(&["preset", "train_size", "measure", "at", "n", "value"]);
    for (preset, size, counts) in results {
        for (&threshold, &(flagged, right)) in THRESHOLDS.iter().zip(&counts.flagged) {
            let at = fixed(threshold, 1);
            for (measure, part, whole) in [
                ("precision", right, flagged),
                ("recall", right, counts.planted),
            ] {
                table.rows.push(vec![
                    preset.to_string(),
                    size.to_string(),
                    measure.into(),
                    at.clone(),
                    whole.to_string(),
                    ratio(part, whole),
                ]);
            }
        }
        for (&upper, &(n, score_sum, right)) in BANDS.iter().zip(&counts.bands) {
            let mean = if n == 0 {
                String::new()
            } else {
                fixed(score_sum / n as f64, 3)
            };
            table.rows.push(vec![
                preset.to_string(),
                size.to_string(),
                "mean_score_in_band".into(),
                fixed(upper, 1),
                n.to_string(),
                mean,
            ]);
            table.rows.push(vec![
                preset.to_string(),
                size.to_string(),
                "right_in_band".into(),
                fixed(upper, 1),
                n.to_string(),
                ratio(right, n),
            ]);
        }
    }
    table
}

fn screen_markdown(
    results: &[(Preset, usize, ScreenCounts)],
    settings: &ScreenBenchSettings,
) -> String {
    let mut blocks = vec![
        Block::Heading(
            1,
            "Screening: early recognition on unseen households".into(),
        ),
        Block::Paragraph(format!(
            "A model is fitted (latent class analysis, the default) on a synthetic programme of the given size, then {} households of another programme of the same generator are screened. Right: the most probable cocktail is the one planted in the household, tag for tag. {} repeats, base seed {}.",
            settings.test_cases, settings.repeats, settings.seed
        )),
    ];
    let mut headers = vec!["preset".to_owned(), "train size".to_owned()];
    for threshold in THRESHOLDS {
        headers.push(format!("precision @{threshold}"));
        headers.push(format!("recall @{threshold}"));
    }
    let rows = results
        .iter()
        .map(|(preset, size, counts)| {
            let mut cells = vec![preset.to_string(), size.to_string()];
            for &(flagged, right) in &counts.flagged {
                cells.push(ratio(right, flagged));
                cells.push(ratio(right, counts.planted));
            }
            cells
        })
        .collect();
    blocks.push(Block::Table(headers, rows));
    blocks.push(Block::Paragraph(
        "Calibration: per band of the score, the mean score against the share that is right (a calibrated score has them equal).".into(),
    ));
    let mut headers = vec!["preset".to_owned(), "train size".to_owned()];
    let mut lower = 0.0;
    for upper in BANDS {
        headers.push(format!("[{lower:.1}, {upper:.1})"));
        lower = upper;
    }
    let rows = results
        .iter()
        .map(|(preset, size, counts)| {
            let mut cells = vec![preset.to_string(), size.to_string()];
            for &(n, score_sum, right) in &counts.bands {
                cells.push(if n == 0 {
                    String::new()
                } else {
                    format!("{:.2} vs {} (n={n})", score_sum / n as f64, ratio(right, n))
                });
            }
            cells
        })
        .collect();
    blocks.push(Block::Table(headers, rows));
    to_markdown(&blocks)
}
