//! `tsynth-sim` — TokenSPICE's job, in process: agent-based simulation of a candidate pool in
//! the revm world, with honest agents, adversaries probing forks, KPIs per tick and the
//! objectives the optimizer minimises.

pub mod deploy;
pub mod objectives;
pub mod scenario;
