//! `tsynth attack` end to end: Ocean V4's worst attack reads as the July-2022 loop; the
//! same seed prints the same attacks; a domain without an attack search is a clear error.

use crate::cli_support::command as tsynth;

fn attack(args: &[&str]) -> std::process::Output {
    tsynth().arg("attack").args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn v4s_attack_reads_as_the_july_2022_loop() {
    let o = attack(&[
        "--design",
        "designs/ocean-v4.toml",
        "--scenario",
        "scenarios/exploit.toml",
        "--budget",
        "60",
        "--after-ticks",
        "0",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    for want in [
        "state now: best gain",
        // V4 has no schedule: later states cannot differ from now
        "state +1 day, +7 days: not searched, settled like state now",
        "1. block",
        "stake ",
        "buy ",
        "unstake ",
        "sell ",
        "replay: outsider",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    // the loop takes at least the 10% of the pool the reference loop does
    let risk: f64 = s
        .lines()
        .find_map(|l| l.strip_prefix("rug risk "))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|r| r.parse().ok())
        .expect("a rug risk line");
    assert!(risk >= 0.10, "rug risk {risk}\n{s}");
    // the same seed gives the same attacks
    let again = attack(&[
        "--design",
        "designs/ocean-v4.toml",
        "--scenario",
        "scenarios/exploit.toml",
        "--budget",
        "60",
        "--after-ticks",
        "0",
    ]);
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("rug risk"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&s), strip(&text(&again.stdout)));
}

#[test]
fn by_default_the_attack_follows_the_whole_honest_run() {
    let o = attack(&[
        "--design",
        "designs/ocean-v4.toml",
        "--scenario",
        "scenarios/exploit.toml",
        "--budget",
        "40",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(
        s.contains("after 200 tick(s) of the honest market (seed 1)"),
        "{s}"
    );
    assert!(s.contains("rug risk 0."), "{s}");
}

#[test]
fn a_domain_without_an_attack_search_is_a_clear_error() {
    let o = attack(&[
        "--design",
        "designs/vault-naive.toml",
        "--scenario",
        "scenarios/vault.toml",
        "--budget",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(e.contains("domain `vault` has no adversary search"), "{e}");
}

#[test]
fn every_feasible_front_member_of_a_run_is_checked() {
    let f = crate::front_support::shared_run();
    let o = attack(&["--run", f.run.to_str().unwrap(), "--budget", "8"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    // one line per member, then a summary for those feasible and infeasible on the held-out
    // seeds whose counts add up to the members listed
    let rows = s.lines().filter(|l| l.contains("stored rug_risk")).count();
    assert!(rows > 0, "{s}");
    let summed: usize = s
        .lines()
        .filter(|l| l.contains("on the held-out seeds checked with 8 evaluations per state"))
        .map(|l| {
            l.split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(summed, rows, "{s}");
    let bad = attack(&[
        "--run",
        f.run.to_str().unwrap(),
        "--design",
        "designs/ocean-v4.toml",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}

#[test]
fn a_replay_or_hall_entry_that_is_not_an_attack_is_an_error_naming_it() {
    let o = attack(&[
        "--design",
        "designs/ocean-v4.toml",
        "--replay",
        "outsider 1.0 | stake 1.0 | jump 3",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("--replay \"outsider 1.0 | stake 1.0 | jump 3\""),
        "{err}"
    );
    assert!(err.contains("`jump 3`"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let hall = dir.path().join("hall.json");
    std::fs::write(
        &hall,
        "{\"entries\": [\n  {\"risk\": 0.5, \"attack\": \"publisher | claim\", \"found_on\": 2, \"generation\": 0},\n  {\"risk\": 0.3, \"attack\": \"publisher | claim | dance\", \"found_on\": 3, \"generation\": 0}]}",
    )
    .unwrap();
    let o = attack(&[
        "--design",
        "designs/ocean-v4.toml",
        "--hall",
        hall.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    // named by file, line and column of its `"attack"` key, and by its number
    assert!(
        err.contains(&format!("{}:3:17: entry 2", hall.display())),
        "{err}"
    );
}
