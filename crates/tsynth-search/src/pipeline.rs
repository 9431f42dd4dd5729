//! The evaluation pipeline: genotype → derivation → emitted source set → compile (cached by
//! structure) → deploy on the world snapshot → scenario × seeds → objectives and constraints.
//!
//! Nothing here fails: a genotype that does not decode, a compile error, a revert during
//! set-up, out of gas, or a non-finite objective make the candidate infeasible with a
//! recorded reason. Results are cached by (full hash, seeds): the same structure with the
//! same parameter values on the same seeds always gives the same score, so the cache only
//! saves time and never changes a result.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tsynth_grammar::{Genotype, Library};
use tsynth_sim::objectives::{Aggregate, SETUP_FAILURE_VIOLATION, SeedOutcome};
use tsynth_sim::{Scenario, Simulator};
use tsynth_solc::{Compiler, Settings};

use crate::error::{Result, SearchError};
use crate::rundir::{ObjectiveScores, Score};

/// Value that replaces a non-finite objective (a probe that bought nothing, a drained pool):
/// the candidate is also made infeasible.
pub const NON_FINITE_PENALTY: f64 = 1e6;

/// One scored candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scored {
    /// Structure hash (empty when the genotype did not decode).
    pub structure_hash: String,
    /// Full hash (structure + parameter values).
    pub full_hash: String,
    /// The score on the seeds asked for.
    pub score: Score,
}

/// Scores by (full hash, seeds).
type EvalCache = HashMap<(String, Vec<u64>), Arc<Scored>>;

/// Time and work counters of a pipeline (time-dependent; for reports only).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PipelineTimes {
    /// Seconds spent in the compiler service (summed over threads).
    pub compile_seconds: f64,
    /// Seconds spent simulating (summed over threads).
    pub simulate_seconds: f64,
    /// Compiles that actually ran solc (not answered by a cache).
    pub solc_runs: u64,
    /// Evaluations answered by the in-memory evaluation cache.
    pub cache_hits: u64,
    /// Evaluations computed.
    pub evaluations: u64,
}

/// The evaluation pipeline of one grammar on one scenario.
pub struct Pipeline {
    library: Arc<Library>,
    sim: Simulator,
    compiler: &'static Compiler,
    settings: Settings,
    cache: Mutex<EvalCache>,
    compile_nanos: AtomicU64,
    simulate_nanos: AtomicU64,
    solc_runs: AtomicU64,
    cache_hits: AtomicU64,
    evaluations: AtomicU64,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("grammar", &self.library.name)
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// Compiles and deploys the simulation environment for `scenario`.
    pub fn new(library: Arc<Library>, scenario: Scenario) -> Result<Self> {
        let compiler = Compiler::shared()?;
        let settings = Settings::default();
        let sim = Simulator::new(scenario, compiler, &library.blocks_dir, settings.clone())
            .map_err(|e| SearchError::Environment(e.to_string()))?;
        Ok(Self {
            library,
            sim,
            compiler,
            settings,
            cache: Mutex::new(HashMap::new()),
            compile_nanos: AtomicU64::new(0),
            simulate_nanos: AtomicU64::new(0),
            solc_runs: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            evaluations: AtomicU64::new(0),
        })
    }

    /// The grammar.
    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    /// The solc version.
    pub fn compiler_version(&self) -> String {
        self.compiler.version().to_string()
    }

    /// Time and work so far.
    pub fn times(&self) -> PipelineTimes {
        PipelineTimes {
            compile_seconds: self.compile_nanos.load(Ordering::Relaxed) as f64 * 1e-9,
            simulate_seconds: self.simulate_nanos.load(Ordering::Relaxed) as f64 * 1e-9,
            solc_runs: self.solc_runs.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.load(Ordering::Relaxed),
            evaluations: self.evaluations.load(Ordering::Relaxed),
        }
    }

    /// The structure and full hash of a genotype, or the reason it cannot be emitted.
    pub fn hashes(&self, g: &Genotype) -> std::result::Result<(String, String), String> {
        let d = self.library.decode(g).map_err(|e| e.to_string())?;
        let e = self.library.emit(&d).map_err(|e| format!("emit: {e}"))?;
        Ok((e.structure_hash, e.full_hash))
    }

    /// Scores `g` on `seeds` (seeds run on the current rayon pool).
    pub fn evaluate(&self, g: &Genotype, seeds: &[u64]) -> Arc<Scored> {
        let lib = &self.library;
        let emitted = match lib
            .decode(g)
            .map_err(|e| e.to_string())
            .and_then(|d| lib.emit(&d).map_err(|e| format!("emit: {e}")))
        {
            Ok(e) => e,
            Err(reason) => {
                return Arc::new(Scored {
                    structure_hash: String::new(),
                    full_hash: String::new(),
                    score: failed_score(seeds, reason),
                });
            }
        };
        let key = (emitted.full_hash.clone(), seeds.to_vec());
        if let Some(hit) = self.lock().get(&key) {
            self.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Arc::clone(hit);
        }
        // Compile here (timed) and hand the result to the simulator, which compiles nothing.
        let started = Instant::now();
        let request = tsynth_solc::CompileRequest::new(emitted.sources.clone())
            .with_settings(self.settings.clone());
        // Infrastructure failures (a worker that died, e.g. from a Ctrl-C sent to the whole
        // process group, or a timeout) are retried so they do not decide a candidate's fate;
        // a real compile error (solc diagnostics) is final.
        let mut compiled = self.compiler.compile(&request);
        for _ in 0..2 {
            match &compiled {
                Err(e) if e.compile_failure().is_none() => {
                    compiled = self.compiler.compile(&request);
                }
                _ => break,
            }
        }
        if let Ok(out) = &compiled
            && !out.origin.is_cached()
        {
            self.solc_runs.fetch_add(1, Ordering::Relaxed);
        }
        self.compile_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let started = Instant::now();
        let (eval, _) = self.sim.evaluate_compiled(
            &emitted.sources,
            compiled.as_ref(),
            &emitted.param_words(),
            seeds,
            false,
        );
        self.simulate_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let score = if eval.seeds.is_empty() {
            let reason = eval
                .aggregate
                .failure
                .clone()
                .unwrap_or_else(|| "evaluation produced no seeds".into());
            let mut s = failed_score(seeds, reason);
            s.objectives =
                ObjectiveScores::from_objectives(&eval.aggregate.mean, &eval.aggregate.worst);
            s
        } else {
            score_from_outcomes(seeds, eval.seeds)
        };
        let scored = Arc::new(Scored {
            structure_hash: emitted.structure_hash,
            full_hash: emitted.full_hash,
            score,
        });
        self.lock().insert(key, Arc::clone(&scored));
        scored
    }

    /// The Solidity source set of a genotype (for `sources/<hash>/`).
    pub fn sources(&self, g: &Genotype) -> Option<BTreeMap<String, String>> {
        let d = self.library.decode(g).ok()?;
        self.library.emit(&d).ok().map(|e| e.sources)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, EvalCache> {
        // A panic while holding the lock cannot leave a half-written entry (insert is one
        // call), so a poisoned cache is still consistent.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn failed_score(seeds: &[u64], reason: String) -> Score {
    let zero = tsynth_sim::objectives::Objectives::default();
    Score {
        seeds: seeds.to_vec(),
        objectives: ObjectiveScores::from_objectives(&zero, &zero),
        per_seed: Vec::new(),
        violation: SETUP_FAILURE_VIOLATION,
        feasible: false,
        failure: Some(reason),
    }
}

/// Builds a score from per-seed outcomes, replacing non-finite objectives by
/// [`NON_FINITE_PENALTY`] and making such seeds infeasible.
fn score_from_outcomes(seeds: &[u64], mut outcomes: Vec<SeedOutcome>) -> Score {
    for o in &mut outcomes {
        let ob = &mut o.objectives;
        let mut bad = Vec::new();
        for (name, v) in [
            ("slippage", &mut ob.slippage),
            ("volatility", &mut ob.volatility),
            ("rug_risk", &mut ob.rug_risk),
            ("complexity", &mut ob.complexity),
        ] {
            if !v.is_finite() {
                *v = NON_FINITE_PENALTY;
                bad.push(name);
            }
        }
        if !bad.is_empty() {
            o.violation = o.violation.max(1.0);
            if o.failure.is_none() {
                o.failure = Some(format!("non-finite {}", bad.join(", ")));
            }
        }
    }
    let agg = Aggregate::from_seeds(&outcomes);
    Score {
        seeds: seeds.to_vec(),
        objectives: ObjectiveScores::from_objectives(&agg.mean, &agg.worst),
        feasible: agg.feasible(),
        violation: if agg.failure.is_some() {
            agg.violation.max(1.0)
        } else {
            agg.violation
        },
        failure: agg.failure,
        per_seed: outcomes,
    }
}

/// `n` simulation seeds of the search for a run seed: common random numbers shared by every
/// candidate (a candidate scored on `k` seeds uses the first `k`).
pub fn search_seeds(run_seed: u64, n: u32) -> Vec<u64> {
    (0..u64::from(n))
        .map(|i| tsynth_moo::problem::splitmix64(run_seed ^ tsynth_moo::problem::splitmix64(i)))
        .collect()
}

/// `n` held-out seeds: a different stream, and never one of the first `search_max` search
/// seeds.
pub fn held_out_seeds(run_seed: u64, n: u32, search_max: u32) -> Vec<u64> {
    let used = search_seeds(run_seed, search_max);
    let tag = 0x4845_4C44_2D4F_5554; // "HELD-OUT"
    let mut out = Vec::with_capacity(n as usize);
    let mut i = 0u64;
    while out.len() < n as usize {
        let s = tsynth_moo::problem::splitmix64(
            run_seed ^ tsynth_moo::problem::splitmix64(i ^ tag).rotate_left(17),
        );
        if !used.contains(&s) && !out.contains(&s) {
            out.push(s);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_seeds_are_disjoint_and_stable() {
        let s = search_seeds(7, 6);
        let h = held_out_seeds(7, 8, 6);
        assert_eq!(h.len(), 8);
        assert!(h.iter().all(|x| !s.contains(x)));
        assert_eq!(h, held_out_seeds(7, 8, 6));
        assert_ne!(search_seeds(7, 2), search_seeds(8, 2));
        assert_eq!(search_seeds(7, 2), s[..2]);
    }

    #[test]
    fn non_finite_objectives_make_a_seed_infeasible() {
        let o = SeedOutcome {
            seed: 1,
            objectives: tsynth_sim::objectives::Objectives {
                slippage: f64::INFINITY,
                volatility: 0.1,
                rug_risk: 0.0,
                complexity: 5.0,
            },
            counts: Default::default(),
            violation: 0.0,
            failure: None,
        };
        let s = score_from_outcomes(&[1], vec![o]);
        assert!(!s.feasible);
        assert_eq!(s.objectives.mean["slippage"], NON_FINITE_PENALTY);
        assert_eq!(s.failure.as_deref(), Some("non-finite slippage"));
        assert!(s.violation >= 1.0);
    }
}
