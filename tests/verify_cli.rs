//! `tsynth verify` end to end, and uncontrollable variables in every other command: nominal
//! substitution, positioned errors, the same verify.json with 1 and 2 threads, a design that
//! does not compile reported as an error.

use std::path::{Path, PathBuf};

use crate::cli_support::{command as tsynth, root, text};

/// scenarios/verify.toml, five days long (30 ticks of 4 hours), probed every day.
fn short_verify(dir: &Path) -> PathBuf {
    let t = crate::cli_support::scenario_with_run(
        "verify.toml",
        &[
            ("ticks", 30.0),
            ("probe_interval", 6.0),
            ("launch_window_days", 1.0),
        ],
    );
    let p = dir.join("verify-short.toml");
    std::fs::write(&p, t).unwrap();
    p
}

/// The same file with every variable replaced by hand by the nominal value docs/verify.md
/// promises (median, mean, midpoint, first choice).
fn hand_nominal(path: &Path) -> String {
    let mut t = std::fs::read_to_string(path).unwrap();
    for (from, to) in [
        ("{ lognormal = [1000.0, 0.4] }", "1000.0"),
        ("{ lognormal = [0.6, 0.3] }", "0.6"),
        ("{ lognormal = [0.03, 0.4] }", "0.03"),
        ("{ lognormal = [1.0, 0.4] }", "1.0"),
        ("{ range = [0.0, 0.1] }", "0.05"),
        ("{ choice = [4, 2, 6, 8], weights = [2, 1, 1, 1] }", "4"),
        ("{ lognormal = [500.0, 0.5] }", "500.0"),
        ("{ lognormal = [1000.0, 0.7] }", "1000.0"),
    ] {
        assert!(
            t.contains(from),
            "scenarios/verify.toml no longer has {from}"
        );
        t = t.replace(from, to);
    }
    assert!(!t.contains("normal ="), "a variable left: {t}");
    t
}

fn sim(design: &str, scenario: &Path, out: &Path) -> std::process::Output {
    tsynth()
        .args([
            "sim",
            "--no-plots",
            "--seeds",
            "1",
            "--design",
            design,
            "--scenario",
        ])
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn other_commands_read_a_scenario_with_variables_at_its_nominal_values() {
    let dir = tempfile::tempdir().unwrap();
    let varied = short_verify(dir.path());
    let fixed = dir.path().join("fixed.toml");
    std::fs::write(&fixed, hand_nominal(&varied)).unwrap();
    let a = sim("designs/ocean-v4.toml", &varied, &dir.path().join("a"));
    assert!(a.status.success(), "{}", text(&a.stderr));
    let note = text(&a.stderr);
    assert!(
        note.contains("scenario has 8 uncontrollable variable(s); using nominal values"),
        "{note}"
    );
    assert_eq!(
        note.matches("uncontrollable").count(),
        1,
        "said once: {note}"
    );
    let b = sim("designs/ocean-v4.toml", &fixed, &dir.path().join("b"));
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert!(!text(&b.stderr).contains("uncontrollable"));
    let read = |d: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(d).join("summary.json")).unwrap())
            .unwrap()
    };
    assert_eq!(read("a")["per_seed"], read("b")["per_seed"]);
    // The full-length file is accepted as well (its nominal market is the default one).
    let c = tsynth()
        .args([
            "criteria",
            "designs/ocean-v4.toml",
            "--seeds",
            "1",
            "--scenario",
        ])
        .arg(&varied)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", text(&c.stderr));
}

#[test]
fn malformed_distributions_are_errors_at_their_position_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(short_verify(dir.path())).unwrap();
    let bad = good.replace(
        "capital = { lognormal = [500.0, 0.5] }",
        "capital = { lognormal = [500.0] }",
    );
    assert_ne!(bad, good);
    let line = bad
        .lines()
        .position(|l| l.starts_with("capital = { lognormal = [500.0] }"))
        .unwrap()
        + 1;
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, &bad).unwrap();
    for args in [
        vec!["sim", "--design", "designs/ocean-v4.toml", "--scenario"],
        vec!["verify", "--design", "designs/ocean-v4.toml", "--scenario"],
    ] {
        let o = tsynth().args(&args).arg(&p).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!(
                "bad.toml:{line}:25: `agents[2].capital`: `lognormal` takes [median, sigma of ln], found 1 number(s)"
            )),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let run_var = good.replace("ticks = 30", "ticks = { range = [10, 40] }");
    std::fs::write(&p, run_var).unwrap();
    let o = tsynth()
        .args(["sim", "--design", "designs/ocean-v4.toml", "--scenario"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("`run.ticks` cannot vary"),
        "{}",
        text(&o.stderr)
    );
}

fn verify(dir: &Path, scenario: &Path, threads: &str) -> (PathBuf, String) {
    let out = dir.join(format!("v{threads}"));
    let o = tsynth()
        .args([
            "verify",
            "--design",
            "designs/ocean-v4.1.toml",
            "--samples",
            "6",
            "--worst-budget",
            "8",
            "--seed",
            "3",
            "--no-progress",
            "--threads",
            threads,
            "--scenario",
        ])
        .arg(scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    (out, text(&o.stdout))
}

#[test]
fn verify_of_v41_writes_its_outputs_the_same_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_verify(dir.path());
    let (a, stdout) = verify(dir.path(), &scenario, "1");
    let (b, _) = verify(dir.path(), &scenario, "2");
    let ja = std::fs::read(a.join("verify.json")).unwrap();
    assert_eq!(ja, std::fs::read(b.join("verify.json")).unwrap());
    assert_eq!(
        std::fs::read(a.join("corners.toml")).unwrap(),
        std::fs::read(b.join("corners.toml")).unwrap()
    );
    let j: serde_json::Value = serde_json::from_slice(&ja).unwrap();
    assert_eq!(j["samples"], 6);
    assert_eq!(j["conditions"].as_array().unwrap().len(), 6);
    assert_eq!(j["variables"].as_array().unwrap().len(), 8);
    assert_eq!(j["variables"][5]["name"], "agents[2].count");
    assert_eq!(j["yields"]["per_criterion"].as_array().unwrap().len(), 7);
    // A five-day horizon cannot judge a one-year vesting: never feasible.
    assert_eq!(j["yields"]["feasible"]["passed"], 0);
    assert_eq!(j["yields"]["feasible"]["ci_low"], 0.0);
    assert_eq!(j["worst_case"]["evaluations"], 8);
    let per_metric = j["worst_case"]["per_metric"].as_array().unwrap();
    assert!(per_metric.iter().any(|m| m["metric"] == "rug_risk"));
    let corners = j["corners"].as_array().unwrap();
    assert!(!corners.is_empty() && corners.len() <= 8);
    // Conditions differ: the variables were sampled, each with its own agent seed.
    let c = j["conditions"].as_array().unwrap();
    assert_ne!(c[0]["values"], c[1]["values"]);
    assert_ne!(c[0]["agent_seed"], c[1]["agent_seed"]);
    for f in ["verify.html", "plots/rug_risk.svg", "corners/c1.toml"] {
        let len = std::fs::metadata(a.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 200, "{f} missing or empty");
    }
    let html = std::fs::read_to_string(a.join("verify.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("Extracted corners"));
    // A corner is a concrete scenario any command runs.
    let o = sim(
        "designs/ocean-v4.1.toml",
        &a.join("corners/c1.toml"),
        &dir.path().join("corner-sim"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("uncontrollable"));
    for s in [
        "every criterion ✓",
        "5 no exit-scam risk",
        "worst case per metric",
        "corner(s) (at most 8",
        "no yield is demonstrated",
    ] {
        assert!(stdout.contains(s), "{s}: {stdout}");
    }
}

#[test]
fn a_design_that_does_not_compile_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                continue;
            }
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    };
    for sub in [
        "allocation",
        "core",
        "env",
        "fee",
        "guard",
        "limit",
        "pricing",
        "staking",
    ] {
        copy(
            &root().join("building-blocks").join(sub),
            &dir.path().join("building-blocks").join(sub),
        );
    }
    copy(&root().join("grammars"), &dir.path().join("grammars"));
    copy(&root().join("designs"), &dir.path().join("designs"));
    let block = dir.path().join("building-blocks/limit/NoLimit.sol");
    let src = std::fs::read_to_string(&block).unwrap().replace(
        "internal pure override {}",
        "internal pure override { return undefinedThing; }",
    );
    std::fs::write(&block, src).unwrap();
    let scenario = short_verify(dir.path());
    let o = tsynth()
        .args([
            "verify",
            "--samples",
            "2",
            "--worst-budget",
            "2",
            "--no-progress",
            "--design",
        ])
        .arg(dir.path().join("designs/ocean-v4.toml"))
        .arg("--scenario")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "ocean-v4.toml: the design cannot be simulated at the nominal condition: compile"
        ),
        "{err}"
    );
    assert!(err.contains("NoLimit.sol"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
