//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use tsynth_grammar::{GrammarError, Library, Pos};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The hand-countable fixture grammar (18 structures).
pub fn mini() -> Library {
    Library::load(&fixtures().join("mini.grammar")).expect("mini.grammar is valid")
}

/// The real pool grammar.
pub fn amm() -> Library {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../grammars/amm.grammar");
    Library::load(&p).expect("amm.grammar is valid")
}

/// Header of small test grammars (9 lines): three slots and one block per slot.
pub const HEADER: &str = "grammar t
blocks \"blocks\"
core MiniCore \"core/MiniCore.sol\"
slot price: _price
slot fee: _fee
slot limit: _limit
block FlatPrice for price
block ZeroFee for fee
block NoCap for limit
";

/// Parses grammar text as if it were `tests/fixtures/test.grammar`.
pub fn parse(text: &str) -> Result<Library, GrammarError> {
    Library::from_source(&fixtures().join("test.grammar"), text)
}

/// 1-based line/column of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn pos_of(text: &str, needle: &str, nth: usize) -> Pos {
    let off = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0;
    Pos::from_offset(text, off)
}
