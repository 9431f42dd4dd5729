//! The Ocean data-token pools as a [`tsynth_sim::Domain`]: per seed, the publisher and the
//! honest agents act every tick; at probe ticks the slippage of a probe-size buy is measured
//! by dry run and each adversary tries its attack on its own fork.

use std::collections::BTreeMap;
use std::path::Path;

use tsynth_evm::{Snapshot, U256, World};
use tsynth_sim::metrics::{BetterRule, Constraint, MetricSpec, Selection, Values};
use tsynth_sim::seeds::stream_rng;
use tsynth_sim::units::{scale, to_tokens, to_wei};
use tsynth_sim::{Domain, DomainError, Fatal, PlotSpec, Probe, RunSpec, ScenarioError};
use tsynth_solc::{Compiler, ContractArtifact, Settings};

use crate::adversary;
use crate::agents::{Contracts, Holdings, HonestAgent, Publisher, TxCounts, view};
use crate::bindings::IDataPool;
use crate::deploy::{Env, EnvAccounts, EnvArtifacts};
use crate::metrics::{self as m, ConstraintCounts};
use crate::scenario::{AgentKind, Scenario};
use crate::setup::Prepared;

/// Slippage recorded when the probe buy itself is refused (a buy cap, an empty pool).
pub const REFUSED_BUY_SLIPPAGE: f64 = 1.0;

/// Agent kinds in per-kind KPI columns.
pub const KINDS: [&str; 4] = ["publisher", "consumer", "staker", "speculator"];

fn kind_index(kind: AgentKind) -> usize {
    match kind {
        AgentKind::Consumer => 1,
        AgentKind::Staker => 2,
        AgentKind::Speculator => 3,
    }
}

/// The Ocean data-token pool domain (V3 / V4 / V4.1 and their neighbours).
#[derive(Debug, Clone, Copy, Default)]
pub struct AmmDomain;

/// One seed's state: the agents and what has been measured so far.
#[derive(Debug)]
pub struct SeedState {
    contracts: Contracts,
    publisher: Publisher,
    agents: Vec<HonestAgent>,
    prices: Vec<f64>,
    slippages: Vec<f64>,
    rug_risk: f64,
    slippage_trade: f64,
    rug_publisher: bool,
    attacker_capital: U256,
    attacker_max_loops: u32,
    publisher_addr: tsynth_evm::Address,
    publisher_endowment: U256,
}

impl Domain for AmmDomain {
    type Scenario = Scenario;
    type Env = Env;
    type Prepared = Prepared;
    type Seed = SeedState;

    fn name(&self) -> &'static str {
        "amm"
    }

    fn metrics(&self) -> Vec<MetricSpec> {
        m::declared()
    }

    fn default_selection(&self, s: &Scenario) -> Selection {
        Selection {
            objectives: m::DEFAULT_OBJECTIVES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            constraints: vec![
                Constraint::at_most(
                    m::HONEST_REVERT_RATE,
                    s.metrics.max_honest_revert_rate.get(),
                ),
                Constraint::at_least(m::CONSUMER_SUCCESS, s.metrics.min_consumer_success.get()),
            ],
            better: BetterRule {
                improve: vec![m::RUG_RISK.into()],
                no_worse: vec![m::SLIPPAGE.into(), m::VOLATILITY.into()],
            },
        }
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
        let artifacts = EnvArtifacts::compile(compiler, blocks, settings)?;
        Ok(Env::deploy(&artifacts, EnvAccounts::default())?)
    }

    fn prepare(
        &self,
        env: &Env,
        candidate: &ContractArtifact,
        params: &[U256],
        scenario: &Scenario,
    ) -> Result<(Snapshot, Prepared), DomainError> {
        Ok(crate::setup::prepare(env, candidate, params, scenario)?)
    }

    fn start(
        &self,
        p: &Prepared,
        s: &Scenario,
        seed: u64,
        world: &mut World,
    ) -> Result<SeedState, Fatal> {
        let publisher = Publisher::new(
            &s.publisher,
            p.publisher,
            p.publisher_holdings,
            stream_rng(seed, 0),
        );
        let mut agents = Vec::with_capacity(p.agents.len());
        let mut addrs = p.agents.iter();
        for spec in &s.agents {
            for _ in 0..spec.count {
                let Some(&addr) = addrs.next() else { break };
                let stream = agents.len() as u64 + 1;
                agents.push(HonestAgent::new(
                    spec,
                    addr,
                    to_wei(spec.capital.get()),
                    stream_rng(seed, stream),
                ));
            }
        }
        let mut st = SeedState {
            contracts: p.contracts,
            publisher,
            agents,
            prices: Vec::with_capacity(s.run.ticks as usize + 1),
            slippages: Vec::new(),
            rug_risk: 0.0,
            slippage_trade: s.metrics.slippage_trade.get(),
            rug_publisher: s.adversaries.rug_publisher,
            attacker_capital: to_wei(s.adversaries.attacker_capital.get()),
            attacker_max_loops: s.adversaries.attacker_max_loops,
            publisher_addr: p.publisher,
            publisher_endowment: p.publisher_endowment,
        };
        let spot = view(world, st.contracts.pool, &IDataPool::spotPriceCall {})?;
        st.prices.push(to_tokens(spot));
        Ok(st)
    }

    fn step(&self, st: &mut SeedState, world: &mut World, tick: u32) -> Result<(), Fatal> {
        let c = st.contracts;
        st.publisher.act(world, &c, tick)?;
        for agent in &mut st.agents {
            agent.act(world, &c)?;
        }
        let spot = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
        st.prices.push(spot);
        Ok(())
    }

    fn probe(&self, st: &mut SeedState, probe: &mut Probe<'_>, _tick: u32) -> Result<(), Fatal> {
        probe_once(st, probe)
    }

    fn kpi_columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = [
            "spot_price",
            "base_balance",
            "dt_balance",
            "total_shares",
            "swap_volume",
            "consume_volume",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for prefix in ["worth", "failed", "rejected"] {
            cols.extend(KINDS.iter().map(|k| format!("{prefix}_{k}")));
        }
        cols
    }

    fn kpis(&self, st: &SeedState, world: &mut World, out: &mut Vec<f64>) -> Result<(), Fatal> {
        kpi_row(st, world, out)
    }

    fn plots(&self) -> Vec<PlotSpec> {
        vec![
            PlotSpec::new(
                "price",
                "Spot price",
                "base per datatoken",
                &[("spot_price", "")],
            ),
            PlotSpec::new(
                "pool",
                "Pool balances",
                "tokens",
                &[("base_balance", "base"), ("dt_balance", "datatoken")],
            ),
        ]
    }

    fn attack(
        &self,
        p: &Prepared,
        _seed: Option<&SeedState>,
        world: &World,
        s: &Scenario,
        request: &tsynth_sim::AttackRequest,
    ) -> Result<Option<tsynth_sim::AttackReport>, Fatal> {
        let ticks = u64::from(request.after_ticks.min(s.run.ticks));
        let elapsed = ticks * u64::from(s.run.seconds_per_tick);
        crate::attack::probe::attack_report(p, world, elapsed, request).map(Some)
    }

    fn measure(&self, st: SeedState, _p: &Prepared) -> Values {
        let mut counts = ConstraintCounts::default();
        let mut all = st.publisher.counts;
        for a in &st.agents {
            all.sent += a.counts.sent;
            all.failed += a.counts.failed;
            all.policy += a.counts.policy;
            counts.consume_attempts += a.consume_attempts;
            counts.consume_successes += a.consume_successes;
        }
        counts.honest_txs = all.sent;
        counts.honest_reverts = all.failed;
        let slippage = if st.slippages.is_empty() {
            0.0
        } else {
            st.slippages.iter().sum::<f64>() / st.slippages.len() as f64
        };
        let mut v = Values::new();
        v.insert(m::SLIPPAGE.into(), slippage);
        v.insert(m::VOLATILITY.into(), m::volatility(&st.prices));
        v.insert(m::RUG_RISK.into(), st.rug_risk);
        counts.insert_into(&mut v);
        v
    }
}

/// Measures slippage (dry run) and lets each adversary try its attack on its own fork.
fn probe_once(st: &mut SeedState, probe: &mut Probe<'_>) -> Result<(), Fatal> {
    let c = st.contracts;
    let spot = *st.prices.last().unwrap_or(&0.0);
    let pool_base = probe.view(c.pool, &IDataPool::baseBalanceCall {})?;
    let base_in = scale(pool_base, st.slippage_trade);
    let buy = IDataPool::buyDtCall {
        baseIn: base_in,
        minDtOut: U256::ZERO,
    };
    let slip = match probe.dry_run_sol(crate::setup::PROBER, c.pool, &buy) {
        Ok(dt_out) => m::slippage(to_tokens(base_in), to_tokens(dt_out), spot),
        Err(tsynth_evm::EvmError::Revert(_) | tsynth_evm::EvmError::Halt { .. }) => {
            REFUSED_BUY_SLIPPAGE
        }
        Err(source) => {
            return Err(Fatal {
                what: "slippage probe".into(),
                source,
            });
        }
    };
    st.slippages.push(slip.min(REFUSED_BUY_SLIPPAGE));

    let mut gain = U256::ZERO;
    if st.rug_publisher {
        let mut fork = probe.fork();
        gain = gain.max(adversary::rug_pull(
            &mut fork,
            &c,
            st.publisher_addr,
            st.publisher_endowment,
        )?);
    }
    if !st.attacker_capital.is_zero() && st.attacker_max_loops > 0 {
        let mut fork = probe.fork();
        gain = gain.max(adversary::stake_loop(
            &mut fork,
            &c,
            crate::setup::ATTACKER,
            st.attacker_capital,
            st.attacker_max_loops,
        )?);
    }
    let pool_base = to_tokens(pool_base);
    if pool_base > 0.0 {
        st.rug_risk = st.rug_risk.max(to_tokens(gain) / pool_base);
    }
    Ok(())
}

fn kpi_row(st: &SeedState, w: &mut World, out: &mut Vec<f64>) -> Result<(), Fatal> {
    let c = &st.contracts;
    let spot = *st.prices.last().unwrap_or(&0.0);
    let base_balance = to_tokens(view(w, c.pool, &IDataPool::baseBalanceCall {})?);
    let dt_balance = to_tokens(view(w, c.pool, &IDataPool::dtBalanceCall {})?);
    let total_shares = to_tokens(view(w, c.pool, &IDataPool::totalSharesCall {})?);
    let swap_volume = to_tokens(view(w, c.pool, &IDataPool::swapVolumeCall {})?);
    let consume_volume = to_tokens(view(w, c.pool, &IDataPool::consumeVolumeCall {})?);
    let share_value = if total_shares > 0.0 {
        (base_balance + dt_balance * spot) / total_shares
    } else {
        0.0
    };
    let worth_of = |h: &Holdings| {
        to_tokens(h.base) + to_tokens(h.dt) * spot + to_tokens(h.shares) * share_value
    };
    let mut worth = [0.0; 4];
    let mut failed = [0u64; 4];
    let mut rejected = [0u64; 4];
    let mut add = |i: usize, h: &Holdings, t: &TxCounts| {
        worth[i] += worth_of(h);
        failed[i] += t.failed;
        rejected[i] += t.policy;
    };
    add(0, &st.publisher.holdings, &st.publisher.counts);
    for a in &st.agents {
        add(kind_index(a.kind), &a.holdings, &a.counts);
    }
    out.extend([
        spot,
        base_balance,
        dt_balance,
        total_shares,
        swap_volume,
        consume_volume,
    ]);
    out.extend(worth);
    out.extend(failed.iter().chain(&rejected).map(|&v| v as f64));
    Ok(())
}

/// Runs one seed of a prepared candidate with the domain's default selection and a
/// complexity of 0 (for tests and tools that prepare candidates themselves).
pub fn run_seed(
    snapshot: &Snapshot,
    prepared: &Prepared,
    scenario: &Scenario,
    seed: u64,
    record: bool,
) -> tsynth_sim::SeedRun {
    let domain = AmmDomain;
    let selection = domain.default_selection(scenario);
    let metrics = domain.metrics();
    tsynth_sim::engine::Candidate {
        domain: &domain,
        scenario,
        snapshot,
        prepared,
        complexity: 0.0,
        schedule_seconds: 0,
        selection: &selection,
        metrics: &metrics,
    }
    .run_seed(seed, record)
}
