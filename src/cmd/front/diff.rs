//! `tsynth front diff`: two runs' fronts compared by hypervolume (common reference point)
//! and by how many members of each the other dominates.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::list::fmt_num;
use super::rundata::{Aggregation, Run};

/// The comparison of two fronts.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontDiff {
    /// Common reference point.
    pub reference: Vec<f64>,
    /// Hypervolume of A and of B.
    pub hypervolume: (f64, f64),
    /// Members of A dominated by some member of B, and of B by some member of A.
    pub dominated: (usize, usize),
    /// Feasible members compared in A and in B.
    pub sizes: (usize, usize),
}

/// The common reference point: the component-wise largest of the runs' stored reference
/// points; where neither stores one, 10% beyond the worst finite value of both fronts.
pub fn common_reference(stored: &[&[f64]], points: &[&[Vec<f64>]], m: usize) -> Vec<f64> {
    (0..m)
        .map(|k| {
            let s = stored
                .iter()
                .filter_map(|r| r.get(k).copied())
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            if s.is_finite() {
                return s;
            }
            let (lo, hi) = points
                .iter()
                .flat_map(|ps| ps.iter().map(|p| p[k]))
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                    (l.min(v), h.max(v))
                });
            if hi.is_finite() {
                hi + ((hi - lo) * 0.1).max(hi.abs() * 0.1).max(1e-9)
            } else {
                1.0
            }
        })
        .collect()
}

/// Compares two fronts (objective vectors of the same length, all minimised).
pub fn compare(a: &[Vec<f64>], b: &[Vec<f64>], reference: &[f64]) -> Result<FrontDiff> {
    let hv = |ps: &[Vec<f64>]| -> Result<f64> {
        let finite: Vec<Vec<f64>> = ps
            .iter()
            .filter(|p| p.iter().all(|v| v.is_finite()))
            .cloned()
            .collect();
        Ok(tsynth_moo::hypervolume(&finite, reference)?)
    };
    let dominated = |xs: &[Vec<f64>], by: &[Vec<f64>]| {
        xs.iter()
            .filter(|x| by.iter().any(|y| tsynth_moo::dominance::dominates(y, x)))
            .count()
    };
    Ok(FrontDiff {
        reference: reference.to_vec(),
        hypervolume: (hv(a)?, hv(b)?),
        dominated: (dominated(a, b), dominated(b, a)),
        sizes: (a.len(), b.len()),
    })
}

/// Runs `tsynth front diff`.
pub fn run(dir_a: &Path, dir_b: &Path, agg: Option<Aggregation>) -> Result<()> {
    let a = Run::load(dir_a)?;
    let b = Run::load(dir_b)?;
    anyhow::ensure!(
        a.archive.objectives == b.archive.objectives,
        "{} and {} have different objectives ({} vs {})",
        dir_a.display(),
        dir_b.display(),
        a.archive.objectives.join(", "),
        b.archive.objectives.join(", ")
    );
    if a.config.scenario_text != b.config.scenario_text {
        eprintln!(
            "note: the runs were scored on different scenarios ({} vs {}); their objectives are not directly comparable",
            a.config.scenario.given, b.config.scenario.given
        );
    }
    let pts = |r: &Run| -> Vec<Vec<f64>> {
        let agg = agg.unwrap_or(r.aggregation());
        r.archive
            .members
            .iter()
            .filter(|m| m.feasible)
            .map(|m| r.ranking_vector(m, agg))
            .collect()
    };
    let (pa, pb) = (pts(&a), pts(&b));
    let reference = common_reference(
        &[&a.archive.reference_point, &b.archive.reference_point],
        &[&pa, &pb],
        a.archive.objectives.len(),
    );
    let d = compare(&pa, &pb, &reference)?;
    let mut o = std::io::stdout().lock();
    let refs: Vec<String> = a
        .archive
        .objectives
        .iter()
        .zip(&d.reference)
        .map(|(n, v)| format!("{n}={}", fmt_num(*v)))
        .collect();
    writeln!(o, "reference point: {}", refs.join(" "))?;
    writeln!(
        o,
        "{:<6} {:>8} {:>14} {:>22}",
        "run", "members", "hypervolume", "dominated by the other"
    )?;
    writeln!(
        o,
        "{:<6} {:>8} {:>14} {:>22}   {}",
        "A",
        d.sizes.0,
        fmt_num(d.hypervolume.0),
        d.dominated.0,
        dir_a.display()
    )?;
    writeln!(
        o,
        "{:<6} {:>8} {:>14} {:>22}   {}",
        "B",
        d.sizes.1,
        fmt_num(d.hypervolume.1),
        d.dominated.1,
        dir_b.display()
    )?;
    let verdict = match d.hypervolume.0.total_cmp(&d.hypervolume.1) {
        std::cmp::Ordering::Greater => "A has the larger hypervolume",
        std::cmp::Ordering::Less => "B has the larger hypervolume",
        std::cmp::Ordering::Equal => "equal hypervolume",
    };
    writeln!(o, "{verdict}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominance_counts_and_hypervolume_on_a_small_example() {
        let a = vec![vec![1.0, 3.0], vec![3.0, 1.0]];
        let b = vec![vec![2.0, 4.0], vec![0.5, 5.0]];
        let d = compare(&a, &b, &[6.0, 6.0]).unwrap();
        // (1,3) dominates (2,4); nothing in B dominates A.
        assert_eq!(d.dominated, (0, 1));
        // A: union of [1,6]x[3,6] and [3,6]x[1,6] = 15 + 9 - 9 = 5*3 + 3*2 = 21.
        assert!((d.hypervolume.0 - 21.0).abs() < 1e-12);
        // B: [2,6]x[4,6] ∪ [0.5,6]x[5,6] = 8 + 5.5 - 4 = 9.5.
        assert!((d.hypervolume.1 - 9.5).abs() < 1e-12);
    }

    #[test]
    fn reference_prefers_stored_points_then_pads_the_worst_value() {
        let r = common_reference(
            &[&[2.0, f64::NAN], &[3.0, f64::INFINITY]],
            &[&[vec![1.0, 10.0]], &[vec![0.0, 20.0]]],
            2,
        );
        assert_eq!(r[0], 3.0);
        assert!((r[1] - 22.0).abs() < 1e-12);
    }
}
