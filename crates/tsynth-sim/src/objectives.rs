//! Objectives and constraints: per seed, then aggregated over seeds (mean and worst).
//!
//! Definitions (all minimised; see `docs/objectives.md`):
//! - **slippage**: at each probe tick, the effective price of buying datatokens with
//!   `slippage_trade × base balance` (dry run) divided by the spot price, minus 1; the seed's
//!   value is the mean over probe ticks.
//! - **volatility**: population standard deviation of the per-tick log returns of the spot
//!   price.
//! - **rug risk**: the largest net base-token gain of any adversary over the probe ticks,
//!   divided by the pool's base balance at that tick; 0 when nobody can profit.
//! - **complexity**: a static count from the design (statements plus blocks), the same for
//!   every seed.
//!
//! Constraint violation (0 = feasible): the honest revert rate above its limit, plus the
//! consumers' success shortfall below its floor; a run that could not even be set up is
//! infeasible with [`SETUP_FAILURE_VIOLATION`] and its reason.

use serde::{Deserialize, Serialize};

/// Violation given to a candidate that failed before the simulation could run (compile error,
/// revert during set-up, out of gas in set-up).
pub const SETUP_FAILURE_VIOLATION: f64 = 1000.0;

/// Names of the objectives, in the order of [`Objectives::to_vec`].
pub const OBJECTIVE_NAMES: [&str; 4] = ["slippage", "volatility", "rug_risk", "complexity"];

/// One value per objective.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Objectives {
    /// Relative extra cost of a probe-size buy over the spot price.
    pub slippage: f64,
    /// Standard deviation of per-tick log returns of the spot price.
    pub volatility: f64,
    /// Largest adversary gain as a share of the pool's base balance.
    pub rug_risk: f64,
    /// Static complexity of the design.
    pub complexity: f64,
}

impl Objectives {
    /// The values in [`OBJECTIVE_NAMES`] order.
    pub fn to_vec(&self) -> Vec<f64> {
        vec![
            self.slippage,
            self.volatility,
            self.rug_risk,
            self.complexity,
        ]
    }

    /// Value by name (one of [`OBJECTIVE_NAMES`]).
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "slippage" => Some(self.slippage),
            "volatility" => Some(self.volatility),
            "rug_risk" => Some(self.rug_risk),
            "complexity" => Some(self.complexity),
            _ => None,
        }
    }

    fn zip(a: &Self, b: &Self, f: impl Fn(f64, f64) -> f64) -> Self {
        Self {
            slippage: f(a.slippage, b.slippage),
            volatility: f(a.volatility, b.volatility),
            rug_risk: f(a.rug_risk, b.rug_risk),
            complexity: f(a.complexity, b.complexity),
        }
    }
}

/// Counts gathered during a run for the constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConstraintCounts {
    /// Honest transactions attempted.
    pub honest_txs: u64,
    /// Honest transactions that reverted or halted.
    pub honest_reverts: u64,
    /// Consumers' buy-and-order attempts.
    pub consume_attempts: u64,
    /// Consumers' attempts that ended with an order.
    pub consume_successes: u64,
}

impl ConstraintCounts {
    /// Adds another run's counts.
    pub fn add(&mut self, other: &Self) {
        self.honest_txs += other.honest_txs;
        self.honest_reverts += other.honest_reverts;
        self.consume_attempts += other.consume_attempts;
        self.consume_successes += other.consume_successes;
    }

    /// Share of honest transactions that reverted (0 with no transactions).
    pub fn revert_rate(&self) -> f64 {
        ratio(self.honest_reverts, self.honest_txs, 0.0)
    }

    /// Share of consume attempts that succeeded (1 with no attempts).
    pub fn consume_success_rate(&self) -> f64 {
        ratio(self.consume_successes, self.consume_attempts, 1.0)
    }

    /// Total violation against the limits (0 = feasible).
    pub fn violation(&self, max_revert_rate: f64, min_consume_success: f64) -> f64 {
        (self.revert_rate() - max_revert_rate).max(0.0)
            + (min_consume_success - self.consume_success_rate()).max(0.0)
    }
}

fn ratio(num: u64, den: u64, empty: f64) -> f64 {
    if den == 0 {
        empty
    } else {
        num as f64 / den as f64
    }
}

/// Population standard deviation of the log returns of a positive price series. Ticks whose
/// price is not positive (pool drained) count as a return to a price of one base unit, so a
/// collapse is heavily penalised instead of silently ignored.
pub fn volatility(prices: &[f64]) -> f64 {
    if prices.len() < 2 {
        return 0.0;
    }
    let floor = 1e-18;
    let mut n = 0.0;
    let mut mean = 0.0;
    let mut m2 = 0.0;
    for w in prices.windows(2) {
        let r = (w[1].max(floor) / w[0].max(floor)).ln();
        n += 1.0;
        let d = r - mean;
        mean += d / n;
        m2 += d * (r - mean);
    }
    (m2 / n).sqrt()
}

/// Slippage of one buy: effective price (`base_in / dt_out`) over the spot price, minus 1.
/// A buy that returns nothing is infinitely bad; callers record it as `f64::INFINITY`.
pub fn slippage(base_in: f64, dt_out: f64, spot: f64) -> f64 {
    if dt_out <= 0.0 || spot <= 0.0 {
        return f64::INFINITY;
    }
    let s = (base_in / dt_out) / spot - 1.0;
    // A curve-free pool pays exactly the spot price: the float quotient then lands a few ulps
    // either side of zero (−1.5e-16 was seen), which would print as "-0.0000" and make equal
    // designs look different. Below 1e-12 (far under anything a swap can produce) it is 0.
    if s.abs() < 1e-12 { 0.0 } else { s }
}

/// The result of one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedOutcome {
    /// The seed.
    pub seed: u64,
    /// Objective values of this seed.
    pub objectives: Objectives,
    /// Constraint counts of this seed.
    pub counts: ConstraintCounts,
    /// Constraint violation of this seed (0 = feasible).
    pub violation: f64,
    /// Why this seed is infeasible, if it failed outright.
    pub failure: Option<String>,
}

/// Objectives over all seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Mean over seeds.
    pub mean: Objectives,
    /// Worst (largest) over seeds.
    pub worst: Objectives,
    /// Largest violation over seeds (0 = feasible on every seed).
    pub violation: f64,
    /// The first failure reason, if any seed failed outright.
    pub failure: Option<String>,
    /// Number of seeds.
    pub seeds: usize,
}

impl Aggregate {
    /// Aggregates per-seed outcomes (in seed order). Infinite values propagate.
    pub fn from_seeds(outcomes: &[SeedOutcome]) -> Self {
        let n = outcomes.len().max(1) as f64;
        let mut sum = Objectives::default();
        let mut worst = Objectives {
            slippage: f64::NEG_INFINITY,
            volatility: f64::NEG_INFINITY,
            rug_risk: f64::NEG_INFINITY,
            complexity: f64::NEG_INFINITY,
        };
        let mut violation: f64 = 0.0;
        for o in outcomes {
            sum = Objectives::zip(&sum, &o.objectives, |a, b| a + b);
            worst = Objectives::zip(&worst, &o.objectives, f64::max);
            violation = violation.max(o.violation);
        }
        if outcomes.is_empty() {
            worst = Objectives::default();
        }
        Self {
            mean: Objectives::zip(&sum, &sum, |a, _| a / n),
            worst,
            violation,
            failure: outcomes.iter().find_map(|o| o.failure.clone()),
            seeds: outcomes.len(),
        }
    }

    /// Whether every seed was feasible.
    pub fn feasible(&self) -> bool {
        self.violation <= 0.0 && self.failure.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatility_of_constant_and_alternating_series() {
        assert_eq!(volatility(&[1.0; 10]), 0.0);
        assert_eq!(volatility(&[2.0]), 0.0);
        // Returns alternate ln2, -ln2: mean 0, std ln2.
        let v = volatility(&[1.0, 2.0, 1.0, 2.0, 1.0]);
        assert!((v - 2f64.ln()).abs() < 1e-12, "{v}");
        // Steady growth has zero volatility.
        let g: Vec<f64> = (0..20).map(|i| 1.05f64.powi(i)).collect();
        assert!(volatility(&g) < 1e-12);
    }

    #[test]
    fn volatility_penalises_collapse() {
        assert!(volatility(&[1.0, 1.0, 0.0]) > 10.0);
    }

    #[test]
    fn slippage_definition() {
        // Pay 10 for 8 at spot 1.2: EP 1.25, slippage 1.25/1.2 - 1.
        assert!((slippage(10.0, 8.0, 1.2) - (1.25 / 1.2 - 1.0)).abs() < 1e-15);
        assert_eq!(slippage(1.0, 0.0, 1.0), f64::INFINITY);
        // Float noise around an exact spot-price fill is exactly zero, not -0.0000.
        let noisy = slippage(0.1, 0.1 / 1.000_000_000_000_000_2, 1.0);
        assert_eq!(noisy.to_bits(), 0.0f64.to_bits());
        assert!(slippage(1.0, 0.999, 1.0) > 1e-4);
    }

    #[test]
    fn constraint_violation() {
        let c = ConstraintCounts {
            honest_txs: 100,
            honest_reverts: 20,
            consume_attempts: 10,
            consume_successes: 3,
        };
        assert!((c.revert_rate() - 0.2).abs() < 1e-15);
        assert!((c.violation(0.1, 0.5) - (0.1 + 0.2)).abs() < 1e-12);
        assert_eq!(c.violation(0.2, 0.3), 0.0);
        assert_eq!(ConstraintCounts::default().violation(0.0, 1.0), 0.0);
    }

    #[test]
    fn aggregate_mean_and_worst() {
        let mk = |seed, s, v, r, viol| SeedOutcome {
            seed,
            objectives: Objectives {
                slippage: s,
                volatility: v,
                rug_risk: r,
                complexity: 7.0,
            },
            counts: ConstraintCounts::default(),
            violation: viol,
            failure: None,
        };
        let a = Aggregate::from_seeds(&[mk(1, 0.1, 0.2, 0.0, 0.0), mk(2, 0.3, 0.1, 0.5, 0.25)]);
        assert!((a.mean.slippage - 0.2).abs() < 1e-15);
        assert!((a.mean.rug_risk - 0.25).abs() < 1e-15);
        assert_eq!(a.worst.slippage, 0.3);
        assert_eq!(a.worst.volatility, 0.2);
        assert_eq!(a.worst.complexity, 7.0);
        assert_eq!(a.violation, 0.25);
        assert!(!a.feasible());
        assert_eq!(a.seeds, 2);
    }
}
