//! Survival machinery over a pool of individuals: constrained ranks, crowding distances,
//! binary tournaments, and elitist survival by rank with crowding (NSGA-II), reference
//! directions (NSGA-III, [`crate::nsga3`]) or hypervolume contributions (SMS-EMOA).

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::MooRng;
use crate::crowding::Crowding;
use crate::hypervolume::hypervolume_contributions;
use crate::nsga3::{self, Normalize, Nsga3Memory, ReferenceDirections};
use crate::selection::{TournamentRule, compare};
use crate::sorting::{Fronts, NonDominatedSorter};

/// How the population is cut back to its size after each generation. Every strategy
/// first takes whole fronts of Deb's constrained non-dominated sort, best first (so
/// feasible before infeasible, infeasible by total violation); they differ in how the
/// last front that does not fit is truncated when it is feasible (an infeasible last
/// front is always truncated by crowding distance).
///
/// Select it through [`crate::EngineConfig::survival`]; with [`Survival::Auto`] (the
/// default) the rule is: **2 objectives (or 1): [`Survival::RankCrowding`]; 3 or more:
/// [`Survival::Nsga3`] with [`ReferenceDirections::Auto`]**. Crowding distance loses its
/// meaning as objectives grow (almost every point is on the boundary of some objective),
/// reference directions keep the spread (side by side with pymoo, NSGA-III wins on the
/// 3-objective constrained problems as well, see `BENCHMARKS.md`); exact hypervolume
/// contributions cost too much beyond three objectives to be the default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Survival {
    /// Chosen by the number of objectives, see the type's documentation.
    #[default]
    Auto,
    /// NSGA-II: the last front truncated by crowding distance as set by
    /// [`crate::EngineConfig::truncation`]; crowded-comparison tournaments.
    RankCrowding,
    /// NSGA-III: the last front chosen by reference-direction niching after
    /// normalisation ([`crate::nsga3`]); tournaments by rank, then a coin.
    Nsga3 {
        /// The reference directions.
        #[serde(default)]
        directions: ReferenceDirections,
        /// How objectives are normalised before association (default Deb & Jain's).
        #[serde(default)]
        normalize: Normalize,
    },
    /// SMS-EMOA-style: the member of least exclusive hypervolume contribution is removed
    /// from the last front one at a time (contributions recomputed after each removal),
    /// objectives normalised to the last front's own range and the reference point at
    /// 1.1 in each normalised objective; tournaments by rank, then a coin. Exact and
    /// fast for 2 objectives, usable for 3, very slow beyond.
    SmsEmoa,
}

impl Survival {
    /// The survival of checkpoints written before the setting existed (their engine
    /// always used rank and crowding): used as the serde default so they resume exactly.
    pub fn legacy() -> Self {
        Self::RankCrowding
    }

    /// The concrete strategy for `m` objectives ([`Survival::Auto`] resolved).
    pub fn resolve(&self, m: usize) -> Survival {
        match self {
            Self::Auto if m <= 2 => Self::RankCrowding,
            Self::Auto => Self::Nsga3 {
                directions: ReferenceDirections::Auto,
                normalize: Normalize::default(),
            },
            other => other.clone(),
        }
    }

    /// How tournaments compare entrants under this (resolved) strategy.
    pub fn tournament_rule(&self) -> TournamentRule {
        match self {
            Self::Auto | Self::RankCrowding => TournamentRule::RankCrowding,
            Self::Nsga3 { .. } | Self::SmsEmoa => TournamentRule::Rank,
        }
    }
}

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
        self.fill(m, pool);
        self.sorter.sort(
            &self.objectives,
            m,
            Some(&self.violations),
            &mut self.fronts,
            Some(&mut self.ranks),
        );
        self.crowd();
    }

    /// Like [`Workspace::load`] for a pool whose constrained ranks are already known
    /// (e.g. the survivors of the last survival: whole fronts plus part of the next,
    /// whose ranks among themselves equal their ranks in the larger pool). `ranks` must
    /// be exactly what a sort would give; then everything is as after `load`.
    pub fn load_ranked<'a>(
        &mut self,
        m: usize,
        pool: impl IntoIterator<Item = (&'a [f64], f64)>,
        ranks: &[u32],
    ) {
        self.fill(m, pool);
        debug_assert_eq!(ranks.len(), self.violations.len());
        self.ranks.clear();
        self.ranks.extend_from_slice(ranks);
        self.fronts.set_from_ranks(ranks);
        self.crowd();
    }

    fn fill<'a>(&mut self, m: usize, pool: impl IntoIterator<Item = (&'a [f64], f64)>) {
        self.m = m;
        self.objectives.clear();
        self.violations.clear();
        for (f, v) in pool {
            self.objectives.extend_from_slice(f);
            self.violations.push(v);
        }
    }

    fn crowd(&mut self) {
        let m = self.m;
        let n = self.violations.len();
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

    /// Winner of a tournament between members `a` and `b` under `rule`.
    pub fn compete(&self, rule: TournamentRule, a: usize, b: usize, rng: &mut MooRng) -> usize {
        compare(
            rule,
            a,
            b,
            &self.ranks,
            &self.distance,
            &self.violations,
            rng,
        )
    }

    /// Indices (ascending) of the `n` members kept under the resolved strategy
    /// `survival` ([`Survival::Auto`] is treated as rank and crowding). `memory` is
    /// NSGA-III's ideal point and extreme points so far (updated here);
    /// `directions` are NSGA-III's reference directions.
    #[allow(clippy::too_many_arguments)]
    pub fn survivors_with(
        &mut self,
        n: usize,
        survival: &Survival,
        truncation: Truncation,
        directions: &[Vec<f64>],
        memory: &mut Nsga3Memory,
        rng: &mut MooRng,
        out: &mut Vec<u32>,
    ) {
        match survival {
            Survival::Auto | Survival::RankCrowding => self.survivors(n, truncation, out),
            Survival::Nsga3 { normalize, .. } => {
                self.survivors_nsga3(n, *normalize, directions, memory, rng, out)
            }
            Survival::SmsEmoa => self.survivors_sms(n, out),
        }
    }

    fn update_ideal(&self, ideal: &mut Option<Vec<f64>>) {
        let m = self.m;
        for (k, &v) in self.violations.iter().enumerate() {
            if v > 0.0 {
                continue;
            }
            let f = &self.objectives[k * m..(k + 1) * m];
            match ideal {
                Some(z) if z.len() == m => {
                    for (zi, fi) in z.iter_mut().zip(f) {
                        if fi < zi {
                            *zi = *fi;
                        }
                    }
                }
                _ => *ideal = Some(f.to_vec()),
            }
        }
    }

    /// Whole fronts into `out` while they fit; returns the index of the front that does
    /// not fit entirely, or `None` when exactly `n` were taken.
    fn whole_fronts(&self, n: usize, out: &mut Vec<u32>) -> Option<usize> {
        for k in 0..self.fronts.len() {
            let front = self.fronts.front(k);
            if out.len() + front.len() <= n {
                out.extend_from_slice(front);
                if out.len() == n {
                    return None;
                }
                continue;
            }
            return Some(k);
        }
        None
    }

    /// The common start of every survival: when everybody fits, or whole fronts fill
    /// exactly `n`, `out` holds the survivors (ascending) and `None` is returned; otherwise
    /// `out` holds the whole fronts that fit and the index of the front to choose from.
    fn split_front(&self, n: usize, out: &mut Vec<u32>) -> Option<usize> {
        out.clear();
        if self.len() <= n {
            out.extend(0..self.len() as u32);
            return None;
        }
        let last = self.whole_fronts(n, out);
        if last.is_none() {
            out.sort_unstable();
        }
        last
    }

    fn survivors_nsga3(
        &mut self,
        n: usize,
        rule: Normalize,
        directions: &[Vec<f64>],
        memory: &mut Nsga3Memory,
        rng: &mut MooRng,
        out: &mut Vec<u32>,
    ) {
        let m = self.m;
        let any_feasible =
            !self.fronts.is_empty() && self.violations[self.fronts.front(0)[0] as usize] <= 0.0;
        // Hyperplane: the normalisation is updated at every survival that sees a feasible
        // candidate, whether or not the last front has to be split (as in pymoo), so the
        // ideal, worst and extreme points follow the whole run. Deb & Jain: only the
        // ideal point is updated here, the rest when a front is split.
        let mut norm = None;
        if any_feasible {
            match rule {
                Normalize::Hyperplane if !directions.is_empty() => {
                    let mut pool = std::mem::take(&mut self.members);
                    pool.clear();
                    pool.extend(
                        (0..self.len() as u32).filter(|&k| self.violations[k as usize] <= 0.0),
                    );
                    norm = Some(nsga3::normalize_hyperplane(
                        &self.objectives,
                        m,
                        &pool,
                        self.fronts.front(0),
                        memory,
                    ));
                    self.members = pool;
                }
                Normalize::Hyperplane => {}
                Normalize::DebJain => self.update_ideal(&mut memory.ideal),
            }
        }
        let Some(last) = self.split_front(n, out) else {
            return;
        };
        let front = self.fronts.front(last);
        let feasible = self.violations[front[0] as usize] <= 0.0;
        if rule == Normalize::DebJain
            && feasible
            && !directions.is_empty()
            && let Some(ideal) = memory.ideal.as_deref()
        {
            let mut st: Vec<u32> = out.clone();
            st.extend_from_slice(front);
            let dj = nsga3::normalize_with(
                &self.objectives,
                m,
                &st,
                self.fronts.front(0),
                ideal,
                &memory.extremes,
            );
            memory.extremes.clone_from(&dj.extreme_points);
            norm = Some(dj);
        }
        let (Some(norm), true) = (norm, feasible) else {
            // Infeasible last front: its members share one violation (the constrained
            // sort gives every violation its own front), so which of them survive only
            // matters for diversity: crowding distance. pymoo sorts by violation alone.
            self.truncate_last(n, last, Truncation::Crowding, out);
            out.sort_unstable();
            return;
        };
        let selected = out.len();
        let mut st: Vec<u32> = out.clone();
        st.extend_from_slice(front);
        let mut normalized = vec![0.0; st.len() * m];
        for (t, &k) in st.iter().enumerate() {
            let k = k as usize;
            norm.apply(
                &self.objectives[k * m..(k + 1) * m],
                &mut normalized[t * m..(t + 1) * m],
            );
        }
        let assoc = nsga3::associate(&normalized, m, directions);
        let mut counts = vec![0u32; directions.len()];
        for &(j, _) in &assoc[..selected] {
            counts[j as usize] += 1;
        }
        let candidates: Vec<(u32, u32, f64)> = st[selected..]
            .iter()
            .zip(&assoc[selected..])
            .map(|(&k, &(j, d))| (k, j, d))
            .collect();
        let chosen = nsga3::niching(n - selected, &mut counts, &candidates, rng);
        out.extend_from_slice(&chosen);
        out.sort_unstable();
    }

    fn survivors_sms(&mut self, n: usize, out: &mut Vec<u32>) {
        let Some(last) = self.split_front(n, out) else {
            return;
        };
        let front = self.fronts.front(last);
        if self.violations[front[0] as usize] > 0.0 {
            self.truncate_last(n, last, Truncation::Crowding, out);
            out.sort_unstable();
            return;
        }
        let m = self.m;
        let need = n - out.len();
        let row = |k: u32| &self.objectives[k as usize * m..][..m];
        let mut lo = vec![f64::INFINITY; m];
        let mut hi = vec![f64::NEG_INFINITY; m];
        for &k in front {
            for (i, &v) in row(k).iter().enumerate() {
                lo[i] = lo[i].min(v);
                hi[i] = hi[i].max(v);
            }
        }
        let mut members: Vec<u32> = front.to_vec();
        let mut points: Vec<Vec<f64>> = members
            .iter()
            .map(|&k| {
                row(k)
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let r = hi[i] - lo[i];
                        if r > 0.0 { (v - lo[i]) / r } else { 0.0 }
                    })
                    .collect()
            })
            .collect();
        let reference = vec![1.1; m];
        while members.len() > need {
            let contrib = hypervolume_contributions(&points, &reference)
                .expect("finite normalised points of equal dimension");
            let worst = (0..contrib.len())
                .min_by(|&a, &b| contrib[a].total_cmp(&contrib[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            members.remove(worst);
            points.remove(worst);
        }
        out.extend_from_slice(&members);
        out.sort_unstable();
    }

    /// Binary tournament by crowded comparison between two independently drawn random
    /// entrants: lower rank wins, then larger crowding distance, then a fair coin.
    /// Returns the winner's index. The pool must not be empty. (The engine no longer uses
    /// it: its entrants come from [`crate::selection::PermutationTournament`], so that
    /// every member competes; with independent draws about 13.5% never do.)
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
        if let Some(last) = self.split_front(n, out) {
            self.truncate_last(n, last, truncation, out);
            out.sort_unstable();
        }
    }

    /// Fill `out` up to `n` from front `last` by crowding distance.
    fn truncate_last(&mut self, n: usize, last: usize, truncation: Truncation, out: &mut Vec<u32>) {
        let front = self.fronts.front(last);
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
    }
}
