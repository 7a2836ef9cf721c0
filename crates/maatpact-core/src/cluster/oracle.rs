//! The oracle: the best any unsupervised method could do on planted data.

use crate::tag_matrix::TagMatrix;

/// Assigns each case to its most probable true class under a model fitted with the true
/// labels: one independent Bernoulli per class and tag (Laplace-smoothed prevalence
/// `(count + 1) / (n_class + 2)`), class priors equal to the class shares. Returns labels in
/// the numbering of `true_labels`; ties go to the lowest class.
///
/// No unsupervised method can be expected to beat this on data drawn from such a model, so
/// its adjusted Rand index against the truth is the ceiling to compare methods with.
///
/// # Panics
/// When `true_labels` does not have one label per case.
pub fn oracle_labels(matrix: &TagMatrix, true_labels: &[usize]) -> Vec<usize> {
    assert_eq!(
        true_labels.len(),
        matrix.n_cases(),
        "one true label per case"
    );
    let n_classes = true_labels.iter().max().map_or(0, |&m| m + 1);
    let n_tags = matrix.n_tags();
    let mut size = vec![0usize; n_classes];
    let mut counts = vec![vec![0usize; n_tags]; n_classes];
    for (case, &class) in true_labels.iter().enumerate() {
        size[class] += 1;
        super::add_row(&mut counts[class], matrix.row(case), 1);
    }
    let n = matrix.n_cases() as f64;
    // Per class: ln prior + Σ ln(1 − p), and per tag ln p − ln(1 − p).
    let mut base = vec![f64::NEG_INFINITY; n_classes];
    let mut delta = vec![vec![0.0; n_tags]; n_classes];
    for class in 0..n_classes {
        if size[class] == 0 {
            continue;
        }
        let mut value = (size[class] as f64 / n).ln();
        for tag in 0..n_tags {
            let p = (counts[class][tag] as f64 + 1.0) / (size[class] as f64 + 2.0);
            value += (1.0 - p).ln();
            delta[class][tag] = p.ln() - (1.0 - p).ln();
        }
        base[class] = value;
    }
    (0..matrix.n_cases())
        .map(|case| {
            let tags = matrix.tags_of(case);
            let mut best = (0, f64::NEG_INFINITY);
            for class in 0..n_classes {
                let score = base[class] + tags.iter().map(|t| delta[class][t.index()]).sum::<f64>();
                if score > best.1 {
                    best = (class, score);
                }
            }
            best.0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;

    #[test]
    fn each_case_goes_to_the_class_it_resembles() {
        // Class 0 carries tag 0, class 1 tag 1; the mislabelled last case has tag 0 only.
        let rows: Vec<Vec<TagId>> = vec![
            vec![TagId(0)],
            vec![TagId(0)],
            vec![TagId(0)],
            vec![TagId(1)],
            vec![TagId(1)],
            vec![TagId(0)],
        ];
        let matrix = TagMatrix::from_rows(2, rows.iter().map(Vec::as_slice));
        let truth = [0, 0, 0, 1, 1, 1];
        assert_eq!(oracle_labels(&matrix, &truth), vec![0, 0, 0, 1, 1, 0]);
    }
}
