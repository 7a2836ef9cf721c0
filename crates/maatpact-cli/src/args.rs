//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use maatpact_core::{DecimalStyle, UnknownTags};

/// Find giftige cocktails in maatwerkcanvas case records, and report what the tailored
/// solutions saved and which rules stood in the way.
#[derive(Debug, Parser)]
#[command(name = "maatpact", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a case file: prints every problem as file:row:column and exits 2 when the input
    /// cannot be used
    Validate(ValidateArgs),
    /// Mine frequent problem combinations, association rules and co-occurrence
    Mine(MineArgs),
    /// Cluster the cases to rediscover the giftige cocktails, and say how sure that is
    Cluster(ClusterCommandArgs),
    /// Screen cases against a saved model: which ones fully contain a cocktail
    Screen(ScreenArgs),
    /// Compare the cocktails of two inputs, or of two phases of one input (--by phase)
    Compare(CompareArgs),
    /// Run the pipeline on a case file (default: data-sample/cases.csv → notebooks-output/)
    Run(RunArgs),
    /// Benchmark clustering methods on synthetic data with a known truth, beside the oracle
    Bench(BenchArgs),
    /// Write seeded synthetic case records with a known truth
    Synth(SynthArgs),
    /// Write a copy with case ids replaced by keyed letter-only pseudonyms and identifier
    /// columns dropped
    Pseudonymise(PseudonymiseArgs),
    /// Check a published folder from its files alone: what an outsider can derive of every
    /// hidden or small figure; exits 1 when anything is exposed
    Audit(AuditArgs),
}

/// `maatpact audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The published folder (the output of run, mine or cluster)
    pub dir: PathBuf,
    /// A TOML config whose privacy thresholds the folder must meet (default: the built-in
    /// thresholds)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also print the attacker's interval of every hidden figure
    #[arg(long)]
    pub intervals: bool,
}

/// The loading flags shared by every command that reads case records.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// A TOML config that extends (or, with mode = "replace", replaces) the built-in
    /// vocabulary, bottleneck catalogue, cocktails and privacy thresholds
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do with problem tags that are not in the vocabulary
    #[arg(long, value_name = "error|keep", default_value = "error")]
    pub unknown_tags: UnknownTags,
    /// The decimal separator of numbers; detected from the file when not given
    #[arg(long, value_name = "comma|point")]
    pub decimal: Option<DecimalStyle>,
    /// The worksheet of an .xlsx input (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Analyse only the households whose FIELD is one of the VALUES: phase, municipality,
    /// budget_category, breakthrough_payer or executed (Dutch names too; `unknown` for not
    /// recorded). Repeat for several fields: `--where fase=1 --where gemeente=Tilburg,Dongen`.
    /// Adds to (and per field replaces) the config's [filter]; the report states it.
    /// Refused when the fields' values split the file into a group smaller than the minimum
    /// cell size (selections side by side would subtract to it). Ignored by `validate`,
    /// which checks every row
    #[arg(long = "where", value_name = "FIELD=VALUES")]
    pub selection: Vec<maatpact_core::Condition>,
}

/// `maatpact validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The case file (.csv, .tsv, .xlsx or .parquet)
    pub input: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `maatpact mine`.
#[derive(Debug, Args)]
pub struct MineArgs {
    /// The case file
    pub input: PathBuf,
    /// Minimum support: a fraction of the cases (0.05) or a number of cases (12). Never below
    /// the minimum cell size of published tables
    #[arg(long, default_value = "0.05")]
    pub min_support: String,
    /// Which itemsets to write
    #[arg(long, value_name = "all|closed|maximal", default_value = "all")]
    pub kind: String,
    /// The largest combination to write
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Only combinations that contain all of these tags
    #[arg(long, value_delimiter = ',', value_name = "TAG,...")]
    pub require: Vec<String>,
    /// Minimum confidence of an association rule
    #[arg(long, default_value_t = 0.5)]
    pub min_confidence: f64,
    /// Minimum lift of an association rule
    #[arg(long, default_value_t = 1.0)]
    pub min_lift: f64,
    /// Keep only the best K rules (by lift, then confidence)
    #[arg(long, value_name = "K")]
    pub top_k: Option<usize>,
    /// The folder for itemsets.csv, rules.csv and cooccurrence.csv
    #[arg(long, default_value = "mine-output")]
    pub out: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Clustering flags shared by `run` and `cluster`.
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// The clustering method
    #[arg(long, value_name = "kmodes|hierarchical|lca|kmeans|dbscan|gmm|coreset")]
    pub algorithm: Option<maatpact_core::ClusterAlgorithm>,
    /// The number of clusters, or auto (chosen in 2..=10 by the mean Jaccard silhouette)
    #[arg(long, default_value = "auto")]
    pub k: maatpact_core::KChoice,
    /// Random seed for clustering and bootstraps
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Bootstrap resamples for cluster stability
    #[arg(long, default_value_t = 100)]
    pub stability_resamples: usize,
}

impl ClusterArgs {
    /// The clustering parameters these flags ask for.
    pub fn params(&self) -> maatpact_core::ClusterParams {
        let defaults = maatpact_core::ClusterParams::default();
        maatpact_core::ClusterParams {
            algorithm: self.algorithm.map_or(defaults.algorithm, Into::into),
            k: self.k,
            seed: self.seed,
            bootstrap_resamples: self.stability_resamples,
            ..defaults
        }
    }
}

/// `maatpact cluster`.
#[derive(Debug, Args)]
pub struct ClusterCommandArgs {
    /// The case file
    pub input: PathBuf,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The folder for clusters.csv, k_selection.csv and model.json
    #[arg(long, default_value = "cluster-output")]
    pub out: PathBuf,
    /// A folder, apart from the output, for the files per household (assignments.csv, with
    /// case ids) and a README saying they are not for
    /// publication; without it they are not written
    #[arg(long, value_name = "DIR")]
    pub internal: Option<PathBuf>,
    /// Also ask of each reference cocktail of the config whether the data confirm it,
    /// nuance it (a tag added or dropped) or do not support it, and which new cocktails
    /// they support beyond them (confirm.csv)
    #[arg(long)]
    pub confirm: bool,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `maatpact screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The case file (only its tags are used)
    pub input: PathBuf,
    /// A model.json written by `maatpact run` or `maatpact cluster`
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
    /// The CSV to write: one row per case, with case ids, so it is for the case workers and
    /// never for publication
    #[arg(long, default_value = "screen.csv")]
    pub out: PathBuf,
    /// Flag a case when its score reaches this: the posterior probability of its most
    /// probable cocktail (models from `run` or `cluster`), or the share of the cocktail's
    /// problems present (models without class profiles)
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// The language of the explanation column
    #[arg(long, value_name = "nl|en", default_value = "nl")]
    pub lang: maatpact_pipeline::render::format::Lang,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `maatpact compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier input (or the only input, with --by phase)
    pub base: PathBuf,
    /// The later input
    #[arg(required_unless_present = "by")]
    pub new: Option<PathBuf>,
    /// Compare the first and last values of this column inside one input
    #[arg(long, value_name = "phase")]
    pub by: Option<String>,
    /// The folder for compare.csv, compare.html and the chart
    #[arg(long, default_value = "compare-output")]
    pub out: PathBuf,
    /// The report language
    #[arg(long, value_name = "nl|en", default_value = "nl")]
    pub lang: maatpact_pipeline::render::format::Lang,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// `maatpact run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The case file
    #[arg(default_value = "data-sample/cases.csv")]
    pub input: PathBuf,
    /// The output folder; replaced as a whole when the run succeeds
    #[arg(long, default_value = "notebooks-output")]
    pub out: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The report language
    #[arg(long, value_name = "nl|en", default_value = "nl")]
    pub lang: maatpact_pipeline::render::format::Lang,
    /// How a case with several bottlenecks counts: in full in each (count) or divided (split)
    #[arg(long, value_name = "count|split", default_value = "count")]
    pub attribution: maatpact_pipeline::Attribution,
    /// Minimum support of the mined combinations (never below the minimum cell size)
    #[arg(long, default_value = "0.05")]
    pub min_support: f64,
    /// Bootstrap resamples for the confidence intervals of mean savings
    #[arg(long, default_value_t = 1000)]
    pub bootstrap_resamples: usize,
    /// Allow a config whose disclosure thresholds are weaker than the defaults
    #[arg(long)]
    pub allow_weak_disclosure: bool,
    /// A folder, apart from the output, for the files per household (assignments.csv with
    /// case ids, data-quality findings per row) and a README saying they are not for
    /// publication; without it they are not written
    #[arg(long, value_name = "DIR")]
    pub internal: Option<PathBuf>,
    /// Test each reference cocktail of the config (confirmed, nuanced or not supported:
    /// confirm.csv and a section of the report) also above 10,000 households; up to 10,000
    /// it is always done
    #[arg(long)]
    pub confirm: bool,
    /// Count the savings over this many years (1 to 30), discounted: an outlook beside the
    /// 12-month KBA, which assumes the year's savings recur (outlook.csv, a report section)
    #[arg(long, value_name = "YEARS", default_value_t = 1)]
    pub horizon: u32,
    /// The real discount rate in percent per year for --horizon (the Dutch MKBA rate)
    #[arg(long, value_name = "PERCENT", default_value_t = 2.25)]
    pub discount_rate: f64,
    /// Scale each cocktail's share and savings to a region of this many households (seed
    /// 001: 2600), as a scenario that is labelled as such (scenario_region.csv, a report
    /// section)
    #[arg(long, value_name = "N")]
    pub region_households: Option<u64>,
    /// Print only a short summary
    #[arg(long)]
    pub quiet: bool,
    /// Print the seconds each stage took, to stderr
    #[arg(long)]
    pub timings: bool,
}

/// `maatpact bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Numbers of cases
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "30,51,120,300,1000,10000"
    )]
    pub sizes: Vec<usize>,
    /// Methods: all, or a list of kmodes, hierarchical, lca, kmeans, dbscan, gmm, coreset
    #[arg(long, value_delimiter = ',', default_value = "all")]
    pub algorithms: Vec<String>,
    /// Generators: maatpact (at each --noise level), noise, or the variants skewed, keep08,
    /// noise20, overlap, random6, no-replacement; `variants` for all six
    #[arg(long, value_delimiter = ',', default_value = "maatpact")]
    pub preset: Vec<String>,
    /// Noise levels of the maatpact preset: fractions of cases without a cocktail; 1 is the
    /// noise preset
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.3,1")]
    pub noise: Vec<f64>,
    /// Repeats per cell, each on its own data
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Base seed
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Planted cocktails (the four references first)
    #[arg(long, default_value_t = 4)]
    pub cocktails: usize,
    /// Extra generic background tags
    #[arg(long, default_value_t = 0)]
    pub extra_tags: usize,
    /// The number of clusters, or auto
    #[arg(long, default_value = "auto")]
    pub k: maatpact_core::KChoice,
    /// Bootstrap resamples for stability (0 skips it)
    #[arg(long, default_value_t = 0)]
    pub stability_resamples: usize,
    /// Cases the true_model row is fitted on: other cases of the same generator (0 skips it)
    #[arg(long, default_value_t = 200_000)]
    pub true_model_cases: usize,
    /// Measure `screen` instead: fit a model on a programme of each --sizes, screen
    /// --screen-cases households of another programme of the same generator, and write
    /// precision and recall per threshold and a calibration table against the planted truth
    /// (screen_calibration.csv, .md)
    #[arg(long)]
    pub screen: bool,
    /// Households screened per repeat with --screen
    #[arg(long, default_value_t = 2000)]
    pub screen_cases: usize,
    /// The output folder for bench.csv, bench.md and charts
    #[arg(long, default_value = "bench-output")]
    pub out: PathBuf,
    /// No progress lines
    #[arg(long)]
    pub quiet: bool,
}

/// `maatpact synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// maatpact (planted cocktails, Hart van Brabant), maastricht (30 families, 20 KBAs),
    /// noise (no structure), or a generator not designed with our clustering: skewed,
    /// keep08, noise20, overlap, random6 or no-replacement
    #[arg(long, default_value = "maatpact")]
    pub preset: maatpact_core::Preset,
    /// Number of cases (default: the preset's own)
    #[arg(long)]
    pub cases: Option<usize>,
    /// Random seed; the same arguments always give the same bytes
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Additional generic tags beyond the vocabulary, as background noise
    #[arg(long, default_value_t = 0)]
    pub extra_tags: usize,
    /// Write Dutch-Excel style: `;`, decimal comma, € signs, Dutch headers
    #[arg(long)]
    pub dutch: bool,
    /// The output file (.csv or .parquet)
    #[arg(long)]
    pub out: PathBuf,
    /// A config whose vocabulary and cocktails to use
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `maatpact pseudonymise`.
///
/// Each case id becomes `P-` and 16 letters (an HMAC-SHA256 of the id under the key, e.g.
/// `P-kqbtrgmdhsflpcnj`). The pseudonyms hold no digits, so they can never look like a BSN,
/// a date or an amount, and the copy passes `maatpact validate`. Columns that name a person
/// (name, BSN, address, birth date, e-mail, phone) are dropped, and a BSN in any other cell
/// is replaced by `[BSN verwijderd]`. The same key gives the same pseudonyms, so files of
/// later phases can be linked; keep the key apart from the data.
#[derive(Debug, Args)]
pub struct PseudonymiseArgs {
    /// The file with identifiers
    pub input: PathBuf,
    /// A file holding the secret key (at least 16 bytes); keep it apart from the data
    #[arg(long, value_name = "KEY")]
    pub key_file: PathBuf,
    /// The pseudonymised copy to write (CSV); never the input itself
    #[arg(long, value_name = "OUTPUT")]
    pub out: PathBuf,
    /// The worksheet of an .xlsx input (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
