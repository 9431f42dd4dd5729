//! `tsynth tune` end to end on a short scenario: run directory, constraints on every
//! reported design, sensitivity and comparison files, thread-independence, and the error
//! for a parameter the design does not have.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli_support::{root, text, tsynth};

/// The exploit scenario cut to 40 ticks and one seed.
fn short_scenario(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(root().join("scenarios/exploit.toml")).unwrap();
    let s = crate::cli_support::with_run(
        &src,
        &[
            ("ticks", 40.0),
            ("seeds", 1.0),
            ("launch_window_days", 0.002),
        ],
    );
    assert_ne!(s, src);
    let p = dir.join("short.toml");
    std::fs::write(&p, s).unwrap();
    p
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn unknown_parameter_is_exit_1_naming_it_and_the_valid_ones() {
    let out = tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--params",
        "slope,lpFee",
        "--out",
        "/nonexistent/never-written",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(e.contains("`lpFee`"), "{e}");
    assert!(
        e.contains("valid parameters:") && e.contains("SoftCapFee.slope"),
        "{e}"
    );
    assert!(e.contains("ConstantWeights.baseWeight"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn bad_constraint_is_a_clear_error() {
    let out = tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--constraint",
        "rugrisk<=0.01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(
        e.contains("unknown objective `rugrisk`") && e.contains("rug_risk"),
        "{e}"
    );
}

fn run_scalar(dir: &Path, out: &str, threads: &str) -> Output {
    let scen = short_scenario(dir);
    let out_dir = dir.join(out);
    tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--scenario",
        scen.to_str().unwrap(),
        "--mode",
        "scalar",
        "--params",
        "baseFee,SoftCapFee.slope",
        "--budget",
        "12",
        "--constraint",
        "rug_risk<=0.01",
        "--constraint",
        "slippage<=0.02",
        "--weights",
        "slippage=1,price_drawdown=1",
        "--threads",
        threads,
        "--baseline",
        "designs/ocean-v4.toml",
        "--out",
        out_dir.to_str().unwrap(),
    ])
}

#[test]
fn scalar_run_writes_a_run_directory_with_constrained_members() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scalar(dir.path(), "run", "2");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("sensitivity at the best design"), "{s}");
    assert!(s.contains("held-out comparison"), "{s}");
    assert!(s.contains("ocean-v4"), "{s}");
    // How the score moved, not only that it did: every measured metric and the price path
    // of start and tuned design on a held-out seed.
    assert!(
        s.contains("also measured (mean over the held-out seeds)"),
        "{s}"
    );
    assert!(s.contains("horizon_coverage"), "{s}");
    assert!(s.contains("paths on held-out seed"), "{s}");
    assert!(s.contains("tuned  "), "{s}");
    let run = dir.path().join("run");
    for f in [
        "path-price.svg",
        "path-price.png",
        "run.toml",
        "generations.jsonl",
        "archive.json",
        "checkpoint",
        "sensitivity.csv",
        "sensitivity.json",
        "comparison.json",
        "best.toml",
    ] {
        assert!(run.join(f).is_file(), "{f} missing");
    }
    let cfg = std::fs::read_to_string(run.join("run.toml")).unwrap();
    assert!(cfg.contains("command = \"tune\""), "{cfg}");
    assert!(
        cfg.contains("ticks = 40"),
        "scenario text is in run.toml: {cfg}"
    );
    assert!(cfg.contains("budget = 12"), "{cfg}");

    let gens = std::fs::read_to_string(run.join("generations.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = gens
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 2);
    let last = lines.last().unwrap();
    assert!(last["total_evaluations"].as_u64().unwrap() <= 12);
    assert_eq!(lines[0]["compiles"], 1, "one structure, compiled once");
    assert!(lines[1..].iter().all(|l| l["compiles"] == 0));

    let archive = json(&run.join("archive.json"));
    let members = archive["members"].as_array().unwrap();
    assert!(!members.is_empty());
    for m in members {
        assert_eq!(m["feasible"], true, "{m}");
        let obj = &m["objectives"]["mean"];
        assert!(obj["rug_risk"].as_f64().unwrap() <= 0.01, "{m}");
        assert!(obj["slippage"].as_f64().unwrap() <= 0.02, "{m}");
        assert!(m["held_out"]["per_seed"].as_array().is_some());
        let src = run.join(m["sources"].as_str().unwrap());
        assert!(src.is_dir(), "{}", src.display());
        // the design text reproduces the member's parameters
        let design = m["design"].as_str().unwrap();
        assert!(design.contains("[SoftCapFee]"), "{design}");
        let slope = m["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["block"] == "SoftCapFee" && p["name"] == "slope")
            .unwrap();
        assert!(slope["value"].as_f64().unwrap() > 0.0);
    }

    let sens = std::fs::read_to_string(run.join("sensitivity.csv")).unwrap();
    let mut rows = sens.lines();
    assert_eq!(
        rows.next().unwrap(),
        "param,influence,slippage,price_drawdown,rug_risk,complexity,launch_spike,stake_swing,price_decoupling,publisher_profit"
    );
    let params: Vec<&str> = rows.map(|l| l.split(',').next().unwrap()).collect();
    let mut sorted = params.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["SoftCapFee.baseFee", "SoftCapFee.slope"]);
    let sj = json(&run.join("sensitivity.json"));
    let infl: Vec<f64> = sj["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["influence"].as_f64().unwrap())
        .collect();
    assert!(infl.windows(2).all(|w| w[0] >= w[1]), "sorted: {infl:?}");

    let cmp = json(&run.join("comparison.json"));
    let labels: Vec<&str> = cmp["designs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels[0], "start");
    assert!(labels[1].starts_with("best"));
    assert_eq!(*labels.last().unwrap(), "ocean-v4");
    // the constraints apply to every column: V4 is drained on this scenario
    let v4 = cmp["designs"].as_array().unwrap().last().unwrap();
    assert!(
        v4["held_out"]["objectives"]["mean"]["rug_risk"]
            .as_f64()
            .unwrap()
            > 0.01
    );
    assert_eq!(v4["held_out"]["feasible"], false);
    assert_eq!(cmp["constraints"][0], "rug_risk<=0.01");
    assert_eq!(cmp["held_out_seeds"][0], 1_000_001);
    // the reported best is chosen on the held-out seeds: feasible there whenever any tuned
    // design compared is, and the comparison says how it was chosen
    let designs = cmp["designs"].as_array().unwrap();
    let tuned_feasible = designs[1..designs.len() - 1]
        .iter()
        .any(|d| d["held_out"]["feasible"] == true);
    if tuned_feasible {
        assert_eq!(designs[1]["held_out"]["feasible"], true, "{}", designs[1]);
    }
    assert!(
        cmp["best_choice"].as_str().unwrap().contains("held-out"),
        "{}",
        cmp["best_choice"]
    );

    // the best design file runs with `tsynth sim`
    let sim = tsynth(&[
        "sim",
        "--design",
        run.join("best.toml").to_str().unwrap(),
        "--scenario",
        short_scenario(dir.path()).to_str().unwrap(),
        "--no-plots",
        "--out",
        dir.path().join("sim").to_str().unwrap(),
    ]);
    assert!(sim.status.success(), "{}", text(&sim.stderr));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_scalar(dir.path(), "a", "1");
    assert!(a.status.success(), "{}", text(&a.stderr));
    let b = run_scalar(dir.path(), "b", "2");
    assert!(b.status.success(), "{}", text(&b.stderr));
    for f in [
        "archive.json",
        "sensitivity.csv",
        "comparison.json",
        "best.toml",
    ] {
        let x = std::fs::read_to_string(dir.path().join("a").join(f)).unwrap();
        let y = std::fs::read_to_string(dir.path().join("b").join(f)).unwrap();
        assert_eq!(x, y, "{f} differs between 1 and 2 threads");
    }
}

#[test]
fn moo_run_reports_a_front_inside_the_constraints() {
    let dir = tempfile::tempdir().unwrap();
    let scen = short_scenario(dir.path());
    let run = dir.path().join("moo");
    let out = tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--scenario",
        scen.to_str().unwrap(),
        "--params",
        "baseFee,baseWeight",
        "--budget",
        "16",
        "--population",
        "5",
        "--constraint",
        "rug_risk<=0.01",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gens = std::fs::read_to_string(run.join("generations.jsonl")).unwrap();
    assert_eq!(
        gens.lines().count(),
        4,
        "start + 3 generations of 5: {gens}"
    );
    let archive = json(&run.join("archive.json"));
    for m in archive["members"].as_array().unwrap() {
        assert_eq!(m["feasible"], true);
        assert!(m["objectives"]["mean"]["rug_risk"].as_f64().unwrap() <= 0.01);
    }
    let cfg = std::fs::read_to_string(run.join("run.toml")).unwrap();
    assert!(cfg.contains("mode = \"moo\""), "{cfg}");
}

/// The only entry of `dir/runs`, checked to be named `<YYYYmmdd>-<HHMMSS>-<stem>`.
pub fn only_new_run_dir(dir: &Path, stem: &str) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(dir.join("runs"))
        .expect("a runs/ folder in the current directory")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let name = runs[0].file_name().unwrap().to_str().unwrap().to_string();
    let (date, rest) = name.split_at(8);
    assert!(date.bytes().all(|b| b.is_ascii_digit()), "{name}");
    assert_eq!(&rest[..1], "-", "{name}");
    assert!(rest[1..7].bytes().all(|b| b.is_ascii_digit()), "{name}");
    assert_eq!(&rest[7..], format!("-{stem}"), "{name}");
    runs[0].clone()
}

#[test]
fn without_out_a_new_run_directory_is_written_and_no_progress_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let scen = short_scenario(dir.path());
    let design = root().join("tests/fixtures/softcap-pool.toml");
    let baseline = root().join("designs/ocean-v4.toml");
    // from another directory, so that the default `runs/` lands in the temporary one
    let out = crate::cli_support::command()
        .current_dir(dir.path())
        .args([
            "tune",
            "--design",
            design.to_str().unwrap(),
            "--scenario",
            scen.to_str().unwrap(),
            "--mode",
            "scalar",
            "--params",
            "baseFee",
            "--budget",
            "3",
            "--baseline",
            baseline.to_str().unwrap(),
            "--threads",
            "1",
            "--no-progress",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = only_new_run_dir(dir.path(), "softcap-pool");
    for f in [
        "run.toml",
        "generations.jsonl",
        "archive.json",
        "checkpoint",
        "best.toml",
        "comparison.json",
    ] {
        assert!(run.join(f).is_file(), "{f} missing in {}", run.display());
    }
    let s = text(&out.stdout);
    assert!(
        s.contains(&format!(
            "wrote {}",
            run.strip_prefix(dir.path()).unwrap().display()
        )),
        "{s}"
    );
    // --no-progress: one line per generation on stderr
    let e = text(&out.stderr);
    assert!(e.lines().any(|l| l.starts_with("gen   0")), "{e}");
    let cp = json(&run.join("checkpoint"));
    assert_eq!(cp["complete"], true);
    assert!(cp["points"].as_array().unwrap().len() <= 3);

    // `tsynth front` reads the tune run
    let list = tsynth(&["front", "list", run.to_str().unwrap()]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let l = text(&list.stdout);
    assert!(l.contains("rug_risk") && l.contains("m0"), "{l}");
}

#[test]
fn a_run_directory_that_holds_a_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("run.toml"), "format = 2\n").unwrap();
    let out = tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(e.contains("already holds a run"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("run.toml")).unwrap(),
        "format = 2\n"
    );
}

#[test]
fn a_bad_fd_step_is_refused_before_any_simulation_or_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("never");
    let out = tsynth(&[
        "tune",
        "--design",
        "tests/fixtures/softcap-pool.toml",
        "--fd-step",
        "0.9",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(
        e.contains("invalid tuning settings: finite-difference step must be in (0, 0.5], got 0.9"),
        "{e}"
    );
    assert!(!out_dir.exists());
}
