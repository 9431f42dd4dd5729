//! The run directory `runs/<id>/`, shared by `evolve`, `tune` and `front`.
//!
//! ```text
//! runs/<id>/
//!   run.toml            full configuration (+ the scenario's text: a run is self-contained)
//!   generations.jsonl   one JSON object per generation ([`GenerationRecord`])
//!   archive.json        the Pareto archive ([`ArchiveFile`])
//!   sources/<hash>/     the Solidity source set of every archive member's structure
//!   checkpoint          whatever the command needs to resume exactly (serde JSON)
//! ```
//!
//! Every write is atomic: a temporary file in the same folder, then a rename, so a reader
//! (or a resumed run) never sees half a file, whenever the process is killed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tsynth_sim::metrics::{BetterRule, Constraint, MetricSpec, Selection, Values};
use tsynth_sim::{Aggregate, SeedOutcome};

use crate::error::{Result, SearchError};

/// Name of the configuration file.
pub const RUN_TOML: &str = "run.toml";
/// Name of the per-generation log.
pub const GENERATIONS_JSONL: &str = "generations.jsonl";
/// Name of the archive file.
pub const ARCHIVE_JSON: &str = "archive.json";
/// Name of the checkpoint file.
pub const CHECKPOINT: &str = "checkpoint";
/// Folder of the archive members' source sets.
pub const SOURCES_DIR: &str = "sources";
/// Version of the run-directory format (`run.toml` and `archive.json` carry it as
/// `format`). Format 2: objectives are named vectors chosen by the run from the domain's
/// metrics; format 1 (no `format` key) had four fixed objectives.
pub const FORMAT: u32 = 2;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, flushed, then
/// renamed over `path`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| SearchError::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| SearchError::io(path, e))?;
    tmp.as_file()
        .sync_data()
        .map_err(|e| SearchError::io(path, e))?;
    tmp.persist(path)
        .map_err(|e| SearchError::io(path, e.error))?;
    Ok(())
}

/// A path as the user gave it and made absolute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathRecord {
    /// As given on the command line or in the config file.
    pub given: String,
    /// Absolute (canonical when the file exists).
    pub absolute: String,
}

impl PathRecord {
    /// Records `path` (canonicalised when possible).
    pub fn new(path: &Path) -> Self {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        });
        Self {
            given: path.display().to_string(),
            absolute: absolute.display().to_string(),
        }
    }
}

/// How per-seed objectives are combined into the values the search ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    /// Mean over seeds.
    #[default]
    Mean,
    /// Worst (largest) over seeds.
    Worst,
}

impl Aggregation {
    /// `"mean"` or `"worst"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Worst => "worst",
        }
    }
}

/// `run.toml`: the full configuration of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Run-directory format ([`FORMAT`]).
    pub format: u32,
    /// `"evolve"` or `"tune"`.
    pub command: String,
    /// The simulation domain (as the scenario names it).
    pub domain: String,
    /// Version of tsynth that made the run.
    pub tsynth_version: String,
    /// The grammar (evolve; tune: the design's grammar).
    pub grammar: Option<PathRecord>,
    /// The design (tune only).
    pub design: Option<PathRecord>,
    /// The scenario file.
    pub scenario: PathRecord,
    /// The scenario's full text.
    pub scenario_text: String,
    /// Run seed.
    pub seed: u64,
    /// Population size (per age layer in ALPS mode).
    pub population: Option<usize>,
    /// Generations after the initial population.
    pub generations: Option<u64>,
    /// Evaluation budget (tune).
    pub budget: Option<u64>,
    /// Simulation seeds per evaluation (youngest age layer).
    pub seeds_per_evaluation: u32,
    /// Held-out seeds used to re-score the final archive.
    pub held_out_seeds: u32,
    /// Aggregation of per-seed objectives used by the search.
    pub aggregation: Aggregation,
    /// Objective names, in vector order.
    pub objectives: Vec<String>,
    /// Constraints in force.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// What "better than a known design" means.
    #[serde(default)]
    pub better: BetterRule,
    /// Every metric the domain measures (name, direction, unit, meaning).
    #[serde(default)]
    pub metrics: Vec<MetricSpec>,
    /// Reference point of the hypervolume, in objective order (ranking space: maximised
    /// objectives negated).
    pub reference_point: Vec<f64>,
    /// solc version used.
    pub compiler_version: String,
    /// Worker threads (informational: results never depend on it).
    pub threads: usize,
    /// Command-specific settings (evolve: the whole search configuration).
    #[serde(default)]
    pub settings: toml::Table,
}

/// One line of `generations.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationRecord {
    /// Generation number (0 = initial population).
    pub generation: u64,
    /// Evaluations in this generation.
    pub evaluations: usize,
    /// Evaluations since the start of the run.
    pub total_evaluations: u64,
    /// Feasible evaluations in this generation.
    pub feasible: usize,
    /// Archive size after the generation.
    pub front_size: usize,
    /// Hypervolume of the archive at the reference point.
    pub hypervolume: f64,
    /// Evaluations of this generation answered from the evaluation cache (same full hash
    /// and seed set already scored earlier in the run, in id order).
    pub cache_hits: usize,
    /// New structures first met in this generation (each compiled once).
    pub compiles: usize,
    /// Evaluations with a seed that got the full attack search (feasible at the end of its
    /// run).
    #[serde(default)]
    pub attack_searches: usize,
    /// Attacks in the hall of fame after the generation.
    #[serde(default)]
    pub hall_size: usize,
    /// Wall time of the generation (the only time-dependent field).
    pub seconds: f64,
}

/// Per-name objective values.
pub type NamedObjectives = BTreeMap<String, f64>;

/// Both aggregates of a set of seeds, keyed by objective name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveScores {
    /// Mean over seeds.
    pub mean: NamedObjectives,
    /// Worst over seeds.
    pub worst: NamedObjectives,
}

impl ObjectiveScores {
    /// From the simulator's aggregate.
    pub fn from_aggregate(a: &Aggregate) -> Self {
        Self {
            mean: a.mean.clone(),
            worst: a.worst.clone(),
        }
    }

    /// The values of `aggregation`.
    pub fn values(&self, aggregation: Aggregation) -> &Values {
        match aggregation {
            Aggregation::Mean => &self.mean,
            Aggregation::Worst => &self.worst,
        }
    }

    /// The values of `aggregation`, in `names` order (NaN for a missing name).
    pub fn vector(&self, aggregation: Aggregation, names: &[String]) -> Vec<f64> {
        let map = self.values(aggregation);
        names
            .iter()
            .map(|n| map.get(n).copied().unwrap_or(f64::NAN))
            .collect()
    }

    /// The objective vector of `selection` as the optimiser ranks it (maximised metrics
    /// negated).
    pub fn ranking(
        &self,
        aggregation: Aggregation,
        selection: &Selection,
        metrics: &[MetricSpec],
    ) -> Vec<f64> {
        selection.ranking(metrics, self.values(aggregation))
    }
}

/// A score on a set of seeds (the search's or the held-out one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Mean and worst objectives.
    pub objectives: ObjectiveScores,
    /// Per-seed outcomes, in seed order.
    pub per_seed: Vec<SeedOutcome>,
    /// Total constraint violation (0 = feasible).
    pub violation: f64,
    /// Whether every constraint holds.
    pub feasible: bool,
    /// Why the candidate failed outright (compile error, set-up revert, ...), if it did.
    pub failure: Option<String>,
    /// The end-of-run attacks it was scored with (hall of fame, full search); part of
    /// what determines the score.
    #[serde(default, skip_serializing_if = "tsynth_sim::AttackPlan::is_none")]
    pub attack_plan: tsynth_sim::AttackPlan,
}

/// One parameter of an archive member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamRecord {
    /// Block (or compound) name.
    pub block: String,
    /// Parameter name.
    pub name: String,
    /// Value in natural units.
    pub value: f64,
    /// Unit label.
    pub unit: String,
}

/// The slot → block map and the parameter records (compound parameters first, then each
/// block's in slot order) of a derivation, as an archive member stores them.
pub fn blocks_and_params(
    lib: &tsynth_grammar::Library,
    d: &tsynth_grammar::Derivation,
) -> (BTreeMap<String, String>, Vec<ParamRecord>) {
    let mut blocks = BTreeMap::new();
    let mut params = Vec::new();
    for c in &d.compounds {
        if let tsynth_grammar::PartKind::Compound { params: specs, .. } = &lib.parts[c.part].kind {
            for (spec, v) in specs.iter().zip(&c.values) {
                params.push(ParamRecord {
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
            params.push(ParamRecord {
                block: b.name.clone(),
                name: spec.name.clone(),
                value: v.as_f64(),
                unit: spec.unit.clone(),
            });
        }
    }
    (blocks, params)
}

/// First key of `archive.json` and `checkpoint`: the SHA-256 of the rest of the file.
pub const SEAL_KEY: &str = "checksum";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_format(path: &Path, found: Option<i64>) -> Result<()> {
    match found {
        Some(f) if f == i64::from(FORMAT) => Ok(()),
        Some(f) => Err(SearchError::format(
            path,
            format!(
                "run-directory format {f}; this tsynth reads format {FORMAT} (use the tsynth \
                 version that made the run, or run it again)"
            ),
        )),
        None => Err(SearchError::format(
            path,
            format!(
                "made by an older tsynth (run-directory format 1, four fixed objectives); this \
                 tsynth reads format {FORMAT} (named objectives): run it again"
            ),
        )),
    }
}

/// One member of `archive.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveMember {
    /// Stable id within the run (`m` + the individual's creation number).
    pub id: String,
    /// The flat genotype.
    pub genotype: Vec<f64>,
    /// Hash of the structure (chosen blocks).
    pub structure_hash: String,
    /// Hash of structure and parameter values.
    pub full_hash: String,
    /// Slot → block name.
    pub blocks: BTreeMap<String, String>,
    /// Parameter values.
    pub params: Vec<ParamRecord>,
    /// The design file text (write it out and `tsynth sim --design` re-runs it).
    pub design: String,
    /// The aggregates used by the search.
    pub objectives: ObjectiveScores,
    /// Seeds the search scored it on.
    pub seeds: Vec<u64>,
    /// Per-seed outcomes of the search's score.
    pub per_seed: Vec<SeedOutcome>,
    /// Total constraint violation during search.
    pub violation: f64,
    /// Feasible during search.
    pub feasible: bool,
    /// The end-of-run attacks of the search's score (hall of fame, full search).
    #[serde(default, skip_serializing_if = "tsynth_sim::AttackPlan::is_none")]
    pub attack_plan: tsynth_sim::AttackPlan,
    /// The re-score on held-out seeds (never used during search), if done.
    pub held_out: Option<Score>,
    /// `sources/<structure_hash>/`, relative to the run directory.
    pub sources: String,
}

/// `archive.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveFile {
    /// Run-directory format ([`FORMAT`]).
    pub format: u32,
    /// Objective names, in vector order.
    pub objectives: Vec<String>,
    /// Every metric the domain measures (directions, units, meanings).
    #[serde(default)]
    pub metrics: Vec<MetricSpec>,
    /// Aggregation the search ranked by.
    #[serde(default)]
    pub aggregation: Aggregation,
    /// Hypervolume reference point.
    pub reference_point: Vec<f64>,
    /// The members, in id order.
    pub members: Vec<ArchiveMember>,
}

/// A run directory on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    /// Creates the folder (and `sources/`); it may exist already (e.g. an empty one).
    pub fn create(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root.join(SOURCES_DIR))
            .map_err(|e| SearchError::io(root.join(SOURCES_DIR), e))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Opens an existing run directory (it must hold a `run.toml`); stale temporary files of
    /// an interrupted write are removed.
    pub fn open(root: &Path) -> Result<Self> {
        let toml = root.join(RUN_TOML);
        if !toml.is_file() {
            return Err(SearchError::Resume {
                path: root.to_path_buf(),
                message: format!("no {RUN_TOML} in it (not a run directory)"),
            });
        }
        // A process killed while writing leaves its temporary file: remove those.
        if let Ok(entries) = std::fs::read_dir(root) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(".tmp-") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Path of a file inside the run directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Writes `run.toml`.
    pub fn write_config(&self, config: &RunConfig) -> Result<()> {
        let path = self.file(RUN_TOML);
        let text = toml::to_string(config).map_err(|e| SearchError::format(&path, e))?;
        write_atomic(&path, text.as_bytes())
    }

    /// Reads `run.toml`; a run of another format is refused with a clear message.
    pub fn read_config(&self) -> Result<RunConfig> {
        let path = self.file(RUN_TOML);
        let text = std::fs::read_to_string(&path).map_err(|e| SearchError::io(&path, e))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| SearchError::format(&path, e.message().trim()))?;
        check_format(&path, table.get("format").and_then(|v| v.as_integer()))?;
        toml::from_str(&text).map_err(|e| SearchError::format(&path, e.message().trim()))
    }

    /// Rewrites `generations.jsonl` with `records` (atomically).
    pub fn write_generations(&self, records: &[GenerationRecord]) -> Result<()> {
        let path = self.file(GENERATIONS_JSONL);
        let mut buf = Vec::new();
        for r in records {
            serde_json::to_writer(&mut buf, r).map_err(|e| SearchError::format(&path, e))?;
            buf.push(b'\n');
        }
        write_atomic(&path, &buf)
    }

    /// Reads `generations.jsonl` (empty when the file does not exist yet).
    pub fn read_generations(&self) -> Result<Vec<GenerationRecord>> {
        let path = self.file(GENERATIONS_JSONL);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(SearchError::io(&path, e)),
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .map_err(|e| SearchError::format(&path, format!("line {}: {e}", i + 1)))
            })
            .collect()
    }

    /// Writes `archive.json`.
    pub fn write_archive(&self, archive: &ArchiveFile) -> Result<()> {
        self.write_sealed(ARCHIVE_JSON, archive)
    }

    /// Reads `archive.json`; an archive of another format, or one whose checksum does not
    /// match (edited or truncated), is refused with a clear message.
    pub fn read_archive(&self) -> Result<ArchiveFile> {
        let path = self.file(ARCHIVE_JSON);
        let body = self
            .read_sealed(ARCHIVE_JSON)?
            .ok_or_else(|| SearchError::format(&path, "no archive written yet"))?;
        serde_json::from_slice(&body).map_err(|e| SearchError::format(&path, e))
    }

    /// Writes the source set of a structure to `sources/<structure_hash>/` (each file
    /// atomically; nothing is rewritten when the folder is already complete). Returns the
    /// folder relative to the run directory.
    pub fn write_sources(
        &self,
        structure_hash: &str,
        sources: &BTreeMap<String, String>,
    ) -> Result<String> {
        let rel = format!("{SOURCES_DIR}/{structure_hash}/");
        let dir = self.root.join(SOURCES_DIR).join(structure_hash);
        for (name, text) in sources {
            let rel_name = Path::new(name);
            if rel_name.is_absolute()
                || rel_name
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(SearchError::format(
                    &dir,
                    format!("source unit name `{name}` would leave the sources folder"),
                ));
            }
            let path = dir.join(rel_name);
            if std::fs::read_to_string(&path).is_ok_and(|t| t == *text) {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| SearchError::io(parent, e))?;
            }
            write_atomic(&path, text.as_bytes())?;
        }
        Ok(rel)
    }

    /// Removes the `sources/<hash>/` folders whose hash is not in `keep` (structures that
    /// left the archive), so `sources/` holds exactly the current members' source sets.
    pub fn prune_sources(&self, keep: &std::collections::BTreeSet<String>) -> Result<()> {
        let dir = self.root.join(SOURCES_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(SearchError::io(&dir, e)),
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && !keep.contains(&name) {
                std::fs::remove_dir_all(e.path()).map_err(|err| SearchError::io(e.path(), err))?;
            }
        }
        Ok(())
    }

    /// Writes the checkpoint (serde JSON, atomically).
    pub fn write_checkpoint<T: Serialize>(&self, state: &T) -> Result<()> {
        self.write_sealed(CHECKPOINT, state)
    }

    /// Reads the checkpoint; `None` when none was written yet. A checkpoint whose checksum
    /// does not match (edited by hand, truncated) is refused: resuming never silently
    /// diverges.
    pub fn read_checkpoint<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        let path = self.file(CHECKPOINT);
        match self.read_sealed(CHECKPOINT)? {
            None => Ok(None),
            Some(body) => serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| SearchError::format(&path, e)),
        }
    }

    /// Writes `value` as pretty JSON whose first key, `checksum`, is the SHA-256 of the rest
    /// (the file as it would be without that line), atomically.
    fn write_sealed<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let path = self.file(name);
        let mut body =
            serde_json::to_vec_pretty(value).map_err(|e| SearchError::format(&path, e))?;
        body.push(b'\n');
        let Some(rest) = body.strip_prefix(b"{\n") else {
            return Err(SearchError::format(&path, "not a JSON object"));
        };
        let mut out = Vec::with_capacity(body.len() + 96);
        out.extend_from_slice(
            format!("{{\n  \"{SEAL_KEY}\": \"{}\",\n", sha256_hex(&body)).as_bytes(),
        );
        out.extend_from_slice(rest);
        write_atomic(&path, &out)
    }

    /// Reads a file written by [`RunDir::write_sealed`] and checks its checksum; returns the
    /// JSON without the checksum line. `None` when the file does not exist.
    fn read_sealed(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let path = self.file(name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SearchError::io(&path, e)),
        };
        let head = format!("{{\n  \"{SEAL_KEY}\": \"");
        let Some(rest) = bytes.strip_prefix(head.as_bytes()) else {
            // An older run (format 1) had no checksum: say that first when it is one.
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
                && v.get("format").is_none()
                && name == ARCHIVE_JSON
            {
                check_format(&path, None)?;
            }
            return Err(SearchError::format(
                &path,
                "no checksum line: not written by this tsynth, or edited by hand; refusing to use it",
            ));
        };
        let (digest, body_rest) = match (rest.get(..64), rest.get(64..)) {
            (Some(d), Some(r)) if r.starts_with(b"\",\n") => (d, &r[3..]),
            _ => {
                return Err(SearchError::format(
                    &path,
                    "damaged checksum line; refusing to use it",
                ));
            }
        };
        let mut body = b"{\n".to_vec();
        body.extend_from_slice(body_rest);
        if sha256_hex(&body).as_bytes() != digest {
            return Err(SearchError::format(
                &path,
                "checksum mismatch: the file was changed or truncated after tsynth wrote it; \
                 refusing to use it (restore it, or start the run again)",
            ));
        }
        if name == ARCHIVE_JSON {
            let v: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| SearchError::format(&path, e))?;
            check_format(&path, v.get("format").and_then(|f| f.as_i64()))?;
        }
        Ok(Some(body))
    }

    /// Writes `value` as pretty JSON to `name` inside the run directory (atomically).
    pub fn write_json_file<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let path = self.file(name);
        let mut buf =
            serde_json::to_vec_pretty(value).map_err(|e| SearchError::format(&path, e))?;
        buf.push(b'\n');
        write_atomic(&path, &buf)
    }
}

/// The default run id: `<UTC YYYYmmdd-HHMMSS>-<stem>` for a Unix time in seconds.
pub fn default_run_id(unix_seconds: u64, stem: &str) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}-{stem}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct State {
        generation: u64,
        values: Vec<f64>,
    }

    #[test]
    fn a_run_of_the_older_format_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let rd = RunDir::create(dir.path()).unwrap();
        // Format 1: no `format` key, four fixed objectives, no checksum.
        std::fs::write(
            rd.file(ARCHIVE_JSON),
            r#"{"objectives": ["a", "b"], "reference_point": [1, 1], "members": []}"#,
        )
        .unwrap();
        let e = rd.read_archive().unwrap_err().to_string();
        assert!(e.contains("older tsynth (run-directory format 1"), "{e}");
        std::fs::write(rd.file(RUN_TOML), "command = \"evolve\"\nseed = 1\n").unwrap();
        let e = rd.read_config().unwrap_err().to_string();
        assert!(e.contains("older tsynth (run-directory format 1"), "{e}");
        std::fs::write(rd.file(RUN_TOML), "format = 3\ncommand = \"evolve\"\n").unwrap();
        let e = rd.read_config().unwrap_err().to_string();
        assert!(
            e.contains("run-directory format 3; this tsynth reads format 2"),
            "{e}"
        );
    }

    #[test]
    fn sealed_files_round_trip_and_refuse_tampering_and_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let rd = RunDir::create(dir.path()).unwrap();
        let state = State {
            generation: 7,
            values: vec![0.1, 1e-300, -2.5],
        };
        rd.write_checkpoint(&state).unwrap();
        let text = std::fs::read_to_string(rd.file(CHECKPOINT)).unwrap();
        assert!(text.starts_with("{\n  \"checksum\": \""), "{text}");
        assert_eq!(rd.read_checkpoint::<State>().unwrap(), Some(state));

        // A hand edit that keeps the JSON valid is refused.
        std::fs::write(
            rd.file(CHECKPOINT),
            text.replace("\"generation\": 7", "\"generation\": 8"),
        )
        .unwrap();
        let e = rd.read_checkpoint::<State>().unwrap_err().to_string();
        assert!(e.contains("checksum mismatch"), "{e}");
        // So is a truncated file, and one without the checksum line.
        std::fs::write(rd.file(CHECKPOINT), &text[..text.len() - 10]).unwrap();
        let e = rd.read_checkpoint::<State>().unwrap_err().to_string();
        assert!(e.contains("checksum mismatch"), "{e}");
        std::fs::write(rd.file(CHECKPOINT), "{\"generation\": 7, \"values\": []}").unwrap();
        let e = rd.read_checkpoint::<State>().unwrap_err().to_string();
        assert!(e.contains("no checksum line"), "{e}");
        assert_eq!(
            RunDir::create(&dir.path().join("fresh"))
                .unwrap()
                .read_checkpoint::<State>()
                .unwrap(),
            None
        );
    }

    #[test]
    fn run_ids_are_utc_timestamps() {
        assert_eq!(default_run_id(0, "amm"), "19700101-000000-amm");
        // 2000-02-29 12:34:56 UTC
        assert_eq!(default_run_id(951_827_696, "x"), "20000229-123456-x");
        // 2026-11-21 05:56:10 UTC
        assert_eq!(default_run_id(1_795_240_570, "g"), "20261121-055610-g");
    }

    #[test]
    fn atomic_write_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
    }

    #[test]
    fn generations_round_trip_and_sources_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let rd = RunDir::create(dir.path()).unwrap();
        assert!(rd.read_generations().unwrap().is_empty());
        let rec = GenerationRecord {
            generation: 3,
            evaluations: 10,
            total_evaluations: 40,
            feasible: 7,
            front_size: 5,
            hypervolume: 0.125,
            cache_hits: 2,
            compiles: 4,
            attack_searches: 3,
            hall_size: 1,
            seconds: 1.5,
        };
        rd.write_generations(&[rec.clone(), rec.clone()]).unwrap();
        assert_eq!(rd.read_generations().unwrap(), vec![rec.clone(), rec]);
        let mut src = BTreeMap::new();
        src.insert("core/A.sol".to_string(), "contract A {}".to_string());
        assert_eq!(rd.write_sources("abc", &src).unwrap(), "sources/abc/");
        assert!(dir.path().join("sources/abc/core/A.sol").is_file());
        src.insert("../evil.sol".to_string(), String::new());
        assert!(rd.write_sources("abc", &src).is_err());
        assert!(RunDir::open(&dir.path().join("nope")).is_err());
    }
}
