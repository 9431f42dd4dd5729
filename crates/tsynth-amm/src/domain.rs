//! The Ocean data-token pools as a [`tsynth_sim::Domain`]: per seed, the publisher and the
//! honest agents act at their Poisson arrivals every tick, under a demand process drawn from
//! the seed; at probe ticks the slippage of a probe-size buy is measured by dry run, each
//! attack screen (templates, a little search) runs on a fork and an honest stake → unstake
//! round trip runs on another; at the start a launch rush runs on a fork, and at the end the
//! publisher's and the stakers' positions are settled on forks. When the evaluation asks for
//! it, the engine then runs the full attack search ([`Domain::attack`], seeded by the run's
//! hall of fame) on each feasible seed's final state. The main path never sees a probe.

use std::collections::BTreeMap;
use std::path::Path;

use tsynth_evm::{Snapshot, U256, World};
use tsynth_sim::metrics::{BetterRule, Constraint, MetricSpec, Selection, Values};
use tsynth_sim::seeds::stream_rng;
use tsynth_sim::units::{scale, to_tokens, to_wei};
use tsynth_sim::{
    Domain, DomainError, Fatal, FoundAttack, PlotSpec, Probe, RunSpec, ScenarioError,
};
use tsynth_solc::{Compiler, ContractArtifact, Settings};

use crate::agents::{Contracts, Holdings, TxCounts, view};
use crate::attack::exec::Arena;
use crate::attack::lang::Attack;
use crate::attack::probe::{ScreenSpec, Screened, screen};
use crate::bindings::IDataPool;
use crate::deploy::{Env, EnvAccounts, EnvArtifacts};
use crate::intent::{HonestAgent, PoolSample, TickView};
use crate::metrics as m;
use crate::probes::{self, Settlement};
use crate::publisher::Publisher;
use crate::scenario::{AgentKind, Scenario};
use crate::setup::Prepared;
use crate::time::ticks_in;

/// Slippage recorded when the probe buy itself is refused (a buy cap, an empty pool).
pub const REFUSED_BUY_SLIPPAGE: f64 = 1.0;

/// Agent kinds in per-kind KPI columns.
pub const KINDS: [&str; 4] = ["publisher", "consumer", "staker", "speculator"];

/// The demand process's stream within a seed (agents use 0, 1, 2, ...).
pub const DEMAND_STREAM: u64 = 1 << 40;

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

/// Settings a seed needs from the scenario.
#[derive(Debug, Clone, Copy)]
struct Cfg {
    slippage_trade: f64,
    rug_publisher: bool,
    screen_extra: u32,
    screen_every: u32,
    stake_probe_fraction: f64,
    staking_epsilon: f64,
    seconds_per_tick: u32,
    seconds_per_block: u64,
    sample_ticks: u32,
    noise: f64,
    launch_ticks: usize,
    seed_liquidity: f64,
}

/// One seed's state: the agents and what has been measured so far.
#[derive(Debug)]
pub struct SeedState {
    contracts: Contracts,
    publisher: Publisher,
    agents: Vec<HonestAgent>,
    prices: Vec<f64>,
    levels: Vec<f64>,
    samples: Vec<PoolSample>,
    slippages: Vec<f64>,
    rug_risk: f64,
    attack_gain: f64,
    victim_loss: f64,
    found: Vec<FoundAttack>,
    seed: u64,
    arena: Arena,
    probes_seen: u32,
    stake_swing: f64,
    staking_probes: u32,
    staking_ok: u32,
    return_loss: f64,
    max_fee: f64,
    rush_top: f64,
    settlement: Option<Settlement>,
    swap_volume: f64,
    speculator_pnl: f64,
    cfg: Cfg,
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
        let t = &s.metrics;
        Selection {
            objectives: m::DEFAULT_OBJECTIVES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            constraints: vec![
                Constraint::at_least(m::STAKING_AVAILABLE, t.min_staking_available.get()),
                Constraint::at_least(m::SEED_RECOVERY, t.min_seed_recovery.get()),
                Constraint::at_most(m::TOTAL_FEE, t.max_total_fee.get()),
                Constraint::at_least(m::CONSUMERS_SERVED, t.min_consumers_served.get()),
                Constraint::at_least(m::CONSUME_RATE, t.min_consume_rate.get()),
                Constraint::at_most(m::HONEST_REVERT_RATE, t.max_honest_revert_rate.get()),
                Constraint::at_least(m::HORIZON_COVERAGE, 1.0),
            ],
            better: BetterRule {
                improve: vec![m::PRICE_DECOUPLING.into()],
                no_worse: vec![
                    m::RUG_RISK.into(),
                    m::PRICE_DRAWDOWN.into(),
                    m::LAUNCH_SPIKE.into(),
                    m::PUBLISHER_PROFIT.into(),
                ],
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
        let spt = s.run.seconds_per_tick;
        let publisher = Publisher::new(
            &s.publisher,
            p.publisher,
            p.publisher_holdings,
            spt,
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
                    stream_rng(seed, stream),
                    s.demand.heterogeneity.get(),
                ));
            }
        }
        let levels = crate::demand::level_path(
            &s.demand,
            s.run.ticks,
            spt,
            &mut stream_rng(seed, DEMAND_STREAM),
        );
        let c = p.contracts;
        let spot = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
        let fee = to_tokens(view(world, c.pool, &IDataPool::swapFeeCall {})?);
        let mx = &s.metrics;
        let rush_each = to_wei(s.pool.initial_base.get() * mx.launch_rush_size.get());
        let rush_top = probes::launch_rush(
            &mut world.fork(),
            &c,
            crate::setup::PROBER,
            mx.launch_rush_buyers,
            rush_each,
            u64::from(s.run.seconds_per_block),
        )?;
        let mut st = SeedState {
            contracts: c,
            publisher,
            agents,
            prices: Vec::with_capacity(s.run.ticks as usize + 1),
            levels,
            samples: Vec::new(),
            slippages: Vec::new(),
            rug_risk: 0.0,
            attack_gain: 0.0,
            victim_loss: 0.0,
            found: Vec::new(),
            seed,
            arena: crate::attack::probe::arena(p),
            probes_seen: 0,
            stake_swing: 0.0,
            staking_probes: 0,
            staking_ok: 0,
            return_loss: 0.0,
            max_fee: fee,
            rush_top,
            settlement: None,
            swap_volume: 0.0,
            speculator_pnl: 0.0,
            cfg: Cfg {
                slippage_trade: mx.slippage_trade.get(),
                rug_publisher: s.adversaries.rug_publisher,
                screen_extra: s.adversaries.screen_extra,
                screen_every: s.adversaries.screen_every,
                stake_probe_fraction: mx.stake_probe_fraction.get(),
                staking_epsilon: mx.staking_epsilon.get(),
                seconds_per_tick: spt,
                seconds_per_block: u64::from(s.run.seconds_per_block),
                sample_ticks: ticks_in(1.0, spt),
                noise: s.demand.noise.get(),
                launch_ticks: ticks_in(mx.launch_window_days.get(), spt) as usize,
                seed_liquidity: s.pool.initial_base.get(),
            },
            publisher_endowment: p.publisher_endowment,
        };
        st.prices.push(spot);
        sample_pool(&mut st, world)?;
        Ok(st)
    }

    fn step(&self, st: &mut SeedState, world: &mut World, tick: u32) -> Result<(), Fatal> {
        let c = st.contracts;
        let spt = st.cfg.seconds_per_tick;
        let spot = *st.prices.last().unwrap_or(&0.0);
        let level = st.levels[(tick as usize).min(st.levels.len() - 1)];
        st.publisher.act(world, &c, tick, spt, spot, level)?;
        let mut view_of_tick = TickView::new(
            world.timestamp(),
            spt,
            &st.prices,
            level,
            &st.samples,
            crate::setup::PROBER,
        );
        view_of_tick.after_launch = tick as usize > st.cfg.launch_ticks;
        for agent in &mut st.agents {
            agent.act(world, &c, &mut view_of_tick, st.cfg.noise)?;
        }
        let spot = to_tokens(view(world, c.pool, &IDataPool::spotPriceCall {})?);
        st.prices.push(spot);
        if tick.is_multiple_of(st.cfg.sample_ticks) {
            sample_pool(st, world)?;
        }
        Ok(())
    }

    fn probe(&self, st: &mut SeedState, probe: &mut Probe<'_>, _tick: u32) -> Result<(), Fatal> {
        probe_once(st, probe)
    }

    fn finish(&self, st: &mut SeedState, world: &mut World) -> Result<(), Fatal> {
        let c = st.contracts;
        st.settlement = Some(probes::settle_publisher(
            &mut world.fork(),
            &c,
            st.publisher.addr,
            st.cfg.seconds_per_block,
        )?);
        st.swap_volume = to_tokens(view(world, c.pool, &IDataPool::swapVolumeCall {})?);
        let now = world.timestamp();
        let spot = *st.prices.last().unwrap_or(&0.0);
        let (mut pnl, mut capital) = (0.0, 0.0);
        let spb = st.cfg.seconds_per_block;
        for a in &mut st.agents {
            match a.kind {
                AgentKind::Staker if !a.holdings.shares.is_zero() => {
                    let mut h = a.holdings;
                    let exit = probes::exit_all(&mut world.fork(), &c, a.addr, &mut h, spb)?;
                    let part = if exit.complete {
                        1.0
                    } else {
                        1.0 - to_tokens(h.shares) / to_tokens(a.holdings.shares)
                    };
                    a.book(to_tokens(exit.base_out), part, now);
                }
                AgentKind::Speculator => {
                    let start = a.initial_capital();
                    pnl += to_tokens(a.holdings.base) + to_tokens(a.holdings.dt) * spot - start;
                    capital += start;
                }
                _ => {}
            }
        }
        st.speculator_pnl = if capital > 0.0 { pnl / capital } else { 0.0 };
        Ok(())
    }

    fn kpi_columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = [
            "spot_price",
            "demand_level",
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
                "Spot price and demand level",
                "base per datatoken",
                &[("spot_price", "spot"), ("demand_level", "demand level")],
            ),
            PlotSpec::new(
                "pool",
                "Pool balances",
                "tokens",
                &[("base_balance", "base"), ("dt_balance", "datatoken")],
            ),
            PlotSpec::new(
                "worth",
                "Net worth by kind",
                "base tokens",
                &[
                    ("worth_publisher", "publisher"),
                    ("worth_staker", "stakers"),
                    ("worth_speculator", "speculators"),
                ],
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
        crate::attack::probe::attack_report(p, world, elapsed, request, s.adversaries.rug_publisher)
            .map(Some)
    }

    fn found_attacks(&self, st: &SeedState) -> Vec<FoundAttack> {
        st.found.clone()
    }

    fn attack_metric(&self) -> Option<&'static str> {
        Some(m::RUG_RISK)
    }

    fn check_attack(&self, text: &str) -> Result<(), String> {
        crate::attack::Attack::parse(text).map(|_| ())
    }

    fn absorb_attacks(
        &self,
        report: &tsynth_sim::AttackReport,
        values: &mut Values,
        found: &mut Vec<FoundAttack>,
    ) {
        let mut raise = |name: &str, v: f64| {
            let e = values.entry(name.to_string()).or_insert(0.0);
            *e = e.max(v);
        };
        for probe in &report.probes {
            // risk = max(gain, victim loss) / the pool's base at that state
            let worst = probe.gain.max(probe.victim_loss);
            let per_base = if worst > 0.0 { probe.risk / worst } else { 0.0 };
            raise(m::RUG_RISK, probe.risk);
            raise(m::ATTACK_GAIN, probe.gain * per_base);
            raise(m::VICTIM_LOSS, probe.victim_loss * per_base);
            // new discoveries only: templates are tried anyway, hall entries are in the hall
            if let Some(a) = probe.attack.as_ref().filter(|_| probe.origin == SEARCHED) {
                found.push(FoundAttack {
                    risk: probe.risk,
                    attack: a.clone(),
                });
            }
        }
        found.sort_by(|a, b| {
            b.risk
                .total_cmp(&a.risk)
                .then_with(|| a.attack.cmp(&b.attack))
        });
        found.dedup_by(|a, b| a.attack == b.attack);
        found.truncate(FOUND_PER_SEED);
    }

    fn measure(&self, st: SeedState, _p: &Prepared) -> Values {
        m::measure(&st.into_measured())
    }
}

impl SeedState {
    fn into_measured(self) -> m::Measured {
        let mut r = m::Measured {
            prices: self.prices,
            levels: self.levels,
            launch_ticks: self.cfg.launch_ticks,
            rush_top: self.rush_top,
            slippages: self.slippages,
            rug_risk: self.rug_risk,
            attack_gain: self.attack_gain,
            victim_loss: self.victim_loss,
            stake_swing: self.stake_swing,
            staking_probes: self.staking_probes,
            staking_ok: self.staking_ok,
            return_loss: self.return_loss,
            max_fee: self.max_fee,
            seed_liquidity: self.cfg.seed_liquidity,
            publisher_endowment: to_tokens(self.publisher_endowment),
            settlement: self.settlement,
            publisher_claimed: self.publisher.claimed,
            swap_volume: self.swap_volume,
            speculator_pnl: self.speculator_pnl,
            ..m::Measured::default()
        };
        let mut all = self.publisher.counts;
        for a in &self.agents {
            all.sent += a.counts.sent;
            all.failed += a.counts.failed;
            all.policy += a.counts.policy;
            let cs = &a.consumer;
            r.wishes += cs.wishes;
            r.wishes_after_launch += cs.wishes_after_launch;
            r.served_after_launch += cs.served_after_launch;
            r.willing += cs.willing;
            r.served += cs.served;
            r.cost_over_level += cs.cost_over_level;
            r.quoted += cs.quoted;
            r.consume_base += cs.cost_base;
            if a.kind == AgentKind::Staker {
                r.staker_realised += a.staker.realised;
                r.staker_capital_seconds += a.staker.capital_seconds;
            }
        }
        r.honest_txs = all.sent;
        r.honest_reverts = all.failed;
        r
    }
}

/// Reads the daily pool sample (volume, fee, value) stakers estimate yield from.
fn sample_pool(st: &mut SeedState, world: &mut World) -> Result<(), Fatal> {
    let c = st.contracts;
    let spot = *st.prices.last().unwrap_or(&0.0);
    let fee = to_tokens(view(world, c.pool, &IDataPool::swapFeeCall {})?);
    let base = to_tokens(view(world, c.pool, &IDataPool::baseBalanceCall {})?);
    let dt = to_tokens(view(world, c.pool, &IDataPool::dtBalanceCall {})?);
    let swap_volume = to_tokens(view(world, c.pool, &IDataPool::swapVolumeCall {})?);
    st.max_fee = st.max_fee.max(fee);
    st.samples.push(PoolSample {
        time: world.timestamp(),
        swap_volume,
        fee,
        value: base + dt * spot,
    });
    Ok(())
}

/// Measures slippage (dry run), lets each adversary try its attack on its own fork, and
/// runs the honest staking round trip on another.
fn probe_once(st: &mut SeedState, probe: &mut Probe<'_>) -> Result<(), Fatal> {
    let c = st.contracts;
    let spot = *st.prices.last().unwrap_or(&0.0);
    let pool_base = probe.view(c.pool, &IDataPool::baseBalanceCall {})?;
    let base_in = scale(pool_base, st.cfg.slippage_trade);
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
    let fee = to_tokens(probe.view(c.pool, &IDataPool::swapFeeCall {})?);
    st.max_fee = st.max_fee.max(fee);

    st.probes_seen += 1;
    let every = st.cfg.screen_every;
    if every > 0 && (st.probes_seen - 1).is_multiple_of(every) {
        let schedule = probe.schedule_seconds();
        let delays: Vec<u64> = [schedule].into_iter().filter(|&d| d > 0).collect();
        let world = probe.fork();
        let spec = ScreenSpec {
            delays: &delays,
            extra: st.cfg.screen_extra,
            publisher: st.cfg.rug_publisher,
            seed: st.seed ^ u64::from(st.probes_seen),
        };
        let found = tsynth_sim::stats::time_attack(|| screen(&world, &st.arena, &spec))?;
        st.note(found);
    }
    let trip = probes::stake_round_trip(
        &mut probe.fork(),
        &c,
        crate::setup::PROBER,
        scale(pool_base, st.cfg.stake_probe_fraction),
        st.cfg.staking_epsilon,
        st.cfg.seconds_per_block,
    )?;
    st.staking_probes += 1;
    if trip.ok {
        st.staking_ok += 1;
    }
    st.stake_swing = st.stake_swing.max(trip.swing);
    st.return_loss = st.return_loss.max(1.0 - trip.returned);
    Ok(())
}

/// The origin of an attack the search made (not a template, not the hall itself).
const SEARCHED: &str = "search";

/// Attacks a seed hands to the run's hall of fame (its best).
const FOUND_PER_SEED: usize = 3;

impl SeedState {
    /// Books what an attack screen found.
    fn note(&mut self, s: Screened) {
        self.rug_risk = self.rug_risk.max(s.risk);
        self.attack_gain = self.attack_gain.max(s.risk);
        if let Some(a) = s.attack.filter(|a| a.origin == SEARCHED) {
            self.found.push(FoundAttack {
                risk: s.risk,
                attack: Attack::encode(&a),
            });
        }
    }
}

fn kpi_row(st: &SeedState, w: &mut World, out: &mut Vec<f64>) -> Result<(), Fatal> {
    let c = &st.contracts;
    let spot = *st.prices.last().unwrap_or(&0.0);
    let level = st.levels[(st.prices.len() - 1).min(st.levels.len() - 1)];
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
        level,
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
        attacks: &tsynth_sim::AttackPlan::default(),
    }
    .run_seed(seed, record)
}
