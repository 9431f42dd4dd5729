//! The staking vault as a [`tsynth_sim::Domain`]. Per seed: the keeper and the savers act
//! every tick; at probe ticks the harvest sandwich tries its attack on forks; at the last
//! tick the savers' holdings are valued.

use std::collections::BTreeMap;
use std::path::Path;

use tsynth_evm::{Snapshot, U256, World};
use tsynth_sim::metrics::{MetricSpec, Selection, Values};
use tsynth_sim::seeds::stream_rng;
use tsynth_sim::units::{ONE, to_tokens};
use tsynth_sim::{Domain, DomainError, Fatal, PlotSpec, Probe, RunSpec, ScenarioError};
use tsynth_solc::{Compiler, ContractArtifact, Settings};

use crate::adversary::Sandwich;
use crate::agents::{Keeper, Saver, view};
use crate::bindings::{IStakeToken, IVault};
use crate::deploy::{self, Env, KEEPER, Prepared, TREASURY};
use crate::metrics as m;
use crate::scenario::Scenario;

/// The staking-vault domain.
#[derive(Debug, Clone, Copy, Default)]
pub struct VaultDomain;

/// One seed's state: the agents and what has been measured so far.
#[derive(Debug)]
pub struct SeedState {
    vault: tsynth_evm::Address,
    token: tsynth_evm::Address,
    keeper: Keeper,
    savers: Vec<Saver>,
    sandwich: Sandwich,
    last_tick: u32,
    /// Best sandwich gain per token of uncredited rewards, and in tokens, over the probes so far.
    gain_share: f64,
    gain_tokens: f64,
    /// The savers' value and capital at the last tick (tokens), and the treasury's balance.
    end: Option<(f64, f64, f64)>,
}

impl SeedState {
    fn saver_value(&self, world: &mut World) -> Result<U256, Fatal> {
        let mut total = U256::ZERO;
        for s in &self.savers {
            total += s.value(world, self.vault)?;
        }
        Ok(total)
    }

    fn treasury(&self, world: &mut World) -> Result<f64, Fatal> {
        let call = IStakeToken::balanceOfCall { who: TREASURY };
        Ok(to_tokens(view(world, self.token, &call)?))
    }
}

impl Domain for VaultDomain {
    type Scenario = Scenario;
    type Env = Env;
    type Prepared = Prepared;
    type Seed = SeedState;

    fn name(&self) -> &'static str {
        crate::scenario::DOMAIN
    }

    fn metrics(&self) -> Vec<MetricSpec> {
        m::declared()
    }

    fn default_selection(&self, s: &Scenario) -> Selection {
        m::default_selection(s)
    }

    fn parse_scenario(&self, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, path)
    }

    fn run_spec<'s>(&self, s: &'s Scenario) -> &'s RunSpec {
        &s.run
    }

    fn build_env(
        &self,
        compiler: &Compiler,
        blocks: &BTreeMap<String, String>,
        settings: &Settings,
    ) -> Result<Env, DomainError> {
        Ok(Env::build(compiler, blocks, settings)?)
    }

    fn prepare(
        &self,
        env: &Env,
        candidate: &ContractArtifact,
        params: &[U256],
        scenario: &Scenario,
    ) -> Result<(Snapshot, Prepared), DomainError> {
        Ok(deploy::prepare(env, candidate, params, scenario)?)
    }

    fn start(
        &self,
        p: &Prepared,
        s: &Scenario,
        seed: u64,
        _world: &mut World,
    ) -> Result<SeedState, Fatal> {
        // Stream 0 is the keeper's, stream 1 + i saver i's.
        let keeper = Keeper::new(
            KEEPER,
            s.keeper.harvest_probability.get(),
            stream_rng(seed, 0),
        );
        let savers = p
            .savers
            .iter()
            .zip(s.each_saver())
            .enumerate()
            .map(|(i, (start, spec))| Saver::new(start, spec, stream_rng(seed, i as u64 + 1)))
            .collect();
        Ok(SeedState {
            vault: p.vault,
            token: p.token,
            keeper,
            savers,
            sandwich: Sandwich {
                vault: p.vault,
                attacker: deploy::ATTACKER,
                capital: p.attacker_capital,
                max_hold_seconds: u64::from(s.adversary.max_hold_seconds),
                seconds_per_tick: u64::from(s.run.seconds_per_tick),
            },
            last_tick: s.run.ticks,
            gain_share: 0.0,
            gain_tokens: 0.0,
            end: None,
        })
    }

    fn step(&self, st: &mut SeedState, world: &mut World, tick: u32) -> Result<(), Fatal> {
        st.keeper.act(world, st.vault)?;
        for s in &mut st.savers {
            s.act(world, st.vault)?;
        }
        if tick == st.last_tick {
            let value = to_tokens(st.saver_value(world)?);
            let capital: f64 = st.savers.iter().map(|s| to_tokens(s.capital)).sum();
            st.end = Some((value, capital, st.treasury(world)?));
        }
        Ok(())
    }

    fn probe(&self, st: &mut SeedState, probe: &mut Probe<'_>, _tick: u32) -> Result<(), Fatal> {
        if let Some(found) = st.sandwich.attack(&probe.fork())? {
            st.gain_tokens = st.gain_tokens.max(found.gain);
            if found.pot > 0.0 {
                st.gain_share = st.gain_share.max(found.gain / found.pot);
            }
        }
        Ok(())
    }

    fn kpi_columns(&self) -> Vec<String> {
        [
            "total_assets",
            "total_shares",
            "share_price",
            "locked_profit",
            "pending_rewards",
            "saver_value",
            "treasury",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn kpis(&self, st: &SeedState, world: &mut World, out: &mut Vec<f64>) -> Result<(), Fatal> {
        let v = st.vault;
        let one_share = IVault::convertToAssetsCall {
            shares: U256::from(ONE),
        };
        out.extend([
            to_tokens(view(world, v, &IVault::totalAssetsCall {})?),
            to_tokens(view(world, v, &IVault::totalSharesCall {})?),
            to_tokens(view(world, v, &one_share)?),
            to_tokens(view(world, v, &IVault::lockedProfitCall {})?),
            to_tokens(view(world, v, &IVault::pendingRewardsCall {})?),
            to_tokens(st.saver_value(world)?),
            st.treasury(world)?,
        ]);
        Ok(())
    }

    fn plots(&self) -> Vec<PlotSpec> {
        vec![PlotSpec::new(
            "share_price",
            "Vault share price",
            "assets per share",
            &[("share_price", "")],
        )]
    }

    fn measure(&self, st: SeedState, _p: &Prepared) -> Values {
        let attempts: u64 = st.savers.iter().map(|s| s.counts.withdraw_attempts).sum();
        let ok: u64 = st.savers.iter().map(|s| s.counts.withdraw_ok).sum();
        let reverts: u64 =
            st.savers.iter().map(|s| s.counts.reverts).sum::<u64>() + st.keeper.reverts;
        let (value, capital, fees) = st.end.unwrap_or((0.0, 0.0, 0.0));
        let honest_yield = if capital > 0.0 {
            value / capital - 1.0
        } else {
            0.0
        };
        let withdraw_success = if attempts == 0 {
            1.0
        } else {
            ok as f64 / attempts as f64
        };
        let mut v = Values::new();
        v.insert(m::SANDWICH_GAIN.into(), st.gain_share);
        v.insert(m::HONEST_YIELD.into(), honest_yield);
        v.insert(m::WITHDRAW_SUCCESS.into(), withdraw_success);
        v.insert(m::SANDWICH_PROFIT.into(), st.gain_tokens);
        v.insert(m::FEES_PAID.into(), fees);
        v.insert(m::HARVESTS.into(), st.keeper.harvests as f64);
        v.insert(m::HONEST_REVERTS.into(), reverts as f64);
        v
    }
}
