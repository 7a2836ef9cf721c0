//! The analysis stages as the commands run them, so that each is computed in one place.

use maatpact_core::{
    Case, Config, MiningParams, RuleParams, Support, TagMatrix, Vocabulary, cooccurrence, mine,
    rules,
};

use crate::error::Result;
use crate::publish::Mined;

/// The tag matrix of validated cases.
pub fn tag_matrix(cases: &[Case], vocabulary: &Vocabulary) -> TagMatrix {
    TagMatrix::from_cases(cases, vocabulary.len())
}

/// Mines itemsets, rules and co-occurrence. No combination of fewer households than the
/// minimum cell size is ever published, so the support floor is raised to it.
pub fn mine_tables(
    matrix: &TagMatrix,
    config: &Config,
    mining: &MiningParams,
    rule_params: &RuleParams,
) -> Result<Mined> {
    let requested = mining.check()?.min_count(matrix.n_cases());
    let min_count = requested.max(config.privacy.min_cell_size);
    let params = MiningParams {
        min_support: Support::Count(min_count),
        ..mining.clone()
    }
    .check()?;
    let rule_params = rule_params.check()?;
    Ok(Mined {
        result: mine(matrix, &params),
        rules: rules(matrix, &params, &rule_params),
        pairs: cooccurrence(matrix),
        min_count,
        raised_to_cell_size: min_count > requested,
    })
}
