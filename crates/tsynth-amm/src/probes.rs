//! Measurements made on forks (never on the main path): an honest stake → unstake round
//! trip (staking available? price moved?), a launch rush, and the exits that settle a
//! position at the end of a run (the publisher's seed and profit, stakers' open positions).
//!
//! Exits are honest but patient: a lock-up is waited out by warping the fork's clock to the
//! `until` of `StakeLocked`, a per-block withdrawal limit by moving to the next block with
//! a smaller chunk, and an exit cap (Balancer's 1/3 of the balance) by halving the chunk.

use tsynth_evm::{Address, EvmError, U256, World};
use tsynth_sim::units::to_tokens;

use crate::agents::{Contracts, Fatal, Holdings, StakeLocked, WithdrawLimitExceeded, view};
use crate::bindings::IDataPool;

/// Unstake attempts an exit makes before it gives up.
pub const MAX_EXIT_TRIES: usize = 40;

/// What an exit got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    /// Base tokens paid out.
    pub base_out: U256,
    /// Whether every share was redeemed.
    pub complete: bool,
    /// The spot price just before the first unstake that succeeded (after any warp).
    pub spot_before: Option<U256>,
}

fn fatal(what: &str) -> impl Fn(EvmError) -> Fatal + '_ {
    move |source| Fatal {
        what: what.to_string(),
        source,
    }
}

/// Moves `world` forward by `seconds`, with the matching number of blocks.
pub fn warp(world: &mut World, seconds: u64, seconds_per_block: u64) {
    let blocks = seconds.div_ceil(seconds_per_block.max(1)).max(1);
    world.advance(blocks, seconds.max(1));
}

/// Redeems `h.shares` of `who` on `world` (a fork), waiting out lock-ups and limits.
pub fn exit_all(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    seconds_per_block: u64,
) -> Result<Exit, Fatal> {
    let mut out = Exit {
        base_out: U256::ZERO,
        complete: h.shares.is_zero(),
        spot_before: None,
    };
    let mut chunk = h.shares;
    for _ in 0..MAX_EXIT_TRIES {
        if h.shares.is_zero() || chunk.is_zero() {
            break;
        }
        let amount = chunk.min(h.shares);
        let spot = if out.spot_before.is_none() {
            Some(view(world, c.pool, &IDataPool::spotPriceCall {})?)
        } else {
            None
        };
        tsynth_sim::stats::count_call();
        match world.call_sol(who, c.pool, &IDataPool::unstakeCall { sharesIn: amount }) {
            Ok(paid) => {
                h.shares -= amount;
                h.base += paid;
                out.base_out += paid;
                out.spot_before = out.spot_before.or(spot);
            }
            Err(EvmError::Revert(r)) => {
                if let Some(StakeLocked { until }) = r.decode_custom::<StakeLocked>() {
                    let until: u64 = until.saturating_to();
                    let wait = until.saturating_sub(world.timestamp()) + 1;
                    warp(world, wait, seconds_per_block);
                } else if r.is_custom::<WithdrawLimitExceeded>() {
                    warp(world, seconds_per_block, seconds_per_block);
                    chunk /= U256::from(2);
                } else {
                    chunk /= U256::from(2);
                }
            }
            Err(EvmError::Halt { .. }) => chunk /= U256::from(2),
            Err(e) => return Err(fatal("exit unstake")(e)),
        }
    }
    out.complete = h.shares.is_zero();
    Ok(out)
}

/// An honest stake → unstake round trip on a fork.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundTrip {
    /// The stake succeeded and every share was redeemed with at least `1 − ε` back.
    pub ok: bool,
    /// Base tokens back over base tokens staked.
    pub returned: f64,
    /// The larger relative move of the spot price caused by the stake or by the unstake.
    pub swing: f64,
}

/// Stakes `amount` from `who` (funded, approved) on `world` (a fork), moves to the next
/// block, redeems everything (waiting out a lock-up: the design's lock period), and reports
/// what came back and how far the two transactions moved the price. Nothing else trades.
pub fn stake_round_trip(
    world: &mut World,
    c: &Contracts,
    who: Address,
    amount: U256,
    epsilon: f64,
    seconds_per_block: u64,
) -> Result<RoundTrip, Fatal> {
    let failed = RoundTrip {
        ok: false,
        returned: 0.0,
        swing: 0.0,
    };
    if amount.is_zero() {
        return Ok(failed);
    }
    let s0 = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
    tsynth_sim::stats::count_call();
    let shares = match world.call_sol(who, c.pool, &IDataPool::stakeCall { baseIn: amount }) {
        Ok(s) => s,
        Err(EvmError::Revert(_) | EvmError::Halt { .. }) => return Ok(failed),
        Err(e) => return Err(fatal("staking probe stake")(e)),
    };
    let s1 = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
    warp(world, seconds_per_block, seconds_per_block);
    let mut h = Holdings {
        shares,
        ..Holdings::default()
    };
    let exit = exit_all(world, c, who, &mut h, seconds_per_block)?;
    let s2 = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
    let rel = |a: f64, b: f64| if b > 0.0 { (a / b - 1.0).abs() } else { 0.0 };
    let mut swing = rel(s1, s0);
    if let Some(pre) = exit.spot_before {
        swing = swing.max(rel(s2, to_tokens(pre)));
    }
    let returned = to_tokens(exit.base_out) / to_tokens(amount);
    Ok(RoundTrip {
        ok: exit.complete && returned >= 1.0 - epsilon,
        returned,
        swing,
    })
}

/// A launch rush on `world` (a fork of tick 0): `buyers` buys of `each` base tokens by
/// `who`, one per block in consecutive blocks (a buyer the pool refuses retries with half,
/// down to a sixteenth: a per-block buy cap slows a rush, it does not make buyers vanish);
/// returns the highest spot price seen (the opening one if every buy is refused).
pub fn launch_rush(
    world: &mut World,
    c: &Contracts,
    who: Address,
    buyers: u32,
    each: U256,
    seconds_per_block: u64,
) -> Result<f64, Fatal> {
    let mut top = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
    for _ in 0..buyers {
        let mut amount = each;
        for _ in 0..5 {
            tsynth_sim::stats::count_call();
            let call = IDataPool::buyDtCall {
                baseIn: amount,
                minDtOut: U256::ZERO,
            };
            match world.call_sol(who, c.pool, &call) {
                Ok(_) => {
                    let spot = view(world, c.pool, &IDataPool::spotPriceCall {})?;
                    top = top.max(to_tokens(spot));
                    break;
                }
                Err(EvmError::Revert(_) | EvmError::Halt { .. }) => amount /= U256::from(2),
                Err(e) => return Err(fatal("launch rush buy")(e)),
            }
        }
        warp(world, seconds_per_block, seconds_per_block);
    }
    Ok(top)
}

/// The publisher's position settled on a fork at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settlement {
    /// Base tokens its shares redeemed for (its seed, as far as it can get it back).
    pub seed_out: f64,
    /// Base tokens it holds after also claiming and selling every datatoken.
    pub base_after: f64,
}

/// Settles the publisher at the end: redeem every share, claim what has vested, sell every
/// datatoken (in chunks the pool accepts).
pub fn settle_publisher(
    world: &mut World,
    c: &Contracts,
    publisher: Address,
    seconds_per_block: u64,
) -> Result<Settlement, Fatal> {
    let mut h = Holdings {
        shares: view(world, c.pool, &IDataPool::sharesOfCall { who: publisher })?,
        ..Holdings::default()
    };
    let exit = exit_all(world, c, publisher, &mut h, seconds_per_block)?;
    if !view(world, c.pool, &IDataPool::claimableCall {})?.is_zero() {
        tsynth_sim::stats::count_call();
        let _ = world.call_sol(publisher, c.pool, &IDataPool::claimVestedCall {});
    }
    h.dt = crate::publisher::read_dt(world, c, publisher)?;
    let mut counts = crate::agents::TxCounts::default();
    sell_all(world, c, publisher, &mut h, &mut counts)?;
    tsynth_sim::stats::count_call();
    let base = world
        .erc20_balance(c.base, publisher)
        .map_err(fatal("read publisher base"))?;
    Ok(Settlement {
        seed_out: to_tokens(exit.base_out),
        base_after: to_tokens(base),
    })
}

/// Sells up to `h.dt` in chunks no larger than half the pool's datatoken balance (the
/// in-ratio cap); stops at the first refusal.
pub fn sell_all(
    world: &mut World,
    c: &Contracts,
    who: Address,
    h: &mut Holdings,
    counts: &mut crate::agents::TxCounts,
) -> Result<(), Fatal> {
    for _ in 0..8 {
        if h.dt.is_zero() {
            break;
        }
        let pool_dt = view(world, c.pool, &IDataPool::dtBalanceCall {})?;
        let chunk =
            h.dt.min(tsynth_sim::units::scale(pool_dt, 0.5))
                .max(U256::from(1));
        if !crate::agents::sell(world, c, who, h, counts, chunk.min(h.dt))? {
            break;
        }
    }
    Ok(())
}
