//! Per-seed outcomes and their aggregation over seeds, as named values.

use serde::{Deserialize, Serialize};

use crate::metrics::{MetricSpec, Values, direction_of};

/// Violation given to a candidate that failed before or during its simulation (compile
/// error, revert during set-up, out of gas, a view that stopped working).
pub const SETUP_FAILURE_VIOLATION: f64 = 1000.0;

/// The result of one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedOutcome {
    /// The seed.
    pub seed: u64,
    /// Every metric measured on this seed, by name.
    pub values: Values,
    /// Constraint violation of this seed (0 = feasible).
    pub violation: f64,
    /// Why this seed is infeasible, if it failed outright.
    pub failure: Option<String>,
    /// The condition of the environment it ran in, when not the nominal scenario
    /// (variation-aware synthesis: a corner or a Monte Carlo sample).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Attacks this seed's run found, best first (for the run's hall of fame; not stored
    /// with the outcome: the hall keeps them).
    #[serde(skip)]
    pub attacks: Vec<crate::domain::FoundAttack>,
}

/// Metric values over all seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Mean over seeds.
    pub mean: Values,
    /// Worst over seeds (the largest of a minimised metric, the smallest of a maximised one).
    pub worst: Values,
    /// Largest violation over seeds (0 = feasible on every seed).
    pub violation: f64,
    /// The first failure reason, if any seed failed outright.
    pub failure: Option<String>,
    /// Number of seeds.
    pub seeds: usize,
}

impl Aggregate {
    /// Aggregates per-seed outcomes (in seed order); `metrics` gives each value's direction.
    /// Infinite values propagate; a name missing on some seed is aggregated over the seeds
    /// that have it.
    pub fn from_seeds(outcomes: &[SeedOutcome], metrics: &[MetricSpec]) -> Self {
        let mut sum = Values::new();
        let mut count = std::collections::BTreeMap::<String, f64>::new();
        let mut worst = Values::new();
        let mut violation: f64 = 0.0;
        for o in outcomes {
            for (name, &v) in &o.values {
                *sum.entry(name.clone()).or_insert(0.0) += v;
                *count.entry(name.clone()).or_insert(0.0) += 1.0;
                let dir = direction_of(metrics, name);
                worst
                    .entry(name.clone())
                    .and_modify(|w| *w = dir.worse(*w, v))
                    .or_insert(v);
            }
            violation = violation.max(o.violation);
        }
        let mean = sum
            .into_iter()
            .map(|(k, s)| {
                let n = count[&k];
                (k, s / n)
            })
            .collect();
        Self {
            mean,
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
    fn mean_and_direction_aware_worst() {
        let metrics = vec![
            MetricSpec::minimize("risk", "", "", 1.0),
            MetricSpec::maximize("yield", "", "", 0.0),
        ];
        let mk = |seed, r: f64, y: f64, viol| SeedOutcome {
            seed,
            values: [("risk".to_string(), r), ("yield".to_string(), y)].into(),
            violation: viol,
            failure: None,
            condition: None,
            attacks: Vec::new(),
        };
        let a = Aggregate::from_seeds(&[mk(1, 0.1, 0.2, 0.0), mk(2, 0.3, 0.1, 0.25)], &metrics);
        assert!((a.mean["risk"] - 0.2).abs() < 1e-15);
        assert_eq!(a.worst["risk"], 0.3);
        assert_eq!(a.worst["yield"], 0.1);
        assert_eq!(a.violation, 0.25);
        assert!(!a.feasible());
        assert_eq!(a.seeds, 2);
    }
}
