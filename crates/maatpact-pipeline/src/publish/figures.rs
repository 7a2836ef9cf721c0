//! The true figures of every table a command publishes, gathered from the cases and the
//! analysis results before disclosure control sees them.

use std::collections::BTreeMap;

use maatpact_core::publication::{
    Attribution, DifferenceKey, FigureSettings, FinancierFigures, Membership, Moment, RowFigures,
    RowKey, SavingsFigures, difference_primary, financier_figures, funnel_figures, savings_figures,
};
use maatpact_core::{Case, ClusterResult, Config, Issue, OwnerLevel, Vocabulary};

use super::Sources;
use super::rows::ClusterName;

/// The name of a group value that was not recorded (a case without a phase, …).
pub const UNKNOWN: &str = "unknown";

/// The clusters as tables number them.
pub(crate) struct ClusterNumbers {
    /// Each case's published number.
    pub of_case: Vec<usize>,
    /// The clusters in table order: 1, 2, …, then 0 (the households in no cluster).
    pub names: Vec<ClusterName>,
}

impl ClusterNumbers {
    pub fn new(result: &ClusterResult, vocabulary: &Vocabulary) -> ClusterNumbers {
        let clustering = &result.clustering;
        let mut names: Vec<ClusterName> = result
            .profiles
            .iter()
            .map(|p| ClusterName {
                number: clustering.published_number(p.cluster),
                defining_tags: {
                    let mut ids: Vec<String> = p
                        .defining_tags
                        .iter()
                        .map(|&t| vocabulary.id(t).to_owned())
                        .collect();
                    ids.sort();
                    ids
                },
                label_nl: p.label_nl.clone(),
                label_en: p.label_en.clone(),
            })
            .collect();
        // Cluster 0 last, whatever its internal label.
        names.sort_by_key(|n| (n.number == 0, n.number));
        ClusterNumbers {
            of_case: clustering
                .labels
                .iter()
                .map(|&l| clustering.published_number(l))
                .collect(),
            names,
        }
    }

    pub fn position(&self, number: usize) -> usize {
        self.names
            .iter()
            .position(|n| n.number == number)
            .expect("every published number has a name")
    }
}

/// The savings figures of every table.
pub(crate) struct SavingsFiguresByTable {
    pub overall: SavingsFigures,
    pub per_cluster: Vec<SavingsFigures>,
    pub per_cluster_phase: Vec<SavingsFigures>,
    pub per_cluster_payer: Vec<SavingsFigures>,
    pub per_phase: Vec<SavingsFigures>,
    pub per_municipality: Vec<SavingsFigures>,
    pub per_budget_category: Vec<SavingsFigures>,
    pub per_bottleneck: Vec<SavingsFigures>,
    pub per_owner_level: Vec<SavingsFigures>,
    pub per_tag: Vec<SavingsFigures>,
    pub per_payer: Vec<SavingsFigures>,
    pub per_financier: Vec<FinancierFigures>,
    pub per_cluster_financier: Vec<FinancierFigures>,
    pub per_phase_financier: Vec<FinancierFigures>,
    pub per_budget_category_financier: Vec<FinancierFigures>,
    pub per_payer_financier: Vec<FinancierFigures>,
    /// Households with a plan and with it carried out, overall and per phase.
    pub funnel: Vec<(RowKey, u64)>,
    pub difference_primary: BTreeMap<DifferenceKey, maatpact_core::Suppression>,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| UNKNOWN.to_owned())
}

/// The distinct values of a field, sorted.
fn values_of(cases: &[Case], field: impl Fn(&Case) -> String) -> Vec<String> {
    let mut values: Vec<String> = cases.iter().map(&field).collect();
    values.sort();
    values.dedup();
    values
}

/// A one-way partition of the cases by a text field: its groups, and each case's position
/// in them.
struct Partition {
    values: Vec<String>,
    keys: Vec<RowKey>,
    of_case: Vec<usize>,
}

impl Partition {
    fn by_field(
        cases: &[Case],
        key: impl Fn(String) -> RowKey,
        field: impl Fn(&Case) -> String,
    ) -> Partition {
        let values = values_of(cases, &field);
        Partition {
            of_case: cases
                .iter()
                .map(|c| values.binary_search(&field(c)).expect("a value"))
                .collect(),
            keys: values.iter().cloned().map(key).collect(),
            values,
        }
    }

    /// The cluster × group table: each cluster's households in each group of this
    /// partition, clusters in table order.
    fn by_cluster(
        &self,
        cases: &[Case],
        clusters: &ClusterNumbers,
        cell: fn(usize, String) -> RowKey,
        settings: &FigureSettings,
    ) -> Vec<SavingsFigures> {
        let keys = clusters
            .names
            .iter()
            .flat_map(|n| self.values.iter().map(move |v| cell(n.number, v.clone())))
            .collect();
        let width = self.values.len();
        savings_figures(
            cases,
            keys,
            |i, _, g| g.push(clusters.position(clusters.of_case[i]) * width + self.of_case[i]),
            settings,
        )
    }

    fn savings(&self, cases: &[Case], settings: &FigureSettings) -> Vec<SavingsFigures> {
        savings_figures(
            cases,
            self.keys.clone(),
            |i, _, groups| groups.push(self.of_case[i]),
            settings,
        )
    }

    fn financiers(&self, cases: &[Case], settings: &FigureSettings) -> Vec<FinancierFigures> {
        financier_figures(
            cases,
            Some((&self.keys, &self.of_case)),
            &settings.thresholds,
        )
    }
}

fn payer_of(case: &Case) -> String {
    super::rows::payer_id(case.payer).to_owned()
}

impl SavingsFiguresByTable {
    pub fn gather(
        sources: &Sources<'_>,
        clusters: Option<&ClusterNumbers>,
        settings: &FigureSettings,
    ) -> SavingsFiguresByTable {
        let cases = sources.cases;
        let phase = |c: &Case| text(&c.phase);
        let overall =
            savings_figures(cases, vec![RowKey::Overall], |_, _, g| g.push(0), settings).remove(0);
        let thresholds = &settings.thresholds;
        let phases = Partition::by_field(cases, RowKey::Phase, phase);
        let categories =
            Partition::by_field(cases, RowKey::BudgetCategory, |c| text(&c.budget_category));
        // Without any payer recorded the table would be all households once more.
        let payers = cases
            .iter()
            .any(|c| c.payer.is_some())
            .then(|| Partition::by_field(cases, RowKey::Payer, payer_of));
        let municipalities =
            Partition::by_field(cases, RowKey::Municipality, |c| text(&c.municipality));
        let cluster_partition = clusters.map(|c| Partition {
            values: c.names.iter().map(|n| n.number.to_string()).collect(),
            keys: c.names.iter().map(|n| RowKey::Cluster(n.number)).collect(),
            of_case: c.of_case.iter().map(|&n| c.position(n)).collect(),
        });
        // Without any share per financier in the input, who gains is unknown, not zero: no
        // financier table at all.
        let shares_recorded = cases
            .iter()
            .any(|c| c.savings_by_financier.iter().any(Option::is_some));
        let financiers = |partition: Option<&Partition>| {
            partition
                .filter(|_| shares_recorded)
                .map(|p| p.financiers(cases, settings))
                .unwrap_or_default()
        };
        let by_cluster = |partition: Option<&Partition>, cell: fn(usize, String) -> RowKey| {
            clusters
                .zip(partition)
                .map(|(c, p)| p.by_cluster(cases, c, cell, settings))
                .unwrap_or_default()
        };
        SavingsFiguresByTable {
            overall,
            per_cluster: cluster_partition
                .as_ref()
                .map(|p| p.savings(cases, settings))
                .unwrap_or_default(),
            per_cluster_phase: by_cluster(Some(&phases), RowKey::ClusterPhase),
            per_cluster_payer: by_cluster(payers.as_ref(), RowKey::ClusterPayer),
            per_phase: phases.savings(cases, settings),
            per_municipality: municipalities.savings(cases, settings),
            per_budget_category: categories.savings(cases, settings),
            per_payer: payers
                .as_ref()
                .map(|p| p.savings(cases, settings))
                .unwrap_or_default(),
            per_bottleneck: bottleneck_figures(cases, sources.config, settings),
            per_owner_level: owner_figures(cases, sources.config, settings),
            per_tag: tag_figures(cases, sources.vocabulary, settings),
            per_financier: if shares_recorded {
                financier_figures(cases, None, thresholds)
            } else {
                Vec::new()
            },
            per_cluster_financier: financiers(cluster_partition.as_ref()),
            per_phase_financier: financiers(Some(&phases)),
            per_budget_category_financier: financiers(Some(&categories)),
            per_payer_financier: financiers(payers.as_ref()),
            funnel: funnel_figures(cases, &phases.keys, &phases.of_case),
            difference_primary: match settings.attribution {
                Attribution::Count => differences(cases, sources, thresholds),
                Attribution::Split => BTreeMap::new(),
            },
        }
    }

    /// Every row, each once, for disclosure control.
    pub fn rows(&self) -> Vec<RowFigures> {
        std::iter::once(&self.overall)
            .chain(&self.per_cluster)
            .chain(&self.per_cluster_phase)
            .chain(&self.per_cluster_payer)
            .chain(&self.per_phase)
            .chain(&self.per_municipality)
            .chain(&self.per_budget_category)
            .chain(&self.per_bottleneck)
            .chain(&self.per_owner_level)
            .chain(&self.per_tag)
            .chain(&self.per_payer)
            .map(SavingsFigures::row)
            .chain(
                self.per_financier
                    .iter()
                    .chain(&self.per_cluster_financier)
                    .chain(&self.per_phase_financier)
                    .chain(&self.per_budget_category_financier)
                    .chain(&self.per_payer_financier)
                    .map(FinancierFigures::row),
            )
            .chain(self.funnel.iter().map(|(key, n)| RowFigures {
                key: key.clone(),
                counts: vec![Some(*n as f64)],
                amounts: Vec::new(),
                amount_primary: None,
            }))
            .collect()
    }
}

fn bottleneck_figures(
    cases: &[Case],
    config: &Config,
    settings: &FigureSettings,
) -> Vec<SavingsFigures> {
    let keys = config
        .catalogue
        .bottlenecks()
        .iter()
        .map(|b| RowKey::Bottleneck(b.id.clone(), b.owner_level.id().to_owned()))
        .collect();
    savings_figures(
        cases,
        keys,
        |_, case, g| g.extend(case.bottlenecks.iter().map(|b| b.index())),
        settings,
    )
}

/// The owner levels of a case's bottlenecks, as indices into [`OwnerLevel::ALL`].
/// The owner levels of a case's bottlenecks, as a bit per level of [`OwnerLevel::ALL`].
fn owner_level_mask(case: &Case, config: &Config) -> u8 {
    case.bottlenecks.iter().fold(0u8, |mask, &b| {
        let level = config.catalogue.get(b).owner_level;
        let position = OwnerLevel::ALL
            .iter()
            .position(|&l| l == level)
            .unwrap_or(0);
        mask | 1 << position
    })
}

/// The owner levels of a case's bottlenecks, in the order of [`OwnerLevel::ALL`].
fn owner_levels(case: &Case, config: &Config) -> impl Iterator<Item = usize> {
    let mask = owner_level_mask(case, config);
    (0..OwnerLevel::ALL.len()).filter(move |l| mask & 1 << l != 0)
}

fn owner_figures(
    cases: &[Case],
    config: &Config,
    settings: &FigureSettings,
) -> Vec<SavingsFigures> {
    let keys = OwnerLevel::ALL
        .iter()
        .map(|l| RowKey::OwnerLevel(l.id().to_owned()))
        .collect();
    savings_figures(
        cases,
        keys,
        |_, case, g| g.extend(owner_levels(case, config)),
        settings,
    )
}

fn tag_figures(
    cases: &[Case],
    vocabulary: &Vocabulary,
    settings: &FigureSettings,
) -> Vec<SavingsFigures> {
    let keys = vocabulary
        .tags()
        .iter()
        .map(|t| RowKey::TagSet(vec![t.id.clone()]))
        .collect();
    savings_figures(
        cases,
        keys,
        |_, case, g| g.extend(case.tags.iter().map(|t| t.index())),
        settings,
    )
}

type BoxedMembership<'a> = Box<Membership<'a>>;

/// The groups outside multi-membership rows whose amounts disclosure control judges.
fn differences(
    cases: &[Case],
    sources: &Sources<'_>,
    thresholds: &maatpact_core::PrivacyThresholds,
) -> BTreeMap<DifferenceKey, maatpact_core::Suppression> {
    let config = sources.config;
    // Once per case rather than once per case and group.
    let masks: Vec<u8> = cases.iter().map(|c| owner_level_mask(c, config)).collect();
    let masks = &masks;
    let mut groups: Vec<(DifferenceKey, BoxedMembership<'_>)> = Vec::new();
    for (index, tag) in sources.vocabulary.tags().iter().enumerate() {
        let key = RowKey::TagSet(vec![tag.id.clone()]);
        groups.push((
            DifferenceKey::Without(key),
            Box::new(move |_, c: &Case| !c.tags.iter().any(|t| t.index() == index)),
        ));
    }
    for (index, b) in config.catalogue.bottlenecks().iter().enumerate() {
        let owner = b.owner_level;
        let level = OwnerLevel::ALL
            .iter()
            .position(|&l| l == owner)
            .unwrap_or(0);
        let key = RowKey::Bottleneck(b.id.clone(), owner.id().to_owned());
        let lacks = move |_, c: &Case| !c.bottlenecks.iter().any(|x| x.index() == index);
        groups.push((DifferenceKey::Without(key), Box::new(lacks)));
        groups.push((
            DifferenceKey::OwnerWithout(owner.id().to_owned(), b.id.clone()),
            Box::new(move |i, c: &Case| lacks(i, c) && masks[i] & 1 << level != 0),
        ));
    }
    for (level, owner) in OwnerLevel::ALL.iter().enumerate() {
        groups.push((
            DifferenceKey::Without(RowKey::OwnerLevel(owner.id().to_owned())),
            Box::new(move |i, _: &Case| masks[i] & 1 << level == 0),
        ));
    }
    let refs: Vec<(DifferenceKey, &Membership<'_>)> = groups
        .iter()
        .map(|(k, f)| (k.clone(), f.as_ref()))
        .collect();
    difference_primary(cases, &refs, thresholds)
}

/// Counts per cluster and tag, and satisfaction per cluster and moment.
pub(crate) struct ClusterCounts {
    /// (cluster number, tag index, households).
    pub tags: Vec<(usize, usize, u64)>,
    /// (cluster number, moment, households with a score, their mean).
    pub satisfaction: Vec<(usize, Moment, u64, Option<f64>)>,
}

impl ClusterCounts {
    pub fn gather(cases: &[Case], n_tags: usize, clusters: &ClusterNumbers) -> ClusterCounts {
        let k = clusters.names.len();
        let mut tags = vec![0u64; k * n_tags];
        let mut scores = vec![(0u64, 0.0f64); k * Moment::ALL.len()];
        for (case, &number) in cases.iter().zip(&clusters.of_case) {
            let c = clusters.position(number);
            for t in &case.tags {
                tags[c * n_tags + t.index()] += 1;
            }
            let moments = [
                case.satisfaction.start,
                case.satisfaction.month_6,
                case.satisfaction.month_12,
            ];
            for (m, score) in moments.iter().enumerate() {
                if let Some(score) = score {
                    let slot = &mut scores[c * Moment::ALL.len() + m];
                    slot.0 += 1;
                    slot.1 += score;
                }
            }
        }
        let names = &clusters.names;
        ClusterCounts {
            tags: (0..k * n_tags)
                .map(|i| (names[i / n_tags].number, i % n_tags, tags[i]))
                .collect(),
            satisfaction: (0..k * Moment::ALL.len())
                .map(|i| {
                    let (n, sum) = scores[i];
                    let moment = Moment::ALL[i % Moment::ALL.len()];
                    let mean = (n > 0).then(|| sum / n as f64);
                    (names[i / Moment::ALL.len()].number, moment, n, mean)
                })
                .collect(),
        }
    }
}

/// Validation findings per kind: (severity, code, count), sorted.
pub(crate) fn finding_counts(issues: &[Issue]) -> Vec<(&'static str, &'static str, u64)> {
    let mut counts: BTreeMap<(&'static str, &'static str), u64> = BTreeMap::new();
    for issue in issues {
        *counts
            .entry((issue.severity.name(), issue.code.code()))
            .or_default() += 1;
    }
    counts.into_iter().map(|((s, c), n)| (s, c, n)).collect()
}
