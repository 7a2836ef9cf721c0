//! The files per household that only the internal folder holds (`--internal DIR`), never
//! the publication.

use maatpact_core::{Case, ClusterResult, Issue};

use crate::publish::csv::{Table, fixed};

/// `assignments.csv`: `case_id,cluster,distance`, plus `p_class_<c>` columns for latent
/// class analysis. Households in no cluster have cluster 0.
pub fn assignments(cases: &[Case], result: &ClusterResult) -> Table {
    let clustering = &result.clustering;
    let mut headers = vec![
        "case_id".to_owned(),
        "cluster".to_owned(),
        "distance".to_owned(),
    ];
    if let Some(probabilities) = &clustering.probabilities {
        headers.extend((1..=probabilities.ncols()).map(|c| format!("p_class_{c}")));
    }
    let rows = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut row = vec![
                case.case_id.clone(),
                clustering
                    .published_number(clustering.labels[i])
                    .to_string(),
                fixed(clustering.distances[i], 4),
            ];
            if let Some(probabilities) = &clustering.probabilities {
                row.extend(probabilities.row(i).iter().map(|p| fixed(*p, 4)));
            }
            row
        })
        .collect();
    Table { headers, rows }
}

/// `data_quality_rows.csv`: every finding of validation with its file, row, column and
/// (masked) value.
pub fn findings(issues: &[Issue]) -> Table {
    let mut table = Table::new(&[
        "severity", "code", "file", "row", "column", "message", "value",
    ]);
    table.rows = issues
        .iter()
        .map(|i| {
            vec![
                i.severity.name().to_owned(),
                i.code.code().to_owned(),
                i.file.clone(),
                i.row.map(|r| r.to_string()).unwrap_or_default(),
                i.column.clone().unwrap_or_default(),
                i.message.clone(),
                i.value.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table
}
