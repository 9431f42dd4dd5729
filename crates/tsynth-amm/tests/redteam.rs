//! Red team: for every objective and constraint, a design a token engineer would reject,
//! built from the real blocks, must score badly on it — and a sound neighbour must not.
//! Each test compares two designs that differ in one block or parameter, on the search
//! market shortened to a few weeks (hour ticks), so a metric that cannot see the flaw fails.

use tsynth_amm::Scenario;
use tsynth_amm::scenario::{Positive, Real};
use tsynth_evm::U256;
use tsynth_sim::metrics::Values;
use tsynth_sim::{Simulate, Simulator};

use crate::blocks_common::{Block, block, wad};
use crate::sim_run::{scenario, simulator, sources};

/// The search market over `days` days, probed every `probe_days`.
fn market(days: u32, probe_days: u32) -> Scenario {
    let mut s = scenario("search.toml");
    s.run.ticks = days * 24;
    s.run.probe_interval = probe_days * 24;
    s
}

/// A sound pool: 50/50 weights, 0.3% + 0.1% fee, one-sided staking with Balancer math, no
/// guard, no allocation, no limit. Tests replace one slot.
fn sound() -> Vec<Block<'static>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad("0.003"), wad("0.001")]),
        block("staking", "BalancerOneSided", &[]),
        block("guard", "NoGuard", &[]),
        block("allocation", "NoAllocation", &[]),
        block("limit", "NoLimit", &[]),
    ]
}

fn with(slot: usize, b: Block<'static>) -> Vec<Block<'static>> {
    let mut d = sound();
    d[slot] = b;
    d
}

const PRICING: usize = 0;
const FEE: usize = 1;
const STAKING: usize = 2;
const GUARD: usize = 3;
const ALLOCATION: usize = 4;

struct Scored {
    mean: Values,
    violation: f64,
}

/// Attack evaluations per probed state of the end-of-run search the red-team scores use:
/// the budget an evolve run gives archive candidates (`[engine] attack_budget`).
const ATTACK_BUDGET: u32 = 60;

/// Scores a design as an evolve run's archive sees it: in-simulation screens plus the full
/// attack search at the end of each seed.
fn score(sim: &Simulator<tsynth_amm::AmmDomain>, blocks: &[Block<'_>], seeds: &[u64]) -> Scored {
    let (src, params) = sources(blocks);
    let plan = tsynth_sim::AttackPlan {
        hall: Vec::new(),
        full_budget: ATTACK_BUDGET,
        seed: 1,
        searched_seeds: Vec::new(),
        search_infeasible: false,
    };
    let (ev, _) = sim.evaluate_with(&src, &params, 0, seeds, false, &plan);
    let a = ev.aggregate;
    assert!(a.failure.is_none(), "{:?}", a.failure);
    let names: Vec<&str> = blocks.iter().map(|b| b.name).collect();
    eprintln!("{}: violation {:.4}", names.join("+"), a.violation);
    for (k, v) in &a.mean {
        eprintln!("    {k} = {v:.4}");
    }
    Scored {
        mean: a.mean,
        violation: a.violation,
    }
}

fn seconds(days: u64) -> U256 {
    U256::from(days * 86_400)
}

#[test]
fn a_fixed_rate_pool_under_drifting_demand_decouples_and_a_curve_follows() {
    // Demand starts at the opening price and rises 2% a day for 30 days (x1.8).
    let mut s = market(30, 5);
    s.demand.initial_level = Positive(1.0);
    s.demand.drift_per_day = Real(0.02);
    let sim = simulator(s);
    let fixed = score(
        &sim,
        &with(PRICING, block("pricing", "FixedRate", &[])),
        &[1],
    );
    let curve = score(&sim, &sound(), &[1]);
    let (f, c) = (
        fixed.mean["price_decoupling"],
        curve.mean["price_decoupling"],
    );
    // From day 7 to day 30 ln L goes 0.14 -> 0.6: a price stuck at 1.0 is ~0.37 away.
    assert!(f > 0.25, "fixed-rate decoupling {f}");
    assert!(f > c + 0.1, "fixed {f} vs curve {c}");
}

#[test]
fn a_smooth_price_crash_shows_in_drawdown_though_per_tick_volatility_misses_it() {
    // A 20-day Dutch auction 10/90 -> 50/50 keeps dividing the price by up to 9 long after the
    // 7-day launch window: buyers of day 8 lose most of what they paid.
    let s = market(25, 5);
    let sim = simulator(s);
    let slide = score(
        &sim,
        &with(
            PRICING,
            block(
                "pricing",
                "LinearWeights",
                &[wad("0.1"), wad("0.5"), seconds(20)],
            ),
        ),
        &[1],
    );
    let flat = score(&sim, &sound(), &[1]);
    let (dd, vol) = (slide.mean["price_drawdown"], slide.mean["volatility"]);
    assert!(dd > 0.4, "drawdown of the slide {dd}");
    assert!(
        vol < 0.02,
        "the slide's per-tick volatility {vol} (small: it is smooth)"
    );
    assert!(
        dd > flat.mean["price_drawdown"] + 0.2,
        "{dd} vs {:?}",
        flat.mean["price_drawdown"]
    );
}

#[test]
fn staking_disabled_is_infeasible_by_default_and_a_lock_up_is_not() {
    let sim = simulator(market(20, 4));
    let none = score(
        &sim,
        &with(STAKING, block("staking", "NoStaking", &[])),
        &[1],
    );
    assert_eq!(none.mean["staking_available"], 0.0);
    assert!(none.violation >= 0.9, "violation {}", none.violation);
    // A ten-day lock-up is waited out on the probe's fork: staking is there.
    let locked = score(
        &sim,
        &with(GUARD, block("guard", "LockUp", &[seconds(10)])),
        &[1],
    );
    assert_eq!(locked.mean["staking_available"], 1.0);
    let open = score(&sim, &sound(), &[1]);
    assert_eq!(open.mean["staking_available"], 1.0);
    // An exit fee of 20% makes the round trip return 80%: not staking one can use.
    let fee = score(
        &sim,
        &with(GUARD, block("guard", "ExitFee", &[wad("0.2")])),
        &[1],
    );
    assert!(
        fee.mean["staking_available"] < 0.5,
        "{:?}",
        fee.mean["staking_available"]
    );
    assert!(fee.mean["staking_return_loss"] > 0.15);
}

#[test]
fn a_fee_that_prices_consumers_out_costs_them_and_breaks_the_fee_ceiling() {
    let sim = simulator(market(20, 4));
    let dear_fee = || block("fee", "FixedFee", &[wad("0.1"), wad("0.01")]);
    // On a curve the 11% fee breaks the 6% ceiling. (Consumers do not pay it all: it prices
    // the speculators out first, and the price they would have pushed up stays lower.)
    let dear = score(&sim, &with(FEE, dear_fee()), &[1]);
    let cheap = score(&sim, &sound(), &[1]);
    assert!(
        (dear.mean["total_fee"] - 0.11).abs() < 1e-9,
        "{}",
        dear.mean["total_fee"]
    );
    assert!(
        dear.violation >= 0.05,
        "an 11% fee must break the 6% ceiling"
    );
    assert!(
        dear.mean["swap_consume_ratio"] < 0.8 * cheap.mean["swap_consume_ratio"],
        "{} vs {}",
        dear.mean["swap_consume_ratio"],
        cheap.mean["swap_consume_ratio"]
    );
    // Where the price cannot adjust (a fixed rate), consumers pay the fee: the all-in cost
    // rises by about the fee and fewer wishes are served.
    let fixed = || block("pricing", "FixedRate", &[]);
    let mut d = with(FEE, dear_fee());
    d[PRICING] = fixed();
    let fixed_dear = score(&sim, &d, &[1]);
    let fixed_cheap = score(&sim, &with(PRICING, fixed()), &[1]);
    let (cd, cc) = (
        fixed_dear.mean["consumer_cost"],
        fixed_cheap.mean["consumer_cost"],
    );
    assert!(cd > cc * 1.08, "{cd} vs {cc}");
    assert!(
        fixed_dear.mean["consume_rate"] < fixed_cheap.mean["consume_rate"],
        "{} vs {}",
        fixed_dear.mean["consume_rate"],
        fixed_cheap.mean["consume_rate"]
    );
}

#[test]
fn a_pool_that_runs_out_of_datatokens_leaves_willing_consumers_unserved() {
    // Demand at 1.5x a fixed rate: speculators and consumers empty the fixed-rate pool's
    // datatokens, after which willing consumers cannot buy.
    let mut s = market(20, 4);
    s.demand.initial_level = Positive(1.5);
    let sim = simulator(s);
    // Single-asset joins, so no bot mints datatokens when stakers come: what is sold is gone.
    let mut d = with(PRICING, block("pricing", "FixedRate", &[]));
    d[STAKING] = block("staking", "BalancerJoin", &[]);
    let fixed = score(&sim, &d, &[1]);
    let curve = score(&sim, &sound(), &[1]);
    assert!(
        fixed.mean["consumers_served"] < 0.8,
        "{}",
        fixed.mean["consumers_served"]
    );
    assert!(fixed.violation > 0.0);
    assert!(
        curve.mean["consumers_served"] > 0.95,
        "{}",
        curve.mean["consumers_served"]
    );
}

#[test]
fn a_publisher_that_cannot_get_its_seed_back_is_infeasible() {
    let sim = simulator(market(20, 4));
    let stuck = score(
        &sim,
        &with(STAKING, block("staking", "NoStaking", &[])),
        &[1],
    );
    assert_eq!(stuck.mean["seed_recovery"], 0.0);
    assert!(
        stuck.mean["publisher_profit"] < -0.9,
        "{}",
        stuck.mean["publisher_profit"]
    );
    let free = score(&sim, &sound(), &[1]);
    assert!(
        free.mean["seed_recovery"] > 0.5,
        "{}",
        free.mean["seed_recovery"]
    );
    // A 20% exit fee costs the publisher a fifth of each chunk it redeems.
    let taxed = score(
        &sim,
        &with(GUARD, block("guard", "ExitFee", &[wad("0.2")])),
        &[1],
    );
    let (t, f) = (taxed.mean["seed_recovery"], free.mean["seed_recovery"]);
    assert!(t < 0.85 * f, "{t} vs {f}");
    assert!(taxed.mean["publisher_profit"] < free.mean["publisher_profit"] - 0.1);
}

#[test]
fn thin_datatoken_liquidity_spikes_at_launch_and_a_dutch_auction_does_not() {
    let sim = simulator(market(10, 5));
    // 90% of the weight on the base token: buying 20% of the base moves the price x1.2^10.
    let thin = score(
        &sim,
        &with(PRICING, block("pricing", "ConstantWeights", &[wad("0.9")])),
        &[1],
    );
    let dutch = score(
        &sim,
        &with(
            PRICING,
            block(
                "pricing",
                "LinearWeights",
                &[wad("0.1"), wad("0.5"), seconds(7)],
            ),
        ),
        &[1],
    );
    let (t, d) = (thin.mean["launch_spike"], dutch.mean["launch_spike"]);
    assert!(t > 3.0, "thin pool's spike {t}");
    assert!(d < 0.5 && d < t / 5.0, "auction's spike {d}");
}

#[test]
fn a_single_asset_join_swings_the_price_and_linear_one_sided_staking_does_not() {
    let sim = simulator(market(10, 2));
    let join = score(
        &sim,
        &with(STAKING, block("staking", "BalancerJoin", &[])),
        &[1],
    );
    let linear = score(
        &sim,
        &with(STAKING, block("staking", "LinearOneSided", &[])),
        &[1],
    );
    assert!(
        join.mean["stake_swing"] > 0.05,
        "{}",
        join.mean["stake_swing"]
    );
    assert!(
        linear.mean["stake_swing"] < 1e-6,
        "{}",
        linear.mean["stake_swing"]
    );
    // ... but the linear math is the July-2022 hole: rug risk says so.
    assert!(
        linear.mean["rug_risk"] > 0.05,
        "{}",
        linear.mean["rug_risk"]
    );
}

#[test]
fn a_premine_the_publisher_can_dump_is_rug_risk() {
    let sim = simulator(market(10, 2));
    let premine = score(
        &sim,
        &with(ALLOCATION, block("allocation", "FullPremine", &[wad("5")])),
        &[1],
    );
    let none = score(&sim, &sound(), &[1]);
    assert!(
        premine.mean["rug_risk"] > 0.3,
        "{}",
        premine.mean["rug_risk"]
    );
    // Without a premine the publisher's gain is only its consume revenue.
    assert!(none.mean["rug_risk"] < 0.1, "{}", none.mean["rug_risk"]);
}

#[test]
fn a_schedule_past_the_horizon_is_infeasible_by_default() {
    // Through the grammar: Ocean V4's year-long vesting (designs/ocean-v4.1.toml) against
    // the seed's 30-day column, on a 45-day horizon.
    let s = market(45, 15);
    let sim = simulator(s);
    let eval = |file: &str| {
        let path = crate::sim_run::repo().join("designs").join(file);
        let (_, library, genotype) = tsynth_grammar::Design::load(&path).expect("design");
        let e = library.emit(&library.decode(&genotype).unwrap()).unwrap();
        sim.evaluate(
            &e.sources,
            &e.param_words(),
            e.schedule_seconds,
            &[1],
            false,
        )
        .0
        .aggregate
    };
    let year = eval("ocean-v4.1.toml");
    let month = eval("seed-1ss-dutchpool-vested-softcap.toml");
    assert!(
        year.mean["horizon_coverage"] < 0.2,
        "{:?}",
        year.mean["horizon_coverage"]
    );
    assert!(year.violation >= 0.8);
    assert_eq!(month.mean["horizon_coverage"], 1.0);
}

#[test]
fn guards_that_only_delay_the_july_2022_loop_do_not_hide_it() {
    let sim = simulator(market(6, 2));
    let linear = |guard: Block<'static>| {
        let mut d = with(STAKING, block("staking", "LinearOneSided", &[]));
        d[GUARD] = guard;
        d
    };
    for guard in [
        block("guard", "LockUp", &[seconds(1)]),
        block("guard", "WithdrawLimit", &[wad("0.05")]),
    ] {
        let name = guard.name;
        let r = score(&sim, &linear(guard), &[1]);
        assert!(r.mean["rug_risk"] > 0.05, "{name}: {}", r.mean["rug_risk"]);
    }
    // A per-block buy cap only slows the buy: the attacker buys across (at most 16) blocks,
    // so a 1% cap shrinks the loop to about a third of its size but does not close it.
    let mut d = linear(block("guard", "NoGuard", &[]));
    d[5] = block("limit", "BuyCap", &[wad("0.01")]);
    let r = score(&sim, &d, &[1]);
    assert!(r.mean["rug_risk"] > 0.02, "BuyCap: {}", r.mean["rug_risk"]);
}

#[test]
fn a_schedule_that_pumps_the_price_starves_consumers_and_is_infeasible() {
    // Base weight 0.9 -> 0.1 over 20 days multiplies the price by 81: no drawdown at all,
    // but the consumers are priced out.
    let sim = simulator(market(25, 5));
    let pump = score(
        &sim,
        &with(
            PRICING,
            block(
                "pricing",
                "LinearWeights",
                &[wad("0.9"), wad("0.1"), seconds(20)],
            ),
        ),
        &[1],
    );
    assert!(
        pump.mean["price_drawdown"] < 0.1,
        "{}",
        pump.mean["price_drawdown"]
    );
    assert!(
        pump.mean["consume_rate"] < 0.1,
        "{}",
        pump.mean["consume_rate"]
    );
    assert!(
        pump.mean["price_decoupling"] > 1.0,
        "{}",
        pump.mean["price_decoupling"]
    );
    assert!(pump.violation > 0.0);
    let flat = score(&sim, &sound(), &[1]);
    assert!(
        flat.mean["consume_rate"] > 0.2,
        "{}",
        flat.mean["consume_rate"]
    );
}
