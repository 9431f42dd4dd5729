//! The step-wise evolutionary engine: NSGA-II, NSGA-III or SMS-EMOA-style survival
//! ([`Survival`]), optionally inside ALPS age layers; permutation-based binary
//! tournaments ([`crate::selection`]).
//!
//! One call to [`Engine::step`] runs one generation (the first call evaluates the initial
//! population). Everything the future depends on — population, ages, layers, generation
//! counter, RNG state, archive, pending injected genotypes — lives in [`EngineState`],
//! which is serde-serialisable; an engine rebuilt from a deserialised state continues
//! exactly as the original would have. With JSON, enable serde_json's `float_roundtrip`
//! feature (otherwise the last bit of an f64 may change on the way back, and the future
//! with it). Non-finite objectives or violations never reach the state: the engine makes
//! such an individual infeasible and stores `f64::MAX` in their place, recording why in
//! [`Individual::invalid`], and the run goes on.
//!
//! All randomness of selection and variation comes from one ChaCha8 stream consumed on the
//! calling thread; the batch of evaluations runs on rayon and every evaluation receives a
//! seed derived from the run seed and the individual's id, so results never depend on the
//! number of threads.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::alps::AlpsConfig;
use crate::archive::Archive;
use crate::error::{MooError, Result};
use crate::hypervolume::hypervolume;
use crate::individual::Individual;
use crate::nsga3::{Normalize, Nsga3Memory};
use crate::problem::{EvalContext, Evaluation, InfeasibleReason, Problem, evaluation_seed};
use crate::selection::PermutationTournament;
use crate::survival::{Survival, Truncation, Workspace};

/// Plain NSGA-II or NSGA-II inside ALPS age layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// One population, elitist NSGA-II survival.
    Nsga2,
    /// Age-layered population; NSGA-II selection and survival inside each layer.
    Alps(AlpsConfig),
}

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// Run seed: the same seed gives the same run.
    pub seed: u64,
    /// Population size (per layer in ALPS mode); offspring per layer per generation.
    pub population_size: usize,
    /// NSGA-II or ALPS.
    pub mode: Mode,
    /// Truncation of the last front during rank-and-crowding survival.
    pub truncation: Truncation,
    /// Survival strategy (default [`Survival::Auto`]: rank and crowding for 2
    /// objectives, NSGA-III from 3). Checkpoints without the field resume with
    /// [`Survival::legacy`] (rank and crowding), the strategy they were written with.
    #[serde(default = "Survival::legacy")]
    pub survival: Survival,
    /// Optional cap on the archive size (pruning rule: [`Archive::prune`]).
    pub archive_cap: Option<usize>,
    /// Keep the Pareto archive of everything evaluated (default `true`). A caller that
    /// only needs the final population (its first front: [`Engine::front`]) can turn it
    /// off: the archive never influences selection or survival, so the run is the same
    /// individual for individual, without the cost of inserting every evaluation and
    /// pruning to the cap (about half of the engine's own time with 5 or more
    /// objectives). Without it [`Engine::archive`] stays empty and
    /// [`GenerationStats::front_size`], [`GenerationStats::hypervolume`] and
    /// [`GenerationStats::archive_feasible`] describe the population's first front.
    #[serde(default = "yes")]
    pub keep_archive: bool,
    /// Reference point for the per-generation hypervolume of the archive.
    pub reference_point: Option<Vec<f64>>,
    /// How often a child that equals one of its parents is mutated again (MOJITO retries
    /// until the child differs). Only where duplicates are not eliminated
    /// ([`EngineConfig::duplicates`]).
    pub max_mutation_retries: u32,
    /// What happens to a child that duplicates a genotype already there (default
    /// [`Duplicates::Auto`]; checkpoints without the field resume with
    /// [`Duplicates::Mutate`], the behaviour they were written with).
    #[serde(default = "Duplicates::legacy")]
    pub duplicates: Duplicates,
}

/// Handling of children whose genotype already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Duplicates {
    /// [`Duplicates::Eliminate`] under NSGA-III survival, [`Duplicates::Mutate`] under
    /// the others (the resolved [`Survival`]). Measured: on C1-DTLZ1 (NSGA-III, 1000
    /// seeds) elimination finds the feasible region in 54.5% of the runs against 51.3%
    /// with re-mutation (pymoo: 54.7% of 300), and on DTLZ1/DTLZ2 with 5 and 8
    /// objectives its hypervolumes are as good or better (50 seeds), while on ZDT1-2
    /// (NSGA-II) it costs a little hypervolume (BENCHMARKS.md).
    #[default]
    Auto,
    /// A child equal to one of its two parents is mutated again, up to
    /// [`EngineConfig::max_mutation_retries`] times (MOJITO); a child equal to another
    /// member is kept.
    Mutate,
    /// pymoo's duplicate elimination: a child equal to a member of the breeding pool
    /// or to a child already accepted for the layer in this generation is discarded,
    /// and the missing children are bred again with fresh tournaments, at most
    /// [`MAX_BREEDING_ROUNDS`] batches per layer and generation (then the layer gets
    /// fewer children). No mutation is retried: a genotype alive in the pool is never
    /// evaluated again, and every child is what a crossover and one mutation produced.
    Eliminate,
}

impl Duplicates {
    /// The behaviour of checkpoints written before the setting existed.
    pub fn legacy() -> Self {
        Self::Mutate
    }

    /// True when duplicates are eliminated under the (resolved) `survival`.
    pub fn eliminates(self, survival: &Survival) -> bool {
        match self {
            Self::Auto => matches!(survival, Survival::Nsga3 { .. }),
            Self::Mutate => false,
            Self::Eliminate => true,
        }
    }
}

/// Most batches of children bred for one layer in one generation under
/// [`Duplicates::Eliminate`] (pymoo's `n_max_iterations`).
pub const MAX_BREEDING_ROUNDS: usize = 100;

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            population_size: 100,
            mode: Mode::Nsga2,
            truncation: Truncation::default(),
            survival: Survival::default(),
            archive_cap: None,
            keep_archive: true,
            reference_point: None,
            max_mutation_retries: 10,
            duplicates: Duplicates::default(),
        }
    }
}

fn yes() -> bool {
    true
}

impl EngineConfig {
    /// Check the settings.
    pub fn validate(&self) -> Result<()> {
        if self.population_size < 2 {
            return Err(MooError::InvalidConfig(format!(
                "population size must be at least 2, got {}",
                self.population_size
            )));
        }
        if let Mode::Alps(alps) = &self.mode {
            alps.validate().map_err(MooError::InvalidConfig)?;
        }
        if self.archive_cap == Some(0) {
            return Err(MooError::InvalidConfig(
                "archive cap must be at least 1".into(),
            ));
        }
        Ok(())
    }

    fn layer_count(&self) -> usize {
        match &self.mode {
            Mode::Nsga2 => 1,
            Mode::Alps(a) => a.layers,
        }
    }

    fn max_age(&self, layer: usize) -> Option<u32> {
        match &self.mode {
            Mode::Nsga2 => None,
            Mode::Alps(a) => a.max_age(layer),
        }
    }

    fn reseeds_at(&self, generation: u64) -> bool {
        match &self.mode {
            Mode::Nsga2 => false,
            Mode::Alps(a) => {
                a.reseed_layer0
                    && a.layers > 1
                    && generation > 0
                    && generation.is_multiple_of(u64::from(a.age_gap))
            }
        }
    }
}

/// Progress figures of one generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationStats {
    /// Generation number (0 = initial population).
    pub generation: u64,
    /// Evaluations done in this generation.
    pub evaluations: usize,
    /// Evaluations since the start of the run.
    pub total_evaluations: u64,
    /// Feasible individuals among this generation's evaluations.
    pub feasible: usize,
    /// Individuals in the population (all layers) after survival.
    pub population: usize,
    /// Feasible individuals in the population after survival.
    pub population_feasible: usize,
    /// Non-empty age layers (1 in NSGA-II mode).
    pub layers: usize,
    /// Size of the Pareto archive (without an archive, [`EngineConfig::keep_archive`]:
    /// of the population's first front).
    pub front_size: usize,
    /// Hypervolume of the archive (without one: of the population's first front) at the
    /// configured reference point (0 while nothing feasible has been found); `None`
    /// without a reference point.
    pub hypervolume: Option<f64>,
    /// Evaluations of this generation the engine made infeasible because they returned
    /// a non-finite objective or violation ([`Individual::invalid`]).
    #[serde(default)]
    pub invalid: usize,
    /// True when the archive holds feasible members (some feasible point was found;
    /// without an archive: the population holds feasible members).
    #[serde(default)]
    pub archive_feasible: bool,
}

/// Whether a front (of the archive or the population) contains feasible points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrontStatus {
    /// Nothing has been evaluated.
    Empty,
    /// Nothing feasible exists: the members are the least-violating infeasible points.
    Infeasible,
    /// The members are feasible and mutually non-dominated.
    Feasible,
}

/// A front together with an explicit statement of its feasibility.
#[derive(Debug, Clone)]
pub struct Front<'a, G, E> {
    /// Whether the members are feasible.
    pub status: FrontStatus,
    /// The members (feasible non-dominated points, or, without any feasible point, the
    /// least-violating ones).
    pub members: Vec<&'a Individual<G, E>>,
}

impl<'a, G, E> Front<'a, G, E> {
    /// The members if they are feasible, `None` when no feasible point exists.
    pub fn feasible(&self) -> Option<&[&'a Individual<G, E>]> {
        (self.status == FrontStatus::Feasible).then_some(self.members.as_slice())
    }

    /// True when the members are feasible.
    pub fn is_feasible(&self) -> bool {
        self.status == FrontStatus::Feasible
    }
}

/// Everything the engine's future depends on (serde-serialisable).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineState<G, E> {
    config: EngineConfig,
    generation: u64,
    initialized: bool,
    next_id: u64,
    evaluations: u64,
    num_objectives: Option<usize>,
    layers: Vec<Vec<Individual<G, E>>>,
    rng: ChaCha8Rng,
    archive: Archive<G, E>,
    pending: Vec<G>,
    /// NSGA-III's ideal point (component-wise minimum of every feasible candidate of
    /// every NSGA-III survival so far) and last extreme points.
    #[serde(default)]
    nsga3: Nsga3Memory,
}

/// The evolutionary engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "G: Serialize, E: Serialize",
    deserialize = "G: Deserialize<'de>, E: Deserialize<'de>"
))]
pub struct Engine<G, E> {
    state: EngineState<G, E>,
    #[serde(skip)]
    work: Workspace,
    #[serde(skip)]
    keep: Vec<u32>,
    #[serde(skip)]
    tournament: PermutationTournament,
    /// Resolved survival and reference directions for the run's objective count
    /// (derived from the configuration, so not part of the state).
    #[serde(skip)]
    plan: Option<Plan>,
    /// Per layer, the constrained ranks of its members as computed by the survival that
    /// chose them (`None`: unknown). A cache: breeding from a layer alone reuses them
    /// instead of sorting again; without it (after a resume) the sort gives the same.
    #[serde(skip)]
    ranks: Vec<Option<Vec<u32>>>,
}

#[derive(Debug, Clone)]
struct Plan {
    m: usize,
    survival: Survival,
    directions: Vec<Vec<f64>>,
}

struct Birth<G> {
    genotype: G,
    layer: usize,
    age: u32,
}

impl<G, E> Engine<G, E> {
    /// Rebuild an engine from a saved state (e.g. a checkpoint).
    pub fn from_state(state: EngineState<G, E>) -> Result<Self> {
        state.config.validate()?;
        Ok(Self {
            state,
            work: Workspace::new(),
            keep: Vec::new(),
            tournament: PermutationTournament::new(),
            plan: None,
            ranks: Vec::new(),
        })
    }

    /// The complete state, for checkpointing.
    pub fn state(&self) -> &EngineState<G, E> {
        &self.state
    }

    /// Consume the engine, returning its state.
    pub fn into_state(self) -> EngineState<G, E> {
        self.state
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.state.config
    }

    /// Generations completed after the initial population (0 right after it).
    pub fn generation(&self) -> u64 {
        self.state.generation
    }

    /// True once the initial population has been evaluated.
    pub fn is_initialized(&self) -> bool {
        self.state.initialized
    }

    /// Evaluations since the start of the run.
    pub fn evaluations(&self) -> u64 {
        self.state.evaluations
    }

    /// The age layers (a single layer in NSGA-II mode), youngest first.
    pub fn layers(&self) -> &[Vec<Individual<G, E>>] {
        &self.state.layers
    }

    /// Every individual of the population with its layer index.
    pub fn population(&self) -> impl Iterator<Item = (usize, &Individual<G, E>)> + '_ {
        self.state
            .layers
            .iter()
            .enumerate()
            .flat_map(|(l, v)| v.iter().map(move |i| (l, i)))
    }

    /// The Pareto archive of everything evaluated.
    pub fn archive(&self) -> &Archive<G, E> {
        &self.state.archive
    }

    /// The survival strategy in use for `m` objectives ([`Survival::Auto`] resolved).
    pub fn survival_for(&self, m: usize) -> Survival {
        self.state.config.survival.resolve(m)
    }

    /// NSGA-III's ideal point so far (`None` before an NSGA-III survival saw a feasible
    /// point).
    pub fn ideal_point(&self) -> Option<&[f64]> {
        self.state.nsga3.ideal.as_deref()
    }

    /// The reference directions NSGA-III uses in this run (empty before the first step
    /// or under another survival).
    pub fn reference_directions(&self) -> &[Vec<f64>] {
        self.plan.as_ref().map_or(&[], |p| p.directions.as_slice())
    }
}

impl<G: Clone + PartialEq + Send + Sync, E: Clone + Send + Sync> Engine<G, E> {
    /// A new engine; the first [`Engine::step`] evaluates the initial population.
    pub fn new(config: EngineConfig) -> Result<Self> {
        config.validate()?;
        let rng = ChaCha8Rng::seed_from_u64(config.seed);
        let archive = Archive::new(config.archive_cap);
        Ok(Self {
            state: EngineState {
                config,
                generation: 0,
                initialized: false,
                next_id: 0,
                evaluations: 0,
                num_objectives: None,
                layers: Vec::new(),
                rng,
                archive,
                pending: Vec::new(),
                nsga3: Nsga3Memory::default(),
            },
            work: Workspace::new(),
            keep: Vec::new(),
            tournament: PermutationTournament::new(),
            plan: None,
            ranks: Vec::new(),
        })
    }

    /// Add known genotypes to the initial population (before the first step only). If
    /// more than `population_size` are injected, survival picks among them.
    pub fn inject(&mut self, genotypes: impl IntoIterator<Item = G>) -> Result<()> {
        if self.state.initialized {
            return Err(MooError::InvalidConfig(
                "individuals can only be injected before the first generation".into(),
            ));
        }
        self.state.pending.extend(genotypes);
        Ok(())
    }

    /// The first front (constrained dominance) of the current population, all layers,
    /// with an explicit feasibility status.
    pub fn front(&mut self) -> Front<'_, G, E> {
        let members = self.population_front();
        let status = match members.first() {
            None => FrontStatus::Empty,
            Some(i) if i.is_feasible() => FrontStatus::Feasible,
            Some(_) => FrontStatus::Infeasible,
        };
        Front { status, members }
    }

    /// The first front (constrained dominance) of the current population, all layers
    /// (infeasible points when nothing feasible exists: see [`Engine::front`]).
    pub fn population_front(&mut self) -> Vec<&Individual<G, E>> {
        let Some(m) = self.state.num_objectives else {
            return Vec::new();
        };
        let all: Vec<&Individual<G, E>> = self.state.layers.iter().flatten().collect();
        self.work.load(
            m,
            all.iter().map(|i| (i.objectives.as_slice(), i.violation)),
        );
        if self.work.fronts().is_empty() {
            return Vec::new();
        }
        self.work
            .fronts()
            .front(0)
            .iter()
            .map(|&k| all[k as usize])
            .collect()
    }

    /// Run generations until at least `max_evaluations` evaluations are done, calling
    /// `on_generation` after each.
    pub fn run<P>(
        &mut self,
        problem: &P,
        max_evaluations: u64,
        mut on_generation: impl FnMut(&GenerationStats),
    ) -> Result<()>
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        while self.state.evaluations < max_evaluations {
            let stats = self.step(problem)?;
            on_generation(&stats);
        }
        Ok(())
    }

    /// Run one generation (the first call evaluates the initial population).
    ///
    /// On error (an evaluation failed or returned invalid values) the state is left as it
    /// was before the call.
    pub fn step<P>(&mut self, problem: &P) -> Result<GenerationStats>
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        let m = problem.num_objectives();
        if m == 0 {
            return Err(MooError::InvalidConfig(
                "the problem has no objectives".into(),
            ));
        }
        if let Some(known) = self.state.num_objectives
            && known != m
        {
            return Err(MooError::DimensionMismatch {
                what: "problem (objectives changed since the run started)".into(),
                expected: known,
                got: m,
            });
        }
        if let Some(r) = &self.state.config.reference_point
            && r.len() != m
        {
            return Err(MooError::DimensionMismatch {
                what: "reference point".into(),
                expected: m,
                got: r.len(),
            });
        }
        self.prepare(m)?;
        let saved_rng = self.state.rng.clone();
        let result = if self.state.initialized {
            self.next_generation(problem, m)
        } else {
            self.initial_population(problem, m)
        };
        if result.is_err() {
            self.state.rng = saved_rng;
        }
        result
    }

    /// Resolve the survival strategy and reference directions for `m` objectives.
    fn prepare(&mut self, m: usize) -> Result<()> {
        if self.plan.as_ref().is_some_and(|p| p.m == m) {
            return Ok(());
        }
        let survival = self.state.config.survival.resolve(m);
        let directions = match &survival {
            Survival::Nsga3 { directions, .. } => {
                directions.resolve(m, self.state.config.population_size)?
            }
            _ => Vec::new(),
        };
        self.plan = Some(Plan {
            m,
            survival,
            directions,
        });
        Ok(())
    }

    fn initial_population<P>(&mut self, problem: &P, m: usize) -> Result<GenerationStats>
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        let n = self.state.config.population_size;
        let mut births: Vec<Birth<G>> = self
            .state
            .pending
            .iter()
            .cloned()
            .map(|genotype| Birth {
                genotype,
                layer: 0,
                age: 0,
            })
            .collect();
        while births.len() < n {
            births.push(Birth {
                genotype: problem.random_genotype(&mut self.state.rng),
                layer: 0,
                age: 0,
            });
        }
        let born = self.evaluate(problem, births, 0, m)?;
        self.state.pending.clear();
        self.state.num_objectives = Some(m);
        self.state.initialized = true;
        let new_count = born.len();
        let feasible = born.iter().filter(|(_, i)| i.is_feasible()).count();
        let invalid = born.iter().filter(|(_, i)| i.invalid.is_some()).count();
        if self.state.config.keep_archive {
            let top = self.top_tier(problem);
            self.state
                .archive
                .extend(born.iter().map(|(_, i)| i).filter(|i| i.tier >= top));
        }
        let cands: Vec<Individual<G, E>> = born.into_iter().map(|(_, i)| i).collect();
        let (layer0, ranks) = self.survive(cands, m);
        self.state.layers = vec![layer0];
        self.ranks = vec![ranks];
        Ok(self.stats(new_count, feasible, invalid))
    }

    fn next_generation<P>(&mut self, problem: &P, m: usize) -> Result<GenerationStats>
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        let generation = self.state.generation + 1;
        let n = self.state.config.population_size;
        let reseed = self.state.config.reseeds_at(generation);
        let mut births: Vec<Birth<G>> = Vec::new();
        for layer in 0..self.state.layers.len() {
            if self.state.layers[layer].is_empty() || (reseed && layer == 0) {
                continue;
            }
            self.breed(problem, layer, m, &mut births);
        }
        if reseed {
            for _ in 0..n {
                births.push(Birth {
                    genotype: problem.random_genotype(&mut self.state.rng),
                    layer: 0,
                    age: 0,
                });
            }
        }
        let born = self.evaluate(problem, births, generation, m)?;
        let mut rescored = self.rescore_movers(problem, &born, reseed, generation, m)?;

        // Commit: nothing below can fail.
        self.state.generation = generation;
        let new_count = born.len() + rescored.len();
        let feasible = born.iter().filter(|(_, i)| i.is_feasible()).count();
        let invalid = born.iter().filter(|(_, i)| i.invalid.is_some()).count();
        self.state.evaluations += rescored.len() as u64;
        if self.state.config.keep_archive {
            let top = self.top_tier(problem);
            let mut rescored: Vec<&Individual<G, E>> = rescored.values().collect();
            rescored.sort_by_key(|i| i.id);
            self.state.archive.extend(
                born.iter()
                    .map(|(_, i)| i)
                    .chain(rescored)
                    .filter(|i| i.tier >= top),
            );
        }
        for ind in self.state.layers.iter_mut().flatten() {
            ind.age = ind.age.saturating_add(1);
        }

        let layer_count = self.state.config.layer_count();
        let mut offspring: Vec<Vec<Individual<G, E>>> =
            (0..layer_count).map(|_| Vec::new()).collect();
        for (layer, ind) in born {
            offspring[layer].push(ind);
        }
        let mut old = std::mem::take(&mut self.state.layers);
        old.resize_with(layer_count, Vec::new);
        let mut incoming: Vec<Individual<G, E>> = Vec::new();
        let mut layers: Vec<Vec<Individual<G, E>>> = Vec::with_capacity(layer_count);
        let mut ranks: Vec<Option<Vec<u32>>> = Vec::with_capacity(layer_count);
        for (layer, (previous, children)) in old.into_iter().zip(offspring).enumerate() {
            let mut cands: Vec<Individual<G, E>>;
            let mut moving_up: Vec<Individual<G, E>> = Vec::new();
            if reseed && layer == 0 {
                moving_up = previous;
                cands = children;
            } else {
                cands = previous;
                cands.extend(children);
            }
            // Movers scored for another tier carry their new score (made for the layer
            // they end in; they pass any layer before it without competing there).
            for ind in &mut incoming {
                if let Some(again) = rescored.remove(&ind.id) {
                    *ind = again;
                }
            }
            cands.append(&mut incoming);
            if let Some(limit) = self.state.config.max_age(layer) {
                let (fit, too_old): (Vec<_>, Vec<_>) =
                    cands.into_iter().partition(|i| i.age <= limit);
                cands = fit;
                moving_up.extend(too_old);
            }
            incoming = moving_up;
            let (kept, kept_ranks) = self.survive(cands, m);
            layers.push(kept);
            ranks.push(kept_ranks);
        }
        while layers.len() > 1 && layers.last().is_some_and(Vec::is_empty) {
            layers.pop();
            ranks.pop();
        }
        self.state.layers = layers;
        self.ranks = ranks;
        Ok(self.stats(new_count, feasible, invalid))
    }

    /// Produce `population_size` children for `layer` from parents in `layer` and the
    /// layer below.
    fn breed<P>(&mut self, problem: &P, layer: usize, m: usize, births: &mut Vec<Birth<G>>)
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        let n = self.state.config.population_size;
        let retries = self.state.config.max_mutation_retries;
        let layers = &self.state.layers;
        let own = &layers[layer];
        let below: &[Individual<G, E>] = if layer > 0 { &layers[layer - 1] } else { &[] };
        let parent = |k: usize| -> &Individual<G, E> {
            if k < own.len() {
                &own[k]
            } else {
                &below[k - own.len()]
            }
        };
        let pool = own
            .iter()
            .chain(below.iter())
            .map(|i| (i.objectives.as_slice(), i.violation));
        match self.ranks.get(layer) {
            Some(Some(r)) if below.is_empty() && r.len() == own.len() => {
                self.work.load_ranked(m, pool, r)
            }
            _ => self.work.load(m, pool),
        }
        let survival = self
            .plan
            .as_ref()
            .map_or(Survival::RankCrowding, |p| p.survival.clone());
        let rule = survival.tournament_rule();
        let eliminate = self.state.config.duplicates.eliminates(&survival);
        let rng = &mut self.state.rng;
        let first = births.len();
        let mut rounds = 0;
        let mut batch: Vec<(G, u32)> = Vec::new();
        while births.len() - first < n && rounds < MAX_BREEDING_ROUNDS {
            rounds += 1;
            let need = n - (births.len() - first);
            // Entrants come from a stream of permutations of the pool: with a pool of n
            // (NSGA-II) every member enters exactly two tournaments when n is even
            // (module `selection`). A further batch (duplicates eliminated) starts a
            // fresh stream, as pymoo's mating does.
            self.tournament.reset(self.work.len());
            batch.clear();
            while batch.len() < need {
                let (e1, e2) = self.tournament.next_pair(rng);
                let w1 = self.work.compete(rule, e1, e2, rng);
                let (e3, e4) = self.tournament.next_pair(rng);
                let w2 = self.work.compete(rule, e3, e4, rng);
                let a = parent(w1);
                let b = parent(w2);
                let (c1, c2) = problem.crossover(&a.genotype, &b.genotype, rng);
                let age = a.age.max(b.age).saturating_add(1);
                for mut child in [c1, c2] {
                    if batch.len() == need {
                        break;
                    }
                    problem.mutate(&mut child, rng);
                    if !eliminate {
                        let mut tries = 0;
                        while tries < retries && (child == a.genotype || child == b.genotype) {
                            problem.mutate(&mut child, rng);
                            tries += 1;
                        }
                    }
                    batch.push((child, age));
                }
            }
            for (child, age) in batch.drain(..) {
                if eliminate
                    && (own.iter().chain(below).any(|i| i.genotype == child)
                        || births[first..].iter().any(|b| b.genotype == child))
                {
                    continue;
                }
                births.push(Birth {
                    genotype: child,
                    layer,
                    age,
                });
            }
        }
    }

    /// Evaluate a batch on rayon; results come back in birth order.
    fn evaluate<P>(
        &mut self,
        problem: &P,
        births: Vec<Birth<G>>,
        generation: u64,
        m: usize,
    ) -> Result<Vec<(usize, Individual<G, E>)>>
    where
        P: Problem<Genotype = G, Extra = E>,
    {
        let seed = self.state.config.seed;
        let first_id = self.state.next_id;
        let results: Vec<std::result::Result<Evaluation<E>, P::Error>> = births
            .par_iter()
            .enumerate()
            .map(|(k, b)| {
                let id = first_id + k as u64;
                let ctx = EvalContext {
                    id,
                    generation,
                    layer: b.layer,
                    seed: evaluation_seed(seed, id),
                };
                problem.evaluate(&b.genotype, &ctx)
            })
            .collect();
        let mut out = Vec::with_capacity(births.len());
        for (k, (birth, result)) in births.into_iter().zip(results).enumerate() {
            let id = first_id + k as u64;
            let eval = result.map_err(|e| MooError::Evaluation {
                id,
                generation,
                source: Box::new(e),
            })?;
            validate_evaluation(&eval, m, id)?;
            let (objectives, violation, invalid) = sanitize(eval.objectives, eval.violation);
            out.push((
                birth.layer,
                Individual {
                    id,
                    genotype: birth.genotype,
                    objectives,
                    violation,
                    extra: eval.extra,
                    age: birth.age,
                    born: generation,
                    invalid,
                    tier: problem.tier(birth.layer),
                },
            ));
        }
        self.state.next_id = first_id + out.len() as u64;
        self.state.evaluations += out.len() as u64;
        Ok(out)
    }

    /// The highest evaluation tier of any layer: only individuals scored at it enter the
    /// archive.
    fn top_tier<P: Problem>(&self, problem: &P) -> u32 {
        (0..self.state.config.layer_count())
            .map(|l| problem.tier(l))
            .max()
            .unwrap_or(0)
    }

    /// The layer an individual of age `age` that starts looking in `start` ends in this
    /// generation (the first whose age limit it fits; the last has none).
    fn destination(&self, start: usize, age: u32) -> usize {
        let last = self.state.config.layer_count().saturating_sub(1);
        (start..last)
            .find(|&l| {
                self.state
                    .config
                    .max_age(l)
                    .is_none_or(|limit| age <= limit)
            })
            .unwrap_or(last)
    }

    /// Scores again, for the layer they will end in, the individuals that move up this
    /// generation into a layer of another tier than they were scored at (see
    /// [`Problem::tier`]); nothing is committed. Movers are decided by age alone, exactly as
    /// the survival loop of [`Engine::next_generation`] moves them.
    fn rescore_movers<P>(
        &self,
        problem: &P,
        born: &[(usize, Individual<G, E>)],
        reseed: bool,
        generation: u64,
        m: usize,
    ) -> Result<BTreeMap<u64, Individual<G, E>>>
    where
        P: Problem<Genotype = G, Extra = E>,
        G: Clone,
    {
        let mut todo: Vec<(usize, &Individual<G, E>)> = Vec::new();
        for (layer, members) in self.state.layers.iter().enumerate() {
            let start = if reseed && layer == 0 { 1 } else { layer };
            for ind in members {
                // ages are raised by one when the generation is committed
                let dest = self.destination(start, ind.age.saturating_add(1));
                if problem.tier(dest) != ind.tier {
                    todo.push((dest, ind));
                }
            }
        }
        for (layer, ind) in born {
            let dest = self.destination(*layer, ind.age);
            if problem.tier(dest) != ind.tier {
                todo.push((dest, ind));
            }
        }
        if todo.is_empty() {
            return Ok(BTreeMap::new());
        }
        let seed = self.state.config.seed;
        let results: Vec<std::result::Result<Evaluation<E>, P::Error>> = todo
            .par_iter()
            .map(|(dest, ind)| {
                let ctx = EvalContext {
                    id: ind.id,
                    generation,
                    layer: *dest,
                    seed: evaluation_seed(seed, ind.id),
                };
                problem.evaluate(&ind.genotype, &ctx)
            })
            .collect();
        let mut out = BTreeMap::new();
        for ((dest, ind), result) in todo.into_iter().zip(results) {
            let eval = result.map_err(|e| MooError::Evaluation {
                id: ind.id,
                generation,
                source: Box::new(e),
            })?;
            validate_evaluation(&eval, m, ind.id)?;
            let (objectives, violation, invalid) = sanitize(eval.objectives, eval.violation);
            out.insert(
                ind.id,
                Individual {
                    id: ind.id,
                    genotype: ind.genotype.clone(),
                    objectives,
                    violation,
                    extra: eval.extra,
                    age: ind.age,
                    born: ind.born,
                    invalid,
                    tier: problem.tier(dest),
                },
            );
        }
        Ok(out)
    }

    /// Survival of `cands` down to the population size; also returns the survivors'
    /// constrained ranks when they were computed.
    fn survive(
        &mut self,
        cands: Vec<Individual<G, E>>,
        m: usize,
    ) -> (Vec<Individual<G, E>>, Option<Vec<u32>>) {
        let n = self.state.config.population_size;
        // Everybody survives; only the hyperplane normalisation still learns from the
        // candidates (pymoo runs its survival on the initial population too, so its ideal,
        // worst and extreme points start from it).
        let learns = matches!(
            self.plan.as_ref().map(|p| &p.survival),
            Some(Survival::Nsga3 {
                normalize: Normalize::Hyperplane,
                ..
            })
        );
        if cands.len() <= n && !learns {
            return (cands, None);
        }
        self.work.load(
            m,
            cands.iter().map(|i| (i.objectives.as_slice(), i.violation)),
        );
        let (survival, directions) = match &self.plan {
            Some(p) => (&p.survival, p.directions.as_slice()),
            None => (&Survival::RankCrowding, &[][..]),
        };
        self.work.survivors_with(
            n,
            survival,
            self.state.config.truncation,
            directions,
            &mut self.state.nsga3,
            &mut self.state.rng,
            &mut self.keep,
        );
        let ranks: Vec<u32> = self
            .keep
            .iter()
            .map(|&k| self.work.rank(k as usize))
            .collect();
        let mut keep = self.keep.iter().peekable();
        let kept = cands
            .into_iter()
            .enumerate()
            .filter_map(|(k, ind)| {
                if keep.peek().is_some_and(|&&t| t as usize == k) {
                    keep.next();
                    Some(ind)
                } else {
                    None
                }
            })
            .collect();
        (kept, Some(ranks))
    }

    fn stats(&mut self, evaluations: usize, feasible: usize, invalid: usize) -> GenerationStats {
        let reference = self.state.config.reference_point.clone();
        let (front_size, front_feasible, hypervolume) = if self.state.config.keep_archive {
            let archive = &self.state.archive;
            let hv = reference.as_ref().map(|r| {
                if archive.is_feasible() {
                    hypervolume(&archive.objectives(), r).unwrap_or(0.0)
                } else {
                    0.0
                }
            });
            (archive.len(), archive.is_feasible(), hv)
        } else if reference.is_none()
            && let [layer] = self.state.layers.as_slice()
            && let Some(Some(ranks)) = self.ranks.first()
            && ranks.len() == layer.len()
        {
            // The survival's ranks give the first front without sorting again.
            let mut size = 0;
            let mut any_feasible = false;
            for (ind, &r) in layer.iter().zip(ranks) {
                if r == 0 {
                    size += 1;
                    any_feasible |= ind.is_feasible();
                }
            }
            (size, any_feasible, None)
        } else {
            let front = self.front();
            let hv = reference.as_ref().map(|r| match front.feasible() {
                Some(members) => {
                    let points: Vec<Vec<f64>> =
                        members.iter().map(|i| i.objectives.clone()).collect();
                    hypervolume(&points, r).unwrap_or(0.0)
                }
                None => 0.0,
            });
            (front.members.len(), front.is_feasible(), hv)
        };
        GenerationStats {
            generation: self.state.generation,
            evaluations,
            total_evaluations: self.state.evaluations,
            feasible,
            population: self.state.layers.iter().map(Vec::len).sum(),
            population_feasible: self
                .state
                .layers
                .iter()
                .flatten()
                .filter(|i| i.is_feasible())
                .count(),
            layers: self.state.layers.iter().filter(|l| !l.is_empty()).count(),
            front_size,
            hypervolume,
            invalid,
            archive_feasible: front_feasible,
        }
    }
}

fn validate_evaluation<E>(eval: &Evaluation<E>, m: usize, id: u64) -> Result<()> {
    let what = || format!("evaluation of individual {id}");
    if eval.objectives.len() != m {
        return Err(MooError::DimensionMismatch {
            what: what(),
            expected: m,
            got: eval.objectives.len(),
        });
    }
    // NaN / infinite values are not errors: the individual becomes infeasible with a
    // recorded reason (see `evaluate`). A negative violation is a broken problem.
    if eval.violation < 0.0 {
        return Err(MooError::InvalidValue {
            what: what(),
            value: eval.violation,
            reason: "constraint violation must not be negative",
        });
    }
    Ok(())
}

/// A non-finite objective or violation makes the individual infeasible (violation
/// `f64::MAX`, non-finite objectives replaced by `f64::MAX`) with a recorded reason.
fn sanitize(
    mut objectives: Vec<f64>,
    mut violation: f64,
) -> (Vec<f64>, f64, Option<InfeasibleReason>) {
    let invalid = InfeasibleReason::of(&objectives, violation);
    if invalid.is_some() {
        for v in &mut objectives {
            if !v.is_finite() {
                *v = f64::MAX;
            }
        }
        violation = f64::MAX;
    }
    (objectives, violation, invalid)
}
