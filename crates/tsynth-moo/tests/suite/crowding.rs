//! Crowding distance values (pymoo's conventions).

use tsynth_moo::crowding_distance;

#[test]
fn duplicate_gets_zero_and_middle_gets_one() {
    let d = crowding_distance(&[
        vec![1.0, 1.0],
        vec![1.0, 1.0],
        vec![0.5, 1.5],
        vec![0.0, 2.0],
    ]);
    assert_eq!(d[0], f64::INFINITY);
    assert_eq!(d[1], 0.0);
    assert!((d[2] - 1.0).abs() < 1e-12, "{d:?}");
    assert_eq!(d[3], f64::INFINITY);
}

#[test]
fn scale_invariant() {
    let d = crowding_distance(&[vec![0.0, 0.0], vec![0.5, 50.0], vec![1.0, 100.0]]);
    assert_eq!(d[0], f64::INFINITY);
    assert!((d[1] - 1.0).abs() < 1e-12, "{d:?}");
    assert_eq!(d[2], f64::INFINITY);
}

#[test]
fn zero_range_objective_contributes_nothing() {
    // Objective 2 is constant: only objective 1 counts, divided by two objectives.
    let d = crowding_distance(&[
        vec![0.0, 5.0],
        vec![0.25, 5.0],
        vec![0.75, 5.0],
        vec![1.0, 5.0],
    ]);
    assert_eq!(d[0], f64::INFINITY);
    assert_eq!(d[3], f64::INFINITY);
    assert!((d[1] - 0.75 / 2.0).abs() < 1e-12, "{d:?}");
    assert!((d[2] - 0.75 / 2.0).abs() < 1e-12, "{d:?}");
}

#[test]
fn small_fronts_are_all_infinite() {
    assert!(crowding_distance(&[]).is_empty());
    assert_eq!(crowding_distance(&[vec![1.0, 2.0]]), vec![f64::INFINITY]);
    assert_eq!(
        crowding_distance(&[vec![1.0, 2.0], vec![2.0, 1.0]]),
        vec![f64::INFINITY; 2]
    );
}

#[test]
fn uneven_spacing_values() {
    // x: 0, 0.1, 0.6, 1 ; y: 1, 0.8, 0.3, 0 — middle points: ((0.6-0)+(1-0.3))/2 etc.
    let d = crowding_distance(&[
        vec![0.0, 1.0],
        vec![0.1, 0.8],
        vec![0.6, 0.3],
        vec![1.0, 0.0],
    ]);
    assert!((d[1] - (0.6 + 0.7) / 2.0).abs() < 1e-12, "{d:?}");
    assert!((d[2] - (0.9 + 0.8) / 2.0).abs() < 1e-12, "{d:?}");
}
