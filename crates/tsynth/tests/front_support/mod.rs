//! Shared set-up of the `front_*` tests: a small but real run directory, made in the test.
//!
//! Candidates are random genotypes of `grammars/amm.grammar` (seeded ChaCha), compiled and
//! simulated on a short scenario (60 ticks, 2 seeds) with `tsynth_sim::Simulator`; the
//! feasible non-dominated ones form the archive, written with the shared
//! `tsynth_search::rundir` types exactly as `tsynth evolve` writes them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use rand::SeedableRng;
use tsynth_grammar::{Genotype, Library, PartKind};
use tsynth_search::rundir::{
    Aggregation, ArchiveFile, ArchiveMember, GenerationRecord, ObjectiveScores, ParamRecord,
    PathRecord, RunConfig, RunDir,
};
use tsynth_sim::objectives::OBJECTIVE_NAMES;
use tsynth_sim::{Scenario, Simulator};
use tsynth_solc::{Compiler, Settings};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs the `tsynth` binary in `cwd`.
pub fn tsynth_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsynth"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("tsynth runs")
}

/// Stdout/stderr as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The default scenario shortened to 60 ticks and 2 seeds.
pub fn short_scenario_text() -> String {
    let t = std::fs::read_to_string(root().join("scenarios/default.toml")).unwrap();
    let t = t
        .replace("ticks = 1000", "ticks = 60")
        .replace("probe_interval = 100", "probe_interval = 20")
        .replace("claim_interval = 100", "claim_interval = 20")
        .replace("seeds = 4", "seeds = 2");
    assert!(t.contains("ticks = 60") && t.contains("probe_interval = 20"));
    t
}

/// A run made in `dir/<name>` from `candidates` random genotypes drawn with `seed`.
pub struct Fixture {
    /// The run directory.
    pub run: PathBuf,
    /// The scenario file written next to it.
    pub scenario: PathBuf,
}

fn params_and_blocks(lib: &Library, g: &Genotype) -> (BTreeMap<String, String>, Vec<ParamRecord>) {
    let d = lib.decode(g).unwrap();
    let mut blocks = BTreeMap::new();
    let mut records = Vec::new();
    for c in &d.compounds {
        if let PartKind::Compound { params: specs, .. } = &lib.parts[c.part].kind {
            for (spec, v) in specs.iter().zip(&c.values) {
                records.push(ParamRecord {
                    block: lib.parts[c.part].name.clone(),
                    name: spec.name.clone(),
                    value: v.as_f64(),
                    unit: spec.unit.clone(),
                });
            }
        }
    }
    for cb in &d.blocks {
        let b = &lib.blocks[cb.block];
        blocks.insert(lib.slots[b.slot].name.clone(), b.name.clone());
        for (spec, v) in b.params.iter().zip(&cb.values) {
            records.push(ParamRecord {
                block: b.name.clone(),
                name: spec.name.clone(),
                value: v.as_f64(),
                unit: spec.unit.clone(),
            });
        }
    }
    (blocks, records)
}

/// Builds the run (see the module doc). Panics on any set-up failure: this is test set-up.
pub fn build_run(dir: &Path, name: &str, seed: u64, candidates: usize) -> Fixture {
    let scenario_path = dir.join(format!("{name}-scenario.toml"));
    let scenario_text = short_scenario_text();
    std::fs::write(&scenario_path, &scenario_text).unwrap();
    let scenario = Scenario::load(&scenario_path).unwrap();
    let grammar = root().join("grammars/amm.grammar");
    let lib = Arc::new(Library::load(&grammar).unwrap());
    let sim = Simulator::new(
        scenario,
        Compiler::shared().unwrap(),
        &lib.blocks_dir,
        Settings::default(),
    )
    .unwrap();
    let seeds = [1u64, 2];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let rd = RunDir::create(&dir.join(name)).unwrap();

    let mut scored = Vec::new();
    for i in 0..candidates {
        let g = tsynth_grammar::operators::random_genotype(&lib, &mut rng);
        let d = lib.decode(&g).unwrap();
        let emitted = lib.emit(&d).unwrap();
        let (eval, _) = sim.evaluate(&emitted.sources, &emitted.param_words(), &seeds, false);
        scored.push((i, g, emitted, eval));
    }
    let names: Vec<String> = OBJECTIVE_NAMES.iter().map(|s| s.to_string()).collect();
    let vec_of = |e: &tsynth_sim::Evaluation| e.aggregate.mean.to_vec();
    // Candidates whose price never moved (nobody could trade) are left out: on a 60-tick
    // scenario such a pool dominates everything and the front would be a single point.
    let feasible: Vec<usize> = (0..scored.len())
        .filter(|&k| {
            let v = vec_of(&scored[k].3);
            scored[k].3.aggregate.feasible() && v.iter().all(|x| x.is_finite()) && v[1] > 1e-9
        })
        .collect();
    let front: Vec<usize> = feasible
        .iter()
        .copied()
        .filter(|&a| {
            !feasible.iter().any(|&b| {
                tsynth_moo::dominance::dominates(&vec_of(&scored[b].3), &vec_of(&scored[a].3))
            })
        })
        .collect();
    assert!(
        front.len() >= 2,
        "fixture: only {} front member(s) among {} feasible of {candidates}: {:?}",
        front.len(),
        feasible.len(),
        scored.iter().map(|s| vec_of(&s.3)).collect::<Vec<_>>()
    );
    let reference: Vec<f64> = (0..names.len())
        .map(|k| {
            let hi = front
                .iter()
                .map(|&i| vec_of(&scored[i].3)[k])
                .fold(f64::NEG_INFINITY, f64::max);
            hi * 1.1 + 1e-6
        })
        .collect();
    let mut members = Vec::new();
    for &i in &front {
        let (idx, g, emitted, eval) = &scored[i];
        let (blocks, params) = params_and_blocks(&lib, g);
        let design = lib
            .design_text(g, &grammar.display().to_string(), None)
            .unwrap();
        let sources = rd
            .write_sources(&emitted.structure_hash, &emitted.sources)
            .unwrap();
        let a = &eval.aggregate;
        members.push(ArchiveMember {
            id: format!("m{idx:04}"),
            genotype: g.0.clone(),
            structure_hash: emitted.structure_hash.clone(),
            full_hash: emitted.full_hash.clone(),
            blocks,
            params,
            design,
            objectives: ObjectiveScores::from_objectives(&a.mean, &a.worst),
            seeds: seeds.to_vec(),
            per_seed: eval.seeds.clone(),
            violation: a.violation,
            feasible: true,
            held_out: None,
            sources,
        });
    }
    // Two "generations": the first half of the candidates, then all of them.
    let hv_of = |upto: usize| {
        let pts: Vec<Vec<f64>> = front
            .iter()
            .filter(|&&i| i < upto)
            .map(|&i| vec_of(&scored[i].3))
            .collect();
        tsynth_moo::hypervolume(&pts, &reference).unwrap()
    };
    let half = candidates / 2;
    let gens = vec![
        GenerationRecord {
            generation: 0,
            evaluations: half,
            total_evaluations: half as u64,
            feasible: feasible.iter().filter(|&&i| i < half).count(),
            front_size: front.iter().filter(|&&i| i < half).count(),
            hypervolume: hv_of(half),
            cache_hits: 0,
            compiles: half,
            seconds: 0.5,
        },
        GenerationRecord {
            generation: 1,
            evaluations: candidates - half,
            total_evaluations: candidates as u64,
            feasible: feasible.len(),
            front_size: front.len(),
            hypervolume: hv_of(candidates),
            cache_hits: 0,
            compiles: candidates - half,
            seconds: 0.5,
        },
    ];
    rd.write_generations(&gens).unwrap();
    rd.write_archive(&ArchiveFile {
        objectives: names.clone(),
        aggregation: Aggregation::Mean,
        reference_point: reference.clone(),
        members,
    })
    .unwrap();
    rd.write_config(&RunConfig {
        command: "evolve".into(),
        tsynth_version: env!("CARGO_PKG_VERSION").into(),
        grammar: Some(PathRecord::new(&grammar)),
        design: None,
        scenario: PathRecord::new(&scenario_path),
        scenario_text,
        seed,
        population: Some(candidates / 2),
        generations: Some(1),
        budget: None,
        seeds_per_evaluation: seeds.len() as u32,
        held_out_seeds: 0,
        aggregation: Aggregation::Mean,
        objectives: names,
        reference_point: reference,
        compiler_version: "0.8.30".into(),
        threads: 1,
        settings: Default::default(),
    })
    .unwrap();
    Fixture {
        run: rd.path().to_path_buf(),
        scenario: scenario_path,
    }
}

/// One shared run per test binary (built once, on first use).
pub fn shared_run() -> &'static Fixture {
    static RUN: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        // Under the target's temp folder (not /tmp): a static is never dropped, and the next
        // run of the same test binary starts from a fresh copy.
        let dir = test_dir("shared");
        build_run(&dir, "run-a", 7, 10)
    })
}

/// A fresh folder for this test binary under Cargo's target temp folder.
pub fn test_dir(what: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{bin}-{what}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
