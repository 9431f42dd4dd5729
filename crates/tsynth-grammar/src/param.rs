//! Typed parameters: range, scale, unit, default; mapping between natural units and the
//! genotype's [0, 1] coordinate.

use crate::ast::{ParamType, Scale};
use crate::error::Pos;

/// A validated parameter of a block or compound.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// Name (unique within its block or compound).
    pub name: String,
    /// Type.
    pub ty: ParamType,
    /// Lower bound in natural units (0 for bool).
    pub lo: f64,
    /// Upper bound in natural units (1 for bool).
    pub hi: f64,
    /// Search scale.
    pub scale: Scale,
    /// Unit label ("" if none).
    pub unit: String,
    /// Default value in natural units (bool: 0 or 1).
    pub default: f64,
    /// Where it is declared in the grammar.
    pub pos: Pos,
}

/// A parameter value in natural units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Real number.
    Real(f64),
    /// Whole number (ranges are non-negative).
    Integer(u64),
    /// Boolean.
    Bool(bool),
}

impl Value {
    /// The value as a float (bool: 1 or 0).
    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::Real(v) => v,
            Value::Integer(v) => v as f64,
            Value::Bool(b) => {
                if b {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Real(v) => write!(f, "{v}"),
            Value::Integer(v) => write!(f, "{v}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl ParamSpec {
    /// The value for a gene `x` in [0, 1] (clamped; NaN reads as 0). Total. Reals are
    /// rounded to [`REAL_DIGITS`] significant digits, integers to whole numbers.
    pub fn decode(&self, x: f64) -> Value {
        let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        match self.ty {
            ParamType::Bool => Value::Bool(x >= 0.5),
            ParamType::Real => Value::Real(round_sig(self.natural_at(x)).clamp(self.lo, self.hi)),
            ParamType::Integer => Value::Integer(self.natural_at(x).round() as u64),
        }
    }

    /// Natural value for a unit coordinate, before type rounding.
    fn natural_at(&self, x: f64) -> f64 {
        let v = match self.scale {
            Scale::Linear => self.lo + x * (self.hi - self.lo),
            Scale::Log => (self.lo.ln() + x * (self.hi.ln() - self.lo.ln())).exp(),
        };
        v.clamp(self.lo, self.hi)
    }

    /// The gene in [0, 1] that decodes to `v` (clamped to the range).
    pub fn encode(&self, v: f64) -> f64 {
        match self.ty {
            ParamType::Bool => {
                if v >= 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
            _ => {
                let v = if v.is_nan() { self.default } else { v };
                let v = v.clamp(self.lo, self.hi);
                let x = match self.scale {
                    Scale::Linear => (v - self.lo) / (self.hi - self.lo),
                    Scale::Log => (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln()),
                };
                x.clamp(0.0, 1.0)
            }
        }
    }

    /// Converts a number computed by an expression into a value of this parameter: rounded
    /// for integers, clamped to the range; non-finite results fall back to the default.
    pub fn coerce(&self, v: f64) -> Value {
        let v = if v.is_finite() { v } else { self.default };
        match self.ty {
            ParamType::Bool => Value::Bool(v != 0.0),
            ParamType::Real => Value::Real(v.clamp(self.lo, self.hi)),
            ParamType::Integer => Value::Integer(v.round().clamp(self.lo, self.hi) as u64),
        }
    }

    /// The default as a value.
    pub fn default_value(&self) -> Value {
        self.coerce(self.default)
    }

    /// Short human description: `real in [0.0001, 0.1] log, fraction, default 0.001`.
    pub fn describe(&self) -> String {
        let mut s = self.ty.keyword().to_string();
        if self.ty != ParamType::Bool {
            s += &format!(" in [{}, {}]", self.lo, self.hi);
            if self.scale == Scale::Log {
                s += " log";
            }
        }
        if !self.unit.is_empty() {
            s += &format!(", unit {}", self.unit);
        }
        s += &format!(", default {}", self.default_value());
        s
    }
}

/// Significant digits kept when decoding a real (so that `encode` then `decode` gives back
/// the written value, e.g. exactly `100` rather than `100.00000000000004` on a log scale).
pub const REAL_DIGITS: usize = 12;

/// `v` rounded to [`REAL_DIGITS`] significant digits.
pub fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{:.*e}", REAL_DIGITS - 1, v).parse().unwrap_or(v)
}
