//! Seeded synthetic case records that know their own truth.
//!
//! [`synthesize`] produces realistic maatwerkcanvas records for tests, benchmarks and demos,
//! in three [`Preset`]s:
//! - `maatpact`: Maatpact Hart van Brabant, 51 phase-1 and 70 phase-2 cases by default, with
//!   the reference cocktails planted (each case's planted cocktail, or `noise`, is in
//!   [`Case::true_cluster`]) and phase 1 calibrated to the published figures;
//! - `maastricht`: the 30 families of Maastricht's "50 gezinnen", whose 20 cost-benefit
//!   analyses save exactly €426,000 against €830,000 threatened;
//! - `noise`: independent tags with the `maatpact` preset's prevalences, so there is no
//!   cocktail to find.
//!
//! The same parameters and config always give the same cases, whatever the machine.
//!
//! ```
//! use maatpact_core::{Config, Preset, SynthParams, synthesize};
//!
//! let config = Config::default();
//! let synthetic = synthesize(&SynthParams::new(Preset::Maatpact, 42), &config)?;
//! assert_eq!(synthetic.cases.len(), 121);
//! assert_eq!(synthetic.cases[0].case_id, "MP-0001");
//! assert_eq!(synthetic.cocktails.len(), 4);
//! # Ok::<(), maatpact_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::case::Case;
use crate::config::{Config, ReferenceCocktail, Vocabulary};
use crate::error::{Error, Result};

mod draw;
mod effects;
mod finance;
mod maastricht;
mod programme;
mod tags;
#[cfg(test)]
mod tests;

/// The `true_cluster` of a case without a planted cocktail.
pub const NOISE_CLUSTER: &str = "noise";

/// How many households of the `maatpact` model the `noise` preset draws to measure the tag
/// prevalences it imitates.
const MARGINAL_DRAWS: usize = 20_000;

/// The largest number of cases one call generates (a guard against typos, not a limit of
/// the algorithm, which is linear).
pub const MAX_SYNTH_CASES: usize = 100_000_000;
/// The largest number of `extra_NN` tags.
pub const MAX_EXTRA_TAGS: usize = 10_000;
/// The largest number of planted cocktails.
pub const MAX_COCKTAILS: usize = 200;
/// The largest mean number of background tags per case.
pub const MAX_BACKGROUND_TAGS_MEAN: f64 = 50.0;

/// Which programme the synthetic data imitates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Maatpact Hart van Brabant: planted cocktails, nine municipalities, phases 1 and 2.
    #[default]
    Maatpact,
    /// Maastricht's "50 gezinnen": 30 families, exact published cost-benefit totals.
    Maastricht,
    /// Independent tags: no structure to find.
    Noise,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::Maatpact, Preset::Maastricht, Preset::Noise];

    /// The name used on the command line: `maatpact`, `maastricht` or `noise`.
    pub fn id(self) -> &'static str {
        match self {
            Preset::Maatpact => "maatpact",
            Preset::Maastricht => "maastricht",
            Preset::Noise => "noise",
        }
    }

    /// The number of cases when none is asked for: 121 (51 + 70) for `maatpact` and
    /// `noise`, 30 for `maastricht`.
    pub fn default_n_cases(self) -> usize {
        match self {
            Preset::Maatpact | Preset::Noise => programme::DEFAULT_CASES,
            Preset::Maastricht => maastricht::DEFAULT_CASES,
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Preset {
    type Err = Error;

    /// Parses `maatpact`, `maastricht` or `noise` (any case, surrounding spaces ignored).
    fn from_str(text: &str) -> Result<Preset> {
        let key = text.trim().to_ascii_lowercase();
        Preset::ALL
            .into_iter()
            .find(|preset| preset.id() == key)
            .ok_or_else(|| Error::InvalidParameter {
                name: "preset",
                message: format!("`{text}` is not a preset; use maatpact, maastricht or noise"),
            })
    }
}

/// The knobs of the planted structure, for benchmarks. [`Default`] gives the realistic
/// values of the `maatpact` preset. The `maastricht` preset uses only `extra_tags`; the
/// `noise` preset uses them all to match the `maatpact` preset's tag prevalences.
#[derive(Clone, Debug, PartialEq)]
pub struct PlantedParams {
    /// Each tag of a case's cocktail is kept with this probability (default 0.9).
    pub keep_probability: f64,
    /// Mean number of extra background tags per cocktail case, Poisson distributed
    /// (default 1.5). Background tags come from the tags outside the case's cocktail, with
    /// unequal prevalences, and never complete another cocktail.
    pub background_tags_mean: f64,
    /// Fraction of cases with no cocktail: `wonen` with probability 0.9 plus random tags
    /// (default 0.10).
    pub noise_fraction: f64,
    /// Generic tags `extra_01`, `extra_02`, … appended to the vocabulary and used as
    /// background tags (default 0), so that benchmarks can reach any number of tags.
    pub extra_tags: usize,
    /// `None` plants the config's reference cocktails; `Some(k)` plants k: the references
    /// first, then generated cocktails of 3 tags (`cocktail_5`, …).
    pub n_cocktails: Option<usize>,
}

impl Default for PlantedParams {
    fn default() -> Self {
        PlantedParams {
            keep_probability: 0.9,
            background_tags_mean: 1.5,
            noise_fraction: 0.10,
            extra_tags: 0,
            n_cocktails: None,
        }
    }
}

/// Parameters of [`synthesize`].
#[derive(Clone, Debug, PartialEq)]
pub struct SynthParams {
    /// Which programme to imitate.
    pub preset: Preset,
    /// Number of cases; `None` is the preset's default ([`Preset::default_n_cases`]).
    pub n_cases: Option<usize>,
    /// The seed: the same seed gives the same cases.
    pub seed: u64,
    /// The planted structure.
    pub planted: PlantedParams,
}

impl SynthParams {
    /// A preset's default data for a seed.
    pub fn new(preset: Preset, seed: u64) -> SynthParams {
        SynthParams {
            preset,
            n_cases: None,
            seed,
            planted: PlantedParams::default(),
        }
    }

    /// Checks every parameter: probabilities in [0, 1], at least one case, and the limits
    /// [`MAX_SYNTH_CASES`], [`MAX_EXTRA_TAGS`], [`MAX_COCKTAILS`] and
    /// [`MAX_BACKGROUND_TAGS_MEAN`].
    pub fn check(&self) -> Result<SynthValidParams> {
        let invalid =
            |name: &'static str, message: String| Err(Error::InvalidParameter { name, message });
        if let Some(n_cases) = self.n_cases
            && !(1..=MAX_SYNTH_CASES).contains(&n_cases)
        {
            return invalid(
                "n_cases",
                format!("must be between 1 and {MAX_SYNTH_CASES}, got {n_cases}"),
            );
        }
        let planted = &self.planted;
        for (name, value) in [
            ("keep_probability", planted.keep_probability),
            ("noise_fraction", planted.noise_fraction),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return invalid(
                    name,
                    format!("must be a probability in [0, 1], got {value}"),
                );
            }
        }
        if !(0.0..=MAX_BACKGROUND_TAGS_MEAN).contains(&planted.background_tags_mean) {
            return invalid(
                "background_tags_mean",
                format!(
                    "must be between 0 and {MAX_BACKGROUND_TAGS_MEAN}, got {}",
                    planted.background_tags_mean
                ),
            );
        }
        if planted.extra_tags > MAX_EXTRA_TAGS {
            return invalid(
                "extra_tags",
                format!(
                    "must be at most {MAX_EXTRA_TAGS}, got {}",
                    planted.extra_tags
                ),
            );
        }
        if let Some(k) = planted.n_cocktails
            && !(1..=MAX_COCKTAILS).contains(&k)
        {
            return invalid(
                "n_cocktails",
                format!(
                    "must be between 1 and {MAX_COCKTAILS}, got {k} (use the noise preset for \
                     data without cocktails)"
                ),
            );
        }
        Ok(SynthValidParams(self.clone()))
    }
}

impl Default for SynthParams {
    /// The `maatpact` preset with seed 42.
    fn default() -> Self {
        SynthParams::new(Preset::Maatpact, 42)
    }
}

/// [`SynthParams`] that passed [`SynthParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct SynthValidParams(SynthParams);

impl SynthValidParams {
    /// The checked parameters.
    pub fn params(&self) -> &SynthParams {
        &self.0
    }

    /// Generates the cases. Fails before any work when the config cannot carry the preset:
    /// an empty vocabulary, no cocktails to plant, or more cocktails asked for than the
    /// vocabulary can make distinct.
    pub fn synthesize(&self, config: &Config) -> Result<Synthetic> {
        let params = &self.0;
        if config.vocabulary.is_empty() {
            return Err(Error::Data(
                "the vocabulary has no tags to synthesise cases with".into(),
            ));
        }
        let mut vocabulary = config.vocabulary.clone();
        let width = params.planted.extra_tags.to_string().len().max(2);
        for number in 1..=params.planted.extra_tags {
            vocabulary.intern(&format!("extra_{number:0width$}"));
        }
        // The structure (generated cocktails) has its own stream, so that it does not
        // depend on the number of cases; the cases use a stream 2^192 steps further on.
        let mut structure_rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
        let mut case_rng = structure_rng.clone();
        case_rng.long_jump();

        let (cases, cocktails) = match params.preset {
            Preset::Maastricht => (
                maastricht::generate(params, config, &vocabulary, &mut case_rng),
                Vec::new(),
            ),
            Preset::Maatpact | Preset::Noise => {
                let cocktails = tags::plant_cocktails(
                    &vocabulary,
                    &config.cocktails,
                    params.planted.n_cocktails,
                    &mut structure_rng,
                )?;
                let planted = tags::PlantedModel::new(&vocabulary, &cocktails, &params.planted);
                let (source, planted_cocktails) = if params.preset == Preset::Noise {
                    let marginals = planted.marginals(&mut structure_rng, MARGINAL_DRAWS);
                    let independent = tags::IndependentModel::new(marginals);
                    (programme::TagSource::Independent(independent), Vec::new())
                } else {
                    (programme::TagSource::Planted(planted), cocktails.clone())
                };
                let cases = programme::generate(
                    params,
                    config,
                    &vocabulary,
                    &cocktails,
                    &source,
                    &mut case_rng,
                );
                (cases, planted_cocktails)
            }
        };
        Ok(Synthetic {
            cases,
            vocabulary,
            cocktails,
        })
    }
}

/// Synthetic case records with their truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthetic {
    /// The cases, in id order.
    pub cases: Vec<Case>,
    /// The config's vocabulary plus any `extra_NN` tags; the cases' tag ids index it.
    pub vocabulary: Vocabulary,
    /// The planted cocktails, whose ids are the cases' `true_cluster`s; empty for the
    /// `maastricht` and `noise` presets, which plant none.
    pub cocktails: Vec<ReferenceCocktail>,
}

/// Generates synthetic case records: checks `params` (see [`SynthParams::check`]), then
/// [`SynthValidParams::synthesize`].
pub fn synthesize(params: &SynthParams, config: &Config) -> Result<Synthetic> {
    params.check()?.synthesize(config)
}
