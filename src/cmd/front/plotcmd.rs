//! `tsynth front plot`: scatter plots of the front with the known designs marked.

use std::path::Path;

use anyhow::Result;

use super::KnownArgs;
use super::rundata::{Aggregation, Run};
use crate::plot::ScatterPoint;

/// Runs `tsynth front plot`.
pub fn run(
    dir: &Path,
    axes: Option<(String, String)>,
    out: &Path,
    agg: Option<Aggregation>,
    known: &KnownArgs,
) -> Result<()> {
    let run = Run::load(dir)?;
    let agg = agg.unwrap_or(run.aggregation());
    let pair = match &axes {
        Some((x, y)) => Some((run.objective(x)?, run.objective(y)?)),
        None => None,
    };
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    anyhow::ensure!(
        ext == "svg" || ext == "png",
        "{}: unknown image type `{ext}` (valid: .svg, .png)",
        out.display()
    );
    let front: Vec<ScatterPoint> = run
        .archive
        .members
        .iter()
        .filter(|m| m.feasible)
        .map(|m| ScatterPoint {
            label: m.id.clone(),
            values: run.vector(m, agg),
        })
        .collect();
    let known_pts: Vec<ScatterPoint> = super::known::scores(&run, known)?
        .into_iter()
        .map(|k| ScatterPoint {
            values: run
                .archive
                .objectives
                .iter()
                .map(|o| {
                    k.objectives
                        .get(agg)
                        .get(o)
                        .copied()
                        .unwrap_or(f64::INFINITY)
                })
                .collect(),
            label: k.name,
        })
        .collect();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let title = format!(
        "Pareto front of {} ({}, {} members)",
        run.dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        agg.name(),
        front.len()
    );
    crate::plot::front_scatter(
        out,
        &title,
        &run.archive.objectives,
        pair,
        &front,
        &known_pts,
    )?;
    println!(
        "wrote {} ({} front member(s), {} known design(s))",
        out.display(),
        front.len(),
        known_pts.len()
    );
    Ok(())
}
