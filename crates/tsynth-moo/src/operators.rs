//! Real-valued variation operators, reusable by any problem whose genotype is (or
//! contains) a vector of bounded reals: SBX and polynomial mutation with pymoo's
//! defaults, and MOJITO's Gaussian mutation on \[0, 1\]-scaled variables.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::MooRng;

/// Simulated binary crossover (Deb & Agrawal 1995), bounded variant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sbx {
    /// Distribution index η (larger: children closer to the parents). Default 15.
    pub eta: f64,
    /// Probability that a pair of parents is crossed at all. Default 0.9.
    pub probability: f64,
    /// Probability that each variable of a crossed pair is recombined. Default 0.5.
    pub variable_probability: f64,
    /// Probability that the two children's values of a recombined variable are swapped.
    /// Default 0.5.
    pub swap_probability: f64,
}

impl Default for Sbx {
    fn default() -> Self {
        Self {
            eta: 15.0,
            probability: 0.9,
            variable_probability: 0.5,
            swap_probability: 0.5,
        }
    }
}

impl Sbx {
    /// Deb & Jain's NSGA-III setting (also pymoo's `NSGA3` default): η 30, every pair
    /// crossed (probability 1), per-variable and swap probabilities 0.5.
    pub fn nsga3() -> Self {
        Self {
            eta: 30.0,
            probability: 1.0,
            ..Self::default()
        }
    }

    /// Recombine two children in place. On entry `c1` and `c2` hold copies of the two
    /// parents; `lower`/`upper` are the variable bounds (same length). Returns whether the
    /// pair was crossed.
    pub fn apply(
        &self,
        c1: &mut [f64],
        c2: &mut [f64],
        lower: &[f64],
        upper: &[f64],
        rng: &mut MooRng,
    ) -> bool {
        if rng.random::<f64>() >= self.probability {
            return false;
        }
        let exponent = 1.0 / (self.eta + 1.0);
        // Mismatched lengths (a malformed injected genotype) are left for the evaluation
        // to report; only the common prefix is recombined.
        let n = c1.len().min(c2.len()).min(lower.len()).min(upper.len());
        for i in 0..n {
            if rng.random::<f64>() >= self.variable_probability {
                continue;
            }
            let (a, b) = (c1[i], c2[i]);
            if (a - b).abs() <= 1e-14 {
                continue;
            }
            let (y1, y2) = if a < b { (a, b) } else { (b, a) };
            let (lo, hi) = (lower[i], upper[i]);
            let delta = y2 - y1;
            let u: f64 = rng.random();
            let spread = |beta: f64| -> f64 {
                let alpha = 2.0 - beta.powf(-(self.eta + 1.0));
                if u <= 1.0 / alpha {
                    (u * alpha).powf(exponent)
                } else {
                    (1.0 / (2.0 - u * alpha)).powf(exponent)
                }
            };
            let bq1 = spread(1.0 + 2.0 * (y1 - lo) / delta);
            let bq2 = spread(1.0 + 2.0 * (hi - y2) / delta);
            let mut v1 = (0.5 * ((y1 + y2) - bq1 * delta)).clamp(lo, hi);
            let mut v2 = (0.5 * ((y1 + y2) + bq2 * delta)).clamp(lo, hi);
            if rng.random::<f64>() < self.swap_probability {
                std::mem::swap(&mut v1, &mut v2);
            }
            c1[i] = v1;
            c2[i] = v2;
        }
        true
    }
}

/// Polynomial mutation (Deb & Goyal 1996), bounded variant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PolynomialMutation {
    /// Distribution index η. Default 20.
    pub eta: f64,
    /// Per-variable mutation probability; `None` means min(0.5, 1/n). Default `None`.
    pub variable_probability: Option<f64>,
    /// Probability that a genotype is mutated at all (pymoo's `PM(prob=0.9)`). Default
    /// 0.9; 1 mutates every genotype.
    #[serde(default = "one")]
    pub probability: f64,
}

fn one() -> f64 {
    1.0
}

impl Default for PolynomialMutation {
    fn default() -> Self {
        Self {
            eta: 20.0,
            variable_probability: None,
            probability: 0.9,
        }
    }
}

impl PolynomialMutation {
    /// Mutate `x` in place within `lower`/`upper`. Returns how many variables changed.
    pub fn apply(&self, x: &mut [f64], lower: &[f64], upper: &[f64], rng: &mut MooRng) -> usize {
        let n = x.len().min(lower.len()).min(upper.len());
        if n == 0 {
            return 0;
        }
        if self.probability < 1.0 && rng.random::<f64>() >= self.probability {
            return 0;
        }
        let p = self
            .variable_probability
            .unwrap_or_else(|| (1.0 / n as f64).min(0.5));
        let exponent = 1.0 / (self.eta + 1.0);
        let mut changed = 0;
        for i in 0..n {
            if rng.random::<f64>() >= p {
                continue;
            }
            let (lo, hi) = (lower[i], upper[i]);
            let span = hi - lo;
            if span <= 0.0 {
                continue;
            }
            let v = x[i];
            let u: f64 = rng.random();
            let dq = if u <= 0.5 {
                let xy = 1.0 - (v - lo) / span;
                let val = 2.0 * u + (1.0 - 2.0 * u) * xy.powf(self.eta + 1.0);
                val.powf(exponent) - 1.0
            } else {
                let xy = 1.0 - (hi - v) / span;
                let val = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * xy.powf(self.eta + 1.0);
                1.0 - val.powf(exponent)
            };
            let y = (v + dq * span).clamp(lo, hi);
            if y != v {
                changed += 1;
            }
            x[i] = y;
        }
        changed
    }
}

/// MOJITO's Gaussian mutation of variables scaled to \[0, 1\]: with probability
/// `one_variable_probability` a single random variable is perturbed, otherwise every
/// variable is; each perturbation adds N(0, σ²) and clamps to \[0, 1\].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GaussianMutation {
    /// Standard deviation σ on the \[0, 1\] scale. Default 0.05.
    pub sigma: f64,
    /// Probability of mutating one variable rather than all of them. Default 0.5.
    pub one_variable_probability: f64,
}

impl Default for GaussianMutation {
    fn default() -> Self {
        Self {
            sigma: 0.05,
            one_variable_probability: 0.5,
        }
    }
}

impl GaussianMutation {
    /// Mutate the \[0, 1\]-scaled variables `x` in place.
    pub fn apply(&self, x: &mut [f64], rng: &mut MooRng) {
        if x.is_empty() {
            return;
        }
        if rng.random::<f64>() < self.one_variable_probability {
            let i = rng.random_range(0..x.len());
            x[i] = (x[i] + self.sigma * standard_normal(rng)).clamp(0.0, 1.0);
        } else {
            for v in x.iter_mut() {
                *v = (*v + self.sigma * standard_normal(rng)).clamp(0.0, 1.0);
            }
        }
    }
}

/// A standard normal sample (Box–Muller; one of the pair is used).
pub fn standard_normal(rng: &mut MooRng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
