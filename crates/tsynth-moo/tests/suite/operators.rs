//! SBX, polynomial mutation and Gaussian mutation.

use rand::SeedableRng;
use tsynth_moo::{GaussianMutation, MooRng, PolynomialMutation, Sbx};

#[test]
fn defaults_are_pymoos() {
    let s = Sbx::default();
    assert_eq!((s.eta, s.probability), (15.0, 0.9));
    let p = PolynomialMutation::default();
    assert_eq!((p.eta, p.variable_probability), (20.0, None));
    let g = GaussianMutation::default();
    assert_eq!((g.sigma, g.one_variable_probability), (0.05, 0.5));
}

#[test]
fn sbx_preserves_the_mean_away_from_bounds_and_stays_in_bounds() {
    let mut rng = MooRng::seed_from_u64(1);
    let lo = vec![-100.0; 10];
    let hi = vec![100.0; 10];
    let sbx = Sbx {
        probability: 1.0,
        variable_probability: 1.0,
        ..Sbx::default()
    };
    let mut changed = 0;
    for _ in 0..200 {
        let p1: Vec<f64> = (0..10).map(|i| i as f64 * 0.1).collect();
        let p2: Vec<f64> = (0..10).map(|i| 1.0 - i as f64 * 0.05).collect();
        let (mut c1, mut c2) = (p1.clone(), p2.clone());
        assert!(sbx.apply(&mut c1, &mut c2, &lo, &hi, &mut rng));
        for i in 0..10 {
            let before = p1[i] + p2[i];
            let after = c1[i] + c2[i];
            assert!(
                (before - after).abs() < 1e-9,
                "SBX mean moved: {before} vs {after}"
            );
            if c1[i] != p1[i] && c1[i] != p2[i] {
                changed += 1;
            }
        }
    }
    assert!(changed > 1000, "SBX barely changed anything: {changed}");

    let (lo, hi) = (vec![0.0; 5], vec![1.0; 5]);
    for _ in 0..500 {
        let (mut c1, mut c2) = (
            vec![0.0, 1.0, 0.01, 0.99, 0.5],
            vec![1.0, 0.0, 0.02, 0.98, 0.5],
        );
        sbx.apply(&mut c1, &mut c2, &lo, &hi, &mut rng);
        assert!(c1.iter().chain(&c2).all(|v| (0.0..=1.0).contains(v)));
    }
}

#[test]
fn sbx_probability_zero_changes_nothing() {
    let mut rng = MooRng::seed_from_u64(2);
    let sbx = Sbx {
        probability: 0.0,
        ..Sbx::default()
    };
    let (mut c1, mut c2) = (vec![0.2, 0.3], vec![0.7, 0.9]);
    assert!(!sbx.apply(&mut c1, &mut c2, &[0.0, 0.0], &[1.0, 1.0], &mut rng));
    assert_eq!((c1, c2), (vec![0.2, 0.3], vec![0.7, 0.9]));
}

#[test]
fn polynomial_mutation_rate_is_one_over_n_and_bounded() {
    let mut rng = MooRng::seed_from_u64(3);
    let pm = PolynomialMutation::default();
    let (lo, hi) = (vec![0.0; 30], vec![1.0; 30]);
    let trials = 4000;
    let mut total = 0;
    for t in 0..trials {
        let mut x: Vec<f64> = (0..30).map(|i| ((i + t) % 3 + 1) as f64 / 4.0).collect();
        total += pm.apply(&mut x, &lo, &hi, &mut rng);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    // 1/n per variable, and only 90% of genotypes are mutated at all (pymoo's PM).
    let mean = total as f64 / trials as f64;
    assert!((mean - 0.9).abs() < 0.08, "mean mutated variables {mean}");
    let always = PolynomialMutation {
        probability: 1.0,
        ..PolynomialMutation::default()
    };
    let mut total = 0;
    for _ in 0..trials {
        let mut x = vec![0.5; 30];
        total += always.apply(&mut x, &lo, &hi, &mut rng);
    }
    let mean = total as f64 / trials as f64;
    assert!((mean - 1.0).abs() < 0.08, "mean mutated variables {mean}");
}

#[test]
fn polynomial_mutation_larger_eta_means_smaller_steps() {
    let mut rng = MooRng::seed_from_u64(4);
    let step = |eta: f64, rng: &mut MooRng| {
        let pm = PolynomialMutation {
            eta,
            variable_probability: Some(1.0),
            probability: 1.0,
        };
        let mut sum = 0.0;
        for _ in 0..2000 {
            let mut x = vec![0.5];
            pm.apply(&mut x, &[0.0], &[1.0], rng);
            sum += (x[0] - 0.5).abs();
        }
        sum / 2000.0
    };
    let wide = step(2.0, &mut rng);
    let narrow = step(100.0, &mut rng);
    assert!(
        narrow < wide / 3.0,
        "eta 100 step {narrow} vs eta 2 step {wide}"
    );
}

#[test]
fn gaussian_mutation_stays_in_unit_box() {
    let mut rng = MooRng::seed_from_u64(5);
    let g = GaussianMutation {
        one_variable_probability: 1.0,
        ..GaussianMutation::default()
    };
    for _ in 0..200 {
        let mut x = vec![0.0, 1.0, 0.5, 0.5];
        g.apply(&mut x, &mut rng);
        let changed = x
            .iter()
            .zip([0.0, 1.0, 0.5, 0.5])
            .filter(|(a, b)| **a != *b)
            .count();
        assert!(changed <= 1);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    let all = GaussianMutation {
        one_variable_probability: 0.0,
        ..GaussianMutation::default()
    };
    let mut x = vec![0.5; 8];
    all.apply(&mut x, &mut rng);
    assert_eq!(x.iter().filter(|v| **v != 0.5).count(), 8);
}
