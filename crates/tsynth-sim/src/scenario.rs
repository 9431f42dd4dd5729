//! The engine's part of a scenario file: which domain it is for (`domain = "..."`), the
//! `[run]` table (ticks, tick length, probing, seeds), positioned errors, and checked number
//! types a domain's schema can use.
//!
//! Values are checked while they are read (newtypes with `try_from`, `deserialize_with`), so
//! a bad value is reported with the file, line and column of that value, like an unknown key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

/// A scenario that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read at all.
    #[error("cannot read scenario {path}")]
    Io {
        /// File named by the user.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file is not a valid scenario; `line`/`col` are 1-based.
    #[error("{path}:{line}:{col}: {message}")]
    Invalid {
        /// File named by the user.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong.
        message: String,
    },
}

impl ScenarioError {
    /// An error at byte `offset` of `text`.
    pub fn at(text: &str, path: &Path, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        ScenarioError::Invalid {
            path: path.to_owned(),
            line,
            col,
            message: message.into(),
        }
    }
}

/// Reads a scenario file's text.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Deserialises TOML `text` into `T`, with errors at the offending value's position.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, ScenarioError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        ScenarioError::at(text, path, offset, e.message().trim())
    })
}

#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    domain: Option<toml::Spanned<String>>,
}

/// The domain a scenario names (`domain = "..."` at the top), with its byte span, or `None`.
pub fn domain_of(
    text: &str,
    path: &Path,
) -> Result<Option<(String, std::ops::Range<usize>)>, ScenarioError> {
    let head: Head = parse_toml(text, path)?;
    Ok(head.domain.map(|s| {
        let span = s.span();
        (s.into_inner(), span)
    }))
}

/// Checks that scenario `text` names domain `name` (or none); another name is an error at
/// its position.
pub fn expect_domain(text: &str, path: &Path, name: &str) -> Result<(), ScenarioError> {
    match domain_of(text, path)? {
        Some((found, span)) if found != name => Err(ScenarioError::at(
            text,
            path,
            span.start,
            format!("this is a scenario of domain `{found}`, not `{name}`"),
        )),
        _ => Ok(()),
    }
}

macro_rules! checked_f64 {
    ($(#[$doc:meta])* $name:ident, $check:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(try_from = "f64", into = "f64")]
        pub struct $name(pub f64);
        impl TryFrom<f64> for $name {
            type Error = String;
            fn try_from(v: f64) -> Result<Self, String> {
                let ok: fn(f64) -> bool = $check;
                if v.is_finite() && ok(v) {
                    Ok(Self(v))
                } else {
                    Err(format!(concat!("expected ", $what, ", found {}"), v))
                }
            }
        }
        impl From<$name> for f64 {
            fn from(v: $name) -> f64 {
                v.0
            }
        }
        impl $name {
            /// The value.
            pub fn get(self) -> f64 {
                self.0
            }
        }
    };
}

checked_f64!(
    /// A probability in [0, 1].
    Probability, |v| (0.0..=1.0).contains(&v), "a probability in [0, 1]"
);
checked_f64!(
    /// A fraction in (0, 1].
    Fraction, |v| v > 0.0 && v <= 1.0, "a fraction in (0, 1]"
);
checked_f64!(
    /// An amount of tokens ≥ 0 (whole tokens, not base units).
    Amount, |v| v >= 0.0, "an amount >= 0"
);
checked_f64!(
    /// A strictly positive number.
    Positive, |v| v > 0.0, "a number > 0"
);

/// `[run]`: ticks, seconds per tick, probing and seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Number of ticks; one tick is one block.
    #[serde(deserialize_with = "ticks")]
    pub ticks: u32,
    /// Seconds between blocks.
    #[serde(
        default = "default_seconds_per_tick",
        deserialize_with = "seconds_per_tick"
    )]
    pub seconds_per_tick: u32,
    /// Every this many ticks the state is forked and the adversaries probe it (0 = never).
    #[serde(default = "default_probe_interval")]
    pub probe_interval: u32,
    /// Number of Monte Carlo seeds (each a full run with its own RNG streams).
    #[serde(default = "default_seeds", deserialize_with = "seeds")]
    pub seeds: u32,
}

impl RunSpec {
    /// Simulated seconds from tick 0 to the last tick.
    pub fn horizon_seconds(&self) -> u64 {
        u64::from(self.ticks) * u64::from(self.seconds_per_tick)
    }
}

fn at_least_one<'de, D: Deserializer<'de>>(d: D, key: &str) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v == 0 {
        return Err(serde::de::Error::custom(format!(
            "`{key}` must be at least 1, found 0"
        )));
    }
    Ok(v)
}
fn ticks<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_least_one(d, "ticks")
}
fn seconds_per_tick<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_least_one(d, "seconds_per_tick")
}
fn seeds<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_least_one(d, "seeds")
}

fn default_seconds_per_tick() -> u32 {
    12
}
fn default_probe_interval() -> u32 {
    50
}
fn default_seeds() -> u32 {
    4
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct S {
        #[allow(dead_code)]
        domain: Option<String>,
        run: RunSpec,
    }

    fn err(text: &str) -> (usize, usize, String) {
        match parse_toml::<S>(text, Path::new("s.toml")) {
            Err(ScenarioError::Invalid {
                line, col, message, ..
            }) => (line, col, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn run_defaults_and_zero_checks_with_positions() {
        let s: S = parse_toml("[run]\nticks = 10\n", Path::new("s")).unwrap();
        assert_eq!(s.run.seconds_per_tick, 12);
        assert_eq!(s.run.seeds, 4);
        assert_eq!(s.run.horizon_seconds(), 120);
        let (line, col, msg) = err("[run]\nticks = 5\nseeds = 0\n");
        assert_eq!((line, col), (3, 9), "{msg}");
        assert!(msg.contains("`seeds` must be at least 1"), "{msg}");
        let (line, _, _) = err("[run]\nticks = 0\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn domain_is_read_with_its_span() {
        let text = "domain = \"toy\"\n[run]\nticks = 1\n";
        let (name, span) = domain_of(text, Path::new("s")).unwrap().unwrap();
        assert_eq!(name, "toy");
        assert_eq!(&text[span], "\"toy\"");
        assert!(
            domain_of("[run]\nticks = 1\n", Path::new("s"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
