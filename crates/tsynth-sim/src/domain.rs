//! The seam between the engine and a mechanism: the [`Domain`] trait.
//!
//! The engine ([`crate::engine`], [`crate::Simulator`]) owns the pipeline every mechanism
//! shares: compile → deploy of the environment (once per process) → a per-seed copy of the
//! prepared world → the tick loop with block time → probes on the schedule → the KPI series →
//! the per-seed outcome (named values, constraint violation, failure) → aggregation over
//! seeds. A domain owns what is particular to one kind of mechanism: its environment
//! contracts and deploy sequence, its agents and adversaries, its scenario schema, its KPI
//! columns, and its metrics.
//!
//! # Shape
//! Like revm's `Handler`, the trait is a set of hooks called in a fixed order, with associated
//! types for the state that flows between them:
//!
//! ```text
//! parse_scenario ─► Scenario            (once per run)
//! build_env      ─► Env                 (once per process and scenario)
//! prepare        ─► (Snapshot, Prepared) (once per candidate: deploy, fund, initialise)
//! per seed:  start ─► Seed;  for tick in 1..=ticks { advance time; step; [kpis]; [probe] }
//!            finish(Seed, world);  measure(Seed) ─► named values
//! ```
//!
//! Associated types rather than trait objects inside the loop keep the hot path monomorphic
//! (one tick is a handful of EVM calls; a virtual call per hook would be noise, but boxing
//! the per-seed state would not be). Search and the CLI see a domain only through the
//! object-safe [`crate::Simulate`], so they are not generic.

use std::collections::BTreeMap;
use std::path::Path;

use tsynth_evm::{EvmError, Snapshot, U256, World};
use tsynth_solc::{Compiler, ContractArtifact, Settings};

use crate::kpi::PlotSpec;
use crate::metrics::{MetricSpec, Selection, Values};
use crate::scenario::{RunSpec, ScenarioError};

/// A domain's own error (environment or candidate set-up), boxed across the seam.
pub type DomainError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error that ends one seed's simulation: the candidate is infeasible on that seed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{what}: {source}")]
pub struct Fatal {
    /// What was being done.
    pub what: String,
    /// The EVM error.
    pub source: EvmError,
}

/// The world as a probe sees it: it can read (dry runs) and fork, never commit, so probing
/// never changes the main path.
#[derive(Debug)]
pub struct Probe<'a> {
    world: &'a mut World,
    schedule_seconds: u64,
    elapsed_seconds: u64,
    seconds_per_block: u32,
}

impl<'a> Probe<'a> {
    /// Wraps the main world for one probe, `elapsed_seconds` after launch, of a design whose
    /// longest schedule ends `schedule_seconds` after launch.
    pub(crate) fn new(
        world: &'a mut World,
        schedule_seconds: u64,
        elapsed_seconds: u64,
        seconds_per_block: u32,
    ) -> Self {
        Self {
            world,
            schedule_seconds,
            elapsed_seconds,
            seconds_per_block,
        }
    }

    /// The design's longest time-based schedule, seconds after launch (0: none).
    pub fn schedule_seconds(&self) -> u64 {
        self.schedule_seconds
    }

    /// Seconds since launch (tick 0) at this probe.
    pub fn elapsed_seconds(&self) -> u64 {
        self.elapsed_seconds
    }

    /// A fork moved `seconds` forward (block number by the scenario's block time), to see
    /// what the state allows later: a lock that has expired, a schedule that has ended.
    pub fn fork_ahead(&self, seconds: u64) -> World {
        let mut w = self.world.fork();
        if seconds > 0 {
            let blocks = seconds.div_ceil(u64::from(self.seconds_per_block.max(1)));
            w.advance(blocks.max(1), seconds);
        }
        w
    }

    /// A copy of the current state to act on (an adversary's fork).
    pub fn fork(&self) -> World {
        self.world.fork()
    }

    /// A dry run (no state change) of a `sol!`-bound call.
    pub fn dry_run_sol<C: tsynth_evm::SolCall>(
        &mut self,
        from: tsynth_evm::Address,
        to: tsynth_evm::Address,
        call: &C,
    ) -> Result<C::Return, EvmError> {
        crate::stats::count_call();
        self.world.dry_run_sol(from, to, call)
    }

    /// Reads a view on the current state (fatal when it fails: views must work).
    pub fn view<C: tsynth_evm::SolCall>(
        &mut self,
        to: tsynth_evm::Address,
        call: &C,
    ) -> Result<C::Return, Fatal> {
        crate::tx::view(self.world, to, call)
    }

    /// The current block number.
    pub fn block_number(&self) -> u64 {
        self.world.block_number()
    }

    /// The current block timestamp.
    pub fn timestamp(&self) -> u64 {
        self.world.timestamp()
    }
}

/// A kind of mechanism, simulated by the engine. See the module documentation for the order
/// in which the hooks are called.
pub trait Domain: Send + Sync + 'static {
    /// The parsed scenario (the domain's schema; it embeds the engine's [`RunSpec`]).
    type Scenario: Clone + Send + Sync + std::fmt::Debug;
    /// The deployed environment every candidate starts from.
    type Env: Send + Sync;
    /// A candidate deployed and set up (besides its world snapshot): what every seed needs.
    type Prepared: Send + Sync;
    /// One seed's mutable state (agents, series being measured).
    type Seed: Send;

    /// The domain's name, as scenario files and the CLI's registry spell it.
    fn name(&self) -> &'static str;

    /// Every metric the domain measures (the engine adds [`crate::metrics::COMPLEXITY`]).
    fn metrics(&self) -> Vec<MetricSpec>;

    /// The default objectives, constraints and comparison rule for `scenario`.
    fn default_selection(&self, scenario: &Self::Scenario) -> Selection;

    /// Parses scenario text (`path` names the file in messages).
    fn parse_scenario(&self, text: &str, path: &Path) -> Result<Self::Scenario, ScenarioError>;

    /// The time settings of `scenario`.
    fn run_spec<'s>(&self, scenario: &'s Self::Scenario) -> &'s RunSpec;

    /// Compiles and deploys the environment from the building-block sources.
    fn build_env(
        &self,
        compiler: &Compiler,
        blocks: &BTreeMap<String, String>,
        settings: &Settings,
    ) -> Result<Self::Env, DomainError>;

    /// Deploys `candidate` (with its block parameters) into a copy of `env` and sets up
    /// everything a seed starts from; returns that state's snapshot (tick 0) and the rest.
    fn prepare(
        &self,
        env: &Self::Env,
        candidate: &ContractArtifact,
        params: &[U256],
        scenario: &Self::Scenario,
    ) -> Result<(Snapshot, Self::Prepared), DomainError>;

    /// Starts one seed in `world` (a fresh copy of the prepared snapshot, at tick 0).
    fn start(
        &self,
        prepared: &Self::Prepared,
        scenario: &Self::Scenario,
        seed: u64,
        world: &mut World,
    ) -> Result<Self::Seed, Fatal>;

    /// One tick: the engine has already advanced block number and time.
    fn step(&self, seed: &mut Self::Seed, world: &mut World, tick: u32) -> Result<(), Fatal>;

    /// A probe tick: adversaries act on forks, measurements by dry run.
    fn probe(&self, seed: &mut Self::Seed, probe: &mut Probe<'_>, tick: u32) -> Result<(), Fatal>;

    /// Names of the domain's KPI columns (after the engine's tick, block, timestamp).
    fn kpi_columns(&self) -> Vec<String>;

    /// The domain's KPI values for the current tick, in [`Domain::kpi_columns`] order.
    fn kpis(&self, seed: &Self::Seed, world: &mut World, out: &mut Vec<f64>) -> Result<(), Fatal>;

    /// Charts `tsynth sim` draws from the KPIs.
    fn plots(&self) -> Vec<PlotSpec> {
        Vec::new()
    }

    /// After the last tick (not after a [`Fatal`] error): final reads of the world (e.g.
    /// the agents' holdings). Does nothing by default. (The engine then runs the full attack
    /// search of an [`AttackPlan`] on the final world itself, through [`Domain::attack`].)
    fn finish(&self, seed: &mut Self::Seed, world: &mut World) -> Result<(), Fatal> {
        let _ = (seed, world);
        Ok(())
    }

    /// The attacks this seed's run found (best first), in the domain's encoding, for the
    /// run's hall of fame. None by default.
    fn found_attacks(&self, seed: &Self::Seed) -> Vec<FoundAttack> {
        let _ = seed;
        Vec::new()
    }

    /// The metric the adversary search's risk feeds (e.g. `rug_risk`); `None` when the
    /// domain has no attack search.
    fn attack_metric(&self) -> Option<&'static str> {
        None
    }

    /// Checks an attack written in the domain's encoding (a `--replay` text, a hall entry):
    /// `Err` says what is wrong. By default every text is accepted.
    fn check_attack(&self, _text: &str) -> Result<(), String> {
        Ok(())
    }

    /// Books an end-of-run full search into a seed's values and found attacks. By default
    /// the worst probe's risk raises [`Domain::attack_metric`] and every probe's attack goes
    /// to `found`.
    fn absorb_attacks(
        &self,
        report: &AttackReport,
        values: &mut Values,
        found: &mut Vec<FoundAttack>,
    ) {
        if let (Some(metric), Some(w)) = (self.attack_metric(), report.worst()) {
            let v = values.entry(metric.to_string()).or_insert(0.0);
            *v = v.max(w.risk);
        }
        found.extend(report.probes.iter().filter_map(|p| {
            p.attack.clone().map(|attack| FoundAttack {
                risk: p.risk,
                attack,
            })
        }));
    }

    /// The seed's metric values (also after a [`Fatal`] error: what was measured so far).
    fn measure(&self, seed: Self::Seed, prepared: &Self::Prepared) -> Values;

    /// The domain's adversary search on one prepared candidate, at tick 0 and on forks moved
    /// forward in time (for `tsynth attack`). `None`: the domain has no attack search.
    ///
    /// `world` is the state after the honest market ran [`AttackRequest::after_ticks`] ticks
    /// (`seed` is that run's state, `None` at tick 0); every attack runs on a fork of it.
    fn attack(
        &self,
        prepared: &Self::Prepared,
        seed: Option<&Self::Seed>,
        world: &World,
        scenario: &Self::Scenario,
        request: &AttackRequest,
    ) -> Result<Option<AttackReport>, Fatal> {
        let _ = (prepared, seed, world, scenario, request);
        Ok(None)
    }
}

/// What `tsynth attack` asks a domain's adversary search for.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackRequest {
    /// Attack evaluations per probed state.
    pub budget: u32,
    /// RNG seed of the search.
    pub seed: u64,
    /// Start the search from the domain's templates (off: the search must find attacks
    /// itself).
    pub templates: bool,
    /// The design's longest time-based schedule (seconds after launch): a probe sits just
    /// past its end.
    pub schedule_seconds: u64,
    /// Ticks of the honest market (scenario seed [`AttackRequest::market_seed`]) before the
    /// attack: 0 attacks the freshly launched pool, where only the publisher's own seed is at
    /// stake.
    pub after_ticks: u32,
    /// The scenario seed of that honest run.
    pub market_seed: u64,
    /// Attacks to start the search from (a hall of fame, or a stored attack to replay), in
    /// the domain's encoding ([`AttackProbe::attack`]).
    pub hall: Vec<String>,
    /// A screen, not a search: only the starting attacks (the hall, and the templates when
    /// [`AttackRequest::templates`]) on the state as it is — no forks moved forward in time,
    /// nothing searched; `budget` is ignored.
    pub screen_only: bool,
}

/// What a simulation does about attacks at the end of its scenario, beside the domain's own
/// in-simulation probes: co-evolution's part of an evaluation.
///
/// With `full_budget > 0`, every seed that is feasible at the end of its run gets the
/// domain's full attack search on its final state (the states `tsynth attack` probes: now,
/// +1 day, +7 days, the end of the design's schedule), started from the hall of fame
/// (attacks found on earlier designs) and the domain's templates. The plan is part of what
/// determines a result, so [`AttackPlan::fingerprint`] belongs in any cache key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AttackPlan {
    /// Attacks found earlier in the run (the domain's encoding), best first.
    pub hall: Vec<String>,
    /// Attack evaluations per probed state of the full search at the end of the scenario
    /// (0: no full search).
    pub full_budget: u32,
    /// RNG seed of the full search.
    pub seed: u64,
    /// With a full search: the seeds that get it (empty: every seed); the others get the
    /// screen (the hall replayed on their final state). A plan with a hall and
    /// `full_budget` 0 is a screen on every seed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub searched_seeds: Vec<u64>,
    /// The full search also on searched seeds that are infeasible at the end of their run
    /// (the held-out re-score: every stored risk comes from the strong search); otherwise
    /// such a seed gets a last screen of the hall and the domain's templates.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub search_infeasible: bool,
}

impl AttackPlan {
    /// Whether the plan attacks the final state at all.
    pub fn attacks_anything(&self) -> bool {
        !self.is_none()
    }

    /// Whether seed `seed` gets the full search (else the screen, when there is a hall).
    pub fn searches(&self, seed: u64) -> bool {
        self.full_budget > 0
            && (self.searched_seeds.is_empty() || self.searched_seeds.contains(&seed))
    }

    /// The same plan with the full search on `seed` only (none: every seed), the hall
    /// replayed on the others.
    pub fn searching_only(&self, seed: Option<u64>) -> Self {
        Self {
            searched_seeds: seed.into_iter().collect(),
            ..self.clone()
        }
    }

    /// The same plan as a screen: the hall replayed on every seed, nothing searched.
    pub fn screen(&self) -> Self {
        Self {
            full_budget: 0,
            searched_seeds: Vec::new(),
            search_infeasible: false,
            ..self.clone()
        }
    }

    /// The same plan with the full search on its searched seeds even where they end
    /// infeasible.
    pub fn searching_infeasible(&self) -> Self {
        Self {
            search_infeasible: true,
            ..self.clone()
        }
    }

    /// True for the plan that attacks nothing at the end of the run.
    pub fn is_none(&self) -> bool {
        self.hall.is_empty() && self.full_budget == 0
    }

    /// A short text that differs whenever the plan does (for cache keys).
    pub fn fingerprint(&self) -> String {
        use std::hash::{Hash, Hasher};
        if self.hall.is_empty() && self.full_budget == 0 {
            return String::new();
        }
        // FNV-1a over the fields: stable across runs and platforms (unlike DefaultHasher's
        // seed, which std does not promise).
        struct Fnv(u64);
        impl Hasher for Fnv {
            fn finish(&self) -> u64 {
                self.0
            }
            fn write(&mut self, bytes: &[u8]) {
                for b in bytes {
                    self.0 ^= u64::from(*b);
                    self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        self.hash(&mut h);
        format!("a{:016x}", h.finish())
    }
}

/// One attack a run found, for the hall of fame.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoundAttack {
    /// Its risk on the design it was found on (the domain's risk metric).
    pub risk: f64,
    /// The attack in the domain's encoding.
    pub attack: String,
}

/// The best attack found at one probed state.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackProbe {
    /// Which state: "now", "+1 day", "schedule end (30.0 days)", ...
    pub when: String,
    /// Seconds after the attacked state.
    pub offset_seconds: u64,
    /// The attacker's net gain (the domain's unit, e.g. base tokens).
    pub gain: f64,
    /// What honest holders lose in the same attack, at realisable value (same unit).
    pub victim_loss: f64,
    /// The worse of gain and victim loss relative to what is at stake (the domain's risk
    /// metric).
    pub risk: f64,
    /// Attack evaluations spent, and the one that first reached the best.
    pub evaluations: u32,
    /// 1-based evaluation at which the best attack was first found.
    pub found_at: u32,
    /// Where the best attack came from (a template's name or "search").
    pub origin: String,
    /// The attack as numbered transactions with amounts, block and time.
    pub lines: Vec<String>,
    /// The attack in the domain's encoding (for a hall of fame or a replay); `None` when
    /// nothing paid.
    pub attack: Option<String>,
}

/// Every probed state of one attack search.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttackReport {
    /// One entry per probed state.
    pub probes: Vec<AttackProbe>,
    /// States not searched because they cannot differ from an earlier probed one: every
    /// time-based schedule of the design has run out by then and nobody trades on a fork,
    /// so the pool behaves as at that earlier state (each entry names the skipped state).
    pub settled: Vec<String>,
}

impl AttackReport {
    /// The probe with the largest risk (the earliest of equal ones).
    pub fn worst(&self) -> Option<&AttackProbe> {
        self.probes
            .iter()
            .reduce(|best, p| if p.risk > best.risk { p } else { best })
    }
}
