//! tsynth-moo: the multi-objective engine of tsynth.
//!
//! * [`Problem`]: generic genotype, problem-provided variation, evaluation returning
//!   objectives (minimised), total constraint violation and opaque extra data.
//! * [`Engine`]: step-wise NSGA-II / NSGA-III / SMS-EMOA-style survival ([`Survival`],
//!   chosen by objective count by default), permutation binary tournaments,
//!   optionally inside ALPS age layers ([`AlpsConfig`],
//!   MOJITO's defaults), constrained domination, Pareto [`Archive`], serde-serialisable
//!   state for exact resume, rayon batch evaluation independent of the thread count.
//! * Indicators: exact [`hypervolume()`] (2-D/3-D O(n log n), WFG for ≥ 4-D),
//!   [`hypervolume_contributions`], [`igd`], [`igd_plus`].
//! * Operators: [`Sbx`], [`PolynomialMutation`] (pymoo defaults), [`GaussianMutation`].
//! * Test problems: ZDT1–4, ZDT6, DTLZ1–2 with analytic fronts ([`problems`]).
#![cfg_attr(not(test), warn(unused_crate_dependencies))]
#![deny(missing_docs)]

pub mod alps;
pub mod archive;
pub mod crowding;
pub mod dominance;
pub mod engine;
pub mod error;
pub mod hypervolume;
pub mod indicators;
pub mod individual;
pub mod nsga3;
pub mod operators;
pub mod problem;
pub mod problems;
pub mod real;
pub mod selection;
pub mod sorting;
pub mod survival;

/// The random number generator used for selection and variation.
pub type MooRng = rand_chacha::ChaCha8Rng;

pub use alps::{AgeLimits, AlpsConfig};
pub use archive::Archive;
pub use crowding::{Crowding, crowding_distance};
pub use dominance::Dominance;
pub use engine::{
    Duplicates, Engine, EngineConfig, EngineState, Front, FrontStatus, GenerationStats, Mode,
};
pub use error::{MooError, Result};
pub use hypervolume::{hypervolume, hypervolume_contributions};
pub use indicators::{igd, igd_plus};
pub use individual::Individual;
pub use nsga3::{Normalize, ReferenceDirections};
pub use operators::{GaussianMutation, PolynomialMutation, Sbx};
pub use problem::{EvalContext, Evaluation, InfeasibleReason, Problem, evaluation_seed};
pub use real::{RealFunction, RealProblem, RealProblemError};
pub use selection::{PermutationTournament, TournamentRule};
pub use sorting::{NonDominatedSorter, non_dominated_sort};
pub use survival::{Survival, Truncation};
