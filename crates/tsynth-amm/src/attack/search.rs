//! The attack search: a small steady-state evolutionary search over attacks on forks of one
//! state, seeded — not limited — by templates (the rug pull, the July-2022 loop and its
//! time-delayed variants), with restarts, deterministic from its seed.
//!
//! Genotype: `[actor, capital, (kind, amount, wait) × max_steps]`, every gene in [0, 1].
//! `kind` picks one of none / buy / sell / stake / unstake / claim / wait; `amount` is the
//! step's fraction (values within 3% of 1 snap to 1, so "everything" is easy to reach);
//! `wait` maps log-uniformly onto one block .. `max_wait` seconds.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tsynth_evm::World;

use super::exec::{Arena, BLOCK_SECONDS, Outcome, execute};
use super::lang::{Actor, Attack, Step};
use crate::agents::Fatal;

/// How hard to search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSettings {
    /// Attack evaluations (each a fork and a few transactions).
    pub budget: u32,
    /// Longest attack, in steps.
    pub max_steps: usize,
    /// Longest single wait, in seconds.
    pub max_wait: u64,
    /// Population of the steady-state search.
    pub population: usize,
    /// Seed the search with the templates.
    pub templates: bool,
    /// The publisher may attack (otherwise only the outside attacker does).
    pub publisher: bool,
    /// RNG seed.
    pub seed: u64,
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            budget: 300,
            max_steps: 8,
            max_wait: 30 * 86_400,
            population: 16,
            templates: true,
            publisher: true,
            seed: 0,
        }
    }
}

/// The best attack found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The attack.
    pub attack: Attack,
    /// What it achieved.
    pub outcome: Outcome,
    /// Evaluations spent.
    pub evaluations: u32,
    /// Evaluation at which the best was first reached (1-based).
    pub found_at: u32,
    /// Every improvement of the best gain: (evaluation, gain), in order.
    pub improvements: Vec<(u32, f64)>,
}

impl Found {
    /// The first evaluation whose attack gained at least `gain` (time-to-first-find).
    pub fn first_reaching(&self, gain: f64) -> Option<u32> {
        self.improvements
            .iter()
            .find(|&&(_, g)| g >= gain)
            .map(|&(e, _)| e)
    }
}

const KINDS: usize = 7;
const GENES_PER_STEP: usize = 3;
const SNAP: f64 = 0.97;

fn genotype_len(max_steps: usize) -> usize {
    2 + GENES_PER_STEP * max_steps
}

fn wait_seconds(g: f64, max_wait: u64) -> u64 {
    let lo = BLOCK_SECONDS as f64;
    let hi = (max_wait as f64).max(lo);
    (lo * (hi / lo).powf(g.clamp(0.0, 1.0))).round() as u64
}

fn wait_gene(seconds: u64, max_wait: u64) -> f64 {
    let lo = BLOCK_SECONDS as f64;
    let hi = (max_wait as f64).max(lo * 1.000_001);
    ((seconds as f64).max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln())
}

fn amount(g: f64) -> f64 {
    if g >= SNAP { 1.0 } else { g.clamp(0.0, 1.0) }
}

/// Decodes a genotype into an attack.
pub fn decode(genes: &[f64], s: &SearchSettings) -> Attack {
    let actor = if genes[0] < 0.5 || !s.publisher {
        Actor::Outsider
    } else {
        Actor::Publisher
    };
    let mut steps = Vec::new();
    for k in 0..s.max_steps {
        let g = &genes[2 + GENES_PER_STEP * k..2 + GENES_PER_STEP * (k + 1)];
        let kind = ((g[0].clamp(0.0, 1.0) * KINDS as f64) as usize).min(KINDS - 1);
        let x = amount(g[1]);
        steps.push(match kind {
            1 => Step::Buy(x),
            2 => Step::Sell(x),
            3 => Step::Stake(x),
            4 => Step::Unstake(x),
            5 => Step::Claim,
            6 => Step::Wait(wait_seconds(g[2], s.max_wait)),
            _ => continue,
        });
    }
    Attack {
        actor,
        capital: amount(genes[1]),
        steps,
        origin: "search".into(),
    }
}

/// Encodes an attack (at most `max_steps` steps are kept) as a genotype.
pub fn encode(a: &Attack, s: &SearchSettings) -> Vec<f64> {
    let mut g = vec![0.0; genotype_len(s.max_steps)];
    g[0] = if a.actor == Actor::Outsider {
        0.25
    } else {
        0.75
    };
    g[1] = a.capital.clamp(0.0, 1.0);
    let centre = |k: usize| (k as f64 + 0.5) / KINDS as f64;
    for (k, step) in a.steps.iter().take(s.max_steps).enumerate() {
        let at = 2 + GENES_PER_STEP * k;
        let (kind, x, w) = match *step {
            Step::Buy(x) => (1, x, 0.0),
            Step::Sell(x) => (2, x, 0.0),
            Step::Stake(x) => (3, x, 0.0),
            Step::Unstake(x) => (4, x, 0.0),
            Step::Claim => (5, 1.0, 0.0),
            Step::Wait(sec) => (6, 1.0, wait_gene(sec, s.max_wait)),
        };
        g[at] = centre(kind);
        g[at + 1] = x;
        g[at + 2] = w;
    }
    g
}

/// The templates the search starts from: the rug pull, the July-2022 loop (one and two
/// rounds), and the loop with a wait between the stake and the rest for each of `delays`
/// (the design's lock and schedule lengths) and a few standard ones.
pub fn templates(delays: &[u64]) -> Vec<Attack> {
    let t = |actor, steps: Vec<Step>, origin: &str| Attack {
        actor,
        capital: 1.0,
        steps,
        origin: origin.into(),
    };
    let one_loop = |stake: f64| {
        [
            Step::Stake(stake),
            Step::Buy(1.0),
            Step::Unstake(1.0),
            Step::Sell(1.0),
        ]
    };
    let mut out = vec![
        t(
            Actor::Publisher,
            vec![
                Step::Claim,
                Step::Sell(1.0),
                Step::Unstake(1.0),
                Step::Sell(1.0),
            ],
            "rug pull",
        ),
        t(Actor::Outsider, one_loop(1.0).to_vec(), "July-2022 loop"),
        // Half the capital staked, half to buy with: the loop's shape when the capital is
        // below half the pool (the stake cap does not split it for the attacker).
        t(
            Actor::Outsider,
            one_loop(0.5).to_vec(),
            "July-2022 loop (half staked)",
        ),
        t(
            Actor::Outsider,
            one_loop(0.5)
                .iter()
                .chain(one_loop(0.5).iter())
                .copied()
                .collect(),
            "July-2022 loop x2",
        ),
    ];
    let mut waits: Vec<u64> = [60u64, 3600, 86_400]
        .into_iter()
        .chain(delays.iter().map(|d| d + BLOCK_SECONDS))
        .collect();
    waits.sort_unstable();
    waits.dedup();
    for w in waits {
        for (stake, name) in [(1.0, ""), (0.5, ", half staked")] {
            out.push(t(
                Actor::Outsider,
                vec![
                    Step::Stake(stake),
                    Step::Wait(w),
                    Step::Buy(1.0),
                    Step::Unstake(1.0),
                    Step::Sell(1.0),
                ],
                &format!("delayed loop ({}{name})", super::lang::fmt_duration(w)),
            ));
        }
        out.push(t(
            Actor::Publisher,
            vec![
                Step::Wait(w),
                Step::Claim,
                Step::Sell(1.0),
                Step::Unstake(1.0),
            ],
            &format!("delayed rug pull ({})", super::lang::fmt_duration(w)),
        ));
    }
    out
}

struct Pool {
    genes: Vec<Vec<f64>>,
    fitness: Vec<f64>,
}

struct Searcher<'a> {
    base: &'a World,
    arena: &'a Arena,
    s: &'a SearchSettings,
    evaluations: u32,
    best: Option<Found>,
    improvements: Vec<(u32, f64)>,
}

impl Searcher<'_> {
    fn eval(&mut self, genes: &[f64], origin: Option<&str>) -> Result<f64, Fatal> {
        let mut attack = decode(genes, self.s);
        if let Some(o) = origin {
            attack.origin = o.to_string();
        }
        let mut fork = self.base.fork();
        let outcome = execute(&mut fork, self.arena, &attack)?;
        self.evaluations += 1;
        tsynth_sim::stats::count_attack_evaluation();
        let gain = outcome.gain;
        if self
            .best
            .as_ref()
            .is_none_or(|b| gain > b.outcome.gain + 1e-12)
        {
            self.improvements.push((self.evaluations, gain));
            self.best = Some(Found {
                attack,
                outcome,
                evaluations: self.evaluations,
                found_at: self.evaluations,
                improvements: Vec::new(),
            });
        }
        Ok(gain)
    }

    fn spent(&self) -> bool {
        self.evaluations >= self.s.budget
    }
}

/// Searches attacks on forks of `base`; `seeds` (e.g. a hall of fame) and, when the
/// settings ask for them, the templates for `delays` start the population.
pub fn search(
    base: &World,
    arena: &Arena,
    settings: &SearchSettings,
    seeds: &[Attack],
    delays: &[u64],
) -> Result<Found, Fatal> {
    let s = settings;
    let len = genotype_len(s.max_steps);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut me = Searcher {
        base,
        arena,
        s,
        evaluations: 0,
        best: None,
        improvements: Vec::new(),
    };
    let allowed = |a: &&Attack| s.publisher || a.actor == Actor::Outsider;
    let mut start: Vec<(Vec<f64>, String)> = seeds
        .iter()
        .filter(allowed)
        .map(|a| (encode(a, s), a.origin.clone()))
        .collect();
    if s.templates {
        start.extend(
            templates(delays)
                .iter()
                .filter(allowed)
                .map(|a| (encode(a, s), a.origin.clone())),
        );
    }
    let mut pool = Pool {
        genes: Vec::new(),
        fitness: Vec::new(),
    };
    for (g, origin) in start {
        if me.spent() {
            break;
        }
        let f = me.eval(&g, Some(&origin))?;
        pool.genes.push(g);
        pool.fitness.push(f);
    }
    while pool.genes.len() < s.population.max(2) && !me.spent() {
        let g: Vec<f64> = (0..len).map(|_| rng.random::<f64>()).collect();
        let f = me.eval(&g, None)?;
        pool.genes.push(g);
        pool.fitness.push(f);
    }
    let mut stale = 0u32;
    let mut record = pool
        .fitness
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    while !me.spent() {
        let child = if stale > s.budget / 6 {
            // restart: a fresh random attack replaces the worst member
            stale = 0;
            (0..len).map(|_| rng.random::<f64>()).collect()
        } else {
            offspring(&pool, &mut rng, s.max_steps)
        };
        let f = me.eval(&child, None)?;
        let worst = (0..pool.fitness.len())
            .min_by(|&a, &b| pool.fitness[a].total_cmp(&pool.fitness[b]))
            .unwrap_or(0);
        if f > pool.fitness[worst] {
            pool.genes[worst] = child;
            pool.fitness[worst] = f;
        }
        if f > record + 1e-9 {
            record = f;
            stale = 0;
        } else {
            stale += 1;
        }
    }
    if me.best.is_none() {
        // a budget of 0: the empty attack (nothing gained)
        me.eval(&vec![0.0; len], Some("nothing"))?;
    }
    let evaluations = me.evaluations;
    let mut found = me.best.expect("at least one attack was evaluated");
    found.evaluations = evaluations;
    found.improvements = me.improvements;
    Ok(found)
}

fn pick(pool: &Pool, rng: &mut ChaCha8Rng) -> usize {
    let n = pool.genes.len();
    let a = rng.random_range(0..n);
    let b = rng.random_range(0..n);
    if pool.fitness[a] >= pool.fitness[b] {
        a
    } else {
        b
    }
}

fn offspring(pool: &Pool, rng: &mut ChaCha8Rng, max_steps: usize) -> Vec<f64> {
    let mut child = pool.genes[pick(pool, rng)].clone();
    if rng.random_bool(0.3) {
        // uniform crossover, one whole step at a time
        let other = &pool.genes[pick(pool, rng)];
        for k in 0..max_steps {
            if rng.random_bool(0.5) {
                let at = 2 + GENES_PER_STEP * k;
                child[at..at + GENES_PER_STEP].copy_from_slice(&other[at..at + GENES_PER_STEP]);
            }
        }
    }
    let len = child.len();
    let rate = 2.0 / len as f64;
    for g in child.iter_mut() {
        if rng.random_bool(rate) {
            *g = if rng.random_bool(0.2) {
                rng.random::<f64>()
            } else {
                (*g + 0.15 * gaussian(rng)).clamp(0.0, 1.0)
            };
        }
    }
    if max_steps > 1 && rng.random_bool(0.15) {
        // move one step elsewhere in the sequence
        let i = rng.random_range(0..max_steps);
        let j = rng.random_range(0..max_steps);
        let step = child[2 + GENES_PER_STEP * i..2 + GENES_PER_STEP * (i + 1)].to_vec();
        let mut steps: Vec<Vec<f64>> = (0..max_steps)
            .map(|k| child[2 + GENES_PER_STEP * k..2 + GENES_PER_STEP * (k + 1)].to_vec())
            .collect();
        steps.remove(i);
        steps.insert(j, step);
        for (k, st) in steps.iter().enumerate() {
            child[2 + GENES_PER_STEP * k..2 + GENES_PER_STEP * (k + 1)].copy_from_slice(st);
        }
    }
    child
}

fn gaussian(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_is_the_same_attack() {
        let s = SearchSettings::default();
        for a in templates(&[60, 604_800]) {
            let back = decode(&encode(&a, &s), &s);
            assert_eq!(back.actor, a.actor, "{}", a.origin);
            assert_eq!(back.steps.len(), a.steps.len(), "{}", a.origin);
            for (x, y) in back.steps.iter().zip(&a.steps) {
                match (x, y) {
                    (Step::Wait(p), Step::Wait(q)) => {
                        assert!((*p as f64 / *q as f64 - 1.0).abs() < 1e-6, "{p} vs {q}")
                    }
                    _ => assert_eq!(x, y, "{}", a.origin),
                }
            }
        }
    }

    #[test]
    fn waits_span_one_block_to_the_maximum() {
        assert_eq!(wait_seconds(0.0, 86_400), BLOCK_SECONDS);
        assert_eq!(wait_seconds(1.0, 86_400), 86_400);
        // log scale: ln(3600 / 12) / ln(86400 / 12)
        assert!((wait_gene(3600, 86_400) - 300f64.ln() / 7200f64.ln()).abs() < 1e-12);
        assert_eq!(wait_seconds(wait_gene(3600, 86_400), 86_400), 3600);
    }
}
