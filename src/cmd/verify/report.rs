//! The pictures and the page of `tsynth verify`: one SVG per metric (histogram of the Monte
//! Carlo conditions above, their empirical CDF below, with the nominal value, the worst case
//! found and the criterion's pass bound marked) and a self-contained `verify.html`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use plotters::prelude::*;

use super::{Outcome, Report, fmt_num, fmt_whole, pct};
use crate::criteria::{Bound, CriteriaSet};

/// One drawn metric: its name, file (relative to the output directory) and SVG text.
pub(super) struct Plot {
    pub metric: String,
    pub file: String,
    pub svg: String,
}

/// Pass bounds the criteria put on `metric`.
fn bounds(criteria: Option<&CriteriaSet>, metric: &str) -> Vec<(f64, Bound)> {
    criteria.map_or_else(Vec::new, |set| {
        set.criteria
            .iter()
            .flat_map(|c| &c.checks)
            .filter(|k| k.metric == metric)
            .map(|k| (k.pass, k.bound))
            .collect()
    })
}

fn draw_metric(
    svg: &mut String,
    metric: &str,
    values: &[f64],
    marks: &[(f64, &str, RGBColor)],
) -> Result<()> {
    let e = |e: &dyn std::fmt::Display| anyhow!("{e}");
    let root = SVGBackend::with_string(svg, (720, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let (top, bottom) = root.split_vertically(300);
    let mut xs: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    let mut lo = xs.first().copied().unwrap_or(0.0);
    let mut hi = xs.last().copied().unwrap_or(1.0);
    for (m, _, _) in marks {
        if m.is_finite() {
            lo = lo.min(*m);
            hi = hi.max(*m);
        }
    }
    if hi - lo < 1e-12 {
        lo -= 0.5 * lo.abs().max(1e-3);
        hi += 0.5 * hi.abs().max(1e-3);
    }
    let pad = 0.03 * (hi - lo);
    let (lo, hi) = (lo - pad, hi + pad);
    let bins = ((xs.len() as f64).sqrt().ceil() as usize).clamp(5, 40);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &x in &xs {
        let b = (((x - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let ymax = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
    let mut hist = ChartBuilder::on(&top)
        .caption(
            format!("{metric}: {} Monte Carlo conditions", xs.len()),
            ("sans-serif", 20),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(lo..hi, 0.0..ymax)
        .map_err(|x| e(&x))?;
    hist.configure_mesh()
        .y_desc("conditions")
        .draw()
        .map_err(|x| e(&x))?;
    hist.draw_series(counts.iter().enumerate().map(|(i, &c)| {
        let x0 = lo + i as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, c as f64)], BLUE.mix(0.5).filled())
    }))
    .map_err(|x| e(&x))?;
    let mut cdf = ChartBuilder::on(&bottom)
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(lo..hi, 0.0..1.0)
        .map_err(|x| e(&x))?;
    cdf.configure_mesh()
        .x_desc(metric)
        .y_desc("share of conditions <= x")
        .draw()
        .map_err(|x| e(&x))?;
    let n = xs.len().max(1) as f64;
    let mut steps = vec![(lo, 0.0)];
    for (i, &x) in xs.iter().enumerate() {
        steps.push((x, i as f64 / n));
        steps.push((x, (i + 1) as f64 / n));
    }
    steps.push((hi, 1.0));
    cdf.draw_series(LineSeries::new(steps, BLUE.stroke_width(2)))
        .map_err(|x| e(&x))?
        .label("empirical CDF")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE));
    for (m, label, colour) in marks {
        if !m.is_finite() {
            continue;
        }
        let c = *colour;
        cdf.draw_series(LineSeries::new(
            vec![(*m, 0.0), (*m, 1.0)],
            c.stroke_width(2),
        ))
        .map_err(|x| e(&x))?
        .label(*label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c));
        hist.draw_series(LineSeries::new(
            vec![(*m, 0.0), (*m, ymax)],
            c.stroke_width(2),
        ))
        .map_err(|x| e(&x))?;
    }
    cdf.configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|x| e(&x))?;
    root.present().map_err(|x| e(&x))?;
    Ok(())
}

/// Draws `plots/<metric>.svg` for every followed metric.
pub(super) fn plots(
    out: &Path,
    report: &Report<'_>,
    mc: &[Outcome],
    criteria: Option<&CriteriaSet>,
) -> Result<Vec<Plot>> {
    let dir = out.join("plots");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut done = Vec::new();
    for m in &report.metrics {
        let values: Vec<f64> = mc
            .iter()
            .map(|o| o.values.get(&m.name).copied().unwrap_or(f64::NAN))
            .collect();
        let mut marks: Vec<(f64, &str, RGBColor)> = vec![
            (m.nominal, "nominal", GREEN),
            (m.worst_case, "worst case found", RED),
        ];
        for (b, _) in bounds(criteria, &m.name) {
            marks.push((b, "criterion pass bound", BLACK));
        }
        let mut svg = String::new();
        draw_metric(&mut svg, &m.name, &values, &marks)
            .with_context(|| format!("drawing the plot of {}", m.name))?;
        let file = format!("plots/{}.svg", m.name);
        crate::fsutil::write_atomic(&out.join(&file), svg.as_bytes())?;
        done.push(Plot {
            metric: m.name.clone(),
            file,
            svg,
        });
    }
    Ok(done)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes `verify.html`: the yields, the distributions, the worst cases and the corners,
/// with every plot inlined (no other file is needed to view it).
pub(super) fn html(out: &Path, r: &Report<'_>, plots: &[Plot]) -> Result<()> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>tsynth verify: {}</title><style>\
         body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}\
         td:first-child,th:first-child{{text-align:left}}.plots{{display:flex;flex-wrap:wrap;gap:8px}}\
         .plots figure{{margin:0}}.plots svg{{width:540px;height:auto}}code{{background:#f4f4f4}}\
         </style></head><body>\n",
        esc(&r.design)
    );
    let _ = write!(
        h,
        "<h1>Verification of <code>{}</code></h1>\n<p>Scenario <code>{}</code>; {} Monte Carlo \
         conditions (seed {}); worst-case search: {} evaluations at agent seed {}; criteria: {}.</p>\n",
        esc(&r.design),
        esc(&r.scenario),
        r.samples,
        r.seed,
        r.worst_case.evaluations,
        r.worst_seed,
        r.criteria.as_ref().map_or("none".to_string(), |c| format!(
            "<code>{}</code> revision {}",
            esc(&c.path),
            c.revision
        ))
    );
    h += "<h2>Uncontrollable variables</h2>\n<table><tr><th>variable</th><th>distribution</th>\
          <th>nominal</th><th>box low</th><th>box high</th></tr>\n";
    for v in &r.variables {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&v.name),
            esc(&v.distribution),
            fmt_whole(v.integer, v.nominal),
            fmt_whole(v.integer, v.box_low),
            fmt_whole(v.integer, v.box_high)
        );
    }
    h += "</table>\n<h2>Yield</h2>\n";
    let _ = writeln!(h, "<p>Intervals: {}.</p>", esc(r.yields.interval));
    h += "<table><tr><th>what holds</th><th>nominal</th><th>yield</th><th>95% interval</th>\
          <th>demonstrated</th><th>sigma</th><th>✓ or ≈</th></tr>\n";
    let row = |h: &mut String,
               label: &str,
               nominal: &str,
               y: &tsynth_verify::YieldEstimate,
               near: &str| {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}/{} = {}</td><td>[{}, {}]</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(label),
            nominal,
            y.passed,
            y.total,
            pct(y.value),
            pct(y.ci_low),
            pct(y.ci_high),
            pct(y.demonstrated),
            y.sigma.map_or("none".to_string(), |s| format!("{s:.2}")),
            near
        );
    };
    if let Some(all) = &r.yields.all_criteria {
        row(&mut h, "every criterion ✓", "", all, "");
    }
    row(&mut h, "feasible (constraints)", "", &r.yields.feasible, "");
    for c in &r.yields.per_criterion {
        row(
            &mut h,
            &format!("{} {}", c.id, c.name),
            c.nominal.symbol(),
            &c.pass,
            &pct(c.pass_or_near),
        );
    }
    h += "</table>\n";
    if let Some(v) = &r.yields.all_criteria_verdict {
        let _ = writeln!(h, "<p><b>{}</b></p>", esc(v));
    }
    h += "<h2>Metrics over the conditions</h2>\n<table><tr><th>metric</th><th>worse</th>\
          <th>nominal</th><th>mean</th><th>sd</th><th>q05</th><th>q50</th><th>q95</th>\
          <th>min</th><th>max</th><th>worst case found</th></tr>\n";
    for m in &r.metrics {
        let s = &m.summary;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.name),
            if m.higher_is_worse { "higher" } else { "lower" },
            fmt_num(m.nominal),
            fmt_num(s.mean),
            fmt_num(s.sd),
            fmt_num(s.q05),
            fmt_num(s.q50),
            fmt_num(s.q95),
            fmt_num(s.min),
            fmt_num(s.max),
            fmt_num(m.worst_case)
        );
    }
    h += "</table>\n<h2>Worst case per metric</h2>\n<table><tr><th>metric</th><th>nominal</th>\
          <th>worst</th><th>at (variables away from nominal)</th><th>most sensitive to</th></tr>\n";
    for m in &r.worst_case.per_metric {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td><td>{}</td></tr>",
            esc(&m.metric),
            fmt_num(m.nominal),
            fmt_num(m.worst),
            esc(&m.moved),
            esc(m.most_sensitive.as_deref().unwrap_or("nothing"))
        );
    }
    h += "</table>\n";
    if !r.worst_case.screening.is_empty() {
        h += "<h2>One-at-a-time screening</h2>\n<p>Each metric with one variable at the low \
              end of its box / at nominal / at the high end, the others nominal (agent seed of the \
              worst-case search).</p>\n<table><tr><th>variable</th>";
        for m in &r.metrics {
            let _ = write!(h, "<th>{}</th>", esc(&m.name));
        }
        h += "</tr>\n";
        for sc in &r.worst_case.screening {
            let _ = write!(h, "<tr><td>{}</td>", esc(&sc.variable));
            for m in &r.metrics {
                let cell = sc.effect.get(&m.name).map_or(String::new(), |[a, b, c]| {
                    format!("{} / {} / {}", fmt_num(*a), fmt_num(*b), fmt_num(*c))
                });
                let _ = write!(h, "<td>{cell}</td>");
            }
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    h += "<h2>Extracted corners</h2>\n";
    let _ = writeln!(
        h,
        "<p>A corner reproduces a metric when its value is within {:.0}% of the metric's observed \
         range from the worst value found. <code>corners.toml</code> lists them; \
         <code>corners/&lt;id&gt;.toml</code> are runnable scenarios.</p>",
        100.0 * r.tolerance
    );
    h += "<table><tr><th>corner</th><th>covers</th><th>values</th></tr>\n";
    for c in &r.corners {
        let vals: Vec<String> = c
            .ordered_values
            .iter()
            .zip(&r.variables)
            .map(|((n, x), v)| format!("{} = {}", esc(n), fmt_whole(v.integer, *x)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td style=\"text-align:left\">{}</td><td style=\"text-align:left\">{}</td></tr>",
            esc(&c.id),
            esc(&c.covers.join(", ")),
            vals.join("<br>")
        );
    }
    h += "</table>\n";
    if !r.uncovered.is_empty() {
        let _ = writeln!(
            h,
            "<p>Not covered by the corners (raise <code>--corners</code>): {}</p>",
            esc(&r.uncovered.join(", "))
        );
    }
    if !plots.is_empty() {
        h += "<h2>Distributions</h2>\n<p>Histogram (top) and empirical CDF (bottom) of each \
              metric over the Monte Carlo conditions; green: nominal, red: worst case found, \
              black: the criterion's pass bound.</p>\n<div class=\"plots\">\n";
        for p in plots {
            let svg = p
                .svg
                .trim_start_matches(|c| c != '<')
                .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .trim_start();
            let _ = writeln!(
                h,
                "<figure id=\"{}\">{svg}<figcaption><a href=\"{}\">{}</a></figcaption></figure>",
                esc(&p.metric),
                esc(&p.file),
                esc(&p.metric)
            );
        }
        h += "</div>\n";
    }
    let _ = writeln!(
        h,
        "<p>Every number above comes from <code>verify.json</code> in this directory.</p>\
         </body></html>"
    );
    crate::fsutil::write_atomic(&out.join("verify.html"), h.as_bytes())?;
    Ok(())
}
