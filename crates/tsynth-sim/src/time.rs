//! Simulated time for agents: events that happen at a rate per unit of time.
//!
//! A scenario's tick may be one block (12 s) or hours long. Agents that act "with
//! probability p per tick" would change the market whenever the tick changes; agents that
//! act at a *rate* (events per day) do not: the number of events in a tick of `seconds` is
//! Poisson with mean `rate_per_day × seconds / 86,400`, so a coarser tick only bunches the
//! same expected activity into fewer, larger steps.

use rand::Rng;
use rand_distr::{Distribution, Poisson};

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// Largest number of events one draw returns: a guard against a mistyped rate making one
/// tick send millions of transactions (the scenario readers reject such rates first).
pub const MAX_ARRIVALS: u32 = 10_000;

/// Number of events in an interval of `seconds` for events arriving at `rate_per_day`
/// (a Poisson draw; 0 for a non-positive or non-finite rate). Deterministic given `rng`.
pub fn arrivals(rng: &mut impl Rng, rate_per_day: f64, seconds: u64) -> u32 {
    let mean = expected(rate_per_day, seconds);
    if !(mean > 0.0 && mean.is_finite()) {
        return 0;
    }
    match Poisson::new(mean) {
        Ok(p) => {
            let n: f64 = p.sample(rng);
            n.min(f64::from(MAX_ARRIVALS)) as u32
        }
        Err(_) => 0,
    }
}

/// Expected number of events in `seconds` at `rate_per_day`.
pub fn expected(rate_per_day: f64, seconds: u64) -> f64 {
    rate_per_day * seconds as f64 / DAY as f64
}

/// Probability that at least one event happens in `seconds` at `rate_per_day`
/// (`1 − e^(−mean)`): for agents that act at most once per tick.
pub fn any_arrival(rate_per_day: f64, seconds: u64) -> f64 {
    let mean = expected(rate_per_day, seconds);
    if mean > 0.0 && mean.is_finite() {
        1.0 - (-mean).exp()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn mean_matches_the_rate_whatever_the_tick() {
        // 24 events a day: one-hour ticks and one-minute ticks see the same count per day.
        for seconds in [60u64, 3600, 4 * 3600] {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let ticks = 200 * DAY / seconds;
            let total: u64 = (0..ticks)
                .map(|_| u64::from(arrivals(&mut rng, 24.0, seconds)))
                .sum();
            let per_day = total as f64 / 200.0;
            assert!(
                (per_day - 24.0).abs() < 1.0,
                "{seconds}s ticks: {per_day}/day"
            );
        }
    }

    #[test]
    fn deterministic_and_degenerate_rates() {
        let draw = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..50)
                .map(|_| arrivals(&mut rng, 5.0, 3600))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        assert_eq!(arrivals(&mut rng, 0.0, 3600), 0);
        assert_eq!(arrivals(&mut rng, -1.0, 3600), 0);
        assert_eq!(arrivals(&mut rng, f64::NAN, 3600), 0);
        assert_eq!(arrivals(&mut rng, f64::INFINITY, 3600), 0);
        assert!(arrivals(&mut rng, 1e12, DAY) <= MAX_ARRIVALS);
        assert!((any_arrival(24.0, 3600) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
        assert_eq!(any_arrival(0.0, 3600), 0.0);
    }
}
