//! Finite-difference sensitivity of the objectives to each tuned gene.
//!
//! For gene `i` at point `x`: evaluate `x ± h·e_i` (clamped to [0, 1]; one-sided at a
//! bound), take the difference quotient per unit of gene and divide it by the objective's
//! scale `max(|f(x)|, |f(x+)|, |f(x-)|)`. The result is the relative change of the
//! objective per unit of the [0, 1] gene (0 when the objective is 0 at all three points).
//! A row's influence is its largest absolute normalised change; rows are sorted by it.

use serde::{Deserialize, Serialize};

use super::{SettingsError, TuneError, TuneFunction};

/// Sensitivity of every objective to one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    /// Parameter name.
    pub param: String,
    /// Gene index among the tuned genes.
    pub gene: usize,
    /// Normalised change per objective (same order as the objective names).
    pub change: Vec<f64>,
    /// Largest absolute normalised change.
    pub influence: f64,
}

fn normalised(fx: f64, fp: f64, fm: f64, dx: f64) -> f64 {
    let scale = fx.abs().max(fp.abs()).max(fm.abs());
    if !scale.is_finite() || !fp.is_finite() || !fm.is_finite() {
        return f64::NAN;
    }
    if scale == 0.0 || dx == 0.0 {
        return 0.0;
    }
    (fp - fm) / dx / scale
}

/// Checks a finite-difference step: it must lie in (0, 0.5].
pub fn check_step(h: f64) -> Result<(), SettingsError> {
    if h > 0.0 && h <= 0.5 {
        Ok(())
    } else {
        Err(SettingsError::FdStep(h))
    }
}

/// Sensitivity table at `x` with step `h` (in gene space), `names[i]` naming gene `i`.
/// Evaluations run in parallel; the table is sorted by decreasing influence (NaN last,
/// ties by gene index).
pub fn sensitivity<F: TuneFunction>(
    f: &F,
    x: &[f64],
    names: &[String],
    h: f64,
) -> Result<Vec<SensitivityRow>, TuneError> {
    use rayon::prelude::*;
    check_step(h)?;
    let centre = f.evaluate(x).map_err(TuneError::evaluation)?;
    let probes: Vec<(Vec<f64>, Vec<f64>, f64)> = (0..x.len())
        .map(|i| {
            let mut p = x.to_vec();
            let mut m = x.to_vec();
            p[i] = (x[i] + h).min(1.0);
            m[i] = (x[i] - h).max(0.0);
            let dx = p[i] - m[i];
            (p, m, dx)
        })
        .collect();
    let results: Vec<_> = probes
        .par_iter()
        .map(|(p, m, _)| Ok::<_, F::Error>((f.evaluate(p)?, f.evaluate(m)?)))
        .collect::<Result<_, _>>()
        .map_err(TuneError::evaluation)?;
    let mut rows: Vec<SensitivityRow> = results
        .iter()
        .zip(&probes)
        .enumerate()
        .map(|(i, ((sp, sm), (_, _, dx)))| {
            let change: Vec<f64> = (0..centre.objectives.len())
                .map(|j| {
                    normalised(
                        centre.objectives[j],
                        sp.objectives[j],
                        sm.objectives[j],
                        *dx,
                    )
                })
                .collect();
            let influence = change.iter().map(|c| c.abs()).fold(0.0_f64, |a, c| {
                if c.is_nan() || a.is_nan() {
                    f64::NAN
                } else {
                    a.max(c)
                }
            });
            SensitivityRow {
                param: names.get(i).cloned().unwrap_or_else(|| format!("gene{i}")),
                gene: i,
                change,
                influence,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &SensitivityRow| {
            if r.influence.is_nan() {
                -1.0
            } else {
                r.influence
            }
        };
        key(b).total_cmp(&key(a)).then(a.gene.cmp(&b.gene))
    });
    Ok(rows)
}

/// The table as CSV: `param,influence,<objective>...`.
pub fn to_csv(rows: &[SensitivityRow], objectives: &[String]) -> String {
    let mut s = String::from("param,influence");
    for o in objectives {
        s += ",";
        s += o;
    }
    s += "\n";
    for r in rows {
        s += &format!("{},{}", r.param, r.influence);
        for c in &r.change {
            s += &format!(",{c}");
        }
        s += "\n";
    }
    s
}
