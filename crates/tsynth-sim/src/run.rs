//! One simulation run per seed: the tick loop, the probes, KPIs, and the per-seed outcome;
//! and many seeds in parallel on rayon (results in seed order, whatever the thread count).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsynth_evm::bindings::IDataPool;
use tsynth_evm::{Address, Snapshot, U256, World};

use crate::adversary;
use crate::agents::{Contracts, Fatal, Holdings, HonestAgent, Publisher, TxCounts, view};
use crate::objectives::{self, ConstraintCounts, Objectives, SeedOutcome};
use crate::scenario::{AgentKind, Scenario};
use crate::units::{scale, to_tokens};

/// Slippage recorded when the probe buy itself is refused (a buy cap, an empty pool).
pub const REFUSED_BUY_SLIPPAGE: f64 = 1.0;

/// A candidate pool deployed, initialised and surrounded by funded agents: the state every
/// seed starts from (tick 0).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The state at tick 0 (each seed runs in its own copy).
    pub snapshot: Snapshot,
    /// Token and pool addresses.
    pub contracts: Contracts,
    /// The publisher's account.
    pub publisher: Address,
    /// What the publisher holds after initialising.
    pub publisher_holdings: Holdings,
    /// Every base token the publisher ever owned: seed liquidity plus capital.
    pub publisher_endowment: U256,
    /// The July-2022 attacker's account (funded with the scenario's attacker capital).
    pub attacker: Address,
    /// An account with a large base balance used for dry-run slippage probes.
    pub prober: Address,
    /// Honest agents' accounts, in scenario order (groups expanded).
    pub agents: Vec<Address>,
    /// Static complexity of the design (objective).
    pub complexity: f64,
}

/// Indices of agent kinds in per-kind KPI arrays.
pub const KINDS: [&str; 4] = ["publisher", "consumer", "staker", "speculator"];

fn kind_index(kind: AgentKind) -> usize {
    match kind {
        AgentKind::Consumer => 1,
        AgentKind::Staker => 2,
        AgentKind::Speculator => 3,
    }
}

/// KPIs of one tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TickKpi {
    /// Tick number (0 = right after initialisation).
    pub tick: u32,
    /// Block number.
    pub block: u64,
    /// Block timestamp.
    pub timestamp: u64,
    /// Spot price, base per datatoken, fee included.
    pub spot_price: f64,
    /// Pool base balance (tokens).
    pub base_balance: f64,
    /// Pool datatoken balance (tokens).
    pub dt_balance: f64,
    /// Pool share supply.
    pub total_shares: f64,
    /// Cumulative swap volume (base tokens).
    pub swap_volume: f64,
    /// Cumulative consume volume (datatokens).
    pub consume_volume: f64,
    /// Net worth in base tokens by kind (see [`KINDS`]).
    pub worth: [f64; 4],
    /// Cumulative failed (non-policy) transactions by kind.
    pub failed: [u64; 4],
    /// Cumulative policy rejections by kind.
    pub rejected: [u64; 4],
}

/// Everything one seed produced.
#[derive(Debug, Clone)]
pub struct SeedRun {
    /// Objectives, constraints and failure.
    pub outcome: SeedOutcome,
    /// Per-tick KPIs when recording was asked for.
    pub kpis: Vec<TickKpi>,
}

struct State {
    world: World,
    publisher: Publisher,
    agents: Vec<HonestAgent>,
    prices: Vec<f64>,
    slippages: Vec<f64>,
    rug_risk: f64,
    kpis: Vec<TickKpi>,
}

/// Runs one seed from `prepared`. Never panics on a bad design: failures become an
/// infeasible outcome with the reason.
pub fn run_seed(prepared: &Prepared, scenario: &Scenario, seed: u64, record: bool) -> SeedRun {
    let mut state = new_state(prepared, scenario, seed);
    let result = simulate(&mut state, prepared, scenario, record);
    let mut counts = ConstraintCounts::default();
    let mut all = state.publisher.counts;
    for a in &state.agents {
        all.sent += a.counts.sent;
        all.failed += a.counts.failed;
        all.policy += a.counts.policy;
        counts.consume_attempts += a.consume_attempts;
        counts.consume_successes += a.consume_successes;
    }
    counts.honest_txs = all.sent;
    counts.honest_reverts = all.failed;
    let m = &scenario.metrics;
    let (violation, failure) = match &result {
        Ok(()) => (
            counts.violation(m.max_honest_revert_rate.get(), m.min_consumer_success.get()),
            None,
        ),
        Err(f) => (
            objectives::SETUP_FAILURE_VIOLATION,
            Some(format!(
                "tick {}: {f}",
                state.prices.len().saturating_sub(1)
            )),
        ),
    };
    let slippage = if state.slippages.is_empty() {
        0.0
    } else {
        state.slippages.iter().sum::<f64>() / state.slippages.len() as f64
    };
    SeedRun {
        outcome: SeedOutcome {
            seed,
            objectives: Objectives {
                slippage,
                volatility: objectives::volatility(&state.prices),
                rug_risk: state.rug_risk,
                complexity: prepared.complexity,
            },
            counts,
            violation,
            failure,
        },
        kpis: state.kpis,
    }
}

/// Runs every seed on the current rayon pool; results come back in the order of `seeds`.
pub fn run_seeds(
    prepared: &Prepared,
    scenario: &Scenario,
    seeds: &[u64],
    record: bool,
) -> Vec<SeedRun> {
    seeds
        .par_iter()
        .map(|&s| run_seed(prepared, scenario, s, record))
        .collect()
}

fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

fn new_state(prepared: &Prepared, scenario: &Scenario, seed: u64) -> State {
    let publisher = Publisher::new(
        &scenario.publisher,
        prepared.publisher,
        prepared.publisher_holdings,
        stream_rng(seed, 0),
    );
    let mut agents = Vec::with_capacity(prepared.agents.len());
    let mut addrs = prepared.agents.iter();
    for spec in &scenario.agents {
        for _ in 0..spec.count {
            let addr = *addrs.next().expect("prepared agents match the scenario");
            let stream = agents.len() as u64 + 1;
            agents.push(HonestAgent::new(
                spec,
                addr,
                crate::units::to_wei(spec.capital.get()),
                stream_rng(seed, stream),
            ));
        }
    }
    State {
        world: prepared.snapshot.to_world(),
        publisher,
        agents,
        prices: Vec::with_capacity(scenario.run.ticks as usize + 1),
        slippages: Vec::new(),
        rug_risk: 0.0,
        kpis: Vec::new(),
    }
}

fn simulate(
    st: &mut State,
    prepared: &Prepared,
    scenario: &Scenario,
    record: bool,
) -> Result<(), Fatal> {
    let c = prepared.contracts;
    let spot = view(&mut st.world, c.pool, &IDataPool::spotPriceCall {})?;
    st.prices.push(to_tokens(spot));
    if record {
        let k = kpi(st, &c, 0, to_tokens(spot))?;
        st.kpis.push(k);
    }
    let run = &scenario.run;
    for tick in 1..=run.ticks {
        st.world.advance(1, u64::from(run.seconds_per_tick));
        st.publisher.act(&mut st.world, &c, tick)?;
        for agent in &mut st.agents {
            agent.act(&mut st.world, &c)?;
        }
        let spot = to_tokens(view(&mut st.world, c.pool, &IDataPool::spotPriceCall {})?);
        st.prices.push(spot);
        if record {
            let k = kpi(st, &c, tick, spot)?;
            st.kpis.push(k);
        }
        if run.probe_interval > 0 && tick.is_multiple_of(run.probe_interval) {
            probe(st, prepared, scenario, spot)?;
        }
    }
    Ok(())
}

/// Measures slippage (dry run) and lets each adversary try its attack on its own fork.
fn probe(st: &mut State, p: &Prepared, scenario: &Scenario, spot: f64) -> Result<(), Fatal> {
    let c = p.contracts;
    let pool_base = view(&mut st.world, c.pool, &IDataPool::baseBalanceCall {})?;
    let base_in = scale(pool_base, scenario.metrics.slippage_trade.get());
    let buy = IDataPool::buyDtCall {
        baseIn: base_in,
        minDtOut: U256::ZERO,
    };
    crate::agents::count_call();
    let slip = match st.world.dry_run_sol(p.prober, c.pool, &buy) {
        Ok(dt_out) => objectives::slippage(to_tokens(base_in), to_tokens(dt_out), spot),
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
    let adv = &scenario.adversaries;
    if adv.rug_publisher {
        let mut fork = st.world.fork();
        gain = gain.max(adversary::rug_pull(
            &mut fork,
            &c,
            p.publisher,
            p.publisher_endowment,
        )?);
    }
    let capital = crate::units::to_wei(adv.attacker_capital.get());
    if !capital.is_zero() && adv.attacker_max_loops > 0 {
        let mut fork = st.world.fork();
        gain = gain.max(adversary::stake_loop(
            &mut fork,
            &c,
            p.attacker,
            capital,
            adv.attacker_max_loops,
        )?);
    }
    let pool_base = to_tokens(pool_base);
    if pool_base > 0.0 {
        st.rug_risk = st.rug_risk.max(to_tokens(gain) / pool_base);
    }
    Ok(())
}

fn kpi(st: &mut State, c: &Contracts, tick: u32, spot: f64) -> Result<TickKpi, Fatal> {
    let w = &mut st.world;
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
    Ok(TickKpi {
        tick,
        block: w.block_number(),
        timestamp: w.timestamp(),
        spot_price: spot,
        base_balance,
        dt_balance,
        total_shares,
        swap_volume,
        consume_volume,
        worth,
        failed,
        rejected,
    })
}

/// Writes KPIs as CSV (one row per tick, a header first).
pub fn write_kpis_csv(kpis: &[TickKpi], out: &mut impl std::io::Write) -> std::io::Result<()> {
    write!(
        out,
        "tick,block,timestamp,spot_price,base_balance,dt_balance,total_shares,swap_volume,consume_volume"
    )?;
    for k in KINDS {
        write!(out, ",worth_{k}")?;
    }
    for k in KINDS {
        write!(out, ",failed_{k}")?;
    }
    for k in KINDS {
        write!(out, ",rejected_{k}")?;
    }
    writeln!(out)?;
    for k in kpis {
        write!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            k.tick,
            k.block,
            k.timestamp,
            k.spot_price,
            k.base_balance,
            k.dt_balance,
            k.total_shares,
            k.swap_volume,
            k.consume_volume
        )?;
        for v in k.worth {
            write!(out, ",{v}")?;
        }
        for v in k.failed.iter().chain(k.rejected.iter()) {
            write!(out, ",{v}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
