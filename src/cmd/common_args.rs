//! The flags every command that runs simulations shares (`evolve`, `tune`, `sim`), with one
//! meaning everywhere. Each command flattens [`CommonArgs`] and supplies its own defaults
//! (e.g. the scenario) through the methods here.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use tsynth_search::rundir::default_run_id;

/// Scenario of `sim` and `tune` when none is given (evolve's comes from its configuration).
pub const DEFAULT_SCENARIO: &str = "scenarios/default.toml";

/// Most simulation seeds a command accepts (as the evolve configuration's limit).
pub const MAX_SEEDS: i64 = tsynth_search::config::MAX_SEEDS as i64;
/// Most worker threads a command accepts.
pub const MAX_THREADS: usize = 1024;

fn threads_in_range(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|e| format!("{e}"))?;
    if n == 0 || n > MAX_THREADS {
        return Err(format!("must be between 1 and {MAX_THREADS}"));
    }
    Ok(n)
}

/// Flags shared by `evolve`, `tune` and `sim`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CommonArgs {
    /// Scenario file (default: scenarios/default.toml; evolve: scenarios/search.toml or the
    /// configuration's).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Simulation seeds per evaluation (default: the scenario's `seeds`; evolve: the
    /// configuration's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_SEEDS))]
    pub seeds: Option<u32>,
    /// Worker threads (default: all cores). Results never depend on it.
    #[arg(long, value_name = "N", value_parser = threads_in_range)]
    pub threads: Option<usize>,
    /// Output directory (default: a new run directory runs/<UTC timestamp>-<stem>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar: one line per generation on stderr instead.
    #[arg(long)]
    pub no_progress: bool,
}

impl CommonArgs {
    /// The scenario given, or `default` (a path relative to the working directory: an error
    /// that says so when it is not there).
    pub fn scenario_or(&self, default: &str) -> anyhow::Result<PathBuf> {
        if let Some(s) = &self.scenario {
            return Ok(s.clone());
        }
        let path = PathBuf::from(default);
        if !path.exists() {
            let cwd = std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| "?".into());
            anyhow::bail!(
                "no --scenario given, and the default scenario `{default}` is not in the working directory ({cwd}): run from the project root or pass --scenario FILE"
            );
        }
        Ok(path)
    }

    /// The output directory given, or a new run directory named after `named_after`'s file
    /// stem (`runs/<UTC timestamp>-<stem>`).
    pub fn out_or_new_run(&self, named_after: &Path) -> PathBuf {
        self.out.clone().unwrap_or_else(|| new_run_dir(named_after))
    }

    /// Sets up the global thread pool with `--threads` (or `fallback`, e.g. from a
    /// configuration file; 0 or `None`: all cores) and returns the number of threads in use.
    pub fn init_threads(&self, fallback: Option<usize>) -> Result<usize> {
        if let Some(n) = self.threads.or(fallback.filter(|&t| t > 0)) {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .context("setting up the thread pool")?;
        }
        Ok(rayon::current_num_threads())
    }
}

/// `runs/<UTC timestamp>-<stem of path>`.
pub fn new_run_dir(named_after: &Path) -> PathBuf {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let stem = named_after
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    PathBuf::from("runs").join(default_run_id(now, &stem))
}
