//! Worst-case search over the box of the variables, for several metrics at once.
//!
//! The box is `[0, 1]^d` in the coordinates of [`crate::space::Variable::at_box`] (0 and 1 are
//! the ends of each variable's box). The search starts from a given point (the nominal
//! condition, [`crate::Space::nominal_box`]), is deterministic and shares every evaluation
//! between all metrics (each evaluation measures all of them):
//!
//! 1. **screening**: the start, then each variable alone at both ends of its box (up to
//!    `1 + 2d` evaluations): each metric's one-at-a-time sensitivity to each variable;
//! 2. **predicted corners**: for each metric, every variable at the end that made that metric
//!    worse (its start value where neither end did) — the worst corner if the metric is
//!    monotone in each variable without strong interactions;
//! 3. **coordinate search**: from each metric's worst point so far, change one coordinate at a
//!    time on a grid of step 0.5, then 0.25 and 0.125 (most sensitive variables first),
//!    keeping any point that is worse for any metric;
//! 4. **exploration**: if every metric is stuck and budget remains, random corners of the
//!    box drawn from the search's seed (interactions the first phases cannot predict).
//!
//! Points are evaluated in batches of a fixed size (independent of the thread count) in
//! parallel; a point is never evaluated twice.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;
use rayon::prelude::*;
use serde::Serialize;

/// A metric the search makes as bad as it can.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Name (for reports).
    pub name: String,
    /// Whether larger values are worse (else smaller values are).
    pub higher_is_worse: bool,
}

impl Target {
    /// How bad `v` is (larger = worse; NaN is never worse than anything).
    pub fn badness(&self, v: f64) -> f64 {
        if v.is_nan() {
            f64::NEG_INFINITY
        } else if self.higher_is_worse {
            v
        } else {
            -v
        }
    }
}

/// Settings of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchConfig {
    /// Most evaluations.
    pub budget: usize,
    /// Points per parallel batch (fixed, so results do not depend on thread count).
    pub batch: usize,
    /// Seed of the exploration phase.
    pub seed: u64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            budget: 40,
            batch: 8,
            seed: 1,
        }
    }
}

/// Which phase proposed a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The start point (the nominal condition).
    Start,
    /// One variable at one end of its box.
    Screening,
    /// A metric's predicted worst corner.
    Predicted,
    /// One coordinate changed from a metric's worst point.
    Coordinate,
    /// A random corner.
    Exploration,
}

/// One evaluated point of the box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Box coordinates, each in `[0, 1]`.
    pub point: Vec<f64>,
    /// Each target's value there.
    pub values: Vec<f64>,
    /// The phase that proposed it.
    pub phase: Phase,
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    /// Every evaluation, in order.
    pub evaluations: Vec<Evaluation>,
    /// Per target, the index (into `evaluations`) of the worst point found (the earliest of
    /// equals).
    pub worst: Vec<usize>,
    /// Per variable, the indices of the screening points at the low and high end (`None`
    /// when the budget did not reach them).
    pub screening: Vec<[Option<usize>; 2]>,
}

impl SearchResult {
    /// The start point's evaluation (always the first).
    pub fn start(&self) -> Option<&Evaluation> {
        self.evaluations.first()
    }
}

/// Grid key of a point (coordinates in 1/1024ths).
fn key(point: &[f64]) -> Vec<u16> {
    point
        .iter()
        .map(|&t| (t.clamp(0.0, 1.0) * 1024.0).round() as u16)
        .collect()
}

struct State<'a> {
    targets: &'a [Target],
    cfg: &'a SearchConfig,
    seen: HashMap<Vec<u16>, usize>,
    result: SearchResult,
}

impl State<'_> {
    fn remaining(&self) -> usize {
        self.cfg
            .budget
            .saturating_sub(self.result.evaluations.len())
    }

    fn is_new(&self, p: &[f64]) -> bool {
        !self.seen.contains_key(&key(p))
    }

    /// Evaluates the new points among `points` (in order, up to the budget); returns how
    /// many were evaluated.
    fn run(
        &mut self,
        points: Vec<(Vec<f64>, Phase)>,
        eval: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    ) -> usize {
        let mut fresh = Vec::new();
        for (p, phase) in points {
            let k = key(&p);
            if self.seen.contains_key(&k)
                || fresh.iter().any(|f: &(Vec<f64>, Phase, Vec<u16>)| f.2 == k)
            {
                continue;
            }
            if fresh.len() >= self.remaining() {
                break;
            }
            fresh.push((p, phase, k));
        }
        let values: Vec<Vec<f64>> = fresh.par_iter().map(|(p, _, _)| eval(p)).collect();
        let n = fresh.len();
        for ((p, phase, k), v) in fresh.into_iter().zip(values) {
            let i = self.result.evaluations.len();
            self.seen.insert(k, i);
            for (j, t) in self.targets.iter().enumerate() {
                let w = self.result.worst[j];
                let now = v.get(j).copied().unwrap_or(f64::NAN);
                // Worse by more than rounding noise (a flat metric keeps its first point).
                let better_worst = w == usize::MAX || {
                    let old = t.badness(self.result.evaluations[w].values[j]);
                    t.badness(now) > old + 1e-12 * old.abs().max(1.0)
                };
                if better_worst {
                    self.result.worst[j] = i;
                }
            }
            self.result.evaluations.push(Evaluation {
                point: p,
                values: v,
                phase,
            });
        }
        n
    }

    fn badness(&self, i: Option<usize>, j: usize) -> f64 {
        i.map_or(f64::NEG_INFINITY, |i| {
            self.targets[j].badness(self.result.evaluations[i].values[j])
        })
    }
}

/// Searches the box (of `start.len()` dimensions) from `start` for the worst value of every
/// target; `eval` maps a box point to the targets' values (in `targets` order) and is called
/// in parallel.
pub fn search(
    start: &[f64],
    targets: &[Target],
    cfg: &SearchConfig,
    eval: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
) -> SearchResult {
    let dims = start.len();
    let mut st = State {
        targets,
        cfg,
        seen: HashMap::new(),
        result: SearchResult {
            evaluations: Vec::new(),
            worst: vec![usize::MAX; targets.len()],
            screening: vec![[None, None]; dims],
        },
    };
    let centre: Vec<f64> = start.iter().map(|t| t.clamp(0.0, 1.0)).collect();
    // 1. Start and screening, in one set of batches.
    let mut screening = vec![(centre.clone(), Phase::Start)];
    for i in 0..dims {
        for end in [0.0, 1.0] {
            let mut p = centre.clone();
            p[i] = end;
            screening.push((p, Phase::Screening));
        }
    }
    for chunk in screening.chunks(cfg.batch.max(1)) {
        st.run(chunk.to_vec(), eval);
    }
    for i in 0..dims {
        for (e, end) in [0.0, 1.0].into_iter().enumerate() {
            let mut p = centre.clone();
            p[i] = end;
            st.result.screening[i][e] = st.seen.get(&key(&p)).copied();
        }
    }
    if st.result.evaluations.is_empty() {
        st.result.worst.clear();
        return st.result;
    }
    // Sensitivity of target j to variable i: the spread of badness over start and ends.
    let centre_idx = Some(0);
    let sens = |st: &State<'_>, j: usize, i: usize| -> f64 {
        let [lo, hi] = st.result.screening[i];
        let b = [
            st.badness(lo, j),
            st.badness(centre_idx, j),
            st.badness(hi, j),
        ];
        let finite: Vec<f64> = b.into_iter().filter(|x| x.is_finite()).collect();
        if finite.len() < 2 {
            return 0.0;
        }
        let max = finite.iter().copied().fold(f64::MIN, f64::max);
        let min = finite.iter().copied().fold(f64::MAX, f64::min);
        max - min
    };
    // 2. Predicted worst corners.
    let mut predicted = Vec::new();
    for j in 0..targets.len() {
        let c = st.badness(centre_idx, j);
        let p: Vec<f64> = (0..dims)
            .map(|i| {
                let [lo, hi] = st.result.screening[i];
                let (bl, bh) = (st.badness(lo, j), st.badness(hi, j));
                if bh > bl && bh > c {
                    1.0
                } else if bl > c && bl >= bh {
                    0.0
                } else {
                    centre[i]
                }
            })
            .collect();
        predicted.push((p, Phase::Predicted));
    }
    for chunk in predicted.chunks(cfg.batch.max(1)) {
        st.run(chunk.to_vec(), eval);
    }
    // 3. Coordinate search on finer and finer grids.
    let orders: Vec<Vec<usize>> = (0..targets.len())
        .map(|j| {
            let mut o: Vec<usize> = (0..dims).collect();
            o.sort_by(|&a, &b| sens(&st, j, b).total_cmp(&sens(&st, j, a)).then(a.cmp(&b)));
            o
        })
        .collect();
    let mut step = 0.5;
    while st.remaining() > 0 && step >= 0.125 {
        let per = cfg.batch.max(1).div_ceil(targets.len().max(1)).max(1);
        let mut batch = Vec::new();
        for (j, order) in orders.iter().enumerate() {
            let x = &st.result.evaluations[st.result.worst[j]].point;
            let mut taken = 0;
            'vars: for &i in order {
                for delta in [-step, step] {
                    let v = x[i] + delta;
                    if !(-1e-9..=1.0 + 1e-9).contains(&v) {
                        continue;
                    }
                    let mut p = x.clone();
                    p[i] = v.clamp(0.0, 1.0);
                    if st.is_new(&p) && !batch.iter().any(|(q, _)| *q == p) {
                        batch.push((p, Phase::Coordinate));
                        taken += 1;
                        if taken >= per {
                            break 'vars;
                        }
                    }
                }
            }
        }
        if batch.is_empty() {
            step /= 2.0;
            continue;
        }
        batch.truncate(cfg.batch.max(1));
        st.run(batch, eval);
    }
    // 4. Exploration: random corners.
    let mut rng = ChaCha12Rng::seed_from_u64(cfg.seed);
    let mut misses = 0;
    while st.remaining() > 0 && misses < 1000 && dims > 0 {
        let mut batch = Vec::new();
        while batch.len() < cfg.batch.max(1).min(st.remaining()) && misses < 1000 {
            let p: Vec<f64> = (0..dims)
                .map(|_| if rng.random::<bool>() { 1.0 } else { 0.0 })
                .collect();
            if st.is_new(&p) && !batch.iter().any(|(q, _)| *q == p) {
                batch.push((p, Phase::Exploration));
            } else {
                misses += 1;
            }
        }
        if batch.is_empty() {
            break;
        }
        st.run(batch, eval);
    }
    st.result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(n: usize) -> Vec<Target> {
        (0..n)
            .map(|j| Target {
                name: format!("m{j}"),
                higher_is_worse: j % 2 == 0,
            })
            .collect()
    }

    #[test]
    fn finds_the_worst_corner_of_a_monotone_function() {
        // m0 (higher is worse) is largest at (1, 0, 1, 0, 1); m1 (lower is worse) smallest at
        // (0, 0, 1, 1, 0), with different weights: a linear function of 5 variables.
        let f = |p: &[f64]| {
            vec![
                3.0 * p[0] - 2.0 * p[1] + p[2] - 0.5 * p[3] + 0.25 * p[4],
                p[0] + 0.1 * p[1] - p[2] - 2.0 * p[3] + 0.3 * p[4],
            ]
        };
        let cfg = SearchConfig {
            budget: 13,
            ..SearchConfig::default()
        };
        let r = search(&[0.5; 5], &targets(2), &cfg, &f);
        assert_eq!(r.evaluations.len(), 13, "1 + 2*5 screening + 2 predicted");
        assert_eq!(
            r.evaluations[r.worst[0]].point,
            vec![1.0, 0.0, 1.0, 0.0, 1.0]
        );
        assert_eq!(
            r.evaluations[r.worst[1]].point,
            vec![0.0, 0.0, 1.0, 1.0, 0.0]
        );
        assert_eq!(r.evaluations[r.worst[0]].phase, Phase::Predicted);
    }

    #[test]
    fn a_failure_only_in_a_corner_is_found_and_the_centre_misses_it() {
        // Passes (f <= 0.5) everywhere except near the corner (1, 0, 1); the centre (the
        // nominal condition) gives 0.125.
        let f = |p: &[f64]| vec![p[0] * (1.0 - p[1]) * p[2]];
        let r = search(&[0.5; 3], &targets(1), &SearchConfig::default(), &f);
        let centre = r.start().unwrap().values[0];
        assert!(centre <= 0.5, "nominal passes: {centre}");
        let worst = &r.evaluations[r.worst[0]];
        assert_eq!(worst.point, vec![1.0, 0.0, 1.0]);
        assert!(worst.values[0] > 0.5);
    }

    #[test]
    fn screening_starts_from_the_given_point() {
        let f = |p: &[f64]| vec![p[0] + p[1]];
        let cfg = SearchConfig {
            budget: 5,
            ..SearchConfig::default()
        };
        // Start on the low end of the first variable: its low screening point is the start.
        let r = search(&[0.0, 0.25], &targets(1), &cfg, &f);
        assert_eq!(r.evaluations[0].point, vec![0.0, 0.25]);
        assert_eq!(r.evaluations[0].phase, Phase::Start);
        assert_eq!(r.screening[0][0], Some(0));
        assert_eq!(r.evaluations[r.worst[0]].point, vec![1.0, 1.0]);
    }

    #[test]
    fn coordinate_search_climbs_past_a_wrong_prediction() {
        // Non-monotone in p0 (worst at p0 = 0.75), so the prediction from the ends is off and
        // the finer grid finds the interior optimum.
        let f = |p: &[f64]| vec![-(p[0] - 0.75).powi(2) + p[1]];
        let cfg = SearchConfig {
            budget: 30,
            ..SearchConfig::default()
        };
        let r = search(&[0.5; 2], &targets(1), &cfg, &f);
        let w = &r.evaluations[r.worst[0]];
        assert_eq!(w.point, vec![0.75, 1.0]);
    }

    #[test]
    fn interactions_are_found_by_exploration() {
        // Only the corner (0, 1, 1, 0) is bad; every one-at-a-time move is flat.
        let f = |p: &[f64]| {
            let hit = p[0] == 0.0 && p[1] == 1.0 && p[2] == 1.0 && p[3] == 0.0;
            vec![if hit { 1.0 } else { 0.0 }]
        };
        let cfg = SearchConfig {
            budget: 200,
            ..SearchConfig::default()
        };
        let r = search(&[0.5; 4], &targets(1), &cfg, &f);
        assert_eq!(r.evaluations[r.worst[0]].point, vec![0.0, 1.0, 1.0, 0.0]);
        // Every point evaluated once.
        let mut keys: Vec<Vec<u16>> = r.evaluations.iter().map(|e| key(&e.point)).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), r.evaluations.len());
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let f = |p: &[f64]| vec![(p[0] * 7.0).sin() + p[1] * p[2], p[0] - p[2]];
        let cfg = SearchConfig::default();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| search(&[0.5; 3], &targets(2), &cfg, &f));
        let b = two.install(|| search(&[0.5; 3], &targets(2), &cfg, &f));
        assert_eq!(a, b);
        assert!(a.evaluations.len() > 7 && a.evaluations.len() <= cfg.budget);
    }

    #[test]
    fn the_budget_is_respected_even_below_screening() {
        let f = |p: &[f64]| vec![p.iter().sum()];
        let cfg = SearchConfig {
            budget: 4,
            ..SearchConfig::default()
        };
        let r = search(&[0.5; 5], &targets(1), &cfg, &f);
        assert_eq!(r.evaluations.len(), 4);
        assert_eq!(r.screening[0], [Some(1), Some(2)]);
        assert_eq!(r.screening[4], [None, None]);
    }
}
