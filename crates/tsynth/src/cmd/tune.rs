//! `tsynth tune` — Local, variation-aware parameter tuning of one design.
use std::process::ExitCode;

/// Arguments of `tsynth tune`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tsynth tune`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth tune` is not built yet")
}
