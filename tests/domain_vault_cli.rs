//! The second domain (staking vaults, `crates/tsynth-vault`) through the same commands as the
//! pools: `tsynth evolve` (two generations), `tsynth front list` and `tsynth sim`. Nothing in
//! the engine, the search or the CLI names a vault concept; the scenario's `domain = "vault"`
//! picks the domain from the registry.

use crate::cli_support::{root, text, tsynth};

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn evolve_front_and_sim_run_on_the_vault_domain() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let run_s = run.to_str().unwrap();
    let out = tsynth(&[
        "evolve",
        "--grammar",
        "grammars/vault.grammar",
        "--scenario",
        "scenarios/vault.toml",
        "--gens",
        "2",
        "--pop",
        "4",
        "--out",
        run_s,
        "--no-progress",
    ]);
    let printed = ok(&out);
    // The front table is the vault's objectives, not the pools'.
    assert!(printed.contains("sandwich_g"), "{printed}");
    assert!(!printed.contains("rug_risk"), "{printed}");

    let config = std::fs::read_to_string(run.join("run.toml")).unwrap();
    assert!(config.contains("domain = \"vault\""), "{config}");
    let archive: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("archive.json")).unwrap()).unwrap();
    let objectives: Vec<&str> = archive["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(objectives, ["sandwich_gain", "honest_yield", "complexity"]);
    let members = archive["members"].as_array().unwrap();
    assert!(!members.is_empty());
    // honest_yield is maximised: the archive records its direction.
    let yield_dir = archive["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "honest_yield")
        .map(|m| m["direction"].as_str().unwrap().to_string());
    assert_eq!(yield_dir.as_deref(), Some("maximize"));
    // The known vault designs were compared on held-out seeds.
    let cmp = std::fs::read_to_string(run.join("comparison.json")).unwrap();
    assert!(cmp.contains("vault-naive"), "{cmp}");

    let list = ok(&tsynth(&["front", "list", run_s]));
    assert!(list.contains("honest_yield"), "{list}");
    assert!(list.contains(members[0]["id"].as_str().unwrap()), "{list}");

    let sim_dir = tmp.path().join("sim");
    let sim = ok(&tsynth(&[
        "sim",
        "--design",
        "designs/vault-naive.toml",
        "--scenario",
        "scenarios/vault.toml",
        "--seeds",
        "2",
        "--out",
        sim_dir.to_str().unwrap(),
        "--no-plots",
    ]));
    assert!(sim.contains("sandwich_gain"), "{sim}");
    let csv = std::fs::read_to_string(sim_dir.join("kpis-1.csv")).unwrap();
    assert!(csv.starts_with("tick,block,timestamp,"), "{csv}");
    assert!(csv.lines().next().unwrap().contains("share_price"), "{csv}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sim_dir.join("summary.json")).unwrap())
            .unwrap();
    // The naive vault is robbed by the harvest sandwich on every seed.
    for s in summary["per_seed"].as_array().unwrap() {
        assert!(s["values"]["sandwich_gain"].as_f64().unwrap() > 0.5, "{s}");
    }
    assert!(root().join("scenarios/vault.toml").is_file());
}

#[test]
fn a_scenario_naming_an_unknown_domain_is_refused_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "domain = \"dex\"\n[run]\nticks = 10\n").unwrap();
    let out = tsynth(&[
        "sim",
        "--design",
        "designs/vault-naive.toml",
        "--scenario",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml:1:10"), "{err}");
    assert!(err.contains("unknown domain `dex`"), "{err}");
    assert!(err.contains("amm, vault"), "{err}");
}
