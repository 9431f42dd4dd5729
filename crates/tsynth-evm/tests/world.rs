//! Deploy, call, dry-run, fork, block environment, ETH and ERC-20 helpers.

use crate::common::*;
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use tsynth_evm::{Address, EvmError, SpecId, TxRequest, U256, World, WorldConfig};

fn deploy_probe(world: &mut World, initial: u64) -> Address {
    let args = (U256::from(initial), DEPLOYER).abi_encode_params();
    world
        .deploy(DEPLOYER, &probe_bin(), &args)
        .expect("deploy Probe")
}

fn probe_value(world: &mut World, probe: Address) -> U256 {
    world
        .dry_run_sol(ALICE, probe, &Probe::valueCall {})
        .expect("value()")
}

#[test]
fn deploy_with_constructor_args_then_call_and_commit() {
    let mut world = World::new();
    let expected = DEPLOYER.create(0);
    assert_eq!(world.next_deploy_address(DEPLOYER), expected);
    let probe = deploy_probe(&mut world, 42);
    assert_eq!(probe, expected, "CREATE address from deployer nonce 0");
    assert!(world.has_code(probe));
    assert_eq!(world.nonce(DEPLOYER), 1);
    assert_eq!(probe_value(&mut world, probe), U256::from(42));
    let owner = world
        .dry_run_sol(ALICE, probe, &Probe::ownerCall {})
        .unwrap();
    assert_eq!(owner, DEPLOYER);

    // A second deployment gets the next nonce's address.
    let second = deploy_probe(&mut world, 7);
    assert_eq!(second, DEPLOYER.create(1));

    // Call + commit: state changes, a log is emitted, gas is reported.
    let out = world
        .call(
            ALICE,
            probe,
            Probe::setValueCall { v: U256::from(99) }
                .abi_encode()
                .into(),
        )
        .unwrap();
    assert!(
        out.gas_used > 21_000 && out.gas_used < 100_000,
        "gas {}",
        out.gas_used
    );
    assert_eq!(out.logs.len(), 1);
    assert_eq!(out.logs[0].address, probe);
    let event = Probe::ValueSet::decode_log_data(&out.logs[0].data).unwrap();
    assert_eq!(event.by, ALICE);
    assert_eq!(event.value, U256::from(99));
    assert!(out.output.is_empty());
    assert_eq!(probe_value(&mut world, probe), U256::from(99));
    assert_eq!(
        probe_value(&mut world, second),
        U256::from(7),
        "other contract untouched"
    );
    assert_eq!(
        world.nonce(ALICE),
        1,
        "the sender's nonce advances on commit"
    );
}

#[test]
fn dry_run_leaves_state_unchanged() {
    let mut world = World::new();
    let probe = deploy_probe(&mut world, 5);
    let before = world.snapshot();

    let out = world
        .dry_run(
            ALICE,
            probe,
            Probe::setValueCall { v: U256::from(77) }
                .abi_encode()
                .into(),
        )
        .unwrap();
    assert_eq!(out.logs.len(), 1, "the dry run did execute");
    assert_eq!(probe_value(&mut world, probe), U256::from(5));
    assert_eq!(world.nonce(ALICE), 0);
    assert_eq!(world.storage_at(probe, U256::ZERO), U256::from(5));

    // sol and transact flavours too, including a value transfer.
    world.fund(ALICE, ether(3));
    world
        .transact_dry(
            TxRequest::call(ALICE, probe, Probe::depositCall {}.abi_encode().into())
                .with_value(ether(1)),
        )
        .unwrap();
    assert_eq!(world.balance(ALICE), ether(3));
    assert_eq!(world.balance(probe), U256::ZERO);
    assert_eq!(
        world
            .dry_run_sol(ALICE, probe, &Probe::setValueCall { v: U256::from(1) })
            .map(|_| ()),
        Ok(())
    );
    assert_eq!(probe_value(&mut world, probe), U256::from(5));
    assert_eq!(
        before.account_count() + 1,
        world.snapshot().account_count(),
        "only the funded account is new"
    );
}

#[test]
fn fork_is_isolated_both_ways() {
    let mut parent = World::new();
    let probe = deploy_probe(&mut parent, 1);
    parent.fund(ALICE, ether(10));

    let mut fork = parent.fork();
    assert_eq!(
        probe_value(&mut fork, probe),
        U256::from(1),
        "fork sees parent state"
    );
    assert_eq!(fork.balance(ALICE), ether(10));

    // Change in the fork: invisible in the parent.
    fork.call_sol(BOB, probe, &Probe::setValueCall { v: U256::from(2) })
        .unwrap();
    fork.fund(ALICE, ether(1));
    let fork_only = deploy_probe(&mut fork, 3);
    assert_eq!(probe_value(&mut fork, probe), U256::from(2));
    assert_eq!(probe_value(&mut parent, probe), U256::from(1));
    assert_eq!(parent.balance(ALICE), ether(10));
    assert!(!parent.has_code(fork_only));
    assert_eq!(parent.nonce(DEPLOYER), 1);
    assert_eq!(fork.nonce(DEPLOYER), 2);

    // Change in the parent: invisible in the fork.
    parent
        .call_sol(BOB, probe, &Probe::setValueCall { v: U256::from(4) })
        .unwrap();
    parent.advance(10, 120);
    assert_eq!(probe_value(&mut parent, probe), U256::from(4));
    assert_eq!(probe_value(&mut fork, probe), U256::from(2));
    assert_eq!(fork.block_number(), 1);

    // Clone is a fork too.
    let mut clone = parent.clone();
    clone
        .call_sol(BOB, probe, &Probe::setValueCall { v: U256::from(5) })
        .unwrap();
    assert_eq!(probe_value(&mut parent, probe), U256::from(4));
    assert_eq!(clone.block_number(), 11);
}

#[test]
fn snapshot_restore_and_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<tsynth_evm::Snapshot>();

    let mut world = World::new();
    let probe = deploy_probe(&mut world, 10);
    let snap = world.snapshot();

    world
        .call_sol(ALICE, probe, &Probe::setValueCall { v: U256::from(11) })
        .unwrap();
    world.advance(5, 60);
    world.restore(&snap);
    assert_eq!(probe_value(&mut world, probe), U256::from(10));
    assert_eq!(world.block_number(), 1);

    // Each thread builds its own world from the shared snapshot.
    let results: Vec<U256> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4u64)
            .map(|i| {
                let snap = &snap;
                s.spawn(move || {
                    let mut w = snap.to_world();
                    w.call_sol(
                        ALICE,
                        probe,
                        &Probe::setValueCall {
                            v: U256::from(100 + i),
                        },
                    )
                    .unwrap();
                    probe_value(&mut w, probe)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results, (100..104u64).map(U256::from).collect::<Vec<_>>());
    assert_eq!(
        snap.to_world().storage_at(probe, U256::ZERO),
        U256::from(10)
    );
}

#[test]
fn block_number_and_timestamp_are_visible_to_contracts() {
    let mut world = World::new();
    let probe = deploy_probe(&mut world, 0);
    let info = |w: &mut World| {
        let r = w
            .dry_run_sol(ALICE, probe, &Probe::blockInfoCall {})
            .unwrap();
        (r.number, r.timestamp)
    };
    assert_eq!(info(&mut world), (U256::from(1), U256::from(1)));
    world.set_block(1234, 1_700_000_000);
    assert_eq!(
        info(&mut world),
        (U256::from(1234), U256::from(1_700_000_000u64))
    );
    world.advance(3, 36);
    assert_eq!(
        (world.block_number(), world.timestamp()),
        (1237, 1_700_000_036)
    );
    assert_eq!(
        info(&mut world),
        (U256::from(1237), U256::from(1_700_000_036u64))
    );
    // Committed calls see it too.
    let committed = world
        .call_sol(ALICE, probe, &Probe::blockInfoCall {})
        .unwrap();
    assert_eq!(committed.number, U256::from(1237));
    // A fork inherits the block.
    let mut fork = world.fork();
    assert_eq!(
        info(&mut fork),
        (U256::from(1237), U256::from(1_700_000_036u64))
    );
}

#[test]
fn eth_funding_and_value_transfers() {
    let mut world = World::new();
    let probe = deploy_probe(&mut world, 0);
    world.fund(ALICE, ether(5));
    assert_eq!(world.balance(ALICE), ether(5));
    let (held, out) = world
        .transact(
            TxRequest::call(ALICE, probe, Probe::depositCall {}.abi_encode().into())
                .with_value(ether(2)),
        )
        .map(|o| (U256::abi_decode(&o.output).unwrap(), o))
        .unwrap();
    assert_eq!(held, ether(2));
    assert!(out.gas_used > 21_000);
    assert_eq!(
        world.balance(ALICE),
        ether(3),
        "gas is free: only the value left"
    );
    assert_eq!(world.balance(probe), ether(2));
    let seen = world
        .dry_run_sol(BOB, probe, &Probe::ethBalanceCall { who: ALICE })
        .unwrap();
    assert_eq!(seen, ether(3));

    // More value than the balance: refused before execution.
    let err = world
        .transact(
            TxRequest::call(ALICE, probe, Probe::depositCall {}.abi_encode().into())
                .with_value(ether(4)),
        )
        .unwrap_err();
    assert!(matches!(err, EvmError::InvalidTransaction(_)), "{err:?}");
    assert_eq!(world.balance(ALICE), ether(3));

    // Funding overwrites the balance of an existing contract without touching its code.
    world.fund(probe, ether(9));
    assert!(world.has_code(probe));
    assert_eq!(probe_value(&mut world, probe), U256::ZERO);
    assert_eq!(world.balance(probe), ether(9));
}

#[test]
fn erc20_helpers_and_pool_through_the_idatapool_binding() {
    use alloy_sol_types::SolValue;
    let mut world = World::new();
    let token_args =
        |sym: &str| ("Token".to_string(), sym.to_string(), DEPLOYER).abi_encode_params();
    let base = world
        .deploy(DEPLOYER, &token_bin(), &token_args("BASE"))
        .unwrap();
    let dt = world
        .deploy(DEPLOYER, &token_bin(), &token_args("DT"))
        .unwrap();
    let fee = U256::from(3u64) * U256::from(10u64).pow(U256::from(15u64)); // 0.3%
    let pool = world
        .deploy(DEPLOYER, &pool_bin(), &(base, dt, fee).abi_encode_params())
        .unwrap();

    for (token, who, amount) in [
        (base, DEPLOYER, 1000),
        (dt, DEPLOYER, 500),
        (base, ALICE, 50),
    ] {
        world
            .call_sol(
                DEPLOYER,
                token,
                &MiniToken::mintCall {
                    to: who,
                    amount: ether(amount),
                },
            )
            .unwrap();
    }
    assert_eq!(world.erc20_balance(base, ALICE).unwrap(), ether(50));

    world.erc20_transfer(base, ALICE, BOB, ether(10)).unwrap();
    assert_eq!(world.erc20_balance(base, ALICE).unwrap(), ether(40));
    assert_eq!(world.erc20_balance(base, BOB).unwrap(), ether(10));

    world
        .erc20_approve(base, DEPLOYER, pool, U256::MAX)
        .unwrap();
    world.erc20_approve(dt, DEPLOYER, pool, U256::MAX).unwrap();
    assert_eq!(
        world.erc20_allowance(base, DEPLOYER, pool).unwrap(),
        U256::MAX
    );
    world
        .call_sol(
            DEPLOYER,
            pool,
            &MiniPool::seedCall {
                baseAmount: ether(1000),
                dtAmount: ether(500),
            },
        )
        .unwrap();
    assert_eq!(world.erc20_balance(base, pool).unwrap(), ether(1000));

    // MiniPool trades through its own ABI.
    let spot = world
        .dry_run_sol(ALICE, pool, &MiniPool::spotPriceCall {})
        .unwrap();
    assert_eq!(spot, ether(2));
    world.erc20_approve(base, ALICE, pool, ether(40)).unwrap();
    let base_in = ether(20);
    let (dt_out, out) = world
        .call_sol_full(
            ALICE,
            pool,
            &MiniPool::buyDtCall {
                baseIn: base_in,
                minDtOut: U256::ZERO,
            },
        )
        .unwrap();
    let in_after_fee = base_in * (ether(1) - fee) / ether(1);
    let expected = ether(500) * in_after_fee / (ether(1000) + in_after_fee);
    assert_eq!(dt_out, expected);
    assert_eq!(world.erc20_balance(dt, ALICE).unwrap(), expected);
    assert_eq!(world.erc20_balance(base, ALICE).unwrap(), ether(20));
    assert_eq!(world.erc20_allowance(base, ALICE, pool).unwrap(), ether(20));
    assert_eq!(
        world
            .dry_run_sol(ALICE, pool, &MiniPool::swapVolumeCall {})
            .unwrap(),
        base_in
    );
    // Transfer(base), Transfer(dt), Swap
    assert_eq!(out.logs.len(), 3);
    let swap = MiniPool::Swap::decode_log_data(&out.logs[2].data).unwrap();
    assert_eq!(
        (swap.who, swap.buy, swap.amountIn, swap.amountOut),
        (ALICE, true, base_in, expected)
    );

    // A transfer beyond the balance reverts with the token's custom error, decodable by type.
    let err = world
        .erc20_transfer(base, BOB, ALICE, ether(11))
        .unwrap_err();
    let reason = err.revert_reason().expect("a revert");
    let decoded: MiniToken::InsufficientBalance =
        reason.decode_custom().expect("InsufficientBalance");
    assert_eq!(
        (decoded.from, decoded.balance, decoded.needed),
        (BOB, ether(10), ether(11))
    );
}

#[test]
fn gas_cap_is_explicit_and_enforced() {
    // Default: Prague, no EIP-7825 cap; the cap is the block gas limit.
    let mut world = World::new();
    assert_eq!(world.config().spec, SpecId::PRAGUE);
    assert_eq!(world.config().tx_gas_limit, 30_000_000);
    let probe = deploy_probe(&mut world, 0);
    let data: tsynth_evm::Bytes = Probe::valueCall {}.abi_encode().into();
    world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit(50_000_000))
        .expect("Prague has no 2^24 cap");
    let block_limit = world.config().block_gas_limit;
    let err = world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit(block_limit + 1))
        .unwrap_err();
    assert_eq!(
        err,
        EvmError::GasCapExceeded {
            requested: block_limit + 1,
            cap: block_limit,
            why: "block gas limit"
        }
    );

    // Osaka: EIP-7825 caps transactions at 2^24 and the default limit follows it.
    let osaka = WorldConfig::for_spec(SpecId::OSAKA);
    assert_eq!(osaka.tx_gas_limit, 1 << 24);
    let mut world = World::with_config(osaka.clone()).unwrap();
    let probe = deploy_probe(&mut world, 0);
    world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit(1 << 24))
        .expect("exactly the cap is fine");
    let err = world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit((1 << 24) + 1))
        .unwrap_err();
    assert!(
        matches!(err, EvmError::GasCapExceeded { requested, cap: 16_777_216, .. } if requested == (1 << 24) + 1),
        "{err:?}"
    );
    assert!(err.to_string().contains("EIP-7825"), "{err}");
    // A fork keeps the spec and its cap.
    let mut fork = world.fork();
    assert_eq!(fork.config().spec, SpecId::OSAKA);
    assert!(matches!(
        fork.transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit((1 << 24) + 1)),
        Err(EvmError::GasCapExceeded { .. })
    ));
    assert!(world.set_tx_gas_limit(20_000_000).is_err());
    world.set_tx_gas_limit(1_000_000).unwrap();
    assert_eq!(world.config().tx_gas_limit, 1_000_000);

    let too_much = WorldConfig {
        tx_gas_limit: 30_000_000,
        ..osaka
    };
    assert!(matches!(
        World::with_config(too_much),
        Err(EvmError::GasCapExceeded {
            requested: 30_000_000,
            cap: 16_777_216,
            ..
        })
    ));
}

#[test]
fn per_call_gas_limit_applies() {
    let mut world = World::new();
    let probe = deploy_probe(&mut world, 0);
    let data: tsynth_evm::Bytes = Probe::setValueCall { v: U256::from(3) }.abi_encode().into();
    // Enough for the intrinsic cost but not for the SSTORE.
    let err = world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit(23_000))
        .unwrap_err();
    assert_eq!(err, EvmError::OutOfGas { gas_limit: 23_000 });
    // Below the intrinsic cost (21,000 + calldata): refused before execution, typed.
    let err = world
        .transact(TxRequest::call(ALICE, probe, data.clone()).with_gas_limit(1_000))
        .unwrap_err();
    assert!(matches!(err, EvmError::InvalidTransaction(_)), "{err:?}");
    assert_eq!(probe_value(&mut world, probe), U256::ZERO);
    world
        .transact(TxRequest::call(ALICE, probe, data).with_gas_limit(60_000))
        .unwrap();
    assert_eq!(probe_value(&mut world, probe), U256::from(3));
}

#[test]
fn same_transactions_give_identical_results_on_any_thread() {
    let mut world = World::new();
    let probe = deploy_probe(&mut world, 0);
    let snap = world.snapshot();
    let run = |snap: &tsynth_evm::Snapshot| {
        let mut w = snap.to_world();
        let mut trace = Vec::new();
        for i in 0..50u64 {
            w.advance(1, 12);
            let out = w
                .call(
                    Address::with_last_byte((i % 7) as u8 + 1),
                    probe,
                    Probe::setValueCall {
                        v: U256::from(i * i),
                    }
                    .abi_encode()
                    .into(),
                )
                .unwrap();
            trace.push((out.gas_used, out.logs, w.storage_at(probe, U256::ZERO)));
        }
        (trace, w.next_deploy_address(DEPLOYER), w.block_number())
    };
    let here = run(&snap);
    let there: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2).map(|_| s.spawn(|| run(&snap))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(here.0.len(), 50);
    assert_eq!(here.2, 51);
    for other in there {
        assert_eq!(other, here);
    }
}
