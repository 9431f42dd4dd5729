//! Emitted source sets compile with solc (through the tsynth-solc compiler service), and
//! the compiled constructor is the one the emitter describes.

use crate::common::{amm, mini};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;
use tsynth_grammar::{CANDIDATE_CONTRACT, Design, Emitted, operators};
use tsynth_solc::{CompileRequest, Compiler};

fn compile(em: &Emitted) -> Result<(), String> {
    let compiler = Compiler::shared().map_err(|e| e.to_string())?;
    let out = compiler
        .compile(&CompileRequest::new(em.sources.clone()))
        .map_err(|e| format!("{e:#}"))?;
    let c = out
        .contract(CANDIDATE_CONTRACT)
        .ok_or("no Candidate in the output")?;
    if c.bytecode.is_empty() {
        return Err("empty Candidate bytecode".into());
    }
    let ctor = c
        .abi
        .constructor
        .as_ref()
        .ok_or("Candidate has no constructor")?;
    let types: Vec<String> = ctor.inputs.iter().map(|p| p.ty.clone()).collect();
    let mut want: Vec<String> = em.core_params.iter().map(|p| p.sol_type.clone()).collect();
    want.push("uint256[]".into());
    if types != want {
        return Err(format!(
            "constructor inputs {types:?}, emitter says {want:?}"
        ));
    }
    Ok(())
}

fn compile_all(ems: Vec<Emitted>) {
    use rayon::prelude::*;
    let failures: Vec<String> = ems
        .par_iter()
        .filter_map(|em| {
            compile(em)
                .err()
                .map(|e| format!("{}: {e}", &em.structure_hash[..12]))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_structure_of_the_fixture_grammar_compiles() {
    let lib = mini();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut seen = std::collections::BTreeMap::new();
    // draw until all 18 derivations are seen (uniform sampler: a few dozen draws)
    for _ in 0..2000 {
        let g = operators::random_genotype(&lib, &mut rng);
        let d = lib.decode(&g).unwrap();
        seen.entry(d.active.clone())
            .or_insert_with(|| lib.emit(&d).unwrap());
        if seen.len() == 18 {
            break;
        }
    }
    assert_eq!(seen.len(), 18);
    // derivations giving the same blocks share a structure hash: 12 distinct block sets
    let mut ems: Vec<Emitted> = seen.into_values().collect();
    ems.sort_by(|a, b| a.structure_hash.cmp(&b.structure_hash));
    ems.dedup_by(|a, b| a.structure_hash == b.structure_hash);
    assert_eq!(ems.len(), 12);
    compile_all(ems);
}

#[test]
fn random_samples_of_amm_compile() {
    let lib = amm();
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let ems: Vec<Emitted> = (0..12)
        .map(|_| {
            lib.emit(
                &lib.decode(&operators::random_genotype(&lib, &mut rng))
                    .unwrap(),
            )
            .unwrap()
        })
        .collect();
    compile_all(ems);
}

#[test]
fn the_known_designs_compile() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../designs");
    let mut ems = Vec::new();
    for f in ["ocean-v3.toml", "ocean-v4.toml", "ocean-v4.1.toml"] {
        let (_, l, g) = Design::load(&dir.join(f)).unwrap();
        ems.push(l.emit(&l.decode(&g).unwrap()).unwrap());
    }
    compile_all(ems);
}
