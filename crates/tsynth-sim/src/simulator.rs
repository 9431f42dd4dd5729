//! The simulator as one object: a domain, a scenario, the deployed environment and the
//! compiler. `evaluate` takes a derived source set and its block parameters through compile →
//! prepare → every seed, and never fails: a candidate that does not compile, reverts during
//! set-up or runs out of gas comes back infeasible with its reason.
//!
//! Search and the CLI hold a simulator as `Arc<dyn` [`Simulate`]`>`, so they never depend on
//! which domain it simulates.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tsynth_evm::U256;
use tsynth_solc::{CompileOutput, Compiler, Settings, SolcError};

use crate::domain::{AttackPlan, Domain, DomainError};
use crate::engine::{Candidate, SeedRun};
use crate::kpi::PlotSpec;
use crate::metrics::{
    COMPLEXITY, HORIZON_COVERAGE, MetricSpec, Selection, Values, complexity_metric,
    horizon_coverage_metric,
};
use crate::outcome::{Aggregate, SETUP_FAILURE_VIOLATION, SeedOutcome};
use crate::scenario::{RunSpec, ScenarioError};

/// Source unit name of the generated candidate (the grammar's emitter writes it).
pub const CANDIDATE_UNIT: &str = "Candidate.sol";
/// Name of the generated candidate contract.
pub const CANDIDATE_CONTRACT: &str = "Candidate";

/// The result of evaluating one design on a set of seeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimEvaluation {
    /// Per-seed outcomes, in seed order (empty when the design failed before any seed ran).
    pub seeds: Vec<SeedOutcome>,
    /// Mean, worst, violation and failure over the seeds.
    pub aggregate: Aggregate,
    /// Whether the compile came from the cache (`None` when it failed before that).
    pub compile_cached: Option<bool>,
}

impl SimEvaluation {
    /// An evaluation that failed before any seed ran: every metric at its reference value
    /// (the worst acceptable), complexity as computed.
    pub fn failed(reason: String, metrics: &[MetricSpec], complexity: f64) -> Self {
        let mut values: Values = metrics
            .iter()
            .map(|m| (m.name.clone(), m.reference))
            .collect();
        values.insert(COMPLEXITY.into(), complexity);
        let seed = SeedOutcome {
            seed: 0,
            values,
            violation: SETUP_FAILURE_VIOLATION,
            failure: Some(reason),
            condition: None,
            attacks: Vec::new(),
        };
        Self {
            seeds: Vec::new(),
            aggregate: Aggregate::from_seeds(std::slice::from_ref(&seed), metrics),
            compile_cached: None,
        }
    }
}

/// Why a simulator could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario file is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A building-block file could not be read.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The I/O error (in the message, not a separate cause, so it prints once).
        error: std::io::Error,
    },
    /// The domain could not compile or deploy its environment.
    #[error("setting up the {domain} environment: {error}")]
    Environment {
        /// The domain.
        domain: &'static str,
        /// Its error (in the message, not a separate cause, so it prints once).
        error: DomainError,
    },
    /// The run's selection names unknown metrics or has bad bounds.
    #[error("{0}")]
    Selection(String),
}

/// A simulator of one domain on one scenario, as search and the CLI see it.
pub trait Simulate: Send + Sync + std::fmt::Debug {
    /// The domain's name.
    fn domain(&self) -> &'static str;
    /// Every metric measured (the domain's and the engine's complexity).
    fn metrics(&self) -> &[MetricSpec];
    /// The objectives, constraints and comparison rule in force.
    fn selection(&self) -> &Selection;
    /// Replaces the selection (validated against [`Simulate::metrics`]).
    fn set_selection(&mut self, selection: Selection) -> Result<(), SimError>;
    /// The scenario's time settings.
    fn run_spec(&self) -> &RunSpec;
    /// KPI charts the domain wants drawn.
    fn plots(&self) -> Vec<PlotSpec>;
    /// The compiler.
    fn compiler(&self) -> &'static Compiler;
    /// The compiler settings candidates are compiled with.
    fn settings(&self) -> &Settings;
    /// Compiles and evaluates a design on `seeds`; `record` keeps per-tick KPIs.
    /// `schedule_seconds` is the design's longest time-based schedule (0 = none; see
    /// `tsynth_grammar::Emitted::schedule_seconds`), judged against the scenario's horizon.
    /// Only the domain's in-simulation probes attack (no hall of fame, no full search: see
    /// [`Simulate::evaluate_with`]).
    fn evaluate(
        &self,
        sources: &BTreeMap<String, String>,
        params: &[U256],
        schedule_seconds: u64,
        seeds: &[u64],
        record: bool,
    ) -> (SimEvaluation, Vec<SeedRun>) {
        let plan = AttackPlan::default();
        self.evaluate_with(sources, params, schedule_seconds, seeds, record, &plan)
    }
    /// [`Simulate::evaluate`] with the attacks of `plan` on each seed's final state.
    fn evaluate_with(
        &self,
        sources: &BTreeMap<String, String>,
        params: &[U256],
        schedule_seconds: u64,
        seeds: &[u64],
        record: bool,
        plan: &AttackPlan,
    ) -> (SimEvaluation, Vec<SeedRun>) {
        let request = tsynth_solc::CompileRequest::new(sources.clone())
            .with_settings(self.settings().clone());
        let compiled = self.compiler().compile(&request);
        let how = EvalOptions {
            schedule_seconds,
            record,
            plan,
        };
        self.evaluate_compiled(sources, compiled.as_ref(), params, seeds, &how)
    }
    /// The metric the domain's attack search feeds (`None`: no attack search).
    fn attack_metric(&self) -> Option<&'static str>;
    /// Checks an attack text in the domain's encoding (`Err` says what is wrong).
    fn check_attack(&self, text: &str) -> Result<(), String>;
    /// Compiles and prepares a design and runs the domain's adversary search on it
    /// (`Ok(None)` when the domain has none). Errors say why the design could not be set up.
    fn attack(
        &self,
        sources: &BTreeMap<String, String>,
        params: &[U256],
        request: &crate::domain::AttackRequest,
    ) -> Result<Option<crate::domain::AttackReport>, String>;
    /// Like [`Simulate::evaluate`] for a caller that already compiled `sources` with
    /// [`Simulate::settings`], so nothing is compiled twice.
    fn evaluate_compiled(
        &self,
        sources: &BTreeMap<String, String>,
        compiled: Result<&CompileOutput, &SolcError>,
        params: &[U256],
        seeds: &[u64],
        how: &EvalOptions<'_>,
    ) -> (SimEvaluation, Vec<SeedRun>);
}

/// How [`Simulate::evaluate_compiled`] runs a design: its schedule length (judged against
/// the horizon), whether per-tick KPIs are kept, and the end-of-run attacks.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions<'a> {
    /// The design's longest time-based schedule in seconds (0 = none).
    pub schedule_seconds: u64,
    /// Keep per-tick KPIs.
    pub record: bool,
    /// The hall of fame and full search at the end of each seed.
    pub plan: &'a AttackPlan,
}

/// The simulator of domain `D` on one scenario.
pub struct Simulator<D: Domain> {
    domain: D,
    scenario: D::Scenario,
    env: D::Env,
    compiler: &'static Compiler,
    settings: Settings,
    metrics: Vec<MetricSpec>,
    selection: Selection,
    /// Complexity by compile-cache key (a function of the structure only).
    complexity: Mutex<HashMap<String, f64>>,
}

impl<D: Domain> std::fmt::Debug for Simulator<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("domain", &self.domain.name())
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

impl<D: Domain> Simulator<D> {
    /// Builds the environment of `domain` from `blocks_dir` (a `building-blocks/` folder)
    /// for `scenario`, with the domain's default selection.
    pub fn new(
        domain: D,
        scenario: D::Scenario,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Self, SimError> {
        let sources = load_sources(blocks_dir)?;
        let env = domain
            .build_env(compiler, &sources, &settings)
            .map_err(|error| SimError::Environment {
                domain: domain.name(),
                error,
            })?;
        let mut metrics = domain.metrics();
        if !metrics.iter().any(|m| m.name == COMPLEXITY) {
            metrics.push(complexity_metric());
        }
        if !metrics.iter().any(|m| m.name == HORIZON_COVERAGE) {
            metrics.push(horizon_coverage_metric());
        }
        let selection = domain.default_selection(&scenario);
        Ok(Self {
            domain,
            scenario,
            env,
            compiler,
            settings,
            metrics,
            selection,
            complexity: Mutex::default(),
        })
    }

    /// Parses `text` as a scenario of `domain` and builds the simulator.
    pub fn from_scenario_text(
        domain: D,
        text: &str,
        path: &Path,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Self, SimError> {
        let scenario = domain.parse_scenario(text, path)?;
        Self::new(domain, scenario, compiler, blocks_dir, settings)
    }

    /// The scenario.
    pub fn scenario(&self) -> &D::Scenario {
        &self.scenario
    }

    /// The domain.
    pub fn domain_ref(&self) -> &D {
        &self.domain
    }

    /// The deployed environment.
    pub fn env(&self) -> &D::Env {
        &self.env
    }

    fn complexity_of(&self, cache_key: &str, sources: &BTreeMap<String, String>) -> f64 {
        let mut memo = self.complexity.lock().unwrap_or_else(|p| p.into_inner());
        *memo
            .entry(cache_key.to_string())
            .or_insert_with(|| crate::complexity::of_sources(sources))
    }
}

impl<D: Domain> Simulate for Simulator<D> {
    fn domain(&self) -> &'static str {
        self.domain.name()
    }

    fn metrics(&self) -> &[MetricSpec] {
        &self.metrics
    }

    fn selection(&self) -> &Selection {
        &self.selection
    }

    fn set_selection(&mut self, selection: Selection) -> Result<(), SimError> {
        selection
            .validate(&self.metrics)
            .map_err(SimError::Selection)?;
        self.selection = selection;
        Ok(())
    }

    fn run_spec(&self) -> &RunSpec {
        self.domain.run_spec(&self.scenario)
    }

    fn plots(&self) -> Vec<PlotSpec> {
        self.domain.plots()
    }

    fn compiler(&self) -> &'static Compiler {
        self.compiler
    }

    fn settings(&self) -> &Settings {
        &self.settings
    }

    fn attack_metric(&self) -> Option<&'static str> {
        self.domain.attack_metric()
    }

    fn check_attack(&self, text: &str) -> Result<(), String> {
        self.domain.check_attack(text)
    }

    fn attack(
        &self,
        sources: &BTreeMap<String, String>,
        params: &[U256],
        request: &crate::domain::AttackRequest,
    ) -> Result<Option<crate::domain::AttackReport>, String> {
        let request_c =
            tsynth_solc::CompileRequest::new(sources.clone()).with_settings(self.settings.clone());
        let out = self
            .compiler
            .compile(&request_c)
            .map_err(|e| format!("compile: {e}"))?;
        let artifact = candidate_artifact(&out)
            .ok_or_else(|| format!("compile: no deployable `{CANDIDATE_CONTRACT}`"))?;
        let (snapshot, prepared) = self
            .domain
            .prepare(&self.env, artifact, params, &self.scenario)
            .map_err(|e| format!("set-up: {e}"))?;
        let no_plan = AttackPlan::default();
        let (world, seed) = if request.after_ticks == 0 {
            (snapshot.to_world(), None)
        } else {
            let candidate = Candidate {
                domain: &self.domain,
                scenario: &self.scenario,
                snapshot: &snapshot,
                prepared: &prepared,
                complexity: 0.0,
                schedule_seconds: request.schedule_seconds,
                selection: &self.selection,
                metrics: &self.metrics,
                attacks: &no_plan,
            };
            let (world, st) = candidate
                .run_until(request.market_seed, request.after_ticks)
                .map_err(|e| format!("honest market before the attack: {e}"))?;
            (world, Some(st))
        };
        self.domain
            .attack(&prepared, seed.as_ref(), &world, &self.scenario, request)
            .map_err(|e| format!("attack: {e}"))
    }

    fn evaluate_compiled(
        &self,
        sources: &BTreeMap<String, String>,
        compiled: Result<&CompileOutput, &SolcError>,
        params: &[U256],
        seeds: &[u64],
        how: &EvalOptions<'_>,
    ) -> (SimEvaluation, Vec<SeedRun>) {
        let EvalOptions {
            schedule_seconds,
            record,
            plan,
        } = *how;
        let failed = |reason: String, complexity: f64| {
            SimEvaluation::failed(reason, &self.metrics, complexity)
        };
        let out = match compiled {
            Ok(out) => out,
            Err(e) => {
                let c = crate::complexity::of_sources(sources);
                return (failed(format!("compile: {e}"), c), vec![]);
            }
        };
        let complexity = self.complexity_of(&out.cache_key, sources);
        let cached = out.origin.is_cached();
        let Some(artifact) = candidate_artifact(out) else {
            let reason = format!("compile: no deployable `{CANDIDATE_CONTRACT}`");
            return (failed(reason, complexity), vec![]);
        };
        let (snapshot, prepared) =
            match self
                .domain
                .prepare(&self.env, artifact, params, &self.scenario)
            {
                Ok(p) => p,
                Err(e) => {
                    let mut ev = failed(format!("set-up: {e}"), complexity);
                    ev.compile_cached = Some(cached);
                    return (ev, vec![]);
                }
            };
        let candidate = Candidate {
            domain: &self.domain,
            scenario: &self.scenario,
            snapshot: &snapshot,
            prepared: &prepared,
            complexity,
            schedule_seconds,
            selection: &self.selection,
            metrics: &self.metrics,
            attacks: plan,
        };
        let runs = candidate.run_seeds(seeds, record);
        let outcomes: Vec<SeedOutcome> = runs.iter().map(|r| r.outcome.clone()).collect();
        let aggregate = Aggregate::from_seeds(&outcomes, &self.metrics);
        (
            SimEvaluation {
                seeds: outcomes,
                aggregate,
                compile_cached: Some(cached),
            },
            runs,
        )
    }
}

/// The deployable generated candidate of a compile output.
fn candidate_artifact(out: &CompileOutput) -> Option<&tsynth_solc::ContractArtifact> {
    out.contract(&format!("{CANDIDATE_UNIT}:{CANDIDATE_CONTRACT}"))
        .filter(|c| !c.is_abstract())
}

/// Reads every `.sol` file under `dir` into a map keyed by source unit name (the path
/// relative to `dir`, with `/` separators), as the compiler expects.
pub fn load_sources(dir: &Path) -> Result<BTreeMap<String, String>, SimError> {
    let io = |path: &Path, error| SimError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
            let path = entry.map_err(|e| io(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sol") {
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let unit = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(unit, text);
            }
        }
    }
    Ok(out)
}

/// A domain the CLI can choose at run time: builds simulators from scenario text.
pub trait DomainEntry: Send + Sync {
    /// The domain's name.
    fn name(&self) -> &'static str;
    /// One line: what mechanism the domain simulates.
    fn about(&self) -> &'static str;
    /// Builds a simulator for scenario `text` (`path` names it in messages).
    fn simulator(
        &self,
        text: &str,
        path: &Path,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Box<dyn Simulate>, SimError>;
}

/// A [`DomainEntry`] for any `D: Domain + Clone` (the domain value is copied into each
/// simulator).
#[derive(Debug, Clone)]
pub struct Entry<D> {
    domain: D,
    about: &'static str,
}

impl<D> Entry<D> {
    /// The entry of `domain`.
    pub fn new(domain: D, about: &'static str) -> Self {
        Self { domain, about }
    }
}

impl<D: Domain + Clone> DomainEntry for Entry<D> {
    fn name(&self) -> &'static str {
        self.domain.name()
    }

    fn about(&self) -> &'static str {
        self.about
    }

    fn simulator(
        &self,
        text: &str,
        path: &Path,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Box<dyn Simulate>, SimError> {
        let sim = Simulator::from_scenario_text(
            self.domain.clone(),
            text,
            path,
            compiler,
            blocks_dir,
            settings,
        )?;
        Ok(Box::new(sim))
    }
}

/// The domains a program knows, by name (the CLI's registry).
pub struct Registry {
    entries: Vec<Box<dyn DomainEntry>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Registry {
    /// A registry of `entries`; the first is the default for scenarios that name no domain.
    pub fn new(entries: Vec<Box<dyn DomainEntry>>) -> Self {
        Self { entries }
    }

    /// The domains' names, in registry order.
    pub fn names(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.name()).collect()
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&dyn DomainEntry> {
        self.entries
            .iter()
            .find(|e| e.name() == name)
            .map(|e| e.as_ref())
    }

    /// Every entry, in order.
    pub fn entries(&self) -> impl Iterator<Item = &dyn DomainEntry> {
        self.entries.iter().map(|e| e.as_ref())
    }

    /// The entry for scenario `text`: the domain it names (`domain = "..."`), or the default
    /// (first) domain when it names none. An unknown name is an error at its position.
    pub fn for_scenario(&self, text: &str, path: &Path) -> Result<&dyn DomainEntry, SimError> {
        let first = self
            .entries
            .first()
            .ok_or_else(|| SimError::Selection("no domain is registered".into()))?;
        match crate::scenario::domain_of(text, path)? {
            None => Ok(first.as_ref()),
            Some((name, span)) => self.get(&name).ok_or_else(|| {
                SimError::Scenario(ScenarioError::at(
                    text,
                    path,
                    span.start,
                    format!(
                        "unknown domain `{name}` (known: {})",
                        self.names().join(", ")
                    ),
                ))
            }),
        }
    }

    /// Builds the simulator for scenario `text`, of the domain the scenario names.
    pub fn simulator(
        &self,
        text: &str,
        path: &Path,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Box<dyn Simulate>, SimError> {
        self.for_scenario(text, path)?
            .simulator(text, path, compiler, blocks_dir, settings)
    }
}
