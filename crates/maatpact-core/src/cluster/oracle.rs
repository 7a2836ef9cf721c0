//! The oracle: the best any unsupervised method could do on planted data.

use crate::tag_matrix::TagMatrix;

/// Assigns each case to its most probable true class under a model fitted with the true
/// labels on the same cases ([`BernoulliClasses::fit`], then [`BernoulliClasses::assign`]).
///
/// No unsupervised method can be expected to beat this on data drawn from such a model, so
/// its adjusted Rand index against the truth is the ceiling to compare methods with. It is a
/// generous ceiling on small samples: fitted on the very cases it is scored on, it knows
/// their labels. A model fitted on other cases from the same source (the same classifier
/// with the population's parameters) scores lower there.
///
/// # Panics
/// When `true_labels` does not have one label per case.
pub fn oracle_labels(matrix: &TagMatrix, true_labels: &[usize]) -> Vec<usize> {
    BernoulliClasses::fit(matrix, true_labels).assign(matrix)
}

/// One independent Bernoulli distribution per class and tag, fitted with known labels: the
/// model behind [`oracle_labels`].
#[derive(Clone, Debug, PartialEq)]
pub struct BernoulliClasses {
    /// Per class: `ln prior + Σ_t ln(1 − p_t)`; minus infinity for a class without cases.
    base: Vec<f64>,
    /// Per class and tag: `ln p_t − ln(1 − p_t)`.
    delta: Vec<Vec<f64>>,
}

impl BernoulliClasses {
    /// Fits the model: Laplace-smoothed prevalence `(count + 1) / (n_class + 2)` per class and
    /// tag, class priors equal to the class shares.
    ///
    /// # Panics
    /// When `labels` does not have one label per case.
    pub fn fit(matrix: &TagMatrix, labels: &[usize]) -> BernoulliClasses {
        assert_eq!(labels.len(), matrix.n_cases(), "one label per case");
        let n_classes = labels.iter().max().map_or(0, |&m| m + 1);
        let n_tags = matrix.n_tags();
        let mut size = vec![0usize; n_classes];
        let mut counts = vec![vec![0usize; n_tags]; n_classes];
        for (case, &class) in labels.iter().enumerate() {
            size[class] += 1;
            super::ground::add_row(&mut counts[class], matrix.row(case), 1);
        }
        let n = matrix.n_cases() as f64;
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
        BernoulliClasses { base, delta }
    }

    /// The most probable class of each case of `matrix`, which must have the tags the model
    /// was fitted on; ties go to the lowest class.
    ///
    /// # Panics
    /// When `matrix` has another number of tags.
    pub fn assign(&self, matrix: &TagMatrix) -> Vec<usize> {
        assert!(
            self.delta
                .first()
                .is_none_or(|d| d.len() == matrix.n_tags()),
            "the same tags as the fit"
        );
        (0..matrix.n_cases())
            .map(|case| {
                let tags = matrix.tags_of(case);
                let mut best = (0, f64::NEG_INFINITY);
                for (class, delta) in self.delta.iter().enumerate() {
                    let score =
                        self.base[class] + tags.iter().map(|t| delta[t.index()]).sum::<f64>();
                    if score > best.1 {
                        best = (class, score);
                    }
                }
                best.0
            })
            .collect()
    }
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

    #[test]
    fn a_fitted_model_assigns_other_cases() {
        let fitted_on: Vec<Vec<TagId>> = vec![vec![TagId(0)], vec![TagId(0)], vec![TagId(1)]];
        let fitted_on = TagMatrix::from_rows(2, fitted_on.iter().map(Vec::as_slice));
        let model = BernoulliClasses::fit(&fitted_on, &[0, 0, 1]);
        let others: Vec<Vec<TagId>> = vec![vec![TagId(1)], vec![TagId(0)], vec![]];
        let others = TagMatrix::from_rows(2, others.iter().map(Vec::as_slice));
        // Without tags class 0 wins: 2/3 · (1 − 3/4) · (1 − 1/4) = 0.125 against
        // 1/3 · (1 − 1/3) · (1 − 2/3) ≈ 0.074.
        assert_eq!(model.assign(&others), vec![1, 0, 0]);
    }
}
