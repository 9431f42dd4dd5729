//! Criterion benchmarks: exact hypervolume of mutually non-dominated 3-D points, and one
//! NSGA-II run of 25,000 evaluations on ZDT1.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tsynth_moo::problems::TestProblem;
use tsynth_moo::{Engine, EngineConfig, RealProblem, hypervolume};

/// `n` points on the positive octant of the unit sphere (mutually non-dominated).
fn sphere(n: usize) -> Vec<Vec<f64>> {
    let side = (n as f64).sqrt().ceil() as usize;
    let mut pts = Vec::with_capacity(n);
    for i in 0..side {
        for j in 0..side {
            if pts.len() == n {
                return pts;
            }
            let t = (i as f64 + 0.5) / side as f64 * std::f64::consts::FRAC_PI_2;
            let p = (j as f64 + 0.5) / side as f64 * std::f64::consts::FRAC_PI_2;
            pts.push(vec![t.cos() * p.sin(), t.sin() * p.sin(), p.cos()]);
        }
    }
    pts
}

fn bench_hv3d(c: &mut Criterion) {
    let mut group = c.benchmark_group("hypervolume_3d");
    for n in [1_000, 10_000] {
        let pts = sphere(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &pts, |b, pts| {
            b.iter(|| hypervolume(pts, &[1.1, 1.1, 1.1]).unwrap())
        });
    }
    group.finish();
}

fn bench_zdt1(c: &mut Criterion) {
    let problem = RealProblem::new(TestProblem::by_name("zdt1").unwrap());
    let mut group = c.benchmark_group("nsga2");
    group.sample_size(10);
    group.bench_function("zdt1_25k_evals", |b| {
        b.iter(|| {
            let mut e = Engine::new(EngineConfig::default()).unwrap();
            e.run(&problem, 25_000, |_| {}).unwrap();
            e.evaluations()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_hv3d, bench_zdt1);
criterion_main!(benches);
