//! Adversaries. They only ever act on a fork of the state (a probe), so probing never changes
//! the main path. Each returns its net base-token gain in base units (0 when it cannot profit).
//!
//! - The rug-pulling publisher claims what it can, sells every datatoken it holds and
//!   withdraws all its pool shares, all within one block.
//! - The July-2022 attacker repeats stake → buy → unstake → sell within one block while each
//!   loop profits, with a capital budget; its gain is the best it reached. The patient
//!   variant waits out lock-ups and per-block withdrawal limits on its fork.

use tsynth_evm::{Address, U256, World};

use crate::agents::{Contracts, Fatal, Holdings, TxCounts, TxOutcome, sell, send, view};
use crate::bindings::IDataPool;

/// Largest share of a pool balance one trade may move: Balancer caps in-amounts at 1/2 of
/// the in-balance, and V4's one-sided staking caps a stake at 1/2 of the base (both
/// inclusive), which is exactly what the July-2022 loop used.
const MAX_TRADE_SHARE: f64 = 0.5;
/// Sell or unstake chunks an adversary tries per probe.
const MAX_CHUNKS: usize = 8;

fn share_of(amount: U256, fraction: f64) -> U256 {
    tsynth_sim::units::scale(amount, fraction)
}

/// Sells up to `h.dt` in chunks no larger than the pool can take; stops at the first failure.
pub fn sell_all(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut TxCounts,
) -> Result<(), Fatal> {
    for _ in 0..MAX_CHUNKS {
        if h.dt.is_zero() {
            break;
        }
        let pool_dt = view(world, c.pool, &IDataPool::dtBalanceCall {})?;
        let chunk =
            h.dt.min(share_of(pool_dt, MAX_TRADE_SHARE))
                .max(U256::from(1));
        if !sell(world, c, who, h, counts, chunk.min(h.dt))? {
            break;
        }
    }
    Ok(())
}

/// Unstakes up to `h.shares`, halving the chunk when the pool refuses (exit caps, per-block
/// limits); stops when nothing more comes out.
fn unstake_all(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
) -> Result<(), Fatal> {
    let mut chunk = h.shares;
    let mut tries = 0;
    while !h.shares.is_zero() && !chunk.is_zero() && tries < 4 * MAX_CHUNKS {
        tries += 1;
        let amount = chunk.min(h.shares);
        match send(
            world,
            who,
            c.pool,
            &IDataPool::unstakeCall { sharesIn: amount },
            "adversary unstake",
        )? {
            TxOutcome::Ok(base_out) => {
                h.shares -= amount;
                h.base += base_out;
            }
            TxOutcome::Policy | TxOutcome::Failed => chunk /= U256::from(2),
        }
    }
    Ok(())
}

/// Rug pull by the publisher on `world` (a fork). Returns its net base-token gain: what it
/// holds after dumping and withdrawing, minus `endowment`, every base token it ever owned
/// (its seed liquidity plus its capital) — taking back one's own deposit is not a gain.
pub fn rug_pull(
    world: &mut World,
    c: &Contracts,
    publisher: Address,
    endowment: U256,
) -> Result<U256, Fatal> {
    let mut counts = TxCounts::default();
    tsynth_sim::stats::count_call();
    tsynth_sim::stats::count_call();
    let mut h = Holdings {
        base: world
            .erc20_balance(c.base, publisher)
            .map_err(|source| Fatal {
                what: "read publisher base".into(),
                source,
            })?,
        dt: world
            .erc20_balance(c.dt, publisher)
            .map_err(|source| Fatal {
                what: "read publisher datatokens".into(),
                source,
            })?,
        shares: view(world, c.pool, &IDataPool::sharesOfCall { who: publisher })?,
    };
    if !view(world, c.pool, &IDataPool::claimableCall {})?.is_zero()
        && let TxOutcome::Ok(amount) = send(
            world,
            publisher,
            c.pool,
            &IDataPool::claimVestedCall {},
            "rug claim",
        )?
    {
        h.dt += amount;
    }
    sell_all(world, c, publisher, &mut h, &mut counts)?;
    unstake_all(world, c, publisher, &mut h)?;
    sell_all(world, c, publisher, &mut h, &mut counts)?;
    Ok(h.base.saturating_sub(endowment))
}

/// The July-2022 loop by `attacker` holding `capital` base units, at most `max_loops` times,
/// all in one block. Returns the best net gain over the loop prefixes (it stops as soon as a
/// loop does not pay).
pub fn stake_loop(
    world: &mut World,
    c: &Contracts,
    attacker: Address,
    capital: U256,
    max_loops: u32,
) -> Result<U256, Fatal> {
    loop_with(world, c, attacker, capital, max_loops, None)
}

/// The patient July-2022 loop: like [`stake_loop`], but the attacker waits out a lock-up
/// between its stake and the buy → unstake → sell (the lock only delays it), buys across
/// blocks when a per-block buy cap refuses, and unstakes across blocks when a per-block
/// withdrawal limit refuses (nobody trades on the fork in between, so the price it inflated
/// stays) — the blind spots of a one-block script
/// (`shared/reference/attacks.md`). `seconds_per_block` sets the warps.
pub fn patient_stake_loop(
    world: &mut World,
    c: &Contracts,
    attacker: Address,
    capital: U256,
    max_loops: u32,
    seconds_per_block: u64,
) -> Result<U256, Fatal> {
    loop_with(
        world,
        c,
        attacker,
        capital,
        max_loops,
        Some(seconds_per_block),
    )
}

fn loop_with(
    world: &mut World,
    c: &Contracts,
    attacker: Address,
    capital: U256,
    max_loops: u32,
    patience: Option<u64>,
) -> Result<U256, Fatal> {
    let mut counts = TxCounts::default();
    let mut h = Holdings {
        base: capital,
        ..Holdings::default()
    };
    let mut best = U256::ZERO;
    for _ in 0..max_loops {
        let before = h.base;
        let pool_base = view(world, c.pool, &IDataPool::baseBalanceCall {})?;
        // Stake half the budget (within the pool's cap), buy with the rest.
        let stake_in = (h.base / U256::from(2)).min(share_of(pool_base, MAX_TRADE_SHARE));
        if stake_in.is_zero() {
            break;
        }
        let TxOutcome::Ok(shares) = send(
            world,
            attacker,
            c.pool,
            &IDataPool::stakeCall { baseIn: stake_in },
            "attacker stake",
        )?
        else {
            break;
        };
        h.base -= stake_in;
        h.shares += shares;
        if let Some(spb) = patience {
            wait_out_lock(world, c, attacker, h.shares, spb)?;
        }
        let pool_base = view(world, c.pool, &IDataPool::baseBalanceCall {})?;
        let buy_in = h.base.min(share_of(pool_base, MAX_TRADE_SHARE));
        match patience {
            Some(spb) => patient_buy(world, c, attacker, &mut h, buy_in, spb)?,
            None => {
                crate::agents::buy(world, c, attacker, &mut h, &mut counts, buy_in)?;
            }
        }
        match patience {
            Some(spb) => {
                crate::probes::exit_all(world, c, attacker, &mut h, spb)?;
            }
            None => unstake_all(world, c, attacker, &mut h)?,
        }
        sell_all(world, c, attacker, &mut h, &mut counts)?;
        let gain = h.base.saturating_sub(capital);
        if gain > best {
            best = gain;
        }
        if h.base <= before || !h.shares.is_zero() {
            break;
        }
    }
    Ok(best)
}

/// If unstaking `shares` now would be refused by a lock-up, warps `world` past its end.
fn wait_out_lock(
    world: &mut World,
    c: &Contracts,
    who: Address,
    shares: U256,
    seconds_per_block: u64,
) -> Result<(), Fatal> {
    tsynth_sim::stats::count_call();
    let call = IDataPool::unstakeCall { sharesIn: shares };
    match world.dry_run_sol(who, c.pool, &call) {
        Err(tsynth_evm::EvmError::Revert(r)) => {
            if let Some(crate::agents::StakeLocked { until }) =
                r.decode_custom::<crate::agents::StakeLocked>()
            {
                let until: u64 = until.saturating_to();
                let wait = until.saturating_sub(world.timestamp()) + 1;
                crate::probes::warp(world, wait, seconds_per_block);
            }
            Ok(())
        }
        Ok(_) | Err(tsynth_evm::EvmError::Halt { .. }) => Ok(()),
        Err(source) => Err(Fatal {
            what: "attacker lock check".into(),
            source,
        }),
    }
}

/// Buys with `amount` base tokens across blocks when a per-block buy cap refuses: each block
/// it buys what the cap still allows (`BuyCapExceeded.available`), at most 16 blocks.
fn patient_buy(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    amount: U256,
    seconds_per_block: u64,
) -> Result<(), Fatal> {
    let mut left = amount.min(h.base);
    let mut chunk = left;
    for _ in 0..16 {
        if left.is_zero() || chunk.is_zero() {
            break;
        }
        let base_in = chunk.min(left);
        let call = IDataPool::buyDtCall {
            baseIn: base_in,
            minDtOut: U256::ZERO,
        };
        tsynth_sim::stats::count_call();
        match world.call_sol(who, c.pool, &call) {
            Ok(dt) => {
                h.base -= base_in;
                h.dt += dt;
                left -= base_in;
            }
            Err(tsynth_evm::EvmError::Revert(r)) => {
                match r.decode_custom::<crate::agents::BuyCapExceeded>() {
                    Some(cap) if !cap.available.is_zero() => chunk = cap.available,
                    Some(_) => {}
                    None => chunk /= U256::from(2),
                }
                crate::probes::warp(world, seconds_per_block, seconds_per_block);
            }
            Err(tsynth_evm::EvmError::Halt { .. }) => chunk /= U256::from(2),
            Err(source) => {
                return Err(Fatal {
                    what: "attacker buy".into(),
                    source,
                });
            }
        }
    }
    Ok(())
}
