//! After `tsynth tune`: the start and the tuned design re-simulated on the first held-out
//! seed with KPIs recorded, so that a token engineer sees *how* the score improved — the
//! price path, and every metric the domain measures beside the objectives — and not only
//! that it did (a design can lower per-tick volatility by crashing its price smoothly).

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use tsynth_sim::{KpiSeries, Simulate};

/// One design's recorded run.
struct PathRun {
    label: String,
    kpis: KpiSeries,
}

fn simulate(sim: &dyn Simulate, design: &Path, label: &str, seed: u64) -> Result<PathRun> {
    let (_library, emitted) = super::design::emit_file(design)?;
    let (_eval, runs) =
        super::design::evaluate(sim, &emitted, &[seed], true, &super::design::default_plan());
    let kpis = runs.into_iter().next().map(|r| r.kpis).unwrap_or_default();
    Ok(PathRun {
        label: label.to_string(),
        kpis,
    })
}

/// `first → last (min, max)` of a KPI column, for the text report.
fn path_summary(k: &KpiSeries, column: &str) -> Option<String> {
    let pts = k.series(column);
    let first = pts.first()?.1;
    let last = pts.last()?.1;
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let change = if first != 0.0 {
        format!(" ({:+.1}%)", 100.0 * (last / first - 1.0))
    } else {
        String::new()
    };
    Some(format!(
        "{first:.4} -> {last:.4}{change}, min {lo:.4}, max {hi:.4}"
    ))
}

/// Re-simulates `start` and `tuned` on `seed` with `sim`, writes the domain's charts with
/// both designs as `path-<stem>.svg/.png` into `out`, and prints each chart's first line as
/// `first -> last (change), min, max` per design.
pub fn report(
    o: &mut impl Write,
    sim: &dyn Simulate,
    start: &Path,
    tuned: &Path,
    seed: u64,
    out: &Path,
) -> Result<()> {
    let runs = [
        simulate(sim, start, "start", seed)?,
        simulate(sim, tuned, "tuned", seed)?,
    ];
    let plots = sim.plots();
    let labelled: Vec<(String, &KpiSeries)> =
        runs.iter().map(|r| (r.label.clone(), &r.kpis)).collect();
    if let Err(e) = crate::plot::labelled_charts(out, "path-", &plots, &labelled) {
        tracing::warn!("path charts: {e:#}");
    }
    writeln!(o)?;
    writeln!(
        o,
        "paths on held-out seed {seed} (charts: {}/path-*.svg):",
        out.display()
    )?;
    for p in &plots {
        for (column, label) in &p.lines {
            let name = if label.is_empty() { &p.title } else { label };
            for r in &runs {
                if let Some(s) = path_summary(&r.kpis, column) {
                    writeln!(o, "  {:<22} {:<6} {s}", name, r.label)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_the_fall_of_a_crash() {
        let mut k = KpiSeries::new(&["price".to_string()]);
        for (t, p) in [1.0, 0.8, 0.5, 0.26].iter().enumerate() {
            k.rows.push(vec![t as f64, t as f64, t as f64 * 12.0, *p]);
        }
        let s = path_summary(&k, "price").unwrap();
        assert_eq!(s, "1.0000 -> 0.2600 (-74.0%), min 0.2600, max 1.0000");
        assert!(path_summary(&k, "missing").is_none());
    }
}
