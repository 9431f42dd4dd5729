//! Running an attack on a fork and valuing what the attacker ends with.
//!
//! After its steps the attacker liquidates at realisable value, not spot value: it sells its
//! datatokens into the pool in chunks and redeems its shares, block after block for up to
//! [`LIQUIDATION_BLOCKS`] blocks while the design lets more out (a per-block withdrawal
//! limit); shares still locked after that are worth nothing to it. Nobody trades against the
//! attacker on the fork, so this is the attacker's best case: a worst case for the design.

use tsynth_evm::{Address, U256, World};
use tsynth_sim::units::{scale, to_tokens};

use super::lang::{Actor, Attack, Step};
use crate::agents::{self, Contracts, Fatal, Holdings, TxCounts, TxOutcome, send, view};
use crate::bindings::IDataPool;

/// Largest share of a pool balance one trade or stake may move (Balancer's in-ratio cap and
/// V4's one-sided stake cap are both 1/2).
pub const MAX_TRADE_SHARE: f64 = 0.5;
/// Blocks the attacker keeps redeeming and selling after its last step.
pub const LIQUIDATION_BLOCKS: u32 = 32;
/// Blocks a patient buy may spread over when the design caps buys per block.
pub const PATIENT_BLOCKS: u32 = 16;
/// Seconds per block on a fork.
pub const BLOCK_SECONDS: u64 = 12;
/// A liquidation stops after a block that brought in less than this share of the pool's
/// base balance (see `Run::liquidate`): at most 32 such blocks, 0.32% of the pool, are left
/// on the table.
pub const LIQUIDATION_STOP: f64 = 1e-4;
/// Sell chunks per block when liquidating.
const SELL_CHUNKS: usize = 8;

/// Where an attack runs: the contracts and the two actors' accounts.
#[derive(Debug, Clone, Copy)]
pub struct Arena {
    /// Pool and tokens.
    pub contracts: Contracts,
    /// The outside attacker's account (funded with the scenario's attacker capital).
    pub attacker: Address,
    /// The publisher's account.
    pub publisher: Address,
    /// Every base token the publisher ever owned (seed liquidity plus capital).
    pub publisher_endowment: U256,
}

/// One executed step, for `tsynth attack`.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceLine {
    /// Block number when it ran.
    pub block: u64,
    /// Timestamp when it ran.
    pub time: u64,
    /// What it did, with amounts in tokens.
    pub what: String,
    /// Whether the pool accepted it.
    pub ok: bool,
}

/// What an attack achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Net gain in base tokens at realisable value (negative: it lost money).
    pub gain: f64,
    /// The pool's base balance before the attack (the scale of rug risk).
    pub pool_base: f64,
    /// Transactions sent.
    pub txs: u32,
    /// The executed steps and the liquidation.
    pub trace: Vec<TraceLine>,
}

impl Outcome {
    /// Gain as a share of the pool's base balance, 0 when the attack does not pay.
    pub fn risk(&self) -> f64 {
        if self.pool_base > 0.0 && self.gain > 0.0 {
            self.gain / self.pool_base
        } else {
            0.0
        }
    }
}

struct Run<'w> {
    world: &'w mut World,
    c: Contracts,
    who: Address,
    h: Holdings,
    txs: u32,
    trace: Vec<TraceLine>,
    /// Whether a redemption of its liquidation ever paid out datatokens.
    held_dt: bool,
}

impl Run<'_> {
    /// Records a step: `done` when the pool accepted it, `tried` (+ ": refused") when not.
    fn log(&mut self, ok: bool, done: String, tried: String) {
        let what = if ok {
            done
        } else {
            format!("{tried}: refused")
        };
        self.trace.push(TraceLine {
            block: self.world.block_number(),
            time: self.world.timestamp(),
            what,
            ok,
        });
    }

    fn pool(&mut self, call: &impl alloy_sol_types::SolCall<Return = U256>) -> Result<U256, Fatal> {
        view(self.world, self.c.pool, call)
    }

    /// Buys with `fraction` of what the attacker may put in; when the design refuses the
    /// whole amount (a per-block buy cap), buys the largest chunk it accepts (halving), block
    /// after block for up to [`PATIENT_BLOCKS`] blocks, until the amount is spent — nobody
    /// trades on the fork in between, so patience costs the attacker nothing.
    fn buy(&mut self, fraction: f64) -> Result<bool, Fatal> {
        let cap = scale(self.pool(&IDataPool::baseBalanceCall {})?, MAX_TRADE_SHARE);
        let target = scale(self.h.base.min(cap), fraction);
        if target.is_zero() {
            return Ok(false);
        }
        if self.buy_base(target)? {
            return Ok(true);
        }
        let mut left = target;
        let mut chunk = target / U256::from(2);
        let mut any = false;
        for block in 0..PATIENT_BLOCKS {
            if block > 0 {
                self.wait(BLOCK_SECONDS);
            }
            let mut bought = false;
            for _ in 0..10 {
                let amount = chunk.min(left).min(self.h.base);
                if amount.is_zero() {
                    break;
                }
                if self.buy_base(amount)? {
                    bought = true;
                    left -= amount;
                    // the same chunk again in the next block (a cap resets per block)
                    break;
                }
                chunk = amount / U256::from(2);
            }
            any |= bought;
            if !bought || left.is_zero() {
                break;
            }
        }
        Ok(any)
    }

    fn buy_base(&mut self, base_in: U256) -> Result<bool, Fatal> {
        let dt0 = self.h.dt;
        let ok = self.sent(|w, c, who, h, n| agents::buy(w, c, who, h, n, base_in))?;
        let (i, o) = (to_tokens(base_in), to_tokens(self.h.dt - dt0));
        self.log(
            ok,
            format!("buy {o:.4} datatokens for {i:.4} base"),
            format!("buy for {i:.4} base"),
        );
        Ok(ok)
    }

    fn sell(&mut self, fraction: f64) -> Result<bool, Fatal> {
        let cap = scale(self.pool(&IDataPool::dtBalanceCall {})?, MAX_TRADE_SHARE);
        let dt_in = scale(self.h.dt.min(cap), fraction);
        if dt_in.is_zero() {
            return Ok(false);
        }
        let base0 = self.h.base;
        let ok = self.sent(|w, c, who, h, n| agents::sell(w, c, who, h, n, dt_in))?;
        let (i, o) = (to_tokens(dt_in), to_tokens(self.h.base - base0));
        self.log(
            ok,
            format!("sell {i:.4} datatokens for {o:.4} base"),
            format!("sell {i:.4} datatokens"),
        );
        Ok(ok)
    }

    fn stake(&mut self, fraction: f64) -> Result<bool, Fatal> {
        let cap = scale(self.pool(&IDataPool::baseBalanceCall {})?, MAX_TRADE_SHARE);
        let base_in = scale(self.h.base.min(cap), fraction);
        if base_in.is_zero() {
            return Ok(false);
        }
        let ok = self
            .sent(|w, c, who, h, n| agents::stake(w, c, who, h, n, base_in).map(|o| o.is_some()))?;
        let i = to_tokens(base_in);
        self.log(
            ok,
            format!("stake {i:.4} base"),
            format!("stake {i:.4} base"),
        );
        Ok(ok)
    }

    fn unstake_shares(&mut self, shares: U256) -> Result<bool, Fatal> {
        if shares.is_zero() {
            return Ok(false);
        }
        let base0 = self.h.base;
        let ok = self.sent(|w, c, who, h, n| {
            agents::unstake(w, c, who, h, n, shares).map(|o| o.is_some())
        })?;
        let (i, o) = (to_tokens(shares), to_tokens(self.h.base - base0));
        self.log(
            ok,
            format!("unstake {i:.4} shares for {o:.4} base"),
            format!("unstake {i:.4} shares"),
        );
        Ok(ok)
    }

    /// Sends one transaction through the agents' helpers (they keep the holdings).
    fn sent(
        &mut self,
        f: impl FnOnce(
            &mut World,
            &Contracts,
            Address,
            &mut Holdings,
            &mut TxCounts,
        ) -> Result<bool, Fatal>,
    ) -> Result<bool, Fatal> {
        let mut counts = TxCounts::default();
        let ok = f(self.world, &self.c, self.who, &mut self.h, &mut counts)?;
        self.txs += counts.sent as u32;
        Ok(ok)
    }

    fn unstake(&mut self, fraction: f64) -> Result<bool, Fatal> {
        self.unstake_shares(scale(self.h.shares, fraction))
    }

    fn claim(&mut self) -> Result<bool, Fatal> {
        if self.pool(&IDataPool::claimableCall {})?.is_zero() {
            return Ok(false);
        }
        self.txs += 1;
        let o = send(
            self.world,
            self.who,
            self.c.pool,
            &IDataPool::claimVestedCall {},
            "attack claim",
        )?;
        let amount = match o {
            TxOutcome::Ok(amount) => Some(amount),
            _ => None,
        };
        if let Some(a) = amount {
            self.h.dt += a;
        }
        let got = to_tokens(amount.unwrap_or_default());
        self.log(
            amount.is_some(),
            format!("claim {got:.4} vested datatokens"),
            "claim".into(),
        );
        Ok(amount.is_some())
    }

    fn wait(&mut self, seconds: u64) {
        let blocks = seconds.div_ceil(BLOCK_SECONDS).max(1);
        self.world.advance(blocks, seconds.max(1));
    }

    /// Redeems as many shares as the design lets out now: all at once, else halving chunks.
    fn redeem_now(&mut self) -> Result<bool, Fatal> {
        let mut chunk = self.h.shares;
        let mut any = false;
        for _ in 0..12 {
            if self.h.shares.is_zero() || chunk.is_zero() {
                break;
            }
            let amount = chunk.min(self.h.shares);
            let dt0 = self.h.dt;
            if self.unstake_shares(amount)? {
                any = true;
                self.held_dt |= self.h.dt > dt0;
            } else {
                // half of what was refused (halving a chunk above the holding would send
                // the same refused amount again)
                chunk = amount / U256::from(2);
            }
        }
        Ok(any)
    }

    fn sell_everything(&mut self) -> Result<(), Fatal> {
        for _ in 0..SELL_CHUNKS {
            if self.h.dt.is_zero() || !self.sell(1.0)? {
                break;
            }
        }
        Ok(())
    }

    /// Redeems shares block after block while the design lets more out; with
    /// `sell_each_block` it also sells its datatokens in every block, else only at the end.
    ///
    /// It stops early once a block (after the first) brings in less than
    /// [`LIQUIDATION_STOP`] of the pool's base balance: with Balancer's exit ratio cap each
    /// exit takes a share of what is left, so the last of 32 blocks would each bring in
    /// dust while costing a dozen exits; a per-block withdrawal limit keeps every block's
    /// take well above the threshold and is followed to the end.
    fn liquidate(&mut self, sell_each_block: bool) -> Result<(), Fatal> {
        if sell_each_block {
            self.sell_everything()?;
        }
        let dust = scale(self.pool(&IDataPool::baseBalanceCall {})?, LIQUIDATION_STOP);
        for block in 0..LIQUIDATION_BLOCKS {
            if self.h.shares.is_zero() {
                break;
            }
            if block > 0 {
                self.wait(BLOCK_SECONDS);
            }
            let (base0, dt0) = (self.h.base, self.h.dt);
            let redeemed = self.redeem_now()?;
            if sell_each_block {
                self.sell_everything()?;
            }
            if !redeemed && block > 0 {
                break;
            }
            // what this block brought in: base directly, or datatokens sold at the end
            let took = self.h.base.saturating_sub(base0) + self.h.dt.saturating_sub(dt0);
            if block > 0 && took < dust {
                break;
            }
        }
        self.sell_everything()
    }
}

/// Liquidates `run` both ways — selling datatokens first, or redeeming shares first and
/// selling at the end — on two forks, and keeps the better for the attacker: its realisable
/// value is the best it can get out.
///
/// When the first way never held a datatoken to sell (the design pays unstakes in base
/// only), the second would send the same redemptions in the same blocks: it is skipped.
fn liquidate_best(run: &mut Run<'_>) -> Result<(), Fatal> {
    let mut fork = run.world.fork();
    let h0 = run.h;
    let before = run.trace.len();
    run.liquidate(true)?;
    if h0.dt.is_zero() && !run.held_dt {
        return Ok(());
    }
    let mut alt = Run {
        world: &mut fork,
        c: run.c,
        who: run.who,
        h: h0,
        txs: 0,
        trace: Vec::new(),
        held_dt: false,
    };
    alt.liquidate(false)?;
    let (alt_h, alt_txs, alt_trace) = (alt.h, alt.txs, alt.trace);
    run.txs += alt_txs;
    if alt_h.base > run.h.base {
        // the attacker took the other way out: its world is the one left behind
        *run.world = fork;
        run.h = alt_h;
        run.trace.truncate(before);
        run.trace.extend(alt_trace);
    }
    Ok(())
}

/// What `who` holds on `world`: base, datatokens and pool shares.
pub fn holdings_of(world: &mut World, c: &Contracts, who: Address) -> Result<Holdings, Fatal> {
    let balance = |world: &mut World, token: Address| {
        tsynth_sim::stats::count_call();
        world.erc20_balance(token, who).map_err(|source| Fatal {
            what: "read a holder's balance".into(),
            source,
        })
    };
    Ok(Holdings {
        base: balance(world, c.base)?,
        dt: balance(world, c.dt)?,
        shares: view(world, c.pool, &IDataPool::sharesOfCall { who })?,
    })
}

/// What `who` could get out of `world` in base tokens if it alone liquidated now (sold its
/// datatokens, redeemed its shares over up to [`LIQUIDATION_BLOCKS`] blocks, the better of
/// the two orders), on a fork: its realisable value, not its value at the spot price.
pub fn realisable_value(world: &World, c: &Contracts, who: Address) -> Result<f64, Fatal> {
    let mut fork = world.fork();
    let h = holdings_of(&mut fork, c, who)?;
    let mut run = Run {
        world: &mut fork,
        c: *c,
        who,
        h,
        txs: 0,
        trace: Vec::new(),
        held_dt: false,
    };
    liquidate_best(&mut run)?;
    Ok(to_tokens(run.h.base))
}

/// The realisable value `holders` lose between `before` and `after` (the state an attack
/// left), summed over holders who lost (each valued as if it alone liquidated).
pub fn victim_loss(
    before: &World,
    after: &World,
    c: &Contracts,
    holders: &[Address],
) -> Result<f64, Fatal> {
    let mut loss = 0.0;
    for &who in holders {
        let b = realisable_value(before, c, who)?;
        let a = realisable_value(after, c, who)?;
        loss += (b - a).max(0.0);
    }
    Ok(loss)
}

/// Runs `attack` on `world` (a fork: it is changed) and values the result.
pub fn execute(world: &mut World, arena: &Arena, attack: &Attack) -> Result<Outcome, Fatal> {
    let c = arena.contracts;
    let pool_base = to_tokens(view(world, c.pool, &IDataPool::baseBalanceCall {})?);
    let balance = |world: &mut World, token: Address, who: Address| {
        tsynth_sim::stats::count_call();
        world.erc20_balance(token, who).map_err(|source| Fatal {
            what: "read attacker balance".into(),
            source,
        })
    };
    let (who, h, start) = match attack.actor {
        Actor::Outsider => {
            let all = balance(world, c.base, arena.attacker)?;
            let base = scale(all, attack.capital.clamp(0.0, 1.0));
            (
                arena.attacker,
                Holdings {
                    base,
                    ..Holdings::default()
                },
                base,
            )
        }
        Actor::Publisher => {
            let h = Holdings {
                base: balance(world, c.base, arena.publisher)?,
                dt: balance(world, c.dt, arena.publisher)?,
                shares: view(
                    world,
                    c.pool,
                    &IDataPool::sharesOfCall {
                        who: arena.publisher,
                    },
                )?,
            };
            (arena.publisher, h, arena.publisher_endowment)
        }
    };
    let mut run = Run {
        world,
        c,
        who,
        h,
        txs: 0,
        trace: Vec::new(),
        held_dt: false,
    };
    for step in &attack.steps {
        match *step {
            Step::Buy(x) => {
                run.buy(x)?;
            }
            Step::Sell(x) => {
                run.sell(x)?;
            }
            Step::Stake(x) => {
                run.stake(x)?;
            }
            Step::Unstake(x) => {
                run.unstake(x)?;
            }
            Step::Claim => {
                if attack.actor == Actor::Publisher {
                    run.claim()?;
                }
            }
            Step::Wait(s) => {
                run.wait(s);
                let what = format!("wait {}", super::lang::fmt_duration(s));
                run.log(true, what.clone(), what);
            }
        }
    }
    liquidate_best(&mut run)?;
    let end = to_tokens(run.h.base);
    Ok(Outcome {
        gain: end - to_tokens(start),
        pool_base,
        txs: run.txs,
        trace: run.trace,
    })
}
