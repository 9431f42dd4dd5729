//! `tsynth evolve` — structural and parameter synthesis over a grammar (NSGA-II inside ALPS).
//!
//! This file only wires options, the progress bar and Ctrl-C; the loop, the run directory and
//! resume live in `tsynth-search`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tsynth_search::evolve::{Comparison, NewRun, Progress};
use tsynth_search::{ArchiveFile, Evolver, RunStatus, SearchConfig};

use super::common_args::{CommonArgs, new_run_dir};

/// Arguments of `tsynth evolve`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario file (default: scenarios/search.toml, or the configuration's)")))]
#[command(mut_arg("seeds", |a| a.help("Simulation seeds per evaluation (youngest age layer; default: the configuration's)")))]
#[command(mut_arg("out", |a| a.help("Run directory (default: runs/<UTC timestamp>-<grammar stem>)")))]
pub struct Args {
    /// Grammar file (e.g. grammars/amm.grammar).
    #[arg(long)]
    pub grammar: Option<PathBuf>,
    /// Configuration file (TOML): every option below plus `[engine]` settings.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Population size (per ALPS age layer).
    #[arg(long)]
    pub pop: Option<usize>,
    /// Generations after the initial population.
    #[arg(long)]
    pub gens: Option<u64>,
    /// Run seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Continue the run in DIR (with --gens: to that many generations).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["grammar", "config", "pop", "seeds", "scenario", "seed", "out", "init_designs", "compare"])]
    pub resume: Option<PathBuf>,
    /// Known designs injected into the initial population.
    #[arg(long, num_args = 1..)]
    pub init_designs: Vec<PathBuf>,
    /// Designs to compare the front with on the held-out seeds (default: designs/*.toml of
    /// the same grammar).
    #[arg(long, num_args = 1..)]
    pub compare: Vec<PathBuf>,
    /// Flags shared with `tune` and `sim`.
    #[command(flatten)]
    pub common: CommonArgs,
}

fn config_from_args(args: &Args) -> Result<SearchConfig> {
    let mut c = match &args.config {
        Some(p) => SearchConfig::load(p)?,
        None => SearchConfig::default(),
    };
    if let Some(g) = &args.grammar {
        c.grammar = Some(g.clone());
    }
    if let Some(v) = args.pop {
        c.pop = v;
    }
    if let Some(v) = args.gens {
        c.gens = v;
    }
    if let Some(v) = args.common.seeds {
        c.seeds = v;
        c.engine.max_seeds = c.engine.max_seeds.max(v);
    }
    if let Some(v) = &args.common.scenario {
        c.scenario = v.clone();
    }
    if let Some(v) = args.seed {
        c.seed = v;
    }
    if let Some(v) = args.common.threads {
        c.threads = v;
    }
    if let Some(v) = &args.common.out {
        c.out = Some(v.clone());
    }
    if !args.init_designs.is_empty() {
        c.init_designs = args.init_designs.clone();
    }
    if !args.compare.is_empty() {
        c.compare = Some(args.compare.clone());
    }
    c.validate()
        .map_err(|(key, m)| anyhow::anyhow!("option `{key}`: {m}"))?;
    Ok(c)
}

/// Runs `tsynth evolve`.
pub fn run(args: Args) -> Result<ExitCode> {
    let config = if args.resume.is_none() {
        Some(config_from_args(&args)?)
    } else {
        None
    };
    let threads = args
        .common
        .init_threads(config.as_ref().map(|c| c.threads))?;

    let stop = ctrl_c_flag()?;
    let started = Instant::now();
    let mut evolver = open(&args, config, threads)?;
    let dir = evolver.rundir().path().to_path_buf();
    let done_before = evolver.records().len() as u64;
    let target = evolver.config().gens;
    eprintln!(
        "evolve: run {} — {} generation(s) after the initial population, population {} per layer, {} thread(s){}",
        dir.display(),
        target,
        evolver.config().pop,
        threads,
        if done_before > 0 {
            format!(", resuming after generation {}", done_before - 1)
        } else {
            String::new()
        }
    );

    let conds = evolver.conditions();
    if let Some(v) = evolver.config().variation.as_ref() {
        let layers = match evolver.config().engine.mode {
            tsynth_search::EngineMode::Alps => evolver.config().engine.layers,
            tsynth_search::EngineMode::Nsga2 => 1,
        };
        let per_layer: Vec<String> = (0..layers)
            .map(|l| {
                let n = if l < v.from_layer || v.search_is_nominal() {
                    0
                } else {
                    conds.corner_count() + v.samples_for_layer(l).min(conds.sample_count())
                };
                format!("layer {l}: {n}")
            })
            .collect();
        eprintln!(
            "variation: {} corner(s){} and {} Monte Carlo condition(s) besides the nominal market ({}); held-out: {} seed(s) + {} fresh condition(s)",
            conds.corner_count(),
            v.corners
                .as_ref()
                .map(|p| format!(" from {}", p.display()))
                .unwrap_or_default(),
            conds.sample_count(),
            per_layer.join(", "),
            evolver.config().engine.held_out_seeds,
            conds.held_out().len()
        );
    }

    let bar = ProgressBar::new(target + 1);
    if args.common.no_progress {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:24} gen {pos}/{len} {msg} [{elapsed_precise}, ETA {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(done_before);
    bar.enable_steady_tick(Duration::from_millis(500));
    let mut total_hits = 0usize;
    let mut total_compiles = 0usize;
    let mut total_evals = 0usize;
    for r in evolver.records() {
        total_hits += r.cache_hits;
        total_compiles += r.compiles;
        total_evals += r.evaluations;
    }
    let status = evolver.run(&stop, |p: &Progress<'_>| {
        let r = p.record;
        total_hits += r.cache_hits;
        total_compiles += r.compiles;
        total_evals += r.evaluations;
        let compile_hit = 1.0 - total_compiles as f64 / total_evals.max(1) as f64;
        bar.set_position(r.generation + 1);
        bar.set_message(format!(
            "| evals {} | feasible {:.0}% | front {} | HV {:.4e} | compile-cache hits {:.0}% | eval-cache hits {:.0}%",
            r.total_evaluations,
            100.0 * r.feasible as f64 / r.evaluations.max(1) as f64,
            r.front_size,
            r.hypervolume,
            100.0 * compile_hit,
            100.0 * total_hits as f64 / total_evals.max(1) as f64,
        ));
        if args.common.no_progress {
            eprintln!(
                "gen {:>3}: evals {:>5} feasible {:>3}/{:<3} front {:>3} HV {:.6e} cache hits {:>3} new structures {:>3} {:.1} s",
                r.generation,
                r.total_evaluations,
                r.feasible,
                r.evaluations,
                r.front_size,
                r.hypervolume,
                r.cache_hits,
                r.compiles,
                r.seconds
            );
        }
    })?;
    bar.finish_and_clear();
    if status == RunStatus::Stopped {
        let g = evolver.records().last().map(|r| r.generation);
        println!(
            "stopped after generation {}; checkpoint written. Resume with:\n  tsynth evolve --resume {}",
            g.map(|g| g.to_string()).unwrap_or_else(|| "none".into()),
            dir.display()
        );
        return Ok(ExitCode::from(130));
    }
    let search_wall = started.elapsed();
    let times = evolver.pipeline().times();
    let search_attacks = tsynth_sim::stats::attack_time();
    let held_started = Instant::now();
    let (archive, comparison) = evolver.finish()?;
    let held_wall = held_started.elapsed();
    let all_attacks = tsynth_sim::stats::attack_time();
    let all_times = evolver.pipeline().times();
    let busy = |t: &tsynth_search::pipeline::PipelineTimes| t.compile_seconds + t.simulate_seconds;
    // (attack seconds, attack evaluations, worker seconds) of the held-out re-score
    let held_attacks = (
        all_attacks.0 - search_attacks.0,
        all_attacks.1 - search_attacks.1,
        busy(&all_times) - busy(&times),
    );

    let mut o = std::io::stdout().lock();
    let walls = (search_wall.as_secs_f64(), held_wall.as_secs_f64());
    print_summary(
        &mut o,
        &evolver,
        &archive,
        comparison.as_ref(),
        times,
        walls,
        (search_attacks, held_attacks),
    )?;
    writeln!(o, "wrote {}", dir.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Sets up Ctrl-C: the first asks for a stop after the generation in flight (the returned
/// flag), a second exits at once (the last checkpoint is still complete).
fn ctrl_c_flag() -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            eprintln!("\ninterrupted again: exiting now (the last checkpoint is intact)");
            std::process::exit(130);
        }
        eprintln!("\nCtrl-C: finishing the generation in flight, then checkpointing...");
    })
    .context("installing the Ctrl-C handler")?;
    Ok(stop)
}

/// A new run from `config`, or the run `--resume` names.
fn open(args: &Args, config: Option<SearchConfig>, threads: usize) -> Result<Evolver> {
    Ok(match (&args.resume, config) {
        (Some(dir), _) => Evolver::resume(dir, args.gens, threads, crate::registry::registry())?,
        (None, Some(config)) => {
            let grammar = config.grammar.clone().ok_or_else(|| {
                anyhow::anyhow!("no grammar: give --grammar FILE (or `grammar` in --config)")
            })?;
            let out = config.out.clone().unwrap_or_else(|| new_run_dir(&grammar));
            Evolver::create(
                config,
                &NewRun {
                    grammar,
                    out,
                    threads,
                },
                crate::registry::registry(),
            )?
        }
        (None, None) => unreachable!("a config is built when not resuming"),
    })
}

/// The end-of-run report: totals, time split, hypervolume per generation, the front and
/// the comparison with the known designs.
fn print_summary(
    o: &mut impl Write,
    evolver: &Evolver,
    archive: &ArchiveFile,
    comparison: Option<&Comparison>,
    times: tsynth_search::pipeline::PipelineTimes,
    (search_wall, held_wall): (f64, f64),
    attacks: ((f64, u64), (f64, u64, f64)),
) -> Result<()> {
    let dir = evolver.rundir().path();
    let records = evolver.records();
    let evals: u64 = records.last().map(|r| r.total_evaluations).unwrap_or(0);
    writeln!(
        o,
        "\nrun {}: {} generations, {} evaluations, archive of {} ({} feasible)",
        dir.display(),
        records.len(),
        evals,
        archive.members.len(),
        archive.members.iter().filter(|m| m.feasible).count()
    )?;
    let busy = (times.compile_seconds + times.simulate_seconds).max(1e-9);
    writeln!(
        o,
        "this process: search {:.1} s wall, {:.2} evaluations/s; compile {:.1} s of {:.1} s worker time ({:.1}%), {} solc runs; eval-cache hits {}/{}; held-out re-score {:.1} s",
        search_wall,
        times.evaluations as f64 / search_wall.max(1e-9),
        times.compile_seconds,
        busy,
        100.0 * times.compile_seconds / busy,
        times.solc_runs,
        times.cache_hits,
        times.cache_hits + times.evaluations,
        held_wall
    )?;
    let (sa, sn) = attacks.0;
    let (ha, hn, held_busy) = attacks.1;
    writeln!(
        o,
        "attacks: search {sa:.1} s of {busy:.1} s worker time ({:.1}%), {sn} attack evaluations ({:.0}/s per worker); held-out re-score {ha:.1} s of {:.1} s worker time, {hn} evaluations ({:.0}/s per worker)",
        100.0 * sa / busy,
        sn as f64 / sa.max(1e-9),
        held_busy,
        hn as f64 / ha.max(1e-9),
    )?;
    writeln!(o, "hypervolume per generation:")?;
    for r in records {
        writeln!(
            o,
            "  gen {:>3}  HV {:.6e}  front {:>3}  feasible {:>3}/{:<3}  new structures {:>3}  {:.1} s",
            r.generation,
            r.hypervolume,
            r.front_size,
            r.feasible,
            r.evaluations,
            r.compiles,
            r.seconds
        )?;
    }
    let sort_by = evolver
        .pipeline()
        .simulator()
        .selection()
        .better
        .improve
        .first()
        .cloned();
    print_front(o, archive, sort_by.as_deref())?;
    if let Some(c) = comparison {
        print_comparison(o, archive, c)?;
    }
    print_yields(o, archive, comparison)?;
    Ok(())
}

/// Column header of a metric name (at most 10 characters).
fn header(name: &str) -> String {
    name.chars().take(10).collect()
}

fn print_front(o: &mut impl Write, archive: &ArchiveFile, sort_by: Option<&str>) -> Result<()> {
    let names = &archive.objectives;
    write!(o, "\nfront (search mean / held-out mean):\n  {:<6}", "id")?;
    for n in names {
        write!(o, " {:>21}", header(n))?;
    }
    writeln!(o, "  blocks")?;
    let key = sort_by.unwrap_or(names[0].as_str()).to_string();
    let dir = tsynth_sim::metrics::direction_of(&archive.metrics, &key);
    let mut members: Vec<_> = archive.members.iter().collect();
    members.sort_by(|a, b| {
        let r = |m: &tsynth_search::ArchiveMember| {
            let v = m
                .held_out
                .as_ref()
                .and_then(|h| h.objectives.mean.get(&key))
                .or(m.objectives.mean.get(&key))
                .copied()
                .unwrap_or(f64::NAN);
            dir.to_ranking(v)
        };
        r(a).total_cmp(&r(b)).then(a.id.cmp(&b.id))
    });
    for m in members.iter().take(25) {
        let get = |map: &tsynth_sim::Values, k: &str| map.get(k).copied().unwrap_or(f64::NAN);
        let cell = |k: &str| match &m.held_out {
            Some(h) => format!(
                "{:.4} / {:.4}",
                get(&m.objectives.mean, k),
                get(&h.objectives.mean, k)
            ),
            None => format!("{:.4}", get(&m.objectives.mean, k)),
        };
        let blocks: Vec<&str> = m.blocks.values().map(String::as_str).collect();
        write!(o, "  {:<6}", m.id)?;
        for n in names {
            write!(o, " {:>21}", cell(n))?;
        }
        let yield_note = m
            .held_out
            .as_ref()
            .and_then(tsynth_search::variation::held_out_yield)
            .map(|(p, n)| format!("  yield {p}/{n}"))
            .unwrap_or_default();
        writeln!(
            o,
            "  {}{}{yield_note}",
            blocks.join("+"),
            match &m.held_out {
                Some(h) if !h.feasible => "  (infeasible on held-out seeds)",
                _ => "",
            }
        )?;
    }
    if members.len() > 25 {
        writeln!(o, "  ... {} more in archive.json", members.len() - 25)?;
    }
    Ok(())
}

fn print_comparison(o: &mut impl Write, archive: &ArchiveFile, c: &Comparison) -> Result<()> {
    writeln!(
        o,
        "\nknown designs on the same {} held-out seeds (mean):",
        c.seeds.len()
    )?;
    let shown = &archive.objectives;
    for d in &c.designs {
        let m = &d.held_out.objectives.mean;
        let values: Vec<String> = shown
            .iter()
            .map(|k| format!("{k} {:.4}", m.get(k).copied().unwrap_or(f64::NAN)))
            .collect();
        writeln!(
            o,
            "  {:<12} {}  {}",
            d.name,
            values.join("  "),
            if d.held_out.feasible {
                "feasible".to_string()
            } else {
                format!(
                    "INFEASIBLE{}",
                    d.held_out
                        .failure
                        .as_deref()
                        .map(|f| format!(": {f}"))
                        .unwrap_or_default()
                )
            }
        )?;
    }
    let by_id: std::collections::BTreeMap<&str, &tsynth_search::ArchiveMember> =
        archive.members.iter().map(|m| (m.id.as_str(), m)).collect();
    for d in &c.designs {
        let doms = c.dominating(&d.name);
        writeln!(
            o,
            "\nfront members better than {} ({}; held-out): {}",
            d.name,
            c.rule,
            doms.len()
        )?;
        let others: Vec<&str> = c
            .designs
            .iter()
            .map(|x| x.name.as_str())
            .filter(|n| *n != d.name)
            .collect();
        if doms.is_empty() {
            continue;
        }
        write!(o, "  {:<6}", "id")?;
        for k in shown {
            write!(o, " {:>10}", header(k))?;
        }
        for n in &others {
            write!(o, " {:>16}", format!("dist {n}"))?;
        }
        writeln!(o)?;
        for id in doms.iter().take(15) {
            let Some(h) = by_id.get(id).and_then(|m| m.held_out.as_ref()) else {
                continue;
            };
            write!(o, "  {id:<6}")?;
            for k in shown {
                let v = h.objectives.mean.get(k).copied().unwrap_or(f64::NAN);
                write!(o, " {v:>10.4}")?;
            }
            for n in &others {
                write!(o, " {:>16.4}", c.distance(id, n).unwrap_or(f64::NAN))?;
            }
            writeln!(o)?;
        }
        if doms.len() > 15 {
            writeln!(o, "  ... {} more in comparison.json", doms.len() - 15)?;
        }
    }
    Ok(())
}

/// The held-out verification of variation-aware synthesis: the yield (every constraint holds)
/// over the fresh Monte Carlo conditions, for the front and the known designs.
fn print_yields(
    o: &mut impl Write,
    archive: &ArchiveFile,
    comparison: Option<&Comparison>,
) -> Result<()> {
    use tsynth_search::variation::held_out_yield;
    let mut ys: Vec<(&str, (u64, u64))> = archive
        .members
        .iter()
        .filter_map(|m| Some((m.id.as_str(), m.held_out.as_ref().and_then(held_out_yield)?)))
        .collect();
    let designs: Vec<(&str, (u64, u64))> = comparison
        .map(|c| {
            c.designs
                .iter()
                .filter_map(|d| Some((d.name.as_str(), held_out_yield(&d.held_out)?)))
                .collect()
        })
        .unwrap_or_default();
    let Some(n) = ys.first().or(designs.first()).map(|(_, (_, n))| *n) else {
        return Ok(());
    };
    writeln!(
        o,
        "\nheld-out yield (every constraint holds) over {n} fresh conditions, 95% Clopper-Pearson:"
    )?;
    ys.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let line = |name: &str, (p, n): (u64, u64)| {
        let y = tsynth_verify::YieldEstimate::new(p, n);
        format!(
            "  {name:<12} {p:>3}/{n:<3} {:>5.1}% [{:.1}%, {:.1}%]",
            100.0 * y.value,
            100.0 * y.ci_low,
            100.0 * y.ci_high
        )
    };
    if ys.is_empty() {
        writeln!(o, "  front: empty")?;
    } else {
        let mean = ys
            .iter()
            .map(|(_, (p, n))| *p as f64 / *n as f64)
            .sum::<f64>()
            / ys.len() as f64;
        writeln!(
            o,
            "  front: {} members, mean yield {:.1}%, best:",
            ys.len(),
            100.0 * mean
        )?;
        for (id, y) in ys.iter().take(5) {
            writeln!(o, "{}", line(id, *y))?;
        }
    }
    if !designs.is_empty() {
        writeln!(o, "  known designs:")?;
        for (name, y) in designs {
            writeln!(o, "{}", line(name, y))?;
        }
    }
    Ok(())
}
