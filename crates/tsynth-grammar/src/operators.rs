//! Variation operators on the flat genotype, as plain functions on [`Library`] + genotype.
//! All randomness comes from the caller's RNG (seeded ChaCha), so results are reproducible.

use crate::genotype::{Genotype, choice_index};
use crate::library::Library;
use crate::tree::{NodeKind, VarKind};
use rand::Rng;

/// Settings of [`mutate`] (MOJITO / NSGA-II defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MutationConfig {
    /// Probability of mutating exactly one active variable (otherwise: each active variable
    /// with probability `1 / n_active`, at least one).
    pub p_one: f64,
    /// Distribution index of polynomial mutation.
    pub eta: f64,
}

impl Default for MutationConfig {
    fn default() -> Self {
        Self {
            p_one: 0.5,
            eta: 20.0,
        }
    }
}

/// Weighted pick of an alternative: alternative `i` has weight `counts[i]`.
fn weighted_pick(rng: &mut impl Rng, counts: &[u128]) -> usize {
    let total: u128 = counts.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut r = rng.random_range(0..total);
    for (i, &c) in counts.iter().enumerate() {
        if r < c {
            return i;
        }
        r -= c;
    }
    counts.len() - 1
}

/// A random genotype, uniform over structures: each choice picks alternative `i` with
/// probability proportional to the number of structures below it, so every complete
/// structure is equally likely. Parameters are uniform in [0, 1] (log-uniform in natural
/// units for log-scaled ones). Genes of unchosen branches are drawn the same way.
pub fn random_genotype(lib: &Library, rng: &mut impl Rng) -> Genotype {
    let mut g = vec![0.0; lib.tree.vars.len()];
    for node in &lib.tree.nodes {
        match &node.kind {
            NodeKind::Choice { var, alts } => {
                let counts: Vec<u128> = alts.iter().map(|&a| lib.tree.nodes[a].count).collect();
                g[*var] = weighted_pick(rng, &counts) as f64;
            }
            NodeKind::Block { params, .. } | NodeKind::Compound { params, .. } => {
                for p in params {
                    if let crate::tree::ParamSource::Free(v) = p {
                        g[*v] = rng.random::<f64>();
                    }
                }
            }
        }
    }
    Genotype(g)
}

/// Sub-part crossover: picks one part occurrence (below the root, with variables, active
/// in `a` when possible) and swaps every variable under it between the two parents.
/// Returns the two children. Parents must have the library's length.
pub fn crossover_subpart(
    lib: &Library,
    a: &Genotype,
    b: &Genotype,
    rng: &mut impl Rng,
) -> (Genotype, Genotype) {
    let (mut c1, mut c2) = (a.clone(), b.clone());
    let n = lib.tree.vars.len();
    if a.0.len() != n || b.0.len() != n {
        return (c1, c2);
    }
    let active: Vec<usize> = lib.decode(a).map(|d| d.active).unwrap_or_default();
    let eligible = |only_active: bool| -> Vec<usize> {
        (1..lib.tree.nodes.len())
            .filter(|&i| !lib.tree.nodes[i].vars.is_empty())
            .filter(|i| !only_active || active.contains(i))
            .collect()
    };
    let mut cand = eligible(true);
    if cand.is_empty() {
        cand = eligible(false);
    }
    if cand.is_empty() {
        return (c1, c2);
    }
    let node = cand[rng.random_range(0..cand.len())];
    let r = lib.tree.nodes[node].vars.clone();
    c1.0[r.clone()].copy_from_slice(&b.0[r.clone()]);
    c2.0[r.clone()].copy_from_slice(&a.0[r]);
    (c1, c2)
}

/// Choice variables with at least two alternatives, the active ones first if any.
fn choice_vars(lib: &Library, g: &Genotype) -> Vec<usize> {
    let active = lib.active_genes(g).unwrap_or_default();
    let is_choice = |v: &usize| matches!(lib.tree.vars[*v].kind, VarKind::Choice { alternatives } if alternatives > 1);
    let act: Vec<usize> = active.iter().copied().filter(is_choice).collect();
    if !act.is_empty() {
        return act;
    }
    (0..lib.tree.vars.len()).filter(is_choice).collect()
}

/// Sets choice gene `v` to a different alternative, uniformly.
fn reset_gene(lib: &Library, g: &mut Genotype, v: usize, rng: &mut impl Rng) {
    if let VarKind::Choice { alternatives } = lib.tree.vars[v].kind
        && alternatives > 1
    {
        let cur = choice_index(g.0[v], alternatives);
        let mut new = rng.random_range(0..alternatives - 1);
        if new >= cur {
            new += 1;
        }
        g.0[v] = new as f64;
    }
}

/// Uniform reset of one choice (an active one when there is one): it moves to a different
/// alternative, chosen uniformly. Returns `false` if the grammar has no real choice.
pub fn reset_choice(lib: &Library, g: &mut Genotype, rng: &mut impl Rng) -> bool {
    let vars = choice_vars(lib, g);
    if vars.is_empty() || g.0.len() != lib.tree.vars.len() {
        return false;
    }
    let v = vars[rng.random_range(0..vars.len())];
    reset_gene(lib, g, v, rng);
    true
}

/// Deb's polynomial mutation of one gene in [0, 1].
pub fn polynomial_gene(x: f64, eta: f64, rng: &mut impl Rng) -> f64 {
    let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
    let r: f64 = rng.random();
    let pow = 1.0 / (eta + 1.0);
    let dq = if r < 0.5 {
        let xy = 1.0 - x;
        let val = 2.0 * r + (1.0 - 2.0 * r) * xy.powf(eta + 1.0);
        val.powf(pow) - 1.0
    } else {
        let xy = x;
        let val = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * xy.powf(eta + 1.0);
        1.0 - val.powf(pow)
    };
    (x + dq).clamp(0.0, 1.0)
}

/// Polynomial mutation of the active parameters, each with probability `prob`.
/// Returns how many genes were mutated.
pub fn polynomial_mutation(
    lib: &Library,
    g: &mut Genotype,
    eta: f64,
    prob: f64,
    rng: &mut impl Rng,
) -> usize {
    let params: Vec<usize> = lib
        .active_genes(g)
        .unwrap_or_default()
        .into_iter()
        .filter(|&v| matches!(lib.tree.vars[v].kind, VarKind::Param(_)))
        .collect();
    let mut n = 0;
    for v in params {
        if rng.random_bool(prob.clamp(0.0, 1.0)) {
            g.0[v] = polynomial_gene(g.0[v], eta, rng);
            n += 1;
        }
    }
    n
}

/// MOJITO mutation: with probability `p_one` one active variable, otherwise every active
/// variable with probability `1/n` (at least one). Choices are reset uniformly to another
/// alternative; parameters get polynomial mutation.
pub fn mutate(lib: &Library, g: &mut Genotype, cfg: &MutationConfig, rng: &mut impl Rng) {
    let Ok(active) = lib.active_genes(g) else {
        return;
    };
    if active.is_empty() {
        return;
    }
    let chosen: Vec<usize> = if rng.random_bool(cfg.p_one.clamp(0.0, 1.0)) {
        vec![active[rng.random_range(0..active.len())]]
    } else {
        let p = 1.0 / active.len() as f64;
        let mut c: Vec<usize> = active
            .iter()
            .copied()
            .filter(|_| rng.random_bool(p))
            .collect();
        if c.is_empty() {
            c.push(active[rng.random_range(0..active.len())]);
        }
        c
    };
    for v in chosen {
        match lib.tree.vars[v].kind {
            VarKind::Choice { .. } => reset_gene(lib, g, v, rng),
            VarKind::Param(_) => g.0[v] = polynomial_gene(g.0[v], cfg.eta, rng),
        }
    }
}

/// Mutates a copy of `parent` until the decoded design differs from the parent's (other
/// blocks, or other constructor arguments), trying at most `max_tries` times. `None` if no
/// different child was found (e.g. a grammar with a single design).
pub fn mutate_until_different(
    lib: &Library,
    parent: &Genotype,
    cfg: &MutationConfig,
    max_tries: usize,
    rng: &mut impl Rng,
) -> Option<Genotype> {
    let key = |g: &Genotype| {
        lib.decode(g).ok().map(|d| {
            let blocks: Vec<usize> = d.blocks.iter().map(|b| b.block).collect();
            (blocks, lib.constructor_args(&d).ok())
        })
    };
    let parent_key = key(parent)?;
    for _ in 0..max_tries {
        let mut child = parent.clone();
        mutate(lib, &mut child, cfg, rng);
        if key(&child).as_ref() != Some(&parent_key) {
            return Some(child);
        }
    }
    None
}

/// Simulated binary crossover (Deb & Agrawal) of one pair of genes in [0, 1]. Equal genes
/// are returned unchanged.
pub fn sbx_pair(x1: f64, x2: f64, eta: f64, rng: &mut impl Rng) -> (f64, f64) {
    let u: f64 = rng.random();
    if x1 == x2 {
        return (x1, x2);
    }
    let beta = if u <= 0.5 {
        (2.0 * u).powf(1.0 / (eta + 1.0))
    } else {
        (1.0 / (2.0 * (1.0 - u))).powf(1.0 / (eta + 1.0))
    };
    let c1 = 0.5 * ((1.0 + beta) * x1 + (1.0 - beta) * x2);
    let c2 = 0.5 * ((1.0 - beta) * x1 + (1.0 + beta) * x2);
    (c1.clamp(0.0, 1.0), c2.clamp(0.0, 1.0))
}

/// SBX on the parameters both parents use (genes active in both), each pair with
/// probability `prob`; choices and other genes are copied. Returns the two children.
pub fn sbx_parameters(
    lib: &Library,
    a: &Genotype,
    b: &Genotype,
    eta: f64,
    prob: f64,
    rng: &mut impl Rng,
) -> (Genotype, Genotype) {
    let (mut c1, mut c2) = (a.clone(), b.clone());
    let (Ok(act_a), Ok(act_b)) = (lib.active_genes(a), lib.active_genes(b)) else {
        return (c1, c2);
    };
    for v in act_a {
        if !matches!(lib.tree.vars[v].kind, VarKind::Param(_)) || act_b.binary_search(&v).is_err() {
            continue;
        }
        if rng.random_bool(prob.clamp(0.0, 1.0)) {
            let (x, y) = sbx_pair(a.0[v], b.0[v], eta, rng);
            c1.0[v] = x;
            c2.0[v] = y;
        }
    }
    (c1, c2)
}
