//! The integration tests of tsynth-moo, one binary (modules under `suite/`).
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

#[path = "suite/common.rs"]
mod common;

#[path = "suite/archive.rs"]
mod archive;
#[path = "suite/crowding.rs"]
mod crowding;
#[path = "suite/dominance.rs"]
mod dominance;
#[path = "suite/engine.rs"]
mod engine;
#[path = "suite/hypervolume.rs"]
mod hypervolume;
#[path = "suite/indicators.rs"]
mod indicators;
#[path = "suite/many.rs"]
mod many;
#[path = "suite/operators.rs"]
mod operators;
#[path = "suite/problems.rs"]
mod problems;
#[path = "suite/sorting.rs"]
mod sorting;
#[path = "suite/survival.rs"]
mod survival;
