//! tsynth-grammar's integration tests in one binary: parsing and errors (with hostile input), designs, genotype and operators, compiling samples.
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

mod common;

mod compile;
mod design;
mod errors;
mod genotype;
mod hostile;
mod operators;
