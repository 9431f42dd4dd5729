//! The tuning loop on synthetic objectives with known optima: pattern search (plain and
//! constrained), local NSGA-II, constraints on every reported point, determinism across
//! thread counts, finite-difference sensitivity, argument parsing.

use tsynth_search::tune::{
    Bound, ObjectiveBound, Scored, SettingsError, TuneError, TuneFunction, TuneMode, TuneOutcome,
    TuneSettings, Weights, feasible_front, sensitivity, tune,
};

/// A function given by a closure: objectives from genes, violation 0, extra = the genes'
/// sum (so extra data is carried along).
struct Synthetic<F> {
    names: Vec<String>,
    f: F,
}

#[derive(Debug, thiserror::Error)]
#[error("synthetic failure")]
struct Never;

impl<F: Fn(&[f64]) -> Vec<f64> + Sync> TuneFunction for Synthetic<F> {
    type Extra = f64;
    type Error = Never;
    fn objective_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn evaluate(&self, genes: &[f64]) -> Result<Scored<f64>, Never> {
        Ok(Scored {
            objectives: (self.f)(genes),
            violation: 0.0,
            extra: genes.iter().sum(),
        })
    }
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

fn scalar_settings(budget: usize) -> TuneSettings {
    TuneSettings {
        mode: TuneMode::Scalar,
        budget,
        initial_step: 0.2,
        min_step: 1e-4,
        ..TuneSettings::default()
    }
}

#[test]
fn pattern_search_reaches_the_minimum_of_a_quadratic() {
    let target = [0.3, 0.7, 0.55];
    let f = Synthetic {
        names: names(&["loss"]),
        f: move |x: &[f64]| {
            vec![
                1.0 + x
                    .iter()
                    .zip(target)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>(),
            ]
        },
    };
    let mut w = Weights::parse(None, None, &f.objective_names()).unwrap();
    let mut rounds = 0;
    let out = tune(
        &f,
        &[0.5, 0.5, 0.5],
        &[],
        &mut w,
        &scalar_settings(400),
        |_, _| rounds += 1,
    )
    .unwrap();
    let best = &out.points[out.best];
    for (x, t) in best.genes.iter().zip(target) {
        assert!(
            (x - t).abs() < 1e-3,
            "best {:?} vs target {target:?}",
            best.genes
        );
    }
    assert!(out.points.len() <= 400);
    assert_eq!(rounds, out.iterations.len());
    assert_eq!(
        out.points[0].genes,
        vec![0.5, 0.5, 0.5],
        "start point first"
    );
    // indices are evaluation order; the extra data travels with the point
    for (i, p) in out.points.iter().enumerate() {
        assert_eq!(p.index, i);
        assert!((p.extra - p.genes.iter().sum::<f64>()).abs() < 1e-12);
        assert!(p.genes.iter().all(|g| (0.0..=1.0).contains(g)));
    }
}

#[test]
fn pattern_search_stops_at_the_budget() {
    let f = Synthetic {
        names: names(&["loss"]),
        f: |x: &[f64]| vec![x.iter().map(|v| (v - 0.123).abs()).sum()],
    };
    let mut w = Weights::parse(None, None, &f.objective_names()).unwrap();
    let out = tune(&f, &[0.9; 4], &[], &mut w, &scalar_settings(11), |_, _| {}).unwrap();
    assert_eq!(out.points.len(), 11);
    assert_eq!(out.iterations.last().unwrap().total_evaluations, 11);
}

/// Minimise `cost = 1 - x0` subject to `risk = x0² <= 0.36`: the optimum is x0 = 0.6 on the
/// constraint boundary (x1 is irrelevant).
fn constrained_problem() -> Synthetic<impl Fn(&[f64]) -> Vec<f64> + Sync> {
    Synthetic {
        names: names(&["cost", "risk"]),
        f: |x: &[f64]| vec![1.0 - x[0], x[0] * x[0]],
    }
}

#[test]
fn constrained_pattern_search_finds_the_boundary_optimum() {
    let f = constrained_problem();
    let obj = f.objective_names();
    let c = ObjectiveBound::parse("risk<=0.36", &obj).unwrap();
    assert_eq!(c.bound, Bound::AtMost);
    let mut w = Weights::parse(None, Some("cost"), &obj).unwrap();
    let out = tune(
        &f,
        &[0.2, 0.5],
        std::slice::from_ref(&c),
        &mut w,
        &scalar_settings(300),
        |_, _| {},
    )
    .unwrap();
    let best = &out.points[out.best];
    assert!(best.is_feasible());
    assert!(
        (best.genes[0] - 0.6).abs() < 1e-3,
        "best x0 {}",
        best.genes[0]
    );
    assert!(best.objectives[1] <= 0.36 + 1e-12);
    // the search did try infeasible points, and they are marked so
    assert!(out.points.iter().any(|p| !p.is_feasible()));
    for p in &out.points {
        assert_eq!(p.is_feasible(), p.objectives[1] <= 0.36, "{p:?}");
    }
    for &i in &out.front {
        assert!(out.points[i].objectives[1] <= 0.36);
    }
}

#[test]
fn infeasible_start_is_left_for_the_feasible_region() {
    let f = constrained_problem();
    let obj = f.objective_names();
    let c = ObjectiveBound::parse("risk <= 0.09", &obj).unwrap();
    let mut w = Weights::parse(Some("cost=1"), None, &obj).unwrap();
    let out = tune(
        &f,
        &[0.9, 0.1],
        &[c],
        &mut w,
        &scalar_settings(200),
        |_, _| {},
    )
    .unwrap();
    assert!(!out.points[0].is_feasible());
    let best = &out.points[out.best];
    assert!(best.is_feasible());
    assert!(
        (best.genes[0] - 0.3).abs() < 1e-3,
        "best x0 {}",
        best.genes[0]
    );
}

/// Two objectives `f1 = x0`, `f2 = 1 - x0 + 4·x1²`: the Pareto set is x1 = 0.
fn biobjective() -> Synthetic<impl Fn(&[f64]) -> Vec<f64> + Sync> {
    Synthetic {
        names: names(&["f1", "f2"]),
        f: |x: &[f64]| vec![x[0], 1.0 - x[0] + 4.0 * x[1] * x[1]],
    }
}

fn moo_settings(seed: u64) -> TuneSettings {
    TuneSettings {
        mode: TuneMode::Moo,
        budget: 400,
        seed,
        initial_step: 0.15,
        min_step: 0.002,
        shrink: 0.9,
        population: Some(16),
    }
}

fn run_moo(seed: u64, constraints: &[ObjectiveBound]) -> TuneOutcome<f64> {
    let f = biobjective();
    let mut w = Weights::parse(None, None, &f.objective_names()).unwrap();
    tune(
        &f,
        &[0.5, 0.15],
        constraints,
        &mut w,
        &moo_settings(seed),
        |_, _| {},
    )
    .unwrap()
}

#[test]
fn local_nsga2_converges_to_the_pareto_set_and_respects_constraints() {
    let f = biobjective();
    let c = ObjectiveBound::parse("f1>=0.4", &f.objective_names()).unwrap();
    assert_eq!(c.bound, Bound::AtLeast);
    // A statistical property of a 400-evaluation search, so checked on five seeds rather
    // than one (the permutation tournaments of tsynth-moo changed which points one seed
    // happens to visit).
    for seed in 5..=9 {
        let out = run_moo(seed, std::slice::from_ref(&c));
        assert!(out.points.len() <= 400);
        assert!(out.iterations.len() > 10, "several generations");
        assert!(
            out.front.len() >= 5,
            "seed {seed}: a spread front, got {}",
            out.front.len()
        );
        for &i in &out.front {
            let p = &out.points[i];
            assert!(p.is_feasible());
            assert!(p.objectives[0] >= 0.4 - 1e-12, "constraint broken: {p:?}");
            assert!(
                p.genes[1].abs() < 0.1,
                "seed {seed}: far off the Pareto set: {p:?}"
            );
        }
        // most of the front sits close to the Pareto set x1 = 0 (the start had x1 = 0.15)
        let mean_x1 = out
            .front
            .iter()
            .map(|&i| out.points[i].genes[1])
            .sum::<f64>()
            / out.front.len() as f64;
        assert!(
            mean_x1 < 0.02,
            "seed {seed}: mean x1 on the front {mean_x1}"
        );
        // the front spreads along x0 (from the constraint boundary upwards)
        let xs: Vec<f64> = out.front.iter().map(|&i| out.points[i].genes[0]).collect();
        let span = xs.iter().cloned().fold(f64::MIN, f64::max)
            - xs.iter().cloned().fold(f64::MAX, f64::min);
        assert!(span > 0.1, "seed {seed}: front x0 span {span}");
        // the step shrinks generation by generation, bounded below
        let steps: Vec<f64> = out.iterations.iter().map(|it| it.step).collect();
        assert!(steps.windows(2).skip(1).all(|w| w[1] <= w[0]));
        assert!(*steps.last().unwrap() >= 0.002);
        // the front is exactly the non-dominated feasible set of everything evaluated
        assert_eq!(out.front, feasible_front(&out.points));
    }
}

#[test]
fn local_nsga2_is_deterministic_whatever_the_thread_count() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let a = one.install(|| run_moo(3, &[]));
    let b = two.install(|| run_moo(3, &[]));
    assert_eq!(a.points, b.points);
    assert_eq!(a.front, b.front);
    assert_eq!(a.iterations, b.iterations);
    let c = two.install(|| run_moo(4, &[]));
    assert_ne!(a.points, c.points, "another seed gives another run");
}

#[test]
fn sensitivity_is_sorted_by_influence_with_known_values() {
    // f0 = 3·x0 (relative slope 3/1.65 at x0 = 0.5 with h = 0.05), f1 = x1² (slope
    // 1/0.3025 relative to its largest value), f2 = 0 everywhere
    let f = Synthetic {
        names: names(&["a", "b", "zero"]),
        f: |x: &[f64]| vec![3.0 * x[0], x[1] * x[1], 0.0],
    };
    let rows = sensitivity(&f, &[0.5, 0.5, 0.5], &names(&["p0", "p1", "p2"]), 0.05).unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r.param.as_str()).collect();
    assert_eq!(order, ["p1", "p0", "p2"]);
    let r1 = &rows[0];
    assert!((r1.change[1] - 1.0 / 0.3025).abs() < 1e-9, "{r1:?}");
    assert_eq!(r1.change[0], 0.0);
    let r0 = &rows[1];
    assert!((r0.change[0] - 3.0 / 1.65).abs() < 1e-9, "{r0:?}");
    assert_eq!(rows[2].influence, 0.0);
    assert!(rows.iter().all(|r| r.change[2] == 0.0));
    // one-sided at a bound: x0 = 1 probes [0.95, 1]
    let rows = sensitivity(&f, &[1.0, 0.5, 0.5], &names(&["p0", "p1", "p2"]), 0.05).unwrap();
    let r0 = rows.iter().find(|r| r.param == "p0").unwrap();
    assert!((r0.change[0] - 3.0 / 3.0).abs() < 1e-9, "{r0:?}");
    let csv = tsynth_search::tune::sensitivity::to_csv(&rows, &names(&["a", "b", "zero"]));
    assert!(csv.starts_with("param,influence,a,b,zero\n"), "{csv}");
    assert_eq!(csv.lines().count(), 4);
    assert!(sensitivity(&f, &[0.5; 3], &[], 0.0).is_err());
}

#[test]
fn constraint_and_weight_syntax_errors_name_the_problem() {
    let obj = names(&["slippage", "rug_risk"]);
    let e = ObjectiveBound::parse("rug<=0.1", &obj)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown objective `rug`") && e.contains("slippage, rug_risk"),
        "{e}"
    );
    let e = ObjectiveBound::parse("rug_risk=0.1", &obj)
        .unwrap_err()
        .to_string();
    assert!(e.contains("NAME<=VALUE"), "{e}");
    let e = ObjectiveBound::parse("rug_risk<=abc", &obj)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`abc` is not a number"), "{e}");
    let e = Weights::parse(Some("slippage=1,foo=2"), None, &obj)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown objective `foo`"), "{e}");
    let e = Weights::parse(Some("slippage=-1"), None, &obj)
        .unwrap_err()
        .to_string();
    assert!(e.contains(">= 0"), "{e}");
    assert!(Weights::parse(Some("slippage=0"), None, &obj).is_err());
    let w = Weights::parse(Some("slippage=1, rug_risk=10"), None, &obj).unwrap();
    assert_eq!(w.weights, vec![1.0, 10.0]);
    // default: every objective but complexity
    let w = Weights::parse(None, None, &names(&["a", "complexity"])).unwrap();
    assert_eq!(w.weights, vec![1.0, 0.0]);
    // normalised by the start point: equal relative improvements weigh the same
    let mut w = Weights::parse(None, None, &names(&["a", "b"])).unwrap();
    w.normalise_by(&[10.0, 0.001]);
    assert!((w.scalar(&[5.0, 0.0005]) - 1.0).abs() < 1e-12);
    let c = ObjectiveBound::parse("rug_risk<=0.01", &obj).unwrap();
    assert!((c.violation(&[0.0, 0.03]) - 0.02).abs() < 1e-15);
    assert_eq!(c.violation(&[0.0, 0.005]), 0.0);
    assert_eq!(c.violation(&[0.0, f64::NAN]), f64::INFINITY);
}

#[test]
fn bad_settings_are_errors_not_panics() {
    let f = constrained_problem();
    let mut w = Weights::parse(None, None, &f.objective_names()).unwrap();
    let err = |s: TuneSettings, start: &[f64]| -> TuneError {
        let mut w = w.clone();
        tune(&f, start, &[], &mut w, &s, |_, _| {}).unwrap_err()
    };
    assert!(matches!(
        err(scalar_settings(1), &[0.5, 0.5]),
        TuneError::Settings(SettingsError::Budget(1))
    ));
    assert!(matches!(
        err(scalar_settings(10), &[]),
        TuneError::NothingToTune
    ));
    assert!(matches!(
        err(scalar_settings(10), &[1.5, 0.5]),
        TuneError::Settings(SettingsError::StartGenes)
    ));
    let s = TuneSettings {
        initial_step: 0.0,
        ..scalar_settings(10)
    };
    let e = err(s, &[0.5, 0.5]);
    assert!(
        matches!(e, TuneError::Settings(SettingsError::InitialStep(x)) if x == 0.0),
        "{e:?}"
    );
    // the typed cause is the error's source, with its own message
    let cause = std::error::Error::source(&e).expect("a source");
    assert_eq!(cause.to_string(), "initial step must be in (0, 1], got 0");
    let s = TuneSettings {
        population: Some(1),
        ..scalar_settings(10)
    };
    assert!(matches!(
        err(s, &[0.5, 0.5]),
        TuneError::Settings(SettingsError::Population(1))
    ));
    // a tiny budget in moo mode still runs one generation within the budget
    let s = TuneSettings {
        mode: TuneMode::Moo,
        budget: 5,
        ..TuneSettings::default()
    };
    let out = tune(&f, &[0.5, 0.5], &[], &mut w, &s, |_, _| {}).unwrap();
    assert!(out.points.len() <= 5, "{}", out.points.len());
    assert!(out.points.len() >= 3);
}

/// A function that fails at one point, with its own error type.
struct FailsAtHalf;

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("no value at gene {0}")]
struct NoValue(f64);

impl TuneFunction for FailsAtHalf {
    type Extra = ();
    type Error = NoValue;
    fn objective_names(&self) -> Vec<String> {
        names(&["f"])
    }
    fn evaluate(&self, genes: &[f64]) -> Result<Scored<()>, NoValue> {
        if genes[0] == 0.5 {
            return Err(NoValue(genes[0]));
        }
        Ok(Scored {
            objectives: vec![genes[0]],
            violation: 0.0,
            extra: (),
        })
    }
}

#[test]
fn an_evaluation_error_keeps_the_functions_own_error_as_its_source() {
    let mut w = Weights::parse(None, None, &names(&["f"])).unwrap();
    for mode in [TuneMode::Scalar, TuneMode::Moo] {
        let s = TuneSettings {
            mode,
            ..scalar_settings(10)
        };
        let e = tune(&FailsAtHalf, &[0.5], &[], &mut w, &s, |_, _| {}).unwrap_err();
        let TuneError::Evaluation(source) = &e else {
            panic!("{mode:?}: {e:?}");
        };
        assert_eq!(source.downcast_ref::<NoValue>(), Some(&NoValue(0.5)));
        assert_eq!(e.to_string(), "evaluation failed");
    }
    // during the sensitivity table as well (the probes of 0.4 hit 0.5)
    let e = sensitivity(&FailsAtHalf, &[0.4], &names(&["x"]), 0.1).unwrap_err();
    let src = std::error::Error::source(&e).expect("a source");
    assert!(src.downcast_ref::<NoValue>().is_some(), "{e:?}");
    // and a bad step is a typed settings error
    assert!(matches!(
        sensitivity(&FailsAtHalf, &[0.4], &names(&["x"]), 0.7),
        Err(TuneError::Settings(SettingsError::FdStep(h))) if h == 0.7
    ));
}
