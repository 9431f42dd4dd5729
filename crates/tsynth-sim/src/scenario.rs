//! The engine's part of a scenario file: which domain it is for (`domain = "..."`), the
//! `[run]` table (ticks, tick length, probing, seeds), positioned errors, and checked number
//! types a domain's schema can use.
//!
//! Values are checked while they are read (newtypes with `try_from`, `deserialize_with`), so
//! a bad value is reported with the file, line and column of that value, like an unknown key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

impl From<tsynth_text::TextError> for ScenarioError {
    fn from(e: tsynth_text::TextError) -> Self {
        Self::Text(e)
    }
}

/// A scenario that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read, or is not UTF-8 (the message names the path once, and
    /// the byte position of invalid UTF-8). Not a `source`: the message already holds the
    /// text error's, and a chain printer would repeat it.
    #[error("scenario: {0}")]
    Text(tsynth_text::TextError),
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
    /// An error at byte `offset` of `text` (offsets are into the normalised text, as
    /// [`parse_toml`] and [`domain_of`] report them).
    pub fn at(text: &str, path: &Path, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(&tsynth_text::normalize(text), offset);
        ScenarioError::Invalid {
            path: path.to_owned(),
            line,
            col,
            message: message.into(),
        }
    }
}

/// Reads a scenario file's text (UTF-8; a byte-order mark is dropped and CRLF / CR line
/// endings become LF, so positions are the same whatever editor wrote the file).
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    Ok(tsynth_text::read_text(path)?.into_string())
}

/// Deserialises TOML `text` into `T`, with errors at the offending value's position (text
/// given directly is normalised like a file: byte-order mark dropped, LF line endings).
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, ScenarioError> {
    let text = &*tsynth_text::normalize(text);
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
    /// Simulated seconds per tick: one block (12 s) up to hours. Agents should act at rates
    /// per unit of time so that a longer tick does not change the market, only its grain.
    #[serde(
        default = "default_seconds_per_tick",
        deserialize_with = "seconds_per_tick"
    )]
    pub seconds_per_tick: u32,
    /// Seconds between blocks (default 12): per tick the block number advances by
    /// [`RunSpec::blocks_per_tick`], so block number and timestamp stay consistent.
    #[serde(
        default = "default_seconds_per_block",
        deserialize_with = "seconds_per_block"
    )]
    pub seconds_per_block: u32,
    /// Every this many ticks the state is forked and the adversaries probe it (0 = never).
    #[serde(default = "default_probe_interval")]
    pub probe_interval: u32,
    /// Number of Monte Carlo seeds (each a full run with its own RNG streams).
    #[serde(default = "default_seeds", deserialize_with = "seeds")]
    pub seeds: u32,
}

impl RunSpec {
    /// Blocks per tick: `ceil(seconds_per_tick / seconds_per_block)`, at least 1.
    pub fn blocks_per_tick(&self) -> u64 {
        u64::from(self.seconds_per_tick)
            .div_ceil(u64::from(self.seconds_per_block.max(1)))
            .max(1)
    }

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
fn seconds_per_block<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_least_one(d, "seconds_per_block")
}
fn seeds<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_least_one(d, "seeds")
}

fn default_seconds_per_tick() -> u32 {
    12
}
fn default_seconds_per_block() -> u32 {
    12
}
fn default_probe_interval() -> u32 {
    50
}
fn default_seeds() -> u32 {
    4
}

/// 1-based line and column (in characters) of a byte offset (the one helper of the
/// project, [`tsynth_text::line_col`]).
pub use tsynth_text::line_col;

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
    fn long_ticks_advance_many_blocks() {
        let s: S = parse_toml(
            "[run]\nticks = 24\nseconds_per_tick = 3600\n",
            Path::new("s"),
        )
        .unwrap();
        assert_eq!(s.run.seconds_per_block, 12);
        assert_eq!(s.run.blocks_per_tick(), 300);
        assert_eq!(s.run.horizon_seconds(), 86_400);
        let s: S = parse_toml(
            "[run]\nticks = 1\nseconds_per_tick = 30\nseconds_per_block = 12\n",
            Path::new("s"),
        )
        .unwrap();
        assert_eq!(s.run.blocks_per_tick(), 3, "rounded up");
        let s: S = parse_toml("[run]\nticks = 1\n", Path::new("s")).unwrap();
        assert_eq!(s.run.blocks_per_tick(), 1, "a 12 s tick is one block");
        let (line, _, msg) = err("[run]\nticks = 1\nseconds_per_block = 0\n");
        assert_eq!(line, 3);
        assert!(
            msg.contains("`seconds_per_block` must be at least 1"),
            "{msg}"
        );
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
    fn bom_crlf_and_cr_give_the_positions_of_the_lf_file() {
        let lf = "[run]\nticks = 5\nseeds = 0\n";
        let want = err(lf);
        assert_eq!(err(&format!("\u{feff}{}", lf.replace('\n', "\r\n"))), want);
        assert_eq!(err(&lf.replace('\n', "\r")), want);
        let text = "\u{feff}domain = \"toy\"\r\n[run]\r\nticks = 1\r\n";
        let e = expect_domain(text, Path::new("s"), "amm")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("s:1:10: this is a scenario of domain `toy`"),
            "{e}"
        );
    }

    #[test]
    fn unreadable_and_non_utf8_files_name_the_path_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, b"[run]\nticks = 1 # \xc3\x28\n").unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("s.toml:2:13: invalid UTF-8"), "{e}");
        let missing = dir.path().join("missing.toml");
        let e = read(&missing).unwrap_err().to_string();
        assert_eq!(e.matches("missing.toml").count(), 1, "{e}");
    }

    #[test]
    fn non_finite_numbers_are_refused_with_their_position() {
        #[derive(Debug, Deserialize)]
        struct P {
            #[allow(dead_code)]
            p: Probability,
        }
        let e = parse_toml::<P>("p = nan\n", Path::new("s"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s:1:5: expected a probability"), "{e}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
