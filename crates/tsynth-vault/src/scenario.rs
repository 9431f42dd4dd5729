//! The vault domain's scenario schema (`scenarios/vault.toml`): the engine's `[run]` table
//! plus `[stream]`, `[keeper]`, `[[savers]]`, `[adversary]` and `[metrics]`.
//!
//! Parsed with [`tsynth_sim::scenario::parse_toml`] and the engine's checked number types,
//! so every bad key or value is a `FILE:LINE:COL` error at that key or value.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tsynth_sim::scenario::{Amount, Fraction, Positive, Probability, RunSpec, ScenarioError};

/// The name scenario files give in `domain = "..."`.
pub const DOMAIN: &str = "vault";

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Must be `"vault"` (the CLI's registry picks the domain by it).
    pub domain: String,
    /// Ticks, tick length, probing, seeds (the engine's table).
    pub run: RunSpec,
    /// The reward stream the vault harvests.
    pub stream: StreamSpec,
    /// The honest keeper who harvests.
    #[serde(default)]
    pub keeper: KeeperSpec,
    /// Groups of honest savers.
    #[serde(default)]
    pub savers: Vec<SaverSpec>,
    /// The harvest-sandwich attacker.
    #[serde(default)]
    pub adversary: AdversarySpec,
    /// Constraint thresholds.
    #[serde(default)]
    pub metrics: MetricsSpec,
}

/// `[stream]`: how fast rewards accrue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSpec {
    /// Reward tokens the stream accrues per day (whole tokens).
    pub rewards_per_day: Positive,
}

/// `[keeper]`: the honest account that calls `harvest()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeeperSpec {
    /// Probability per tick of harvesting.
    #[serde(default = "default_harvest_probability")]
    pub harvest_probability: Probability,
}

impl Default for KeeperSpec {
    fn default() -> Self {
        Self {
            harvest_probability: default_harvest_probability(),
        }
    }
}

fn default_harvest_probability() -> Probability {
    Probability(0.1)
}

/// `[[savers]]`: a group of identical honest savers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaverSpec {
    /// How many.
    #[serde(default = "one")]
    pub count: u32,
    /// Asset tokens each starts with.
    pub capital: Positive,
    /// Fraction of the capital each deposits during set-up (before tick 1).
    #[serde(default = "default_initial_deposit")]
    pub initial_deposit: Probability,
    /// Probability per tick of depositing `fraction` of its free tokens.
    pub deposit_probability: Probability,
    /// Probability per tick of withdrawing `fraction` of its shares.
    pub withdraw_probability: Probability,
    /// Fraction moved when acting.
    #[serde(default = "default_fraction")]
    pub fraction: Fraction,
}

fn one() -> u32 {
    1
}
fn default_initial_deposit() -> Probability {
    Probability(0.5)
}
fn default_fraction() -> Fraction {
    Fraction(0.5)
}

/// `[adversary]`: the harvest sandwich (deposit → harvest → withdraw on a fork).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdversarySpec {
    /// Asset tokens the attacker can use (0 = no attacker).
    #[serde(default = "default_attacker_capital")]
    pub capital: Amount,
    /// Longest it will keep its capital in the vault before withdrawing, seconds.
    #[serde(default = "default_max_hold")]
    pub max_hold_seconds: u32,
}

impl Default for AdversarySpec {
    fn default() -> Self {
        Self {
            capital: default_attacker_capital(),
            max_hold_seconds: default_max_hold(),
        }
    }
}

fn default_attacker_capital() -> Amount {
    Amount(1_000_000.0)
}
fn default_max_hold() -> u32 {
    3600
}

/// `[metrics]`: constraint thresholds of the default selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSpec {
    /// At least this share of honest withdrawal attempts must go through.
    #[serde(default = "default_min_withdraw_success")]
    pub min_withdraw_success: Probability,
}

impl Default for MetricsSpec {
    fn default() -> Self {
        Self {
            min_withdraw_success: default_min_withdraw_success(),
        }
    }
}

fn default_min_withdraw_success() -> Probability {
    Probability(0.8)
}

impl Scenario {
    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        Self::parse(&tsynth_sim::scenario::read(path)?, path)
    }

    /// Parses scenario text (`path` names the file in messages). The schema is checked while
    /// reading; the domain name is checked after, at its position.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ScenarioError> {
        let s: Scenario = tsynth_sim::scenario::parse_toml(text, path)?;
        if s.domain != DOMAIN {
            let at = tsynth_sim::scenario::domain_of(text, path)?.map_or(0, |(_, span)| span.start);
            return Err(ScenarioError::at(
                text,
                path,
                at,
                format!(
                    "this is a scenario of domain `{}`, not `{DOMAIN}`",
                    s.domain
                ),
            ));
        }
        Ok(s)
    }

    /// Number of honest savers (groups expanded).
    pub fn saver_count(&self) -> usize {
        self.savers.iter().map(|g| g.count as usize).sum()
    }

    /// The saver groups expanded: one spec per saver, in scenario order.
    pub fn each_saver(&self) -> impl Iterator<Item = &SaverSpec> {
        self.savers
            .iter()
            .flat_map(|g| std::iter::repeat_n(g, g.count as usize))
    }
}
