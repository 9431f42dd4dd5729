//! `tsynth evolve` end to end: bad inputs exit 1 with positioned messages, a tiny run writes
//! the run directory, and a run killed with SIGKILL mid-way resumes to exactly the archive of
//! an uninterrupted run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli_support::{root, text, tsynth};

/// A 40-block scenario and a config for a tiny run (2 ALPS layers of 4, 1–2 seeds).
fn tiny_setup(dir: &Path, gens: u64) -> PathBuf {
    let scenario = crate::cli_support::scenario_with_run(
        "search.toml",
        &[
            ("ticks", 40.0),
            ("probe_interval", 20.0),
            ("launch_window_days", 0.25),
            ("initial_level", 1.2),
        ],
    );
    std::fs::write(dir.join("tiny.toml"), scenario).unwrap();
    let config = format!(
        r#"grammar = "grammars/amm.grammar"
scenario = "{}"
seed = 5
pop = 4
gens = {gens}
seeds = 1
compare = ["designs/ocean-v4.toml"]

[engine]
mode = "alps"
layers = 2
age_gap = 2
max_seeds = 2
held_out_seeds = 2
"#,
        dir.join("tiny.toml").display()
    );
    let p = dir.join("evolve.toml");
    std::fs::write(&p, config).unwrap();
    p
}

#[test]
fn bad_grammar_exits_1_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("bad.grammar");
    std::fs::write(&g, "grammar bad\nslot x: _a\nblock Nope for nowhere\n").unwrap();
    let out = tsynth(&["evolve", "--grammar", g.to_str().unwrap(), "--no-progress"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("bad.grammar:"), "{err}");
    assert!(!dir.path().join("runs").exists());
}

#[test]
fn bad_config_exits_1_with_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("cfg.toml");
    std::fs::write(&c, "pop = 4\n[engine]\nmode = \"alps\"\nlayerz = 3\n").unwrap();
    let out = tsynth(&["evolve", "--config", c.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:1: unknown field `layerz`", c.display())),
        "{err}"
    );
    std::fs::write(&c, "gens = 3\n[engine]\naggregation = \"median\"\n").unwrap();
    let out = tsynth(&["evolve", "--config", c.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:3:15:", c.display())), "{err}");
    assert!(err.contains("mean"), "{err}");
    let out = tsynth(&["evolve", "--grammar", "grammars/amm.grammar", "--pop", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`pop` must be at least 2"));
    let out = tsynth(&["evolve", "--resume", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not a run directory"));
}

#[test]
fn sigkill_mid_run_then_resume_gives_the_uninterrupted_archive() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = tiny_setup(dir.path(), 10);
    let cfg = cfg.to_str().unwrap();

    // The uninterrupted run.
    let full = dir.path().join("full");
    let out = tsynth(&[
        "evolve",
        "--config",
        cfg,
        "--out",
        full.to_str().unwrap(),
        "--no-progress",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("hypervolume per generation"), "{stdout}");
    assert!(
        stdout.contains("known designs on the same 2 held-out seeds"),
        "{stdout}"
    );
    assert!(stdout.contains("ocean-v4"), "{stdout}");

    // The same run, killed with SIGKILL once generation 0 is checkpointed (i.e. during a
    // later generation: nine more remain), then resumed.
    let part = dir.path().join("part");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsynth"))
        .args([
            "evolve",
            "--config",
            cfg,
            "--out",
            part.to_str().unwrap(),
            "--no-progress",
            "--threads",
            "1",
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut killed_mid_run = false;
    loop {
        // The checkpoint is written last, once generation 0 is complete.
        let checkpointed = part.join("checkpoint").is_file();
        if checkpointed {
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap(); // SIGKILL on Unix
                killed_mid_run = true;
            }
            break;
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(300) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    assert!(
        killed_mid_run,
        "the child finished before it could be killed"
    );
    let out = tsynth(&[
        "evolve",
        "--resume",
        part.to_str().unwrap(),
        "--no-progress",
        "--threads",
        "2",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("resuming after generation"));

    let a = std::fs::read(full.join("archive.json")).unwrap();
    let b = std::fs::read(part.join("archive.json")).unwrap();
    assert!(a == b, "archive.json differs after SIGKILL + resume");
    assert_eq!(
        std::fs::read(full.join("comparison.json")).unwrap(),
        std::fs::read(part.join("comparison.json")).unwrap()
    );
    let gens = std::fs::read_to_string(part.join("generations.jsonl")).unwrap();
    assert_eq!(gens.lines().count(), 11);
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&part)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
