//! Metrics as data: what a domain measures (name, direction, unit, meaning, default reference
//! value), and what a run makes of them ([`Selection`]: which metrics are objectives, which are
//! constraints with thresholds, which are only reported, and what "better than a known design"
//! means).
//!
//! The engine never names a metric of a domain. The one metric it adds itself is
//! [`COMPLEXITY`], the static size of a design, which every domain shares.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Name of the engine's own metric: the static complexity of a design (statements + blocks).
pub const COMPLEXITY: &str = "complexity";

/// Name of the engine's second metric: the share of the design's longest time-based
/// schedule (auction, vesting, cliff, lock, fee decay) that the simulated horizon covers,
/// capped at 1 ([`horizon_coverage`]). Below 1 the design was judged before its schedule
/// ran out; domains put `horizon_coverage >= 1` among their default constraints.
pub const HORIZON_COVERAGE: &str = "horizon_coverage";

/// Whether smaller or larger values are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Smaller is better.
    #[default]
    Minimize,
    /// Larger is better.
    Maximize,
}

impl Direction {
    /// The value as the optimiser ranks it (every objective minimised).
    pub fn to_ranking(self, v: f64) -> f64 {
        match self {
            Direction::Minimize => v,
            Direction::Maximize => -v,
        }
    }

    /// The worse of two values.
    pub fn worse(self, a: f64, b: f64) -> f64 {
        match self {
            Direction::Minimize => a.max(b),
            Direction::Maximize => a.min(b),
        }
    }

    /// Whether `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Minimize => a < b,
            Direction::Maximize => a > b,
        }
    }
}

/// One quantity a domain measures per seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSpec {
    /// Name (a key of every seed's values; `snake_case`).
    pub name: String,
    /// Whether smaller or larger is better.
    pub direction: Direction,
    /// Unit label ("fraction", "tokens", "count", ...).
    pub unit: String,
    /// One-line meaning, for tables and reports.
    pub meaning: String,
    /// Default hypervolume reference value when this metric is an objective (a value no
    /// acceptable design is worse than).
    pub reference: f64,
}

impl MetricSpec {
    /// A metric to minimise.
    pub fn minimize(name: &str, unit: &str, meaning: &str, reference: f64) -> Self {
        Self {
            name: name.into(),
            direction: Direction::Minimize,
            unit: unit.into(),
            meaning: meaning.into(),
            reference,
        }
    }

    /// A metric to maximise.
    pub fn maximize(name: &str, unit: &str, meaning: &str, reference: f64) -> Self {
        Self {
            direction: Direction::Maximize,
            ..Self::minimize(name, unit, meaning, reference)
        }
    }
}

/// The engine's complexity metric (declared for every domain).
pub fn complexity_metric() -> MetricSpec {
    MetricSpec::minimize(
        COMPLEXITY,
        "count",
        "static size of the design: Solidity statements plus blocks",
        200.0,
    )
}

/// The engine's [`HORIZON_COVERAGE`] metric.
pub fn horizon_coverage_metric() -> MetricSpec {
    MetricSpec::maximize(
        HORIZON_COVERAGE,
        "fraction",
        "simulated horizon over the design's longest time-based schedule, capped at 1",
        0.0,
    )
}

/// `min(1, horizon / schedule)`; 1 for a design without a time-based schedule.
pub fn horizon_coverage(horizon_seconds: u64, schedule_seconds: u64) -> f64 {
    if schedule_seconds == 0 || horizon_seconds >= schedule_seconds {
        1.0
    } else {
        horizon_seconds as f64 / schedule_seconds as f64
    }
}

/// A threshold on one metric: the run is infeasible by how far a seed's value is past it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    /// The metric.
    pub metric: String,
    /// Largest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Smallest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

impl Constraint {
    /// `metric <= max`.
    pub fn at_most(metric: &str, max: f64) -> Self {
        Self {
            metric: metric.into(),
            max: Some(max),
            min: None,
        }
    }

    /// `metric >= min`.
    pub fn at_least(metric: &str, min: f64) -> Self {
        Self {
            metric: metric.into(),
            max: None,
            min: Some(min),
        }
    }

    /// How far `v` is outside the bounds (0 inside; a missing or NaN value counts 1).
    pub fn violation(&self, v: Option<f64>) -> f64 {
        let Some(v) = v.filter(|v| !v.is_nan()) else {
            return 1.0;
        };
        let over = self.max.map_or(0.0, |m| (v - m).max(0.0));
        let under = self.min.map_or(0.0, |m| (m - v).max(0.0));
        over + under
    }

    /// `name<=x`, `name>=x` or both, for messages.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.min {
            parts.push(format!("{}>={m}", self.metric));
        }
        if let Some(m) = self.max {
            parts.push(format!("{}<={m}", self.metric));
        }
        parts.join(", ")
    }
}

/// "Better than a known design", as data: a design beats another when it is strictly better
/// on every `improve` metric and no worse on every `no_worse` metric.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BetterRule {
    /// Metrics that must strictly improve.
    #[serde(default)]
    pub improve: Vec<String>,
    /// Metrics that must not get worse.
    #[serde(default)]
    pub no_worse: Vec<String>,
}

impl BetterRule {
    /// Whether `a` beats `b` under this rule (`metrics` gives the directions; a metric missing
    /// from either side never counts as better).
    pub fn beats(&self, metrics: &[MetricSpec], a: &Values, b: &Values) -> bool {
        let dir = |n: &str| direction_of(metrics, n);
        let improve = self.improve.iter().all(|n| match (a.get(n), b.get(n)) {
            (Some(&x), Some(&y)) => dir(n).better(x, y),
            _ => false,
        });
        let no_worse = self.no_worse.iter().all(|n| match (a.get(n), b.get(n)) {
            (Some(&x), Some(&y)) => !dir(n).better(y, x),
            _ => false,
        });
        improve && no_worse
    }

    /// One line for messages: "lower risk, no worse cost and delay".
    pub fn describe(&self, metrics: &[MetricSpec]) -> String {
        let word = |n: &str, better: bool| match (direction_of(metrics, n), better) {
            (Direction::Minimize, true) => format!("lower {n}"),
            (Direction::Maximize, true) => format!("higher {n}"),
            _ => n.to_string(),
        };
        let mut s: Vec<String> = self.improve.iter().map(|n| word(n, true)).collect();
        if !self.no_worse.is_empty() {
            let rest: Vec<String> = self.no_worse.iter().map(|n| word(n, false)).collect();
            s.push(format!("no worse {}", rest.join(" and ")));
        }
        s.join(", ")
    }
}

/// Direction of `name` among `metrics` (minimise when undeclared).
pub fn direction_of(metrics: &[MetricSpec], name: &str) -> Direction {
    metrics
        .iter()
        .find(|m| m.name == name)
        .map_or(Direction::Minimize, |m| m.direction)
}

/// Metric values by name.
pub type Values = BTreeMap<String, f64>;

/// What a run makes of a domain's metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// The objectives, in vector order.
    pub objectives: Vec<String>,
    /// Constraints with thresholds (a seed's violation is the sum of theirs).
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// What "better than a known design" means.
    #[serde(default)]
    pub better: BetterRule,
}

impl Selection {
    /// Total violation of `values` (0 = feasible).
    pub fn violation(&self, values: &Values) -> f64 {
        self.constraints
            .iter()
            .map(|c| c.violation(values.get(&c.metric).copied()))
            .sum()
    }

    /// Checks every name against the declared metrics.
    pub fn validate(&self, metrics: &[MetricSpec]) -> Result<(), String> {
        let known = |n: &str| metrics.iter().any(|m| m.name == n);
        let list = || {
            metrics
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.objectives.is_empty() {
            return Err("at least one objective is needed".into());
        }
        let names = self
            .objectives
            .iter()
            .chain(self.constraints.iter().map(|c| &c.metric))
            .chain(self.better.improve.iter())
            .chain(self.better.no_worse.iter());
        for n in names {
            if !known(n) {
                return Err(format!("unknown metric `{n}` (known: {})", list()));
            }
        }
        for (i, o) in self.objectives.iter().enumerate() {
            if self.objectives[..i].contains(o) {
                return Err(format!("objective `{o}` is listed twice"));
            }
        }
        for c in &self.constraints {
            if c.max.is_none() && c.min.is_none() {
                return Err(format!("constraint on `{}` needs `max` or `min`", c.metric));
            }
            if c.max.into_iter().chain(c.min).any(|v| !v.is_finite()) {
                return Err(format!("constraint on `{}` needs finite bounds", c.metric));
            }
        }
        Ok(())
    }

    /// The objective vector as the optimiser ranks it (maximised metrics negated), from
    /// `values`; a missing objective is NaN.
    pub fn ranking(&self, metrics: &[MetricSpec], values: &Values) -> Vec<f64> {
        self.objectives
            .iter()
            .map(|n| {
                let v = values.get(n).copied().unwrap_or(f64::NAN);
                direction_of(metrics, n).to_ranking(v)
            })
            .collect()
    }

    /// The default hypervolume reference point in ranking space (maximised metrics negated).
    pub fn reference_point(&self, metrics: &[MetricSpec]) -> Vec<f64> {
        self.objectives
            .iter()
            .map(|n| {
                let m = metrics.iter().find(|m| &m.name == n);
                let r = m.map_or(1.0, |m| m.reference);
                direction_of(metrics, n).to_ranking(r)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Vec<MetricSpec> {
        vec![
            MetricSpec::minimize("risk", "fraction", "", 1.0),
            MetricSpec::maximize("yield", "fraction", "", 0.0),
            MetricSpec::minimize("cost", "tokens", "", 10.0),
        ]
    }

    fn vals(r: f64, y: f64, c: f64) -> Values {
        [("risk", r), ("yield", y), ("cost", c)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    #[test]
    fn constraint_violation_is_distance_past_the_bound() {
        assert_eq!(
            Constraint::at_most("a", 0.1).violation(Some(0.3)),
            0.3 - 0.1
        );
        assert_eq!(Constraint::at_most("a", 0.1).violation(Some(0.05)), 0.0);
        assert_eq!(Constraint::at_least("a", 0.5).violation(Some(0.2)), 0.3);
        assert_eq!(Constraint::at_least("a", 0.5).violation(None), 1.0);
        assert_eq!(
            Constraint::at_least("a", 0.5).violation(Some(f64::NAN)),
            1.0
        );
    }

    #[test]
    fn ranking_negates_maximised_metrics() {
        let s = Selection {
            objectives: vec!["yield".into(), "risk".into()],
            constraints: vec![],
            better: BetterRule::default(),
        };
        assert_eq!(s.ranking(&metrics(), &vals(0.2, 0.3, 1.0)), vec![-0.3, 0.2]);
        assert_eq!(s.reference_point(&metrics()), vec![-0.0, 1.0]);
    }

    #[test]
    fn better_rule_uses_directions() {
        let rule = BetterRule {
            improve: vec!["yield".into()],
            no_worse: vec!["risk".into()],
        };
        let m = metrics();
        assert!(rule.beats(&m, &vals(0.1, 0.5, 9.0), &vals(0.1, 0.4, 1.0)));
        assert!(!rule.beats(&m, &vals(0.2, 0.5, 1.0), &vals(0.1, 0.4, 1.0)));
        assert!(!rule.beats(&m, &vals(0.1, 0.4, 1.0), &vals(0.1, 0.4, 1.0)));
        assert_eq!(rule.describe(&m), "higher yield, no worse risk");
    }

    #[test]
    fn validate_names_unknown_metrics() {
        let s = Selection {
            objectives: vec!["risk".into(), "speed".into()],
            constraints: vec![],
            better: BetterRule::default(),
        };
        let e = s.validate(&metrics()).unwrap_err();
        assert!(e.contains("unknown metric `speed`"), "{e}");
        assert!(e.contains("risk, yield, cost"), "{e}");
    }
}

#[cfg(test)]
mod horizon_tests {
    use super::*;

    #[test]
    fn coverage_is_the_horizons_share_of_the_schedule() {
        assert_eq!(horizon_coverage(3600, 0), 1.0);
        assert_eq!(horizon_coverage(3600, 3600), 1.0);
        assert_eq!(horizon_coverage(7200, 3600), 1.0);
        assert!((horizon_coverage(12_000, 31_536_000) - 12_000.0 / 31_536_000.0).abs() < 1e-15);
        assert_eq!(horizon_coverage(0, 10), 0.0);
        let m = horizon_coverage_metric();
        assert_eq!(m.name, HORIZON_COVERAGE);
        assert_eq!(m.direction, Direction::Maximize);
    }
}
