//! The pool domain's tests, in one binary: block behaviour against the reference math
//! (`blocks_*`), and the domain simulated end to end (`sim_run`).
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

mod attack_search;
mod blocks_common;
mod blocks_deploy;
mod blocks_exploit;
mod blocks_gas;
mod blocks_math;
mod blocks_schedule;
mod blocks_spot_check;
mod blocks_weighted_math;
mod redteam;
mod sim_run;
