//! Known designs (`designs/*.toml`) scored on a run's own scenario and seeds, cached in
//! `RUN/known-designs.json` (keyed by design text, scenario text and seeds, so an edited
//! design or another scenario is re-scored).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tsynth_grammar::Design;
use tsynth_sim::{Selection, Simulate};

use super::KnownArgs;
use super::rundata::{Aggregation, Run};

/// Objective values keyed by name; `null` (a non-finite value in JSON) reads as +∞.
pub type ObjectiveMap = BTreeMap<String, f64>;

fn objective_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ObjectiveMap, D::Error> {
    let raw: BTreeMap<String, Option<f64>> = BTreeMap::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or(f64::INFINITY)))
        .collect())
}

/// Mean and worst over seeds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Aggregates {
    /// Mean over seeds.
    #[serde(deserialize_with = "objective_map")]
    pub mean: ObjectiveMap,
    /// Worst over seeds.
    #[serde(deserialize_with = "objective_map")]
    pub worst: ObjectiveMap,
}

impl Aggregates {
    /// The map of `agg`.
    pub fn get(&self, agg: Aggregation) -> &ObjectiveMap {
        match agg {
            Aggregation::Mean => &self.mean,
            Aggregation::Worst => &self.worst,
        }
    }
}

/// A known design's score on the run's scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KnownScore {
    /// File stem of the design file.
    pub name: String,
    /// The design file.
    pub path: String,
    /// FNV-1a hash of the design text.
    pub design_hash: String,
    /// FNV-1a hash of the scenario text.
    pub scenario_hash: String,
    /// Seeds evaluated.
    pub seeds: Vec<u64>,
    /// Mean and worst over the seeds.
    pub objectives: Aggregates,
    /// Constraint violation (0 = feasible).
    pub violation: f64,
    /// Whether it is feasible on every seed.
    pub feasible: bool,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// The design file text.
    pub design: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    designs: Vec<KnownScore>,
}

/// 64-bit FNV-1a of `text`, as 16 hex digits (stable across builds and platforms).
pub(super) fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Seeds the run evaluated its members on (first member's per-seed list), else
/// `1..=seeds_per_evaluation`, else the scenario's seed count.
fn run_seeds(run: &Run, scenario_seeds: u32) -> Vec<u64> {
    if let Some(m) = run.archive.members.iter().find(|m| !m.seeds.is_empty()) {
        return m.seeds.clone();
    }
    let n = match run.config.seeds_per_evaluation {
        0 => u64::from(scenario_seeds).max(1),
        n => u64::from(n),
    };
    (1..=n).collect()
}

/// Scores of the known designs (cached). Empty when disabled or when the folder is missing
/// (a note is printed).
pub fn scores(run: &Run, args: &KnownArgs) -> Result<Vec<KnownScore>> {
    if args.no_known {
        return Ok(Vec::new());
    }
    if !args.designs.is_dir() {
        eprintln!(
            "note: {}: no such folder, known designs are not marked (use --designs DIR)",
            args.designs.display()
        );
        return Ok(Vec::new());
    }
    let mut files: Vec<_> = std::fs::read_dir(&args.designs)
        .with_context(|| format!("reading {}", args.designs.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    // Only designs of the run's grammar are points of its space (a folder may hold the
    // designs of several domains).
    let ours =
        run.config.grammar.as_ref().map(|g| {
            std::fs::canonicalize(&g.absolute).unwrap_or_else(|_| g.absolute.clone().into())
        });
    files.retain(|f| match (&ours, Design::load(f)) {
        (Some(ours), Ok((_, lib, _))) => {
            std::fs::canonicalize(&lib.file).unwrap_or_else(|_| lib.file.clone()) == *ours
        }
        (None, Ok(_)) => true,
        // A design that does not load is reported when it is scored.
        (_, Err(_)) => true,
    });
    let scenario_path = Path::new(&run.config.scenario.given).to_path_buf();
    #[derive(serde::Deserialize)]
    struct RunOnly {
        run: tsynth_sim::RunSpec,
    }
    let run_spec: RunOnly =
        tsynth_sim::scenario::parse_toml(&run.config.scenario_text, &scenario_path).with_context(
            || {
                format!(
                    "the scenario stored in {}",
                    run.dir.join("run.toml").display()
                )
            },
        )?;
    let scenario_hash = fnv(&run.config.scenario_text);
    let seeds = run_seeds(run, run_spec.run.seeds);
    let selection = Selection {
        objectives: run.config.objectives.clone(),
        constraints: run.config.constraints.clone(),
        better: run.config.better.clone(),
    };

    let cache_path = run.dir.join("known-designs.json");
    let cache: Cache = match std::fs::read_to_string(&cache_path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            eprintln!(
                "note: {}: unreadable cache ({e}), re-scoring",
                cache_path.display()
            );
            Cache::default()
        }),
        Err(_) => Cache::default(),
    };
    let mut sims: BTreeMap<std::path::PathBuf, Box<dyn Simulate>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut fresh = 0usize;
    for file in &files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let design_hash = fnv(&text);
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(hit) = cache.designs.iter().find(|k| {
            k.name == name
                && k.design_hash == design_hash
                && k.scenario_hash == scenario_hash
                && k.seeds == seeds
        }) {
            out.push(hit.clone());
            continue;
        }
        let (library, emitted) = crate::cmd::design::emit_file(file)?;
        let sim = match sims.entry(library.blocks_dir.clone()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let mut sim = crate::registry::simulator_from_text(
                    &run.config.scenario_text,
                    &scenario_path,
                    &library.blocks_dir,
                )?;
                sim.set_selection(selection.clone())?;
                v.insert(sim)
            }
        };
        eprintln!("scoring known design {name} on {} seed(s)...", seeds.len());
        let (eval, _) = crate::cmd::design::evaluate(
            sim.as_ref(),
            &emitted,
            &seeds,
            false,
            &crate::cmd::design::default_plan(),
        );
        let agg = &eval.aggregate;
        let map = |o: &tsynth_sim::Values| {
            run.config
                .objectives
                .iter()
                .map(|n| (n.clone(), o.get(n).copied().unwrap_or(f64::INFINITY)))
                .collect()
        };
        out.push(KnownScore {
            name,
            path: file.display().to_string(),
            design_hash,
            scenario_hash: scenario_hash.clone(),
            seeds: seeds.clone(),
            objectives: Aggregates {
                mean: map(&agg.mean),
                worst: map(&agg.worst),
            },
            violation: agg.violation,
            feasible: agg.feasible(),
            failure: agg.failure.clone(),
            design: text,
        });
        fresh += 1;
    }
    if fresh > 0 {
        let json = serde_json::to_vec_pretty(&Cache {
            designs: out.clone(),
        })?;
        crate::fsutil::write_atomic(&cache_path, &json)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::fnv;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(fnv(""), "cbf29ce484222325");
        assert_eq!(fnv("a"), "af63dc4c8601ec8c");
        assert_eq!(fnv("foobar"), "85944171f73967e8");
    }
}
