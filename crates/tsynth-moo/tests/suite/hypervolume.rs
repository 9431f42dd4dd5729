//! Hypervolume: exact values, invariants, brute-force oracle, contributions.

use proptest::prelude::*;
use tsynth_moo::hypervolume::hypervolume_flat;
use tsynth_moo::problems::TestProblem;
use tsynth_moo::{MooError, hypervolume, hypervolume_contributions};

use crate::common::{brute_hv, sphere_points};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn simple_known_values() {
    assert_eq!(hypervolume(&[vec![0.0, 0.0]], &[1.0, 1.0]).unwrap(), 1.0);
    let v = hypervolume(&[vec![1.0, 2.0], vec![2.0, 1.0]], &[3.0, 3.0]).unwrap();
    assert!(close(v, 3.0, 1e-12), "{v}");
    let v3 = hypervolume(
        &[
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0],
        ],
        &[2.0, 2.0, 2.0],
    )
    .unwrap();
    // Union of three 1×2×2 slabs... = 8 − 1 (the unit cube at (1,1,1)) = 7.
    assert!(close(v3, 7.0, 1e-12), "{v3}");
    assert!(close(
        hypervolume(&[vec![0.5; 4]], &[1.0; 4]).unwrap(),
        0.0625,
        1e-12
    ));
    assert!(close(
        hypervolume(&[vec![0.5], vec![0.2]], &[1.0]).unwrap(),
        0.8,
        1e-12
    ));
    assert_eq!(hypervolume(&[], &[1.0, 1.0]).unwrap(), 0.0);
}

#[test]
fn analytic_fronts_match_reference_values() {
    let cases = [
        ("zdt1", vec![1.1, 1.1], 0.876667, 200_000),
        ("zdt2", vec![1.1, 1.1], 0.543333, 200_000),
        ("zdt3", vec![1.1, 1.1], 1.331760, 200_000),
        ("zdt1", vec![11.0, 11.0], 120.6667, 200_000),
    ];
    for (name, r, expected, n) in cases {
        let front = TestProblem::by_name(name).unwrap().pareto_front(n);
        let hv = hypervolume(&front, &r).unwrap();
        assert!(
            (hv - expected).abs() < 5e-5,
            "{name} {r:?}: {hv} vs {expected}"
        );
    }
}

#[test]
fn dtlz_fronts_match_reference_values() {
    // Lattice samples under-estimate the continuous volume; they converge from below.
    let dtlz1 = TestProblem::by_name("dtlz1").unwrap().pareto_front(20_000);
    let hv1 = hypervolume(&dtlz1, &[1.0, 1.0, 1.0]).unwrap();
    assert!(
        hv1 < 1.0 - 1.0 / 48.0 + 1e-12 && hv1 > 0.979167 - 2e-3,
        "{hv1}"
    );
    let dtlz2 = TestProblem::by_name("dtlz2").unwrap().pareto_front(20_000);
    let hv2 = hypervolume(&dtlz2, &[1.0, 1.0, 1.0]).unwrap();
    let exact = 1.0 - std::f64::consts::PI / 6.0;
    assert!(
        hv2 < exact + 1e-12 && hv2 > exact - 5e-3,
        "{hv2} vs {exact}"
    );
}

#[test]
fn four_and_five_objective_known_values() {
    // A = (0, 0.5, 0.5, 0.5), B = (0.5, 0, 0.5, 0.5), reference 1: each box 1·0.5³ =
    // 0.125, their intersection starts at (0.5, 0.5, 0.5, 0.5): 0.0625; union 0.1875.
    let v = hypervolume(
        &[vec![0.0, 0.5, 0.5, 0.5], vec![0.5, 0.0, 0.5, 0.5]],
        &[1.0; 4],
    )
    .unwrap();
    assert!(close(v, 0.1875, 1e-12), "{v}");
    // The unit simplex corners in 5-D, reference 2: 5·2⁴ − overlaps; compare with brute force.
    let corners: Vec<Vec<f64>> = (0..5)
        .map(|i| (0..5).map(|k| if k == i { 0.0 } else { 1.0 }).collect())
        .collect();
    let r = [2.0; 5];
    assert!(close(
        hypervolume(&corners, &r).unwrap(),
        brute_hv(&corners, &r),
        1e-12
    ));
}

#[test]
fn points_beyond_reference_contribute_nothing() {
    let base = vec![vec![0.2, 0.7], vec![0.6, 0.3]];
    let mut with = base.clone();
    with.push(vec![1.0, 0.0]); // on the reference boundary
    with.push(vec![-1.0, 2.0]); // beyond in one objective
    let r = [1.0, 1.0];
    assert_eq!(
        hypervolume(&base, &r).unwrap(),
        hypervolume(&with, &r).unwrap()
    );
    let c = hypervolume_contributions(&with, &r).unwrap();
    assert_eq!((c[2], c[3]), (0.0, 0.0));
}

#[test]
fn errors_are_typed() {
    assert!(matches!(
        hypervolume(&[vec![0.0, 0.0, 0.0]], &[1.0, 1.0]),
        Err(MooError::DimensionMismatch {
            expected: 2,
            got: 3,
            ..
        })
    ));
    assert!(matches!(
        hypervolume(&[vec![0.0, f64::NAN]], &[1.0, 1.0]),
        Err(MooError::InvalidValue { .. })
    ));
    assert!(matches!(
        hypervolume_flat(&[0.0, 0.0, 0.0], &[1.0, 1.0]),
        Err(MooError::DimensionMismatch { .. })
    ));
}

#[test]
fn ten_thousand_3d_points_match_brute_force_on_a_subset_and_stay_exact() {
    let pts = sphere_points(10_000, 7);
    let r = [1.1, 1.1, 1.1];
    let hv = hypervolume(&pts, &r).unwrap();
    // The volume dominated by the positive unit-sphere patch: 1.331 − (π/6 region) bounds.
    assert!(
        hv > 1.331 - std::f64::consts::PI / 6.0 - 0.01 && hv < 1.331,
        "{hv}"
    );
    let small = &pts[..12];
    let a = hypervolume(small, &r).unwrap();
    assert!(close(a, brute_hv(small, &r), 1e-12));
}

#[test]
fn contributions_2d_known_values() {
    let pts = vec![
        vec![0.0, 2.0],
        vec![1.0, 1.0],
        vec![2.0, 0.0],
        vec![1.5, 1.5],
    ];
    let c = hypervolume_contributions(&pts, &[3.0, 3.0]).unwrap();
    // (1.5, 1.5) is dominated by (1, 1) but still covers a quarter of its exclusive box.
    assert_eq!(c, vec![1.0, 0.75, 1.0, 0.0]);
    let dup = vec![vec![1.0, 1.0], vec![1.0, 1.0], vec![0.0, 2.0]];
    let c = hypervolume_contributions(&dup, &[3.0, 3.0]).unwrap();
    assert_eq!(c, vec![0.0, 0.0, 1.0]);
}

fn points(n: usize, m: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(
        prop::collection::vec(
            prop_oneof![(0u32..10).prop_map(|v| f64::from(v) / 10.0), 0.0f64..1.2],
            m,
        ),
        0..n,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn exact_against_brute_force_2d(pts in points(30, 2)) {
        let r = [1.0, 1.0];
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), brute_hv(&pts, &r), 1e-9));
    }

    #[test]
    fn exact_against_brute_force_3d(pts in points(25, 3)) {
        let r = [1.0, 1.0, 1.0];
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), brute_hv(&pts, &r), 1e-9));
    }

    #[test]
    fn exact_against_brute_force_4d(pts in points(10, 4)) {
        let r = [1.0; 4];
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), brute_hv(&pts, &r), 1e-9));
    }

    #[test]
    fn exact_against_brute_force_5d(pts in points(7, 5)) {
        let r = [1.0; 5];
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), brute_hv(&pts, &r), 1e-9));
    }

    #[test]
    fn exact_against_brute_force_6d(pts in points(6, 6)) {
        let r = [1.0; 6];
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), brute_hv(&pts, &r), 1e-9));
    }

    #[test]
    fn permutation_invariant(pts in points(40, 3), seed in any::<u64>()) {
        let r = [1.0; 3];
        let mut shuffled = pts.clone();
        let n = shuffled.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), hypervolume(&shuffled, &r).unwrap(), 1e-12));
    }

    #[test]
    fn dominated_points_add_nothing(pts in points(30, 3), pick in any::<prop::sample::Index>(), shift in prop::collection::vec(0.0f64..0.3, 3)) {
        prop_assume!(!pts.is_empty());
        let r = [1.0; 3];
        let p = pick.get(&pts);
        let worse: Vec<f64> = p.iter().zip(&shift).map(|(x, d)| x + d).collect();
        let mut more = pts.clone();
        more.push(worse);
        prop_assert!(close(hypervolume(&pts, &r).unwrap(), hypervolume(&more, &r).unwrap(), 1e-12));
    }

    #[test]
    fn monotone_when_a_point_is_added(pts in points(30, 3), extra in prop::collection::vec(0.0f64..1.0, 3)) {
        let r = [1.0; 3];
        let before = hypervolume(&pts, &r).unwrap();
        let mut more = pts.clone();
        more.push(extra);
        prop_assert!(hypervolume(&more, &r).unwrap() >= before - 1e-12);
    }

    #[test]
    fn contributions_are_leave_one_out(pts in points(14, 2), pts3 in points(10, 3)) {
        for (set, r) in [(&pts, vec![1.0, 1.0]), (&pts3, vec![1.0, 1.0, 1.0])] {
            let total = brute_hv(set, &r);
            let c = hypervolume_contributions(set, &r).unwrap();
            for i in 0..set.len() {
                let mut rest = set.clone();
                rest.remove(i);
                prop_assert!(close(c[i], total - brute_hv(&rest, &r), 1e-9), "point {} {:?}", i, c);
            }
        }
    }
}
