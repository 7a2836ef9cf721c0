//! Gathering every table's true figures, and turning them into published rows once the
//! pattern of what to hide is known.

use std::collections::BTreeMap;

use maatpact_core::publication::{
    DifferenceKey, FinancierFigures, RowFigures, RowKey, SavingsFigures, Stage,
};
use maatpact_core::{Cents, OwnerLevel, Part, Pattern, Suppression, UnitId};

use super::figures::{ClusterCounts, ClusterNumbers, SavingsFiguresByTable, finding_counts};
use super::rows::*;
use super::{Mined, Publication, Sources};

/// The true figures of a publication.
pub(crate) struct Gathered {
    n_cases: u64,
    tag_counts: Vec<u64>,
    clusters: Option<ClusterNumbers>,
    cluster_counts: Option<ClusterCounts>,
    savings: Option<SavingsFiguresByTable>,
    findings: Option<Vec<(&'static str, &'static str, u64)>>,
}

fn count_row(key: RowKey, n: u64) -> RowFigures {
    RowFigures {
        key,
        counts: vec![Some(n as f64)],
        amounts: Vec::new(),
        amount_primary: None,
    }
}

impl Gathered {
    pub fn new(sources: &Sources<'_>) -> Gathered {
        let n_tags = sources.vocabulary.len();
        let mut tag_counts = vec![0u64; n_tags];
        for case in sources.cases {
            for t in &case.tags {
                tag_counts[t.index()] += 1;
            }
        }
        let clusters = sources
            .clustering
            .map(|r| ClusterNumbers::new(r, sources.vocabulary));
        let cluster_counts = clusters
            .as_ref()
            .map(|c| ClusterCounts::gather(sources.cases, n_tags, c));
        let savings = sources
            .savings
            .map(|settings| SavingsFiguresByTable::gather(sources, clusters.as_ref(), &settings));
        Gathered {
            n_cases: sources.cases.len() as u64,
            tag_counts,
            clusters,
            cluster_counts,
            savings,
            findings: sources.issues.map(finding_counts),
        }
    }

    pub fn difference_primary(&self) -> BTreeMap<DifferenceKey, Suppression> {
        self.savings
            .as_ref()
            .map(|s| s.difference_primary.clone())
            .unwrap_or_default()
    }

    /// Every row of every table, each once: a savings row stands for the count rows of the
    /// same households in other tables (a cluster's size, a tag's total).
    pub fn rows(&self, sources: &Sources<'_>) -> Vec<RowFigures> {
        let mut rows: BTreeMap<RowKey, RowFigures> = BTreeMap::new();
        let mut add = |row: RowFigures| {
            rows.entry(row.key.clone()).or_insert(row);
        };
        if let Some(savings) = &self.savings {
            savings.rows().into_iter().for_each(&mut add);
        }
        add(count_row(RowKey::Overall, self.n_cases));
        for (tag, &n) in sources.vocabulary.tags().iter().zip(&self.tag_counts) {
            add(count_row(RowKey::TagSet(vec![tag.id.clone()]), n));
        }
        if let (Some(clusters), Some(counts)) = (&self.clusters, &self.cluster_counts) {
            let sizes = cluster_sizes(clusters);
            for name in &clusters.names {
                add(count_row(RowKey::Cluster(name.number), sizes[&name.number]));
            }
            for &(c, t, n) in &counts.tags {
                let id = sources.vocabulary.tags()[t].id.clone();
                add(count_row(RowKey::ClusterTag(c, id), n));
            }
            for &(c, moment, n, _) in &counts.satisfaction {
                add(count_row(RowKey::Satisfaction(c, moment), n));
            }
        }
        if let Some(mined) = sources.mining {
            for (tags, count) in tag_sets(mined, sources) {
                add(count_row(RowKey::TagSet(tags), count));
            }
        }
        if let Some(findings) = &self.findings {
            for &(severity, code, n) in findings {
                add(count_row(RowKey::Finding(format!("{severity}:{code}")), n));
            }
            let warnings = findings.iter().filter(|f| f.0 == "warning").map(|f| f.2);
            add(count_row(RowKey::Warnings, warnings.sum()));
        }
        rows.into_values().collect()
    }

    /// The published rows.
    pub fn disclose(
        &self,
        units: &BTreeMap<RowKey, UnitId>,
        pattern: &Pattern,
        sources: &Sources<'_>,
    ) -> Publication {
        let view = View {
            units,
            tag_counts: &self.tag_counts,
            pattern,
            sources,
            clusters: self.clusters.as_ref(),
        };
        let overall = units[&RowKey::Overall];
        Publication {
            thresholds: sources.config.privacy,
            n_cases: pattern.disclose(overall, Part::Count, self.n_cases),
            savings: self.savings.as_ref().map(|s| view.savings_tables(s)),
            clustering: self
                .cluster_counts
                .as_ref()
                .zip(sources.clustering)
                .map(|(counts, result)| view.cluster_tables(result, counts)),
            mining: sources.mining.map(|m| view.mining_tables(m)),
            quality: self.findings.as_ref().map(|f| view.quality_tables(f)),
            n_hidden_rows: pattern.n_hidden(),
            confirmation: None,
            outlook: None,
            agrees_with_layers: 0,
        }
    }
}

fn cluster_sizes(clusters: &ClusterNumbers) -> BTreeMap<usize, u64> {
    let mut sizes: BTreeMap<usize, u64> = clusters.names.iter().map(|n| (n.number, 0)).collect();
    for number in &clusters.of_case {
        *sizes.entry(*number).or_default() += 1;
    }
    sizes
}

fn sorted_ids(tags: &[maatpact_core::TagId], sources: &Sources<'_>) -> Vec<String> {
    let mut ids: Vec<String> = tags
        .iter()
        .map(|&t| sources.vocabulary.id(t).to_owned())
        .collect();
    ids.sort();
    ids
}

/// Every combination of two or more tags mining publishes: each pair, and each itemset.
fn tag_sets(mined: &Mined, sources: &Sources<'_>) -> Vec<(Vec<String>, u64)> {
    let pairs = mined
        .pairs
        .pairs
        .iter()
        .map(|p| (sorted_ids(&[p.first, p.second], sources), p.count as u64));
    let itemsets = mined
        .result
        .itemsets
        .iter()
        .filter(|i| i.tags.len() >= 2)
        .map(|i| (sorted_ids(&i.tags, sources), i.count as u64));
    pairs.chain(itemsets).collect()
}

/// What disclosing a row needs.
struct View<'a> {
    units: &'a BTreeMap<RowKey, UnitId>,
    tag_counts: &'a [u64],
    pattern: &'a Pattern,
    sources: &'a Sources<'a>,
    clusters: Option<&'a ClusterNumbers>,
}

impl View<'_> {
    fn unit(&self, key: &RowKey) -> UnitId {
        self.units[key]
    }

    fn reason(&self, unit: UnitId) -> Option<Suppression> {
        self.pattern.visibility(unit).reason()
    }

    fn cluster_name(&self, number: usize) -> ClusterName {
        let clusters = self.clusters.expect("cluster rows come with clusters");
        clusters.names[clusters.position(number)].clone()
    }

    fn tag_name(&self, id: &str) -> TagName {
        let tag = self
            .sources
            .vocabulary
            .tags()
            .iter()
            .find(|t| t.id == id)
            .expect("a tag of the vocabulary");
        TagName {
            id: tag.id.clone(),
            label_nl: tag.label_nl.clone(),
            label_en: tag.label_en.clone(),
        }
    }

    fn group(&self, key: &RowKey) -> Group {
        match key {
            RowKey::Overall => Group::Overall,
            RowKey::Cluster(c) => Group::Cluster(self.cluster_name(*c)),
            RowKey::Phase(p) => Group::Phase(p.clone()),
            RowKey::Municipality(m) => Group::Municipality(m.clone()),
            RowKey::BudgetCategory(b) => Group::BudgetCategory(b.clone()),
            RowKey::ClusterPhase(c, p) => Group::ClusterPhase(self.cluster_name(*c), p.clone()),
            RowKey::ClusterPayer(c, p) => {
                Group::ClusterPayer(self.cluster_name(*c), maatpact_core::Payer::parse(p))
            }
            RowKey::Bottleneck(id, _) => {
                let def = self
                    .sources
                    .config
                    .catalogue
                    .bottlenecks()
                    .iter()
                    .find(|b| b.id == *id)
                    .expect("a bottleneck of the catalogue");
                Group::Bottleneck(BottleneckName {
                    id: def.id.clone(),
                    label_nl: def.label_nl.clone(),
                    label_en: def.label_en.clone(),
                    owner_level: def.owner_level,
                    rule: def.rule.clone(),
                    theme: def.domain.clone(),
                })
            }
            RowKey::OwnerLevel(o) => Group::OwnerLevel(
                *OwnerLevel::ALL
                    .iter()
                    .find(|l| l.id() == o)
                    .expect("an owner level"),
            ),
            RowKey::TagSet(tags) => Group::Tag(self.tag_name(&tags[0])),
            RowKey::Payer(p) => Group::Payer(maatpact_core::Payer::parse(p)),
            other => unreachable!("{other:?} has no savings row"),
        }
    }

    fn savings_row(&self, figures: &SavingsFigures) -> SavingsRow {
        let unit = self.unit(&figures.key);
        let counts = |value: u64| self.pattern.disclose(unit, Part::Count, value);
        let amount = |value| self.pattern.disclose(unit, Part::Amount, value);
        SavingsRow {
            group: self.group(&figures.key),
            n_cases: counts(figures.n_cases),
            n_with_kba: counts(figures.n_with_kba),
            cost_current: amount(figures.cost_current),
            cost_threatened: amount(figures.cost_threatened),
            cost_tailored: amount(figures.cost_tailored),
            savings: amount(figures.savings),
            breakthrough_spend: amount(figures.breakthrough_spend),
            savings_mean: self
                .pattern
                .disclose(unit, Part::Amount, figures.savings_mean),
            savings_median: self
                .pattern
                .disclose(unit, Part::Amount, figures.savings_median),
            savings_ci: self
                .pattern
                .disclose(unit, Part::Amount, figures.savings_ci),
            return_per_euro: self
                .pattern
                .disclose(unit, Part::Amount, figures.return_per_euro()),
            satisfaction_change_mean: self.pattern.disclose_mean(
                unit,
                Part::Count,
                figures.satisfaction_change_n,
                figures.satisfaction_change_mean,
            ),
            suppressed: self.reason(unit),
        }
    }

    fn financier_row(&self, figures: &FinancierFigures) -> FinancierRow {
        let unit = self.unit(&figures.key);
        FinancierRow {
            part: match &figures.key {
                RowKey::PartFinancier(part, _) => Some(self.group(part)),
                _ => None,
            },
            financier: figures.financier,
            savings: self.pattern.disclose(unit, Part::Amount, figures.savings),
            suppressed: self.reason(unit),
        }
    }

    fn savings_tables(&self, s: &SavingsFiguresByTable) -> SavingsTables {
        let rows = |figures: &[SavingsFigures]| -> Vec<SavingsRow> {
            figures.iter().map(|f| self.savings_row(f)).collect()
        };
        let financiers = |figures: &[FinancierFigures]| -> Vec<FinancierRow> {
            figures.iter().map(|f| self.financier_row(f)).collect()
        };
        let (net_positions, net_positions_per_cluster) = self.all_net_positions(s);
        SavingsTables {
            attribution: self
                .sources
                .savings
                .map(|s| s.attribution)
                .unwrap_or_default(),
            overall: self.savings_row(&s.overall),
            per_cluster: rows(&s.per_cluster),
            per_cluster_phase: rows(&s.per_cluster_phase),
            per_cluster_payer: rows(&s.per_cluster_payer),
            per_phase: rows(&s.per_phase),
            per_municipality: rows(&s.per_municipality),
            per_budget_category: rows(&s.per_budget_category),
            per_bottleneck: rows(&s.per_bottleneck),
            per_owner_level: rows(&s.per_owner_level),
            per_tag: rows(&s.per_tag),
            per_payer: rows(&s.per_payer),
            per_financier: financiers(&s.per_financier),
            per_cluster_financier: financiers(&s.per_cluster_financier),
            per_phase_financier: financiers(&s.per_phase_financier),
            per_budget_category_financier: financiers(&s.per_budget_category_financier),
            per_payer_financier: financiers(&s.per_payer_financier),
            funnel: self.funnel(s),
            net_positions,
            net_positions_per_cluster,
        }
    }

    fn funnel(&self, s: &SavingsFiguresByTable) -> Vec<FunnelRow> {
        let groups = std::iter::once(&s.overall).chain(&s.per_phase);
        groups
            .map(|figures| {
                let group = &figures.key;
                let unit = self.unit(group);
                let stage = |stage: Stage| {
                    let key = RowKey::Funnel(Box::new(group.clone()), stage);
                    let &(_, n) = s.funnel.iter().find(|(k, _)| *k == key)?;
                    let unit = self.unit(&key);
                    Some((
                        self.pattern.disclose(unit, Part::Count, n),
                        self.reason(unit),
                    ))
                };
                let (with_plan, executed) = (stage(Stage::WithPlan), stage(Stage::Executed));
                let hidden = [&with_plan, &executed]
                    .into_iter()
                    .find_map(|s| s.and_then(|(_, reason)| reason));
                FunnelRow {
                    group: self.group(group),
                    registered: self.pattern.disclose(unit, Part::Count, figures.n_cases),
                    with_plan: with_plan.map(|(d, _)| d),
                    with_kba: self.pattern.disclose(unit, Part::Count, figures.n_with_kba),
                    executed: executed.map(|(d, _)| d),
                    suppressed: self.reason(unit).or(hidden),
                }
            })
            .collect()
    }

    /// Net positions from the spend each payer paid (its id and its row, disclosed as that
    /// row) and the shares each financier received. Empty when no payer is recorded.
    fn net_positions(
        &self,
        paid: &[(&str, &SavingsFigures)],
        received: &[&FinancierFigures],
    ) -> Vec<NetPositionRow> {
        if paid.is_empty() {
            return Vec::new();
        }
        maatpact_core::Payer::ALL
            .into_iter()
            .filter_map(|party| {
                let paid = paid.iter().find(|(id, _)| *id == party.id()).map(|(_, f)| {
                    self.pattern
                        .disclose(self.unit(&f.key), Part::Amount, f.breakthrough_spend)
                });
                let received = match party {
                    maatpact_core::Payer::Programme => None,
                    maatpact_core::Payer::Financier(financier) => {
                        received.iter().find(|f| f.financier == financier).map(|f| {
                            self.pattern
                                .disclose(self.unit(&f.key), Part::Amount, f.savings)
                        })
                    }
                };
                let net = match (received, paid) {
                    (Some(r), Some(p)) => r.zip(p, |r, p| r - p),
                    (Some(r), None) => r,
                    (None, Some(p)) => p.map(|p| Cents(-p.0)),
                    (None, None) => return None,
                };
                Some(NetPositionRow {
                    party,
                    paid,
                    received,
                    net,
                })
            })
            .collect()
    }

    /// All households' net positions, then each cluster's: paid within the cluster
    /// (cluster × payer), gained within it (cluster × financier).
    fn all_net_positions(
        &self,
        s: &SavingsFiguresByTable,
    ) -> (Vec<NetPositionRow>, NetPositionsPerCluster) {
        if s.per_financier.is_empty() {
            // Who gains is not recorded: a net position would be the spend alone.
            return (Vec::new(), Vec::new());
        }
        let paid: Vec<(&str, &SavingsFigures)> = s
            .per_payer
            .iter()
            .filter_map(|f| match &f.key {
                RowKey::Payer(p) => Some((p.as_str(), f)),
                _ => None,
            })
            .collect();
        let received: Vec<&FinancierFigures> = s.per_financier.iter().collect();
        let overall = self.net_positions(&paid, &received);
        let Some(clusters) = self.clusters else {
            return (overall, Vec::new());
        };
        let per_cluster = clusters
            .names
            .iter()
            .map(|name| {
                let paid: Vec<(&str, &SavingsFigures)> = s
                    .per_cluster_payer
                    .iter()
                    .filter_map(|f| match &f.key {
                        RowKey::ClusterPayer(c, p) if *c == name.number => Some((p.as_str(), f)),
                        _ => None,
                    })
                    .collect();
                let received: Vec<&FinancierFigures> = s
                    .per_cluster_financier
                    .iter()
                    .filter(|f| {
                        matches!(&f.key, RowKey::PartFinancier(part, _)
                            if **part == RowKey::Cluster(name.number))
                    })
                    .collect();
                (name.clone(), self.net_positions(&paid, &received))
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect();
        (overall, per_cluster)
    }

    fn cluster_tables(
        &self,
        result: &maatpact_core::ClusterResult,
        counts: &ClusterCounts,
    ) -> ClusterTables {
        let sizes = cluster_sizes(self.clusters.expect("clusters"));
        let size = |number: usize| {
            self.pattern.disclose(
                self.unit(&RowKey::Cluster(number)),
                Part::Count,
                sizes[&number],
            )
        };
        let clusters = result
            .profiles
            .iter()
            .filter(|p| !p.noise)
            .map(|p| {
                let number = result.clustering.published_number(p.cluster);
                ClusterRow {
                    name: self.cluster_name(number),
                    size: size(number),
                    reference: p.reference.as_ref().map(|r| (r.id.clone(), r.jaccard)),
                    stability: p.stability,
                    unstable: p.unstable,
                    silhouette: p.silhouette,
                }
            })
            .collect();
        ClusterTables {
            algorithm: result.algorithm.to_string(),
            clusters,
            n_in_no_cluster: sizes.contains_key(&0).then(|| size(0)),
            k_selection: result
                .k_selection
                .iter()
                .map(|s| KRow {
                    k: s.k,
                    silhouette: s.silhouette,
                    bic: s.bic,
                    chosen: s.k == result.chosen_k,
                })
                .collect(),
            chosen_k: result.chosen_k,
            has_structure: result.structure.has_structure,
            profiles: self.profile_rows(result),
            satisfaction: self.satisfaction_rows(counts),
        }
    }

    fn profile_rows(&self, result: &maatpact_core::ClusterResult) -> Vec<ProfileRow> {
        let vocabulary = self.sources.vocabulary;
        let mut rows = Vec::new();
        for profile in &result.profiles {
            let number = result.clustering.published_number(profile.cluster);
            let cluster = self.unit(&RowKey::Cluster(number));
            for stat in &profile.tags {
                let id = vocabulary.id(stat.tag).to_owned();
                let unit = self.unit(&RowKey::ClusterTag(number, id.clone()));
                let tag = self.unit(&RowKey::TagSet(vec![id.clone()]));
                // A share reveals the count given the size; a lift the tag's total too.
                let share = [(unit, Part::Count), (cluster, Part::Count)];
                rows.push(ProfileRow {
                    cluster: number,
                    tag: self.tag_name(&id),
                    count: self.pattern.disclose(unit, Part::Count, stat.count as u64),
                    prevalence: self.pattern.disclose_from(&share, stat.prevalence),
                    lift: self
                        .pattern
                        .disclose_from(&[share[0], share[1], (tag, Part::Count)], stat.lift),
                    defining: profile.defining_tags.contains(&stat.tag),
                    suppressed: self.reason(unit),
                });
            }
        }
        rows.sort_by_key(|r| (r.cluster == 0, r.cluster));
        rows
    }

    fn satisfaction_rows(&self, counts: &ClusterCounts) -> Vec<SatisfactionRow> {
        let mut rows: Vec<SatisfactionRow> = counts
            .satisfaction
            .iter()
            .map(|&(cluster, moment, n, mean)| {
                let unit = self.unit(&RowKey::Satisfaction(cluster, moment));
                SatisfactionRow {
                    cluster,
                    moment,
                    n: self.pattern.disclose(unit, Part::Count, n),
                    mean: self.pattern.disclose_mean(unit, Part::Count, n, mean),
                    suppressed: self.reason(unit),
                }
            })
            .collect();
        rows.sort_by_key(|r| (r.cluster == 0, r.cluster, r.moment));
        rows
    }

    fn tag_set(&self, ids: &[String]) -> Option<UnitId> {
        let mut ids = ids.to_vec();
        ids.sort();
        match ids.len() {
            0 => Some(self.unit(&RowKey::Overall)),
            _ => self.units.get(&RowKey::TagSet(ids)).copied(),
        }
    }

    fn shown(&self, unit: Option<UnitId>) -> bool {
        unit.is_some_and(|u| !self.pattern.visibility(u).hides(Part::Count))
    }

    fn mining_tables(&self, mined: &Mined) -> MiningTables {
        MiningTables {
            tags: self.tag_rows(),
            itemsets: self.itemset_rows(mined),
            rules: self.rule_rows(mined),
            pairs: self.pair_rows(mined),
            min_count: mined.min_count,
            raised_to_cell_size: mined.raised_to_cell_size,
        }
    }

    fn tag_rows(&self) -> Vec<TagRow> {
        self.sources
            .vocabulary
            .tags()
            .iter()
            .zip(self.tag_counts)
            .map(|(tag, &n)| {
                let unit = self.unit(&RowKey::TagSet(vec![tag.id.clone()]));
                // tags.csv shows the count only: a row whose amounts (in
                // savings_per_tag.csv) are hidden is not flagged here.
                let n = self.pattern.disclose(unit, Part::Count, n);
                TagRow {
                    tag: self.tag_name(&tag.id),
                    suppressed: n.suppression(),
                    n,
                }
            })
            .collect()
    }

    /// Itemsets whose count is published; their lift and p-values need every tag's total.
    fn itemset_rows(&self, mined: &Mined) -> Vec<ItemsetRow> {
        let mut rows = Vec::new();
        for itemset in &mined.result.itemsets {
            let tags = sorted_ids(&itemset.tags, self.sources);
            let unit = self.tag_set(&tags);
            if !self.shown(unit) {
                continue;
            }
            let mut sources: Vec<(UnitId, Part)> = vec![(unit.expect("shown"), Part::Count)];
            for tag in &tags {
                sources.push((
                    self.tag_set(std::slice::from_ref(tag)).expect("a tag"),
                    Part::Count,
                ));
            }
            rows.push(ItemsetRow {
                count: itemset.count as u64,
                support: itemset.support,
                lift: self.pattern.disclose_from(&sources, itemset.lift),
                p_value: self.pattern.disclose_from(&sources, itemset.p_value),
                p_value_holm: self.pattern.disclose_from(&sources, itemset.p_value_holm),
                tags,
            });
        }
        rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.tags.cmp(&b.tags)));
        rows
    }

    /// Rules whose both sides and union are published: they then reveal nothing more.
    fn rule_rows(&self, mined: &Mined) -> Vec<RuleRow> {
        let mut rows = Vec::new();
        for rule in &mined.rules {
            let antecedent = sorted_ids(&rule.antecedent, self.sources);
            let consequent = sorted_ids(&rule.consequent, self.sources);
            let union: Vec<String> = antecedent.iter().chain(&consequent).cloned().collect();
            if ![&antecedent, &consequent, &union]
                .iter()
                .all(|set| self.shown(self.tag_set(set)))
            {
                continue;
            }
            rows.push(RuleRow {
                antecedent,
                consequent,
                count: rule.count as u64,
                support: rule.support,
                confidence: rule.confidence,
                lift: rule.lift,
                leverage: rule.leverage,
                conviction: rule.conviction,
                zhang: rule.zhang,
            });
        }
        rows
    }

    fn pair_rows(&self, mined: &Mined) -> Vec<PairRow> {
        let mut rows: Vec<PairRow> = mined
            .pairs
            .pairs
            .iter()
            .map(|pair| {
                let ids = sorted_ids(&[pair.first, pair.second], self.sources);
                let unit = self.tag_set(&ids).expect("every pair is a unit");
                let sources = [
                    (unit, Part::Count),
                    (self.tag_set(&ids[..1]).expect("a tag"), Part::Count),
                    (self.tag_set(&ids[1..]).expect("a tag"), Part::Count),
                ];
                PairRow {
                    count: self.pattern.disclose(unit, Part::Count, pair.count as u64),
                    jaccard: self.pattern.disclose_from(&sources, pair.jaccard),
                    lift: self.pattern.disclose_from(&sources, pair.lift),
                    pmi: self.pattern.disclose_from(&sources, pair.pmi),
                    suppressed: self.reason(unit),
                    tag_a: ids[0].clone(),
                    tag_b: ids[1].clone(),
                }
            })
            .collect();
        rows.sort_by(|a, b| (&a.tag_a, &a.tag_b).cmp(&(&b.tag_a, &b.tag_b)));
        rows
    }

    fn quality_tables(&self, findings: &[(&'static str, &'static str, u64)]) -> QualityTables {
        let warnings: u64 = findings
            .iter()
            .filter(|f| f.0 == "warning")
            .map(|f| f.2)
            .sum();
        let total = self.unit(&RowKey::Warnings);
        QualityTables {
            findings: findings
                .iter()
                .map(|&(severity, code, n)| {
                    let unit = self.unit(&RowKey::Finding(format!("{severity}:{code}")));
                    FindingRow {
                        severity,
                        code,
                        n: self.pattern.disclose(unit, Part::Count, n),
                        suppressed: self.reason(unit),
                    }
                })
                .collect(),
            n_warnings: self.pattern.disclose(total, Part::Count, warnings),
        }
    }
}
