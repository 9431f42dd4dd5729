//! Fast non-dominated sorting (Deb et al. 2002), plain or with constrained dominance.
//!
//! The sorter keeps its work buffers between calls, so sorting a population every
//! generation allocates nothing once the buffers have grown to the population size.

use crate::dominance::{self, Dominance};

/// The fronts of one sort: front `k` is `fronts.front(k)` (indices into the sorted points).
#[derive(Debug, Clone, Default)]
pub struct Fronts {
    indices: Vec<u32>,
    starts: Vec<usize>,
}

impl Fronts {
    /// An empty set of fronts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of fronts.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// True when there are no fronts (no points were sorted).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indices of front `k` (0 = non-dominated).
    pub fn front(&self, k: usize) -> &[u32] {
        &self.indices[self.starts[k]..self.starts[k + 1]]
    }

    /// Iterate over the fronts, best first.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(move |k| self.front(k))
    }

    /// The fronts as owned vectors of `usize` indices.
    pub fn to_vecs(&self) -> Vec<Vec<usize>> {
        self.iter()
            .map(|f| f.iter().map(|&i| i as usize).collect())
            .collect()
    }

    fn clear(&mut self) {
        self.indices.clear();
        self.starts.clear();
    }
}

/// Reusable fast non-dominated sorter.
#[derive(Debug, Clone, Default)]
pub struct NonDominatedSorter {
    dominated: Vec<Vec<u32>>,
    count: Vec<u32>,
}

impl NonDominatedSorter {
    /// A sorter with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sort `n = objectives.len() / m` points stored row-major in `objectives`.
    ///
    /// With `violations` (one total violation per point, 0 = feasible) the relation is
    /// Deb's constrained dominance; without, plain Pareto dominance. `ranks`, if given,
    /// receives the front index of every point. Within a front, indices are ascending.
    pub fn sort(
        &mut self,
        objectives: &[f64],
        m: usize,
        violations: Option<&[f64]>,
        fronts: &mut Fronts,
        mut ranks: Option<&mut Vec<u32>>,
    ) {
        fronts.clear();
        let n = objectives.len().checked_div(m).unwrap_or(0);
        if let Some(r) = ranks.as_deref_mut() {
            r.clear();
            r.resize(n, 0);
        }
        if n == 0 {
            return;
        }
        if self.dominated.len() < n {
            self.dominated.resize_with(n, Vec::new);
        }
        for d in &mut self.dominated[..n] {
            d.clear();
        }
        self.count.clear();
        self.count.resize(n, 0);

        for i in 0..n {
            let a = &objectives[i * m..(i + 1) * m];
            for j in (i + 1)..n {
                let b = &objectives[j * m..(j + 1) * m];
                let rel = match violations {
                    Some(v) => dominance::constrained(a, v[i], b, v[j]),
                    None => dominance::pareto(a, b),
                };
                match rel {
                    Dominance::First => {
                        self.dominated[i].push(j as u32);
                        self.count[j] += 1;
                    }
                    Dominance::Second => {
                        self.dominated[j].push(i as u32);
                        self.count[i] += 1;
                    }
                    Dominance::Neither => {}
                }
            }
        }

        fronts.starts.push(0);
        for i in 0..n {
            if self.count[i] == 0 {
                fronts.indices.push(i as u32);
            }
        }
        let mut begin = 0;
        let mut rank = 0u32;
        while begin < fronts.indices.len() {
            let end = fronts.indices.len();
            fronts.starts.push(end);
            for k in begin..end {
                let i = fronts.indices[k] as usize;
                if let Some(r) = ranks.as_deref_mut() {
                    r[i] = rank;
                }
                for t in 0..self.dominated[i].len() {
                    let j = self.dominated[i][t] as usize;
                    self.count[j] -= 1;
                    if self.count[j] == 0 {
                        fronts.indices.push(j as u32);
                    }
                }
            }
            // Keep indices ascending inside the new front for determinism.
            let new_end = fronts.indices.len();
            fronts.indices[end..new_end].sort_unstable();
            begin = end;
            rank += 1;
        }
        if fronts.starts.last() != Some(&fronts.indices.len()) {
            fronts.starts.push(fronts.indices.len());
        }
    }
}

/// Convenience: non-dominated sort of a list of points by Pareto dominance.
///
/// Returns the fronts (best first) as lists of point indices. All points must have the
/// same number of objectives.
pub fn non_dominated_sort(points: &[Vec<f64>]) -> Vec<Vec<usize>> {
    sort_points(points, None)
}

/// Convenience: non-dominated sort with Deb's constrained dominance.
pub fn constrained_non_dominated_sort(points: &[Vec<f64>], violations: &[f64]) -> Vec<Vec<usize>> {
    sort_points(points, Some(violations))
}

fn sort_points(points: &[Vec<f64>], violations: Option<&[f64]>) -> Vec<Vec<usize>> {
    let m = points.first().map_or(0, Vec::len);
    let flat: Vec<f64> = points.iter().flat_map(|p| p.iter().copied()).collect();
    let mut fronts = Fronts::new();
    NonDominatedSorter::new().sort(&flat, m, violations, &mut fronts, None);
    fronts.to_vecs()
}
