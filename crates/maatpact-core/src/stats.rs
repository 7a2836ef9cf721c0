//! Statistical helpers for the significance of problem combinations: the log-gamma function,
//! the one-sided Fisher exact test, the binomial upper tail and Holm's correction.
//!
//! The point probabilities follow Catherine Loader's saddle-point method ("Fast and accurate
//! computation of binomial probabilities", 2000), as R's `dbinom` and `dhyper` do: the log of a
//! binomial probability is computed from the Stirling-formula error term and a deviance term,
//! without the cancellation of `ln Γ(n + 1) − ln Γ(k + 1) − …` at a million cases. Tails are
//! summed term by term from the largest term outwards with exact ratio recurrences, and stop
//! once the rest is provably below 1e-17 of the sum (both distributions are log-concave, so
//! the rest is bounded by a geometric series). A tail too small for an `f64` is returned as 0.

/// The natural logarithm of the gamma function, `ln Γ(x)`, for `x > 0`.
///
/// Returns `+∞` at 0 and NaN for negative or NaN input. Lanczos' approximation (g = 7, nine
/// coefficients), accurate to about 1e-15 relative to `ln Γ(x)` or, near its roots 1 and 2, to
/// about 1e-15 absolute.
///
/// ```
/// let ln_sqrt_pi = 0.5 * std::f64::consts::PI.ln();
/// assert!((maatpact_core::ln_gamma(0.5) - ln_sqrt_pi).abs() < 1e-14);
/// ```
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Reflection keeps Lanczos in its accurate range: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let z = x - 1.0;
    let mut series = COEFFICIENTS[0];
    for (i, &c) in COEFFICIENTS.iter().enumerate().skip(1) {
        series += c / (z + i as f64);
    }
    let t = z + G + 0.5;
    LN_SQRT_2PI + (z + 0.5) * t.ln() - t + series.ln()
}

/// One-sided Fisher exact test ("greater") of the 2×2 table `[[both, only_first],
/// [only_second, neither]]`: the probability, under independence with the margins fixed, of
/// at least `both` cases with both properties.
///
/// A small value means the two properties occur together more often than chance predicts.
/// This is `scipy.stats.fisher_exact(table, alternative="greater")` and R's
/// `fisher.test(table, alternative = "greater")`.
///
/// ```
/// // Fisher's tea-tasting table: 17/70.
/// let p = maatpact_core::fisher_exact_greater(3, 1, 1, 3);
/// assert!((p - 17.0 / 70.0).abs() < 1e-13);
/// ```
pub fn fisher_exact_greater(both: u64, only_first: u64, only_second: u64, neither: u64) -> f64 {
    let total = (both + only_first + only_second + neither) as f64;
    let first = (both + only_first) as f64;
    let second = (both + only_second) as f64;
    let not_first = total - first;
    let lowest = (second - not_first).max(0.0);
    let highest = first.min(second);
    let observed = both as f64;
    if observed <= lowest {
        return 1.0;
    }
    // The hypergeometric law of the number of cases with both, drawing `second` cases out of
    // `total` of which `first` have the first property.
    let ln_pmf = |x: f64| ln_hypergeometric_pmf(x, first, not_first, second);
    let up_ratio =
        |x: f64| (first - x) * (second - x) / ((x + 1.0) * (not_first - second + x + 1.0));
    let down_ratio =
        |x: f64| x * (not_first - second + x) / ((first - x + 1.0) * (second - x + 1.0));
    let mode = ((first + 1.0) * (second + 1.0) / (total + 2.0)).floor();
    upper_tail(
        observed, lowest, highest, mode, ln_pmf, up_ratio, down_ratio,
    )
}

/// The binomial upper tail `P(X ≥ successes)` for `X ~ Binomial(trials, probability)`.
///
/// `probability` is clamped to `[0, 1]`. This is R's
/// `pbinom(successes - 1, trials, probability, lower.tail = FALSE)`.
///
/// ```
/// // At least 3 heads in 10 fair tosses: 1 − (1 + 10 + 45) / 1024.
/// assert!((maatpact_core::binomial_upper_tail(3, 10, 0.5) - 0.9453125).abs() < 1e-13);
/// ```
pub fn binomial_upper_tail(successes: u64, trials: u64, probability: f64) -> f64 {
    if successes == 0 {
        return 1.0;
    }
    if successes > trials {
        return 0.0;
    }
    let p = probability.clamp(0.0, 1.0);
    if p == 0.0 {
        return 0.0;
    }
    if p == 1.0 {
        return 1.0;
    }
    let q = 1.0 - p;
    let n = trials as f64;
    let ln_pmf = |x: f64| ln_binomial_pmf(x, n, p, q);
    let up_ratio = |x: f64| (n - x) / (x + 1.0) * (p / q);
    let down_ratio = |x: f64| x / (n - x + 1.0) * (q / p);
    let mode = ((n + 1.0) * p).floor().min(n);
    upper_tail(successes as f64, 0.0, n, mode, ln_pmf, up_ratio, down_ratio)
}

/// Holm's step-down correction for multiple testing (R's `p.adjust(p, "holm")`).
///
/// Returns the adjusted p-values in the order of the input. With `m` values sorted ascending,
/// the `j`-th (from 0) becomes `min(1, max over i ≤ j of (m − i) · p_(i))`. It controls the
/// family-wise error rate under any dependence between the tests. Ties get equal adjusted
/// values, so the result does not depend on how ties are ordered.
///
/// ```
/// let adjusted = maatpact_core::holm_adjust(&[0.01, 0.04, 0.03, 0.005]);
/// let expected = [0.03, 0.06, 0.06, 0.02];
/// assert!(adjusted.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15));
/// ```
pub fn holm_adjust(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running_max: f64 = 0.0;
    for (rank, &index) in order.iter().enumerate() {
        let scaled = ((m - rank) as f64 * p_values[index]).min(1.0);
        running_max = running_max.max(scaled);
        adjusted[index] = running_max;
    }
    adjusted
}

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// `P(X ≥ observed)` for a log-concave law on the integers `lowest..=highest` with the given
/// mode, log point probability and ratio recurrences `p(x + 1) / p(x)` and `p(x − 1) / p(x)`.
fn upper_tail(
    observed: f64,
    lowest: f64,
    highest: f64,
    mode: f64,
    ln_pmf: impl Fn(f64) -> f64,
    up_ratio: impl Fn(f64) -> f64,
    down_ratio: impl Fn(f64) -> f64,
) -> f64 {
    if observed <= lowest {
        return 1.0;
    }
    if observed > highest {
        return 0.0;
    }
    if observed > mode {
        // The upper tail starts at its largest term: sum it directly.
        sum_from_largest(observed, highest, 1.0, ln_pmf, up_ratio).min(1.0)
    } else {
        // The lower tail below `observed` is the small side: sum it and complement.
        let lower = sum_from_largest(observed - 1.0, lowest, -1.0, ln_pmf, down_ratio);
        (1.0 - lower).clamp(0.0, 1.0)
    }
}

/// Sums `p(start) + p(start + step) + …` up to `end`, where the terms decrease away from
/// `start`; stops once the geometric bound on the rest is below 1e-17 of the sum.
fn sum_from_largest(
    start: f64,
    end: f64,
    step: f64,
    ln_pmf: impl Fn(f64) -> f64,
    ratio: impl Fn(f64) -> f64,
) -> f64 {
    let mut term = ln_pmf(start).exp();
    let mut sum = term;
    let mut x = start;
    while term > 0.0 && x != end {
        let r = ratio(x);
        if r < 1.0 && term * r / (1.0 - r) <= sum * 1e-17 {
            break;
        }
        term *= r;
        sum += term;
        x += step;
    }
    sum
}

/// `ln P(X = x)` for `X ~ Binomial(n, p)`, with `q = 1 − p` given separately for precision
/// (Loader's `dbinom_raw`).
fn ln_binomial_pmf(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if x == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        if n == 0.0 {
            return 0.0;
        }
        return if p < 0.1 {
            -deviance_term(n, n * q) - n * p
        } else {
            n * q.ln()
        };
    }
    if x == n {
        return if q < 0.1 {
            -deviance_term(n, n * p) - n * q
        } else {
            n * p.ln()
        };
    }
    let ln_core = stirling_error(n)
        - stirling_error(x)
        - stirling_error(n - x)
        - deviance_term(x, n * p)
        - deviance_term(n - x, n * q);
    let ln_scale = LN_2PI + x.ln() + (-x / n).ln_1p();
    ln_core - 0.5 * ln_scale
}

/// `ln P(X = x)` for the number `x` of white balls among `drawn` balls drawn without
/// replacement from `white` white and `black` black ones (Loader's form, as R's `dhyper`).
fn ln_hypergeometric_pmf(x: f64, white: f64, black: f64, drawn: f64) -> f64 {
    let total = white + black;
    if x < 0.0 || x > white || drawn - x < 0.0 || drawn - x > black {
        return f64::NEG_INFINITY;
    }
    if drawn == 0.0 {
        return 0.0;
    }
    let p = drawn / total;
    let q = (total - drawn) / total;
    ln_binomial_pmf(x, white, p, q) + ln_binomial_pmf(drawn - x, black, p, q)
        - ln_binomial_pmf(drawn, total, p, q)
}

/// `ln n! − ln(√(2πn) (n/e)^n)`, the error of Stirling's formula, for `n ≥ 0`.
fn stirling_error(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        if n == 0.0 {
            return 0.0;
        }
        return ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// `x ln(x / np) + np − x`, computed without cancellation when `x` is close to `np`.
fn deviance_term(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let v = (x - np) / (x + np);
        let v2 = v * v;
        let mut sum = (x - np) * v;
        let mut power = 2.0 * x * v;
        for j in 1..1000 {
            power *= v2;
            let next = sum + power / (2 * j + 1) as f64;
            if next == sum {
                return next;
            }
            sum = next;
        }
        sum
    } else {
        x * (x / np).ln() + np - x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from mpmath at 60 digits (exact sums of point probabilities).
    const FISHER_CASES: [([u64; 4], f64); 10] = [
        ([3, 1, 1, 3], 0.242_857_142_857_142_85),
        ([10, 2, 3, 15], 0.000_465_180_943_362_905_03),
        ([0, 5, 5, 0], 1.0),
        ([5, 0, 0, 5], 0.003_968_253_968_253_968),
        ([300, 1700, 4700, 93300], 4.432_989_272_702_076e-65),
        ([80, 1920, 4920, 93080], 0.985_482_384_217_084_6),
        ([100, 1900, 4900, 93100], 0.514_718_668_370_129_9),
        ([1, 0, 0, 0], 1.0),
        ([2, 8, 3, 987], 0.000_886_533_533_203_775_5),
        ([2600, 47400, 47400, 902600], 0.018_521_337_819_327_542),
    ];

    const BINOMIAL_CASES: [((u64, u64, f64), f64); 10] = [
        ((3, 10, 0.5), 0.945_312_5),
        ((0, 10, 0.3), 1.0),
        ((5, 20, 0.1), 0.043_174_495_284_463_39),
        ((20, 20, 0.9), 0.121_576_654_590_569_35),
        ((1, 1, 0.25), 0.25),
        ((300, 10_000, 0.02), 1.617_878_396_726_81e-11),
        ((130, 1_000_000, 1e-4), 0.002_281_008_846_243_201_5),
        ((100, 1_000_000, 1e-4), 0.513_300_791_444_927_5),
        ((10_500, 1_000_000, 0.01), 3.158_565_879_247_263e-7),
        ((11, 10, 0.3), 0.0),
    ];

    const LN_GAMMA_CASES: [(f64, f64); 13] = [
        (0.5, 0.572_364_942_924_700_1),
        (1.0, 0.0),
        (1.5, -0.120_782_237_635_245_22),
        (2.0, 0.0),
        (3.0, std::f64::consts::LN_2),
        (10.0, 12.801_827_480_081_469),
        (100.0, 359.134_205_369_575_4),
        (0.1, 2.252_712_651_734_206),
        (1e-3, 6.907_178_885_383_853),
        (33.3, 82.603_723_581_654_95),
        (1000.5, 5_908.674_175_848_678),
        (1_000_001.0, 12_815_518.384_658_169),
        (1e7, 151_180_949.369_473_9),
    ];

    fn assert_close(actual: f64, expected: f64, relative: f64, what: &str) {
        let tolerance = relative * expected.abs().max(f64::MIN_POSITIVE);
        assert!(
            (actual - expected).abs() <= tolerance,
            "{what}: got {actual:e}, expected {expected:e}"
        );
    }

    #[test]
    fn ln_gamma_matches_reference_values() {
        for (x, expected) in LN_GAMMA_CASES {
            let tolerance = 2e-15 * expected.abs().max(1.0);
            let actual = ln_gamma(x);
            assert!(
                (actual - expected).abs() <= tolerance,
                "ln_gamma({x}) = {actual}"
            );
        }
        assert_eq!(ln_gamma(0.0), f64::INFINITY);
        assert!(ln_gamma(-1.0).is_nan());
    }

    #[test]
    fn fisher_matches_reference_values() {
        for (table, expected) in FISHER_CASES {
            let [a, b, c, d] = table;
            let p = fisher_exact_greater(a, b, c, d);
            assert_close(p, expected, 1e-12, &format!("fisher {table:?}"));
        }
        // A table too extreme for an f64 underflows to 0 rather than going wrong.
        assert_eq!(fisher_exact_greater(12_000, 8_000, 28_000, 952_000), 0.0);
        assert_eq!(fisher_exact_greater(0, 0, 0, 0), 1.0);
    }

    #[test]
    fn binomial_tail_matches_reference_values() {
        for ((k, n, p), expected) in BINOMIAL_CASES {
            let tail = binomial_upper_tail(k, n, p);
            assert_close(tail, expected, 1e-12, &format!("binomial ({k}, {n}, {p})"));
        }
        assert_eq!(binomial_upper_tail(1_000, 100_000, 0.0005), 0.0);
        assert_eq!(binomial_upper_tail(1, 5, 0.0), 0.0);
        assert_eq!(binomial_upper_tail(5, 5, 1.0), 1.0);
    }

    #[test]
    fn binomial_tail_agrees_with_exact_small_sums() {
        // Exhaustive small cases against a direct sum of C(n, x) p^x q^(n − x).
        for n in 0..=30u64 {
            for p in [0.01f64, 0.2, 0.5, 0.77, 0.99] {
                for k in 0..=n + 1 {
                    let exact: f64 = (k..=n)
                        .map(|x| {
                            let ln_choose = ln_gamma(n as f64 + 1.0)
                                - ln_gamma(x as f64 + 1.0)
                                - ln_gamma((n - x) as f64 + 1.0);
                            (ln_choose + x as f64 * p.ln() + (n - x) as f64 * (1.0 - p).ln()).exp()
                        })
                        .sum();
                    let tail = binomial_upper_tail(k, n, p);
                    assert!(
                        (tail - exact).abs() <= 1e-12 * exact.max(1e-300) + 1e-15,
                        "P(X >= {k} | n = {n}, p = {p}) = {tail}, direct sum {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn fisher_agrees_with_exact_small_sums() {
        // Every table with a total of 12 against the hypergeometric sum in exact integers.
        let choose = |n: u64, k: u64| -> f64 {
            if k > n {
                return 0.0;
            }
            (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
        };
        let total = 12;
        for a in 0..=total {
            for b in 0..=total - a {
                for c in 0..=total - a - b {
                    let d = total - a - b - c;
                    let (first, second) = (a + b, a + c);
                    let exact: f64 = (a..=first.min(second))
                        .map(|x| choose(first, x) * choose(total - first, second - x))
                        .sum::<f64>()
                        / choose(total, second);
                    let p = fisher_exact_greater(a, b, c, d);
                    assert!(
                        (p - exact).abs() <= 1e-13,
                        "table {:?}: {p} vs {exact}",
                        [a, b, c, d]
                    );
                }
            }
        }
    }

    #[test]
    fn holm_matches_p_adjust() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5, 0.04), "holm")
        let adjusted = holm_adjust(&[0.01, 0.04, 0.03, 0.005, 0.5, 0.04]);
        let expected = [0.05, 0.12, 0.12, 0.03, 0.5, 0.12];
        for (a, e) in adjusted.iter().zip(expected) {
            assert_close(*a, e, 1e-14, "holm");
        }
        assert_eq!(holm_adjust(&[0.9, 0.8]), vec![1.0, 1.0]);
        assert!(holm_adjust(&[]).is_empty());
    }
}
