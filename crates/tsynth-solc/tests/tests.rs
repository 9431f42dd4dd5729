//! tsynth-solc's integration tests in one binary: compiling, backends, files, cache properties.
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

mod common;

mod backends;
mod compile;
mod from_file;
mod properties;
