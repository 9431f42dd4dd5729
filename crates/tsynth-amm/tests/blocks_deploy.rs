//! Deployment: environment tokens, typed set-up errors, and a seeded sample of block
//! combinations deployed with their README defaults and exercised end to end.

use crate::blocks_common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tsynth_amm::deploy::{DeployError, PoolSetup, SetupStep};
use tsynth_evm::{Address, U256};

fn simple<'a>() -> Vec<Block<'a>> {
    vec![
        block("pricing", "ConstantWeights", &[wad("0.5")]),
        block("fee", "FixedFee", &[wad("0.001"), wad("0.001")]),
        block("staking", "NoStaking", &[]),
        block("guard", "NoGuard", &[]),
        block("allocation", "FullPremine", &[wad("1")]),
        block("limit", "NoLimit", &[]),
    ]
}

#[test]
fn order_splits_one_dt_and_notifies_the_pool() {
    let mut p = open(&simple(), tokens(100), wad("1"));
    let env = p.env();
    let consumer = Address::repeat_byte(0x51);
    let dt = env.dt;
    p.world
        .erc20_transfer(dt, PUBLISHER, consumer, tokens(2))
        .expect("give DT");
    let pub_before = p.dt_of(PUBLISHER);
    p.world
        .call_sol(consumer, dt, &Order::orderCall {})
        .expect("order");
    assert_eq!(p.dt_of(consumer), tokens(1));
    assert_eq!(p.dt_of(env.accounts.community), wad("0.03"));
    assert_eq!(p.dt_of(PUBLISHER) - pub_before, wad("0.97"));
    assert_eq!(p.view(&Pool::consumeVolumeCall {}), tokens(1));
    // only the datatoken may notify the pool
    let Err(err) = p.send(consumer, &Pool::notifyConsumeCall { amount: tokens(1) }) else {
        panic!("notifyConsume from a non-datatoken must revert");
    };
    assert_eq!(p.revert_name(err).as_deref(), Some("OnlyDataToken"));
}

#[test]
fn community_fee_leaves_the_pool_and_lp_fee_stays() {
    let mut p = open(&simple(), tokens(100), wad("1"));
    let community = p.env().accounts.community;
    p.fund(TRADER, tokens(10));
    p.buy(TRADER, tokens(10)).expect("buy");
    assert_eq!(p.base_of(community), wad("0.01"));
    assert_eq!(p.base_bal(), tokens(110) - wad("0.01"));
    assert_eq!(p.view(&Pool::swapFeeCall {}), wad("0.002"));
    let err = p.stake(TRADER, tokens(1)).unwrap_err();
    assert_eq!(p.revert_name(err).as_deref(), Some("StakingDisabled"));
}

#[test]
fn compile_failure_is_typed_and_names_the_file() {
    // two pricing blocks implement the same hooks: solc must refuse
    let mut blocks = simple();
    blocks.insert(1, block("pricing", "FixedRate", &[]));
    let err = compile(&blocks).unwrap_err();
    match &err {
        DeployError::Compile { what, .. } => assert_eq!(*what, "candidate"),
        other => panic!("expected a compile error, got {other}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("Candidate.sol"), "{msg}");
}

#[test]
fn bad_parameter_reverts_the_deployment_with_a_named_error() {
    let mut blocks = simple();
    blocks[0] = block("pricing", "ConstantWeights", &[wad("0.99")]);
    let (art, params) = compile(&blocks).expect("compiles");
    let env = &fixture().1;
    let mut world = env.world();
    let setup = PoolSetup {
        publisher: PUBLISHER,
        base_amount: tokens(10),
        initial_price: wad("1"),
    };
    let err = env
        .deploy_candidate(&mut world, &art, &params, &setup)
        .unwrap_err();
    match &err {
        DeployError::Setup { step, .. } => assert_eq!(*step, SetupStep::DeployCandidate),
        other => panic!("expected a set-up error, got {other}"),
    }
    match err.revert_reason() {
        Some(tsynth_evm::RevertReason::Custom { name, .. }) => {
            assert_eq!(name.as_deref(), Some("ParamOutOfRange"))
        }
        other => panic!("expected a custom error, got {other:?}"),
    }
    // too few parameters: reading p[1] out of bounds panics (0x32) in the constructor
    let err = env
        .deploy_candidate(&mut world, &art, &params[..1], &setup)
        .unwrap_err();
    assert!(
        matches!(
            err.revert_reason(),
            Some(tsynth_evm::RevertReason::Panic { .. })
        ),
        "{err}"
    );
    // a zero initial price is refused by initialize
    let (art, params) = compile(&simple()).expect("compiles");
    let bad = PoolSetup {
        initial_price: U256::ZERO,
        ..setup
    };
    let err = env
        .deploy_candidate(&mut world, &art, &params, &bad)
        .unwrap_err();
    assert!(
        matches!(
            err,
            DeployError::Setup {
                step: SetupStep::Initialize,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("ZeroAmount"), "{err}");
}

#[test]
fn environment_is_untouched_by_candidates() {
    let env = &fixture().1;
    let p = open(&simple(), tokens(100), wad("1"));
    assert!(p.world.has_code(p.addr()));
    let fresh = env.world();
    assert!(
        !fresh.has_code(p.addr()),
        "the environment snapshot has no pool"
    );
}

/// A seeded sample of block combinations with their README defaults: each deploys, opens,
/// trades both ways, stakes/unstakes when the blocks allow, and claims.
#[test]
fn sampled_combinations_deploy_and_trade() {
    let mut rng = ChaCha8Rng::seed_from_u64(1152);
    for _ in 0..8 {
        let blocks: Vec<Block<'static>> = SLOTS
            .iter()
            .map(|(slot, names)| std_block(slot, names[rng.random_range(0..names.len())]))
            .collect();
        let names: Vec<&str> = blocks.iter().map(|b| b.name).collect();
        let mut p = open(&blocks, tokens(1000), wad("0.5"));
        p.fund(TRADER, tokens(1000));
        let spot0 = f(p.spot());
        assert!(spot0 > 0.5 && spot0 < 0.6, "{names:?}: spot {spot0}");
        let dt = p
            .buy(TRADER, tokens(10))
            .unwrap_or_else(|e| panic!("{names:?}: buy: {}", p.named(e)));
        assert!(f(p.spot()) >= spot0, "{names:?}");
        let back = p
            .sell(TRADER, dt)
            .unwrap_or_else(|e| panic!("{names:?}: sell: {}", p.named(e)));
        assert!(
            f(back) < 10.0,
            "{names:?}: round trip must not gain ({})",
            f(back)
        );
        let staked = p.stake(TRADER, tokens(10));
        match names[2] {
            "NoStaking" => assert!(staked.is_err(), "{names:?}"),
            _ => {
                let shares = staked.unwrap_or_else(|e| panic!("{names:?}: stake: {}", p.named(e)));
                let out = p.unstake(TRADER, shares);
                match names[3] {
                    "LockUp" => assert!(out.is_err(), "{names:?}"),
                    _ => {
                        let out =
                            out.unwrap_or_else(|e| panic!("{names:?}: unstake: {}", p.named(e)));
                        assert!(
                            f(out) <= 10.0 + 1e-9,
                            "{names:?}: stake round trip paid {}",
                            f(out)
                        );
                    }
                }
            }
        }
        p.world.advance(100, 40 * 86400);
        let claimed = p.send(TRADER, &Pool::claimVestedCall {}).expect("claim");
        match names[4] {
            "LinearVesting" | "CliffVesting" => assert!(claimed > U256::ZERO, "{names:?}"),
            _ => assert_eq!(claimed, U256::ZERO, "{names:?}"),
        }
    }
}
