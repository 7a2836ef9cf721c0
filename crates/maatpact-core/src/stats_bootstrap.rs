//! The percentile bootstrap for a confidence interval of a mean.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A 95% percentile-bootstrap confidence interval for the mean of `values`: resample with
/// replacement `resamples` times (seeded), take the 2.5th and 97.5th percentiles of the
/// resampled means. `None` for fewer than two values or zero resamples.
pub fn bootstrap_mean_ci(values: &[f64], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    if values.len() < 2 || resamples == 0 {
        return None;
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| values[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    Some((percentile(&means, 0.025), percentile(&means, 0.975)))
}

/// The `q`-quantile of sorted values, by linear interpolation (type 7, as R and numpy).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_brackets_the_mean_and_is_seeded() {
        let values: Vec<f64> = (1..=50).map(f64::from).collect();
        let (low, high) = bootstrap_mean_ci(&values, 2_000, 7).unwrap();
        assert!(low < 25.5 && 25.5 < high, "{low} {high}");
        // The standard error is about 2.04, so the interval is about ±4.
        assert!((high - low - 8.0).abs() < 1.5, "{low} {high}");
        assert_eq!(bootstrap_mean_ci(&values, 2_000, 7), Some((low, high)));
        assert_eq!(bootstrap_mean_ci(&[1.0], 100, 7), None);
    }

    #[test]
    fn constant_values_give_a_point_interval() {
        assert_eq!(bootstrap_mean_ci(&[5.0; 10], 100, 1), Some((5.0, 5.0)));
    }

    #[test]
    fn percentiles_interpolate() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0);
    }
}
