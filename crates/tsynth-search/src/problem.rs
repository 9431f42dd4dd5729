//! The grammar synthesis problem as a [`tsynth_moo::Problem`]: MOJITO's operators on the flat
//! genotype, evaluation through the [`Pipeline`] on common random seeds (more seeds for
//! older ALPS layers, MOJITO-R).
//!
//! Seeds: the simulation seeds of an evaluation are a pure function of the run seed and the
//! individual's age layer (the first `k` of [`crate::pipeline::search_seeds`]), never of
//! thread order. They are common random numbers — every candidate of a layer meets the same
//! market — which makes comparisons between candidates fair and lets the pipeline cache
//! results by (full hash, seeds). The engine's per-individual `EvalContext::seed` is not
//! needed because the evaluation has no other randomness.
//!
//! Attacks (co-evolution, issue 13): every candidate is first screened — its run replays the
//! hall of fame on each feasible seed's final state, beside the domain's in-simulation
//! screens. Only a candidate that is feasible and not dominated by the archive as it stood
//! when the generation began gets the full attack search (a re-simulation with the full
//! plan), on its first seed (the hall is replayed on the others). The rule is sound because
//! an attack can only raise the risk metric (minimised) and with it the violation: a
//! candidate the archive dominates at its screened risk is dominated at its searched one
//! too. The snapshot is fixed for the generation, so which
//! candidates are searched never depends on thread order.

use std::sync::Mutex;

use rand::Rng;
use tsynth_grammar::Genotype;
use tsynth_grammar::operators::{self, MutationConfig};
use tsynth_moo::{EvalContext, Evaluation, MooRng, Problem};

use crate::config::SearchConfig;
use crate::pipeline::{Pipeline, Scored};
use crate::variation::{Condition, Conditions};

/// Probability that a pair of parents is recombined (otherwise the children are copies,
/// then mutated).
pub const CROSSOVER_PROBABILITY: f64 = 0.9;
/// Objective values closer to 0 than this rank as exactly 0 (numerical noise).
pub const RANKING_ZERO: f64 = 1e-12;
/// SBX distribution index for shared parameters.
pub const SBX_ETA: f64 = 15.0;

/// One evaluation as seen by the problem (for deterministic cache/compile statistics and
/// the hall of fame).
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEvaluation {
    /// Individual id.
    pub id: u64,
    /// Full hash and seed count: equal keys mean equal results.
    pub key: String,
    /// Structure hash ("" when the genotype did not decode).
    pub structure: String,
    /// Whether it got the full attack search (feasible after its screen and not dominated by
    /// the archive).
    pub searched: bool,
    /// Attacks its evaluation found, over all seeds.
    pub attacks: Vec<tsynth_sim::FoundAttack>,
}

/// The synthesis problem of one grammar.
pub struct GrammarProblem<'a> {
    pipeline: &'a Pipeline,
    config: &'a SearchConfig,
    seeds: Vec<u64>,
    mutation: MutationConfig,
    log: Mutex<Vec<LoggedEvaluation>>,
    attacks: tsynth_sim::AttackPlan,
    archive: Vec<Vec<f64>>,
    conditions: Option<&'a Conditions>,
}

impl<'a> GrammarProblem<'a> {
    /// A problem scoring on `seeds` (the first `config.seeds_for_layer(layer)` are used).
    pub fn new(pipeline: &'a Pipeline, config: &'a SearchConfig, seeds: Vec<u64>) -> Self {
        Self {
            pipeline,
            config,
            seeds,
            mutation: MutationConfig::default(),
            log: Mutex::new(Vec::new()),
            attacks: tsynth_sim::AttackPlan::default(),
            archive: Vec::new(),
            conditions: None,
        }
    }

    /// The same problem scoring older layers on `conditions` too (variation-aware
    /// synthesis, [`crate::variation`]): from `[variation] from_layer` on, every corner and
    /// the layer's share of the Monte Carlo conditions.
    pub fn with_conditions(mut self, conditions: &'a Conditions) -> Self {
        self.conditions = Some(conditions);
        self
    }

    /// The conditions (besides the nominal scenario) an evaluation in `layer` scores on.
    pub fn conditions_for_layer(&self, layer: usize) -> Vec<std::sync::Arc<Condition>> {
        self.conditions
            .map(|c| c.for_layer(self.config.variation.as_ref(), layer))
            .unwrap_or_default()
    }

    /// The same problem with end-of-run attacks: `attacks` is the full plan (the search,
    /// seeded by the hall of fame) a candidate gets when it may enter the archive (see
    /// [`GrammarProblem::with_archive`]); every other candidate only replays the hall.
    pub fn with_attacks(mut self, attacks: tsynth_sim::AttackPlan) -> Self {
        self.attacks = attacks;
        self
    }

    /// The ranking vectors of the feasible archive members when the generation began: a
    /// candidate one of them dominates after its screen is not searched in full.
    pub fn with_archive(mut self, archive: Vec<Vec<f64>>) -> Self {
        self.archive = archive;
        self
    }

    /// The plan of a screen: the hall of fame replayed on each feasible seed's final state,
    /// nothing searched.
    pub fn screen_plan(&self) -> tsynth_sim::AttackPlan {
        self.attacks.screen()
    }

    /// The seeds an evaluation in `layer` uses.
    pub fn seeds_for_layer(&self, layer: usize) -> &[u64] {
        let n = (self.config.seeds_for_layer(layer) as usize).min(self.seeds.len());
        &self.seeds[..n]
    }

    /// Takes the evaluations logged since the last call, in id order.
    pub fn take_log(&self) -> Vec<LoggedEvaluation> {
        let mut v = std::mem::take(&mut *self.log.lock().unwrap_or_else(|p| p.into_inner()));
        v.sort_by_key(|e| e.id);
        v
    }

    /// The objective vector and violation the search ranks a scored candidate by. Values
    /// within [`RANKING_ZERO`] of 0 rank as 0, so floating-point noise (a fixed-rate pool's
    /// a value of -1.5e-16 from a curve-free pool) does not make otherwise equal designs mutually non-dominated.
    pub fn ranking(&self, scored: &Scored) -> (Vec<f64>, f64) {
        let sim = self.pipeline.simulator();
        let v = scored
            .score
            .objectives
            .ranking(
                self.config.engine.aggregation,
                sim.selection(),
                sim.metrics(),
            )
            .into_iter()
            .map(|x| if x.abs() < RANKING_ZERO { 0.0 } else { x })
            .collect();
        (v, scored.score.violation)
    }
}

impl Problem for GrammarProblem<'_> {
    type Genotype = Genotype;
    type Extra = Scored;
    type Error = std::convert::Infallible;

    fn num_objectives(&self) -> usize {
        self.pipeline.simulator().selection().objectives.len()
    }

    fn random_genotype(&self, rng: &mut MooRng) -> Genotype {
        operators::random_genotype(self.pipeline.library(), rng)
    }

    fn crossover(&self, a: &Genotype, b: &Genotype, rng: &mut MooRng) -> (Genotype, Genotype) {
        let lib = self.pipeline.library();
        if !rng.random_bool(CROSSOVER_PROBABILITY) {
            return (a.clone(), b.clone());
        }
        // Same structure: blend the shared parameters (SBX); otherwise swap a sub-part.
        let same_blocks = match (lib.decode(a), lib.decode(b)) {
            (Ok(da), Ok(db)) => da
                .blocks
                .iter()
                .map(|x| x.block)
                .eq(db.blocks.iter().map(|x| x.block)),
            _ => false,
        };
        if same_blocks && rng.random_bool(0.5) {
            operators::sbx_parameters(lib, a, b, SBX_ETA, 0.5, rng)
        } else {
            operators::crossover_subpart(lib, a, b, rng)
        }
    }

    fn mutate(&self, g: &mut Genotype, rng: &mut MooRng) {
        operators::mutate(self.pipeline.library(), g, &self.mutation, rng);
    }

    fn tier(&self, layer: usize) -> u32 {
        self.conditions_for_layer(layer).len() as u32
    }

    fn evaluate(&self, g: &Genotype, ctx: &EvalContext) -> Result<Evaluation<Scored>, Self::Error> {
        let seeds = self.seeds_for_layer(ctx.layer);
        let conditions = self.conditions_for_layer(ctx.layer);
        let full = self.attacks.full_budget > 0;
        let mut scored = self
            .pipeline
            .evaluate_in(g, seeds, &conditions, &self.screen_plan());
        let mut searched = false;
        if full {
            let (objectives, violation) = self.ranking(&scored);
            let dominated = self
                .archive
                .iter()
                .any(|a| tsynth_moo::dominance::dominates(a, &objectives));
            if violation <= 0.0 && !dominated {
                // the full search on the first seed, the hall on the others (the final
                // archive's held-out re-score searches every seed)
                let plan = self.attacks.searching_only(seeds.first().copied());
                scored = self.pipeline.evaluate_in(g, seeds, &conditions, &plan);
                searched = true;
            }
        }
        let attacks = scored
            .score
            .per_seed
            .iter()
            .flat_map(|o| o.attacks.iter().cloned())
            .collect();
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(LoggedEvaluation {
                id: ctx.id,
                key: if conditions.is_empty() {
                    format!("{}/{}", scored.full_hash, seeds.len())
                } else {
                    format!("{}/{}+{}", scored.full_hash, seeds.len(), conditions.len())
                },
                structure: scored.structure_hash.clone(),
                searched,
                attacks,
            });
        let (objectives, violation) = self.ranking(&scored);
        Ok(Evaluation::with_violation(objectives, violation).with_extra((*scored).clone()))
    }
}
