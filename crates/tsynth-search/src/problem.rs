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

use std::sync::Mutex;

use rand::Rng;
use tsynth_grammar::Genotype;
use tsynth_grammar::operators::{self, MutationConfig};
use tsynth_moo::{EvalContext, Evaluation, MooRng, Problem};

use crate::config::SearchConfig;
use crate::pipeline::{Pipeline, Scored};

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
    /// Whether it got the full attack search (it was about to enter the archive).
    pub searched: bool,
    /// Attacks its evaluation found, over all seeds.
    pub attacks: Vec<tsynth_sim::FoundAttack>,
}

/// What a generation's evaluations do about attacks: the hall of fame every candidate is
/// screened against and, for a candidate that is feasible and not dominated by the archive
/// as it stood when the generation began, the full search.
#[derive(Debug, Clone, Default)]
pub struct AttackStage {
    /// The screening plan (hall only).
    pub screen: tsynth_sim::AttackPlan,
    /// The full-search plan (`full_budget` 0: none).
    pub full: tsynth_sim::AttackPlan,
    /// Ranking vectors of the archive's feasible members.
    pub archive: Vec<Vec<f64>>,
}

/// The synthesis problem of one grammar.
pub struct GrammarProblem<'a> {
    pipeline: &'a Pipeline,
    config: &'a SearchConfig,
    seeds: Vec<u64>,
    mutation: MutationConfig,
    log: Mutex<Vec<LoggedEvaluation>>,
    attacks: AttackStage,
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
            attacks: AttackStage::default(),
        }
    }

    /// The same problem with an attack stage (hall of fame, full search for archive
    /// candidates).
    pub fn with_attacks(mut self, attacks: AttackStage) -> Self {
        self.attacks = attacks;
        self
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

    fn evaluate(&self, g: &Genotype, ctx: &EvalContext) -> Result<Evaluation<Scored>, Self::Error> {
        let seeds = self.seeds_for_layer(ctx.layer);
        let stage = &self.attacks;
        let mut scored = self.pipeline.evaluate(g, seeds, &stage.screen);
        let mut searched = false;
        if stage.full.full_budget > 0 && scored.score.feasible {
            let (v, _) = self.ranking(&scored);
            if !stage
                .archive
                .iter()
                .any(|a| tsynth_moo::dominance::dominates(a, &v))
            {
                scored = self.pipeline.evaluate(g, seeds, &stage.full);
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
                key: format!("{}/{}", scored.full_hash, seeds.len()),
                structure: scored.structure_hash.clone(),
                searched,
                attacks,
            });
        let (objectives, violation) = self.ranking(&scored);
        Ok(Evaluation::with_violation(objectives, violation).with_extra((*scored).clone()))
    }
}
