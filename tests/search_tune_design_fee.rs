//! The real pipeline (genes → emit → compile → simulate over seeds) under the tuning loop:
//! a fee-only problem on a short scenario, whose optimum is found by a grid scan first.

use std::path::PathBuf;
use std::sync::Arc;

use tsynth_amm::{AmmDomain, Scenario};
use tsynth_grammar::Design;
use tsynth_search::tune::{
    Aggregation, DesignFunction, DesignSpace, ObjectiveBound, TuneFunction, TuneMode, TuneSettings,
    Weights, tune,
};
use tsynth_sim::Simulator;
use tsynth_solc::{Compiler, Settings};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn short_scenario() -> Scenario {
    let path = root().join("scenarios/exploit.toml");
    let text = crate::cli_support::with_run(
        &std::fs::read_to_string(&path).unwrap(),
        &[("ticks", 40.0), ("launch_window_days", 0.002)],
    );
    Scenario::parse(&text, &path).unwrap()
}

#[test]
fn fee_only_tuning_reaches_the_scanned_optimum_and_respects_constraints() {
    let (_, lib, g) = Design::load(&root().join("designs/ocean-v4.1.toml")).unwrap();
    let space = Arc::new(DesignSpace::new(lib, g).unwrap());
    let params = space.select(&["SoftCapFee.baseFee".into()]).unwrap();
    let mut sim = Simulator::new(
        AmmDomain,
        short_scenario(),
        Compiler::shared().unwrap(),
        &space.library.blocks_dir,
        Settings::default(),
    )
    .unwrap();
    // The tuner's mechanics on a fee, not V4.1's verdict: its one-year vesting outruns this
    // 8-minute scenario and consumption has not started by its end, so the horizon and
    // consume-rate constraints (which would make every point infeasible alike) are left out.
    let mut selection = tsynth_sim::Simulate::selection(&sim).clone();
    selection
        .constraints
        .retain(|c| c.metric != tsynth_sim::HORIZON_COVERAGE && c.metric != "consume_rate");
    tsynth_sim::Simulate::set_selection(&mut sim, selection).unwrap();
    let f = DesignFunction::new(
        Arc::clone(&space),
        params.clone(),
        Arc::new(sim),
        vec![1, 2],
        Aggregation::Mean,
    );
    let names = f.objective_names();
    let j = names.iter().position(|n| n == "slippage").unwrap();

    // grid scan of the one gene: the optimum to find
    let grid: Vec<f64> = (0..=10).map(|k| k as f64 / 10.0).collect();
    let scan: Vec<f64> = grid
        .iter()
        .map(|&x| f.evaluate(&[x]).unwrap().objectives[j])
        .collect();
    let (k_best, &s_best) = scan
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    eprintln!("slippage over the baseFee gene grid: {scan:?}");
    let spread = scan.iter().cloned().fold(f64::MIN, f64::max) - s_best;
    assert!(
        spread > 0.0,
        "the fee must matter for the test to mean anything: {scan:?}"
    );

    let mut w = Weights::parse(None, Some("slippage"), &names).unwrap();
    let settings = TuneSettings {
        mode: TuneMode::Scalar,
        budget: 40,
        initial_step: 0.25,
        min_step: 0.01,
        ..TuneSettings::default()
    };
    let start = space.start_genes(&params);
    let out = tune(&f, &start, &[], &mut w, &settings, |_, _| {}).unwrap();
    let best = &out.points[out.best];
    assert!(
        best.objectives[j] <= s_best + 1e-3 * spread,
        "tuned slippage {} at gene {} vs grid optimum {s_best} at gene {}",
        best.objectives[j],
        best.genes[0],
        grid[k_best]
    );
    assert!(
        best.objectives[j] < out.points[0].objectives[j],
        "improved on the start"
    );
    // the structure never changes
    assert!(
        out.points
            .iter()
            .all(|p| p.extra.structure_hash == out.points[0].extra.structure_hash)
    );

    // a constraint that excludes the unconstrained optimum: every reported point obeys it
    let limit = (s_best + scan[0].max(scan[10])) / 2.0;
    let c = ObjectiveBound::parse(&format!("slippage>={limit}"), &names).unwrap();
    let mut w = Weights::parse(None, Some("slippage"), &names).unwrap();
    let out = tune(
        &f,
        &start,
        std::slice::from_ref(&c),
        &mut w,
        &settings,
        |_, _| {},
    )
    .unwrap();
    let best = &out.points[out.best];
    assert!(best.is_feasible(), "{best:?}");
    assert!(best.objectives[j] >= limit);
    // the constrained optimum sits on the boundary (slippage falls with the fee)
    assert!(
        best.objectives[j] - limit < 0.1 * spread,
        "constrained best {} vs limit {limit}",
        best.objectives[j]
    );
    for &i in &out.front {
        let p = &out.points[i];
        if p.is_feasible() {
            assert!(p.objectives[j] >= limit, "{:?}", p.objectives);
        }
    }
    assert!(
        out.points.iter().any(|p| p.is_feasible()),
        "the limit is reachable"
    );
}
