//! The CSV files of a publication, machine-readable first: a decimal point, no thousands
//! separators, euro amounts with two decimals, a hidden figure as `.` with the reason in the
//! row's `suppressed` column. This module is the only place that names files and columns:
//! [`files`] writes them, [`read_figures`] reads them back for an audit.

use std::collections::BTreeMap;
use std::path::Path;

use maatpact_core::publication::{Attribution, LinkInput, Moment, RowFigures, RowKey, Stage};
use maatpact_core::{Cents, Disclosed, Suppression};

use super::rows::*;
use super::{MiningTables, Publication};
use crate::error::{Error, Result, io_error};

/// What a hidden figure shows.
pub const SUPPRESSED: &str = ".";

/// A table as text: headers and rows of cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given headers and no rows.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// The CSV bytes.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let to_error = |err: csv::Error| Error::Output {
            what: "table".into(),
            message: err.to_string(),
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&self.headers).map_err(to_error)?;
        for row in &self.rows {
            writer.write_record(row).map_err(to_error)?;
        }
        writer.into_inner().map_err(|err| Error::Output {
            what: "table".into(),
            message: err.to_string(),
        })
    }
}

/// An optional number with fixed decimals; empty when absent.
pub fn fixed_opt(value: Option<f64>, decimals: usize) -> String {
    value.map(|v| fixed(v, decimals)).unwrap_or_default()
}

/// A number with fixed decimals; `-0.00` is written `0.00`, infinities as `inf`.
pub fn fixed(value: f64, decimals: usize) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    }
}

/// A p-value: four decimals, or three significant digits below 0.001.
pub fn p_value(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(0.0) => "0".into(),
        Some(p) if p >= 0.001 => fixed(p, 4),
        Some(p) => format!("{p:.2e}"),
    }
}

fn shown<T>(value: &Disclosed<T>, text: impl FnOnce(&T) -> String) -> String {
    value
        .shown()
        .map(text)
        .unwrap_or_else(|| SUPPRESSED.to_owned())
}

/// The `suppressed` column: `x` for a row with a hidden figure, whatever the reason. The
/// reason stays inside the publication: `small_cell` would tell an outsider that a hidden
/// count is 1 to 9, and `secondary` that it is not.
pub(crate) fn reason(suppressed: Option<Suppression>) -> String {
    suppressed
        .map(|_| HIDDEN_ROW.to_owned())
        .unwrap_or_default()
}

/// What the `suppressed` column holds for a row with a hidden figure.
pub(crate) const HIDDEN_ROW: &str = "x";

fn euros(cents: &Cents) -> String {
    cents.to_string()
}

/// Hundredths of a euro held as a float (means, medians) as euros with two decimals.
fn euros_f64(cents: f64) -> String {
    fixed(cents / 100.0, 2)
}

fn optional(value: &Option<f64>, decimals: usize) -> String {
    fixed_opt(*value, decimals)
}

/// Every file of the publication, by path within the folder.
pub fn files(publication: &Publication) -> Result<Vec<(String, Vec<u8>)>> {
    let mut tables: Vec<(&str, Table)> = Vec::new();
    if let Some(savings) = &publication.savings {
        tables.extend(savings_files(savings));
    }
    if let Some(clustering) = &publication.clustering {
        tables.push(("clusters.csv", clusters_table(&clustering.clusters)));
        tables.push(("k_selection.csv", k_table(&clustering.k_selection)));
        tables.push(("cluster_profiles.csv", profiles_table(&clustering.profiles)));
        tables.push((
            "satisfaction_per_cluster.csv",
            satisfaction_table(&clustering.satisfaction),
        ));
    }
    if let Some(mining) = &publication.mining {
        tables.extend(mining_files(mining));
    }
    if let Some(quality) = &publication.quality {
        tables.push(("data_quality.csv", quality_table(&quality.findings)));
    }
    if let Some(confirmation) = &publication.confirmation {
        tables.push(("confirm.csv", confirm_table(confirmation)));
    }
    if let Some(outlook) = &publication.outlook {
        tables.extend(outlook_files(outlook));
    }
    tables
        .into_iter()
        .map(|(name, table)| Ok((name.to_owned(), table.to_csv()?)))
        .collect()
}

/// The columns of every savings table after its key columns.
const SAVINGS_COLUMNS: [&str; 16] = [
    "n_cases",
    "n_with_kba",
    "cost_current_total",
    "cost_threatened_total",
    "cost_tailored_total",
    "savings_total",
    "savings_vs_current_total",
    "savings_mean",
    "savings_median",
    "savings_ci_low",
    "savings_ci_high",
    "breakthrough_spend_total",
    "return_per_euro",
    "satisfaction_change_mean",
    "suppressed",
    "attribution",
];

/// The savings tables: file name, key columns, rows, and whether each household is in
/// exactly one row.
fn savings_layout(
    s: &SavingsTables,
) -> Vec<(&'static str, &'static [&'static str], &[SavingsRow], bool)> {
    vec![
        (
            "savings_overall.csv",
            &["scope"],
            std::slice::from_ref(&s.overall),
            true,
        ),
        (
            "savings_per_cluster.csv",
            &["cluster", "defining_tags"],
            &s.per_cluster,
            true,
        ),
        (
            "savings_per_cluster_phase.csv",
            &["cluster", "defining_tags", "phase"],
            &s.per_cluster_phase,
            true,
        ),
        ("savings_per_phase.csv", &["phase"], &s.per_phase, true),
        (
            "savings_per_municipality.csv",
            &["municipality"],
            &s.per_municipality,
            true,
        ),
        (
            "savings_per_budget_category.csv",
            &["budget_category"],
            &s.per_budget_category,
            true,
        ),
        (
            "savings_per_bottleneck.csv",
            &["bottleneck", "label_nl", "owner_level", "rule"],
            &s.per_bottleneck,
            false,
        ),
        (
            "savings_per_owner_level.csv",
            &["owner_level"],
            &s.per_owner_level,
            false,
        ),
        (
            "savings_per_tag.csv",
            &["tag", "label_nl"],
            &s.per_tag,
            false,
        ),
        (
            "savings_per_payer.csv",
            &["payer", "label_nl"],
            &s.per_payer,
            true,
        ),
        (
            "savings_per_cluster_payer.csv",
            &["cluster", "defining_tags", "payer", "label_nl"],
            &s.per_cluster_payer,
            true,
        ),
    ]
}

fn savings_files(s: &SavingsTables) -> Vec<(&'static str, Table)> {
    let attribution = match s.attribution {
        Attribution::Count => "count",
        Attribution::Split => "split",
    };
    let mut out = Vec::new();
    for (name, keys, rows, single) in savings_layout(s) {
        if rows.is_empty() && name.contains("payer") {
            // No payer recorded: the table is left out rather than all households again.
            continue;
        }
        let headers: Vec<&str> = keys.iter().copied().chain(SAVINGS_COLUMNS).collect();
        let mut table = Table::new(&headers);
        for row in rows {
            let mut cells = group_cells(&row.group);
            cells.extend(savings_cells(
                row,
                if single { "single" } else { attribution },
            ));
            table.rows.push(cells);
        }
        out.push((name, table));
    }
    if !s.per_financier.is_empty() {
        out.push((
            "savings_per_financier.csv",
            financier_table(&[], &s.per_financier),
        ));
    }
    let crosses: [(&str, &[&str], &[FinancierRow]); 4] = [
        (
            "savings_per_cluster_financier.csv",
            &["cluster", "defining_tags"],
            &s.per_cluster_financier,
        ),
        (
            "savings_per_phase_financier.csv",
            &["phase"],
            &s.per_phase_financier,
        ),
        (
            "savings_per_budget_category_financier.csv",
            &["budget_category"],
            &s.per_budget_category_financier,
        ),
        (
            "savings_per_payer_financier.csv",
            &["payer", "payer_label_nl"],
            &s.per_payer_financier,
        ),
    ];
    for (name, keys, rows) in crosses {
        if !rows.is_empty() {
            out.push((name, financier_table(keys, rows)));
        }
    }
    out.push(("funnel.csv", funnel_table(&s.funnel)));
    if !s.net_positions.is_empty() {
        out.push((
            "net_position.csv",
            net_position_table(&[], &s.net_positions),
        ));
        let mut per_cluster = net_position_table(&["cluster", "defining_tags"], &[]);
        for (name, rows) in &s.net_positions_per_cluster {
            let table = net_position_table(&[], rows);
            per_cluster.rows.extend(table.rows.into_iter().map(|row| {
                let mut cells = cluster_cells(name).to_vec();
                cells.extend(row);
                cells
            }));
        }
        out.push(("net_position_per_cluster.csv", per_cluster));
    }
    out
}

fn funnel_table(rows: &[FunnelRow]) -> Table {
    let mut table = Table::new(&[
        "phase",
        "registered",
        "with_plan",
        "with_kba",
        "executed",
        "suppressed",
    ]);
    let count = |v: &Disclosed<u64>| shown(v, u64::to_string);
    // Empty: the input does not record the stage.
    let recorded = |v: &Option<Disclosed<u64>>| v.as_ref().map(count).unwrap_or_default();
    for row in rows {
        let mut cells = group_cells(&row.group);
        cells.extend([
            count(&row.registered),
            recorded(&row.with_plan),
            count(&row.with_kba),
            recorded(&row.executed),
            reason(row.suppressed),
        ]);
        table.rows.push(cells);
    }
    table
}

fn net_position_table(keys: &[&str], rows: &[NetPositionRow]) -> Table {
    let headers: Vec<&str> = keys
        .iter()
        .copied()
        .chain([
            "party",
            "label_nl",
            "paid_total",
            "received_total",
            "net_total",
        ])
        .collect();
    let mut table = Table::new(&headers);
    let money =
        |v: &Option<Disclosed<Cents>>| v.as_ref().map_or("0.00".to_owned(), |v| shown(v, euros));
    for row in rows {
        table.rows.push(vec![
            row.party.id().to_owned(),
            row.party.label_nl().to_owned(),
            money(&row.paid),
            money(&row.received),
            shown(&row.net, euros),
        ]);
    }
    table
}

fn cluster_cells(name: &ClusterName) -> [String; 2] {
    [name.number.to_string(), name.defining_tags.join("+")]
}

fn group_cells(group: &Group) -> Vec<String> {
    match group {
        Group::Overall => vec!["all".into()],
        Group::Cluster(c) => cluster_cells(c).to_vec(),
        Group::ClusterPhase(c, p) => {
            let [number, tags] = cluster_cells(c);
            vec![number, tags, p.clone()]
        }
        Group::ClusterPayer(c, p) => {
            let mut cells = cluster_cells(c).to_vec();
            cells.extend(group_cells(&Group::Payer(*p)));
            cells
        }
        Group::Phase(v) | Group::Municipality(v) | Group::BudgetCategory(v) => vec![v.clone()],
        Group::Bottleneck(b) => vec![
            b.id.clone(),
            b.label_nl.clone(),
            b.owner_level.id().to_owned(),
            b.rule.clone(),
        ],
        Group::OwnerLevel(o) => vec![o.id().to_owned()],
        Group::Tag(t) => vec![t.id.clone(), t.label_nl.clone()],
        Group::Payer(p) => vec![
            payer_id(*p).to_owned(),
            p.map_or("Onbekend", |p| p.label_nl()).to_owned(),
        ],
    }
}

fn savings_cells(row: &SavingsRow, attribution: &str) -> Vec<String> {
    let count = |v: &Disclosed<u64>| shown(v, u64::to_string);
    let money = |v: &Disclosed<Cents>| shown(v, euros);
    let ci = |pick: fn(&(f64, f64)) -> f64| {
        shown(&row.savings_ci, |ci| {
            ci.map(|ci| euros_f64(pick(&ci))).unwrap_or_default()
        })
    };
    vec![
        count(&row.n_cases),
        count(&row.n_with_kba),
        money(&row.cost_current),
        money(&row.cost_threatened),
        money(&row.cost_tailored),
        money(&row.savings),
        shown(
            &row.cost_current
                .zip(row.cost_tailored, |current, tailored| current - tailored),
            euros,
        ),
        shown(&row.savings_mean, |v| v.map(euros_f64).unwrap_or_default()),
        shown(&row.savings_median, |v| {
            v.map(euros_f64).unwrap_or_default()
        }),
        ci(|ci| ci.0),
        ci(|ci| ci.1),
        money(&row.breakthrough_spend),
        shown(&row.return_per_euro, |v| optional(v, 2)),
        shown(&row.satisfaction_change_mean, |v| optional(v, 2)),
        reason(row.suppressed),
        attribution.to_owned(),
    ]
}

fn financier_table(keys: &[&str], rows: &[FinancierRow]) -> Table {
    let headers: Vec<&str> = keys
        .iter()
        .copied()
        .chain(["financier", "label_nl", "savings_total", "suppressed"])
        .collect();
    let mut table = Table::new(&headers);
    for row in rows {
        let mut cells: Vec<String> = row.part.iter().flat_map(group_cells).collect();
        cells.extend([
            row.financier.id().to_owned(),
            row.financier.label_nl().to_owned(),
            shown(&row.savings, euros),
            reason(row.suppressed),
        ]);
        table.rows.push(cells);
    }
    table
}

fn clusters_table(rows: &[ClusterRow]) -> Table {
    let mut table = Table::new(&[
        "cluster",
        "size",
        "defining_tags",
        "label_nl",
        "label_en",
        "reference_match",
        "reference_jaccard",
        "stability",
        "unstable",
        "silhouette",
    ]);
    for row in rows {
        let [number, tags] = cluster_cells(&row.name);
        table.rows.push(vec![
            number,
            shown(&row.size, u64::to_string),
            tags,
            row.name.label_nl.clone(),
            row.name.label_en.clone(),
            row.reference
                .as_ref()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            row.reference
                .as_ref()
                .map(|r| fixed(r.1, 3))
                .unwrap_or_default(),
            optional(&row.stability, 3),
            if row.unstable { "yes" } else { "no" }.into(),
            optional(&row.silhouette, 3),
        ]);
    }
    table
}

fn k_table(rows: &[KRow]) -> Table {
    let mut table = Table::new(&["k", "silhouette", "bic", "chosen"]);
    for row in rows {
        table.rows.push(vec![
            row.k.to_string(),
            optional(&row.silhouette, 4),
            optional(&row.bic, 2),
            if row.chosen { "yes" } else { "" }.into(),
        ]);
    }
    table
}

fn profiles_table(rows: &[ProfileRow]) -> Table {
    let mut table = Table::new(&[
        "cluster",
        "tag",
        "count",
        "prevalence",
        "lift",
        "defining",
        "suppressed",
    ]);
    for row in rows {
        table.rows.push(vec![
            row.cluster.to_string(),
            row.tag.id.clone(),
            shown(&row.count, u64::to_string),
            shown(&row.prevalence, |v| fixed(*v, 3)),
            shown(&row.lift, |v| fixed(*v, 3)),
            if row.defining { "yes" } else { "no" }.into(),
            reason(row.suppressed),
        ]);
    }
    table
}

fn satisfaction_table(rows: &[SatisfactionRow]) -> Table {
    let mut table = Table::new(&["cluster", "moment", "n", "mean", "suppressed"]);
    for row in rows {
        table.rows.push(vec![
            row.cluster.to_string(),
            row.moment.id().to_owned(),
            shown(&row.n, u64::to_string),
            shown(&row.mean, |v| optional(v, 2)),
            reason(row.suppressed),
        ]);
    }
    table
}

fn mining_files(mining: &MiningTables) -> Vec<(&'static str, Table)> {
    vec![
        ("tags.csv", tags_table(&mining.tags)),
        ("itemsets.csv", itemsets_table(&mining.itemsets)),
        ("rules.csv", rules_table(&mining.rules)),
        ("cooccurrence.csv", pairs_table(&mining.pairs)),
    ]
}

fn tags_table(rows: &[TagRow]) -> Table {
    let mut table = Table::new(&["tag", "label_nl", "n_cases", "suppressed"]);
    for row in rows {
        table.rows.push(vec![
            row.tag.id.clone(),
            row.tag.label_nl.clone(),
            shown(&row.n, u64::to_string),
            reason(row.suppressed),
        ]);
    }
    table
}

fn itemsets_table(rows: &[ItemsetRow]) -> Table {
    let mut table = Table::new(&[
        "itemset",
        "size",
        "count",
        "support",
        "lift",
        "p_value",
        "p_value_holm",
    ]);
    for row in rows {
        table.rows.push(vec![
            row.tags.join("+"),
            row.tags.len().to_string(),
            row.count.to_string(),
            fixed(row.support, 4),
            shown(&row.lift, |v| fixed(*v, 4)),
            shown(&row.p_value, |v| p_value(*v)),
            shown(&row.p_value_holm, |v| p_value(*v)),
        ]);
    }
    table
}

fn rules_table(rows: &[RuleRow]) -> Table {
    let mut table = Table::new(&[
        "antecedent",
        "consequent",
        "count",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
        "zhang",
    ]);
    for row in rows {
        table.rows.push(vec![
            row.antecedent.join("+"),
            row.consequent.join("+"),
            row.count.to_string(),
            fixed(row.support, 4),
            fixed(row.confidence, 4),
            fixed(row.lift, 4),
            fixed(row.leverage, 4),
            fixed(row.conviction, 4),
            fixed(row.zhang, 4),
        ]);
    }
    table
}

fn pairs_table(rows: &[PairRow]) -> Table {
    let mut table = Table::new(&[
        "tag_a",
        "tag_b",
        "count",
        "jaccard",
        "lift",
        "pmi",
        "suppressed",
    ]);
    for row in rows {
        table.rows.push(vec![
            row.tag_a.clone(),
            row.tag_b.clone(),
            shown(&row.count, u64::to_string),
            shown(&row.jaccard, |v| fixed(*v, 4)),
            shown(&row.lift, |v| fixed(*v, 4)),
            shown(&row.pmi, |v| optional(v, 4)),
            reason(row.suppressed),
        ]);
    }
    table
}

fn quality_table(rows: &[FindingRow]) -> Table {
    let mut table = Table::new(&["severity", "code", "n_findings", "suppressed"]);
    for row in rows {
        table.rows.push(vec![
            row.severity.to_owned(),
            row.code.to_owned(),
            shown(&row.n, u64::to_string),
            reason(row.suppressed),
        ]);
    }
    table
}

// ---- Reading a folder back, as an outsider would ----------------------------------------

/// A CSV file of a folder, by column name.
struct Read {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Read {
    fn open(dir: &Path, name: &str) -> Result<Option<Read>> {
        let path = dir.join(name);
        if !path.exists() {
            return Ok(None);
        }
        let bytes = std::fs::read(&path).map_err(io_error(&path))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let invalid = |err: csv::Error| Error::Usage(format!("{name}: {err}"));
        let headers = reader
            .headers()
            .map_err(invalid)?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(record.map_err(invalid)?.iter().map(str::to_owned).collect());
        }
        Ok(Some(Read {
            name: name.to_owned(),
            headers,
            rows,
        }))
    }

    fn get<'r>(&self, row: &'r [String], column: &str) -> Result<&'r str> {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| row.get(i))
            .map(String::as_str)
            .ok_or_else(|| Error::Usage(format!("{}: no column `{column}`", self.name)))
    }

    /// A count or amount: `None` when hidden (`.`) or empty.
    fn number(&self, row: &[String], column: &str, scale: f64) -> Result<Option<f64>> {
        let text = self.get(row, column)?;
        if text == SUPPRESSED || text.is_empty() {
            return Ok(None);
        }
        text.parse::<f64>()
            .map(|v| Some((v * scale).round()))
            .map_err(|_| {
                Error::Usage(format!(
                    "{}: `{text}` in `{column}` is not a number",
                    self.name
                ))
            })
    }

    fn cluster(&self, row: &[String]) -> Result<usize> {
        let text = self.get(row, "cluster")?;
        text.parse()
            .map_err(|_| Error::Usage(format!("{}: cluster `{text}` is not a number", self.name)))
    }
}

/// Rows gathered from several files: a figure shown in any file is known to an outsider.
#[derive(Default)]
struct Gathered {
    rows: BTreeMap<RowKey, RowFigures>,
    conflicts: Vec<String>,
}

impl Gathered {
    fn add(&mut self, key: RowKey, counts: Vec<Option<f64>>, amounts: Vec<Option<f64>>) {
        let label = key.label();
        let row = self.rows.entry(key.clone()).or_insert_with(|| RowFigures {
            key,
            counts: Vec::new(),
            amounts: Vec::new(),
            amount_primary: None,
        });
        let mut merge = |into: &mut Vec<Option<f64>>, from: Vec<Option<f64>>| {
            if into.len() < from.len() {
                into.resize(from.len(), None);
            }
            for (slot, value) in into.iter_mut().zip(from) {
                match (*slot, value) {
                    (Some(a), Some(b)) if a != b => {
                        self.conflicts.push(format!("{label}: {a} and {b}"));
                    }
                    (None, Some(b)) => *slot = Some(b),
                    _ => {}
                }
            }
        };
        merge(&mut row.counts, counts);
        merge(&mut row.amounts, amounts);
    }
}

const CENTS: f64 = 100.0;

/// How a table's row names the households it describes.
type KeyOf = fn(&Read, &[String]) -> Result<RowKey>;

fn read_savings(dir: &Path, gathered: &mut Gathered) -> Result<Option<Attribution>> {
    let mut attribution = None;
    let tables: [(&str, KeyOf); 11] = [
        ("savings_overall.csv", |_, _| Ok(RowKey::Overall)),
        ("savings_per_cluster.csv", |t, r| {
            Ok(RowKey::Cluster(t.cluster(r)?))
        }),
        ("savings_per_cluster_phase.csv", |t, r| {
            Ok(RowKey::ClusterPhase(
                t.cluster(r)?,
                t.get(r, "phase")?.to_owned(),
            ))
        }),
        ("savings_per_phase.csv", |t, r| {
            Ok(RowKey::Phase(t.get(r, "phase")?.to_owned()))
        }),
        ("savings_per_municipality.csv", |t, r| {
            Ok(RowKey::Municipality(t.get(r, "municipality")?.to_owned()))
        }),
        ("savings_per_budget_category.csv", |t, r| {
            Ok(RowKey::BudgetCategory(
                t.get(r, "budget_category")?.to_owned(),
            ))
        }),
        ("savings_per_bottleneck.csv", |t, r| {
            Ok(RowKey::Bottleneck(
                t.get(r, "bottleneck")?.to_owned(),
                t.get(r, "owner_level")?.to_owned(),
            ))
        }),
        ("savings_per_owner_level.csv", |t, r| {
            Ok(RowKey::OwnerLevel(t.get(r, "owner_level")?.to_owned()))
        }),
        ("savings_per_tag.csv", |t, r| {
            Ok(RowKey::TagSet(vec![t.get(r, "tag")?.to_owned()]))
        }),
        ("savings_per_payer.csv", |t, r| {
            Ok(RowKey::Payer(t.get(r, "payer")?.to_owned()))
        }),
        ("savings_per_cluster_payer.csv", |t, r| {
            Ok(RowKey::ClusterPayer(
                t.cluster(r)?,
                t.get(r, "payer")?.to_owned(),
            ))
        }),
    ];
    for (name, key_of) in tables {
        let Some(table) = Read::open(dir, name)? else {
            continue;
        };
        for row in &table.rows {
            let counts = ["n_cases", "n_with_kba"]
                .iter()
                .map(|c| table.number(row, c, 1.0))
                .collect::<Result<_>>()?;
            let amounts = maatpact_core::publication::SAVINGS_AMOUNTS
                .iter()
                .map(|c| table.number(row, c, CENTS))
                .collect::<Result<_>>()?;
            if table.get(row, "attribution")? == "split" {
                attribution = Some(Attribution::Split);
            } else if table.get(row, "attribution")? == "count" {
                attribution.get_or_insert(Attribution::Count);
            }
            gathered.add(key_of(&table, row)?, counts, amounts);
        }
    }
    Ok(attribution)
}

fn read_financiers(dir: &Path, gathered: &mut Gathered) -> Result<()> {
    let tables: [(&str, Option<KeyOf>); 5] = [
        ("savings_per_financier.csv", None),
        (
            "savings_per_cluster_financier.csv",
            Some(|t, r| Ok(RowKey::Cluster(t.cluster(r)?))),
        ),
        (
            "savings_per_phase_financier.csv",
            Some(|t, r| Ok(RowKey::Phase(t.get(r, "phase")?.to_owned()))),
        ),
        (
            "savings_per_budget_category_financier.csv",
            Some(|t, r| {
                Ok(RowKey::BudgetCategory(
                    t.get(r, "budget_category")?.to_owned(),
                ))
            }),
        ),
        (
            "savings_per_payer_financier.csv",
            Some(|t, r| Ok(RowKey::Payer(t.get(r, "payer")?.to_owned()))),
        ),
    ];
    for (name, part_of) in tables {
        let Some(table) = Read::open(dir, name)? else {
            continue;
        };
        for row in &table.rows {
            let financier = table.get(row, "financier")?.to_owned();
            let key = match part_of {
                Some(part_of) => RowKey::PartFinancier(Box::new(part_of(&table, row)?), financier),
                None => RowKey::Financier(financier),
            };
            let amounts = vec![table.number(row, "savings_total", CENTS)?];
            gathered.add(key, Vec::new(), amounts);
        }
    }
    Ok(())
}

/// `funnel.csv`: the registered and KBA counts are the group's own, the stages rows of
/// their own.
fn read_funnel(dir: &Path, gathered: &mut Gathered) -> Result<()> {
    let Some(table) = Read::open(dir, "funnel.csv")? else {
        return Ok(());
    };
    for row in &table.rows {
        let group = match table.get(row, "phase")? {
            "all" => RowKey::Overall,
            phase => RowKey::Phase(phase.to_owned()),
        };
        let counts = vec![
            table.number(row, "registered", 1.0)?,
            table.number(row, "with_kba", 1.0)?,
        ];
        for stage in Stage::ALL {
            if table.get(row, stage.id())?.is_empty() {
                // Not recorded in the input: no figure.
                continue;
            }
            let n = table.number(row, stage.id(), 1.0)?;
            gathered.add(
                RowKey::Funnel(Box::new(group.clone()), stage),
                vec![n],
                Vec::new(),
            );
        }
        gathered.add(group, counts, Vec::new());
    }
    Ok(())
}

/// Reads a count-only table: the key of each row and the column of its count.
fn read_counts(
    dir: &Path,
    name: &str,
    column: &str,
    key_of: impl Fn(&Read, &[String]) -> Result<RowKey>,
    gathered: &mut Gathered,
) -> Result<()> {
    let Some(table) = Read::open(dir, name)? else {
        return Ok(());
    };
    for row in &table.rows {
        let count = table.number(row, column, 1.0)?;
        gathered.add(key_of(&table, row)?, vec![count], Vec::new());
    }
    Ok(())
}

fn moment(text: &str) -> Result<Moment> {
    Moment::ALL
        .into_iter()
        .find(|m| m.id() == text)
        .ok_or_else(|| Error::Usage(format!("unknown satisfaction moment `{text}`")))
}

fn split_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = text.split('+').map(str::to_owned).collect();
    tags.sort();
    tags
}

fn read_cluster_tables(dir: &Path, gathered: &mut Gathered) -> Result<()> {
    read_counts(
        dir,
        "clusters.csv",
        "size",
        |t, r| Ok(RowKey::Cluster(t.cluster(r)?)),
        gathered,
    )?;
    read_counts(
        dir,
        "cluster_profiles.csv",
        "count",
        |t, r| {
            Ok(RowKey::ClusterTag(
                t.cluster(r)?,
                t.get(r, "tag")?.to_owned(),
            ))
        },
        gathered,
    )?;
    read_counts(
        dir,
        "satisfaction_per_cluster.csv",
        "n",
        |t, r| {
            Ok(RowKey::Satisfaction(
                t.cluster(r)?,
                moment(t.get(r, "moment")?)?,
            ))
        },
        gathered,
    )?;
    read_counts(
        dir,
        "data_quality.csv",
        "n_findings",
        |t, r| {
            Ok(RowKey::Finding(format!(
                "{}:{}",
                t.get(r, "severity")?,
                t.get(r, "code")?
            )))
        },
        gathered,
    )
}

fn read_mining_tables(dir: &Path, gathered: &mut Gathered) -> Result<()> {
    read_counts(
        dir,
        "tags.csv",
        "n_cases",
        |t, r| Ok(RowKey::TagSet(vec![t.get(r, "tag")?.to_owned()])),
        gathered,
    )?;
    read_counts(
        dir,
        "itemsets.csv",
        "count",
        |t, r| Ok(RowKey::TagSet(split_tags(t.get(r, "itemset")?))),
        gathered,
    )?;
    read_counts(
        dir,
        "cooccurrence.csv",
        "count",
        |t, r| {
            let mut tags = vec![t.get(r, "tag_a")?.to_owned(), t.get(r, "tag_b")?.to_owned()];
            tags.sort();
            Ok(RowKey::TagSet(tags))
        },
        gathered,
    )?;
    Ok(())
}

/// The counts `summary.json` shows, as rows.
fn read_summary(dir: &Path, gathered: &mut Gathered) -> Result<()> {
    let path = dir.join("summary.json");
    if !path.exists() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
    let summary: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| Error::Usage(format!("summary.json: {err}")))?;
    let count = |name: &str| summary.get(name).and_then(serde_json::Value::as_f64);
    if let Some(n) = count("n_cases") {
        gathered.add(RowKey::Overall, vec![Some(n)], Vec::new());
    }
    if let Some(n) = count("n_in_no_cluster") {
        gathered.add(RowKey::Cluster(0), vec![Some(n)], Vec::new());
    }
    if let Some(n) = count("n_warnings") {
        gathered.add(RowKey::Warnings, vec![Some(n)], Vec::new());
    }
    Ok(())
}

/// Reads every published figure of a folder, as an outsider sees it: the figures of each
/// row (hidden ones as `None`), and the attribution of its multi-membership tables. Rows
/// that two files show differently are refused.
pub fn read_figures(dir: &Path) -> Result<LinkInput> {
    let mut gathered = Gathered::default();
    let attribution = read_savings(dir, &mut gathered)?;
    read_financiers(dir, &mut gathered)?;
    read_funnel(dir, &mut gathered)?;
    read_cluster_tables(dir, &mut gathered)?;
    read_mining_tables(dir, &mut gathered)?;
    read_summary(dir, &mut gathered)?;
    if !gathered.conflicts.is_empty() {
        return Err(Error::Usage(format!(
            "the folder shows the same figure differently: {}",
            gathered.conflicts.join("; ")
        )));
    }
    if gathered.rows.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no table of maatpact",
            dir.display()
        )));
    }
    Ok(LinkInput {
        rows: gathered.rows.into_values().collect(),
        attribution: attribution.unwrap_or_default(),
        difference_primary: BTreeMap::new(),
        truth: false,
        min_cell_size: maatpact_core::PrivacyThresholds::DEFAULT.min_cell_size,
    })
}

/// The outlook's files: every figure derived from published ones (not read by the audit,
/// which reads those).
fn outlook_files(outlook: &super::OutlookTables) -> Vec<(&'static str, Table)> {
    let mut out = Vec::new();
    if let Some(programme) = &outlook.programme {
        let mut table = Table::new(&["measure", "item", "year", "value"]);
        for cost in &programme.costs {
            table.rows.push(vec![
                "programme_cost".into(),
                cost.item.clone(),
                cost.year.map(|y| y.to_string()).unwrap_or_default(),
                fixed(cost.euros, 2),
            ]);
        }
        let money = |v: &Disclosed<Cents>| shown(v, euros);
        for (measure, value) in [
            ("savings_total", money(&programme.savings)),
            (
                "breakthrough_spend_total",
                money(&programme.breakthrough_spend),
            ),
            ("programme_costs_total", euros(&programme.costs_total)),
            ("net_return", money(&programme.net)),
            (
                "return_per_euro_all_costs",
                shown(&programme.return_per_euro, |v| optional(v, 2)),
            ),
        ] {
            table
                .rows
                .push(vec![measure.into(), String::new(), String::new(), value]);
        }
        out.push(("programme_return.csv", table));
    }
    let mut table = Table::new(&[
        "group",
        "likelihood",
        "years",
        "discount_rate",
        "savings_year",
        "savings_horizon",
    ]);
    for row in &outlook.sensitivity {
        let mut cells = group_cells(&row.group);
        cells.truncate(1);
        cells.extend([
            fixed(row.likelihood, 2),
            outlook.years.to_string(),
            fixed(outlook.discount_rate, 4),
            shown(&row.savings_year, |&c| euros_f64(c)),
            shown(&row.savings_horizon, |&c| euros_f64(c)),
        ]);
        table.rows.push(cells);
    }
    out.push(("outlook.csv", table));
    if let Some(region) = &outlook.region {
        let mut table = Table::new(&[
            "cluster",
            "defining_tags",
            "region_households",
            "households",
            "households_low",
            "households_high",
            "savings",
            "savings_low",
            "savings_high",
        ]);
        for (name, scenario) in &region.rows {
            let mut cells = cluster_cells(name).to_vec();
            cells.push(region.households.to_string());
            let figures = scenario.as_ref().map(|s| {
                s.map(|s| {
                    [
                        s.households,
                        s.households_interval.0,
                        s.households_interval.1,
                        s.savings,
                        s.savings_interval.0,
                        s.savings_interval.1,
                    ]
                })
            });
            for i in 0..6 {
                let decimals = if i < 3 { 1 } else { 2 };
                cells.push(shown(&figures, |f| fixed_opt(f.map(|f| f[i]), decimals)));
            }
            table.rows.push(cells);
        }
        out.push(("scenario_region.csv", table));
    }
    out
}

/// `confirm.csv`: one row per reference cocktail (`confirmed`, `nuanced`, `not_supported`),
/// then one per new cocktail (`new`).
pub fn confirm_table(rows: &[super::rows::ConfirmedCocktail]) -> Table {
    let mut table = Table::new(&[
        "cocktail",
        "status",
        "tags",
        "added",
        "dropped",
        "evidence_nats",
        "households_needed",
    ]);
    for row in rows {
        table.rows.push(vec![
            row.cocktail.clone(),
            row.status.as_ref().map_or("new", |s| s.id()).to_owned(),
            row.tags.join("+"),
            row.added.join("+"),
            row.dropped.join("+"),
            fixed_opt(row.evidence, 1),
            row.households_needed
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ]);
    }
    table
}
