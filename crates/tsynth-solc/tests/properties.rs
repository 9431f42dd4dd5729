//! Property tests of the pure helpers: line/column computation and the import scanner.

use proptest::prelude::*;
use tsynth_solc::{line_col, scan_imports};

/// Reference: walk the characters one by one.
fn naive(text: &str, offset: usize) -> (u32, u32) {
    let (mut line, mut col) = (1u32, 1u32);
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

proptest! {
    #[test]
    fn line_col_matches_a_character_walk(text in "[a-z é€\\n\\t]{0,80}", pick in 0usize..100) {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = boundaries[pick % boundaries.len()];
        prop_assert_eq!(line_col(&text, offset), naive(&text, offset));
    }

    #[test]
    fn import_scanner_never_panics_and_finds_planted_imports(
        noise in "[a-z;{}\"'/*\\n ]{0,60}",
        path in "[a-z]{1,8}(/[a-z]{1,8}){0,2}\\.sol",
    ) {
        let _ = scan_imports(&noise);
        let src = format!("pragma solidity ^0.8.0;\nimport \"{path}\";\ncontract A {{}}\n// {noise}\n");
        let found = scan_imports(&src);
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(&found[0].path, &path);
        prop_assert_eq!(found[0].line, 2);
    }
}
