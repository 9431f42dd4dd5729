//! Pareto archive: the non-dominated set of everything evaluated.
//!
//! Dominance is Deb's constrained dominance, so as soon as one feasible individual has
//! been seen the archive holds only feasible, mutually non-dominated individuals; before
//! that it holds the individuals of least total violation (non-dominated among
//! themselves). Individuals whose objective vector equals a member's are not added.
//! Whether any feasible point exists is explicit: [`Archive::status`],
//! [`Archive::feasible_members`], [`Archive::front`].
//!
//! With a size cap the archive is pruned after every batch ([`Archive::prune`]):
//! the extremes (for each objective, the member with the least value, the earliest
//! member on ties) are never removed; with two objectives the member of smallest
//! crowding distance is removed repeatedly (recomputing after each removal); with three
//! or more, objectives are normalised to the members' range and the unprotected member
//! nearest to another member is removed repeatedly (of the two members of the closest
//! pair, the one nearer to its second-nearest neighbour; SPEA2's truncation), which
//! keeps the spread in many objectives where crowding distance is mostly infinite.
//! Pruning costs O(k · n · m) for k removals from n members; insertion is a scan of the
//! members, so a cap keeps both bounded.

use serde::{Deserialize, Serialize};

use crate::crowding::Crowding;
use crate::dominance::{Dominance, pareto};
use crate::engine::{Front, FrontStatus};
use crate::individual::Individual;

/// The archive. With two objectives and feasible members, members are kept sorted by the
/// first objective so insertion costs O(log n) comparisons.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Archive<G, E> {
    members: Vec<Individual<G, E>>,
    cap: Option<usize>,
    /// The members' objectives, row-major, for cache-friendly scans (rebuilt after
    /// deserialisation).
    #[serde(skip)]
    flat: Vec<f64>,
    /// Pruning's distance matrix, kept between calls (a fresh one of a few MB per
    /// generation costs page faults).
    #[serde(skip)]
    scratch: Vec<f64>,
}

impl<G: Clone, E: Clone> Archive<G, E> {
    /// An empty archive, optionally capped at `cap` members.
    pub fn new(cap: Option<usize>) -> Self {
        Self {
            members: Vec::new(),
            cap,
            flat: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The members (for two feasible objectives: ascending in the first objective).
    pub fn members(&self) -> &[Individual<G, E>] {
        &self.members
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when nothing has been archived.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The size cap, if any.
    pub fn cap(&self) -> Option<usize> {
        self.cap
    }

    /// True when the members are feasible (false for an empty archive).
    pub fn is_feasible(&self) -> bool {
        self.members.first().is_some_and(Individual::is_feasible)
    }

    /// Whether the archive is empty, holds only infeasible points (nothing feasible was
    /// ever offered) or feasible ones.
    pub fn status(&self) -> FrontStatus {
        match self.members.first() {
            None => FrontStatus::Empty,
            Some(i) if i.is_feasible() => FrontStatus::Feasible,
            Some(_) => FrontStatus::Infeasible,
        }
    }

    /// The members if they are feasible; `None` when no feasible point exists.
    pub fn feasible_members(&self) -> Option<&[Individual<G, E>]> {
        self.is_feasible().then_some(self.members.as_slice())
    }

    /// The members with an explicit feasibility status.
    pub fn front(&self) -> Front<'_, G, E> {
        Front {
            status: self.status(),
            members: self.members.iter().collect(),
        }
    }

    /// The objective vectors of the members.
    pub fn objectives(&self) -> Vec<Vec<f64>> {
        self.members.iter().map(|i| i.objectives.clone()).collect()
    }

    /// Offer every individual of `batch`, then apply the cap. Returns how many of the
    /// offered individuals were members after the insertion (before pruning).
    pub fn extend<'a>(&mut self, batch: impl IntoIterator<Item = &'a Individual<G, E>>) -> usize
    where
        G: 'a,
        E: 'a,
    {
        let mut accepted = 0;
        for ind in batch {
            if self.offer(ind) {
                accepted += 1;
            }
        }
        self.prune();
        accepted
    }

    /// Offer one individual (the cap is not applied; see [`Archive::extend`]). Returns
    /// whether it was added; an individual whose number of objectives differs from the
    /// members' is never added.
    pub fn offer(&mut self, ind: &Individual<G, E>) -> bool {
        self.sync_flat();
        let Some(first) = self.members.first() else {
            self.restart_with(ind);
            return true;
        };
        if first.objectives.len() != ind.objectives.len() {
            return false;
        }
        let archive_feasible = first.is_feasible();
        if ind.is_feasible() {
            if !archive_feasible {
                self.restart_with(ind);
                return true;
            }
        } else {
            if archive_feasible || ind.violation > first.violation {
                return false;
            }
            if ind.violation < first.violation {
                self.restart_with(ind);
                return true;
            }
        }
        if ind.objectives.len() == 2 && archive_feasible {
            self.offer_2d(ind)
        } else {
            self.offer_general(ind)
        }
    }

    /// Rebuild the flat objective buffer if it is out of step (after deserialisation).
    fn sync_flat(&mut self) {
        let total = self
            .members
            .first()
            .map_or(0, |m| m.objectives.len() * self.members.len());
        if self.flat.len() != total {
            self.flat.clear();
            for m in &self.members {
                self.flat.extend_from_slice(&m.objectives);
            }
        }
    }

    fn restart_with(&mut self, ind: &Individual<G, E>) {
        self.members.clear();
        self.flat.clear();
        self.members.push(ind.clone());
        self.flat.extend_from_slice(&ind.objectives);
    }

    fn offer_general(&mut self, ind: &Individual<G, E>) -> bool {
        let f = &ind.objectives;
        let m = f.len();
        // One pass. If a member weakly dominates the candidate, no member can be
        // dominated by the candidate (members are mutually non-dominated), so nothing
        // has to be undone when the candidate is rejected.
        // The comparisons of a row are made without early exits (their outcomes are
        // unpredictable; branch-free is about twice as fast with 5 objectives).
        let mut dominated_any = false;
        for row in self.flat.chunks_exact(m) {
            let mut better = false;
            let mut worse = false;
            for (a, b) in f.iter().zip(row) {
                better |= a < b;
                worse |= a > b;
            }
            match (better, worse) {
                (true, false) => dominated_any = true,
                (false, true) => return false,
                // Equal, unless a NaN made every comparison false.
                (false, false) if row == f.as_slice() => return false,
                _ => {}
            }
        }
        if dominated_any {
            let mut write = 0;
            for read in 0..self.members.len() {
                let row = &self.flat[read * m..(read + 1) * m];
                if pareto(f, row) != Dominance::First {
                    self.flat.copy_within(read * m..(read + 1) * m, write * m);
                    self.members.swap(read, write);
                    write += 1;
                }
            }
            self.members.truncate(write);
            self.flat.truncate(write * m);
        }
        self.members.push(ind.clone());
        self.flat.extend_from_slice(f);
        true
    }

    fn offer_2d(&mut self, ind: &Individual<G, E>) -> bool {
        let (x, y) = (ind.objectives[0], ind.objectives[1]);
        // First member whose f1 is > x: its predecessor is the last with f1 <= x.
        let after = self.members.partition_point(|m| m.objectives[0] <= x);
        if after > 0 && self.members[after - 1].objectives[1] <= y {
            return false;
        }
        let start = self.members.partition_point(|m| m.objectives[0] < x);
        let mut end = start;
        while end < self.members.len() && self.members[end].objectives[1] >= y {
            end += 1;
        }
        self.members
            .splice(start..end, std::iter::once(ind.clone()));
        self.flat.splice(2 * start..2 * end, [x, y]);
        true
    }

    /// Apply the cap (see the module documentation for the rule).
    pub fn prune(&mut self) {
        let Some(cap) = self.cap else { return };
        if self.members.len() <= cap {
            return;
        }
        let m = self.members[0].objectives.len();
        if m <= 2 {
            self.prune_crowding(cap, m);
        } else {
            self.prune_nearest(cap, m);
        }
        self.flat.clear();
        for ind in &self.members {
            self.flat.extend_from_slice(&ind.objectives);
        }
    }

    /// For each objective, the member with the least value (earliest on ties) is
    /// protected.
    fn extremes(&self, m: usize) -> Vec<bool> {
        let mut protected = vec![false; self.members.len()];
        for j in 0..m {
            let mut best = 0;
            for (k, ind) in self.members.iter().enumerate() {
                if ind.objectives[j] < self.members[best].objectives[j] {
                    best = k;
                }
            }
            protected[best] = true;
        }
        protected
    }

    fn prune_crowding(&mut self, cap: usize, m: usize) {
        let mut crowding = Crowding::new();
        let mut dist = Vec::new();
        let mut flat: Vec<f64> = Vec::with_capacity(self.members.len() * m);
        let mut idx: Vec<u32> = Vec::new();
        while self.members.len() > cap {
            let protected = self.extremes(m);
            flat.clear();
            for ind in &self.members {
                flat.extend_from_slice(&ind.objectives);
            }
            idx.clear();
            idx.extend(0..self.members.len() as u32);
            crowding.compute(&flat, m, &idx, &mut dist);
            let worst = (0..dist.len())
                .filter(|&k| !protected[k])
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a)));
            let Some(worst) = worst else { break };
            self.members.remove(worst);
        }
    }

    fn prune_nearest(&mut self, cap: usize, m: usize) {
        let n = self.members.len();
        let protected = self.extremes(m);
        let mut lo = vec![f64::INFINITY; m];
        let mut hi = vec![f64::NEG_INFINITY; m];
        for ind in &self.members {
            for (j, &v) in ind.objectives.iter().enumerate() {
                lo[j] = lo[j].min(v);
                hi[j] = hi[j].max(v);
            }
        }
        let mut pts = vec![0.0; n * m];
        for (k, ind) in self.members.iter().enumerate() {
            for (j, &v) in ind.objectives.iter().enumerate() {
                let r = hi[j] - lo[j];
                pts[k * m + j] = if r > 0.0 { (v - lo[j]) / r } else { 0.0 };
            }
        }
        // Full matrix of squared distances (n is at most cap + one batch).
        // Row by row (each distance twice, but sequential writes: mirroring the upper
        // triangle costs a cache miss per entry once the matrix outgrows the cache).
        // Objective-major copy so the inner loop runs over members (vectorises).
        let mut by_objective = vec![0.0; n * m];
        for k in 0..n {
            for j in 0..m {
                by_objective[j * n + k] = pts[k * m + j];
            }
        }
        let mut dist = std::mem::take(&mut self.scratch);
        dist.clear();
        dist.resize(n * n, 0.0);
        for (a, row) in dist.chunks_exact_mut(n).enumerate() {
            for (j, column) in by_objective.chunks_exact(n).enumerate() {
                let pa = pts[a * m + j];
                for (d, &pb) in row.iter_mut().zip(column) {
                    *d += (pb - pa) * (pb - pa);
                }
            }
            // A member is not its own neighbour.
            row[a] = f64::INFINITY;
        }
        // Removed members' columns are set to infinity, so a row's minimum is over the
        // living others.
        // (squared distance, index) of k's nearest living neighbour other than `skip`:
        // the first index of least distance.
        let nearest_of = |dist: &[f64], k: usize, skip: usize| -> (f64, usize) {
            let row = &dist[k * n..(k + 1) * n];
            let mut best = (f64::INFINITY, usize::MAX);
            for (o, &d) in row.iter().enumerate() {
                if d < best.0 && o != skip {
                    best = (d, o);
                }
            }
            best
        };
        let mut alive = vec![true; n];
        let mut nearest: Vec<(f64, usize)> =
            (0..n).map(|k| nearest_of(&dist, k, usize::MAX)).collect();
        let mut left = n;
        while left > cap {
            let mut min = f64::INFINITY;
            for k in 0..n {
                if alive[k] && !protected[k] && nearest[k].0 < min {
                    min = nearest[k].0;
                }
            }
            if !min.is_finite() {
                break;
            }
            // Among the tied, remove the one nearer to its second-nearest neighbour
            // (the later member on a further tie).
            let mut victim = usize::MAX;
            let mut victim_second = f64::INFINITY;
            for k in 0..n {
                if alive[k] && !protected[k] && nearest[k].0 == min {
                    let second = nearest_of(&dist, k, nearest[k].1).0;
                    if victim == usize::MAX || second <= victim_second {
                        victim = k;
                        victim_second = second;
                    }
                }
            }
            alive[victim] = false;
            left -= 1;
            for k in 0..n {
                dist[k * n + victim] = f64::INFINITY;
            }
            for k in 0..n {
                if alive[k] && nearest[k].1 == victim {
                    nearest[k] = nearest_of(&dist, k, usize::MAX);
                }
            }
        }
        self.scratch = dist;
        let mut k = 0;
        self.members.retain(|_| {
            k += 1;
            alive[k - 1]
        });
    }
}
