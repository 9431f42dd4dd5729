//! `tsynth evolve` — Structural and parameter synthesis over a grammar (NSGA-II inside ALPS).
use std::process::ExitCode;

/// Arguments of `tsynth evolve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tsynth evolve`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth evolve` is not built yet")
}
