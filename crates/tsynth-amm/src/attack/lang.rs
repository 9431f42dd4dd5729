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
    /// The attack as one line of text, e.g.
    /// `outsider 1 | stake 1 | wait 60 | buy 1 | unstake 1 | sell 1 # July-2022 loop`: what
    /// a hall of fame stores and `tsynth attack --replay` reads. [`Attack::parse`] reads it
    /// back exactly (amounts are written in full precision).
    pub fn encode(&self) -> String {
        let mut out = match self.actor {
            Actor::Outsider => format!("outsider {:?}", self.capital),
            Actor::Publisher => "publisher".to_string(),
        };
        for s in &self.steps {
            out.push_str(" | ");
            out.push_str(&match *s {
                Step::Buy(x) => format!("buy {x:?}"),
                Step::Sell(x) => format!("sell {x:?}"),
                Step::Stake(x) => format!("stake {x:?}"),
                Step::Unstake(x) => format!("unstake {x:?}"),
                Step::Claim => "claim".to_string(),
                Step::Wait(t) => format!("wait {t}"),
            });
        }
        if !self.origin.is_empty() {
            out.push_str(" # ");
            out.push_str(&self.origin);
        }
        out
    }

    /// Reads an attack written by [`Attack::encode`]; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Attack, String> {
        let (body, origin) = match text.split_once('#') {
            Some((b, o)) => (b, o.trim().to_string()),
            None => (text, String::new()),
        };
        let mut parts = body.split('|').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let mut words = head.split_whitespace();
        let fraction = |w: Option<&str>, what: &str| -> Result<f64, String> {
            let w = w.ok_or_else(|| format!("`{what}` needs a fraction"))?;
            let x: f64 = w
                .parse()
                .map_err(|_| format!("`{what} {w}`: `{w}` is not a number"))?;
            if !(0.0..=1.0).contains(&x) {
                return Err(format!("`{what} {w}`: a fraction must be in [0, 1]"));
            }
            Ok(x)
        };
        let (actor, capital) = match words.next() {
            Some("outsider") => (Actor::Outsider, fraction(words.next(), "outsider")?),
            Some("publisher") => (Actor::Publisher, 1.0),
            other => {
                return Err(format!(
                    "an attack starts with `outsider FRACTION` or `publisher`, not `{}`",
                    other.unwrap_or("")
                ));
            }
        };
        let mut steps = Vec::new();
        for part in parts {
            let mut w = part.split_whitespace();
            let verb = w.next().unwrap_or_default();
            steps.push(match verb {
                "buy" => Step::Buy(fraction(w.next(), verb)?),
                "sell" => Step::Sell(fraction(w.next(), verb)?),
                "stake" => Step::Stake(fraction(w.next(), verb)?),
                "unstake" => Step::Unstake(fraction(w.next(), verb)?),
                "claim" => Step::Claim,
                "wait" => Step::Wait(
                    w.next()
                        .and_then(|t| t.parse().ok())
                        .ok_or_else(|| format!("`{part}`: wait needs whole seconds"))?,
                ),
                _ => {
                    return Err(format!(
                        "`{part}`: a step is buy, sell, stake, unstake, claim or wait"
                    ));
                }
            });
        }
        Ok(Attack {
            actor,
            capital,
            steps,
            origin,
        })
    }

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
        assert_eq!(
            a.encode(),
            "outsider 1.0 | stake 1.0 | wait 60 | buy 1.0 # t"
        );
        assert_eq!(Attack::parse(&a.encode()).as_ref(), Ok(&a));
        let odd = Attack {
            actor: Actor::Publisher,
            capital: 1.0,
            steps: vec![Step::Claim, Step::Sell(0.123_456_789_012_345_67)],
            origin: String::new(),
        };
        assert_eq!(Attack::parse(&odd.encode()), Ok(odd));
        assert!(Attack::parse("insider 1").unwrap_err().contains("outsider"));
        assert!(
            Attack::parse("outsider 1 | buy 2")
                .unwrap_err()
                .contains("[0, 1]")
        );
        assert!(
            Attack::parse("outsider 1 | jump")
                .unwrap_err()
                .contains("a step is")
        );
    }
}
