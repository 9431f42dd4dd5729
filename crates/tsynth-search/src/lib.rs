//! `tsynth-search` — the evolve and tune loops, the evaluation pipeline (genotype → derivation
//! → compile → simulate → objectives), and the run directory (`runs/<id>/`).
//!
//! * [`rundir`]: the run directory format shared by `evolve`, `tune` and `front`; every write
//!   atomic.

pub mod error;
pub mod rundir;
pub mod tune;

pub use error::{Result, SearchError};
pub use rundir::{
    Aggregation, ArchiveFile, ArchiveMember, GenerationRecord, ObjectiveScores, ParamRecord,
    PathRecord, RunConfig, RunDir, Score, write_atomic,
};
