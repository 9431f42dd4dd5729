//! Time-series plots of simulation KPIs (plotters): SVG always, PNG next to it.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::prelude::*;
use tsynth_sim::run::TickKpi;

/// One line of a chart.
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points (x, y).
    pub points: Vec<(f64, f64)>,
    /// Colour index into the palette.
    pub colour: usize,
}

fn series(label: String, colour: usize, kpis: &[TickKpi], f: impl Fn(&TickKpi) -> f64) -> Series {
    Series {
        label,
        points: kpis.iter().map(|k| (k.tick as f64, f(k))).collect(),
        colour,
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    y_label: &str,
    lines: &[Series],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for s in lines {
        for &(x, y) in &s.points {
            if y.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if (y1 - y0).abs() < 1e-12 {
        y0 -= 0.5;
        y1 += 0.5;
    }
    let pad = (y1 - y0) * 0.05;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1.max(x0 + 1.0), (y0 - pad)..(y1 + pad))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("tick")
        .y_desc(y_label)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for s in lines {
        let colour = Palette99::pick(s.colour).to_rgba();
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied().filter(|p| p.1.is_finite()),
                colour.stroke_width(2),
            ))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(s.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Writes `STEM.svg` and `STEM.png` in `dir`. A PNG that cannot be drawn (no fonts on the
/// machine) is reported as an error after the SVG is written.
pub fn chart(dir: &Path, stem: &str, title: &str, y_label: &str, lines: &[Series]) -> Result<()> {
    let svg = dir.join(format!("{stem}.svg"));
    draw(
        SVGBackend::new(&svg, (960, 540)).into_drawing_area(),
        title,
        y_label,
        lines,
    )
    .with_context(|| format!("drawing {}", svg.display()))?;
    let png = dir.join(format!("{stem}.png"));
    draw(
        BitMapBackend::new(&png, (960, 540)).into_drawing_area(),
        title,
        y_label,
        lines,
    )
    .with_context(|| format!("drawing {}", png.display()))?;
    Ok(())
}

/// Price and pool-balance charts for every seed's KPIs.
pub fn sim_charts(dir: &Path, runs: &[(u64, &[TickKpi])]) -> Result<()> {
    let price: Vec<Series> = runs
        .iter()
        .enumerate()
        .map(|(i, (seed, k))| series(format!("seed {seed}"), i, k, |t| t.spot_price))
        .collect();
    chart(dir, "price", "Spot price", "base per datatoken", &price)?;
    let mut pool = Vec::new();
    for (i, (seed, k)) in runs.iter().enumerate() {
        pool.push(series(format!("base, seed {seed}"), 2 * i, k, |t| {
            t.base_balance
        }));
        pool.push(series(
            format!("datatoken, seed {seed}"),
            2 * i + 1,
            k,
            |t| t.dt_balance,
        ));
    }
    chart(dir, "pool", "Pool balances", "tokens", &pool)
}
