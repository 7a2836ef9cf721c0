//! `maatpact compare`: cluster two inputs (or two phases) with the same settings, match
//! their cocktails one-to-one, and say which are confirmed, nuanced, new or vanished.

use std::path::Path;

use maatpact_core::publication::{Attribution, FigureSettings};
use maatpact_core::{
    Case, ClusterParams, ClusterResult, CocktailComparison, CocktailSummary, Config, Disclosed,
    MatchStatus, TagMatrix, Vocabulary, cluster, compare_cocktails, confirm,
};

use super::folder::Folder;
use crate::error::Result;
use crate::publish::csv::{SUPPRESSED, Table, confirm_table, fixed, fixed_opt};
use crate::publish::rows::ConfirmedCocktail;
use crate::publish::{Group, Publication, Sources, publish};
use crate::render::charts::{GroupedBarData, Notes, grouped_bar_chart};
use crate::render::document::{Block, to_html};
use crate::render::format::Lang;
use crate::render::report::confirm_verdict;

/// One side of a comparison: its cases, their clustering, and what may be published of it.
pub struct Side {
    /// A name for reports, e.g. the file or `phase 1`.
    pub name: String,
    /// The cases.
    pub cases: Vec<Case>,
    /// Their clustering.
    pub result: ClusterResult,
    /// The side's clusters and savings, protected as a publication of their own.
    pub publication: Publication,
}

/// Clusters one side and protects its cluster sizes and savings.
pub fn cluster_side(
    name: String,
    cases: Vec<Case>,
    vocabulary: &Vocabulary,
    config: &Config,
    params: &ClusterParams,
) -> Result<Side> {
    let matrix = TagMatrix::from_cases(&cases, vocabulary.len());
    let result = cluster(&matrix, &params.check()?, &config.cocktails, vocabulary)?;
    let publication = publish(&Sources {
        cases: &cases,
        config,
        vocabulary,
        clustering: Some(&result),
        mining: None,
        issues: None,
        savings: Some(FigureSettings {
            thresholds: config.privacy,
            bootstrap_resamples: 0,
            seed: params.seed,
            attribution: Attribution::Count,
        }),
    })?;
    Ok(Side {
        name,
        cases,
        result,
        publication,
    })
}

/// A side's cluster (by its position among the non-noise profiles): its size and mean
/// savings as published.
fn published_cluster(side: &Side, index: usize) -> (Disclosed<u64>, Disclosed<Option<f64>>) {
    let savings = side
        .publication
        .savings
        .as_ref()
        .expect("sides publish savings");
    let row = savings
        .per_cluster
        .iter()
        .find(|r| matches!(&r.group, Group::Cluster(c) if c.number == index + 1))
        .expect("every cluster has a savings row");
    (row.n_cases, row.savings_mean)
}

/// The summaries of a side's clusters, with their mean savings in euros. The households in
/// no cluster are no cocktail, so they are left out.
fn summaries(side: &Side) -> Vec<CocktailSummary> {
    side.result
        .profiles
        .iter()
        .filter(|profile| !profile.noise)
        .map(|profile| {
            let savings: Vec<f64> = side
                .cases
                .iter()
                .zip(&side.result.clustering.labels)
                .filter(|(_, label)| **label == profile.cluster)
                .filter_map(|(case, _)| case.costs.savings())
                .map(|c| c.as_euros())
                .collect();
            let mean =
                (!savings.is_empty()).then(|| savings.iter().sum::<f64>() / savings.len() as f64);
            CocktailSummary::from_profile(profile, side.cases.len(), mean)
        })
        .collect()
}

/// Compares two clustered sides and writes `compare.csv`, `compare.html` and
/// `charts/shares.svg|png` to `out`, atomically. A cocktail's shares are shown only when its
/// size is published on both sides it has; its change in mean savings only when both means
/// are.
pub fn run_compare(
    base: &Side,
    new: &Side,
    config: &Config,
    vocabulary: &Vocabulary,
    lang: Lang,
    out: &Path,
) -> Result<Vec<CocktailComparison>> {
    let base_summaries = summaries(base);
    let new_summaries = summaries(new);
    let comparisons = compare_cocktails(&base_summaries, &new_summaries)?;
    let rows: Vec<ComparedRow> = comparisons
        .iter()
        .map(|c| ComparedRow::new(c, base, new, vocabulary, &base_summaries, &new_summaries))
        .collect();
    let chart = shares_chart(lang, base, new, &rows)?;
    let confirmations = confirm_sides(base, new, config, vocabulary);
    let mut blocks = compare_blocks(lang, base, new, &rows, &chart);
    blocks.extend(confirm_blocks(lang, base, new, &confirmations));
    let html = to_html(
        lang.t("Vergelijking van cocktails", "Comparison of cocktails"),
        lang.code(),
        &blocks,
    );
    let mut folder = Folder::new();
    folder.add("compare.csv", compare_table(&rows).to_csv()?);
    folder.add(
        "confirm.csv",
        confirm_sides_table(base, new, &confirmations).to_csv()?,
    );
    folder.add("compare.html", html);
    folder.add("charts/shares.svg", chart.svg);
    folder.add("charts/shares.png", chart.png);
    folder.replace(out)?;
    Ok(comparisons)
}

/// The config's reference cocktails, confirmed (or not) on each side's households: the
/// question a second phase asks of the first, which a model answers better than matching
/// two clusterings when a phase has 50 households.
fn confirm_sides(
    base: &Side,
    new: &Side,
    config: &Config,
    vocabulary: &Vocabulary,
) -> [Vec<ConfirmedCocktail>; 2] {
    [base, new].map(|side| {
        let matrix = TagMatrix::from_cases(&side.cases, vocabulary.len());
        let confirmation = confirm(&matrix, &config.cocktails);
        ConfirmedCocktail::rows_of(&confirmation, &config.cocktails, vocabulary)
    })
}

/// `confirm.csv` of a comparison: the verdicts of each side, with a `side` column.
fn confirm_sides_table(base: &Side, new: &Side, sides: &[Vec<ConfirmedCocktail>; 2]) -> Table {
    let tables = sides.each_ref().map(|rows| confirm_table(rows));
    let headers: Vec<&str> = std::iter::once("side")
        .chain(tables[0].headers.iter().map(String::as_str))
        .collect();
    let mut out = Table::new(&headers);
    for (side, table) in [base, new].iter().zip(tables) {
        for row in table.rows {
            out.rows
                .push(std::iter::once(side.name.clone()).chain(row).collect());
        }
    }
    out
}

/// The confirmation as a section of `compare.html`: per reference cocktail, its verdict
/// on each side, then the new cocktails of each.
fn confirm_blocks(
    lang: Lang,
    base: &Side,
    new: &Side,
    sides: &[Vec<ConfirmedCocktail>; 2],
) -> Vec<Block> {
    let is_reference = |row: &&ConfirmedCocktail| row.status.is_some();
    let rows: Vec<Vec<String>> = sides[0]
        .iter()
        .filter(is_reference)
        .zip(sides[1].iter().filter(is_reference))
        .map(|(b, n)| {
            vec![
                lang.t(&b.label_nl, &b.label_en).to_owned(),
                confirm_verdict(lang, b),
                confirm_verdict(lang, n),
            ]
        })
        .collect();
    let mut blocks = vec![
        Block::Heading(
            2,
            lang.t("Bevestigen de groepen de cocktails?", "Do the groups confirm the cocktails?")
                .to_owned(),
        ),
        Block::Paragraph(
            lang.t(
                "Elke referentiecocktail is op de huishoudens van elke groep getoetst met het kernverzamelingsmodel: bevestigd, genuanceerd (een probleem erbij of eraf) of niet ondersteund.",
                "Each reference cocktail was tested on each group's households with the core-set model: confirmed, nuanced (a problem added or dropped) or not supported.",
            )
            .to_owned(),
        ),
        Block::Table(
            vec![lang.t("Cocktail", "Cocktail").to_owned(), base.name.clone(), new.name.clone()],
            rows,
        ),
    ];
    for (side, rows) in [base, new].iter().zip(sides) {
        let new_ones: Vec<String> = rows
            .iter()
            .filter(|r| r.status.is_none())
            .map(|r| r.tags.join(" + "))
            .collect();
        if !new_ones.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "{} {}: {}",
                lang.t("Nieuwe cocktails in", "New cocktails in"),
                side.name,
                new_ones.join("; ")
            )));
        }
    }
    blocks
}

/// One compared cocktail, as published.
struct ComparedRow<'a> {
    comparison: &'a CocktailComparison,
    base_tags: String,
    new_tags: String,
    added: String,
    removed: String,
    /// Whether the sizes behind the shares are published on both sides.
    shown: bool,
    /// The change in mean savings, when both means are published.
    savings_change: Option<f64>,
}

impl<'a> ComparedRow<'a> {
    fn new(
        c: &'a CocktailComparison,
        base: &Side,
        new: &Side,
        vocabulary: &Vocabulary,
        base_summaries: &[CocktailSummary],
        new_summaries: &[CocktailSummary],
    ) -> ComparedRow<'a> {
        let tags_of = |summaries: &[CocktailSummary], index: Option<usize>| {
            index
                .map(|i| vocabulary.join_ids(&summaries[i].defining_tags))
                .unwrap_or_default()
        };
        let ids = |tags: &[maatpact_core::TagId]| {
            tags.iter()
                .map(|&t| vocabulary.id(t))
                .collect::<Vec<_>>()
                .join("+")
        };
        let published =
            |side: &Side, index: Option<usize>| index.map(|i| published_cluster(side, i));
        let (base_cluster, new_cluster) = (published(base, c.base), published(new, c.new));
        let size_shown = |p: &Option<(Disclosed<u64>, Disclosed<Option<f64>>)>| {
            p.as_ref().is_none_or(|(size, _)| size.is_shown())
        };
        let mean = |p: &Option<(Disclosed<u64>, Disclosed<Option<f64>>)>| {
            p.as_ref().and_then(|(_, mean)| (*mean).flatten())
        };
        let savings_change = match (mean(&base_cluster), mean(&new_cluster)) {
            (Some(b), Some(n)) => Some((n - b) / 100.0),
            _ => None,
        };
        ComparedRow {
            comparison: c,
            base_tags: tags_of(base_summaries, c.base),
            new_tags: tags_of(new_summaries, c.new),
            added: ids(&c.added),
            removed: ids(&c.removed),
            shown: size_shown(&base_cluster) && size_shown(&new_cluster),
            savings_change,
        }
    }

    fn tags(&self) -> &str {
        if self.comparison.new.is_some() {
            &self.new_tags
        } else {
            &self.base_tags
        }
    }
}

fn compare_table(rows: &[ComparedRow<'_>]) -> Table {
    let mut table = Table::new(&[
        "status",
        "base_cluster",
        "new_cluster",
        "base_defining_tags",
        "new_defining_tags",
        "added",
        "removed",
        "jaccard",
        "share_base",
        "share_new",
        "share_change",
        "share_change_ci_low",
        "share_change_ci_high",
        "mean_savings_change",
        "suppressed",
    ]);
    for row in rows {
        let c = row.comparison;
        let value = |text: String| {
            if row.shown {
                text
            } else {
                SUPPRESSED.to_owned()
            }
        };
        table.rows.push(vec![
            c.status.id().to_owned(),
            c.base.map(|i| (i + 1).to_string()).unwrap_or_default(),
            c.new.map(|i| (i + 1).to_string()).unwrap_or_default(),
            row.base_tags.clone(),
            row.new_tags.clone(),
            row.added.clone(),
            row.removed.clone(),
            fixed(c.jaccard, 3),
            value(fixed(c.share_base, 4)),
            value(fixed(c.share_new, 4)),
            value(fixed(c.share_change, 4)),
            value(fixed(c.share_change_ci.0, 4)),
            value(fixed(c.share_change_ci.1, 4)),
            if row.savings_change.is_some()
                || row.comparison.base.is_none()
                || row.comparison.new.is_none()
            {
                fixed_opt(row.savings_change, 2)
            } else {
                SUPPRESSED.to_owned()
            },
            if row.shown {
                String::new()
            } else {
                crate::publish::csv::HIDDEN_ROW.into()
            },
        ]);
    }
    table
}

fn status_text(lang: Lang, status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::Confirmed => lang.t("bevestigd", "confirmed"),
        MatchStatus::Nuanced => lang.t("genuanceerd", "nuanced"),
        MatchStatus::New => lang.t("nieuw", "new"),
        MatchStatus::Vanished => lang.t("verdwenen", "vanished"),
    }
}

fn shares_chart(
    lang: Lang,
    base: &Side,
    new: &Side,
    rows: &[ComparedRow<'_>],
) -> Result<crate::render::charts::RenderedChart> {
    let shares = |pick: fn(&CocktailComparison) -> f64| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| r.shown.then(|| pick(r.comparison) * 100.0))
            .collect()
    };
    grouped_bar_chart(
        "shares",
        &GroupedBarData {
            title: lang
                .t(
                    "Aandeel huishoudens per cocktail",
                    "Share of households per cocktail",
                )
                .into(),
            value_label: "%".into(),
            groups: (1..=rows.len()).map(|i| i.to_string()).collect(),
            series: vec![
                (base.name.clone(), shares(|c| c.share_base)),
                (new.name.clone(), shares(|c| c.share_new)),
            ],
        },
        false,
        &Notes::of(lang),
    )
}

fn compare_blocks(
    lang: Lang,
    base: &Side,
    new: &Side,
    rows: &[ComparedRow<'_>],
    chart: &crate::render::charts::RenderedChart,
) -> Vec<Block> {
    let t = |nl: &str, en: &str| lang.t(nl, en).to_owned();
    let hidden = || SUPPRESSED.to_owned();
    let share = |r: &ComparedRow<'_>, v: f64| if r.shown { lang.percent(v) } else { hidden() };
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let c = r.comparison;
            vec![
                (i + 1).to_string(),
                format!("{} ({})", r.tags(), status_text(lang, c.status)),
                r.added.clone(),
                r.removed.clone(),
                share(r, c.share_base),
                share(r, c.share_new),
                if r.shown {
                    format!(
                        "{} ({} – {})",
                        lang.decimal(c.share_change * 100.0, 1),
                        lang.decimal(c.share_change_ci.0 * 100.0, 1),
                        lang.decimal(c.share_change_ci.1 * 100.0, 1)
                    )
                } else {
                    hidden()
                },
                r.savings_change
                    .map(|v| lang.euros(v * 100.0))
                    .unwrap_or_else(hidden),
            ]
        })
        .collect();
    let households = |side: &Side| {
        crate::render::format::shown(&side.publication.n_cases, |&n| lang.whole(n as f64))
    };
    vec![
        Block::Heading(
            1,
            t("Vergelijking van cocktails", "Comparison of cocktails"),
        ),
        Block::Paragraph(format!(
            "{} {} ({} {}) {} {} ({} {}). {}",
            t("Basis:", "Base:"),
            base.name,
            households(base),
            t("huishoudens", "households"),
            t("Nieuw:", "New:"),
            new.name,
            households(new),
            t("huishoudens", "households"),
            t(
                "Beide zijn met dezelfde instellingen geclusterd; de cocktails zijn één-op-één gekoppeld op de overeenkomst van hun bepalende problemen (Jaccard). Bevestigd: dezelfde problemen; genuanceerd: problemen erbij of eraf; nieuw of verdwenen: zonder tegenhanger. De verandering in aandeel (procentpunten) heeft een 95%-interval (Newcombe).",
                "Both were clustered with the same settings; cocktails are matched one-to-one on the similarity of their defining problems (Jaccard). Confirmed: the same problems; nuanced: problems added or dropped; new or vanished: without a counterpart. The change in share (percentage points) has a 95% interval (Newcombe).",
            )
        )),
        Block::Table(
            vec![
                "#".into(),
                t("Cocktail", "Cocktail"),
                t("Erbij", "Added"),
                t("Eraf", "Dropped"),
                t("Aandeel basis", "Share base"),
                t("Aandeel nieuw", "Share new"),
                t("Verandering (95%-interval)", "Change (95% interval)"),
                t("Verandering gem. besparing", "Change in mean savings"),
            ],
            table_rows,
        ),
        Block::Chart {
            name: chart.name.clone(),
            caption: t(
                "Aandeel huishoudens per cocktail, basis en nieuw",
                "Share of households per cocktail, base and new",
            ),
            svg: chart.svg.clone(),
        },
    ]
}
