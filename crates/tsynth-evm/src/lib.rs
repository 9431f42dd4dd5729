#![cfg_attr(not(test), warn(unused_crate_dependencies))]
#![warn(missing_docs)]
//! # tsynth-evm — the EVM world of tsynth
//!
//! An in-memory Ethereum state over [revm] 43 with one reusable EVM instance per [`World`]:
//! deploy contracts with constructor arguments, call and commit, dry-run (no state change),
//! fork the whole state cheaply, move block number and time, fund accounts, read ERC-20
//! balances. Reverts come back as typed [`RevertReason`]s (`Error(string)`, `Panic` with its
//! code and name, custom errors by selector — and by name given a JSON ABI — or empty);
//! out-of-gas and other halts are typed [`EvmError`]s.
//!
//! ABI: static bindings with alloy's `sol!` ([`bindings::IERC20`]; a domain binds its own interfaces)
//! through [`World::call_sol`], and dynamic calls from solc's JSON ABI through
//! [`World::call_dyn`] / [`World::deploy_dyn`].
//!
//! Execution settings (hardfork, gas, disabled checks) are documented on [`World`] and
//! [`WorldConfig`].
//!
//! ```
//! use tsynth_evm::{Address, U256, World};
//!
//! let mut world = World::new();
//! let alice = Address::repeat_byte(0xa1);
//! world.fund(alice, U256::from(10u64).pow(U256::from(18u64)));
//! world.advance(1, 12);
//! assert_eq!(world.block_number(), 2);
//! let fork = world.fork();
//! world.fund(alice, U256::ZERO);
//! assert_eq!(fork.balance(alice), U256::from(10u64).pow(U256::from(18u64)));
//! ```

pub mod abi;
pub mod bindings;
pub mod config;
pub mod erc20;
pub mod error;
pub mod revert;
pub mod world;

pub use abi::{encode_call, encode_constructor_args, parse_json_abi, resolve_function};
pub use config::{DEFAULT_SPEC, EIP7825_TX_GAS_CAP, WorldConfig};
pub use error::{AbiError, EvmError};
pub use revert::{RevertReason, panic_name};
pub use world::{CallOutput, Snapshot, TxRequest, World};

/// Dynamic ABI values and the JSON ABI type (re-exported from alloy).
pub use alloy_dyn_abi::{DynSolType, DynSolValue};
pub use alloy_json_abi::JsonAbi;
/// Primitive types callers need (re-exported from alloy).
pub use alloy_primitives::{Address, B256, Bytes, Log, U256, address, hex};
/// `sol!` traits, so callers can use the bindings without a direct alloy dependency.
pub use alloy_sol_types::{SolCall, SolError, SolEvent, sol};
/// revm's hardfork ids and halt reasons, which appear in this crate's API.
pub use revm::context::result::HaltReason;
pub use revm::primitives::hardfork::SpecId;
