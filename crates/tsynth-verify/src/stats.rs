//! The statistics of verification: distribution summaries, the standard normal distribution,
//! exact (Clopper–Pearson) binomial confidence bounds, and the sigma level a yield estimate
//! demonstrates.
//!
//! Conventions (stated once, used everywhere):
//! - the yield interval is the two-sided 95% Clopper–Pearson interval (exact: it never
//!   covers less than 95%, unlike the normal approximation near 0% or 100%);
//! - the *demonstrated* yield is the one-sided 95% Clopper–Pearson lower bound, and the sigma
//!   level is `Φ⁻¹` of it: one-sided, without the 1.5σ shift of the "six sigma" convention.
//!   With no failure in `n` conditions the lower bound is `0.05^(1/n)` (e.g. n = 100: 97.05%,
//!   i.e. at most 2.95% failures, "the rule of three"), which is 1.89σ; demonstrating 3σ
//!   (yield ≥ Φ(3) = 99.865%) needs at least [`samples_for_sigma`]`(3.0)` = 2,218 conditions
//!   without a failure.

use serde::Serialize;

/// Confidence of every interval and bound (95%).
pub const CONFIDENCE: f64 = 0.95;

/// Summary of one metric's values over conditions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Finite values summarised.
    pub n: usize,
    /// Values that were not finite (left out of every statistic).
    pub non_finite: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1; 0 for one value).
    pub sd: f64,
    /// 5% quantile.
    pub q05: f64,
    /// Median.
    pub q50: f64,
    /// 95% quantile.
    pub q95: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Summary {
    /// Summarises `values` (NaN and infinities are counted and left out; every statistic is
    /// NaN when no value is finite). Quantiles interpolate linearly between order statistics
    /// (the usual "type 7" definition).
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let non_finite = values.len() - n;
        if n == 0 {
            return Self {
                n,
                non_finite,
                mean: f64::NAN,
                sd: f64::NAN,
                q05: f64::NAN,
                q50: f64::NAN,
                q95: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Self {
            n,
            non_finite,
            mean,
            sd,
            q05: quantile_sorted(&v, 0.05),
            q50: quantile_sorted(&v, 0.5),
            q95: quantile_sorted(&v, 0.95),
            min: v[0],
            max: v[n - 1],
        }
    }
}

/// Quantile `p` of sorted, non-empty `v` (linear interpolation between order statistics).
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    let h = (v.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    let j = (i + 1).min(v.len() - 1);
    v[i] + (h - i as f64) * (v[j] - v[i])
}

/// `erfc(x)` for `x >= 0`: the Taylor series of `erf` below 2, the continued fraction of
/// `erfc` above (relative error near 1e-14 over the range used here).
fn erfc_nonneg(x: f64) -> f64 {
    if x < 2.0 {
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        let mut term = x;
        let mut sum = x;
        let x2 = x * x;
        for n in 1..200 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        1.0 - sum * std::f64::consts::FRAC_2_SQRT_PI
    } else {
        // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
        // evaluated from the tail.
        let mut t = x;
        for k in (1..=120).rev() {
            t = x + (k as f64 / 2.0) / t;
        }
        (-x * x).exp() / std::f64::consts::PI.sqrt() / t
    }
}

/// The standard normal distribution function `Φ(x)`.
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = x / std::f64::consts::SQRT_2;
    if z >= 0.0 {
        1.0 - 0.5 * erfc_nonneg(z)
    } else {
        0.5 * erfc_nonneg(-z)
    }
}

/// The standard normal quantile `Φ⁻¹(p)` (−∞ at 0, +∞ at 1), by bisection on [`normal_cdf`]
/// in the tail that holds `p` (so tiny tail probabilities keep their precision).
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    let (mut lo, mut hi) = (-40.0_f64, 0.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 4.0 * f64::EPSILON * hi.abs().max(1e-300) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// `ln(k!)` for `k = 0..=n`.
fn ln_factorials(n: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0;
    out.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        out.push(acc);
    }
    out
}

/// `P(X <= k)` for `X ~ Binomial(n, p)`, summed in log space (exact for the sizes
/// verification uses).
pub fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let lf = ln_factorials(n);
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let log_pmf = |j: u64| {
        lf[n as usize] - lf[j as usize] - lf[(n - j) as usize] + j as f64 * lp + (n - j) as f64 * lq
    };
    // Sum the smaller tail for precision.
    let mean = n as f64 * p;
    if (k as f64) < mean {
        let terms: Vec<f64> = (0..=k).map(log_pmf).collect();
        log_sum_exp(&terms).exp().min(1.0)
    } else {
        let terms: Vec<f64> = (k + 1..=n).map(log_pmf).collect();
        (1.0 - log_sum_exp(&terms).exp()).max(0.0)
    }
}

fn log_sum_exp(terms: &[f64]) -> f64 {
    let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
}

/// Solves `f(p) = target` for `p` in `[0, 1]`, `f` increasing in `p`, by bisection.
fn solve_increasing(f: impl Fn(f64) -> f64, target: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// One-sided Clopper–Pearson lower bound of a proportion with `k` successes in `n` trials at
/// error `alpha` (the `p` with `P(X >= k | p) = alpha`; 0 when `k = 0`).
pub fn clopper_pearson_lower(k: u64, n: u64, alpha: f64) -> f64 {
    if k == 0 || n == 0 {
        return 0.0;
    }
    // P(X >= k | p) = 1 - cdf(k - 1), increasing in p.
    solve_increasing(|p| 1.0 - binomial_cdf(k - 1, n, p), alpha)
}

/// One-sided Clopper–Pearson upper bound (the `p` with `P(X <= k | p) = alpha`; 1 when
/// `k = n`).
pub fn clopper_pearson_upper(k: u64, n: u64, alpha: f64) -> f64 {
    if n == 0 || k >= n {
        return 1.0;
    }
    // P(X <= k | p) is decreasing in p: solve 1 - cdf = 1 - alpha.
    solve_increasing(|p| 1.0 - binomial_cdf(k, n, p), 1.0 - alpha)
}

/// Conditions without a failure needed to demonstrate `sigma` (one-sided 95%).
pub fn samples_for_sigma(sigma: f64) -> u64 {
    let y = normal_cdf(sigma);
    ((1.0 - CONFIDENCE).ln() / y.ln()).ceil() as u64
}

/// A yield estimate: `passed` of `total` conditions met every rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldEstimate {
    /// Conditions that passed.
    pub passed: u64,
    /// Conditions run.
    pub total: u64,
    /// `passed / total`.
    #[serde(rename = "yield")]
    pub value: f64,
    /// Two-sided 95% Clopper–Pearson interval, low end.
    pub ci_low: f64,
    /// Two-sided 95% Clopper–Pearson interval, high end.
    pub ci_high: f64,
    /// One-sided 95% Clopper–Pearson lower bound: the yield the sample demonstrates.
    pub demonstrated: f64,
    /// `Φ⁻¹(demonstrated)`: the one-sided sigma level demonstrated (`None` when nothing is
    /// demonstrated, i.e. no condition passed).
    pub sigma: Option<f64>,
}

impl YieldEstimate {
    /// The estimate of `passed` out of `total`.
    pub fn new(passed: u64, total: u64) -> Self {
        let alpha = 1.0 - CONFIDENCE;
        let value = if total == 0 {
            f64::NAN
        } else {
            passed as f64 / total as f64
        };
        let demonstrated = clopper_pearson_lower(passed, total, alpha);
        Self {
            passed,
            total,
            value,
            ci_low: clopper_pearson_lower(passed, total, alpha / 2.0),
            ci_high: clopper_pearson_upper(passed, total, alpha / 2.0),
            demonstrated,
            sigma: (demonstrated > 0.0).then(|| normal_quantile(demonstrated)),
        }
    }

    /// One plain sentence on what the sample shows about the sigma level.
    pub fn verdict(&self) -> String {
        let failures = self.total - self.passed;
        match self.sigma {
            None => format!(
                "no condition of {} passed: no yield is demonstrated",
                self.total
            ),
            Some(s) if s >= 3.0 => format!(
                "{failures} failure(s) in {}: demonstrates {s:.2} sigma (at least 3 sigma) at 95% confidence",
                self.total
            ),
            Some(s) => {
                let need = samples_for_sigma(3.0);
                let extra = if failures == 0 {
                    format!("; 3 sigma needs at least {need} conditions without a failure")
                } else {
                    "; 3 sigma cannot be shown while failures occur at this rate".to_string()
                };
                format!(
                    "{failures} failure(s) in {}: demonstrates only {s:.2} sigma at 95% confidence \
                     (yield >= {:.2}%), not 3 sigma{extra}",
                    self.total,
                    100.0 * self.demonstrated
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_and_quantile_match_tables() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-13);
        assert!((normal_cdf(-3.0) - 0.001_349_898_031_630_094_6).abs() < 1e-15);
        assert!((normal_cdf(3.0) - 0.998_650_101_968_369_9).abs() < 1e-13);
        assert!((normal_cdf(-6.0) - 9.865_876_450_376_98e-10).abs() < 1e-20);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((normal_quantile(0.001_349_898_031_630_094_6) + 3.0).abs() < 1e-9);
        for p in [1e-12, 1e-5, 0.01, 0.3, 0.5, 0.7, 0.99, 1.0 - 1e-9] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-12 * p.max(1e-3), "{p} {x}");
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn zero_failures_in_100_bound_the_failure_rate_at_three_percent() {
        // One-sided 95%: 1 - 0.05^(1/100) = 2.95% ("rule of three": 3/n).
        let up = clopper_pearson_upper(0, 100, 0.05);
        assert!((up - (1.0 - 0.05f64.powf(0.01))).abs() < 1e-12, "{up}");
        assert_eq!(format!("{:.1}%", 100.0 * up), "3.0%");
        let y = YieldEstimate::new(100, 100);
        assert_eq!(y.value, 1.0);
        assert!((y.demonstrated - 0.05f64.powf(0.01)).abs() < 1e-12);
        let s = y.sigma.unwrap();
        assert!((s - 1.888).abs() < 1e-3, "{s}");
        assert!(y.verdict().contains("not 3 sigma"), "{}", y.verdict());
        assert!(y.verdict().contains("2218 conditions"), "{}", y.verdict());
        // Two-sided 95%: upper end 1, lower end 0.025^(1/100).
        assert_eq!(y.ci_high, 1.0);
        assert!((y.ci_low - 0.025f64.powf(0.01)).abs() < 1e-12);
    }

    #[test]
    fn clopper_pearson_matches_published_intervals() {
        // 5 of 10, two-sided 95%: [0.1871, 0.8129].
        let y = YieldEstimate::new(5, 10);
        assert!((y.ci_low - 0.187_086).abs() < 1e-5, "{}", y.ci_low);
        assert!((y.ci_high - 0.812_914).abs() < 1e-5, "{}", y.ci_high);
        // 0 of 20: [0, 0.1684]; 1 of 30: [0.000844, 0.1722].
        let y = YieldEstimate::new(0, 20);
        assert_eq!(y.ci_low, 0.0);
        assert!((y.ci_high - 0.168_433).abs() < 1e-5, "{}", y.ci_high);
        assert_eq!(y.sigma, None);
        let y = YieldEstimate::new(1, 30);
        assert!((y.ci_low - 0.000_844).abs() < 1e-5, "{}", y.ci_low);
        assert!((y.ci_high - 0.172_169).abs() < 1e-5, "{}", y.ci_high);
    }

    #[test]
    fn three_sigma_needs_2218_clean_conditions() {
        assert_eq!(samples_for_sigma(3.0), 2218);
        let y = YieldEstimate::new(2218, 2218);
        assert!(y.sigma.unwrap() >= 3.0);
        let y = YieldEstimate::new(2217, 2217);
        assert!(y.sigma.unwrap() < 3.0);
        let y = YieldEstimate::new(2300, 2300);
        assert!(y.verdict().contains("at least 3 sigma"), "{}", y.verdict());
    }

    #[test]
    fn binomial_cdf_sums_to_one_and_matches_small_cases() {
        assert!((binomial_cdf(0, 3, 0.5) - 0.125).abs() < 1e-15);
        assert!((binomial_cdf(1, 3, 0.5) - 0.5).abs() < 1e-15);
        assert!((binomial_cdf(2, 3, 0.5) - 0.875).abs() < 1e-15);
        assert_eq!(binomial_cdf(3, 3, 0.5), 1.0);
        assert!((binomial_cdf(49, 100, 0.5) - 0.460_205_381_306_410_64).abs() < 1e-12);
    }

    #[test]
    fn summaries_interpolate_quantiles_and_skip_non_finite_values() {
        let s = Summary::of(&[3.0, 1.0, 2.0, f64::NAN, 4.0, 5.0, f64::INFINITY]);
        assert_eq!((s.n, s.non_finite), (5, 2));
        assert_eq!(s.mean, 3.0);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(s.q50, 3.0);
        assert!((s.q05 - 1.2).abs() < 1e-12);
        assert!((s.q95 - 4.8).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 5.0));
        assert!(Summary::of(&[]).mean.is_nan());
        assert_eq!(Summary::of(&[7.0]).sd, 0.0);
    }
}
