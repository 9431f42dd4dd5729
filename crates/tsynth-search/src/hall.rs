//! The attack hall of fame of an evolve run: the best attacks the full searches found on
//! earlier designs, tried on every later candidate (co-evolution of attackers and
//! defenders).
//!
//! It changes only at generation boundaries, from the evaluations of the generation just
//! ended taken in individual-id order, so it is the same whatever the thread count; it is
//! stored in the checkpoint (and, for people, in `hall.json`), so a resumed run continues
//! with the same hall.

use serde::{Deserialize, Serialize};
use tsynth_sim::{AttackPlan, FoundAttack};

/// Attacks kept by default.
pub const DEFAULT_HALL_SIZE: usize = 12;

/// The best attacks found so far, best first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hall {
    /// Entries, by risk (largest first), ties by the attack's text.
    pub entries: Vec<HallEntry>,
}

/// One attack of the hall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HallEntry {
    /// Its risk on the design it was found on.
    pub risk: f64,
    /// The attack, in the domain's encoding.
    pub attack: String,
    /// The individual it was found on.
    pub found_on: u64,
    /// The generation it entered the hall.
    pub generation: u64,
}

impl Hall {
    /// Adds the attacks found on individual `id` in `generation`, then keeps the best
    /// `size` (an attack already in the hall keeps its larger risk and its first finder).
    pub fn add(&mut self, id: u64, generation: u64, found: &[FoundAttack], size: usize) {
        for f in found.iter().filter(|f| f.risk.is_finite() && f.risk > 0.0) {
            match self.entries.iter_mut().find(|e| e.attack == f.attack) {
                Some(e) if f.risk > e.risk => e.risk = f.risk,
                Some(_) => {}
                None => self.entries.push(HallEntry {
                    risk: f.risk,
                    attack: f.attack.clone(),
                    found_on: id,
                    generation,
                }),
            }
        }
        self.entries.sort_by(|a, b| {
            b.risk
                .total_cmp(&a.risk)
                .then_with(|| a.attack.cmp(&b.attack))
        });
        self.entries.truncate(size);
    }

    /// The attacks, best first (what an [`AttackPlan`] carries).
    pub fn attacks(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.attack.clone()).collect()
    }

    /// The plan of a screening evaluation (the hall only) or, with `full_budget > 0`, of a
    /// full search seeded by the hall.
    pub fn plan(&self, full_budget: u32, seed: u64) -> AttackPlan {
        AttackPlan {
            hall: self.attacks(),
            full_budget,
            seed,
            searched_seeds: Vec::new(),
            search_infeasible: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(risk: f64, attack: &str) -> FoundAttack {
        FoundAttack {
            risk,
            attack: attack.into(),
        }
    }

    #[test]
    fn keeps_the_best_once_each_in_a_fixed_order() {
        let mut h = Hall::default();
        h.add(1, 0, &[f(0.2, "b"), f(0.0, "nothing"), f(0.3, "a")], 2);
        h.add(2, 1, &[f(0.25, "c"), f(0.5, "b"), f(f64::NAN, "n")], 2);
        let got: Vec<(&str, f64, u64)> = h
            .entries
            .iter()
            .map(|e| (e.attack.as_str(), e.risk, e.found_on))
            .collect();
        assert_eq!(got, vec![("b", 0.5, 1), ("a", 0.3, 1)]);
        // equal risks: by text, whatever the order they came in
        let mut x = Hall::default();
        x.add(1, 0, &[f(0.1, "z"), f(0.1, "y")], 5);
        assert_eq!(x.attacks(), vec!["y", "z"]);
        assert_eq!(x.plan(0, 3).hall, vec!["y", "z"]);
    }
}
