//! Scenario files (`scenarios/*.toml`): how long to simulate, which agents take part, how
//! often adversaries probe, and how the objectives are measured.
//!
//! Values are checked while they are read (newtypes with `try_from`), so a bad value is
//! reported with the file, line and column of that value, like an unknown key is.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// A whole scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Length and granularity of a run.
    pub run: RunSpec,
    /// How the publisher seeds the pool.
    pub pool: PoolSpec,
    /// The (honest) publisher.
    #[serde(default)]
    pub publisher: PublisherSpec,
    /// Honest agents by kind.
    #[serde(default)]
    pub agents: Vec<AgentSpec>,
    /// Adversaries that probe forks of the state.
    #[serde(default)]
    pub adversaries: AdversarySpec,
    /// How objectives and constraints are measured.
    #[serde(default)]
    pub metrics: MetricSpec,
}

/// `[run]`: ticks, seconds per tick, probing and seeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Number of ticks; one tick is one block.
    pub ticks: u32,
    /// Seconds between blocks.
    #[serde(default = "default_seconds_per_tick")]
    pub seconds_per_tick: u32,
    /// Every this many ticks the state is forked and the adversaries probe it (0 = never).
    #[serde(default = "default_probe_interval")]
    pub probe_interval: u32,
    /// Number of Monte Carlo seeds (each a full run with its own RNG streams).
    #[serde(default = "default_seeds")]
    pub seeds: u32,
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

/// `[pool]`: the opening state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Base tokens the publisher puts in at initialisation.
    pub initial_base: Positive,
    /// Opening price, base tokens per datatoken.
    pub initial_price: Positive,
}

/// `[publisher]`: the honest publisher's behaviour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherSpec {
    /// Base tokens the publisher owns beyond the initial pool liquidity.
    #[serde(default = "default_publisher_capital")]
    pub capital: Amount,
    /// Ticks between vesting claims (0 = never claims).
    #[serde(default = "default_claim_interval")]
    pub claim_interval: u32,
    /// Probability per tick of selling some of its datatokens.
    #[serde(default = "default_sell_probability")]
    pub sell_probability: Probability,
    /// Fraction of its datatokens sold when it sells.
    #[serde(default = "default_sell_fraction")]
    pub sell_fraction: Fraction,
}

impl Default for PublisherSpec {
    fn default() -> Self {
        Self {
            capital: default_publisher_capital(),
            claim_interval: default_claim_interval(),
            sell_probability: default_sell_probability(),
            sell_fraction: default_sell_fraction(),
        }
    }
}

fn default_publisher_capital() -> Amount {
    Amount(1000.0)
}
fn default_claim_interval() -> u32 {
    100
}
fn default_sell_probability() -> Probability {
    Probability(0.01)
}
fn default_sell_fraction() -> Fraction {
    Fraction(0.1)
}

/// Kinds of honest agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// Buys one datatoken and orders (consumes) it.
    Consumer,
    /// Stakes and unstakes fractions of its capital / shares.
    Staker,
    /// Buys and sells datatokens.
    Speculator,
}

impl AgentKind {
    /// Name used in KPI columns and summaries.
    pub fn name(self) -> &'static str {
        match self {
            AgentKind::Consumer => "consumer",
            AgentKind::Staker => "staker",
            AgentKind::Speculator => "speculator",
        }
    }
}

/// `[[agents]]`: a group of identical honest agents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// What the agents do.
    pub kind: AgentKind,
    /// How many of them.
    #[serde(default = "one")]
    pub count: u32,
    /// Base tokens each starts with.
    pub capital: Amount,
    /// Probability per tick of acting (for consumers: of buying and ordering one datatoken).
    pub probability: Probability,
    /// Fraction of holdings moved when acting (ignored by consumers).
    #[serde(default = "default_fraction")]
    pub fraction: Fraction,
}

fn one() -> u32 {
    1
}
fn default_fraction() -> Fraction {
    Fraction(0.2)
}

/// `[adversaries]`: who probes the forks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdversarySpec {
    /// The publisher tries to rug: sell everything it holds or can claim, withdraw its shares.
    #[serde(default = "yes")]
    pub rug_publisher: bool,
    /// Base tokens of the July-2022 attacker (0 = no attacker).
    #[serde(default = "default_attacker_capital")]
    pub attacker_capital: Amount,
    /// At most this many stake→buy→unstake→sell loops per probe.
    #[serde(default = "default_attacker_loops")]
    pub attacker_max_loops: u32,
}

impl Default for AdversarySpec {
    fn default() -> Self {
        Self {
            rug_publisher: true,
            attacker_capital: default_attacker_capital(),
            attacker_max_loops: default_attacker_loops(),
        }
    }
}

fn yes() -> bool {
    true
}
fn default_attacker_capital() -> Amount {
    Amount(1000.0)
}
fn default_attacker_loops() -> u32 {
    10
}

/// `[metrics]`: objective and constraint settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// Slippage probe: buy datatokens with this fraction of the pool's base balance.
    #[serde(default = "default_slippage_trade")]
    pub slippage_trade: Fraction,
    /// Constraint: at most this share of honest transactions may revert.
    #[serde(default = "default_max_revert")]
    pub max_honest_revert_rate: Probability,
    /// Constraint: at least this share of consumers' buy-and-order attempts must succeed.
    #[serde(default = "default_min_consumer")]
    pub min_consumer_success: Probability,
}

impl Default for MetricSpec {
    fn default() -> Self {
        Self {
            slippage_trade: default_slippage_trade(),
            max_honest_revert_rate: default_max_revert(),
            min_consumer_success: default_min_consumer(),
        }
    }
}

fn default_slippage_trade() -> Fraction {
    Fraction(0.01)
}
fn default_max_revert() -> Probability {
    Probability(0.1)
}
fn default_min_consumer() -> Probability {
    Probability(0.5)
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses scenario text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ScenarioError> {
        let invalid = |offset: usize, message: String| {
            let (line, col) = line_col(text, offset);
            ScenarioError::Invalid {
                path: path.to_owned(),
                line,
                col,
                message,
            }
        };
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            invalid(offset, e.message().trim().to_string())
        })?;
        // Cross-field checks: point at the table they concern.
        let at = |key: &str| text.find(key).unwrap_or(0);
        if scenario.run.ticks == 0 {
            return Err(invalid(at("ticks"), "`ticks` must be at least 1".into()));
        }
        if scenario.run.seeds == 0 {
            return Err(invalid(at("seeds"), "`seeds` must be at least 1".into()));
        }
        if scenario.run.seconds_per_tick == 0 {
            return Err(invalid(
                at("seconds_per_tick"),
                "`seconds_per_tick` must be at least 1".into(),
            ));
        }
        Ok(scenario)
    }

    /// Total number of honest agents.
    pub fn honest_agent_count(&self) -> u32 {
        self.agents.iter().map(|a| a.count).sum()
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[run]
ticks = 100
probe_interval = 10

[pool]
initial_base = 1000.0
initial_price = 1.0

[[agents]]
kind = "consumer"
count = 2
capital = 100.0
probability = 0.1
"#;

    fn err(text: &str) -> (usize, usize, String) {
        match Scenario::parse(text, Path::new("s.toml")) {
            Err(ScenarioError::Invalid {
                line, col, message, ..
            }) => (line, col, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn parses_with_defaults() {
        let s = Scenario::parse(GOOD, Path::new("s.toml")).unwrap();
        assert_eq!(s.run.ticks, 100);
        assert_eq!(s.run.seconds_per_tick, 12);
        assert_eq!(s.run.seeds, 4);
        assert_eq!(s.agents[0].kind, AgentKind::Consumer);
        assert_eq!(s.honest_agent_count(), 2);
        assert!(s.adversaries.rug_publisher);
    }

    #[test]
    fn unknown_key_names_line() {
        let text = GOOD.replace("count = 2", "count = 2\ncolour = \"blue\"");
        let (line, col, msg) = err(&text);
        assert_eq!((line, col), (13, 1), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn bad_value_names_its_position() {
        let text = GOOD.replace("probability = 0.1", "probability = 1.5");
        let (line, col, msg) = err(&text);
        assert_eq!(line, 14, "{msg}");
        assert_eq!(col, 15, "{msg}");
        assert!(msg.contains("probability in [0, 1]"), "{msg}");
    }

    #[test]
    fn unknown_agent_kind() {
        let text = GOOD.replace("\"consumer\"", "\"whale\"");
        let (line, _, msg) = err(&text);
        assert_eq!(line, 11);
        assert!(msg.contains("whale"), "{msg}");
    }

    #[test]
    fn zero_ticks_rejected() {
        let (line, _, msg) = err(&GOOD.replace("ticks = 100", "ticks = 0"));
        assert_eq!(line, 3);
        assert!(msg.contains("ticks"));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("", 0), (1, 1));
    }
}

#[cfg(test)]
mod io_tests {
    use super::*;

    #[test]
    fn missing_file_names_the_path_once() {
        let e = Scenario::load(Path::new("/nonexistent/x.toml")).unwrap_err();
        let shown = format!("{e}");
        assert_eq!(shown, "cannot read scenario /nonexistent/x.toml");
        assert!(std::error::Error::source(&e).is_some());
    }
}
