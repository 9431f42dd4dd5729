//! Attack-search throughput and time-to-first-find: on one core, the search without
//! templates on a design (default Ocean V4 in the July-2022 setting) for several seeds;
//! prints attack evaluations per second and, per seed, the evaluation and the time at which
//! an attack first gained at least `--target` base tokens (default 100 = 90% of the
//! reference loop's 111.11 at fee 0; V4's fees are 0.1% + 0.1%, its one loop nets 109.65).
//!
//! ```sh
//! cargo run --release -p tsynth-amm --example bench_attack -- \
//!     [--design designs/ocean-v4.toml] [--scenario scenarios/exploit.toml] \
//!     [--budget 2000] [--seeds 10] [--target 100]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use tsynth_amm::attack::{Arena, SearchSettings, search};
use tsynth_amm::deploy::{Env, EnvArtifacts, compile_candidate, load_sources};
use tsynth_amm::{Scenario, setup};
use tsynth_grammar::Design;
use tsynth_solc::{Compiler, Settings};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let design = PathBuf::from(arg(&args, "--design", "designs/ocean-v4.toml"));
    let scenario = Scenario::load(&PathBuf::from(arg(
        &args,
        "--scenario",
        "scenarios/exploit.toml",
    )))?;
    let budget: u32 = arg(&args, "--budget", "2000").parse()?;
    let seeds: u64 = arg(&args, "--seeds", "10").parse()?;
    let target: f64 = arg(&args, "--target", "100").parse()?;

    let (_, library, genotype) = Design::load(&design)?;
    let emitted = library.emit(&library.decode(&genotype)?)?;
    let compiler = Compiler::shared()?;
    let art = compile_candidate(compiler, emitted.sources.clone(), &Settings::default())?;
    let env = Env::deploy(
        &EnvArtifacts::compile(
            compiler,
            &load_sources(&library.blocks_dir)?,
            &Settings::default(),
        )?,
        Default::default(),
    )?;
    let (snapshot, p) = setup::prepare(&env, &art, &emitted.param_words(), &scenario)?;
    let arena = Arena {
        contracts: p.contracts,
        attacker: p.attacker,
        publisher: p.publisher,
        publisher_endowment: p.publisher_endowment,
    };
    let world = snapshot.to_world();
    println!(
        "design {} (templates off, budget {budget}, target gain {target})",
        design.display()
    );
    let mut total_evals = 0u64;
    let mut total_secs = 0.0;
    let mut firsts = Vec::new();
    for seed in 1..=seeds {
        let settings = SearchSettings {
            budget,
            templates: false,
            seed,
            ..SearchSettings::default()
        };
        let t = Instant::now();
        let found = search(&world, &arena, &settings, &[], &[])?;
        let secs = t.elapsed().as_secs_f64();
        let rate = f64::from(found.evaluations) / secs;
        total_evals += u64::from(found.evaluations);
        total_secs += secs;
        let first = found.first_reaching(target);
        let first_secs = first.map(|e| f64::from(e) / rate);
        firsts.push(first_secs);
        println!(
            "seed {seed:>2}: best {:.3} at evaluation {}; first >= {target} at {} ({}); {rate:.0} evaluations/s",
            found.outcome.gain,
            found.found_at,
            first.map_or("never".into(), |e| format!("evaluation {e}")),
            first_secs.map_or("-".into(), |s| format!("{s:.2} s")),
        );
    }
    let mut found: Vec<f64> = firsts.iter().flatten().copied().collect();
    found.sort_by(f64::total_cmp);
    println!(
        "{} of {seeds} seeds reached the target; median time-to-first-find {}; {:.0} attack evaluations/s on one core",
        found.len(),
        found
            .get(found.len() / 2)
            .map_or("-".into(), |s| format!("{s:.2} s")),
        total_evals as f64 / total_secs
    );
    Ok(())
}
