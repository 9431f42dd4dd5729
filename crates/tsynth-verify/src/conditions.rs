//! Monte Carlo conditions: a sample of the variables plus an agent seed, drawn from one
//! seed. Condition `i` depends only on the seed and `i` (its own ChaCha stream), so a run of
//! N conditions is the first N of a run of more, and nothing depends on thread count.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha12Rng;
use serde::Serialize;

use crate::space::Space;

/// One condition of the environment a design cannot control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// Index (0-based) in its run.
    pub index: usize,
    /// The seed of the agents' own randomness in this condition.
    pub agent_seed: u64,
    /// Quantile of each variable, in `(0, 1)`.
    pub quantiles: Vec<f64>,
    /// Each variable's value.
    pub values: Vec<f64>,
}

/// SplitMix64 step: decorrelates the stream seeds of neighbouring indices.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in the open interval `(0, 1)`.
fn open_unit(rng: &mut impl RngCore) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Condition `index` of the run with `seed`.
pub fn condition(space: &Space, seed: u64, index: usize) -> Condition {
    let mut rng = ChaCha12Rng::seed_from_u64(mix(seed ^ mix(index as u64)));
    // Agent seeds are kept below 2^53 so they survive a round trip through JSON numbers.
    let agent_seed = rng.next_u64() >> 11;
    let quantiles: Vec<f64> = (0..space.len()).map(|_| open_unit(&mut rng)).collect();
    let values = space.quantiles(&quantiles);
    Condition {
        index,
        agent_seed,
        quantiles,
        values,
    }
}

/// Conditions `0..n` of the run with `seed`.
pub fn conditions(space: &Space, seed: u64, n: usize) -> Vec<Condition> {
    (0..n).map(|i| condition(space, seed, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn conditions_depend_on_seed_and_index_only() {
        let s = Space::parse(
            "a = { uniform = [0.0, 1.0] }\nb = { choice = [1, 2, 3] }\n",
            Path::new("s"),
        )
        .unwrap();
        let ten = conditions(&s, 7, 10);
        let five = conditions(&s, 7, 5);
        assert_eq!(&ten[..5], &five[..]);
        assert_eq!(condition(&s, 7, 3), ten[3]);
        assert_ne!(conditions(&s, 8, 5), five);
        for c in &ten {
            assert!(c.quantiles.iter().all(|&u| u > 0.0 && u < 1.0));
            assert_eq!(c.values[0], c.quantiles[0]);
            assert!([1.0, 2.0, 3.0].contains(&c.values[1]));
            assert!(c.agent_seed < 1 << 53);
        }
        let seeds: std::collections::BTreeSet<u64> = ten.iter().map(|c| c.agent_seed).collect();
        assert_eq!(seeds.len(), 10);
    }

    #[test]
    fn samples_follow_the_distribution() {
        let s = Space::parse("x = { normal = [10.0, 2.0] }\n", Path::new("s")).unwrap();
        let xs: Vec<f64> = conditions(&s, 1, 4000)
            .iter()
            .map(|c| c.values[0])
            .collect();
        let sum = crate::stats::Summary::of(&xs);
        assert!((sum.mean - 10.0).abs() < 0.15, "{sum:?}");
        assert!((sum.sd - 2.0).abs() < 0.15, "{sum:?}");
    }
}
