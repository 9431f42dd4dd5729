//! Pareto archive: non-dominated, duplicate-free, constrained, capped by crowding.

use proptest::prelude::*;
use tsynth_moo::{Archive, Individual};

use crate::common::brute_fronts;

fn ind(id: u64, f: Vec<f64>, violation: f64) -> Individual<u64, ()> {
    Individual {
        id,
        genotype: id,
        objectives: f,
        violation,
        extra: None,
        age: 0,
        born: 0,
        invalid: None,
        tier: 0,
    }
}

fn expected_front(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let fronts = brute_fronts(points);
    let mut first: Vec<Vec<f64>> = fronts
        .first()
        .map(|f| f.iter().map(|&i| points[i].clone()).collect())
        .unwrap_or_default();
    first.sort_by(|a, b| a.partial_cmp(b).unwrap());
    first.dedup();
    first
}

fn archive_of(points: &[Vec<f64>]) -> Archive<u64, ()> {
    let inds: Vec<_> = points
        .iter()
        .enumerate()
        .map(|(i, p)| ind(i as u64, p.clone(), 0.0))
        .collect();
    let mut a = Archive::new(None);
    a.extend(inds.iter());
    a
}

#[test]
fn duplicates_are_removed_and_first_copy_kept() {
    let a = archive_of(&[
        vec![1.0, 1.0],
        vec![1.0, 1.0],
        vec![0.0, 2.0],
        vec![0.0, 2.0],
    ]);
    let ids: Vec<u64> = a.members().iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![2, 0]); // sorted by the first objective
}

#[test]
fn infeasible_members_give_way() {
    let mut a: Archive<u64, ()> = Archive::new(None);
    assert!(a.offer(&ind(0, vec![0.0, 0.0], 3.0)));
    assert!(!a.offer(&ind(1, vec![-1.0, -1.0], 4.0)), "larger violation");
    assert!(
        a.offer(&ind(2, vec![5.0, 5.0], 1.0)),
        "smaller violation replaces"
    );
    assert_eq!(a.len(), 1);
    assert!(
        a.offer(&ind(3, vec![4.0, 6.0], 1.0)),
        "equal violation, non-dominated"
    );
    assert_eq!(a.len(), 2);
    assert!(!a.is_feasible());
    assert!(
        a.offer(&ind(4, vec![9.0, 9.0], 0.0)),
        "first feasible replaces all"
    );
    assert_eq!(a.len(), 1);
    assert!(a.is_feasible());
    assert!(
        !a.offer(&ind(5, vec![-9.0, -9.0], 0.5)),
        "infeasible never enters"
    );
}

#[test]
fn survives_a_serde_round_trip_and_keeps_working() {
    let pts: Vec<Vec<f64>> = (0..30)
        .map(|i| {
            let a = i as f64 / 29.0;
            vec![a, 1.0 - a, 0.5 + 0.25 * (a * 7.0).sin()]
        })
        .collect();
    let a = archive_of(&pts);
    let json = serde_json::to_string(&a).unwrap();
    let mut b: Archive<u64, ()> = serde_json::from_str(&json).unwrap();
    assert_eq!(b.objectives(), a.objectives());
    // A point dominating everything must replace every member after the round trip.
    assert!(b.offer(&ind(99, vec![-1.0, -1.0, -1.0], 0.0)));
    assert_eq!(b.len(), 1);
    assert!(
        !b.offer(&ind(100, vec![0.0, 0.0], 0.0)),
        "wrong dimension is refused"
    );
}

#[test]
fn cap_prunes_most_crowded_and_keeps_extremes() {
    let pts: Vec<Vec<f64>> = (0..200)
        .map(|i| {
            let x = (i as f64 / 199.0).powi(3); // dense near 0
            vec![x, 1.0 - x.sqrt()]
        })
        .collect();
    let inds: Vec<_> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| ind(i as u64, p.clone(), 0.0))
        .collect();
    let mut a = Archive::new(Some(20));
    a.extend(inds.iter());
    assert_eq!(a.len(), 20);
    let xs: Vec<f64> = a.members().iter().map(|m| m.objectives[0]).collect();
    assert_eq!(xs[0], 0.0);
    assert_eq!(*xs.last().unwrap(), 1.0);
    // Without pruning by crowding, 19 of 20 kept points would lie below x = 0.9^3.
    let gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    let max_gap = gaps.iter().copied().fold(0.0, f64::max);
    assert!(max_gap < 0.2, "pruning left a hole: {gaps:?}");
}

fn grid_points(n: usize, m: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(
        prop::collection::vec((0u32..15).prop_map(f64::from), m),
        0..n,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn equals_first_front_2d(pts in grid_points(80, 2)) {
        let a = archive_of(&pts);
        let mut got = a.objectives();
        let xs: Vec<f64> = got.iter().map(|p| p[0]).collect();
        prop_assert!(xs.windows(2).all(|w| w[0] < w[1]), "2-D archive sorted by f1");
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        prop_assert_eq!(got, expected_front(&pts));
    }

    #[test]
    fn equals_first_front_3d(pts in grid_points(80, 3)) {
        let mut got = archive_of(&pts).objectives();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        prop_assert_eq!(got, expected_front(&pts));
    }
}
