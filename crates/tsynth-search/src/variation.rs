//! Variation-aware synthesis (issue 14, MOJITO-R): scoring candidates on the conditions a
//! design cannot control, not only on the nominal market.
//!
//! The scenario's uncontrollable variables (docs/verify.md) define the conditions. A
//! `[variation]` table of the evolve configuration turns them on:
//!
//! ```toml
//! [variation]
//! corners = "corners/robust-v41.toml"  # written by `tsynth verify` (its corners.toml)
//! samples = 2                # Monte Carlo conditions in the first varied layer ...
//! extra_samples_per_layer = 2  # ... and this many more per older layer
//! from_layer = 1             # younger layers score on the nominal market only (cheap)
//! held_out_samples = 16      # fresh conditions of the held-out re-score (a verify run)
//! ```
//!
//! A `[variation]` table with neither corners nor samples keeps the search nominal and only
//! makes the held-out re-score a verification (the baseline of a comparison).
//!
//! Schedule (MOJITO-R): an evaluation in age layer `l < from_layer` scores on the nominal
//! scenario with the layer's seeds, as without variation; from `from_layer` on it also scores
//! on every corner (at the corner's agent seed, so it reproduces the worst case `verify`
//! found) and on the first `samples + extra_samples_per_layer · (l − from_layer)` Monte
//! Carlo conditions of the search stream. Every condition counts like a seed: the objectives
//! are the mean (or worst) over all of them and a candidate is feasible only when it is
//! feasible in every one. An individual that ages into a layer with more conditions is scored
//! again there ([`tsynth_moo::Problem::tier`]), and only scores on the most conditions enter
//! the archive, so a nominal-only score never competes with a robust one.
//!
//! The held-out re-score becomes a verification: the held-out seeds on the nominal market
//! plus `held_out_samples` fresh Monte Carlo conditions (a stream the search never saw), and
//! its **yield** — the share of those conditions in which the design meets every constraint —
//! with a Clopper–Pearson interval.
//!
//! Conditions other than the nominal one get the hall of fame replayed at the end of each
//! run (the screen), not the full attack search: the search runs on the nominal market's
//! first seed only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tsynth_sim::{Registry, Simulate};
use tsynth_text::line_col;
use tsynth_verify::Space;

use crate::error::{Result, SearchError};
use crate::rundir::Score;

/// Stream offset of the held-out Monte Carlo conditions (never those of the search).
const HELD_OUT_STREAM: u64 = 0x6865_6c64_6f75_7421;

/// The `[variation]` table of the evolve configuration (off by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VariationSettings {
    /// The corners file of a `tsynth verify` run (`corners.toml`).
    pub corners: Option<PathBuf>,
    /// Monte Carlo conditions per evaluation in layer `from_layer`.
    pub samples: u32,
    /// More Monte Carlo conditions per layer above `from_layer`.
    pub extra_samples_per_layer: u32,
    /// The first age layer scored on corners and samples.
    pub from_layer: usize,
    /// Fresh Monte Carlo conditions of the held-out re-score.
    pub held_out_samples: u32,
}

impl Default for VariationSettings {
    fn default() -> Self {
        Self {
            corners: None,
            samples: 0,
            extra_samples_per_layer: 0,
            from_layer: 1,
            held_out_samples: 16,
        }
    }
}

impl VariationSettings {
    /// True when the search scores no condition beyond the nominal market (the held-out
    /// re-score may still verify on fresh conditions).
    pub fn search_is_nominal(&self) -> bool {
        self.corners.is_none() && self.samples == 0 && self.extra_samples_per_layer == 0
    }

    /// Checks the values; on error returns the offending key and a message.
    pub fn validate(&self, layers: usize) -> std::result::Result<(), (&'static str, String)> {
        if !self.search_is_nominal() && self.from_layer >= layers {
            return Err((
                "from_layer",
                format!(
                    "`from_layer` ({}) must name one of the {layers} age layer(s) (0..{}): \
                     otherwise no evaluation scores the conditions",
                    self.from_layer,
                    layers - 1
                ),
            ));
        }
        for (key, v) in [
            ("samples", self.samples),
            ("extra_samples_per_layer", self.extra_samples_per_layer),
            ("held_out_samples", self.held_out_samples),
        ] {
            if v > MAX_SAMPLES {
                return Err((
                    key,
                    format!("`{key}` is {v}; at most {MAX_SAMPLES} is supported"),
                ));
            }
        }
        Ok(())
    }

    /// Monte Carlo conditions an evaluation in `layer` scores on.
    pub fn samples_for_layer(&self, layer: usize) -> usize {
        if layer < self.from_layer {
            return 0;
        }
        let extra = u64::from(self.extra_samples_per_layer) * (layer - self.from_layer) as u64;
        (u64::from(self.samples) + extra) as usize
    }
}

/// Most Monte Carlo conditions per evaluation or held-out re-score.
pub const MAX_SAMPLES: u32 = 10_000;

/// One condition other than the nominal market: a value of every uncontrollable variable and
/// an agent seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionRecord {
    /// `c1`.. for corners (their ids in the corners file), `s0`.. for the search's Monte
    /// Carlo conditions, `h0`.. for the held-out ones.
    pub name: String,
    /// The agent seed.
    pub agent_seed: u64,
    /// Every variable's value, in the scenario's order.
    pub values: Vec<f64>,
}

/// Every condition of a run, stored in the run directory (`variation.json`) so that a resume
/// never reads the corners file again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariationFile {
    /// The variables' names, in the scenario's order.
    pub variables: Vec<String>,
    /// The corners (scored from `from_layer` on).
    pub corners: Vec<ConditionRecord>,
    /// The search's Monte Carlo conditions (the first `samples_for_layer` are used).
    pub samples: Vec<ConditionRecord>,
    /// The held-out re-score's fresh conditions.
    pub held_out: Vec<ConditionRecord>,
}

#[derive(Deserialize)]
struct CornersToml {
    #[serde(default)]
    agent_seed: Option<u64>,
    #[serde(default)]
    corner: Vec<CornerToml>,
    #[serde(flatten)]
    _rest: toml::Table,
}

#[derive(Deserialize)]
struct CornerToml {
    id: String,
    values: toml::Table,
    #[serde(flatten)]
    _rest: toml::Table,
}

fn read_corners(path: &Path, space: &Space, fallback_seed: u64) -> Result<Vec<ConditionRecord>> {
    let text = tsynth_text::read_text(path)?;
    let text = tsynth_text::normalize(text.as_str()).into_owned();
    let at = |offset: usize, message: String| {
        let (line, col) = line_col(&text, offset);
        SearchError::Config(format!("{}:{line}:{col}: {message}", path.display()))
    };
    let file: CornersToml = toml::from_str(&text).map_err(|e| {
        at(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_string(),
        )
    })?;
    if file.corner.is_empty() {
        return Err(at(
            0,
            "no [[corner]] table: expected the corners.toml of a `tsynth verify` run".into(),
        ));
    }
    let find = |needle: &str| text.find(needle).unwrap_or(0);
    let seed = file.agent_seed.unwrap_or(fallback_seed);
    let mut out = Vec::new();
    for c in &file.corner {
        let mut values = Vec::with_capacity(space.len());
        for v in space.variables() {
            let Some(x) = c.values.get(&v.name) else {
                return Err(at(
                    find(&format!("id = \"{}\"", c.id)),
                    format!(
                        "corner `{}` gives no value for `{}`, a variable of scenario {}: the \
                         corners must come from a `tsynth verify` run on the same scenario",
                        c.id,
                        v.name,
                        space.path().display()
                    ),
                ));
            };
            let x = x
                .as_float()
                .or_else(|| x.as_integer().map(|i| i as f64))
                .filter(|x| x.is_finite());
            let Some(x) = x else {
                return Err(at(
                    find(&format!("\"{}\" =", v.name)),
                    format!("corner `{}`: `{}` must be a finite number", c.id, v.name),
                ));
            };
            let (lo, hi) = v.bounds();
            if x < lo - 1e-9 * lo.abs().max(1.0) || x > hi + 1e-9 * hi.abs().max(1.0) {
                return Err(at(
                    find(&format!("\"{}\" =", v.name)),
                    format!(
                        "corner `{}`: `{}` = {x} lies outside the variable's box [{lo}, {hi}] \
                         in {}",
                        c.id,
                        v.name,
                        space.path().display()
                    ),
                ));
            }
            values.push(x);
        }
        if let Some(name) = c
            .values
            .keys()
            .find(|k| !space.variables().iter().any(|v| &v.name == *k))
        {
            return Err(at(
                find(&format!("\"{name}\" =")),
                format!(
                    "corner `{}`: `{name}` is not an uncontrollable variable of scenario {}",
                    c.id,
                    space.path().display()
                ),
            ));
        }
        out.push(ConditionRecord {
            name: c.id.clone(),
            agent_seed: seed,
            values,
        });
    }
    Ok(out)
}

fn monte_carlo(space: &Space, seed: u64, n: usize, prefix: &str) -> Vec<ConditionRecord> {
    tsynth_verify::conditions(space, seed, n)
        .into_iter()
        .map(|c| ConditionRecord {
            name: format!("{prefix}{}", c.index),
            agent_seed: c.agent_seed,
            values: c.values,
        })
        .collect()
}

impl VariationFile {
    /// Resolves the settings against the scenario: reads the corners and draws the Monte
    /// Carlo conditions (search stream from `seed`, held-out stream from a fixed offset of
    /// it). `None` when variation is off.
    pub fn resolve(
        settings: Option<&VariationSettings>,
        scenario_text: &str,
        scenario_path: &Path,
        seed: u64,
        top_layer: usize,
    ) -> Result<Option<Self>> {
        let Some(settings) = settings else {
            return Ok(None);
        };
        let space = Space::parse(scenario_text, scenario_path)
            .map_err(|e| SearchError::Config(e.to_string()))?;
        if space.is_empty() {
            return Err(SearchError::Config(format!(
                "[variation] is on but scenario {} has no uncontrollable variables (inline \
                 tables such as `{{ lognormal = [500.0, 0.5] }}`, docs/verify.md)",
                scenario_path.display()
            )));
        }
        let corners = match &settings.corners {
            Some(p) => read_corners(p, &space, 1)?,
            None => Vec::new(),
        };
        Ok(Some(Self {
            variables: space.variables().iter().map(|v| v.name.clone()).collect(),
            corners,
            samples: monte_carlo(&space, seed, settings.samples_for_layer(top_layer), "s"),
            held_out: monte_carlo(
                &space,
                seed ^ HELD_OUT_STREAM,
                settings.held_out_samples as usize,
                "h",
            ),
        }))
    }
}

/// A condition ready to simulate.
pub struct Condition {
    /// Its record.
    pub record: ConditionRecord,
    /// The simulator of the scenario rendered at its values.
    pub sim: Arc<dyn Simulate>,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condition")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

/// The run's conditions with their simulators: corners, then the search's samples, then the
/// held-out ones (indices into [`Conditions::all`]).
#[derive(Debug, Default)]
pub struct Conditions {
    all: Vec<Arc<Condition>>,
    corners: usize,
    samples: usize,
}

impl Conditions {
    /// Builds a simulator per condition from the scenario rendered at its values, with
    /// `nominal`'s objectives and constraints.
    pub fn build(
        file: &VariationFile,
        registry: &Registry,
        scenario_text: &str,
        scenario_path: &Path,
        blocks_dir: &Path,
        nominal: &dyn Simulate,
    ) -> Result<Self> {
        let space = Space::parse(scenario_text, scenario_path)
            .map_err(|e| SearchError::Config(e.to_string()))?;
        let names: Vec<String> = space.variables().iter().map(|v| v.name.clone()).collect();
        if names != file.variables {
            return Err(SearchError::Config(format!(
                "the stored conditions vary {:?} but scenario {} has {:?}",
                file.variables,
                scenario_path.display(),
                names
            )));
        }
        let compiler = tsynth_solc::Compiler::shared()?;
        let records: Vec<&ConditionRecord> = file
            .corners
            .iter()
            .chain(&file.samples)
            .chain(&file.held_out)
            .collect();
        let mut all = Vec::with_capacity(records.len());
        for r in records {
            let text = space.render(&r.values);
            let mut sim = registry
                .simulator(
                    &text,
                    scenario_path,
                    compiler,
                    blocks_dir,
                    nominal.settings().clone(),
                )
                .map_err(|e| {
                    SearchError::Config(format!(
                        "condition {} of scenario {}: {e}",
                        r.name,
                        scenario_path.display()
                    ))
                })?;
            sim.set_selection(nominal.selection().clone())?;
            all.push(Arc::new(Condition {
                record: r.clone(),
                sim: Arc::from(sim),
            }));
        }
        Ok(Self {
            all,
            corners: file.corners.len(),
            samples: file.samples.len(),
        })
    }

    /// Every condition.
    pub fn all(&self) -> &[Arc<Condition>] {
        &self.all
    }

    /// Number of corners.
    pub fn corner_count(&self) -> usize {
        self.corners
    }

    /// Number of the search's Monte Carlo conditions (the oldest layer's).
    pub fn sample_count(&self) -> usize {
        self.samples
    }

    /// True when there is no condition besides the nominal scenario.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The conditions an evaluation in `layer` scores on besides the nominal market.
    pub fn for_layer(
        &self,
        settings: Option<&VariationSettings>,
        layer: usize,
    ) -> Vec<Arc<Condition>> {
        let Some(settings) = settings else {
            return Vec::new();
        };
        if layer < settings.from_layer || self.all.is_empty() || settings.search_is_nominal() {
            return Vec::new();
        }
        let n = settings.samples_for_layer(layer).min(self.samples);
        self.all[..self.corners]
            .iter()
            .chain(&self.all[self.corners..self.corners + n])
            .cloned()
            .collect()
    }

    /// The held-out re-score's fresh conditions.
    pub fn held_out(&self) -> Vec<Arc<Condition>> {
        self.all[self.corners + self.samples..].to_vec()
    }
}

/// The held-out yield of a score: conditions (outcomes labelled with a held-out condition,
/// `h..`) in which every constraint held, and their number; `None` without such conditions.
pub fn held_out_yield(score: &Score) -> Option<(u64, u64)> {
    let mut passed = 0;
    let mut n = 0;
    for o in &score.per_seed {
        if o.condition.as_deref().is_some_and(|c| c.starts_with('h')) {
            n += 1;
            if o.violation <= 0.0 && o.failure.is_none() {
                passed += 1;
            }
        }
    }
    (n > 0).then_some((passed, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "[pool]\ninitial_base = { uniform = [300.0, 2000.0] }\n\
                            [[agents]]\ncapital = { lognormal = [500.0, 0.5] }\n";

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn settings(corners: Option<PathBuf>) -> VariationSettings {
        VariationSettings {
            corners,
            samples: 2,
            extra_samples_per_layer: 3,
            ..VariationSettings::default()
        }
    }

    #[test]
    fn schedule_grows_with_the_layer_from_from_layer() {
        let s = settings(None);
        assert_eq!(s.samples_for_layer(0), 0);
        assert_eq!(s.samples_for_layer(1), 2);
        assert_eq!(s.samples_for_layer(2), 5);
        assert!(VariationSettings::default().search_is_nominal());
        assert_eq!(VariationSettings::default().samples_for_layer(3), 0);
        assert!(s.validate(3).is_ok());
        let (key, msg) = s.validate(1).unwrap_err();
        assert_eq!(key, "from_layer");
        assert!(msg.contains("age layer"), "{msg}");
    }

    #[test]
    fn corners_are_read_by_variable_name_and_checked_against_the_box() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(
            dir.path(),
            "c.toml",
            "agent_seed = 7\n[[corner]]\nid = \"c1\"\ncovers = [\"x\"]\n[corner.values]\n\
             \"agents[0].capital\" = 2000.0\n\"pool.initial_base\" = 300\n",
        );
        let f = VariationFile::resolve(
            Some(&settings(Some(good))),
            SCENARIO,
            Path::new("s.toml"),
            1,
            2,
        )
        .unwrap()
        .unwrap();
        assert_eq!(f.variables, ["pool.initial_base", "agents[0].capital"]);
        assert_eq!(f.corners.len(), 1);
        assert_eq!(f.corners[0].values, [300.0, 2000.0]);
        assert_eq!(f.corners[0].agent_seed, 7);
        assert_eq!(f.samples.len(), 5);
        assert_eq!(f.held_out.len(), 16);
        // held-out conditions are a different stream from the search's
        assert_ne!(f.samples[0].values, f.held_out[0].values);
        assert_eq!(f.samples[0].name, "s0");
        assert_eq!(f.held_out[3].name, "h3");

        let missing = write(
            dir.path(),
            "m.toml",
            "[[corner]]\nid = \"c1\"\n[corner.values]\n\"pool.initial_base\" = 300\n",
        );
        let e = VariationFile::resolve(
            Some(&settings(Some(missing.clone()))),
            SCENARIO,
            Path::new("s.toml"),
            1,
            2,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(&format!("{}:2:1:", missing.display())) && e.contains("agents[0]"),
            "{e}"
        );
        let outside = write(
            dir.path(),
            "o.toml",
            "[[corner]]\nid = \"c1\"\n[corner.values]\n\"pool.initial_base\" = 100\n\
             \"agents[0].capital\" = 500\n",
        );
        let e = VariationFile::resolve(
            Some(&settings(Some(outside.clone()))),
            SCENARIO,
            Path::new("s.toml"),
            1,
            2,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(":4:1:") && e.contains("outside"), "{e}");
        let e = VariationFile::resolve(
            Some(&settings(None)),
            "[pool]\ninitial_base = 10.0\n",
            Path::new("plain.toml"),
            1,
            2,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no uncontrollable variables"), "{e}");
    }
}
