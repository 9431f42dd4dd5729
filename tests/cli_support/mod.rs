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

/// `text` (a scenario) with the given settings replaced, whatever their values were:
/// `("ticks", 40.0)`, `("probe_interval", 20.0)`, `("launch_window_days", 0.5)`, ... (each
/// key's first occurrence). Panics when a key is missing, so a test cannot silently run the
/// long scenario.
pub fn with_run(text: &str, settings: &[(&str, f64)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut found = vec![false; settings.len()];
    for line in text.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        match settings.iter().position(|(k, _)| *k == key) {
            Some(i) if !found[i] => {
                found[i] = true;
                out += &format!("{key} = {}\n", settings[i].1);
            }
            _ => {
                out += line;
                out.push('\n');
            }
        }
    }
    for (f, (k, _)) in found.iter().zip(settings) {
        assert!(f, "the scenario has no `{k}` to replace");
    }
    out
}

/// Scenario `name` of `scenarios/` with [`with_run`] applied.
pub fn scenario_with_run(name: &str, settings: &[(&str, f64)]) -> String {
    let t = std::fs::read_to_string(root().join("scenarios").join(name)).unwrap();
    with_run(&t, settings)
}
