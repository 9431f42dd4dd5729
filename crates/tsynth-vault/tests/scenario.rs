//! The scenario schema: defaults, and errors at FILE:LINE:COL.

use std::path::Path;

use tsynth_sim::ScenarioError;
use tsynth_vault::Scenario;

use crate::common::repo;

const GOOD: &str = r#"domain = "vault"

[run]
ticks = 10

[stream]
rewards_per_day = 50.0

[[savers]]
count = 2
capital = 100.0
deposit_probability = 0.1
withdraw_probability = 0.1
"#;

fn err(text: &str) -> (String, usize, usize, String) {
    match Scenario::parse(text, Path::new("scenarios/bad.toml")) {
        Err(e @ ScenarioError::Invalid { .. }) => {
            let shown = e.to_string();
            let ScenarioError::Invalid {
                line, col, message, ..
            } = e
            else {
                unreachable!()
            };
            (shown, line, col, message)
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn repository_scenario_parses_with_defaults() {
    let s = Scenario::load(&repo().join("scenarios/vault.toml")).unwrap();
    assert_eq!(s.domain, "vault");
    assert_eq!(s.saver_count(), 4);
    let g = Scenario::parse(GOOD, Path::new("g.toml")).unwrap();
    assert_eq!(g.run.seconds_per_tick, 12);
    assert_eq!(g.keeper.harvest_probability.get(), 0.1);
    assert_eq!(g.adversary.max_hold_seconds, 3600);
    assert_eq!(g.metrics.min_withdraw_success.get(), 0.8);
    assert_eq!(g.each_saver().count(), 2);
}

#[test]
fn bad_value_is_reported_at_file_line_col() {
    let (shown, line, col, msg) =
        err(&GOOD.replace("withdraw_probability = 0.1", "withdraw_probability = 1.5"));
    assert_eq!((line, col), (13, 24), "{shown}");
    assert!(msg.contains("probability in [0, 1]"), "{msg}");
    assert!(shown.starts_with("scenarios/bad.toml:13:24: "), "{shown}");
}

#[test]
fn unknown_key_and_wrong_domain_are_positioned() {
    let (_, line, col, msg) = err(&GOOD.replace("[stream]\n", "[stream]\ncolour = 1\n"));
    assert_eq!((line, col), (7, 1), "{msg}");
    assert!(msg.contains("colour"), "{msg}");
    let (_, line, col, msg) = err(&GOOD.replace("\"vault\"", "\"amm\""));
    assert_eq!((line, col), (1, 10), "{msg}");
    assert!(msg.contains("not `vault`"), "{msg}");
    let (_, line, _, msg) = err(&GOOD.replace("domain = \"vault\"\n", ""));
    assert_eq!(line, 1, "{msg}");
    assert!(msg.contains("domain"), "{msg}");
}
