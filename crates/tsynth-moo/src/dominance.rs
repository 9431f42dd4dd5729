//! Pareto dominance and Deb's constrained dominance (all objectives minimised).

use std::cmp::Ordering;

/// Outcome of comparing two points by a dominance relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dominance {
    /// The first point dominates the second.
    First,
    /// The second point dominates the first.
    Second,
    /// Neither dominates the other (includes identical points).
    Neither,
}

/// Pareto dominance between two objective vectors of equal length (minimisation).
///
/// `a` dominates `b` when it is no worse in every objective and strictly better in one.
#[inline]
pub fn pareto(a: &[f64], b: &[f64]) -> Dominance {
    debug_assert_eq!(a.len(), b.len());
    let mut a_better = false;
    let mut b_better = false;
    for (x, y) in a.iter().zip(b) {
        if x < y {
            a_better = true;
            if b_better {
                return Dominance::Neither;
            }
        } else if y < x {
            b_better = true;
            if a_better {
                return Dominance::Neither;
            }
        }
    }
    match (a_better, b_better) {
        (true, false) => Dominance::First,
        (false, true) => Dominance::Second,
        _ => Dominance::Neither,
    }
}

/// True when `a` Pareto-dominates `b`.
#[inline]
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    pareto(a, b) == Dominance::First
}

/// True when `a` weakly dominates `b` (no worse in every objective).
#[inline]
pub fn weakly_dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

/// Deb's constrained dominance.
///
/// `va` and `vb` are total constraint violations (0 = feasible). A feasible point beats an
/// infeasible one; two infeasible points compare by total violation alone (smaller wins,
/// equal violations: neither); two feasible points compare by Pareto dominance.
#[inline]
pub fn constrained(a: &[f64], va: f64, b: &[f64], vb: f64) -> Dominance {
    let fa = va <= 0.0;
    let fb = vb <= 0.0;
    match (fa, fb) {
        (true, true) => pareto(a, b),
        (true, false) => Dominance::First,
        (false, true) => Dominance::Second,
        (false, false) => match va.partial_cmp(&vb) {
            Some(Ordering::Less) => Dominance::First,
            Some(Ordering::Greater) => Dominance::Second,
            _ => Dominance::Neither,
        },
    }
}
