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
    /// Total constraint violation, 0 when feasible. Negative values are an error; NaN or
    /// +∞ make the individual infeasible ([`InfeasibleReason::NonFiniteViolation`]).
    /// NaN or ±∞ objectives make it infeasible too ([`InfeasibleReason`]).
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

/// Why the engine declared an evaluation infeasible on its own: the problem returned a
/// value that cannot be ranked. The run goes on; the individual is kept (so it is counted
/// and visible) but ranks below every individual with finite values.
///
/// The engine replaces every non-finite objective of such an individual by `f64::MAX`
/// and its violation by `f64::MAX`, so the stored values stay finite (and serialisable to
/// JSON); the reason records what was returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InfeasibleReason {
    /// Objective `index` (the first non-finite one) was NaN.
    NanObjective {
        /// Index of the objective.
        index: usize,
    },
    /// Objective `index` (the first non-finite one) was +∞ or −∞.
    InfiniteObjective {
        /// Index of the objective.
        index: usize,
        /// True for +∞, false for −∞.
        positive: bool,
    },
    /// The total constraint violation was NaN or +∞.
    NonFiniteViolation,
}

impl std::fmt::Display for InfeasibleReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NanObjective { index } => write!(f, "objective {index} is NaN"),
            Self::InfiniteObjective { index, positive } => {
                let sign = if *positive { '+' } else { '-' };
                write!(f, "objective {index} is {sign}inf")
            }
            Self::NonFiniteViolation => write!(f, "constraint violation is not finite"),
        }
    }
}

impl InfeasibleReason {
    /// The reason an evaluation with these values cannot be ranked, if any (objectives
    /// first, in index order).
    pub fn of(objectives: &[f64], violation: f64) -> Option<Self> {
        for (index, &v) in objectives.iter().enumerate() {
            if v.is_nan() {
                return Some(Self::NanObjective { index });
            }
            if v.is_infinite() {
                return Some(Self::InfiniteObjective {
                    index,
                    positive: v > 0.0,
                });
            }
        }
        if !violation.is_finite() {
            return Some(Self::NonFiniteViolation);
        }
        None
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

    /// The evaluation tier of a layer (default: 0 for every layer). A problem whose older
    /// layers score on more conditions (MOJITO-R's variation-aware schedule) returns a
    /// higher tier for them. An individual that moves up into a layer of another tier than
    /// the one it was scored at is scored again for that layer before the layer's survival,
    /// so every layer compares like with like; only individuals scored at the top tier
    /// (the highest of any layer) enter the archive.
    fn tier(&self, _layer: usize) -> u32 {
        0
    }

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
