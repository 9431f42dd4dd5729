//! Gas of the known designs (Ocean V3, V4, V4.1 as block choices): printed for the record
//! (`cargo test -p tsynth-sim --test blocks_gas -- --nocapture`) and bounded so that a
//! regression (e.g. a runaway power series) fails.

use crate::blocks_common::*;
use tsynth_evm::{Address, SolCall, U256};
use tsynth_solc::Settings;

fn gas_of<C: SolCall>(p: &mut TestPool, from: Address, call: &C) -> u64 {
    let pool = p.addr();
    let (_, out) = p
        .world
        .call_sol_full(from, pool, call)
        .unwrap_or_else(|e| panic!("{} failed: {}", C::SIGNATURE, p.named(e)));
    out.gas_used
}

#[test]
fn known_designs_stay_within_gas_bounds() {
    let designs: Vec<(&str, Vec<Block<'static>>)> = vec![
        (
            "V3",
            vec![
                block("pricing", "ConstantWeights", &[wad("0.7")]),
                block("fee", "FixedFee", &[wad("0.001"), U256::ZERO]),
                block("staking", "BalancerJoin", &[]),
                block("guard", "NoGuard", &[]),
                block("allocation", "FullPremine", &[wad("10")]),
                block("limit", "NoLimit", &[]),
            ],
        ),
        (
            "V4",
            vec![
                block("pricing", "ConstantWeights", &[wad("0.5")]),
                block("fee", "FixedFee", &[wad("0.001"), wad("0.001")]),
                block("staking", "LinearOneSided", &[]),
                block("guard", "NoGuard", &[]),
                block("allocation", "NoAllocation", &[]),
                block("limit", "NoLimit", &[]),
            ],
        ),
        (
            "V4.1",
            vec![
                block(
                    "pricing",
                    "LinearWeights",
                    &[wad("0.1"), wad("0.5"), U256::from(604_800u64)],
                ),
                block(
                    "fee",
                    "SoftCapFee",
                    &[wad("0.001"), wad("0.001"), wad("100"), wad("0.0005")],
                ),
                block("staking", "BalancerOneSided", &[]),
                block("guard", "NoGuard", &[]),
                block(
                    "allocation",
                    "LinearVesting",
                    &[wad("0.1"), U256::from(31_536_000u64)],
                ),
                block("limit", "NoLimit", &[]),
            ],
        ),
    ];
    for ((name, blocks), optimize) in designs.iter().flat_map(|d| [(d, false), (d, true)]) {
        let settings = if optimize {
            Settings::optimized()
        } else {
            Settings::default()
        };
        let mut p = open_with(blocks, tokens(1000), wad("1"), &settings);
        p.fund(TRADER, tokens(1000));
        p.world.advance(1, 3600);
        let buy = gas_of(
            &mut p,
            TRADER,
            &Pool::buyDtCall {
                baseIn: tokens(10),
                minDtOut: U256::ZERO,
            },
        );
        let dt = p.dt_of(TRADER);
        let sell = gas_of(
            &mut p,
            TRADER,
            &Pool::sellDtCall {
                dtIn: dt / U256::from(2),
                minBaseOut: U256::ZERO,
            },
        );
        let stake = gas_of(&mut p, TRADER, &Pool::stakeCall { baseIn: tokens(10) });
        let shares = p.shares_of(TRADER);
        let unstake = gas_of(&mut p, TRADER, &Pool::unstakeCall { sharesIn: shares });
        let spot = gas_of(&mut p, TRADER, &Pool::spotPriceCall {});
        eprintln!(
            "{name:5} optimizer {:3} deploy {:>8} buy {buy:>7} sell {sell:>7} stake {stake:>7} unstake {unstake:>7} spotPrice {spot:>6} runtime bytes {}",
            if optimize { "on" } else { "off" },
            p.pool.deploy_gas,
            p.artifact.deployed_bytecode.len()
        );
        assert!(
            p.artifact.deployed_bytecode.len() <= 24_576,
            "{name}: EIP-170 size limit"
        );
        for (what, g) in [
            ("buy", buy),
            ("sell", sell),
            ("stake", stake),
            ("unstake", unstake),
        ] {
            assert!(g < 250_000, "{name}: {what} used {g} gas");
        }
        assert!(spot < 60_000, "{name}: spotPrice used {spot} gas");
    }
}
