//! Crowding distance (Deb et al. 2002), normalised per objective and averaged.
//!
//! Conventions (the same as pymoo's): exact duplicates of an earlier point get distance 0
//! and are ignored when the others are computed; a front of at most two distinct points
//! gets infinity everywhere; the extreme points of every objective with a non-zero range
//! get infinity; an objective whose range is zero contributes nothing; the sum over
//! objectives is divided by the number of objectives, so values are scale invariant.

/// Reusable crowding-distance calculator (keeps its scratch buffers between calls).
#[derive(Debug, Clone, Default)]
pub struct Crowding {
    order: Vec<u32>,
    unique: Vec<u32>,
}

impl Crowding {
    /// A calculator with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Crowding distance of the points `members` (indices into the row-major `objectives`
    /// with `m` objectives). `out[k]` receives the distance of `members[k]`.
    pub fn compute(&mut self, objectives: &[f64], m: usize, members: &[u32], out: &mut Vec<f64>) {
        let n = members.len();
        out.clear();
        out.resize(n, 0.0);
        if n == 0 {
            return;
        }
        let row = |k: u32| &objectives[members[k as usize] as usize * m..][..m];

        // Detect duplicates: lexicographic sort, positions equal to their predecessor.
        self.order.clear();
        self.order.extend(0..n as u32);
        self.order.sort_unstable_by(|&a, &b| {
            let (ra, rb) = (row(a), row(b));
            for (x, y) in ra.iter().zip(rb) {
                let c = x.total_cmp(y);
                if c.is_ne() {
                    return c;
                }
            }
            a.cmp(&b)
        });
        self.unique.clear();
        for t in 0..n {
            let k = self.order[t];
            if t > 0 && row(self.order[t - 1]) == row(k) {
                continue; // a duplicate of an earlier point keeps distance 0
            }
            self.unique.push(k);
        }
        if self.unique.len() <= 2 {
            for &k in &self.unique {
                out[k as usize] = f64::INFINITY;
            }
            return;
        }
        let u = self.unique.len();
        for obj in 0..m {
            let value = |k: u32| objectives[members[k as usize] as usize * m + obj];
            self.order.clear();
            self.order.extend_from_slice(&self.unique);
            self.order
                .sort_unstable_by(|&a, &b| value(a).total_cmp(&value(b)).then(a.cmp(&b)));
            let lo = value(self.order[0]);
            let hi = value(self.order[u - 1]);
            let range = hi - lo;
            if range <= 0.0 || !range.is_finite() {
                continue;
            }
            out[self.order[0] as usize] = f64::INFINITY;
            out[self.order[u - 1] as usize] = f64::INFINITY;
            for t in 1..u - 1 {
                let k = self.order[t] as usize;
                let gap = value(self.order[t + 1]) - value(self.order[t - 1]);
                out[k] += gap / range;
            }
        }
        let inv_m = 1.0 / m as f64;
        for &k in &self.unique {
            out[k as usize] *= inv_m;
        }
    }
}

/// Convenience: crowding distance of a list of points (one front).
pub fn crowding_distance(points: &[Vec<f64>]) -> Vec<f64> {
    let m = points.first().map_or(0, Vec::len);
    let flat: Vec<f64> = points.iter().flat_map(|p| p.iter().copied()).collect();
    let members: Vec<u32> = (0..points.len() as u32).collect();
    let mut out = Vec::new();
    Crowding::new().compute(&flat, m, &members, &mut out);
    out
}
