//! Shared fixtures: the repository's paths, one simulator per process, designs compiled from
//! the grammar.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tsynth_evm::U256;
use tsynth_grammar::{Design, Library};
use tsynth_sim::{SimEvaluation, Simulate, Simulator};
use tsynth_solc::{Compiler, Settings};
use tsynth_vault::{Scenario, VaultDomain};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn scenario() -> Scenario {
    Scenario::load(&repo().join("scenarios/vault.toml")).expect("scenario parses")
}

pub fn grammar() -> Library {
    Library::load(&repo().join("grammars/vault.grammar")).expect("grammar loads")
}

/// The simulator of the repository's scenario, built once (the environment is compiled once).
pub fn simulator() -> &'static Simulator<VaultDomain> {
    static SIM: OnceLock<Simulator<VaultDomain>> = OnceLock::new();
    SIM.get_or_init(|| {
        Simulator::new(
            VaultDomain,
            scenario(),
            Compiler::shared().expect("compiler"),
            &grammar().blocks_dir,
            Settings::default(),
        )
        .expect("environment deploys")
    })
}

/// A design file of `designs/`, emitted: the source set and the block parameters.
pub fn design(name: &str) -> (BTreeMap<String, String>, Vec<U256>) {
    let (_, library, genotype) =
        Design::load(&repo().join("designs").join(name)).expect("design loads");
    let derivation = library.decode(&genotype).expect("decodes");
    let emitted = library.emit(&derivation).expect("emits");
    (emitted.sources.clone(), emitted.param_words())
}

/// Evaluates a design on the scenario's first `seeds` consecutive seeds.
pub fn evaluate(name: &str, seeds: u32) -> SimEvaluation {
    let (sources, params) = design(name);
    let seeds = tsynth_sim::seeds::consecutive(1, seeds);
    simulator().evaluate(&sources, &params, 0, &seeds, false).0
}
