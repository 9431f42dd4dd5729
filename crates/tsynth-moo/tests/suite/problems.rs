//! Test problems: objective values on the optimal set, names, fronts.

use tsynth_moo::RealFunction;
use tsynth_moo::problems::{Dtlz, DtlzKind, TestProblem, Zdt, ZdtKind, das_dennis};

#[test]
fn zdt_optimal_set_lies_on_the_analytic_front() {
    for (kind, f) in [
        (ZdtKind::Zdt1, (|x: f64| 1.0 - x.sqrt()) as fn(f64) -> f64),
        (ZdtKind::Zdt2, |x: f64| 1.0 - x * x),
        (ZdtKind::Zdt4, |x: f64| 1.0 - x.sqrt()),
    ] {
        let p = Zdt::standard(kind);
        for x1 in [0.0, 0.25, 0.64, 1.0] {
            let mut x = vec![0.0; p.num_variables()];
            x[0] = x1;
            let o = p.objectives(&x);
            assert!(
                (o[0] - x1).abs() < 1e-12 && (o[1] - f(x1)).abs() < 1e-12,
                "{kind:?} {o:?}"
            );
        }
    }
    let z3 = Zdt::standard(ZdtKind::Zdt3);
    let mut x = vec![0.0; 30];
    x[0] = 0.1;
    let o = z3.objectives(&x);
    let expect = 1.0 - 0.1f64.sqrt() - 0.1 * (std::f64::consts::PI).sin();
    assert!((o[1] - expect).abs() < 1e-12);
    let z6 = Zdt::standard(ZdtKind::Zdt6);
    let mut x = vec![0.0; 10];
    x[0] = 0.3;
    let o = z6.objectives(&x);
    assert!((o[1] - (1.0 - o[0] * o[0])).abs() < 1e-12);
    // A non-optimal tail is worse.
    let mut y = x.clone();
    y[5] = 0.5;
    assert!(z6.objectives(&y)[1] > o[1]);
}

#[test]
fn zdt_bounds_and_sizes() {
    let z4 = Zdt::standard(ZdtKind::Zdt4);
    assert_eq!(z4.num_variables(), 10);
    assert_eq!((z4.lower()[0], z4.upper()[0]), (0.0, 1.0));
    assert_eq!((z4.lower()[1], z4.upper()[1]), (-5.0, 5.0));
    assert_eq!(Zdt::standard(ZdtKind::Zdt1).num_variables(), 30);
    let f6 = Zdt::standard(ZdtKind::Zdt6).pareto_front(50);
    assert!((f6[0][0] - 0.2807753191).abs() < 1e-9);
}

#[test]
fn dtlz_optimal_set_lies_on_the_analytic_front() {
    let d1 = Dtlz::standard(DtlzKind::Dtlz1, 3);
    let d2 = Dtlz::standard(DtlzKind::Dtlz2, 3);
    assert_eq!((d1.num_variables(), d2.num_variables()), (7, 12));
    for (a, b) in [(0.1, 0.9), (0.5, 0.5), (1.0, 0.0)] {
        let mut x = vec![0.5; 7];
        x[0] = a;
        x[1] = b;
        let s: f64 = d1.objectives(&x).iter().sum();
        assert!((s - 0.5).abs() < 1e-9, "{s}");
        let mut x = vec![0.5; 12];
        x[0] = a;
        x[1] = b;
        let r: f64 = d2.objectives(&x).iter().map(|v| v * v).sum();
        assert!((r - 1.0).abs() < 1e-12, "{r}");
    }
    let mut off = vec![0.5; 7];
    off[6] = 0.9;
    assert!(d1.objectives(&off).iter().sum::<f64>() > 1.0);
}

#[test]
fn das_dennis_lattice() {
    let w = das_dennis(3, 4);
    assert_eq!(w.len(), 15);
    assert!(
        w.iter()
            .all(|p| (p.iter().sum::<f64>() - 1.0).abs() < 1e-12)
    );
    let front = Dtlz::standard(DtlzKind::Dtlz2, 3).pareto_front(100);
    assert_eq!(front.len(), 91); // 12 divisions: C(14, 2)
}

#[test]
fn by_name() {
    for name in TestProblem::NAMES {
        assert!(TestProblem::by_name(name).is_some(), "{name}");
    }
    assert!(TestProblem::by_name("ZDT1").is_some());
    assert!(TestProblem::by_name("zdt5").is_none());
}

#[test]
fn constrained_problems_by_hand() {
    use tsynth_moo::RealFunction;
    use tsynth_moo::problems::{Cdtlz, CdtlzKind, Osy};
    // OSY's known extreme (−274, 76) at x = (5, 1, 5, 0, 5, 0), on four constraint
    // boundaries.
    let osy = Osy::new();
    let x = [5.0, 1.0, 5.0, 0.0, 5.0, 0.0];
    assert_eq!(osy.objectives(&x), vec![-274.0, 76.0]);
    assert_eq!(osy.violation(&x), 0.0);
    // x1 + x2 = 1 < 2 violates g1 by (2 − 1) / 2.
    assert_eq!(osy.violation(&[0.5, 0.5, 3.0, 0.0, 1.0, 0.0]), 0.5);

    // C1-DTLZ1 (3 objectives, 12 variables): on the front (distance variables 0.5)
    // f = (0, 0, 0.5) has c = 1 − 0.5/0.6 > 0; the linear constraint is violated as
    // soon as g grows.
    let c1 = Cdtlz::standard(CdtlzKind::C1Dtlz1, 3);
    assert_eq!(c1.num_variables(), 12);
    let mut x = vec![0.5; 12];
    x[0] = 0.0;
    let f = c1.objectives(&x);
    assert!((f[2] - 0.5).abs() < 1e-12 && f[0].abs() < 1e-12);
    assert_eq!(c1.violation(&x), 0.0);
    x[5] = 0.9;
    assert!(c1.violation(&x) > 1.0);

    // C2-DTLZ2: the centre of the front is feasible, a point between a corner and the
    // centre is not.
    let c2 = Cdtlz::standard(CdtlzKind::C2Dtlz2, 3);
    let a = 1.0 / 3f64.sqrt();
    assert!(c2.constraint(&[a, a, a]) < 0.0);
    assert!(c2.constraint(&[0.0, 0.0, 1.0]) < 0.0);
    assert!(c2.constraint(&[0.0, 0.6, 0.8]) > 0.0);
    assert!(TestProblem::by_name("dtlz2-8").is_some_and(|p| p.num_objectives() == 8));
    assert!(TestProblem::by_name("c1dtlz1-3").is_some());
    assert!(TestProblem::by_name("zdt1-3").is_none());
}
