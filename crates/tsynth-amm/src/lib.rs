//! `tsynth-amm` — the Ocean Market data-token pools as a tsynth domain.
//!
//! The pools (V3: Balancer V1 weighted pools; V4: one-sided staking, drained in July 2022;
//! V4.1: one-sided staking + Dutch auction + vested premine + soft cap) are compositions of
//! the building blocks in `building-blocks/`; this crate deploys them among an environment
//! (base token "OCEAN", datatoken), drives honest agents through ABI calls, lets adversaries
//! attack forks, and measures the metrics (slippage, volatility, rug risk, ...).
//!
//! * [`domain`]: [`AmmDomain`], the [`tsynth_sim::Domain`] implementation.
//! * [`scenario`]: the scenario schema (`scenarios/*.toml`).
//! * [`deploy`], [`setup`]: the environment and the candidate's deploy sequence.
//! * [`agents`]: transaction helpers every agent shares; [`intent`]: consumers, stakers and
//!   speculators with intent (or zero intelligence); [`publisher`]: the publisher's business;
//!   [`demand`]: the demand process; [`time`]: Poisson arrivals and time units.
//! * [`attack`]: the attack language, its executor at realisable value and the attack
//!   search (in-simulation screens, the end-of-run full search, `tsynth attack`);
//!   [`probes`]: honest measurements on forks (staking round trip, launch rush, end-of-run
//!   settlement).
//! * [`metrics`]: metric declarations and definitions.
//! * [`bindings`]: the `IDataPool` ABI.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod agents;
pub mod attack;
pub mod bindings;
pub mod demand;
pub mod deploy;
pub mod domain;
pub mod intent;
pub mod metrics;
pub mod probes;
pub mod publisher;
pub mod scenario;
pub mod setup;
pub mod time;

pub use domain::AmmDomain;
pub use scenario::Scenario;

/// The domain's registry entry (for the CLI).
pub fn entry() -> tsynth_sim::Entry<AmmDomain> {
    tsynth_sim::Entry::new(
        AmmDomain,
        "Ocean Market data-token pools (V3, V4, V4.1 and their neighbours)",
    )
}
