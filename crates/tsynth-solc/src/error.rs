//! Typed errors of the compiler service.

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostics::CompileFailed;

/// Everything that can go wrong while finding, installing or running solc.
#[derive(Debug, thiserror::Error)]
pub enum SolcError {
    /// The solc-js project directory (`tools/solc-js/package.json`) was not found.
    #[error(
        "cannot find the solc-js project (tools/solc-js/package.json); searched: {}. \
         Set TSYNTH_SOLC_JS_DIR to the directory that holds its package.json",
        display_paths(searched)
    )]
    SolcJsNotFound {
        /// Every directory that was tried, in order.
        searched: Vec<PathBuf>,
    },

    /// `tools/solc-js/package.json` does not pin an exact `solc` version.
    #[error("{}: {reason}", path.display())]
    BadPackageJson {
        /// The package.json that was read.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A required program (`node` or `npm`) could not be started.
    #[error(
        "cannot run `{program}`: {error}. tsynth compiles Solidity with solc-js and needs \
         Node.js (>= 18) with npm on PATH: install them (e.g. `apt-get install nodejs npm`), \
         or put a native solc {version} on PATH / name it with TSYNTH_SOLC"
    )]
    ToolMissing {
        /// The program that failed to start.
        program: String,
        /// The solc version that would be needed natively.
        version: String,
        /// The underlying I/O error (part of the message, so not a `source()`).
        error: std::io::Error,
    },

    /// `npm ci` failed.
    #[error("`npm ci` in {} failed ({status}):\n{output}", dir.display())]
    Install {
        /// The solc-js directory.
        dir: PathBuf,
        /// Exit status description.
        status: String,
        /// Captured stderr/stdout tail.
        output: String,
    },

    /// A file-system operation failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error (part of the message, so not a `source()`).
        error: std::io::Error,
    },

    /// A source file is not valid UTF-8 (`PATH:LINE:COL: invalid UTF-8 ...`).
    #[error(transparent)]
    Text(tsynth_text::TextError),

    /// An imported file could not be found on disk.
    #[error(
        "{}:{line}: import \"{import}\" not found (looked in: {})",
        importer.display(),
        display_paths(searched)
    )]
    ImportNotFound {
        /// The file containing the import directive.
        importer: PathBuf,
        /// 1-based line of the import directive.
        line: u32,
        /// The import path as written.
        import: String,
        /// Every candidate path that was tried.
        searched: Vec<PathBuf>,
    },

    /// A compiler worker could not be started or stopped answering.
    #[error("solc worker: {0}")]
    Worker(String),

    /// A compile did not finish within the configured timeout.
    #[error("solc did not answer within {0:?} (the worker was killed and will be restarted)")]
    Timeout(Duration),

    /// The compiler that was started reports a different version than the one pinned.
    #[error("solc version mismatch: expected {expected}, the compiler reports {found}")]
    VersionMismatch {
        /// The pinned version.
        expected: String,
        /// The reported version.
        found: String,
    },

    /// The compiler answered something that is not valid standard-JSON output.
    #[error("unexpected solc output: {0}")]
    Protocol(String),

    /// A native solc binary failed to run.
    #[error("native solc {}: {reason}", path.display())]
    Native {
        /// The binary.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// The compile failed with error diagnostics.
    #[error(transparent)]
    Compile(#[from] CompileFailed),
}

impl SolcError {
    /// The compile diagnostics, when this is a compile failure.
    pub fn compile_failure(&self) -> Option<&CompileFailed> {
        match self {
            SolcError::Compile(c) => Some(c),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        SolcError::Io {
            path: path.into(),
            error,
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(nothing)".to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
