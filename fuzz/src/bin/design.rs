//! The design reader on arbitrary bytes, checked against the real pool grammar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tsynth_grammar::{Design, Library};

static AMM: OnceLock<Library> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let lib = AMM.get_or_init(|| {
        Library::load(&tsynth_fuzz::repo().join("grammars/amm.grammar")).expect("amm.grammar")
    });
    let path = tsynth_fuzz::repo().join("designs/fuzz.toml");
    let Some(text) = tsynth_fuzz::text(&path, data) else { return };
    let result = Design::parse(&path, &text).and_then(|d| lib.genotype_from_design(&d));
    match result {
        Ok(g) => {
            // an accepted design decodes and round-trips through its design text
            let d = lib.decode(&g).expect("accepted design decodes");
            let _ = lib.constructor_args(&d).expect("accepted design encodes");
        }
        Err(e) => tsynth_fuzz::check_positions(&text, &e),
    }
});
