//! Contracts known only at run time: JSON ABI encoding, decoding and errors.

use crate::common::*;
use tsynth_evm::{
    AbiError, DynSolValue, EvmError, U256, World, encode_call, encode_constructor_args,
    parse_json_abi,
};

fn deploy(world: &mut World) -> tsynth_evm::Address {
    let abi = probe_abi();
    world
        .deploy_dyn(
            DEPLOYER,
            &probe_bin(),
            &abi,
            &[
                DynSolValue::Uint(U256::from(12), 256),
                DynSolValue::Address(ALICE),
            ],
        )
        .unwrap()
}

#[test]
fn deploy_and_call_through_the_json_abi() {
    let mut world = World::new();
    let abi = probe_abi();
    let probe = deploy(&mut world);
    assert_eq!(
        world.dry_run_dyn(BOB, probe, &abi, "value", &[]).unwrap(),
        vec![DynSolValue::Uint(U256::from(12), 256)]
    );
    assert_eq!(
        world.dry_run_dyn(BOB, probe, &abi, "owner", &[]).unwrap(),
        vec![DynSolValue::Address(ALICE)]
    );

    // Dynamic types in and out.
    let out = world
        .call_dyn(
            BOB,
            probe,
            &abi,
            "describe",
            &[
                DynSolValue::String("tsynth".into()),
                DynSolValue::Array(vec![
                    DynSolValue::Uint(U256::from(1), 256),
                    DynSolValue::Uint(U256::from(2), 256),
                    DynSolValue::Uint(U256::from(39), 256),
                ]),
                DynSolValue::Bool(false),
            ],
        )
        .unwrap();
    assert_eq!(
        out,
        vec![
            DynSolValue::String("tsynth!".into()),
            DynSolValue::Uint(U256::from(42), 256),
            DynSolValue::Bool(true),
        ]
    );

    // Commit through call_dyn, by full signature.
    world
        .call_dyn(
            BOB,
            probe,
            &abi,
            "setValue(uint256)",
            &[DynSolValue::Uint(U256::from(5), 256)],
        )
        .unwrap();
    assert_eq!(
        world.dry_run_dyn(BOB, probe, &abi, "value", &[]).unwrap(),
        vec![DynSolValue::Uint(U256::from(5), 256)]
    );
    // dry_run_dyn did not commit.
    world
        .dry_run_dyn(
            BOB,
            probe,
            &abi,
            "setValue",
            &[DynSolValue::Uint(U256::from(6), 256)],
        )
        .unwrap();
    assert_eq!(world.storage_at(probe, U256::ZERO), U256::from(5));
}

#[test]
fn abi_mistakes_are_clear_errors() {
    let mut world = World::new();
    let abi = probe_abi();
    let probe = deploy(&mut world);

    let err = world.call_dyn(BOB, probe, &abi, "nosuch", &[]).unwrap_err();
    assert_eq!(
        err,
        EvmError::Abi(AbiError::UnknownFunction("nosuch".into()))
    );
    let err = world
        .call_dyn(BOB, probe, &abi, "setValue(uint8)", &[])
        .unwrap_err();
    assert_eq!(
        err,
        EvmError::Abi(AbiError::UnknownFunction("setValue(uint8)".into()))
    );

    let err = world
        .call_dyn(BOB, probe, &abi, "setValue", &[])
        .unwrap_err();
    assert_eq!(
        err,
        EvmError::Abi(AbiError::WrongArity {
            name: "setValue".into(),
            expected: "1".into(),
            given: 0
        })
    );
    assert_eq!(
        err.to_string(),
        "ABI: function `setValue` takes 1 arguments, 0 given"
    );

    let err = world
        .call_dyn(BOB, probe, &abi, "setValue", &[DynSolValue::Bool(true)])
        .unwrap_err();
    assert!(
        matches!(&err, EvmError::Abi(AbiError::Encode { item, .. }) if item == "setValue(uint256)"),
        "{err:?}"
    );

    assert!(matches!(
        encode_constructor_args(&abi, &[DynSolValue::Bool(true)]),
        Err(AbiError::Encode { .. })
    ));
    let ctor = encode_constructor_args(
        &abi,
        &[
            DynSolValue::Uint(U256::from(1), 256),
            DynSolValue::Address(BOB),
        ],
    )
    .unwrap();
    assert_eq!(ctor.len(), 64);
    assert_eq!(&ctor[44..64], BOB.as_slice());

    let no_ctor = parse_json_abi("empty.json", "[]").unwrap();
    assert_eq!(
        encode_constructor_args(&no_ctor, &[]).unwrap(),
        Vec::<u8>::new()
    );
    assert_eq!(
        encode_constructor_args(&no_ctor, &[DynSolValue::Bool(true)]),
        Err(AbiError::NoConstructor(1))
    );

    let calldata = encode_call(&abi, "setValue", &[DynSolValue::Uint(U256::from(9), 256)]).unwrap();
    assert_eq!(&calldata[..4], &[0x55, 0x24, 0x10, 0x77]); // setValue(uint256)
}

#[test]
fn overloads_resolve_by_arity_then_type() {
    let json = r#"[
      {"type":"function","name":"f","inputs":[{"name":"a","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"},
      {"type":"function","name":"f","inputs":[{"name":"a","type":"address"}],"outputs":[],"stateMutability":"nonpayable"},
      {"type":"function","name":"f","inputs":[{"name":"a","type":"uint256"},{"name":"b","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"}
    ]"#;
    let abi = parse_json_abi("overloads.json", json).unwrap();
    let by_type = tsynth_evm::resolve_function(&abi, "f", &[DynSolValue::Address(ALICE)]).unwrap();
    assert_eq!(by_type.signature(), "f(address)");
    let by_arity = tsynth_evm::resolve_function(
        &abi,
        "f",
        &[
            DynSolValue::Uint(U256::from(1), 256),
            DynSolValue::Uint(U256::from(2), 256),
        ],
    )
    .unwrap();
    assert_eq!(by_arity.signature(), "f(uint256,uint256)");
    let err = tsynth_evm::resolve_function(&abi, "f", &[DynSolValue::Bool(true)]).unwrap_err();
    assert!(
        matches!(
            err,
            AbiError::AmbiguousFunction {
                count: 2,
                arity: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn bad_json_abi_names_the_source_and_position() {
    let err = parse_json_abi(
        "Broken.abi.json",
        "[\n  {\"type\": \"function\",\n  oops\n]",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Broken.abi.json"), "{text}");
    assert!(text.contains("line 3"), "{text}");
}
