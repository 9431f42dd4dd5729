//! `tsynth criteria`: the seed's criteria table (criteria as rows, designs as columns), each
//! cell ✓ / ≈ / ✗ with the number behind it, from thresholds kept in a versioned file and
//! applied the same way to every design.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tsynth_sim::Simulate;

use super::common_args::{CommonArgs, DEFAULT_SCENARIO};
use crate::criteria::{Column, CriteriaSet, render_markdown, render_text};

/// Arguments of `tsynth criteria`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario file (default: scenarios/default.toml)")))]
#[command(mut_arg("seeds", |a| a.help("Seeds per design (default: the scenario's `seeds`)")))]
#[command(mut_arg("out", |a| a.help("Also write criteria.md and criteria.json into DIR")))]
pub struct Args {
    /// Design files, one column each (e.g. designs/*.toml).
    #[arg(required = true, value_name = "DESIGN")]
    pub designs: Vec<PathBuf>,
    /// Criteria file (default: the domain's, e.g. criteria/ocean-v41.toml).
    #[arg(long, value_name = "FILE")]
    pub criteria: Option<PathBuf>,
    /// First seed; seeds are FIRST, FIRST+1, ... (held-out of evolve's search seeds by
    /// default: evolve's search seeds are hashed, these are small consecutive numbers).
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// Print Markdown instead of aligned text.
    #[arg(long)]
    pub markdown: bool,
    /// Flags shared with `sim`, `evolve` and `tune`.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `tsynth criteria`.
pub fn run(args: Args) -> Result<ExitCode> {
    args.common.init_threads(None)?;
    let scenario = args.common.scenario_or(DEFAULT_SCENARIO)?;
    let mut sims: BTreeMap<PathBuf, Box<dyn Simulate>> = BTreeMap::new();
    let mut loaded = Vec::new();
    for path in &args.designs {
        let (library, emitted) = super::design::emit_file(path)?;
        if !sims.contains_key(&library.blocks_dir) {
            let sim = crate::registry::simulator(&scenario, &library.blocks_dir)?;
            sims.insert(library.blocks_dir.clone(), sim);
        }
        loaded.push((path.clone(), library.blocks_dir.clone(), emitted));
    }
    let first = sims.values().next().context("no designs")?;
    let domain = first.domain();
    let criteria_path = match &args.criteria {
        Some(p) => p.clone(),
        None => PathBuf::from(crate::registry::default_criteria(domain).with_context(|| {
            format!("domain `{domain}` has no default criteria file: pass --criteria FILE")
        })?),
    };
    let set = CriteriaSet::load(&criteria_path)?;
    set.check_metrics(domain, first.metrics())?;

    let n = args.common.seeds.unwrap_or(first.run_spec().seeds);
    let seeds: Vec<u64> = (0..u64::from(n)).map(|i| args.first_seed + i).collect();
    let bar = progress(loaded.len() as u64, args.common.no_progress);
    let mut columns = Vec::new();
    for (path, blocks_dir, emitted) in &loaded {
        let sim = &sims[blocks_dir];
        anyhow::ensure!(
            sim.domain() == domain,
            "{} is a design of domain `{}`, the first design's domain is `{domain}`",
            path.display(),
            sim.domain()
        );
        bar.set_message(stem(path));
        let (eval, _) = super::design::evaluate(
            sim.as_ref(),
            emitted,
            &seeds,
            false,
            &super::design::default_plan(),
        );
        if let Some(why) = &eval.aggregate.failure {
            tracing::warn!("{}: {why}", path.display());
        }
        columns.push(set.column(&stem(path), &eval.aggregate));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let text = if args.markdown {
        render_markdown(&set, &columns)
    } else {
        render_text(&set, &columns)
    };
    print!("{text}");
    println!(
        "scenario {} ({} ticks of {} s = {:.1} days), seeds {}..={}",
        scenario.display(),
        first.run_spec().ticks,
        first.run_spec().seconds_per_tick,
        first.run_spec().horizon_seconds() as f64 / 86_400.0,
        seeds.first().copied().unwrap_or(0),
        seeds.last().copied().unwrap_or(0)
    );
    if let Some(dir) = &args.common.out {
        write_out(dir, &set, &columns)?;
        println!("wrote {}", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn progress(n: u64, hidden: bool) -> ProgressBar {
    if hidden || n < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} designs  {msg}") {
        bar.set_style(style);
    }
    bar
}

fn write_out(dir: &Path, set: &CriteriaSet, columns: &[Column]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    crate::fsutil::write_atomic(
        &dir.join("criteria.md"),
        render_markdown(set, columns).as_bytes(),
    )?;
    let rows: Vec<serde_json::Value> = set
        .criteria
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "name": c.name, "why": c.why, "checks": c.checks,
            })
        })
        .collect();
    let json = serde_json::json!({
        "criteria": set.path.display().to_string(),
        "revision": set.revision,
        "rows": rows,
        "columns": columns,
    });
    let mut bytes = serde_json::to_vec_pretty(&json)?;
    bytes.push(b'\n');
    crate::fsutil::write_atomic(&dir.join("criteria.json"), &bytes)?;
    Ok(())
}
