//! `tsynth compile FILE.sol`: compile one file (and everything it imports) with the
//! compiler service and print each contract's sizes and function signatures.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use tsynth_solc::{
    CompileOutput, CompileRequest, Compiler, ContractArtifact, Diagnostic, EvmVersion, Settings,
    SolcError, load_with_imports,
};

/// Arguments of `tsynth compile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Solidity file to compile.
    pub file: PathBuf,
    /// Show only this contract (a name, or `file:Name`); default: every contract of FILE.
    #[arg(long, value_name = "NAME")]
    pub contract: Option<String>,
    /// Run the solc optimizer.
    #[arg(long)]
    pub optimize: bool,
    /// Optimizer runs (with --optimize).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub optimizer_runs: u32,
    /// Target EVM version (paris, shanghai, cancun, prague).
    #[arg(long, default_value = "cancun", value_name = "VERSION")]
    pub evm_version: EvmVersion,
    /// Extra directory to resolve non-relative imports from (repeatable); the current
    /// directory is always searched first.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Run `tsynth compile`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let includes: Vec<&std::path::Path> = args.include.iter().map(PathBuf::as_path).collect();
    let set = load_with_imports(&args.file, &includes)?;
    let top_unit = set.top_unit.clone();
    let user_name = args.file.display().to_string();
    let request = CompileRequest::new(set.sources).with_settings(Settings {
        optimize: args.optimize,
        optimizer_runs: args.optimizer_runs,
        evm_version: args.evm_version,
        ..Settings::default()
    });
    let compiler = Compiler::shared().context("starting the compiler service")?;
    let started = Instant::now();
    let result = compiler.compile(&request);
    let service_ms = started.elapsed().as_secs_f64() * 1e3;
    let render = |d: &Diagnostic| {
        let shown = (d.file.as_deref() == Some(top_unit.as_str())).then_some(user_name.as_str());
        d.render(shown)
    };
    let output = match result {
        Ok(o) => o,
        Err(SolcError::Compile(failed)) => {
            for d in &failed.diagnostics {
                eprintln!("{}", render(d));
            }
            if args.json {
                let report = serde_json::json!({
                    "file": user_name,
                    "ok": false,
                    "compile_service_ms": service_ms,
                    "diagnostics": failed.diagnostics,
                });
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    for d in &output.diagnostics {
        eprintln!("{}", render(d));
    }
    let shown = select(&output, &top_unit, args.contract.as_deref())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_report(&user_name, &output, &shown, service_ms))?
        );
    } else {
        for c in &shown {
            print_contract(c);
        }
        println!(
            "source: {}; compile service {service_ms:.1} ms (solc {}, {})",
            output.origin,
            output.compiler_version,
            if args.optimize {
                format!("optimizer on, {} runs", args.optimizer_runs)
            } else {
                "optimizer off".to_string()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn select<'a>(
    output: &'a CompileOutput,
    top_unit: &str,
    name: Option<&str>,
) -> anyhow::Result<Vec<&'a ContractArtifact>> {
    match name {
        Some(n) => match output.contract(n) {
            Some(c) => Ok(vec![c]),
            None => anyhow::bail!(
                "no contract `{n}`; compiled: {}",
                output
                    .contracts
                    .iter()
                    .map(ContractArtifact::qualified_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        None => Ok(output
            .contracts
            .iter()
            .filter(|c| c.source_file == top_unit)
            .collect()),
    }
}

fn print_contract(c: &ContractArtifact) {
    let kind = if c.is_abstract() {
        " (interface or abstract: no code)"
    } else {
        ""
    };
    println!(
        "{}  [{}]  creation {} B, runtime {} B{kind}",
        c.name,
        c.source_file,
        c.bytecode.len(),
        c.deployed_bytecode.len()
    );
    for (sig, sel) in &c.method_identifiers {
        println!("  0x{sel}  {sig}");
    }
}

fn json_report(
    file: &str,
    output: &CompileOutput,
    shown: &[&ContractArtifact],
    service_ms: f64,
) -> serde_json::Value {
    let contracts: Vec<serde_json::Value> = shown
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "source_file": c.source_file,
                "creation_size": c.bytecode.len(),
                "runtime_size": c.deployed_bytecode.len(),
                "functions": c.method_identifiers,
                "abi": c.abi,
                "bytecode": c.bytecode.to_string(),
                "deployed_bytecode": c.deployed_bytecode.to_string(),
            })
        })
        .collect();
    let warnings: Vec<serde_json::Value> = output
        .diagnostics
        .iter()
        .map(|d| serde_json::to_value(d).unwrap_or(serde_json::Value::Null))
        .collect();
    serde_json::json!({
        "file": file,
        "ok": true,
        "origin": output.origin,
        "cached": output.origin.is_cached(),
        "compile_service_ms": service_ms,
        "compiler_version": output.compiler_version,
        "cache_key": output.cache_key,
        "contracts": contracts,
        "diagnostics": warnings,
    })
}
