//! Typed errors of the search crate.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong in a search run (never a candidate's own failure: those make
/// the candidate infeasible and the run goes on).
#[derive(Debug, Error)]
pub enum SearchError {
    /// Reading or writing a file of the run directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A run-directory file could not be (de)serialised.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read as UTF-8 text (the message names the path once).
    #[error(transparent)]
    Text(#[from] tsynth_text::TextError),
    /// A configuration file or value is invalid (`FILE:LINE:COL: message` when from a file).
    #[error("{0}")]
    Config(String),
    /// The grammar or a design file could not be loaded.
    #[error(transparent)]
    Grammar(#[from] tsynth_grammar::GrammarError),
    /// The scenario is invalid.
    #[error(transparent)]
    Scenario(#[from] tsynth_sim::scenario::ScenarioError),
    /// The simulator could not be built (scenario, environment, selection of metrics).
    #[error(transparent)]
    Simulator(#[from] tsynth_sim::SimError),
    /// The compiler service could not start.
    #[error(transparent)]
    Compiler(#[from] tsynth_solc::SolcError),
    /// The multi-objective engine rejected its configuration or an evaluation.
    #[error(transparent)]
    Engine(#[from] tsynth_moo::MooError),
    /// A resume was asked for a run that cannot be continued.
    #[error("cannot resume {path}: {message}")]
    Resume {
        /// The run directory.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, SearchError>;

impl SearchError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// A format error on `path`.
    pub fn format(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        Self::Format {
            path: path.into(),
            message: message.to_string(),
        }
    }
}
