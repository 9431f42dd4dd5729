//! The attack search (issue #13) on the July-2022 setting: a 50/50 pool with B = D = 1000
//! and an outside attacker with 1000 base tokens (`scenarios/exploit.toml`). Each test states
//! its search budget; each fails if the search regresses.

use std::path::Path;

use crate::blocks_common::{Block, block, compile, fixture, wad};
use tsynth_amm::Scenario;
use tsynth_amm::attack::{Actor, Arena, Attack, Found, SearchSettings, Step, execute, search};
use tsynth_amm::setup::{self, Prepared};
use tsynth_evm::{Snapshot, U256};

fn exploit_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/exploit.toml");
    let s = Scenario::load(&path).expect("scenario parses");
    // The reference numbers below are for this setting.
    assert_eq!(s.pool.initial_base.get(), 1000.0);
    assert_eq!(s.pool.initial_price.get(), 1.0);
    assert_eq!(s.adversaries.attacker_capital.get(), 1000.0);
    s
}

fn v4_with(fee: &str, staking: &'static str, guard: Block<'static>) -> Vec<Block<'static>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad(fee), wad(fee)]),
        block("staking", staking, &[]),
        guard,
        block("allocation", "NoAllocation", &[]),
        block("limit", "NoLimit", &[]),
    ]
}

fn prepared(blocks: &[Block<'_>]) -> (Snapshot, Prepared) {
    let (art, params) = compile(blocks).expect("compiles");
    setup::prepare(&fixture().1, &art, &params, &exploit_scenario()).expect("set-up")
}

fn arena(p: &Prepared) -> Arena {
    Arena {
        contracts: p.contracts,
        attacker: p.attacker,
        publisher: p.publisher,
        publisher_endowment: p.publisher_endowment,
    }
}

fn run_search(blocks: &[Block<'_>], settings: &SearchSettings, delays: &[u64]) -> Found {
    let (snap, p) = prepared(blocks);
    let world = snap.to_world();
    search(&world, &arena(&p), settings, &[], delays).expect("search runs")
}

#[test]
fn the_july_2022_loop_as_an_attack_nets_111_at_fee_0() {
    let (snap, p) = prepared(&v4_with(
        "0",
        "LinearOneSided",
        block("guard", "NoGuard", &[]),
    ));
    let mut world = snap.to_world();
    let loop_ = Attack {
        actor: Actor::Outsider,
        capital: 1.0,
        steps: vec![
            Step::Stake(1.0),
            Step::Buy(1.0),
            Step::Unstake(1.0),
            Step::Sell(1.0),
        ],
        origin: "reference".into(),
    };
    let o = execute(&mut world, &arena(&p), &loop_).expect("runs");
    assert!((o.gain - 111.111).abs() < 0.01, "gain {}", o.gain);
    assert!((o.risk() - 0.111_11).abs() < 1e-4, "{}", o.risk());
}

/// Budget: 600 attack evaluations, templates off: the search must find the loop itself.
#[test]
fn without_templates_the_search_finds_the_july_2022_loop_on_v4() {
    let settings = SearchSettings {
        budget: 600,
        templates: false,
        seed: 7,
        ..SearchSettings::default()
    };
    let found = run_search(
        &v4_with("0", "LinearOneSided", block("guard", "NoGuard", &[])),
        &settings,
        &[],
    );
    assert!(
        found.outcome.gain >= 0.9 * 111.111,
        "best {:.3} after {} evaluations: {:?}",
        found.outcome.gain,
        found.evaluations,
        found.attack
    );
    let first = found.first_reaching(0.9 * 111.111).expect("reached");
    assert!(first <= found.found_at);
    let kinds: Vec<&Step> = found.attack.steps.iter().collect();
    assert!(
        kinds.iter().any(|s| matches!(s, Step::Stake(_))),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|s| matches!(s, Step::Buy(_))), "{kinds:?}");
}

/// Budget: 300 evaluations with templates. The July-2022 blind spots: a 60 s lock-up only
/// delays the loop, a 5%-per-block withdrawal limit only spreads the unstake over blocks.
#[test]
fn a_lock_up_or_a_withdrawal_limit_does_not_stop_the_loop() {
    let settings = SearchSettings {
        budget: 300,
        seed: 1,
        ..SearchSettings::default()
    };
    let locked = run_search(
        &v4_with(
            "0.001",
            "LinearOneSided",
            block("guard", "LockUp", &[U256::from(60u64)]),
        ),
        &settings,
        &[60],
    );
    assert!(
        locked.outcome.risk() >= 0.10,
        "lock-up: risk {:.4} by {:?}",
        locked.outcome.risk(),
        locked.attack
    );
    assert!(locked.attack.waits() >= 1, "{:?}", locked.attack);
    let limited = run_search(
        &v4_with(
            "0.001",
            "LinearOneSided",
            block("guard", "WithdrawLimit", &[wad("0.05")]),
        ),
        &settings,
        &[],
    );
    assert!(
        limited.outcome.risk() >= 0.10,
        "withdraw limit: risk {:.4} by {:?}",
        limited.outcome.risk(),
        limited.attack
    );
    // the liquidation had to span several blocks
    let blocks: std::collections::BTreeSet<u64> =
        limited.outcome.trace.iter().map(|t| t.block).collect();
    assert!(blocks.len() >= 5, "{:?}", limited.outcome.trace);
}

/// Budget: 400 evaluations with templates, per design. Balancer-math staking charges the
/// trade's price impact on the way in and out: with nonzero fees nothing nets more than
/// rounding.
#[test]
fn balancer_math_staking_with_fees_leaves_nothing_to_take() {
    let settings = SearchSettings {
        budget: 400,
        seed: 3,
        ..SearchSettings::default()
    };
    for staking in ["BalancerJoin", "BalancerOneSided"] {
        let found = run_search(
            &v4_with("0.001", staking, block("guard", "NoGuard", &[])),
            &settings,
            &[],
        );
        assert!(
            found.outcome.gain < 1e-6,
            "{staking}: {:.9} by {:?}",
            found.outcome.gain,
            found.attack
        );
    }
}

#[test]
fn same_seed_same_attack_whatever_the_thread_count() {
    let settings = SearchSettings {
        budget: 120,
        seed: 11,
        ..SearchSettings::default()
    };
    let blocks = v4_with(
        "0.001",
        "LinearOneSided",
        block("guard", "LockUp", &[U256::from(60u64)]),
    );
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_search(&blocks, &settings, &[60]))
    };
    let (a, b) = (in_pool(1), in_pool(2));
    assert_eq!(a.attack, b.attack);
    assert_eq!(a.outcome, b.outcome);
    let other = run_search(
        &blocks,
        &SearchSettings {
            seed: 12,
            ..settings.clone()
        },
        &[60],
    );
    assert_eq!(other.evaluations, a.evaluations);
}

/// Budget: 100 evaluations per state, templates on. A premine that unlocks 60 days after
/// launch (cliff 60 days, then 10 x D0 at once) is invisible at launch, at +1 day and at +7
/// days, and the probe just past the schedule's end finds the dump — once honest buyers have
/// put base tokens in (before that only the publisher's own seed is in the pool).
#[test]
fn a_late_unlocking_premine_is_found_by_the_time_warped_probe() {
    let day = 86_400u64;
    let blocks = vec![
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad("0.001"), wad("0.001")]),
        block("staking", "BalancerOneSided", &[]),
        block("guard", "NoGuard", &[]),
        block(
            "allocation",
            "CliffVesting",
            &[wad("10"), U256::from(60 * day), U256::from(30 * day)],
        ),
        block("limit", "NoLimit", &[]),
    ];
    let (snap, p) = prepared(&blocks);
    let mut world = snap.to_world();
    // an honest buyer puts 500 base tokens into the pool
    let mut buyer = tsynth_amm::agents::Holdings {
        base: tsynth_sim::units::to_wei(1e6),
        ..Default::default()
    };
    let mut counts = tsynth_amm::agents::TxCounts::default();
    let bought = tsynth_amm::agents::buy(
        &mut world,
        &p.contracts,
        p.prober,
        &mut buyer,
        &mut counts,
        tsynth_sim::units::to_wei(500.0),
    )
    .unwrap();
    assert!(bought);
    let request = tsynth_sim::AttackRequest {
        budget: 100,
        seed: 5,
        templates: true,
        schedule_seconds: 60 * day,
        after_ticks: 0,
        market_seed: 1,
        hall: Vec::new(),
        screen_only: false,
    };
    let report =
        tsynth_amm::attack::probe::attack_report(&p, &world, 0, &request, true).expect("runs");
    let when: Vec<&str> = report.probes.iter().map(|p| p.when.as_str()).collect();
    assert_eq!(
        when,
        [
            "now",
            "+1 day",
            "+7 days",
            "schedule end (60.0 days after launch)"
        ]
    );
    // Before the unlock the publisher can only withdraw its liquidity (with the buyer's
    // trade income in it); after it, it dumps ten times the pool's datatokens on the buyer.
    let early = report.probes[..3]
        .iter()
        .map(|p| p.risk)
        .fold(0.0, f64::max);
    assert!(early < 0.15, "{:?}", report.probes);
    let late = &report.probes[3];
    assert!(
        late.risk >= 0.3,
        "schedule end: {:.4} by {:?}",
        late.risk,
        late.lines
    );
    assert!(late.lines[0].starts_with("publisher"), "{:?}", late.lines);
    assert_eq!(report.worst().unwrap().when, late.when);
}

/// A publisher that withdraws its liquidity after an honest buyer bought in leaves the buyer
/// with datatokens nobody will pay for: its realisable value falls, though the publisher only
/// takes back (about) its own deposit.
#[test]
fn victim_loss_is_what_honest_holders_can_no_longer_get_out() {
    let blocks = v4_with("0.001", "BalancerJoin", block("guard", "NoGuard", &[]));
    let (snap, p) = prepared(&blocks);
    let mut world = snap.to_world();
    // a consumer of the scenario (100 base tokens) buys with 80 of them
    let who = p.agents[0];
    let mut buyer = tsynth_amm::attack::exec::holdings_of(&mut world, &p.contracts, who).unwrap();
    let mut counts = tsynth_amm::agents::TxCounts::default();
    assert!(
        tsynth_amm::agents::buy(
            &mut world,
            &p.contracts,
            who,
            &mut buyer,
            &mut counts,
            tsynth_sim::units::to_wei(80.0),
        )
        .unwrap()
    );
    let rug = Attack {
        actor: Actor::Publisher,
        capital: 1.0,
        steps: vec![Step::Unstake(1.0)],
        origin: "withdraw".into(),
    };
    let mut after = world.fork();
    execute(&mut after, &arena(&p), &rug).unwrap();
    // what its datatokens are worth to it: realisable value minus the base it holds
    let value = |w: &tsynth_evm::World| {
        let base = tsynth_amm::attack::exec::holdings_of(&mut w.fork(), &p.contracts, who)
            .unwrap()
            .base;
        tsynth_amm::attack::exec::realisable_value(w, &p.contracts, who).unwrap()
            - tsynth_sim::units::to_tokens(base)
    };
    let (before_v, after_v) = (value(&world), value(&after));
    assert!(
        before_v > 60.0,
        "the buyer's datatokens are worth {before_v} before"
    );
    assert!(
        after_v < 0.2 * before_v,
        "and {after_v} after the withdrawal"
    );
    let loss = tsynth_amm::attack::exec::victim_loss(&world, &after, &p.contracts, &[who]).unwrap();
    assert!((loss - (before_v - after_v)).abs() < 1e-9, "{loss}");
}

/// Budget: 150 evaluations per state, templates on, on designs with an honest buyer's base
/// in the pool. The probe skips states later than the first settled one (every schedule
/// run out); this checks the premise: the same search at now, +1 day and +7 days finds the
/// same attack with the same gain to the last bit — on a design without schedules (Ocean
/// V3's blocks: a premine, Balancer-math staking) and on one whose one-hour auction and
/// fee decay have run out.
#[test]
fn states_after_every_schedule_ran_out_offer_the_attacker_the_same() {
    let designs = [
        vec![
            block("pricing", "ConstantWeights", &[wad("0.7")]),
            block("fee", "FixedFee", &[wad("0.001"), wad("0")]),
            block("staking", "BalancerJoin", &[]),
            block("guard", "NoGuard", &[]),
            block("allocation", "FullPremine", &[wad("10")]),
            block("limit", "NoLimit", &[]),
        ],
        vec![
            block(
                "pricing",
                "LinearWeights",
                &[wad("0.1"), wad("0.5"), U256::from(3600u64)],
            ),
            block(
                "fee",
                "LaunchFee",
                &[wad("0.05"), wad("0.001"), U256::from(3600u64), wad("0.001")],
            ),
            block("staking", "LinearOneSided", &[]),
            block("guard", "NoGuard", &[]),
            block("allocation", "NoAllocation", &[]),
            block("limit", "NoLimit", &[]),
        ],
    ];
    for blocks in &designs {
        let (snap, p) = prepared(blocks);
        let mut world = snap.to_world();
        // two hours later (past the one-hour schedules) an honest buyer puts in 300 base
        world.advance(600, 7200);
        let mut buyer = tsynth_amm::agents::Holdings {
            base: tsynth_sim::units::to_wei(1e6),
            ..Default::default()
        };
        let mut counts = tsynth_amm::agents::TxCounts::default();
        assert!(
            tsynth_amm::agents::buy(
                &mut world,
                &p.contracts,
                p.prober,
                &mut buyer,
                &mut counts,
                tsynth_sim::units::to_wei(300.0),
            )
            .unwrap()
        );
        let settings = SearchSettings {
            budget: 150,
            seed: 3,
            ..SearchSettings::default()
        };
        let found: Vec<Found> = [0u64, 86_400, 7 * 86_400]
            .into_iter()
            .map(|offset| {
                let mut w = world.fork();
                if offset > 0 {
                    w.advance(offset / 12, offset);
                }
                search(&w, &arena(&p), &settings, &[], &[3600]).expect("search runs")
            })
            .collect();
        assert!(found[0].outcome.gain > 0.0, "{:?}", found[0].outcome);
        for f in &found[1..] {
            assert_eq!(f.outcome.gain.to_bits(), found[0].outcome.gain.to_bits());
            assert_eq!(f.attack.encode(), found[0].attack.encode());
        }
    }
}
