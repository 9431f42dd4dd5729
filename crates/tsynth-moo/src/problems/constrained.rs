//! Constrained test problems as defined in pymoo 0.6's suite (same variables, bounds,
//! constraint scaling), so the two engines can be compared run for run. The total
//! violation is the sum of the positive parts of the constraints written `g(x) ≤ 0`
//! (pymoo's constraint violation).

use crate::problems::{Dtlz, DtlzKind};
use crate::real::RealFunction;

/// Osyczka & Kundu (1995): 2 objectives, 6 variables, 6 inequality constraints (each
/// divided by pymoo's constant). The feasible front is made of five pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct Osy {
    lower: [f64; 6],
    upper: [f64; 6],
}

impl Default for Osy {
    fn default() -> Self {
        Self {
            lower: [0.0, 0.0, 1.0, 0.0, 1.0, 0.0],
            upper: [10.0, 10.0, 5.0, 6.0, 5.0, 10.0],
        }
    }
}

impl Osy {
    /// The problem with its standard bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// The six constraint values `g(x) ≤ 0` (pymoo's scaling).
    pub fn constraints(x: &[f64]) -> [f64; 6] {
        [
            -(x[0] + x[1] - 2.0) / 2.0,
            -(6.0 - x[0] - x[1]) / 6.0,
            -(2.0 - x[1] + x[0]) / 2.0,
            -(2.0 - x[0] + 3.0 * x[1]) / 2.0,
            -(4.0 - (x[2] - 3.0).powi(2) - x[3]) / 4.0,
            -((x[4] - 3.0).powi(2) + x[5] - 4.0) / 4.0,
        ]
    }
}

impl RealFunction for Osy {
    fn num_variables(&self) -> usize {
        6
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
        let f1 = -(25.0 * (x[0] - 2.0).powi(2)
            + (x[1] - 2.0).powi(2)
            + (x[2] - 1.0).powi(2)
            + (x[3] - 4.0).powi(2)
            + (x[4] - 1.0).powi(2));
        let f2 = x.iter().map(|v| v * v).sum();
        vec![f1, f2]
    }
    fn violation(&self, x: &[f64]) -> f64 {
        Self::constraints(x).iter().map(|g| g.max(0.0)).sum()
    }
}

/// Which constrained DTLZ problem (Jain & Deb 2014).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdtlzKind {
    /// C1-DTLZ1: DTLZ1 with the linear constraint
    /// `1 − f_M / 0.6 − Σ_{i<M} f_i / 0.5 ≥ 0`: only a thin band above the front is
    /// feasible, so feasibility is found only near convergence.
    C1Dtlz1,
    /// C2-DTLZ2: DTLZ2 where only spheres of radius `r` (0.4 for 3 objectives, 0.5 above,
    /// 0.2 for 2) around the corners of the front and around its centre are feasible.
    C2Dtlz2,
}

/// A constrained DTLZ problem with pymoo's default size (12 variables).
#[derive(Debug, Clone, PartialEq)]
pub struct Cdtlz {
    kind: CdtlzKind,
    inner: Dtlz,
}

impl Cdtlz {
    /// The problem with `objectives` objectives and `variables` variables.
    pub fn new(kind: CdtlzKind, objectives: usize, variables: usize) -> Self {
        let base = match kind {
            CdtlzKind::C1Dtlz1 => DtlzKind::Dtlz1,
            CdtlzKind::C2Dtlz2 => DtlzKind::Dtlz2,
        };
        Self {
            kind,
            inner: Dtlz::new(base, objectives, variables),
        }
    }

    /// pymoo's default: 12 variables.
    pub fn standard(kind: CdtlzKind, objectives: usize) -> Self {
        Self::new(kind, objectives, 12)
    }

    /// The constraint value `g ≤ 0` of the objective vector `f`.
    pub fn constraint(&self, f: &[f64]) -> f64 {
        let m = f.len();
        match self.kind {
            CdtlzKind::C1Dtlz1 => {
                -(1.0 - f[m - 1] / 0.6 - f[..m - 1].iter().map(|v| v / 0.5).sum::<f64>())
            }
            CdtlzKind::C2Dtlz2 => {
                let r: f64 = match m {
                    2 => 0.2,
                    3 => 0.4,
                    _ => 0.5,
                };
                let sq: f64 = f.iter().map(|v| v * v).sum();
                let corners = (0..m)
                    .map(|i| (f[i] - 1.0).powi(2) + (sq - f[i] * f[i]) - r * r)
                    .fold(f64::INFINITY, f64::min);
                let a = 1.0 / (m as f64).sqrt();
                let centre = f.iter().map(|v| (v - a).powi(2)).sum::<f64>() - r * r;
                corners.min(centre)
            }
        }
    }
}

impl RealFunction for Cdtlz {
    fn num_variables(&self) -> usize {
        self.inner.num_variables()
    }
    fn num_objectives(&self) -> usize {
        self.inner.num_objectives()
    }
    fn lower(&self) -> &[f64] {
        self.inner.lower()
    }
    fn upper(&self) -> &[f64] {
        self.inner.upper()
    }
    fn objectives(&self, x: &[f64]) -> Vec<f64> {
        self.inner.objectives(x)
    }
    fn violation(&self, x: &[f64]) -> f64 {
        self.constraint(&self.inner.objectives(x)).max(0.0)
    }
}
