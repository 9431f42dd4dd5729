//! Side-by-side benchmark with pymoo: run tsynth-moo and write fronts, or score the
//! fronts of any tool with tsynth-moo's exact hypervolume (one indicator for both).
//!
//! ```text
//! compare run --problem dtlz2-5 --pop 212 --evals 42400 --seeds 10 --out t.json \
//!     [--survival auto|crowding|nsga3|sms] [--first-seed 0] [--archive-cap N (0: none)]
//!     [--archive keep|off (keep; off: no Pareto archive during the run, same fronts)]
//!     [--duplicates auto|eliminate|mutate (auto)] [--retries N (where not eliminated: 10)]
//!     [--normalize debjain|hyperplane (NSGA-III; default debjain)]
//!     [--population (also write the final population's objectives and violations)]
//!     [--label TEXT] [--truncation iterative|crowding] [--sbx-eta E] [--sbx-prob P] [--pm-prob P (0.9)]   (default: η 30 p 1 under NSGA-III, η 15 p 0.9 otherwise)
//! compare score --ref 1.1,1.1,1.1,1.1,1.1 [--hv-out hv.json (per-run hypervolumes, seed order)] \
//!     t.json pymoo-nsga2.json pymoo-nsga3.json
//! ```
//!
//! `run` writes `{tool, problem, population, evaluations, runs: [{seed, seconds,
//! evaluations, feasible, front}]}` where `front` is the feasible first front of the final
//! population (pymoo's `res.F`), empty when nothing feasible was found. `score` prints one
//! Markdown table row per file: median / min / max hypervolume at the reference point of
//! the non-dominated feasible front (0 for a run without feasible points), runs that
//! reached feasibility, median wall and CPU seconds per run, median evaluations.

use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};
use tsynth_moo::problems::TestProblem;
use tsynth_moo::{
    Engine, EngineConfig, FrontStatus, Mode, Normalize, RealProblem, ReferenceDirections, Survival,
    hypervolume, non_dominated_sort,
};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// CPU seconds (user + system, all threads) of this process so far, from
/// `/proc/self/stat` (Linux; clock ticks of 1/100 s). `NaN` elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (tick(11), tick(12)) {
        (Some(u), Some(s)) => (u + s) / 100.0,
        _ => f64::NAN,
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut problem = None;
    let mut pop = 100usize;
    let mut evals = 25_000u64;
    let mut seeds = 10u64;
    let mut first_seed = 0u64;
    let mut out = None;
    let mut survival = Survival::Auto;
    let mut archive_cap = None;
    let mut keep_archive = true;
    let mut retries: Option<u32> = None;
    let mut duplicates = tsynth_moo::Duplicates::default();
    let mut normalize: Option<Normalize> = None;
    let mut truncation = tsynth_moo::Truncation::default();
    let mut sbx_eta: Option<f64> = None;
    let mut sbx_prob: Option<f64> = None;
    let mut pm_prob: Option<f64> = None;
    let mut suffix = String::new();
    let mut population = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--population" {
            population = true;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--problem" => problem = Some(value.clone()),
            "--pop" => pop = num(value)? as usize,
            "--evals" => evals = num(value)?,
            "--seeds" => seeds = num(value)?,
            "--first-seed" => first_seed = num(value)?,
            "--out" => out = Some(value.clone()),
            "--label" => suffix = format!(" {value}"),
            "--pm-prob" => pm_prob = Some(value.parse().map_err(|e| format!("{flag}: {e}"))?),
            "--sbx-eta" => sbx_eta = Some(value.parse().map_err(|e| format!("{flag}: {e}"))?),
            "--sbx-prob" => sbx_prob = Some(value.parse().map_err(|e| format!("{flag}: {e}"))?),
            "--truncation" => {
                truncation = match value.as_str() {
                    "crowding" => tsynth_moo::Truncation::Crowding,
                    "iterative" => tsynth_moo::Truncation::IterativeCrowding,
                    other => return Err(format!("unknown truncation {other}")),
                }
            }
            "--archive-cap" => archive_cap = Some(num(value)? as usize).filter(|&c| c > 0),
            "--retries" => retries = Some(num(value)? as u32),
            "--normalize" => {
                normalize = Some(match value.as_str() {
                    "debjain" => Normalize::DebJain,
                    "hyperplane" => Normalize::Hyperplane,
                    other => return Err(format!("--normalize debjain|hyperplane, not {other}")),
                })
            }
            "--duplicates" => {
                duplicates = match value.as_str() {
                    "auto" => tsynth_moo::Duplicates::Auto,
                    "eliminate" => tsynth_moo::Duplicates::Eliminate,
                    "mutate" => tsynth_moo::Duplicates::Mutate,
                    other => {
                        return Err(format!("--duplicates auto|eliminate|mutate, not {other}"));
                    }
                }
            }
            "--archive" => {
                keep_archive = match value.as_str() {
                    "keep" => true,
                    "off" => false,
                    other => return Err(format!("--archive keep|off, not {other}")),
                }
            }
            "--survival" => {
                survival = match value.as_str() {
                    "auto" => Survival::Auto,
                    "crowding" => Survival::RankCrowding,
                    "nsga3" => Survival::Nsga3 {
                        directions: ReferenceDirections::Auto,
                        normalize: Normalize::default(),
                    },
                    "sms" => Survival::SmsEmoa,
                    other => return Err(format!("unknown survival {other}")),
                }
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    let name = problem.ok_or("--problem is required")?;
    let out = out.ok_or("--out is required")?;
    let tp = TestProblem::by_name(&name).ok_or(format!("unknown problem {name}"))?;
    let m = tsynth_moo::RealFunction::num_objectives(&tp);
    if let Some(rule) = normalize
        && let Survival::Nsga3 { directions, .. } = survival.resolve(m)
    {
        survival = Survival::Nsga3 {
            directions,
            normalize: rule,
        };
    }
    // Each algorithm with its published operator settings, as pymoo does: SBX η 15
    // p 0.9 for NSGA-II / SMS-EMOA, η 30 p 1 for NSGA-III (unless overridden).
    let mut sbx = match survival.resolve(m) {
        Survival::Nsga3 { .. } => tsynth_moo::Sbx::nsga3(),
        _ => tsynth_moo::Sbx::default(),
    };
    if let Some(e) = sbx_eta {
        sbx.eta = e;
    }
    if let Some(p) = sbx_prob {
        sbx.probability = p;
    }
    let mut problem = RealProblem::new(tp);
    problem.crossover = sbx;
    if let Some(p) = pm_prob {
        problem.mutation.probability = p;
    }
    let mut runs = Vec::new();
    let mut label = String::new();
    for seed in first_seed..first_seed + seeds {
        let config = EngineConfig {
            seed,
            population_size: pop,
            mode: Mode::Nsga2,
            survival: survival.clone(),
            archive_cap,
            keep_archive,
            truncation,
            ..EngineConfig::default()
        };
        let config = EngineConfig {
            max_mutation_retries: retries.unwrap_or(config.max_mutation_retries),
            duplicates,
            ..config
        };
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let mut engine = Engine::new(config).map_err(|e| e.to_string())?;
        engine
            .run(&problem, evals, |_| {})
            .map_err(|e| e.to_string())?;
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_start;
        label = match engine.survival_for(m) {
            Survival::Nsga3 { .. } => "NSGA-III".into(),
            Survival::SmsEmoa => "SMS-EMOA".into(),
            _ => "NSGA-II".into(),
        };
        let front = engine.front();
        let feasible = front.status == FrontStatus::Feasible;
        let points: Vec<Vec<f64>> = front
            .feasible()
            .unwrap_or(&[])
            .iter()
            .map(|i| i.objectives.clone())
            .collect();
        let mut record = json!({
            "seed": seed,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "evaluations": engine.evaluations(),
            "feasible": feasible,
            "front": points,
            "archive_size": engine.archive().len(),
        });
        if population {
            let all: Vec<(Vec<f64>, f64)> = engine
                .population()
                .map(|(_, i)| (i.objectives.clone(), i.violation))
                .collect();
            record["population"] = json!(all.iter().map(|p| &p.0).collect::<Vec<_>>());
            record["population_cv"] = json!(all.iter().map(|p| p.1).collect::<Vec<_>>());
        }
        runs.push(record);
    }
    let auto = if survival == Survival::Auto {
        " (auto)"
    } else {
        ""
    };
    let doc = json!({
        "tool": format!("tsynth-moo {label}{auto}{suffix}"),
        "problem": name,
        "population": pop,
        "evaluations": evals,
        "runs": runs,
    });
    std::fs::write(&out, doc.to_string()).map_err(|e| format!("{out}: {e}"))?;
    Ok(())
}

fn score(args: &[String]) -> Result<(), String> {
    let mut reference: Option<Vec<f64>> = None;
    let mut files = Vec::new();
    let mut hv_out: Option<String> = None;
    let mut per_file = serde_json::Map::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--hv-out" {
            hv_out = Some(it.next().ok_or("--hv-out needs a value")?.clone());
        } else if a == "--ref" {
            let v = it.next().ok_or("--ref needs a value")?;
            reference = Some(
                v.split(',')
                    .map(|x| x.trim().parse::<f64>().map_err(|e| format!("--ref: {e}")))
                    .collect::<Result<_, _>>()?,
            );
        } else {
            files.push(a.clone());
        }
    }
    let reference = reference.ok_or("--ref is required")?;
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        let runs = doc["runs"].as_array().ok_or(format!("{file}: no runs"))?;
        let mut hvs = Vec::new();
        let mut secs = Vec::new();
        let mut cpu = Vec::new();
        let mut feasible = 0;
        let mut evals = Vec::new();
        for r in runs {
            secs.push(r["seconds"].as_f64().unwrap_or(f64::NAN));
            cpu.push(r["cpu_seconds"].as_f64().unwrap_or(f64::NAN));
            evals.push(r["evaluations"].as_f64().unwrap_or(f64::NAN));
            let is_feasible = r["feasible"].as_bool().unwrap_or(false);
            let points: Vec<Vec<f64>> = r["front"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| {
                            p.as_array()
                                .map(|p| p.iter().filter_map(Value::as_f64).collect())
                        })
                        .collect()
                })
                .unwrap_or_default();
            if is_feasible && !points.is_empty() {
                feasible += 1;
                let fronts = non_dominated_sort(&points);
                let nd: Vec<Vec<f64>> = fronts[0].iter().map(|&i| points[i].clone()).collect();
                hvs.push(hypervolume(&nd, &reference).map_err(|e| format!("{file}: {e}"))?);
            } else {
                hvs.push(0.0);
            }
        }
        per_file.insert(file.clone(), json!(hvs));
        let min = hvs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = hvs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "| {} | {} | {} | {} | {} | {}/{} | {:.3} | {:.3} | {:.0} |",
            doc["problem"].as_str().unwrap_or("?"),
            doc["tool"].as_str().unwrap_or("?"),
            sig(median(&mut hvs)),
            sig(min),
            sig(max),
            feasible,
            runs.len(),
            median(&mut secs),
            median(&mut cpu),
            median(&mut evals),
        );
    }
    if let Some(path) = hv_out {
        std::fs::write(&path, Value::Object(per_file).to_string())
            .map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

/// Five significant digits.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (4 - v.abs().log10().floor() as i64).max(0) as usize;
    format!("{v:.digits$}")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("score") => score(&args[1..]),
        _ => Err("usage: compare run ... | compare score --ref R1,R2,... FILES".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
