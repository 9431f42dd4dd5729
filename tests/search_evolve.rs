//! End-to-end evolve runs on `grammars/amm.grammar` with a tiny population and a short
//! scenario: archive properties, reproducibility from stored genotypes, thread-count
//! independence, and exact resume.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tsynth_grammar::{Genotype, Library};
use tsynth_search::evolve::NewRun;
use tsynth_search::{ArchiveFile, EngineMode, Evolver, Pipeline, RunStatus, SearchConfig};
use tsynth_sim::{Registry, Simulate};

/// The registry of the pool domain.
fn registry() -> Registry {
    Registry::new(vec![Box::new(tsynth_amm::entry())])
}

/// The pool domain's simulator for a scenario file, with its default selection.
fn pool_sim(path: &Path, lib: &Library) -> Arc<dyn Simulate> {
    let text = std::fs::read_to_string(path).unwrap();
    let sim = registry()
        .simulator(
            &text,
            path,
            tsynth_solc::Compiler::shared().unwrap(),
            &lib.blocks_dir,
            tsynth_solc::Settings::default(),
        )
        .unwrap();
    Arc::from(sim)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A 40-block version of the search scenario (adversaries probe every 20 blocks).
fn tiny_scenario(dir: &Path) -> PathBuf {
    let text = crate::cli_support::scenario_with_run(
        "search.toml",
        &[
            ("ticks", 40.0),
            ("probe_interval", 20.0),
            ("launch_window_days", 0.25),
            ("initial_level", 1.2),
        ],
    );
    let p = dir.join("tiny.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn tiny_config(dir: &Path, gens: u64) -> SearchConfig {
    let mut c = SearchConfig {
        grammar: Some(root().join("grammars/amm.grammar")),
        scenario: tiny_scenario(dir),
        seed: 11,
        pop: 4,
        gens,
        seeds: 1,
        compare: Some(vec![
            root().join("designs/ocean-v4.toml"),
            root().join("designs/ocean-v4.1.toml"),
        ]),
        ..SearchConfig::default()
    };
    c.engine.mode = EngineMode::Alps;
    c.engine.layers = 2;
    c.engine.age_gap = 2;
    c.engine.max_seeds = 2;
    c.engine.held_out_seeds = 2;
    c
}

fn new_run(config: &SearchConfig, out: &Path) -> Evolver {
    Evolver::create(
        config.clone(),
        &NewRun {
            grammar: config.grammar.clone().unwrap(),
            out: out.to_path_buf(),
            threads: rayon::current_num_threads(),
        },
        &registry(),
    )
    .unwrap()
}

fn run_to_end(ev: &mut Evolver) -> ArchiveFile {
    let status = ev.run(&AtomicBool::new(false), |_| {}).unwrap();
    assert_eq!(status, RunStatus::Finished);
    ev.finish().unwrap().0
}

fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

#[test]
fn archive_is_feasible_non_dominated_and_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = tiny_config(tmp.path(), 2);
    // Designs without schedules that are feasible on the 40-hour scenario, so that the
    // archive holds feasible members (most random designs' auctions or vestings outrun it).
    config.init_designs = vec![
        root().join("designs/seed-1ss.toml"),
        root().join("designs/ocean-v3.toml"),
    ];
    let out = tmp.path().join("run");
    let mut ev = new_run(&config, &out);
    let archive = run_to_end(&mut ev);
    assert!(!archive.members.is_empty());
    let names = archive.objectives.clone();
    assert_eq!(
        names,
        [
            "slippage",
            "price_drawdown",
            "rug_risk",
            "complexity",
            "launch_spike",
            "stake_swing",
            "price_decoupling",
            "publisher_profit"
        ]
    );

    // The files of the run directory agree with the returned archive.
    let on_disk: ArchiveFile =
        serde_json::from_slice(&std::fs::read(out.join("archive.json")).unwrap()).unwrap();
    assert_eq!(on_disk, archive);
    let gens = ev.rundir().read_generations().unwrap();
    assert_eq!(gens.len(), 3);
    assert_eq!(
        gens.iter().map(|g| g.generation).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(gens[2].total_evaluations, ev.engine().evaluations());
    assert!(gens.iter().all(|g| g.compiles <= g.evaluations));
    let run_toml = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(run_toml.contains("command = \"evolve\""));
    assert!(
        run_toml.contains("ticks = 40"),
        "the scenario text is stored"
    );
    assert!(out.join("comparison.json").is_file());
    // The held-out re-score attacked every member with the strong final search on the
    // first held-out seed, feasible there or not; the search phase used the cheap budget.
    let held = ev.held_out_seeds();
    for m in &archive.members {
        let h = m
            .held_out
            .as_ref()
            .expect("re-scored on the held-out seeds");
        assert_eq!(
            h.attack_plan.full_budget, config.engine.final_attack_budget,
            "{}",
            m.id
        );
        assert_eq!(h.attack_plan.searched_seeds, held[..1], "{}", m.id);
        assert!(h.attack_plan.search_infeasible, "{}", m.id);
        assert!(
            m.attack_plan.full_budget <= config.engine.attack_budget,
            "{}",
            m.id
        );
    }

    let mut hashes: Vec<String> = archive
        .members
        .iter()
        .map(|m| m.structure_hash.clone())
        .collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(
        source_dirs(&out),
        hashes,
        "sources/ holds exactly the members' structures"
    );

    // A fresh pipeline (empty caches) re-scores every member to the same values.
    let lib = Arc::new(Library::load(&root().join("grammars/amm.grammar")).unwrap());
    let sim = pool_sim(&config.scenario, &lib);
    let fresh = Pipeline::new(lib, sim);
    for m in &archive.members {
        assert!(m.feasible, "{} is infeasible", m.id);
        assert_eq!(m.violation, 0.0);
        assert!(!m.seeds.is_empty() && m.seeds.len() <= 2);
        assert!(
            out.join(&m.sources).join("Candidate.sol").is_file(),
            "{}",
            m.sources
        );
        assert!(m.design.contains("grammar = "));
        let again = fresh.evaluate(&Genotype(m.genotype.clone()), &m.seeds, &m.attack_plan);
        assert_eq!(again.full_hash, m.full_hash);
        assert_eq!(
            again.score.objectives, m.objectives,
            "{} not reproducible",
            m.id
        );
        // The archive stores no found attacks (they are booked into the values and the hall).
        let strip = |mut s: tsynth_search::rundir::Score| {
            for o in &mut s.per_seed {
                o.attacks.clear();
            }
            s
        };
        assert_eq!(strip(again.score.clone()).per_seed, m.per_seed);
        let held = m.held_out.as_ref().expect("held-out score");
        assert_eq!(held.seeds.len(), 2);
        assert!(
            held.seeds.iter().all(|s| !m.seeds.contains(s)),
            "held-out seeds are new"
        );
        let again = fresh.evaluate(
            &Genotype(m.genotype.clone()),
            &held.seeds,
            &held.attack_plan,
        );
        assert_eq!(&strip(again.score.clone()), held);
    }
    for a in &archive.members {
        for b in &archive.members {
            let snap = |v: Vec<f64>| -> Vec<f64> {
                v.into_iter()
                    .map(|x| if x.abs() < 1e-12 { 0.0 } else { x })
                    .collect()
            };
            let va = snap(a.objectives.vector(archive.aggregation, &names));
            let vb = snap(b.objectives.vector(archive.aggregation, &names));
            assert!(!dominates(&va, &vb), "{} dominates {}", a.id, b.id);
        }
    }
}

#[test]
fn one_and_two_threads_give_identical_archives() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tiny_config(tmp.path(), 2);
    let mut files = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let out = tmp.path().join(format!("t{threads}"));
        pool.install(|| {
            let mut ev = new_run(&config, &out);
            run_to_end(&mut ev);
        });
        files.push((
            std::fs::read(out.join("archive.json")).unwrap(),
            std::fs::read(out.join("comparison.json")).unwrap(),
        ));
    }
    assert!(
        files[0].0 == files[1].0,
        "archive.json differs between 1 and 2 threads"
    );
    assert!(files[0].1 == files[1].1, "comparison.json differs");
}

fn without_seconds(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("generations.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("seconds");
            v
        })
        .collect()
}

/// The `sources/` folders of a run, sorted.
fn source_dirs(run: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(run.join("sources"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn stopped_and_resumed_run_matches_an_uninterrupted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tiny_config(tmp.path(), 4);

    let full = tmp.path().join("full");
    let mut ev = new_run(&config, &full);
    run_to_end(&mut ev);
    drop(ev);

    // Run 2 generations (gens 0 and 1) and stop.
    let part = tmp.path().join("part");
    let stop = AtomicBool::new(false);
    let mut ev = new_run(&config, &part);
    let status = ev
        .run(&stop, |p| {
            if p.record.generation == 1 {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .unwrap();
    assert_eq!(status, RunStatus::Stopped);
    assert_eq!(ev.records().len(), 2);
    drop(ev);
    // Simulate a kill after generations.jsonl was written but before the checkpoint: a line
    // the checkpoint does not know must disappear on resume.
    let mut log = std::fs::read_to_string(part.join("generations.jsonl")).unwrap();
    let last = log.lines().last().unwrap().to_string();
    log.push_str(&last);
    log.push('\n');
    std::fs::write(part.join("generations.jsonl"), log).unwrap();

    let mut ev = Evolver::resume(&part, None, 2, &registry()).unwrap();
    assert_eq!(ev.records().len(), 2);
    run_to_end(&mut ev);
    assert_eq!(ev.records().len(), 5);

    assert!(
        std::fs::read(full.join("archive.json")).unwrap()
            == std::fs::read(part.join("archive.json")).unwrap(),
        "archive.json differs after resume"
    );
    assert_eq!(without_seconds(&full), without_seconds(&part));
    assert_eq!(source_dirs(&full), source_dirs(&part));

    // Resuming a finished run with more generations continues it.
    let mut ev = Evolver::resume(&part, Some(5), 2, &registry()).unwrap();
    run_to_end(&mut ev);
    assert_eq!(ev.records().len(), 6);
    assert!(
        std::fs::read_to_string(part.join("run.toml"))
            .unwrap()
            .contains("generations = 5")
    );
}

/// The pool grammar's library and a pipeline on the tiny scenario (written into `dir`).
fn tiny_pipeline(dir: &Path) -> (Arc<Library>, Pipeline) {
    let lib = Arc::new(Library::load(&root().join("grammars/amm.grammar")).unwrap());
    let sim = pool_sim(&tiny_scenario(dir), &lib);
    let pipeline = Pipeline::new(Arc::clone(&lib), sim);
    (lib, pipeline)
}

#[test]
fn failing_candidates_are_infeasible_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (lib, pipeline) = tiny_pipeline(tmp.path());
    // A genotype of the wrong length cannot be decoded.
    let bad = pipeline.evaluate(&Genotype(vec![0.5; 3]), &[1], &Default::default());
    assert!(!bad.score.feasible);
    assert!(bad.score.violation >= 1.0);
    assert!(
        bad.score.failure.as_deref().unwrap().contains("genes"),
        "{:?}",
        bad.score.failure
    );
    // A known-good design is feasible, and the cache answers the same evaluation again.
    let (_, g) = tsynth_search::evolve::load_designs(&lib, &[root().join("designs/seed-1ss.toml")])
        .unwrap()
        .remove(0);
    let a = pipeline.evaluate(&g, &[1, 2], &Default::default());
    assert!(a.score.feasible, "{:?}", a.score.failure);
    let before = pipeline.times();
    let b = pipeline.evaluate(&g, &[1, 2], &Default::default());
    assert_eq!(a, b);
    assert_eq!(pipeline.times().cache_hits, before.cache_hits + 1);
    // A design of another grammar is refused with its name.
    let other = tmp.path().join("other.grammar");
    std::fs::write(&other, "").unwrap();
    let d = tmp.path().join("d.toml");
    std::fs::write(&d, format!("grammar = \"{}\"\n", other.display())).unwrap();
    let e = tsynth_search::evolve::load_designs(&lib, &[d]);
    assert!(e.is_err());
}

#[test]
fn init_designs_seed_the_initial_population() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = tiny_config(tmp.path(), 0);
    config.pop = 2;
    config.engine.held_out_seeds = 0;
    config.init_designs = vec![
        root().join("designs/ocean-v3.toml"),
        root().join("designs/ocean-v4.1.toml"),
    ];
    let mut ev = new_run(&config, &tmp.path().join("run"));
    let (archive, comparison) = {
        ev.run(&AtomicBool::new(false), |_| {}).unwrap();
        ev.finish().unwrap()
    };
    assert!(comparison.is_none(), "no held-out seeds, no comparison");
    let lib = Library::load(&root().join("grammars/amm.grammar")).unwrap();
    let known: Vec<Genotype> = tsynth_search::evolve::load_designs(&lib, &config.init_designs)
        .unwrap()
        .into_iter()
        .map(|(_, g)| g)
        .collect();
    let population: Vec<&Genotype> = ev.engine().population().map(|(_, i)| &i.genotype).collect();
    assert_eq!(population.len(), 2);
    for g in &known {
        assert!(population.contains(&g), "an injected design is missing");
    }
    assert!(archive.members.iter().all(|m| m.held_out.is_none()));
    assert_eq!(ev.records().len(), 1);
}

/// Co-evolution's gating rule (issue 13): a candidate gets the full attack search only when
/// it is feasible after its screen and no member of the archive snapshot dominates it;
/// otherwise its scores are exactly the screen's.
#[test]
fn only_candidates_the_archive_does_not_dominate_get_the_full_attack_search() {
    use tsynth_moo::Problem;
    let tmp = tempfile::tempdir().unwrap();
    let (lib, pipeline) = tiny_pipeline(tmp.path());
    let config = tiny_config(tmp.path(), 0);
    let (_, g) = tsynth_search::evolve::load_designs(&lib, &[root().join("designs/ocean-v3.toml")])
        .unwrap()
        .remove(0);
    let plan = tsynth_sim::AttackPlan {
        full_budget: 12,
        seed: 3,
        ..Default::default()
    };
    let ctx = tsynth_moo::EvalContext {
        id: 7,
        generation: 1,
        layer: 0,
        seed: 5,
    };
    let problem = |archive: Vec<Vec<f64>>| {
        tsynth_search::problem::GrammarProblem::new(&pipeline, &config, vec![1])
            .with_attacks(plan.clone())
            .with_archive(archive)
    };
    // nothing in the archive: the full search
    let open = problem(Vec::new());
    let searched = open.evaluate(&g, &ctx).unwrap();
    assert!(
        searched.violation <= 0.0,
        "V3 is feasible on the tiny scenario"
    );
    assert!(open.take_log()[0].searched);
    let n = searched.objectives.len();
    // an archive member the candidate dominates (worse everywhere): still searched
    let weak = problem(vec![vec![f64::MAX; n]]);
    weak.evaluate(&g, &ctx).unwrap();
    assert!(weak.take_log()[0].searched);
    // a member that dominates it: the screen only, with the screen's values to the bit
    let strong = problem(vec![vec![f64::MIN; n]]);
    let screened = strong.evaluate(&g, &ctx).unwrap();
    assert!(!strong.take_log()[0].searched);
    let screen = pipeline.evaluate(&g, &[1], &plan.screen());
    let (objectives, _) = strong.ranking(&screen);
    assert_eq!(screened.objectives, objectives);
    // the search found more than the screen on V3 (its exit scam needs searching)
    let at = pipeline
        .simulator()
        .selection()
        .objectives
        .iter()
        .position(|n| n == "rug_risk")
        .expect("rug_risk is an objective");
    let risk = |o: &[f64]| o[at];
    assert!(
        risk(&searched.objectives) > risk(&screened.objectives),
        "searched {:?} vs screened {:?}",
        searched.objectives,
        screened.objectives
    );
}

/// Variation-aware synthesis: the tiny scenario with two uncontrollable variables, one corner
/// and Monte Carlo conditions from layer 1 on, a held-out verification on fresh conditions.
#[test]
fn older_layers_score_on_corners_and_samples_and_the_held_out_re_score_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = tiny_config(tmp.path(), 4);
    let text = std::fs::read_to_string(&config.scenario).unwrap();
    let text = text
        .replacen(
            "initial_base = 1000.0",
            "initial_base = { uniform = [500.0, 1500.0] }",
            1,
        )
        .replacen(
            "attacker_capital = 1000.0",
            "attacker_capital = { lognormal = [1000.0, 0.5] }",
            1,
        );
    assert!(text.contains("uniform") && text.contains("lognormal"));
    let scenario = tmp.path().join("varied.toml");
    std::fs::write(&scenario, &text).unwrap();
    config.scenario = scenario;
    let corners = tmp.path().join("corners.toml");
    std::fs::write(
        &corners,
        "agent_seed = 5\n[[corner]]\nid = \"c1\"\n[corner.values]\n\
         \"pool.initial_base\" = 500.0\n\"adversaries.attacker_capital\" = 4000.0\n",
    )
    .unwrap();
    config.engine.age_gap = 1;
    config.variation = Some(tsynth_search::variation::VariationSettings {
        corners: Some(corners.clone()),
        samples: 2,
        extra_samples_per_layer: 0,
        from_layer: 1,
        held_out_samples: 3,
    });
    let out = tmp.path().join("run");
    let mut ev = new_run(&config, &out);
    assert_eq!(ev.conditions().corner_count(), 1);
    assert_eq!(ev.conditions().sample_count(), 2);
    let archive = run_to_end(&mut ev);
    drop(ev);
    // Layer 1 was reached, and what it scored carries the corner and both samples.
    assert!(!archive.members.is_empty());
    for m in &archive.members {
        let labels: Vec<&str> = m
            .per_seed
            .iter()
            .filter_map(|o| o.condition.as_deref())
            .collect();
        assert_eq!(
            labels,
            ["c1", "s0", "s1"],
            "archive member {} was not scored on the conditions",
            m.id
        );
        assert!(m.per_seed.iter().any(|o| o.condition.is_none()), "{}", m.id);
        let h = m.held_out.as_ref().unwrap();
        let held: Vec<&str> = h
            .per_seed
            .iter()
            .filter_map(|o| o.condition.as_deref())
            .collect();
        assert_eq!(held, ["h0", "h1", "h2"], "{}", m.id);
        let (passed, n) = tsynth_search::variation::held_out_yield(h).unwrap();
        assert_eq!(n, 3);
        assert!(passed <= 3);
    }
    assert!(out.join("variation.json").is_file());
    // Resuming reads the stored conditions, not the corners file.
    std::fs::remove_file(&corners).unwrap();
    let mut again = Evolver::resume(&out, Some(5), 1, &registry()).unwrap();
    run_to_end(&mut again);

    // A corners file that does not match the scenario's variables is a positioned error.
    std::fs::write(
        &corners,
        "[[corner]]\nid = \"c1\"\n[corner.values]\n\"pool.initial_base\" = 500.0\n",
    )
    .unwrap();
    let e = Evolver::create(
        config.clone(),
        &NewRun {
            grammar: config.grammar.clone().unwrap(),
            out: tmp.path().join("bad"),
            threads: 1,
        },
        &registry(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(&format!("{}:2:1:", corners.display())) && e.contains("attacker_capital"),
        "{e}"
    );
}
