//! The environment (asset token, reward stream) and the candidate's set-up.
//!
//! [`Env::build`] compiles `env/StakeToken.sol` and `env/RewardStream.sol`, deploys both and
//! funds the stream, once per process. [`prepare`] then works in a copy of that state:
//!
//! 1. `Candidate(asset, stream, treasury, p)` from the deployer (`p` = block parameters; the
//!    blocks' constructors reject out-of-range values, so a bad design fails here),
//! 2. `stream.start(candidate, rate)`,
//! 3. every saver and the attacker get their capital and approve the vault,
//! 4. every saver deposits its `initial_deposit`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tsynth_evm::{
    Address, DynSolValue, EvmError, JsonAbi, Snapshot, TxRequest, U256, World,
    encode_constructor_args,
};
use tsynth_sim::units::{scale, to_wei};
use tsynth_solc::{CompileRequest, Compiler, ContractArtifact, Settings, SolcError};

use crate::bindings::{IRewardStream, IStakeToken, IVault};
use crate::scenario::Scenario;

/// Deploys the environment and the candidates, mints, starts the stream.
pub const DEPLOYER: Address = Address::repeat_byte(0xd0);
/// Receives entry and exit fees.
pub const TREASURY: Address = Address::repeat_byte(0x7e);
/// The honest keeper who harvests.
pub const KEEPER: Address = Address::repeat_byte(0x6b);
/// The harvest-sandwich attacker.
pub const ATTACKER: Address = Address::repeat_byte(0xa7);
/// Tokens (whole) the reward stream is funded with: more than any scenario pays out.
pub const STREAM_FUNDS: f64 = 1e12;
/// Source units of the environment (relative to the blocks folder).
pub const ENV_UNITS: [&str; 2] = ["env/StakeToken.sol", "env/RewardStream.sol"];

/// This crate's blocks folder (`grammars/vault.grammar` points at it).
pub fn blocks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("blocks")
}

/// Address of honest saver number `i` (scenario order, groups expanded).
pub fn saver_address(i: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x5a;
    bytes[12..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Address::from(bytes)
}

/// Why the environment or a candidate could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A source unit the environment needs is not in the blocks folder.
    #[error("source unit `{0}` is missing from the blocks folder")]
    MissingSource(&'static str),
    /// solc rejected the environment.
    #[error("compiling the environment: {0}")]
    Compile(#[from] SolcError),
    /// The compile did not produce an expected contract.
    #[error("compiling the environment: no contract `{0}`")]
    MissingContract(&'static str),
    /// A set-up transaction failed (custom errors named from the ABIs).
    #[error("{step} failed: {source}")]
    Setup {
        /// What was being done.
        step: &'static str,
        /// The EVM error.
        source: EvmError,
    },
}

/// The deployed environment, frozen.
#[derive(Debug, Clone)]
pub struct Env {
    snapshot: Snapshot,
    /// The asset token.
    pub token: Address,
    /// The reward stream.
    pub stream: Address,
    abis: Vec<JsonAbi>,
}

impl Env {
    /// Compiles the environment from the blocks folder's sources and deploys it.
    pub fn build(
        compiler: &Compiler,
        blocks: &BTreeMap<String, String>,
        settings: &Settings,
    ) -> Result<Self, DeployError> {
        let mut units = BTreeMap::new();
        for unit in ENV_UNITS {
            let text = blocks.get(unit).ok_or(DeployError::MissingSource(unit))?;
            units.insert(unit.to_string(), text.clone());
        }
        let out = compiler.compile(&CompileRequest::new(units).with_settings(settings.clone()))?;
        let pick = |q: &'static str| {
            out.contract(q)
                .cloned()
                .ok_or(DeployError::MissingContract(q))
        };
        let token_art = pick("env/StakeToken.sol:StakeToken")?;
        let stream_art = pick("env/RewardStream.sol:RewardStream")?;
        let abis = vec![token_art.abi.clone(), stream_art.abi.clone()];
        let mut world = World::new();
        let setup = |step, e| setup_error(step, e, &abis, None);
        let token = world
            .deploy(DEPLOYER, &token_art.bytecode, &[])
            .map_err(|e| setup("deploying StakeToken", e))?;
        let args = encode_constructor_args(&stream_art.abi, &[DynSolValue::Address(token)])
            .map_err(|e| setup("deploying RewardStream", e.into()))?;
        let stream = world
            .deploy(DEPLOYER, &stream_art.bytecode, &args)
            .map_err(|e| setup("deploying RewardStream", e))?;
        let fund = IStakeToken::mintCall {
            to: stream,
            amount: to_wei(STREAM_FUNDS),
        };
        world
            .call_sol(DEPLOYER, token, &fund)
            .map_err(|e| setup("funding the stream", e))?;
        Ok(Env {
            snapshot: world.snapshot(),
            token,
            stream,
            abis,
        })
    }
}

/// What every seed of one candidate starts from, besides the world snapshot.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The candidate vault.
    pub vault: Address,
    /// The asset token.
    pub token: Address,
    /// Each saver: address, capital, free tokens and shares after the initial deposit.
    pub savers: Vec<SaverStart>,
    /// Attacker capital (base units).
    pub attacker_capital: U256,
}

/// One saver after set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaverStart {
    /// Its account.
    pub addr: Address,
    /// Every token it was given.
    pub capital: U256,
    /// Tokens not deposited.
    pub free: U256,
    /// Shares from the initial deposit.
    pub shares: U256,
}

/// Deploys `candidate` into a copy of `env` and sets it up as `scenario` says.
pub fn prepare(
    env: &Env,
    candidate: &ContractArtifact,
    params: &[U256],
    scenario: &Scenario,
) -> Result<(Snapshot, Prepared), DeployError> {
    let mut world = env.snapshot.to_world();
    let fail = |step, e| setup_error(step, e, &env.abis, Some(&candidate.abi));
    let vault = deploy_candidate(&mut world, env, candidate, params)
        .map_err(|e| fail("deploying Candidate", e))?;
    let rate = to_wei(scenario.stream.rewards_per_day.get() / 86_400.0);
    world
        .call_sol(
            DEPLOYER,
            env.stream,
            &IRewardStream::startCall { vault, rate },
        )
        .map_err(|e| fail("RewardStream.start", e))?;
    let attacker_capital = to_wei(scenario.adversary.capital.get());
    fund(&mut world, env.token, vault, ATTACKER, attacker_capital)
        .map_err(|e| fail("funding the attacker", e))?;
    let mut savers = Vec::with_capacity(scenario.saver_count());
    for (i, spec) in scenario.each_saver().enumerate() {
        let addr = saver_address(i);
        let capital = to_wei(spec.capital.get());
        fund(&mut world, env.token, vault, addr, capital)
            .map_err(|e| fail("funding a saver", e))?;
        let amount = scale(capital, spec.initial_deposit.get());
        let shares = if amount.is_zero() {
            U256::ZERO
        } else {
            world
                .call_sol(addr, vault, &IVault::depositCall { assets: amount })
                .map_err(|e| fail("a saver's initial deposit", e))?
        };
        savers.push(SaverStart {
            addr,
            capital,
            free: capital - amount,
            shares,
        });
    }
    let prepared = Prepared {
        vault,
        token: env.token,
        savers,
        attacker_capital,
    };
    Ok((world.snapshot(), prepared))
}

fn deploy_candidate(
    world: &mut World,
    env: &Env,
    candidate: &ContractArtifact,
    params: &[U256],
) -> Result<Address, EvmError> {
    let args = encode_constructor_args(
        &candidate.abi,
        &[
            DynSolValue::Address(env.token),
            DynSolValue::Address(env.stream),
            DynSolValue::Address(TREASURY),
            DynSolValue::Array(params.iter().map(|&v| DynSolValue::Uint(v, 256)).collect()),
        ],
    )?;
    let mut creation = candidate.bytecode.to_vec();
    creation.extend_from_slice(&args);
    let out = world.transact(TxRequest::create(DEPLOYER, creation.into()))?;
    out.created.ok_or(EvmError::NoDeployedAddress(out.output))
}

fn fund(
    world: &mut World,
    token: Address,
    vault: Address,
    who: Address,
    amount: U256,
) -> Result<(), EvmError> {
    if !amount.is_zero() {
        world.call_sol(DEPLOYER, token, &IStakeToken::mintCall { to: who, amount })?;
    }
    let approve = IStakeToken::approveCall {
        spender: vault,
        amount: U256::MAX,
    };
    world.call_sol(who, token, &approve)?;
    Ok(())
}

fn setup_error(
    step: &'static str,
    err: EvmError,
    abis: &[JsonAbi],
    extra: Option<&JsonAbi>,
) -> DeployError {
    let source = match err {
        EvmError::Revert(mut reason) => {
            for abi in abis.iter().chain(extra) {
                reason.name_with(abi);
            }
            EvmError::Revert(reason)
        }
        other => other,
    };
    DeployError::Setup { step, source }
}
