//! Local multi-objective search: NSGA-II (`tsynth-moo`) on the tuned genes only.
//!
//! The initial population is the start point plus Gaussian samples around it (σ = the
//! initial step); children come from SBX and a Gaussian mutation whose σ shrinks by
//! `shrink` every generation down to the minimum step, so the search contracts around
//! the start point's neighbourhood as the front settles. σ depends only on the
//! generation number, and every evaluated point is recorded by individual id, so the
//! result does not depend on the thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tsynth_moo::operators::standard_normal;
use tsynth_moo::{
    Engine, EngineConfig, EvalContext, Evaluation, GaussianMutation, MooRng, Problem, Sbx,
};

use super::{
    Constrained, Iteration, Point, Trace, TuneError, TuneFunction, TuneSettings, Weights,
    iteration_stats,
};

/// The population size used for a budget and dimension when none is given: an eighth of
/// the budget (so about eight generations), at least 4 and at least the dimension, at
/// most 24, and always leaving room for the start point within the budget.
pub fn default_population(budget: usize, dimension: usize) -> usize {
    let p = (budget / 8).clamp(4, 24).max(dimension.min(24));
    p.min(budget.saturating_sub(1)).max(2)
}

/// The NSGA-II problem: genes of the tuned parameters only.
struct LocalProblem<'a, F: TuneFunction> {
    f: &'a Constrained<'a, F>,
    start: Vec<f64>,
    objectives: usize,
    sigma_bits: AtomicU64,
    initial_sigma: f64,
    seen: Mutex<Vec<(u64, Point<F::Extra>)>>,
}

/// Evaluation failure inside the engine: the function's own error.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct EvalFailed(Box<dyn std::error::Error + Send + Sync + 'static>);

impl<F: TuneFunction> LocalProblem<'_, F> {
    fn sigma(&self) -> f64 {
        f64::from_bits(self.sigma_bits.load(Ordering::Relaxed))
    }
}

impl<F: TuneFunction> Problem for LocalProblem<'_, F> {
    type Genotype = Vec<f64>;
    type Extra = ();
    type Error = EvalFailed;

    fn num_objectives(&self) -> usize {
        self.objectives
    }

    fn random_genotype(&self, rng: &mut MooRng) -> Vec<f64> {
        self.start
            .iter()
            .map(|&x| (x + self.initial_sigma * standard_normal(rng)).clamp(0.0, 1.0))
            .collect()
    }

    fn crossover(&self, a: &Vec<f64>, b: &Vec<f64>, rng: &mut MooRng) -> (Vec<f64>, Vec<f64>) {
        let (mut c1, mut c2) = (a.clone(), b.clone());
        let lo = vec![0.0; a.len()];
        let hi = vec![1.0; a.len()];
        Sbx::default().apply(&mut c1, &mut c2, &lo, &hi, rng);
        (c1, c2)
    }

    fn mutate(&self, g: &mut Vec<f64>, rng: &mut MooRng) {
        GaussianMutation {
            sigma: self.sigma(),
            one_variable_probability: 0.5,
        }
        .apply(g, rng);
    }

    fn evaluate(&self, g: &Vec<f64>, ctx: &EvalContext) -> Result<Evaluation<()>, EvalFailed> {
        let s = self.f.evaluate(g).map_err(|e| EvalFailed(Box::new(e)))?;
        // the engine rejects NaN objectives; a NaN is as bad as it gets
        let objectives: Vec<f64> = s
            .objectives
            .iter()
            .map(|v| if v.is_nan() { f64::INFINITY } else { *v })
            .collect();
        let eval = Evaluation::with_violation(objectives, s.violation);
        let point = Point {
            index: 0,
            genes: g.clone(),
            objectives: s.objectives,
            violation: s.violation,
            extra: s.extra,
        };
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((ctx.id, point));
        Ok(eval)
    }
}

/// Runs the local NSGA-II from the already evaluated `start`.
pub fn search<F: TuneFunction>(
    f: &Constrained<'_, F>,
    start: Point<F::Extra>,
    weights: &Weights,
    settings: &TuneSettings,
    mut progress: impl FnMut(&Iteration, &[Point<F::Extra>]),
) -> Result<Trace<F::Extra>, TuneError> {
    let n = start.genes.len();
    let objectives = start.objectives.len();
    let population = settings
        .population
        .unwrap_or_else(|| default_population(settings.budget, n))
        .min(settings.budget.saturating_sub(1))
        .max(2);
    let problem = LocalProblem {
        f,
        start: start.genes.clone(),
        objectives,
        sigma_bits: AtomicU64::new(settings.initial_step.to_bits()),
        initial_sigma: settings.initial_step,
        seen: Mutex::new(Vec::new()),
    };
    let mut engine: Engine<Vec<f64>, ()> = Engine::new(EngineConfig {
        seed: settings.seed,
        population_size: population,
        ..EngineConfig::default()
    })?;
    engine.inject([start.genes.clone()])?;
    let mut points = vec![start];
    let mut iterations = vec![iteration_stats(
        &points,
        1,
        0,
        settings.initial_step,
        weights,
    )];
    progress(&iterations[0], &points);
    let mut generation = 0u64;
    loop {
        // the first generation always fits (population < budget); later ones only if whole
        if generation > 0 && points.len() + population > settings.budget {
            break;
        }
        let sigma = (settings.initial_step * settings.shrink.powi(generation as i32))
            .max(settings.min_step);
        problem.sigma_bits.store(sigma.to_bits(), Ordering::Relaxed);
        engine.step(&problem).map_err(TuneError::evaluation)?;
        let mut batch =
            std::mem::take(&mut *problem.seen.lock().unwrap_or_else(|p| p.into_inner()));
        batch.sort_by_key(|(id, _)| *id);
        let len = batch.len();
        for (_, mut p) in batch {
            p.index = points.len();
            points.push(p);
        }
        generation += 1;
        let it = iteration_stats(&points, len, generation, sigma, weights);
        progress(&it, &points);
        iterations.push(it);
    }
    Ok(Trace { points, iterations })
}
