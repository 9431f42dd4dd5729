//! Compile results: per-contract artifacts parsed from solc's standard-JSON output.

use std::collections::BTreeMap;
use std::fmt;

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Bytes, hex};
use serde::{Deserialize, Serialize};

use crate::diagnostics::{self, CompileFailed, Diagnostic};
use crate::error::SolcError;

/// Where a compile result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheOrigin {
    /// The in-process memory cache.
    Memory,
    /// The on-disk cache.
    Disk,
    /// A fresh compile by solc.
    Compiled,
}

impl CacheOrigin {
    /// True when no compiler was run.
    pub fn is_cached(self) -> bool {
        self != CacheOrigin::Compiled
    }
}

impl fmt::Display for CacheOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CacheOrigin::Memory => "memory cache",
            CacheOrigin::Disk => "disk cache",
            CacheOrigin::Compiled => "compiled",
        })
    }
}

/// One compiled contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractArtifact {
    /// Contract name.
    pub name: String,
    /// Source unit that defines it.
    pub source_file: String,
    /// The ABI.
    pub abi: JsonAbi,
    /// Creation (init) code; empty for interfaces and abstract contracts.
    pub bytecode: Bytes,
    /// Runtime code; empty for interfaces and abstract contracts.
    pub deployed_bytecode: Bytes,
    /// Function signature (e.g. `transfer(address,uint256)`) → 4-byte selector as hex.
    pub method_identifiers: BTreeMap<String, String>,
    /// True when the bytecode referenced external libraries; their address placeholders
    /// were replaced by zero addresses.
    pub needs_linking: bool,
}

impl ContractArtifact {
    /// `file:Name`, solc's fully qualified name.
    pub fn qualified_name(&self) -> String {
        format!("{}:{}", self.source_file, self.name)
    }

    /// True for interfaces and abstract contracts (no creation code).
    pub fn is_abstract(&self) -> bool {
        self.bytecode.is_empty()
    }

    /// Function signatures, sorted.
    pub fn function_signatures(&self) -> Vec<&str> {
        self.method_identifiers.keys().map(String::as_str).collect()
    }
}

/// The cacheable part of a compile: artifacts and diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CompileResult {
    pub contracts: Vec<ContractArtifact>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileResult {
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A successful compile.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileOutput {
    /// Every contract of every source, sorted by (source file, name).
    pub contracts: Vec<ContractArtifact>,
    /// Warnings and infos (a successful compile has no errors).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the result came from.
    pub origin: CacheOrigin,
    /// Hex cache key (hash of compiler version, settings and sources).
    pub cache_key: String,
    /// The compiler version used (e.g. `0.8.30`).
    pub compiler_version: String,
}

impl CompileOutput {
    /// The contract called `name` (the first in source-file order if several files define
    /// one), or, with `name` of the form `file:Name`, that exact contract.
    pub fn contract(&self, name: &str) -> Option<&ContractArtifact> {
        match name.rsplit_once(':') {
            Some((file, n)) => self
                .contracts
                .iter()
                .find(|c| c.source_file == file && c.name == n),
            None => self.contracts.iter().find(|c| c.name == name),
        }
    }

    /// Contracts with creation code (not interfaces or abstract contracts).
    pub fn deployable(&self) -> impl Iterator<Item = &ContractArtifact> {
        self.contracts.iter().filter(|c| !c.is_abstract())
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == diagnostics::Severity::Warning)
    }
}

fn decode_code(obj: &str, what: &str, contract: &str) -> Result<(Bytes, bool), SolcError> {
    let mut linked = false;
    let cleaned: std::borrow::Cow<'_, str> = if obj.contains("__") {
        // Library placeholders are 40 hex characters: `__$<34 hex>$__`.
        linked = true;
        let mut s = String::with_capacity(obj.len());
        let mut rest = obj;
        while let Some(p) = rest.find("__") {
            s.push_str(&rest[..p]);
            let end = (p + 40).min(rest.len());
            s.push_str(&"0".repeat(end - p));
            rest = &rest[end..];
        }
        s.push_str(rest);
        s.into()
    } else {
        obj.into()
    };
    let bytes = hex::decode(cleaned.as_ref())
        .map_err(|e| SolcError::Protocol(format!("{what} of {contract} is not hex: {e}")))?;
    Ok((Bytes::from(bytes), linked))
}

/// Parse solc's standard-JSON output for `sources`.
pub(crate) fn parse_standard_json(
    output: &str,
    sources: &BTreeMap<String, String>,
) -> Result<CompileResult, SolcError> {
    let v: serde_json::Value = serde_json::from_str(output)
        .map_err(|e| SolcError::Protocol(format!("output is not JSON: {e}")))?;
    let errors = v
        .get("errors")
        .and_then(|e| e.as_array())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let diagnostics = diagnostics::from_solc_errors(errors, sources);
    let mut contracts = Vec::new();
    if let Some(files) = v.get("contracts").and_then(|c| c.as_object()) {
        for (file, by_name) in files {
            let Some(by_name) = by_name.as_object() else {
                continue;
            };
            for (name, c) in by_name {
                let abi: JsonAbi = match c.get("abi") {
                    Some(a) => serde_json::from_value(a.clone()).map_err(|e| {
                        SolcError::Protocol(format!("ABI of {file}:{name} does not parse: {e}"))
                    })?,
                    None => JsonAbi::new(),
                };
                let obj = |k: &str| {
                    c.pointer(&format!("/evm/{k}/object"))
                        .and_then(|o| o.as_str())
                        .unwrap_or("")
                };
                let (bytecode, l1) = decode_code(obj("bytecode"), "bytecode", name)?;
                let (deployed_bytecode, l2) =
                    decode_code(obj("deployedBytecode"), "deployedBytecode", name)?;
                let method_identifiers = c
                    .pointer("/evm/methodIdentifiers")
                    .and_then(|m| m.as_object())
                    .map(|m| {
                        m.iter()
                            .filter_map(|(sig, sel)| Some((sig.clone(), sel.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                contracts.push(ContractArtifact {
                    name: name.clone(),
                    source_file: file.clone(),
                    abi,
                    bytecode,
                    deployed_bytecode,
                    method_identifiers,
                    needs_linking: l1 || l2,
                });
            }
        }
    }
    contracts.sort_by(|a, b| (&a.source_file, &a.name).cmp(&(&b.source_file, &b.name)));
    let result = CompileResult {
        contracts,
        diagnostics,
    };
    if result.contracts.is_empty() && !result.has_errors() && v.get("sources").is_none() {
        return Err(SolcError::Protocol(
            "output has neither contracts, sources nor errors".into(),
        ));
    }
    Ok(result)
}

impl CompileResult {
    /// Turn into the public result: an error when there are error diagnostics.
    pub(crate) fn into_output(
        self,
        origin: CacheOrigin,
        cache_key: String,
        compiler_version: String,
    ) -> Result<CompileOutput, SolcError> {
        if self.has_errors() {
            return Err(SolcError::Compile(CompileFailed {
                diagnostics: self.diagnostics,
            }));
        }
        Ok(CompileOutput {
            contracts: self.contracts,
            diagnostics: self.diagnostics,
            origin,
            cache_key,
            compiler_version,
        })
    }
}
