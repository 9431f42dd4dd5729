//! IGD and IGD+.

use tsynth_moo::problems::TestProblem;
use tsynth_moo::{MooError, igd, igd_plus};

#[test]
fn zero_on_the_reference_itself() {
    let front = TestProblem::by_name("zdt1").unwrap().pareto_front(100);
    assert_eq!(igd(&front, &front).unwrap(), 0.0);
    assert_eq!(igd_plus(&front, &front).unwrap(), 0.0);
}

#[test]
fn known_values() {
    let reference = vec![vec![0.0, 1.0], vec![1.0, 0.0]];
    let approx = vec![vec![0.0, 2.0]];
    // Distances: to (0,1) = 1; to (1,0) = sqrt(1 + 4).
    let expected = (1.0 + 5f64.sqrt()) / 2.0;
    assert!((igd(&approx, &reference).unwrap() - expected).abs() < 1e-12);
    // d+: to (0,1): max(0,0), max(1,0) → 1; to (1,0): max(-1,0)=0, max(2,0)=2 → 2.
    assert!((igd_plus(&approx, &reference).unwrap() - 1.5).abs() < 1e-12);
}

#[test]
fn igd_plus_ignores_being_better() {
    let reference = vec![vec![1.0, 1.0]];
    let better = vec![vec![0.5, 0.0]];
    assert_eq!(igd_plus(&better, &reference).unwrap(), 0.0);
    assert!(igd(&better, &reference).unwrap() > 1.0);
}

#[test]
fn errors_are_typed() {
    assert!(matches!(
        igd(&[], &[vec![0.0]]),
        Err(MooError::InvalidConfig(_))
    ));
    assert!(matches!(
        igd(&[vec![0.0, 1.0, 2.0]], &[vec![0.0, 1.0]]),
        Err(MooError::DimensionMismatch { .. })
    ));
}
