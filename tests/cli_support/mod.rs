//! Helpers shared by the CLI test binaries: the repository root and running the built
//! `tsynth` binary from it.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root (commands run from there, as a user would).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `tsynth` command set up to run in the repository root.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tsynth"));
    c.current_dir(root());
    c
}

/// Runs `tsynth ARGS` in the repository root and collects its output.
pub fn tsynth(args: &[&str]) -> Output {
    command().args(args).output().expect("tsynth runs")
}

/// Lossy UTF-8 text of an output stream.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
