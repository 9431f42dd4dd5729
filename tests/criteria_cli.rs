//! `tsynth criteria` end to end: the seed's criteria table for known designs, thresholds from
//! the versioned file applied the same way to each, and clear errors for bad criteria files.

use std::path::Path;

use crate::cli_support::{command as tsynth, root};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The default scenario shortened to 10 days, written to `dir`.
fn short_scenario(dir: &Path) -> std::path::PathBuf {
    let t = std::fs::read_to_string(root().join("scenarios/default.toml")).unwrap();
    let mut out = String::new();
    for line in t.lines() {
        if line.trim_start().starts_with("ticks =") {
            out += "ticks = 240\n";
        } else {
            out += line;
            out.push('\n');
        }
    }
    let p = dir.join("short.toml");
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn the_table_has_a_row_per_criterion_and_a_column_per_design() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_scenario(dir.path());
    let out = dir.path().join("out");
    let o = tsynth()
        .args([
            "criteria",
            "designs/ocean-v3.toml",
            "designs/ocean-v4.toml",
            "designs/seed-1ss.toml",
            "--seeds",
            "1",
            "--no-progress",
        ])
        .arg("--scenario")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    let head = s.lines().nth(1).unwrap();
    for d in ["ocean-v3", "ocean-v4", "seed-1ss"] {
        assert!(head.contains(d), "{head}");
    }
    for row in [
        "1 simple",
        "2 no price swings when people just stake",
        "3 no price spike at launch",
        "4 no spikes in equilibrium",
        "5 no exit-scam risk",
        "6 good incentive for the publisher",
        "7 price tied to what people pay to consume",
        "horizon covers schedule",
    ] {
        assert!(s.contains(row), "missing row {row}:\n{s}");
    }
    // V4's July-2022 loop fails criterion 5 whatever the seed.
    let row5 = s.lines().find(|l| l.starts_with("5 no exit-scam")).unwrap();
    let cells: Vec<&str> = row5.split("  ").filter(|c| !c.trim().is_empty()).collect();
    assert!(cells[2].trim().starts_with('✗'), "{row5}");
    let md = std::fs::read_to_string(out.join("criteria.md")).unwrap();
    assert!(
        md.starts_with("| criterion | ocean-v3 | ocean-v4 | seed-1ss |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("criteria.json")).unwrap()).unwrap();
    assert_eq!(json["columns"].as_array().unwrap().len(), 3);
    assert_eq!(json["rows"].as_array().unwrap().len(), 7);
}

#[test]
fn a_misspelt_metric_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text_ok = std::fs::read_to_string(root().join("criteria/ocean-v41.toml")).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text_ok.replace("\"price_drawdown\"", "\"price_drawdwn\""),
    )
    .unwrap();
    let line = text_ok
        .lines()
        .position(|l| l.contains("\"price_drawdown\""))
        .unwrap()
        + 1;
    let o = tsynth()
        .args(["criteria", "designs/ocean-v4.toml", "--criteria"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(e.contains(&format!("bad.toml:{line}:")), "{e}");
    assert!(e.contains("unknown metric `price_drawdwn`"), "{e}");
}

#[test]
fn front_show_prints_the_criteria_of_a_member() {
    let f = crate::front_support::shared_run();
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.run.join("archive.json")).unwrap()).unwrap();
    let id = a["members"][0]["id"].as_str().unwrap().to_string();
    let o = tsynth()
        .args(["front", "show", f.run.to_str().unwrap(), &id])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(
        s.contains("criteria (held-out seeds):") || s.contains("criteria (search seeds):"),
        "{s}"
    );
    assert!(s.contains("5 no exit-scam risk"), "{s}");
}
