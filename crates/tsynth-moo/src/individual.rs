//! An evaluated member of the population.

use serde::{Deserialize, Serialize};

use crate::problem::InfeasibleReason;

/// One evaluated individual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Individual<G, E> {
    /// Unique identifier within the run (creation order).
    pub id: u64,
    /// The genotype.
    pub genotype: G,
    /// Objective values (all minimised).
    pub objectives: Vec<f64>,
    /// Total constraint violation (0 = feasible).
    pub violation: f64,
    /// Opaque data returned by the evaluation.
    pub extra: Option<E>,
    /// ALPS age: 0 for a random individual, max(parent ages) + 1 for a child, and +1 for
    /// every generation survived.
    pub age: u32,
    /// Generation in which it was created.
    pub born: u64,
    /// Set when the evaluation returned a non-finite objective or violation: the engine
    /// made the individual infeasible (violation `f64::MAX`, non-finite objectives
    /// replaced by `f64::MAX`) instead of aborting the run.
    #[serde(default)]
    pub invalid: Option<InfeasibleReason>,
    /// The evaluation tier it was scored at ([`crate::Problem::tier`] of its layer then).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tier: u32,
}

fn is_zero(t: &u32) -> bool {
    *t == 0
}

impl<G, E> Individual<G, E> {
    /// True when the individual satisfies every constraint.
    pub fn is_feasible(&self) -> bool {
        self.violation <= 0.0
    }

    /// Why the engine made this individual infeasible, if it did.
    pub fn invalid_reason(&self) -> Option<InfeasibleReason> {
        self.invalid
    }
}
