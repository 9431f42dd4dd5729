//! NSGA-II (or ALPS) on a test problem over several seeds; prints one JSON object.
//!
//! ```text
//! cargo run --release -p tsynth-moo --example zdt -- --problem zdt1 --evals 25000 --seeds 10
//! ```
//! Options: `--problem NAME` (zdt1..zdt4, zdt6, dtlz1, dtlz2), `--evals N`, `--seeds N`,
//! `--pop N` (100), `--mode nsga2|alps`, `--truncation crowding|iterative`,
//! `--first-seed N` (0), `--hv3d N` or `--hv N [--dim D]` (instead: time the
//! hypervolume of N mutually non-dominated points in 3 or D dimensions).
//!
//! Hypervolume (reference 1.1 per objective for ZDT, 1.0 for DTLZ) and IGD (against 1000
//! samples of the analytic front) are measured on the first front of the final
//! population, like pymoo's `res.F`; the archive's hypervolume is reported as well.

use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;
use tsynth_moo::problems::TestProblem;
use tsynth_moo::{
    AlpsConfig, Engine, EngineConfig, Mode, RealFunction, RealProblem, Truncation, hypervolume, igd,
};

struct Args {
    problem: String,
    evals: u64,
    seeds: u64,
    first_seed: u64,
    pop: usize,
    mode: String,
    truncation: Truncation,
    hv_points: Option<usize>,
    hv_dim: usize,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        problem: "zdt1".into(),
        evals: 25_000,
        seeds: 10,
        first_seed: 0,
        pop: 100,
        mode: "nsga2".into(),
        truncation: Truncation::default(),
        hv_points: None,
        hv_dim: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--problem" => a.problem = value()?,
            "--evals" => a.evals = num(value()?)?,
            "--seeds" => a.seeds = num(value()?)?,
            "--first-seed" => a.first_seed = num(value()?)?,
            "--pop" => a.pop = num(value()?)? as usize,
            "--mode" => a.mode = value()?,
            "--hv3d" => a.hv_points = Some(num(value()?)? as usize),
            "--hv" => a.hv_points = Some(num(value()?)? as usize),
            "--dim" => a.hv_dim = (num(value()?)? as usize).max(1),
            "--truncation" => {
                a.truncation = match value()?.as_str() {
                    "crowding" => Truncation::Crowding,
                    "iterative" => Truncation::IterativeCrowding,
                    other => return Err(format!("unknown truncation {other}")),
                }
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(a)
}

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

/// Time the hypervolume of `n` mutually non-dominated points on the positive orthant of
/// the unit sphere in `dim` dimensions (3-D: a regular grid in two angles; otherwise
/// pseudo-random directions).
fn hv_bench(n: usize, dim: usize) -> serde_json::Value {
    let mut pts = Vec::with_capacity(n);
    if dim == 3 {
        let side = (n as f64).sqrt().ceil() as usize;
        'outer: for i in 0..side {
            for j in 0..side {
                if pts.len() == n {
                    break 'outer;
                }
                let t = (i as f64 + 0.5) / side as f64 * std::f64::consts::FRAC_PI_2;
                let p = (j as f64 + 0.5) / side as f64 * std::f64::consts::FRAC_PI_2;
                pts.push(vec![t.cos() * p.sin(), t.sin() * p.sin(), p.cos()]);
            }
        }
    } else {
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..n {
            let v: Vec<f64> = (0..dim)
                .map(|_| {
                    s = tsynth_moo::problem::splitmix64(s);
                    (s >> 11) as f64 / (1u64 << 53) as f64 + 1e-3
                })
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            pts.push(v.iter().map(|x| x / norm).collect());
        }
    }
    let reference = vec![1.1; dim];
    let mut times = Vec::new();
    let mut hv = 0.0;
    for _ in 0..5 {
        let start = Instant::now();
        hv = hypervolume(&pts, &reference).expect("valid points");
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    json!({ "points": pts.len(), "objectives": dim, "hypervolume": hv, "median_ms": median(&mut times) })
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(n) = args.hv_points {
        println!("{}", hv_bench(n, args.hv_dim));
        return ExitCode::SUCCESS;
    }
    let Some(tp) = TestProblem::by_name(&args.problem) else {
        eprintln!(
            "error: unknown problem {:?}; known: {}",
            args.problem,
            TestProblem::NAMES.join(", ")
        );
        return ExitCode::from(2);
    };
    let mode = match args.mode.as_str() {
        "nsga2" => Mode::Nsga2,
        "alps" => Mode::Alps(AlpsConfig::default()),
        other => {
            eprintln!("error: unknown mode {other} (nsga2 or alps)");
            return ExitCode::from(2);
        }
    };
    let m = tp.num_objectives();
    let reference = vec![
        if args.problem.starts_with("dtlz") {
            1.0
        } else {
            1.1
        };
        m
    ];
    let front = tp.pareto_front(1000);
    let problem = RealProblem::new(tp);

    let mut hvs = Vec::new();
    let mut archive_hvs = Vec::new();
    let mut igds = Vec::new();
    let mut run_seconds = Vec::new();
    let start_all = Instant::now();
    for seed in args.first_seed..args.first_seed + args.seeds {
        let config = EngineConfig {
            seed,
            population_size: args.pop,
            mode: mode.clone(),
            truncation: args.truncation,
            ..EngineConfig::default()
        };
        let start = Instant::now();
        let mut engine = match Engine::new(config) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        if let Err(e) = engine.run(&problem, args.evals, |_| {}) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        run_seconds.push(start.elapsed().as_secs_f64());
        let pop_front: Vec<Vec<f64>> = engine
            .population_front()
            .into_iter()
            .map(|i| i.objectives.clone())
            .collect();
        hvs.push(hypervolume(&pop_front, &reference).expect("valid front"));
        archive_hvs.push(hypervolume(&engine.archive().objectives(), &reference).expect("valid"));
        igds.push(igd(&pop_front, &front).expect("valid front"));
    }
    let wall = start_all.elapsed().as_secs_f64();
    let min = hvs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = hvs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let per_seed = hvs.clone();
    let out = json!({
        "problem": args.problem,
        "mode": args.mode,
        "evaluations": args.evals,
        "seeds": args.seeds,
        "population": args.pop,
        "reference_point": reference,
        "median_hv": median(&mut hvs),
        "min_hv": min,
        "max_hv": max,
        "median_igd": median(&mut igds),
        "median_archive_hv": median(&mut archive_hvs),
        "median_run_seconds": median(&mut run_seconds),
        "wall_seconds": wall,
        "hv_per_seed": per_seed,
    });
    println!("{out}");
    ExitCode::SUCCESS
}
