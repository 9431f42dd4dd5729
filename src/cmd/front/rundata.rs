//! Reading a run directory (`runs/<id>/`) for `tsynth front`, through the shared types of
//! `tsynth_search::rundir`: `run.toml`, `archive.json`, `generations.jsonl` and the members'
//! Solidity under `sources/`.
//!
//! Every failure names the path, and unknown ids or objectives list the valid choices.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tsynth_search::rundir::{
    ARCHIVE_JSON, ArchiveFile, ArchiveMember, GenerationRecord, ParamRecord, RUN_TOML, RunConfig,
    RunDir,
};
use tsynth_sim::SeedOutcome;

pub use tsynth_search::rundir::Aggregation;

/// `--aggregate` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggArg {
    /// Mean over seeds.
    Mean,
    /// Worst (largest) over seeds.
    Worst,
}

impl From<AggArg> for Aggregation {
    fn from(a: AggArg) -> Self {
        match a {
            AggArg::Mean => Aggregation::Mean,
            AggArg::Worst => Aggregation::Worst,
        }
    }
}

/// A parameter's value as shown to a person, with its unit.
pub fn param_display(p: &ParamRecord) -> String {
    let v = if p.value.fract() == 0.0 && p.value.abs() < 1e15 {
        format!("{}", p.value as i64)
    } else {
        super::list::fmt_num(p.value)
    };
    if p.unit.is_empty() {
        v
    } else {
        format!("{v} {}", p.unit)
    }
}

/// The value of objective `name` in one seed's outcome (+∞ when unknown).
pub fn seed_value(s: &SeedOutcome, name: &str) -> f64 {
    s.values.get(name).copied().unwrap_or(f64::INFINITY)
}

/// The smallest `horizon_coverage` of a member over its seeds (search and held-out), when
/// below 1: the member was judged before its longest schedule (auction, vesting, lock, ...)
/// had run. `None` when every seed covered it (or the run predates the metric).
pub fn short_horizon(m: &tsynth_search::rundir::ArchiveMember) -> Option<f64> {
    m.per_seed
        .iter()
        .chain(m.held_out.iter().flat_map(|h| h.per_seed.iter()))
        .filter_map(|s| s.values.get(tsynth_sim::HORIZON_COVERAGE).copied())
        .min_by(f64::total_cmp)
        .filter(|&c| c < 1.0)
}

/// One line that says a member was judged before its schedule ran, if it was.
pub fn horizon_note(m: &tsynth_search::rundir::ArchiveMember) -> Option<String> {
    short_horizon(m).map(|c| {
        format!(
            "judged before its schedule ran: the simulated horizon covers {:.1}% of the \
             design's longest time-based schedule (horizon_coverage {})",
            100.0 * c,
            super::list::fmt_num(c)
        )
    })
}

/// A loaded run directory.
#[derive(Debug, Clone)]
pub struct Run {
    /// The directory.
    pub dir: PathBuf,
    /// `run.toml`.
    pub config: RunConfig,
    /// `archive.json`.
    pub archive: ArchiveFile,
    /// `generations.jsonl` (empty when the file is missing).
    pub generations: Vec<GenerationRecord>,
}

impl Run {
    /// Loads the run in `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            bail!(
                "{}: no such directory (expected a run directory written by `tsynth evolve` or `tsynth tune`)",
                dir.display()
            );
        }
        if !dir.join(RUN_TOML).is_file() {
            bail!(
                "{}: not a run directory (no {RUN_TOML}; runs are written by `tsynth evolve` and `tsynth tune`)",
                dir.display()
            );
        }
        let rd = RunDir::open(dir)?;
        let config = rd.read_config()?;
        let archive_path = dir.join(ARCHIVE_JSON);
        if !archive_path.is_file() {
            bail!(
                "{}: missing archive (the run has not finished a generation yet?)",
                archive_path.display()
            );
        }
        let archive = rd.read_archive()?;
        let mut seen = std::collections::BTreeSet::new();
        for m in &archive.members {
            if !seen.insert(m.id.as_str()) {
                bail!("{}: duplicate member id `{}`", archive_path.display(), m.id);
            }
        }
        if archive.reference_point.len() != archive.objectives.len() {
            bail!(
                "{}: {} objective(s) but a reference point of {} value(s)",
                archive_path.display(),
                archive.objectives.len(),
                archive.reference_point.len()
            );
        }
        let generations = rd.read_generations()?;
        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            archive,
            generations,
        })
    }

    /// The aggregation the search ranked by.
    pub fn aggregation(&self) -> Aggregation {
        self.archive.aggregation
    }

    /// The member with `id`, or an error listing the valid ids.
    pub fn member(&self, id: &str) -> Result<&ArchiveMember> {
        self.archive
            .members
            .iter()
            .find(|m| m.id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = self.archive.members.iter().map(|m| m.id.as_str()).collect();
                anyhow::anyhow!(
                    "unknown member id `{id}` in {} (valid: {})",
                    self.dir.join(ARCHIVE_JSON).display(),
                    if ids.is_empty() {
                        "none, the archive is empty".to_string()
                    } else {
                        ids.join(", ")
                    }
                )
            })
    }

    /// Index of objective `name`, or an error listing the valid names.
    pub fn objective(&self, name: &str) -> Result<usize> {
        self.archive
            .objectives
            .iter()
            .position(|o| o == name)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown objective `{name}` for {} (valid: {})",
                    self.dir.display(),
                    self.archive.objectives.join(", ")
                )
            })
    }

    /// Objective vector of `m` under `agg`, in archive order (missing values are +∞).
    pub fn vector(&self, m: &ArchiveMember, agg: Aggregation) -> Vec<f64> {
        m.objectives
            .vector(agg, &self.archive.objectives)
            .into_iter()
            .map(|v| if v.is_nan() { f64::INFINITY } else { v })
            .collect()
    }

    /// Objective vector of `m` as the optimiser ranks it (maximised objectives negated, so
    /// smaller is better everywhere; missing values are +∞), in archive order.
    pub fn ranking_vector(&self, m: &ArchiveMember, agg: Aggregation) -> Vec<f64> {
        let metrics = &self.archive.metrics;
        self.archive
            .objectives
            .iter()
            .zip(self.vector(m, agg))
            .map(|(n, v)| {
                if v.is_infinite() {
                    v
                } else {
                    tsynth_sim::metrics::direction_of(metrics, n).to_ranking(v)
                }
            })
            .collect()
    }

    /// Folder holding the member's Solidity.
    pub fn sources_dir(&self, m: &ArchiveMember) -> PathBuf {
        if m.sources.is_empty() {
            self.dir.join("sources").join(&m.structure_hash)
        } else {
            self.dir.join(&m.sources)
        }
    }

    /// The member's Solidity files (relative name → text), read from its `sources` folder.
    pub fn sources(&self, m: &ArchiveMember) -> Result<BTreeMap<String, String>> {
        let root = self.sources_dir(m);
        if !root.is_dir() {
            bail!(
                "{}: sources of member `{}` are missing",
                root.display(),
                m.id
            );
        }
        let mut out = BTreeMap::new();
        collect_files(&root, &root, &mut out)?;
        Ok(out)
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect_files(root, &p, out)?;
        } else if !e.file_name().to_string_lossy().starts_with(".tmp-") {
            let text =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy();
            out.insert(rel.replace('\\', "/"), text);
        }
    }
    Ok(())
}
