//! Variation operators: exact behaviour of each.

use crate::common::{amm, mini};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tsynth_grammar::tree::VarKind;
use tsynth_grammar::{Genotype, Library, operators};

fn choice_genes(lib: &Library) -> Vec<usize> {
    (0..lib.genotype_len())
        .filter(|&i| matches!(lib.tree.vars[i].kind, VarKind::Choice { .. }))
        .collect()
}

#[test]
fn crossover_swaps_exactly_one_subtree() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..200 {
        let a = operators::random_genotype(&lib, &mut rng);
        let b = operators::random_genotype(&lib, &mut rng);
        let (c1, c2) = operators::crossover_subpart(&lib, &a, &b, &mut rng);
        let swapped: Vec<usize> = (0..a.0.len())
            .filter(|&i| c1.0[i] != a.0[i] || c2.0[i] != b.0[i])
            .collect();
        // every gene comes from one parent; c1 and c2 are complementary
        for i in 0..a.0.len() {
            assert!(
                (c1.0[i] == a.0[i] && c2.0[i] == b.0[i])
                    || (c1.0[i] == b.0[i] && c2.0[i] == a.0[i])
            );
        }
        // the swapped genes lie inside one node's variable range, which is not the root's
        if let (Some(&lo), Some(&hi)) = (swapped.first(), swapped.last()) {
            let fits = lib
                .tree
                .nodes
                .iter()
                .skip(1)
                .any(|n| n.vars.start <= lo && hi < n.vars.end);
            assert!(fits, "swapped genes {swapped:?} are not one subtree");
        }
    }
}

#[test]
fn crossover_of_a_whole_slot_choice_moves_the_block_and_its_parameters() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut moved = 0;
    for _ in 0..300 {
        let a = operators::random_genotype(&lib, &mut rng);
        let b = operators::random_genotype(&lib, &mut rng);
        let (c1, _) = operators::crossover_subpart(&lib, &a, &b, &mut rng);
        let (da, db, dc) = (
            lib.decode(&a).unwrap(),
            lib.decode(&b).unwrap(),
            lib.decode(&c1).unwrap(),
        );
        for s in 0..lib.slots.len() {
            let from_b = dc.blocks[s] == db.blocks[s] && da.blocks[s] != db.blocks[s];
            if from_b {
                moved += 1;
            }
            // the block comes from one parent (its parameter genes may come from the other
            // when the swapped part is the block itself)
            let blk = dc.blocks[s].block;
            assert!(
                blk == da.blocks[s].block || blk == db.blocks[s].block,
                "slot {s}: block from neither parent"
            );
        }
    }
    assert!(moved > 100, "crossover rarely moves anything ({moved})");
}

#[test]
fn reset_choice_changes_one_active_choice_to_another_alternative() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..200 {
        let g = operators::random_genotype(&lib, &mut rng);
        let mut m = g.clone();
        assert!(operators::reset_choice(&lib, &mut m, &mut rng));
        let diff: Vec<usize> = (0..g.0.len()).filter(|&i| g.0[i] != m.0[i]).collect();
        assert_eq!(diff.len(), 1);
        assert!(choice_genes(&lib).contains(&diff[0]));
        assert!(lib.active_genes(&g).unwrap().contains(&diff[0]));
        assert_eq!(m.0[diff[0]].fract(), 0.0);
    }
    // a grammar with one structure has no choice to reset
    let single = crate::common::parse(&format!(
        "{}compound Root {{\n use FlatPrice\n use ZeroFee\n use NoCap\n}}\nstart Root\n",
        crate::common::HEADER
    ))
    .unwrap();
    let mut g = Genotype(vec![]);
    assert!(!operators::reset_choice(&single, &mut g, &mut rng));
    assert!(
        operators::mutate_until_different(&single, &g, &Default::default(), 10, &mut rng).is_none()
    );
}

#[test]
fn polynomial_mutation_touches_only_active_parameters_and_stays_in_bounds() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut total_change = 0.0;
    for _ in 0..200 {
        let g = operators::random_genotype(&lib, &mut rng);
        let mut m = g.clone();
        let n = operators::polynomial_mutation(&lib, &mut m, 20.0, 1.0, &mut rng);
        let active = lib.active_genes(&g).unwrap();
        let params: Vec<usize> = active
            .iter()
            .copied()
            .filter(|i| !choice_genes(&lib).contains(i))
            .collect();
        assert_eq!(n, params.len());
        for i in 0..g.0.len() {
            if !params.contains(&i) {
                assert_eq!(g.0[i], m.0[i], "gene {i} should not change");
            } else {
                assert!((0.0..=1.0).contains(&m.0[i]));
                total_change += (m.0[i] - g.0[i]).abs();
            }
        }
    }
    assert!(total_change > 0.5);
    // eta controls the spread: large eta gives small steps
    let mut small = 0.0;
    let mut large = 0.0;
    for _ in 0..2000 {
        small += (operators::polynomial_gene(0.5, 100.0, &mut rng) - 0.5).abs();
        large += (operators::polynomial_gene(0.5, 2.0, &mut rng) - 0.5).abs();
    }
    assert!(
        small * 3.0 < large,
        "eta=100 mean step {small} vs eta=2 {large}"
    );
}

#[test]
fn mutate_until_different_always_changes_the_design() {
    for lib in [amm(), mini()] {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..200 {
            let g = operators::random_genotype(&lib, &mut rng);
            let c = operators::mutate_until_different(&lib, &g, &Default::default(), 100, &mut rng)
                .unwrap();
            let (dg, dc) = (lib.decode(&g).unwrap(), lib.decode(&c).unwrap());
            let same_blocks = dg
                .blocks
                .iter()
                .map(|b| b.block)
                .eq(dc.blocks.iter().map(|b| b.block));
            let same_args =
                lib.constructor_args(&dg).unwrap() == lib.constructor_args(&dc).unwrap();
            assert!(!(same_blocks && same_args));
        }
    }
}

#[test]
fn operators_are_deterministic_per_seed() {
    let lib = amm();
    let run = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let a = operators::random_genotype(&lib, &mut rng);
        let b = operators::random_genotype(&lib, &mut rng);
        let (c, _) = operators::crossover_subpart(&lib, &a, &b, &mut rng);
        operators::mutate_until_different(&lib, &c, &Default::default(), 100, &mut rng).unwrap()
    };
    assert_eq!(run(42), run(42));
}

#[test]
fn sbx_mixes_only_shared_active_parameters() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut changed = 0;
    for _ in 0..300 {
        let a = operators::random_genotype(&lib, &mut rng);
        let b = operators::random_genotype(&lib, &mut rng);
        let (c1, c2) = operators::sbx_parameters(&lib, &a, &b, 15.0, 1.0, &mut rng);
        let (aa, ab) = (lib.active_genes(&a).unwrap(), lib.active_genes(&b).unwrap());
        for i in 0..a.0.len() {
            let shared_param =
                aa.contains(&i) && ab.contains(&i) && !choice_genes(&lib).contains(&i);
            if !shared_param {
                assert_eq!(
                    (c1.0[i], c2.0[i]),
                    (a.0[i], b.0[i]),
                    "gene {i} must be copied"
                );
            } else {
                assert!((0.0..=1.0).contains(&c1.0[i]) && (0.0..=1.0).contains(&c2.0[i]));
                // SBX keeps the parents' mean unless a child was clamped at a bound
                let clamped = [c1.0[i], c2.0[i]].iter().any(|x| *x == 0.0 || *x == 1.0);
                if !clamped {
                    assert!(((c1.0[i] + c2.0[i]) - (a.0[i] + b.0[i])).abs() < 1e-12);
                }
                if c1.0[i] != a.0[i] {
                    changed += 1;
                }
            }
        }
    }
    assert!(changed > 50, "SBX changed {changed} genes");
    // identical parents give identical children
    let a = operators::random_genotype(&lib, &mut rng);
    let (c1, c2) = operators::sbx_parameters(&lib, &a, &a, 15.0, 1.0, &mut rng);
    assert_eq!((&c1, &c2), (&a, &a));
}
