//! The tuning run (`tsynth tune`), the counterpart of [`crate::Evolver`] for the parameters
//! of one design: [`Tuner::create`] loads the design, builds the scenario's simulator
//! through the [`Registry`] (this crate never names a domain), scores the start point and
//! writes `run.toml`; [`Tuner::run`] runs the optimiser of [`crate::tune`], writing
//! `generations.jsonl` and `checkpoint` after every generation; [`Tuner::finish`] re-scores
//! the start point, the front and the best point on held-out seeds and writes the rest.
//!
//! Files of a tune run (the format of [`crate::rundir`], so `tsynth front` reads it):
//! `run.toml`, `generations.jsonl`, `checkpoint`, `archive.json` (the feasible front, each
//! member with its held-out score), `sources/`, [`BEST_TOML`] (the best design, a design
//! file), [`SENSITIVITY_CSV`] / [`SENSITIVITY_JSON`] (at the best design) and
//! [`COMPARISON_JSON`] (start, best, the best of each objective and a baseline design, all on
//! the same held-out seeds). A tune run is not resumable; its checkpoint records every
//! evaluated point and where it stopped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsynth_grammar::{Design, Genotype, Library};
use tsynth_sim::{Registry, Simulate};

use crate::error::SearchError;
pub use crate::evolve::COMPARISON_JSON;
use crate::rundir::{
    Aggregation, ArchiveFile, GenerationRecord, PathRecord, RunConfig, RunDir, Score, write_atomic,
};
use crate::tune::{
    DesignEval, DesignFunction, DesignSpace, Iteration, ObjectiveBound, Point, SensitivityRow,
    SettingsError, TuneError, TuneFunction, TuneMode, TuneOutcome, TuneSettings, TunedParam,
    Weights, local_moo, output, sensitivity,
};

/// First held-out seed: far from the search seeds (1, 2, ...).
pub const HELD_OUT_FIRST_SEED: u64 = 1_000_001;
/// The best design, as a design file.
pub const BEST_TOML: &str = "best.toml";
/// The sensitivity table at the best design, as CSV.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// The sensitivity table at the best design, as JSON (with the genes and the step).
pub const SENSITIVITY_JSON: &str = "sensitivity.json";

/// What a tuning run is asked to do (besides the design and the run directory).
#[derive(Debug, Clone, PartialEq)]
pub struct TuneConfig {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Simulation seeds per evaluation (`None`: the scenario's `seeds`).
    pub seeds: Option<u32>,
    /// Held-out seeds of the final comparison (`None`: as many as per evaluation).
    pub held_out: Option<u32>,
    /// Parameters to tune (`Block.param`, a full path or a bare `param`); empty: all.
    pub params: Vec<String>,
    /// Bounds on objectives, e.g. `risk<=0.01`.
    pub constraints: Vec<String>,
    /// Weights of the scalarised objective, e.g. `cost=1,risk=10`.
    pub weights: Option<String>,
    /// A single objective to minimise (instead of `weights`).
    pub objective: Option<String>,
    /// How seeds are combined during the search.
    pub aggregation: Aggregation,
    /// Optimiser settings.
    pub settings: TuneSettings,
    /// Finite-difference step of the sensitivity table (gene space).
    pub fd_step: f64,
    /// A design to compare with on the held-out seeds (any grammar of the same domain).
    pub baseline: Option<PathBuf>,
}

impl Default for TuneConfig {
    fn default() -> Self {
        Self {
            scenario: PathBuf::from("scenarios/default.toml"),
            seeds: None,
            held_out: None,
            params: Vec::new(),
            constraints: Vec::new(),
            weights: None,
            objective: None,
            aggregation: Aggregation::Mean,
            settings: TuneSettings::default(),
            fd_step: 0.05,
            baseline: None,
        }
    }
}

/// What a new tuning run needs besides the configuration.
#[derive(Debug, Clone)]
pub struct NewTune {
    /// The design file whose parameters are tuned (its structure stays fixed).
    pub design: PathBuf,
    /// The run directory to create.
    pub out: PathBuf,
    /// Worker threads in use (informational).
    pub threads: usize,
}

/// What the progress callback of [`Tuner::run`] receives after each generation.
#[derive(Debug, Clone, Copy)]
pub struct TuneProgress<'a> {
    /// The generation's record (as written to `generations.jsonl`).
    pub record: &'a GenerationRecord,
    /// The optimiser's progress figures (step, best scalar).
    pub iteration: &'a Iteration,
    /// The evaluation budget.
    pub budget: usize,
}

/// One column of the comparison: a design scored on the held-out seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedDesign {
    /// `start`, `best mNNNN`, `mNNNN` (best of one objective) or the baseline's file stem.
    pub label: String,
    /// Its design file (`best.toml` is relative to the run directory), if it has one.
    pub design: Option<String>,
    /// Values of the tuned parameters (empty for the baseline).
    pub params: Vec<(String, f64)>,
    /// Held-out score; feasibility includes the run's objective bounds.
    pub held_out: Score,
}

/// What `comparison.json` of a tune run holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuneComparison {
    /// The held-out seeds.
    pub held_out_seeds: Vec<u64>,
    /// `"mean"` or `"worst"`.
    pub aggregation: String,
    /// The objective bounds, as given (`risk<=0.01`).
    pub constraints: Vec<String>,
    /// The designs compared.
    pub designs: Vec<ComparedDesign>,
    /// How the design labelled `best` was chosen (on the held-out seeds).
    #[serde(default)]
    pub best_choice: String,
}

/// What [`Tuner::finish`] wrote.
#[derive(Debug, Clone)]
pub struct TuneReport {
    /// `archive.json`: the front with held-out scores.
    pub archive: ArchiveFile,
    /// The sensitivity table at the best design, sorted by influence.
    pub sensitivity: Vec<SensitivityRow>,
    /// `comparison.json`.
    pub comparison: TuneComparison,
}

/// Which tuned design `finish` reports, and why.
struct HeldOutChoice {
    index: usize,
    why: String,
}

impl HeldOutChoice {
    fn fallback(index: usize, why: &str) -> Self {
        Self {
            index,
            why: why.to_string(),
        }
    }
}

/// The `checkpoint` of a tune run: every evaluated point and the progress so far.
#[derive(Debug, Serialize)]
struct Checkpoint<'a> {
    complete: bool,
    iterations: &'a [Iteration],
    points: Vec<CheckpointPoint<'a>>,
}

#[derive(Debug, Serialize)]
struct CheckpointPoint<'a> {
    index: usize,
    genes: &'a [f64],
    objectives: &'a [f64],
    violation: f64,
    full_hash: &'a str,
}

impl<'a> From<&'a Point<DesignEval>> for CheckpointPoint<'a> {
    fn from(p: &'a Point<DesignEval>) -> Self {
        Self {
            index: p.index,
            genes: &p.genes,
            objectives: &p.objectives,
            violation: p.violation,
            full_hash: &p.extra.full_hash,
        }
    }
}

/// Tuning of one design's parameters over one run directory.
pub struct Tuner {
    design: PathBuf,
    description: Option<String>,
    function: DesignFunction,
    names: Vec<String>,
    constraints: Vec<ObjectiveBound>,
    weights: Weights,
    settings: TuneSettings,
    aggregation: Aggregation,
    fd_step: f64,
    held_out_seeds: Vec<u64>,
    baseline: Option<(Design, Library, Genotype)>,
    rundir: RunDir,
    run_config: RunConfig,
    reference: Vec<f64>,
    start_genes: Vec<f64>,
    records: Vec<GenerationRecord>,
    outcome: Option<TuneOutcome<DesignEval>>,
    search_seconds: f64,
}

impl std::fmt::Debug for Tuner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tuner")
            .field("run", &self.rundir.path())
            .field("design", &self.design)
            .field("generations", &self.records.len())
            .finish_non_exhaustive()
    }
}

/// Builds the simulator of scenario `text` (`path` names it in messages) from the registry,
/// over the blocks of `library`.
pub fn simulator(
    registry: &Registry,
    library: &Library,
    text: &str,
    path: &Path,
) -> Result<Arc<dyn Simulate>, TuneError> {
    let compiler = tsynth_solc::Compiler::shared().map_err(SearchError::from)?;
    let sim = registry
        .simulator(
            text,
            path,
            compiler,
            &library.blocks_dir,
            tsynth_solc::Settings::default(),
        )
        .map_err(|source| TuneError::Simulator {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(Arc::from(sim))
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "design".into())
}

impl Tuner {
    /// Starts a new tuning run: checks every option, scores the start point (it fixes the
    /// hypervolume reference point and the weights' scales) and only then creates the run
    /// directory and writes `run.toml` (with the scenario's text).
    pub fn create(
        config: TuneConfig,
        new: &NewTune,
        registry: &Registry,
    ) -> Result<Self, TuneError> {
        let scenario_text =
            tsynth_sim::scenario::read(&config.scenario).map_err(SearchError::from)?;
        let (design, library, genotype) = Design::load(&new.design)?;
        let sim = simulator(registry, &library, &scenario_text, &config.scenario)?;
        let space = Arc::new(DesignSpace::new(library, genotype)?);
        let params = space.select(&config.params)?;
        let names: Vec<String> = sim.selection().objectives.clone();
        let constraints = config
            .constraints
            .iter()
            .map(|c| ObjectiveBound::parse(c, &names))
            .collect::<Result<Vec<_>, _>>()?;
        let weights = Weights::parse(
            config.weights.as_deref(),
            config.objective.as_deref(),
            &names,
        )?;
        let n_seeds = config.seeds.unwrap_or(sim.run_spec().seeds);
        if n_seeds == 0 {
            return Err(SettingsError::Seeds.into());
        }
        let n_held = config.held_out.unwrap_or(n_seeds);
        let settings = config.settings.clone();
        settings.validate(params.len())?;
        sensitivity::check_step(config.fd_step)?;
        let baseline = match &config.baseline {
            Some(p) if !p.is_file() => return Err(TuneError::Baseline(p.clone())),
            Some(p) => Some(Design::load(p)?),
            None => None,
        };
        if new.out.join(crate::rundir::CHECKPOINT).exists()
            || new.out.join(crate::rundir::RUN_TOML).exists()
        {
            return Err(SearchError::Config(format!(
                "{} already holds a run; choose another --out",
                new.out.display()
            ))
            .into());
        }

        let seeds: Vec<u64> = (1..=u64::from(n_seeds)).collect();
        let held_out_seeds: Vec<u64> = (0..u64::from(n_held))
            .map(|i| HELD_OUT_FIRST_SEED + i)
            .collect();
        let start_genes = space.start_genes(&params);
        let function = DesignFunction::new(
            Arc::clone(&space),
            params.clone(),
            Arc::clone(&sim),
            seeds,
            config.aggregation,
        );
        // the start point fixes the reference point; it is evaluated (memoised) here first
        let start_scored = function.evaluate(&start_genes)?;
        let reference = output::reference_point(&names, &start_scored.objectives);

        let rundir = RunDir::create(&new.out)?;
        let run_config = RunConfig {
            format: crate::rundir::FORMAT,
            command: "tune".into(),
            domain: sim.domain().to_string(),
            tsynth_version: env!("CARGO_PKG_VERSION").into(),
            grammar: Some(PathRecord::new(&space.library.file)),
            design: Some(PathRecord::new(&new.design)),
            scenario: PathRecord::new(&config.scenario),
            scenario_text,
            seed: settings.seed,
            population: match settings.mode {
                TuneMode::Moo => Some(settings.population.unwrap_or_else(|| {
                    local_moo::default_population(settings.budget, params.len())
                })),
                TuneMode::Scalar => None,
            },
            generations: None,
            budget: Some(settings.budget as u64),
            seeds_per_evaluation: n_seeds,
            held_out_seeds: n_held,
            aggregation: config.aggregation,
            objectives: names.clone(),
            constraints: sim.selection().constraints.clone(),
            better: sim.selection().better.clone(),
            metrics: sim.metrics().to_vec(),
            reference_point: reference.clone(),
            compiler_version: sim.compiler().version().to_string(),
            threads: new.threads,
            settings: settings_table(&config, &params, &constraints, &weights, &baseline),
        };
        rundir.write_config(&run_config)?;
        Ok(Self {
            design: new.design.clone(),
            description: design.description.clone(),
            function,
            names,
            constraints,
            weights,
            settings,
            aggregation: config.aggregation,
            fd_step: config.fd_step,
            held_out_seeds,
            baseline,
            rundir,
            run_config,
            reference,
            start_genes,
            records: Vec::new(),
            outcome: None,
            search_seconds: 0.0,
        })
    }

    /// The run directory.
    pub fn rundir(&self) -> &RunDir {
        &self.rundir
    }

    /// `run.toml` as written.
    pub fn run_config(&self) -> &RunConfig {
        &self.run_config
    }

    /// The optimiser settings.
    pub fn settings(&self) -> &TuneSettings {
        &self.settings
    }

    /// The tuned parameters.
    pub fn params(&self) -> &[TunedParam] {
        self.function.params()
    }

    /// Objective names, in vector order.
    pub fn objective_names(&self) -> &[String] {
        &self.names
    }

    /// Seeds of every search evaluation.
    pub fn seeds(&self) -> &[u64] {
        self.function.seeds()
    }

    /// The held-out seeds of the final comparison.
    pub fn held_out_seeds(&self) -> &[u64] {
        &self.held_out_seeds
    }

    /// The records of the generations done so far.
    pub fn records(&self) -> &[GenerationRecord] {
        &self.records
    }

    /// The search's outcome, once [`Tuner::run`] is done.
    pub fn outcome(&self) -> Option<&TuneOutcome<DesignEval>> {
        self.outcome.as_ref()
    }

    /// Wall time of [`Tuner::run`] in seconds.
    pub fn search_seconds(&self) -> f64 {
        self.search_seconds
    }

    /// Distinct designs (full hashes) among the evaluated points.
    pub fn distinct_designs(&self) -> usize {
        let Some(o) = &self.outcome else { return 0 };
        let mut h: Vec<&str> = o
            .points
            .iter()
            .map(|p| p.extra.full_hash.as_str())
            .collect();
        h.sort_unstable();
        h.dedup();
        h.len()
    }

    /// Runs the optimiser to the budget, writing `generations.jsonl` and `checkpoint` after
    /// every generation and calling `on_generation`. A write error does not stop the search;
    /// it is returned at the end. Calling it again returns the outcome of the first call.
    pub fn run(
        &mut self,
        mut on_generation: impl FnMut(&TuneProgress<'_>),
    ) -> Result<&TuneOutcome<DesignEval>, TuneError> {
        if self.outcome.is_none() {
            let started = Instant::now();
            let mut last = Instant::now();
            let mut io_error: Option<SearchError> = None;
            let rundir = &self.rundir;
            let reference = &self.reference;
            let records = &mut self.records;
            let budget = self.settings.budget;
            let outcome = crate::tune::tune(
                &self.function,
                &self.start_genes,
                &self.constraints,
                &mut self.weights,
                &self.settings,
                |it: &Iteration, points: &[Point<DesignEval>]| {
                    let rec = output::generation_record(
                        points,
                        it,
                        reference,
                        last.elapsed().as_secs_f64(),
                    );
                    last = Instant::now();
                    records.push(rec);
                    let cp = Checkpoint {
                        complete: false,
                        iterations: std::slice::from_ref(it),
                        points: points.iter().map(CheckpointPoint::from).collect(),
                    };
                    let res = rundir
                        .write_generations(records)
                        .and_then(|_| rundir.write_checkpoint(&cp));
                    if let Err(e) = res
                        && io_error.is_none()
                    {
                        io_error = Some(e);
                    }
                    on_generation(&TuneProgress {
                        record: records.last().expect("just pushed"),
                        iteration: it,
                        budget,
                    });
                },
            )?;
            if let Some(e) = io_error {
                return Err(e.into());
            }
            self.search_seconds = started.elapsed().as_secs_f64();
            self.outcome = Some(outcome);
        }
        Ok(self.outcome.as_ref().expect("set above"))
    }

    /// The total violation of `e` on held-out seeds: the simulator's plus the objective
    /// bounds'.
    fn held_out_score(&self, e: &DesignEval) -> Score {
        let sim = self.function.simulator();
        let violation = e.evaluation.aggregate.violation
            + self
                .constraints
                .iter()
                .map(|c| c.violation(&e.objectives(self.aggregation, sim)))
                .sum::<f64>();
        output::score(e, violation)
    }

    /// The tuned design to report, chosen on the held-out seeds among the search's best and
    /// the front (`held`: their held-out scores; the start point is index 0): those feasible
    /// there; of them the ones the domain's rule calls better than the start (e.g. lower
    /// `price_decoupling`, no worse rug risk, drawdown, launch spike and publisher profit),
    /// when any is; of those the lowest held-out weighted sum. A design that wins on the
    /// search seeds by trading what the rule protects (an allocation that pays the publisher
    /// and opens a rug) is not reported as the tuned one. None feasible: the search's best.
    fn held_out_best(&self, held: &[(usize, Score)], search_best: usize) -> HeldOutChoice {
        let sim = self.function.simulator();
        fn aggregated(a: crate::rundir::Aggregation, s: &Score) -> &crate::rundir::NamedObjectives {
            match a {
                crate::rundir::Aggregation::Mean => &s.objectives.mean,
                crate::rundir::Aggregation::Worst => &s.objectives.worst,
            }
        }
        let agg = self.aggregation;
        let Some((_, start)) = held.iter().find(|(i, _)| *i == 0) else {
            return HeldOutChoice::fallback(search_best, "no held-out score of the start");
        };
        let start_values = aggregated(agg, start);
        let rule = &sim.selection().better;
        let feasible: Vec<&(usize, Score)> =
            held.iter().filter(|(i, s)| *i != 0 && s.feasible).collect();
        if feasible.is_empty() {
            return HeldOutChoice::fallback(
                search_best,
                "no tuned design is feasible on the held-out seeds: the search's best is shown",
            );
        }
        let beats = |s: &Score| rule.beats(sim.metrics(), aggregated(agg, s), start_values);
        let any_better = feasible.iter().any(|(_, s)| beats(s));
        let rule_text = rule.describe(sim.metrics());
        let why = if any_better {
            format!(
                "the lowest held-out weighted sum among the tuned designs feasible on the held-out seeds and better than the start by the domain's rule ({rule_text})"
            )
        } else {
            format!(
                "no tuned design feasible on the held-out seeds is better than the start by the domain's rule ({rule_text}): the lowest held-out weighted sum of the feasible ones is shown"
            )
        };
        let index = feasible
            .iter()
            .filter(|(_, s)| !any_better || beats(s))
            .map(|(i, s)| {
                let ranking = sim.selection().ranking(sim.metrics(), aggregated(agg, s));
                (*i, self.weights.scalar(&ranking))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map_or(search_best, |(i, _)| i);
        HeldOutChoice { index, why }
    }

    /// After [`Tuner::run`] (called here if it was not): scores the start point, the front
    /// and the best point on the held-out seeds and writes `archive.json`, `best.toml`, the
    /// sensitivity table, `comparison.json` and the final checkpoint. Deterministic (no
    /// time-dependent field).
    pub fn finish(&mut self) -> Result<TuneReport, TuneError> {
        self.run(|_| {})?;
        let outcome = self.outcome.as_ref().expect("run sets it");
        let space = self.function.space();
        let params = self.function.params();
        let description = self.description.as_deref();

        // held-out scores of the start point, the front and the best point
        let mut held_idx: Vec<usize> = vec![0, outcome.best];
        held_idx.extend(outcome.front.iter().copied());
        held_idx.sort_unstable();
        held_idx.dedup();
        let held: Vec<(usize, Score)> = held_idx
            .par_iter()
            .map(|&i| {
                let g = space.genotype(params, &outcome.points[i].genes);
                self.function
                    .evaluate_genotype(&g, &self.held_out_seeds)
                    .map(|e| (i, self.held_out_score(&e)))
            })
            .collect::<Result<_, _>>()?;
        let held_score = |i: usize| -> Option<Score> {
            held.iter().find(|(k, _)| *k == i).map(|(_, s)| s.clone())
        };
        // The design reported as tuned is chosen on the held-out seeds, not the search's.
        let chosen = self.held_out_best(&held, outcome.best);
        if let Some(o) = self.outcome.as_mut() {
            o.best = chosen.index;
        }
        let outcome = self.outcome.as_ref().expect("run sets it");
        let why = chosen.why;
        let mut members = Vec::new();
        for &i in &outcome.front {
            members.push(output::archive_member(
                space,
                params,
                &outcome.points[i],
                held_score(i),
                description,
                &self.rundir,
            )?);
        }
        let sim = self.function.simulator();
        let archive = ArchiveFile {
            format: crate::rundir::FORMAT,
            objectives: self.names.clone(),
            metrics: sim.metrics().to_vec(),
            aggregation: self.aggregation,
            reference_point: self.reference.clone(),
            members,
        };
        self.rundir.write_archive(&archive)?;
        let best = &outcome.points[outcome.best];
        let best_g = space.genotype(params, &best.genes);
        let best_text = output::design_text(space, &best_g, description)?;
        write_atomic(&self.rundir.file(BEST_TOML), best_text.as_bytes())?;

        // sensitivity at the best point
        let param_names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
        let rows = sensitivity(&self.function, &best.genes, &param_names, self.fd_step)?;
        write_atomic(
            &self.rundir.file(SENSITIVITY_CSV),
            crate::tune::sensitivity::to_csv(&rows, &self.names).as_bytes(),
        )?;
        self.rundir.write_json_file(
            SENSITIVITY_JSON,
            &serde_json::json!({
                "objectives": self.names,
                "aggregation": self.aggregation.name(),
                "fd_step": self.fd_step,
                "genes": best.genes,
                "rows": rows,
            }),
        )?;

        let mut comparison = self.comparison(&held_score)?;
        comparison.best_choice = why;
        self.rundir.write_json_file(COMPARISON_JSON, &comparison)?;
        self.rundir.write_checkpoint(&Checkpoint {
            complete: true,
            iterations: &outcome.iterations,
            points: outcome.points.iter().map(CheckpointPoint::from).collect(),
        })?;
        Ok(TuneReport {
            archive,
            sensitivity: rows,
            comparison,
        })
    }

    /// The held-out comparison: start, best, the best feasible front member of each
    /// objective (but `complexity`), and the baseline.
    fn comparison(
        &self,
        held_score: &impl Fn(usize) -> Option<Score>,
    ) -> Result<TuneComparison, TuneError> {
        let outcome = self.outcome.as_ref().expect("run before the comparison");
        let params = self.function.params();
        let param_names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
        let params_of = |genes: &[f64]| -> Vec<(String, f64)> {
            param_names
                .iter()
                .cloned()
                .zip(output::param_values(params, genes))
                .collect()
        };
        let missing = |what: &str| {
            SearchError::Config(format!("no held-out score of the {what} (internal error)"))
        };
        let best = &outcome.points[outcome.best];
        let mut designs = vec![
            ComparedDesign {
                label: "start".into(),
                design: Some(self.design.display().to_string()),
                params: params_of(&self.start_genes),
                held_out: held_score(0).ok_or_else(|| missing("start point"))?,
            },
            ComparedDesign {
                label: format!("best m{:04}", outcome.best),
                design: Some(BEST_TOML.into()), // relative to the run directory
                params: params_of(&best.genes),
                held_out: held_score(outcome.best).ok_or_else(|| missing("best point"))?,
            },
        ];
        // a few other front members: the best of each objective
        let mut extra: Vec<usize> = Vec::new();
        for (j, name) in self.names.iter().enumerate() {
            if name == "complexity" {
                continue;
            }
            if let Some(&i) = outcome
                .front
                .iter()
                .filter(|&&i| outcome.points[i].is_feasible())
                .min_by(|&&a, &&b| {
                    outcome.points[a].objectives[j].total_cmp(&outcome.points[b].objectives[j])
                })
                && i != outcome.best
                && i != 0
                && !extra.contains(&i)
            {
                extra.push(i);
            }
        }
        for i in extra {
            if let Some(s) = held_score(i) {
                designs.push(ComparedDesign {
                    label: format!("m{i:04}"),
                    design: None,
                    params: params_of(&outcome.points[i].genes),
                    held_out: s,
                });
            }
        }
        if let Some((bdesign, blib, bgen)) = &self.baseline {
            let e = crate::tune::design::evaluate_genotype(
                blib,
                self.function.simulator(),
                bgen,
                &self.held_out_seeds,
            )?;
            designs.push(ComparedDesign {
                label: stem(&bdesign.path),
                design: Some(bdesign.path.display().to_string()),
                params: Vec::new(),
                held_out: self.held_out_score(&e),
            });
        }
        Ok(TuneComparison {
            held_out_seeds: self.held_out_seeds.clone(),
            aggregation: self.aggregation.name().to_string(),
            constraints: self.constraints.iter().map(|c| c.to_string()).collect(),
            designs,
            best_choice: String::new(),
        })
    }
}

/// The command-specific `settings` of `run.toml`.
fn settings_table(
    config: &TuneConfig,
    params: &[TunedParam],
    bounds: &[ObjectiveBound],
    weights: &Weights,
    baseline: &Option<(Design, Library, Genotype)>,
) -> toml::Table {
    let s = &config.settings;
    let mut t = toml::Table::new();
    t.insert("mode".into(), s.mode.name().into());
    t.insert(
        "params".into(),
        params
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .into(),
    );
    t.insert(
        "constraints".into(),
        bounds
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .into(),
    );
    t.insert("weights".into(), weights.weights.clone().into());
    t.insert("initial_step".into(), s.initial_step.into());
    t.insert("min_step".into(), s.min_step.into());
    t.insert("shrink".into(), s.shrink.into());
    t.insert("fd_step".into(), config.fd_step.into());
    if let Some((b, _, _)) = baseline {
        t.insert("baseline".into(), b.path.display().to_string().into());
    }
    t
}
