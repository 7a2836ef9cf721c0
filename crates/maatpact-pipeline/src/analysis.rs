//! The analysis stages as the commands run them: from validated cases to the tables that are
//! published. Shared by `maatpact mine`, `cluster` and `run`, so that each table is computed
//! in one place.

use maatpact_core::{
    Case, Config, MiningParams, RuleParams, Support, TagMatrix, Validated, Vocabulary,
    cooccurrence, mine, rule_rows, rules,
};

use crate::error::Result;
use crate::tables::{
    Table, cooccurrence_table, itemsets_table, publishable_min_count, rules_table,
};

/// The mining tables of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct MiningTables {
    /// `itemsets.csv`.
    pub itemsets: Table,
    /// `rules.csv`.
    pub rules: Table,
    /// `cooccurrence.csv`.
    pub cooccurrence: Table,
    /// The minimum count used, after raising it to the minimum cell size.
    pub min_count: usize,
    /// Whether the requested support was raised to the minimum cell size.
    pub raised_to_cell_size: bool,
}

/// The tag matrix of validated cases.
pub fn tag_matrix(cases: &[Case], vocabulary: &Vocabulary) -> TagMatrix {
    TagMatrix::from_cases(cases, vocabulary.len())
}

/// Mines itemsets, rules and co-occurrence, publishing only combinations found in at least
/// the minimum cell size of households.
pub fn mining_tables(
    matrix: &TagMatrix,
    validated: &Validated,
    config: &Config,
    mining: &MiningParams,
    rule_params: &RuleParams,
) -> Result<MiningTables> {
    let requested = mining.check()?;
    let requested_min = requested.min_count(matrix.n_cases());
    let min_count = publishable_min_count(requested_min, &config.privacy);
    let params = MiningParams {
        min_support: Support::Count(min_count),
        ..mining.clone()
    }
    .check()?;
    let rule_params = rule_params.check()?;
    let vocabulary = &validated.vocabulary;
    let result = mine(matrix, &params);
    let rule_list = rules(matrix, &params, &rule_params);
    let pairs = cooccurrence(matrix);
    Ok(MiningTables {
        itemsets: itemsets_table(&result.rows(vocabulary)),
        rules: rules_table(&rule_rows(&rule_list, vocabulary)),
        cooccurrence: cooccurrence_table(&pairs.rows(vocabulary), &config.privacy),
        min_count,
        raised_to_cell_size: min_count > requested_min,
    })
}
