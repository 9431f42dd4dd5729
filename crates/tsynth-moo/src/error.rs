//! Typed errors of the multi-objective engine.

use thiserror::Error;

/// Every error the engine, the indicators and the archive can report.
#[derive(Debug, Error)]
pub enum MooError {
    /// A point, a reference point or an evaluation had the wrong number of objectives.
    #[error("{what}: expected {expected} objectives, got {got}")]
    DimensionMismatch {
        /// Which input was wrong (e.g. "reference point", "point 3").
        what: String,
        /// The number of objectives expected.
        expected: usize,
        /// The number found.
        got: usize,
    },
    /// An objective value or a constraint violation was NaN, or a violation was negative.
    #[error("{what}: invalid value {value} ({reason})")]
    InvalidValue {
        /// Which input was wrong.
        what: String,
        /// The offending value.
        value: f64,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The engine configuration cannot be used.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The problem's evaluation failed for one individual.
    #[error("evaluation of individual {id} (generation {generation}) failed: {source}")]
    Evaluation {
        /// Identifier of the individual.
        id: u64,
        /// Generation in which it was evaluated.
        generation: u64,
        /// The problem's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, MooError>;
