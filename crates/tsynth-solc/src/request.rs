//! What to compile: a set of sources plus compiler settings, and the standard-JSON input
//! built from them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SolcError;
use crate::imports;

/// Target EVM version (solc's `evmVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvmVersion {
    /// Paris (the merge).
    Paris,
    /// Shanghai (PUSH0).
    Shanghai,
    /// Cancun (transient storage, MCOPY). The default.
    #[default]
    Cancun,
    /// Prague.
    Prague,
}

impl EvmVersion {
    /// solc's name for this version.
    pub fn as_str(self) -> &'static str {
        match self {
            EvmVersion::Paris => "paris",
            EvmVersion::Shanghai => "shanghai",
            EvmVersion::Cancun => "cancun",
            EvmVersion::Prague => "prague",
        }
    }
}

impl fmt::Display for EvmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EvmVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "paris" => Ok(EvmVersion::Paris),
            "shanghai" => Ok(EvmVersion::Shanghai),
            "cancun" => Ok(EvmVersion::Cancun),
            "prague" => Ok(EvmVersion::Prague),
            other => Err(format!(
                "unknown EVM version `{other}` (expected paris, shanghai, cancun or prague)"
            )),
        }
    }
}

/// Compiler settings that change the output (part of the cache key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Settings {
    /// Run the optimizer.
    pub optimize: bool,
    /// Optimizer `runs` parameter (used only when `optimize` is set).
    pub optimizer_runs: u32,
    /// Target EVM version.
    pub evm_version: EvmVersion,
    /// Compile through the Yul IR pipeline.
    pub via_ir: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            optimize: false,
            optimizer_runs: 200,
            evm_version: EvmVersion::default(),
            via_ir: false,
        }
    }
}

impl Settings {
    /// Default settings with the optimizer switched on (200 runs).
    pub fn optimized() -> Self {
        Settings {
            optimize: true,
            ..Settings::default()
        }
    }
}

/// One compile: every source the compile needs (source unit name → content) and settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompileRequest {
    /// Source unit name (as used in import directives) → Solidity text.
    pub sources: BTreeMap<String, String>,
    /// Compiler settings.
    pub settings: Settings,
}

impl CompileRequest {
    /// A request for the given sources with default settings.
    pub fn new(sources: BTreeMap<String, String>) -> Self {
        CompileRequest {
            sources,
            settings: Settings::default(),
        }
    }

    /// A request with a single source.
    pub fn single(name: impl Into<String>, content: impl Into<String>) -> Self {
        let mut sources = BTreeMap::new();
        sources.insert(name.into(), content.into());
        CompileRequest::new(sources)
    }

    /// Replace the settings.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Read `path` and every file it imports (recursively) from disk.
    ///
    /// Relative imports (`./x.sol`, `../x.sol`) resolve against the importing file, as solc
    /// does; other imports are looked up in the current directory, then in each of
    /// `include_dirs`. Source unit names are paths relative to the current directory when
    /// `path` is relative, stays inside it and no relative import climbs above it; else
    /// every file read through a relative path gets its absolute path as unit name.
    pub fn from_file(path: &Path, include_dirs: &[&Path]) -> Result<Self, SolcError> {
        let sources = imports::load_with_imports(path, include_dirs)?;
        Ok(CompileRequest::new(sources.sources))
    }

    /// The standard-JSON input document for this request.
    pub(crate) fn standard_json(&self) -> String {
        let mut sources = serde_json::Map::new();
        for (name, content) in &self.sources {
            sources.insert(name.clone(), serde_json::json!({ "content": content }));
        }
        let s = &self.settings;
        let mut settings = serde_json::json!({
            "optimizer": { "enabled": s.optimize, "runs": s.optimizer_runs },
            "evmVersion": s.evm_version.as_str(),
            "outputSelection": {
                "*": {
                    "*": [
                        "abi",
                        "evm.bytecode.object",
                        "evm.deployedBytecode.object",
                        "evm.methodIdentifiers"
                    ]
                }
            }
        });
        if s.via_ir {
            settings["viaIR"] = serde_json::Value::Bool(true);
        }
        serde_json::json!({
            "language": "Solidity",
            "sources": sources,
            "settings": settings,
        })
        .to_string()
    }
}
