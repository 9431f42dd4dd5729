//! `tsynth grammar ...` (owned by the grammar work).
use std::process::ExitCode;

/// `tsynth grammar` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GrammarCmd {
    /// Parse and validate a grammar and its building blocks.
    Check { file: std::path::PathBuf },
}

pub fn run(_cmd: GrammarCmd) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`tsynth grammar` is not built yet")
}
