//! `tsynth design ...` (owned by the grammar work).
use std::process::ExitCode;

/// `tsynth design` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DesignCmd {
    /// Show a design file decoded against its grammar.
    Show { file: std::path::PathBuf },
}

pub fn run(_cmd: DesignCmd) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth design` is not built yet")
}
