//! Time-series plots of simulation KPIs (plotters): SVG always, PNG next to it.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::prelude::*;
use tsynth_sim::{KpiSeries, PlotSpec};

/// One line of a chart.
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points (x, y).
    pub points: Vec<(f64, f64)>,
    /// Colour index into the palette.
    pub colour: usize,
}

/// Points of a KPI column over time: x in hours since the first recorded tick.
fn series(label: String, colour: usize, kpis: &KpiSeries, column: &str) -> Series {
    let pts = kpis.series(column);
    let t0 = pts.first().map_or(0.0, |p| p.0);
    Series {
        label,
        points: pts
            .into_iter()
            .map(|(t, v)| ((t - t0) / 3600.0, v))
            .collect(),
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
        .x_desc("hours since launch")
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

/// The domain's charts (`plots`) for every seed's KPIs.
pub fn sim_charts(dir: &Path, plots: &[PlotSpec], runs: &[(u64, &KpiSeries)]) -> Result<()> {
    let labelled: Vec<(String, &KpiSeries)> = runs
        .iter()
        .map(|(seed, k)| (format!("seed {seed}"), *k))
        .collect();
    labelled_charts(dir, "", plots, &labelled)
}

/// The domain's charts (`plots`, file stems prefixed with `prefix`) with one set of lines
/// per labelled KPI series (seeds of one design, or several designs on one seed).
pub fn labelled_charts(
    dir: &Path,
    prefix: &str,
    plots: &[PlotSpec],
    runs: &[(String, &KpiSeries)],
) -> Result<()> {
    for p in plots {
        let mut lines = Vec::new();
        for (i, (run, k)) in runs.iter().enumerate() {
            for (j, (column, label)) in p.lines.iter().enumerate() {
                let name = if label.is_empty() {
                    run.clone()
                } else {
                    format!("{label}, {run}")
                };
                lines.push(series(name, i * p.lines.len() + j, k, column));
            }
        }
        chart(
            dir,
            &format!("{prefix}{}", p.stem),
            &p.title,
            &p.y_label,
            &lines,
        )?;
    }
    Ok(())
}

/// One point of a front scatter plot.
pub struct ScatterPoint {
    /// Label (drawn next to known designs).
    pub label: String,
    /// Objective values, one per axis name.
    pub values: Vec<f64>,
}

fn scatter_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    names: &[String],
    (xi, yi): (usize, usize),
    front: &[ScatterPoint],
    known: &[ScatterPoint],
    big: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let pts = |set: &[ScatterPoint]| -> Vec<(f64, f64)> {
        set.iter()
            .map(|p| (p.values[xi], p.values[yi]))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect()
    };
    let (fp, kp) = (pts(front), pts(known));
    let range = |f: fn(&(f64, f64)) -> f64| {
        let vals: Vec<f64> = fp.iter().chain(&kp).map(f).collect();
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            return 0.0..1.0;
        }
        let pad = if hi - lo > 1e-12 {
            (hi - lo) * 0.08
        } else {
            lo.abs().max(1.0) * 0.1
        };
        (lo - pad)..(hi + pad)
    };
    let font = if big { 16 } else { 12 };
    let mut chart = ChartBuilder::on(area)
        .margin(if big { 16 } else { 6 })
        .x_label_area_size(if big { 40 } else { 28 })
        .y_label_area_size(if big { 70 } else { 52 })
        .build_cartesian_2d(range(|p| p.0), range(|p| p.1))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc(names[xi].as_str())
        .y_desc(names[yi].as_str())
        .x_labels(if big { 8 } else { 4 })
        .y_labels(if big { 8 } else { 4 })
        .label_style(("sans-serif", font))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let blue = RGBColor(31, 119, 180);
    let red = RGBColor(214, 39, 40);
    chart
        .draw_series(
            fp.iter().map(|&(x, y)| {
                Circle::new((x, y), if big { 5 } else { 3 }, blue.mix(0.8).filled())
            }),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("front")
        .legend(move |(x, y)| Circle::new((x + 8, y), 4, blue.filled()));
    let labelled: Vec<(f64, f64, String)> = known
        .iter()
        .filter(|p| p.values[xi].is_finite() && p.values[yi].is_finite())
        .map(|p| (p.values[xi], p.values[yi], p.label.clone()))
        .collect();
    let size = if big { 7 } else { 5 };
    chart
        .draw_series(labelled.iter().map(|(x, y, label)| {
            EmptyElement::at((*x, *y))
                + Cross::new((0, 0), size, red.stroke_width(2))
                + Text::new(
                    label.clone(),
                    (size + 2, -size - 2),
                    ("sans-serif", font).into_font().color(&red),
                )
        }))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("known designs")
        .legend(move |(x, y)| Cross::new((x + 8, y), 4, red.stroke_width(2)));
    if big {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

fn scatter_draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    names: &[String],
    pair: Option<(usize, usize)>,
    front: &[ScatterPoint],
    known: &[ScatterPoint],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let body = root
        .titled(title, ("sans-serif", 22))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match pair {
        Some(p) => scatter_panel(&body, names, p, front, known, true)?,
        None => {
            let k = names.len();
            let cells = body.split_evenly((k, k));
            for (i, cell) in cells.iter().enumerate() {
                let (row, col) = (i / k, i % k);
                if row == col {
                    cell.draw(&Text::new(
                        names[row].clone(),
                        (12, 12),
                        ("sans-serif", 20).into_font().style(FontStyle::Bold),
                    ))
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                } else {
                    scatter_panel(cell, names, (col, row), front, known, false)?;
                }
            }
        }
    }
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Draws a front scatter plot to `out` (`.svg` or `.png`): objectives `pair` (x, y indices into
/// `names`), or a scatter matrix of every pair when `pair` is `None`. Front members are blue
/// dots; known designs are red crosses with their label.
pub fn front_scatter(
    out: &Path,
    title: &str,
    names: &[String],
    pair: Option<(usize, usize)>,
    front: &[ScatterPoint],
    known: &[ScatterPoint],
) -> Result<()> {
    let size = match pair {
        Some(_) => (960, 720),
        None => {
            let k = names.len().max(1) as u32;
            (300 * k + 40, 300 * k + 40)
        }
    };
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let drawn = match ext.as_str() {
        "svg" => scatter_draw(
            SVGBackend::new(out, size).into_drawing_area(),
            title,
            names,
            pair,
            front,
            known,
        ),
        "png" => scatter_draw(
            BitMapBackend::new(out, size).into_drawing_area(),
            title,
            names,
            pair,
            front,
            known,
        ),
        _ => anyhow::bail!(
            "{}: unknown image type `{ext}` (valid: .svg, .png)",
            out.display()
        ),
    };
    drawn.with_context(|| format!("drawing {}", out.display()))
}
