//! `tsynth grammar ...`: check, count and sample a grammar of building blocks.
use anyhow::Context;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tsynth_grammar::{Library, operators};

/// `tsynth grammar` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GrammarCmd {
    /// Parse and validate a grammar and its building blocks (every problem as
    /// FILE:LINE:COL: message).
    Check {
        /// The `*.grammar` file.
        file: PathBuf,
    },
    /// Print the exact number of structures (distinct derivations) of a grammar.
    Count {
        /// The `*.grammar` file.
        file: PathBuf,
    },
    /// Write random derivations (uniform over structures): for each sample a folder with
    /// Candidate.sol, every source it needs, a design file and the constructor arguments.
    Sample {
        /// The `*.grammar` file.
        file: PathBuf,
        /// RNG seed (ChaCha8); the same seed writes the same samples.
        #[arg(long)]
        seed: u64,
        /// Number of samples.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Output folder (created).
        #[arg(long)]
        out: PathBuf,
        /// Also compile every sample with the compiler service and report the time.
        #[arg(long)]
        compile: bool,
    },
}

/// Runs a `grammar` subcommand.
pub fn run(cmd: GrammarCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        GrammarCmd::Check { file } => {
            let Some(lib) = load(&file) else {
                return Ok(ExitCode::FAILURE);
            };
            println!(
                "{}: ok — grammar `{}`: {} slots, {} blocks, {} parts, {} structures, {} genotype variables, at most {} block parameters per candidate",
                file.display(),
                lib.name,
                lib.slots.len(),
                lib.blocks.len(),
                lib.parts.len(),
                lib.structure_count(),
                lib.genotype_len(),
                lib.max_block_params()
            );
            Ok(ExitCode::SUCCESS)
        }
        GrammarCmd::Count { file } => {
            let Some(lib) = load(&file) else {
                return Ok(ExitCode::FAILURE);
            };
            println!("{}", lib.structure_count());
            Ok(ExitCode::SUCCESS)
        }
        GrammarCmd::Sample {
            file,
            seed,
            count,
            out,
            compile,
        } => {
            let Some(lib) = load(&file) else {
                return Ok(ExitCode::FAILURE);
            };
            sample(&lib, &file, seed, count, &out, compile)
        }
    }
}

/// Loads a grammar, printing every diagnostic to stderr on failure.
pub(crate) fn load(file: &Path) -> Option<Library> {
    match Library::load(file) {
        Ok(lib) => Some(lib),
        Err(e) => {
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            None
        }
    }
}

/// Writes one emitted derivation into `dir`: its sources (by unit name), `design.toml`
/// (grammar path relative to `dir`) and `args.json`.
pub(crate) fn write_derivation(
    lib: &Library,
    grammar_file: &Path,
    g: &tsynth_grammar::Genotype,
    description: Option<&str>,
    dir: &Path,
) -> anyhow::Result<tsynth_grammar::Emitted> {
    let d = lib.decode(g)?;
    let em = lib.emit(&d)?;
    for (unit, text) in &em.sources {
        let p = dir.join(unit);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
    }
    let rel = tsynth_grammar::design::relative_path(dir, grammar_file);
    let design = lib.design_text(g, &rel, description)?;
    std::fs::write(dir.join("design.toml"), design)?;
    let words = em.param_words();
    let json = serde_json::json!({
        "contract": tsynth_grammar::CANDIDATE_CONTRACT,
        "source": tsynth_grammar::CANDIDATE_UNIT,
        "structure_hash": em.structure_hash,
        "full_hash": em.full_hash,
        "core_params": em.core_params.iter().map(|p| serde_json::json!({"name": p.name, "type": p.sol_type})).collect::<Vec<_>>(),
        "block_params": em.block_params.iter().zip(&words).map(|(p, w)| serde_json::json!({"name": p.name, "type": p.sol_type, "word": w.to_string()})).collect::<Vec<_>>(),
        "genotype": g.0,
    });
    std::fs::write(
        dir.join("args.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    Ok(em)
}

fn sample(
    lib: &Library,
    file: &Path,
    seed: u64,
    count: usize,
    out: &Path,
    compile: bool,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut emitted = Vec::with_capacity(count);
    let width = count.saturating_sub(1).to_string().len().max(4);
    for i in 0..count {
        let g = operators::random_genotype(lib, &mut rng);
        let dir = out.join(format!("sample-{i:0width$}"));
        let desc = format!("random sample {i} of grammar `{}`, seed {seed}", lib.name);
        let em = write_derivation(lib, file, &g, Some(&desc), &dir)?;
        let d = lib.decode(&g)?;
        let names: Vec<&str> = d
            .blocks
            .iter()
            .map(|b| lib.blocks[b.block].name.as_str())
            .collect();
        println!(
            "{}  {}  {}",
            dir.display(),
            &em.structure_hash[..12],
            names.join(" ")
        );
        emitted.push((dir, em));
    }
    if !compile {
        return Ok(ExitCode::SUCCESS);
    }
    compile_all(&emitted)
}

/// Compiles emitted source sets in parallel; prints a summary with the wall time.
pub(crate) fn compile_all(
    emitted: &[(PathBuf, tsynth_grammar::Emitted)],
) -> anyhow::Result<ExitCode> {
    use rayon::prelude::*;
    let compiler = tsynth_solc::Compiler::shared().context("starting the compiler service")?;
    let t0 = Instant::now();
    let results: Vec<(usize, Result<(), String>)> = emitted
        .par_iter()
        .enumerate()
        .map(|(i, (_, em))| {
            let req = tsynth_solc::CompileRequest::new(em.sources.clone());
            let r = match compiler.compile(&req) {
                Ok(out) => match out.contract(tsynth_grammar::CANDIDATE_CONTRACT) {
                    Some(c) if !c.bytecode.is_empty() => Ok(()),
                    _ => Err("no Candidate bytecode in the output".to_string()),
                },
                Err(e) => Err(format!("{e:#}")),
            };
            (i, r)
        })
        .collect();
    let secs = t0.elapsed().as_secs_f64();
    let mut failed = 0;
    for (i, r) in &results {
        if let Err(e) = r {
            failed += 1;
            eprintln!("{}: compile failed: {e}", emitted[*i].0.display());
        }
    }
    let distinct: std::collections::BTreeSet<&str> = emitted
        .iter()
        .map(|(_, e)| e.structure_hash.as_str())
        .collect();
    println!(
        "compiled {} of {} samples ({} distinct structures) in {secs:.2} s with solc {}{}",
        emitted.len() - failed,
        emitted.len(),
        distinct.len(),
        compiler.version(),
        if failed > 0 {
            format!("; {failed} FAILED")
        } else {
            String::new()
        }
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
