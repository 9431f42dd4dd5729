//! tsynth-solc: the compiler service.
//!
//! Compiles sets of Solidity sources with solc 0.8.x — a native `solc` of the pinned
//! version when one is available, else a pool of long-lived `node` workers running the
//! pinned solc-js (`tools/solc-js`, installed with `npm ci` on first use) — and caches the
//! results in memory and on disk under a content hash of compiler version, settings and
//! every source.
//!
//! ```no_run
//! use tsynth_solc::{Compiler, CompileRequest};
//! let compiler = Compiler::shared()?;
//! let req = CompileRequest::single("A.sol", "contract A { function f() external {} }");
//! let out = compiler.compile(&req)?;
//! let a = out.contract("A").expect("A was compiled");
//! assert!(!a.deployed_bytecode.is_empty());
//! # Ok::<(), tsynth_solc::SolcError>(())
//! ```
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod cache;
mod compiler;
mod diagnostics;
mod error;
mod imports;
mod install;
mod native;
mod output;
mod pool;
mod request;
mod worker;

pub use alloy_json_abi::JsonAbi;
pub use alloy_primitives::Bytes;
pub use cache::cache_key;
pub use compiler::{
    BackendKind, CACHE_ENV, Compiler, CompilerConfig, CompilerStats, DiskCacheConfig, NativeSolc,
};
pub use diagnostics::{CompileFailed, Diagnostic, Severity, line_col};
pub use error::SolcError;
pub use imports::{ImportDirective, SourceSet, load_with_imports, scan_imports};
pub use install::{SOLC_JS_DIR_ENV, ensure_installed, locate_solc_js, pinned_version};
pub use native::SOLC_ENV;
pub use output::{CacheOrigin, CompileOutput, ContractArtifact};
pub use request::{CompileRequest, EvmVersion, Settings};
