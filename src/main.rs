//! `tsynth` — command-line front end.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only parses arguments,
//! sets up logging and reports errors (message chain, exit code 1, never a backtrace).
#![allow(unreachable_pub)] // a binary has no public API: `pub` marks what modules share

mod cmd;
mod criteria;
mod fsutil;
mod plot;
mod registry;

use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Design-space optimizer and genetic-programming synthesizer for token mechanisms.
#[derive(Debug, Parser)]
#[command(name = "tsynth", version, about, propagate_version = true)]
struct Cli {
    /// More log output (-v info, -vv debug, -vvv trace). `RUST_LOG` overrides.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile a Solidity file with the tsynth compiler service (cached).
    Compile(cmd::compile::Args),
    /// Check, count and sample a grammar of building blocks.
    #[command(subcommand)]
    Grammar(cmd::grammar::GrammarCmd),
    /// Show or emit a design (genotype file).
    #[command(subcommand)]
    Design(cmd::design::DesignCmd),
    /// Simulate one design on a scenario over several seeds: KPIs, objectives, plots.
    Sim(cmd::sim::Args),
    /// Structural and parameter synthesis over a grammar (NSGA-II inside ALPS).
    Evolve(cmd::evolve::Args),
    /// Local, variation-aware parameter tuning of one design.
    Tune(cmd::tune::Args),
    /// Search attacks on one design (now and on forks moved forward in time).
    Attack(cmd::attack::Args),
    /// The criteria table (e.g. the seed's Ocean V4.1 goals) of one or more designs.
    Criteria(cmd::criteria::Args),
    /// How a design holds up across uncontrollable conditions: Monte Carlo yield with
    /// confidence, worst-case search, extracted corners.
    Verify(cmd::verify::Args),
    /// Inspect, plot, export and compare Pareto fronts of a run.
    Front(cmd::front::Args),
    /// Print a shell completion script (bash, zsh, fish, ...) to stdout.
    Completions(cmd::completions::Args),
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn,tsynth=info",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let result = match cli.command {
        Command::Compile(args) => cmd::compile::run(args),
        Command::Grammar(c) => cmd::grammar::run(c),
        Command::Design(c) => cmd::design::run(c),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Evolve(args) => cmd::evolve::run(args),
        Command::Tune(args) => cmd::tune::run(args),
        Command::Attack(args) => cmd::attack::run(args),
        Command::Criteria(args) => cmd::criteria::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Front(args) => cmd::front::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
