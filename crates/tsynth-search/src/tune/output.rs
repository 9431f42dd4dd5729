//! Turning a design tuning run into the shared run-directory records ([`crate::rundir`]).

use tsynth_grammar::Genotype;

use super::design::{DesignEval, DesignSpace, TunedParam};
use super::{Iteration, Point, TuneError, feasible_front};
use crate::rundir::{ArchiveMember, GenerationRecord, ObjectiveScores, RunDir, Score};

/// The hypervolume reference point of a tuning run, from the start point's objectives:
/// twice the start value for positive values, 1 otherwise (e.g. a rug risk of 0: one whole
/// pool), and the start value + 1 for `complexity` (a fixed structure does not change it).
pub fn reference_point(names: &[String], start: &[f64]) -> Vec<f64> {
    names
        .iter()
        .zip(start)
        .map(|(n, &v)| {
            if n == "complexity" {
                if v.is_finite() { v + 1.0 } else { 1.0 }
            } else if v.is_finite() && v > 0.0 {
                2.0 * v
            } else {
                1.0
            }
        })
        .collect()
}

/// Hypervolume of the feasible non-dominated points (0 when none is feasible).
pub fn front_hypervolume<E>(points: &[Point<E>], reference: &[f64]) -> f64 {
    let front: Vec<Vec<f64>> = feasible_front(points)
        .into_iter()
        .filter(|&i| points[i].is_feasible())
        .map(|i| points[i].objectives.clone())
        .filter(|o| o.iter().all(|v| v.is_finite()))
        .collect();
    tsynth_moo::hypervolume(&front, reference).unwrap_or(0.0)
}

/// The `generations.jsonl` record of `it`, the last generation added to `points`. Cache
/// hits are points whose full hash an earlier point (by evaluation order) already had;
/// compiles are structures first met in this generation — both independent of threads.
pub fn generation_record(
    points: &[Point<DesignEval>],
    it: &Iteration,
    reference: &[f64],
    seconds: f64,
) -> GenerationRecord {
    let upto = (it.total_evaluations as usize).min(points.len());
    let first = upto - it.evaluations.min(upto);
    let mut cache_hits = 0;
    let mut compiles = 0;
    for k in first..upto {
        let e = &points[k].extra;
        if points[..k].iter().any(|p| p.extra.full_hash == e.full_hash) {
            cache_hits += 1;
        }
        if !points[..k]
            .iter()
            .any(|p| p.extra.structure_hash == e.structure_hash)
        {
            compiles += 1;
        }
    }
    GenerationRecord {
        generation: it.generation,
        evaluations: it.evaluations,
        total_evaluations: it.total_evaluations,
        feasible: it.feasible,
        front_size: it.front_size,
        hypervolume: front_hypervolume(&points[..upto], reference),
        cache_hits,
        compiles,
        attack_searches: 0,
        hall_size: 0,
        seconds,
    }
}

/// A score record of a design evaluation; `violation` overrides the simulator's (e.g. to
/// include user constraints).
pub fn score(eval: &DesignEval, violation: f64) -> Score {
    let a = &eval.evaluation.aggregate;
    Score {
        seeds: eval.evaluation.seeds.iter().map(|s| s.seed).collect(),
        objectives: ObjectiveScores::from_aggregate(a),
        per_seed: eval.evaluation.seeds.clone(),
        violation,
        feasible: violation <= 0.0,
        failure: a.failure.clone(),
        attack_plan: Default::default(),
    }
}

/// The archive member of one evaluated point: blocks, parameter values, design text
/// (grammar path absolute, so it runs from anywhere), scores; writes its structure's
/// sources to the run directory.
pub fn archive_member(
    space: &DesignSpace,
    params: &[TunedParam],
    point: &Point<DesignEval>,
    held_out: Option<Score>,
    description: Option<&str>,
    run: &RunDir,
) -> Result<ArchiveMember, TuneError> {
    let g = space.genotype(params, &point.genes);
    let lib = &space.library;
    let d = lib.decode(&g)?;
    let emitted = lib.emit(&d).map_err(TuneError::Emit)?;
    let (blocks, records) = crate::rundir::blocks_and_params(lib, &d);
    let grammar = std::fs::canonicalize(&lib.file).unwrap_or_else(|_| lib.file.clone());
    let design = lib.design_text(&g, &grammar.display().to_string(), description)?;
    let sources = run.write_sources(&emitted.structure_hash, &emitted.sources)?;
    let s = score(&point.extra, point.violation);
    Ok(ArchiveMember {
        id: format!("m{:04}", point.index),
        genotype: g.0.clone(),
        structure_hash: emitted.structure_hash,
        full_hash: emitted.full_hash,
        blocks,
        params: records,
        design,
        objectives: s.objectives,
        seeds: s.seeds,
        per_seed: s.per_seed,
        violation: point.violation,
        feasible: point.is_feasible(),
        attack_plan: Default::default(),
        held_out,
        sources,
    })
}

/// The value of a tuned parameter decoded from `genes` (natural units).
pub fn param_values(params: &[TunedParam], genes: &[f64]) -> Vec<f64> {
    params
        .iter()
        .zip(genes)
        .map(|(p, &x)| p.spec.decode(x).as_f64())
        .collect()
}

/// A genotype's design text with an absolute grammar path.
pub fn design_text(
    space: &DesignSpace,
    g: &Genotype,
    description: Option<&str>,
) -> Result<String, TuneError> {
    let lib = &space.library;
    let grammar = std::fs::canonicalize(&lib.file).unwrap_or_else(|_| lib.file.clone());
    Ok(lib.design_text(g, &grammar.display().to_string(), description)?)
}
