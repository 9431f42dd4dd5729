//! `tsynth sim`: simulate one design on a scenario over several seeds (TokenSPICE's job).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use tsynth_sim::{Aggregate, SeedOutcome, Simulate};

use super::common_args::{CommonArgs, DEFAULT_SCENARIO};

/// Arguments of `tsynth sim`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario file (default: scenarios/default.toml)")))]
#[command(mut_arg("seeds", |a| a.help("Number of seeds (default: the scenario's `seeds`)")))]
#[command(mut_arg("out", |a| a.help("Output directory (default: runs/<UTC timestamp>-<design stem>)")))]
#[command(mut_arg("no_progress", |a| a.help("No progress output (sim prints none; accepted like evolve and tune)")))]
pub struct Args {
    /// Design file (e.g. designs/vault-naive.toml).
    #[arg(long)]
    pub design: PathBuf,
    /// First seed; seeds are FIRST, FIRST+1, ...
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
    /// End-of-run attacks as an evolve run scored a member with (`front show` writes
    /// `RUN/designs/<id>.attacks.json`): its hall of fame, search budget and seed. Default:
    /// the full search with 60 evaluations per state, no hall, search seed 1.
    #[arg(long, value_name = "FILE")]
    pub attack_plan: Option<PathBuf>,
    /// Flags shared with `evolve` and `tune`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// What `summary.json` holds. Nothing in it depends on time or thread count.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    design: String,
    scenario: String,
    structure_hash: &'a str,
    full_hash: &'a str,
    seeds: Vec<u64>,
    per_seed: &'a [SeedOutcome],
    aggregate: &'a Aggregate,
    feasible: bool,
}

/// Runs `tsynth sim`.
pub fn run(args: Args) -> Result<ExitCode> {
    args.common.init_threads(None)?;
    let scenario = args.common.scenario_or(DEFAULT_SCENARIO)?;
    let (library, emitted) = super::design::emit_file(&args.design)?;
    let plan = match &args.attack_plan {
        Some(p) => super::design::read_attack_plan(p)?,
        None => super::design::default_plan(),
    };
    let sim = crate::registry::simulator(&scenario, &library.blocks_dir)?;
    let n = args.common.seeds.unwrap_or(sim.run_spec().seeds);
    anyhow::ensure!(n > 0, "--seeds must be at least 1");
    let seeds: Vec<u64> = (0..u64::from(n)).map(|i| args.first_seed + i).collect();
    let out = args.common.out_or_new_run(&args.design);
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    let started = Instant::now();
    let (eval, runs) = super::design::evaluate(sim.as_ref(), &emitted, &seeds, true, &plan);
    let wall = started.elapsed();

    for r in &runs {
        let path = out.join(format!("kpis-{}.csv", r.outcome.seed));
        let mut buf = Vec::new();
        r.kpis.write_csv(&mut buf)?;
        crate::fsutil::write_atomic(&path, &buf)?;
    }
    let summary = Summary {
        design: args.design.display().to_string(),
        scenario: scenario.display().to_string(),
        structure_hash: &emitted.structure_hash,
        full_hash: &emitted.full_hash,
        seeds: seeds.clone(),
        per_seed: &eval.seeds,
        aggregate: &eval.aggregate,
        feasible: eval.aggregate.feasible(),
    };
    let mut json = serde_json::to_vec_pretty(&summary)?;
    json.push(b'\n');
    crate::fsutil::write_atomic(&out.join("summary.json"), &json)?;
    if !args.no_plots && !runs.is_empty() {
        let series: Vec<(u64, &tsynth_sim::KpiSeries)> =
            runs.iter().map(|r| (r.outcome.seed, &r.kpis)).collect();
        crate::plot::sim_charts(&out, &sim.plots(), &series)?;
    }
    print_table(sim.as_ref(), &eval.aggregate, &eval.seeds)?;
    println!(
        "{} seed(s) x {} ticks in {:.2} s; wrote {}",
        seeds.len(),
        sim.run_spec().ticks,
        wall.as_secs_f64(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn print_table(sim: &dyn Simulate, agg: &Aggregate, seeds: &[SeedOutcome]) -> Result<()> {
    let mut o = std::io::stdout().lock();
    let sel = sim.selection();
    let get = |m: &tsynth_sim::Values, n: &str| m.get(n).copied().unwrap_or(f64::NAN);
    writeln!(o, "{:<22} {:>12} {:>12}", "objective", "mean", "worst")?;
    for name in &sel.objectives {
        writeln!(
            o,
            "{:<22} {:>12.6} {:>12.6}",
            name,
            get(&agg.mean, name),
            get(&agg.worst, name)
        )?;
    }
    if !sel.constraints.is_empty() {
        writeln!(
            o,
            "{:<22} {:>12} {:>12}  limit",
            "constraint", "mean", "worst"
        )?;
        for c in &sel.constraints {
            let worst = get(&agg.worst, &c.metric);
            let ok = c.min.is_none_or(|m| worst >= m) && c.max.is_none_or(|m| worst <= m);
            writeln!(
                o,
                "{:<22} {:>12.6} {:>12.6}  {} {}",
                c.metric,
                get(&agg.mean, &c.metric),
                worst,
                c.describe(),
                if ok { "ok" } else { "VIOLATED" }
            )?;
        }
    }
    let shown = |n: &str| {
        sel.objectives.iter().any(|o| o == n) || sel.constraints.iter().any(|c| c.metric == n)
    };
    let others: Vec<&tsynth_sim::MetricSpec> =
        sim.metrics().iter().filter(|m| !shown(&m.name)).collect();
    if !others.is_empty() {
        writeln!(
            o,
            "{:<22} {:>12} {:>12}  unit",
            "also measured", "mean", "worst"
        )?;
        for m in others {
            writeln!(
                o,
                "{:<22} {:>12.6} {:>12.6}  {}",
                m.name,
                get(&agg.mean, &m.name),
                get(&agg.worst, &m.name),
                m.unit
            )?;
        }
    }
    let coverage = get(&agg.worst, tsynth_sim::HORIZON_COVERAGE);
    if coverage < 1.0 {
        writeln!(
            o,
            "WARNING: judged before its schedule ran: the {:.1}-day horizon covers {:.1}% of the \
             design's longest time-based schedule (auction, vesting, cliff, lock or fee decay); \
             lengthen the scenario to judge all of it",
            sim.run_spec().horizon_seconds() as f64 / 86_400.0,
            100.0 * coverage
        )?;
    }
    if let Some(why) = &agg.failure {
        writeln!(o, "INFEASIBLE: {why}")?;
    } else if agg.violation > 0.0 {
        let worst = seeds
            .iter()
            .max_by(|a, b| a.violation.total_cmp(&b.violation));
        let detail: Vec<String> = sel
            .constraints
            .iter()
            .filter_map(|c| {
                let v = worst
                    .and_then(|s| s.values.get(&c.metric))
                    .copied()
                    .unwrap_or(f64::NAN);
                let ok = c.min.is_none_or(|m| v >= m) && c.max.is_none_or(|m| v <= m);
                (!ok).then(|| format!("{} {v:.3} (limit {})", c.metric, c.describe()))
            })
            .collect();
        writeln!(
            o,
            "INFEASIBLE: constraint violation {:.4} ({})",
            agg.violation,
            detail.join(", ")
        )?;
    } else {
        writeln!(o, "feasible on every seed")?;
    }
    Ok(())
}
