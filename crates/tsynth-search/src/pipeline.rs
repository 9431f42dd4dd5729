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
use tsynth_sim::outcome::SETUP_FAILURE_VIOLATION;
use tsynth_sim::{Aggregate, AttackPlan, MetricSpec, SeedOutcome, Selection, Simulate};
use tsynth_solc::{Compiler, Settings};

use crate::rundir::{ObjectiveScores, Score};
use crate::variation::Condition;

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

/// Scores by (full hash, seeds, attack-plan fingerprint).
type EvalCache = HashMap<(String, Vec<u64>, String), Arc<Scored>>;

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
    sim: Arc<dyn Simulate>,
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
    /// The pipeline of `library`'s designs on `sim` (whose selection decides objectives and
    /// constraints).
    pub fn new(library: Arc<Library>, sim: Arc<dyn Simulate>) -> Self {
        let compiler = sim.compiler();
        let settings = sim.settings().clone();
        Self {
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
        }
    }

    /// The simulator.
    pub fn simulator(&self) -> &Arc<dyn Simulate> {
        &self.sim
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

    /// Scores `g` on `seeds` (seeds run on the current rayon pool), with the end-of-run
    /// attacks of `plan` (the hall of fame, the full search).
    pub fn evaluate(&self, g: &Genotype, seeds: &[u64], plan: &AttackPlan) -> Arc<Scored> {
        self.evaluate_in(g, seeds, &[], plan)
    }

    /// Scores `g` on `seeds` of the nominal scenario and on every condition of `conditions`
    /// (each at its own agent seed, with the hall of fame of `plan` replayed and nothing
    /// searched): every condition counts like one more seed (variation-aware synthesis).
    pub fn evaluate_in(
        &self,
        g: &Genotype,
        seeds: &[u64],
        conditions: &[Arc<Condition>],
        plan: &AttackPlan,
    ) -> Arc<Scored> {
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
                    score: failed_score(seeds, reason, self.sim.metrics()),
                });
            }
        };
        let mut fingerprint = plan.fingerprint();
        for c in conditions {
            fingerprint.push('|');
            fingerprint.push_str(&c.record.name);
        }
        let key = (emitted.full_hash.clone(), seeds.to_vec(), fingerprint);
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
        let how = tsynth_sim::EvalOptions {
            schedule_seconds: emitted.schedule_seconds,
            record: false,
            plan,
        };
        let params = emitted.param_words();
        let (mut eval, _) =
            self.sim
                .evaluate_compiled(&emitted.sources, compiled.as_ref(), &params, seeds, &how);
        if !conditions.is_empty() && !eval.seeds.is_empty() {
            let screen = plan.screen();
            let how = tsynth_sim::EvalOptions {
                plan: &screen,
                ..how
            };
            for c in conditions {
                let (mut e, _) = c.sim.evaluate_compiled(
                    &emitted.sources,
                    compiled.as_ref(),
                    &params,
                    &[c.record.agent_seed],
                    &how,
                );
                if e.seeds.is_empty() {
                    let reason = e
                        .aggregate
                        .failure
                        .take()
                        .unwrap_or_else(|| "evaluation produced no seeds".into());
                    eval.seeds.clear();
                    eval.aggregate.failure = Some(format!("condition {}: {reason}", c.record.name));
                    break;
                }
                for mut o in e.seeds {
                    o.condition = Some(c.record.name.clone());
                    eval.seeds.push(o);
                }
            }
        }
        self.simulate_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let score = if eval.seeds.is_empty() {
            let reason = eval
                .aggregate
                .failure
                .clone()
                .unwrap_or_else(|| "evaluation produced no seeds".into());
            let mut s = failed_score(seeds, reason, self.sim.metrics());
            s.objectives = ObjectiveScores::from_aggregate(&eval.aggregate);
            s
        } else {
            score_from_outcomes(seeds, eval.seeds, self.sim.selection(), self.sim.metrics())
        };
        let mut score = score;
        score.attack_plan = plan.clone();
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

fn failed_score(seeds: &[u64], reason: String, metrics: &[MetricSpec]) -> Score {
    // Every metric at its reference value (the worst acceptable): a candidate that failed
    // must not look flawless in a table.
    let worst: tsynth_sim::Values = metrics
        .iter()
        .map(|m| (m.name.clone(), m.reference))
        .collect();
    Score {
        seeds: seeds.to_vec(),
        objectives: ObjectiveScores {
            mean: worst.clone(),
            worst,
        },
        per_seed: Vec::new(),
        violation: SETUP_FAILURE_VIOLATION,
        feasible: false,
        failure: Some(reason),
        attack_plan: Default::default(),
    }
}

/// Builds a score from per-seed outcomes, replacing non-finite values of the objectives and
/// constrained metrics by [`NON_FINITE_PENALTY`] and making such seeds infeasible.
fn score_from_outcomes(
    seeds: &[u64],
    mut outcomes: Vec<SeedOutcome>,
    selection: &Selection,
    metrics: &[MetricSpec],
) -> Score {
    let checked: Vec<&String> = selection
        .objectives
        .iter()
        .chain(selection.constraints.iter().map(|c| &c.metric))
        .collect();
    for o in &mut outcomes {
        let mut bad = Vec::new();
        for (name, v) in o.values.iter_mut() {
            if checked.contains(&name) && !v.is_finite() {
                *v = NON_FINITE_PENALTY;
                bad.push(name.clone());
            }
        }
        if !bad.is_empty() {
            o.violation = o.violation.max(1.0);
            if o.failure.is_none() {
                o.failure = Some(format!("non-finite {}", bad.join(", ")));
            }
        }
    }
    let agg = Aggregate::from_seeds(&outcomes, metrics);
    Score {
        seeds: seeds.to_vec(),
        objectives: ObjectiveScores::from_aggregate(&agg),
        feasible: agg.feasible(),
        violation: if agg.failure.is_some() {
            agg.violation.max(1.0)
        } else {
            agg.violation
        },
        failure: agg.failure,
        per_seed: outcomes,
        attack_plan: Default::default(),
    }
}

pub use tsynth_sim::seeds::{held_out_seeds, search_seeds};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_objectives_make_a_seed_infeasible() {
        let o = SeedOutcome {
            seed: 1,
            values: [
                ("cost".to_string(), f64::INFINITY),
                ("risk".to_string(), 0.1),
            ]
            .into(),
            violation: 0.0,
            failure: None,
            condition: None,
            attacks: Vec::new(),
        };
        let selection = Selection {
            objectives: vec!["cost".into(), "risk".into()],
            constraints: vec![],
            better: Default::default(),
        };
        let s = score_from_outcomes(&[1], vec![o], &selection, &[]);
        assert!(!s.feasible);
        assert_eq!(s.objectives.mean["cost"], NON_FINITE_PENALTY);
        assert_eq!(s.failure.as_deref(), Some("non-finite cost"));
        assert!(s.violation >= 1.0);
    }
}
