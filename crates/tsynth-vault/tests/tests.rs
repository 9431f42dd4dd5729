//! The vault domain's tests, in one binary: the grammar and designs load, the domain runs end
//! to end through `tsynth_sim::Simulator`, the harvest sandwich finds its attack on the naive
//! design and not on a guarded one, results do not depend on the thread count, and scenario
//! errors carry FILE:LINE:COL.
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

mod common;
mod scenario;
mod simulate;
