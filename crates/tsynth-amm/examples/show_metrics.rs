//! Prints every metric (mean and worst over seeds) of one or more designs on a scenario,
//! side by side — a quick look without the CLI.
//!
//! ```sh
//! cargo run --release -p tsynth-amm --example show_metrics -- \
//!     --scenario scenarios/search.toml designs/ocean-v3.toml designs/ocean-v4.1.toml
//! ```

use std::path::PathBuf;

use tsynth_amm::{AmmDomain, Scenario};
use tsynth_grammar::Design;
use tsynth_sim::{Simulate, Simulator};
use tsynth_solc::{Compiler, Settings};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut scenario_path = PathBuf::from("scenarios/search.toml");
    let mut seeds = 2u64;
    let mut designs = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scenario" => scenario_path = args.next().ok_or("--scenario FILE")?.into(),
            "--seeds" => seeds = args.next().ok_or("--seeds N")?.parse()?,
            _ => designs.push(PathBuf::from(a)),
        }
    }
    let scenario = Scenario::load(&scenario_path)?;
    let mut sim = None;
    let mut columns = Vec::new();
    for d in &designs {
        let (_, library, genotype) = Design::load(d)?;
        let emitted = library.emit(&library.decode(&genotype)?)?;
        let sim = sim.get_or_insert_with(|| {
            Simulator::new(
                AmmDomain,
                scenario.clone(),
                Compiler::shared().expect("compiler"),
                &library.blocks_dir,
                Settings::default(),
            )
            .expect("simulator")
        });
        let seeds: Vec<u64> = (1..=seeds).collect();
        let (ev, _) = sim.evaluate(
            &emitted.sources,
            &emitted.param_words(),
            emitted.schedule_seconds,
            &seeds,
            false,
        );
        columns.push((d.file_stem().unwrap().to_string_lossy().to_string(), ev));
    }
    let Some((_, first)) = columns.first() else {
        return Err("no design given".into());
    };
    print!("{:<22}", "metric (mean/worst)");
    for (name, _) in &columns {
        print!(" {name:>22}");
    }
    println!();
    for k in first.aggregate.mean.keys() {
        print!("{k:<22}");
        for (_, ev) in &columns {
            let a = &ev.aggregate;
            print!(" {:>10.4}/{:<11.4}", a.mean[k], a.worst[k]);
        }
        println!();
    }
    print!("{:<22}", "violation / failure");
    for (_, ev) in &columns {
        let a = &ev.aggregate;
        print!(
            " {:>10.4} {:<11}",
            a.violation,
            a.failure.as_deref().unwrap_or("-")
        );
    }
    println!();
    Ok(())
}
