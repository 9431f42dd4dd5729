//! Brute-force oracles shared by the integration tests.
#![allow(dead_code)]

/// Pareto dominance by definition.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// Fronts by repeated O(n²) extraction of the non-dominated points; indices ascending.
pub fn brute_fronts(points: &[Vec<f64>]) -> Vec<Vec<usize>> {
    brute_fronts_by(points.len(), |i, j| dominates(&points[i], &points[j]))
}

/// Fronts under an arbitrary "i dominates j" relation.
pub fn brute_fronts_by(n: usize, dom: impl Fn(usize, usize) -> bool) -> Vec<Vec<usize>> {
    let mut left: Vec<usize> = (0..n).collect();
    let mut fronts = Vec::new();
    while !left.is_empty() {
        let front: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| !left.iter().any(|&j| j != i && dom(j, i)))
            .collect();
        left.retain(|i| !front.contains(i));
        fronts.push(front);
    }
    fronts
}

/// Exact hypervolume by coordinate compression: sums every grid cell whose lower corner is
/// weakly dominated by some point. Exponential in the dimension; for small sets only.
pub fn brute_hv(points: &[Vec<f64>], reference: &[f64]) -> f64 {
    let d = reference.len();
    let inside: Vec<&Vec<f64>> = points
        .iter()
        .filter(|p| p.iter().zip(reference).all(|(x, r)| x < r))
        .collect();
    if inside.is_empty() {
        return 0.0;
    }
    let axes: Vec<Vec<f64>> = (0..d)
        .map(|k| {
            let mut v: Vec<f64> = inside.iter().map(|p| p[k]).collect();
            v.push(reference[k]);
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        })
        .collect();
    let mut idx = vec![0usize; d];
    let mut total = 0.0;
    loop {
        let corner: Vec<f64> = (0..d).map(|k| axes[k][idx[k]]).collect();
        let ok = (0..d).all(|k| idx[k] + 1 < axes[k].len());
        if ok
            && inside
                .iter()
                .any(|p| p.iter().zip(&corner).all(|(x, c)| x <= c))
        {
            let vol: f64 = (0..d)
                .map(|k| axes[k][idx[k] + 1] - axes[k][idx[k]])
                .product();
            total += vol;
        }
        let mut k = 0;
        loop {
            if k == d {
                return total;
            }
            idx[k] += 1;
            if idx[k] < axes[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

/// Points on the positive unit sphere: mutually non-dominated.
pub fn sphere_points(n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64) / ((1u64 << 53) as f64)
    };
    (0..n)
        .map(|_| {
            let v: Vec<f64> = (0..3).map(|_| next() + 1e-3).collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| x / norm).collect()
        })
        .collect()
}
