//! `tsynth front` — Inspect, plot, export and compare Pareto fronts of a run.
use std::process::ExitCode;

/// Arguments of `tsynth front`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tsynth front`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth front` is not built yet")
}
