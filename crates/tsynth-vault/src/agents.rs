//! Honest agents: savers (deposit and withdraw at random) and the keeper (harvests at
//! random). Each has its own seeded RNG stream and acts only through ABI calls; savers track
//! their holdings from the calls' return values.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, SolCall, U256, World};
use tsynth_sim::Fatal;
use tsynth_sim::units::scale;

use crate::bindings::{IVault, Locked};
use crate::deploy::SaverStart;
use crate::scenario::SaverSpec;

pub use tsynth_sim::tx::{TxOutcome, view};

/// Sends one call and classifies the result (a `Locked` revert is the design's policy);
/// errors of the harness itself are fatal.
pub fn send<C: SolCall>(
    world: &mut World,
    from: Address,
    to: Address,
    call: &C,
) -> Result<TxOutcome<C::Return>, Fatal> {
    tsynth_sim::tx::send(world, from, to, call, "vault call", |r| {
        r.is_custom::<Locked>()
    })
}

/// Counters of one saver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaverCounts {
    /// Withdrawals attempted.
    pub withdraw_attempts: u64,
    /// Withdrawals that went through.
    pub withdraw_ok: u64,
    /// Transactions that reverted for a reason other than policy.
    pub reverts: u64,
}

/// An honest saver.
#[derive(Debug)]
pub struct Saver {
    /// Its account.
    pub addr: Address,
    /// Every token it was given.
    pub capital: U256,
    /// Tokens not in the vault.
    pub free: U256,
    /// Vault shares.
    pub shares: U256,
    /// Counters.
    pub counts: SaverCounts,
    deposit_p: f64,
    withdraw_p: f64,
    fraction: f64,
    rng: ChaCha8Rng,
}

impl Saver {
    /// A saver as set up by `deploy::prepare`, with its own RNG stream.
    pub fn new(start: &SaverStart, spec: &SaverSpec, rng: ChaCha8Rng) -> Self {
        Self {
            addr: start.addr,
            capital: start.capital,
            free: start.free,
            shares: start.shares,
            counts: SaverCounts::default(),
            deposit_p: spec.deposit_probability.get(),
            withdraw_p: spec.withdraw_probability.get(),
            fraction: spec.fraction.get(),
            rng,
        }
    }

    /// One tick: maybe deposit, maybe withdraw (both draws are made every tick, so one
    /// saver's stream never depends on what the design did).
    pub fn act(&mut self, world: &mut World, vault: Address) -> Result<(), Fatal> {
        let deposit = self.rng.random_bool(self.deposit_p);
        let withdraw = self.rng.random_bool(self.withdraw_p);
        if deposit && !self.free.is_zero() {
            let assets = scale(self.free, self.fraction).max(U256::from(1));
            match send(world, self.addr, vault, &IVault::depositCall { assets })? {
                TxOutcome::Ok(shares) => {
                    self.free -= assets;
                    self.shares += shares;
                }
                TxOutcome::Policy | TxOutcome::Failed => self.counts.reverts += 1,
            }
        }
        if withdraw && !self.shares.is_zero() {
            let shares = scale(self.shares, self.fraction).max(U256::from(1));
            self.counts.withdraw_attempts += 1;
            match send(world, self.addr, vault, &IVault::withdrawCall { shares })? {
                TxOutcome::Ok(assets) => {
                    self.shares -= shares;
                    self.free += assets;
                    self.counts.withdraw_ok += 1;
                }
                TxOutcome::Policy => {}
                TxOutcome::Failed => self.counts.reverts += 1,
            }
        }
        Ok(())
    }

    /// What it holds now, valued at the vault's current share price (before exit fees).
    pub fn value(&self, world: &mut World, vault: Address) -> Result<U256, Fatal> {
        let in_vault = if self.shares.is_zero() {
            U256::ZERO
        } else {
            view(
                world,
                vault,
                &IVault::convertToAssetsCall {
                    shares: self.shares,
                },
            )?
        };
        Ok(self.free + in_vault)
    }
}

/// The honest keeper: harvests with a probability per tick.
#[derive(Debug)]
pub struct Keeper {
    /// Its account.
    pub addr: Address,
    /// Harvests that went through.
    pub harvests: u64,
    /// Harvests that reverted.
    pub reverts: u64,
    probability: f64,
    rng: ChaCha8Rng,
}

impl Keeper {
    /// A keeper with its own RNG stream.
    pub fn new(addr: Address, probability: f64, rng: ChaCha8Rng) -> Self {
        Self {
            addr,
            harvests: 0,
            reverts: 0,
            probability,
            rng,
        }
    }

    /// One tick: maybe harvest.
    pub fn act(&mut self, world: &mut World, vault: Address) -> Result<(), Fatal> {
        if self.rng.random_bool(self.probability) {
            match send(world, self.addr, vault, &IVault::harvestCall {})? {
                TxOutcome::Ok(_) => self.harvests += 1,
                TxOutcome::Policy | TxOutcome::Failed => self.reverts += 1,
            }
        }
        Ok(())
    }
}
