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

    /// Rebuild the fronts from known ranks (`ranks[i]` = front of point `i`, every rank
    /// below the largest occupied): indices ascending within each front, as `sort` gives.
    pub(crate) fn set_from_ranks(&mut self, ranks: &[u32]) {
        self.clear();
        let fronts = ranks.iter().max().map_or(0, |&r| r as usize + 1);
        let mut counts = vec![0usize; fronts];
        for &r in ranks {
            counts[r as usize] += 1;
        }
        self.starts.push(0);
        for c in &counts {
            let last = *self.starts.last().unwrap_or(&0);
            self.starts.push(last + c);
        }
        self.indices.resize(ranks.len(), 0);
        let mut next: Vec<usize> = self.starts[..fronts].to_vec();
        for (i, &r) in ranks.iter().enumerate() {
            self.indices[next[r as usize]] = i as u32;
            next[r as usize] += 1;
        }
    }
}

/// Reusable fast non-dominated sorter.
#[derive(Debug, Clone, Default)]
pub struct NonDominatedSorter {
    dominated: Vec<Vec<u32>>,
    count: Vec<u32>,
    order: Vec<u32>,
    last: Vec<(f64, f64)>,
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
        if m == 2 {
            self.sort_2d(objectives, violations, fronts, ranks);
            return;
        }
        if m >= 3 {
            self.sort_ens(objectives, m, violations, fronts, ranks);
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

impl NonDominatedSorter {
    /// Three or more objectives: efficient non-dominated sort with binary search over
    /// the fronts (ENS-BS, Zhang, Tian, Cheng & Jin 2015). Feasible points in
    /// lexicographic order join the first front none of whose members dominates them;
    /// only an earlier point can dominate a later one, and if a front dominates a point
    /// so does every earlier front, so the front is found by bisection. Infeasible points
    /// form one front per distinct violation after the feasible ones, as with
    /// constrained dominance. The fronts equal those of the O(M·N²) sort.
    fn sort_ens(
        &mut self,
        objectives: &[f64],
        m: usize,
        violations: Option<&[f64]>,
        fronts: &mut Fronts,
        ranks: Option<&mut Vec<u32>>,
    ) {
        let n = objectives.len() / m;
        let feasible = |i: usize| violations.is_none_or(|v| v[i] <= 0.0);
        let row = |i: u32| &objectives[i as usize * m..(i as usize + 1) * m];
        self.order.clear();
        self.order
            .extend((0..n as u32).filter(|&i| feasible(i as usize)));
        // Lexicographic by numeric value (−0 equals +0, as for dominance).
        self.order.sort_unstable_by(|&a, &b| {
            let (ra, rb) = (row(a), row(b));
            for (x, y) in ra.iter().zip(rb) {
                let c = x.partial_cmp(y).unwrap_or_else(|| x.total_cmp(y));
                if c.is_ne() {
                    return c;
                }
            }
            a.cmp(&b)
        });
        for d in &mut self.dominated {
            d.clear();
        }
        let mut used = 0usize;
        // `q` precedes `p` lexicographically: q dominates p iff q ≤ p everywhere and
        // they differ.
        // Branch-free over the objectives (the outcome of each comparison is
        // unpredictable, an early exit costs more in mispredictions than it saves).
        let dominates = |q: &[f64], p: &[f64]| {
            let mut worse = false;
            let mut strict = false;
            for (a, b) in q.iter().zip(p) {
                worse |= a > b;
                strict |= a < b;
            }
            strict & !worse
        };
        for t in 0..self.order.len() {
            let i = self.order[t];
            let p = row(i);
            let (mut lo, mut hi) = (0usize, used);
            while lo < hi {
                let mid = (lo + hi) / 2;
                let beaten = self.dominated[mid]
                    .iter()
                    .rev()
                    .any(|&q| dominates(row(q), p));
                if beaten {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if lo == used {
                if self.dominated.len() == used {
                    self.dominated.push(Vec::new());
                }
                used += 1;
            }
            self.dominated[lo].push(i);
        }
        self.finish(used, n, violations, fronts, ranks);
    }

    /// Shared by both sorts: the `feasible_fronts` buckets of `self.dominated` become the
    /// first fronts (indices ascending), then one front per distinct violation of the
    /// infeasible points (smallest first), then `ranks` from the fronts.
    fn finish(
        &mut self,
        feasible_fronts: usize,
        n: usize,
        violations: Option<&[f64]>,
        fronts: &mut Fronts,
        ranks: Option<&mut Vec<u32>>,
    ) {
        fronts.starts.push(0);
        for k in 0..feasible_fronts {
            let bucket = &mut self.dominated[k];
            bucket.sort_unstable();
            fronts.indices.extend_from_slice(bucket);
            fronts.starts.push(fronts.indices.len());
        }
        if let Some(v) = violations {
            self.order.clear();
            self.order
                .extend((0..n as u32).filter(|&i| v[i as usize] > 0.0));
            self.order
                .sort_unstable_by(|&a, &b| v[a as usize].total_cmp(&v[b as usize]).then(a.cmp(&b)));
            let mut t = 0;
            while t < self.order.len() {
                let level = v[self.order[t] as usize];
                while t < self.order.len() && v[self.order[t] as usize] == level {
                    fronts.indices.push(self.order[t]);
                    t += 1;
                }
                fronts.starts.push(fronts.indices.len());
            }
        }
        if let Some(r) = ranks {
            for k in 0..fronts.len() {
                for &i in fronts.front(k) {
                    r[i as usize] = k as u32;
                }
            }
        }
    }

    /// Two objectives: O(n log n + n·F) for F fronts. Feasible points in lexicographic
    /// order join the first front whose most recent member does not dominate them (that
    /// member has the smallest second objective of its front so far); infeasible points
    /// form one front per distinct violation, after the feasible fronts.
    fn sort_2d(
        &mut self,
        objectives: &[f64],
        violations: Option<&[f64]>,
        fronts: &mut Fronts,
        ranks: Option<&mut Vec<u32>>,
    ) {
        let n = objectives.len() / 2;
        let feasible = |i: usize| violations.is_none_or(|v| v[i] <= 0.0);
        self.order.clear();
        self.order
            .extend((0..n as u32).filter(|&i| feasible(i as usize)));
        let f = |i: u32| (objectives[2 * i as usize], objectives[2 * i as usize + 1]);
        self.order.sort_unstable_by(|&a, &b| {
            let (fa, fb) = (f(a), f(b));
            fa.0.total_cmp(&fb.0)
                .then(fa.1.total_cmp(&fb.1))
                .then(a.cmp(&b))
        });
        self.last.clear();
        for d in &mut self.dominated {
            d.clear();
        }
        for t in 0..self.order.len() {
            let i = self.order[t];
            let p = f(i);
            let k = self
                .last
                .iter()
                .position(|&q| !(q.1 <= p.1 && q != p))
                .unwrap_or(self.last.len());
            if k == self.last.len() {
                self.last.push(p);
                if self.dominated.len() <= k {
                    self.dominated.push(Vec::new());
                }
            } else {
                self.last[k] = p;
            }
            self.dominated[k].push(i);
        }
        let feasible_fronts = self.last.len();
        self.finish(feasible_fronts, n, violations, fronts, ranks);
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
