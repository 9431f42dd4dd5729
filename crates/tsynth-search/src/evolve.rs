//! The synthesis loop (`tsynth evolve`): engine generations over the grammar, the run
//! directory written after every generation, exact resume from the checkpoint, and the final
//! re-score of the archive on held-out seeds with a comparison against known designs.
//!
//! Order of writes after each generation: `sources/`, `archive.json`, `generations.jsonl`,
//! then `checkpoint` last. A run killed at any moment resumes from its last checkpoint; the
//! files written after it are rewritten from the checkpoint, so the resumed run ends with
//! exactly the files of an uninterrupted one (except `seconds`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsynth_grammar::{Design, Genotype, Library};
use tsynth_moo::{AlpsConfig, Engine, EngineConfig, Individual, Mode};
use tsynth_sim::metrics::{MetricSpec, Selection};
use tsynth_sim::{Registry, Simulate};

use crate::config::{EngineMode, SearchConfig};
use crate::error::{Result, SearchError};
use crate::hall::Hall;
use crate::pipeline::{Pipeline, PipelineTimes, Scored, held_out_seeds, search_seeds};
use crate::problem::GrammarProblem;
use crate::rundir::{
    ArchiveFile, ArchiveMember, GenerationRecord, PathRecord, RunConfig, RunDir, Score,
};
use crate::variation::{Conditions, VariationFile};

/// Version of the checkpoint format (2: named objective vectors).
const CHECKPOINT_FORMAT: u32 = 2;

/// File with the comparison against known designs.
pub const COMPARISON_JSON: &str = "comparison.json";

/// Everything needed to continue a run exactly.
#[derive(Debug, Serialize, Deserialize)]
struct Checkpoint {
    format: u32,
    engine: Engine<Genotype, Scored>,
    seen_evaluations: BTreeSet<String>,
    seen_structures: BTreeSet<String>,
    records: Vec<GenerationRecord>,
    /// The attack hall of fame (absent in checkpoints from before co-evolution).
    #[serde(default)]
    hall: Hall,
}

/// File with the attack hall of fame (for people; the checkpoint holds the run's copy).
pub const HALL_JSON: &str = "hall.json";

/// How a call to [`Evolver::run`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every generation asked for is done.
    Finished,
    /// Stopped on request after a complete, checkpointed generation.
    Stopped,
}

/// What the progress callback receives after each generation.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// The generation's record (as written to `generations.jsonl`).
    pub record: &'a GenerationRecord,
    /// Generations asked for (after the initial population).
    pub target_generations: u64,
    /// Time and work counters of the pipeline since this process started.
    pub times: PipelineTimes,
}

/// A scored known design (for the comparison).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignScore {
    /// File stem of the design file.
    pub name: String,
    /// The design file.
    pub path: String,
    /// Held-out score.
    pub held_out: Score,
}

/// One archive member against one known design (held-out means).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberVsDesign {
    /// Archive member id.
    pub member: String,
    /// Known design name.
    pub design: String,
    /// Better under the run's [`tsynth_sim::BetterRule`] (e.g. strictly better on the
    /// `improve` metrics, no worse on the `no_worse` ones).
    pub dominates: bool,
    /// Euclidean distance of the held-out mean objective vectors, each objective divided by
    /// its reference-point value.
    pub distance: f64,
}

/// The final comparison of the front with known designs, all on the same held-out seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The rule, as a sentence (e.g. "lower risk, no worse cost").
    pub rule: String,
    /// The held-out seeds.
    pub seeds: Vec<u64>,
    /// The known designs' scores.
    pub designs: Vec<DesignScore>,
    /// Every (feasible member, design) pair.
    pub pairs: Vec<MemberVsDesign>,
}

impl Comparison {
    /// Members better than `design` under the run's rule.
    pub fn dominating(&self, design: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|p| p.design == design && p.dominates)
            .map(|p| p.member.as_str())
            .collect()
    }

    /// Distance of `member` to `design`.
    pub fn distance(&self, member: &str, design: &str) -> Option<f64> {
        self.pairs
            .iter()
            .find(|p| p.member == member && p.design == design)
            .map(|p| p.distance)
    }
}

/// What a new run needs besides the configuration.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// The grammar file.
    pub grammar: PathBuf,
    /// The run directory to create.
    pub out: PathBuf,
    /// Worker threads in use (informational).
    pub threads: usize,
}

/// The synthesis loop over one run directory.
pub struct Evolver {
    config: SearchConfig,
    grammar: PathRecord,
    library: Arc<Library>,
    pipeline: Pipeline,
    rundir: RunDir,
    engine: Engine<Genotype, Scored>,
    seen_evaluations: BTreeSet<String>,
    seen_structures: BTreeSet<String>,
    records: Vec<GenerationRecord>,
    seeds: Vec<u64>,
    reference_point: Vec<f64>,
    hall: Hall,
    /// The conditions of variation-aware synthesis (empty when `[variation]` is off).
    conditions: Conditions,
}

/// File with the conditions of variation-aware synthesis (corners, the search's and the
/// held-out Monte Carlo conditions), so that a resume never reads the corners file again.
pub const VARIATION_JSON: &str = "variation.json";

/// The top age layer of a configuration.
fn top_layer(config: &SearchConfig) -> usize {
    match config.engine.mode {
        EngineMode::Alps => config.engine.layers.saturating_sub(1),
        EngineMode::Nsga2 => 0,
    }
}

impl std::fmt::Debug for Evolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evolver")
            .field("run", &self.rundir.path())
            .field("generation", &self.engine.generation())
            .finish_non_exhaustive()
    }
}

/// The engine configuration of a search configuration, with the resolved hypervolume
/// reference point (ranking space).
pub fn engine_config(config: &SearchConfig, reference_point: &[f64]) -> EngineConfig {
    let e = &config.engine;
    EngineConfig {
        seed: config.seed,
        population_size: config.pop,
        mode: match e.mode {
            EngineMode::Nsga2 => Mode::Nsga2,
            EngineMode::Alps => Mode::Alps(AlpsConfig {
                layers: e.layers,
                age_gap: e.age_gap,
                ..AlpsConfig::default()
            }),
        },
        archive_cap: Some(e.archive_cap),
        survival: e.survival.clone(),
        reference_point: Some(reference_point.to_vec()),
        ..EngineConfig::default()
    }
}

/// Loads design files of `library`'s grammar as genotypes (an error names a design whose
/// grammar is another one).
pub fn load_designs(library: &Library, paths: &[PathBuf]) -> Result<Vec<(PathBuf, Genotype)>> {
    let ours = std::fs::canonicalize(&library.file).unwrap_or_else(|_| library.file.clone());
    let mut out = Vec::new();
    for p in paths {
        let text = tsynth_text::read_text(p)?;
        let design = Design::parse(p, text.as_str())?;
        let theirs = design.grammar_path();
        let theirs = std::fs::canonicalize(&theirs).unwrap_or(theirs);
        if theirs != ours {
            return Err(SearchError::Config(format!(
                "{}: design of grammar {}, but the run's grammar is {}",
                p.display(),
                theirs.display(),
                ours.display()
            )));
        }
        let g = library.genotype_from_design(&design)?;
        out.push((p.clone(), g));
    }
    Ok(out)
}

/// The design files in `dir` whose grammar is `library`'s, sorted by name.
pub fn matching_designs(library: &Library, dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| load_designs(library, std::slice::from_ref(p)).is_ok())
        .collect();
    paths.sort();
    paths
}

impl Evolver {
    /// Starts a new run: writes `run.toml` (with the scenario's text) and prepares the
    /// engine; `init` genotypes are injected into the initial population.
    pub fn create(config: SearchConfig, new: &NewRun, registry: &Registry) -> Result<Self> {
        config.validate().map_err(|(_, m)| SearchError::Config(m))?;
        let library = Arc::new(Library::load(&new.grammar)?);
        let scenario_text = tsynth_sim::scenario::read(&config.scenario)?;
        let (sim, reference_point) = simulator(
            registry,
            &library,
            &scenario_text,
            &config.scenario,
            &config,
        )?;
        let init = load_designs(&library, &config.init_designs)?;
        if let Some(cmp) = &config.compare {
            load_designs(&library, cmp)?;
        }
        let variation = VariationFile::resolve(
            config.variation.as_ref(),
            &scenario_text,
            &config.scenario,
            config.seed,
            top_layer(&config),
        )?;
        let conditions = match &variation {
            Some(v) => Conditions::build(
                v,
                registry,
                &scenario_text,
                &config.scenario,
                &library.blocks_dir,
                sim.as_ref(),
            )?,
            None => Conditions::default(),
        };
        if new.out.join(crate::rundir::CHECKPOINT).exists()
            || new.out.join(crate::rundir::RUN_TOML).exists()
        {
            return Err(SearchError::Config(format!(
                "{} already holds a run; use --resume {} to continue it",
                new.out.display(),
                new.out.display()
            )));
        }
        let rundir = RunDir::create(&new.out)?;
        let selection = sim.selection().clone();
        let metrics = sim.metrics().to_vec();
        let domain = sim.domain().to_string();
        let pipeline = Pipeline::new(Arc::clone(&library), sim);
        let grammar = PathRecord::new(&new.grammar);
        let run_config = RunConfig {
            format: crate::rundir::FORMAT,
            command: "evolve".into(),
            domain,
            tsynth_version: env!("CARGO_PKG_VERSION").into(),
            grammar: Some(grammar.clone()),
            design: None,
            scenario: PathRecord::new(&config.scenario),
            scenario_text,
            seed: config.seed,
            population: Some(config.pop),
            generations: Some(config.gens),
            budget: None,
            seeds_per_evaluation: config.seeds,
            held_out_seeds: config.engine.held_out_seeds,
            aggregation: config.engine.aggregation,
            objectives: selection.objectives,
            constraints: selection.constraints,
            better: selection.better,
            metrics,
            reference_point: reference_point.clone(),
            compiler_version: pipeline.compiler_version(),
            threads: new.threads,
            settings: settings_table(&config)?,
        };
        rundir.write_config(&run_config)?;
        if let Some(v) = &variation {
            rundir.write_json_file(VARIATION_JSON, v)?;
        }
        let mut engine = Engine::new(engine_config(&config, &reference_point))?;
        engine.inject(init.into_iter().map(|(_, g)| g))?;
        let seeds = search_seeds(config.seed, config.max_seeds());
        Ok(Self {
            config,
            grammar,
            library,
            pipeline,
            rundir,
            engine,
            seen_evaluations: BTreeSet::new(),
            seen_structures: BTreeSet::new(),
            records: Vec::new(),
            seeds,
            reference_point,
            hall: Hall::default(),
            conditions,
        })
    }

    /// Opens a run directory to continue it; `gens` (if given) changes the number of
    /// generations. Everything else comes from `run.toml` (the scenario from its stored
    /// text) and the checkpoint.
    pub fn resume(
        dir: &Path,
        gens: Option<u64>,
        threads: usize,
        registry: &Registry,
    ) -> Result<Self> {
        let rundir = RunDir::open(dir)?;
        let mut run_config = rundir.read_config()?;
        let resume_err = |message: String| SearchError::Resume {
            path: dir.to_path_buf(),
            message,
        };
        if run_config.command != "evolve" {
            return Err(resume_err(format!(
                "it is a `{}` run, not an evolve run",
                run_config.command
            )));
        }
        let mut config: SearchConfig = run_config
            .settings
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| resume_err(format!("run.toml settings: {e}")))?;
        if let Some(g) = gens {
            config.gens = g;
        }
        let grammar = run_config
            .grammar
            .clone()
            .ok_or_else(|| resume_err("run.toml names no grammar".into()))?;
        let library = Arc::new(Library::load(Path::new(&grammar.absolute))?);
        if registry.get(&run_config.domain).is_none() {
            return Err(resume_err(format!(
                "its domain `{}` is not known to this tsynth (known: {})",
                run_config.domain,
                registry.names().join(", ")
            )));
        }
        let (sim, reference_point) = simulator(
            registry,
            &library,
            &run_config.scenario_text,
            Path::new(&run_config.scenario.given),
            &config,
        )?;
        if sim.selection().objectives != run_config.objectives
            || reference_point != run_config.reference_point
        {
            return Err(resume_err(
                "run.toml's objectives or reference point differ from its settings".into(),
            ));
        }
        let conditions = if config.variation.is_none() {
            Conditions::default()
        } else {
            let path = rundir.path().join(VARIATION_JSON);
            let text = std::fs::read_to_string(&path).map_err(|e| SearchError::io(&path, e))?;
            let v: VariationFile =
                serde_json::from_str(&text).map_err(|e| SearchError::format(&path, e))?;
            Conditions::build(
                &v,
                registry,
                &run_config.scenario_text,
                Path::new(&run_config.scenario.given),
                &library.blocks_dir,
                sim.as_ref(),
            )?
        };
        let pipeline = Pipeline::new(Arc::clone(&library), sim);
        let checkpoint: Option<Checkpoint> = rundir.read_checkpoint()?;
        let (engine, seen_evaluations, seen_structures, records, hall) = match checkpoint {
            Some(c) => {
                if c.format != CHECKPOINT_FORMAT {
                    return Err(resume_err(format!(
                        "checkpoint format {} (this tsynth reads {CHECKPOINT_FORMAT})",
                        c.format
                    )));
                }
                if c.engine.config() != &engine_config(&config, &reference_point) {
                    return Err(resume_err(
                        "the checkpoint's engine settings differ from run.toml".into(),
                    ));
                }
                (
                    c.engine,
                    c.seen_evaluations,
                    c.seen_structures,
                    c.records,
                    c.hall,
                )
            }
            None => {
                // Killed before the initial population was complete: start it again.
                let mut engine = Engine::new(engine_config(&config, &reference_point))?;
                let init = load_designs(&library, &config.init_designs)?;
                engine.inject(init.into_iter().map(|(_, g)| g))?;
                (
                    engine,
                    BTreeSet::new(),
                    BTreeSet::new(),
                    Vec::new(),
                    Hall::default(),
                )
            }
        };
        if gens.is_some() {
            run_config.generations = Some(config.gens);
            run_config.settings = settings_table(&config)?;
        }
        run_config.threads = threads;
        rundir.write_config(&run_config)?;
        let seeds = search_seeds(config.seed, config.max_seeds());
        let ev = Self {
            config,
            grammar,
            library,
            pipeline,
            rundir,
            engine,
            seen_evaluations,
            seen_structures,
            records,
            seeds,
            reference_point,
            hall,
            conditions,
        };
        // Drop whatever was written after the checkpoint.
        ev.rundir.write_generations(&ev.records)?;
        if ev.engine.is_initialized() {
            ev.write_archive(None)?;
        }
        Ok(ev)
    }

    /// The conditions of variation-aware synthesis (empty when `[variation]` is off).
    pub fn conditions(&self) -> &Conditions {
        &self.conditions
    }

    /// The configuration in use.
    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    /// The run directory.
    pub fn rundir(&self) -> &RunDir {
        &self.rundir
    }

    /// The pipeline (e.g. to re-evaluate a stored genotype).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The engine.
    pub fn engine(&self) -> &Engine<Genotype, Scored> {
        &self.engine
    }

    /// Records of the generations done so far.
    pub fn records(&self) -> &[GenerationRecord] {
        &self.records
    }

    /// The search seeds of an evaluation in `layer`.
    pub fn seeds_for_layer(&self, layer: usize) -> Vec<u64> {
        let n = (self.config.seeds_for_layer(layer) as usize).min(self.seeds.len());
        self.seeds[..n].to_vec()
    }

    /// True when every generation asked for is done.
    pub fn is_done(&self) -> bool {
        self.engine.is_initialized() && self.engine.generation() >= self.config.gens
    }

    /// Runs generations until the target is reached or `stop` is set (checked between
    /// generations; the generation in flight is finished and checkpointed first).
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        mut on_generation: impl FnMut(&Progress<'_>),
    ) -> Result<RunStatus> {
        while !self.is_done() {
            if stop.load(Ordering::SeqCst) {
                return Ok(RunStatus::Stopped);
            }
            self.step()?;
            let progress = Progress {
                record: self.records.last().expect("a record per generation"),
                target_generations: self.config.gens,
                times: self.pipeline.times(),
            };
            on_generation(&progress);
        }
        Ok(RunStatus::Finished)
    }

    /// One generation, then the run directory and the checkpoint.
    pub fn step(&mut self) -> Result<&GenerationRecord> {
        let started = Instant::now();
        let problem = GrammarProblem::new(&self.pipeline, &self.config, self.seeds.clone())
            .with_conditions(&self.conditions)
            .with_attacks(self.attack_plan())
            .with_archive(
                self.engine
                    .archive()
                    .members()
                    .iter()
                    .filter(|m| m.is_feasible())
                    .map(|m| m.objectives.clone())
                    .collect(),
            );
        let generation = self.engine.generation();
        let stats = self.engine.step(&problem)?;
        let mut cache_hits = 0;
        let mut compiles = 0;
        let mut attack_searches = 0;
        for e in problem.take_log() {
            if e.searched {
                attack_searches += 1;
            }
            if self.config.engine.hall_size > 0 {
                self.hall
                    .add(e.id, generation, &e.attacks, self.config.engine.hall_size);
            }
            if !self.seen_evaluations.insert(e.key) {
                cache_hits += 1;
            }
            if !e.structure.is_empty() && self.seen_structures.insert(e.structure) {
                compiles += 1;
            }
        }
        let record = GenerationRecord {
            generation: stats.generation,
            evaluations: stats.evaluations,
            total_evaluations: stats.total_evaluations,
            feasible: stats.feasible,
            front_size: stats.front_size,
            hypervolume: stats.hypervolume.unwrap_or(0.0),
            cache_hits,
            compiles,
            attack_searches,
            hall_size: self.hall.entries.len(),
            seconds: started.elapsed().as_secs_f64(),
        };
        self.records.push(record);
        self.write_archive(None)?;
        self.rundir.write_generations(&self.records)?;
        self.rundir.write_json_file(HALL_JSON, &self.hall)?;
        self.write_checkpoint()?;
        Ok(self.records.last().expect("just pushed"))
    }

    /// The end-of-run attacks of the next generation, seeded by the hall as it stands.
    fn attack_plan(&self) -> tsynth_sim::AttackPlan {
        self.plan_with_budget(self.config.engine.attack_budget)
    }

    /// The attacks of the held-out re-score: the hall, then the full search at
    /// `final_attack_budget` (`attack_budget` when that is 0; none when `attack_budget` is).
    fn final_attack_plan(&self) -> tsynth_sim::AttackPlan {
        let e = &self.config.engine;
        self.plan_with_budget(if e.attack_budget == 0 || e.final_attack_budget == 0 {
            e.attack_budget
        } else {
            e.final_attack_budget
        })
    }

    fn plan_with_budget(&self, budget: u32) -> tsynth_sim::AttackPlan {
        if self.config.engine.hall_size > 0 {
            self.hall.plan(budget, self.config.seed)
        } else {
            Hall::default().plan(budget, self.config.seed)
        }
    }

    /// The attack hall of fame as it stands.
    pub fn hall(&self) -> &Hall {
        &self.hall
    }

    fn write_checkpoint(&self) -> Result<()> {
        #[derive(Serialize)]
        struct CheckpointRef<'a> {
            format: u32,
            engine: &'a Engine<Genotype, Scored>,
            seen_evaluations: &'a BTreeSet<String>,
            seen_structures: &'a BTreeSet<String>,
            records: &'a [GenerationRecord],
            hall: &'a Hall,
        }
        self.rundir.write_checkpoint(&CheckpointRef {
            format: CHECKPOINT_FORMAT,
            engine: &self.engine,
            seen_evaluations: &self.seen_evaluations,
            seen_structures: &self.seen_structures,
            records: &self.records,
            hall: &self.hall,
        })
    }

    /// The held-out seeds of this run.
    pub fn held_out_seeds(&self) -> Vec<u64> {
        held_out_seeds(
            self.config.seed,
            self.config.engine.held_out_seeds,
            self.config.max_seeds(),
        )
    }

    /// After the last generation: re-scores the archive on the held-out seeds (stored in
    /// `archive.json`), scores the known designs on the same seeds and writes
    /// `comparison.json`. Deterministic (no time-dependent field).
    pub fn finish(&mut self) -> Result<(ArchiveFile, Option<Comparison>)> {
        let held = self.held_out_seeds();
        if held.is_empty() {
            let archive = self.write_archive(None)?;
            return Ok((archive, None));
        }
        let members = self.engine.archive().members();
        let pipeline = &self.pipeline;
        // The full search at `final_attack_budget` on the first held-out seed of every
        // member and known design, feasible there or not (every stored risk a token engineer
        // reads is the strong search's), the hall (the run's strongest attacks) replayed on
        // the others.
        let plan = self
            .final_attack_plan()
            .searching_only(held.first().copied())
            .searching_infeasible();
        // With `[variation]` the re-score is a verification: fresh Monte Carlo conditions too.
        let fresh = self.conditions.held_out();
        let scores: Vec<Score> = members
            .par_iter()
            .map(|m| {
                pipeline
                    .evaluate_in(&m.genotype, &held, &fresh, &plan)
                    .score
                    .clone()
            })
            .collect();
        let by_id: BTreeMap<u64, Score> = members.iter().map(|m| m.id).zip(scores).collect();
        let archive = self.write_archive(Some(&by_id))?;

        let paths = match &self.config.compare {
            Some(p) => p.clone(),
            None => {
                let grammar_dir = Path::new(&self.grammar.absolute)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let root = grammar_dir
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                matching_designs(&self.library, &root.join("designs"))
            }
        };
        let designs = load_designs(&self.library, &paths)?;
        let design_scores: Vec<DesignScore> = designs
            .par_iter()
            .map(|(p, g)| DesignScore {
                name: p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: p.display().to_string(),
                held_out: pipeline.evaluate_in(g, &held, &fresh, &plan).score.clone(),
            })
            .collect();
        let sim = self.pipeline.simulator();
        let comparison = compare(
            &archive,
            &design_scores,
            sim.selection(),
            sim.metrics(),
            &self.reference_point,
            held,
        );
        self.rundir.write_json_file(COMPARISON_JSON, &comparison)?;
        Ok((archive, Some(comparison)))
    }

    fn member(
        &self,
        ind: &Individual<Genotype, Scored>,
        held: Option<&Score>,
    ) -> Result<ArchiveMember> {
        let lib = &self.library;
        let scored = ind.extra.clone().unwrap_or_else(|| Scored {
            structure_hash: String::new(),
            full_hash: String::new(),
            score: Score {
                seeds: Vec::new(),
                objectives: crate::rundir::ObjectiveScores {
                    mean: Default::default(),
                    worst: Default::default(),
                },
                per_seed: Vec::new(),
                violation: ind.violation,
                feasible: ind.is_feasible(),
                failure: None,
                attack_plan: Default::default(),
            },
        });
        let (blocks, params) = match lib.decode(&ind.genotype) {
            Ok(d) => crate::rundir::blocks_and_params(lib, &d),
            Err(_) => Default::default(),
        };
        let id = format!("m{:04}", ind.id);
        let design = lib
            .design_text(
                &ind.genotype,
                &self.grammar.absolute,
                Some(&format!("tsynth evolve archive member {id}")),
            )
            .unwrap_or_default();
        let sources = match self.pipeline.sources(&ind.genotype) {
            Some(src) if !scored.structure_hash.is_empty() => {
                self.rundir.write_sources(&scored.structure_hash, &src)?
            }
            _ => String::new(),
        };
        Ok(ArchiveMember {
            id,
            genotype: ind.genotype.0.clone(),
            structure_hash: scored.structure_hash,
            full_hash: scored.full_hash,
            blocks,
            params,
            design,
            objectives: scored.score.objectives,
            seeds: scored.score.seeds,
            // the found attacks were booked into the values and fed the hall; not stored
            per_seed: without_attacks(scored.score.per_seed),
            violation: ind.violation,
            feasible: ind.is_feasible(),
            attack_plan: scored.score.attack_plan,
            held_out: held.cloned().map(|mut h| {
                h.per_seed = without_attacks(h.per_seed);
                h
            }),
            sources,
        })
    }

    fn write_archive(&self, held: Option<&BTreeMap<u64, Score>>) -> Result<ArchiveFile> {
        let mut inds: Vec<&Individual<Genotype, Scored>> =
            self.engine.archive().members().iter().collect();
        inds.sort_by_key(|i| i.id);
        let members = inds
            .into_iter()
            .map(|i| self.member(i, held.and_then(|h| h.get(&i.id))))
            .collect::<Result<Vec<_>>>()?;
        let sim = self.pipeline.simulator();
        let archive = ArchiveFile {
            format: crate::rundir::FORMAT,
            objectives: sim.selection().objectives.clone(),
            metrics: sim.metrics().to_vec(),
            aggregation: self.config.engine.aggregation,
            reference_point: self.reference_point.clone(),
            members,
        };
        self.rundir.write_archive(&archive)?;
        let keep: BTreeSet<String> = archive
            .members
            .iter()
            .map(|m| m.structure_hash.clone())
            .collect();
        self.rundir.prune_sources(&keep)?;
        Ok(archive)
    }
}

fn settings_table(config: &SearchConfig) -> Result<toml::Table> {
    toml::Table::try_from(config).map_err(|e| SearchError::Config(format!("settings: {e}")))
}

/// Builds the simulator for scenario `text` from the registry, with the configuration's
/// objectives and constraints; returns it with the resolved reference point.
pub fn simulator(
    registry: &Registry,
    library: &Library,
    text: &str,
    path: &Path,
    config: &SearchConfig,
) -> Result<(Arc<dyn Simulate>, Vec<f64>)> {
    let compiler = tsynth_solc::Compiler::shared()?;
    // A scenario with uncontrollable variables is simulated at their nominal values (the
    // conditions of `[variation]` render their own values).
    let space =
        tsynth_verify::Space::parse(text, path).map_err(|e| SearchError::Config(e.to_string()))?;
    let nominal = space.render_nominal();
    let text = if space.is_empty() {
        text
    } else {
        nominal.as_str()
    };
    let mut sim = registry.simulator(
        text,
        path,
        compiler,
        &library.blocks_dir,
        tsynth_solc::Settings::default(),
    )?;
    let (selection, reference) = config.resolve(sim.as_ref())?;
    sim.set_selection(selection)?;
    Ok((Arc::from(sim), reference))
}

/// Compares feasible archive members (held-out means) with known designs under the
/// selection's [`tsynth_sim::BetterRule`]; the distance divides each objective difference
/// by its reference value (1 where that is 0).
pub fn compare(
    archive: &ArchiveFile,
    designs: &[DesignScore],
    selection: &Selection,
    metrics: &[MetricSpec],
    reference_point: &[f64],
    seeds: Vec<u64>,
) -> Comparison {
    let names: Vec<String> = archive.objectives.clone();
    let mut pairs = Vec::new();
    for m in &archive.members {
        let Some(h) = m.held_out.as_ref().filter(|h| h.feasible) else {
            continue;
        };
        for d in designs {
            let a = &h.objectives.mean;
            let b = &d.held_out.objectives.mean;
            let get =
                |map: &BTreeMap<String, f64>, k: &str| map.get(k).copied().unwrap_or(f64::NAN);
            let dominates = selection.better.beats(metrics, a, b);
            let distance = names
                .iter()
                .zip(reference_point)
                .map(|(n, r)| {
                    let r = if *r == 0.0 { 1.0 } else { r.abs() };
                    ((get(a, n) - get(b, n)) / r).powi(2)
                })
                .sum::<f64>()
                .sqrt();
            pairs.push(MemberVsDesign {
                member: m.id.clone(),
                design: d.name.clone(),
                dominates,
                distance,
            });
        }
    }
    Comparison {
        rule: selection.better.describe(metrics),
        seeds,
        designs: designs.to_vec(),
        pairs,
    }
}

/// Seed outcomes without their found attacks (which the run directory does not store).
fn without_attacks(mut seeds: Vec<tsynth_sim::SeedOutcome>) -> Vec<tsynth_sim::SeedOutcome> {
    for s in &mut seeds {
        s.attacks.clear();
    }
    seeds
}
