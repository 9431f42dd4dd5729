//! Local, variation-aware parameter tuning of one fixed structure (`tsynth tune`).
//!
//! The optimisers are generic over a [`TuneFunction`]: a map from the tuned parameters'
//! genes (each in [0, 1], the grammar's own coordinates, so every point stays inside the
//! grammar's ranges) to objective values (all minimised) and a constraint violation. The
//! design pipeline ([`DesignFunction`]: genes → genotype → emit → simulate over seeds →
//! mean or worst) is one such function; tests plug in synthetic ones with a known optimum.
//!
//! Two modes:
//! * [`TuneMode::Moo`]: NSGA-II from `tsynth-moo` on the tuned genes only, the initial
//!   population sampled around the start point with a Gaussian step that shrinks every
//!   generation ([`local_moo`]).
//! * [`TuneMode::Scalar`]: a derivative-free compass (pattern) search on a weighted sum of
//!   normalised objectives, constraints by Deb's feasibility rule ([`pattern`]).
//!
//! User constraints (`risk<=0.01`) are added to the function's own violation by
//! [`Constrained`] (each an [`ObjectiveBound`]), so both modes and every reported design respect them (a reported design
//! is only called feasible when its total violation is 0).

pub mod design;
pub mod local_moo;
pub mod output;
pub mod pattern;
pub mod sensitivity;

pub use design::{Aggregation, DesignEval, DesignFunction, DesignSpace, TunedParam};
pub use sensitivity::{SensitivityRow, sensitivity};

use serde::{Deserialize, Serialize};

/// Errors of tuning.
#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    /// A `--params` name the design does not have.
    #[error("the design has no tunable parameter `{name}`; valid parameters: {}", valid.join(", "))]
    UnknownParam {
        /// The name asked for.
        name: String,
        /// Every valid (qualified) name.
        valid: Vec<String>,
    },
    /// A bare parameter name that several blocks share.
    #[error("parameter `{name}` is ambiguous; use one of: {}", candidates.join(", "))]
    AmbiguousParam {
        /// The name asked for.
        name: String,
        /// Qualified names that match.
        candidates: Vec<String>,
    },
    /// The design has nothing to tune.
    #[error("the design has no tunable parameters")]
    NothingToTune,
    /// A malformed `--constraint`.
    #[error("constraint `{text}`: {reason}")]
    BadConstraint {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// A malformed `--weights` / `--objective`.
    #[error("objective weights `{text}`: {reason}")]
    BadWeights {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// Invalid settings (budget, population, ...).
    #[error("invalid tuning settings")]
    Settings(#[from] SettingsError),
    /// The genotype does not fit the grammar.
    #[error(transparent)]
    Genotype(#[from] tsynth_grammar::genotype::GenotypeError),
    /// The design or its grammar could not be loaded.
    #[error(transparent)]
    Design(#[from] tsynth_grammar::GrammarError),
    /// A design could not be emitted (a parameter value without a `uint256` encoding).
    #[error("emitting a design")]
    Emit(#[source] tsynth_grammar::wad::WadError),
    /// The multi-objective engine failed.
    #[error(transparent)]
    Moo(#[from] tsynth_moo::MooError),
    /// The objective function failed (its own error is the source).
    #[error("evaluation failed")]
    Evaluation(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The scenario's simulator could not be built.
    #[error("setting up the simulation of {}", path.display())]
    Simulator {
        /// The scenario file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: tsynth_sim::SimError,
    },
    /// The baseline design file does not exist.
    #[error("baseline design {} not found", .0.display())]
    Baseline(std::path::PathBuf),
    /// Writing the run directory failed (or reading the scenario, starting the compiler).
    #[error(transparent)]
    Run(#[from] crate::error::SearchError),
}

impl TuneError {
    /// Wraps an objective function's error.
    pub fn evaluation(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Evaluation(Box::new(e))
    }
}

/// An invalid value in [`TuneSettings`] (or the sensitivity step, or the start point).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// Fewer than two evaluations.
    #[error("the budget must be at least 2 evaluations, got {0}")]
    Budget(usize),
    /// The initial step is outside (0, 1].
    #[error("initial step must be in (0, 1], got {0}")]
    InitialStep(f64),
    /// The minimum step is outside (0, initial step].
    #[error("minimum step must be in (0, initial step], got {0}")]
    MinStep(f64),
    /// The MOO shrink factor is outside (0, 1].
    #[error("shrink factor must be in (0, 1], got {0}")]
    Shrink(f64),
    /// A population of fewer than two.
    #[error("population must be at least 2, got {0}")]
    Population(usize),
    /// The finite-difference step of the sensitivity table is outside (0, 0.5].
    #[error("finite-difference step must be in (0, 0.5], got {0}")]
    FdStep(f64),
    /// A start gene outside [0, 1].
    #[error("start genes must lie in [0, 1]")]
    StartGenes,
    /// No simulation seed per evaluation.
    #[error("seeds per evaluation must be at least 1")]
    Seeds,
}

/// The score of one point as returned by a [`TuneFunction`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored<E> {
    /// Objective values, all minimised, in the function's objective order.
    pub objectives: Vec<f64>,
    /// Constraint violation (0 = feasible).
    pub violation: f64,
    /// Whatever the function wants to keep with the point.
    pub extra: E,
}

/// An objective function of the tuned genes.
///
/// `evaluate` is called from rayon workers; it must be a pure function of `genes` so that
/// results do not depend on the thread count.
pub trait TuneFunction: Sync {
    /// Data kept with each evaluated point.
    type Extra: Clone + Send + Sync + Serialize;
    /// Evaluation error (aborts the run).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Objective names, in the order of [`Scored::objectives`].
    fn objective_names(&self) -> Vec<String>;

    /// Scores one point of [0, 1]^n.
    fn evaluate(&self, genes: &[f64]) -> Result<Scored<Self::Extra>, Self::Error>;
}

/// One evaluated point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point<E> {
    /// Order of evaluation (0 = the start point).
    pub index: usize,
    /// The tuned genes, each in [0, 1].
    pub genes: Vec<f64>,
    /// Objective values.
    pub objectives: Vec<f64>,
    /// Total violation: the function's own plus the user constraints' (0 = feasible).
    pub violation: f64,
    /// The function's extra data.
    pub extra: E,
}

impl<E> Point<E> {
    /// True when every constraint holds.
    pub fn is_feasible(&self) -> bool {
        self.violation <= 0.0
    }
}

/// Comparison of an objective with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    /// `objective <= value`.
    AtMost,
    /// `objective >= value`.
    AtLeast,
}

/// A user bound on one objective, e.g. `risk<=0.01` (`tsynth tune --constraint`); added
/// to the function's own violation (unlike [`tsynth_sim::Constraint`], a domain metric's
/// constraint chosen by the run's selection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveBound {
    /// Objective name.
    pub objective: String,
    /// Index in the function's objectives.
    pub index: usize,
    /// Direction.
    pub bound: Bound,
    /// The limit.
    pub value: f64,
}

impl ObjectiveBound {
    /// Parses `NAME<=VALUE` or `NAME>=VALUE` against the objective names.
    pub fn parse(text: &str, objectives: &[String]) -> Result<ObjectiveBound, TuneError> {
        let bad = |reason: String| TuneError::BadConstraint {
            text: text.to_string(),
            reason,
        };
        let (name, bound, value) = if let Some((a, b)) = text.split_once("<=") {
            (a, Bound::AtMost, b)
        } else if let Some((a, b)) = text.split_once(">=") {
            (a, Bound::AtLeast, b)
        } else {
            return Err(bad("expected NAME<=VALUE or NAME>=VALUE".into()));
        };
        let name = name.trim();
        let index = objectives.iter().position(|o| o == name).ok_or_else(|| {
            bad(format!(
                "unknown objective `{name}` (objectives: {})",
                objectives.join(", ")
            ))
        })?;
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{}` is not a number", value.trim())))?;
        if !value.is_finite() {
            return Err(bad("the limit must be finite".into()));
        }
        Ok(ObjectiveBound {
            objective: name.to_string(),
            index,
            bound,
            value,
        })
    }

    /// How far `objectives` are from satisfying the constraint (0 when satisfied; NaN
    /// counts as infinitely far).
    pub fn violation(&self, objectives: &[f64]) -> f64 {
        let v = objectives.get(self.index).copied().unwrap_or(f64::NAN);
        if v.is_nan() {
            return f64::INFINITY;
        }
        match self.bound {
            Bound::AtMost => (v - self.value).max(0.0),
            Bound::AtLeast => (self.value - v).max(0.0),
        }
    }
}

impl std::fmt::Display for ObjectiveBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.bound {
            Bound::AtMost => "<=",
            Bound::AtLeast => ">=",
        };
        write!(f, "{}{op}{}", self.objective, self.value)
    }
}

/// A [`TuneFunction`] with user constraints added to its violation.
pub struct Constrained<'a, F> {
    /// The wrapped function.
    pub inner: &'a F,
    /// The bounds.
    pub constraints: &'a [ObjectiveBound],
}

impl<F: TuneFunction> Constrained<'_, F> {
    /// Evaluates and adds the constraints' violation (a NaN or infinite violation is
    /// capped at 1e12 so that comparisons stay total).
    pub fn evaluate(&self, genes: &[f64]) -> Result<Scored<F::Extra>, F::Error> {
        let mut s = self.inner.evaluate(genes)?;
        let extra: f64 = self
            .constraints
            .iter()
            .map(|c| c.violation(&s.objectives))
            .sum();
        let total = s.violation + extra;
        s.violation = if total.is_finite() { total } else { 1e12 };
        Ok(s)
    }
}

/// Weights of a scalarised objective: `Σ w_j · f_j / scale_j`, where `scale_j` is
/// `|f_j(start)|` (1 when that is 0 or not finite) so that weights compare objectives of
/// different units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// One weight per objective (0 = ignored).
    pub weights: Vec<f64>,
    /// Normalising scale per objective.
    pub scales: Vec<f64>,
}

impl Weights {
    /// Parses `name=w,name=w` (`None`: weight 1 on every objective but `complexity`, which a
    /// fixed structure cannot change) or a single objective name (`--objective`).
    pub fn parse(
        weights: Option<&str>,
        objective: Option<&str>,
        objectives: &[String],
    ) -> Result<Weights, TuneError> {
        let mut w = vec![0.0; objectives.len()];
        let find = |text: &str, name: &str| {
            objectives
                .iter()
                .position(|o| o == name)
                .ok_or_else(|| TuneError::BadWeights {
                    text: text.to_string(),
                    reason: format!(
                        "unknown objective `{name}` (objectives: {})",
                        objectives.join(", ")
                    ),
                })
        };
        match (weights, objective) {
            (Some(_), Some(_)) => {
                return Err(TuneError::BadWeights {
                    text: String::new(),
                    reason: "give either --weights or --objective, not both".into(),
                });
            }
            (None, Some(name)) => w[find(name, name.trim())?] = 1.0,
            (Some(text), None) => {
                for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                    let (name, value) =
                        part.split_once('=').ok_or_else(|| TuneError::BadWeights {
                            text: text.to_string(),
                            reason: format!("`{part}` is not NAME=WEIGHT"),
                        })?;
                    let i = find(text, name.trim())?;
                    let value: f64 = value.trim().parse().map_err(|_| TuneError::BadWeights {
                        text: text.to_string(),
                        reason: format!("`{}` is not a number", value.trim()),
                    })?;
                    if !value.is_finite() || value < 0.0 {
                        return Err(TuneError::BadWeights {
                            text: text.to_string(),
                            reason: format!("weight of `{}` must be finite and >= 0", name.trim()),
                        });
                    }
                    w[i] = value;
                }
            }
            (None, None) => {
                for (i, o) in objectives.iter().enumerate() {
                    w[i] = if o == "complexity" { 0.0 } else { 1.0 };
                }
            }
        }
        if w.iter().all(|&x| x == 0.0) {
            return Err(TuneError::BadWeights {
                text: weights.or(objective).unwrap_or_default().to_string(),
                reason: "at least one weight must be positive".into(),
            });
        }
        Ok(Weights {
            scales: vec![1.0; w.len()],
            weights: w,
        })
    }

    /// Sets the scales from the start point's objectives.
    pub fn normalise_by(&mut self, start: &[f64]) {
        self.scales = start
            .iter()
            .map(|v| {
                if v.is_finite() && v.abs() > 1e-300 {
                    v.abs()
                } else {
                    1.0
                }
            })
            .collect();
    }

    /// The weighted sum (NaN reads as +∞).
    pub fn scalar(&self, objectives: &[f64]) -> f64 {
        let s: f64 = self
            .weights
            .iter()
            .zip(&self.scales)
            .zip(objectives)
            .filter(|((w, _), _)| **w != 0.0)
            .map(|((w, s), f)| w * f / s)
            .sum();
        if s.is_nan() { f64::INFINITY } else { s }
    }

    /// Deb's feasibility rule on the scalar: true when `a` is strictly better than `b`.
    pub fn better<E>(&self, a: &Point<E>, b: &Point<E>) -> bool {
        match (a.is_feasible(), b.is_feasible()) {
            (true, false) => true,
            (false, true) => false,
            (false, false) => a.violation < b.violation,
            (true, true) => self.scalar(&a.objectives) < self.scalar(&b.objectives),
        }
    }

    /// Index of the best point by [`Weights::better`] (first on ties).
    pub fn best_index<E>(&self, points: &[Point<E>]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, p) in points.iter().enumerate() {
            if best.is_none_or(|b| self.better(p, &points[b])) {
                best = Some(i);
            }
        }
        best
    }
}

/// Which optimiser (`tsynth tune --mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum TuneMode {
    /// Local NSGA-II around the start point (a Pareto front of tuned designs).
    Moo,
    /// Pattern search on a weighted sum of normalised objectives (one tuned design).
    Scalar,
}

impl TuneMode {
    /// `"moo"` or `"scalar"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Moo => "moo",
            Self::Scalar => "scalar",
        }
    }
}

/// Progress of one generation (MOO) or poll round (scalar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iteration {
    /// Generation / round number (0 = the start point / initial population).
    pub generation: u64,
    /// Evaluations in this generation.
    pub evaluations: usize,
    /// Evaluations so far.
    pub total_evaluations: u64,
    /// Feasible points among this generation's evaluations.
    pub feasible: usize,
    /// Size of the feasible non-dominated set of everything evaluated so far.
    pub front_size: usize,
    /// Step size in gene space (pattern step or mutation σ).
    pub step: f64,
    /// Best weighted scalar among feasible points so far (∞ if none).
    pub best_scalar: f64,
}

/// Everything a tuning run produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TuneOutcome<E> {
    /// Every evaluated point, in evaluation order (index 0 = the start point).
    pub points: Vec<Point<E>>,
    /// Per-generation progress.
    pub iterations: Vec<Iteration>,
    /// Indices into `points` of the non-dominated set (feasible points only; if nothing is
    /// feasible, the least-violating point).
    pub front: Vec<usize>,
    /// Index into `points` of the best point by the weighted scalar (Deb's rule).
    pub best: usize,
}

/// Indices of the non-dominated feasible points of `points` (duplicates of an objective
/// vector keep the first); the least-violating point when none is feasible.
pub fn feasible_front<E>(points: &[Point<E>]) -> Vec<usize> {
    let feas: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].is_feasible() && points[i].objectives.iter().all(|v| !v.is_nan()))
        .collect();
    if feas.is_empty() {
        return points
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.violation.total_cmp(&b.1.violation))
            .map(|(i, _)| vec![i])
            .unwrap_or_default();
    }
    let mut out = Vec::new();
    for &i in &feas {
        let a = &points[i].objectives;
        let dominated_or_dup = feas.iter().any(|&j| {
            let b = &points[j].objectives;
            j != i && (tsynth_moo::dominance::dominates(b, a) || (j < i && a == b))
        });
        if !dominated_or_dup {
            out.push(i);
        }
    }
    out
}

/// Settings shared by both modes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuneSettings {
    /// Optimiser.
    pub mode: TuneMode,
    /// Most evaluations (the start point included).
    pub budget: usize,
    /// Run seed (MOO sampling and variation).
    pub seed: u64,
    /// Initial step in gene space (pattern step; MOO sampling σ).
    pub initial_step: f64,
    /// Smallest step: the pattern search stops below it; the MOO σ never goes below it.
    pub min_step: f64,
    /// MOO: factor applied to σ after every generation.
    pub shrink: f64,
    /// MOO: population size (default: derived from the budget).
    pub population: Option<usize>,
}

impl Default for TuneSettings {
    fn default() -> Self {
        Self {
            mode: TuneMode::Moo,
            budget: 200,
            seed: 1,
            initial_step: 0.1,
            min_step: 0.002,
            shrink: 0.85,
            population: None,
        }
    }
}

impl TuneSettings {
    /// Checks the settings.
    pub fn validate(&self, dimension: usize) -> Result<(), TuneError> {
        if dimension == 0 {
            return Err(TuneError::NothingToTune);
        }
        if self.budget < 2 {
            return Err(SettingsError::Budget(self.budget).into());
        }
        if !(self.initial_step > 0.0 && self.initial_step <= 1.0) {
            return Err(SettingsError::InitialStep(self.initial_step).into());
        }
        if !(self.min_step > 0.0 && self.min_step <= self.initial_step) {
            return Err(SettingsError::MinStep(self.min_step).into());
        }
        if !(self.shrink > 0.0 && self.shrink <= 1.0) {
            return Err(SettingsError::Shrink(self.shrink).into());
        }
        if let Some(p) = self.population.filter(|&p| p < 2) {
            return Err(SettingsError::Population(p).into());
        }
        Ok(())
    }
}

/// Tunes `function` from `start` (genes in [0, 1]) under `constraints`, calling `progress`
/// after every generation. `weights` picks the best point (both modes) and is what the
/// scalar mode minimises; its scales are set from the start point here.
pub fn tune<F: TuneFunction>(
    function: &F,
    start: &[f64],
    constraints: &[ObjectiveBound],
    weights: &mut Weights,
    settings: &TuneSettings,
    progress: impl FnMut(&Iteration, &[Point<F::Extra>]),
) -> Result<TuneOutcome<F::Extra>, TuneError> {
    settings.validate(start.len())?;
    if start.iter().any(|g| !(0.0..=1.0).contains(g)) {
        return Err(SettingsError::StartGenes.into());
    }
    let f = Constrained {
        inner: function,
        constraints,
    };
    let first = f.evaluate(start).map_err(TuneError::evaluation)?;
    weights.normalise_by(&first.objectives);
    let start_point = Point {
        index: 0,
        genes: start.to_vec(),
        objectives: first.objectives,
        violation: first.violation,
        extra: first.extra,
    };
    let points = match settings.mode {
        TuneMode::Scalar => pattern::search(&f, start_point, weights, settings, progress)?,
        TuneMode::Moo => local_moo::search(&f, start_point, weights, settings, progress)?,
    };
    let front = feasible_front(&points);
    let best = weights.best_index(&points).unwrap_or(0);
    let (points, iterations) = points.into_parts();
    Ok(TuneOutcome {
        points,
        iterations,
        front,
        best,
    })
}

/// Points and iterations gathered by an optimiser.
#[derive(Debug)]
pub struct Trace<E> {
    /// Every evaluated point.
    pub points: Vec<Point<E>>,
    /// Per-generation progress.
    pub iterations: Vec<Iteration>,
}

impl<E> Trace<E> {
    fn into_parts(self) -> (Vec<Point<E>>, Vec<Iteration>) {
        (self.points, self.iterations)
    }
}

impl<E> std::ops::Deref for Trace<E> {
    type Target = [Point<E>];
    fn deref(&self) -> &[Point<E>] {
        &self.points
    }
}

/// Evaluates a batch in parallel (results in input order, so independent of threads).
pub(crate) fn evaluate_batch<F: TuneFunction>(
    f: &Constrained<'_, F>,
    batch: &[Vec<f64>],
    first_index: usize,
) -> Result<Vec<Point<F::Extra>>, TuneError> {
    use rayon::prelude::*;
    let scored: Vec<_> = batch
        .par_iter()
        .map(|g| f.evaluate(g))
        .collect::<Result<_, _>>()
        .map_err(TuneError::evaluation)?;
    Ok(scored
        .into_iter()
        .zip(batch)
        .enumerate()
        .map(|(k, (s, g))| Point {
            index: first_index + k,
            genes: g.clone(),
            objectives: s.objectives,
            violation: s.violation,
            extra: s.extra,
        })
        .collect())
}

/// Progress figures after a batch was added to `points`.
pub(crate) fn iteration_stats<E>(
    points: &[Point<E>],
    batch_len: usize,
    generation: u64,
    step: f64,
    weights: &Weights,
) -> Iteration {
    let batch = &points[points.len() - batch_len..];
    let best_scalar = points
        .iter()
        .filter(|p| p.is_feasible())
        .map(|p| weights.scalar(&p.objectives))
        .fold(f64::INFINITY, f64::min);
    Iteration {
        generation,
        evaluations: batch_len,
        total_evaluations: points.len() as u64,
        feasible: batch.iter().filter(|p| p.is_feasible()).count(),
        front_size: feasible_front(points)
            .iter()
            .filter(|&&i| points[i].is_feasible())
            .count(),
        step,
        best_scalar,
    }
}
