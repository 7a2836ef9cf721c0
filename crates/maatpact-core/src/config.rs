//! The configuration: problem-tag vocabulary, bottleneck catalogue, reference cocktails and
//! privacy thresholds. Deserialised from TOML; a default is built in.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::case::{BottleneckId, TagId};
use crate::error::{Error, Result};
use crate::selection::Selection;
use crate::text::{lookup_key, nearest};

/// The built-in default configuration, as TOML. `data-sample/maatpact.toml` is a copy.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("default_config.toml");

/// Whether a user's config file adds to the built-in default or replaces it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigMode {
    /// Entries are added to the default; an entry with an existing id replaces that entry.
    #[default]
    Extend,
    /// The file is the whole configuration.
    Replace,
}

/// One problem tag of the vocabulary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDef {
    /// Canonical id, e.g. `wonen`.
    pub id: String,
    /// Dutch label, e.g. "Wonen".
    pub label_nl: String,
    /// English label, e.g. "Housing".
    pub label_en: String,
    /// The Zelfredzaamheid-Matrix domain the tag belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zrm_domain: Option<String>,
    /// Other spellings that resolve to this tag (Dutch and English).
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// Who can change the rule behind a bottleneck (the *systeemleren* question).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerLevel {
    /// The municipality: its own policy rules and verordeningen.
    Gemeente,
    /// The region (e.g. a centrumgemeente's purchase agreements).
    Regio,
    /// A partner: housing corporation, insurer or provider.
    Partner,
    /// National government: the law itself.
    Rijk,
}

impl OwnerLevel {
    /// Every level, from the one closest to the municipality to the farthest.
    pub const ALL: [OwnerLevel; 4] = [
        OwnerLevel::Gemeente,
        OwnerLevel::Regio,
        OwnerLevel::Partner,
        OwnerLevel::Rijk,
    ];

    /// The canonical id, as in config files and tables.
    pub fn id(self) -> &'static str {
        match self {
            OwnerLevel::Gemeente => "gemeente",
            OwnerLevel::Regio => "regio",
            OwnerLevel::Partner => "partner",
            OwnerLevel::Rijk => "rijk",
        }
    }
}

/// One bottleneck (*knelpunt*) of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BottleneckDef {
    /// Canonical id, e.g. `kostendelersnorm`.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// The rule, law or practice it stems from.
    pub rule: String,
    /// Who can change it.
    pub owner_level: OwnerLevel,
    /// The policy domain, e.g. `wonen` or `geld`.
    pub domain: String,
    /// Other spellings that resolve to this bottleneck.
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// A reference cocktail: a named set of tags to recognise in the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CocktailDef {
    /// Id, e.g. `cocktail_1`.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// The tags, by canonical id or synonym.
    pub tags: Vec<String>,
}

/// Disclosure-control thresholds for published tables.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyThresholds {
    /// Minimum number of households in a published cell.
    pub min_cell_size: usize,
    /// The `n` of the (n, k) dominance rule.
    pub dominance_n: usize,
    /// The `k` of the (n, k) dominance rule, in percent.
    pub dominance_k: f64,
    /// Every hidden amount must stay uncertain to an outsider by at least this percentage
    /// of its value, below and above (τ-ARGUS's protection level).
    #[serde(default = "default_protection_percent")]
    pub protection_percent: f64,
    /// An amount needs non-zero contributions from at least this many households.
    #[serde(default = "default_min_contributors")]
    pub min_contributors: usize,
}

fn default_protection_percent() -> f64 {
    PrivacyThresholds::DEFAULT.protection_percent
}

fn default_min_contributors() -> usize {
    PrivacyThresholds::DEFAULT.min_contributors
}

impl PrivacyThresholds {
    /// The defaults of domain.md: 10 households, dominance (2, 85); amounts uncertain by
    /// ±15% and contributed by at least 3 households (the usual threshold rule).
    pub const DEFAULT: PrivacyThresholds = PrivacyThresholds {
        min_cell_size: 10,
        dominance_n: 2,
        dominance_k: 85.0,
        protection_percent: 15.0,
        min_contributors: 3,
    };

    /// Whether any threshold is weaker than the default, which needs an explicit opt-in.
    ///
    /// A cell is dominated when its `n` largest contributions exceed `k` percent of it, so
    /// a smaller `n` (fewer contributors summed) or a larger `k` suppresses fewer cells:
    /// weaker means `min_cell_size < 10`, `dominance_n < 2`, `dominance_k > 85`, a
    /// protection percentage below 15 or fewer than 3 contributors. Stricter settings are
    /// always allowed.
    pub fn weaker_than_default(&self) -> bool {
        !self.weakened().is_empty()
    }

    /// Each threshold weaker than the default, as `name value (default D)`.
    pub fn weakened(&self) -> Vec<String> {
        let d = Self::DEFAULT;
        let mut out = Vec::new();
        let mut check = |weaker: bool, name: &str, value: String, default: String| {
            if weaker {
                out.push(format!("{name} {value} (default {default})"));
            }
        };
        check(
            self.min_cell_size < d.min_cell_size,
            "min_cell_size",
            self.min_cell_size.to_string(),
            d.min_cell_size.to_string(),
        );
        check(
            self.dominance_n < d.dominance_n,
            "dominance_n",
            self.dominance_n.to_string(),
            d.dominance_n.to_string(),
        );
        check(
            self.dominance_k > d.dominance_k,
            "dominance_k",
            self.dominance_k.to_string(),
            d.dominance_k.to_string(),
        );
        check(
            self.protection_percent < d.protection_percent,
            "protection_percent",
            self.protection_percent.to_string(),
            d.protection_percent.to_string(),
        );
        check(
            self.min_contributors < d.min_contributors,
            "min_contributors",
            self.min_contributors.to_string(),
            d.min_contributors.to_string(),
        );
        out
    }
}

impl Default for PrivacyThresholds {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A config file as written: every section optional, so that a file can extend the default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    mode: ConfigMode,
    privacy: Option<PrivacyThresholds>,
    #[serde(default)]
    tags: Vec<TagDef>,
    #[serde(default)]
    bottlenecks: Vec<BottleneckDef>,
    #[serde(default)]
    cocktails: Vec<CocktailDef>,
    /// Which households to analyse: field → accepted values (`[filter]`, like `--where`).
    #[serde(default)]
    filter: Option<BTreeMap<String, Vec<String>>>,
    /// The programme's own costs.
    #[serde(default)]
    programme_costs: Option<Vec<ProgrammeCost>>,
}

/// One item of the programme's own costs (organisation, training, …): what the
/// breakthrough spend and the KBA leave out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeCost {
    /// What it is, e.g. `organisatie`.
    pub item: String,
    /// The year, if the cost is per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The amount in euros.
    pub euros: f64,
}

/// The `[[programme_costs]]` of a config file: finite amounts of at least 0.
fn checked_costs(
    costs: Option<Vec<ProgrammeCost>>,
    source: &str,
) -> Result<Option<Vec<ProgrammeCost>>> {
    let bad = costs
        .iter()
        .flatten()
        .find(|c| !(c.euros.is_finite() && c.euros >= 0.0));
    if let Some(bad) = bad {
        return Err(Error::Config {
            file: source.to_owned(),
            message: format!(
                "programme_costs `{}`: {} is not an amount of at least 0 euros",
                bad.item, bad.euros
            ),
        });
    }
    Ok(costs)
}

/// The `[filter]` of a config file, checked.
fn file_selection(file: &ConfigFile, source: &str) -> Result<Option<Selection>> {
    file.filter
        .as_ref()
        .map(|map| {
            Selection::from_map(map).map_err(|err| Error::Config {
                file: source.to_owned(),
                message: format!("[filter]: {err}"),
            })
        })
        .transpose()
}

/// The whole configuration, after checking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Disclosure-control thresholds.
    pub privacy: PrivacyThresholds,
    /// The problem tags.
    pub vocabulary: Vocabulary,
    /// The bottlenecks.
    pub catalogue: Catalogue,
    /// The reference cocktails, with their tags resolved.
    pub cocktails: Vec<ReferenceCocktail>,
    /// Which households to analyse (`[filter]`); commands add `--where` to it.
    #[serde(default)]
    pub selection: Selection,
    /// The programme's own costs (`[[programme_costs]]`), for the net return.
    #[serde(default)]
    pub programme_costs: Vec<ProgrammeCost>,
}

/// A reference cocktail with resolved tag ids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceCocktail {
    /// Id, e.g. `cocktail_1`.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// The tags, sorted by id.
    pub tags: Vec<TagId>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_toml_str(DEFAULT_CONFIG_TOML, "<built-in>")
            .expect("the built-in config is valid")
    }
}

impl Config {
    /// Parses a complete configuration (mode is ignored: nothing to extend).
    pub fn from_toml_str(text: &str, source: &str) -> Result<Config> {
        let file = parse_file(text, source)?;
        let selection = file_selection(&file, source)?.unwrap_or_default();
        let config = Config::build(
            file.privacy.unwrap_or_default(),
            file.tags,
            file.bottlenecks,
            file.cocktails,
            source,
        )?;
        let programme_costs = checked_costs(file.programme_costs, source)?.unwrap_or_default();
        Ok(Config {
            selection,
            programme_costs,
            ..config
        })
    }

    /// Applies a user's config file on top of this one, following its `mode`.
    pub fn with_overrides(&self, text: &str, source: &str) -> Result<Config> {
        let file = parse_file(text, source)?;
        let selection = file_selection(&file, source)?;
        let programme_costs = checked_costs(file.programme_costs.clone(), source)?;
        if file.mode == ConfigMode::Replace {
            let config = Config::build(
                file.privacy.unwrap_or_default(),
                file.tags,
                file.bottlenecks,
                file.cocktails,
                source,
            )?;
            return Ok(Config {
                selection: selection.unwrap_or_default(),
                programme_costs: programme_costs.unwrap_or_default(),
                ..config
            });
        }
        let tags = merge_by_id(self.vocabulary.tags.clone(), file.tags, |t| t.id.clone());
        let bottlenecks = merge_by_id(self.catalogue.bottlenecks.clone(), file.bottlenecks, |b| {
            b.id.clone()
        });
        let own_cocktails = self
            .cocktails
            .iter()
            .map(|c| CocktailDef {
                id: c.id.clone(),
                label_nl: c.label_nl.clone(),
                label_en: c.label_en.clone(),
                tags: c
                    .tags
                    .iter()
                    .map(|&t| self.vocabulary.id(t).to_owned())
                    .collect(),
            })
            .collect();
        let cocktails = merge_by_id(own_cocktails, file.cocktails, |c| c.id.clone());
        let config = Config::build(
            file.privacy.unwrap_or(self.privacy),
            tags,
            bottlenecks,
            cocktails,
            source,
        )?;
        Ok(Config {
            selection: selection.unwrap_or_else(|| self.selection.clone()),
            programme_costs: programme_costs.unwrap_or_else(|| self.programme_costs.clone()),
            ..config
        })
    }

    fn build(
        privacy: PrivacyThresholds,
        tags: Vec<TagDef>,
        bottlenecks: Vec<BottleneckDef>,
        cocktails: Vec<CocktailDef>,
        source: &str,
    ) -> Result<Config> {
        let invalid = |message: String| Error::Config {
            file: source.to_owned(),
            message,
        };
        if privacy.min_cell_size == 0 {
            return Err(invalid("privacy.min_cell_size must be at least 1".into()));
        }
        if privacy.dominance_n == 0 || !(0.0..=100.0).contains(&privacy.dominance_k) {
            return Err(invalid(
                "privacy.dominance_n must be at least 1 and privacy.dominance_k between 0 and 100"
                    .into(),
            ));
        }
        let vocabulary = Vocabulary::new(tags).map_err(invalid)?;
        let catalogue = Catalogue::new(bottlenecks).map_err(invalid)?;
        let mut resolved = Vec::with_capacity(cocktails.len());
        let mut seen = BTreeSet::new();
        for cocktail in cocktails {
            if !seen.insert(cocktail.id.clone()) {
                return Err(invalid(format!(
                    "cocktail `{}` is defined twice",
                    cocktail.id
                )));
            }
            let mut tags = Vec::with_capacity(cocktail.tags.len());
            for name in &cocktail.tags {
                let tag = vocabulary.resolve(name).map_err(|suggestion| {
                    invalid(format!(
                        "cocktail `{}` names unknown tag `{name}`{}",
                        cocktail.id,
                        did_you_mean(suggestion.as_deref())
                    ))
                })?;
                tags.push(tag);
            }
            tags.sort_unstable();
            tags.dedup();
            if tags.is_empty() {
                return Err(invalid(format!("cocktail `{}` has no tags", cocktail.id)));
            }
            resolved.push(ReferenceCocktail {
                id: cocktail.id,
                label_nl: cocktail.label_nl,
                label_en: cocktail.label_en,
                tags,
            });
        }
        Ok(Config {
            privacy,
            vocabulary,
            catalogue,
            cocktails: resolved,
            selection: Selection::default(),
            programme_costs: Vec::new(),
        })
    }
}

fn parse_file(text: &str, source: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|err| Error::Config {
        file: source.to_owned(),
        message: err.to_string().trim_end().to_owned(),
    })
}

fn merge_by_id<T>(mut base: Vec<T>, extra: Vec<T>, id: impl Fn(&T) -> String) -> Vec<T> {
    for item in extra {
        match base.iter().position(|b| id(b) == id(&item)) {
            Some(pos) => base[pos] = item,
            None => base.push(item),
        }
    }
    base
}

/// ` (did you mean `x`?)`, or nothing.
pub(crate) fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// The problem-tag vocabulary: canonical tags with labels and synonyms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<TagDef>", into = "Vec<TagDef>")]
pub struct Vocabulary {
    tags: Vec<TagDef>,
    /// Every id and synonym, by [`lookup_key`], to its index.
    lookup: HashMap<String, u32>,
}

impl From<Vec<TagDef>> for Vocabulary {
    fn from(tags: Vec<TagDef>) -> Self {
        // Serialised vocabularies were valid when written; a clash would only drop a synonym.
        let lookup = build_lookup(
            tags.iter()
                .map(|t| (&t.id, &t.synonyms, [&t.label_nl, &t.label_en])),
        )
        .unwrap_or_default();
        Vocabulary { tags, lookup }
    }
}

impl From<Vocabulary> for Vec<TagDef> {
    fn from(vocabulary: Vocabulary) -> Self {
        vocabulary.tags
    }
}

impl Vocabulary {
    /// A vocabulary from tag definitions; ids and synonyms must not clash.
    pub fn new(tags: Vec<TagDef>) -> std::result::Result<Vocabulary, String> {
        let lookup = build_lookup(
            tags.iter()
                .map(|t| (&t.id, &t.synonyms, [&t.label_nl, &t.label_en])),
        )?;
        for tag in &tags {
            if lookup_key(&tag.id) != tag.id {
                return Err(format!(
                    "tag id `{}` must be lowercase letters, digits and `_` (e.g. `{}`)",
                    tag.id,
                    lookup_key(&tag.id)
                ));
            }
        }
        Ok(Vocabulary { tags, lookup })
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// All tag definitions, in id order.
    pub fn tags(&self) -> &[TagDef] {
        &self.tags
    }

    /// The definition of one tag.
    pub fn get(&self, tag: TagId) -> &TagDef {
        &self.tags[tag.index()]
    }

    /// The canonical id of one tag.
    pub fn id(&self, tag: TagId) -> &str {
        &self.tags[tag.index()].id
    }

    /// Resolves an id, label or synonym (Dutch or English, any case, spaces or `_`).
    /// On failure, returns the nearest known id as a suggestion, if one is close.
    pub fn resolve(&self, name: &str) -> std::result::Result<TagId, Option<String>> {
        let key = lookup_key(name);
        self.lookup.get(&key).map(|&i| TagId(i)).ok_or_else(|| {
            nearest(&key, self.lookup.keys().map(String::as_str))
                .map(|k| self.tags[self.lookup[k] as usize].id.clone())
        })
    }

    /// Adds a tag that is not in the vocabulary (`--unknown-tags keep`), or returns the
    /// existing one. Its labels are its name.
    pub fn intern(&mut self, name: &str) -> TagId {
        if let Ok(tag) = self.resolve(name) {
            return tag;
        }
        let id = lookup_key(name);
        let tag = TagId(self.tags.len() as u32);
        self.tags.push(TagDef {
            id: id.clone(),
            label_nl: name.trim().to_owned(),
            label_en: name.trim().to_owned(),
            zrm_domain: None,
            synonyms: Vec::new(),
        });
        self.lookup.insert(id, tag.0);
        tag
    }

    /// Joins canonical ids sorted alphabetically with `+`, e.g. `kinderen+schulden+wonen`.
    pub fn join_ids(&self, tags: &[TagId]) -> String {
        let mut ids: Vec<&str> = tags.iter().map(|&t| self.id(t)).collect();
        ids.sort_unstable();
        ids.join("+")
    }
}

/// Every id, synonym and label, by [`lookup_key`], to its entry's index. Ids and synonyms
/// must not clash; a label names its entry only where no id or synonym took its key
/// ("Werk en opleiding", a tag's own Dutch label, was not read until labels counted).
fn build_lookup<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Vec<String>, [&'a String; 2])>,
) -> std::result::Result<HashMap<String, u32>, String> {
    let entries: Vec<_> = entries.collect();
    let mut lookup = names_lookup(entries.iter().map(|&(id, synonyms, _)| (id, synonyms)))?;
    for (index, (_, _, labels)) in entries.iter().enumerate() {
        for label in labels {
            lookup.entry(lookup_key(label)).or_insert(index as u32);
        }
    }
    Ok(lookup)
}

fn names_lookup<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Vec<String>)>,
) -> std::result::Result<HashMap<String, u32>, String> {
    let mut lookup: HashMap<String, u32> = HashMap::new();
    let mut owner: HashMap<String, &'a str> = HashMap::new();
    for (index, (id, synonyms)) in entries.enumerate() {
        if id.trim().is_empty() {
            return Err("an entry has an empty id".into());
        }
        for name in std::iter::once(id).chain(synonyms) {
            let key = lookup_key(name);
            if let Some(previous) = owner.insert(key.clone(), id) {
                if previous != id {
                    return Err(format!("`{name}` is used by both `{previous}` and `{id}`"));
                }
                if name == id {
                    return Err(format!("`{id}` is defined twice"));
                }
            }
            lookup.insert(key, index as u32);
        }
    }
    Ok(lookup)
}

/// The bottleneck catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<BottleneckDef>", into = "Vec<BottleneckDef>")]
pub struct Catalogue {
    bottlenecks: Vec<BottleneckDef>,
    lookup: HashMap<String, u32>,
}

impl From<Vec<BottleneckDef>> for Catalogue {
    fn from(bottlenecks: Vec<BottleneckDef>) -> Self {
        let lookup = build_lookup(
            bottlenecks
                .iter()
                .map(|b| (&b.id, &b.synonyms, [&b.label_nl, &b.label_en])),
        )
        .unwrap_or_default();
        Catalogue {
            bottlenecks,
            lookup,
        }
    }
}

impl From<Catalogue> for Vec<BottleneckDef> {
    fn from(catalogue: Catalogue) -> Self {
        catalogue.bottlenecks
    }
}

impl Catalogue {
    /// A catalogue from bottleneck definitions; ids and synonyms must not clash.
    pub fn new(bottlenecks: Vec<BottleneckDef>) -> std::result::Result<Catalogue, String> {
        let lookup = build_lookup(
            bottlenecks
                .iter()
                .map(|b| (&b.id, &b.synonyms, [&b.label_nl, &b.label_en])),
        )?;
        Ok(Catalogue {
            bottlenecks,
            lookup,
        })
    }

    /// Number of bottlenecks.
    pub fn len(&self) -> usize {
        self.bottlenecks.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.bottlenecks.is_empty()
    }

    /// All bottleneck definitions, in id order.
    pub fn bottlenecks(&self) -> &[BottleneckDef] {
        &self.bottlenecks
    }

    /// The definition of one bottleneck.
    pub fn get(&self, id: BottleneckId) -> &BottleneckDef {
        &self.bottlenecks[id.index()]
    }

    /// Resolves an id or synonym; on failure, the nearest known id, if one is close.
    pub fn resolve(&self, name: &str) -> std::result::Result<BottleneckId, Option<String>> {
        let key = lookup_key(name);
        self.lookup
            .get(&key)
            .map(|&i| BottleneckId(i))
            .ok_or_else(|| {
                nearest(&key, self.lookup.keys().map(String::as_str))
                    .map(|k| self.bottlenecks[self.lookup[k] as usize].id.clone())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tag or bottleneck written as its own label, Dutch or English, is read as it.
    #[test]
    fn every_label_names_its_own_entry() {
        let config = Config::default();
        let vocabulary = &config.vocabulary;
        for (i, tag) in vocabulary.tags.iter().enumerate() {
            for label in [&tag.label_nl, &tag.label_en] {
                assert_eq!(vocabulary.resolve(label), Ok(TagId(i as u32)), "{label}");
            }
        }
        let catalogue = &config.catalogue;
        for (i, bottleneck) in catalogue.bottlenecks().iter().enumerate() {
            for label in [&bottleneck.label_nl, &bottleneck.label_en] {
                let found = catalogue.resolve(label);
                assert_eq!(found, Ok(BottleneckId(i as u32)), "{label}");
            }
        }
        assert_eq!(
            vocabulary.resolve("Werk en opleiding"),
            vocabulary.resolve("werk_opleiding")
        );
    }

    /// (min_cell_size, dominance_n, dominance_k) and whether it is weaker than (10, 2, 85).
    #[test]
    fn weaker_thresholds_are_those_that_suppress_less() {
        for (
            min_cell_size,
            dominance_n,
            dominance_k,
            protection_percent,
            min_contributors,
            weaker,
        ) in [
            (10, 2, 85.0, 15.0, 3, false),
            (9, 2, 85.0, 15.0, 3, true),
            (20, 2, 85.0, 15.0, 3, false),
            (10, 1, 85.0, 15.0, 3, true),
            (10, 3, 85.0, 15.0, 3, false),
            (10, 2, 90.0, 15.0, 3, true),
            (10, 2, 70.0, 15.0, 3, false),
            (15, 3, 75.0, 15.0, 3, false),
            (10, 2, 85.0, 10.0, 3, true),
            (10, 2, 85.0, 20.0, 3, false),
            (10, 2, 85.0, 15.0, 2, true),
            (10, 2, 85.0, 15.0, 5, false),
        ] {
            let thresholds = PrivacyThresholds {
                min_cell_size,
                dominance_n,
                dominance_k,
                protection_percent,
                min_contributors,
            };
            assert_eq!(thresholds.weaker_than_default(), weaker, "{thresholds:?}");
        }
    }

    #[test]
    fn default_config_has_the_seed_tags_and_four_cocktails() {
        let config = Config::default();
        for id in [
            "ggz",
            "wonen",
            "kinderen",
            "niet_passende_begeleiding",
            "jeugdzorg",
            "schulden",
            "geen_uitkering",
        ] {
            let tag = config.vocabulary.resolve(id).unwrap();
            assert_eq!(config.vocabulary.id(tag), id);
        }
        assert_eq!(config.cocktails.len(), 4);
        let first = &config.cocktails[0];
        assert_eq!(
            config.vocabulary.join_ids(&first.tags),
            "ggz+kinderen+niet_passende_begeleiding+wonen"
        );
    }

    #[test]
    fn synonyms_resolve_in_any_spelling() {
        let vocabulary = Config::default().vocabulary;
        let wonen = vocabulary.resolve("wonen").unwrap();
        assert_eq!(vocabulary.resolve("Woonproblematiek"), Ok(wonen));
        assert_eq!(vocabulary.resolve(" HOUSING "), Ok(wonen));
        let npb = vocabulary.resolve("niet_passende_begeleiding").unwrap();
        assert_eq!(
            vocabulary.resolve("niet passende begeleiding/ondersteuning"),
            Ok(npb)
        );
        assert_eq!(
            vocabulary.resolve("Financiële problemen"),
            vocabulary.resolve("financien")
        );
    }

    #[test]
    fn unknown_tag_suggests_the_nearest_id() {
        let vocabulary = Config::default().vocabulary;
        assert_eq!(vocabulary.resolve("schuldne"), Err(Some("schulden".into())));
        assert_eq!(vocabulary.resolve("qqqqqqqqqqqqqqqq"), Err(None));
    }

    #[test]
    fn extend_adds_and_replace_replaces() {
        let base = Config::default();
        let extended = base
            .with_overrides(
                "[[tags]]\nid = \"mantelzorg\"\nlabel_nl = \"Mantelzorg\"\nlabel_en = \"Informal care\"\n",
                "extra.toml",
            )
            .unwrap();
        assert_eq!(extended.vocabulary.len(), base.vocabulary.len() + 1);
        assert_eq!(extended.cocktails.len(), 4);
        let replaced = base
            .with_overrides(
                "mode = \"replace\"\n[[tags]]\nid = \"a\"\nlabel_nl = \"A\"\nlabel_en = \"A\"\n",
                "only.toml",
            )
            .unwrap();
        assert_eq!(replaced.vocabulary.len(), 1);
        assert!(replaced.cocktails.is_empty());
        assert!(replaced.catalogue.is_empty());
    }

    #[test]
    fn unknown_owner_level_is_a_config_error() {
        let text = "[[bottlenecks]]\nid = \"x\"\nlabel_nl = \"x\"\nlabel_en = \"x\"\nrule = \"r\"\nowner_level = \"provincie\"\ndomain = \"d\"\n";
        let err = Config::default()
            .with_overrides(text, "bad.toml")
            .unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("bad.toml: "), "{message}");
        assert!(message.contains("unknown variant `provincie`"), "{message}");
    }

    #[test]
    fn clashing_synonyms_are_refused() {
        let text = "[[tags]]\nid = \"huis\"\nlabel_nl = \"x\"\nlabel_en = \"x\"\nsynonyms = [\"housing\"]\n";
        let err = Config::default()
            .with_overrides(text, "clash.toml")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`housing` is used by both `wonen` and `huis`"),
            "{err}"
        );
    }
}
