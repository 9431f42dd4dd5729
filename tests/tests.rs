//! End-to-end tests, in one binary: the `tsynth` command line (`*_cli`, `front_report`), and
//! the search loops on the pool domain (`search_*`).
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

mod cli_support;
mod front_support;

mod attack_cli;
mod common_args_cli;
mod compile_cli;
mod criteria_cli;
mod domain_vault_cli;
mod evolve_cli;
mod front_cli;
mod front_report;
mod grammar_cli;
mod search_evolve;
mod search_tune_design_fee;
mod search_tune_design_space;
mod search_tune_optimisers;
mod sim_cli;
mod tune_cli;
mod verify_cli;
