//! tsynth-evm's integration tests, in one binary: the world (deploy, call, dry run, fork,
//! block time), revert decoding (with properties), and dynamic ABI calls.
#![allow(unreachable_pub)] // fixtures are shared between modules, not exported

mod common;

mod dynamic_abi;
mod revert_props;
mod reverts;
mod world;
