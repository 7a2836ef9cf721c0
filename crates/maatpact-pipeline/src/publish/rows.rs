//! The rows of every published table. Each figure that describes households is
//! [`Disclosed`]: shown or hidden as the one pattern of its publication says.

use maatpact_core::publication::{Attribution, Moment, RowKey};
use maatpact_core::{Cents, Disclosed, Financier, OwnerLevel, Suppression};

/// A cluster as tables name it: its published number (0: the households in no cluster)
/// and its defining tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterName {
    /// 1, 2, … by size; 0 for the households in no cluster.
    pub number: usize,
    /// Canonical ids of the defining tags, sorted.
    pub defining_tags: Vec<String>,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
}

/// A tag as tables name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagName {
    /// Canonical id.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
}

/// A bottleneck as tables name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BottleneckName {
    /// Canonical id.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Who can change the rule.
    pub owner_level: OwnerLevel,
    /// The rule, in words.
    pub rule: String,
    /// The theme it belongs to (the catalogue's `domain`: `wonen`, `financien`, …).
    pub theme: String,
}

/// The group of households a savings row describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Group {
    /// All households.
    Overall,
    /// A cluster.
    Cluster(ClusterName),
    /// A programme phase (`unknown` when not recorded).
    Phase(String),
    /// A municipality.
    Municipality(String),
    /// What the breakthrough budget was spent on.
    BudgetCategory(String),
    /// A cluster in a phase.
    ClusterPhase(ClusterName, String),
    /// A cluster's households whose breakthrough a payer paid (`None`: not recorded).
    ClusterPayer(ClusterName, Option<maatpact_core::Payer>),
    /// Households with a bottleneck.
    Bottleneck(BottleneckName),
    /// Households with a bottleneck of an owner level.
    OwnerLevel(OwnerLevel),
    /// Households with a problem tag.
    Tag(TagName),
    /// Whose budget paid the breakthrough (`None`: not recorded).
    Payer(Option<maatpact_core::Payer>),
}

impl Group {
    /// The households the group describes, as disclosure control names them.
    pub fn key(&self) -> RowKey {
        match self {
            Group::Overall => RowKey::Overall,
            Group::Cluster(c) => RowKey::Cluster(c.number),
            Group::Phase(p) => RowKey::Phase(p.clone()),
            Group::Municipality(m) => RowKey::Municipality(m.clone()),
            Group::BudgetCategory(b) => RowKey::BudgetCategory(b.clone()),
            Group::ClusterPhase(c, p) => RowKey::ClusterPhase(c.number, p.clone()),
            Group::ClusterPayer(c, p) => RowKey::ClusterPayer(c.number, payer_id(*p).to_owned()),
            Group::Bottleneck(b) => RowKey::Bottleneck(b.id.clone(), b.owner_level.id().to_owned()),
            Group::OwnerLevel(o) => RowKey::OwnerLevel(o.id().to_owned()),
            Group::Tag(t) => RowKey::TagSet(vec![t.id.clone()]),
            Group::Payer(p) => RowKey::Payer(payer_id(*p).to_owned()),
        }
    }
}

/// A payer's id in tables: its own, or `unknown` when none was recorded.
pub fn payer_id(payer: Option<maatpact_core::Payer>) -> &'static str {
    payer.map_or(super::figures::UNKNOWN, |p| p.id())
}

/// One row of a savings table. Amounts are over the households with a KBA, except the
/// breakthrough spend; means and medians are in cents.
#[derive(Clone, Debug, PartialEq)]
pub struct SavingsRow {
    /// The group.
    pub group: Group,
    /// Households.
    pub n_cases: Disclosed<u64>,
    /// Households with a KBA.
    pub n_with_kba: Disclosed<u64>,
    /// Total *huidig*.
    pub cost_current: Disclosed<Cents>,
    /// Total *dreigend*.
    pub cost_threatened: Disclosed<Cents>,
    /// Total *maatwerk*.
    pub cost_tailored: Disclosed<Cents>,
    /// Total savings, dreigend − maatwerk.
    pub savings: Disclosed<Cents>,
    /// Total spend from the breakthrough budget.
    pub breakthrough_spend: Disclosed<Cents>,
    /// Mean savings per household with a KBA.
    pub savings_mean: Disclosed<Option<f64>>,
    /// Median savings.
    pub savings_median: Disclosed<Option<f64>>,
    /// 95% interval of the mean savings.
    pub savings_ci: Disclosed<Option<(f64, f64)>>,
    /// Savings per euro of breakthrough spend (the programme's own costs not included).
    pub return_per_euro: Disclosed<Option<f64>>,
    /// Mean change in satisfaction.
    pub satisfaction_change_mean: Disclosed<Option<f64>>,
    /// Why (part of) the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// One row of savings per financier: who gains.
#[derive(Clone, Debug, PartialEq)]
pub struct FinancierRow {
    /// The group, for the tables per cluster, phase, budget category and payer.
    pub part: Option<Group>,
    /// The financier.
    pub financier: Financier,
    /// The total share.
    pub savings: Disclosed<Cents>,
    /// Why (part of) the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// Every savings table of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct SavingsTables {
    /// How households in several groups count in multi-membership tables.
    pub attribution: Attribution,
    /// All households.
    pub overall: SavingsRow,
    /// Per cluster (cluster 0 last).
    pub per_cluster: Vec<SavingsRow>,
    /// Per cluster and phase.
    pub per_cluster_phase: Vec<SavingsRow>,
    /// Per cluster and payer (empty when no payer is recorded).
    pub per_cluster_payer: Vec<SavingsRow>,
    /// Per phase.
    pub per_phase: Vec<SavingsRow>,
    /// Per municipality.
    pub per_municipality: Vec<SavingsRow>,
    /// Per budget category.
    pub per_budget_category: Vec<SavingsRow>,
    /// Per bottleneck, in catalogue order.
    pub per_bottleneck: Vec<SavingsRow>,
    /// Per owner level.
    pub per_owner_level: Vec<SavingsRow>,
    /// Per problem tag, in vocabulary order.
    pub per_tag: Vec<SavingsRow>,
    /// Per payer of the breakthrough spend (empty when no payer is recorded).
    pub per_payer: Vec<SavingsRow>,
    /// Per financier.
    pub per_financier: Vec<FinancierRow>,
    /// Per cluster and financier.
    pub per_cluster_financier: Vec<FinancierRow>,
    /// Per phase and financier.
    pub per_phase_financier: Vec<FinancierRow>,
    /// Per budget category and financier: what the money was spent on, and who gained.
    pub per_budget_category_financier: Vec<FinancierRow>,
    /// Per payer and financier: who paid, and who gained.
    pub per_payer_financier: Vec<FinancierRow>,
    /// The funnel: all households, then each phase.
    pub funnel: Vec<FunnelRow>,
    /// Each party's net position: savings received minus breakthrough spend paid.
    pub net_positions: Vec<NetPositionRow>,
    /// The same within each cluster (cluster 0 last).
    pub net_positions_per_cluster: NetPositionsPerCluster,
}

/// Each cluster's net positions.
pub type NetPositionsPerCluster = Vec<(ClusterName, Vec<NetPositionRow>)>;

/// One row of the funnel: registered → with a plan → with a KBA → carried out.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelRow {
    /// All households, or a phase.
    pub group: Group,
    /// Households registered (the group's households).
    pub registered: Disclosed<u64>,
    /// Households with a plan (a breakthrough chosen); `None` when the input records none.
    pub with_plan: Option<Disclosed<u64>>,
    /// Households with a KBA.
    pub with_kba: Disclosed<u64>,
    /// Households whose plan was carried out; `None` when the input has no `executed`.
    pub executed: Option<Disclosed<u64>>,
    /// Why (part of) the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// A party's net position: what it gained (its share of the savings) against what it paid
/// (breakthrough spend from its budget). Both figures come from published rows, and the
/// net is shown only when both are.
#[derive(Clone, Debug, PartialEq)]
pub struct NetPositionRow {
    /// The party.
    pub party: maatpact_core::Payer,
    /// Breakthrough spend paid from its budget (`None`: it paid none).
    pub paid: Option<Disclosed<Cents>>,
    /// Its share of the savings (`None` for the programme budget, which gains none).
    pub received: Option<Disclosed<Cents>>,
    /// Received minus paid.
    pub net: Disclosed<Cents>,
}

/// One row of `clusters.csv`. The households in no cluster have no row.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterRow {
    /// The cluster.
    pub name: ClusterName,
    /// Its households.
    pub size: Disclosed<u64>,
    /// The reference cocktail it matches, and the Jaccard similarity.
    pub reference: Option<(String, f64)>,
    /// Bootstrap stability, adjusted for chance.
    pub stability: Option<f64>,
    /// Whether it cannot be trusted.
    pub unstable: bool,
    /// Mean silhouette of its households.
    pub silhouette: Option<f64>,
}

/// One row of `k_selection.csv`: a number of clusters tried.
#[derive(Clone, Debug, PartialEq)]
pub struct KRow {
    /// The number of clusters.
    pub k: usize,
    /// Mean silhouette.
    pub silhouette: Option<f64>,
    /// BIC (latent class analysis).
    pub bic: Option<f64>,
    /// Whether this k was run.
    pub chosen: bool,
}

/// One row of `cluster_profiles.csv`: a tag in a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileRow {
    /// The cluster's number.
    pub cluster: usize,
    /// The tag.
    pub tag: TagName,
    /// Households of the cluster with the tag.
    pub count: Disclosed<u64>,
    /// Their share of the cluster (posterior-weighted for latent class analysis).
    pub prevalence: Disclosed<f64>,
    /// Prevalence over the tag's prevalence among all households.
    pub lift: Disclosed<f64>,
    /// Whether the tag defines the cluster.
    pub defining: bool,
    /// Why the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// One row of `satisfaction_per_cluster.csv`: a cluster's scores at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct SatisfactionRow {
    /// The cluster's number.
    pub cluster: usize,
    /// When the score was asked.
    pub moment: Moment,
    /// Households with a score.
    pub n: Disclosed<u64>,
    /// Their mean score.
    pub mean: Disclosed<Option<f64>>,
    /// Why the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// The tables of a clustering.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterTables {
    /// The algorithm, as named on the command line.
    pub algorithm: String,
    /// The clusters (not the households in no cluster).
    pub clusters: Vec<ClusterRow>,
    /// Households in no cluster, when there are any.
    pub n_in_no_cluster: Option<Disclosed<u64>>,
    /// The curve behind the choice of k.
    pub k_selection: Vec<KRow>,
    /// The k that was run.
    pub chosen_k: usize,
    /// Whether the data have structure, and the verdict in words (English).
    pub has_structure: bool,
    /// Every tag in every cluster (cluster 0 included).
    pub profiles: Vec<ProfileRow>,
    /// Satisfaction per cluster and moment (empty when not published).
    pub satisfaction: Vec<SatisfactionRow>,
}

/// One row of `itemsets.csv`. Only itemsets whose count is published are listed.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemsetRow {
    /// Canonical ids, sorted.
    pub tags: Vec<String>,
    /// Households with all of them.
    pub count: u64,
    /// Their share of all households.
    pub support: f64,
    /// How many times more often than under independence (needs every tag's count).
    pub lift: Disclosed<f64>,
    /// The p-value of "more often than under independence".
    pub p_value: Disclosed<Option<f64>>,
    /// The same, Holm-corrected over all tested itemsets.
    pub p_value_holm: Disclosed<Option<f64>>,
}

/// One row of `rules.csv`. Only rules whose three itemsets are published are listed.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleRow {
    /// The left side, canonical ids sorted.
    pub antecedent: Vec<String>,
    /// The right side.
    pub consequent: Vec<String>,
    /// Households with both sides.
    pub count: u64,
    /// Their share.
    pub support: f64,
    /// Share of the left side's households that have the right side.
    pub confidence: f64,
    /// Confidence over the right side's support.
    pub lift: f64,
    /// Excess support over independence.
    pub leverage: f64,
    /// Conviction.
    pub conviction: f64,
    /// Zhang's metric.
    pub zhang: f64,
}

/// One row of `cooccurrence.csv`: every pair of tags.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRow {
    /// The alphabetically first tag.
    pub tag_a: String,
    /// The second.
    pub tag_b: String,
    /// Households with both.
    pub count: Disclosed<u64>,
    /// Count over households with either.
    pub jaccard: Disclosed<f64>,
    /// How many times more often than under independence.
    pub lift: Disclosed<f64>,
    /// log2 of the lift.
    pub pmi: Disclosed<Option<f64>>,
    /// Why the row is hidden.
    pub suppressed: Option<Suppression>,
}

/// One row of `tags.csv`: how many households carry a tag.
#[derive(Clone, Debug, PartialEq)]
pub struct TagRow {
    /// The tag.
    pub tag: TagName,
    /// Households with it.
    pub n: Disclosed<u64>,
    /// Why the count is hidden.
    pub suppressed: Option<Suppression>,
}

/// The tables of frequent-pattern mining.
#[derive(Clone, Debug, PartialEq)]
pub struct MiningTables {
    /// Every tag's households.
    pub tags: Vec<TagRow>,
    /// Frequent combinations of tags.
    pub itemsets: Vec<ItemsetRow>,
    /// Association rules.
    pub rules: Vec<RuleRow>,
    /// Every pair of tags.
    pub pairs: Vec<PairRow>,
    /// The mining support floor, in households.
    pub min_count: usize,
    /// Whether the requested support was raised to the minimum cell size.
    pub raised_to_cell_size: bool,
}

/// One row of `data_quality.csv`: how many findings of a kind validation made.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    /// `warning` (an input with errors is never analysed).
    pub severity: &'static str,
    /// The finding's code.
    pub code: &'static str,
    /// How many.
    pub n: Disclosed<u64>,
    /// Why the count is hidden.
    pub suppressed: Option<Suppression>,
}

/// The data-quality tables.
#[derive(Clone, Debug, PartialEq)]
pub struct QualityTables {
    /// Findings per kind.
    pub findings: Vec<FindingRow>,
    /// Warnings in all.
    pub n_warnings: Disclosed<u64>,
}

/// One row of `confirm.csv`: a reference cocktail's verdict, or a new cocktail. No counts of
/// households: verdicts and evidence only.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmedCocktail {
    /// The reference's id, or `new_N`.
    pub cocktail: String,
    /// Dutch and English labels (the reference's, or the tags' joined).
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// `None` for a new cocktail.
    pub status: Option<maatpact_core::ConfirmStatus>,
    /// The tags as the data support them, by id.
    pub tags: Vec<String>,
    /// Tags the data add.
    pub added: Vec<String>,
    /// Tags the data drop.
    pub dropped: Vec<String>,
    /// Nats by which the cocktail shortens the description of the data.
    pub evidence: Option<f64>,
    /// For an unsupported one: households a cocktail as distinct would need.
    pub households_needed: Option<usize>,
}

impl ConfirmedCocktail {
    /// The rows of a confirmation: references in config order, then new cocktails.
    pub fn rows_of(
        confirmation: &maatpact_core::Confirmation,
        references: &[maatpact_core::ReferenceCocktail],
        vocabulary: &maatpact_core::Vocabulary,
    ) -> Vec<ConfirmedCocktail> {
        let ids = |tags: &[maatpact_core::TagId]| -> Vec<String> {
            tags.iter().map(|&t| vocabulary.get(t).id.clone()).collect()
        };
        let labels = |tags: &[maatpact_core::TagId]| -> (String, String) {
            let join = |f: fn(&maatpact_core::TagDef) -> &str| {
                tags.iter()
                    .map(|&t| f(vocabulary.get(t)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            (join(|t| &t.label_nl), join(|t| &t.label_en))
        };
        let mut rows: Vec<ConfirmedCocktail> = confirmation
            .references
            .iter()
            .map(|v| {
                let reference = references.iter().find(|r| r.id == v.id);
                let (label_nl, label_en) = reference
                    .map(|r| (r.label_nl.clone(), r.label_en.clone()))
                    .unwrap_or_else(|| labels(&v.core));
                ConfirmedCocktail {
                    cocktail: v.id.clone(),
                    label_nl,
                    label_en,
                    status: Some(v.status.clone()),
                    tags: ids(&v.core),
                    added: ids(&v.added),
                    dropped: ids(&v.dropped),
                    evidence: Some(v.evidence),
                    households_needed: v.households_needed,
                }
            })
            .collect();
        for (i, core) in confirmation.new_cocktails.iter().enumerate() {
            let (label_nl, label_en) = labels(core);
            rows.push(ConfirmedCocktail {
                cocktail: format!("new_{}", i + 1),
                label_nl,
                label_en,
                status: None,
                tags: ids(core),
                added: Vec::new(),
                dropped: Vec::new(),
                evidence: None,
                households_needed: None,
            });
        }
        rows
    }
}
