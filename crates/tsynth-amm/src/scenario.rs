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
    /// What consumers are willing to pay per consume, over time.
    #[serde(default)]
    pub demand: DemandSpec,
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

/// A finite real number (any sign), checked where it is read.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Real(pub f64);

impl TryFrom<f64> for Real {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() {
            Ok(Self(v))
        } else {
            Err(format!("expected a finite number, found {v}"))
        }
    }
}

impl From<Real> for f64 {
    fn from(v: Real) -> f64 {
        v.0
    }
}

impl Real {
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// `[demand]`: the demand process. The level `L` is what the median consumer is willing to
/// pay for one consume (base tokens); `ln L` follows a random walk with drift plus jumps
/// (shocks); consumer `i` is willing to pay `L · h_i · exp(noise · Z)`, with a fixed
/// `h_i = exp(heterogeneity · Z_i)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSpec {
    /// `L` at tick 0, base tokens per consume.
    #[serde(default = "default_level")]
    pub initial_level: Positive,
    /// Drift of `ln L` per day (0.005 = +0.5% a day).
    #[serde(default = "default_drift")]
    pub drift_per_day: Real,
    /// Standard deviation of `ln L` per square-root day.
    #[serde(default = "default_demand_vol")]
    pub volatility_per_day: Amount,
    /// Shocks (jumps of `ln L`) per day, Poisson.
    #[serde(default = "default_shock_rate")]
    pub shock_rate_per_day: Amount,
    /// Standard deviation of one shock's jump of `ln L`.
    #[serde(default = "default_shock_size")]
    pub shock_size: Amount,
    /// Standard deviation of `ln h_i` across consumers (fixed per consumer).
    #[serde(default = "default_heterogeneity")]
    pub heterogeneity: Amount,
    /// Standard deviation of the per-consume noise of `ln` willingness to pay.
    #[serde(default = "default_noise")]
    pub noise: Amount,
}

impl Default for DemandSpec {
    fn default() -> Self {
        Self {
            initial_level: default_level(),
            drift_per_day: default_drift(),
            volatility_per_day: default_demand_vol(),
            shock_rate_per_day: default_shock_rate(),
            shock_size: default_shock_size(),
            heterogeneity: default_heterogeneity(),
            noise: default_noise(),
        }
    }
}

fn default_level() -> Positive {
    Positive(1.0)
}
fn default_drift() -> Real {
    Real(0.0)
}
fn default_demand_vol() -> Amount {
    Amount(0.02)
}
fn default_shock_rate() -> Amount {
    Amount(0.05)
}
fn default_shock_size() -> Amount {
    Amount(0.15)
}
fn default_heterogeneity() -> Amount {
    Amount(0.3)
}
fn default_noise() -> Amount {
    Amount(0.1)
}

/// How a group of agents decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Agents with intent (willingness to pay, yield hurdle, beliefs): the default.
    #[default]
    Intent,
    /// Zero intelligence: coin flips between the kind's two actions (the old baseline).
    Random,
}

/// `[publisher]`: the honest publisher's business.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherSpec {
    /// Base tokens the publisher owns beyond the initial pool liquidity.
    #[serde(default = "default_publisher_capital")]
    pub capital: Amount,
    /// Days between vesting claims (0 = never claims).
    #[serde(default = "default_claim_days")]
    pub claim_every_days: Amount,
    /// Sell decisions per day (Poisson).
    #[serde(default = "default_sell_rate")]
    pub sell_rate_per_day: Amount,
    /// Fraction of its datatokens (allocation and consume revenue) sold at a decision.
    #[serde(default = "default_sell_fraction")]
    pub sell_fraction: Fraction,
    /// With intent: it sells only while the spot price is at least this multiple of the
    /// demand level (it does not dump below what consumers pay); ignored when random.
    #[serde(default = "default_sell_floor")]
    pub sell_floor: Amount,
    /// Intent (sell only above the floor) or random (sell at any price).
    #[serde(default)]
    pub behaviour: Behaviour,
}

impl Default for PublisherSpec {
    fn default() -> Self {
        Self {
            capital: default_publisher_capital(),
            claim_every_days: default_claim_days(),
            sell_rate_per_day: default_sell_rate(),
            sell_fraction: default_sell_fraction(),
            sell_floor: default_sell_floor(),
            behaviour: Behaviour::Intent,
        }
    }
}

fn default_publisher_capital() -> Amount {
    Amount(1000.0)
}
fn default_claim_days() -> Amount {
    Amount(7.0)
}
fn default_sell_rate() -> Amount {
    Amount(0.5)
}
fn default_sell_fraction() -> Fraction {
    Fraction(0.2)
}
fn default_sell_floor() -> Amount {
    Amount(0.8)
}

/// Kinds of honest agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// Buys one datatoken and orders (consumes) it.
    Consumer,
    /// Stakes and unstakes base tokens.
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

/// `[[agents]]`: a group of agents of one kind. Keys that a kind does not use are ignored
/// (consumers use `capital` and `rate_per_day`; stakers the `hurdle_apy` group; speculators
/// the belief group).
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
    /// Decisions per day per agent (Poisson arrivals; for consumers: consume wishes).
    pub rate_per_day: Amount,
    /// With intent or zero intelligence.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Fraction of holdings moved per action (speculators, random agents; stakers stake
    /// this fraction of their capital).
    #[serde(default = "default_fraction")]
    pub fraction: Fraction,
    /// Stakers: yearly yield they require (fees seen in the pool plus `reward_apy`).
    #[serde(default = "default_hurdle")]
    pub hurdle_apy: Amount,
    /// Stakers: yearly rewards they expect from outside the pool (e.g. data farming); it
    /// drives their decisions, it is not paid by the pool nor counted in `staker_apy`.
    #[serde(default = "zero")]
    pub reward_apy: Amount,
    /// Stakers: they unstake when their position has lost this fraction.
    #[serde(default = "default_stop_loss")]
    pub stop_loss: Fraction,
    /// Stakers: days of fee history in their yield estimate.
    #[serde(default = "default_yield_window")]
    pub yield_window_days: Positive,
    /// Speculators: weight of value (ln of demand level over price) in their signal.
    #[serde(default = "default_value_weight")]
    pub value_weight: Amount,
    /// Speculators: weight of momentum (ln of price change over `momentum_days`).
    #[serde(default = "default_momentum_weight")]
    pub momentum_weight: Amount,
    /// Speculators: look-back of momentum, days.
    #[serde(default = "default_momentum_days")]
    pub momentum_days: Positive,
    /// Speculators: they trade only when |signal| exceeds this.
    #[serde(default = "default_threshold")]
    pub threshold: Amount,
    /// Speculators: largest datatoken position, as a fraction of capital at spot value.
    #[serde(default = "default_max_position")]
    pub max_position: Fraction,
}

fn one() -> u32 {
    1
}
fn zero() -> Amount {
    Amount(0.0)
}
fn default_fraction() -> Fraction {
    Fraction(0.2)
}
fn default_hurdle() -> Amount {
    Amount(0.05)
}
fn default_stop_loss() -> Fraction {
    Fraction(0.1)
}
fn default_yield_window() -> Positive {
    Positive(7.0)
}
fn default_value_weight() -> Amount {
    Amount(1.0)
}
fn default_momentum_weight() -> Amount {
    Amount(1.0)
}
fn default_momentum_days() -> Positive {
    Positive(1.0)
}
fn default_threshold() -> Amount {
    Amount(0.1)
}
fn default_max_position() -> Fraction {
    Fraction(0.5)
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
    /// No longer used (the attack search decides how many loops pay); still read so that
    /// older scenario files load.
    #[serde(default = "default_attacker_loops")]
    pub attacker_max_loops: u32,
    /// Attack evaluations of search at each in-simulation screen, beyond the templates
    /// (the rug pull, the July-2022 loop and its delayed variants).
    #[serde(default)]
    pub screen_extra: u32,
    /// Screen every this many probes (1: every probe; 0: never — only the end-of-run hall
    /// of fame and full search attack).
    #[serde(default = "one")]
    pub screen_every: u32,
}

impl Default for AdversarySpec {
    fn default() -> Self {
        Self {
            rug_publisher: true,
            attacker_capital: default_attacker_capital(),
            attacker_max_loops: default_attacker_loops(),
            screen_extra: 0,
            screen_every: 1,
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

/// `[metrics]`: how objectives are measured, and the default constraints' thresholds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// Slippage probe: buy datatokens with this fraction of the pool's base balance.
    #[serde(default = "default_slippage_trade")]
    pub slippage_trade: Fraction,
    /// Days from the opening that count as the launch (launch spike inside; drawdown,
    /// decoupling and volatility after).
    #[serde(default = "default_launch_days")]
    pub launch_window_days: Positive,
    /// Launch rush, on a fork of tick 0: this many buyers in the first block ...
    #[serde(default = "default_rush_buyers")]
    pub launch_rush_buyers: u32,
    /// ... each buying with this fraction of the opening base balance.
    #[serde(default = "default_rush_size")]
    pub launch_rush_size: Fraction,
    /// Staking probe: an honest stake of this fraction of the pool's base, then unstake.
    #[serde(default = "default_stake_probe")]
    pub stake_probe_fraction: Fraction,
    /// Staking probe: the round trip must return at least `1 − staking_epsilon`.
    #[serde(default = "default_staking_epsilon")]
    pub staking_epsilon: Fraction,
    /// Constraint: at least this share of staking probes succeed (0 = off).
    #[serde(default = "default_min_staking")]
    pub min_staking_available: Probability,
    /// Constraint: the publisher can get back at least this share of its seed (0 = off).
    #[serde(default = "default_min_seed_recovery")]
    pub min_seed_recovery: Probability,
    /// Constraint: the total swap fee never exceeds this (1 = off).
    #[serde(default = "default_max_fee")]
    pub max_total_fee: Probability,
    /// Constraint: at least this share of willing consumers are served (0 = off).
    #[serde(default = "default_min_served")]
    pub min_consumers_served: Probability,
    /// Constraint: at least this share of all consume wishes after the launch window are
    /// served, priced-out wishes included (0 = off): a design that starves consumers is not
    /// a market.
    #[serde(default = "default_min_consume_rate")]
    pub min_consume_rate: Probability,
    /// Constraint: at most this share of honest transactions may revert.
    #[serde(default = "default_max_revert")]
    pub max_honest_revert_rate: Probability,
}

impl Default for MetricSpec {
    fn default() -> Self {
        Self {
            slippage_trade: default_slippage_trade(),
            launch_window_days: default_launch_days(),
            launch_rush_buyers: default_rush_buyers(),
            launch_rush_size: default_rush_size(),
            stake_probe_fraction: default_stake_probe(),
            staking_epsilon: default_staking_epsilon(),
            min_staking_available: default_min_staking(),
            min_seed_recovery: default_min_seed_recovery(),
            max_total_fee: default_max_fee(),
            min_consumers_served: default_min_served(),
            min_consume_rate: default_min_consume_rate(),
            max_honest_revert_rate: default_max_revert(),
        }
    }
}

fn default_slippage_trade() -> Fraction {
    Fraction(0.01)
}
fn default_launch_days() -> Positive {
    Positive(7.0)
}
fn default_rush_buyers() -> u32 {
    10
}
fn default_rush_size() -> Fraction {
    Fraction(0.02)
}
fn default_stake_probe() -> Fraction {
    Fraction(0.1)
}
fn default_staking_epsilon() -> Fraction {
    Fraction(0.1)
}
fn default_min_staking() -> Probability {
    Probability(0.9)
}
fn default_min_seed_recovery() -> Probability {
    Probability(0.5)
}
fn default_max_fee() -> Probability {
    Probability(0.06)
}
fn default_min_served() -> Probability {
    Probability(0.8)
}
fn default_min_consume_rate() -> Probability {
    Probability(0.1)
}
fn default_max_revert() -> Probability {
    Probability(0.1)
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        Self::parse(&tsynth_sim::scenario::read(path)?, path)
    }

    /// Parses scenario text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ScenarioError> {
        tsynth_sim::scenario::expect_domain(text, path, "amm")?;
        let s: Self = tsynth_sim::scenario::parse_toml(text, path)?;
        s.check_launch_window(text, path)?;
        Ok(s)
    }

    /// The launch window must end before the horizon: drawdown, decoupling and volatility
    /// are measured after it, and an empty series would score a flawless 0.
    fn check_launch_window(&self, text: &str, path: &Path) -> Result<(), ScenarioError> {
        let window = self.metrics.launch_window_days.get() * crate::time::DAY;
        if window < self.run.horizon_seconds() as f64 {
            return Ok(());
        }
        #[derive(Deserialize)]
        struct At {
            metrics: Option<MetricsAt>,
        }
        #[derive(Deserialize)]
        struct MetricsAt {
            launch_window_days: Option<toml::Spanned<f64>>,
        }
        let at: At = tsynth_sim::scenario::parse_toml(text, path)?;
        let offset = at
            .metrics
            .and_then(|m| m.launch_window_days)
            .map_or(0, |v| v.span().start);
        Err(ScenarioError::at(
            text,
            path,
            offset,
            format!(
                "`launch_window_days` = {} must end before the horizon ({} ticks of {} s = {:.2} days)",
                self.metrics.launch_window_days.get(),
                self.run.ticks,
                self.run.seconds_per_tick,
                self.run.horizon_seconds() as f64 / crate::time::DAY
            ),
        ))
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
ticks = 200
seconds_per_tick = 3600
probe_interval = 10

[pool]
initial_base = 1000.0
initial_price = 1.0

[[agents]]
kind = "consumer"
count = 2
capital = 100.0
rate_per_day = 2.0
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
        assert_eq!(s.run.ticks, 200);
        assert_eq!(s.run.seconds_per_tick, 3600);
        assert_eq!(s.run.seeds, 4);
        assert_eq!(s.agents[0].kind, AgentKind::Consumer);
        assert_eq!(s.honest_agent_count(), 2);
        assert!(s.adversaries.rug_publisher);
    }

    #[test]
    fn unknown_key_names_line() {
        let text = GOOD.replace("count = 2", "count = 2\ncolour = \"blue\"");
        let (line, col, msg) = err(&text);
        assert_eq!((line, col), (14, 1), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn bad_value_names_its_position() {
        let text = GOOD.replace("rate_per_day = 2.0", "rate_per_day = -1.5");
        let (line, col, msg) = err(&text);
        assert_eq!(line, 15, "{msg}");
        assert_eq!(col, 16, "{msg}");
        assert!(msg.contains("an amount >= 0"), "{msg}");
    }

    #[test]
    fn unknown_agent_kind() {
        let text = GOOD.replace("\"consumer\"", "\"whale\"");
        let (line, _, msg) = err(&text);
        assert_eq!(line, 12);
        assert!(msg.contains("whale"), "{msg}");
    }

    #[test]
    fn intent_is_the_default_and_random_is_an_option() {
        let s = Scenario::parse(GOOD, Path::new("s.toml")).unwrap();
        assert_eq!(s.agents[0].behaviour, Behaviour::Intent);
        assert_eq!(s.publisher.behaviour, Behaviour::Intent);
        let text = GOOD.replace("count = 2", "count = 2\nbehaviour = \"random\"");
        let s = Scenario::parse(&text, Path::new("s.toml")).unwrap();
        assert_eq!(s.agents[0].behaviour, Behaviour::Random);
        let (line, _, msg) = err(&GOOD.replace("count = 2", "count = 2\nbehaviour = \"smart\""));
        assert_eq!(line, 14, "{msg}");
        assert!(msg.contains("smart"), "{msg}");
    }

    #[test]
    fn demand_values_are_checked_where_they_are() {
        let text = format!("{GOOD}\n[demand]\ninitial_level = 0.0\n");
        let (line, col, msg) = err(&text);
        assert_eq!((line, col), (18, 17), "{msg}");
        assert!(msg.contains("a number > 0"), "{msg}");
        let text = format!("{GOOD}\n[demand]\ndrift_per_day = inf\n");
        let (line, _, msg) = err(&text);
        assert_eq!(line, 18, "{msg}");
        assert!(msg.contains("finite"), "{msg}");
    }

    #[test]
    fn a_launch_window_past_the_horizon_is_refused_at_its_value() {
        // 200 one-hour ticks = 8.3 days; a 9-day window would leave nothing after it.
        let text = format!("{GOOD}\n[metrics]\nlaunch_window_days = 9\n");
        let (line, col, msg) = err(&text);
        assert_eq!((line, col), (18, 22), "{msg}");
        assert!(msg.contains("must end before the horizon"), "{msg}");
        // Without the key the default (7 days) is refused when the horizon is shorter.
        let short = GOOD.replace("ticks = 200", "ticks = 100");
        assert!(err(&short).2.contains("launch_window_days"));
        let ok = format!("{GOOD}\n[metrics]\nlaunch_window_days = 0.001\n");
        assert!(Scenario::parse(&ok, Path::new("s.toml")).is_ok());
    }

    #[test]
    fn zero_ticks_rejected() {
        let (line, _, msg) = err(&GOOD.replace("ticks = 200", "ticks = 0"));
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
