//! `maatpact run`: every stage, from the case file to a folder of tables, charts and a
//! report, written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use maatpact_core::{
    ClusterParams, ClusterResult, KChoice, KCriterion, MiningParams, RuleParams, Validated, cluster,
};
use serde::Serialize;

use crate::analysis::{mining_tables, tag_matrix};
use crate::charts::Notes;
use crate::cluster_tables::{
    assignments_table, cluster_profiles_table, clusters_table, k_selection_table,
    satisfaction_table,
};
use crate::document::{to_html, to_markdown};
use crate::error::{Error, Result, io_error};
use crate::load::{LoadSettings, load_valid};
use crate::report::{Lang, ReportMeta, report_blocks};
use crate::savings::{Attribution, ClusterKeys, SavingsSettings, systeemleren_tables};
use crate::tables::{Table, data_quality_rows_table, data_quality_table};
use crate::{replace_dir_atomic, write_file_atomic};

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
    /// Attribution of multi-bottleneck cases.
    pub attribution: Attribution,
    /// The report language.
    pub lang: Lang,
    /// Whether weaker-than-default disclosure thresholds were explicitly allowed.
    pub allow_weak_disclosure: bool,
    /// A folder for the per-household files (`assignments.csv`, `data_quality_rows.csv`),
    /// which never go into the publication; `None` writes none of them.
    pub internal: Option<PathBuf>,
}

/// The README of the internal folder: what it is, and that it is not for publication.
pub const INTERNAL_README: &str = "# Intern: niet publiceren / Internal: do not publish

Deze map bevat gegevens per huishouden (casusnummer, rijnummer). Ze is bedoeld voor het
projectteam en mag niet worden gedeeld of gepubliceerd. Wat gepubliceerd mag worden staat in
de uitvoermap van `maatpact run` (--out), die door geheimhoudingscontrole is gegaan.

This folder holds data per household (case id, row number). It is for the project team only
and must not be shared or published. What may be published is the output folder of
`maatpact run` (--out), which has passed disclosure control.

- assignments.csv: per case id, its cluster (0: in no cluster), its distance to the
  cluster's mode, and, for latent class analysis, its class probabilities.
- data_quality_rows.csv (`maatpact run` only): every finding of validation, with file, row, column and the
  (masked) value.
";

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

/// Key figures of a run, written as `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The format of this file.
    pub format_version: u32,
    /// The input file name.
    pub input: String,
    /// Cases loaded.
    pub n_cases: usize,
    /// Warnings from validation.
    pub n_warnings: usize,
    /// The clustering algorithm.
    pub algorithm: String,
    /// Number of clusters, not counting the households in no cluster.
    pub k: usize,
    /// Households in no cluster: DBSCAN's noise, or the households of dissolved unstable
    /// clusters (cluster 0 in the tables).
    pub n_in_no_cluster: usize,
    /// Whether the data have structure.
    pub has_structure: bool,
    /// Per cluster: number, defining tags, matched reference.
    pub clusters: Vec<SummaryCluster>,
    /// The overall savings row, as in `savings_overall.csv`.
    pub overall: BTreeMap<String, String>,
    /// The seed.
    pub seed: u64,
    /// Disclosure thresholds.
    pub min_cell_size: usize,
    /// Whether weaker-than-default thresholds were used.
    pub weak_disclosure_thresholds: bool,
    /// Report language.
    pub lang: Lang,
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

/// The stages, in order, for progress reporting.
pub const STAGES: [&str; 7] = [
    "validate",
    "tag matrix and mining",
    "clustering",
    "savings tables",
    "charts",
    "report",
    "write",
];

/// Runs the whole pipeline. Invalid input is refused before anything is written; any
/// failure leaves the previous output folder as it was.
pub fn run(settings: &RunSettings, progress: &dyn Progress) -> Result<Summary> {
    progress.stage(0, STAGES.len(), STAGES[0]);
    let validated = load_valid(&settings.input, &settings.load)?;
    run_validated(settings, validated, progress)
}

/// Runs the pipeline on cases the caller has already loaded and validated (the CLI does, to
/// report findings exactly as `validate` does).
pub fn run_validated(
    settings: &RunSettings,
    validated: Validated,
    progress: &dyn Progress,
) -> Result<Summary> {
    let config = &settings.load.config;
    if let Some(internal) = &settings.internal {
        check_internal_apart(&settings.out, internal)?;
    }
    if config.privacy.weaker_than_default() && !settings.allow_weak_disclosure {
        return Err(Error::Usage(format!(
            "the config lowers disclosure control below the defaults (min_cell_size {} < {}, or a weaker dominance rule); pass --allow-weak-disclosure to do so deliberately",
            config.privacy.min_cell_size,
            maatpact_core::PrivacyThresholds::DEFAULT.min_cell_size
        )));
    }
    let total = STAGES.len();
    let stage = |index: usize| -> Result<()> {
        progress.stage(index, total, STAGES[index]);
        injected_failure(STAGES[index])
    };
    injected_failure(STAGES[0])?;
    let input_name = settings
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    stage(1)?;
    let matrix = tag_matrix(&validated.cases, &validated.vocabulary);
    let mining = mining_tables(
        &matrix,
        &validated,
        config,
        &settings.mining,
        &settings.rules,
    )?;

    stage(2)?;
    let cluster_params = settings.cluster.check()?;
    let result = cluster(
        &matrix,
        &cluster_params,
        &config.cocktails,
        &validated.vocabulary,
    )?;

    stage(3)?;
    let keys = ClusterKeys {
        labels: result.clustering.labels.clone(),
        numbers: (0..result.clustering.k)
            .map(|c| result.clustering.published_number(c))
            .collect(),
        defining_tags: result
            .profiles
            .iter()
            .map(|p| validated.vocabulary.join_ids(&p.defining_tags))
            .collect(),
    };
    let savings_settings = SavingsSettings {
        thresholds: config.privacy,
        bootstrap_resamples: settings.bootstrap_resamples,
        seed: settings.cluster.seed,
        attribution: settings.attribution,
    };
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for (name, table) in systeemleren_tables(
        &validated.cases,
        config,
        &validated.vocabulary,
        Some(&keys),
        &savings_settings,
    )? {
        tables.insert(name.to_owned(), table);
    }
    tables.insert("itemsets.csv".into(), mining.itemsets);
    tables.insert("rules.csv".into(), mining.rules);
    tables.insert("cooccurrence.csv".into(), mining.cooccurrence);
    tables.insert(
        "clusters.csv".into(),
        clusters_table(&result, &validated.vocabulary, &config.privacy),
    );
    tables.insert("k_selection.csv".into(), k_selection_table(&result));
    tables.insert(
        "cluster_profiles.csv".into(),
        cluster_profiles_table(&result, &validated.vocabulary, &config.privacy),
    );
    tables.insert(
        "satisfaction_per_cluster.csv".into(),
        satisfaction_table(&validated.cases, &result, &config.privacy),
    );
    tables.insert(
        "data_quality.csv".into(),
        data_quality_table(&validated.issues, &config.privacy),
    );

    stage(4)?;
    let charts = crate::run_charts::build_charts(settings.lang, &tables, &result, &validated)?;

    stage(5)?;
    let meta = ReportMeta {
        input: input_name.clone(),
        algorithm: result.algorithm.to_string(),
        seed: settings.cluster.seed,
        k_choice: match settings.cluster.k {
            KChoice::Auto => format!(
                "{} (k = {})",
                match settings.cluster.k_criterion {
                    KCriterion::Bic => settings.lang.t("automatisch, op BIC", "automatic, by BIC"),
                    KCriterion::Silhouette => settings
                        .lang
                        .t("automatisch, op silhouet", "automatic, by silhouette"),
                },
                result.chosen_k
            ),
            KChoice::Fixed(k) => format!("{} k = {k}", settings.lang.t("vast:", "fixed:")),
        },
        structure_summary: result.structure.summary.clone(),
        has_structure: result.structure.has_structure,
        thresholds: config.privacy,
        weak_thresholds: config.privacy.weaker_than_default(),
        attribution: match settings.attribution {
            Attribution::Count => "count".into(),
            Attribution::Split => "split".into(),
        },
        min_itemset_count: mining.min_count,
    };
    let blocks = report_blocks(settings.lang, &tables, &charts, &meta);
    let title = settings
        .lang
        .t("Systeemleren-rapport", "System learning report");
    let report_md = to_markdown(&blocks);
    let report_html = to_html(title, settings.lang.code(), &blocks);

    stage(6)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, table) in &tables {
        files.push((name.clone(), table.to_csv()?));
    }
    for chart in &charts {
        files.push((
            format!("charts/{}.svg", chart.name),
            chart.svg.clone().into_bytes(),
        ));
        files.push((format!("charts/{}.png", chart.name), chart.png.clone()));
    }
    files.push(("report.md".into(), report_md.into_bytes()));
    let model = crate::model_io::model_of(
        &result,
        &validated.vocabulary,
        &settings.cluster,
        &config.cocktails,
    );
    files.push(("model.json".into(), crate::model_io::model_json(&model)?));
    files.push(("report.html".into(), report_html.into_bytes()));
    let overall = tables
        .get("savings_overall.csv")
        .and_then(|t| t.rows.first().map(|r| (t, r)))
        .map(|(t, r)| t.headers.iter().cloned().zip(r.iter().cloned()).collect())
        .unwrap_or_default();
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    names.push("summary.json".into());
    names.sort();
    let summary = Summary {
        format_version: 1,
        input: input_name,
        n_cases: validated.cases.len(),
        n_warnings: validated.warnings().count(),
        algorithm: result.algorithm.to_string(),
        k: result.clustering.n_clusters(),
        n_in_no_cluster: result
            .profiles
            .iter()
            .filter(|p| p.noise)
            .map(|p| p.size)
            .sum(),
        has_structure: result.structure.has_structure,
        clusters: summary_clusters(&result, &validated),
        overall,
        seed: settings.cluster.seed,
        min_cell_size: config.privacy.min_cell_size,
        weak_disclosure_thresholds: config.privacy.weaker_than_default(),
        lang: settings.lang,
        files: names,
    };
    let summary_json = serde_json::to_vec_pretty(&summary).map_err(|err| Error::Output {
        what: "summary.json".into(),
        message: err.to_string(),
    })?;
    files.push(("summary.json".into(), summary_json));
    let publish = || replace_dir_atomic(&settings.out, |staging| write_all(staging, &files));
    match &settings.internal {
        // The internal folder is swapped in only once the publication is: a failed run
        // leaves both as they were.
        Some(internal) => {
            let internal_files = vec![
                (
                    "assignments.csv".to_owned(),
                    assignments_table(&validated.cases, &result).to_csv()?,
                ),
                (
                    "data_quality_rows.csv".to_owned(),
                    data_quality_rows_table(&validated.issues).to_csv()?,
                ),
                ("README.md".to_owned(), INTERNAL_README.as_bytes().to_vec()),
            ];
            replace_dir_atomic(internal, |staging| {
                write_all(staging, &internal_files)?;
                publish()
            })?;
        }
        None => publish()?,
    }
    Ok(summary)
}

/// The internal folder must be neither the publication folder nor inside it (or it inside
/// the internal one): per-household files would otherwise be published with it.
pub fn check_internal_apart(out: &Path, internal: &Path) -> Result<()> {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .components()
            .collect::<PathBuf>()
    };
    let (out, internal) = (absolute(out), absolute(internal));
    if internal.starts_with(&out) || out.starts_with(&internal) {
        return Err(Error::Usage(format!(
            "--internal `{}` must be a folder apart from the publication folder `{}`, not inside it or around it",
            internal.display(),
            out.display()
        )));
    }
    Ok(())
}

fn summary_clusters(result: &ClusterResult, validated: &Validated) -> Vec<SummaryCluster> {
    result
        .profiles
        .iter()
        .filter(|p| !p.noise)
        .map(|p| SummaryCluster {
            cluster: p.cluster + 1,
            defining_tags: validated.vocabulary.join_ids(&p.defining_tags),
            reference_match: p.reference.as_ref().map(|r| r.id.clone()),
            stable: !p.unstable,
        })
        .collect()
}

/// A test-only fault-injection point: with `MAATPACT_FAIL_AT=<stage>` in the environment
/// the run fails at that stage (`write-midway` fails after half the files are written), so
/// tests can check that a failed run leaves the previous output as it was. With
/// `MAATPACT_PAUSE_AT=<stage>` it stops there and waits to be killed, so tests can send
/// SIGKILL at a known point.
fn injected_failure(stage: &str) -> Result<()> {
    if std::env::var("MAATPACT_PAUSE_AT").is_ok_and(|wanted| wanted == stage) {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    match std::env::var("MAATPACT_FAIL_AT") {
        Ok(wanted) if wanted == stage => Err(Error::Output {
            what: format!("stage {stage}"),
            message: "failure injected by MAATPACT_FAIL_AT".into(),
        }),
        _ => Ok(()),
    }
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (index, (name, bytes)) in files.iter().enumerate() {
        if index == files.len() / 2 {
            injected_failure("write-midway")?;
        }
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        write_file_atomic(&path, bytes)?;
    }
    Ok(())
}

/// The notes drawn on charts, in the report language.
pub fn chart_notes(lang: Lang) -> Notes {
    Notes {
        suppressed: lang
            .t("onvoldoende waarnemingen", "insufficient observations")
            .to_owned(),
    }
}
