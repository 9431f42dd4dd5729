//! Pareto and Deb's constrained dominance.

use tsynth_moo::Dominance;
use tsynth_moo::dominance::{constrained, dominates, pareto, weakly_dominates};

#[test]
fn pareto_relation() {
    assert_eq!(pareto(&[1.0, 2.0], &[2.0, 2.0]), Dominance::First);
    assert_eq!(pareto(&[2.0, 2.0], &[1.0, 2.0]), Dominance::Second);
    assert_eq!(pareto(&[1.0, 3.0], &[2.0, 2.0]), Dominance::Neither);
    assert_eq!(pareto(&[1.0, 1.0], &[1.0, 1.0]), Dominance::Neither);
    assert!(dominates(&[0.0, 0.0, 0.0], &[0.0, 0.0, 1.0]));
    assert!(!dominates(&[0.0, 0.0], &[0.0, 0.0]));
    assert!(weakly_dominates(&[0.0, 0.0], &[0.0, 0.0]));
}

#[test]
fn feasible_beats_infeasible_whatever_the_objectives() {
    assert_eq!(
        constrained(&[100.0, 100.0], 0.0, &[0.0, 0.0], 0.1),
        Dominance::First
    );
    assert_eq!(
        constrained(&[0.0, 0.0], 1e-9, &[100.0, 100.0], 0.0),
        Dominance::Second
    );
}

#[test]
fn infeasible_compare_by_total_violation_only() {
    assert_eq!(
        constrained(&[9.0, 9.0], 1.0, &[0.0, 0.0], 2.0),
        Dominance::First
    );
    assert_eq!(
        constrained(&[0.0, 0.0], 3.0, &[9.0, 9.0], 2.0),
        Dominance::Second
    );
    assert_eq!(
        constrained(&[0.0, 0.0], 2.0, &[9.0, 9.0], 2.0),
        Dominance::Neither
    );
}

#[test]
fn feasible_pair_uses_pareto() {
    assert_eq!(
        constrained(&[1.0, 1.0], 0.0, &[2.0, 2.0], 0.0),
        Dominance::First
    );
    assert_eq!(
        constrained(&[1.0, 3.0], 0.0, &[2.0, 2.0], 0.0),
        Dominance::Neither
    );
}
