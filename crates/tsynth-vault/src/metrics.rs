//! The vault domain's metrics: names, declarations, and the default selection.
//!
//! - **sandwich_gain** (objective, minimise): the largest net gain of the harvest sandwich
//!   over the probe ticks, as a share of the rewards not yet credited to shareholders at that
//!   probe (pending in the stream + harvested but locked: the pot every token of its gain
//!   comes out of, so the value lies in [0, 1)); 0 when it never profits.
//! - **honest_yield** (objective, maximise): the savers' net return over the run — what they
//!   hold at the last tick (free tokens plus shares at the vault's share price) over every
//!   token they were given, minus 1. Fees and profit still locked at the end lower it.
//! - **withdraw_success** (default constraint `>= [metrics] min_withdraw_success`): share of
//!   the savers' withdrawal attempts that went through (1 when none was attempted).
//! - reported only: **sandwich_profit** (tokens), **fees_paid** (tokens the treasury received),
//!   **harvests** (the keeper's), **honest_reverts** (non-policy reverts of honest agents).
//! - **complexity** is the engine's.

use tsynth_sim::metrics::{BetterRule, COMPLEXITY, Constraint, MetricSpec, Selection};

use crate::scenario::Scenario;

/// Best sandwich gain as a share of the rewards not yet credited to shareholders.
pub const SANDWICH_GAIN: &str = "sandwich_gain";
/// Savers' net return over the run.
pub const HONEST_YIELD: &str = "honest_yield";
/// Share of honest withdrawal attempts that went through.
pub const WITHDRAW_SUCCESS: &str = "withdraw_success";
/// Best sandwich gain in tokens.
pub const SANDWICH_PROFIT: &str = "sandwich_profit";
/// Tokens the treasury received in fees.
pub const FEES_PAID: &str = "fees_paid";
/// Harvests by the keeper.
pub const HARVESTS: &str = "harvests";
/// Honest transactions that reverted (policy refusals excluded).
pub const HONEST_REVERTS: &str = "honest_reverts";

/// Every metric the domain measures (the engine adds complexity).
pub fn declared() -> Vec<MetricSpec> {
    vec![
        MetricSpec::minimize(
            SANDWICH_GAIN,
            "fraction of uncredited rewards",
            "best harvest-sandwich net gain over the probes, per token of rewards not yet credited",
            1.0,
        ),
        MetricSpec::maximize(
            HONEST_YIELD,
            "fraction",
            "savers' net return over the run (free tokens + shares at the share price)",
            0.0,
        ),
        MetricSpec::maximize(
            WITHDRAW_SUCCESS,
            "fraction",
            "share of savers' withdrawal attempts that went through",
            0.0,
        ),
        MetricSpec::minimize(
            SANDWICH_PROFIT,
            "tokens",
            "best harvest-sandwich net gain",
            1e12,
        ),
        MetricSpec::minimize(
            FEES_PAID,
            "tokens",
            "entry and exit fees the treasury received",
            1e12,
        ),
        MetricSpec::maximize(HARVESTS, "count", "harvests by the keeper", 0.0),
        MetricSpec::minimize(
            HONEST_REVERTS,
            "count",
            "honest transactions that reverted",
            1e9,
        ),
    ]
}

/// The default selection: minimise the sandwich gain, maximise the savers' yield, prefer
/// simple designs; withdrawals must mostly go through.
pub fn default_selection(s: &Scenario) -> Selection {
    Selection {
        objectives: vec![SANDWICH_GAIN.into(), HONEST_YIELD.into(), COMPLEXITY.into()],
        constraints: vec![Constraint::at_least(
            WITHDRAW_SUCCESS,
            s.metrics.min_withdraw_success.get(),
        )],
        better: BetterRule {
            improve: vec![SANDWICH_GAIN.into()],
            no_worse: vec![HONEST_YIELD.into()],
        },
    }
}
