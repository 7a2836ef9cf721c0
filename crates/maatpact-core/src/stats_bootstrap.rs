//! Confidence intervals of a mean: the percentile bootstrap, and the normal interval that it
//! converges to for large samples.

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

/// Above this many values [`mean_ci`] gives the normal interval instead of the bootstrap.
///
/// A percentile bootstrap costs `resamples × n` draws: 10⁹ for one table of a million cases,
/// and every published table repeats it. By then the bootstrap distribution of a mean is
/// normal to well within the rounding of a published euro amount (the central limit
/// theorem; the bootstrap's advantage is for small, skewed groups), so the normal interval
/// is used above 5,000 values.
pub const BOOTSTRAP_MAX_VALUES: usize = 5_000;

/// A 95% confidence interval for the mean of `values`: [`bootstrap_mean_ci`] for up to
/// [`BOOTSTRAP_MAX_VALUES`] values, above that [`normal_mean_ci`]. `None` for fewer than two
/// values or zero resamples.
pub fn mean_ci(values: &[f64], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    if values.len() <= BOOTSTRAP_MAX_VALUES || resamples == 0 {
        bootstrap_mean_ci(values, resamples, seed)
    } else {
        normal_mean_ci(values)
    }
}

/// The 95% normal interval of the mean, `mean ± 1.959964 s / √n` with the sample standard
/// deviation `s`. `None` for fewer than two values.
pub fn normal_mean_ci(values: &[f64]) -> Option<(f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let half_width = 1.959_963_984_540_054 * (variance / n).sqrt();
    Some((mean - half_width, mean + half_width))
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
    fn large_samples_get_the_normal_interval_which_the_bootstrap_approaches() {
        // A skewed distribution (like savings): the interval stays close to the bootstrap's
        // just below the switch, and is the normal one above it.
        let skewed = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| ((i * 7919) % 1000) as f64 * ((i % 13) as f64))
                .collect()
        };
        let below = skewed(BOOTSTRAP_MAX_VALUES);
        let (boot_low, boot_high) = mean_ci(&below, 1_000, 3).unwrap();
        let (normal_low, normal_high) = normal_mean_ci(&below).unwrap();
        let width = normal_high - normal_low;
        assert!(
            (boot_low - normal_low).abs() < 0.1 * width,
            "{boot_low} {normal_low}"
        );
        assert!(
            (boot_high - normal_high).abs() < 0.1 * width,
            "{boot_high} {normal_high}"
        );
        let above = skewed(BOOTSTRAP_MAX_VALUES + 1);
        assert_eq!(mean_ci(&above, 1_000, 3), normal_mean_ci(&above));
        // 1, 2, 3: mean 2, s = 1, half width 1.959964 / √3.
        let (low, high) = normal_mean_ci(&[1.0, 2.0, 3.0]).unwrap();
        assert!(
            (high - 2.0 - 1.959_964 / 3f64.sqrt()).abs() < 1e-6 && (low + high - 4.0).abs() < 1e-12
        );
        assert_eq!(normal_mean_ci(&[1.0]), None);
    }

    #[test]
    fn percentiles_interpolate() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0);
    }
}
