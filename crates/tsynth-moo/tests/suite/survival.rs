//! NSGA-III survival with infeasible members, the hyperplane normalisation, duplicate
//! elimination, and runs without an archive.

use std::sync::Mutex;

use rand::{Rng, SeedableRng};
use serde::Serialize;
use tsynth_moo::nsga3::{Normalize, Nsga3Memory, das_dennis, normalize, normalize_hyperplane};
use tsynth_moo::problems::{Dtlz, DtlzKind, Osy};
use tsynth_moo::survival::Workspace;
use tsynth_moo::{
    AlpsConfig, Duplicates, Engine, EngineConfig, EvalContext, Evaluation, Mode, MooRng, Problem,
    RealProblem, ReferenceDirections, Survival, Truncation,
};

fn rng(seed: u64) -> MooRng {
    MooRng::seed_from_u64(seed)
}

fn snapshot<G: Serialize, E: Serialize>(e: &Engine<G, E>) -> String {
    serde_json::to_string(e.state()).unwrap()
}

fn nsga3(normalize: Normalize) -> Survival {
    Survival::Nsga3 {
        directions: ReferenceDirections::Auto,
        normalize,
    }
}

/// Survivors of NSGA-III on a pool of `(objectives, violation)`.
fn survive(
    pool: &[(Vec<f64>, f64)],
    n: usize,
    rule: Normalize,
    memory: &mut Nsga3Memory,
) -> Vec<u32> {
    let m = pool[0].0.len();
    let mut w = Workspace::new();
    w.load(m, pool.iter().map(|(f, v)| (f.as_slice(), *v)));
    let directions = das_dennis(m, 2);
    let mut out = Vec::new();
    w.survivors_with(
        n,
        &nsga3(rule),
        Truncation::default(),
        &directions,
        memory,
        &mut rng(1),
        &mut out,
    );
    out
}

// ---------------------------------------------------------------- infeasible members

#[test]
fn nsga3_keeps_feasible_first_then_the_least_violating_by_hand() {
    // Two feasible members (0, 3), four infeasible ones whose objectives are better
    // than everything feasible: violations 0.5, 0.2, 0.2, 0.9 for members 1, 2, 4, 5.
    let pool = vec![
        (vec![1.0, 1.0, 1.0], 0.0),
        (vec![0.0, 0.0, 0.0], 0.5),
        (vec![0.1, 0.1, 0.1], 0.2),
        (vec![2.0, 0.5, 1.0], 0.0),
        (vec![0.2, 0.2, 0.2], 0.2),
        (vec![-5.0, -5.0, -5.0], 0.9),
    ];
    for rule in [Normalize::DebJain, Normalize::Hyperplane] {
        // Room for the feasible members and both of violation 0.2.
        let mut memory = Nsga3Memory::default();
        assert_eq!(survive(&pool, 4, rule, &mut memory), vec![0, 2, 3, 4]);
        // The ideal (and worst) point come from the feasible members only.
        assert_eq!(memory.ideal, Some(vec![1.0, 0.5, 1.0]), "{rule:?}");
        if rule == Normalize::Hyperplane {
            assert_eq!(memory.worst, Some(vec![2.0, 1.0, 1.0]));
        }
        // Room for one infeasible member: of the two tied at 0.2 (one front, crowding
        // distances both infinite), the earlier.
        let mut memory = Nsga3Memory::default();
        assert_eq!(survive(&pool, 3, rule, &mut memory), vec![0, 2, 3]);
        // Room for the feasible ones only: nothing infeasible survives.
        let mut memory = Nsga3Memory::default();
        assert_eq!(survive(&pool, 2, rule, &mut memory), vec![0, 3]);
        // One survivor: NSGA-III chooses among the feasible first front {0, 3}.
        let mut memory = Nsga3Memory::default();
        let one = survive(&pool, 1, rule, &mut memory);
        assert!(one == vec![0] || one == vec![3], "{rule:?} {one:?}");
    }
}

#[test]
fn nsga3_without_feasible_members_truncates_by_violation_and_keeps_no_ideal() {
    let pool = vec![
        (vec![0.0, 0.0, 0.0], 3.0),
        (vec![1.0, 0.0, 0.0], 1.0),
        (vec![0.0, 1.0, 0.0], 2.0),
        (vec![0.0, 0.0, 1.0], 0.5),
        (vec![9.0, 9.0, 9.0], 4.0),
    ];
    for rule in [Normalize::DebJain, Normalize::Hyperplane] {
        let mut memory = Nsga3Memory::default();
        assert_eq!(survive(&pool, 3, rule, &mut memory), vec![1, 2, 3]);
        assert_eq!(memory, Nsga3Memory::default(), "{rule:?}");
    }
}

#[test]
fn nsga3_run_on_a_constrained_problem_never_loses_feasibility() {
    // OSY with NSGA-III: once the population holds a feasible member it always does,
    // and the feasible members come first in every generation's ranks.
    let p = RealProblem::new(Osy::new());
    for rule in [Normalize::DebJain, Normalize::Hyperplane] {
        let mut e = Engine::new(EngineConfig {
            seed: 4,
            population_size: 20,
            survival: nsga3(rule),
            ..EngineConfig::default()
        })
        .unwrap();
        let mut seen = false;
        for _ in 0..40 {
            let s = e.step(&p).unwrap();
            if seen {
                assert!(s.population_feasible > 0, "{rule:?}");
            }
            seen |= s.population_feasible > 0;
        }
        assert!(seen, "{rule:?}");
        assert!(e.front().is_feasible());
    }
}

// ---------------------------------------------------------------- hyperplane

#[test]
fn hyperplane_normalisation_by_hand() {
    // Ideal (1, 1) from an earlier survival; the extremes (11, 1.5) and (1, 2) span the
    // translated line x/20 + y/1 = 1: intercepts (20, 1). Deb & Jain divide by them;
    // the hyperplane normalisation caps the nadir (21, 2) at the worst point seen,
    // (11, 2), and divides by (10, 1).
    let flat = [1.0, 2.0, 11.0, 1.5];
    let mut memory = Nsga3Memory {
        ideal: Some(vec![1.0, 1.0]),
        ..Nsga3Memory::default()
    };
    let h = normalize_hyperplane(&flat, 2, &[0, 1], &[0, 1], &mut memory);
    assert!(!h.fallback);
    assert_eq!(h.extremes, vec![Some(1), Some(0)]);
    assert_eq!(h.ideal, vec![1.0, 1.0]);
    assert!((h.intercepts[0] - 10.0).abs() < 1e-12, "{:?}", h.intercepts);
    assert!((h.intercepts[1] - 1.0).abs() < 1e-12, "{:?}", h.intercepts);
    assert_eq!(memory.worst, Some(vec![11.0, 2.0]));
    assert_eq!(memory.extremes, vec![vec![11.0, 1.5], vec![1.0, 2.0]]);
    let d = normalize(&flat, 2, &[0, 1], &[0, 1], &[1.0, 1.0]);
    assert!((d.intercepts[0] - 20.0).abs() < 1e-9, "{:?}", d.intercepts);

    // The previous extreme points are candidates and win ties: (11, 1.5) stays the
    // extreme of axis 0 although it is no longer in the pool, and the previous (1, 2)
    // keeps axis 1 against the pool's equal (1, 2).
    let flat2 = [1.0, 2.0, 5.0, 1.8];
    let h2 = normalize_hyperplane(&flat2, 2, &[0, 1], &[0, 1], &mut memory);
    assert_eq!(h2.extremes, vec![None, None]);
    assert_eq!(h2.extreme_points, vec![vec![11.0, 1.5], vec![1.0, 2.0]]);

    // Degenerate: one point is the extreme of both axes -> the nadir falls back to the
    // worst of the first front {0} = the ideal, then to the worst of the pool (4, 5).
    let flat = [0.0, 0.0, 2.0, 5.0, 4.0, 3.0];
    let mut memory = Nsga3Memory::default();
    let h = normalize_hyperplane(&flat, 2, &[0, 1, 2], &[0], &mut memory);
    assert!(h.fallback);
    assert_eq!(h.intercepts, vec![4.0, 5.0]);
}

#[test]
fn hyperplane_normalisation_learns_from_the_initial_population() {
    // pymoo runs its survival on the initial population too: after the first step the
    // hyperplane memory holds the initial population's ideal and worst points and one
    // extreme point per objective. Deb & Jain's normalisation starts at the first split.
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 3));
    for rule in [Normalize::Hyperplane, Normalize::DebJain] {
        let mut e = Engine::new(EngineConfig {
            seed: 3,
            population_size: 20,
            survival: nsga3(rule),
            ..EngineConfig::default()
        })
        .unwrap();
        e.step(&p).unwrap();
        assert_eq!(e.population().count(), 20);
        if rule == Normalize::DebJain {
            assert!(e.ideal_point().is_none());
            continue;
        }
        let mut min = vec![f64::INFINITY; 3];
        for (_, i) in e.population() {
            for (z, f) in min.iter_mut().zip(&i.objectives) {
                *z = z.min(*f);
            }
        }
        assert_eq!(e.ideal_point(), Some(min.as_slice()));
        let state: serde_json::Value = serde_json::to_value(e.state()).unwrap();
        assert_eq!(state["nsga3"]["extremes"].as_array().unwrap().len(), 3);
        assert!(state["nsga3"]["worst"].is_array());
    }
}

#[test]
fn hyperplane_survival_resumes_exactly_and_ignores_thread_count() {
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 4));
    for mode in [
        Mode::Nsga2,
        Mode::Alps(AlpsConfig {
            layers: 3,
            age_gap: 3,
            ..AlpsConfig::default()
        }),
    ] {
        let c = EngineConfig {
            seed: 5,
            population_size: 16,
            mode: mode.clone(),
            survival: nsga3(Normalize::Hyperplane),
            ..EngineConfig::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let mut e = Engine::new(c.clone()).unwrap();
                    for _ in 0..12 {
                        e.step(&p).unwrap();
                    }
                    snapshot(&e)
                })
        };
        let straight = run(1);
        assert_eq!(straight, run(2), "{mode:?}");
        let mut first = Engine::new(c.clone()).unwrap();
        for _ in 0..5 {
            first.step(&p).unwrap();
        }
        let json = serde_json::to_string(&first).unwrap();
        let mut resumed: Engine<Vec<f64>, ()> = serde_json::from_str(&json).unwrap();
        for _ in 0..7 {
            resumed.step(&p).unwrap();
        }
        assert_eq!(straight, snapshot(&resumed), "{mode:?}");
        assert_eq!(resumed.config().duplicates, Duplicates::Auto);
    }
}

// ---------------------------------------------------------------- duplicates

/// Genotypes 0..values; crossover copies the parents, mutation draws a new value with
/// probability 1/2: duplicates are frequent. Records every evaluated genotype with its
/// generation.
struct Small {
    values: u32,
    seen: Mutex<Vec<(u64, u32)>>,
}

#[derive(Debug)]
struct NoError;
impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no error")
    }
}
impl std::error::Error for NoError {}

impl Problem for Small {
    type Genotype = u32;
    type Extra = ();
    type Error = NoError;
    fn num_objectives(&self) -> usize {
        3
    }
    fn random_genotype(&self, rng: &mut MooRng) -> u32 {
        rng.random_range(0..self.values)
    }
    fn crossover(&self, a: &u32, b: &u32, _rng: &mut MooRng) -> (u32, u32) {
        (*a, *b)
    }
    fn mutate(&self, g: &mut u32, rng: &mut MooRng) {
        if rng.random::<bool>() {
            *g = rng.random_range(0..self.values);
        }
    }
    fn evaluate(&self, g: &u32, ctx: &EvalContext) -> Result<Evaluation<()>, NoError> {
        self.seen.lock().unwrap().push((ctx.generation, *g));
        let x = f64::from(*g);
        Ok(Evaluation::feasible(vec![x, 100.0 - x, (x - 50.0).abs()]))
    }
}

fn small_run(duplicates: Duplicates, values: u32, generations: usize) -> (bool, Vec<usize>) {
    let p = Small {
        values,
        seen: Mutex::new(Vec::new()),
    };
    let mut e = Engine::new(EngineConfig {
        seed: 3,
        population_size: 10,
        duplicates,
        ..EngineConfig::default()
    })
    .unwrap();
    e.step(&p).unwrap();
    let mut clean = true;
    let mut children = Vec::new();
    for g in 1..=generations as u64 {
        let before: Vec<u32> = e.layers()[0].iter().map(|i| i.genotype).collect();
        p.seen.lock().unwrap().clear();
        let stats = e.step(&p).unwrap();
        let born: Vec<u32> = p
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(gen_, _)| *gen_ == g)
            .map(|&(_, v)| v)
            .collect();
        assert_eq!(born.len(), stats.evaluations);
        children.push(born.len());
        for (k, c) in born.iter().enumerate() {
            if before.contains(c) || born[..k].contains(c) {
                clean = false;
            }
        }
    }
    (clean, children)
}

#[test]
fn eliminated_duplicates_are_bred_again_and_never_evaluated() {
    // 1000 values, population 10: elimination always finds 10 new children.
    let (clean, children) = small_run(Duplicates::Eliminate, 1000, 20);
    assert!(clean, "a child duplicated a pool member or another child");
    assert!(children.iter().all(|&c| c == 10), "{children:?}");
    // MOJITO's re-mutation only looks at the two parents: here (half the mutations
    // keep the value, copies of parents and of other members) duplicates get through.
    let (clean, _) = small_run(Duplicates::Mutate, 12, 20);
    assert!(!clean);
    // Only 12 values for a population of 10 and 10 children: after 100 batches the
    // layer gets the new values there are, the run goes on.
    let (clean, children) = small_run(Duplicates::Eliminate, 12, 10);
    assert!(clean);
    assert!(children.iter().all(|&c| c < 10), "{children:?}");
}

#[test]
fn duplicates_auto_eliminates_under_nsga3_only_and_old_checkpoints_mutate() {
    assert!(Duplicates::Auto.eliminates(&nsga3(Normalize::DebJain)));
    assert!(!Duplicates::Auto.eliminates(&Survival::RankCrowding));
    assert!(!Duplicates::Auto.eliminates(&Survival::SmsEmoa));
    assert!(Duplicates::Eliminate.eliminates(&Survival::RankCrowding));
    assert!(!Duplicates::Mutate.eliminates(&nsga3(Normalize::Hyperplane)));
    let c = EngineConfig::default();
    assert_eq!(c.duplicates, Duplicates::Auto);
    assert!(c.keep_archive);
    let mut v = serde_json::to_value(&c).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("duplicates");
    o.remove("keep_archive");
    let old: EngineConfig = serde_json::from_value(v).unwrap();
    assert_eq!(old.duplicates, Duplicates::Mutate);
    assert!(old.keep_archive);
    // Old NSGA-III settings without a normalisation resume with Deb & Jain's.
    let s: Survival = serde_json::from_str(r#"{"Nsga3":{"directions":"Auto"}}"#).unwrap();
    assert_eq!(s, nsga3(Normalize::DebJain));
}

// ---------------------------------------------------------------- no archive

#[test]
fn without_an_archive_the_run_is_the_same() {
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 5));
    for survival in [Survival::Auto, Survival::RankCrowding] {
        let run = |keep_archive: bool, reference: bool| {
            let mut e = Engine::new(EngineConfig {
                seed: 9,
                population_size: 24,
                survival: survival.clone(),
                archive_cap: Some(24),
                keep_archive,
                reference_point: reference.then(|| vec![1.5; 5]),
                ..EngineConfig::default()
            })
            .unwrap();
            let mut stats = Vec::new();
            for _ in 0..15 {
                stats.push(e.step(&p).unwrap());
            }
            let pop: Vec<(u64, Vec<f64>)> = e
                .population()
                .map(|(_, i)| (i.id, i.genotype.clone()))
                .collect();
            let front = e.front().members.len();
            (pop, e.archive().len(), stats, front)
        };
        let (with, archived, _, _) = run(true, false);
        assert!(archived > 0);
        for reference in [false, true] {
            let (without, empty, stats, front) = run(false, reference);
            assert_eq!(with, without, "{survival:?}");
            assert_eq!(empty, 0);
            let last = stats.last().unwrap();
            assert_eq!(last.front_size, front);
            assert!(last.archive_feasible);
            assert_eq!(last.hypervolume.is_some(), reference);
            if reference {
                assert!(last.hypervolume.unwrap() > 0.0);
            }
        }
    }
}
