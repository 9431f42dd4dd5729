//! Fair tournaments, many-objective survival (NSGA-III, SMS-EMOA), non-finite
//! evaluations, explicit feasibility of fronts, archive pruning in many objectives.

use std::sync::Mutex;

use rand::SeedableRng;
use serde::Serialize;
use tsynth_moo::nsga3::{
    associate, auto_divisions, das_dennis, lattice_size, niching, normalize, two_layer,
};
use tsynth_moo::problems::{Dtlz, DtlzKind, TestProblem};
use tsynth_moo::{
    AlpsConfig, Archive, Engine, EngineConfig, EvalContext, Evaluation, FrontStatus, Individual,
    InfeasibleReason, Mode, MooRng, Normalize, PermutationTournament, PolynomialMutation, Problem,
    RealFunction, RealProblem, ReferenceDirections, Survival, hypervolume,
};

fn rng(seed: u64) -> MooRng {
    MooRng::seed_from_u64(seed)
}

fn snapshot<G: Serialize, E: Serialize>(e: &Engine<G, E>) -> String {
    serde_json::to_string(e.state()).unwrap()
}

fn cfg(seed: u64, pop: usize, mode: Mode, survival: Survival) -> EngineConfig {
    EngineConfig {
        seed,
        population_size: pop,
        mode,
        survival,
        ..EngineConfig::default()
    }
}

fn alps(layers: usize, gap: u32) -> Mode {
    Mode::Alps(AlpsConfig {
        layers,
        age_gap: gap,
        ..AlpsConfig::default()
    })
}

fn nsga3() -> Survival {
    Survival::Nsga3 {
        directions: ReferenceDirections::Auto,
        normalize: Normalize::default(),
    }
}

// ---------------------------------------------------------------- tournaments

#[test]
fn permutation_stream_gives_every_member_exactly_two_tournaments() {
    let mut r = rng(1);
    let mut t = PermutationTournament::new();
    for pool in 2..41 {
        for _ in 0..5 {
            t.reset(pool);
            let mut entries = vec![0u32; pool];
            // One tournament per member (the parents NSGA-II needs).
            for _ in 0..pool {
                let (a, b) = t.next_pair(&mut r);
                assert_ne!(a, b, "pool {pool}: a member met itself");
                entries[a] += 1;
                entries[b] += 1;
            }
            assert!(entries.iter().all(|&e| e == 2), "pool {pool}: {entries:?}");
        }
    }
    // An ALPS layer bred from itself and the layer below (pool 2n, n tournaments):
    // every member of the pool enters exactly once.
    t.reset(40);
    let mut entries = [0u32; 40];
    for _ in 0..20 {
        let (a, b) = t.next_pair(&mut r);
        entries[a] += 1;
        entries[b] += 1;
    }
    assert!(entries.iter().all(|&e| e == 1), "{entries:?}");
}

/// One variable, one objective f = x: every member has its own rank, so a tournament
/// is won by the smaller x. Records the parents handed to crossover.
struct Line {
    parents: Mutex<Vec<f64>>,
}

#[derive(Debug)]
struct NoError;
impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no error")
    }
}
impl std::error::Error for NoError {}

impl Problem for Line {
    type Genotype = Vec<f64>;
    type Extra = ();
    type Error = NoError;
    fn num_objectives(&self) -> usize {
        1
    }
    fn random_genotype(&self, rng: &mut MooRng) -> Vec<f64> {
        vec![rand::Rng::random::<f64>(rng)]
    }
    fn crossover(&self, a: &Vec<f64>, b: &Vec<f64>, _rng: &mut MooRng) -> (Vec<f64>, Vec<f64>) {
        let mut log = self.parents.lock().unwrap();
        log.push(a[0]);
        log.push(b[0]);
        (a.clone(), b.clone())
    }
    fn mutate(&self, g: &mut Vec<f64>, rng: &mut MooRng) {
        PolynomialMutation {
            eta: 20.0,
            variable_probability: Some(1.0),
            probability: 1.0,
        }
        .apply(g, &[0.0], &[1.0], rng);
    }
    fn evaluate(&self, g: &Vec<f64>, _: &EvalContext) -> Result<Evaluation<()>, NoError> {
        Ok(Evaluation::feasible(vec![g[0]]))
    }
}

#[test]
fn engine_tournaments_make_every_member_compete_exactly_twice() {
    // With entrants from two permutations, the best member wins both of its two
    // tournaments and the worst loses both, every generation; with independent random
    // entrants the best would be a parent exactly twice only ~27% of the time.
    for survival in [Survival::RankCrowding, nsga3(), Survival::SmsEmoa] {
        let p = Line {
            parents: Mutex::new(Vec::new()),
        };
        let n = 30;
        let mut e = Engine::new(cfg(11, n, Mode::Nsga2, survival.clone())).unwrap();
        e.step(&p).unwrap();
        for generation in 0..15 {
            let pop: Vec<f64> = e.layers()[0].iter().map(|i| i.genotype[0]).collect();
            assert_eq!(pop.len(), n);
            p.parents.lock().unwrap().clear();
            e.step(&p).unwrap();
            let parents = p.parents.lock().unwrap().clone();
            assert_eq!(parents.len(), n);
            let count = |x: f64| parents.iter().filter(|&&v| v == x).count();
            let best = pop.iter().copied().fold(f64::INFINITY, f64::min);
            let worst = pop.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(count(best), 2, "{survival:?} generation {generation}");
            assert_eq!(count(worst), 0, "{survival:?} generation {generation}");
            assert!(pop.iter().all(|&x| count(x) <= 2));
            assert!(parents.iter().all(|x| pop.contains(x)));
        }
    }
}

// ---------------------------------------------------------------- NSGA-III

#[test]
fn das_dennis_and_two_layer_directions() {
    let d = das_dennis(3, 2);
    let expect = [
        [1.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 1.0, 0.0],
        [0.0, 0.5, 0.5],
        [0.0, 0.0, 1.0],
    ];
    assert_eq!(d.len(), 6);
    for (got, want) in d.iter().zip(expect) {
        assert_eq!(got.as_slice(), want.as_slice());
    }
    assert_eq!(lattice_size(3, 12), 91);
    assert_eq!(das_dennis(3, 12).len(), 91);
    assert_eq!(lattice_size(5, 6), 210);
    assert_eq!(lattice_size(8, 3) + lattice_size(8, 2), 156);
    let t = two_layer(3, 2, 1);
    assert_eq!(t.len(), 6 + 3);
    // inner (1, 0, 0) -> 1/(2·3) + 1/2 · (1, 0, 0)
    let inner = &t[6];
    assert!((inner[0] - (1.0 / 6.0 + 0.5)).abs() < 1e-15);
    assert!((inner[1] - 1.0 / 6.0).abs() < 1e-15 && (inner[2] - 1.0 / 6.0).abs() < 1e-15);
    assert!(
        t.iter()
            .all(|w| (w.iter().sum::<f64>() - 1.0).abs() < 1e-12)
    );
    // Deb & Jain's settings come out of the Auto rule.
    assert_eq!(auto_divisions(3, 92), (12, 0));
    assert_eq!(auto_divisions(5, 212), (6, 0));
    assert_eq!(auto_divisions(8, 156), (3, 2));
    assert_eq!(auto_divisions(10, 276), (3, 2));
    assert_eq!(auto_divisions(2, 100), (99, 0));
    assert_eq!(
        ReferenceDirections::Auto.resolve(8, 156).unwrap().len(),
        156
    );
    assert!(
        ReferenceDirections::DasDennis { divisions: 0 }
            .resolve(3, 10)
            .is_err()
    );
    assert!(
        ReferenceDirections::Explicit(vec![vec![1.0, 0.0]])
            .resolve(3, 10)
            .is_err()
    );
}

#[test]
fn nsga3_normalisation_association_and_niche_counts_by_hand() {
    // Four non-dominated points, objective 0 scaled by 10 and everything shifted by 1:
    // ideal (1, 1), extremes (11, 1) and (1, 2), intercepts (10, 1); normalised they
    // are (0, 1), (1, 0), (0.3, 0.3), (0.6, 0.2).
    let pts = [[1.0, 2.0], [11.0, 1.0], [4.0, 1.3], [7.0, 1.2]];
    let flat: Vec<f64> = pts.iter().flatten().copied().collect();
    let members = [0u32, 1, 2, 3];
    let norm = normalize(&flat, 2, &members, &members, &[1.0, 1.0]);
    assert!(!norm.fallback);
    assert_eq!(norm.extremes, vec![Some(1), Some(0)]);
    assert!(
        (norm.intercepts[0] - 10.0).abs() < 1e-9,
        "{:?}",
        norm.intercepts
    );
    assert!(
        (norm.intercepts[1] - 1.0).abs() < 1e-9,
        "{:?}",
        norm.intercepts
    );
    let mut normalized = vec![0.0; 8];
    for k in 0..4 {
        norm.apply(&flat[2 * k..2 * k + 2], &mut normalized[2 * k..2 * k + 2]);
    }
    let want = [0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.6, 0.2];
    for (g, w) in normalized.iter().zip(want) {
        assert!((g - w).abs() < 1e-9, "{normalized:?}");
    }
    // Directions (1, 0), (0.5, 0.5), (0, 1).
    let dirs = das_dennis(2, 2);
    let assoc = associate(&normalized, 2, &dirs);
    let niches: Vec<u32> = assoc.iter().map(|a| a.0).collect();
    assert_eq!(niches, vec![2, 0, 1, 0]);
    // (0.6, 0.2): 0.2 from the f1 axis; to the diagonal sqrt(0.4 − 0.32) = 0.283.
    assert!((assoc[3].1 - 0.2).abs() < 1e-9);
    assert!(assoc[0].1.abs() < 1e-7 && assoc[2].1.abs() < 1e-7);
    let mut counts = vec![0u32; 3];
    for a in &assoc {
        counts[a.0 as usize] += 1;
    }
    assert_eq!(counts, vec![2, 1, 1]);

    // Niching: ρ = (2, 0, 1); the empty niche 1 takes its closest candidate first,
    // then (niche 2 has no candidate and gets excluded) the other one of niche 1.
    for seed in 0..20 {
        let mut rho = vec![2, 0, 1];
        let cands = [(10u32, 1u32, 0.3), (11, 1, 0.1), (12, 0, 0.0)];
        let got = niching(2, &mut rho, &cands, &mut rng(seed));
        assert_eq!(got, vec![11, 10], "seed {seed}");
        assert_eq!(rho, vec![2, 2, 1]);
    }

    // Degenerate: one point is extreme for both axes -> nadir of the first front.
    let flat = [0.0, 0.0, 2.0, 5.0, 4.0, 3.0];
    let norm = normalize(&flat, 2, &[0, 1, 2], &[0], &[0.0, 0.0]);
    assert!(norm.fallback);
    // The first front {0} has nadir = ideal, so each objective falls back to the worst
    // value of the whole set: (4, 5).
    assert_eq!(norm.intercepts, vec![4.0, 5.0]);
}

#[test]
fn nsga3_spreads_over_the_reference_directions_on_dtlz2() {
    // 5 objectives, 212 members and 210 directions: after convergence nearly every
    // direction should hold a member (crowding leaves many empty).
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 5));
    let occupied = |survival: Survival| {
        let mut e = Engine::new(cfg(3, 212, Mode::Nsga2, survival)).unwrap();
        for _ in 0..60 {
            e.step(&p).unwrap();
        }
        let dirs = das_dennis(5, 6);
        let pts: Vec<f64> = e
            .population()
            .flat_map(|(_, i)| {
                let n = i.objectives.iter().map(|x| x * x).sum::<f64>().sqrt();
                i.objectives
                    .iter()
                    .map(move |x| x / n)
                    .collect::<Vec<f64>>()
            })
            .collect();
        let mut hit = vec![false; dirs.len()];
        for (j, _) in associate(&pts, 5, &dirs) {
            hit[j as usize] = true;
        }
        hit.iter().filter(|&&h| h).count()
    };
    let a = occupied(Survival::Auto);
    let c = occupied(Survival::RankCrowding);
    assert!(a > 150, "NSGA-III occupies {a} of 210 directions");
    assert!(a > c, "NSGA-III {a} vs crowding {c}");
}

// ---------------------------------------------------------------- resume, threads

#[test]
fn resume_is_exact_with_every_survival_in_nsga2_and_alps() {
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 4));
    for survival in [nsga3(), Survival::SmsEmoa, Survival::RankCrowding] {
        for mode in [Mode::Nsga2, alps(3, 3)] {
            let c = cfg(8, 16, mode.clone(), survival.clone());
            let mut straight = Engine::new(c.clone()).unwrap();
            for _ in 0..14 {
                straight.step(&p).unwrap();
            }
            let mut first = Engine::new(c.clone()).unwrap();
            for _ in 0..6 {
                first.step(&p).unwrap();
            }
            let json = serde_json::to_string(&first).unwrap();
            drop(first);
            let mut resumed: Engine<Vec<f64>, ()> = serde_json::from_str(&json).unwrap();
            for _ in 0..8 {
                resumed.step(&p).unwrap();
            }
            assert_eq!(
                snapshot(&straight),
                snapshot(&resumed),
                "{survival:?} {mode:?}"
            );
            if matches!(survival, Survival::Nsga3 { .. }) {
                assert!(straight.ideal_point().is_some());
            }
        }
    }
}

#[test]
fn results_do_not_depend_on_thread_count_with_every_survival() {
    let p = RealProblem::new(Dtlz::standard(DtlzKind::Dtlz2, 5));
    for survival in [Survival::Auto, Survival::SmsEmoa] {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut e = Engine::new(cfg(7, 20, alps(3, 4), survival.clone())).unwrap();
                for _ in 0..12 {
                    e.step(&p).unwrap();
                }
                snapshot(&e)
            })
        };
        let one = run(1);
        assert_eq!(one, run(2), "{survival:?}");
        assert_eq!(one, run(3), "{survival:?}");
    }
}

#[test]
fn checkpoints_without_a_survival_field_resume_with_rank_and_crowding() {
    let c = EngineConfig::default();
    assert_eq!(c.survival, Survival::Auto);
    let mut v = serde_json::to_value(&c).unwrap();
    v.as_object_mut().unwrap().remove("survival");
    let old: EngineConfig = serde_json::from_value(v).unwrap();
    assert_eq!(old.survival, Survival::RankCrowding);
    assert_eq!(Survival::Auto.resolve(2), Survival::RankCrowding);
    assert_eq!(Survival::Auto.resolve(3), nsga3());
    assert_eq!(Survival::Auto.resolve(10), nsga3());
    assert_eq!(Survival::SmsEmoa.resolve(10), Survival::SmsEmoa);
}

// ---------------------------------------------------------------- non-finite values

/// ZDT1 with a non-finite value for chosen ids: NaN, +inf, −inf objectives, NaN
/// violation, or all of them for every individual (`always`).
struct Broken {
    inner: RealProblem<TestProblem>,
    always: bool,
}

impl Problem for Broken {
    type Genotype = Vec<f64>;
    type Extra = ();
    type Error = tsynth_moo::RealProblemError;
    fn num_objectives(&self) -> usize {
        2
    }
    fn random_genotype(&self, rng: &mut MooRng) -> Vec<f64> {
        self.inner.random_genotype(rng)
    }
    fn crossover(&self, a: &Vec<f64>, b: &Vec<f64>, rng: &mut MooRng) -> (Vec<f64>, Vec<f64>) {
        self.inner.crossover(a, b, rng)
    }
    fn mutate(&self, g: &mut Vec<f64>, rng: &mut MooRng) {
        self.inner.mutate(g, rng)
    }
    fn evaluate(
        &self,
        g: &Vec<f64>,
        ctx: &EvalContext,
    ) -> Result<Evaluation<()>, tsynth_moo::RealProblemError> {
        let mut f = self.inner.function.objectives(g);
        let mut v = 0.0;
        if self.always {
            return Ok(Evaluation::with_violation(vec![f64::NAN, f[1]], 1.0));
        }
        match ctx.id % 10 {
            1 => f[0] = f64::NAN,
            3 => f[1] = f64::INFINITY,
            5 => f[0] = f64::NEG_INFINITY, // would be "best" if accepted
            7 => v = f64::NAN,
            _ => {}
        }
        Ok(Evaluation::with_violation(f, v))
    }
}

#[test]
fn nan_and_infinite_values_make_individuals_infeasible_without_stopping_the_run() {
    let p = Broken {
        inner: RealProblem::new(TestProblem::by_name("zdt1").unwrap()),
        always: false,
    };
    for survival in [Survival::RankCrowding, nsga3(), Survival::SmsEmoa] {
        let mut c = cfg(2, 20, Mode::Nsga2, survival.clone());
        c.reference_point = Some(vec![1.1, 10.0]);
        c.archive_cap = Some(30);
        let mut e = Engine::new(c).unwrap();
        let mut invalid = 0;
        let mut stats = Vec::new();
        for _ in 0..25 {
            let s = e.step(&p).expect("non-finite values never abort the run");
            invalid += s.invalid;
            stats.push(s);
        }
        assert_eq!(invalid, 25 * 20 * 4 / 10, "{survival:?}");
        let last = stats.last().unwrap();
        assert!(last.archive_feasible);
        assert!(last.hypervolume.unwrap() > 0.0);
        let front = e.archive().front();
        assert_eq!(front.status, FrontStatus::Feasible);
        assert!(front.feasible().is_some());
        for m in e.archive().members() {
            assert!(m.invalid.is_none() && m.objectives.iter().all(|x| x.is_finite()));
        }
        // The state stays finite: a JSON checkpoint round-trips.
        let json = serde_json::to_string(&e).unwrap();
        let back: Engine<Vec<f64>, ()> = serde_json::from_str(&json).unwrap();
        assert_eq!(snapshot(&back), snapshot(&e));
    }
    // What was recorded, on the initial population of a plain run.
    let mut e = Engine::new(cfg(2, 10, Mode::Nsga2, Survival::RankCrowding)).unwrap();
    e.step(&p).unwrap();
    let by_id = |id: u64| e.population().find(|(_, i)| i.id == id).unwrap().1.clone();
    let reasons: Vec<Option<InfeasibleReason>> = [1u64, 3, 5, 7, 2]
        .iter()
        .map(|&id| by_id(id).invalid)
        .collect();
    assert_eq!(
        reasons,
        vec![
            Some(InfeasibleReason::NanObjective { index: 0 }),
            Some(InfeasibleReason::InfiniteObjective {
                index: 1,
                positive: true
            }),
            Some(InfeasibleReason::InfiniteObjective {
                index: 0,
                positive: false
            }),
            Some(InfeasibleReason::NonFiniteViolation),
            None,
        ]
    );
    let five: Individual<Vec<f64>, ()> = by_id(5);
    assert!(!five.is_feasible());
    assert_eq!(five.violation, f64::MAX);
    assert_eq!(five.objectives[0], f64::MAX);
    assert!(five.objectives[1].is_finite() && five.objectives[1] < f64::MAX);
    assert_eq!(
        InfeasibleReason::NanObjective { index: 0 }.to_string(),
        "objective 0 is NaN"
    );
}

#[test]
fn fronts_say_when_nothing_feasible_exists() {
    let p = Broken {
        inner: RealProblem::new(TestProblem::by_name("zdt1").unwrap()),
        always: true,
    };
    for survival in [Survival::RankCrowding, nsga3(), Survival::SmsEmoa] {
        let mut c = cfg(4, 12, alps(2, 3), survival);
        c.reference_point = Some(vec![1.1, 1.1]);
        let mut e = Engine::new(c).unwrap();
        assert_eq!(e.archive().status(), FrontStatus::Empty);
        assert_eq!(e.front().status, FrontStatus::Empty);
        for _ in 0..8 {
            let s = e.step(&p).unwrap();
            assert!(!s.archive_feasible);
            assert_eq!(s.hypervolume, Some(0.0));
            assert_eq!(s.invalid, s.evaluations);
        }
        assert_eq!(e.archive().status(), FrontStatus::Infeasible);
        assert!(e.archive().feasible_members().is_none());
        assert!(!e.archive().is_empty());
        let front = e.front();
        assert_eq!(front.status, FrontStatus::Infeasible);
        assert!(front.feasible().is_none());
        assert!(!front.members.is_empty());
    }
}

#[test]
fn negative_violation_is_still_a_typed_error() {
    struct Negative;
    impl RealFunction for Negative {
        fn num_variables(&self) -> usize {
            1
        }
        fn num_objectives(&self) -> usize {
            2
        }
        fn lower(&self) -> &[f64] {
            &[0.0]
        }
        fn upper(&self) -> &[f64] {
            &[1.0]
        }
        fn objectives(&self, x: &[f64]) -> Vec<f64> {
            vec![x[0], 1.0 - x[0]]
        }
        fn violation(&self, _x: &[f64]) -> f64 {
            -1.0
        }
    }
    let mut e = Engine::new(cfg(0, 4, Mode::Nsga2, Survival::Auto)).unwrap();
    assert!(matches!(
        e.step(&RealProblem::new(Negative)),
        Err(tsynth_moo::MooError::InvalidValue { .. })
    ));
    assert!(!e.is_initialized());
}

// ---------------------------------------------------------------- archive

fn ind(id: u64, f: Vec<f64>) -> Individual<u64, ()> {
    Individual {
        id,
        genotype: id,
        objectives: f,
        violation: 0.0,
        extra: None,
        age: 0,
        born: 0,
        invalid: None,
        tier: 0,
    }
}

#[test]
fn capped_archive_in_many_objectives_keeps_extremes_and_spread() {
    // 600 points of DTLZ2's 6-objective front, half of them bunched near one corner.
    let m = 6;
    let mut s: u64 = 1;
    let mut next = || {
        s = tsynth_moo::problem::splitmix64(s);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let pts: Vec<Vec<f64>> = (0..600)
        .map(|k| {
            let mut v: Vec<f64> = (0..m).map(|_| next() + 1e-3).collect();
            if k % 2 == 0 {
                v[0] += 20.0;
            }
            let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| x / n).collect()
        })
        .collect();
    let inds: Vec<_> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| ind(i as u64, p.clone()))
        .collect();
    let mut a = Archive::new(Some(60));
    let start = std::time::Instant::now();
    a.extend(inds.iter());
    let took = start.elapsed();
    assert_eq!(a.len(), 60);
    let mut full = Archive::new(None);
    full.extend(inds.iter());
    for j in 0..m {
        let best = full
            .members()
            .iter()
            .map(|i| i.objectives[j])
            .fold(f64::INFINITY, f64::min);
        assert!(
            a.members().iter().any(|i| i.objectives[j] == best),
            "extreme of objective {j} lost"
        );
    }
    let bunched = a.members().iter().filter(|i| i.id % 2 == 0).count();
    // Pruning by spread keeps far fewer of the bunched half than its share of 50%.
    assert!(bunched < 20, "{bunched} of 60 kept from the bunched half");
    let min_nn = |set: &[Vec<f64>]| {
        let mut best = f64::INFINITY;
        for (i, p) in set.iter().enumerate() {
            for q in &set[i + 1..] {
                let d: f64 = p.iter().zip(q).map(|(x, y)| (x - y) * (x - y)).sum();
                best = best.min(d);
            }
        }
        best
    };
    let kept = a.objectives();
    assert!(min_nn(&kept) > min_nn(&pts[..60]));
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
    // The capped archive's hypervolume is not much worse than the full front's.
    let r = vec![1.1; m];
    let hv_kept = hypervolume(&kept, &r).unwrap();
    assert!(hv_kept > 0.0);
}
