//! The flags `evolve`, `tune` and `sim` share (`--scenario`, `--seeds`, `--threads`,
//! `--no-progress`, `--out`), the default run directory, and `tsynth completions`.

use crate::cli_support::{command, root, text, tsynth};

const COMMON: [&str; 5] = [
    "--scenario",
    "--seeds",
    "--threads",
    "--no-progress",
    "--out",
];

#[test]
fn evolve_tune_and_sim_list_the_common_flags_with_their_own_scenario_default() {
    for (cmd, scenario_default) in [
        ("evolve", "scenarios/search.toml"),
        ("tune", "scenarios/default.toml"),
        ("sim", "scenarios/default.toml"),
    ] {
        let out = tsynth(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let h = text(&out.stdout);
        for flag in COMMON {
            assert!(h.contains(flag), "{cmd} --help lacks {flag}:\n{h}");
        }
        let line = h
            .lines()
            .skip_while(|l| !l.contains("--scenario <FILE>"))
            .take(3)
            .collect::<String>();
        assert!(line.contains(scenario_default), "{cmd}: {line}");
        assert!(h.contains("runs/<UTC timestamp>-"), "{cmd}:\n{h}");
    }
}

#[test]
fn every_common_flag_parses_on_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let missing = dir.path().join("missing.toml");
    for (cmd, input) in [
        ("evolve", "--grammar"),
        ("tune", "--design"),
        ("sim", "--design"),
    ] {
        let o = command()
            .args([cmd, input])
            .arg(&missing)
            .args(["--scenario", "scenarios/default.toml", "--seeds", "2"])
            .args(["--threads", "1", "--no-progress", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let e = text(&o.stderr);
        // parsed (exit 2 would be a usage error): it fails on the missing input file
        assert_eq!(o.status.code(), Some(1), "{cmd}: {e}");
        assert!(e.contains("missing.toml"), "{cmd}: {e}");
        assert!(!e.contains("unexpected argument"), "{cmd}: {e}");
        assert!(!out.exists(), "{cmd} created its output before failing");
    }
}

#[test]
fn a_bad_common_flag_value_is_a_usage_error_on_every_command() {
    for cmd in ["evolve", "tune", "sim"] {
        let o = tsynth(&[cmd, "--seeds", "many"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let e = text(&o.stderr);
        assert!(e.contains("--seeds") && e.contains("many"), "{cmd}: {e}");
    }
    // evolve --resume still excludes the flags that would change the run
    let o = tsynth(&["evolve", "--resume", "runs/x", "--seeds", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot be used with"));
}

#[test]
fn sim_without_out_writes_a_new_run_directory() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("short.toml");
    std::fs::write(
        &scenario,
        crate::cli_support::scenario_with_run(
            "default.toml",
            &[
                ("ticks", 60.0),
                ("probe_interval", 30.0),
                ("launch_window_days", 1.0),
                ("initial_level", 1.2),
            ],
        ),
    )
    .unwrap();
    let o = command()
        .current_dir(dir.path())
        .args([
            "sim",
            "--no-plots",
            "--no-progress",
            "--seeds",
            "1",
            "--design",
        ])
        .arg(root().join("designs/ocean-v4.toml"))
        .arg("--scenario")
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let run = crate::tune_cli::only_new_run_dir(dir.path(), "ocean-v4");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seeds"], serde_json::json!([1]));
    assert!(run.join("kpis-1.csv").is_file());
}

#[test]
fn completions_for_bash_zsh_and_fish_name_the_subcommands_and_flags() {
    for shell in ["bash", "zsh", "fish"] {
        let o = tsynth(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let s = text(&o.stdout);
        assert!(s.len() > 1000, "{shell}: {s}");
        for word in [
            "evolve",
            "tune",
            "sim",
            "front",
            "completions",
            "no-progress",
        ] {
            assert!(s.contains(word), "{shell} completion lacks {word}");
        }
    }
    // each shell's own syntax
    assert!(text(&tsynth(&["completions", "bash"]).stdout).contains("complete -F"));
    assert!(text(&tsynth(&["completions", "zsh"]).stdout).starts_with("#compdef tsynth"));
    assert!(text(&tsynth(&["completions", "fish"]).stdout).contains("complete -c tsynth"));
}

#[test]
fn completions_of_an_unknown_shell_is_a_usage_error() {
    let o = tsynth(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("tcsh") && e.contains("bash"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn huge_counts_and_seeds_are_refused_before_any_work_or_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let out_s = out.to_str().unwrap();
    for args in [
        vec![
            "sim",
            "--design",
            "designs/ocean-v4.toml",
            "--seeds",
            "4000000000",
            "--out",
            out_s,
        ],
        vec![
            "sim",
            "--design",
            "designs/ocean-v4.toml",
            "--threads",
            "0",
            "--out",
            out_s,
        ],
        vec![
            "tune",
            "--design",
            "designs/ocean-v4.toml",
            "--held-out",
            "4000000000",
            "--out",
            out_s,
        ],
        vec![
            "tune",
            "--design",
            "designs/ocean-v4.toml",
            "--seed",
            "18446744073709551615",
            "--out",
            out_s,
        ],
        vec![
            "tune",
            "--design",
            "designs/ocean-v4.toml",
            "--budget",
            "0",
            "--out",
            out_s,
        ],
    ] {
        let o = tsynth(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!out.exists(), "{args:?} created {}", out.display());
    }
    // evolve reads its seed through the configuration: refused (exit 1) before the run
    // directory exists, naming the limit.
    let o = tsynth(&[
        "evolve",
        "--grammar",
        "grammars/amm.grammar",
        "--seed",
        "18446744073709551615",
        "--out",
        out_s,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("at most 9223372036854775807"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists());
}

#[test]
fn design_emit_onto_an_existing_file_names_the_path_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let o = tsynth(&[
        "design",
        "emit",
        "designs/ocean-v4.toml",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert_eq!(err.matches(file.to_str().unwrap()).count(), 1, "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

#[test]
fn a_default_scenario_missing_from_the_working_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let design = root().join("designs/ocean-v3.toml");
    for cmd in ["sim", "attack", "criteria"] {
        let mut c = command();
        c.current_dir(dir.path());
        c.arg(cmd);
        if cmd == "criteria" {
            c.arg(&design);
        } else {
            c.arg("--design").arg(&design);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let e = text(&out.stderr);
        assert!(
            e.contains(
                "the default scenario `scenarios/default.toml` is not in the working directory"
            ) && e.contains("--scenario FILE"),
            "{cmd}: {e}"
        );
    }
}
