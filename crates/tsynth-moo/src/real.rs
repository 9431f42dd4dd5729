//! Adapter from a bounded real-valued function to a [`Problem`], with SBX and polynomial
//! mutation as variation.

use rand::Rng;
use thiserror::Error;

use crate::MooRng;
use crate::operators::{PolynomialMutation, Sbx};
use crate::problem::{EvalContext, Evaluation, Problem};

/// Why a real-valued genotype could not be evaluated (e.g. an injected design of the
/// wrong size).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RealProblemError {
    /// The genotype's length differs from the number of variables.
    #[error("genotype has {got} variables, the problem has {expected}")]
    Length {
        /// Number of variables of the problem.
        expected: usize,
        /// Length of the genotype.
        got: usize,
    },
    /// A variable is NaN or outside its bounds.
    #[error("variable {index} = {value} is outside its bounds [{lower}, {upper}]")]
    OutOfBounds {
        /// Index of the variable.
        index: usize,
        /// Its value.
        value: f64,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
}

/// A multi-objective function of a bounded real vector.
pub trait RealFunction: Sync {
    /// Number of decision variables.
    fn num_variables(&self) -> usize;
    /// Number of objectives.
    fn num_objectives(&self) -> usize;
    /// Lower bounds, one per variable.
    fn lower(&self) -> &[f64];
    /// Upper bounds, one per variable.
    fn upper(&self) -> &[f64];
    /// Objective values of `x` (all minimised); `x` has `num_variables()` entries within
    /// the bounds ([`RealProblem`] checks this before calling).
    fn objectives(&self, x: &[f64]) -> Vec<f64>;
    /// Total constraint violation of `x` (0 = feasible). Default: unconstrained.
    fn violation(&self, _x: &[f64]) -> f64 {
        0.0
    }
}

/// A [`Problem`] over `Vec<f64>` genotypes built from a [`RealFunction`].
#[derive(Debug, Clone)]
pub struct RealProblem<F> {
    /// The function being minimised.
    pub function: F,
    /// Crossover operator.
    pub crossover: Sbx,
    /// Mutation operator.
    pub mutation: PolynomialMutation,
}

impl<F: RealFunction> RealProblem<F> {
    /// Wrap `function` with pymoo's default operators (SBX η 15 p 0.9, PM η 20 p 1/n).
    pub fn new(function: F) -> Self {
        Self {
            function,
            crossover: Sbx::default(),
            mutation: PolynomialMutation::default(),
        }
    }
}

impl<F: RealFunction> Problem for RealProblem<F> {
    type Genotype = Vec<f64>;
    type Extra = ();
    type Error = RealProblemError;

    fn num_objectives(&self) -> usize {
        self.function.num_objectives()
    }

    fn random_genotype(&self, rng: &mut MooRng) -> Vec<f64> {
        let (lo, hi) = (self.function.lower(), self.function.upper());
        lo.iter()
            .zip(hi)
            .map(|(&l, &h)| l + (h - l) * rng.random::<f64>())
            .collect()
    }

    fn crossover(&self, a: &Vec<f64>, b: &Vec<f64>, rng: &mut MooRng) -> (Vec<f64>, Vec<f64>) {
        let (mut c1, mut c2) = (a.clone(), b.clone());
        self.crossover.apply(
            &mut c1,
            &mut c2,
            self.function.lower(),
            self.function.upper(),
            rng,
        );
        (c1, c2)
    }

    fn mutate(&self, genotype: &mut Vec<f64>, rng: &mut MooRng) {
        self.mutation
            .apply(genotype, self.function.lower(), self.function.upper(), rng);
    }

    fn evaluate(
        &self,
        x: &Vec<f64>,
        _context: &EvalContext,
    ) -> Result<Evaluation<()>, RealProblemError> {
        let (lower, upper) = (self.function.lower(), self.function.upper());
        if x.len() != lower.len() {
            return Err(RealProblemError::Length {
                expected: lower.len(),
                got: x.len(),
            });
        }
        for (index, ((&value, &lo), &hi)) in x.iter().zip(lower).zip(upper).enumerate() {
            if !(lo..=hi).contains(&value) {
                return Err(RealProblemError::OutOfBounds {
                    index,
                    value,
                    lower: lo,
                    upper: hi,
                });
            }
        }
        Ok(Evaluation::with_violation(
            self.function.objectives(x),
            self.function.violation(x),
        ))
    }
}
