//! `tsynth-vault` — staking vaults with a reward stream, as a tsynth domain: the second,
//! deliberately small one, written as the template for a new mechanism (see
//! `docs/domains.md`).
//!
//! Savers deposit an asset for shares; a reward stream accrues tokens every second and
//! anyone may `harvest()` them into the vault. The attack is the harvest sandwich: deposit
//! just before a harvest, withdraw right after. The grammar (`grammars/vault.grammar`, 12
//! structures) chooses when harvested profit counts, what an exit costs and what an entry
//! costs; the blocks are in this crate's `blocks/` folder.
//!
//! * [`domain`]: [`VaultDomain`], the [`tsynth_sim::Domain`] implementation.
//! * [`scenario`]: the scenario schema (`scenarios/vault.toml`).
//! * [`deploy`]: the environment and the candidate's set-up.
//! * [`agents`], [`adversary`]: savers and the keeper; the harvest sandwich.
//! * [`metrics`]: metric declarations and the default selection.
//! * [`bindings`]: the ABIs agents use.

#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod adversary;
pub mod agents;
pub mod bindings;
pub mod deploy;
pub mod domain;
pub mod metrics;
pub mod scenario;

pub use domain::VaultDomain;
pub use scenario::Scenario;

/// The domain's registry entry (for the CLI).
pub fn entry() -> tsynth_sim::Entry<VaultDomain> {
    tsynth_sim::Entry::new(
        VaultDomain,
        "staking vaults with a reward stream, attacked by a harvest sandwich (the small template domain)",
    )
}
