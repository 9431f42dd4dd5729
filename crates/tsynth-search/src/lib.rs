//! `tsynth-search` — the evolve and tune loops, the evaluation pipeline (genotype → derivation
//! → compile → simulate → objectives), and the run directory (`runs/<id>/`).
//!
//! * [`rundir`]: the run directory format shared by `evolve`, `tune` and `front`; every write
//!   atomic.
//! * [`pipeline`]: genotype → derivation → compile (cached by structure) → simulate on seeds →
//!   objectives and constraints; failures make a candidate infeasible with a reason.
//! * [`problem`]: the grammar as a `tsynth_moo::Problem` (MOJITO operators, MOJITO-R seeds).
//! * [`evolve`]: the synthesis loop with checkpoint/resume, held-out re-score, comparison.
//! * [`tune`]: the local tuning optimisers of one design's parameters (pattern search, local
//!   NSGA-II), objective bounds, weights, sensitivity.
//! * [`tuner`]: the tuning run (`tsynth tune`) over a run directory, symmetric to [`Evolver`].
//! * [`variation`]: variation-aware synthesis (corners and Monte Carlo conditions, MOJITO-R).
//! * [`config`]: the evolve configuration (defaults, TOML file with positioned errors).
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod config;
pub mod error;
pub mod evolve;
pub mod hall;
pub mod pipeline;
pub mod problem;
pub mod rundir;
pub mod tune;
pub mod tuner;
pub mod variation;

pub use config::{EngineMode, EngineSettings, SearchConfig};
pub use error::{Result, SearchError};
pub use evolve::{Comparison, Evolver, NewRun, RunStatus};
pub use pipeline::{Pipeline, Scored};
pub use rundir::{
    Aggregation, ArchiveFile, ArchiveMember, GenerationRecord, ObjectiveScores, ParamRecord,
    PathRecord, RunConfig, RunDir, Score, write_atomic,
};
pub use tuner::{NewTune, TuneConfig, TuneReport, Tuner};
