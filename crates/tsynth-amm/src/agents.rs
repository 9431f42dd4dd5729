//! What every agent shares: the contracts, the transaction helpers (buy, sell, stake,
//! unstake with their outcomes classified) and holdings tracked from the calls' return
//! values (exact: the tokens have no transfer fees), so reading balances back costs
//! nothing. The agents themselves are in [`crate::intent`] (consumers, stakers,
//! speculators) and [`crate::publisher`].

use tsynth_evm::{Address, U256, World};

use crate::bindings::IDataPool;
pub use tsynth_sim::Fatal;

alloy_sol_types::sol! {
    /// The environment datatoken's consume entry point.
    interface IDataTokenOrder {
        function order() external;
    }
    /// Errors that express a design's policy rather than a failure (an honest agent that
    /// meets one just does not get what it asked for).
    error StakingDisabled();
    error StakeLocked(uint256 until);
    error WithdrawLimitExceeded(uint256 requested, uint256 available);
    error BuyCapExceeded(uint256 requested, uint256 available);
}

/// Addresses of the contracts a simulation talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contracts {
    /// The base token (OCEAN-like).
    pub base: Address,
    /// The datatoken.
    pub dt: Address,
    /// The candidate pool.
    pub pool: Address,
}

pub use tsynth_sim::tx::TxOutcome;

/// Whether a revert is one of the pool designs' policies (staking disabled, lock-up,
/// withdrawal limit, buy cap) rather than a failure.
pub fn is_policy(reason: &tsynth_evm::RevertReason) -> bool {
    reason.is_custom::<StakingDisabled>()
        || reason.is_custom::<StakeLocked>()
        || reason.is_custom::<WithdrawLimitExceeded>()
        || reason.is_custom::<BuyCapExceeded>()
}

/// Sends one call and classifies the result ([`is_policy`]). Out of gas and harness-level
/// errors are fatal.
pub fn send<C: alloy_sol_types::SolCall>(
    world: &mut World,
    from: Address,
    to: Address,
    call: &C,
    what: &str,
) -> Result<TxOutcome<C::Return>, Fatal> {
    tsynth_sim::tx::send(world, from, to, call, what, is_policy)
}

/// Reads a view of the pool (dry run). Any failure is fatal: views must work.
pub use tsynth_sim::tx::view;

/// Per-kind transaction counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxCounts {
    /// Transactions sent.
    pub sent: u64,
    /// Transactions that failed (not counting policy rejections).
    pub failed: u64,
    /// Transactions rejected by a design policy.
    pub policy: u64,
}

impl TxCounts {
    /// Counts one sent transaction by its outcome.
    pub fn record<T>(&mut self, o: &TxOutcome<T>) {
        self.sent += 1;
        match o {
            TxOutcome::Ok(_) => {}
            TxOutcome::Policy => self.policy += 1,
            TxOutcome::Failed => self.failed += 1,
        }
    }
}

/// Holdings an agent tracks for itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Base tokens.
    pub base: U256,
    /// Datatokens.
    pub dt: U256,
    /// Pool shares.
    pub shares: U256,
}

/// Buys datatokens for `who` with `base_in` (no-op on zero); updates holdings and counts.
pub fn buy(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut TxCounts,
    base_in: U256,
) -> Result<bool, Fatal> {
    if base_in.is_zero() || base_in > h.base {
        return Ok(false);
    }
    let call = IDataPool::buyDtCall {
        baseIn: base_in,
        minDtOut: U256::ZERO,
    };
    let o = send(world, who, c.pool, &call, "buy")?;
    counts.record(&o);
    Ok(match o {
        TxOutcome::Ok(dt_out) => {
            h.base -= base_in;
            h.dt += dt_out;
            true
        }
        _ => false,
    })
}

/// Sells `dt_in` datatokens for `who` (no-op on zero); updates holdings and counts.
pub fn sell(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut TxCounts,
    dt_in: U256,
) -> Result<bool, Fatal> {
    if dt_in.is_zero() || dt_in > h.dt {
        return Ok(false);
    }
    let call = IDataPool::sellDtCall {
        dtIn: dt_in,
        minBaseOut: U256::ZERO,
    };
    let o = send(world, who, c.pool, &call, "sell")?;
    counts.record(&o);
    Ok(match o {
        TxOutcome::Ok(base_out) => {
            h.dt -= dt_in;
            h.base += base_out;
            true
        }
        _ => false,
    })
}

/// Stakes `base_in` for `who`; returns the shares minted (None when refused or failed).
pub fn stake(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut TxCounts,
    base_in: U256,
) -> Result<Option<U256>, Fatal> {
    if base_in.is_zero() || base_in > h.base {
        return Ok(None);
    }
    let o = send(
        world,
        who,
        c.pool,
        &IDataPool::stakeCall { baseIn: base_in },
        "stake",
    )?;
    counts.record(&o);
    Ok(match o {
        TxOutcome::Ok(shares) => {
            h.base -= base_in;
            h.shares += shares;
            Some(shares)
        }
        _ => None,
    })
}

/// Unstakes `shares` for `who`; returns the base paid out (None when refused or failed).
pub fn unstake(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut TxCounts,
    shares: U256,
) -> Result<Option<U256>, Fatal> {
    if shares.is_zero() || shares > h.shares {
        return Ok(None);
    }
    let o = send(
        world,
        who,
        c.pool,
        &IDataPool::unstakeCall { sharesIn: shares },
        "unstake",
    )?;
    counts.record(&o);
    Ok(match o {
        TxOutcome::Ok(base_out) => {
            h.shares -= shares;
            h.base += base_out;
            Some(base_out)
        }
        _ => None,
    })
}

/// A dry run (no state change, counted as an EVM call); `None` when it reverts or halts.
pub fn dry_run<C: alloy_sol_types::SolCall>(
    world: &mut World,
    from: Address,
    to: Address,
    call: &C,
    what: &str,
) -> Result<Option<C::Return>, Fatal> {
    tsynth_sim::stats::count_call();
    match world.dry_run_sol(from, to, call) {
        Ok(r) => Ok(Some(r)),
        Err(tsynth_evm::EvmError::Revert(_) | tsynth_evm::EvmError::Halt { .. }) => Ok(None),
        Err(source) => Err(Fatal {
            what: format!("{what} (dry run of `{}`)", C::SIGNATURE),
            source,
        }),
    }
}
