//! From a deployed environment and a compiled candidate to the state every seed starts from:
//! the pool deployed and initialised by the publisher, every agent funded with its capital
//! and its allowances given.

use tsynth_evm::bindings::IERC20;
use tsynth_evm::{Address, EvmError, Snapshot, U256, World};
use tsynth_sim::units::to_wei;
use tsynth_solc::ContractArtifact;

use crate::agents::{Contracts, Holdings};
use crate::bindings::IDataPool;
use crate::deploy::{DeployError, Env, PoolSetup, SetupStep};
use crate::scenario::Scenario;

/// A candidate pool deployed, initialised and surrounded by funded agents: what every seed
/// starts from besides the world snapshot (tick 0).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Token and pool addresses.
    pub contracts: Contracts,
    /// The publisher's account.
    pub publisher: Address,
    /// What the publisher holds after initialising.
    pub publisher_holdings: Holdings,
    /// Every base token the publisher ever owned: seed liquidity plus capital.
    pub publisher_endowment: U256,
    /// The July-2022 attacker's account (funded with the scenario's attacker capital).
    pub attacker: Address,
    /// An account with a large base balance used for dry-run slippage probes.
    pub prober: Address,
    /// Honest agents' accounts, in scenario order (groups expanded).
    pub agents: Vec<Address>,
}

/// The publisher's account.
pub const PUBLISHER: Address = Address::repeat_byte(0xb0);
/// The July-2022 attacker's account.
pub const ATTACKER: Address = Address::repeat_byte(0xa7);
/// The slippage prober's account.
pub const PROBER: Address = Address::repeat_byte(0x9b);
/// Base tokens (whole) given to the prober: enough for any dry-run buy.
pub const PROBER_CAPITAL: f64 = 1e30;

/// Address of honest agent number `i` (scenario order, groups expanded).
pub fn agent_address(i: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xa9;
    bytes[12..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Address::from(bytes)
}

/// Deploys `candidate` with block parameters `params` into a copy of `env`, initialises it as
/// the scenario says, and funds every agent; returns the state at tick 0 and the accounts.
pub fn prepare(
    env: &Env,
    candidate: &ContractArtifact,
    params: &[U256],
    scenario: &Scenario,
) -> Result<(Snapshot, Prepared), DeployError> {
    let mut world = env.world();
    let setup = PoolSetup {
        publisher: PUBLISHER,
        base_amount: to_wei(scenario.pool.initial_base.get()),
        initial_price: to_wei(scenario.pool.initial_price.get()),
    };
    let pool = env.deploy_candidate(&mut world, candidate, params, &setup)?;
    let contracts = Contracts {
        base: env.base,
        dt: env.dt,
        pool: pool.address,
    };
    let mut funded: Vec<(Address, U256)> = vec![
        (PUBLISHER, to_wei(scenario.publisher.capital.get())),
        (
            ATTACKER,
            to_wei(scenario.adversaries.attacker_capital.get()),
        ),
        (PROBER, to_wei(PROBER_CAPITAL)),
    ];
    let mut agents = Vec::new();
    for spec in &scenario.agents {
        for _ in 0..spec.count {
            let addr = agent_address(agents.len());
            agents.push(addr);
            funded.push((addr, to_wei(spec.capital.get())));
        }
    }
    for &(who, amount) in &funded {
        if !amount.is_zero() {
            env.mint_base(&mut world, who, amount)?;
        }
        for token in [contracts.base, contracts.dt] {
            let approve = IERC20::approveCall {
                spender: contracts.pool,
                amount: U256::MAX,
            };
            world
                .call_sol(who, token, &approve)
                .map_err(|e| setup_err(env, candidate, SetupStep::AgentApprovals, e))?;
        }
    }
    let read = |world: &mut World, token: Address| {
        world
            .erc20_balance(token, PUBLISHER)
            .map_err(|e| setup_err(env, candidate, SetupStep::ReadHoldings, e))
    };
    let publisher_holdings = Holdings {
        base: read(&mut world, contracts.base)?,
        dt: read(&mut world, contracts.dt)?,
        shares: world
            .dry_run_sol(
                PUBLISHER,
                contracts.pool,
                &IDataPool::sharesOfCall { who: PUBLISHER },
            )
            .map_err(|e| setup_err(env, candidate, SetupStep::ReadHoldings, e))?,
    };
    Ok((
        world.snapshot(),
        Prepared {
            contracts,
            publisher: PUBLISHER,
            publisher_holdings,
            publisher_endowment: setup.base_amount + to_wei(scenario.publisher.capital.get()),
            attacker: ATTACKER,
            prober: PROBER,
            agents,
        },
    ))
}

fn setup_err(env: &Env, candidate: &ContractArtifact, step: SetupStep, e: EvmError) -> DeployError {
    DeployError::Setup {
        step,
        source: env.name_revert(e, &[&candidate.abi]),
    }
}
