//! Shared set-up of the fuzz targets: where the fixtures are, and decoding input bytes the
//! way every reader of the project does (`tsynth_text::decode`).

use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `fuzz/`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Decodes fuzz input as a file's bytes: `None` for invalid UTF-8 (after checking that the
/// error names a position inside the input).
pub fn text(path: &Path, data: &[u8]) -> Option<String> {
    match tsynth_text::decode(path, data.to_vec()) {
        Ok(t) => Some(t.into_string()),
        Err(tsynth_text::TextError::InvalidUtf8 { offset, .. }) => {
            assert!(offset < data.len(), "invalid UTF-8 reported past the end");
            None
        }
        Err(e) => panic!("decoding bytes cannot fail with {e}"),
    }
}

/// Every diagnostic names a position inside the text (lines and columns from 1, the line
/// within the text's line count).
pub fn check_positions(text: &str, e: &tsynth_grammar::GrammarError) {
    assert!(!e.diagnostics.is_empty());
    let lines = text.split('\n').count() as u32;
    for d in &e.diagnostics {
        assert!(d.pos.line >= 1 && d.pos.col >= 1, "{d}");
        if d.file.extension().is_some_and(|x| x == "grammar" || x == "toml") {
            assert!(d.pos.line <= lines.max(1), "{d} (text has {lines} lines)");
        }
    }
}
