//! The one adversary: the harvest sandwich. It only ever acts on forks of the state (a
//! probe), so probing never changes the main path.
//!
//! On a fork it deposits capital, calls `harvest()` itself (anyone may), then withdraws every
//! share it got, either in the same block or after holding up to `max_hold_seconds` (on a
//! time-warped fork: nobody else acts meanwhile). The amounts are searched, not fixed: it tries
//! 0.01×, 0.1×, 1× and 10× the vault's assets (capped by its capital) and four hold times, each on its
//! own fork, and keeps the best net gain. A lock-up longer than its patience stops it; an exit
//! or entry fee only stops it if the fee outweighs the share of rewards it can take.

use tsynth_evm::{Address, U256, World};
use tsynth_sim::Fatal;
use tsynth_sim::units::{to_tokens, to_wei};

use crate::agents::{TxOutcome, send, view};
use crate::bindings::IVault;

/// Deposit sizes tried, as multiples of the vault's assets.
pub const CAPITAL_MULTIPLES: [f64; 4] = [0.01, 0.1, 1.0, 10.0];

/// The attacker's limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sandwich {
    /// The vault attacked.
    pub vault: Address,
    /// Its account (funded and approved during set-up).
    pub attacker: Address,
    /// Most it can deposit (base units).
    pub capital: U256,
    /// Longest it will hold, seconds.
    pub max_hold_seconds: u64,
    /// Block time, for warping the fork.
    pub seconds_per_tick: u64,
}

/// What one probe of the sandwich found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Rewards not yet credited to shareholders at the probe (whole tokens): pending in the
    /// stream plus harvested but still locked. Every token the attacker nets comes out of it.
    pub pot: f64,
    /// The best net gain over every capital and hold time tried (whole tokens; may be < 0).
    pub gain: f64,
}

impl Sandwich {
    /// Tries the attack on forks of `world` (itself never changed); `None` when there is
    /// nothing to harvest, nobody to attack with, or no attempt got its capital back out.
    pub fn attack(&self, world: &World) -> Result<Option<Found>, Fatal> {
        if self.capital.is_zero() {
            return Ok(None);
        }
        let vault = self.vault;
        let mut probe = world.fork();
        let pending = view(&mut probe, vault, &IVault::pendingRewardsCall {})?;
        let locked = view(&mut probe, vault, &IVault::lockedProfitCall {})?;
        if pending.is_zero() && locked.is_zero() {
            return Ok(None);
        }
        let assets = to_tokens(view(&mut probe, vault, &IVault::totalAssetsCall {})?);
        let mut best: Option<f64> = None;
        for m in CAPITAL_MULTIPLES {
            let c = to_wei(assets * m).min(self.capital);
            if c.is_zero() {
                continue;
            }
            if let Some(g) = self.try_capital(world, vault, c)? {
                best = Some(best.map_or(g, |b: f64| b.max(g)));
            }
        }
        Ok(best.map(|gain| Found {
            pot: to_tokens(pending + locked),
            gain,
        }))
    }

    /// Deposit `c`, harvest, then withdraw after each hold time; the best gain, if any
    /// withdrawal went through.
    fn try_capital(&self, world: &World, vault: Address, c: U256) -> Result<Option<f64>, Fatal> {
        let mut fork = world.fork();
        let TxOutcome::Ok(shares) = send(
            &mut fork,
            self.attacker,
            vault,
            &IVault::depositCall { assets: c },
        )?
        else {
            return Ok(None);
        };
        let TxOutcome::Ok(_) = send(&mut fork, self.attacker, vault, &IVault::harvestCall {})?
        else {
            return Ok(None);
        };
        let mut best: Option<f64> = None;
        let h = self.max_hold_seconds;
        let mut holds = vec![0, h / 4, h / 2, h];
        holds.dedup();
        for hold in holds {
            let mut later = fork.fork();
            if hold > 0 {
                later.advance((hold / self.seconds_per_tick.max(1)).max(1), hold);
            }
            if let TxOutcome::Ok(out) = send(
                &mut later,
                self.attacker,
                vault,
                &IVault::withdrawCall { shares },
            )? {
                let g = to_tokens(out) - to_tokens(c);
                best = Some(best.map_or(g, |b: f64| b.max(g)));
            }
        }
        Ok(best)
    }
}
