//! The attack language: a short sequence of pool actions by one actor over a few blocks.
//!
//! Amounts are fractions, so that one attack means the same thing on every design and every
//! pool state: a buy or a stake spends a fraction of what the actor may put in (its base
//! holdings, at most half the pool's base balance: Balancer's in-ratio cap and V4's
//! one-sided stake cap), a sell a fraction of its datatokens (at most half the pool's
//! datatoken balance), an unstake a fraction of its shares. `Wait` ends the current block and
//! moves time forward; every other action happens in the current block, in order.

use std::fmt;

/// Who attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// An outside account with the scenario's attacker capital (flash-loan-like: it owns
    /// nothing in the pool at the start).
    Outsider,
    /// The publisher: its shares, datatokens and claimable allocation. Taking back its own
    /// deposit is not a gain (its endowment is subtracted).
    Publisher,
}

/// One action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Buy datatokens with a fraction of the base the actor may put in.
    Buy(f64),
    /// Sell a fraction of the datatokens the actor may sell.
    Sell(f64),
    /// Stake a fraction of the base the actor may stake.
    Stake(f64),
    /// Unstake a fraction of the actor's shares.
    Unstake(f64),
    /// Claim the vested allocation (the publisher only; a no-op for others).
    Claim,
    /// End the block and let this many seconds pass (at least one block).
    Wait(u64),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Step::Buy(x) => write!(f, "buy with {:.1}% of the base it may put in", 100.0 * x),
            Step::Sell(x) => write!(f, "sell {:.1}% of its datatokens", 100.0 * x),
            Step::Stake(x) => write!(f, "stake {:.1}% of the base it may stake", 100.0 * x),
            Step::Unstake(x) => write!(f, "unstake {:.1}% of its shares", 100.0 * x),
            Step::Claim => write!(f, "claim the vested allocation"),
            Step::Wait(s) => write!(f, "wait {}", fmt_duration(s)),
        }
    }
}

/// An attack: the actor, the share of the capital cap an outsider brings, and the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Attack {
    /// Who.
    pub actor: Actor,
    /// Fraction of the attacker capital an outsider starts with (ignored for the publisher).
    pub capital: f64,
    /// What it does, in order.
    pub steps: Vec<Step>,
    /// Where the attack comes from (a template's name, or "search").
    pub origin: String,
}

impl Attack {
    /// Number of block boundaries the attack crosses.
    pub fn waits(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, Step::Wait(_)))
            .count()
    }
}

/// `90 s`, `1.5 h`, `7.0 days`.
pub fn fmt_duration(s: u64) -> String {
    let s = s as f64;
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_as_sentences() {
        assert_eq!(
            Step::Buy(1.0).to_string(),
            "buy with 100.0% of the base it may put in"
        );
        assert_eq!(Step::Wait(60).to_string(), "wait 60 s");
        assert_eq!(Step::Wait(604_800).to_string(), "wait 7.0 days");
        assert_eq!(fmt_duration(5400), "90.0 min");
        let a = Attack {
            actor: Actor::Outsider,
            capital: 1.0,
            steps: vec![Step::Stake(1.0), Step::Wait(60), Step::Buy(1.0)],
            origin: "t".into(),
        };
        assert_eq!(a.waits(), 1);
    }
}
