//! The problem trait the engine is generic over: genotype, variation, evaluation.

use serde::{Deserialize, Serialize};

use crate::MooRng;

/// What an evaluation knows about the individual it scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalContext {
    /// Unique identifier of the individual within the run.
    pub id: u64,
    /// Generation in which the individual was created (0 = initial population).
    pub generation: u64,
    /// Age layer the individual was created for (0 in plain NSGA-II mode). MOJITO-R uses
    /// more Monte Carlo samples for older layers.
    pub layer: usize,
    /// A seed derived only from the run seed and the individual's id: use it for any
    /// randomness the evaluation needs, so results never depend on thread scheduling.
    pub seed: u64,
}

/// The result of scoring one individual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation<E> {
    /// Objective values, all minimised.
    pub objectives: Vec<f64>,
    /// Total constraint violation, 0 when feasible (must not be negative or NaN).
    pub violation: f64,
    /// Opaque data the problem wants to keep with the individual (e.g. per-seed KPIs).
    pub extra: Option<E>,
}

impl<E> Evaluation<E> {
    /// A feasible evaluation without extra data.
    pub fn feasible(objectives: Vec<f64>) -> Self {
        Self {
            objectives,
            violation: 0.0,
            extra: None,
        }
    }

    /// An evaluation with the given total constraint violation.
    pub fn with_violation(objectives: Vec<f64>, violation: f64) -> Self {
        Self {
            objectives,
            violation,
            extra: None,
        }
    }

    /// Attach extra data.
    pub fn with_extra(mut self, extra: E) -> Self {
        self.extra = Some(extra);
        self
    }
}

/// A multi-objective problem: how to make, vary and score genotypes.
///
/// Variation belongs to the problem because only it knows the genotype's structure
/// (the real-valued [`crate::operators`] are reusable building blocks for it).
/// `evaluate` is called from rayon worker threads; it must be a pure function of the
/// genotype and the context.
pub trait Problem: Sync {
    /// The genotype. Equality is used to retry mutation until a child differs from its
    /// parents.
    type Genotype: Clone + PartialEq + Send + Sync;
    /// Opaque per-individual data returned by the evaluation.
    type Extra: Clone + Send + Sync;
    /// The evaluation's error type (an error aborts the generation).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Number of objectives every evaluation returns.
    fn num_objectives(&self) -> usize;

    /// A uniformly random genotype.
    fn random_genotype(&self, rng: &mut MooRng) -> Self::Genotype;

    /// Two children from two parents (may return copies of the parents).
    fn crossover(
        &self,
        a: &Self::Genotype,
        b: &Self::Genotype,
        rng: &mut MooRng,
    ) -> (Self::Genotype, Self::Genotype);

    /// Mutate a child in place.
    fn mutate(&self, genotype: &mut Self::Genotype, rng: &mut MooRng);

    /// Score one genotype.
    fn evaluate(
        &self,
        genotype: &Self::Genotype,
        context: &EvalContext,
    ) -> Result<Evaluation<Self::Extra>, Self::Error>;
}

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The evaluation seed of individual `id` in a run seeded with `run_seed`.
pub fn evaluation_seed(run_seed: u64, id: u64) -> u64 {
    splitmix64(run_seed ^ splitmix64(id.wrapping_add(0x5EED)))
}
