//! `tsynth design ...`: show or emit a design (a readable genotype file).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use tsynth_grammar::{Design, Library, Value};

/// `tsynth design` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DesignCmd {
    /// Show a design file decoded against its grammar: blocks, parameters in natural units,
    /// constructor words, hashes.
    Show {
        /// The design file (TOML).
        file: PathBuf,
    },
    /// Write the design's Candidate.sol with every source it needs, the normalised design
    /// file and the constructor arguments into a folder.
    Emit {
        /// The design file (TOML).
        file: PathBuf,
        /// Output folder (created).
        #[arg(long)]
        out: PathBuf,
        /// Also compile the emitted sources.
        #[arg(long)]
        compile: bool,
    },
}

fn load(file: &std::path::Path) -> Option<(Design, Library, tsynth_grammar::Genotype)> {
    match Design::load(file) {
        Ok(x) => Some(x),
        Err(e) => {
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            None
        }
    }
}

/// Runs a `design` subcommand.
pub fn run(cmd: DesignCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        DesignCmd::Show { file } => {
            let Some((design, lib, g)) = load(&file) else {
                return Ok(ExitCode::FAILURE);
            };
            let d = lib.decode(&g)?;
            let em = lib.emit(&d)?;
            println!("design     {}", file.display());
            if let Some(desc) = &design.description {
                println!("           {desc}");
            }
            println!(
                "grammar    {} (`{}`, {} structures)",
                design.grammar_path().display(),
                lib.name,
                lib.structure_count()
            );
            println!("structure  {}", em.structure_hash);
            println!("full       {}", em.full_hash);
            for c in &d.compounds {
                let tsynth_grammar::PartKind::Compound { params, .. } = &lib.parts[c.part].kind
                else {
                    continue;
                };
                if !params.is_empty() {
                    println!("compound   {}", lib.parts[c.part].name);
                    print_params(params, &c.values);
                }
            }
            for cb in &d.blocks {
                let b = &lib.blocks[cb.block];
                println!("{:<10} {}", lib.slots[b.slot].name, b.name);
                print_params(&b.params, &cb.values);
            }
            let words = em.param_words();
            let core: Vec<String> = em
                .core_params
                .iter()
                .map(|p| format!("{} {}", p.sol_type, p.name))
                .collect();
            println!("constructor({}, uint256[] p):", core.join(", "));
            for (i, (p, w)) in em.block_params.iter().zip(&words).enumerate() {
                println!("  p[{i}] = {w}  ({})", p.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        DesignCmd::Emit { file, out, compile } => {
            let Some((design, lib, g)) = load(&file) else {
                return Ok(ExitCode::FAILURE);
            };
            std::fs::create_dir_all(&out)
                .with_context(|| format!("creating the output folder {}", out.display()))?;
            let em = super::grammar::write_derivation(
                &lib,
                &design.grammar_path(),
                &g,
                design.description.as_deref(),
                &out,
            )?;
            println!(
                "{}: {} sources, structure {}",
                out.display(),
                em.sources.len(),
                &em.structure_hash[..12]
            );
            if compile {
                return super::grammar::compile_all(&[(out, em)]);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_params(specs: &[tsynth_grammar::ParamSpec], values: &[Value]) {
    for (s, v) in specs.iter().zip(values) {
        let unit = if s.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", s.unit)
        };
        println!("           {} = {v}{unit}", s.name);
    }
}

/// Loads a design file and emits it: its library (for the blocks folder) and the sources,
/// parameters and schedule the simulator needs.
pub fn emit_file(path: &std::path::Path) -> anyhow::Result<(Library, tsynth_grammar::Emitted)> {
    let (_design, library, genotype) = Design::load(path)?;
    let derivation = library
        .decode(&genotype)
        .with_context(|| format!("decoding {}", path.display()))?;
    let emitted = library
        .emit(&derivation)
        .with_context(|| format!("emitting {}", path.display()))?;
    Ok((library, emitted))
}

/// Attack evaluations per probed state of the full attack search that one-design commands
/// (`sim`, `criteria`, `front known`) run at the end of each seed: the same as an evolve
/// run's default `[engine] attack_budget`, so a design is judged the same way everywhere.
pub const ATTACK_BUDGET: u32 = tsynth_search::config::DEFAULT_ATTACK_BUDGET;

/// The end-of-run attack plan of one-design commands: the full search with
/// [`ATTACK_BUDGET`], no hall of fame, search seed 1.
pub fn default_plan() -> tsynth_sim::AttackPlan {
    tsynth_sim::AttackPlan {
        hall: Vec::new(),
        full_budget: ATTACK_BUDGET,
        seed: 1,
        searched_seeds: Vec::new(),
        search_infeasible: false,
    }
}

/// Reads an attack plan (what `front show` writes beside a member's design: the hall of
/// fame, search budget and search seed that member was scored with), errors at FILE:LINE:COL.
pub fn read_attack_plan(path: &std::path::Path) -> anyhow::Result<tsynth_sim::AttackPlan> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not an attack plan (a JSON object with `hall`, `full_budget`, `seed`): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Evaluates an emitted design with `sim` on `seeds` (`record` keeps per-tick KPIs), with
/// the end-of-run attacks of `plan` on each seed (usually [`default_plan`]).
pub fn evaluate(
    sim: &dyn tsynth_sim::Simulate,
    emitted: &tsynth_grammar::Emitted,
    seeds: &[u64],
    record: bool,
    plan: &tsynth_sim::AttackPlan,
) -> (tsynth_sim::SimEvaluation, Vec<tsynth_sim::SeedRun>) {
    sim.evaluate_with(
        &emitted.sources,
        &emitted.param_words(),
        emitted.schedule_seconds,
        seeds,
        record,
        plan,
    )
}
