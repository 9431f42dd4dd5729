//! The simulator as one object: a scenario, the compiled and deployed environment, and the
//! compiler. `evaluate` takes a derived source set and its block parameters through compile →
//! deploy → every seed, and never fails: a candidate that does not compile, reverts during
//! set-up or runs out of gas comes back infeasible with its reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tsynth_evm::U256;

use tsynth_solc::{CompileOutput, Compiler, Settings, SolcError};

use crate::deploy::{self, DeployError, Env, EnvAccounts, EnvArtifacts};
use crate::objectives::{self, Aggregate, SeedOutcome};
use crate::run::{self, SeedRun};
use crate::scenario::Scenario;

/// A simulator bound to one scenario.
#[derive(Debug, Clone)]
pub struct Simulator {
    compiler: &'static Compiler,
    settings: Settings,
    env: Env,
    scenario: Scenario,
    /// Complexity by compile-cache key (a function of the structure only).
    complexity: Arc<Mutex<HashMap<String, f64>>>,
}

/// The result of evaluating one design on a set of seeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    /// Per-seed outcomes, in seed order.
    pub seeds: Vec<SeedOutcome>,
    /// Mean, worst, violation and failure over the seeds.
    pub aggregate: Aggregate,
    /// Whether the compile came from the cache (`None` when it failed before that).
    pub compile_cached: Option<bool>,
}

impl Evaluation {
    /// An evaluation that failed before any seed ran.
    pub fn failed(reason: String, complexity: f64) -> Self {
        let objectives = objectives::Objectives {
            complexity,
            ..Default::default()
        };
        let seed = SeedOutcome {
            seed: 0,
            objectives,
            counts: Default::default(),
            violation: objectives::SETUP_FAILURE_VIOLATION,
            failure: Some(reason),
        };
        let aggregate = Aggregate::from_seeds(std::slice::from_ref(&seed));
        Self {
            seeds: Vec::new(),
            aggregate,
            compile_cached: None,
        }
    }
}

impl Simulator {
    /// Compiles and deploys the environment from `blocks_dir` (the `building-blocks/` folder)
    /// for `scenario`.
    pub fn new(
        scenario: Scenario,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Self, DeployError> {
        let sources = deploy::load_sources(blocks_dir)?;
        let artifacts = EnvArtifacts::compile(compiler, &sources, &settings)?;
        let env = Env::deploy(&artifacts, EnvAccounts::default())?;
        Ok(Self {
            compiler,
            settings,
            env,
            scenario,
            complexity: Arc::default(),
        })
    }

    fn complexity_of(&self, cache_key: &str, sources: &BTreeMap<String, String>) -> f64 {
        let mut memo = self
            .complexity
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *memo
            .entry(cache_key.to_string())
            .or_insert_with(|| crate::complexity::of_sources(sources))
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The compiler.
    pub fn compiler(&self) -> &'static Compiler {
        self.compiler
    }

    /// Evaluates a design on `seeds`; `record` keeps per-tick KPIs (returned next to the
    /// evaluation, one vector per seed).
    pub fn evaluate(
        &self,
        sources: &BTreeMap<String, String>,
        params: &[U256],
        seeds: &[u64],
        record: bool,
    ) -> (Evaluation, Vec<SeedRun>) {
        let request =
            tsynth_solc::CompileRequest::new(sources.clone()).with_settings(self.settings.clone());
        let compiled = self.compiler.compile(&request);
        self.evaluate_compiled(sources, compiled.as_ref(), params, seeds, record)
    }

    /// Like [`Simulator::evaluate`] for a caller that already compiled `sources` (with this
    /// simulator's settings), so nothing is compiled or looked up twice. The complexity
    /// objective depends on the structure only and is computed once per compiled structure.
    pub fn evaluate_compiled(
        &self,
        sources: &BTreeMap<String, String>,
        compiled: Result<&CompileOutput, &SolcError>,
        params: &[U256],
        seeds: &[u64],
        record: bool,
    ) -> (Evaluation, Vec<SeedRun>) {
        let out = match compiled {
            Ok(out) => out,
            Err(e) => {
                let complexity = crate::complexity::of_sources(sources);
                return (
                    Evaluation::failed(format!("compile: {e}"), complexity),
                    vec![],
                );
            }
        };
        let complexity = self.complexity_of(&out.cache_key, sources);
        let cached = out.origin.is_cached();
        let Some(artifact) = out
            .contract(&format!(
                "{}:{}",
                deploy::CANDIDATE_UNIT,
                deploy::CANDIDATE_CONTRACT
            ))
            .filter(|c| !c.is_abstract())
        else {
            return (
                Evaluation::failed("compile: no deployable `Candidate`".into(), complexity),
                vec![],
            );
        };
        let prepared =
            match crate::setup::prepare(&self.env, artifact, params, &self.scenario, complexity) {
                Ok(p) => p,
                Err(e) => {
                    let mut ev = Evaluation::failed(format!("set-up: {e}"), complexity);
                    ev.compile_cached = Some(cached);
                    return (ev, vec![]);
                }
            };
        let runs = run::run_seeds(&prepared, &self.scenario, seeds, record);
        let seeds: Vec<SeedOutcome> = runs.iter().map(|r| r.outcome.clone()).collect();
        let aggregate = Aggregate::from_seeds(&seeds);
        (
            Evaluation {
                seeds,
                aggregate,
                compile_cached: Some(cached),
            },
            runs,
        )
    }
}
