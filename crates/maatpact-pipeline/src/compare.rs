//! `maatpact compare`: cluster two inputs (or two phases) with the same settings, match
//! their cocktails one-to-one, and say which are confirmed, nuanced, new or vanished.

use std::path::Path;

use maatpact_core::{
    Case, ClusterParams, ClusterResult, CocktailComparison, CocktailSummary, Config, MatchStatus,
    TagMatrix, Vocabulary, cluster, compare_cocktails,
};

use crate::charts::{GroupedBarData, grouped_bar_chart};
use crate::document::{Block, to_html};
use crate::error::Result;
use crate::report::Lang;
use crate::run::chart_notes;
use crate::tables::{SUPPRESSED, Table, fixed, fixed_opt};
use crate::{replace_dir_atomic, write_file_atomic};

/// One side of a comparison: its cases and their clustering.
pub struct Side {
    /// A name for reports, e.g. the file or `phase 1`.
    pub name: String,
    /// The cases.
    pub cases: Vec<Case>,
    /// Their clustering.
    pub result: ClusterResult,
}

/// Clusters one side.
pub fn cluster_side(
    name: String,
    cases: Vec<Case>,
    vocabulary: &Vocabulary,
    config: &Config,
    params: &ClusterParams,
) -> Result<Side> {
    let matrix = TagMatrix::from_cases(&cases, vocabulary.len());
    let result = cluster(&matrix, &params.check()?, &config.cocktails, vocabulary)?;
    Ok(Side {
        name,
        cases,
        result,
    })
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
/// `charts/shares.svg|png` to `out`, atomically.
pub fn run_compare(
    base: &Side,
    new: &Side,
    vocabulary: &Vocabulary,
    config: &Config,
    lang: Lang,
    out: &Path,
) -> Result<Vec<CocktailComparison>> {
    let base_summaries = summaries(base);
    let new_summaries = summaries(new);
    let comparisons = compare_cocktails(&base_summaries, &new_summaries)?;
    let min_cell = config.privacy.min_cell_size;
    let tags_of = |summaries: &[CocktailSummary], index: Option<usize>| {
        index
            .map(|i| vocabulary.join_ids(&summaries[i].defining_tags))
            .unwrap_or_default()
    };
    let small = |summaries: &[CocktailSummary], index: Option<usize>| {
        index.is_some_and(|i| summaries[i].n_cases < min_cell)
    };
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
    for c in &comparisons {
        let hidden = small(&base_summaries, c.base) || small(&new_summaries, c.new);
        let value = |text: String| if hidden { SUPPRESSED.to_owned() } else { text };
        table.rows.push(vec![
            c.status.id().to_owned(),
            c.base.map(|i| (i + 1).to_string()).unwrap_or_default(),
            c.new.map(|i| (i + 1).to_string()).unwrap_or_default(),
            tags_of(&base_summaries, c.base),
            tags_of(&new_summaries, c.new),
            c.added
                .iter()
                .map(|&t| vocabulary.id(t))
                .collect::<Vec<_>>()
                .join("+"),
            c.removed
                .iter()
                .map(|&t| vocabulary.id(t))
                .collect::<Vec<_>>()
                .join("+"),
            fixed(c.jaccard, 3),
            value(fixed(c.share_base, 4)),
            value(fixed(c.share_new, 4)),
            value(fixed(c.share_change, 4)),
            value(fixed(c.share_change_ci.0, 4)),
            value(fixed(c.share_change_ci.1, 4)),
            value(fixed_opt(c.mean_savings_change, 2)),
            if hidden {
                "small_cell".into()
            } else {
                String::new()
            },
        ]);
    }
    let t = |nl: &str, en: &str| lang.t(nl, en).to_owned();
    let status_text = |status: MatchStatus| match status {
        MatchStatus::Confirmed => t("bevestigd", "confirmed"),
        MatchStatus::Nuanced => t("genuanceerd", "nuanced"),
        MatchStatus::New => t("nieuw", "new"),
        MatchStatus::Vanished => t("verdwenen", "vanished"),
    };
    let labels: Vec<String> = comparisons
        .iter()
        .map(|c| {
            let tags = if c.new.is_some() {
                tags_of(&new_summaries, c.new)
            } else {
                tags_of(&base_summaries, c.base)
            };
            format!("{} ({})", tags, status_text(c.status))
        })
        .collect();
    let shares = |pick: fn(&CocktailComparison) -> f64| -> Vec<Option<f64>> {
        comparisons
            .iter()
            .map(|c| {
                let hidden = small(&base_summaries, c.base) || small(&new_summaries, c.new);
                (!hidden).then(|| pick(c) * 100.0)
            })
            .collect()
    };
    let chart = grouped_bar_chart(
        "shares",
        &GroupedBarData {
            title: t(
                "Aandeel huishoudens per cocktail",
                "Share of households per cocktail",
            ),
            value_label: "%".into(),
            groups: (1..=comparisons.len()).map(|i| i.to_string()).collect(),
            series: vec![
                (base.name.clone(), shares(|c| c.share_base)),
                (new.name.clone(), shares(|c| c.share_new)),
            ],
        },
        false,
        &chart_notes(lang),
    )?;
    let mut rows = Vec::new();
    for (i, (c, row)) in comparisons.iter().zip(&table.rows).enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            labels[i].clone(),
            row[5].clone(),
            row[6].clone(),
            lang.number(&row[8]),
            lang.number(&row[9]),
            format!(
                "{} ({} – {})",
                lang.number(&row[10]),
                lang.number(&row[11]),
                lang.number(&row[12])
            ),
            lang.euros(&row[13]),
        ]);
        let _ = c;
    }
    let blocks = vec![
        Block::Heading(
            1,
            t("Vergelijking van cocktails", "Comparison of cocktails"),
        ),
        Block::Paragraph(format!(
            "{} {} ({} {}) {} {} ({} {}). {}",
            t("Basis:", "Base:"),
            base.name,
            base.cases.len(),
            t("huishoudens", "households"),
            t("Nieuw:", "New:"),
            new.name,
            new.cases.len(),
            t("huishoudens", "households"),
            t(
                "Beide zijn met dezelfde instellingen geclusterd; de cocktails zijn één-op-één gekoppeld op de overeenkomst van hun bepalende problemen (Jaccard). Bevestigd: dezelfde problemen; genuanceerd: problemen erbij of eraf; nieuw of verdwenen: zonder tegenhanger. De verandering in aandeel heeft een 95%-interval (Newcombe).",
                "Both were clustered with the same settings; cocktails are matched one-to-one on the similarity of their defining problems (Jaccard). Confirmed: the same problems; nuanced: problems added or dropped; new or vanished: without a counterpart. The change in share has a 95% interval (Newcombe).",
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
            rows,
        ),
        Block::Chart {
            name: chart.name.clone(),
            caption: t(
                "Aandeel huishoudens per cocktail, basis en nieuw",
                "Share of households per cocktail, base and new",
            ),
            svg: chart.svg.clone(),
        },
    ];
    let html = to_html(
        &t("Vergelijking van cocktails", "Comparison of cocktails"),
        lang.code(),
        &blocks,
    );
    let csv = table.to_csv()?;
    replace_dir_atomic(out, |dir| {
        write_file_atomic(&dir.join("compare.csv"), &csv)?;
        write_file_atomic(&dir.join("compare.html"), html.as_bytes())?;
        std::fs::create_dir_all(dir.join("charts"))
            .map_err(crate::error::io_error(dir.join("charts")))?;
        write_file_atomic(&dir.join("charts/shares.svg"), chart.svg.as_bytes())?;
        write_file_atomic(&dir.join("charts/shares.png"), &chart.png)
    })?;
    Ok(comparisons)
}
