//! Agglomerative clustering with average linkage (UPGMA) over the distinct profiles, weighted
//! by their counts.
//!
//! On the cases, average linkage first merges identical cases (distance 0); from then on each
//! profile is one cluster of `count` cases, and the distance between two clusters is the mean
//! over all pairs of their cases. Running average linkage on the profiles with those counts as
//! starting sizes is therefore the same tree, minus the zero-height merges, using memory
//! quadratic in the profiles instead of the cases.
//!
//! `kodama` (the Rust port of Müllner's fastcluster) does the unweighted case, but its cluster
//! sizes always start at 1 and its float trait is sealed, so it cannot start from counts. The
//! linkage here is therefore Müllner's nearest-neighbour-chain algorithm with the weighted
//! Lance–Williams update `d(A∪B, X) = (|A| d(A,X) + |B| d(B,X)) / (|A| + |B|)`; the tests check
//! it against kodama run on the expanded cases.

use rayon::prelude::*;

use super::ground::{UnitFit, Units};
use super::params::{Dissimilarity, HierarchicalParams};
use crate::error::{Error, Result};

/// The merge tree of hierarchical clustering over the distinct profiles, in the layout of
/// SciPy's linkage matrix: leaves are `0..n_leaves` (the profiles, in
/// [`crate::Profiles`] order); step `i` creates cluster `n_leaves + i`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dendrogram {
    /// Number of leaves (distinct profiles).
    pub n_leaves: usize,
    /// How many cases each leaf stands for.
    pub leaf_weights: Vec<usize>,
    /// The merges, by increasing distance.
    pub steps: Vec<MergeStep>,
}

/// One merge of a [`Dendrogram`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MergeStep {
    /// The smaller of the two merged cluster ids.
    pub left: usize,
    /// The larger of the two merged cluster ids.
    pub right: usize,
    /// The average dissimilarity between the two clusters' cases.
    pub distance: f64,
    /// Number of cases in the new cluster.
    pub cases: usize,
}

impl Dendrogram {
    /// The cluster of each leaf when the tree is cut into `k` clusters (the first
    /// `n_leaves − k` merges), numbered by first leaf.
    pub fn cut(&self, k: usize) -> Vec<usize> {
        let n = self.n_leaves;
        let k = k.clamp(1, n.max(1));
        let mut parent: Vec<usize> = (0..2 * n).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for (i, step) in self.steps.iter().take(n - k).enumerate() {
            let new = n + i;
            let (a, b) = (find(&mut parent, step.left), find(&mut parent, step.right));
            parent[a] = new;
            parent[b] = new;
        }
        let mut label_of_root = std::collections::HashMap::new();
        (0..n)
            .map(|leaf| {
                let root = find(&mut parent, leaf);
                let next = label_of_root.len();
                *label_of_root.entry(root).or_insert(next)
            })
            .collect()
    }
}

/// Builds the tree once and cuts it at each k.
pub(super) fn fit(
    units: &Units<'_>,
    ks: &[usize],
    dissimilarity: Dissimilarity,
    params: &HierarchicalParams,
) -> Result<Vec<UnitFit>> {
    let dendrogram = linkage(units, dissimilarity, params)?;
    Ok(ks
        .iter()
        .map(|&k| {
            let labels = dendrogram.cut(k);
            let n_labels = labels.iter().max().map_or(0, |&m| m + 1);
            UnitFit {
                requested_k: k,
                labels,
                n_labels,
                probabilities: None,
                log_likelihood: None,
                noise_label: None,
                dendrogram: Some(dendrogram.clone()),
                cores: None,
            }
        })
        .collect())
}

/// Weighted average linkage over the units.
pub(crate) fn linkage(
    units: &Units<'_>,
    dissimilarity: Dissimilarity,
    params: &HierarchicalParams,
) -> Result<Dendrogram> {
    let n = units.len();
    let pairs = n.saturating_mul(n.saturating_sub(1)) / 2;
    let bytes = pairs.saturating_mul(std::mem::size_of::<f64>());
    if bytes > params.max_linkage_bytes {
        return Err(Error::Data(format!(
            "hierarchical clustering needs {:.1} GiB for the distances between {n} distinct tag \
             profiles, above the limit of {:.1} GiB (max_linkage_bytes); use kmodes or lca, \
             which scale to any number of cases",
            bytes as f64 / (1u64 << 30) as f64,
            params.max_linkage_bytes as f64 / (1u64 << 30) as f64,
        )));
    }
    let mut distances = condensed_distances(units, dissimilarity);
    let raw = nn_chain(&mut distances, n, units.weights);
    Ok(to_dendrogram(raw, n, units.weights))
}

/// Index of the pair `(i, j)`, `i < j`, in a condensed matrix of `n` points.
fn condensed_index(n: usize, i: usize, j: usize) -> usize {
    debug_assert!(i < j && j < n);
    i * n - i * (i + 1) / 2 + (j - i - 1)
}

fn condensed_distances(units: &Units<'_>, dissimilarity: Dissimilarity) -> Vec<f64> {
    let n = units.len();
    let mut distances = vec![0.0f64; n * n.saturating_sub(1) / 2];
    let mut rows: Vec<(usize, &mut [f64])> = Vec::with_capacity(n);
    let mut rest = distances.as_mut_slice();
    for i in 0..n.saturating_sub(1) {
        let (row, tail) = rest.split_at_mut(n - 1 - i);
        rows.push((i, row));
        rest = tail;
    }
    rows.into_par_iter().for_each(|(i, row)| {
        let a = units.rows.row(i);
        for (offset, slot) in row.iter_mut().enumerate() {
            *slot = dissimilarity.between(a, units.rows.row(i + 1 + offset));
        }
    });
    distances
}

/// Müllner's nearest-neighbour chain for average linkage with starting sizes `weights`.
/// Returns the merges `(slot_a, slot_b, distance)` in the order they were made; the merged
/// cluster lives on in the larger slot.
fn nn_chain(distances: &mut [f64], n: usize, weights: &[usize]) -> Vec<(usize, usize, f64)> {
    let mut size: Vec<f64> = weights.iter().map(|&w| w as f64).collect();
    let mut active = vec![true; n];
    let mut active_list: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    let distance = |d: &[f64], i: usize, j: usize| {
        if i < j {
            d[condensed_index(n, i, j)]
        } else {
            d[condensed_index(n, j, i)]
        }
    };
    while merges.len() + 1 < n {
        if chain.is_empty() {
            chain.push(active_list[0]);
        }
        let a = *chain.last().expect("chain is not empty");
        let previous = chain.len().checked_sub(2).map(|i| chain[i]);
        // Nearest active neighbour of `a`; ties prefer the previous chain element (which
        // guarantees the chain ends in a reciprocal pair), then the lowest index.
        let mut best: Option<(usize, f64)> = previous.map(|p| (p, distance(distances, a, p)));
        for &x in &active_list {
            if x == a {
                continue;
            }
            let d = distance(distances, a, x);
            match best {
                Some((b, bd)) if d > bd || (d == bd && (Some(b) == previous || b < x)) => {}
                _ => best = Some((x, d)),
            }
        }
        let (b, d) = best.expect("at least two active clusters");
        if Some(b) == previous {
            chain.pop();
            chain.pop();
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            let (size_low, size_high) = (size[low], size[high]);
            for &x in &active_list {
                if x == low || x == high {
                    continue;
                }
                let merged = (size_low * distance(distances, low, x)
                    + size_high * distance(distances, high, x))
                    / (size_low + size_high);
                let index = if x < high {
                    condensed_index(n, x, high)
                } else {
                    condensed_index(n, high, x)
                };
                distances[index] = merged;
            }
            size[high] = size_low + size_high;
            active[low] = false;
            active_list.retain(|&x| active[x]);
            merges.push((low, high, d));
        } else {
            chain.push(b);
        }
    }
    merges
}

/// Sorts the merges by distance (stable, so a merge never precedes its parts: average
/// linkage has no inversions) and gives them SciPy-style cluster ids.
fn to_dendrogram(mut raw: Vec<(usize, usize, f64)>, n: usize, weights: &[usize]) -> Dendrogram {
    raw.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut parent: Vec<usize> = (0..2 * n.max(1)).collect();
    let mut cases: Vec<usize> = weights.to_vec();
    cases.resize(2 * n.max(1), 0);
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let steps = raw
        .into_iter()
        .enumerate()
        .map(|(i, (a, b, distance))| {
            let new = n + i;
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra] = new;
            parent[rb] = new;
            cases[new] = cases[ra] + cases[rb];
            MergeStep {
                left: ra.min(rb),
                right: ra.max(rb),
                distance,
                cases: cases[new],
            }
        })
        .collect();
    Dendrogram {
        n_leaves: n,
        leaf_weights: weights.to_vec(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TagId;
    use crate::cluster::{Dissimilarity, adjusted_rand_index};
    use crate::tag_matrix::TagMatrix;

    fn matrix(rows: &[&[u32]], n_tags: usize) -> TagMatrix {
        let rows: Vec<Vec<TagId>> = rows
            .iter()
            .map(|r| r.iter().map(|&t| TagId(t)).collect())
            .collect();
        TagMatrix::from_rows(n_tags, rows.iter().map(Vec::as_slice))
    }

    /// kodama's average linkage on every case, cut at k: the reference.
    fn kodama_cut(cases: &TagMatrix, k: usize) -> (Vec<usize>, Vec<f64>) {
        let n = cases.n_cases();
        let mut condensed = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                condensed.push(Dissimilarity::Jaccard.between(cases.row(i), cases.row(j)));
            }
        }
        let tree = kodama::linkage(&mut condensed, n, kodama::Method::Average);
        let heights = tree.steps().iter().map(|s| s.dissimilarity).collect();
        let steps = tree
            .steps()
            .iter()
            .map(|s| MergeStep {
                left: s.cluster1,
                right: s.cluster2,
                distance: s.dissimilarity,
                cases: s.size,
            })
            .collect();
        let dendrogram = Dendrogram {
            n_leaves: n,
            leaf_weights: vec![1; n],
            steps,
        };
        (dendrogram.cut(k), heights)
    }

    #[test]
    fn weighted_profiles_give_kodamas_tree_on_the_cases() {
        // Profiles with several copies each; no two candidate merges tie.
        let cases = matrix(
            &[
                &[0, 1, 2],
                &[0, 1, 2],
                &[0, 1, 2],
                &[0, 1, 2, 3],
                &[0, 1, 4, 5],
                &[0, 1, 4, 5],
                &[5, 6, 7],
                &[5, 6, 7],
                &[5, 6, 7],
                &[5, 6, 7],
                &[6, 7],
                &[6, 7],
                &[2, 6, 7, 8],
                &[9, 10],
                &[9, 10, 11],
                &[9, 10, 11],
            ],
            12,
        );
        let profiles = cases.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let tree = linkage(
            &units,
            Dissimilarity::Jaccard,
            &HierarchicalParams::default(),
        )
        .unwrap();
        assert_eq!(tree.steps.len(), profiles.counts.len() - 1);
        assert_eq!(tree.steps.last().unwrap().cases, cases.n_cases());
        let (_, kodama_heights) = kodama_cut(&cases, 1);
        // kodama's tree on the cases: zero-height merges of duplicates, then ours.
        let zeros = cases.n_cases() - profiles.counts.len();
        assert!(kodama_heights[..zeros].iter().all(|&h| h == 0.0));
        for (ours, theirs) in tree.steps.iter().zip(&kodama_heights[zeros..]) {
            assert!(
                (ours.distance - theirs).abs() < 1e-12,
                "{} vs {theirs}",
                ours.distance
            );
        }
        for k in 1..=profiles.counts.len() {
            let (reference, _) = kodama_cut(&cases, k);
            let ours = tree.cut(k);
            let ours_per_case: Vec<usize> =
                profiles.profile_of_case.iter().map(|&p| ours[p]).collect();
            assert_eq!(
                adjusted_rand_index(&ours_per_case, &reference),
                1.0,
                "k = {k}"
            );
        }
    }

    #[test]
    fn too_many_profiles_are_refused_before_any_work() {
        let cases = matrix(&[&[0], &[1], &[2], &[0, 1]], 3);
        let profiles = cases.profiles();
        let units = Units {
            rows: &profiles.matrix,
            weights: &profiles.counts,
        };
        let params = HierarchicalParams {
            max_linkage_bytes: 40,
        };
        let err = linkage(&units, Dissimilarity::Jaccard, &params).unwrap_err();
        assert!(err.to_string().contains("4 distinct tag profiles"), "{err}");
    }
}
