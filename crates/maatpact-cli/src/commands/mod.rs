//! One module per subcommand, plus the loading and reporting they share.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use maatpact_core::{Config, Issue, LoadOptions, Scope, Severity};
use maatpact_pipeline::{LoadSettings, ReadOptions};

use crate::args::{Cli, Command, LoadArgs};

mod audit;
mod bench;
mod cluster;
mod compare;
mod mine;
mod pseudonymise;
mod run;
mod screen;
mod synth;
mod validate;

/// Runs one subcommand.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Cluster(args) => cluster::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Screen(args) => screen::run(args),
        Command::Mine(args) => mine::run(args),
        Command::Run(args) => run::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Pseudonymise(args) => pseudonymise::run(args),
        Command::Audit(args) => audit::run(args),
    }
}

/// The built-in config, extended or replaced by `--config FILE`.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    let config = Config::default();
    let Some(path) = path else {
        return Ok(config);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read config `{}`", path.display()))?;
    let source = path.display().to_string();
    Ok(config
        .with_overrides(&text, &source)
        .map_err(maatpact_pipeline::Error::from)?)
}

/// The loading settings of the shared flags.
pub fn load_settings(args: &LoadArgs) -> anyhow::Result<LoadSettings> {
    Ok(LoadSettings {
        config: load_config(args.config.as_deref())?,
        options: LoadOptions {
            decimal: args.decimal,
            unknown_tags: args.unknown_tags,
            scope: Scope::All,
        },
        read: ReadOptions {
            sheet: args.sheet.clone(),
        },
    })
}

/// Prints findings to stderr, errors first, each as `file:row:column: severity: message`.
pub fn print_issues(issues: &[Issue]) {
    for severity in [Severity::Error, Severity::Warning] {
        for issue in issues.iter().filter(|i| i.severity == severity) {
            eprintln!("{issue}");
        }
    }
}

/// Loads a case file for an analysis command: invalid input is refused exactly as
/// `validate` refuses it (every problem printed, exit 2), and nothing is written.
pub fn load_for_analysis(
    input: &Path,
    args: &LoadArgs,
    scope: Scope,
) -> anyhow::Result<(LoadSettings, maatpact_core::Validated)> {
    let mut settings = load_settings(args)?;
    for condition in &args.selection {
        settings.config.selection = settings.config.selection.clone().with(condition.clone());
    }
    // A selection reads its fields, which a narrower scope would leave unread.
    settings.options.scope = if settings.config.selection.is_empty() {
        scope
    } else {
        Scope::All
    };
    let validated = maatpact_pipeline::load(input, &settings)
        .with_context(|| format!("failed to read `{}`", input.display()))?;
    if validated.has_errors() {
        print_issues(&validated.issues);
        let n_errors = validated.errors().count();
        return Err(maatpact_pipeline::Error::Invalid {
            issues: validated.issues,
        })
        .with_context(|| {
            format!(
                "`{}` cannot be used: {n_errors} error(s); nothing was written",
                input.display()
            )
        });
    }
    let config = &settings.config;
    let validated =
        maatpact_pipeline::select(validated, &config.selection, config.privacy.min_cell_size)?;
    Ok((settings, validated))
}

/// Writes to standard output; a reader that stops early (`| head`) is not an error.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
