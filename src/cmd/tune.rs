//! `tsynth tune` — local, variation-aware parameter tuning of one design.
//!
//! The structure of the design is fixed; only its parameters (all, or those named with
//! `--params`) move, inside the grammar's ranges. Every evaluation runs the scenario on
//! `--seeds` seeds (mean or worst). Writes a run directory in the format of `evolve`
//! (`run.toml`, `generations.jsonl`, `archive.json`, `sources/`, `checkpoint`) plus
//! `sensitivity.csv`/`.json`, `comparison.json` and `best.toml`, and prints the
//! sensitivity table and a held-out comparison of start, tuned designs and a baseline.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use tsynth_grammar::Design;
use tsynth_search::rundir::{
    Aggregation, ArchiveFile, GenerationRecord, PathRecord, RunConfig, RunDir, Score,
    default_run_id,
};
use tsynth_search::tune::{
    self, Constraint, DesignEval, DesignFunction, DesignSpace, Iteration, Mode, Point,
    TuneFunction, TuneSettings, Weights, output, sensitivity,
};

/// First held-out seed: far from the search seeds (1, 2, ...).
const HELD_OUT_FIRST_SEED: u64 = 1_000_001;

/// Optimiser of `tsynth tune`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Local NSGA-II around the start point (a Pareto front of tuned designs).
    Moo,
    /// Pattern search on a weighted sum of normalised objectives (one tuned design).
    Scalar,
}

/// Aggregation over seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggregationArg {
    /// Mean over seeds.
    Mean,
    /// Worst seed.
    Worst,
}

/// Arguments of `tsynth tune`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Design file whose parameters are tuned (its structure stays fixed).
    #[arg(long)]
    pub design: PathBuf,
    /// Scenario file.
    #[arg(long, default_value = "scenarios/default.toml")]
    pub scenario: PathBuf,
    /// Simulation seeds per evaluation (default: the scenario's `seeds`).
    #[arg(long)]
    pub seeds: Option<u32>,
    /// Held-out seeds for the final comparison (default: as many as --seeds).
    #[arg(long)]
    pub held_out: Option<u32>,
    /// Evaluation budget (the start point included).
    #[arg(long, default_value_t = 200)]
    pub budget: usize,
    /// Parameters to tune, comma-separated (`SoftCapFee.slope`, or `slope` when only one
    /// block has it). Default: every parameter of the design.
    #[arg(long, value_delimiter = ',')]
    pub params: Vec<String>,
    /// Constraint on an objective, e.g. `rug_risk<=0.01` (repeatable).
    #[arg(long = "constraint")]
    pub constraints: Vec<String>,
    /// Weights of the scalarised objective, e.g. `slippage=1,volatility=1,rug_risk=10`
    /// (objectives are divided by their start values). Default: 1 on every objective but
    /// complexity.
    #[arg(long, conflicts_with = "objective")]
    pub weights: Option<String>,
    /// Minimise one objective alone (scalar mode; in moo mode it picks the "best" design).
    #[arg(long)]
    pub objective: Option<String>,
    /// Optimiser.
    #[arg(long, value_enum, default_value = "moo")]
    pub mode: ModeArg,
    /// How seeds are combined during the search.
    #[arg(long, value_enum, default_value = "mean")]
    pub aggregation: AggregationArg,
    /// Run seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Initial step in [0,1] gene space (pattern step / sampling σ).
    #[arg(long, default_value_t = 0.1)]
    pub step: f64,
    /// Population size of the moo mode (default: from the budget).
    #[arg(long)]
    pub population: Option<usize>,
    /// Finite-difference step of the sensitivity table (gene space).
    #[arg(long, default_value_t = 0.05)]
    pub fd_step: f64,
    /// Design to compare against (skipped if the default is missing).
    #[arg(long, default_value = "designs/ocean-v4.toml")]
    pub baseline: PathBuf,
    /// Run directory (default: runs/<UTC timestamp>-<design stem>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "design".into())
}

/// One column of the comparison: a design scored on the held-out seeds.
#[derive(Debug, Serialize)]
struct Compared {
    label: String,
    design: Option<String>,
    params: Vec<(String, f64)>,
    held_out: Score,
}

/// What `comparison.json` holds.
#[derive(Debug, Serialize)]
struct Comparison {
    held_out_seeds: Vec<u64>,
    aggregation: &'static str,
    constraints: Vec<String>,
    designs: Vec<Compared>,
}

/// Runs `tsynth tune`.
pub fn run(args: Args) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the thread pool")?;
    }
    let scenario_text = std::fs::read_to_string(&args.scenario)
        .with_context(|| format!("reading {}", args.scenario.display()))?;
    let (design, library, genotype) = Design::load(&args.design)?;
    let sim =
        crate::registry::simulator_from_text(&scenario_text, &args.scenario, &library.blocks_dir)?;
    let space = DesignSpace::new(library, genotype)?;
    let params = space
        .select(&args.params)
        .with_context(|| format!("--params for {}", args.design.display()))?;
    anyhow::ensure!(
        !params.is_empty(),
        "{} has no tunable parameters",
        args.design.display()
    );
    let names: Vec<String> = sim.selection().objectives.clone();
    let constraints = args
        .constraints
        .iter()
        .map(|c| Constraint::parse(c, &names))
        .collect::<Result<Vec<_>, _>>()?;
    let mut weights = Weights::parse(args.weights.as_deref(), args.objective.as_deref(), &names)?;
    let n_seeds = args.seeds.unwrap_or(sim.run_spec().seeds);
    anyhow::ensure!(n_seeds > 0, "--seeds must be at least 1");
    let n_held = args.held_out.unwrap_or(n_seeds);
    let seeds: Vec<u64> = (1..=u64::from(n_seeds)).collect();
    let held_seeds: Vec<u64> = (0..u64::from(n_held))
        .map(|i| HELD_OUT_FIRST_SEED + i)
        .collect();
    let aggregation = match args.aggregation {
        AggregationArg::Mean => Aggregation::Mean,
        AggregationArg::Worst => Aggregation::Worst,
    };
    let settings = TuneSettings {
        mode: match args.mode {
            ModeArg::Moo => Mode::Moo,
            ModeArg::Scalar => Mode::Scalar,
        },
        budget: args.budget,
        seed: args.seed,
        initial_step: args.step,
        population: args.population,
        ..TuneSettings::default()
    };
    settings.validate(params.len())?;
    let baseline = if args.baseline.is_file() {
        Some(Design::load(&args.baseline)?)
    } else if args.baseline == Path::new("designs/ocean-v4.toml") {
        tracing::warn!(
            "baseline {} not found; comparison without it",
            args.baseline.display()
        );
        None
    } else {
        anyhow::bail!("baseline design {} not found", args.baseline.display());
    };

    let compiler = sim.compiler();
    let function = DesignFunction::new(
        &space,
        params.clone(),
        sim.as_ref(),
        seeds.clone(),
        aggregation,
    );
    let start_genes = space.start_genes(&params);

    let out = args.out.clone().unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        PathBuf::from("runs").join(default_run_id(now, &stem(&args.design)))
    });
    let run_dir = RunDir::create(&out)?;
    let param_names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();

    // the start point fixes the reference point; it is evaluated (memoised) here first
    let start_scored = function.evaluate(&start_genes)?;
    let reference = output::reference_point(&names, &start_scored.objectives);
    let mut run_settings = toml::Table::new();
    run_settings.insert(
        "mode".into(),
        format!("{:?}", settings.mode).to_lowercase().into(),
    );
    run_settings.insert("params".into(), param_names.clone().into());
    run_settings.insert(
        "constraints".into(),
        constraints
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .into(),
    );
    run_settings.insert("weights".into(), weights.weights.clone().into());
    run_settings.insert("initial_step".into(), settings.initial_step.into());
    run_settings.insert("min_step".into(), settings.min_step.into());
    run_settings.insert("shrink".into(), settings.shrink.into());
    run_settings.insert("fd_step".into(), args.fd_step.into());
    if let Some(b) = &baseline {
        run_settings.insert("baseline".into(), b.0.path.display().to_string().into());
    }
    let config = RunConfig {
        format: tsynth_search::rundir::FORMAT,
        command: "tune".into(),
        domain: sim.domain().to_string(),
        tsynth_version: env!("CARGO_PKG_VERSION").into(),
        grammar: Some(PathRecord::new(&space.library.file)),
        design: Some(PathRecord::new(&args.design)),
        scenario: PathRecord::new(&args.scenario),
        scenario_text,
        seed: args.seed,
        population: match settings.mode {
            Mode::Moo => Some(settings.population.unwrap_or_else(|| {
                tune::local_moo::default_population(settings.budget, params.len())
            })),
            Mode::Scalar => None,
        },
        generations: None,
        budget: Some(settings.budget as u64),
        seeds_per_evaluation: n_seeds,
        held_out_seeds: n_held,
        aggregation,
        objectives: names.clone(),
        constraints: sim.selection().constraints.clone(),
        better: sim.selection().better.clone(),
        metrics: sim.metrics().to_vec(),
        reference_point: reference.clone(),
        compiler_version: compiler.version().to_string(),
        threads: rayon::current_num_threads(),
        settings: run_settings,
    };
    run_dir.write_config(&config)?;
    println!(
        "tuning {} parameter(s) of {}: {} ({} mode, budget {}, {} seed(s), {})",
        params.len(),
        args.design.display(),
        param_names.join(", "),
        config.settings["mode"].as_str().unwrap_or("?"),
        settings.budget,
        n_seeds,
        aggregation.name()
    );

    let started = Instant::now();
    let mut last = Instant::now();
    let mut records: Vec<GenerationRecord> = Vec::new();
    let mut io_error: Option<anyhow::Error> = None;
    let outcome = tune::tune(
        &function,
        &start_genes,
        &constraints,
        &mut weights,
        &settings,
        |it: &Iteration, points: &[Point<DesignEval>]| {
            let rec =
                output::generation_record(points, it, &reference, last.elapsed().as_secs_f64());
            last = Instant::now();
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
            records.push(rec);
            let cp = Checkpoint {
                complete: false,
                iterations: std::slice::from_ref(it),
                points: points.iter().map(CheckpointPoint::from).collect(),
            };
            let res = run_dir
                .write_generations(&records)
                .and_then(|_| run_dir.write_checkpoint(&cp));
            if let Err(e) = res
                && io_error.is_none()
            {
                io_error = Some(e.into());
            }
        },
    )?;
    if let Some(e) = io_error {
        return Err(e);
    }
    let search_seconds = started.elapsed().as_secs_f64();

    // held-out scores of the start point, the front and the best point
    let description = design.description.as_deref();
    let mut held_idx: Vec<usize> = vec![0, outcome.best];
    held_idx.extend(outcome.front.iter().copied());
    held_idx.sort_unstable();
    held_idx.dedup();
    let held: Vec<(usize, DesignEval)> = held_idx
        .par_iter()
        .map(|&i| {
            let g = space.genotype(&params, &outcome.points[i].genes);
            function.evaluate_genotype(&g, &held_seeds).map(|e| (i, e))
        })
        .collect::<Result<_, _>>()?;
    let held_score = |i: usize| -> Option<Score> {
        held.iter().find(|(k, _)| *k == i).map(|(_, e)| {
            let violation = e.evaluation.aggregate.violation
                + constraints
                    .iter()
                    .map(|c| c.violation(&e.objectives(aggregation, sim.as_ref())))
                    .sum::<f64>();
            output::score(e, violation)
        })
    };
    let mut members = Vec::new();
    for &i in &outcome.front {
        let p = &outcome.points[i];
        members.push(output::archive_member(
            &space,
            &params,
            p,
            held_score(i),
            description,
            &run_dir,
        )?);
    }
    run_dir.write_archive(&ArchiveFile {
        format: tsynth_search::rundir::FORMAT,
        objectives: names.clone(),
        metrics: sim.metrics().to_vec(),
        aggregation,
        reference_point: reference.clone(),
        members,
    })?;
    let best = &outcome.points[outcome.best];
    let best_g = space.genotype(&params, &best.genes);
    let best_text = output::design_text(&space, &best_g, description)?;
    crate::fsutil::write_atomic(&out.join("best.toml"), best_text.as_bytes())?;

    // sensitivity at the best point
    let rows = sensitivity(&function, &best.genes, &param_names, args.fd_step)?;
    crate::fsutil::write_atomic(
        &out.join("sensitivity.csv"),
        tune::sensitivity::to_csv(&rows, &names).as_bytes(),
    )?;
    let mut json = serde_json::to_vec_pretty(&serde_json::json!({
        "objectives": names,
        "aggregation": aggregation.name(),
        "fd_step": args.fd_step,
        "genes": best.genes,
        "rows": rows,
    }))?;
    json.push(b'\n');
    crate::fsutil::write_atomic(&out.join("sensitivity.json"), &json)?;

    // comparison on held-out seeds
    let mut compared = Vec::new();
    let params_of = |genes: &[f64]| -> Vec<(String, f64)> {
        param_names
            .iter()
            .cloned()
            .zip(output::param_values(&params, genes))
            .collect()
    };
    compared.push(Compared {
        label: "start".into(),
        design: Some(args.design.display().to_string()),
        params: params_of(&start_genes),
        held_out: held_score(0).context("held-out score of the start point")?,
    });
    compared.push(Compared {
        label: format!("best m{:04}", outcome.best),
        design: Some("best.toml".into()), // relative to the run directory
        params: params_of(&best.genes),
        held_out: held_score(outcome.best).context("held-out score of the best point")?,
    });
    // a few other front members: the best of each objective
    let mut extra: Vec<usize> = Vec::new();
    for (j, name) in names.iter().enumerate() {
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
            compared.push(Compared {
                label: format!("m{i:04}"),
                design: None,
                params: params_of(&outcome.points[i].genes),
                held_out: s,
            });
        }
    }
    if let Some((bdesign, blib, bgen)) = &baseline {
        let e = tune::design::evaluate_genotype(blib, sim.as_ref(), bgen, &held_seeds)?;
        let violation = e.evaluation.aggregate.violation
            + constraints
                .iter()
                .map(|c| c.violation(&e.objectives(aggregation, sim.as_ref())))
                .sum::<f64>();
        compared.push(Compared {
            label: stem(&bdesign.path),
            design: Some(bdesign.path.display().to_string()),
            params: Vec::new(),
            held_out: output::score(&e, violation),
        });
    }
    let comparison = Comparison {
        held_out_seeds: held_seeds.clone(),
        aggregation: aggregation.name(),
        constraints: constraints.iter().map(|c| c.to_string()).collect(),
        designs: compared,
    };
    let mut json = serde_json::to_vec_pretty(&comparison)?;
    json.push(b'\n');
    crate::fsutil::write_atomic(&out.join("comparison.json"), &json)?;
    let final_cp = Checkpoint {
        complete: true,
        iterations: &outcome.iterations,
        points: outcome.points.iter().map(CheckpointPoint::from).collect(),
    };
    run_dir.write_checkpoint(&final_cp)?;

    print_report(
        &rows,
        &names,
        &comparison,
        &outcome.front,
        best,
        &param_names,
        &params,
    )?;
    println!(
        "{} evaluations ({} simulated designs) in {:.1} s; front {} design(s); wrote {}",
        outcome.points.len(),
        distinct(&outcome.points),
        search_seconds,
        outcome.front.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn distinct(points: &[Point<DesignEval>]) -> usize {
    let mut h: Vec<&str> = points.iter().map(|p| p.extra.full_hash.as_str()).collect();
    h.sort_unstable();
    h.dedup();
    h.len()
}

/// The `checkpoint` of a tune run: every evaluated point and the progress so far. A tune
/// run is not resumable yet; the file records where it stopped.
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

fn print_report(
    rows: &[tune::SensitivityRow],
    names: &[String],
    comparison: &Comparison,
    front: &[usize],
    best: &Point<DesignEval>,
    param_names: &[String],
    params: &[tune::TunedParam],
) -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o)?;
    writeln!(
        o,
        "best design m{:04} ({} front member(s)):",
        best.index,
        front.len()
    )?;
    for ((n, p), v) in param_names
        .iter()
        .zip(params)
        .zip(output::param_values(params, &best.genes))
    {
        writeln!(o, "  {n:<34} {v:>14.6} {}", p.spec.unit)?;
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
    if !comparison.constraints.is_empty() {
        writeln!(o, "  constraints: {}", comparison.constraints.join(", "))?;
    }
    write!(o, "  {:<12}", "objective")?;
    for d in &comparison.designs {
        write!(o, " {:>14}", d.label)?;
    }
    writeln!(o)?;
    for n in names {
        write!(o, "  {n:<12}")?;
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
    write!(o, "  {:<12}", "feasible")?;
    // feasibility includes the --constraint limits, for every column alike
    for d in &comparison.designs {
        write!(o, " {:>14}", if d.held_out.feasible { "yes" } else { "NO" })?;
    }
    writeln!(o)?;
    Ok(())
}
