//! Every way a call can fail, decoded into typed errors.

use crate::common::*;
use alloy_sol_types::{SolError, SolValue};
use tsynth_evm::{
    Address, DynSolValue, EvmError, HaltReason, RevertReason, TxRequest, U256, World,
};

fn setup() -> (World, Address) {
    let mut world = World::new();
    let args = (U256::from(1), DEPLOYER).abi_encode_params();
    let probe = world.deploy(DEPLOYER, &probe_bin(), &args).unwrap();
    (world, probe)
}

fn revert_of<T>(result: Result<T, EvmError>) -> RevertReason {
    match result {
        Err(EvmError::Revert(reason)) => reason,
        Err(other) => panic!("expected a revert, got {other:?}"),
        Ok(_) => panic!("expected a revert, the call succeeded"),
    }
}

#[test]
fn error_string_is_decoded() {
    let (mut world, probe) = setup();
    let reason = revert_of(world.call_sol(
        ALICE,
        probe,
        &Probe::failWithMessageCall {
            why: "pool is paused".into(),
        },
    ));
    assert_eq!(reason, RevertReason::Error("pool is paused".into()));
    let reason = revert_of(world.dry_run_sol(
        ALICE,
        probe,
        &Probe::requireAboveCall {
            x: U256::from(1),
            min: U256::from(5),
        },
    ));
    assert_eq!(reason, RevertReason::Error("x too small".into()));
    assert_eq!(reason.to_string(), "Error(\"x too small\")");
    // The passing case returns normally.
    let ok = world
        .dry_run_sol(
            ALICE,
            probe,
            &Probe::requireAboveCall {
                x: U256::from(9),
                min: U256::from(5),
            },
        )
        .unwrap();
    assert_eq!(ok, U256::from(4));
}

#[test]
fn panics_carry_code_and_name() {
    let (mut world, probe) = setup();
    let cases: Vec<(RevertReason, u64, &str)> = vec![
        (
            revert_of(world.call_sol(
                ALICE,
                probe,
                &Probe::addCall {
                    a: U256::MAX,
                    b: U256::from(1),
                },
            )),
            0x11,
            "arithmetic overflow or underflow",
        ),
        (
            revert_of(world.call_sol(
                ALICE,
                probe,
                &Probe::divideCall {
                    a: U256::from(1),
                    b: U256::ZERO,
                },
            )),
            0x12,
            "division or modulo by zero",
        ),
        (
            revert_of(world.call_sol(ALICE, probe, &Probe::assertPositiveCall { a: U256::ZERO })),
            0x01,
            "assertion failed",
        ),
        (
            revert_of(world.dry_run_sol(
                ALICE,
                probe,
                &Probe::outOfBoundsCall { i: U256::from(3) },
            )),
            0x32,
            "array index out of bounds",
        ),
    ];
    for (reason, code, name) in cases {
        assert_eq!(
            reason,
            RevertReason::Panic {
                code: U256::from(code),
                name
            }
        );
    }
    assert_eq!(
        revert_of(world.call_sol(
            ALICE,
            probe,
            &Probe::divideCall {
                a: U256::from(1),
                b: U256::ZERO
            }
        ))
        .to_string(),
        "Panic(0x12: division or modulo by zero)"
    );
}

#[test]
fn custom_errors_by_selector_and_by_name() {
    let (mut world, probe) = setup();
    let call = Probe::needsCall {
        available: U256::from(3),
        required: U256::from(7),
    };
    let reason = revert_of(world.call_sol(ALICE, probe, &call));
    let RevertReason::Custom {
        selector,
        data,
        name,
    } = &reason
    else {
        panic!("expected a custom error, got {reason:?}");
    };
    assert_eq!(*selector, Probe::Insufficient::SELECTOR);
    assert_eq!(
        data.as_ref(),
        (U256::from(3), U256::from(7)).abi_encode_params()
    );
    assert_eq!(name, &None, "no ABI given");
    let typed: Probe::Insufficient = reason.decode_custom().unwrap();
    assert_eq!(
        (typed.available, typed.required),
        (U256::from(3), U256::from(7))
    );
    assert!(reason.is_custom::<Probe::Insufficient>());
    assert!(!reason.is_custom::<Probe::Unauthorized>());
    assert!(reason.decode_custom::<Probe::Unauthorized>().is_none());

    // With the JSON ABI, the error is named and its arguments decode dynamically.
    let abi = probe_abi();
    let named = revert_of(world.call_dyn(
        ALICE,
        probe,
        &abi,
        "needs",
        &[
            DynSolValue::from(U256::from(3)),
            DynSolValue::from(U256::from(7)),
        ],
    ));
    assert!(
        matches!(&named, RevertReason::Custom { name: Some(n), .. } if n == "Insufficient"),
        "{named:?}"
    );
    assert_eq!(
        named.custom_args(&abi),
        Some(vec![
            DynSolValue::Uint(U256::from(3), 256),
            DynSolValue::Uint(U256::from(7), 256)
        ])
    );
    assert!(
        named
            .to_string()
            .starts_with("custom error Insufficient (0x")
    );

    // A custom error without arguments.
    let reason = revert_of(world.call_dyn(BOB, probe, &abi, "ownerOnly", &[]));
    assert_eq!(
        reason,
        RevertReason::Custom {
            selector: Probe::Unauthorized::SELECTOR,
            data: Default::default(),
            name: Some("Unauthorized".into())
        }
    );
    // ... and the owner passes.
    let ok = world
        .call_dyn(DEPLOYER, probe, &abi, "ownerOnly", &[])
        .unwrap();
    assert_eq!(ok, vec![DynSolValue::Bool(true)]);
}

#[test]
fn empty_revert() {
    let (mut world, probe) = setup();
    let reason = revert_of(world.call_sol(ALICE, probe, &Probe::emptyRevertCall {}));
    assert_eq!(reason, RevertReason::Empty);
    assert_eq!(reason.to_string(), "empty revert");
}

#[test]
fn out_of_gas_is_reported_as_such() {
    let (mut world, probe) = setup();
    let data = alloy_sol_types::SolCall::abi_encode(&Probe::burnGasCall {});
    let err = world
        .transact(TxRequest::call(ALICE, probe, data.clone().into()).with_gas_limit(500_000))
        .unwrap_err();
    assert_eq!(err, EvmError::OutOfGas { gas_limit: 500_000 });
    // With the default limit too (30M): the loop still runs out.
    let err = world.call(ALICE, probe, data.into()).unwrap_err();
    assert_eq!(
        err,
        EvmError::OutOfGas {
            gas_limit: 30_000_000
        }
    );
    assert!(err.to_string().contains("out of gas"));
    // Nothing it wrote survived.
    assert_eq!(world.storage_at(probe, U256::from(2)), U256::ZERO);
}

#[test]
fn other_halts_are_typed() {
    let (mut world, probe) = setup();
    let err = world
        .call_sol(ALICE, probe, &Probe::invalidOpcodeCall {})
        .map(|_| ())
        .unwrap_err();
    match err {
        EvmError::Halt { reason, gas_used } => {
            assert_eq!(reason, HaltReason::InvalidFEOpcode);
            assert_eq!(gas_used, 30_000_000, "INVALID consumes all gas");
        }
        other => panic!("expected a halt, got {other:?}"),
    }
    // Calling an address without code is a successful no-op; decoding its empty return fails
    // with an ABI error naming the function.
    let err = world
        .call_sol(ALICE, Address::repeat_byte(0x77), &Probe::valueCall {})
        .unwrap_err();
    assert!(
        matches!(&err, EvmError::Abi(tsynth_evm::AbiError::Decode { item, .. }) if item == "value()"),
        "{err:?}"
    );
}

#[test]
fn code_size_limit_halts_the_deployment() {
    let config = tsynth_evm::WorldConfig {
        code_size_limit: Some(1200), // initcode limit becomes 2,400 (EIP-3860: twice)
        ..Default::default()
    };
    let mut world = World::with_config(config).unwrap();
    let args = (U256::from(1), DEPLOYER).abi_encode_params();
    let err = world.deploy(DEPLOYER, &probe_bin(), &args).unwrap_err();
    assert!(
        matches!(
            err,
            EvmError::Halt {
                reason: HaltReason::CreateContractSizeLimit,
                ..
            }
        ),
        "{err:?}"
    );
    // The default (EIP-170) limit lets the same contract in.
    World::new().deploy(DEPLOYER, &probe_bin(), &args).unwrap();
}

#[test]
fn constructor_reverts_are_decoded_too() {
    let mut world = World::new();
    // The pool's constructor takes 3 args; the token's constructor reads strings: give the
    // token garbage arguments so that its ABI decoder reverts (empty revert data).
    let err = world
        .deploy(DEPLOYER, &token_bin(), &[0xff; 32])
        .unwrap_err();
    assert!(matches!(err, EvmError::Revert(_)), "{err:?}");
    assert_eq!(
        world.nonce(DEPLOYER),
        1,
        "a failed deployment still uses the nonce"
    );
    let next = world.next_deploy_address(DEPLOYER);
    assert_eq!(next, DEPLOYER.create(1));
}

#[test]
fn raw_revert_data_decoding() {
    // Shorter than a selector.
    assert_eq!(
        RevertReason::decode(&[0xde, 0xad]),
        RevertReason::Raw(vec![0xde, 0xad].into())
    );
    // Error(string) selector with a truncated payload.
    let mut bad = tsynth_evm::revert::ERROR_STRING_SELECTOR.to_vec();
    bad.extend_from_slice(&[0u8; 10]);
    assert_eq!(
        RevertReason::decode(&bad),
        RevertReason::Raw(bad.clone().into())
    );
    // Panic with an unknown code keeps the code.
    let mut panic = tsynth_evm::revert::PANIC_SELECTOR.to_vec();
    panic.extend_from_slice(&U256::from(0x99).abi_encode());
    assert_eq!(
        RevertReason::decode(&panic),
        RevertReason::Panic {
            code: U256::from(0x99),
            name: "unknown panic code"
        }
    );
    assert_eq!(RevertReason::decode(&[]), RevertReason::Empty);
    assert_eq!(
        tsynth_evm::panic_name(U256::from(0x41)),
        "out of memory (allocation too large)"
    );
    assert_eq!(tsynth_evm::panic_name(U256::MAX), "unknown panic code");
}
