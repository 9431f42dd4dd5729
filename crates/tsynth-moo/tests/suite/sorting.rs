//! Non-dominated sorting against a brute-force oracle, including edge cases.

use proptest::prelude::*;
use tsynth_moo::sorting::{NonDominatedSorter, constrained_non_dominated_sort};
use tsynth_moo::{Dominance, dominance, non_dominated_sort};

use crate::common::{brute_fronts, brute_fronts_by};

fn sorted(mut fronts: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    for f in &mut fronts {
        f.sort_unstable();
    }
    fronts
}

#[test]
fn empty_set_has_no_fronts() {
    assert!(non_dominated_sort(&[]).is_empty());
}

#[test]
fn one_point_is_one_front() {
    assert_eq!(non_dominated_sort(&[vec![1.0, 2.0]]), vec![vec![0]]);
}

#[test]
fn identical_points_share_the_first_front() {
    let pts = vec![vec![0.5, 0.5]; 4];
    assert_eq!(non_dominated_sort(&pts), vec![vec![0, 1, 2, 3]]);
}

#[test]
fn all_non_dominated_is_one_front() {
    let pts: Vec<Vec<f64>> = (0..10).map(|i| vec![i as f64, 9.0 - i as f64]).collect();
    assert_eq!(non_dominated_sort(&pts), vec![(0..10).collect::<Vec<_>>()]);
}

#[test]
fn a_chain_gives_one_front_per_point() {
    // Listed worst first, so the order of fronts is the reverse of the input order.
    let pts: Vec<Vec<f64>> = (0..6)
        .rev()
        .map(|i| vec![i as f64, i as f64, i as f64])
        .collect();
    let fronts = non_dominated_sort(&pts);
    assert_eq!(fronts, (0..6).rev().map(|i| vec![i]).collect::<Vec<_>>());
}

#[test]
fn duplicates_land_in_the_same_front() {
    let pts = vec![
        vec![1.0, 1.0],
        vec![2.0, 2.0],
        vec![1.0, 1.0],
        vec![2.0, 2.0],
        vec![0.0, 3.0],
    ];
    assert_eq!(non_dominated_sort(&pts), vec![vec![0, 2, 4], vec![1, 3]]);
}

#[test]
fn sorter_reuse_gives_same_answer() {
    let a: Vec<f64> = vec![1.0, 2.0, 2.0, 1.0, 3.0, 3.0];
    let b: Vec<f64> = vec![0.0, 0.0, 1.0, 1.0];
    let mut s = NonDominatedSorter::new();
    let mut fronts = tsynth_moo::sorting::Fronts::new();
    let mut ranks = Vec::new();
    s.sort(&a, 2, None, &mut fronts, Some(&mut ranks));
    assert_eq!(fronts.to_vecs(), vec![vec![0, 1], vec![2]]);
    assert_eq!(ranks, vec![0, 0, 1]);
    s.sort(&b, 2, None, &mut fronts, Some(&mut ranks));
    assert_eq!(fronts.to_vecs(), vec![vec![0], vec![1]]);
    assert_eq!(ranks, vec![0, 1]);
    s.sort(&a, 2, None, &mut fronts, None);
    assert_eq!(fronts.to_vecs(), vec![vec![0, 1], vec![2]]);
}

#[test]
fn constrained_sort_puts_feasible_first_and_orders_infeasible_by_violation() {
    let pts = vec![
        vec![0.0, 0.0],   // infeasible, violation 2
        vec![5.0, 5.0],   // feasible but dominated by 3
        vec![0.0, 0.0],   // infeasible, violation 1
        vec![4.0, 4.0],   // feasible
        vec![9.0, 0.5],   // feasible, non-dominated
        vec![-1.0, -1.0], // infeasible, violation 1 (ties with 2 despite better objectives)
    ];
    let v = [2.0, 0.0, 1.0, 0.0, 0.0, 1.0];
    let fronts = constrained_non_dominated_sort(&pts, &v);
    assert_eq!(fronts, vec![vec![3, 4], vec![1], vec![2, 5], vec![0]]);
}

fn random_points(n: usize, m: usize, grid: u32) -> impl Strategy<Value = Vec<Vec<f64>>> {
    // Integer grid values create many ties and duplicates.
    prop::collection::vec(
        prop::collection::vec((0..grid).prop_map(f64::from), m),
        0..n,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn matches_brute_force_2d(pts in random_points(60, 2, 12)) {
        prop_assert_eq!(sorted(non_dominated_sort(&pts)), brute_fronts(&pts));
    }

    #[test]
    fn matches_brute_force_3d(pts in random_points(60, 3, 8)) {
        prop_assert_eq!(sorted(non_dominated_sort(&pts)), brute_fronts(&pts));
    }

    #[test]
    fn matches_brute_force_5d(pts in random_points(50, 5, 5)) {
        prop_assert_eq!(sorted(non_dominated_sort(&pts)), brute_fronts(&pts));
    }

    #[test]
    fn constrained_matches_brute_force_2d(
        pts in random_points(60, 2, 8),
        viol in prop::collection::vec(prop_oneof![Just(0.0), (1u32..4).prop_map(f64::from)], 60),
    ) {
        let v = &viol[..pts.len()];
        let oracle = brute_fronts_by(pts.len(), |i, j| {
            dominance::constrained(&pts[i], v[i], &pts[j], v[j]) == Dominance::First
        });
        prop_assert_eq!(sorted(constrained_non_dominated_sort(&pts, v)), oracle);
    }

    #[test]
    fn ranks_agree_with_fronts_2d_and_3d(pts2 in random_points(50, 2, 10), pts3 in random_points(50, 3, 6)) {
        for (pts, m) in [(&pts2, 2), (&pts3, 3)] {
            let flat: Vec<f64> = pts.iter().flatten().copied().collect();
            let mut fronts = tsynth_moo::sorting::Fronts::new();
            let mut ranks = Vec::new();
            NonDominatedSorter::new().sort(&flat, m, None, &mut fronts, Some(&mut ranks));
            for (k, front) in fronts.iter().enumerate() {
                prop_assert!(front.windows(2).all(|w| w[0] < w[1]));
                for &i in front {
                    prop_assert_eq!(ranks[i as usize], k as u32);
                }
            }
        }
    }

    #[test]
    fn constrained_matches_brute_force(
        pts in random_points(40, 3, 6),
        viol in prop::collection::vec(prop_oneof![Just(0.0), (1u32..4).prop_map(f64::from)], 40),
    ) {
        let v = &viol[..pts.len()];
        let oracle = brute_fronts_by(pts.len(), |i, j| {
            dominance::constrained(&pts[i], v[i], &pts[j], v[j]) == Dominance::First
        });
        prop_assert_eq!(sorted(constrained_non_dominated_sort(&pts, v)), oracle);
    }
}

#[test]
fn negative_zero_equals_zero_in_many_objectives() {
    // Lexicographically by bits -0 < +0, but (+0, 0.5, 1) dominates (-0, 1, 1).
    let pts = vec![vec![-0.0, 1.0, 1.0], vec![0.0, 0.5, 1.0]];
    assert_eq!(non_dominated_sort(&pts), vec![vec![1], vec![0]]);
}
