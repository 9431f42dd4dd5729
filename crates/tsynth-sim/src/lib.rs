//! `tsynth-sim` — TokenSPICE's job, in process: agent-based simulation of a candidate pool in
//! the revm world, with honest agents, adversaries probing forks, KPIs per tick and the
//! objectives the optimizer minimises.

pub mod adversary;
pub mod agents;
pub mod complexity;
pub mod deploy;
pub mod objectives;
pub mod run;
pub mod scenario;
pub mod setup;
pub mod simulator;
pub mod units;

pub use scenario::Scenario;
pub use simulator::{Evaluation, Simulator};
