//! Screening cases against a model's cocktails: which cocktail does each case resemble, and
//! does it fully contain one (*maatpact geschikt*)?

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ClassProfile, Model};
use crate::case::TagId;
use crate::config::Vocabulary;
use crate::error::{Error, Result};
use crate::tag_matrix::TagMatrix;

/// Whether a case contains all defining tags of the cocktail it was matched to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CocktailMatch {
    /// Every defining tag is present.
    Yes,
    /// Some defining tags are missing.
    Partial,
}

impl CocktailMatch {
    /// The id used in tables: `yes` or `partial`.
    pub fn id(self) -> &'static str {
        match self {
            CocktailMatch::Yes => "yes",
            CocktailMatch::Partial => "partial",
        }
    }
}

/// The screening of one case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseScreening {
    /// Index into [`Model::cocktails`] of the cocktail the case is matched to: the most
    /// specific cocktail it fully contains (most defining tags, then the lower cluster
    /// number), or, when it contains none, the nearest by Jaccard distance (ties: the lower
    /// cluster number).
    pub cocktail: usize,
    /// That cocktail's 1-based cluster number.
    pub cluster: usize,
    /// Jaccard distance between the case's tags and the cocktail's defining tags, in [0, 1].
    pub distance: f64,
    /// `yes` when the case contains every defining tag of the cocktail, else `partial`.
    pub matches_cocktail: CocktailMatch,
    /// The cocktail's defining tags that the case has, sorted.
    pub present: Vec<TagId>,
    /// The cocktail's defining tags that the case lacks, sorted.
    pub missing: Vec<TagId>,
    /// Whether the case fully contains the defining tags of any cocktail of the model
    /// ("Wie een van deze clusters van problemen bij een inwoner constateert, kan daaruit
    /// opmaken dat de situatie geschikt is voor Maatpact").
    pub maatpact_geschikt: bool,
    /// The probability that the case belongs to the matched cocktail under the model's
    /// classes (each cocktail and the households in no cluster, tags independent within a
    /// class), when the model has class profiles.
    pub posterior: Option<f64>,
    /// The probability that it belongs to no cocktail, when the model has that class.
    pub posterior_none: Option<f64>,
    /// The graded score: the posterior when there is one, else the share of the cocktail's
    /// defining tags the case has.
    pub score: f64,
}

/// A model's cocktails as bitsets, ready to screen cases read with the model's vocabulary.
///
/// ```
/// use maatpact_core::{
///     ClusterParams, CocktailMatch, Config, Model, ModelCocktail, Screener, TagMatrix,
/// };
///
/// let config = Config::default();
/// let cocktails = config
///     .cocktails
///     .iter()
///     .enumerate()
///     .map(|(i, reference)| ModelCocktail::from_reference(i + 1, reference, &config.vocabulary))
///     .collect();
/// let thresholds = (&ClusterParams::default()).into();
/// let model = Model::new(&config.vocabulary, "lca", cocktails, thresholds, &config.cocktails);
/// let screener = Screener::new(&model, &config.vocabulary)?;
///
/// let tag = |id: &str| config.vocabulary.resolve(id).unwrap();
/// let case = [tag("schulden"), tag("wonen"), tag("kinderen"), tag("verslaving")];
/// let matrix = TagMatrix::from_rows(config.vocabulary.len(), [&case[..]]);
/// let screening = &screener.screen(&matrix)?[0];
/// assert_eq!(model.cocktails[screening.cocktail].reference_match.as_deref(), Some("cocktail_3"));
/// assert_eq!(screening.matches_cocktail, CocktailMatch::Yes);
/// assert!(screening.maatpact_geschikt);
/// assert!((screening.distance - 0.25).abs() < 1e-12);
/// # Ok::<(), maatpact_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Screener {
    /// The cocktails with at least one defining tag, by cluster number (then model order).
    cocktails: Vec<PreparedCocktail>,
    n_tags: usize,
    words_per_row: usize,
    /// The classes of the posterior: one per prepared cocktail, in their order, then the
    /// households in no cluster if the model has them. `None` without class profiles.
    classes: Option<Vec<ClassLikelihood>>,
}

/// A class's log-likelihood of a case: `base + Σ delta[t]` over the case's tags, with
/// `base = ln π + Σ_t ln(1 − p_t)` and `delta[t] = ln p_t − ln(1 − p_t)`.
#[derive(Clone, Debug, PartialEq)]
struct ClassLikelihood {
    base: f64,
    delta: Vec<f64>,
}

impl ClassLikelihood {
    /// From a profile whose hidden figures are 1 to `min_cell − 1` households: they are
    /// taken at the middle of that range. Shares are smoothed by half a household
    /// (Jeffreys), so that no tag is impossible in a class.
    fn of(profile: &ClassProfile, n_total: f64, min_cell: usize) -> ClassLikelihood {
        let guess = hidden_count(min_cell);
        let n = profile.households.map_or(guess, |n| n as f64);
        let mut base = (n / n_total).max(f64::MIN_POSITIVE).ln();
        let delta = profile
            .tag_counts
            .iter()
            .map(|count| {
                let count = count.map_or(guess, |c| c as f64).min(n);
                let p = (count + 0.5) / (n + 1.0);
                base += (1.0 - p).ln();
                p.ln() - (1.0 - p).ln()
            })
            .collect();
        ClassLikelihood { base, delta }
    }

    fn log_likelihood(&self, row: &[u64]) -> f64 {
        let mut total = self.base;
        for (word_index, &word) in row.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                total += self.delta[word_index * 64 + rest.trailing_zeros() as usize];
                rest &= rest - 1;
            }
        }
        total
    }
}

#[derive(Clone, Debug, PartialEq)]
struct PreparedCocktail {
    model_index: usize,
    cluster: usize,
    bits: Vec<u64>,
    n_defining: u32,
}

impl Screener {
    /// Prepares `model` for cases read with `vocabulary`, after
    /// [`Model::check_compatible`]. Cocktails without defining tags (noise) are left out.
    ///
    /// # Errors
    /// [`Error::Model`] when the model is incompatible, names a tag its vocabulary lacks, or
    /// has no cocktail with defining tags.
    pub fn new(model: &Model, vocabulary: &Vocabulary) -> Result<Screener> {
        model.check_compatible(vocabulary)?;
        let n_tags = vocabulary.len();
        let words_per_row = n_tags.div_ceil(64).max(1);
        let index_of: HashMap<&str, usize> = model
            .vocabulary
            .tags()
            .iter()
            .enumerate()
            .map(|(index, tag)| (tag.id.as_str(), index))
            .collect();
        let mut cocktails = Vec::new();
        for (model_index, cocktail) in model.cocktails.iter().enumerate() {
            if cocktail.defining_tags.is_empty() {
                continue;
            }
            let mut bits = vec![0u64; words_per_row];
            for id in &cocktail.defining_tags {
                let &tag = index_of.get(id.as_str()).ok_or_else(|| {
                    Error::Model(format!(
                        "cluster {} names defining tag `{id}`, which is not in the model's \
                         vocabulary; the model is damaged",
                        cocktail.cluster
                    ))
                })?;
                bits[tag / 64] |= 1 << (tag % 64);
            }
            cocktails.push(PreparedCocktail {
                model_index,
                cluster: cocktail.cluster,
                n_defining: bits.iter().map(|w| w.count_ones()).sum(),
                bits,
            });
        }
        if cocktails.is_empty() {
            return Err(Error::Model(
                "the model has no cocktail with defining tags, so there is nothing to screen for"
                    .into(),
            ));
        }
        cocktails.sort_by_key(|c| (c.cluster, c.model_index));
        let classes = class_likelihoods(model, &cocktails, n_tags);
        Ok(Screener {
            cocktails,
            n_tags,
            words_per_row,
            classes,
        })
    }

    /// Whether screening gives a posterior (the model has class profiles).
    pub fn has_posterior(&self) -> bool {
        self.classes.is_some()
    }

    /// Screens every case (row) of `matrix`, in row order. Runs in parallel; the result does
    /// not depend on the number of threads.
    ///
    /// # Errors
    /// [`Error::Data`] when the matrix has another number of tags than the vocabulary.
    pub fn screen(&self, matrix: &TagMatrix) -> Result<Vec<CaseScreening>> {
        if matrix.n_tags() != self.n_tags {
            return Err(Error::Data(format!(
                "the cases have {} tags but the model's vocabulary has {}",
                matrix.n_tags(),
                self.n_tags
            )));
        }
        Ok((0..matrix.n_cases())
            .into_par_iter()
            .with_min_len(4096)
            .map(|case| self.screen_row(matrix.row(case)))
            .collect())
    }

    /// Screens one case given by its tags.
    ///
    /// # Errors
    /// [`Error::Data`] when a tag is outside the vocabulary.
    pub fn screen_tags(&self, tags: &[TagId]) -> Result<CaseScreening> {
        let mut row = vec![0u64; self.words_per_row];
        for tag in tags {
            let t = tag.index();
            if t >= self.n_tags {
                return Err(Error::Data(format!(
                    "tag number {t} is outside the model's vocabulary of {} tags",
                    self.n_tags
                )));
            }
            row[t / 64] |= 1 << (t % 64);
        }
        Ok(self.screen_row(&row))
    }

    fn screen_row(&self, row: &[u64]) -> CaseScreening {
        let case_len: u32 = row.iter().map(|w| w.count_ones()).sum();
        // The nearest cocktail maximises |case ∩ cocktail| / |case ∪ cocktail|; fractions are
        // compared by cross-multiplying, so ties are exact and go to the earlier (lower)
        // cluster.
        let mut nearest: Option<(usize, u32, u32)> = None;
        let mut contained: Option<(usize, u32, u32)> = None;
        for (position, cocktail) in self.cocktails.iter().enumerate() {
            let both: u32 = row
                .iter()
                .zip(&cocktail.bits)
                .map(|(case, defining)| (case & defining).count_ones())
                .sum();
            let either = case_len + cocktail.n_defining - both;
            let candidate = (position, both, either);
            if nearest.is_none_or(|(_, best_both, best_either)| {
                u64::from(both) * u64::from(best_either) > u64::from(best_both) * u64::from(either)
            }) {
                nearest = Some(candidate);
            }
            if both == cocktail.n_defining
                && contained.is_none_or(|(best, _, _)| {
                    cocktail.n_defining > self.cocktails[best].n_defining
                })
            {
                contained = Some(candidate);
            }
        }
        let posteriors = self
            .classes
            .as_ref()
            .map(|classes| posteriors(classes, row));
        let (position, both, either) = match &posteriors {
            // The most probable cocktail (ties: the lower cluster).
            Some(p) => {
                let best = (0..self.cocktails.len())
                    .fold(0, |best, i| if p[i] > p[best] { i } else { best });
                let both = self.overlap(row, best);
                (
                    best,
                    both,
                    case_len + self.cocktails[best].n_defining - both,
                )
            }
            None => contained
                .or(nearest)
                .expect("a screener has at least one cocktail"),
        };
        let cocktail = &self.cocktails[position];
        let fully_contained = both == cocktail.n_defining;
        let posterior = posteriors.as_ref().map(|p| p[position]);
        CaseScreening {
            cocktail: cocktail.model_index,
            cluster: cocktail.cluster,
            distance: 1.0 - f64::from(both) / f64::from(either),
            matches_cocktail: if fully_contained {
                CocktailMatch::Yes
            } else {
                CocktailMatch::Partial
            },
            present: tags_where(row, &cocktail.bits, |case, defining| case & defining),
            missing: tags_where(row, &cocktail.bits, |case, defining| !case & defining),
            maatpact_geschikt: contained.is_some(),
            posterior,
            posterior_none: posteriors
                .as_ref()
                .filter(|p| p.len() > self.cocktails.len())
                .map(|p| p[self.cocktails.len()]),
            score: posterior.unwrap_or(f64::from(both) / f64::from(cocktail.n_defining)),
        }
    }

    fn overlap(&self, row: &[u64], position: usize) -> u32 {
        row.iter()
            .zip(&self.cocktails[position].bits)
            .map(|(case, defining)| (case & defining).count_ones())
            .sum()
    }
}

/// The classes of the posterior, when every screened cocktail has a profile.
fn class_likelihoods(
    model: &Model,
    cocktails: &[PreparedCocktail],
    n_tags: usize,
) -> Option<Vec<ClassLikelihood>> {
    let mut profiles: Vec<&ClassProfile> = cocktails
        .iter()
        .map(|c| model.cocktails[c.model_index].profile.as_ref())
        .collect::<Option<_>>()?;
    profiles.extend(model.unclustered.as_ref());
    if profiles.iter().any(|p| p.tag_counts.len() != n_tags) {
        return None;
    }
    let min_cell = model.min_cell_size.unwrap_or(1);
    let guess = hidden_count(min_cell);
    let n_total: f64 = profiles
        .iter()
        .map(|p| p.households.map_or(guess, |n| n as f64))
        .sum();
    Some(
        profiles
            .into_iter()
            .map(|p| ClassLikelihood::of(p, n_total.max(1.0), min_cell))
            .collect(),
    )
}

/// What a hidden count is taken as: the middle of 1 to `min_cell − 1`.
fn hidden_count(min_cell: usize) -> f64 {
    (min_cell.max(2) - 1) as f64 / 2.0
}

/// The posterior of each class given a case's tags (softmax of the log-likelihoods).
fn posteriors(classes: &[ClassLikelihood], row: &[u64]) -> Vec<f64> {
    let logs: Vec<f64> = classes.iter().map(|c| c.log_likelihood(row)).collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let sum: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / sum).collect()
}

/// The tags set in `combine(case word, cocktail word)`, without an intermediate bitset.
fn tags_where(case: &[u64], cocktail: &[u64], combine: impl Fn(u64, u64) -> u64) -> Vec<TagId> {
    let mut tags = Vec::new();
    for (word_index, (&c, &d)) in case.iter().zip(cocktail).enumerate() {
        let mut rest = combine(c, d);
        while rest != 0 {
            tags.push(TagId(
                (word_index * 64 + rest.trailing_zeros() as usize) as u32,
            ));
            rest &= rest - 1;
        }
    }
    tags
}
