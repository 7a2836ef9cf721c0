//! Small sampling helpers on top of `rand` 0.8 (which has no distributions crate here), and
//! calendar arithmetic for start dates.

use rand::Rng;

use crate::case::Date;

/// A uniform draw in `[low, high)`.
pub(super) fn uniform(rng: &mut impl Rng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.r#gen::<f64>()
}

/// A Poisson draw by Knuth's product of uniforms: O(mean), which is fine for the small
/// means used here (the parameters cap the mean at 50).
pub(super) fn poisson(rng: &mut impl Rng, mean: f64) -> usize {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut product = rng.r#gen::<f64>();
    let mut count = 0;
    while product > limit {
        count += 1;
        product *= rng.r#gen::<f64>();
    }
    count
}

/// An index drawn with probability proportional to its weight, given the cumulative weights.
pub(super) fn weighted_index(rng: &mut impl Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let point = rng.r#gen::<f64>() * total;
    cumulative
        .partition_point(|&c| c <= point)
        .min(cumulative.len().saturating_sub(1))
}

/// Rounds to one decimal, as satisfaction scores are written.
pub(super) fn one_decimal(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Rounds euros to a multiple of `step`, as canvases estimate costs in round figures.
pub(super) fn round_euros(value: f64, step: i64) -> i64 {
    ((value / step as f64).round() as i64) * step
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub(super) fn day_number(date: Date) -> i64 {
    let year = i64::from(date.year) - i64::from(date.month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(date.month);
    let day_of_year =
        (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(date.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number (Howard Hinnant's `civil_from_days`).
pub(super) fn date_of(day_number: i64) -> Date {
    let shifted = day_number + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Date {
        year: year as i32,
        month: month as u8,
        day: day as u8,
    }
}

/// A uniform date in `first..=last`.
pub(super) fn date_between(rng: &mut impl Rng, first: Date, last: Date) -> Date {
    let from = day_number(first);
    let to = day_number(last);
    date_of(rng.gen_range(from..=to))
}

/// Months from `earlier` to `later`, counting calendar months only.
pub(super) fn months_between(earlier: Date, later: Date) -> i32 {
    (later.year - earlier.year) * 12 + i32::from(later.month) - i32::from(earlier.month)
}

/// Picks `k` distinct indices in `0..n` uniformly (partial Fisher-Yates), sorted.
pub(super) fn sample_indices(rng: &mut impl Rng, n: usize, k: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    let k = k.min(n);
    for i in 0..k {
        let j = rng.gen_range(i..n);
        all.swap(i, j);
    }
    all.truncate(k);
    all.sort_unstable();
    all
}

/// Shuffles `items` uniformly (Fisher-Yates).
pub(super) fn shuffle<T>(rng: &mut impl Rng, items: &mut [T]) {
    let n = items.len();
    for i in 0..n.saturating_sub(1) {
        let j = rng.gen_range(i..n);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;

    #[test]
    fn day_numbers_round_trip_and_match_known_dates() {
        let epoch = Date {
            year: 1970,
            month: 1,
            day: 1,
        };
        assert_eq!(day_number(epoch), 0);
        let leap_day = Date {
            year: 2020,
            month: 2,
            day: 29,
        };
        assert_eq!(day_number(leap_day), 18_321);
        for day in 17_000..19_000 {
            assert_eq!(day_number(date_of(day)), day);
        }
    }

    #[test]
    fn poisson_mean_is_close() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 20_000;
        let total: usize = (0..n).map(|_| poisson(&mut rng, 1.5)).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 1.5).abs() < 0.05, "{mean}");
        assert_eq!(poisson(&mut rng, 0.0), 0);
    }

    #[test]
    fn weighted_index_follows_the_weights() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let cumulative = [1.0, 1.0, 4.0];
        let mut counts = [0usize; 3];
        for _ in 0..8_000 {
            counts[weighted_index(&mut rng, &cumulative)] += 1;
        }
        assert_eq!(counts[1], 0, "a zero weight is never drawn");
        let share = counts[2] as f64 / 8_000.0;
        assert!((share - 0.75).abs() < 0.02, "{share}");
    }

    #[test]
    fn sampled_indices_are_distinct_and_in_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let picked = sample_indices(&mut rng, 30, 20);
        assert_eq!(picked.len(), 20);
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
        assert!(picked.iter().all(|&i| i < 30));
        assert_eq!(sample_indices(&mut rng, 3, 10), vec![0, 1, 2]);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let mut items: Vec<usize> = (0..30).collect();
        shuffle(&mut rng, &mut items);
        assert_ne!(items, (0..30).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..30).collect::<Vec<_>>());
        shuffle(&mut rng, &mut Vec::<u8>::new());
    }
}
