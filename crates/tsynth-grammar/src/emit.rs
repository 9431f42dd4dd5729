//! Emission of a derivation: the generated `Candidate.sol`, the source set solc needs,
//! typed constructor arguments and the structure / full hashes.

use crate::ast::ParamType;
use crate::genotype::Derivation;
use crate::library::Library;
use crate::param::Value;
use crate::wad::{WadError, to_wad};
use alloy_primitives::U256;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Source unit name of the generated contract.
pub const CANDIDATE_UNIT: &str = "Candidate.sol";
/// Name of the generated contract.
pub const CANDIDATE_CONTRACT: &str = "Candidate";

/// A constructor argument, ready for ABI encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AbiArg {
    /// `uint256` (reals as 1e18 fixed point).
    Uint(U256),
    /// `bool`.
    Bool(bool),
}

/// One parameter of the candidate's constructor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtorParam {
    /// Solidity name in `Candidate.sol`.
    pub name: String,
    /// Solidity type.
    pub sol_type: String,
}

/// Everything the compiler and the simulator need for one derivation.
#[derive(Debug, Clone, PartialEq)]
pub struct Emitted {
    /// Source unit name → text: `Candidate.sol`, the core and every chosen block, with
    /// their imports.
    pub sources: BTreeMap<String, String>,
    /// Hash of the sources (the chosen blocks) — the compile-cache key; hex sha256.
    pub structure_hash: String,
    /// Hash of the structure and the constructor arguments; hex sha256.
    pub full_hash: String,
    /// Constructor parameters supplied by the deployer (the core's), first in the signature.
    pub core_params: Vec<CtorParam>,
    /// Block parameters, the elements of the constructor's last argument `uint256[] p`:
    /// `Block.param` names and the type each block's constructor takes.
    pub block_params: Vec<CtorParam>,
    /// Typed values of `block_params`.
    pub args: Vec<AbiArg>,
    /// The design's longest time-based schedule in seconds ([`Library::schedule_seconds`];
    /// 0 when no chosen block has a parameter in unit `"seconds"`).
    pub schedule_seconds: u64,
}

impl Emitted {
    /// The elements of the constructor's `uint256[] p` (bools as 0/1).
    pub fn param_words(&self) -> Vec<U256> {
        param_words(&self.args)
    }
}

/// `uint256` words of typed arguments (bools as 0/1), as passed in `uint256[] p`.
pub fn param_words(args: &[AbiArg]) -> Vec<U256> {
    args.iter()
        .map(|a| match a {
            AbiArg::Uint(u) => *u,
            AbiArg::Bool(b) => U256::from(*b as u8),
        })
        .collect()
}

fn encode_value(ty: ParamType, v: &Value) -> Result<AbiArg, WadError> {
    Ok(match (ty, v) {
        (_, Value::Bool(b)) => AbiArg::Bool(*b),
        (ParamType::Real, v) => AbiArg::Uint(to_wad(v.as_f64())?),
        (_, Value::Integer(i)) => AbiArg::Uint(U256::from(*i)),
        (_, Value::Real(r)) => AbiArg::Uint(U256::from(r.max(0.0).round() as u64)),
    })
}

fn core_arg_name(name: &str, i: usize) -> String {
    let base = name.trim_end_matches('_');
    if base.is_empty() {
        format!("core{i}_")
    } else {
        format!("{base}_")
    }
}

impl Library {
    /// Typed block parameters (the elements of the constructor's `uint256[] p`; the core's
    /// parameters come first and are the deployer's), in the order of
    /// [`Emitted::block_params`].
    pub fn constructor_args(&self, d: &Derivation) -> Result<Vec<AbiArg>, WadError> {
        let mut out = Vec::new();
        for cb in &d.blocks {
            for (spec, v) in self.blocks[cb.block].params.iter().zip(&cb.values) {
                out.push(encode_value(spec.ty, v)?);
            }
        }
        Ok(out)
    }

    /// The candidate's constructor parameters: (core params, block params carried in `p`).
    pub fn constructor_params(&self, d: &Derivation) -> (Vec<CtorParam>, Vec<CtorParam>) {
        let core = self
            .core
            .constructor
            .iter()
            .enumerate()
            .map(|(i, p)| CtorParam {
                name: core_arg_name(&p.name, i),
                sol_type: p.ty.clone(),
            })
            .collect();
        let blocks = d
            .blocks
            .iter()
            .flat_map(|cb| {
                let b = &self.blocks[cb.block];
                b.params.iter().map(move |p| CtorParam {
                    name: format!("{}.{}", b.name, p.name),
                    sol_type: p.ty.solidity_type().to_string(),
                })
            })
            .collect();
        (core, blocks)
    }

    /// Text of the generated `Candidate.sol` (depends on the structure only).
    ///
    /// The constructor is `constructor(<core params>, uint256[] memory p)`: the block
    /// parameters travel in one array (slot order, then each block's parameters in order;
    /// see `building-blocks/README.md` for why), and each block receives its slice
    /// (`bool` parameters as `p[k] != 0`).
    pub fn candidate_source(&self, d: &Derivation) -> String {
        let (core_params, block_params) = self.constructor_params(d);
        let mut s = String::new();
        s += "// SPDX-License-Identifier: MIT\n";
        s += &format!("// Generated by tsynth from grammar `{}`.\n", self.name);
        for cb in &d.blocks {
            let b = &self.blocks[cb.block];
            s += &format!("//   {:<12} {}\n", self.slots[b.slot].name, b.name);
        }
        s += "// Block parameters arrive in `p` (reals as 1e18 fixed point):\n";
        for (i, p) in block_params.iter().enumerate() {
            s += &format!("//   p[{i}] {}\n", p.name);
        }
        s += &format!("{}\n\n", self.pragma);
        s += &format!(
            "import {{{}}} from \"{}\";\n",
            self.core.name, self.core.unit
        );
        for cb in &d.blocks {
            let b = &self.blocks[cb.block];
            s += &format!("import {{{}}} from \"{}\";\n", b.name, b.unit);
        }
        let bases: Vec<&str> = std::iter::once(self.core.name.as_str())
            .chain(
                d.blocks
                    .iter()
                    .map(|cb| self.blocks[cb.block].name.as_str()),
            )
            .collect();
        s += &format!(
            "\ncontract {CANDIDATE_CONTRACT} is {} {{\n",
            bases.join(", ")
        );
        let mut sig: Vec<String> = core_params
            .iter()
            .map(|p| format!("{} {}", p.sol_type, p.name))
            .collect();
        sig.push("uint256[] memory p".to_string());
        s += &format!("    constructor({})\n", sig.join(", "));
        let core_args: Vec<&str> = core_params.iter().map(|p| p.name.as_str()).collect();
        s += &format!("        {}({})\n", self.core.name, core_args.join(", "));
        let mut k = 0;
        for cb in &d.blocks {
            let b = &self.blocks[cb.block];
            if b.params.is_empty() {
                continue;
            }
            let args: Vec<String> = b
                .params
                .iter()
                .enumerate()
                .map(|(j, p)| match p.ty {
                    ParamType::Bool => format!("p[{}] != 0", k + j),
                    _ => format!("p[{}]", k + j),
                })
                .collect();
            k += b.params.len();
            s += &format!("        {}({})\n", b.name, args.join(", "));
        }
        s += "    {}\n}\n";
        s
    }

    /// The source set for solc: `Candidate.sol` plus every unit it needs.
    pub fn source_set(&self, d: &Derivation) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        out.insert(CANDIDATE_UNIT.to_string(), self.candidate_source(d));
        let units = self.core_units.iter().chain(
            d.blocks
                .iter()
                .flat_map(|cb| self.block_units[cb.block].iter()),
        );
        for u in units {
            if let Some(t) = self.sources.get(u) {
                out.insert(u.clone(), t.clone());
            }
        }
        out
    }

    /// Hex sha256 of the source set: equal for equal structures, different when any chosen
    /// block (or its text) differs; independent of parameter values.
    pub fn structure_hash(&self, d: &Derivation) -> String {
        hash_sources(&self.source_set(d))
    }

    /// The longest time-based schedule of a derivation: the largest value of any chosen
    /// block's parameter whose unit is `"seconds"` (an auction's duration, a vesting's or a
    /// cliff's length, a lock, a fee decay), 0 when there is none. A simulation shorter
    /// than this judges the design before its schedule has run (the engine's
    /// `horizon_coverage`). Every block in `building-blocks/` ends its schedule at its
    /// largest "seconds" parameter (CliffVesting vests from initialize, so its cliff and
    /// its duration overlap); a block whose phases run one after the other should take its
    /// total as a parameter.
    pub fn schedule_seconds(&self, d: &Derivation) -> u64 {
        d.blocks
            .iter()
            .flat_map(|cb| self.blocks[cb.block].params.iter().zip(&cb.values))
            .filter(|(spec, _)| spec.unit == "seconds")
            .map(|(_, v)| v.as_f64().max(0.0).round() as u64)
            .max()
            .unwrap_or(0)
    }

    /// Emits everything for one derivation.
    pub fn emit(&self, d: &Derivation) -> Result<Emitted, WadError> {
        let sources = self.source_set(d);
        let structure_hash = hash_sources(&sources);
        let args = self.constructor_args(d)?;
        let full_hash = full_hash(&structure_hash, &args);
        let (core_params, block_params) = self.constructor_params(d);
        Ok(Emitted {
            sources,
            structure_hash,
            full_hash,
            core_params,
            block_params,
            args,
            schedule_seconds: self.schedule_seconds(d),
        })
    }
}

fn hash_sources(sources: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    for (k, v) in sources {
        h.update((k.len() as u64).to_le_bytes());
        h.update(k.as_bytes());
        h.update((v.len() as u64).to_le_bytes());
        h.update(v.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Hex sha256 of a structure hash and constructor arguments.
pub fn full_hash(structure_hash: &str, args: &[AbiArg]) -> String {
    let mut h = Sha256::new();
    h.update(structure_hash.as_bytes());
    for a in args {
        match a {
            AbiArg::Uint(u) => {
                h.update([0u8]);
                h.update(u.to_be_bytes::<32>());
            }
            AbiArg::Bool(b) => h.update([1u8, *b as u8]),
        }
    }
    hex::encode(h.finalize())
}
