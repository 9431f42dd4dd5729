//! The grammar reader on arbitrary bytes: never aborts, every error is positioned.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // blocks "blocks" resolves to the grammar crate's test fixtures
    let path = tsynth_fuzz::repo().join("crates/tsynth-grammar/tests/fixtures/fuzz.grammar");
    let Some(text) = tsynth_fuzz::text(&path, data) else { return };
    if let Err(e) = tsynth_grammar::Library::from_source(&path, &text) {
        tsynth_fuzz::check_positions(&text, &e);
    }
});
