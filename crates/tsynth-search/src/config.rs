//! The evolve configuration: built-in defaults, a TOML file (`--config FILE`), and checks.
//!
//! Every key of the file is optional; unknown keys and bad values are reported as
//! `FILE:LINE:COL: message`. The command line overrides the file; the file overrides the
//! defaults.
//!
//! ```toml
//! grammar = "grammars/amm.grammar"
//! scenario = "scenarios/search.toml"
//! seed = 1
//! pop = 10            # per age layer
//! gens = 38           # generations after the initial population
//! seeds = 2           # simulation seeds per evaluation (youngest layer)
//! threads = 2         # informational; results never depend on it
//! out = "runs/my-run"
//! init_designs = ["designs/ocean-v4.1.toml"]
//! compare = ["designs/ocean-v3.toml", "designs/ocean-v4.toml"]
//!
//! [engine]
//! mode = "alps"             # or "nsga2"
//! layers = 3
//! age_gap = 4
//! aggregation = "mean"      # or "worst"
//! held_out_seeds = 8
//! extra_seeds_per_layer = 1 # MOJITO-R: older layers get more seeds ...
//! max_seeds = 4             # ... up to this many
//! reference_point = [0.1, 0.1, 1.0, 200.0]  # default: each objective's declared reference
//! archive_cap = 100
//! survival = "Auto"         # NSGA-II for 1-2 objectives, NSGA-III from 3; or "RankCrowding"
//!
//! [variation]               # variation-aware synthesis (off by default), crate::variation
//! corners = "corners/robust-v41.toml"
//! samples = 2
//! extra_samples_per_layer = 2
//! from_layer = 1
//! held_out_samples = 16
//! ```
//!
//! Objectives and constraints default to the domain's (see `tsynth_sim::Domain::
//! default_selection`); a file can choose others among the domain's metrics:
//!
//! ```toml
//! objectives = ["cost", "risk", "complexity"]
//! constraints = [
//!     { metric = "revert_rate", max = 0.1 },
//!     { metric = "success_rate", min = 0.5 },
//! ]
//! better = { improve = ["risk"], no_worse = ["cost"] }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use tsynth_sim::metrics::{BetterRule, Constraint, Selection};
use tsynth_text::line_col;

use crate::error::{Result, SearchError};
use crate::rundir::Aggregation;
use crate::variation::VariationSettings;

/// Attack evaluations per probed state of the full attack search an archive candidate gets
/// (`[engine] attack_budget`); the one-design commands use the same.
pub const DEFAULT_ATTACK_BUDGET: u32 = 40;
/// Attack evaluations per probed state of the held-out re-score's search
/// (`[engine] final_attack_budget`): `tsynth attack`'s default, so that the front's stored
/// rug risk comes from a search as strong as the check a token engineer runs afterwards.
pub const DEFAULT_FINAL_ATTACK_BUDGET: u32 = 400;
/// Largest population per layer a run accepts.
pub const MAX_POPULATION: u64 = 100_000;
/// Largest number of generations a run accepts.
pub const MAX_GENERATIONS: u64 = 10_000_000;
/// Largest number of simulation seeds (per evaluation, held out, per layer) a run accepts.
pub const MAX_SEEDS: u64 = 10_000;
/// Largest number of ALPS layers a run accepts.
pub const MAX_LAYERS: u64 = 1_000;
/// Largest archive cap a run accepts.
pub const MAX_ARCHIVE: u64 = 1_000_000;

/// Engine mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineMode {
    /// NSGA-II inside ALPS age layers (MOJITO).
    #[default]
    Alps,
    /// Plain NSGA-II.
    Nsga2,
}

/// Engine settings (`[engine]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineSettings {
    /// ALPS or plain NSGA-II.
    pub mode: EngineMode,
    /// ALPS age layers.
    pub layers: usize,
    /// ALPS age gap (generations).
    pub age_gap: u32,
    /// Mean or worst over seeds, for ranking.
    pub aggregation: Aggregation,
    /// Held-out seeds for the final re-score (never used during search); 0 = none.
    pub held_out_seeds: u32,
    /// MOJITO-R: extra seeds per age layer above the youngest.
    pub extra_seeds_per_layer: u32,
    /// Cap on seeds per evaluation (with `extra_seeds_per_layer`).
    pub max_seeds: u32,
    /// Hypervolume reference point, one value per objective in natural units (empty: each
    /// objective's declared reference value).
    pub reference_point: Vec<f64>,
    /// Archive size cap (pruned by `tsynth_moo::Archive::prune`, keeping the extremes).
    pub archive_cap: usize,
    /// Survival selection inside each layer: `"Auto"` (rank and crowding for 1–2
    /// objectives, NSGA-III from 3), `"RankCrowding"` (NSGA-II), `"SmsEmoa"`, or
    /// `{ Nsga3 = { directions = "Auto" } }` (see tsynth-moo's README).
    pub survival: tsynth_moo::Survival,
    /// Attack evaluations per probed state of the full attack search every seed that is
    /// feasible at the end of its run gets, in the search, the held-out re-score and the
    /// known designs (0: none; only the domain's in-simulation screens attack).
    pub attack_budget: u32,
    /// Attack evaluations per probed state of the held-out re-score's full search (the
    /// first held-out seed of every archive member and known design, feasible or not), ten
    /// times `attack_budget` by default: the verdicts a token engineer reads come from the
    /// strong search, the ranking during the search from the cheap one (0: `attack_budget`).
    pub final_attack_budget: u32,
    /// Attacks kept in the run's hall of fame (0: no hall).
    pub hall_size: usize,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            mode: EngineMode::Alps,
            layers: 3,
            age_gap: 4,
            aggregation: Aggregation::Mean,
            held_out_seeds: 8,
            extra_seeds_per_layer: 1,
            max_seeds: 4,
            reference_point: Vec::new(),
            archive_cap: 100,
            survival: tsynth_moo::Survival::Auto,
            attack_budget: DEFAULT_ATTACK_BUDGET,
            final_attack_budget: DEFAULT_FINAL_ATTACK_BUDGET,
            hall_size: crate::hall::DEFAULT_HALL_SIZE,
        }
    }
}

/// The whole evolve configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Grammar file.
    pub grammar: Option<PathBuf>,
    /// Scenario file (default: `scenarios/search.toml`).
    pub scenario: PathBuf,
    /// Run seed.
    pub seed: u64,
    /// Population size (per layer in ALPS mode).
    pub pop: usize,
    /// Generations after the initial population.
    pub gens: u64,
    /// Simulation seeds per evaluation (youngest age layer).
    pub seeds: u32,
    /// Worker threads (0 = all cores); results never depend on it.
    pub threads: usize,
    /// Run directory (default `runs/<timestamp>-<grammar>`).
    pub out: Option<PathBuf>,
    /// Known designs injected into the initial population.
    pub init_designs: Vec<PathBuf>,
    /// Designs to compare the final front with (default: `designs/*.toml` of the grammar).
    pub compare: Option<Vec<PathBuf>>,
    /// Objectives among the domain's metrics (empty: the domain's default objectives).
    pub objectives: Vec<String>,
    /// Constraints (absent: the domain's defaults; `[]`: none).
    pub constraints: Option<Vec<Constraint>>,
    /// What "better than a known design" means (absent: the domain's rule).
    pub better: Option<BetterRule>,
    /// Engine settings.
    pub engine: EngineSettings,
    /// Variation-aware synthesis: corners and Monte Carlo conditions (off by default; see
    /// [`crate::variation`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variation: Option<VariationSettings>,
    /// The file and text the configuration was read from (for positions in later checks).
    #[serde(skip)]
    pub origin: Option<(PathBuf, String)>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            grammar: None,
            scenario: PathBuf::from("scenarios/search.toml"),
            seed: 1,
            pop: 10,
            gens: 38,
            seeds: 2,
            threads: 0,
            out: None,
            init_designs: Vec::new(),
            compare: None,
            objectives: Vec::new(),
            constraints: None,
            better: None,
            engine: EngineSettings::default(),
            variation: None,
            origin: None,
        }
    }
}

/// Byte offset of `key = ...` at the start of a line (after indentation), else 0.
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

impl SearchConfig {
    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = tsynth_text::read_text(path)?;
        Self::parse(text.as_str(), path)
    }

    /// Parses configuration text (`path` names the file in messages) and checks it.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let normalized = tsynth_text::normalize(text);
        let text: &str = &normalized;
        let at = |offset: usize, message: &str| {
            let (line, col) = line_col(text, offset);
            SearchError::Config(format!("{}:{line}:{col}: {message}", path.display()))
        };
        let config: SearchConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            at(offset, e.message().trim())
        })?;
        let mut config = config;
        config
            .validate()
            .map_err(|(key, message)| at(key_offset(text, key), &message))?;
        config.origin = Some((path.to_path_buf(), text.to_string()));
        Ok(config)
    }

    /// The run's selection and hypervolume reference point (ranking space) against the
    /// simulator's metrics and default selection. Errors name the configuration key, with
    /// its position when the configuration came from a file.
    pub fn resolve(&self, sim: &dyn tsynth_sim::Simulate) -> Result<(Selection, Vec<f64>)> {
        let fail = |key: &str, message: String| {
            SearchError::Config(match &self.origin {
                Some((path, text)) => {
                    let (line, col) = line_col(text, key_offset(text, key));
                    format!("{}:{line}:{col}: {message}", path.display())
                }
                None => message,
            })
        };
        let default = sim.selection();
        let selection = Selection {
            objectives: if self.objectives.is_empty() {
                default.objectives.clone()
            } else {
                self.objectives.clone()
            },
            constraints: self
                .constraints
                .clone()
                .unwrap_or_else(|| default.constraints.clone()),
            better: self
                .better
                .clone()
                .unwrap_or_else(|| default.better.clone()),
        };
        selection
            .validate(sim.metrics())
            .map_err(|m| fail("objectives", m))?;
        let names = &selection.objectives;
        let reference = if self.engine.reference_point.is_empty() {
            selection.reference_point(sim.metrics())
        } else {
            if self.engine.reference_point.len() != names.len() {
                return Err(fail(
                    "reference_point",
                    format!(
                        "`reference_point` needs {} values ({}), got {}",
                        names.len(),
                        names.join(", "),
                        self.engine.reference_point.len()
                    ),
                ));
            }
            names
                .iter()
                .zip(&self.engine.reference_point)
                .map(|(n, &r)| tsynth_sim::metrics::direction_of(sim.metrics(), n).to_ranking(r))
                .collect()
        };
        Ok((selection, reference))
    }

    /// Checks the values; on error returns the offending key and a message.
    pub fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        let e = &self.engine;
        // Upper limits, checked before any work or any directory is created: beyond them a
        // run would exhaust memory or never end, and a seed beyond i64 cannot be written to
        // run.toml (TOML integers are 64-bit signed).
        let limits: [(&'static str, u64, u64); 9] = [
            ("seed", self.seed, i64::MAX as u64),
            ("pop", self.pop as u64, MAX_POPULATION),
            ("gens", self.gens, MAX_GENERATIONS),
            ("seeds", u64::from(self.seeds), MAX_SEEDS),
            ("layers", e.layers as u64, MAX_LAYERS),
            ("held_out_seeds", u64::from(e.held_out_seeds), MAX_SEEDS),
            (
                "extra_seeds_per_layer",
                u64::from(e.extra_seeds_per_layer),
                MAX_SEEDS,
            ),
            ("max_seeds", u64::from(e.max_seeds), MAX_SEEDS),
            ("archive_cap", e.archive_cap as u64, MAX_ARCHIVE),
        ];
        for (key, v, max) in limits {
            if v > max {
                return Err((key, format!("`{key}` is {v}; at most {max} is supported")));
            }
        }
        if self.pop < 2 {
            return Err(("pop", format!("`pop` must be at least 2, got {}", self.pop)));
        }
        if self.seeds == 0 {
            return Err(("seeds", "`seeds` must be at least 1".into()));
        }
        if e.layers == 0 {
            return Err(("layers", "`layers` must be at least 1".into()));
        }
        if e.age_gap == 0 {
            return Err(("age_gap", "`age_gap` must be at least 1".into()));
        }
        if e.max_seeds < self.seeds {
            return Err((
                "max_seeds",
                format!(
                    "`max_seeds` ({}) must be at least `seeds` ({})",
                    e.max_seeds, self.seeds
                ),
            ));
        }
        if e.reference_point.iter().any(|v| !v.is_finite()) {
            return Err((
                "reference_point",
                "`reference_point` values must be finite".into(),
            ));
        }
        if e.archive_cap == 0 {
            return Err(("archive_cap", "`archive_cap` must be at least 1".into()));
        }
        let layers = match e.mode {
            EngineMode::Alps => e.layers,
            EngineMode::Nsga2 => 1,
        };
        if let Some(v) = &self.variation {
            v.validate(layers)?;
        }
        Ok(())
    }

    /// Simulation seeds per evaluation in age layer `layer` (MOJITO-R).
    pub fn seeds_for_layer(&self, layer: usize) -> u32 {
        let extra = u64::from(self.engine.extra_seeds_per_layer) * layer as u64;
        (u64::from(self.seeds) + extra).min(u64::from(self.engine.max_seeds.max(self.seeds))) as u32
    }

    /// The most seeds any evaluation uses.
    pub fn max_seeds(&self) -> u32 {
        let top = match self.engine.mode {
            EngineMode::Alps => self.engine.layers.saturating_sub(1),
            EngineMode::Nsga2 => 0,
        };
        self.seeds_for_layer(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        SearchConfig::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn defaults_are_valid_and_partial_files_keep_them() {
        assert!(SearchConfig::default().validate().is_ok());
        let c =
            SearchConfig::parse("pop = 4\n[engine]\nmode = \"nsga2\"\n", Path::new("c")).unwrap();
        assert_eq!(c.pop, 4);
        assert_eq!(c.engine.mode, EngineMode::Nsga2);
        assert_eq!(c.gens, SearchConfig::default().gens);
        assert_eq!(c.engine.layers, EngineSettings::default().layers);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert!(
            err("pop = 4\npopulation = 3\n").starts_with("c.toml:2:1: unknown field `population`")
        );
        let e = err("[engine]\nmode = \"alsp\"\n");
        assert!(e.starts_with("c.toml:2:8:"), "{e}");
        assert!(e.contains("alps"), "{e}");
        assert_eq!(
            err("seed = 1\n  pop = 1\n"),
            "c.toml:2:3: `pop` must be at least 2, got 1"
        );
        let e = err("[engine]\nreference_point = [nan]\n");
        assert!(e.starts_with("c.toml:2:1: `reference_point` values"), "{e}");
        assert!(err("gens = -1\n").starts_with("c.toml:1:8:"));
    }

    #[test]
    fn bom_and_crlf_keep_positions_and_non_finite_numbers_are_refused() {
        let e = err("\u{feff}seed = 1\r\npop = 1\r\n");
        assert_eq!(e, "c.toml:2:1: `pop` must be at least 2, got 1");
        let e = err("seed = 1\rgens = 3\r[engine]\rreference_point = [1.0, inf]\r");
        assert!(e.starts_with("c.toml:4:1: `reference_point` values"), "{e}");
        let c = SearchConfig::parse("\u{feff}pop = 4\r\n", Path::new("c")).unwrap();
        assert_eq!(c.pop, 4);
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_byte() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, b"pop = 4\ngens = \"\xff\"\n").unwrap();
        let e = SearchConfig::load(&p).unwrap_err().to_string();
        assert!(e.contains("c.toml:2:9: invalid UTF-8"), "{e}");
        assert_eq!(e.matches("c.toml").count(), 1, "{e}");
    }

    #[test]
    fn huge_counts_and_seeds_are_refused_before_any_work() {
        let e = err("[engine]\nheld_out_seeds = 4000000000\n");
        assert!(
            e.starts_with("c.toml:2:1: `held_out_seeds` is 4000000000; at most 10000"),
            "{e}"
        );
        let e = err("[engine]\nextra_seeds_per_layer = 100000\n");
        assert!(e.starts_with("c.toml:2:1: `extra_seeds_per_layer`"), "{e}");
        let c = SearchConfig {
            seed: u64::MAX,
            ..Default::default()
        };
        let (key, msg) = c.validate().unwrap_err();
        assert_eq!(key, "seed");
        assert!(msg.contains("at most 9223372036854775807"), "{msg}");
    }

    #[test]
    fn mojito_r_seed_counts() {
        let mut c = SearchConfig {
            seeds: 2,
            ..Default::default()
        };
        c.engine.extra_seeds_per_layer = 1;
        c.engine.max_seeds = 3;
        c.engine.layers = 4;
        assert_eq!(c.seeds_for_layer(0), 2);
        assert_eq!(c.seeds_for_layer(1), 3);
        assert_eq!(c.seeds_for_layer(3), 3);
        assert_eq!(c.max_seeds(), 3);
        c.engine.mode = EngineMode::Nsga2;
        assert_eq!(c.max_seeds(), 2);
    }
}
