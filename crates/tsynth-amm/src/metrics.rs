//! The pool domain's metrics: their declarations (name, direction, unit, meaning, default
//! reference value) and how they are measured per seed.
//!
//! Definitions (see `docs/objectives.md`):
//! - **slippage**: at each probe tick, the effective price of buying datatokens with
//!   `slippage_trade × base balance` (dry run) divided by the spot price, minus 1; the seed's
//!   value is the mean over probe ticks.
//! - **volatility**: population standard deviation of the per-tick log returns of the spot
//!   price.
//! - **rug risk**: the largest net base-token gain of any adversary over the probe ticks,
//!   divided by the pool's base balance at that tick; 0 when nobody can profit.
//! - **honest revert rate** and **consumer success**: the default constraints (limits from
//!   the scenario's `[metrics]`), with the raw counts reported beside them.
//! - **complexity** is the engine's (static size of the design).

use serde::{Deserialize, Serialize};
use tsynth_sim::metrics::{MetricSpec, Values};

/// Relative extra cost of a probe-size buy over the spot price.
pub const SLIPPAGE: &str = "slippage";
/// Standard deviation of per-tick log returns of the spot price.
pub const VOLATILITY: &str = "volatility";
/// Largest adversary gain as a share of the pool's base balance.
pub const RUG_RISK: &str = "rug_risk";
/// Share of honest transactions that reverted (default constraint: at most the scenario's
/// `max_honest_revert_rate`).
pub const HONEST_REVERT_RATE: &str = "honest_revert_rate";
/// Share of consume attempts that succeeded (default constraint: at least the scenario's
/// `min_consumer_success`).
pub const CONSUMER_SUCCESS: &str = "consumer_success";

/// The default objectives, in vector order.
pub const DEFAULT_OBJECTIVES: [&str; 4] = [
    SLIPPAGE,
    VOLATILITY,
    RUG_RISK,
    tsynth_sim::metrics::COMPLEXITY,
];

/// Every metric the pool domain measures.
pub fn declared() -> Vec<MetricSpec> {
    vec![
        MetricSpec::minimize(
            SLIPPAGE,
            "fraction",
            "extra cost of a probe-size buy over the spot price (mean over probes)",
            0.1,
        ),
        MetricSpec::minimize(
            VOLATILITY,
            "log-return sd",
            "standard deviation of per-tick log returns of the spot price",
            0.1,
        ),
        MetricSpec::minimize(
            RUG_RISK,
            "fraction of pool base",
            "largest adversary gain over the probes, as a share of the pool's base balance",
            1.0,
        ),
        tsynth_sim::metrics::complexity_metric(),
        MetricSpec::minimize(
            HONEST_REVERT_RATE,
            "fraction",
            "share of honest transactions that reverted (policy rejections excluded)",
            1.0,
        ),
        MetricSpec::maximize(
            CONSUMER_SUCCESS,
            "fraction",
            "share of consumers' buy-and-order attempts that ended with an order",
            0.0,
        ),
        MetricSpec::minimize("honest_txs", "count", "honest transactions sent", 1e9),
        MetricSpec::minimize(
            "honest_reverts",
            "count",
            "honest transactions that reverted",
            1e9,
        ),
        MetricSpec::maximize(
            "consume_attempts",
            "count",
            "consumers' buy-and-order attempts",
            0.0,
        ),
        MetricSpec::maximize(
            "consume_successes",
            "count",
            "consumers' successful orders",
            0.0,
        ),
    ]
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

    /// Writes the rates and the raw counts into a seed's values.
    pub fn insert_into(&self, v: &mut Values) {
        v.insert(HONEST_REVERT_RATE.into(), self.revert_rate());
        v.insert(CONSUMER_SUCCESS.into(), self.consume_success_rate());
        for (k, n) in [
            ("honest_txs", self.honest_txs),
            ("honest_reverts", self.honest_reverts),
            ("consume_attempts", self.consume_attempts),
            ("consume_successes", self.consume_successes),
        ] {
            v.insert(k.into(), n as f64);
        }
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
    fn counts_become_rates_and_values() {
        let c = ConstraintCounts {
            honest_txs: 100,
            honest_reverts: 20,
            consume_attempts: 10,
            consume_successes: 3,
        };
        assert!((c.revert_rate() - 0.2).abs() < 1e-15);
        let mut v = Values::new();
        c.insert_into(&mut v);
        assert_eq!(v[HONEST_REVERT_RATE], 0.2);
        assert_eq!(v[CONSUMER_SUCCESS], 0.3);
        assert_eq!(v["honest_txs"], 100.0);
        assert_eq!(ConstraintCounts::default().consume_success_rate(), 1.0);
    }

    #[test]
    fn every_default_objective_is_declared() {
        let d = declared();
        for o in DEFAULT_OBJECTIVES {
            assert!(d.iter().any(|m| m.name == o), "{o}");
        }
    }
}
