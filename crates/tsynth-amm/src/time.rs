//! Time helpers of the pool domain: Poisson arrivals per tick (the engine's, so that an
//! agent's cost per transaction does not depend on the tick length), standard normal draws,
//! and conversions between days, seconds and ticks.

use rand::Rng;

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;
/// Seconds in a (365-day) year.
pub const YEAR: f64 = 365.0 * DAY;

/// Poisson arrivals per tick: the engine's [`tsynth_sim::time::arrivals`].
pub use tsynth_sim::time::arrivals;

/// One standard normal draw (Box–Muller; always consumes two uniforms).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Whole ticks in `days` days at `seconds_per_tick` (rounded up, at least 1).
pub fn ticks_in(days: f64, seconds_per_tick: u32) -> u32 {
    ((days * DAY) / f64::from(seconds_per_tick.max(1)))
        .ceil()
        .max(1.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsynth_sim::seeds::stream_rng;

    #[test]
    fn arrivals_have_the_rate_whatever_the_tick() {
        // 4 events a day, drawn in 12-second and in one-hour intervals over 200 days.
        for seconds in [12u64, 3600] {
            let mut rng = stream_rng(1, 0);
            let intervals = (200.0 * DAY) as u64 / seconds;
            let n: u64 = (0..intervals)
                .map(|_| u64::from(arrivals(&mut rng, 4.0, seconds)))
                .sum();
            assert!(
                (n as f64 - 800.0).abs() < 4.0 * 800f64.sqrt(),
                "{seconds}: {n}"
            );
        }
        assert_eq!(arrivals(&mut stream_rng(1, 0), 0.0, 3600), 0);
        let big: u32 = arrivals(&mut stream_rng(2, 0), 1000.0, 86_400);
        assert!((900..1100).contains(&big), "{big}");
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut rng = stream_rng(3, 0);
        let xs: Vec<f64> = (0..20_000).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        assert_eq!(ticks_in(7.0, 3600), 168);
        assert_eq!(ticks_in(0.001, 3600), 1);
    }
}
