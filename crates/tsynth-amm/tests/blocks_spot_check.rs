//! PoolCore's spot-price check (Balancer's ERR_MATH_APPROX, here `MathApprox`): no trade
//! executes at a better price than the spot price before it, so dust trades cannot harvest
//! rounding; honest trades, including on curve-free fixed-rate pools, still pass. And the
//! bounded fractional power: bases whose series would run for millions of terms revert
//! fast with `PowNotConverged` instead of running out of gas.

use crate::blocks_common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, U256, sol};

/// Ocean V3: 70/30 base/DT, 0.1% LP fee, no community fee, Balancer join.
fn v3() -> Vec<Block<'static>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.7")]),
        block("fee", "FixedFee", &[wad("0.001"), U256::ZERO]),
        block("staking", "BalancerJoin", &[]),
        block("guard", "NoGuard", &[]),
        block("allocation", "FullPremine", &[wad("10")]),
        block("limit", "NoLimit", &[]),
    ]
}

/// A design with `pricing` and standard other blocks (LP and community fee 0.1% each).
fn with_pricing(pricing: &'static str) -> Vec<Block<'static>> {
    vec![
        std_block("pricing", pricing),
        std_block("fee", "FixedFee"),
        std_block("staking", "NoStaking"),
        std_block("guard", "NoGuard"),
        std_block("allocation", "FullPremine"),
        std_block("limit", "NoLimit"),
    ]
}

/// A pool of `blocks` with 1000 base at price 0.37, and a trader holding base and DT.
fn trading_pool(blocks: &[Block<'_>]) -> TestPool {
    let mut p = open(blocks, tokens(1000), wad("0.37"));
    p.fund(TRADER, tokens(1_000_000));
    let premine = p.dt_of(PUBLISHER);
    let dt = p.env().dt;
    p.world
        .erc20_transfer(dt, PUBLISHER, TRADER, premine)
        .expect("transfer DT");
    p
}

/// The pool's total swap fee.
fn fee_of(p: &mut TestPool) -> f64 {
    f(p.view(&Pool::swapFeeCall {}))
}

#[test]
fn dust_buy_on_a_fresh_v3_pool_reverts_with_math_approx() {
    let mut p = open(&v3(), tokens(21), wad("1"));
    p.fund(TRADER, tokens(100));
    let spot = p.spot();
    let err = p.buy(TRADER, U256::from(1000)).unwrap_err();
    assert_eq!(p.revert_name(err).as_deref(), Some("MathApprox"));
    // nothing moved
    assert_eq!(p.base_bal(), tokens(21));
    assert_eq!(p.dt_of(TRADER), U256::ZERO);
    assert_eq!(p.spot(), spot);
    // an honest buy right after is fine
    assert!(p.buy(TRADER, wad("0.01")).is_ok());
}

#[test]
fn dust_sells_never_beat_the_marginal_price() {
    let mut p = trading_pool(&v3());
    let fee = fee_of(&mut p);
    let mut caught = 0;
    for wei in [1u64, 2, 3, 7, 10, 33, 100, 999, 1000, 12_345, 1_000_000] {
        let spot = f(p.spot());
        match p.sell(TRADER, U256::from(wei)) {
            Ok(out) => {
                // base received per DT <= P (1 - fee) = spot (1 - fee)^2
                let marginal = spot * (1.0 - fee) * (1.0 - fee);
                let got = out.to::<u128>() as f64 / wei as f64;
                assert!(
                    got <= marginal * (1.0 + 1e-6),
                    "sell of {wei} wei paid {out}: {got} > {marginal}"
                );
            }
            Err(e) => {
                let name = p.revert_name(e);
                assert!(
                    matches!(name.as_deref(), Some("MathApprox" | "InsufficientOutput")),
                    "{wei} wei: {name:?}"
                );
                caught += usize::from(name.as_deref() == Some("MathApprox"));
            }
        }
    }
    eprintln!("dust sells refused by the spot check: {caught}");
    assert!(caught > 0, "some dust sell harvests rounding and is caught");
}

/// Every trade that succeeds executes no better than the spot price before it (f64 view of
/// the check, 1e-6 relative); every failure is one of the pool's named refusals.
#[test]
fn no_trade_of_any_size_beats_the_spot_price_before_it() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5907);
    for pricing in ["ConstantWeights", "LinearWeights", "FixedRate"] {
        let mut p = trading_pool(&with_pricing(pricing));
        let fee = fee_of(&mut p);
        let (mut ok, mut approx) = (0, 0);
        for _ in 0..150 {
            let buy = rng.random_bool(0.5);
            let bal = if buy { p.base_bal() } else { p.dt_bal() };
            // log-uniform from 1 wei to 0.45 of the in-balance
            let max = (f(bal) * 0.45 * 1e18).log10();
            let amount = U256::from(10f64.powf(rng.random_range(0.0..max)) as u128);
            let spot = f(p.spot()); // base per DT, fee included
            let r = if buy {
                p.buy(TRADER, amount)
            } else {
                p.sell(TRADER, amount)
            };
            match r {
                Ok(out) => {
                    ok += 1;
                    let (a, o) = (amount.to::<u128>() as f64, out.to::<u128>() as f64);
                    if buy {
                        // base paid per DT >= spot
                        assert!(
                            a / o >= spot * (1.0 - 1e-6),
                            "{pricing} buy {amount} -> {out}, spot {spot}"
                        );
                    } else {
                        // base received per DT <= P (1 - fee) = spot (1 - fee)^2
                        let marginal = spot * (1.0 - fee) * (1.0 - fee);
                        assert!(
                            o / a <= marginal * (1.0 + 1e-6),
                            "{pricing} sell {amount} -> {out}, marginal {marginal}"
                        );
                    }
                }
                Err(e) => {
                    let name = p.revert_name(e);
                    approx += usize::from(name.as_deref() == Some("MathApprox"));
                    assert!(
                        matches!(
                            name.as_deref(),
                            Some(
                                "MathApprox"
                                    | "InsufficientOutput"
                                    | "MaxInRatio"
                                    | "InsufficientLiquidity"
                            )
                        ),
                        "{pricing} buy={buy} {amount}: {name:?}"
                    );
                }
            }
        }
        eprintln!("{pricing}: {ok} trades passed, {approx} refused by the spot check");
        assert!(
            ok > 50,
            "{pricing}: most trades are honest-sized and pass ({ok})"
        );
    }
}

/// Honest-sized trades are never refused by rounding: curve pools from 1e-6 of the
/// in-balance up, fixed-rate pools (execution price = spot price exactly in real numbers)
/// from 1e10 wei up.
#[test]
fn honest_trades_pass_the_spot_check_on_curve_and_fixed_rate_pools() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xf1e);
    for pricing in ["ConstantWeights", "LinearWeights", "FixedRate"] {
        let mut p = trading_pool(&with_pricing(pricing));
        for i in 0..120 {
            let buy = i % 2 == 0;
            // at most what the pool can take and what the trader holds
            let (pool, held) = if buy {
                (p.base_bal(), p.base_of(TRADER))
            } else {
                (p.dt_bal(), p.dt_of(TRADER))
            };
            let bal = f(pool.min(held));
            let lo = if pricing == "FixedRate" {
                1e-8 / bal
            } else {
                1e-6
            };
            let frac = rng.random_range(lo.ln()..(0.45f64).ln()).exp();
            let amount = to_wad(bal * frac);
            let r = if buy {
                p.buy(TRADER, amount)
            } else {
                p.sell(TRADER, amount)
            };
            if let Err(e) = r {
                let name = p.revert_name(e.clone());
                assert_ne!(
                    name.as_deref(),
                    Some("MathApprox"),
                    "{pricing} buy={buy} amount {amount} (frac {frac:e}) refused by rounding"
                );
                assert!(
                    matches!(name.as_deref(), Some("InsufficientLiquidity")),
                    "{pricing}: {}",
                    p.named(e)
                );
            }
        }
        // fixed-rate: exact powers of ten from 1e10 wei to 1e20 wei, both directions
        if pricing == "FixedRate" {
            for k in 10..=20 {
                let a = U256::from(10u128.pow(k));
                p.buy(TRADER, a)
                    .unwrap_or_else(|e| panic!("buy 1e{k}: {}", p.named(e)));
                p.sell(TRADER, a)
                    .unwrap_or_else(|e| panic!("sell 1e{k}: {}", p.named(e)));
            }
        }
    }
}

// ---- bounded power ----------------------------------------------------------------------

sol! {
    interface IPow {
        function pow(uint256 base, uint256 exp) external pure returns (uint256);
    }
}

const POW_HARNESS: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import "core/WeightedMath.sol";
contract Candidate {
    function pow(uint256 base, uint256 exp) external pure returns (uint256) {
        return WeightedMath.pow(base, exp);
    }
}
"#;

#[test]
fn pow_of_a_tiny_base_reverts_fast_instead_of_running_out_of_gas() {
    let (mut world, addr, art) = deploy_harness(POW_HARNESS);
    let mut call = |base: U256, exp: U256| {
        world
            .call_sol_full(Address::repeat_byte(2), addr, &IPow::powCall { base, exp })
            .map(|(v, out)| (v, out.gas_used))
            .map_err(|e| match fixture().1.name_revert(e, &[&art.abi]) {
                tsynth_evm::EvmError::Revert(tsynth_evm::RevertReason::Custom {
                    name: Some(n),
                    ..
                }) => n,
                other => other.to_string(),
            })
    };
    for base in [U256::from(1), wad("0.000001"), wad("0.01"), wad("1.99")] {
        assert_eq!(
            call(base, wad("0.5")).map(|x| x.0),
            Err("PowNotConverged".to_string()),
            "base {base}"
        );
    }
    // bases in [0.1, 1.9] still converge, accurately and cheaply
    for (b, e) in [
        ("0.1", "0.5"),
        ("1.9", "0.25"),
        ("0.5", "0.999"),
        ("1.5", "0.001"),
    ] {
        let (got, gas) = call(wad(b), wad(e)).unwrap_or_else(|err| panic!("pow({b}, {e}): {err}"));
        let want = f(wad(b)).powf(f(wad(e)));
        // the series stops at terms below 1e-10: its tail is ~1e-10 / (1 - |x|) absolute
        assert!(
            rel(f(got), want) < 1e-8,
            "pow({b}, {e}) = {} want {want}",
            f(got)
        );
        // at most MAX_POW_TERMS terms: bounded gas (unoptimised build, call included)
        assert!(gas < 1_000_000, "pow({b}, {e}) used {gas} gas");
    }
}
