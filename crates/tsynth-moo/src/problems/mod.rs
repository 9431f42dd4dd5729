//! Standard test problems: ZDT1–4, ZDT6, DTLZ1–2 with their analytic Pareto fronts, and
//! the constrained OSY, C1-DTLZ1 and C2-DTLZ2 of pymoo's suite.

mod constrained;
mod dtlz;
mod zdt;

pub use constrained::{Cdtlz, CdtlzKind, Osy};
pub use dtlz::{Dtlz, DtlzKind, das_dennis};
pub use zdt::{Zdt, ZdtKind};

use crate::real::RealFunction;

/// Any of the bundled test problems, selectable by name.
#[derive(Debug, Clone, PartialEq)]
pub enum TestProblem {
    /// A ZDT problem (two objectives).
    Zdt(Zdt),
    /// A DTLZ problem (any number of objectives ≥ 2).
    Dtlz(Dtlz),
    /// OSY (2 objectives, 6 constraints).
    Osy(Osy),
    /// C1-DTLZ1 or C2-DTLZ2 (one constraint).
    Cdtlz(Cdtlz),
}

impl TestProblem {
    /// The problem called `name` (`zdt1`…`zdt4`, `zdt6`, `dtlz1`, `dtlz2`, `osy`,
    /// `c1dtlz1`, `c2dtlz2`; case insensitive) with its standard number of variables
    /// (DTLZ with 3 objectives, C-DTLZ with pymoo's 12 variables), or `None` for an
    /// unknown name. A DTLZ name may end in `-M` for `M` objectives (`dtlz2-5`).
    pub fn by_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let (lower, m) = match lower.split_once('-') {
            Some((base, m)) => (base.to_string(), Some(m.parse::<usize>().ok()?)),
            None => (lower, None),
        };
        if m.is_some_and(|m| m < 2) {
            return None;
        }
        let objectives = m.unwrap_or(3);
        match lower.as_str() {
            "osy" if m.is_none() => return Some(Self::Osy(Osy::new())),
            "c1dtlz1" => {
                return Some(Self::Cdtlz(Cdtlz::standard(CdtlzKind::C1Dtlz1, objectives)));
            }
            "c2dtlz2" => {
                return Some(Self::Cdtlz(Cdtlz::standard(CdtlzKind::C2Dtlz2, objectives)));
            }
            "dtlz1" => return Some(Self::Dtlz(Dtlz::standard(DtlzKind::Dtlz1, objectives))),
            "dtlz2" => return Some(Self::Dtlz(Dtlz::standard(DtlzKind::Dtlz2, objectives))),
            _ => {}
        }
        if m.is_some() {
            return None;
        }
        let zdt = match lower.as_str() {
            "zdt1" => Some(ZdtKind::Zdt1),
            "zdt2" => Some(ZdtKind::Zdt2),
            "zdt3" => Some(ZdtKind::Zdt3),
            "zdt4" => Some(ZdtKind::Zdt4),
            "zdt6" => Some(ZdtKind::Zdt6),
            _ => None,
        };
        if let Some(kind) = zdt {
            return Some(Self::Zdt(Zdt::standard(kind)));
        }
        None
    }

    /// The names accepted by [`TestProblem::by_name`].
    pub const NAMES: [&'static str; 10] = [
        "zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2", "osy", "c1dtlz1", "c2dtlz2",
    ];

    /// About `points` points of the analytic Pareto front (empty for the constrained
    /// problems, whose fronts are not sampled here).
    pub fn pareto_front(&self, points: usize) -> Vec<Vec<f64>> {
        match self {
            Self::Zdt(z) => z.pareto_front(points),
            Self::Dtlz(d) => d.pareto_front(points),
            Self::Osy(_) | Self::Cdtlz(_) => Vec::new(),
        }
    }

    fn inner(&self) -> &dyn RealFunction {
        match self {
            Self::Zdt(z) => z,
            Self::Dtlz(d) => d,
            Self::Osy(o) => o,
            Self::Cdtlz(c) => c,
        }
    }
}

impl RealFunction for TestProblem {
    fn num_variables(&self) -> usize {
        self.inner().num_variables()
    }
    fn num_objectives(&self) -> usize {
        self.inner().num_objectives()
    }
    fn lower(&self) -> &[f64] {
        self.inner().lower()
    }
    fn upper(&self) -> &[f64] {
        self.inner().upper()
    }
    fn objectives(&self, x: &[f64]) -> Vec<f64> {
        self.inner().objectives(x)
    }
    fn violation(&self, x: &[f64]) -> f64 {
        self.inner().violation(x)
    }
}
