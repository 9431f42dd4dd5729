//! The design pipeline as a [`TuneFunction`]: tuned genes → genotype of the fixed
//! structure → emitted Solidity → simulation over seeds → mean or worst objectives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tsynth_grammar::param::ParamSpec;
use tsynth_grammar::tree::VarKind;
use tsynth_grammar::{Genotype, Library};
use tsynth_sim::Simulate;

use super::{Scored, TuneError, TuneFunction};
pub use crate::rundir::Aggregation;

/// One parameter of the fixed structure that can be tuned.
#[derive(Debug, Clone, PartialEq)]
pub struct TunedParam {
    /// Name as `Block.param` (or the grammar variable's full path when that is ambiguous).
    pub name: String,
    /// Full path of the grammar variable, e.g. `Pool/Fee/SoftCapFee.slope`.
    pub path: String,
    /// Index of the gene in the full genotype.
    pub gene: usize,
    /// The parameter's range, scale and unit.
    pub spec: ParamSpec,
}

/// The tunable parameters of a design: the free parameters on its derivation path.
#[derive(Debug, Clone)]
pub struct DesignSpace {
    /// The grammar.
    pub library: Library,
    /// The design's genotype (choice genes fixed from it).
    pub start: Genotype,
    /// Every tunable parameter, in genotype order.
    pub params: Vec<TunedParam>,
}

impl DesignSpace {
    /// The tunable parameters of `start` (its active, free parameter genes).
    pub fn new(library: Library, start: Genotype) -> Result<DesignSpace, TuneError> {
        let active = library.active_genes(&start)?;
        let mut params = Vec::new();
        for g in active {
            let var = &library.tree.vars[g];
            let VarKind::Param(spec) = &var.kind else {
                continue;
            };
            let part = &library.parts[library.tree.nodes[var.node].part];
            params.push(TunedParam {
                name: format!("{}.{}", part.name, spec.name),
                path: var.name.clone(),
                gene: g,
                spec: spec.clone(),
            });
        }
        // a block used twice on the path: fall back to full paths for those names
        let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
        for p in &mut params {
            if names.iter().filter(|n| **n == p.name).count() > 1 {
                p.name = p.path.clone();
            }
        }
        Ok(DesignSpace {
            library,
            start,
            params,
        })
    }

    /// Qualified names of every tunable parameter.
    pub fn names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }

    /// The parameters named in `wanted` (`Block.param`, the full path, or a bare `param`
    /// when only one block has it), in the order given, without duplicates. An empty list
    /// selects every parameter.
    pub fn select(&self, wanted: &[String]) -> Result<Vec<TunedParam>, TuneError> {
        if wanted.is_empty() {
            return Ok(self.params.clone());
        }
        let mut out: Vec<TunedParam> = Vec::new();
        for w in wanted {
            let w = w.trim();
            let exact = self.params.iter().find(|p| p.name == w || p.path == w);
            let p = match exact {
                Some(p) => p,
                None => {
                    let bare: Vec<&TunedParam> =
                        self.params.iter().filter(|p| p.spec.name == w).collect();
                    match bare.as_slice() {
                        [one] => *one,
                        [] => {
                            return Err(TuneError::UnknownParam {
                                name: w.to_string(),
                                valid: self.names(),
                            });
                        }
                        many => {
                            return Err(TuneError::AmbiguousParam {
                                name: w.to_string(),
                                candidates: many.iter().map(|p| p.name.clone()).collect(),
                            });
                        }
                    }
                }
            };
            if !out.iter().any(|q| q.gene == p.gene) {
                out.push(p.clone());
            }
        }
        Ok(out)
    }

    /// The start genes of `params`.
    pub fn start_genes(&self, params: &[TunedParam]) -> Vec<f64> {
        params.iter().map(|p| self.start.0[p.gene]).collect()
    }

    /// The full genotype with `params` set to `genes` (clamped to [0, 1]).
    pub fn genotype(&self, params: &[TunedParam], genes: &[f64]) -> Genotype {
        let mut g = self.start.clone();
        for (p, x) in params.iter().zip(genes) {
            g.0[p.gene] = x.clamp(0.0, 1.0);
        }
        g
    }
}

/// What is kept with every evaluated design.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DesignEval {
    /// Structure hash of the emitted design.
    pub structure_hash: String,
    /// Structure + parameter hash.
    pub full_hash: String,
    /// The simulation's result (per seed and aggregate).
    pub evaluation: tsynth_sim::SimEvaluation,
}

impl DesignEval {
    /// The objectives of `sim`'s selection under `aggregation`, as the optimiser ranks them
    /// (maximised metrics negated).
    pub fn objectives(&self, aggregation: Aggregation, sim: &dyn Simulate) -> Vec<f64> {
        let a = &self.evaluation.aggregate;
        let values = match aggregation {
            Aggregation::Mean => &a.mean,
            Aggregation::Worst => &a.worst,
        };
        sim.selection().ranking(sim.metrics(), values)
    }
}

/// The design pipeline as a tuning objective, memoised by full hash (genes that decode
/// to the same values are simulated once). It shares the design space and the simulator,
/// so a run can keep it (and its memo) from the start point to the sensitivity table.
pub struct DesignFunction {
    space: Arc<DesignSpace>,
    params: Vec<TunedParam>,
    sim: Arc<dyn Simulate>,
    seeds: Vec<u64>,
    aggregation: Aggregation,
    cache: Mutex<HashMap<String, DesignEval>>,
}

impl std::fmt::Debug for DesignFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesignFunction")
            .field("params", &self.params)
            .field("seeds", &self.seeds)
            .field("aggregation", &self.aggregation)
            .finish_non_exhaustive()
    }
}

impl DesignFunction {
    /// Tunes `params` of `space` on `seeds` with `aggregation`.
    pub fn new(
        space: Arc<DesignSpace>,
        params: Vec<TunedParam>,
        sim: Arc<dyn Simulate>,
        seeds: Vec<u64>,
        aggregation: Aggregation,
    ) -> Self {
        Self {
            space,
            params,
            sim,
            seeds,
            aggregation,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The design space.
    pub fn space(&self) -> &DesignSpace {
        &self.space
    }

    /// The simulator.
    pub fn simulator(&self) -> &dyn Simulate {
        self.sim.as_ref()
    }

    /// The tuned parameters.
    pub fn params(&self) -> &[TunedParam] {
        &self.params
    }

    /// The seeds of every evaluation.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    /// The aggregation.
    pub fn aggregation(&self) -> Aggregation {
        self.aggregation
    }

    /// Simulates any genotype of the grammar (e.g. another design) on `seeds`, bypassing
    /// the memo.
    pub fn evaluate_genotype(&self, g: &Genotype, seeds: &[u64]) -> Result<DesignEval, TuneError> {
        evaluate_genotype(&self.space.library, self.sim.as_ref(), g, seeds)
    }
}

/// Decodes, emits and simulates `g` on `seeds`.
pub fn evaluate_genotype(
    library: &Library,
    sim: &dyn Simulate,
    g: &Genotype,
    seeds: &[u64],
) -> Result<DesignEval, TuneError> {
    let d = library.decode(g)?;
    let emitted = library.emit(&d).map_err(TuneError::Emit)?;
    let (evaluation, _) = sim.evaluate(
        &emitted.sources,
        &emitted.param_words(),
        emitted.schedule_seconds,
        seeds,
        false,
    );
    Ok(DesignEval {
        structure_hash: emitted.structure_hash,
        full_hash: emitted.full_hash,
        evaluation,
    })
}

impl TuneFunction for DesignFunction {
    type Extra = DesignEval;
    type Error = TuneError;

    fn objective_names(&self) -> Vec<String> {
        self.sim.selection().objectives.clone()
    }

    fn evaluate(&self, genes: &[f64]) -> Result<Scored<DesignEval>, TuneError> {
        let g = self.space.genotype(&self.params, genes);
        let d = self.space.library.decode(&g)?;
        let emitted = self.space.library.emit(&d).map_err(TuneError::Emit)?;
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&emitted.full_hash)
            .cloned();
        let eval = match cached {
            Some(e) => e,
            None => {
                let (evaluation, _) = self.sim.evaluate(
                    &emitted.sources,
                    &emitted.param_words(),
                    emitted.schedule_seconds,
                    &self.seeds,
                    false,
                );
                let e = DesignEval {
                    structure_hash: emitted.structure_hash,
                    full_hash: emitted.full_hash.clone(),
                    evaluation,
                };
                self.cache
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(emitted.full_hash, e.clone());
                e
            }
        };
        Ok(Scored {
            objectives: eval.objectives(self.aggregation, self.sim.as_ref()),
            violation: eval.evaluation.aggregate.violation,
            extra: eval,
        })
    }
}
