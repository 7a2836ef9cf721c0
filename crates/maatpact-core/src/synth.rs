//! Seeded synthetic case records that know their own truth.
//!
//! [`synthesize`] produces realistic maatwerkcanvas records for tests, benchmarks and demos,
//! in three [`Preset`]s of our own:
//! - `maatpact`: Maatpact Hart van Brabant, 51 phase-1 and 70 phase-2 cases by default, with
//!   the reference cocktails planted (each case's planted cocktail, or `noise`, is in
//!   [`Case::true_cluster`]) and phase 1 calibrated to the published figures;
//! - `maastricht`: the 30 families of Maastricht's "50 gezinnen", whose 20 cost-benefit
//!   analyses save exactly €426,000 against €830,000 threatened;
//! - `noise`: independent tags with the `maatpact` preset's prevalences, so there is no
//!   cocktail to find.
//!
//! and six variants ([`Preset::VARIANTS`]) whose tags come from a plain generator that was
//! not designed together with our clustering method (issue 16): `skewed`, `keep08`,
//! `noise20`, `overlap`, `random6` and `no-replacement`. They share everything but the
//! tags with the `maatpact` preset and plant their cocktails in the same way, so that `run`
//! and `bench` work on them; see the `variants` module for the model.
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
mod variants;

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
    /// Variant: the config's reference cocktails (30/25/25/20%), each core tag kept with
    /// probability 0.9, Poisson(1.5) background tags with replacement from a Zipf
    /// distribution over all tags (`schulden` first), 10% of households in no cocktail.
    Skewed,
    /// Variant: `skewed` with each core tag kept with probability 0.8.
    Keep08,
    /// Variant: `skewed` with 20% of households in no cocktail.
    Noise20,
    /// Variant: `skewed`'s background with four equally common cocktails of three tags that
    /// each share two tags with another (`cocktail_a` to `cocktail_d`).
    Overlap,
    /// Variant: eight `extra_NN` tags more, six random cocktails of 3 or 4 tags
    /// (`cocktail_1` to `cocktail_6`), none a subset of another, and a random background
    /// rank order.
    Random6,
    /// Variant: `skewed` with background tags drawn without replacement (always new tags).
    NoReplacement,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 9] = [
        Preset::Maatpact,
        Preset::Maastricht,
        Preset::Noise,
        Preset::Skewed,
        Preset::Keep08,
        Preset::Noise20,
        Preset::Overlap,
        Preset::Random6,
        Preset::NoReplacement,
    ];

    /// The presets whose tags come from a generator not designed with our clustering
    /// method.
    pub const VARIANTS: [Preset; 6] = [
        Preset::Skewed,
        Preset::Keep08,
        Preset::Noise20,
        Preset::Overlap,
        Preset::Random6,
        Preset::NoReplacement,
    ];

    /// The name used on the command line: `maatpact`, `maastricht`, `noise`, `skewed`,
    /// `keep08`, `noise20`, `overlap`, `random6` or `no-replacement`.
    pub fn id(self) -> &'static str {
        match self {
            Preset::Maatpact => "maatpact",
            Preset::Maastricht => "maastricht",
            Preset::Noise => "noise",
            Preset::Skewed => "skewed",
            Preset::Keep08 => "keep08",
            Preset::Noise20 => "noise20",
            Preset::Overlap => "overlap",
            Preset::Random6 => "random6",
            Preset::NoReplacement => "no-replacement",
        }
    }

    /// The number of cases when none is asked for: 121 (51 + 70) for `maatpact`, `noise`
    /// and the variants, 30 for `maastricht`.
    pub fn default_n_cases(self) -> usize {
        match self {
            Preset::Maastricht => maastricht::DEFAULT_CASES,
            _ => programme::DEFAULT_CASES,
        }
    }

    /// Whether the preset plants cocktails, so that [`Synthetic::cocktails`] and the cases'
    /// `true_cluster`s hold a structure to find: false for `noise` and `maastricht`.
    pub fn has_cocktails(self) -> bool {
        !matches!(self, Preset::Noise | Preset::Maastricht)
    }

    /// Whether the preset is one of [`Preset::VARIANTS`].
    fn is_variant(self) -> bool {
        Preset::VARIANTS.contains(&self)
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Preset {
    type Err = Error;

    /// Parses a preset's [`id`](Preset::id) (any case, surrounding spaces ignored).
    fn from_str(text: &str) -> Result<Preset> {
        let key = text.trim().to_ascii_lowercase();
        Preset::ALL
            .into_iter()
            .find(|preset| preset.id() == key)
            .ok_or_else(|| Error::InvalidParameter {
                name: "preset",
                message: format!(
                    "`{text}` is not a preset; use maatpact, maastricht, noise, skewed, keep08, \
                     noise20, overlap, random6 or no-replacement"
                ),
            })
    }
}

/// The knobs of the planted structure, for benchmarks. [`Default`] gives the realistic
/// values of the `maatpact` preset. The `maastricht` preset uses only `extra_tags`; the
/// `noise` preset uses them all to match the `maatpact` preset's tag prevalences. The
/// variants ([`Preset::VARIANTS`]) use only `extra_tags` (appended to the vocabulary and
/// given background weight); each has its own fixed keep probability, background mean,
/// noise fraction and cocktails, so that they stay the same generator whatever is asked.
/// The other fields are still checked.
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
    /// vocabulary can make distinct (for the variants: no reference cocktails, or a tag of
    /// the `overlap` cocktails missing).
    pub fn synthesize(&self, config: &Config) -> Result<Synthetic> {
        let params = &self.0;
        if config.vocabulary.is_empty() {
            return Err(Error::Data(
                "the vocabulary has no tags to synthesise cases with".into(),
            ));
        }
        let mut vocabulary = config.vocabulary.clone();
        let extra_tags = params.planted.extra_tags + variants::added_extra_tags(params.preset);
        let width = extra_tags.to_string().len().max(2);
        for number in 1..=extra_tags {
            vocabulary.intern(&format!("extra_{number:0width$}"));
        }
        // The structure (generated cocktails) has its own stream, so that it does not
        // depend on the number of cases; the cases use a stream 2^192 steps further on.
        let mut structure_rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
        let mut case_rng = structure_rng.clone();
        case_rng.long_jump();

        let (cases, cocktails) = if params.preset == Preset::Maastricht {
            (
                maastricht::generate(params, config, &vocabulary, &mut case_rng),
                Vec::new(),
            )
        } else {
            let (source, cocktails) = tag_source(params, config, &vocabulary, &mut structure_rng)?;
            let cases = programme::generate(
                params,
                config,
                &vocabulary,
                &cocktails,
                &source,
                &mut case_rng,
            );
            let planted = if params.preset.has_cocktails() {
                cocktails
            } else {
                Vec::new()
            };
            (cases, planted)
        };
        // Payers come from a third stream, so that adding them changed no other field.
        let mut cases = cases;
        let mut payer_rng = case_rng;
        payer_rng.long_jump();
        finance::assign_payers(&mut cases, &mut payer_rng);
        Ok(Synthetic {
            cases,
            vocabulary,
            cocktails,
        })
    }
}

/// Where the tags of a `programme` preset (all but `maastricht`) come from, and the
/// cocktails its tag model works with, drawn from the structure stream `rng`.
fn tag_source(
    params: &SynthParams,
    config: &Config,
    vocabulary: &Vocabulary,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<(programme::TagSource, Vec<ReferenceCocktail>)> {
    if params.preset.is_variant() {
        let model = variants::VariantModel::new(params.preset, vocabulary, &config.cocktails, rng)?;
        let cocktails = model.cocktails().to_vec();
        return Ok((programme::TagSource::Variant(model), cocktails));
    }
    let cocktails = tags::plant_cocktails(
        vocabulary,
        &config.cocktails,
        params.planted.n_cocktails,
        rng,
    )?;
    let planted = tags::PlantedModel::new(vocabulary, &cocktails, &params.planted);
    let source = if params.preset == Preset::Noise {
        let marginals = planted.marginals(rng, MARGINAL_DRAWS);
        programme::TagSource::Independent(tags::IndependentModel::new(marginals))
    } else {
        programme::TagSource::Planted(planted)
    };
    Ok((source, cocktails))
}

/// Synthetic case records with their truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthetic {
    /// The cases, in id order.
    pub cases: Vec<Case>,
    /// The config's vocabulary plus any `extra_NN` tags; the cases' tag ids index it.
    pub vocabulary: Vocabulary,
    /// The planted cocktails (tags sorted), whose ids are the cases' `true_cluster`s; empty
    /// for the `maastricht` and `noise` presets, which plant none
    /// ([`Preset::has_cocktails`]).
    pub cocktails: Vec<ReferenceCocktail>,
}

/// Generates synthetic case records: checks `params` (see [`SynthParams::check`]), then
/// [`SynthValidParams::synthesize`].
pub fn synthesize(params: &SynthParams, config: &Config) -> Result<Synthetic> {
    params.check()?.synthesize(config)
}
