//! `tsynth attack`: the domain's adversary search on one design, at tick 0 and on forks
//! moved forward in time, printing the worst attack found at each state as numbered
//! transactions with amounts, block and time.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use tsynth_sim::AttackRequest;

use super::common_args::{CommonArgs, DEFAULT_SCENARIO};

/// Arguments of `tsynth attack`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario file (default: scenarios/default.toml): the pool's opening state and the attacker's capital")))]
#[command(mut_arg("seeds", |a| a.hide(true)))]
#[command(mut_arg("out", |a| a.hide(true)))]
pub struct Args {
    /// Design file (e.g. designs/ocean-v4.toml).
    #[arg(long, required_unless_present = "run", conflicts_with = "run")]
    pub design: Option<PathBuf>,
    /// Check every feasible front member of a run directory instead: the full search on the
    /// run's scenario, each member's found risk against its stored `rug_risk`.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
    /// Attack evaluations per probed state.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub budget: u32,
    /// Seed of the search (same seed, same attacks).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ticks of the honest market before the attack (default: the scenario's whole run; 0
    /// attacks the freshly launched pool, where only the publisher's seed is at stake).
    #[arg(long, value_name = "N")]
    pub after_ticks: Option<u32>,
    /// Scenario seed of that honest run.
    #[arg(long, default_value_t = 1)]
    pub market_seed: u64,
    /// Do not start from the templates (rug pull, July-2022 loop, delayed loops): the search
    /// must find every attack itself.
    #[arg(long)]
    pub no_templates: bool,
    /// An attack to try first (repeatable), as `tsynth attack` prints it after `replay:`,
    /// e.g. "outsider 1.0 | stake 1.0 | wait 72 | buy 1.0 | unstake 1.0 | sell 1.0".
    #[arg(long, value_name = "ATTACK")]
    pub replay: Vec<String>,
    /// Try every attack of a run's hall of fame first (a run directory or its hall.json).
    #[arg(long, value_name = "PATH")]
    pub hall: Option<PathBuf>,
    /// Flags shared with `sim`, `evolve` and `tune`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `tsynth attack`.
pub fn run(args: Args) -> Result<ExitCode> {
    args.common.init_threads(None)?;
    if let Some(dir) = &args.run {
        return check_run(dir, &args);
    }
    let Some(design) = &args.design else {
        bail!("give --design FILE or --run DIR");
    };
    let scenario = args.common.scenario_or(DEFAULT_SCENARIO)?;
    let (library, emitted) = super::design::emit_file(design)?;
    let sim = crate::registry::simulator(&scenario, &library.blocks_dir)?;
    let hall = start_attacks(&args, sim.as_ref())?;
    let request = request(&args, &emitted, sim.as_ref(), args.market_seed, hall);
    let started = Instant::now();
    let report = match sim.attack(&emitted.sources, &emitted.param_words(), &request) {
        Ok(Some(r)) => r,
        Ok(None) => bail!("domain `{}` has no adversary search", sim.domain()),
        Err(e) => bail!("{}: {e}", design.display()),
    };
    let secs = started.elapsed().as_secs_f64();
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "attack search on {} after {} tick(s) of the honest market (seed {}): {} evaluations per state, search seed {}, templates {}",
        design.display(),
        request.after_ticks.min(sim.run_spec().ticks),
        request.market_seed,
        args.budget,
        args.seed,
        if request.templates { "on" } else { "off" }
    )?;
    let mut evaluations = 0;
    for p in &report.probes {
        evaluations += p.evaluations;
        writeln!(o)?;
        writeln!(
            o,
            "state {}: best gain {:.4}, honest holders lose {:.4}: risk {:.4} of the pool's base (found at evaluation {} of {})",
            p.when, p.gain, p.victim_loss, p.risk, p.found_at, p.evaluations
        )?;
        if p.gain > 0.0 {
            for l in &p.lines {
                writeln!(o, "  {l}")?;
            }
            if let Some(a) = &p.attack {
                writeln!(o, "  replay: {a}")?;
            }
        } else {
            writeln!(o, "  no attack found that pays")?;
        }
    }
    if !report.settled.is_empty() {
        writeln!(o)?;
        writeln!(
            o,
            "state {}: not searched, settled like state {} (every time-based schedule of the design has run out by then and nobody else trades on a fork)",
            report.settled.join(", "),
            report.probes.last().map_or("now", |p| p.when.as_str())
        )?;
    }
    if let Some(w) = report.worst() {
        writeln!(o)?;
        writeln!(
            o,
            "rug risk {:.4} (worst state: {}); {evaluations} attack evaluations in {secs:.1} s, the honest market's run included ({:.0}/s)",
            w.risk,
            w.when,
            evaluations as f64 / secs.max(1e-9)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The full search `args` ask for on `emitted`, after the honest market of `market_seed`,
/// starting from `hall` (see [`start_attacks`]).
fn request(
    args: &Args,
    emitted: &tsynth_grammar::Emitted,
    sim: &dyn tsynth_sim::Simulate,
    market_seed: u64,
    hall: Vec<String>,
) -> AttackRequest {
    AttackRequest {
        budget: args.budget,
        seed: args.seed,
        templates: !args.no_templates,
        schedule_seconds: emitted.schedule_seconds,
        after_ticks: args.after_ticks.unwrap_or(sim.run_spec().ticks),
        market_seed,
        hall,
        screen_only: false,
    }
}

/// The attacks to try first: `--replay` texts, then a hall of fame's entries.
/// Every text must read as an attack of the domain: a `--replay` that does not is an error
/// naming it, a hall entry that does not names the file and the entry.
fn start_attacks(args: &Args, sim: &dyn tsynth_sim::Simulate) -> Result<Vec<String>> {
    for r in &args.replay {
        sim.check_attack(r)
            .map_err(|e| anyhow::anyhow!("--replay \"{r}\": not an attack: {e}"))?;
    }
    let mut out = args.replay.clone();
    if let Some(path) = &args.hall {
        let file = if path.is_dir() {
            path.join(tsynth_search::evolve::HALL_JSON)
        } else {
            path.clone()
        };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let hall: tsynth_search::hall::Hall = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a hall of fame: {e}",
                file.display(),
                e.line(),
                e.column()
            )
        })?;
        // the i-th `"attack"` key of the file is entry i's (attack texts hold no quotes)
        let keys: Vec<usize> = text.match_indices("\"attack\"").map(|(at, _)| at).collect();
        for (i, a) in hall.attacks().into_iter().enumerate() {
            sim.check_attack(&a).map_err(|e| {
                let (line, col) = keys
                    .get(i)
                    .map_or((1, 1), |&at| tsynth_text::line_col(&text, at));
                anyhow::anyhow!(
                    "{}:{line}:{col}: entry {} of the hall of fame, \"{a}\", is not an attack: {e}",
                    file.display(),
                    i + 1
                )
            })?;
            out.push(a);
        }
    }
    Ok(out)
}

/// How much a found risk may exceed a stored one and still count as the same verdict: two
/// searches that reach the same attack with slightly different amounts differ by this much
/// (the liquidation alone may leave up to 0.0032 of the pool unclaimed, see
/// `tsynth_amm::attack::exec::LIQUIDATION_STOP`); half a percent of the pool.
pub const RISK_PRECISION: f64 = 0.005;

/// One member's check.
struct Checked {
    id: String,
    held_out_feasible: bool,
    stored: f64,
    found: f64,
    when: String,
}

/// `tsynth attack --run DIR`: the full search on every feasible front member (held-out
/// verdicts are what a token engineer reads, so each member is attacked after the run's
/// scenario played out on its first held-out seed, else its first search seed), reporting
/// members whose found risk exceeds their stored `rug_risk` (worst over seeds), apart for
/// the members feasible and infeasible on the held-out seeds. Members are attacked in
/// parallel (`--threads`); the output is in member order.
fn check_run(dir: &std::path::Path, args: &Args) -> Result<ExitCode> {
    use rayon::prelude::*;
    let run = super::front::rundata::Run::load(dir)?;
    let scenario = std::path::Path::new(&run.config.scenario.absolute);
    let Some(metric) = crate::registry::attack_risk_metric(&run.config.domain) else {
        bail!("domain `{}` has no adversary search", run.config.domain);
    };
    let members: Vec<_> = run.archive.members.iter().filter(|m| m.feasible).collect();
    // the design files first, one at a time (they may share the run's scenario copy)
    let paths = members
        .iter()
        .map(|m| super::front::show::write_design(&run, m).map(|(p, _)| p))
        .collect::<Result<Vec<_>>>()?;
    let bar = if args.common.no_progress {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(members.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} members attacked [{elapsed_precise}, ETA {eta}]",
        ) {
            bar.set_style(style);
        }
        bar
    };
    // every member is of the run's grammar and scenario: one simulator, one set of starts
    let Some(first) = paths.first() else {
        writeln!(
            std::io::stdout().lock(),
            "no feasible member in {} to check",
            dir.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    let (library, _) = super::design::emit_file(first)?;
    let sim = crate::registry::simulator_from_text(
        &run.config.scenario_text,
        scenario,
        &library.blocks_dir,
    )?;
    let hall = start_attacks(args, sim.as_ref())?;
    let rows = members
        .par_iter()
        .zip(&paths)
        .map(|(m, path)| -> Result<Checked> {
            let (_, emitted) = super::design::emit_file(path)?;
            let seed = m
                .held_out
                .as_ref()
                .and_then(|h| h.seeds.first())
                .or(m.seeds.first())
                .copied()
                .unwrap_or(1);
            let request = request(args, &emitted, sim.as_ref(), seed, hall.clone());
            let report = match sim.attack(&emitted.sources, &emitted.param_words(), &request) {
                Ok(Some(r)) => r,
                Ok(None) => bail!("domain `{}` has no adversary search", sim.domain()),
                Err(e) => bail!("member {}: {e}", m.id),
            };
            let scores = m.held_out.as_ref().map_or(&m.objectives, |h| &h.objectives);
            let stored = scores
                .worst
                .get(metric)
                .copied()
                .or_else(|| {
                    m.per_seed
                        .iter()
                        .filter_map(|s| s.values.get(metric).copied())
                        .reduce(f64::max)
                })
                .unwrap_or(0.0);
            bar.inc(1);
            Ok(Checked {
                id: m.id.clone(),
                held_out_feasible: m.held_out.as_ref().is_none_or(|h| h.feasible),
                stored,
                found: report.worst().map_or(0.0, |w| w.risk),
                when: report.worst().map_or("-".to_string(), |w| w.when.clone()),
            })
        })
        .collect::<Result<Vec<_>>>();
    bar.finish_and_clear();
    let rows = rows?;
    let mut o = std::io::stdout().lock();
    // [held-out feasible, infeasible] x [ok, within precision, worse]
    let mut tally = [[0usize; 3]; 2];
    for r in &rows {
        let (k, flag) = if r.found > r.stored + RISK_PRECISION {
            (2, "WORSE")
        } else if r.found > r.stored + 1e-6 {
            (1, "within precision")
        } else {
            (0, "ok")
        };
        tally[usize::from(!r.held_out_feasible)][k] += 1;
        writeln!(
            o,
            "{:<8} stored {metric} {:.4}  found {:.4} ({})  {flag}{}",
            r.id,
            r.stored,
            r.found,
            r.when,
            if r.held_out_feasible {
                ""
            } else {
                "  [infeasible on held-out seeds]"
            }
        )?;
    }
    for (i, what) in ["feasible", "infeasible"].iter().enumerate() {
        let [ok, close, worse] = tally[i];
        writeln!(
            o,
            "{} member(s) {what} on the held-out seeds checked with {} evaluations per state: {worse} with a worse attack than stored (by more than {RISK_PRECISION}), {close} higher by at most {RISK_PRECISION}, {ok} not higher",
            ok + close + worse,
            args.budget
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
