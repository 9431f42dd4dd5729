//! Standard test problems with their analytic Pareto fronts: ZDT1–4, ZDT6, DTLZ1–2.

mod dtlz;
mod zdt;

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
}

impl TestProblem {
    /// The problem called `name` (`zdt1`…`zdt4`, `zdt6`, `dtlz1`, `dtlz2`; case
    /// insensitive) with its standard number of variables (DTLZ with 3 objectives), or
    /// `None` for an unknown name.
    pub fn by_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
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
        match lower.as_str() {
            "dtlz1" => Some(Self::Dtlz(Dtlz::standard(DtlzKind::Dtlz1, 3))),
            "dtlz2" => Some(Self::Dtlz(Dtlz::standard(DtlzKind::Dtlz2, 3))),
            _ => None,
        }
    }

    /// The names accepted by [`TestProblem::by_name`].
    pub const NAMES: [&'static str; 7] = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2"];

    /// About `points` points of the analytic Pareto front.
    pub fn pareto_front(&self, points: usize) -> Vec<Vec<f64>> {
        match self {
            Self::Zdt(z) => z.pareto_front(points),
            Self::Dtlz(d) => d.pareto_front(points),
        }
    }

    fn inner(&self) -> &dyn RealFunction {
        match self {
            Self::Zdt(z) => z,
            Self::Dtlz(d) => d,
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
}
