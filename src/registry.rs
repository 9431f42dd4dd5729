//! The domains this tsynth knows: the one place in the CLI that names a domain. A scenario
//! picks its domain with `domain = "..."` (the first entry when it names none).

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use tsynth_sim::{Registry, Simulate};
use tsynth_solc::{Compiler, Settings};

/// Every registered domain (the first is the default).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::new(vec![
            Box::new(tsynth_amm::entry()),
            Box::new(tsynth_vault::entry()),
        ])
    })
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
