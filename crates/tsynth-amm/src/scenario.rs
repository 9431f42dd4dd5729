//! Scenario files (`scenarios/*.toml`): how long to simulate, which agents take part, how
//! often adversaries probe, and how the objectives are measured.
//!
//! Values are checked while they are read (newtypes with `try_from`), so a bad value is
//! reported with the file, line and column of that value, like an unknown key is.

use std::path::Path;

use serde::{Deserialize, Serialize};
pub use tsynth_sim::scenario::{Amount, Fraction, Positive, Probability, RunSpec, ScenarioError};

/// A whole scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The domain (`"amm"`; optional in this domain's files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
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
        Self::parse(&tsynth_sim::scenario::read(path)?, path)
    }

    /// Parses scenario text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ScenarioError> {
        tsynth_sim::scenario::expect_domain(text, path, "amm")?;
        tsynth_sim::scenario::parse_toml(text, path)
    }

    /// Total number of honest agents.
    pub fn honest_agent_count(&self) -> u32 {
        self.agents.iter().map(|a| a.count).sum()
    }
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
}

#[cfg(test)]
mod io_tests {
    use super::*;

    #[test]
    fn missing_file_names_the_path_once() {
        let e = Scenario::load(Path::new("/nonexistent/x.toml")).unwrap_err();
        let shown = format!("{e}");
        assert!(
            shown.starts_with("scenario: cannot read /nonexistent/x.toml: "),
            "{shown}"
        );
        assert_eq!(shown.matches("/nonexistent/x.toml").count(), 1, "{shown}");
    }
}
