//! `tsynth completions SHELL`: the shell completion script, on stdout.
//!
//! Install e.g. with `tsynth completions bash > ~/.local/share/bash-completion/completions/tsynth`,
//! `tsynth completions zsh > ~/.zfunc/_tsynth` or
//! `tsynth completions fish > ~/.config/fish/completions/tsynth.fish`.

use std::process::ExitCode;

use anyhow::Result;
use clap_complete::Shell;

/// Arguments of `tsynth completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script of `command` (the whole `tsynth` command line) for the
/// shell asked for to stdout.
pub fn run(args: Args, mut command: clap::Command) -> Result<ExitCode> {
    let name = command.get_name().to_string();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, name, &mut out);
    Ok(ExitCode::SUCCESS)
}
