//! Weighted math of the building blocks in the EVM against the reference numbers (Ocean V3)
//! and against an f64 evaluation of Balancer's out-given-in formula.

use crate::blocks_common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tsynth_evm::U256;

fn v3_blocks(lp_fee: &str) -> Vec<Block<'static>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.7")]),
        block("fee", "FixedFee", &[wad(lp_fee), U256::ZERO]),
        block("staking", "BalancerJoin", &[]),
        block("guard", "NoGuard", &[]),
        block("allocation", "FullPremine", &[wad("10")]),
        block("limit", "NoLimit", &[]),
    ]
}

/// f64 out-given-in, written to avoid cancellation: bO·(−expm1(e·ln(bI/(bI + a(1−f))))).
fn out_given_in(b_in: f64, w_in: f64, b_out: f64, w_out: f64, a: f64, fee: f64) -> f64 {
    let ln_y = -(a * (1.0 - fee) / b_in).ln_1p();
    -b_out * ((w_in / w_out) * ln_y).exp_m1()
}

#[test]
fn v3_70_30_opening_spot_buy_cost_and_spot_after() {
    let mut p = open(&v3_blocks("0.001"), tokens(21), wad("1"));
    // 21 OCEAN at 70% and a fee-free price of 1 → 9 DT at 30%.
    let dt = f(p.dt_bal());
    assert!(rel(dt, 9.0) < 1e-15, "pool DT {dt}");
    assert_eq!(p.base_bal(), tokens(21));
    // Premine: 10 × D0 to the publisher.
    let premine = f(p.dt_of(PUBLISHER));
    assert!(rel(premine, 90.0) < 1e-15, "premine {premine}");
    let spot = f(p.spot());
    assert!(rel(spot, 1.0 / 0.999) < 1e-12, "spot {spot}");
    assert!(rel(spot, 1.001001) < 1e-6);

    // In-given-out for 1 DT: 21·((9/8)^(3/7) − 1)/0.999 ≈ 1.08835.
    let cost = 21.0 * ((9.0f64 / 8.0).powf(0.3 / 0.7) - 1.0) / 0.999;
    assert!(rel(cost, 1.08835) < 1e-5, "reference cost {cost}");
    p.fund(TRADER, tokens(10));
    let pool = p.addr();
    let dry: U256 = p
        .world
        .dry_run_sol(
            TRADER,
            pool,
            &Pool::buyDtCall {
                baseIn: wad("1.08835"),
                minDtOut: U256::ZERO,
            },
        )
        .expect("dry-run buy");
    assert!(rel(f(dry), 1.0) < 1e-5, "1.08835 OCEAN buys {} DT", f(dry));
    // the dry run changed nothing
    assert_eq!(p.base_bal(), tokens(21));

    let got = p.buy(TRADER, to_wad(cost)).expect("buy");
    assert!(rel(f(got), 1.0) < 1e-9, "bought {}", f(got));
    let after = f(p.spot());
    assert!(rel(after, 1.184489) < 1e-5, "spot after {after}");
    assert!(after / spot > 1.18 && after / spot < 1.19, "+18%");
    assert_eq!(f(p.dt_of(TRADER)), f(got));
}

#[test]
fn out_given_in_matches_f64_formula_on_1000_random_trades() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x7357);
    let mut checked = 0;
    let mut max_err = 0.0f64;
    for _pool in 0..5 {
        // random weight (whole percent), fee, opening
        let w_pct: u64 = rng.random_range(5..=95);
        let fee_bp: u64 = rng.random_range(0..=300);
        let comm_bp: u64 = rng.random_range(0..=20);
        let w_base = w_pct as f64 / 100.0;
        let lp = U256::from(fee_bp) * U256::from(10u64).pow(U256::from(14u64));
        let cf = U256::from(comm_bp) * U256::from(10u64).pow(U256::from(14u64));
        let fee = (fee_bp + comm_bp) as f64 / 1e4;
        let blocks = vec![
            block(
                "pricing",
                "ConstantWeights",
                &[U256::from(w_pct) * wad("0.01")],
            ),
            block("fee", "FixedFee", &[lp, cf]),
            block("staking", "NoStaking", &[]),
            block("guard", "NoGuard", &[]),
            block("allocation", "FullPremine", &[wad("100")]),
            block("limit", "NoLimit", &[]),
        ];
        let base0 = rng.random_range(100..100_000u64);
        let mut p = open(&blocks, tokens(base0), wad("0.37"));
        p.fund(TRADER, tokens(1_000_000_000));
        // the trader also gets DT to sell (from the publisher's premine)
        let premine = p.dt_of(PUBLISHER);
        let dt_token = p.env().dt;
        p.world
            .erc20_transfer(dt_token, PUBLISHER, TRADER, premine)
            .expect("transfer DT");
        for _ in 0..200 {
            let (bw, dw) = (p.base_bal(), p.dt_bal());
            let (b, d) = (f(bw), f(dw));
            // random direction, but keep the pool's base within [B0/2, 2·B0] so amounts stay
            // far above wei granularity
            let buy = if b < base0 as f64 / 2.0 {
                true
            } else if b > 2.0 * base0 as f64 {
                false
            } else {
                rng.random_bool(0.5)
            };
            let (b_in, w_in, b_out, w_out) = if buy {
                (b, w_base, d, 1.0 - w_base)
            } else {
                (d, 1.0 - w_base, b, w_base)
            };
            // trade size log-uniform in [1e-6, 0.49] of the in-balance
            let frac = (rng.random_range((1e-6f64).ln()..(0.49f64).ln())).exp();
            let amount = to_wad(b_in * frac);
            let expected = out_given_in(b_in, w_in, b_out, w_out, f(amount), fee);
            let got = if buy {
                p.buy(TRADER, amount)
            } else {
                p.sell(TRADER, amount)
            }
            .unwrap_or_else(|e| panic!("trade failed: {}", p.named(e)));
            let err = rel(f(got), expected);
            assert!(
                err < 1e-8,
                "w={w_base} fee={fee} buy={buy} frac={frac:e}: got {} want {expected} (rel {err:e}); \
                 base {bw} dt {dw} amount {amount} out {got}",
                f(got)
            );
            max_err = max_err.max(err);
            checked += 1;
        }
    }
    assert_eq!(checked, 1000);
    eprintln!("out-given-in: 1000 trades, max relative error {max_err:e}");
}

#[test]
fn trades_above_max_in_ratio_revert_with_named_error() {
    let mut p = open(&v3_blocks("0.001"), tokens(21), wad("1"));
    p.fund(TRADER, tokens(100));
    let err = p.buy(TRADER, wad("10.5") + U256::from(1)).unwrap_err();
    assert_eq!(p.revert_name(err).as_deref(), Some("MaxInRatio"));
    assert!(
        p.buy(TRADER, wad("10.5")).is_ok(),
        "exactly half is allowed"
    );
}

#[test]
fn v3_70_30_dump_of_the_pool_dt_drains_25_7_percent_of_base() {
    for (w, expected) in [("0.7", 1.0 - 0.5f64.powf(0.3 / 0.7)), ("0.5", 0.5)] {
        let blocks = vec![
            block("pricing", "ConstantWeights", &[wad(w)]),
            block("fee", "FixedFee", &[U256::ZERO, U256::ZERO]),
            block("staking", "BalancerJoin", &[]),
            block("guard", "NoGuard", &[]),
            block("allocation", "FullPremine", &[wad("10")]),
            block("limit", "NoLimit", &[]),
        ];
        let mut p = open(&blocks, tokens(21), wad("1"));
        let b0 = f(p.base_bal());
        let x = p.dt_bal();
        p.fund(PUBLISHER, U256::ZERO);
        // sell X = b_DT, in chunks of at most half the pool's DT (MAX_IN_RATIO); with fee 0
        // chunking does not change the total.
        let mut left = x;
        let mut got = 0.0;
        while left > U256::ZERO {
            let half = p.dt_bal() / U256::from(2);
            let chunk = left.min(half);
            got += f(p.sell(PUBLISHER, chunk).expect("sell"));
            left -= chunk;
        }
        let drained = got / b0;
        assert!(
            rel(drained, expected) < 1e-9,
            "w={w}: drained {drained} want {expected}"
        );
        if w == "0.7" {
            assert!((drained - 0.257).abs() < 5e-4, "25.7%: {drained}");
        }
        assert!(rel(f(p.base_bal()), b0 - got) < 1e-12);
    }
}
