//! The honest publisher runs a business: it seeded the pool, it earns datatokens from every
//! consume (`order()` sends it 97% of the consumed datatoken) and from its allocation (it
//! claims what has vested every `claim_every_days`), and it sells part of what it holds at
//! Poisson times — with intent only while the price is at least `sell_floor` × the demand
//! level. Its profit is settled at the end of the run on a fork (see [`crate::probes`]).

use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, World};
use tsynth_sim::units::scale;

use crate::agents::{Contracts, Fatal, Holdings, TxCounts, TxOutcome, sell, send, view};
use crate::bindings::IDataPool;
use crate::intent::capped_sell;
use crate::scenario::{Behaviour, PublisherSpec};
use crate::time::{arrivals, ticks_in};

/// The honest publisher.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// Its account.
    pub addr: Address,
    /// What it holds (datatokens are re-read from the token before a sale: consume revenue
    /// arrives by transfer).
    pub holdings: Holdings,
    /// Its transactions.
    pub counts: TxCounts,
    /// Datatokens it claimed from its allocation.
    pub claimed: f64,
    claim_ticks: u32,
    sell_rate: f64,
    sell_fraction: f64,
    sell_floor: Option<f64>,
    rng: ChaCha8Rng,
}

impl Publisher {
    /// A publisher holding `holdings` after it initialised the pool.
    pub fn new(
        spec: &PublisherSpec,
        addr: Address,
        holdings: Holdings,
        seconds_per_tick: u32,
        rng: ChaCha8Rng,
    ) -> Self {
        let days = spec.claim_every_days.get();
        Self {
            addr,
            holdings,
            counts: TxCounts::default(),
            claimed: 0.0,
            claim_ticks: if days > 0.0 {
                ticks_in(days, seconds_per_tick)
            } else {
                0
            },
            sell_rate: spec.sell_rate_per_day.get(),
            sell_fraction: spec.sell_fraction.get(),
            sell_floor: match spec.behaviour {
                Behaviour::Intent => Some(spec.sell_floor.get()),
                Behaviour::Random => None,
            },
            rng,
        }
    }

    /// One tick (`tick` counts from 1): claim on schedule, sell at arrivals.
    pub fn act(
        &mut self,
        world: &mut World,
        c: &Contracts,
        tick: u32,
        seconds_per_tick: u32,
        spot: f64,
        level: f64,
    ) -> Result<(), Fatal> {
        if self.claim_ticks > 0 && tick.is_multiple_of(self.claim_ticks) {
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
                    self.claimed += tsynth_sim::units::to_tokens(amount);
                }
            }
        }
        let n = arrivals(&mut self.rng, self.sell_rate, u64::from(seconds_per_tick));
        for _ in 0..n {
            if self.sell_floor.is_some_and(|f| spot < f * level) {
                continue;
            }
            self.holdings.dt = read_dt(world, c, self.addr)?;
            let amount = capped_sell(world, c, scale(self.holdings.dt, self.sell_fraction))?;
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

/// `who`'s datatoken balance (counted as an EVM call).
pub fn read_dt(world: &mut World, c: &Contracts, who: Address) -> Result<tsynth_evm::U256, Fatal> {
    tsynth_sim::stats::count_call();
    world.erc20_balance(c.dt, who).map_err(|source| Fatal {
        what: "read datatoken balance".into(),
        source,
    })
}
