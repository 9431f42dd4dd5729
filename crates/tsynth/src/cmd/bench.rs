//! `tsynth bench` (owned by the compiler-service and EVM work).
use std::process::ExitCode;

/// Arguments of `tsynth bench`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth bench` is not built yet")
}
