//! Generators that were not designed together with our clustering method (issue 16).
//!
//! The `maatpact` preset's [`PlantedModel`](super::tags::PlantedModel) was written by the
//! same hands as the clustering, and it is kind to it: background tags never complete
//! another cocktail, never repeat a cocktail's own tag, and `wonen` never comes as
//! background. A method tuned on that data may look better than it is. The variants here
//! are the plain textbook generator instead, with none of those courtesies:
//!
//! 1. with probability `noise` a household is in no cocktail, else it picks a cocktail by
//!    weight;
//! 2. each core tag of its cocktail is kept independently with probability `p_keep`;
//! 3. it gets K ~ Poisson(`bg_mean`) background tags (K ~ Poisson(`bg_mean` + 1.5) without a
//!    cocktail) from one skewed (Zipf) distribution over *all* tags, cocktail tags
//!    included, so that `schulden`, the most common background problem, turns up in about
//!    half of all households whatever their cocktail. Draws are with replacement: a tag the
//!    household already has is simply not added again (the `no-replacement` variant draws
//!    distinct new tags instead);
//! 4. a household that ends with no tag draws one more background tag, because validation
//!    refuses cases without problems.
//!
//! Only the tags differ from the `maatpact` preset: municipalities, phases, costs and
//! financier shares come from the same [`programme`](super::programme) generator, so that
//! `maatpact run` and `bench` work on the variants unchanged.

use rand::Rng;

use crate::case::TagId;
use crate::config::{ReferenceCocktail, TagDef, Vocabulary};
use crate::error::{Error, Result};

use super::Preset;
use super::draw::{poisson, sample_indices, shuffle, weighted_index};

/// How many more background tags a household without a cocktail gets on average, so that
/// it is about as large as a cocktail household.
const NOISE_EXTRA_TAGS: f64 = 1.5;

/// Relative weights of the config's reference cocktails, in config order (30/25/25/20%);
/// any further cocktail weighs as much as the last. The same shares as the `maatpact`
/// preset, stated here again so that the variants depend on nothing in `tags.rs`.
const REFERENCE_WEIGHTS: [f64; 4] = [30.0, 25.0, 25.0, 20.0];

/// The most common background problems first; the rest of the vocabulary follows in
/// vocabulary order. Money trouble leads, as it does in every Dutch social-case register.
const BACKGROUND_RANKS: [&str; 9] = [
    "schulden",
    "financien",
    "werk_opleiding",
    "huiselijke_relaties",
    "isolement",
    "ggz",
    "lichamelijke_gezondheid",
    "verslaving",
    "migratieachtergrond",
];

/// The exponent of the Zipf background weights: rank r weighs 1 / r^s.
const ZIPF_EXPONENT: f64 = 1.0;

/// The `overlap` variant's cocktails: each shares two tags with another, which makes them
/// hard to tell apart from a partial draw.
const OVERLAP_COCKTAILS: [[&str; 3]; 4] = [
    ["ggz", "wonen", "kinderen"],
    ["ggz", "wonen", "verslaving"],
    ["schulden", "wonen", "kinderen"],
    ["schulden", "financien", "kinderen"],
];

/// Generic tags the `random6` variant appends to the vocabulary, so that its random
/// cocktails are drawn from 30 tags with the default vocabulary of 22.
pub(super) const RANDOM6_EXTRA_TAGS: usize = 8;
/// The number of random cocktails of the `random6` variant.
const RANDOM6_COCKTAILS: usize = 6;
/// How often a random cocktail is redrawn when it nests with an earlier one.
const MAX_COCKTAIL_ATTEMPTS: usize = 10_000;
/// How often a draw without replacement is retried on a tag the household already has
/// before it falls back to an exact scan of the remaining weights.
const MAX_REJECTIONS: usize = 32;

/// The `extra_NN` tags a preset appends to the vocabulary on top of
/// [`PlantedParams::extra_tags`](super::PlantedParams::extra_tags).
pub(super) fn added_extra_tags(preset: Preset) -> usize {
    if preset == Preset::Random6 {
        RANDOM6_EXTRA_TAGS
    } else {
        0
    }
}

/// The knobs of one variant.
#[derive(Clone, Copy, Debug)]
struct Settings {
    keep_probability: f64,
    background_mean: f64,
    noise_fraction: f64,
    with_replacement: bool,
}

/// The base (`skewed`) settings and each variant's one change to them.
fn settings(preset: Preset) -> Settings {
    let skewed = Settings {
        keep_probability: 0.9,
        background_mean: 1.5,
        noise_fraction: 0.10,
        with_replacement: true,
    };
    match preset {
        Preset::Keep08 => Settings {
            keep_probability: 0.8,
            ..skewed
        },
        Preset::Noise20 => Settings {
            noise_fraction: 0.20,
            ..skewed
        },
        Preset::NoReplacement => Settings {
            with_replacement: false,
            ..skewed
        },
        _ => skewed,
    }
}

/// One household's draw: its cocktail (`None` for a household in no cocktail) and how
/// many of its tags, at the front, are kept core tags of that cocktail; the rest are
/// background tags that were new to the household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Drawn {
    pub(super) cocktail: Option<usize>,
    pub(super) core: usize,
}

/// The plain generator of the variant presets.
#[derive(Clone, Debug)]
pub(super) struct VariantModel {
    cocktails: Vec<ReferenceCocktail>,
    cocktail_cumulative: Vec<f64>,
    settings: Settings,
    /// Background weight of every tag, by tag index; all positive.
    background: Vec<f64>,
    background_cumulative: Vec<f64>,
}

impl VariantModel {
    /// The model of a variant preset over `vocabulary` (which already holds any `extra_NN`
    /// tags). `random6` draws its cocktails and background ranks from `rng`; the others
    /// use no randomness here. Fails when the config cannot carry the variant: no reference
    /// cocktails, a tag of the `overlap` cocktails missing, or too few tags for `random6`.
    pub(super) fn new(
        preset: Preset,
        vocabulary: &Vocabulary,
        references: &[ReferenceCocktail],
        rng: &mut impl Rng,
    ) -> Result<VariantModel> {
        let (cocktails, weights, ranks) = match preset {
            Preset::Overlap => {
                let cocktails = overlap_cocktails(vocabulary)?;
                let weights = vec![1.0; cocktails.len()];
                (cocktails, weights, fixed_ranks(vocabulary))
            }
            Preset::Random6 => {
                let cocktails = random_cocktails(vocabulary, rng)?;
                let weights = vec![1.0; cocktails.len()];
                let mut ranks: Vec<TagId> = all_tags(vocabulary).collect();
                shuffle(rng, &mut ranks);
                (cocktails, weights, ranks)
            }
            _ => {
                if references.is_empty() {
                    return Err(Error::Data(format!(
                        "the config has no reference cocktails for the `{preset}` preset to \
                         plant"
                    )));
                }
                let weights = (0..references.len())
                    .map(|index| REFERENCE_WEIGHTS[index.min(REFERENCE_WEIGHTS.len() - 1)])
                    .collect();
                (references.to_vec(), weights, fixed_ranks(vocabulary))
            }
        };
        let mut background = vec![0.0; vocabulary.len()];
        for (rank, tag) in ranks.iter().enumerate() {
            background[tag.index()] = ((rank + 1) as f64).powf(-ZIPF_EXPONENT);
        }
        Ok(VariantModel {
            cocktails,
            cocktail_cumulative: cumulative(&weights),
            settings: settings(preset),
            background_cumulative: cumulative(&background),
            background,
        })
    }

    /// The planted cocktails, whose ids are the cases' `true_cluster`s.
    pub(super) fn cocktails(&self) -> &[ReferenceCocktail] {
        &self.cocktails
    }

    /// Draws one household's tags into `tags` (unsorted, distinct, never empty): first the
    /// kept core tags, then the new background tags.
    pub(super) fn draw(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) -> Drawn {
        tags.clear();
        let settings = &self.settings;
        let (cocktail, mean) = if rng.gen_bool(settings.noise_fraction) {
            (None, settings.background_mean + NOISE_EXTRA_TAGS)
        } else {
            let cocktail = weighted_index(rng, &self.cocktail_cumulative);
            for &tag in &self.cocktails[cocktail].tags {
                if rng.gen_bool(settings.keep_probability) {
                    tags.push(tag);
                }
            }
            (Some(cocktail), settings.background_mean)
        };
        let core = tags.len();
        for _ in 0..poisson(rng, mean) {
            self.add_background(rng, tags);
        }
        if tags.is_empty() {
            self.add_background(rng, tags);
        }
        Drawn { cocktail, core }
    }

    /// One background draw. With replacement, a tag the household has is a no-op; without,
    /// the draw is from the weights of the tags it lacks.
    fn add_background(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) {
        if self.settings.with_replacement {
            let tag = TagId(weighted_index(rng, &self.background_cumulative) as u32);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        } else {
            self.add_distinct(rng, tags);
        }
    }

    /// Adds a tag the household lacks, drawn in proportion to its background weight.
    /// Rejection sampling from all weights is exact for that and fast while the household
    /// holds little of the weight; after [`MAX_REJECTIONS`] misses an exact scan of the
    /// remaining weights takes over. Whether a draw is accepted does not depend on which
    /// lacking tag it is, so the mixture of both stays exact.
    fn add_distinct(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) {
        if tags.len() >= self.background.len() {
            return;
        }
        for _ in 0..MAX_REJECTIONS {
            let tag = TagId(weighted_index(rng, &self.background_cumulative) as u32);
            if !tags.contains(&tag) {
                tags.push(tag);
                return;
            }
        }
        let lacking = || {
            self.background
                .iter()
                .enumerate()
                .map(|(index, &weight)| (TagId(index as u32), weight))
                .filter(|(tag, _)| !tags.contains(tag))
        };
        let remaining: f64 = lacking().map(|(_, weight)| weight).sum();
        let mut point = rng.r#gen::<f64>() * remaining;
        let mut picked = None;
        for (tag, weight) in lacking() {
            picked = Some(tag);
            if point < weight {
                break;
            }
            point -= weight;
        }
        // The last lacking tag when rounding leaves the point past the end.
        tags.extend(picked);
    }
}

/// Every tag of the vocabulary, in vocabulary order.
fn all_tags(vocabulary: &Vocabulary) -> impl Iterator<Item = TagId> {
    (0..vocabulary.len() as u32).map(TagId)
}

/// Running sums of `weights`, for [`weighted_index`].
fn cumulative(weights: &[f64]) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .iter()
        .map(|weight| {
            total += weight;
            total
        })
        .collect()
}

/// The background rank order of the fixed-rank variants: [`BACKGROUND_RANKS`] (those in
/// the vocabulary), then every other tag in vocabulary order.
fn fixed_ranks(vocabulary: &Vocabulary) -> Vec<TagId> {
    let mut ranks: Vec<TagId> = BACKGROUND_RANKS
        .iter()
        .filter_map(|id| vocabulary.resolve(id).ok())
        .collect();
    let leading = ranks.clone();
    ranks.extend(all_tags(vocabulary).filter(|tag| !leading.contains(tag)));
    ranks
}

/// A cocktail of `tags` (in label order), labelled by joining its tags' labels with " + ",
/// as the generated cocktails of the `maatpact` preset are; its tags are stored sorted.
fn labelled_cocktail(vocabulary: &Vocabulary, id: String, tags: &[TagId]) -> ReferenceCocktail {
    let join = |label: fn(&TagDef) -> &str| {
        tags.iter()
            .map(|&tag| label(vocabulary.get(tag)))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut sorted = tags.to_vec();
    sorted.sort_unstable();
    ReferenceCocktail {
        id,
        label_nl: join(|t| &t.label_nl),
        label_en: join(|t| &t.label_en),
        tags: sorted,
    }
}

/// The `overlap` variant's cocktails, `cocktail_a` to `cocktail_d`.
fn overlap_cocktails(vocabulary: &Vocabulary) -> Result<Vec<ReferenceCocktail>> {
    OVERLAP_COCKTAILS
        .iter()
        .zip('a'..)
        .map(|(ids, letter)| {
            let tags = ids
                .iter()
                .map(|id| {
                    vocabulary.resolve(id).map_err(|_| {
                        Error::Data(format!(
                            "the `overlap` preset needs the tag `{id}`, which the vocabulary \
                             lacks"
                        ))
                    })
                })
                .collect::<Result<Vec<TagId>>>()?;
            Ok(labelled_cocktail(
                vocabulary,
                format!("cocktail_{letter}"),
                &tags,
            ))
        })
        .collect()
}

/// The `random6` variant's cocktails, `cocktail_1` to `cocktail_6`: 3 or 4 tags each
/// (equally likely) drawn uniformly from the whole vocabulary, none a subset of another.
fn random_cocktails(vocabulary: &Vocabulary, rng: &mut impl Rng) -> Result<Vec<ReferenceCocktail>> {
    let too_few = || {
        Error::Data(format!(
            "the `random6` preset cannot draw {RANDOM6_COCKTAILS} distinct cocktails from a \
             vocabulary of {} tags",
            vocabulary.len()
        ))
    };
    let mut cocktails: Vec<ReferenceCocktail> = Vec::with_capacity(RANDOM6_COCKTAILS);
    while cocktails.len() < RANDOM6_COCKTAILS {
        let mut accepted = None;
        for _attempt in 0..MAX_COCKTAIL_ATTEMPTS {
            let size = rng.gen_range(3..=4);
            let tags: Vec<TagId> = sample_indices(rng, vocabulary.len(), size)
                .into_iter()
                .map(|index| TagId(index as u32))
                .collect();
            let nested = cocktails
                .iter()
                .any(|c| is_subset(&c.tags, &tags) || is_subset(&tags, &c.tags));
            if tags.len() == size && !nested {
                accepted = Some(tags);
                break;
            }
        }
        let tags = accepted.ok_or_else(too_few)?;
        let id = format!("cocktail_{}", cocktails.len() + 1);
        cocktails.push(labelled_cocktail(vocabulary, id, &tags));
    }
    Ok(cocktails)
}

/// Whether every element of the sorted `small` is in the sorted `large`.
fn is_subset(small: &[TagId], large: &[TagId]) -> bool {
    small.iter().all(|tag| large.binary_search(tag).is_ok())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;
    use crate::config::Config;

    const HOUSEHOLDS: usize = 20_000;

    fn model(preset: Preset, vocabulary: &Vocabulary) -> VariantModel {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        VariantModel::new(preset, vocabulary, &Config::default().cocktails, &mut rng).unwrap()
    }

    /// Per tag: in how many households it is, and how often it came as a new background tag.
    fn counts(model: &VariantModel, n_tags: usize) -> (Vec<usize>, Vec<usize>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let (mut present, mut background) = (vec![0; n_tags], vec![0; n_tags]);
        let mut tags = Vec::new();
        for _ in 0..HOUSEHOLDS {
            let drawn = model.draw(&mut rng, &mut tags);
            for (position, tag) in tags.iter().enumerate() {
                present[tag.index()] += 1;
                if position >= drawn.core {
                    background[tag.index()] += 1;
                }
            }
        }
        (present, background)
    }

    #[test]
    fn schulden_is_in_about_half_of_all_households_and_the_top_background_tag() {
        let vocabulary = Config::default().vocabulary;
        let skewed = model(Preset::Skewed, &vocabulary);
        let schulden = vocabulary.resolve("schulden").unwrap();
        let share = skewed.background[schulden.index()] / skewed.background.iter().sum::<f64>();
        assert!((share - 0.27).abs() < 0.005, "Zipf weight {share}");
        let (present, background) = counts(&skewed, vocabulary.len());
        let prevalence = present[schulden.index()] as f64 / HOUSEHOLDS as f64;
        assert!((0.4..=0.6).contains(&prevalence), "{prevalence}");
        let top = (0..vocabulary.len())
            .max_by_key(|&i| background[i])
            .unwrap();
        assert_eq!(top, schulden.index(), "{background:?}");
    }

    #[test]
    fn keep08_keeps_four_fifths_of_the_core_tags() {
        let vocabulary = Config::default().vocabulary;
        let keep08 = model(Preset::Keep08, &vocabulary);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(6);
        let (mut kept, mut offered) = (0, 0);
        let mut tags = Vec::new();
        for _ in 0..HOUSEHOLDS {
            let drawn = keep08.draw(&mut rng, &mut tags);
            if let Some(cocktail) = drawn.cocktail {
                kept += drawn.core;
                offered += keep08.cocktails[cocktail].tags.len();
                let core = &keep08.cocktails[cocktail].tags;
                assert!(tags[..drawn.core].iter().all(|tag| core.contains(tag)));
            }
        }
        let rate = kept as f64 / offered as f64;
        assert!((rate - 0.8).abs() <= 0.03, "{rate}");
    }

    #[test]
    fn draws_without_replacement_are_distinct_and_never_exhaust_the_vocabulary() {
        let vocabulary = Config::default().vocabulary;
        let model = model(Preset::NoReplacement, &vocabulary);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        // Past the rejection attempts: a household holding all tags but one gets that one.
        let mut tags: Vec<TagId> = all_tags(&vocabulary).skip(1).collect();
        model.add_distinct(&mut rng, &mut tags);
        assert_eq!(tags.last(), Some(&TagId(0)));
        model.add_distinct(&mut rng, &mut tags);
        assert_eq!(tags.len(), vocabulary.len(), "nothing left to add");
    }

    #[test]
    fn overlap_cocktails_share_two_tags_and_need_their_tags() {
        let config = Config::default();
        let cocktails = overlap_cocktails(&config.vocabulary).unwrap();
        assert_eq!(cocktails[0].id, "cocktail_a");
        assert_eq!(cocktails[3].id, "cocktail_d");
        assert_eq!(cocktails[2].label_en.matches(" + ").count(), 2);
        for (index, cocktail) in cocktails.iter().enumerate() {
            assert!(cocktail.tags.windows(2).all(|w| w[0] < w[1]));
            let shares_two = cocktails.iter().enumerate().any(|(other, c)| {
                other != index && c.tags.iter().filter(|t| cocktail.tags.contains(t)).count() == 2
            });
            assert!(shares_two, "{}", cocktail.id);
        }
        let tiny = Vocabulary::new(Vec::new()).unwrap();
        assert!(matches!(overlap_cocktails(&tiny), Err(Error::Data(_))));
    }
}
