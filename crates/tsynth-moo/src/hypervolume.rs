//! Exact hypervolume (all objectives minimised) and hypervolume contributions.
//!
//! * 2-D: one sort and a sweep, O(n log n).
//! * 3-D: sweep along the third objective keeping the 2-D staircase of the points seen so
//!   far in a balanced tree, so every point is inserted and removed at most once:
//!   O(n log n).
//! * d ≥ 4: WFG (exclusive volumes against non-dominated limit sets), peeling one
//!   objective per level down to the 3-D sweep.
//!
//! Points that are not strictly better than the reference point in every objective
//! contribute nothing and are ignored; dominated and duplicate points add nothing.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::error::{MooError, Result};

/// Hypervolume of `points` with respect to `reference`.
///
/// Errors when a point's length differs from the reference's, or a value is NaN.
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64]) -> Result<f64> {
    let m = reference.len();
    let mut flat = Vec::with_capacity(points.len() * m);
    for (i, p) in points.iter().enumerate() {
        check_point(p, m, i)?;
        if is_inside(p, reference) {
            flat.extend_from_slice(p);
        }
    }
    check_point(reference, m, usize::MAX)?;
    Ok(hv_filtered(&mut flat, m, reference))
}

/// Hypervolume of points stored row-major in `objectives` (`reference.len()` per point).
pub fn hypervolume_flat(objectives: &[f64], reference: &[f64]) -> Result<f64> {
    let m = reference.len();
    if m == 0 || !objectives.len().is_multiple_of(m) {
        return Err(MooError::DimensionMismatch {
            what: "flat objective buffer".into(),
            expected: m,
            got: objectives.len(),
        });
    }
    check_point(reference, m, usize::MAX)?;
    let mut flat = Vec::with_capacity(objectives.len());
    for (i, p) in objectives.chunks_exact(m).enumerate() {
        check_point(p, m, i)?;
        if is_inside(p, reference) {
            flat.extend_from_slice(p);
        }
    }
    Ok(hv_filtered(&mut flat, m, reference))
}

/// Exclusive hypervolume contribution of every point: the volume lost when that point
/// alone is removed. Dominated points, duplicates and points outside the reference box
/// contribute 0.
pub fn hypervolume_contributions(points: &[Vec<f64>], reference: &[f64]) -> Result<Vec<f64>> {
    let m = reference.len();
    check_point(reference, m, usize::MAX)?;
    for (i, p) in points.iter().enumerate() {
        check_point(p, m, i)?;
    }
    if m == 2 {
        return Ok(contributions_2d(points, reference));
    }
    let inside: Vec<usize> = (0..points.len())
        .filter(|&i| is_inside(&points[i], reference))
        .collect();
    let mut flat: Vec<f64> = inside
        .iter()
        .flat_map(|&i| points[i].iter().copied())
        .collect();
    let total = hv_filtered(&mut flat.clone(), m, reference);
    let mut out = vec![0.0; points.len()];
    let mut rest = Vec::with_capacity(flat.len());
    for (k, &i) in inside.iter().enumerate() {
        rest.clear();
        rest.extend_from_slice(&flat[..k * m]);
        rest.extend_from_slice(&flat[(k + 1) * m..]);
        let without = hv_filtered(&mut rest, m, reference);
        out[i] = (total - without).max(0.0);
    }
    flat.clear();
    Ok(out)
}

fn check_point(p: &[f64], m: usize, index: usize) -> Result<()> {
    let what = || {
        if index == usize::MAX {
            "reference point".to_string()
        } else {
            format!("point {index}")
        }
    };
    if p.len() != m {
        return Err(MooError::DimensionMismatch {
            what: what(),
            expected: m,
            got: p.len(),
        });
    }
    if let Some(&v) = p.iter().find(|v| v.is_nan()) {
        return Err(MooError::InvalidValue {
            what: what(),
            value: v,
            reason: "NaN objective",
        });
    }
    Ok(())
}

#[inline]
fn is_inside(p: &[f64], reference: &[f64]) -> bool {
    p.iter().zip(reference).all(|(x, r)| x < r)
}

/// Hypervolume of points already known to lie strictly inside the reference box.
/// Reorders `flat`.
fn hv_filtered(flat: &mut [f64], m: usize, reference: &[f64]) -> f64 {
    if flat.is_empty() || m == 0 {
        return 0.0;
    }
    let boxed = |p: &[f64]| -> f64 { p.iter().zip(reference).map(|(x, r)| r - x).product() };
    match flat.len() / m {
        1 => return boxed(flat),
        2 => {
            let (a, b) = flat.split_at(m);
            let overlap: f64 = a
                .iter()
                .zip(b)
                .zip(reference)
                .map(|((x, y), r)| r - x.max(*y))
                .product();
            return boxed(a) + boxed(b) - overlap;
        }
        _ => {}
    }
    match m {
        1 => {
            let best = flat.iter().copied().fold(f64::INFINITY, f64::min);
            reference[0] - best
        }
        2 => hv2d(flat, reference),
        3 => hv3d(flat, reference),
        _ => hv_wfg(flat, m, reference),
    }
}

fn hv2d(flat: &[f64], reference: &[f64]) -> f64 {
    let mut pts: Vec<(f64, f64)> = flat.chunks_exact(2).map(|c| (c[0], c[1])).collect();
    pts.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (r0, r1) = (reference[0], reference[1]);
    let mut best_y = r1;
    let mut volume = 0.0;
    for (x, y) in pts {
        if y < best_y {
            volume += (r0 - x) * (best_y - y);
            best_y = y;
        }
    }
    volume
}

/// Total-order key for the staircase tree (−0.0 is normalised to 0.0).
#[derive(Debug, Clone, Copy)]
struct Key(f64);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A 2-D staircase (x ascending, y strictly descending) with its dominated area.
struct Staircase {
    steps: BTreeMap<Key, f64>,
    area: f64,
    rx: f64,
    ry: f64,
    removed: Vec<Key>,
}

impl Staircase {
    fn new(rx: f64, ry: f64) -> Self {
        Self {
            steps: BTreeMap::new(),
            area: 0.0,
            rx,
            ry,
            removed: Vec::new(),
        }
    }

    /// Insert (x, y); returns false when the point is weakly dominated by the staircase.
    fn insert(&mut self, x: f64, y: f64) -> bool {
        let x = x + 0.0;
        let key = Key(x);
        if let Some((_, &py)) = self.steps.range(..=key).next_back()
            && py <= y
        {
            return false;
        }
        let left_y = self
            .steps
            .range(..key)
            .next_back()
            .map_or(self.ry, |(_, &ly)| ly);
        self.removed.clear();
        let mut cur_x = x;
        let mut cur_y = left_y;
        let mut added = 0.0;
        let mut right_x = self.rx;
        for (k, &sy) in self.steps.range(key..) {
            if sy >= y {
                added += (k.0 - cur_x) * (cur_y - y);
                cur_x = k.0;
                cur_y = sy;
                self.removed.push(*k);
            } else {
                right_x = k.0;
                break;
            }
        }
        added += (right_x - cur_x) * (cur_y - y);
        for k in self.removed.drain(..) {
            self.steps.remove(&k);
        }
        self.steps.insert(key, y);
        self.area += added;
        true
    }
}

fn hv3d(flat: &mut [f64], reference: &[f64]) -> f64 {
    let mut pts: Vec<[f64; 3]> = flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    pts.sort_unstable_by(|a, b| {
        a[2].total_cmp(&b[2])
            .then(a[0].total_cmp(&b[0]))
            .then(a[1].total_cmp(&b[1]))
    });
    let mut stairs = Staircase::new(reference[0], reference[1]);
    let mut volume = 0.0;
    let mut prev_z = pts[0][2];
    for p in &pts {
        volume += stairs.area * (p[2] - prev_z);
        prev_z = p[2];
        stairs.insert(p[0], p[1]);
    }
    volume + stairs.area * (reference[2] - prev_z)
}

/// WFG (While, Bradstreet & Barone 2012) with the last objective peeled off: with points
/// sorted by the last objective, worst first, every later point's limit against point k
/// has k's last coordinate, so k's exclusive volume is its depth in the last objective
/// times its exclusive (d−1)-volume against the non-dominated limit set, which recurses
/// down to the 3-D sweep.
fn hv_wfg(flat: &mut [f64], m: usize, reference: &[f64]) -> f64 {
    let n = flat.len() / m;
    let last = m - 1;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| flat[b * m + last].total_cmp(&flat[a * m + last]));
    let mut limit: Vec<f64> = Vec::with_capacity(n * last);
    let mut volume = 0.0;
    for (t, &k) in order.iter().enumerate() {
        let p = &flat[k * m..(k + 1) * m];
        let depth = reference[last] - p[last];
        let inclusive: f64 = (0..last).map(|i| reference[i] - p[i]).product();
        limit.clear();
        for &j in &order[t + 1..] {
            let q = &flat[j * m..(j + 1) * m];
            limit.extend((0..last).map(|i| p[i].max(q[i])));
        }
        let kept = non_dominated_rows(&mut limit, last);
        let covered = hv_filtered(&mut limit[..kept * last], last, &reference[..last]);
        volume += depth * (inclusive - covered).max(0.0);
    }
    volume
}

/// Compact the rows of `flat` (row length `m`) to the ones no other row weakly
/// dominates (of identical rows one is kept). Returns how many rows remain.
///
/// Rows are visited in lexicographic order: a row can only be weakly dominated by a row
/// that is lexicographically no greater, so comparing with the rows kept so far suffices.
fn non_dominated_rows(flat: &mut [f64], m: usize) -> usize {
    let n = flat.len() / m;
    if n <= 1 {
        return n;
    }
    let mut order: Vec<usize> = (0..n).collect();
    {
        let rows = &*flat;
        order.sort_unstable_by(|&a, &b| {
            let (ra, rb) = (&rows[a * m..(a + 1) * m], &rows[b * m..(b + 1) * m]);
            for (x, y) in ra.iter().zip(rb) {
                let c = x.total_cmp(y);
                if c.is_ne() {
                    return c;
                }
            }
            a.cmp(&b)
        });
    }
    let mut kept: Vec<f64> = Vec::with_capacity(flat.len());
    for &i in &order {
        let row = &flat[i * m..(i + 1) * m];
        let dominated = kept
            .chunks_exact(m)
            .any(|q| q.iter().zip(row).all(|(x, y)| x <= y));
        if !dominated {
            kept.extend_from_slice(row);
        }
    }
    flat[..kept.len()].copy_from_slice(&kept);
    kept.len() / m
}

fn contributions_2d(points: &[Vec<f64>], reference: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..points.len())
        .filter(|&i| is_inside(&points[i], reference))
        .collect();
    idx.sort_unstable_by(|&a, &b| {
        points[a][0]
            .total_cmp(&points[b][0])
            .then(points[a][1].total_cmp(&points[b][1]))
    });
    // Positions (in `idx`) of the staircase: each point with a smaller second objective
    // than every point before it in (x, y) order. The points sorted between two
    // consecutive staircase points are exactly those weakly dominated by the first one,
    // and they are the only points that can cover part of its exclusive box.
    let mut stairs: Vec<usize> = Vec::with_capacity(idx.len());
    let mut best = f64::INFINITY;
    for (pos, &i) in idx.iter().enumerate() {
        if points[i][1] < best {
            best = points[i][1];
            stairs.push(pos);
        }
    }
    let mut out = vec![0.0; points.len()];
    let mut covered: Vec<f64> = Vec::new();
    for (t, &pos) in stairs.iter().enumerate() {
        let i = idx[pos];
        let end = stairs.get(t + 1).copied().unwrap_or(idx.len());
        let right_x = stairs
            .get(t + 1)
            .map_or(reference[0], |&s| points[idx[s]][0]);
        let upper_y = if t == 0 {
            reference[1]
        } else {
            points[idx[stairs[t - 1]]][1]
        };
        let local_ref = [right_x, upper_y];
        covered.clear();
        for &j in &idx[pos + 1..end] {
            if is_inside(&points[j], &local_ref) {
                covered.extend_from_slice(&points[j]);
            }
        }
        let boxed = (right_x - points[i][0]) * (upper_y - points[i][1]);
        let lost = if covered.is_empty() {
            0.0
        } else {
            hv2d(&covered, &local_ref)
        };
        out[i] = (boxed - lost).max(0.0);
    }
    out
}
