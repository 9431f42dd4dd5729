//! Deployment of the environment (base token, datatoken) and of candidate pools.
//!
//! The building blocks (`building-blocks/`, see its README) are compiled through
//! [`tsynth_solc`]; the environment is deployed once into a fresh [`World`] and frozen as a
//! [`Snapshot`] ([`Env`]); every candidate is then deployed into its own copy of that state:
//!
//! 1. `Candidate(base, dt, community, p)` from the deployer (`p` = the block parameters),
//! 2. `dt.setPool(candidate, publisher)` from the deployer,
//! 3. the deployer mints `base_amount` base tokens to the publisher, who approves the pool,
//! 4. the publisher calls `initialize(publisher, base_amount, initial_price)`.
//!
//! Every failure is typed: a compile failure carries solc's diagnostics (file and line of the
//! block), a set-up revert names the step and the decoded custom error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use alloy_sol_types::sol;
use tsynth_evm::bindings::IERC20;
use tsynth_evm::{
    Address, DynSolValue, EvmError, JsonAbi, RevertReason, Snapshot, U256, World,
    encode_constructor_args,
};
use tsynth_solc::{CompileRequest, Compiler, ContractArtifact, Settings, SolcError};

sol! {
    /// The environment's base token ("OCEAN").
    interface IBaseTokenEnv {
        function mint(address to, uint256 amount) external;
    }
    /// The environment's datatoken (set-up and consume).
    interface IDataTokenEnv {
        function setPool(address pool, address publisher) external;
        function order() external;
        function burn(uint256 amount) external;
    }
    /// `initialize` of a candidate pool (the rest of the pool is `IDataPool`).
    interface IPoolInit {
        function initialize(address publisher, uint256 baseAmount, uint256 initialPrice) external;
    }
}

use tsynth_sim::simulator::{CANDIDATE_CONTRACT, CANDIDATE_UNIT};

/// Source units the environment needs (names relative to `building-blocks/`).
pub const ENV_UNITS: [&str; 4] = [
    "core/IDataPool.sol",
    "env/ERC20.sol",
    "env/BaseToken.sol",
    "env/DataToken.sol",
];

/// The repository's `building-blocks/` directory (found relative to this crate's sources).
pub fn building_blocks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../building-blocks")
}

/// A set-up step, named in [`DeployError::Setup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupStep {
    /// Deploying the base token.
    DeployBaseToken,
    /// Deploying the datatoken.
    DeployDataToken,
    /// Deploying the candidate pool (its constructor validates the block parameters).
    DeployCandidate,
    /// `DataToken.setPool(candidate, publisher)`.
    SetPool,
    /// Minting base tokens to an account.
    MintBase,
    /// The publisher approving the pool for its base tokens.
    Approve,
    /// `initialize(publisher, baseAmount, initialPrice)`.
    Initialize,
    /// The simulation's accounts approving the pool for base tokens and datatokens.
    AgentApprovals,
    /// Reading the publisher's holdings after `initialize`.
    ReadHoldings,
}

impl fmt::Display for SetupStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SetupStep::DeployBaseToken => "deploying BaseToken",
            SetupStep::DeployDataToken => "deploying DataToken",
            SetupStep::DeployCandidate => "deploying Candidate",
            SetupStep::SetPool => "DataToken.setPool",
            SetupStep::MintBase => "BaseToken.mint",
            SetupStep::Approve => "BaseToken.approve(pool)",
            SetupStep::Initialize => "Candidate.initialize",
            SetupStep::AgentApprovals => "agents' approve(pool) of base token and datatoken",
            SetupStep::ReadHoldings => "reading the publisher's balances and shares",
        })
    }
}

/// Why compiling or deploying failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A building-block file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The building-block sources could not be read (the engine's reader names the path).
    #[error(transparent)]
    Sources(#[from] tsynth_sim::SimError),
    /// A source unit the compile needs is not in the sources map.
    #[error("source unit `{0}` is missing from the building-block sources")]
    MissingSource(String),
    /// solc rejected the sources (diagnostics name file and line) or could not run.
    #[error("compiling {what}: {source}")]
    Compile {
        /// What was compiled ("environment" or "candidate").
        what: &'static str,
        /// The compiler's error.
        source: SolcError,
    },
    /// The compile succeeded but did not produce the expected deployable contract.
    #[error("compiling {what}: no deployable contract `{name}` in the output")]
    MissingContract {
        /// What was compiled.
        what: &'static str,
        /// The contract looked for (`file:Name`).
        name: String,
    },
    /// A set-up transaction failed (reverts are decoded and named from the ABIs).
    #[error("{step} failed: {source}")]
    Setup {
        /// The step that failed.
        step: SetupStep,
        /// The EVM error, with the revert reason named when an ABI declares it.
        source: EvmError,
    },
}

impl DeployError {
    /// The decoded revert reason, when a set-up step reverted.
    pub fn revert_reason(&self) -> Option<&RevertReason> {
        match self {
            DeployError::Setup { source, .. } => source.revert_reason(),
            _ => None,
        }
    }
}

/// Reads every `.sol` file under `dir` (see [`tsynth_sim::simulator::load_sources`]).
pub fn load_sources(dir: &Path) -> Result<BTreeMap<String, String>, DeployError> {
    Ok(tsynth_sim::simulator::load_sources(dir)?)
}

fn compile_one(
    compiler: &Compiler,
    sources: BTreeMap<String, String>,
    settings: &Settings,
    what: &'static str,
    qualified: &str,
) -> Result<ContractArtifact, DeployError> {
    let request = CompileRequest::new(sources).with_settings(settings.clone());
    let out = compiler
        .compile(&request)
        .map_err(|source| DeployError::Compile { what, source })?;
    out.contract(qualified)
        .filter(|c| !c.is_abstract())
        .cloned()
        .ok_or_else(|| DeployError::MissingContract {
            what,
            name: qualified.to_string(),
        })
}

/// Compiles a candidate: `sources` must hold `Candidate.sol` and every unit it imports
/// (e.g. the grammar's emitted source set, or [`load_sources`] plus a hand-written
/// `Candidate.sol`). Returns the `Candidate` artifact.
pub fn compile_candidate(
    compiler: &Compiler,
    sources: BTreeMap<String, String>,
    settings: &Settings,
) -> Result<ContractArtifact, DeployError> {
    if !sources.contains_key(CANDIDATE_UNIT) {
        return Err(DeployError::MissingSource(CANDIDATE_UNIT.to_string()));
    }
    compile_one(
        compiler,
        sources,
        settings,
        "candidate",
        &format!("{CANDIDATE_UNIT}:{CANDIDATE_CONTRACT}"),
    )
}

/// The compiled environment contracts.
#[derive(Debug, Clone)]
pub struct EnvArtifacts {
    /// `env/BaseToken.sol:BaseToken`.
    pub base_token: ContractArtifact,
    /// `env/DataToken.sol:DataToken`.
    pub data_token: ContractArtifact,
}

impl EnvArtifacts {
    /// Compiles the environment from the building-block sources (only [`ENV_UNITS`] are sent).
    pub fn compile(
        compiler: &Compiler,
        sources: &BTreeMap<String, String>,
        settings: &Settings,
    ) -> Result<Self, DeployError> {
        let mut env = BTreeMap::new();
        for unit in ENV_UNITS {
            let text = sources
                .get(unit)
                .ok_or_else(|| DeployError::MissingSource(unit.to_string()))?;
            env.insert(unit.to_string(), text.clone());
        }
        let out = compiler
            .compile(&CompileRequest::new(env).with_settings(settings.clone()))
            .map_err(|source| DeployError::Compile {
                what: "environment",
                source,
            })?;
        let pick = |q: &str| {
            out.contract(q)
                .cloned()
                .ok_or_else(|| DeployError::MissingContract {
                    what: "environment",
                    name: q.to_string(),
                })
        };
        Ok(EnvArtifacts {
            base_token: pick("env/BaseToken.sol:BaseToken")?,
            data_token: pick("env/DataToken.sol:DataToken")?,
        })
    }
}

/// Accounts of the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvAccounts {
    /// Deploys the tokens and the candidates, mints base tokens, calls `setPool`.
    pub deployer: Address,
    /// Receives community fees (pool) and the community share of orders (datatoken).
    pub community: Address,
}

impl Default for EnvAccounts {
    fn default() -> Self {
        EnvAccounts {
            deployer: Address::repeat_byte(0xd0),
            community: Address::repeat_byte(0xc0),
        }
    }
}

/// The deployed environment, frozen: every candidate starts from a copy of this state.
#[derive(Debug, Clone)]
pub struct Env {
    snapshot: Snapshot,
    /// Base token address.
    pub base: Address,
    /// Datatoken address.
    pub dt: Address,
    /// The environment's accounts.
    pub accounts: EnvAccounts,
    abis: Vec<JsonAbi>,
}

/// A candidate pool deployed and initialized in a world.
#[derive(Debug, Clone)]
pub struct DeployedPool {
    /// The pool's address.
    pub address: Address,
    /// The publisher (holds the initial shares).
    pub publisher: Address,
    /// Gas used by the candidate's deployment.
    pub deploy_gas: u64,
}

/// How a candidate is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSetup {
    /// The publisher: receives initial shares and any allocation.
    pub publisher: Address,
    /// Base tokens the publisher seeds the pool with (minted to it first).
    pub base_amount: U256,
    /// Fee-free opening price, base per datatoken, wad.
    pub initial_price: U256,
}

impl Env {
    /// Deploys the base token and the datatoken into a fresh world and freezes it.
    pub fn deploy(artifacts: &EnvArtifacts, accounts: EnvAccounts) -> Result<Self, DeployError> {
        Self::deploy_into(World::new(), artifacts, accounts)
    }

    /// Like [`Env::deploy`] into a given world (e.g. one with a custom [`tsynth_evm::WorldConfig`]).
    pub fn deploy_into(
        mut world: World,
        artifacts: &EnvArtifacts,
        accounts: EnvAccounts,
    ) -> Result<Self, DeployError> {
        let env_abis = [&artifacts.base_token.abi, &artifacts.data_token.abi];
        let setup = |step, e| setup_error(step, e, &env_abis);
        let base = world
            .deploy(accounts.deployer, &artifacts.base_token.bytecode, &[])
            .map_err(|e| setup(SetupStep::DeployBaseToken, e))?;
        let args = encode_constructor_args(
            &artifacts.data_token.abi,
            &[DynSolValue::Address(accounts.community)],
        )
        .map_err(|e| setup(SetupStep::DeployDataToken, e.into()))?;
        let dt = world
            .deploy(accounts.deployer, &artifacts.data_token.bytecode, &args)
            .map_err(|e| setup(SetupStep::DeployDataToken, e))?;
        Ok(Env {
            snapshot: world.snapshot(),
            base,
            dt,
            accounts,
            abis: env_abis.into_iter().cloned().collect(),
        })
    }

    /// A new world holding the deployed environment (a copy; the environment is unchanged).
    pub fn world(&self) -> World {
        self.snapshot.to_world()
    }

    /// The frozen environment state.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Mints `amount` base tokens to `to` in `world` (the deployer is the minter).
    pub fn mint_base(
        &self,
        world: &mut World,
        to: Address,
        amount: U256,
    ) -> Result<(), DeployError> {
        world
            .call_sol(
                self.accounts.deployer,
                self.base,
                &IBaseTokenEnv::mintCall { to, amount },
            )
            .map(|_| ())
            .map_err(|e| {
                let abis: Vec<&JsonAbi> = self.abis.iter().collect();
                setup_error(SetupStep::MintBase, e, &abis)
            })
    }

    /// Deploys `candidate` into `world` with the block parameters `params` (the `uint256[] p`
    /// of the generated constructor), binds the datatoken to it, funds the publisher and
    /// initializes the pool.
    pub fn deploy_candidate(
        &self,
        world: &mut World,
        candidate: &ContractArtifact,
        params: &[U256],
        setup: &PoolSetup,
    ) -> Result<DeployedPool, DeployError> {
        // ABIs are only consulted on failure, to name custom errors.
        let fail = |step, e| {
            let mut abis = vec![&candidate.abi];
            abis.extend(self.abis.iter());
            setup_error(step, e, &abis)
        };

        let args = encode_constructor_args(
            &candidate.abi,
            &[
                DynSolValue::Address(self.base),
                DynSolValue::Address(self.dt),
                DynSolValue::Address(self.accounts.community),
                DynSolValue::Array(params.iter().map(|&v| DynSolValue::Uint(v, 256)).collect()),
            ],
        )
        .map_err(|e| fail(SetupStep::DeployCandidate, e.into()))?;
        let mut creation = Vec::with_capacity(candidate.bytecode.len() + args.len());
        creation.extend_from_slice(&candidate.bytecode);
        creation.extend_from_slice(&args);
        let out = world
            .transact(tsynth_evm::TxRequest::create(
                self.accounts.deployer,
                creation.into(),
            ))
            .map_err(|e| fail(SetupStep::DeployCandidate, e))?;
        let pool = out.created.ok_or_else(|| {
            fail(
                SetupStep::DeployCandidate,
                EvmError::NoDeployedAddress(out.output.clone()),
            )
        })?;

        world
            .call_sol(
                self.accounts.deployer,
                self.dt,
                &IDataTokenEnv::setPoolCall {
                    pool,
                    publisher: setup.publisher,
                },
            )
            .map_err(|e| fail(SetupStep::SetPool, e))?;
        self.mint_base(world, setup.publisher, setup.base_amount)?;
        let ok = world
            .call_sol(
                setup.publisher,
                self.base,
                &IERC20::approveCall {
                    spender: pool,
                    amount: setup.base_amount,
                },
            )
            .map_err(|e| fail(SetupStep::Approve, e))?;
        if !ok {
            return Err(fail(
                SetupStep::Approve,
                EvmError::Erc20ReturnedFalse {
                    token: self.base,
                    function: "approve",
                },
            ));
        }
        world
            .call_sol(
                setup.publisher,
                pool,
                &IPoolInit::initializeCall {
                    publisher: setup.publisher,
                    baseAmount: setup.base_amount,
                    initialPrice: setup.initial_price,
                },
            )
            .map_err(|e| fail(SetupStep::Initialize, e))?;
        Ok(DeployedPool {
            address: pool,
            publisher: setup.publisher,
            deploy_gas: out.gas_used,
        })
    }

    /// Names a custom-error revert in `err` from the environment's ABIs and `extra`.
    pub fn name_revert(&self, err: EvmError, extra: &[&JsonAbi]) -> EvmError {
        let mut abis: Vec<&JsonAbi> = extra.to_vec();
        abis.extend(self.abis.iter());
        name_with_all(err, &abis)
    }
}

fn name_with_all(err: EvmError, abis: &[&JsonAbi]) -> EvmError {
    match err {
        EvmError::Revert(mut reason) => {
            for abi in abis {
                reason.name_with(abi);
            }
            EvmError::Revert(reason)
        }
        other => other,
    }
}

fn setup_error(step: SetupStep, err: EvmError, abis: &[&JsonAbi]) -> DeployError {
    DeployError::Setup {
        step,
        source: name_with_all(err, abis),
    }
}
