//! End-to-end tests of [`cluster`] on planted and noise data.

use super::testdata::{self, NOISE};
use super::*;
use ndarray::Array2;

fn recovered(result: &ClusterResult, references: &[ReferenceCocktail]) -> usize {
    references
        .iter()
        .filter(|r| result.profiles.iter().any(|p| p.defining_tags == r.tags))
        .count()
}

#[test]
fn explore_em_from_truth() {
    for n in [100000usize] {
        for seed in [1u64] {
            let data = testdata::planted(n, seed);
            let oracle = oracle_labels(&data.matrix, &data.truth);
            let oracle_ari = adjusted_rand_index(&oracle, &data.truth);
            let profiles = data.matrix.profiles();
            let units = Units {
                rows: &profiles.matrix,
                weights: &profiles.counts,
            };
            let per_case = |l: &[usize]| -> Vec<usize> {
                profiles.profile_of_case.iter().map(|&p| l[p]).collect()
            };
            let unit_tags: Vec<Vec<usize>> = (0..units.len())
                .map(|u| units.rows.tags_of(u).iter().map(|t| t.index()).collect())
                .collect();
            // truth-fitted model
            let n_tags = data.matrix.n_tags();
            let mut size = vec![0usize; 5];
            let mut counts = vec![vec![0usize; n_tags]; 5];
            for (c, &t) in data.truth.iter().enumerate() {
                size[t] += 1;
                add_row(&mut counts[t], data.matrix.row(c), 1);
            }
            let model = lca::LatentClassModel {
                shares: size.iter().map(|&s| s as f64 / n as f64).collect(),
                tag_probabilities: (0..5)
                    .map(|c| {
                        (0..n_tags)
                            .map(|t| ((counts[c][t] as f64 + 1.0) / (size[c] as f64 + 2.0)))
                            .collect()
                    })
                    .collect(),
            };
            let (_, post0, ll0) = {
                let (p, l) = model.posteriors(&unit_tags, units.weights);
                (0, p, l)
            };
            let argmax = |post: &Array2<f64>| -> Vec<usize> {
                (0..post.nrows())
                    .map(|u| {
                        let r = post.row(u);
                        let mut b = 0;
                        for c in 1..r.len() {
                            if r[c] > r[b] {
                                b = c;
                            }
                        }
                        b
                    })
                    .collect()
            };
            let (_, post, ll) = lca::em(&units, &unit_tags, model, 1000);
            let params = ClusterParams::default();
            let (_, post_fit, ll_fit) = lca::fit_model(&units, 5, &params, seed);
            let (fitted, _, _) = lca::fit_model(&units, 5, &params, seed);
            let names: Vec<String> = (0..n_tags)
                .map(|t| {
                    data.config
                        .vocabulary
                        .id(crate::case::TagId(t as u32))
                        .chars()
                        .take(6)
                        .collect()
                })
                .collect();
            eprintln!("{}", names.join(" "));
            let (truth_model, _, _) = (
                lca::LatentClassModel {
                    shares: size.iter().map(|&s| s as f64 / n as f64).collect(),
                    tag_probabilities: (0..5)
                        .map(|c| {
                            (0..n_tags)
                                .map(|t| ((counts[c][t] as f64 + 1.0) / (size[c] as f64 + 2.0)))
                                .collect()
                        })
                        .collect(),
                },
                0,
                0,
            );
            for (label, m) in [("truth", &truth_model), ("mle", &fitted)] {
                for c in 0..5 {
                    eprintln!(
                        "{label} {:.3} | {}",
                        m.shares[c],
                        m.tag_probabilities[c]
                            .iter()
                            .map(|p| format!("{:6.3}", p))
                            .collect::<Vec<_>>()
                            .join(" ")
                    );
                }
            }
            eprintln!(
                "n={n} seed={seed} oracle={oracle_ari:.3} ll_truth={ll0:.1} ari_truthmodel={:.3} | em_from_truth ll={ll:.1} ari={:.3} | fitted ll={ll_fit:.1} ari={:.3}",
                adjusted_rand_index(&per_case(&argmax(&post0)), &data.truth),
                adjusted_rand_index(&per_case(&argmax(&post)), &data.truth),
                adjusted_rand_index(&per_case(&argmax(&post_fit)), &data.truth)
            );
        }
    }
}
