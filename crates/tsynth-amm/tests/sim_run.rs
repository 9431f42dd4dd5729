//! The simulator end to end: adversaries on the reference designs, determinism across thread
//! counts, infeasible results instead of crashes.

use std::path::{Path, PathBuf};

use crate::blocks_common::{Block, block, candidate_source, fixture, wad};
use tsynth_amm::attack::exec::execute;
use tsynth_amm::attack::lang::Attack;
use tsynth_amm::attack::probe::arena;
use tsynth_amm::bindings::IDataPool;
use tsynth_amm::deploy::building_blocks_dir;
use tsynth_amm::domain::run_seed;
use tsynth_amm::setup::Prepared;
use tsynth_amm::setup::{self, ATTACKER};
use tsynth_amm::{AmmDomain, Scenario};
use tsynth_evm::Snapshot;
use tsynth_evm::U256;
use tsynth_sim::AttackPlan;
use tsynth_sim::units::to_tokens;
use tsynth_sim::{Simulate, Simulator};
use tsynth_solc::{Compiler, Settings};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn scenario(name: &str) -> Scenario {
    Scenario::load(&repo().join("scenarios").join(name)).expect("scenario parses")
}

pub fn simulator(s: Scenario) -> Simulator<AmmDomain> {
    Simulator::new(
        AmmDomain,
        s,
        Compiler::shared().expect("compiler"),
        &building_blocks_dir(),
        Settings::default(),
    )
    .expect("environment")
}

/// Ocean V4 with configurable fees and the staking / guard blocks swapped as asked.
fn v4(
    lp_fee: &str,
    community: &str,
    staking: &'static str,
    guard: Block<'static>,
) -> Vec<Block<'static>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad(lp_fee), wad(community)]),
        block("staking", staking, &[]),
        guard,
        block("allocation", "NoAllocation", &[]),
        block("limit", "NoLimit", &[]),
    ]
}

pub fn sources(blocks: &[Block<'_>]) -> (std::collections::BTreeMap<String, String>, Vec<U256>) {
    let (src, params) = candidate_source(blocks);
    let mut s = fixture().0.clone();
    s.retain(|k, _| !k.starts_with("env/"));
    s.insert("Candidate.sol".into(), src);
    (s, params)
}

fn prepared(blocks: &[Block<'_>], scenario: &Scenario) -> (Snapshot, Prepared) {
    let (src, params) = sources(blocks);
    let art = tsynth_amm::deploy::compile_candidate(
        Compiler::shared().unwrap(),
        src,
        &Settings::default(),
    )
    .expect("compiles");
    setup::prepare(&fixture().1, &art, &params, scenario).expect("set-up")
}

#[test]
fn attacker_one_loop_on_v4_without_fees_nets_111() {
    let s = scenario("exploit.toml");
    let (snap, p) = prepared(
        &v4("0", "0", "LinearOneSided", block("guard", "NoGuard", &[])),
        &s,
    );
    let mut world = snap.to_world();
    // 1,000 base: the stake is capped at half the pool (500), the buy spends the other 500.
    let one_loop = Attack::parse("outsider 1 | stake 1 | buy 1 | unstake 1 | sell 1").unwrap();
    let out = execute(&mut world, &arena(&p), &one_loop).expect("loop runs");
    assert!((out.gain - 111.111).abs() < 0.01, "gain {}", out.gain);
    let left = world
        .dry_run_sol(ATTACKER, p.contracts.pool, &IDataPool::baseBalanceCall {})
        .unwrap();
    assert!(
        (to_tokens(left) - 888.889).abs() < 0.01,
        "pool base {}",
        to_tokens(left)
    );
}

#[test]
fn rug_risk_of_v4_on_the_exploit_scenario_and_its_structural_fixes() {
    let s = scenario("exploit.toml");
    let sim = simulator(s);
    let seeds = [1, 2];
    // As an evolve run's archive sees a design: in-simulation screens plus the full attack
    // search (60 evaluations per probed state) at the end of each seed.
    let plan = AttackPlan {
        hall: Vec::new(),
        full_budget: 60,
        seed: 1,
        searched_seeds: Vec::new(),
        search_infeasible: false,
    };
    let eval = |blocks: &[Block<'_>]| {
        let (src, params) = sources(blocks);
        sim.evaluate_with(&src, &params, 0, &seeds, false, &plan).0
    };
    let shipped = eval(&v4(
        "0.001",
        "0.001",
        "LinearOneSided",
        block("guard", "NoGuard", &[]),
    ));
    assert!(
        shipped.aggregate.failure.is_none(),
        "{:?}",
        shipped.aggregate.failure
    );
    assert!(
        shipped.aggregate.worst["rug_risk"] >= 0.08,
        "{:?}",
        shipped.aggregate
    );
    assert!(
        shipped.aggregate.mean["rug_risk"] >= 0.08,
        "{:?}",
        shipped.aggregate
    );

    // Balancer single-asset join/exit instead of the linear math: no attack the search finds
    // (templates, then 60 evaluations per state at four states per seed) pays.
    let v3_staking = eval(&v4(
        "0",
        "0",
        "BalancerJoin",
        block("guard", "NoGuard", &[]),
    ));
    assert!(v3_staking.aggregate.failure.is_none());
    assert!(
        v3_staking.aggregate.worst["rug_risk"] < 1e-9,
        "{:?}",
        v3_staking.aggregate
    );

    // A lock-up guard only delays the loop: the search's attacker stakes, waits out the
    // hour, then buys, unstakes and sells in one block (shared/reference/attacks.md). And
    // the one-block loop alone does see nothing there (its blind spot).
    let locked_blocks = v4(
        "0",
        "0",
        "LinearOneSided",
        block("guard", "LockUp", &[U256::from(3600u64)]),
    );
    let locked = eval(&locked_blocks);
    assert!(locked.aggregate.failure.is_none());
    assert!(
        locked.aggregate.worst["rug_risk"] >= 0.08,
        "{:?}",
        locked.aggregate
    );
    let (snap, p) = prepared(&locked_blocks, &scenario("exploit.toml"));
    let one_block = Attack::parse("outsider 1 | stake 1 | buy 1 | unstake 1 | sell 1").unwrap();
    let script = execute(&mut snap.to_world(), &arena(&p), &one_block).expect("loop runs");
    assert!(script.gain <= 0.0, "{}", script.gain);
}

#[test]
fn same_seed_same_result_with_one_and_two_threads() {
    let mut s = scenario("default.toml");
    s.run.ticks = 240;
    s.run.probe_interval = 48;
    let sim = simulator(s);
    let (src, params) = sources(&v4(
        "0.003",
        "0.001",
        "LinearOneSided",
        block("guard", "NoGuard", &[]),
    ));
    let seeds = [11, 12, 13, 14];
    let with = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| serde_json::to_string(&sim.evaluate(&src, &params, 0, &seeds, false).0))
            .unwrap()
    };
    let one = with(1);
    assert_eq!(one, with(2));
    // And the seeds really differ from each other (the test would be empty otherwise).
    let ev: tsynth_sim::SimEvaluation = serde_json::from_str(&one).unwrap();
    assert_ne!(
        ev.seeds[0].values["price_decoupling"],
        ev.seeds[1].values["price_decoupling"]
    );
    assert!(ev.seeds.iter().all(|s| s.values["honest_txs"] > 0.0));
}

#[test]
fn set_up_revert_is_an_infeasible_result() {
    let sim = simulator(scenario("exploit.toml"));
    // A base weight of 2.0 is outside ConstantWeights' hard range: its constructor reverts.
    let mut blocks = v4(
        "0.001",
        "0.001",
        "LinearOneSided",
        block("guard", "NoGuard", &[]),
    );
    blocks[0] = block("pricing", "ConstantWeights", &[wad("2")]);
    let (src, params) = sources(&blocks);
    let (ev, _) = sim.evaluate(&src, &params, 0, &[1], false);
    assert!(!ev.aggregate.feasible());
    let why = ev.aggregate.failure.expect("a reason");
    assert!(why.contains("set-up"), "{why}");
    assert!(why.contains("ParamOutOfRange"), "{why}");
}

#[test]
fn compile_error_is_an_infeasible_result() {
    let sim = simulator(scenario("exploit.toml"));
    let (mut src, params) = sources(&v4(
        "0.001",
        "0",
        "LinearOneSided",
        block("guard", "NoGuard", &[]),
    ));
    src.insert("Candidate.sol".into(), "contract Candidate is {".into());
    let (ev, _) = sim.evaluate(&src, &params, 0, &[1], false);
    assert!(ev.aggregate.failure.unwrap().starts_with("compile"));
}

#[test]
fn agent_out_of_gas_is_an_infeasible_result() {
    let s = scenario("exploit.toml");
    let (snap, p) = prepared(
        &v4(
            "0.001",
            "0.001",
            "LinearOneSided",
            block("guard", "NoGuard", &[]),
        ),
        &s,
    );
    let mut w = snap.to_world();
    w.set_tx_gas_limit(25_000).unwrap(); // enough for a view, not for a swap
    let r = run_seed(&w.snapshot(), &p, &s, 3, false);
    let why = r.outcome.failure.expect("failure");
    assert!(why.contains("out of gas"), "{why}");
    assert!(r.outcome.violation > 0.0);
}

#[test]
fn kpis_are_recorded_per_tick_and_consistent() {
    let mut s = scenario("default.toml");
    s.run.ticks = 240;
    let (snap, p) = prepared(
        &v4(
            "0.003",
            "0.001",
            "LinearOneSided",
            block("guard", "NoGuard", &[]),
        ),
        &s,
    );
    let r = run_seed(&snap, &p, &s, 5, true);
    let k = &r.kpis;
    let col = |name: &str, row: usize| k.rows[row][k.column(name).expect(name)];
    assert!(r.outcome.failure.is_none(), "{:?}", r.outcome.failure);
    assert_eq!(k.rows.len(), 241);
    assert_eq!(col("tick", 0), 0.0);
    assert!((col("base_balance", 0) - 1000.0).abs() < 1e-9);
    // Time advances by the scenario's tick length.
    let spt = f64::from(s.run.seconds_per_tick);
    assert_eq!(col("timestamp", 240) - col("timestamp", 0), 240.0 * spt);
    assert!(col("block", 240) > col("block", 0));
    // Swap volume only grows; consumers ordered something; the demand level is positive.
    assert!((1..=240).all(|i| col("swap_volume", i) >= col("swap_volume", i - 1)));
    assert!(col("consume_volume", 240) > 0.0);
    assert!((0..=240).all(|i| col("demand_level", i) > 0.0));
    let mut csv = Vec::new();
    k.write_csv(&mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 242);
    assert!(text.starts_with("tick,block,timestamp,spot_price,demand_level"));
}
