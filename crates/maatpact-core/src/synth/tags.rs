//! Which problems a synthetic household has: planted cocktails with dropped and extra tags,
//! noise cases, and the independent-tags model of the `noise` preset.

use rand::Rng;

use crate::case::TagId;
use crate::config::{ReferenceCocktail, Vocabulary};
use crate::error::{Error, Result};

use super::PlantedParams;
use super::draw::{poisson, weighted_index};

/// Probability that a noise case (no cocktail) still has housing problems: domain.md says
/// housing is a problem in all Maatpact cases.
const NOISE_CASE_WONEN_PROBABILITY: f64 = 0.9;

/// A noise case gets this many more random tags on average than a cocktail case gets
/// background tags, so that noise cases are about as large as cocktail cases.
const NOISE_CASE_EXTRA_TAGS: f64 = 2.0;

/// How often a background draw is retried when it hits a tag the case already has, or one
/// that would complete another cocktail.
const MAX_DRAW_ATTEMPTS: usize = 8;

/// Relative case weights of the reference cocktails, in config order (30/25/25/20%); any
/// further cocktail weighs as much as the last.
const COCKTAIL_WEIGHTS: [f64; 4] = [30.0, 25.0, 25.0, 20.0];

/// Relative prevalence of a tag as a background problem. Unequal on purpose: money trouble,
/// work and family relations are common beside any cocktail; basic ADL problems are rare.
/// Tags unknown here (user tags, `extra_NN`) weigh 1.0. `wonen` never comes as background:
/// it is in every reference cocktail and noise cases get it separately.
pub(super) fn background_weight(tag_id: &str) -> f64 {
    match tag_id {
        "wonen" => 0.0,
        "financien" => 3.0,
        "schulden" | "werk_opleiding" | "huiselijke_relaties" => 2.0,
        "isolement" | "lichamelijke_gezondheid" => 1.6,
        "ggz" => 1.4,
        "verslaving" | "migratieachtergrond" => 1.2,
        "geen_uitkering"
        | "niet_passende_begeleiding"
        | "tijdsbesteding"
        | "maatschappelijke_participatie" => 0.8,
        "justitie" => 0.7,
        "jeugdzorg" | "instrumentele_adl" => 0.6,
        "leerlingenvervoer" => 0.4,
        "basale_adl" => 0.3,
        _ => 1.0,
    }
}

/// Tags with weights, drawn by inverse cumulative weight.
#[derive(Clone, Debug, Default)]
pub(super) struct WeightedTags {
    tags: Vec<TagId>,
    cumulative: Vec<f64>,
}

impl WeightedTags {
    pub(super) fn new(weighted: impl IntoIterator<Item = (TagId, f64)>) -> WeightedTags {
        let mut table = WeightedTags::default();
        let mut total = 0.0;
        for (tag, weight) in weighted {
            if weight > 0.0 {
                total += weight;
                table.tags.push(tag);
                table.cumulative.push(total);
            }
        }
        table
    }

    pub(super) fn draw(&self, rng: &mut impl Rng) -> Option<TagId> {
        if self.tags.is_empty() {
            return None;
        }
        Some(self.tags[weighted_index(rng, &self.cumulative)])
    }
}

/// The cocktails to plant: the first `n_cocktails` references, then generated ones.
///
/// A generated cocktail is `wonen` (when the vocabulary has it: housing is in every
/// reference cocktail) plus two other tags, the first of them one that no earlier cocktail
/// uses while such tags remain. No cocktail is a subset of another, so every one stays
/// recognisable. Drawn from `rng` alone, so the cocktails do not depend on the number of
/// cases.
pub(super) fn plant_cocktails(
    vocabulary: &Vocabulary,
    references: &[ReferenceCocktail],
    n_cocktails: Option<usize>,
    rng: &mut impl Rng,
) -> Result<Vec<ReferenceCocktail>> {
    let wanted = n_cocktails.unwrap_or(references.len());
    if wanted == 0 {
        return Err(Error::InvalidParameter {
            name: "n_cocktails",
            message: "the config has no reference cocktails to plant; set n_cocktails, or use \
                      the noise preset for data without cocktails"
                .into(),
        });
    }
    let mut cocktails: Vec<ReferenceCocktail> = references.iter().take(wanted).cloned().collect();
    let wonen = vocabulary.resolve("wonen").ok();
    let candidates: Vec<TagId> = (0..vocabulary.len() as u32)
        .map(TagId)
        .filter(|&tag| Some(tag) != wonen)
        .collect();
    let picks_per_cocktail = if wonen.is_some() { 2 } else { 3 };
    let too_many = || Error::InvalidParameter {
        name: "n_cocktails",
        message: format!(
            "cannot plant {wanted} distinct cocktails of 3 tags with a vocabulary of {} tags",
            vocabulary.len()
        ),
    };
    if cocktails.len() < wanted && candidates.len() < picks_per_cocktail {
        return Err(too_many());
    }
    let mut next_number = 1;
    while cocktails.len() < wanted {
        let used: Vec<TagId> = cocktails.iter().flat_map(|c| c.tags.clone()).collect();
        let unused: Vec<TagId> = candidates
            .iter()
            .copied()
            .filter(|tag| !used.contains(tag))
            .collect();
        let mut accepted = None;
        for _attempt in 0..10_000 {
            let mut picked: Vec<TagId> = Vec::with_capacity(3);
            let first = if unused.is_empty() {
                candidates[rng.gen_range(0..candidates.len())]
            } else {
                unused[rng.gen_range(0..unused.len())]
            };
            picked.push(first);
            while picked.len() < picks_per_cocktail {
                let tag = candidates[rng.gen_range(0..candidates.len())];
                if !picked.contains(&tag) {
                    picked.push(tag);
                }
            }
            let mut sorted = picked.clone();
            sorted.extend(wonen);
            sorted.sort_unstable();
            let nested = cocktails
                .iter()
                .any(|c| is_subset(&c.tags, &sorted) || is_subset(&sorted, &c.tags));
            if !nested {
                picked.extend(wonen);
                accepted = Some((picked, sorted));
                break;
            }
        }
        let Some((label_order, tags)) = accepted else {
            return Err(too_many());
        };
        while cocktails
            .iter()
            .any(|c| c.id == format!("cocktail_{next_number}"))
        {
            next_number += 1;
        }
        let join = |label: fn(&crate::config::TagDef) -> &str| {
            label_order
                .iter()
                .map(|&t| label(vocabulary.get(t)))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        cocktails.push(ReferenceCocktail {
            id: format!("cocktail_{next_number}"),
            label_nl: join(|t| &t.label_nl),
            label_en: join(|t| &t.label_en),
            tags,
        });
    }
    Ok(cocktails)
}

/// Whether every element of the sorted `small` is in the sorted `large`.
fn is_subset(small: &[TagId], large: &[TagId]) -> bool {
    small.iter().all(|tag| large.binary_search(tag).is_ok())
}

/// The generative model of the `maatpact` preset's problems.
#[derive(Clone, Debug)]
pub(super) struct PlantedModel {
    cocktails: Vec<Vec<TagId>>,
    cocktail_cumulative: Vec<f64>,
    keep_probability: f64,
    background_mean: f64,
    noise_fraction: f64,
    /// Per cocktail, the background tags: every tag except the cocktail's own, so that a
    /// dropped cocktail tag never comes back and the keep probability holds exactly.
    background: Vec<WeightedTags>,
    /// The random tags of noise cases: every tag except `wonen`.
    noise_tags: WeightedTags,
    noise_mean: f64,
    wonen: Option<TagId>,
    n_tags: usize,
}

impl PlantedModel {
    pub(super) fn new(
        vocabulary: &Vocabulary,
        cocktails: &[ReferenceCocktail],
        planted: &PlantedParams,
    ) -> PlantedModel {
        let weights: Vec<f64> = vocabulary
            .tags()
            .iter()
            .map(|tag| background_weight(&tag.id))
            .collect();
        let all_tags = || (0..vocabulary.len() as u32).map(TagId);
        let background = cocktails
            .iter()
            .map(|cocktail| {
                WeightedTags::new(
                    all_tags()
                        .filter(|tag| !cocktail.tags.contains(tag))
                        .map(|tag| (tag, weights[tag.index()])),
                )
            })
            .collect();
        let wonen = vocabulary.resolve("wonen").ok();
        let noise_tags = WeightedTags::new(
            all_tags()
                .filter(|&tag| Some(tag) != wonen)
                .map(|tag| (tag, weights[tag.index()].max(0.1))),
        );
        let mut cocktail_cumulative = Vec::with_capacity(cocktails.len());
        let mut total = 0.0;
        for index in 0..cocktails.len() {
            total += COCKTAIL_WEIGHTS[index.min(COCKTAIL_WEIGHTS.len() - 1)];
            cocktail_cumulative.push(total);
        }
        PlantedModel {
            cocktails: cocktails.iter().map(|c| c.tags.clone()).collect(),
            cocktail_cumulative,
            keep_probability: planted.keep_probability,
            background_mean: planted.background_tags_mean,
            noise_fraction: planted.noise_fraction,
            background,
            noise_tags,
            noise_mean: planted.background_tags_mean + NOISE_CASE_EXTRA_TAGS,
            wonen,
            n_tags: vocabulary.len(),
        }
    }

    /// Draws one household's tags into `tags` (unsorted, distinct, never empty) and returns
    /// the planted cocktail's index, or `None` for a noise case.
    pub(super) fn draw(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) -> Option<usize> {
        tags.clear();
        if rng.gen_bool(self.noise_fraction) {
            self.draw_noise_case(rng, tags);
            return None;
        }
        let cocktail = weighted_index(rng, &self.cocktail_cumulative);
        for &tag in &self.cocktails[cocktail] {
            if rng.gen_bool(self.keep_probability) {
                tags.push(tag);
            }
        }
        let background = &self.background[cocktail];
        for _ in 0..poisson(rng, self.background_mean) {
            for _attempt in 0..MAX_DRAW_ATTEMPTS {
                let Some(tag) = background.draw(rng) else {
                    break;
                };
                if !tags.contains(&tag) && !self.completes_other(cocktail, tags, tag) {
                    tags.push(tag);
                    break;
                }
            }
        }
        if tags.is_empty() {
            // A household always has at least one problem on its canvas.
            let fallback = background.draw(rng).unwrap_or(self.cocktails[cocktail][0]);
            tags.push(fallback);
        }
        Some(cocktail)
    }

    fn draw_noise_case(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) {
        if let Some(wonen) = self.wonen
            && rng.gen_bool(NOISE_CASE_WONEN_PROBABILITY)
        {
            tags.push(wonen);
        }
        for _ in 0..poisson(rng, self.noise_mean) {
            for _attempt in 0..MAX_DRAW_ATTEMPTS {
                let Some(tag) = self.noise_tags.draw(rng) else {
                    break;
                };
                if !tags.contains(&tag) {
                    tags.push(tag);
                    break;
                }
            }
        }
        if tags.is_empty() {
            tags.push(
                self.wonen
                    .or_else(|| self.noise_tags.draw(rng))
                    .unwrap_or(TagId(0)),
            );
        }
    }

    /// Whether adding `tag` would make the case hold every tag of a cocktail other than its
    /// own. Background tags never do that on purpose: it would plant a second cocktail.
    fn completes_other(&self, own: usize, tags: &[TagId], tag: TagId) -> bool {
        self.cocktails.iter().enumerate().any(|(index, cocktail)| {
            index != own
                && cocktail.contains(&tag)
                && cocktail.iter().all(|t| *t == tag || tags.contains(t))
        })
    }

    /// The prevalence of every tag under this model, measured on `draws` households drawn
    /// from `rng`. Measured rather than derived, because rejected background draws (those
    /// completing another cocktail) make the exact formula unwieldy; 20,000 draws put every
    /// prevalence within about ±0.007 (two standard errors).
    pub(super) fn marginals(&self, rng: &mut impl Rng, draws: usize) -> Vec<f64> {
        let mut counts = vec![0usize; self.n_tags];
        let mut tags = Vec::with_capacity(16);
        for _ in 0..draws {
            self.draw(rng, &mut tags);
            for tag in &tags {
                counts[tag.index()] += 1;
            }
        }
        counts
            .into_iter()
            .map(|count| count as f64 / draws.max(1) as f64)
            .collect()
    }
}

/// Tags drawn independently, each with its own prevalence: no structure to find.
#[derive(Clone, Debug)]
pub(super) struct IndependentModel {
    prevalence: Vec<f64>,
}

impl IndependentModel {
    pub(super) fn new(prevalence: Vec<f64>) -> IndependentModel {
        let prevalence = prevalence.into_iter().map(|p| p.clamp(0.0, 1.0)).collect();
        IndependentModel { prevalence }
    }

    /// Draws one household's tags (sorted, never empty). An empty draw is redrawn whole, so
    /// tags stay independent given that a household has at least one problem.
    pub(super) fn draw(&self, rng: &mut impl Rng, tags: &mut Vec<TagId>) {
        let any_possible = self.prevalence.iter().any(|&p| p > 0.0);
        loop {
            tags.clear();
            for (index, &p) in self.prevalence.iter().enumerate() {
                if rng.gen_bool(p) {
                    tags.push(TagId(index as u32));
                }
            }
            if !tags.is_empty() || !any_possible {
                return;
            }
        }
    }
}
