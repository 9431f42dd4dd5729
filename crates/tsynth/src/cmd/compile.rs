//! `tsynth compile` (owned by the compiler-service work).
use std::process::ExitCode;

/// Arguments of `tsynth compile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Solidity file to compile.
    pub file: std::path::PathBuf,
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth compile` is not built yet")
}
