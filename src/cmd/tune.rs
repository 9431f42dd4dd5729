//! `tsynth tune` — local, variation-aware parameter tuning of one design.
//!
//! The structure of the design is fixed; only its parameters (all, or those named with
//! `--params`) move, inside the grammar's ranges. Every evaluation runs the scenario on
//! `--seeds` seeds (mean or worst). Writes a run directory in the format of `evolve`
//! (`run.toml`, `generations.jsonl`, `archive.json`, `sources/`, `checkpoint`) plus
//! `sensitivity.csv`/`.json`, `comparison.json` and `best.toml`, and prints the
//! sensitivity table and a held-out comparison of start, tuned designs and a baseline.
//!
//! This file only wires options, the progress bar and the report; the run lives in
//! `tsynth_search::Tuner`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tsynth_search::rundir::Aggregation;
use tsynth_search::tune::{
    DesignEval, Point, SensitivityRow, TuneMode, TuneSettings, TunedParam, output,
};
use tsynth_search::tuner::{NewTune, TuneComparison, TuneConfig, TuneProgress, Tuner};

use super::common_args::{CommonArgs, DEFAULT_SCENARIO};

/// Arguments of `tsynth tune`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario file (default: scenarios/default.toml)")))]
#[command(mut_arg("seeds", |a| a.help("Simulation seeds per evaluation (default: the scenario's `seeds`)")))]
#[command(mut_arg("out", |a| a.help("Run directory (default: runs/<UTC timestamp>-<design stem>)")))]
pub struct Args {
    /// Design file whose parameters are tuned (its structure stays fixed).
    #[arg(long)]
    pub design: PathBuf,
    /// Held-out seeds for the final comparison (default: as many as --seeds).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=super::common_args::MAX_SEEDS))]
    pub held_out: Option<u32>,
    /// Evaluation budget (the start point included).
    #[arg(long, default_value_t = 200, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000))]
    pub budget: usize,
    /// Parameters to tune, comma-separated (`SoftCapFee.slope`, or `slope` when only one
    /// block has it). Default: every parameter of the design.
    #[arg(long, value_delimiter = ',')]
    pub params: Vec<String>,
    /// Constraint on an objective, e.g. `risk<=0.01` (repeatable).
    #[arg(long = "constraint")]
    pub constraints: Vec<String>,
    /// Weights of the scalarised objective, e.g. `cost=1,delay=1,risk=10`
    /// (objectives are divided by their start values). Default: 1 on every objective but
    /// complexity.
    #[arg(long, conflicts_with = "objective")]
    pub weights: Option<String>,
    /// Minimise one objective alone (scalar mode; in moo mode it picks the "best" design).
    #[arg(long)]
    pub objective: Option<String>,
    /// Optimiser.
    #[arg(long, value_enum, default_value_t = TuneMode::Moo)]
    pub mode: TuneMode,
    /// How seeds are combined during the search.
    #[arg(long, value_enum, default_value_t = Aggregation::Mean)]
    pub aggregation: Aggregation,
    /// Run seed.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: u64,
    /// Initial step in [0,1] gene space (pattern step / sampling σ).
    #[arg(long, default_value_t = 0.1)]
    pub step: f64,
    /// Population size of the moo mode (default: from the budget).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=100_000))]
    pub population: Option<usize>,
    /// Finite-difference step of the sensitivity table (gene space).
    #[arg(long, default_value_t = 0.05)]
    pub fd_step: f64,
    /// Design to compare against (default: the scenario's domain's reference design, see
    /// the registry; skipped if that file is missing).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Flags shared with `evolve` and `sim`.
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Args {
    fn config(&self) -> Result<TuneConfig> {
        let scenario = self.common.scenario_or(DEFAULT_SCENARIO)?;
        let baseline = match &self.baseline {
            Some(b) => Some(b.clone()),
            None => crate::registry::default_baseline(&scenario).and_then(|b| {
                let b = PathBuf::from(b);
                if b.is_file() {
                    Some(b)
                } else {
                    tracing::warn!("baseline {} not found; comparison without it", b.display());
                    None
                }
            }),
        };
        Ok(TuneConfig {
            scenario,
            seeds: self.common.seeds,
            held_out: self.held_out,
            params: self.params.clone(),
            constraints: self.constraints.clone(),
            weights: self.weights.clone(),
            objective: self.objective.clone(),
            aggregation: self.aggregation,
            settings: TuneSettings {
                mode: self.mode,
                budget: self.budget,
                seed: self.seed,
                initial_step: self.step,
                population: self.population,
                ..TuneSettings::default()
            },
            fd_step: self.fd_step,
            baseline,
        })
    }
}

/// Runs `tsynth tune`.
pub fn run(args: Args) -> Result<ExitCode> {
    let threads = args.common.init_threads(None)?;
    let new = NewTune {
        design: args.design.clone(),
        out: args.common.out_or_new_run(&args.design),
        threads,
    };
    let mut tuner = Tuner::create(args.config()?, &new, crate::registry::registry())?;
    let names: Vec<String> = tuner.params().iter().map(|p| p.name.clone()).collect();
    let settings = tuner.settings().clone();
    println!(
        "tuning {} parameter(s) of {}: {} ({} mode, budget {}, {} seed(s), {})",
        names.len(),
        args.design.display(),
        names.join(", "),
        settings.mode.name(),
        settings.budget,
        tuner.seeds().len(),
        args.aggregation.name()
    );

    let bar = ProgressBar::new(settings.budget as u64);
    if args.common.no_progress {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:24} evals {pos}/{len} {msg} [{elapsed_precise}, ETA {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    // without a bar (--no-progress, or stderr is not a terminal): one line per generation
    let lines = bar.is_hidden();
    tuner.run(|p: &TuneProgress<'_>| {
        let (rec, it) = (p.record, p.iteration);
        bar.set_position(rec.total_evaluations);
        bar.set_message(format!(
            "| gen {} | feasible {}/{} | front {} | step {:.4} | best {:.6} | HV {:.4e}",
            rec.generation, rec.feasible, rec.evaluations, rec.front_size, it.step, it.best_scalar, rec.hypervolume
        ));
        if lines {
            eprintln!(
                "gen {:>3}  evals {:>5}  feasible {:>3}/{:<3}  front {:>3}  step {:.4}  best {:.6}  hv {:.6e}",
                rec.generation,
                rec.total_evaluations,
                rec.feasible,
                rec.evaluations,
                rec.front_size,
                it.step,
                it.best_scalar,
                rec.hypervolume
            );
        }
    })?;
    bar.finish_and_clear();
    let report = tuner.finish()?;
    let outcome = tuner.outcome().expect("finish runs the search");
    print_report(
        &report.sensitivity,
        tuner.objective_names(),
        &report.comparison,
        &outcome.front,
        &outcome.points[outcome.best],
        tuner.params(),
    )?;
    paths(&tuner, &args.design)?;
    println!(
        "{} evaluations ({} simulated designs) in {:.1} s; front {} design(s); wrote {}",
        outcome.points.len(),
        tuner.distinct_designs(),
        tuner.search_seconds(),
        outcome.front.len(),
        tuner.rundir().path().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The start and the tuned design's paths on the first held-out seed (charts and text).
fn paths(tuner: &Tuner, start: &std::path::Path) -> Result<()> {
    let Some(&seed) = tuner.held_out_seeds().first() else {
        return Ok(());
    };
    let dir = tuner.rundir().path();
    let best = dir.join(tsynth_search::tuner::BEST_TOML);
    if !best.is_file() {
        return Ok(());
    }
    let (_d, library, _g) = tsynth_grammar::Design::load(start)?;
    let scenario = std::path::Path::new(&tuner.run_config().scenario.absolute);
    let sim = crate::registry::simulator(scenario, &library.blocks_dir)?;
    let mut o = std::io::stdout().lock();
    super::tune_paths::report(&mut o, sim.as_ref(), start, &best, seed, dir)
}

fn print_report(
    rows: &[SensitivityRow],
    names: &[String],
    comparison: &TuneComparison,
    front: &[usize],
    best: &Point<DesignEval>,
    params: &[TunedParam],
) -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o)?;
    writeln!(
        o,
        "best design m{:04} ({} front member(s)):",
        best.index,
        front.len()
    )?;
    for (p, v) in params.iter().zip(output::param_values(params, &best.genes)) {
        writeln!(o, "  {:<34} {v:>14.6} {}", p.name, p.spec.unit)?;
    }
    writeln!(o)?;
    writeln!(
        o,
        "sensitivity at the best design (relative change per unit gene, sorted by influence):"
    )?;
    write!(o, "  {:<34} {:>10}", "parameter", "influence")?;
    for n in names {
        write!(o, " {n:>11}")?;
    }
    writeln!(o)?;
    for r in rows {
        write!(o, "  {:<34} {:>10.4}", r.param, r.influence)?;
        for c in &r.change {
            write!(o, " {c:>11.4}")?;
        }
        writeln!(o)?;
    }
    writeln!(o)?;
    writeln!(
        o,
        "held-out comparison ({} seed(s) from {}, {} over seeds):",
        comparison.held_out_seeds.len(),
        comparison.held_out_seeds.first().copied().unwrap_or(0),
        comparison.aggregation
    )?;
    if !comparison.best_choice.is_empty() {
        writeln!(o, "  best: {}", comparison.best_choice)?;
    }
    if !comparison.constraints.is_empty() {
        writeln!(o, "  constraints: {}", comparison.constraints.join(", "))?;
    }
    write!(o, "  {:<20}", "objective")?;
    for d in &comparison.designs {
        write!(o, " {:>14}", d.label)?;
    }
    writeln!(o)?;
    for n in names {
        write!(o, "  {n:<20}")?;
        for d in &comparison.designs {
            let s = &d.held_out.objectives;
            let m = if comparison.aggregation == "worst" {
                &s.worst
            } else {
                &s.mean
            };
            write!(o, " {:>14.6}", m.get(n).copied().unwrap_or(f64::NAN))?;
        }
        writeln!(o)?;
    }
    let measured: Vec<&String> = comparison
        .designs
        .first()
        .and_then(|d| d.held_out.per_seed.first())
        .map(|s| s.values.keys().filter(|k| !names.contains(k)).collect())
        .unwrap_or_default();
    if !measured.is_empty() {
        writeln!(o, "  also measured (mean over the held-out seeds):")?;
    }
    for n in measured {
        write!(o, "  {n:<20}")?;
        for d in &comparison.designs {
            let vals: Vec<f64> = d
                .held_out
                .per_seed
                .iter()
                .filter_map(|s| s.values.get(n).copied())
                .collect();
            let mean = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
            write!(o, " {mean:>14.6}")?;
        }
        writeln!(o)?;
    }
    write!(o, "  {:<20}", "feasible")?;
    // feasibility includes the --constraint limits, for every column alike
    for d in &comparison.designs {
        write!(o, " {:>14}", if d.held_out.feasible { "yes" } else { "NO" })?;
    }
    writeln!(o)?;
    Ok(())
}
