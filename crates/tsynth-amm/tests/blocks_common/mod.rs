//! Shared helpers of the `blocks_*` tests: hand-written candidates, wad conversion, a
//! compiled and deployed environment shared by every test of a binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tsynth_amm::bindings::IDataPool;
use tsynth_amm::deploy::{
    DeployError, DeployedPool, Env, EnvAccounts, EnvArtifacts, PoolSetup, building_blocks_dir,
    compile_candidate, load_sources,
};
use tsynth_evm::bindings::IERC20;
use tsynth_evm::{Address, EvmError, U256, World, sol};
use tsynth_solc::{Compiler, ContractArtifact, Settings};

sol! {
    /// Views of PoolCore beyond IDataPool.
    interface IPoolExtra {
        function weights() external view returns (uint256 wBase, uint256 wDt);
        function community() external view returns (address);
    }
    /// The datatoken's consume entry point.
    interface IOrder {
        function order() external;
    }
}

/// The publisher of every test pool.
pub const PUBLISHER: Address = Address::repeat_byte(0xb0);
/// A trader / attacker.
pub const TRADER: Address = Address::repeat_byte(0xa7);

/// Exact decimal string → wad (e.g. "0.001" → 1e15).
pub fn wad(s: &str) -> U256 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    assert!(frac.len() <= 18, "too many decimals in {s}");
    let mut digits = String::from(int);
    digits.push_str(frac);
    digits.push_str(&"0".repeat(18 - frac.len()));
    U256::from_str_radix(digits.trim_start_matches('0').max("0"), 10).expect("decimal")
}

/// Whole tokens → wei.
pub fn tokens(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

/// Wad → f64.
pub fn f(x: U256) -> f64 {
    let v: u128 = x.try_into().expect("fits in u128");
    v as f64 / 1e18
}

/// f64 → wad (for amounts; rounding at the 17th digit is fine).
pub fn to_wad(x: f64) -> U256 {
    U256::from((x * 1e18).round() as u128)
}

/// Relative error |a − b| / |b|.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// The building-block sources and the deployed environment, built once per test binary.
pub fn fixture() -> &'static (BTreeMap<String, String>, Env) {
    static FIX: OnceLock<(BTreeMap<String, String>, Env)> = OnceLock::new();
    FIX.get_or_init(|| {
        let sources = load_sources(&building_blocks_dir()).expect("building blocks readable");
        let compiler = Compiler::shared().expect("compiler");
        let artifacts = EnvArtifacts::compile(compiler, &sources, &Settings::default())
            .expect("environment compiles");
        let env = Env::deploy(&artifacts, EnvAccounts::default()).expect("environment deploys");
        (sources, env)
    })
}

/// One block of a hand-written candidate: slot directory, contract name, parameters (wad).
pub struct Block<'a> {
    pub slot: &'a str,
    pub name: &'a str,
    pub params: Vec<U256>,
}

/// Shorthand for [`Block`].
pub fn block<'a>(slot: &'a str, name: &'a str, params: &[U256]) -> Block<'a> {
    Block {
        slot,
        name,
        params: params.to_vec(),
    }
}

/// `Candidate.sol` in the README's form, and the flat parameter vector.
pub fn candidate_source(blocks: &[Block<'_>]) -> (String, Vec<U256>) {
    let mut imports = String::from("import \"core/PoolCore.sol\";\n");
    let mut mods = String::new();
    let mut params = Vec::new();
    for b in blocks {
        imports += &format!("import \"{}/{}.sol\";\n", b.slot, b.name);
        if !b.params.is_empty() {
            let idx: Vec<String> = (params.len()..params.len() + b.params.len())
                .map(|i| format!("p[{i}]"))
                .collect();
            mods += &format!(" {}({})", b.name, idx.join(", "));
            params.extend_from_slice(&b.params);
        }
    }
    let bases: Vec<&str> = blocks.iter().map(|b| b.name).collect();
    let src = format!(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n{imports}\
         contract Candidate is PoolCore, {} {{\n    \
         constructor(address base_, address dt_, address community_, uint256[] memory p)\n        \
         PoolCore(base_, dt_, community_){mods} {{}}\n}}\n",
        bases.join(", ")
    );
    (src, params)
}

/// Compiles a candidate made of `blocks` (default settings: optimizer off).
pub fn compile(blocks: &[Block<'_>]) -> Result<(ContractArtifact, Vec<U256>), DeployError> {
    compile_with(blocks, &Settings::default())
}

/// Compiles a candidate made of `blocks` with `settings`.
pub fn compile_with(
    blocks: &[Block<'_>],
    settings: &Settings,
) -> Result<(ContractArtifact, Vec<U256>), DeployError> {
    let (src, params) = candidate_source(blocks);
    let mut sources = fixture().0.clone();
    sources.insert("Candidate.sol".into(), src);
    let art = compile_candidate(Compiler::shared().expect("compiler"), sources, settings)?;
    Ok((art, params))
}

/// A deployed, initialized pool in its own world.
pub struct TestPool {
    pub world: World,
    pub pool: DeployedPool,
    pub artifact: ContractArtifact,
}

/// Compiles and deploys `blocks`, opened with `base` base tokens at fee-free `price`.
pub fn open(blocks: &[Block<'_>], base: U256, price: U256) -> TestPool {
    open_with(blocks, base, price, &Settings::default())
}

/// Like [`open`], compiled with `settings`.
pub fn open_with(blocks: &[Block<'_>], base: U256, price: U256, settings: &Settings) -> TestPool {
    let (artifact, params) = compile_with(blocks, settings).expect("candidate compiles");
    let env = &fixture().1;
    let mut world = env.world();
    let setup = PoolSetup {
        publisher: PUBLISHER,
        base_amount: base,
        initial_price: price,
    };
    let pool = env
        .deploy_candidate(&mut world, &artifact, &params, &setup)
        .unwrap_or_else(|e| panic!("deploy failed: {e}"));
    TestPool {
        world,
        pool,
        artifact,
    }
}

impl TestPool {
    pub fn addr(&self) -> Address {
        self.pool.address
    }

    pub fn env(&self) -> &'static Env {
        &fixture().1
    }

    /// Names a revert from the candidate's and the environment's ABIs.
    pub fn named(&self, e: EvmError) -> EvmError {
        self.env().name_revert(e, &[&self.artifact.abi])
    }

    /// The custom error name of a revert, if any.
    pub fn revert_name(&self, e: EvmError) -> Option<String> {
        match self.named(e) {
            EvmError::Revert(tsynth_evm::RevertReason::Custom { name, .. }) => name,
            _ => None,
        }
    }

    /// Gives `who` `amount` base tokens and approves the pool for both tokens.
    pub fn fund(&mut self, who: Address, amount: U256) {
        let env = self.env();
        env.mint_base(&mut self.world, who, amount).expect("mint");
        let pool = self.addr();
        for token in [env.base, env.dt] {
            self.world
                .call_sol(
                    who,
                    token,
                    &IERC20::approveCall {
                        spender: pool,
                        amount: U256::MAX,
                    },
                )
                .expect("approve");
        }
    }

    pub fn base_of(&mut self, who: Address) -> U256 {
        let t = self.env().base;
        self.world.erc20_balance(t, who).expect("balance")
    }

    pub fn dt_of(&mut self, who: Address) -> U256 {
        let t = self.env().dt;
        self.world.erc20_balance(t, who).expect("balance")
    }

    pub fn view<C: tsynth_evm::SolCall>(&mut self, call: &C) -> C::Return {
        let pool = self.addr();
        self.world
            .dry_run_sol(Address::ZERO, pool, call)
            .unwrap_or_else(|e| panic!("view {} failed: {}", C::SIGNATURE, self.named(e)))
    }

    pub fn send<C: tsynth_evm::SolCall>(
        &mut self,
        from: Address,
        call: &C,
    ) -> Result<C::Return, EvmError> {
        let pool = self.addr();
        self.world.call_sol(from, pool, call)
    }

    pub fn base_bal(&mut self) -> U256 {
        self.view(&IDataPool::baseBalanceCall {})
    }

    pub fn dt_bal(&mut self) -> U256 {
        self.view(&IDataPool::dtBalanceCall {})
    }

    pub fn spot(&mut self) -> U256 {
        self.view(&IDataPool::spotPriceCall {})
    }

    pub fn shares_of(&mut self, who: Address) -> U256 {
        self.view(&IDataPool::sharesOfCall { who })
    }

    pub fn buy(&mut self, who: Address, base_in: U256) -> Result<U256, EvmError> {
        self.send(
            who,
            &IDataPool::buyDtCall {
                baseIn: base_in,
                minDtOut: U256::ZERO,
            },
        )
    }

    pub fn sell(&mut self, who: Address, dt_in: U256) -> Result<U256, EvmError> {
        self.send(
            who,
            &IDataPool::sellDtCall {
                dtIn: dt_in,
                minBaseOut: U256::ZERO,
            },
        )
    }

    pub fn stake(&mut self, who: Address, base_in: U256) -> Result<U256, EvmError> {
        self.send(who, &IDataPool::stakeCall { baseIn: base_in })
    }

    pub fn unstake(&mut self, who: Address, shares: U256) -> Result<U256, EvmError> {
        self.send(who, &IDataPool::unstakeCall { sharesIn: shares })
    }
}

/// Standard blocks with their README defaults: reals as wad strings, integers (seconds)
/// prefixed with `i`.
pub fn std_block<'a>(slot: &'a str, name: &'a str) -> Block<'a> {
    let p: &[&str] = match name {
        "ConstantWeights" => &["0.5"],
        "LinearWeights" => &["0.1", "0.5", "i604800"],
        "FixedFee" => &["0.001", "0.001"],
        "SoftCapFee" => &["0.001", "0.001", "100", "0.0005"],
        "LaunchFee" => &["0.05", "0.001", "i86400", "0.001"],
        "LockUp" => &["i86400"],
        "ExitFee" => &["0.01"],
        "WithdrawLimit" => &["0.05"],
        "FullPremine" => &["1"],
        "LinearVesting" => &["1", "i2592000"],
        "CliffVesting" => &["1", "i604800", "i2592000"],
        "BuyCap" => &["0.05"],
        _ => &[],
    };
    let params = p
        .iter()
        .map(|s| match s.strip_prefix('i') {
            Some(int) => U256::from(int.parse::<u64>().expect("integer")),
            None => wad(s),
        })
        .collect::<Vec<_>>();
    block(slot, name, &params)
}

/// Every slot's blocks, in slot order.
pub const SLOTS: [(&str, &[&str]); 6] = [
    (
        "pricing",
        &["ConstantWeights", "LinearWeights", "FixedRate"],
    ),
    ("fee", &["FixedFee", "SoftCapFee", "LaunchFee"]),
    (
        "staking",
        &[
            "NoStaking",
            "BalancerJoin",
            "LinearOneSided",
            "BalancerOneSided",
        ],
    ),
    ("guard", &["NoGuard", "LockUp", "ExitFee", "WithdrawLimit"]),
    (
        "allocation",
        &[
            "NoAllocation",
            "FullPremine",
            "LinearVesting",
            "CliffVesting",
        ],
    ),
    ("limit", &["NoLimit", "BuyCap"]),
];

#[allow(unused_imports)]
/// Compiles `source` as `Candidate.sol` next to the building blocks (a test harness
/// contract with no constructor arguments) and deploys it into a fresh world.
pub fn deploy_harness(source: &str) -> (World, Address, ContractArtifact) {
    let mut sources = fixture().0.clone();
    sources.insert("Candidate.sol".into(), source.into());
    let art = tsynth_amm::deploy::compile_candidate(
        Compiler::shared().expect("compiler"),
        sources,
        &Settings::default(),
    )
    .expect("harness compiles");
    let mut world = World::new();
    let addr = world
        .deploy(Address::repeat_byte(1), &art.bytecode, &[])
        .expect("deploy harness");
    (world, addr, art)
}

pub use IOrder as Order;
#[allow(unused_imports)]
pub use IPoolExtra as Extra;
#[allow(unused_imports)]
pub use tsynth_amm::bindings::IDataPool as Pool;
