//! The ZDT suite (Zitzler, Deb & Thiele 2000): two objectives, box constraints.

use std::f64::consts::PI;

use crate::real::RealFunction;

/// Which ZDT problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZdtKind {
    /// Convex front f2 = 1 − √f1.
    Zdt1,
    /// Concave front f2 = 1 − f1².
    Zdt2,
    /// Disconnected front f2 = 1 − √f1 − f1·sin(10πf1).
    Zdt3,
    /// ZDT1's front behind 21⁹ local fronts (Rastrigin-like g).
    Zdt4,
    /// Non-uniform, concave front f2 = 1 − f1², f1 ∈ [0.2807753191, 1].
    Zdt6,
}

/// A ZDT problem instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Zdt {
    kind: ZdtKind,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// Smallest f1 on ZDT6's Pareto front.
const ZDT6_F1_MIN: f64 = 0.280_775_319_1;

impl Zdt {
    /// The problem with `n` variables (n ≥ 2).
    pub fn new(kind: ZdtKind, n: usize) -> Self {
        let n = n.max(2);
        let mut lower = vec![0.0; n];
        let mut upper = vec![1.0; n];
        if kind == ZdtKind::Zdt4 {
            lower[1..].fill(-5.0);
            upper[1..].fill(5.0);
        }
        Self { kind, lower, upper }
    }

    /// The standard size: 30 variables for ZDT1–3, 10 for ZDT4 and ZDT6.
    pub fn standard(kind: ZdtKind) -> Self {
        let n = match kind {
            ZdtKind::Zdt1 | ZdtKind::Zdt2 | ZdtKind::Zdt3 => 30,
            ZdtKind::Zdt4 | ZdtKind::Zdt6 => 10,
        };
        Self::new(kind, n)
    }

    /// Which problem this is.
    pub fn kind(&self) -> ZdtKind {
        self.kind
    }

    /// `points` evenly spaced samples of the analytic front (for ZDT3 the dominated parts
    /// of the sampled curve are removed, so fewer points remain).
    pub fn pareto_front(&self, points: usize) -> Vec<Vec<f64>> {
        let points = points.max(2);
        let (lo, hi) = match self.kind {
            ZdtKind::Zdt6 => (ZDT6_F1_MIN, 1.0),
            _ => (0.0, 1.0),
        };
        let f1s = (0..points).map(|i| lo + (hi - lo) * i as f64 / (points - 1) as f64);
        let curve: Vec<Vec<f64>> = f1s
            .map(|f1| {
                let f2 = match self.kind {
                    ZdtKind::Zdt1 | ZdtKind::Zdt4 => 1.0 - f1.sqrt(),
                    ZdtKind::Zdt2 | ZdtKind::Zdt6 => 1.0 - f1 * f1,
                    ZdtKind::Zdt3 => 1.0 - f1.sqrt() - f1 * (10.0 * PI * f1).sin(),
                };
                vec![f1, f2]
            })
            .collect();
        if self.kind != ZdtKind::Zdt3 {
            return curve;
        }
        // The curve is sampled in increasing f1: a point is non-dominated exactly when its
        // f2 is below every f2 seen before it.
        let mut best = f64::INFINITY;
        curve
            .into_iter()
            .filter(|p| {
                let keep = p[1] < best;
                best = best.min(p[1]);
                keep
            })
            .collect()
    }
}

impl RealFunction for Zdt {
    fn num_variables(&self) -> usize {
        self.lower.len()
    }
    fn num_objectives(&self) -> usize {
        2
    }
    fn lower(&self) -> &[f64] {
        &self.lower
    }
    fn upper(&self) -> &[f64] {
        &self.upper
    }
    fn objectives(&self, x: &[f64]) -> Vec<f64> {
        let n = x.len();
        let tail = &x[1..];
        let rest = (n - 1) as f64;
        let x1 = x[0];
        let (f1, g) = match self.kind {
            ZdtKind::Zdt1 | ZdtKind::Zdt2 | ZdtKind::Zdt3 => {
                (x1, 1.0 + 9.0 * tail.iter().sum::<f64>() / rest)
            }
            ZdtKind::Zdt4 => (
                x1,
                1.0 + 10.0 * rest
                    + tail
                        .iter()
                        .map(|v| v * v - 10.0 * (4.0 * PI * v).cos())
                        .sum::<f64>(),
            ),
            ZdtKind::Zdt6 => (
                1.0 - (-4.0 * x1).exp() * (6.0 * PI * x1).sin().powi(6),
                1.0 + 9.0 * (tail.iter().sum::<f64>() / rest).powf(0.25),
            ),
        };
        let r = f1 / g;
        let h = match self.kind {
            ZdtKind::Zdt1 | ZdtKind::Zdt4 => 1.0 - r.sqrt(),
            ZdtKind::Zdt2 | ZdtKind::Zdt6 => 1.0 - r * r,
            ZdtKind::Zdt3 => 1.0 - r.sqrt() - r * (10.0 * PI * f1).sin(),
        };
        vec![f1, g * h]
    }
}
