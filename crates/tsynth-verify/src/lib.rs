//! `tsynth-verify` — variation-aware verification, knowing nothing of any domain.
//!
//! A design is judged under conditions it cannot control. This crate holds what that
//! needs, independent of what is simulated:
//!
//! - [`space`]: uncontrollable variables written into a TOML file as inline tables
//!   (`{ lognormal = [500.0, 0.5] }`, `{ normal = .. }`, `{ uniform = .. }`, `{ choice = .. }`,
//!   `{ range = .. }`), read with their positions, and rendered back to concrete text at any
//!   point (nominal, a Monte Carlo sample, a corner of the box);
//! - [`conditions`]: Monte Carlo conditions (a sample of the variables plus an agent seed),
//!   each a function of the seed and its index only;
//! - [`stats`]: summaries, exact Clopper–Pearson yield intervals, the sigma level a sample
//!   demonstrates;
//! - [`worst`]: a deterministic worst-case search over the variables' box that shares its
//!   evaluations between metrics;
//! - [`corners`]: a greedy cover of the worst cases by a few corners.
//!
//! The caller supplies the evaluation (e.g. a simulation of the rendered scenario) as a
//! closure; nothing here depends on thread count.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod conditions;
pub mod corners;
pub mod space;
pub mod stats;
pub mod worst;

pub use conditions::{Condition, condition, conditions};
pub use corners::{Corner, Cover, extract};
pub use space::{Distribution, Space, SpaceError, Variable};
pub use stats::{Summary, YieldEstimate};
pub use worst::{Evaluation, Phase, SearchConfig, SearchResult, Target, search};

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A toy "design" that fails when demand is low and the attacker is rich, on a small
    /// discrete grid: the Monte Carlo yield's interval contains the exact yield of the grid.
    #[test]
    fn monte_carlo_yield_agrees_with_the_exhaustive_grid() {
        let space = Space::parse(
            "[env]\n\
             demand = { choice = [1, 2, 3, 4], weights = [1, 2, 3, 4] }\n\
             attacker = { choice = [0.5, 1.0, 2.0] }\n\
             count = { range = [1, 5] }\n",
            Path::new("toy.toml"),
        )
        .unwrap();
        let passes = |v: &[f64]| !(v[0] <= 2.0 && v[1] >= 1.0 && v[2] >= 3.0) && v[0] + v[2] > 2.0;
        // Exhaustive: weights of demand, equal thirds for attacker, 5 whole counts.
        let mut exact = 0.0;
        for (d, wd) in [(1.0, 0.1), (2.0, 0.2), (3.0, 0.3), (4.0, 0.4)] {
            for a in [0.5, 1.0, 2.0] {
                for c in 1..=5 {
                    if passes(&[d, a, c as f64]) {
                        exact += wd / 3.0 / 5.0;
                    }
                }
            }
        }
        for seed in 1..=5 {
            let conds = conditions(&space, seed, 400);
            let passed = conds.iter().filter(|c| passes(&c.values)).count() as u64;
            let y = YieldEstimate::new(passed, 400);
            assert!(
                y.ci_low <= exact && exact <= y.ci_high,
                "seed {seed}: exact {exact}, estimate {y:?}"
            );
        }
        assert!(exact > 0.5 && exact < 0.95, "{exact}");
    }
}
