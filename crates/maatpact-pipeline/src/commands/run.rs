//! `maatpact run`: every stage, from the case file to a published folder of tables, charts
//! and a report, protected as one linked set and audited before it is swapped in.

use std::path::PathBuf;

use maatpact_core::publication::{Attribution, FigureSettings};
use maatpact_core::{
    ClusterParams, ClusterResult, Disclosed, KChoice, KCriterion, MiningParams, RuleParams,
    Validated, cluster, confirm,
};
use serde::Serialize;

use super::analysis::{mine_tables, tag_matrix};
use super::folder::{Folder, INTERNAL_README, injected_failure, publish_with_internal};
use crate::error::{Error, Result};
use crate::io::load::{LoadSettings, load_valid};
use crate::io::model_io::{model_json, model_of, with_published_profiles};
use crate::publish::{ConfirmedCocktail, Publication, Sources, csv, outlook_tables, publish};
use crate::render::document::{to_html, to_markdown};
use crate::render::format::Lang;
use crate::render::report::{ReportMeta, report_blocks};
use crate::render::run_charts::{Tree, run_charts};

/// Everything a run needs.
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// The case file.
    pub input: PathBuf,
    /// The output folder, replaced as a whole when the run succeeds.
    pub out: PathBuf,
    /// Loading flags and config.
    pub load: LoadSettings,
    /// Mining parameters.
    pub mining: MiningParams,
    /// Association-rule parameters.
    pub rules: RuleParams,
    /// Clustering parameters.
    pub cluster: ClusterParams,
    /// Bootstrap resamples for the savings intervals.
    pub bootstrap_resamples: usize,
    /// Attribution of multi-membership amounts.
    pub attribution: Attribution,
    /// The report language.
    pub lang: Lang,
    /// Whether weaker-than-default disclosure thresholds were explicitly allowed.
    pub allow_weak_disclosure: bool,
    /// A folder for the per-household files (`assignments.csv`, `data_quality_rows.csv`),
    /// which never go into the publication; `None` writes none of them.
    pub internal: Option<PathBuf>,
    /// Whether to test each reference cocktail (`confirm.csv`, a section of the report) even
    /// above [`CONFIRM_AUTO_MAX_CASES`] households; at or below it, it always is.
    pub confirm: bool,
    /// Horizon, discount rate and region for the outlook tables.
    pub outlook: maatpact_core::OutlookParams,
}

/// Up to this many households `run` tests each reference cocktail without being asked:
/// whether the data confirm the known cocktails is the first question of a programme of 30
/// to a few thousand households, and the test takes seconds there. Above it, `--confirm`.
pub const CONFIRM_AUTO_MAX_CASES: usize = 10_000;

/// Reports progress; the CLI draws bars, tests stay silent.
pub trait Progress {
    /// A stage begins.
    fn stage(&self, index: usize, total: usize, name: &str);
}

/// No progress output.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: usize, _: usize, _: &str) {}
}

/// The stages, in order, for progress reporting.
pub const STAGES: [&str; 7] = [
    "validate",
    "tag matrix and mining",
    "clustering",
    "tables and disclosure control",
    "charts",
    "report",
    "write and audit",
];

/// Key figures of a run, written as `summary.json`; a hidden figure is `null`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The format of this file.
    pub format_version: u32,
    /// The input file name.
    pub input: String,
    /// Households.
    pub n_cases: Disclosed<u64>,
    /// Validation warnings.
    pub n_warnings: Disclosed<u64>,
    /// The clustering algorithm.
    pub algorithm: String,
    /// Number of clusters, not counting the households in no cluster.
    pub k: usize,
    /// Households in no cluster (cluster 0 in the tables), when there are any.
    pub n_in_no_cluster: Option<Disclosed<u64>>,
    /// Whether the data have structure.
    pub has_structure: bool,
    /// Per cluster: number, defining tags, matched reference.
    pub clusters: Vec<SummaryCluster>,
    /// The overall savings, in euros, as in `savings_overall.csv`.
    pub overall: SummaryOverall,
    /// The seed.
    pub seed: u64,
    /// Disclosure thresholds.
    pub min_cell_size: usize,
    /// Whether weaker-than-default thresholds were used.
    pub weak_disclosure_thresholds: bool,
    /// Report language.
    pub lang: Lang,
    /// The households analysed (`--where`, `[filter]`), or `null` for all.
    pub selection: Option<String>,
    /// The folders of `maatpact mine` and `maatpact cluster` on the same cases (default
    /// mining settings) whose counts this folder publishes as they do, so that they may be
    /// published beside it. A folder left out here must not be: this one could not keep
    /// its counts without exposing a figure, and hides some of them instead.
    pub agrees_with: Vec<String>,
    /// Every file written, sorted.
    pub files: Vec<String>,
}

/// One cluster in `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryCluster {
    /// Number, 1-based.
    pub cluster: usize,
    /// Canonical ids joined with `+`.
    pub defining_tags: String,
    /// The matched reference cocktail.
    pub reference_match: Option<String>,
    /// Whether the cluster is stable.
    pub stable: bool,
}

/// The overall savings in `summary.json`, in euros.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryOverall {
    /// Households with a KBA.
    pub n_with_kba: Disclosed<u64>,
    /// Total savings.
    pub savings_total: Disclosed<f64>,
    /// Total threatened cost.
    pub cost_threatened_total: Disclosed<f64>,
    /// Total breakthrough spend.
    pub breakthrough_spend_total: Disclosed<f64>,
}

/// Runs the whole pipeline. Invalid input is refused before anything is written; any
/// failure leaves the previous output folder as it was.
pub fn run(settings: &RunSettings, progress: &dyn Progress) -> Result<Summary> {
    progress.stage(0, STAGES.len(), STAGES[0]);
    let validated = load_valid(&settings.input, &settings.load)?;
    run_validated(settings, validated, progress)
}

fn check_settings(settings: &RunSettings) -> Result<()> {
    let privacy = &settings.load.config.privacy;
    if privacy.weaker_than_default() && !settings.allow_weak_disclosure {
        return Err(Error::Usage(format!(
            "the config lowers disclosure control below the defaults ({}); pass --allow-weak-disclosure to do so deliberately",
            privacy.weakened().join(", ")
        )));
    }
    if let Some(internal) = &settings.internal {
        super::folder::check_internal_apart(&settings.out, internal)?;
    }
    Ok(())
}

/// Runs the pipeline on cases the caller has already loaded and validated (the CLI does, to
/// report findings exactly as `validate` does).
pub fn run_validated(
    settings: &RunSettings,
    validated: Validated,
    progress: &dyn Progress,
) -> Result<Summary> {
    check_settings(settings)?;
    let outlook = settings.outlook.clone().check()?;
    let config = &settings.load.config;
    let stage = |index: usize| -> Result<()> {
        progress.stage(index, STAGES.len(), STAGES[index]);
        injected_failure(STAGES[index])
    };
    injected_failure(STAGES[0])?;
    stage(1)?;
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let mined = mine_tables(&matrix, config, &settings.mining, &settings.rules)?;
    stage(2)?;
    let params = settings.cluster.check()?;
    let result = cluster(&matrix, &params, &config.cocktails, &validated.vocabulary)?;
    stage(3)?;
    let mut publication = publication_of(settings, &validated, &mined, &result)?;
    publication.outlook = publication
        .savings
        .as_ref()
        .map(|s| outlook_tables(s, &outlook, &config.programme_costs));
    if settings.confirm || validated.cases.len() <= CONFIRM_AUTO_MAX_CASES {
        let confirmation = confirm(&matrix, &config.cocktails);
        publication.confirmation = Some(ConfirmedCocktail::rows_of(
            &confirmation,
            &config.cocktails,
            &validated.vocabulary,
        ));
    }
    stage(4)?;
    let tree = result.dendrogram.as_ref().map(|dendrogram| Tree {
        dendrogram,
        chosen_k: result.chosen_k,
    });
    let k_by_bic = settings.cluster.k_criterion == KCriterion::Bic;
    let charts = run_charts(settings.lang, &publication, tree, k_by_bic)?;
    stage(5)?;
    let (folder, summary) = folder_of(settings, &validated, &result, &publication, &charts)?;
    stage(6)?;
    let internal = internal_folder(settings, &validated, &result)?;
    publish_with_internal(
        &folder,
        &settings.out,
        &config.privacy,
        internal.as_ref().zip(settings.internal.as_deref()),
    )?;
    Ok(summary)
}

fn publication_of(
    settings: &RunSettings,
    validated: &Validated,
    mined: &crate::publish::Mined,
    result: &ClusterResult,
) -> Result<Publication> {
    let config = &settings.load.config;
    publish(&Sources {
        cases: &validated.cases,
        config,
        vocabulary: &validated.vocabulary,
        clustering: Some(result),
        mining: Some(mined),
        issues: Some(&validated.issues),
        savings: Some(FigureSettings {
            thresholds: config.privacy,
            bootstrap_resamples: settings.bootstrap_resamples,
            seed: settings.cluster.seed,
            attribution: settings.attribution,
        }),
    })
}

/// Every file of the published folder, and the summary it holds.
fn folder_of(
    settings: &RunSettings,
    validated: &Validated,
    result: &ClusterResult,
    publication: &Publication,
    charts: &[crate::render::charts::RenderedChart],
) -> Result<(Folder, Summary)> {
    let mut folder = Folder::new();
    for (name, bytes) in csv::files(publication)? {
        folder.add(name, bytes);
    }
    for chart in charts {
        folder.add(format!("charts/{}.svg", chart.name), chart.svg.clone());
        folder.add(format!("charts/{}.png", chart.name), chart.png.clone());
    }
    add_report(&mut folder, settings, publication, charts)?;
    let model = model_of(
        result,
        &validated.vocabulary,
        &settings.cluster,
        &settings.load.config.cocktails,
    );
    let model = with_published_profiles(
        model,
        publication.clustering.as_ref().expect("a run clusters"),
        settings.load.config.privacy.min_cell_size,
    );
    folder.add("model.json", model_json(&model)?);
    let summary = summary(settings, publication, result, validated, &folder);
    folder.add("summary.json", json(&summary)?);
    Ok((folder, summary))
}

fn input_name(settings: &RunSettings) -> String {
    settings
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn add_report(
    folder: &mut Folder,
    settings: &RunSettings,
    publication: &Publication,
    charts: &[crate::render::charts::RenderedChart],
) -> Result<()> {
    let meta = ReportMeta {
        input: input_name(settings),
        seed: settings.cluster.seed,
        fixed_k: match settings.cluster.k {
            KChoice::Auto => None,
            KChoice::Fixed(k) => Some(k),
        },
        k_by_bic: settings.cluster.k_criterion == KCriterion::Bic,
        weak_thresholds: settings.load.config.privacy.weaker_than_default(),
        selection: settings.load.config.selection.to_string(),
    };
    let blocks = report_blocks(settings.lang, publication, charts, &meta);
    let title = settings
        .lang
        .t("Systeemleren-rapport", "System learning report");
    folder.add("report.md", to_markdown(&blocks));
    folder.add("report.html", to_html(title, settings.lang.code(), &blocks));
    Ok(())
}

fn summary(
    settings: &RunSettings,
    publication: &Publication,
    result: &ClusterResult,
    validated: &Validated,
    folder: &Folder,
) -> Summary {
    let mut files = folder.names();
    files.push("summary.json".into());
    files.sort();
    let savings = publication
        .savings
        .as_ref()
        .expect("a run publishes savings");
    let clustering = publication.clustering.as_ref().expect("a run clusters");
    let overall = &savings.overall;
    let euros = |d: &Disclosed<maatpact_core::Cents>| (*d).map(|c| c.as_euros());
    Summary {
        format_version: 2,
        input: input_name(settings),
        n_cases: publication.n_cases,
        n_warnings: publication
            .quality
            .as_ref()
            .map(|q| q.n_warnings)
            .expect("a run publishes data quality"),
        algorithm: result.algorithm.to_string(),
        k: result.clustering.n_clusters(),
        n_in_no_cluster: clustering.n_in_no_cluster,
        has_structure: result.structure.has_structure,
        clusters: result
            .profiles
            .iter()
            .filter(|p| !p.noise)
            .map(|p| SummaryCluster {
                cluster: p.cluster + 1,
                defining_tags: validated.vocabulary.join_ids(&p.defining_tags),
                reference_match: p.reference.as_ref().map(|r| r.id.clone()),
                stable: !p.unstable,
            })
            .collect(),
        overall: SummaryOverall {
            n_with_kba: overall.n_with_kba,
            savings_total: euros(&overall.savings),
            cost_threatened_total: euros(&overall.cost_threatened),
            breakthrough_spend_total: euros(&overall.breakthrough_spend),
        },
        seed: settings.cluster.seed,
        min_cell_size: settings.load.config.privacy.min_cell_size,
        weak_disclosure_thresholds: settings.load.config.privacy.weaker_than_default(),
        lang: settings.lang,
        selection: super::folder::selection_of(&settings.load.config),
        agrees_with: ["mine", "cluster"][..publication.agrees_with_layers]
            .iter()
            .map(|&c| c.to_owned())
            .collect(),
        files,
    }
}

fn json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|err| Error::Output {
        what: "summary.json".into(),
        message: err.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The per-household files, when an internal folder was asked for.
fn internal_folder(
    settings: &RunSettings,
    validated: &Validated,
    result: &ClusterResult,
) -> Result<Option<Folder>> {
    if settings.internal.is_none() {
        return Ok(None);
    }
    let mut folder = Folder::new();
    folder.add(
        "assignments.csv",
        super::internal::assignments(&validated.cases, result).to_csv()?,
    );
    folder.add(
        "data_quality_rows.csv",
        super::internal::findings(&validated.issues).to_csv()?,
    );
    folder.add("README.md", INTERNAL_README);
    Ok(Some(folder))
}
