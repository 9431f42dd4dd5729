//! File helpers shared by the commands.

/// Atomic write (temporary file in the same folder, fsync, rename): the one implementation,
/// shared with the run directory.
pub use tsynth_search::rundir::write_atomic;
