//! Honest agents with intent (and the zero-intelligence baseline as an option):
//!
//! - a **consumer** wants to consume at Poisson times; it is willing to pay
//!   `L_t · h_i · exp(noise · Z)` (the demand level, its own fixed taste `h_i`, noise) and
//!   buys and orders one datatoken only when the all-in cost of one (spot price, fees and
//!   slippage, quoted by a dry run) is below that;
//! - a **staker** stakes when the yield it expects (fees the pool earned over its window,
//!   annualised over the pool's value, plus rewards from outside) beats its hurdle, and
//!   unstakes when it no longer does or when its position has lost more than its stop;
//!   its realised P&L and the capital-time it had staked are tracked;
//! - a **speculator** believes in value (ln of the demand level, seen with noise, over the
//!   price) and momentum (ln of the price change over its look-back), trades when the
//!   weighted signal passes its threshold, and never holds datatokens worth more than its
//!   position limit.
//!
//! Every random number an agent may use at an arrival is drawn whether or not it acts, and
//! the number of arrivals depends only on the scenario, so one agent's stream never depends
//! on what the design did.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, U256, World};
use tsynth_sim::units::{ONE, scale, to_tokens, to_wei};

use crate::agents::{
    Contracts, Fatal, Holdings, IDataTokenOrder, TxCounts, TxOutcome, buy, dry_run, sell, send,
    stake, unstake, view,
};
use crate::bindings::IDataPool;
use crate::scenario::{AgentKind, AgentSpec, Behaviour};
use crate::time::{DAY, YEAR, arrivals, normal};

/// Sell and buy orders of agents are capped at this share of the pool's in-balance (Balancer
/// refuses more than half; an honest trader does not move the pool that much).
pub const MAX_TRADE_OF_POOL: f64 = 0.1;
/// Standard deviation of the noise with which a speculator sees the demand level.
pub const BELIEF_NOISE: f64 = 0.1;

/// One daily sample of the pool, for stakers' yield estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolSample {
    /// Block timestamp.
    pub time: u64,
    /// Cumulative swap volume, base tokens.
    pub swap_volume: f64,
    /// Total swap fee (fraction).
    pub fee: f64,
    /// The pool's value in base tokens (base + datatokens at spot).
    pub value: f64,
}

/// What an agent sees in one tick.
#[derive(Debug)]
pub struct TickView<'a> {
    /// Block timestamp now.
    pub now: u64,
    /// Seconds per tick.
    pub seconds_per_tick: u32,
    /// Spot prices so far (the last one is the current price before this tick's trades).
    pub prices: &'a [f64],
    /// Demand level now.
    pub level: f64,
    /// Daily pool samples so far.
    pub samples: &'a [PoolSample],
    /// Account used for quotes (dry runs).
    pub quoter: Address,
    quote: Option<Option<Quote>>,
}

/// An all-in quote for one datatoken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quote {
    /// Base tokens per datatoken, spot price, fees and slippage included.
    pub cost: f64,
}

impl<'a> TickView<'a> {
    /// The view of one tick.
    pub fn new(
        now: u64,
        seconds_per_tick: u32,
        prices: &'a [f64],
        level: f64,
        samples: &'a [PoolSample],
        quoter: Address,
    ) -> Self {
        Self {
            now,
            seconds_per_tick,
            prices,
            level,
            samples,
            quoter,
            quote: None,
        }
    }

    /// The current spot price (before this tick's trades).
    pub fn spot(&self) -> f64 {
        *self.prices.last().unwrap_or(&0.0)
    }

    /// All-in cost of one datatoken now: a dry-run buy of `1.05 × spot` base (computed once
    /// per tick, shared by the consumers of the tick); `None` when the pool refuses it.
    pub fn quote(&mut self, world: &mut World, c: &Contracts) -> Result<Option<Quote>, Fatal> {
        if let Some(q) = self.quote {
            return Ok(q);
        }
        let spot = view(world, c.pool, &IDataPool::spotPriceCall {})?;
        let base_in = spot * U256::from(105) / U256::from(100) + U256::from(1);
        let call = IDataPool::buyDtCall {
            baseIn: base_in,
            minDtOut: U256::ZERO,
        };
        let q = dry_run(world, self.quoter, c.pool, &call, "consumer quote")?
            .filter(|dt| !dt.is_zero())
            .map(|dt| Quote {
                cost: to_tokens(base_in) / to_tokens(dt),
            });
        self.quote = Some(q);
        Ok(q)
    }

    /// The pool's fee yield per year over the last `days` (from the daily samples).
    pub fn fee_apy(&self, days: f64) -> f64 {
        let Some(last) = self.samples.last() else {
            return 0.0;
        };
        let since = last.time.saturating_sub((days * DAY) as u64);
        let first = self
            .samples
            .iter()
            .find(|s| s.time >= since)
            .unwrap_or(last);
        let span = (last.time - first.time) as f64;
        if span <= 0.0 || last.value <= 0.0 {
            return 0.0;
        }
        (last.swap_volume - first.swap_volume) * last.fee / last.value * YEAR / span
    }
}

/// A consumer's record.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ConsumerStats {
    /// Consume wishes (arrivals).
    pub wishes: u64,
    /// Wishes where willingness to pay was at least the all-in cost (and affordable).
    pub willing: u64,
    /// Willing wishes that ended with an order.
    pub served: u64,
    /// Wishes that needed a purchase (the consumer held no datatoken): each met a quote.
    pub quoted: u64,
    /// Sum over quoted wishes of all-in cost / demand level (whether or not it bought).
    pub cost_over_level: f64,
    /// Sum over served consumes of the all-in cost, base tokens.
    pub cost_base: f64,
}

/// A staker's record.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StakerStats {
    /// Base tokens of the open position's cost.
    pub basis: f64,
    /// Realised profit (+) or loss (−) of closed positions, base tokens.
    pub realised: f64,
    /// Base-token-seconds staked (closed positions).
    pub capital_seconds: f64,
    /// When the open position was opened.
    pub since: u64,
}

/// One honest agent.
#[derive(Debug, Clone)]
pub struct HonestAgent {
    /// What it does.
    pub kind: AgentKind,
    /// How it decides.
    pub behaviour: Behaviour,
    /// Its account.
    pub addr: Address,
    /// What it holds.
    pub holdings: Holdings,
    /// Its transactions.
    pub counts: TxCounts,
    /// Consumers: wishes, willingness, service, cost.
    pub consumer: ConsumerStats,
    /// Stakers: position and P&L.
    pub staker: StakerStats,
    spec: AgentSpec,
    capital: f64,
    taste: f64,
    rng: ChaCha8Rng,
}

impl HonestAgent {
    /// A new agent with `capital` base units; `taste` is a consumer's fixed `h_i`, drawn
    /// by the caller from the agent's stream.
    pub fn new(spec: &AgentSpec, addr: Address, mut rng: ChaCha8Rng, heterogeneity: f64) -> Self {
        let taste = (heterogeneity * normal(&mut rng)).exp();
        Self {
            kind: spec.kind,
            behaviour: spec.behaviour,
            addr,
            holdings: Holdings {
                base: to_wei(spec.capital.get()),
                ..Holdings::default()
            },
            counts: TxCounts::default(),
            consumer: ConsumerStats::default(),
            staker: StakerStats::default(),
            spec: spec.clone(),
            capital: spec.capital.get(),
            taste,
            rng,
        }
    }

    /// Base tokens it started with.
    pub fn initial_capital(&self) -> f64 {
        self.capital
    }

    /// One tick: the agent's Poisson arrivals, each a decision.
    pub fn act(
        &mut self,
        world: &mut World,
        c: &Contracts,
        t: &mut TickView<'_>,
        noise: f64,
    ) -> Result<(), Fatal> {
        let n = arrivals(
            &mut self.rng,
            self.spec.rate_per_day.get(),
            u64::from(t.seconds_per_tick),
        );
        for _ in 0..n {
            // Every draw an arrival may use, made before any decision.
            let z = normal(&mut self.rng);
            let coin = self.rng.random_bool(0.5);
            match (self.behaviour, self.kind) {
                (Behaviour::Intent, AgentKind::Consumer) => {
                    let wtp = t.level * self.taste * (noise * z).exp();
                    self.consume(world, c, t, Some(wtp))?;
                }
                (Behaviour::Random, AgentKind::Consumer) => self.consume(world, c, t, None)?,
                (Behaviour::Intent, AgentKind::Staker) => self.stake_with_intent(world, c, t)?,
                (Behaviour::Random, AgentKind::Staker) => self.stake_at_random(world, c, coin)?,
                (Behaviour::Intent, AgentKind::Speculator) => {
                    let belief = t.level * (BELIEF_NOISE * z).exp();
                    self.speculate(world, c, t, belief)?;
                }
                (Behaviour::Random, AgentKind::Speculator) => {
                    self.speculate_at_random(world, c, coin)?
                }
            }
        }
        Ok(())
    }

    /// One consume wish: with a willingness to pay, only when the all-in cost is below it;
    /// without one (random), at any price.
    fn consume(
        &mut self,
        world: &mut World,
        c: &Contracts,
        t: &mut TickView<'_>,
        wtp: Option<f64>,
    ) -> Result<(), Fatal> {
        self.consumer.wishes += 1;
        let one = U256::from(ONE);
        let need = one.saturating_sub(self.holdings.dt);
        let quote = t.quote(world, c)?;
        // The price a consumer compares with: the quote, or the spot price when the pool
        // refuses to sell (a refused buy at a price it would pay is an unserved consumer).
        let cost = quote.map_or(t.spot(), |q| q.cost);
        if !need.is_zero() && t.level > 0.0 {
            self.consumer.quoted += 1;
            self.consumer.cost_over_level += cost / t.level;
        }
        let base_in = to_wei(cost * to_tokens(need) * 1.01) + U256::from(1);
        if need.is_zero() {
            // Holds a datatoken from an earlier purchase: consuming costs nothing more now.
        } else if wtp.is_some_and(|w| w < cost) || base_in > self.holdings.base {
            return Ok(());
        }
        self.consumer.willing += 1;
        if !need.is_zero() {
            if quote.is_none() {
                return Ok(());
            }
            if !buy(
                world,
                c,
                self.addr,
                &mut self.holdings,
                &mut self.counts,
                base_in,
            )? || self.holdings.dt < one
            {
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
            self.consumer.served += 1;
            self.consumer.cost_base += cost;
        }
        Ok(())
    }

    fn stake_with_intent(
        &mut self,
        world: &mut World,
        c: &Contracts,
        t: &TickView<'_>,
    ) -> Result<(), Fatal> {
        let expected = t.fee_apy(self.spec.yield_window_days.get()) + self.spec.reward_apy.get();
        let hurdle = self.spec.hurdle_apy.get();
        if self.holdings.shares.is_zero() {
            if expected > hurdle {
                let amount =
                    to_wei(self.capital * self.spec.fraction.get()).min(self.holdings.base);
                self.open(world, c, t.now, amount)?;
            }
            return Ok(());
        }
        let call = IDataPool::unstakeCall {
            sharesIn: self.holdings.shares,
        };
        let value = dry_run(world, self.addr, c.pool, &call, "staker position value")?;
        let lost = value.is_some_and(|v| {
            self.staker.basis > 0.0
                && 1.0 - to_tokens(v) / self.staker.basis > self.spec.stop_loss.get()
        });
        if lost || expected < 0.5 * hurdle {
            self.close(world, c, t.now)?;
        }
        Ok(())
    }

    fn open(
        &mut self,
        world: &mut World,
        c: &Contracts,
        now: u64,
        amount: U256,
    ) -> Result<(), Fatal> {
        let h = &mut self.holdings;
        if stake(world, c, self.addr, h, &mut self.counts, amount)?.is_some() {
            self.staker.basis += to_tokens(amount);
            self.staker.since = now;
        }
        Ok(())
    }

    /// Unstakes everything (half of it when the pool refuses all at once) and books the
    /// realised P&L of what came out.
    fn close(&mut self, world: &mut World, c: &Contracts, now: u64) -> Result<(), Fatal> {
        let total = self.holdings.shares;
        for shares in [total, total / U256::from(2)] {
            let h = &mut self.holdings;
            if let Some(out) = unstake(world, c, self.addr, h, &mut self.counts, shares)? {
                let part = to_tokens(shares) / to_tokens(total);
                self.book(to_tokens(out), part, now);
                break;
            }
        }
        Ok(())
    }

    /// Books an exit of `part` of the open position that paid `out` base tokens at `now`.
    pub fn book(&mut self, out: f64, part: f64, now: u64) {
        let basis = self.staker.basis * part;
        self.staker.realised += out - basis;
        self.staker.capital_seconds += basis * now.saturating_sub(self.staker.since) as f64;
        self.staker.basis -= basis;
    }

    fn stake_at_random(
        &mut self,
        world: &mut World,
        c: &Contracts,
        coin: bool,
    ) -> Result<(), Fatal> {
        let now = world.timestamp();
        if !self.holdings.shares.is_zero() && coin {
            let shares = scale(self.holdings.shares, self.spec.fraction.get()).max(U256::from(1));
            let total = self.holdings.shares;
            let h = &mut self.holdings;
            if let Some(out) = unstake(world, c, self.addr, h, &mut self.counts, shares)? {
                self.book(to_tokens(out), to_tokens(shares) / to_tokens(total), now);
            }
            Ok(())
        } else {
            let amount = scale(self.holdings.base, self.spec.fraction.get());
            if !self.holdings.shares.is_zero() {
                // Adding to a position: keep one opening time (the earlier one).
                let since = self.staker.since;
                self.open(world, c, now, amount)?;
                self.staker.since = since;
                Ok(())
            } else {
                self.open(world, c, now, amount)
            }
        }
    }

    fn speculate(
        &mut self,
        world: &mut World,
        c: &Contracts,
        t: &TickView<'_>,
        belief: f64,
    ) -> Result<(), Fatal> {
        let spot = t.spot();
        if spot <= 0.0 {
            return Ok(());
        }
        let back = (self.spec.momentum_days.get() * DAY / f64::from(t.seconds_per_tick)) as usize;
        let past = t.prices[t.prices.len().saturating_sub(back + 1)];
        let momentum = if past > 0.0 { (spot / past).ln() } else { 0.0 };
        let signal = self.spec.value_weight.get() * (belief / spot).ln()
            + self.spec.momentum_weight.get() * momentum;
        let threshold = self.spec.threshold.get();
        let position = to_tokens(self.holdings.dt) * spot;
        let limit = self.spec.max_position.get() * self.capital;
        if signal > threshold && position < limit {
            let want =
                (self.spec.fraction.get() * to_tokens(self.holdings.base)).min(limit - position);
            let pool_base = to_tokens(view(world, c.pool, &IDataPool::baseBalanceCall {})?);
            let amount = to_wei(want.min(MAX_TRADE_OF_POOL * pool_base));
            buy(
                world,
                c,
                self.addr,
                &mut self.holdings,
                &mut self.counts,
                amount,
            )?;
        } else if signal < -threshold && !self.holdings.dt.is_zero() {
            let fraction = if signal < -2.0 * threshold {
                1.0
            } else {
                self.spec.fraction.get()
            };
            let amount = capped_sell(world, c, scale(self.holdings.dt, fraction))?;
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

    fn speculate_at_random(
        &mut self,
        world: &mut World,
        c: &Contracts,
        coin: bool,
    ) -> Result<(), Fatal> {
        let f = self.spec.fraction.get();
        if !self.holdings.dt.is_zero() && coin {
            let amount = scale(self.holdings.dt, f);
            sell(
                world,
                c,
                self.addr,
                &mut self.holdings,
                &mut self.counts,
                amount,
            )?;
        } else {
            let amount = scale(self.holdings.base, f);
            buy(
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

/// `dt_in` capped at [`MAX_TRADE_OF_POOL`] of the pool's datatoken balance.
pub fn capped_sell(world: &mut World, c: &Contracts, dt_in: U256) -> Result<U256, Fatal> {
    let pool_dt = view(world, c.pool, &IDataPool::dtBalanceCall {})?;
    Ok(dt_in.min(scale(pool_dt, MAX_TRADE_OF_POOL)))
}
