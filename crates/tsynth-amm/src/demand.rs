//! The demand process: what the median consumer is willing to pay for one consume, per tick.
//! It is the same for every design (drawn from its own stream of the seed), so designs are
//! compared under the same demand.

use rand::Rng;

use crate::scenario::DemandSpec;
use crate::time::{DAY, arrivals, normal};

/// The demand level `L_t` (base tokens per consume) for ticks `0..=ticks`: `ln L` moves by
/// `drift·dt + volatility·√dt·Z` per tick (`dt` in days) plus Poisson shocks of standard
/// deviation `shock_size`.
pub fn level_path(
    spec: &DemandSpec,
    ticks: u32,
    seconds_per_tick: u32,
    rng: &mut impl Rng,
) -> Vec<f64> {
    let dt = f64::from(seconds_per_tick) / DAY;
    let drift = spec.drift_per_day.get() * dt;
    let sd = spec.volatility_per_day.get() * dt.sqrt();
    let mut ln = spec.initial_level.get().ln();
    let mut out = Vec::with_capacity(ticks as usize + 1);
    out.push(ln.exp());
    for _ in 0..ticks {
        ln += drift + sd * normal(rng);
        let shocks = arrivals(
            rng,
            spec.shock_rate_per_day.get(),
            u64::from(seconds_per_tick),
        );
        for _ in 0..shocks {
            ln += spec.shock_size.get() * normal(rng);
        }
        out.push(ln.exp());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Amount, Positive, Real};
    use tsynth_sim::seeds::stream_rng;

    #[test]
    fn drift_without_noise_is_exponential_and_noise_is_seeded() {
        let spec = DemandSpec {
            initial_level: Positive(2.0),
            drift_per_day: Real(0.01),
            volatility_per_day: Amount(0.0),
            shock_rate_per_day: Amount(0.0),
            ..DemandSpec::default()
        };
        let p = level_path(&spec, 240, 3600, &mut stream_rng(1, 9));
        assert_eq!(p.len(), 241);
        assert!((p[240] / 2.0 - 0.1f64.exp()).abs() < 1e-9, "{}", p[240]);
        let noisy = DemandSpec::default();
        let a = level_path(&noisy, 100, 3600, &mut stream_rng(1, 9));
        assert_eq!(a, level_path(&noisy, 100, 3600, &mut stream_rng(1, 9)));
        assert_ne!(a, level_path(&noisy, 100, 3600, &mut stream_rng(2, 9)));
    }
}
