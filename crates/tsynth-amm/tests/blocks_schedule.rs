//! Time-dependent blocks: the Dutch-auction weight schedule, vesting, the launch fee.

use crate::blocks_common::*;
use tsynth_evm::U256;

fn blocks_with<'a>(pricing: Block<'a>, fee: Block<'a>, allocation: Block<'a>) -> Vec<Block<'a>> {
    vec![
        pricing,
        fee,
        block("staking", "NoStaking", &[]),
        block("guard", "NoGuard", &[]),
        allocation,
        block("limit", "NoLimit", &[]),
    ]
}

#[test]
fn linear_weights_follow_the_schedule_and_the_price_falls_ninefold() {
    let duration = 1000u64;
    let blocks = blocks_with(
        block(
            "pricing",
            "LinearWeights",
            &[wad("0.1"), wad("0.5"), U256::from(duration)],
        ),
        block("fee", "FixedFee", &[wad("0.003"), wad("0.001")]),
        block("allocation", "NoAllocation", &[]),
    );
    let mut p = open(&blocks, tokens(100), wad("2"));
    // at initialize: fee-free spot = 2 → with the 0.4% total fee 2/0.996
    let spot0 = f(p.spot());
    assert!(rel(spot0, 2.0 / 0.996) < 1e-12, "opening spot {spot0}");
    let t0 = p.world.timestamp();
    for (t, w) in [
        (0u64, "0.1"),
        (1, "0.1004"),
        (250, "0.2"),
        (500, "0.3"),
        (999, "0.4996"),
        (1000, "0.5"),
        (5000, "0.5"),
    ] {
        let n = p.world.block_number();
        p.world.set_block(n + 1, t0 + t);
        let ws = p.view(&Extra::weightsCall {});
        assert_eq!(ws.wBase, wad(w), "base weight at t={t}");
        assert_eq!(ws.wBase + ws.wDt, wad("1"));
    }
    // no trades: 90/10 → 50/50 (DT/base) divides the price by 9
    let spot1 = f(p.spot());
    assert!(rel(spot1, spot0 / 9.0) < 1e-12, "spot {spot1} vs {spot0}/9");
}

#[test]
fn cliff_vesting_pays_nothing_before_the_cliff_then_linearly() {
    let blocks = blocks_with(
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad("0.001"), U256::ZERO]),
        block(
            "allocation",
            "CliffVesting",
            &[wad("2"), U256::from(100u64), U256::from(1000u64)],
        ),
    );
    let mut p = open(&blocks, tokens(50), wad("0.5"));
    let d0 = f(p.dt_bal());
    assert!(rel(d0, 100.0) < 1e-15);
    let total = 2.0 * d0;
    assert_eq!(p.dt_of(PUBLISHER), U256::ZERO, "no premine");
    let t0 = p.world.timestamp();
    let mut claimed = 0.0;
    for (t, vested) in [
        (0u64, 0.0),
        (99, 0.0),
        (100, total * 0.1),
        (400, total * 0.4),
        (1000, total),
        (3000, total),
    ] {
        let n = p.world.block_number();
        p.world.set_block(n + 1, t0 + t);
        let claimable = f(p.view(&Pool::claimableCall {}));
        assert!(
            (claimable - (vested - claimed)).abs() < 1e-12,
            "t={t}: claimable {claimable}, want {}",
            vested - claimed
        );
        let got = p.send(TRADER, &Pool::claimVestedCall {}).expect("claim");
        assert!((f(got) - (vested - claimed)).abs() < 1e-12);
        claimed = vested;
        assert!(
            (f(p.dt_of(PUBLISHER)) - claimed).abs() < 1e-12,
            "paid to the publisher"
        );
        assert_eq!(p.view(&Pool::claimableCall {}), U256::ZERO);
    }
}

#[test]
fn linear_vesting_and_full_premine_amounts() {
    let mut p = open(
        &blocks_with(
            block("pricing", "ConstantWeights", &[wad("0.5")]),
            block("fee", "FixedFee", &[wad("0.001"), U256::ZERO]),
            block(
                "allocation",
                "LinearVesting",
                &[wad("0.5"), U256::from(2000u64)],
            ),
        ),
        tokens(10),
        wad("0.1"),
    );
    // D0 = 100; entitlement 50 over 2000 s
    let t0 = p.world.timestamp();
    for (t, want) in [
        (0u64, 0.0),
        (1, 0.025),
        (500, 12.5),
        (1999, 49.975),
        (2000, 50.0),
        (9999, 50.0),
    ] {
        let n = p.world.block_number();
        p.world.set_block(n + 1, t0 + t);
        let c = f(p.view(&Pool::claimableCall {}));
        assert!((c - want).abs() < 1e-12, "t={t}: {c} want {want}");
    }

    let mut q = open(
        &blocks_with(
            block("pricing", "FixedRate", &[]),
            block("fee", "FixedFee", &[U256::ZERO, U256::ZERO]),
            block("allocation", "FullPremine", &[wad("3")]),
        ),
        tokens(10),
        wad("0.1"),
    );
    assert_eq!(q.dt_bal(), tokens(100));
    assert_eq!(q.dt_of(PUBLISHER), tokens(300));
    assert_eq!(q.view(&Pool::claimableCall {}), U256::ZERO);
}

#[test]
fn launch_fee_decays_linearly() {
    let mut p = open(
        &blocks_with(
            block("pricing", "ConstantWeights", &[wad("0.5")]),
            block(
                "fee",
                "LaunchFee",
                &[wad("0.05"), wad("0.01"), U256::from(1000u64), wad("0.001")],
            ),
            block("allocation", "NoAllocation", &[]),
        ),
        tokens(10),
        wad("1"),
    );
    let t0 = p.world.timestamp();
    for (t, lp) in [
        (0u64, "0.05"),
        (250, "0.04"),
        (500, "0.03"),
        (1000, "0.01"),
        (4000, "0.01"),
    ] {
        let n = p.world.block_number();
        p.world.set_block(n + 1, t0 + t);
        assert_eq!(
            p.view(&Pool::swapFeeCall {}),
            wad(lp) + wad("0.001"),
            "t={t}"
        );
    }
}

#[test]
fn soft_cap_fee_rises_with_the_swap_to_consume_ratio() {
    // threshold R* = 2, slope 0.01 per unit of R
    let mut p = open(
        &blocks_with(
            block("pricing", "ConstantWeights", &[wad("0.5")]),
            block(
                "fee",
                "SoftCapFee",
                &[wad("0.001"), U256::ZERO, wad("2"), wad("0.01")],
            ),
            block("allocation", "FullPremine", &[wad("1")]),
        ),
        tokens(1000),
        wad("1"),
    );
    p.fund(TRADER, tokens(100_000));
    assert_eq!(p.view(&Pool::swapFeeCall {}), wad("0.001"));
    // swap volume 2 base, consume 0: R = 2/(0 + 1) = 2 → still base fee
    p.buy(TRADER, tokens(2)).expect("buy");
    assert_eq!(p.view(&Pool::swapVolumeCall {}), tokens(2));
    assert_eq!(p.view(&Pool::swapFeeCall {}), wad("0.001"));
    // + 3 base: R = 5 → fee = 0.001 + 0.01·3 = 0.031
    p.buy(TRADER, tokens(3)).expect("buy");
    let fee = f(p.view(&Pool::swapFeeCall {}));
    assert!((fee - 0.031).abs() < 1e-15, "fee {fee}");
    // consumption brings R back down: 4 orders at spot ≈ 1.01 → R = 5/(4·spot + 1) < 2
    let dt = p.env().dt;
    let publisher_dt = p.dt_of(PUBLISHER);
    assert!(publisher_dt >= tokens(4));
    for _ in 0..4 {
        p.world
            .call_sol(PUBLISHER, dt, &Order::orderCall {})
            .expect("order");
    }
    assert_eq!(p.view(&Pool::consumeVolumeCall {}), tokens(4));
    assert_eq!(p.view(&Pool::swapFeeCall {}), wad("0.001"));
    // round trips pile up swap volume at a steady price: far above R* the fee is capped at 10%
    for _ in 0..20 {
        let b = p.base_bal() / U256::from(4);
        let dt_out = p.buy(TRADER, b).expect("buy");
        p.sell(TRADER, dt_out).expect("sell");
    }
    assert_eq!(p.view(&Pool::swapFeeCall {}), wad("0.1"));
}
