//! Criteria tables: a versioned file of measured rules (e.g. `criteria/ocean-v41.toml`, the
//! seed's seven Ocean V4.1 goals) applied the same way to every design. Each criterion is
//! one or more checks on named metrics with a pass bound (✓) and a looser "near" bound (≈);
//! anything past both is ✗. No design is special-cased: the table is a pure function of the
//! file and the designs' aggregated metric values.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tsynth_sim::metrics::{HORIZON_COVERAGE, MetricSpec};
use tsynth_sim::{Aggregate, ScenarioError};

/// The criteria-file format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// A criteria file, parsed and checked.
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    /// Where it was read from.
    pub path: PathBuf,
    /// The thresholds' own version (bumped whenever a threshold changes).
    pub revision: u32,
    /// The domain whose metrics it names.
    pub domain: String,
    /// Title of the table.
    pub title: String,
    /// Where the criteria come from.
    pub source: String,
    /// The criteria, in row order.
    pub criteria: Vec<Criterion>,
    spans: Vec<Vec<std::ops::Range<usize>>>,
    text: String,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Short id (e.g. "1").
    pub id: String,
    /// What it asks for.
    pub name: String,
    /// Why these metrics and bounds answer it.
    pub why: String,
    /// The checks; the row's verdict is the worst of them, its number the first one's.
    pub checks: Vec<Check>,
}

/// Which way a bound points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The value must be at most the bound.
    AtMost,
    /// The value must be at least the bound.
    AtLeast,
}

/// Which aggregate over seeds a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Over {
    /// The mean over seeds.
    #[default]
    Mean,
    /// The worst seed.
    Worst,
}

/// One measured rule.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Metric name (as the domain declares it).
    pub metric: String,
    /// Direction of the bounds.
    pub bound: Bound,
    /// ✓ bound.
    pub pass: f64,
    /// ≈ bound (looser than `pass`; equal to it when there is no ≈ band).
    pub near: f64,
    /// Mean or worst over seeds.
    pub over: Over,
}

/// A cell's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Meets the criterion.
    Pass,
    /// Roughly meets it.
    Near,
    /// Fails it.
    Fail,
    /// A metric it needs was not measured.
    Missing,
}

impl Verdict {
    /// ✓, ≈, ✗ or ?.
    pub fn symbol(self) -> &'static str {
        match self {
            Verdict::Pass => "✓",
            Verdict::Near => "≈",
            Verdict::Fail => "✗",
            Verdict::Missing => "?",
        }
    }
}

/// One design's verdict on one criterion.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The verdict (worst over the criterion's checks).
    pub verdict: Verdict,
    /// The first check's value.
    pub value: f64,
    /// Every check's metric, value and verdict.
    pub checks: Vec<(String, f64, Verdict)>,
}

impl Cell {
    /// `✓ 0.0012` style text.
    pub fn text(&self) -> String {
        format!("{} {}", self.verdict.symbol(), fmt_value(self.value))
    }
}

/// One design's column: its name, its cells in row order and its horizon coverage.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Column header (the design's file stem or member id).
    pub name: String,
    /// Cells, in the criteria's order.
    pub cells: Vec<Cell>,
    /// Whether the design was feasible under the run's constraints.
    pub feasible: bool,
    /// The share of its longest schedule the horizon covered (1 = all of it).
    pub horizon_coverage: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: toml::Spanned<u32>,
    revision: u32,
    domain: String,
    title: String,
    #[serde(default)]
    source: String,
    #[serde(rename = "criterion")]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    name: String,
    #[serde(default)]
    why: String,
    checks: Vec<toml::Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    metric: String,
    at_most: Option<f64>,
    at_least: Option<f64>,
    near: Option<f64>,
    #[serde(default)]
    over: Over,
}

impl CriteriaSet {
    /// Reads and checks a criteria file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = tsynth_sim::scenario::read(path)?;
        Self::parse(&text, path)
    }

    /// Parses and checks criteria text (`path` names it in messages).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ScenarioError> {
        let text = tsynth_text::normalize(text).into_owned();
        let raw: RawFile = tsynth_sim::scenario::parse_toml(&text, path)?;
        let at = |offset: usize, msg: String| ScenarioError::at(&text, path, offset, msg);
        if *raw.format.get_ref() != FORMAT_VERSION {
            return Err(at(
                raw.format.span().start,
                format!(
                    "criteria format {} is not supported: this tsynth reads format {FORMAT_VERSION}",
                    raw.format.get_ref()
                ),
            ));
        }
        if raw.criteria.is_empty() {
            return Err(at(0, "no `[[criterion]]` tables".into()));
        }
        let mut criteria = Vec::new();
        let mut spans = Vec::new();
        for rc in raw.criteria {
            if rc.checks.is_empty() {
                return Err(at(0, format!("criterion `{}` has no checks", rc.id)));
            }
            let mut checks = Vec::new();
            let mut cspans = Vec::new();
            for sc in rc.checks {
                let span = sc.span();
                checks.push(check(sc.into_inner()).map_err(|m| at(span.start, m))?);
                cspans.push(span);
            }
            criteria.push(Criterion {
                id: rc.id,
                name: rc.name,
                why: rc.why,
                checks,
            });
            spans.push(cspans);
        }
        Ok(Self {
            path: path.to_path_buf(),
            revision: raw.revision,
            domain: raw.domain,
            title: raw.title,
            source: raw.source,
            criteria,
            spans,
            text,
        })
    }

    /// Checks that every metric the file names is one `metrics` declares (the domain's):
    /// a misspelt metric is an error at its position, not a silent "?" column.
    pub fn check_metrics(&self, domain: &str, metrics: &[MetricSpec]) -> Result<(), ScenarioError> {
        if domain != self.domain {
            return Err(ScenarioError::at(
                &self.text,
                &self.path,
                0,
                format!(
                    "these criteria are for domain `{}`, the designs are of domain `{domain}`",
                    self.domain
                ),
            ));
        }
        for (c, spans) in self.criteria.iter().zip(&self.spans) {
            for (k, span) in c.checks.iter().zip(spans) {
                if !metrics.iter().any(|m| m.name == k.metric) {
                    let known: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
                    return Err(ScenarioError::at(
                        &self.text,
                        &self.path,
                        span.start,
                        format!(
                            "criterion `{}`: unknown metric `{}` (domain `{domain}` measures: {})",
                            c.id,
                            k.metric,
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// One design's cells, from its aggregate over seeds.
    pub fn judge(&self, agg: &Aggregate) -> Vec<Cell> {
        self.judge_values(&agg.mean, &agg.worst)
    }

    /// One design's cells from mean and worst values by name.
    pub fn judge_values(
        &self,
        mean: &BTreeMap<String, f64>,
        worst: &BTreeMap<String, f64>,
    ) -> Vec<Cell> {
        self.criteria
            .iter()
            .map(|c| {
                let checks: Vec<(String, f64, Verdict)> = c
                    .checks
                    .iter()
                    .map(|k| {
                        let src = match k.over {
                            Over::Mean => mean,
                            Over::Worst => worst,
                        };
                        match src.get(&k.metric) {
                            Some(&v) => (k.metric.clone(), v, k.verdict(v)),
                            None => (k.metric.clone(), f64::NAN, Verdict::Missing),
                        }
                    })
                    .collect();
                let verdict = checks.iter().map(|c| c.2).max().unwrap_or(Verdict::Missing);
                Cell {
                    verdict,
                    value: checks.first().map_or(f64::NAN, |c| c.1),
                    checks,
                }
            })
            .collect()
    }

    /// A design's column.
    pub fn column(&self, name: &str, agg: &Aggregate) -> Column {
        Column {
            name: name.to_string(),
            cells: self.judge(agg),
            feasible: agg.feasible(),
            horizon_coverage: agg.mean.get(HORIZON_COVERAGE).copied(),
        }
    }
}

fn check(r: RawCheck) -> Result<Check, String> {
    let (bound, pass) = match (r.at_most, r.at_least) {
        (Some(v), None) => (Bound::AtMost, v),
        (None, Some(v)) => (Bound::AtLeast, v),
        (Some(_), Some(_)) => {
            return Err(format!(
                "check on `{}`: give one of `at_most` and `at_least`, not both",
                r.metric
            ));
        }
        (None, None) => {
            return Err(format!(
                "check on `{}`: needs `at_most = X` or `at_least = X`",
                r.metric
            ));
        }
    };
    let near = r.near.unwrap_or(pass);
    if !pass.is_finite() || !near.is_finite() {
        return Err(format!(
            "check on `{}`: bounds must be finite numbers",
            r.metric
        ));
    }
    let looser = match bound {
        Bound::AtMost => near >= pass,
        Bound::AtLeast => near <= pass,
    };
    if !looser {
        return Err(format!(
            "check on `{}`: `near` ({near}) must be looser than the pass bound ({pass})",
            r.metric
        ));
    }
    Ok(Check {
        metric: r.metric,
        bound,
        pass,
        near,
        over: r.over,
    })
}

impl Check {
    /// The verdict of a value (NaN fails).
    pub fn verdict(&self, v: f64) -> Verdict {
        let within = |b: f64| match self.bound {
            Bound::AtMost => v <= b,
            Bound::AtLeast => v >= b,
        };
        if within(self.pass) {
            Verdict::Pass
        } else if within(self.near) {
            Verdict::Near
        } else {
            Verdict::Fail
        }
    }

    /// `rug_risk ≤ 0.01 (≈ 0.05)` style text.
    pub fn describe(&self) -> String {
        let op = match self.bound {
            Bound::AtMost => "≤",
            Bound::AtLeast => "≥",
        };
        let over = match self.over {
            Over::Mean => "",
            Over::Worst => " (worst seed)",
        };
        if self.near == self.pass {
            format!("{} {op} {}{over}", self.metric, fmt_value(self.pass))
        } else {
            format!(
                "{} {op} {} (≈ {}){over}",
                self.metric,
                fmt_value(self.pass),
                fmt_value(self.near)
            )
        }
    }
}

/// A number as shown in cells: 4 significant digits, scientific when tiny or huge.
pub fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "n/a".into()
    } else if v == 0.0 {
        "0".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else if v.abs() >= 1e5 || v.abs() < 1e-3 {
        format!("{v:.2e}")
    } else {
        let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.digits$}")
    }
}

fn footer(columns: &[Column]) -> Vec<(String, Vec<String>)> {
    vec![
        (
            "feasible (run's constraints)".into(),
            columns
                .iter()
                .map(|c| if c.feasible { "yes" } else { "no" }.to_string())
                .collect(),
        ),
        (
            "horizon covers schedule".into(),
            columns
                .iter()
                .map(|c| match c.horizon_coverage {
                    Some(h) if h >= 1.0 => "yes".to_string(),
                    Some(h) => format!("NO ({:.1}%)", 100.0 * h),
                    None => "n/a".to_string(),
                })
                .collect(),
        ),
    ]
}

/// The table as aligned text: criteria as rows, designs as columns.
pub fn render_text(set: &CriteriaSet, columns: &[Column]) -> String {
    let mut rows: Vec<(String, Vec<String>)> = set
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("{} {}", c.id, c.name),
                columns.iter().map(|col| col.cells[i].text()).collect(),
            )
        })
        .collect();
    rows.extend(footer(columns));
    let w0 = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            rows.iter()
                .map(|r| r.1[j].chars().count())
                .chain([c.name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let mut out = String::new();
    let _ = writeln!(out, "{} (revision {})", set.title, set.revision);
    let mut head = pad("criterion", w0);
    for (c, &w) in columns.iter().zip(&widths) {
        head += "  ";
        head += &pad(&c.name, w);
    }
    let _ = writeln!(out, "{}", head.trim_end());
    for (label, cells) in &rows {
        let mut line = pad(label, w0);
        for (cell, &w) in cells.iter().zip(&widths) {
            line += "  ";
            line += &pad(cell, w);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\nrules ({}; from {}):",
        set.path.display(),
        set.source
    );
    for c in &set.criteria {
        let rules: Vec<String> = c.checks.iter().map(Check::describe).collect();
        let _ = writeln!(out, "  {} {}: {}", c.id, c.name, rules.join(" and "));
    }
    out
}

/// The table as Markdown (for BENCHMARKS.md, docs and reports).
pub fn render_markdown(set: &CriteriaSet, columns: &[Column]) -> String {
    let mut out = String::new();
    let _ = write!(out, "| criterion |");
    for c in columns {
        let _ = write!(out, " {} |", c.name);
    }
    let _ = write!(out, "\n|---|");
    for _ in columns {
        let _ = write!(out, "---|");
    }
    out.push('\n');
    for (i, c) in set.criteria.iter().enumerate() {
        let _ = write!(out, "| {} {} |", c.id, c.name);
        for col in columns {
            let _ = write!(out, " {} |", col.cells[i].text());
        }
        out.push('\n');
    }
    for (label, cells) in footer(columns) {
        let _ = write!(out, "| {label} |");
        for cell in cells {
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
format = 1
revision = 3
domain = "toy"
title = "Toy goals"

[[criterion]]
id = "1"
name = "small"
checks = [{ metric = "size", at_most = 10, near = 20 }]

[[criterion]]
id = "2"
name = "safe and served"
checks = [
    { metric = "risk", at_most = 0.01, over = "worst" },
    { metric = "served", at_least = 0.9, near = 0.5 },
]
"#;

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn verdicts_are_the_worst_check_and_show_the_first_value() {
        let set = CriteriaSet::parse(FILE, Path::new("c.toml")).unwrap();
        let mean = values(&[("size", 15.0), ("risk", 0.0), ("served", 0.95)]);
        let worst = values(&[("size", 30.0), ("risk", 0.02), ("served", 0.4)]);
        let cells = set.judge_values(&mean, &worst);
        assert_eq!(cells[0].verdict, Verdict::Near);
        assert_eq!(cells[0].value, 15.0);
        // risk read over the worst seed: 0.02 > 0.01 -> fail, though the mean is 0.
        assert_eq!(cells[1].verdict, Verdict::Fail);
        assert_eq!(cells[1].value, 0.02);
        let cells = set.judge_values(&values(&[("size", 5.0)]), &values(&[]));
        assert_eq!(cells[0].text(), "✓ 5.000");
        assert_eq!(cells[1].verdict, Verdict::Missing);
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = |t: &str| {
            CriteriaSet::parse(t, Path::new("c.toml"))
                .unwrap_err()
                .to_string()
        };
        let loose = FILE.replace("at_most = 10, near = 20", "at_most = 10, near = 5");
        let msg = e(&loose);
        assert!(msg.starts_with("c.toml:10:"), "{msg}");
        assert!(msg.contains("must be looser"), "{msg}");
        let both = FILE.replace("at_most = 10, near = 20", "at_most = 10, at_least = 2");
        assert!(e(&both).contains("not both"), "{}", e(&both));
        let v2 = FILE.replace("format = 1", "format = 2");
        assert!(e(&v2).starts_with("c.toml:2:"), "{}", e(&v2));
        let typo = FILE.replace("near = 0.5", "neer = 0.5");
        assert!(e(&typo).contains("neer"), "{}", e(&typo));
    }

    #[test]
    fn unknown_metrics_are_errors_at_their_check() {
        let set = CriteriaSet::parse(FILE, Path::new("c.toml")).unwrap();
        let metrics = vec![
            MetricSpec::minimize("size", "count", "", 1.0),
            MetricSpec::minimize("risk", "fraction", "", 1.0),
        ];
        let msg = set.check_metrics("toy", &metrics).unwrap_err().to_string();
        assert!(msg.starts_with("c.toml:17:"), "{msg}");
        assert!(msg.contains("unknown metric `served`"), "{msg}");
        let msg = set.check_metrics("amm", &metrics).unwrap_err().to_string();
        assert!(msg.contains("for domain `toy`"), "{msg}");
    }

    #[test]
    fn tables_have_a_row_per_criterion_and_a_column_per_design() {
        let set = CriteriaSet::parse(FILE, Path::new("c.toml")).unwrap();
        let mk = |name: &str, size: f64, cov: f64| Column {
            name: name.into(),
            cells: set.judge_values(
                &values(&[("size", size), ("risk", 0.0), ("served", 1.0)]),
                &values(&[("risk", 0.0)]),
            ),
            feasible: true,
            horizon_coverage: Some(cov),
        };
        let cols = [mk("a", 5.0, 1.0), mk("b", 50.0, 0.25)];
        let text = render_text(&set, &cols);
        assert!(text.contains("1 small"), "{text}");
        assert!(text.contains("✓ 5.000"), "{text}");
        assert!(text.contains("✗ 50.00"), "{text}");
        assert!(text.contains("NO (25.0%)"), "{text}");
        let md = render_markdown(&set, &cols);
        assert!(
            md.starts_with("| criterion | a | b |\n|---|---|---|\n"),
            "{md}"
        );
        assert_eq!(md.lines().count(), 2 + 2 + 2);
    }
}
