//! Compass (pattern) search on the weighted scalar, constraints by Deb's feasibility rule.
//!
//! Each round polls the incumbent ± step along every tuned gene (clamped to [0, 1], polls
//! that land on the incumbent are skipped), evaluates the polls in parallel and moves to
//! the best poll if it beats the incumbent; otherwise the step halves. The search stops
//! when the step falls below the minimum step or the budget is spent. Deterministic: the
//! polls of a round are fixed by the incumbent and the step, and ties keep the first.

use super::{
    Constrained, Point, Trace, TuneError, TuneFunction, TuneSettings, Weights, evaluate_batch,
    iteration_stats,
};
use crate::tune::Iteration;

/// Runs the pattern search from the already evaluated `start`.
pub fn search<F: TuneFunction>(
    f: &Constrained<'_, F>,
    start: Point<F::Extra>,
    weights: &Weights,
    settings: &TuneSettings,
    mut progress: impl FnMut(&Iteration, &[Point<F::Extra>]),
) -> Result<Trace<F::Extra>, TuneError> {
    let n = start.genes.len();
    let mut points = vec![start];
    let mut step = settings.initial_step;
    let mut incumbent = 0usize;
    let mut iterations = vec![iteration_stats(&points, 1, 0, step, weights)];
    progress(&iterations[0], &points);
    let mut generation = 0u64;
    while step >= settings.min_step && points.len() < settings.budget {
        let x = points[incumbent].genes.clone();
        let mut polls: Vec<Vec<f64>> = Vec::with_capacity(2 * n);
        for i in 0..n {
            for dir in [1.0, -1.0] {
                let mut y = x.clone();
                y[i] = (x[i] + dir * step).clamp(0.0, 1.0);
                if y[i] != x[i] && !polls.contains(&y) {
                    polls.push(y);
                }
            }
        }
        polls.truncate(settings.budget - points.len());
        if polls.is_empty() {
            break;
        }
        generation += 1;
        let batch = evaluate_batch(f, &polls, points.len())?;
        let len = batch.len();
        points.extend(batch);
        let mut best = incumbent;
        for k in points.len() - len..points.len() {
            if weights.better(&points[k], &points[best]) {
                best = k;
            }
        }
        if best == incumbent {
            step *= 0.5;
        } else {
            incumbent = best;
        }
        let it = iteration_stats(&points, len, generation, step, weights);
        progress(&it, &points);
        iterations.push(it);
    }
    Ok(Trace { points, iterations })
}
