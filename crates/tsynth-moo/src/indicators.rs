//! Distance-based quality indicators: IGD and IGD+ (both: lower is better).

use crate::error::{MooError, Result};

/// Inverted generational distance: the mean, over the points `z` of the reference front,
/// of the Euclidean distance from `z` to the nearest point of `approximation`.
///
/// Errors when either set is empty or the dimensions disagree.
pub fn igd(approximation: &[Vec<f64>], reference_front: &[Vec<f64>]) -> Result<f64> {
    mean_min_distance(approximation, reference_front, |a, z| {
        a.iter()
            .zip(z)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
    })
}

/// IGD+ (Ishibuchi et al. 2015): like IGD with the distance `d+(z, a)` that only counts
/// the objectives in which `a` is worse than `z`, `sqrt(Σ max(a_i − z_i, 0)²)`. Weakly
/// Pareto compliant.
pub fn igd_plus(approximation: &[Vec<f64>], reference_front: &[Vec<f64>]) -> Result<f64> {
    mean_min_distance(approximation, reference_front, |a, z| {
        a.iter()
            .zip(z)
            .map(|(x, y)| {
                let d = (x - y).max(0.0);
                d * d
            })
            .sum::<f64>()
            .sqrt()
    })
}

fn mean_min_distance(
    approximation: &[Vec<f64>],
    reference_front: &[Vec<f64>],
    distance: impl Fn(&[f64], &[f64]) -> f64,
) -> Result<f64> {
    if approximation.is_empty() || reference_front.is_empty() {
        return Err(MooError::InvalidConfig(
            "IGD needs a non-empty approximation and a non-empty reference front".into(),
        ));
    }
    let m = reference_front[0].len();
    for (what, set) in [
        ("reference front", reference_front),
        ("approximation", approximation),
    ] {
        for (i, p) in set.iter().enumerate() {
            if p.len() != m {
                return Err(MooError::DimensionMismatch {
                    what: format!("{what} point {i}"),
                    expected: m,
                    got: p.len(),
                });
            }
            if let Some(&v) = p.iter().find(|v| v.is_nan()) {
                return Err(MooError::InvalidValue {
                    what: format!("{what} point {i}"),
                    value: v,
                    reason: "NaN objective",
                });
            }
        }
    }
    let total: f64 = reference_front
        .iter()
        .map(|z| {
            approximation
                .iter()
                .map(|a| distance(a, z))
                .fold(f64::INFINITY, f64::min)
        })
        .sum();
    Ok(total / reference_front.len() as f64)
}
