//! `tsynth front` — inspect, plot, export and compare the Pareto front of a run.
//!
//! `list` and `show` print the members, `plot` draws scatter plots (with the known designs of
//! `designs/` scored on the run's own scenario), `export` writes CSV or JSON, `diff` compares
//! two runs by hypervolume and dominance, and `report` writes one self-contained HTML page.

mod diff;
mod export;
mod known;
mod list;
mod plotcmd;
mod report;
pub mod rundata;
pub mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use rundata::AggArg;

/// Arguments of `tsynth front`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: FrontCmd,
}

/// Where known designs come from.
#[derive(Debug, Clone, clap::Args)]
pub struct KnownArgs {
    /// Folder of known designs (`*.toml`) to score on the run's scenario and mark.
    #[arg(long, default_value = "designs")]
    pub designs: PathBuf,
    /// Do not score or mark known designs.
    #[arg(long)]
    pub no_known: bool,
}

#[derive(Debug, clap::Subcommand)]
enum FrontCmd {
    /// Table of the front members: id, every objective, the blocks used.
    List {
        /// Run directory.
        run: PathBuf,
        /// Sort by this objective (ascending).
        #[arg(long)]
        sort: Option<String>,
        /// Aggregation shown (default: the run's).
        #[arg(long, value_enum)]
        aggregate: Option<AggArg>,
    },
    /// One member: blocks, parameters with units, objectives per seed and aggregated, Solidity,
    /// and the command that re-simulates it.
    Show {
        /// Run directory.
        run: PathBuf,
        /// Member id (see `tsynth front list`).
        id: String,
    },
    /// Scatter plot of two objectives, or a scatter matrix of all of them.
    Plot {
        /// Run directory.
        run: PathBuf,
        /// Objective on the x axis.
        #[arg(long, requires = "y", conflicts_with = "matrix")]
        x: Option<String>,
        /// Objective on the y axis.
        #[arg(long, requires = "x", conflicts_with = "matrix")]
        y: Option<String>,
        /// Every pair of objectives (the default when no axes are given).
        #[arg(long)]
        matrix: bool,
        /// Output file (.svg or .png).
        #[arg(long)]
        out: PathBuf,
        /// Aggregation plotted (default: the run's).
        #[arg(long, value_enum)]
        aggregate: Option<AggArg>,
        #[command(flatten)]
        known: KnownArgs,
    },
    /// Export the front as CSV or JSON.
    Export {
        /// Run directory.
        run: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: export::Format,
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare two runs: hypervolume against a common reference point, mutual dominance.
    Diff {
        /// First run directory.
        run_a: PathBuf,
        /// Second run directory.
        run_b: PathBuf,
        /// Aggregation compared (default: each run's).
        #[arg(long, value_enum)]
        aggregate: Option<AggArg>,
    },
    /// One self-contained HTML page: interactive scatter matrix, details, hypervolume.
    Report {
        /// Run directory.
        run: PathBuf,
        /// Output folder (gets `index.html`).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        known: KnownArgs,
    },
}

/// Runs `tsynth front`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        FrontCmd::List {
            run,
            sort,
            aggregate,
        } => list::run(&run, sort.as_deref(), aggregate.map(Into::into))?,
        FrontCmd::Show { run, id } => show::run(&run, &id)?,
        FrontCmd::Plot {
            run,
            x,
            y,
            matrix: _,
            out,
            aggregate,
            known,
        } => {
            // No axes: the scatter matrix of every pair (`--matrix` says so explicitly).
            let axes = match (x, y) {
                (Some(x), Some(y)) => Some((x, y)),
                _ => None,
            };
            plotcmd::run(&run, axes, &out, aggregate.map(Into::into), &known)?
        }
        FrontCmd::Export { run, format, out } => export::run(&run, format, out.as_deref())?,
        FrontCmd::Diff {
            run_a,
            run_b,
            aggregate,
        } => diff::run(&run_a, &run_b, aggregate.map(Into::into))?,
        FrontCmd::Report { run, out, known } => report::run(&run, &out, &known)?,
    }
    Ok(ExitCode::SUCCESS)
}
