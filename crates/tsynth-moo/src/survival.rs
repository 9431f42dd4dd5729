//! NSGA-II machinery over a pool of individuals: constrained ranks, crowding distances,
//! binary tournaments by crowded comparison, and elitist survival.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::MooRng;
use crate::crowding::Crowding;
use crate::sorting::{Fronts, NonDominatedSorter};

/// How the last front that does not fit is truncated during survival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Truncation {
    /// Deb's NSGA-II: sort the front once by crowding distance and keep the largest.
    Crowding,
    /// Remove the member of smallest crowding distance one at a time, recomputing the
    /// distances after every removal (better spread, slightly more work).
    #[default]
    IterativeCrowding,
}

/// Reusable buffers for ranking, crowding and survival of a pool of individuals.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    sorter: NonDominatedSorter,
    fronts: Fronts,
    crowding: Crowding,
    objectives: Vec<f64>,
    violations: Vec<f64>,
    m: usize,
    ranks: Vec<u32>,
    distance: Vec<f64>,
    front_distance: Vec<f64>,
    members: Vec<u32>,
    order: Vec<u32>,
}

impl Workspace {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Load a pool: `(objectives, violation)` for every member, all with `m` objectives.
    /// Then ranks them (constrained non-dominated sort) and computes crowding distances
    /// within each front.
    pub fn load<'a>(&mut self, m: usize, pool: impl IntoIterator<Item = (&'a [f64], f64)>) {
        self.m = m;
        self.objectives.clear();
        self.violations.clear();
        for (f, v) in pool {
            self.objectives.extend_from_slice(f);
            self.violations.push(v);
        }
        let n = self.violations.len();
        self.sorter.sort(
            &self.objectives,
            m,
            Some(&self.violations),
            &mut self.fronts,
            Some(&mut self.ranks),
        );
        self.distance.clear();
        self.distance.resize(n, 0.0);
        for k in 0..self.fronts.len() {
            let front = self.fronts.front(k);
            self.crowding
                .compute(&self.objectives, m, front, &mut self.front_distance);
            for (t, &i) in front.iter().enumerate() {
                self.distance[i as usize] = self.front_distance[t];
            }
        }
    }

    /// Number of loaded members.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// True when the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// Front index of member `i` (0 = best).
    pub fn rank(&self, i: usize) -> u32 {
        self.ranks[i]
    }

    /// Crowding distance of member `i` within its front.
    pub fn crowding(&self, i: usize) -> f64 {
        self.distance[i]
    }

    /// The fronts of the loaded pool.
    pub fn fronts(&self) -> &Fronts {
        &self.fronts
    }

    /// Binary tournament by crowded comparison: lower rank wins, then larger crowding
    /// distance, then a fair coin. Returns the winner's index. The pool must not be empty.
    pub fn tournament(&self, rng: &mut MooRng) -> usize {
        let n = self.len();
        let a = rng.random_range(0..n);
        if n == 1 {
            return a;
        }
        let mut b = rng.random_range(0..n - 1);
        if b >= a {
            b += 1;
        }
        let (ra, rb) = (self.ranks[a], self.ranks[b]);
        if ra != rb {
            return if ra < rb { a } else { b };
        }
        let (da, db) = (self.distance[a], self.distance[b]);
        if da > db {
            a
        } else if db > da {
            b
        } else if rng.random::<bool>() {
            a
        } else {
            b
        }
    }

    /// Indices (ascending) of the `n` members NSGA-II keeps: whole fronts best first, the
    /// last one truncated by crowding distance.
    pub fn survivors(&mut self, n: usize, truncation: Truncation, out: &mut Vec<u32>) {
        out.clear();
        if self.len() <= n {
            out.extend(0..self.len() as u32);
            return;
        }
        for k in 0..self.fronts.len() {
            let front = self.fronts.front(k);
            if out.len() + front.len() <= n {
                out.extend_from_slice(front);
                if out.len() == n {
                    break;
                }
                continue;
            }
            let need = n - out.len();
            self.members.clear();
            self.members.extend_from_slice(front);
            match truncation {
                Truncation::Crowding => {
                    self.order.clear();
                    self.order.extend(0..self.members.len() as u32);
                    let dist = &self.distance;
                    let members = &self.members;
                    self.order.sort_unstable_by(|&a, &b| {
                        let (ia, ib) = (members[a as usize], members[b as usize]);
                        dist[ib as usize]
                            .total_cmp(&dist[ia as usize])
                            .then(ia.cmp(&ib))
                    });
                    out.extend(self.order[..need].iter().map(|&t| self.members[t as usize]));
                }
                Truncation::IterativeCrowding => {
                    while self.members.len() > need {
                        self.crowding.compute(
                            &self.objectives,
                            self.m,
                            &self.members,
                            &mut self.front_distance,
                        );
                        let d = &self.front_distance;
                        let worst = (0..d.len())
                            .min_by(|&a, &b| d[a].total_cmp(&d[b]).then(b.cmp(&a)))
                            .unwrap_or(0);
                        self.members.remove(worst);
                    }
                    out.extend_from_slice(&self.members);
                }
            }
            break;
        }
        out.sort_unstable();
    }
}
