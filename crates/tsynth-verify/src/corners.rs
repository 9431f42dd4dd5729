//! Corner extraction: a small set of evaluated points that together reproduce the worst case
//! of every target, for a later synthesis to score candidates on.
//!
//! A point *covers* a target when its value there is within `tolerance` (a share, default
//! 10%) of the target's observed range from the worst value found: `badness ≥ worst −
//! tolerance · (worst − best)`, over every evaluation of the search. A target whose value
//! never changed is covered by any point. Corners are chosen greedily: each time the point
//! covering the most targets not yet covered (ties: the larger total closeness to the worst
//! values of the targets it covers, then the earlier evaluation), until every target is covered or
//! `max_corners` are chosen.

use serde::Serialize;

use crate::worst::{SearchResult, Target};

/// Default tolerance of a cover.
pub const DEFAULT_TOLERANCE: f64 = 0.1;

/// One extracted corner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corner {
    /// The evaluation (index into the search's evaluations).
    pub evaluation: usize,
    /// The targets (indices) whose worst case it reproduces and that no earlier corner did.
    pub covers: Vec<usize>,
    /// Every target it reproduces (including those an earlier corner already did).
    pub reproduces: Vec<usize>,
}

/// The chosen corners and the targets left uncovered when `max_corners` ran out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cover {
    /// Corners, in the order chosen.
    pub corners: Vec<Corner>,
    /// Targets no chosen corner reproduces.
    pub uncovered: Vec<usize>,
    /// The tolerance used.
    pub tolerance: f64,
}

/// Whether evaluation `i` reproduces target `j`'s worst case, and how close it is (1 =
/// the worst value, 0 = the best).
fn closeness(result: &SearchResult, targets: &[Target], i: usize, j: usize) -> f64 {
    let b = |k: usize| targets[j].badness(result.evaluations[k].values[j]);
    let worst = b(result.worst[j]);
    let best = (0..result.evaluations.len())
        .map(b)
        .filter(|x| x.is_finite())
        .fold(f64::INFINITY, f64::min);
    let spread = worst - best;
    if !spread.is_finite() || spread <= 0.0 {
        return 1.0;
    }
    (b(i) - best) / spread
}

/// Greedy cover of every target's worst case by at most `max_corners` evaluations.
pub fn extract(
    result: &SearchResult,
    targets: &[Target],
    max_corners: usize,
    tolerance: f64,
) -> Cover {
    let n = result.evaluations.len();
    let m = targets.len().min(result.worst.len());
    let close: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..m).map(|j| closeness(result, targets, i, j)).collect())
        .collect();
    let reproduces = |i: usize, j: usize| close[i][j] >= 1.0 - tolerance - 1e-12;
    let mut uncovered: Vec<usize> = (0..m).collect();
    let mut corners = Vec::new();
    while !uncovered.is_empty() && corners.len() < max_corners {
        let mut best: Option<(usize, usize, f64)> = None;
        for (i, row) in close.iter().enumerate() {
            if corners.iter().any(|c: &Corner| c.evaluation == i) {
                continue;
            }
            let count = uncovered.iter().filter(|&&j| reproduces(i, j)).count();
            if count == 0 {
                continue;
            }
            let score: f64 = uncovered
                .iter()
                .filter(|&&j| reproduces(i, j))
                .map(|&j| row[j])
                .sum();
            let better = match best {
                None => true,
                Some((_, c, s)) => count > c || (count == c && score > s + 1e-12),
            };
            if better {
                best = Some((i, count, score));
            }
        }
        let Some((i, _, _)) = best else { break };
        let covers: Vec<usize> = uncovered
            .iter()
            .copied()
            .filter(|&j| reproduces(i, j))
            .collect();
        uncovered.retain(|j| !covers.contains(j));
        corners.push(Corner {
            evaluation: i,
            covers,
            reproduces: (0..m).filter(|&j| reproduces(i, j)).collect(),
        });
    }
    Cover {
        corners,
        uncovered,
        tolerance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worst::{SearchConfig, search};

    fn t(name: &str, higher: bool) -> Target {
        Target {
            name: name.into(),
            higher_is_worse: higher,
        }
    }

    #[test]
    fn two_corners_cover_four_metrics_with_two_worst_points() {
        // a and b are worst at (1, 1, 0); c and d at (0, 0, 1).
        let f = |p: &[f64]| {
            let s = p[0] + p[1] - p[2];
            vec![s, 2.0 * s + 0.01 * p[2], -s, -s + 0.001 * p[0]]
        };
        let targets = [t("a", true), t("b", true), t("c", true), t("d", true)];
        let r = search(&[0.5; 3], &targets, &SearchConfig::default(), &f);
        let cover = extract(&r, &targets, 8, DEFAULT_TOLERANCE);
        assert_eq!(cover.corners.len(), 2, "{cover:?}");
        assert!(cover.uncovered.is_empty());
        let points: Vec<&Vec<f64>> = cover
            .corners
            .iter()
            .map(|c| &r.evaluations[c.evaluation].point)
            .collect();
        assert!(points.contains(&&vec![1.0, 1.0, 0.0]), "{points:?}");
        assert!(points.contains(&&vec![0.0, 0.0, 1.0]), "{points:?}");
        let all: usize = cover.corners.iter().map(|c| c.covers.len()).sum();
        assert_eq!(all, 4);
    }

    #[test]
    fn max_corners_leaves_the_rest_uncovered() {
        let f = |p: &[f64]| vec![p[0], -p[0] + p[1], -p[1]];
        let targets = [t("a", true), t("b", true), t("c", true)];
        let r = search(&[0.5; 2], &targets, &SearchConfig::default(), &f);
        let cover = extract(&r, &targets, 1, DEFAULT_TOLERANCE);
        assert_eq!(cover.corners.len(), 1);
        assert!(!cover.uncovered.is_empty());
        let full = extract(&r, &targets, 8, DEFAULT_TOLERANCE);
        assert!(full.uncovered.is_empty());
        assert!(full.corners.len() >= 2);
    }

    #[test]
    fn a_flat_target_is_covered_by_the_first_corner() {
        let f = |p: &[f64]| vec![p[0], 1.0];
        let targets = [t("a", true), t("flat", false)];
        let r = search(&[0.5], &targets, &SearchConfig::default(), &f);
        let cover = extract(&r, &targets, 8, DEFAULT_TOLERANCE);
        assert_eq!(cover.corners.len(), 1);
        assert_eq!(cover.corners[0].covers, vec![0, 1]);
    }
}
