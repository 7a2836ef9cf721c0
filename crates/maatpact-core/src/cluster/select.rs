//! Choosing k over `k_min..=k_max` (capped at the number of distinct profiles): the highest
//! mean silhouette, or the lowest BIC for the latent class model. Ties go to the smaller k.

use super::ground::{UnitFit, Units};
use super::params::{Algorithm, ClusterParams, KChoice, KCriterion, LcaParams};
use super::{KScore, fit_units, lca, metrics};
use crate::error::{Error, Result};

/// The chosen fit and the curve behind it.
pub(super) struct Selection {
    pub fit: UnitFit,
    pub scores: Vec<KScore>,
    /// Latent class analysis: the BIC of a single class (independent tags), for the verdict.
    pub single_class_bic: Option<f64>,
}

pub(super) fn choose(units: &Units<'_>, params: &ClusterParams) -> Result<Selection> {
    let single_class_bic = match &params.algorithm {
        Algorithm::Lca(own) => {
            let one_start = LcaParams { n_init: 1, ..*own };
            let fit = lca::fit(units, 1, &one_start, params.seed);
            Some(fit.bic(units).expect("lca has a likelihood"))
        }
        _ => None,
    };
    let ks: Vec<usize> = match (params.k, &params.algorithm) {
        (KChoice::Fixed(k), _) => vec![k],
        (KChoice::Auto, Algorithm::Dbscan(_) | Algorithm::CoreSet) => vec![0],
        (KChoice::Auto, _) => {
            if units.len() < 2 {
                return Err(Error::Data(
                    "every case has the same tags: there is nothing to cluster".into(),
                ));
            }
            (params.k_min..=params.k_max.min(units.len())).collect()
        }
    };
    let mut fits = fit_units(units, &ks, params, params.seed)?;
    if ks.len() == 1 {
        return Ok(Selection {
            fit: fits.pop().expect("one fit"),
            scores: Vec::new(),
            single_class_bic,
        });
    }
    let scores: Vec<KScore> = fits
        .iter()
        .map(|fit| KScore {
            k: fit.requested_k,
            silhouette: metrics::silhouette_by_cluster(units, &fit.labels, fit.n_labels, params)
                .mean,
            bic: fit.bic(units),
        })
        .collect();
    let best = if params.k_criterion == KCriterion::Bic {
        position_of_best(&scores, |s| s.bic.map(|b| -b))
    } else {
        position_of_best(&scores, |s| s.silhouette)
    };
    Ok(Selection {
        fit: fits.swap_remove(best),
        scores,
        single_class_bic,
    })
}

/// The first score with the highest value (`None` counts as lowest).
fn position_of_best(scores: &[KScore], value: impl Fn(&KScore) -> Option<f64>) -> usize {
    let mut best = 0;
    for (i, score) in scores.iter().enumerate() {
        let better = match (value(score), value(&scores[best])) {
            (Some(v), Some(b)) => v > b,
            (Some(_), None) => true,
            _ => false,
        };
        if better {
            best = i;
        }
    }
    best
}
