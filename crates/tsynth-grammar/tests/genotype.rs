//! Counting, genotype layout, decoding, expressions, emission and hashes.

use crate::common::{amm, mini};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use tsynth_grammar::alloy_primitives::U256;
use tsynth_grammar::tree::{NodeKind, VarKind};
use tsynth_grammar::wad::{from_wad, to_wad};
use tsynth_grammar::{AbiArg, Genotype, GenotypeError, Library, Value, operators};

fn gene_index(lib: &Library, name: &str) -> usize {
    lib.tree
        .vars
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no variable {name}; have {:?}",
                lib.tree.vars.iter().map(|v| &v.name).collect::<Vec<_>>()
            )
        })
}

fn block_names(lib: &Library, g: &Genotype) -> Vec<String> {
    lib.decode(g)
        .unwrap()
        .blocks
        .iter()
        .map(|b| lib.blocks[b.block].name.clone())
        .collect()
}

/// All choice-gene assignments of a library (exhaustive; small grammars only).
fn all_choice_assignments(lib: &Library) -> Vec<Genotype> {
    let choices: Vec<(usize, usize)> = lib
        .tree
        .vars
        .iter()
        .enumerate()
        .filter_map(|(i, v)| match v.kind {
            VarKind::Choice { alternatives } => Some((i, alternatives)),
            _ => None,
        })
        .collect();
    let mut out = vec![lib.default_genotype()];
    for (i, n) in choices {
        out = out
            .into_iter()
            .flat_map(|g| {
                (0..n).map(move |k| {
                    let mut g2 = g.clone();
                    g2.0[i] = k as f64;
                    g2
                })
            })
            .collect();
    }
    out
}

#[test]
fn mini_count_matches_hand_count() {
    // Root = Front x Limit; Front = Cheap | Rich; Cheap = FlatPrice x Fee(3); Rich = Price(2) x Fee(3)
    // => (1*3 + 2*3) * 2 = 18
    let lib = mini();
    assert_eq!(lib.structure_count(), 18);
    // exhaustive enumeration of the choice genes reaches exactly 18 distinct derivations
    let distinct: BTreeSet<Vec<usize>> = all_choice_assignments(&lib)
        .iter()
        .map(|g| lib.decode(g).unwrap().active)
        .collect();
    assert_eq!(distinct.len(), 18);
}

#[test]
fn amm_has_at_least_a_thousand_structures() {
    let lib = amm();
    assert_eq!(lib.structure_count(), 3 * 3 * 4 * 4 * 4 * 2);
    assert!(lib.structure_count() >= 1000);
    assert_eq!(lib.slots.len(), 6);
    // building-blocks/README.md: the largest combination has exactly 12 block parameters
    // (LinearWeights 3 + SoftCapFee/LaunchFee 4 + guard 1 + CliffVesting 3 + BuyCap 1)
    assert_eq!(lib.max_block_params(), 12);
    // fixture: Rich (CurvePrice 2 + TwoFee 2) + Cap 2
    assert_eq!(mini().max_block_params(), 6);
}

#[test]
fn genotype_layout_is_depth_first_and_contiguous() {
    let lib = mini();
    let names: Vec<&str> = lib.tree.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Root/Front#choice",
            "Root/Front/Cheap.level",
            "Root/Front/Cheap/Fee#choice",
            "Root/Front/Rich/Price#choice",
            "Root/Front/Rich/Price/CurvePrice.k",
            "Root/Front/Rich/Price/CurvePrice.steps",
            "Root/Front/Rich/Fee#choice",
            "Root/Front/Rich/Fee/PctFee.pct",
            "Root/Front/Rich/Fee/TwoFee.a",
            "Root/Front/Rich/Fee/TwoFee.b",
            "Root/Limit#choice",
            "Root/Limit/Cap.maxAmount",
            "Root/Limit/Cap.strict",
        ]
    );
    // every node's variables are exactly its own plus its children's, contiguously
    for (i, n) in lib.tree.nodes.iter().enumerate() {
        let children: Vec<usize> = match &n.kind {
            NodeKind::Choice { alts, .. } => alts.clone(),
            NodeKind::Compound { children, .. } => children.clone(),
            NodeKind::Block { .. } => vec![],
        };
        let own = lib.tree.vars.iter().filter(|v| v.node == i).count();
        let below: usize = children.iter().map(|&c| lib.tree.nodes[c].vars.len()).sum();
        assert_eq!(n.vars.len(), own + below, "node {}", n.path);
    }
}

#[test]
fn default_genotype_decodes_to_first_alternatives_and_defaults() {
    let lib = mini();
    let g = lib.default_genotype();
    assert_eq!(block_names(&lib, &g), ["FlatPrice", "ZeroFee", "NoCap"]);
    let d = lib.decode(&g).unwrap();
    assert_eq!(d.compounds.len(), 2); // Root and Cheap
    assert_eq!(d.compounds[1].values, vec![Value::Real(0.002)]);
}

#[test]
fn expressions_compute_child_parameters() {
    let lib = mini();
    let mut g = lib.default_genotype();
    g.0[gene_index(&lib, "Root/Front/Cheap/Fee#choice")] = 2.0; // TwoFee
    let level = gene_index(&lib, "Root/Front/Cheap.level");
    let spec = match &lib.tree.vars[level].kind {
        VarKind::Param(p) => p.clone(),
        _ => unreachable!(),
    };
    g.0[level] = spec.encode(0.01);
    let d = lib.decode(&g).unwrap();
    let two = &d.blocks[1];
    assert_eq!(lib.blocks[two.block].name, "TwoFee");
    assert_eq!(two.values, vec![Value::Real(0.005), Value::Real(0.02)]);
    // b = min(level * 2, 0.05): capped
    g.0[level] = spec.encode(0.04);
    let d = lib.decode(&g).unwrap();
    assert_eq!(
        d.blocks[1].values,
        vec![Value::Real(0.02), Value::Real(0.05)]
    );
    // the same block under Rich is free: its own genes
    let mut g = lib.default_genotype();
    g.0[gene_index(&lib, "Root/Front#choice")] = 1.0;
    g.0[gene_index(&lib, "Root/Front/Rich/Fee#choice")] = 2.0;
    g.0[gene_index(&lib, "Root/Front/Rich/Fee/TwoFee.a")] = 1.0;
    g.0[gene_index(&lib, "Root/Front/Rich/Fee/TwoFee.b")] = 0.0;
    let d = lib.decode(&g).unwrap();
    assert_eq!(
        d.blocks[1].values,
        vec![Value::Real(0.05), Value::Real(0.0)]
    );
}

#[test]
fn log_and_integer_scales_decode_in_log_space() {
    let lib = mini();
    let mut g = lib.default_genotype();
    g.0[gene_index(&lib, "Root/Front#choice")] = 1.0;
    g.0[gene_index(&lib, "Root/Front/Rich/Price#choice")] = 1.0;
    g.0[gene_index(&lib, "Root/Front/Rich/Price/CurvePrice.k")] = 0.5;
    g.0[gene_index(&lib, "Root/Front/Rich/Price/CurvePrice.steps")] = 0.5;
    let d = lib.decode(&g).unwrap();
    // k in [0.001, 10] log: midpoint sqrt(0.01) = 0.1; steps in [1, 1000] log: sqrt(1000) = 31.6 -> 32
    assert_eq!(
        d.blocks[0].values,
        vec![Value::Real(0.1), Value::Integer(32)]
    );
    g.0[gene_index(&lib, "Root/Front/Rich/Price/CurvePrice.steps")] = 1.0;
    assert_eq!(
        lib.decode(&g).unwrap().blocks[0].values[1],
        Value::Integer(1000)
    );
}

#[test]
fn wrong_length_is_an_error() {
    let lib = mini();
    let e = lib.decode(&Genotype(vec![0.0; 3])).unwrap_err();
    assert_eq!(
        e,
        GenotypeError::Length {
            grammar: "mini".into(),
            want: 13,
            got: 3
        }
    );
    assert!(e.to_string().contains("3 genes but grammar `mini` has 13"));
}

fn rich_curve_pct_cap(lib: &Library, k: f64, pct: f64) -> Genotype {
    let mut g = lib.default_genotype();
    let set = |g: &mut Genotype, n: &str, v: f64| g.0[gene_index(lib, n)] = v;
    set(&mut g, "Root/Front#choice", 1.0);
    set(&mut g, "Root/Front/Rich/Price#choice", 1.0);
    set(&mut g, "Root/Front/Rich/Price/CurvePrice.k", k);
    set(&mut g, "Root/Front/Rich/Fee#choice", 1.0);
    set(&mut g, "Root/Front/Rich/Fee/PctFee.pct", pct);
    set(&mut g, "Root/Limit#choice", 1.0);
    g
}

#[test]
fn emission_candidate_sources_and_typed_arguments() {
    let lib = mini();
    let g = rich_curve_pct_cap(&lib, 0.5, 0.25);
    let d = lib.decode(&g).unwrap();
    let em = lib.emit(&d).unwrap();
    let keys: Vec<&str> = em.sources.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Candidate.sol",
            "core/IMini.sol",
            "core/MiniCore.sol",
            "fee/PctFee.sol",
            "limit/Cap.sol",
            "price/CurvePrice.sol"
        ]
    );
    let cand = &em.sources["Candidate.sol"];
    assert!(
        cand.contains("contract Candidate is MiniCore, CurvePrice, PctFee, Cap {"),
        "{cand}"
    );
    assert!(
        cand.contains("constructor(address owner_, uint256[] memory p)"),
        "{cand}"
    );
    assert!(cand.contains("MiniCore(owner_)"));
    assert!(cand.contains("CurvePrice(p[0], p[1])"));
    assert!(cand.contains("PctFee(p[2])"));
    assert!(cand.contains("Cap(p[3], p[4] != 0)"));
    assert!(cand.contains("import {PctFee} from \"fee/PctFee.sol\";"));
    assert!(cand.contains("pragma solidity ^0.8.24;"));
    // k = 0.1 (log midpoint), steps default 10, pct = 0.025, maxAmount default 1000, strict true
    let wad = |s: &str| AbiArg::Uint(U256::from_str_radix(s, 10).unwrap());
    assert_eq!(
        em.args,
        vec![
            wad("100000000000000000"),
            AbiArg::Uint(U256::from(10u64)),
            wad("25000000000000000"),
            wad("1000000000000000000000"),
            AbiArg::Bool(true),
        ]
    );
    assert_eq!(em.param_words()[4], U256::from(1u8));
    let names: Vec<&str> = em.block_params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CurvePrice.k",
            "CurvePrice.steps",
            "PctFee.pct",
            "Cap.maxAmount",
            "Cap.strict"
        ]
    );
    assert_eq!(em.block_params[4].sol_type, "bool");
}

#[test]
fn structure_hash_ignores_values_full_hash_does_not() {
    let lib = mini();
    let a = lib.decode(&rich_curve_pct_cap(&lib, 0.5, 0.25)).unwrap();
    let b = lib.decode(&rich_curve_pct_cap(&lib, 0.9, 0.75)).unwrap();
    let ea = lib.emit(&a).unwrap();
    let eb = lib.emit(&b).unwrap();
    assert_eq!(ea.structure_hash, eb.structure_hash);
    assert_eq!(ea.sources, eb.sources);
    assert_ne!(ea.full_hash, eb.full_hash);
    assert_eq!(ea.full_hash, lib.emit(&a).unwrap().full_hash);
    assert_eq!(ea.structure_hash.len(), 64);
    // another block: another structure hash
    let mut g = rich_curve_pct_cap(&lib, 0.5, 0.25);
    g.0[gene_index(&lib, "Root/Limit#choice")] = 0.0;
    let ec = lib.emit(&lib.decode(&g).unwrap()).unwrap();
    assert_ne!(ec.structure_hash, ea.structure_hash);
    // inactive genes change nothing
    let mut g2 = rich_curve_pct_cap(&lib, 0.5, 0.25);
    g2.0[gene_index(&lib, "Root/Front/Cheap.level")] = 0.123;
    assert_eq!(
        lib.emit(&lib.decode(&g2).unwrap()).unwrap().full_hash,
        ea.full_hash
    );
}

#[test]
fn wad_conversion_is_exact() {
    let w = |s: &str| U256::from_str_radix(s, 10).unwrap();
    assert_eq!(to_wad(0.001).unwrap(), w("1000000000000000"));
    assert_eq!(to_wad(0.1).unwrap(), w("100000000000000000"));
    assert_eq!(to_wad(0.7).unwrap(), w("700000000000000000"));
    assert_eq!(to_wad(20.0).unwrap(), w("20000000000000000000"));
    assert_eq!(to_wad(1e-18).unwrap(), w("1"));
    assert_eq!(to_wad(5e-19).unwrap(), w("1")); // half up
    assert_eq!(to_wad(4e-19).unwrap(), w("0"));
    assert_eq!(to_wad(0.0).unwrap(), U256::ZERO);
    assert!(to_wad(-1.0).is_err());
    assert!(to_wad(f64::NAN).is_err());
    assert_eq!(from_wad(w("1500000000000000000")), 1.5);
}

#[test]
fn random_genotypes_are_uniform_over_structures() {
    let lib = mini();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n = 18_000;
    let mut counts: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for _ in 0..n {
        let g = operators::random_genotype(&lib, &mut rng);
        *counts.entry(lib.decode(&g).unwrap().active).or_default() += 1;
    }
    assert_eq!(counts.len(), 18);
    // expected 1000 each; a choice-uniform sampler would give Cheap's 6 structures 1500 each
    for (k, c) in &counts {
        assert!((850..1150).contains(c), "structure {k:?} drawn {c} times");
    }
}

#[test]
fn sampling_is_deterministic_per_seed() {
    let lib = amm();
    let draw = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..20)
            .map(|_| operators::random_genotype(&lib, &mut rng))
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(3), draw(3));
    assert_ne!(draw(3), draw(4));
}

fn genes(len: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(
        prop_oneof![
            8 => -2.0f64..5.0,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => any::<f64>(),
        ],
        len,
    )
}

fn check_derivation(lib: &Library, g: &Genotype) -> Result<(), TestCaseError> {
    let d = lib
        .decode(g)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    // exactly one block per slot, in slot order
    let slots: Vec<usize> = d.blocks.iter().map(|b| lib.blocks[b.block].slot).collect();
    prop_assert_eq!(slots, (0..lib.slots.len()).collect::<Vec<_>>());
    for b in &d.blocks {
        for (spec, v) in lib.blocks[b.block].params.iter().zip(&b.values) {
            let x = v.as_f64();
            prop_assert!(
                x >= spec.lo && x <= spec.hi,
                "{} = {} outside [{}, {}]",
                spec.name,
                x,
                spec.lo,
                spec.hi
            );
        }
    }
    let em = lib
        .emit(&d)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(em.args.len(), em.block_params.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn decoding_is_total_on_any_vector(v in genes(30)) {
        let lib = amm();
        check_derivation(&lib, &Genotype(v))?;
    }

    #[test]
    fn decoding_is_total_on_the_mini_grammar(v in genes(13)) {
        let lib = mini();
        check_derivation(&lib, &Genotype(v))?;
    }

    #[test]
    fn random_genotypes_and_operator_children_decode(seed in any::<u64>()) {
        for lib in [amm(), mini()] {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let a = operators::random_genotype(&lib, &mut rng);
            let b = operators::random_genotype(&lib, &mut rng);
            check_derivation(&lib, &a)?;
            let (c1, c2) = operators::crossover_subpart(&lib, &a, &b, &mut rng);
            check_derivation(&lib, &c1)?;
            check_derivation(&lib, &c2)?;
            let mut m = a.clone();
            operators::reset_choice(&lib, &mut m, &mut rng);
            check_derivation(&lib, &m)?;
            operators::polynomial_mutation(&lib, &mut m, 20.0, 0.5, &mut rng);
            check_derivation(&lib, &m)?;
            let cfg = operators::MutationConfig::default();
            let child = operators::mutate_until_different(&lib, &a, &cfg, 100, &mut rng);
            prop_assert!(child.is_some());
            check_derivation(&lib, &child.unwrap())?;
            for g in [&c1, &c2, &m] {
                for (x, v) in g.0.iter().zip(&lib.tree.vars) {
                    let (lo, hi) = v.bounds();
                    prop_assert!(*x >= lo && *x <= hi, "gene {} = {} outside [{lo}, {hi}]", v.name, x);
                }
            }
        }
    }
}
