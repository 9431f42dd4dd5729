//! The domains this tsynth knows: the one place in the CLI that names a domain. A scenario
//! picks its domain with `domain = "..."` (the first entry when it names none).

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use tsynth_sim::{DomainEntry, Registry, ScenarioError, SimError, Simulate};
use tsynth_solc::{Compiler, Settings};
use tsynth_verify::{Space, SpaceError};

/// Every registered domain (the first is the default). Each entry reads a scenario with
/// uncontrollable variables (`{ lognormal = [..] }` and the like, see docs/verify.md) at
/// their nominal values, so every command accepts such a file; `tsynth verify` varies them.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::new(vec![
            Box::new(Nominal(Box::new(tsynth_amm::entry()))),
            Box::new(Nominal(Box::new(tsynth_vault::entry()))),
        ])
    })
}

/// A domain entry that substitutes nominal values for a scenario's uncontrollable variables
/// before its domain reads it.
struct Nominal(Box<dyn DomainEntry>);

impl DomainEntry for Nominal {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn about(&self) -> &'static str {
        self.0.about()
    }

    fn simulator(
        &self,
        text: &str,
        path: &Path,
        compiler: &'static Compiler,
        blocks_dir: &Path,
        settings: Settings,
    ) -> Result<Box<dyn Simulate>, SimError> {
        let space = scenario_space(text, path).map_err(SimError::Scenario)?;
        if space.is_empty() {
            return self.0.simulator(text, path, compiler, blocks_dir, settings);
        }
        static SAID: AtomicBool = AtomicBool::new(false);
        if !SAID.swap(true, Ordering::Relaxed) {
            eprintln!(
                "note: {}: scenario has {} uncontrollable variable(s); using nominal values — \
                 `tsynth verify` varies them",
                path.display(),
                space.len()
            );
        }
        self.0.simulator(
            &space.render_nominal(),
            path,
            compiler,
            blocks_dir,
            settings,
        )
    }
}

fn scenario_error(e: SpaceError) -> ScenarioError {
    ScenarioError::Invalid {
        path: e.path,
        line: e.line,
        col: e.col,
        message: e.message,
    }
}

/// The uncontrollable variables of scenario `text` (`path` names it in messages). The
/// engine's `[run]` table and `domain` cannot vary: they fix the length, tick and seeds of
/// every condition.
pub fn scenario_space(text: &str, path: &Path) -> Result<Space, ScenarioError> {
    let space = Space::parse(text, path).map_err(scenario_error)?;
    for (i, v) in space.variables().iter().enumerate() {
        if v.name == "domain" || v.name.starts_with("run.") {
            return Err(scenario_error(space.error_at(
                i,
                format!(
                    "`{}` cannot vary: `domain` and the [run] table fix the length, tick and \
                     seeds of every condition",
                    v.name
                ),
            )));
        }
    }
    Ok(space)
}

/// The design `tsynth tune` compares with by default, for the domain scenario `path` names
/// (`None` when the scenario cannot be read; its errors are reported by the tuner).
pub fn default_baseline(path: &Path) -> Option<&'static str> {
    let text = tsynth_sim::scenario::read(path).ok()?;
    let domain = registry().for_scenario(&text, path).ok()?.name();
    match domain {
        // The exploited July-2022 design: what a new pool must beat.
        "amm" => Some("designs/ocean-v4.toml"),
        "vault" => Some("designs/vault-naive.toml"),
        _ => None,
    }
}

/// The criteria file `tsynth criteria` and `front show` apply by default to designs of
/// `domain` (`None`: the domain has no criteria table yet).
pub fn default_criteria(domain: &str) -> Option<&'static str> {
    match domain {
        // The seed's seven Ocean V4.1 goals as measured rules.
        "amm" => Some("criteria/ocean-v41.toml"),
        _ => None,
    }
}

/// The metric in which `domain` stores the risk its adversaries found (what `tsynth attack
/// --run` checks the full search against).
pub fn attack_risk_metric(domain: &str) -> Option<&'static str> {
    match domain {
        "amm" => Some("rug_risk"),
        _ => None,
    }
}

/// Finds `domain`'s default criteria file: under the working directory, else next to an
/// ancestor of `near` (e.g. a run's grammar: `grammars/amm.grammar` → `criteria/...`).
pub fn find_criteria(domain: &str, near: Option<&Path>) -> Option<std::path::PathBuf> {
    let rel = Path::new(default_criteria(domain)?);
    if rel.is_file() {
        return Some(rel.to_path_buf());
    }
    near?.ancestors().map(|a| a.join(rel)).find(|p| p.is_file())
}

/// Reads scenario `path` and builds its domain's simulator over `blocks_dir`.
pub fn simulator(path: &Path, blocks_dir: &Path) -> Result<Box<dyn Simulate>> {
    let text = tsynth_sim::scenario::read(path)?;
    simulator_from_text(&text, path, blocks_dir)
}

/// Builds the simulator of scenario `text` (`path` names it in messages).
pub fn simulator_from_text(
    text: &str,
    path: &Path,
    blocks_dir: &Path,
) -> Result<Box<dyn Simulate>> {
    let compiler = Compiler::shared()?;
    registry()
        .simulator(text, path, compiler, blocks_dir, Settings::default())
        .with_context(|| format!("setting up the simulation of {}", path.display()))
}
