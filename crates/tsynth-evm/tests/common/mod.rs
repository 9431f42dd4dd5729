//! Fixtures shared by the integration tests: bytecode and ABIs compiled from
//! `tests/contracts/*.sol` by `tests/contracts/build.js` (solc 0.8.30, optimizer 200 runs).
#![allow(dead_code)]

use tsynth_evm::{Address, Bytes, JsonAbi, U256, hex, parse_json_abi};

tsynth_evm::sol!(
    #[sol(all_derives)]
    Probe,
    "tests/contracts/Probe.abi.json"
);
tsynth_evm::sol!(
    #[sol(all_derives)]
    MiniToken,
    "tests/contracts/MiniToken.abi.json"
);
tsynth_evm::sol!(
    #[sol(all_derives)]
    MiniPool,
    "tests/contracts/MiniPool.abi.json"
);

fn bytecode(name: &str, hex_text: &str) -> Bytes {
    hex::decode(hex_text.trim())
        .unwrap_or_else(|e| panic!("fixture {name}.bin is not hex: {e}"))
        .into()
}

pub fn probe_bin() -> Bytes {
    bytecode("Probe", include_str!("../contracts/Probe.bin"))
}
pub fn token_bin() -> Bytes {
    bytecode("MiniToken", include_str!("../contracts/MiniToken.bin"))
}
pub fn pool_bin() -> Bytes {
    bytecode("MiniPool", include_str!("../contracts/MiniPool.bin"))
}
pub fn probe_abi() -> JsonAbi {
    parse_json_abi(
        "Probe.abi.json",
        include_str!("../contracts/Probe.abi.json"),
    )
    .unwrap()
}
pub fn token_abi() -> JsonAbi {
    parse_json_abi(
        "MiniToken.abi.json",
        include_str!("../contracts/MiniToken.abi.json"),
    )
    .unwrap()
}

pub const DEPLOYER: Address = Address::repeat_byte(0xd0);
pub const ALICE: Address = Address::repeat_byte(0xa1);
pub const BOB: Address = Address::repeat_byte(0xb0);

pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}
