//! Honest agents (publisher, consumer, staker, speculator) and the transaction helper they
//! share. Agents act only through ABI calls on the pool and the tokens; each has its own
//! seeded RNG, and keeps track of its own holdings from the calls' return values (exact: the
//! tokens have no transfer fees), so reading balances back costs nothing.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, U256, World};

use crate::bindings::IDataPool;
use crate::scenario::{AgentKind, AgentSpec, PublisherSpec};
pub use tsynth_sim::Fatal;
use tsynth_sim::units::{ONE, scale};

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
    fn record<T>(&mut self, o: &TxOutcome<T>) {
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

/// One honest agent.
#[derive(Debug, Clone)]
pub struct HonestAgent {
    /// What it does.
    pub kind: AgentKind,
    /// Its account.
    pub addr: Address,
    /// Probability per tick of acting.
    pub probability: f64,
    /// Fraction of holdings moved per action.
    pub fraction: f64,
    /// What it holds.
    pub holdings: Holdings,
    /// Its transactions.
    pub counts: TxCounts,
    /// Consumers: attempts to buy-and-order, and successes.
    pub consume_attempts: u64,
    /// Consumers: successful orders.
    pub consume_successes: u64,
    rng: ChaCha8Rng,
}

impl HonestAgent {
    /// A new agent with `capital` base units.
    pub fn new(spec: &AgentSpec, addr: Address, capital: U256, rng: ChaCha8Rng) -> Self {
        Self {
            kind: spec.kind,
            addr,
            probability: spec.probability.get(),
            fraction: spec.fraction.get(),
            holdings: Holdings {
                base: capital,
                ..Holdings::default()
            },
            counts: TxCounts::default(),
            consume_attempts: 0,
            consume_successes: 0,
            rng,
        }
    }

    /// One tick of behaviour.
    pub fn act(&mut self, world: &mut World, c: &Contracts) -> Result<(), Fatal> {
        if !self.rng.random_bool(self.probability) {
            return Ok(());
        }
        match self.kind {
            AgentKind::Consumer => self.consume(world, c),
            AgentKind::Staker => {
                if !self.holdings.shares.is_zero() && self.rng.random_bool(0.5) {
                    let shares = scale(self.holdings.shares, self.fraction).max(U256::from(1));
                    self.unstake(world, c, shares)
                } else {
                    let amount = scale(self.holdings.base, self.fraction);
                    self.stake(world, c, amount)
                }
            }
            AgentKind::Speculator => {
                if !self.holdings.dt.is_zero() && self.rng.random_bool(0.5) {
                    let amount = scale(self.holdings.dt, self.fraction);
                    self.sell(world, c, amount).map(|_| ())
                } else {
                    let amount = scale(self.holdings.base, self.fraction);
                    self.buy(world, c, amount).map(|_| ())
                }
            }
        }
    }

    /// Buys whatever is missing to hold one datatoken (with a 5% margin over spot for price
    /// impact), then orders it.
    fn consume(&mut self, world: &mut World, c: &Contracts) -> Result<(), Fatal> {
        self.consume_attempts += 1;
        let one = U256::from(ONE);
        if self.holdings.dt < one {
            let spot = view(world, c.pool, &IDataPool::spotPriceCall {})?;
            let need = one - self.holdings.dt;
            let base_in = spot * need / one * U256::from(105) / U256::from(100) + U256::from(1);
            if base_in > self.holdings.base || !self.buy(world, c, base_in)? {
                return Ok(());
            }
            if self.holdings.dt < one {
                return Ok(());
            }
        }
        let o = send(
            world,
            self.addr,
            c.dt,
            &IDataTokenOrder::orderCall {},
            "consumer order",
        )?;
        self.counts.record(&o);
        if let TxOutcome::Ok(_) = o {
            self.holdings.dt -= one;
            self.consume_successes += 1;
        }
        Ok(())
    }

    /// Buys datatokens with `base_in`; returns whether it succeeded.
    pub fn buy(&mut self, world: &mut World, c: &Contracts, base_in: U256) -> Result<bool, Fatal> {
        buy(
            world,
            c,
            self.addr,
            &mut self.holdings,
            &mut self.counts,
            base_in,
        )
    }

    /// Sells `dt_in` datatokens; returns whether it succeeded.
    pub fn sell(&mut self, world: &mut World, c: &Contracts, dt_in: U256) -> Result<bool, Fatal> {
        sell(
            world,
            c,
            self.addr,
            &mut self.holdings,
            &mut self.counts,
            dt_in,
        )
    }

    fn stake(&mut self, world: &mut World, c: &Contracts, base_in: U256) -> Result<(), Fatal> {
        if base_in.is_zero() {
            return Ok(());
        }
        let o = send(
            world,
            self.addr,
            c.pool,
            &IDataPool::stakeCall { baseIn: base_in },
            "stake",
        )?;
        self.counts.record(&o);
        if let TxOutcome::Ok(shares) = o {
            self.holdings.base -= base_in;
            self.holdings.shares += shares;
        }
        Ok(())
    }

    fn unstake(&mut self, world: &mut World, c: &Contracts, shares: U256) -> Result<(), Fatal> {
        let o = send(
            world,
            self.addr,
            c.pool,
            &IDataPool::unstakeCall { sharesIn: shares },
            "unstake",
        )?;
        self.counts.record(&o);
        if let TxOutcome::Ok(base_out) = o {
            self.holdings.shares -= shares;
            self.holdings.base += base_out;
        }
        Ok(())
    }
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

/// The honest publisher: claims vested datatokens at intervals and sometimes sells some.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// Its account.
    pub addr: Address,
    /// What it holds.
    pub holdings: Holdings,
    /// Its transactions.
    pub counts: TxCounts,
    claim_interval: u32,
    sell_probability: f64,
    sell_fraction: f64,
    rng: ChaCha8Rng,
}

impl Publisher {
    /// A publisher holding `holdings` after it initialised the pool.
    pub fn new(spec: &PublisherSpec, addr: Address, holdings: Holdings, rng: ChaCha8Rng) -> Self {
        Self {
            addr,
            holdings,
            counts: TxCounts::default(),
            claim_interval: spec.claim_interval,
            sell_probability: spec.sell_probability.get(),
            sell_fraction: spec.sell_fraction.get(),
            rng,
        }
    }

    /// One tick of behaviour (`tick` counts from 1).
    pub fn act(&mut self, world: &mut World, c: &Contracts, tick: u32) -> Result<(), Fatal> {
        if self.claim_interval > 0 && tick.is_multiple_of(self.claim_interval) {
            let claimable = view(world, c.pool, &IDataPool::claimableCall {})?;
            if !claimable.is_zero() {
                let o = send(
                    world,
                    self.addr,
                    c.pool,
                    &IDataPool::claimVestedCall {},
                    "publisher claim",
                )?;
                self.counts.record(&o);
                if let TxOutcome::Ok(amount) = o {
                    self.holdings.dt += amount;
                }
            }
        }
        if self.rng.random_bool(self.sell_probability) {
            let amount = scale(self.holdings.dt, self.sell_fraction);
            sell(
                world,
                c,
                self.addr,
                &mut self.holdings,
                &mut self.counts,
                amount,
            )?;
        }
        Ok(())
    }
}
