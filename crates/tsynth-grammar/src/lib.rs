//! `tsynth-grammar` — the grammar engine of tsynth.
//!
//! A grammar (`*.grammar`, see `docs/grammar.md`) names a core contract, the slots of hooks
//! the core leaves open, the Solidity building blocks that fill each slot (with typed
//! parameters), choices among parts and compounds of parts. [`Library::load`] parses and
//! validates it (including the blocks' Solidity, with `solang-parser`); the library then
//! defines MOJITO's flat [`Genotype`], which [`Library::decode`]s into a [`Derivation`]
//! that [`Library::emit`] turns into a `Candidate.sol` source set, typed constructor
//! arguments and hashes. [`operators`] holds the variation operators and [`design`] the
//! readable design files.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]
#![warn(missing_docs)]

pub mod ast;
pub mod design;
pub mod emit;
pub mod error;
pub mod expr;
pub mod genotype;
mod lexer;
pub mod library;
pub mod limits;
pub mod operators;
pub mod param;
mod parser;
pub mod solidity;
pub mod tree;
pub mod wad;

/// Re-exported so callers can build and match [`AbiArg`] values.
pub use alloy_primitives;
pub use ast::{ParamType, Scale};
pub use design::{Design, DesignError};
pub use emit::{AbiArg, CANDIDATE_CONTRACT, CANDIDATE_UNIT, CtorParam, Emitted, param_words};
pub use error::{ErrorKind, GrammarDiagnostic, GrammarError, Pos};
pub use genotype::{ChosenBlock, Derivation, Genotype, GenotypeError};
pub use library::{Block, BlockId, Core, Library, Part, PartId, PartKind, Slot};
pub use param::{ParamSpec, Value};
pub use tree::{Tree, VarKind, Variable};
