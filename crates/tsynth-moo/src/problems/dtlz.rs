//! DTLZ1 and DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002), any number of objectives.

use std::f64::consts::PI;

use crate::real::RealFunction;

/// Which DTLZ problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtlzKind {
    /// Linear front Σ f = 0.5 behind 11^k − 1 local fronts.
    Dtlz1,
    /// Spherical front Σ f² = 1.
    Dtlz2,
}

/// A DTLZ problem instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Dtlz {
    kind: DtlzKind,
    objectives: usize,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl Dtlz {
    /// The problem with `objectives` objectives (≥ 2) and `variables` variables
    /// (at least `objectives`).
    pub fn new(kind: DtlzKind, objectives: usize, variables: usize) -> Self {
        let m = objectives.max(2);
        let n = variables.max(m);
        Self {
            kind,
            objectives: m,
            lower: vec![0.0; n],
            upper: vec![1.0; n],
        }
    }

    /// The standard size: n = m + k − 1 with k = 5 (DTLZ1) or k = 10 (DTLZ2).
    pub fn standard(kind: DtlzKind, objectives: usize) -> Self {
        let k = match kind {
            DtlzKind::Dtlz1 => 5,
            DtlzKind::Dtlz2 => 10,
        };
        Self::new(kind, objectives, objectives.max(2) + k - 1)
    }

    /// Which problem this is.
    pub fn kind(&self) -> DtlzKind {
        self.kind
    }

    /// Points of the analytic front on a Das–Dennis lattice with as many divisions as keep
    /// the count at most `points` (at least one division).
    pub fn pareto_front(&self, points: usize) -> Vec<Vec<f64>> {
        let m = self.objectives;
        let mut divisions = 1;
        while lattice_size(m, divisions + 1) <= points as u128 {
            divisions += 1;
        }
        das_dennis(m, divisions)
            .into_iter()
            .map(|w| match self.kind {
                DtlzKind::Dtlz1 => w.iter().map(|v| 0.5 * v).collect(),
                DtlzKind::Dtlz2 => {
                    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
                    w.iter().map(|v| v / norm).collect()
                }
            })
            .collect()
    }
}

fn lattice_size(m: usize, p: usize) -> u128 {
    // C(p + m − 1, m − 1)
    let mut c: u128 = 1;
    for i in 0..(m - 1) as u128 {
        c = c * (p as u128 + 1 + i) / (i + 1);
    }
    c
}

/// All points of the unit simplex in `m` dimensions whose coordinates are multiples of
/// `1/divisions` (Das & Dennis 1998).
pub fn das_dennis(m: usize, divisions: usize) -> Vec<Vec<f64>> {
    fn rec(m: usize, left: usize, p: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<f64>>) {
        if cur.len() == m - 1 {
            cur.push(left);
            out.push(cur.iter().map(|&c| c as f64 / p as f64).collect());
            cur.pop();
            return;
        }
        for c in (0..=left).rev() {
            cur.push(c);
            rec(m, left - c, p, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    if m == 0 || divisions == 0 {
        return out;
    }
    rec(
        m,
        divisions,
        divisions,
        &mut Vec::with_capacity(m),
        &mut out,
    );
    out
}

impl RealFunction for Dtlz {
    fn num_variables(&self) -> usize {
        self.lower.len()
    }
    fn num_objectives(&self) -> usize {
        self.objectives
    }
    fn lower(&self) -> &[f64] {
        &self.lower
    }
    fn upper(&self) -> &[f64] {
        &self.upper
    }
    fn objectives(&self, x: &[f64]) -> Vec<f64> {
        let m = self.objectives;
        let (pos, dist) = x.split_at(m - 1);
        match self.kind {
            DtlzKind::Dtlz1 => {
                let g = 100.0
                    * (dist.len() as f64
                        + dist
                            .iter()
                            .map(|v| (v - 0.5).powi(2) - (20.0 * PI * (v - 0.5)).cos())
                            .sum::<f64>());
                (0..m)
                    .map(|j| {
                        let kept = m - 1 - j;
                        let mut f = 0.5 * (1.0 + g);
                        f *= pos[..kept].iter().product::<f64>();
                        if j > 0 {
                            f *= 1.0 - pos[kept];
                        }
                        f
                    })
                    .collect()
            }
            DtlzKind::Dtlz2 => {
                let g: f64 = dist.iter().map(|v| (v - 0.5).powi(2)).sum();
                (0..m)
                    .map(|j| {
                        let kept = m - 1 - j;
                        let mut f = 1.0 + g;
                        f *= pos[..kept]
                            .iter()
                            .map(|v| (v * PI / 2.0).cos())
                            .product::<f64>();
                        if j > 0 {
                            f *= (pos[kept] * PI / 2.0).sin();
                        }
                        f
                    })
                    .collect()
            }
        }
    }
}
