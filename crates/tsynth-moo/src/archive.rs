//! Pareto archive: the non-dominated set of everything evaluated.
//!
//! Dominance is Deb's constrained dominance, so as soon as one feasible individual has
//! been seen the archive holds only feasible, mutually non-dominated individuals; before
//! that it holds the individuals of least total violation (non-dominated among
//! themselves). Individuals whose objective vector equals a member's are not added.
//! With a size cap, the member of smallest crowding distance is removed repeatedly
//! (recomputing distances after each removal) until the cap holds.

use serde::{Deserialize, Serialize};

use crate::crowding::Crowding;
use crate::dominance::{Dominance, pareto};
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
}

impl<G: Clone, E: Clone> Archive<G, E> {
    /// An empty archive, optionally capped at `cap` members.
    pub fn new(cap: Option<usize>) -> Self {
        Self {
            members: Vec::new(),
            cap,
            flat: Vec::new(),
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
        let mut dominated_any = false;
        for row in self.flat.chunks_exact(m) {
            match pareto(f, row) {
                Dominance::First => dominated_any = true,
                Dominance::Second => return false,
                Dominance::Neither if row == f.as_slice() => return false,
                Dominance::Neither => {}
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

    /// Remove members of smallest crowding distance until the cap holds.
    pub fn prune(&mut self) {
        let Some(cap) = self.cap else { return };
        if self.members.len() <= cap {
            return;
        }
        let m = self.members[0].objectives.len();
        let mut crowding = Crowding::new();
        let mut dist = Vec::new();
        let mut flat: Vec<f64> = Vec::with_capacity(self.members.len() * m);
        let mut idx: Vec<u32> = Vec::new();
        while self.members.len() > cap {
            flat.clear();
            for ind in &self.members {
                flat.extend_from_slice(&ind.objectives);
            }
            idx.clear();
            idx.extend(0..self.members.len() as u32);
            crowding.compute(&flat, m, &idx, &mut dist);
            let worst = (0..dist.len())
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            self.members.remove(worst);
        }
        self.flat.clear();
        for ind in &self.members {
            self.flat.extend_from_slice(&ind.objectives);
        }
    }
}
