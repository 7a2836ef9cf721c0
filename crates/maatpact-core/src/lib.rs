//! Pure analysis of *maatwerkcanvas* case records: the core of maatpact.
//!
//! maatpact rediscovers *giftige cocktails* (combinations of problems that hold a household
//! down) in anonymised case records of Dutch multi-problem household programmes, and tallies
//! what the tailored solutions saved. This crate does no file I/O and prints nothing: readers,
//! writers and the command line live in `maatpact-pipeline` and `maatpact-cli`.
//!
//! The main types:
//! - [`Config`]: the [`Vocabulary`] of problem tags, the [`Catalogue`] of bottlenecks, the
//!   reference cocktails and the privacy thresholds.
//! - [`RawTable`] → [`validate`] → [`Validated`]: typed [`Case`]s plus every [`Issue`] found.
//! - [`privacy`]: the identifier and BSN guard, and keyed pseudonyms.
//! - [`TagMatrix`]: cases × tags as bitsets.
//!
//! ```
//! use maatpact_core::{Config, TagMatrix};
//!
//! let config = Config::default();
//! let wonen = config.vocabulary.resolve("woonproblematiek").map_err(|_| "unknown")?;
//! assert_eq!(config.vocabulary.id(wonen), "wonen");
//! let matrix = TagMatrix::from_rows(config.vocabulary.len(), [&[wonen][..]]);
//! assert_eq!(matrix.tag_counts()[wonen.index()], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod case;
mod cluster;
mod compare;
mod config;
mod disclosure;
mod error;
mod mining;
mod model;
mod money;
mod numbers;
mod outlook;
pub mod privacy;
pub mod publication;
mod selection;
mod stats;
mod stats_bootstrap;
mod synth;
mod tag_matrix;
mod text;
mod validate;

pub use case::{BottleneckId, Case, CostBenefit, Date, Financier, Payer, Satisfaction, TagId};
pub use cluster::{
    Algorithm, BernoulliClasses, ClusterAlgorithm, ClusterParams, ClusterProfile, ClusterResult,
    Clustering, ConfirmStatus, Confirmation, DbscanParams, Dendrogram, Dissimilarity, GmmParams,
    HierarchicalParams, KChoice, KCriterion, KMeansParams, KModesInit, KModesParams, KScore,
    LcaParams, MergeStep, ReferenceMatch, ReferenceVerdict, StructureVerdict, TagStat,
    ValidClusterParams, adjusted_rand_index, cluster, confirm, defining_tags_of_partition,
    fit_clustering, normalized_mutual_information, oracle_labels, silhouette,
};
pub use compare::{
    CocktailComparison, CocktailSummary, MatchStatus, compare_cocktails,
    newcombe_difference_interval, wilson_interval,
};
pub use config::{
    BottleneckDef, Catalogue, CocktailDef, Config, ConfigMode, DEFAULT_CONFIG_TOML, OwnerLevel,
    PrivacyThresholds, ProgrammeCost, ReferenceCocktail, TagDef, Vocabulary,
};
pub use disclosure::{
    AuditReport, CellId, CellInterval, CellKind, Contributions, Disclosed, Expr, Finding,
    FindingKind, LinkedModel, Part, Pattern, Sense, Suppression, UnitId, Visibility,
    amount_primary, audit, is_dominated, protect, too_few_contributors,
};
pub use error::{Error, Result};
pub use mining::{
    Cooccurrence, CooccurrenceRow, Itemset, ItemsetKind, ItemsetRow, MiningParams, MiningResult,
    Rule, RuleParams, RuleRow, Support, TagPair, ValidMiningParams, ValidRuleParams, cooccurrence,
    mine, rule_rows, rules,
};
pub use model::{
    CaseScreening, ClassProfile, CocktailMatch, MODEL_FORMAT_VERSION, Model, ModelCocktail,
    ModelThresholds, Screener, check_model_format_version, model_format_version,
};
pub use money::Cents;
pub use numbers::{DecimalStyle, NumberError, StyleEvidence, parse_hundredths, style_evidence};
pub use outlook::{
    LIKELIHOODS, MKBA_DISCOUNT_RATE, Outlook, OutlookParams, RegionScenario, region_scenario,
    savings_at_likelihood,
};
pub use selection::{Condition, SelectField, Selection};
pub use stats::{binomial_upper_tail, fisher_exact_greater, holm_adjust, ln_gamma};
pub use stats_bootstrap::{
    BOOTSTRAP_MAX_VALUES, bootstrap_mean_ci, mean_ci, normal_mean_ci, percentile,
};
pub use synth::{
    MAX_BACKGROUND_TAGS_MEAN, MAX_COCKTAILS, MAX_EXTRA_TAGS, MAX_SYNTH_CASES, NOISE_CLUSTER,
    PlantedParams, Preset, SynthParams, SynthValidParams, Synthetic, synthesize,
};
pub use tag_matrix::{Profiles, TagMatrix, bits_to_tags};
pub use text::{edit_distance, header_key, lookup_key, nearest};
pub use validate::{
    FIELDS, Field, Issue, IssueCode, LoadOptions, RawRow, RawTable, Scope, Severity, UnknownTags,
    Validated, field_for_header, field_name, parse_date, validate, validate_owned,
};
