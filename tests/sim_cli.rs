//! `tsynth sim` end to end: output files, byte-identical summaries across thread counts,
//! clear errors.

use std::path::{Path, PathBuf};

use crate::cli_support::command as tsynth;

/// A short version of the default scenario, written to `dir`.
fn short_scenario(dir: &Path) -> PathBuf {
    let text = crate::cli_support::scenario_with_run(
        "default.toml",
        &[
            ("ticks", 150.0),
            ("probe_interval", 50.0),
            ("launch_window_days", 2.0),
            ("initial_level", 1.2),
        ],
    );
    let p = dir.join("short.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn summary_is_byte_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_scenario(dir.path());
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        let o = tsynth()
            .args([
                "sim",
                "--design",
                "designs/ocean-v4.toml",
                "--seeds",
                "3",
                "--threads",
            ])
            .arg(threads)
            .arg("--scenario")
            .arg(&scenario)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(stdout.contains("rug_risk"), "{stdout}");
        out
    };
    let a = run("1");
    let b = run("2");
    let sa = std::fs::read(a.join("summary.json")).unwrap();
    assert_eq!(sa, std::fs::read(b.join("summary.json")).unwrap());
    let summary: serde_json::Value = serde_json::from_slice(&sa).unwrap();
    assert_eq!(summary["per_seed"].as_array().unwrap().len(), 3);
    assert!(summary["aggregate"]["worst"]["rug_risk"].as_f64().unwrap() > 0.05);
    for f in [
        "kpis-1.csv",
        "kpis-2.csv",
        "kpis-3.csv",
        "price.svg",
        "price.png",
        "pool.svg",
        "pool.png",
    ] {
        let len = std::fs::metadata(a.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 100, "{f} missing or empty");
    }
    let csv = std::fs::read_to_string(a.join("kpis-1.csv")).unwrap();
    assert_eq!(csv.lines().count(), 152); // header + ticks 0..=150
}

#[test]
fn bad_scenario_value_is_a_positioned_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        "[run]\nticks = 10\n[pool]\ninitial_base = 100.0\ninitial_price = -1.0\n",
    )
    .unwrap();
    let o = tsynth()
        .args(["sim", "--design", "designs/ocean-v4.toml", "--scenario"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:5:17: expected a number > 0"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_known_designs_deploy_and_simulate_feasibly() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_scenario(dir.path());
    let mut rug = Vec::new();
    for d in ["ocean-v3", "ocean-v4", "ocean-v4.1"] {
        let out = dir.path().join(d);
        let o = tsynth()
            .args(["sim", "--no-plots", "--seeds", "2", "--design"])
            .arg(format!("designs/{d}.toml"))
            .arg("--scenario")
            .arg(&scenario)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{d}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        if d == "ocean-v4.1" {
            // its one-year vesting outruns the 6-day horizon: flagged, never scored as run
            assert_eq!(s["feasible"], false, "{d}: {s}");
            let cov = s["aggregate"]["worst"]["horizon_coverage"]
                .as_f64()
                .unwrap();
            assert!(cov < 0.05, "{d}: {s}");
            assert!(String::from_utf8_lossy(&o.stdout).contains("judged before its schedule ran"));
        } else {
            assert_eq!(s["feasible"], true, "{d}: {s}");
        }
        rug.push(s["aggregate"]["mean"]["rug_risk"].as_f64().unwrap());
    }
    // V3 (publisher holds the premine) and V4 (drainable staking) are exposed; V4.1 much less.
    // V4's floor is the reference's one July-2022 loop, 11% of the pool's base (attacks.md);
    // the budget-60 search finds about 0.19 here, a 2,000-evaluation `tsynth attack` 0.21.
    assert!(rug[0] > 0.1 && rug[1] > 0.1, "{rug:?}");
    assert!(rug[2] < rug[0] / 2.0 && rug[2] < rug[1] / 2.0, "{rug:?}");
}

#[test]
fn a_malformed_attack_plan_is_an_error_at_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        "{\n  \"hall\": [],\n  \"full_budget\": \"sixty\"\n}\n",
    )
    .unwrap();
    let o = tsynth()
        .args([
            "sim",
            "--no-plots",
            "--design",
            "designs/ocean-v4.toml",
            "--attack-plan",
        ])
        .arg(&plan)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}:3:", plan.display())) && err.contains("attack plan"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing simulated");
}
