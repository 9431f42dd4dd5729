//! Shared set-up of the `front_*` tests: a small but real run directory, made in the test by
//! `tsynth evolve` (amm grammar, a 60-tick scenario, population 8, 2 generations, 2 seeds).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

/// Runs the `tsynth` binary in `cwd`.
pub fn tsynth_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsynth"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("tsynth runs")
}

/// Stdout/stderr as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The default scenario shortened to 60 ticks and 2 seeds.
pub fn short_scenario_text() -> String {
    crate::cli_support::scenario_with_run(
        "default.toml",
        &[
            ("ticks", 60.0),
            ("probe_interval", 20.0),
            ("seeds", 2.0),
            ("launch_window_days", 1.0),
            ("initial_level", 1.2),
        ],
    )
}

/// A run made by `tsynth evolve` in the test.
pub struct Fixture {
    /// The run directory.
    pub run: PathBuf,
    /// The scenario file written next to it.
    pub scenario: PathBuf,
}

/// Runs `tsynth evolve` on `grammars/amm.grammar` with the short scenario: population `pop`,
/// 2 generations, 2 seeds per evaluation, run seed `seed`, into `dir/<name>`.
pub fn build_run(dir: &Path, name: &str, seed: u64, pop: usize) -> Fixture {
    let scenario = dir.join(format!("{name}-scenario.toml"));
    std::fs::write(&scenario, short_scenario_text()).unwrap();
    let run = dir.join(name);
    let grammar = root().join("grammars/amm.grammar");
    let out = tsynth_in(
        &root(),
        &[
            "evolve",
            "--grammar",
            grammar.to_str().unwrap(),
            "--scenario",
            scenario.to_str().unwrap(),
            "--pop",
            &pop.to_string(),
            "--gens",
            "2",
            "--seeds",
            "2",
            "--seed",
            &seed.to_string(),
            "--out",
            run.to_str().unwrap(),
            "--no-progress",
        ],
    );
    assert!(
        out.status.success(),
        "tsynth evolve failed: {}",
        text(&out.stderr)
    );
    let a = tsynth_search::rundir::RunDir::open(&run)
        .unwrap()
        .read_archive()
        .unwrap();
    assert!(!a.members.is_empty(), "empty front");
    Fixture { run, scenario }
}

/// One shared run per test binary (built once, on first use).
pub fn shared_run() -> &'static Fixture {
    static RUN: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        // Under the target's temp folder (not /tmp): a static is never dropped, and the next
        // run of the same test binary starts from a fresh copy.
        let dir = test_dir("shared");
        let f = build_run(&dir, "run-a", 7, 8);
        let n = tsynth_search::rundir::RunDir::open(&f.run)
            .unwrap()
            .read_archive()
            .unwrap()
            .members
            .len();
        assert!(
            n >= 2,
            "the shared run should have several members, has {n}"
        );
        f
    })
}

/// A fresh folder for this test binary under Cargo's target temp folder.
pub fn test_dir(what: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{bin}-{what}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Number of design files in `designs/` written for the pool grammar (the known designs
/// `front plot/report --designs designs` marks for an amm run).
pub fn amm_design_count() -> usize {
    std::fs::read_dir(root().join("designs"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .filter(|t| t.contains("grammar = \"../grammars/amm.grammar\""))
        .count()
}
