//! Hostile input (issue 19): deep nesting, unrepresentable numbers, NaN and infinities,
//! byte-order marks, CR and CRLF line endings, invalid UTF-8. Each refusal names
//! FILE:LINE:COL; nothing aborts the process.

use crate::common::{HEADER, fixtures, parse};
use std::path::{Path, PathBuf};
use tsynth_grammar::limits::{MAX_EXPR_TOKENS, MAX_GRAMMAR_NESTING, MAX_PART_DEPTH};
use tsynth_grammar::{Design, ErrorKind, GrammarError, Library, Pos};

const TAIL: &str = "compound Root {\n use FlatPrice\n use ZeroFee\n use NoCap\n}\nstart Root\n";

/// The single diagnostic of `kind` in `e`, or a panic listing them all.
fn only(e: &GrammarError, kind: ErrorKind) -> tsynth_grammar::GrammarDiagnostic {
    let of_kind: Vec<_> = e.diagnostics.iter().filter(|d| d.kind == kind).collect();
    assert_eq!(of_kind.len(), 1, "want one {kind:?} in:\n{e}");
    of_kind[0].clone()
}

/// A grammar whose root compound binds `pct` of PctFee to `expr`.
fn with_binding(expr: &str) -> String {
    format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 0.1] default 0.01\n}}\ncompound Root {{\n level: real in [0, 0.1] default 0.01\n use FlatPrice\n use PctFee with pct = {expr}\n use NoCap\n}}\nstart Root\n"
    )
}

/// Runs `f` on a thread with a small (256 KiB) stack: a reader that recursed once per
/// nesting level would overflow it and abort the whole test binary.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

// ---- nesting ----------------------------------------------------------------------------

#[test]
fn deeply_nested_brackets_in_an_expression_are_refused_at_the_first_too_deep() {
    let n = 100_000;
    let expr = format!("{}level{}", "(".repeat(n), ")".repeat(n));
    let text = with_binding(&expr);
    let e = on_small_stack(move || parse(&text).unwrap_err());
    let d = only(&e, ErrorKind::TooDeep);
    // line 16 holds the binding; the first `(` is at column 24 and the compound's `{` is
    // one level already
    assert_eq!(
        d.pos,
        Pos::new(16, 24 + MAX_GRAMMAR_NESTING as u32 - 1),
        "{d}"
    );
    assert!(d.message.contains("nested more than 32 deep"), "{d}");
    assert!(d.file.ends_with("test.grammar"));
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let n = MAX_GRAMMAR_NESTING - 2; // the compound's `{` is one level; keep one spare
    let expr = format!("{}level{}", "(".repeat(n), ")".repeat(n));
    parse(&with_binding(&expr)).unwrap();
}

#[test]
fn long_unary_and_power_chains_are_refused_without_overflow() {
    for expr in [
        format!("{}level", "- ".repeat(200_000)),
        format!("level{}", " ^ 1".repeat(100_000)),
        format!("level{}", " + 1".repeat(100_000)),
    ] {
        let text = with_binding(&expr);
        let e = on_small_stack(move || parse(&text).unwrap_err());
        let d = only(&e, ErrorKind::TooDeep);
        assert_eq!(d.pos.line, 16, "{d}");
        assert!(
            d.message.contains("expression longer than 512 tokens"),
            "{d}"
        );
    }
    // a long but legal expression still works
    let ok = format!("level{}", " + 0".repeat(MAX_EXPR_TOKENS / 2 - 2));
    parse(&with_binding(&ok)).unwrap();
}

#[test]
fn a_long_chain_of_compounds_is_refused_at_its_head() {
    let n = 50_000;
    let mut text = String::from(HEADER);
    for i in 0..n {
        text += &format!("compound C{i} {{ use C{} }}\n", i + 1);
    }
    text += &format!("compound C{n} {{ use FlatPrice\n use ZeroFee\n use NoCap }}\nstart C0\n");
    let e = on_small_stack(move || parse(&text).unwrap_err());
    let d = only(&e, ErrorKind::TooDeep);
    assert_eq!(d.pos, Pos::new(10, 10), "{d}");
    assert!(d.message.contains(&format!("{} levels", n + 2)), "{d}");
    // at the limit it is fine
    let mut text = String::from(HEADER);
    let n = MAX_PART_DEPTH - 2;
    for i in 0..n {
        text += &format!("compound C{i} {{ use C{} }}\n", i + 1);
    }
    text += &format!("compound C{n} {{ use FlatPrice\n use ZeroFee\n use NoCap }}\nstart C0\n");
    parse(&text).unwrap();
}

/// Copies `from` into `to` recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A temporary copy of the fixtures with `grammar` as `t.grammar`; returns its path.
fn fixture_copy(dir: &Path, grammar: &[u8]) -> PathBuf {
    copy_dir(&fixtures().join("blocks"), &dir.join("blocks"));
    let g = dir.join("t.grammar");
    std::fs::write(&g, grammar).unwrap();
    g
}

/// A block file whose `_limit` body nests `n` parentheses.
fn nested_sol(n: usize) -> String {
    format!(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport \"../core/MiniCore.sol\";\nabstract contract NoCap is MiniCore {{\n    function _limit(uint256 a) internal pure override {{ a = {}a{}; }}\n}}\n",
        "(".repeat(n),
        ")".repeat(n)
    )
}

#[test]
fn solidity_nesting_up_to_the_limit_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let g = fixture_copy(dir.path(), format!("{HEADER}{TAIL}").as_bytes());
    // contract and function braces are two levels
    let n = tsynth_grammar::limits::MAX_SOLIDITY_NESTING - 2;
    std::fs::write(dir.path().join("blocks/limit/NoCap.sol"), nested_sol(n)).unwrap();
    on_small_stack(move || Library::load(&g).map(|_| ())).unwrap();
}

#[test]
fn deeply_nested_solidity_is_refused_before_solang_parser() {
    let dir = tempfile::tempdir().unwrap();
    let g = fixture_copy(dir.path(), format!("{HEADER}{TAIL}").as_bytes());
    let sol_path = dir.path().join("blocks/limit/NoCap.sol");
    std::fs::write(&sol_path, nested_sol(200_000)).unwrap();
    let e = on_small_stack(move || Library::load(&g).unwrap_err());
    let d = only(&e, ErrorKind::TooDeep);
    assert!(d.file.ends_with("limit/NoCap.sol"), "{d}");
    // contract `{` and function `{` are two levels; the 127th `(` is the 129th level
    let first = "    function _limit(uint256 a) internal pure override { a = ".len() as u32 + 1;
    assert_eq!(d.pos, Pos::new(5, first + 126), "{d}");
}

// ---- numbers ----------------------------------------------------------------------------

fn range_error(decl: &str) -> tsynth_grammar::GrammarDiagnostic {
    let text = format!("{HEADER}block PctFee for fee {{\n {decl}\n}}\n{TAIL}");
    let e = parse(&text).unwrap_err();
    only(&e, ErrorKind::NotRepresentable)
}

#[test]
fn ranges_that_cannot_reach_uint256_are_refused_where_written() {
    let d = range_error("pct: real in [0, 1e100] default 0.01");
    assert_eq!(d.pos, Pos::new(11, 15), "{d}"); // the `[`
    assert!(
        d.message
            .contains("1e100 has no 1e18 fixed-point uint256 encoding"),
        "{d}"
    );
    let d = range_error("pct: real in [1e-30, 1] log default 0.01");
    assert!(d.message.contains("below the 1e-18 resolution"), "{d}");
    let d = range_error("pct: integer in [0, 1e20] default 1");
    assert!(d.message.contains("above 2^53"), "{d}");
    // the largest encodable reals and 2^53 are fine
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [1e-18, 1e59] log default 1\n}}\n{TAIL}"
    );
    parse(&text).unwrap();
}

#[test]
fn infinite_numbers_in_a_grammar_are_refused_at_their_position() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 1e999] default 0.01\n}}\n{TAIL}"
    );
    let e = parse(&text).unwrap_err();
    let d = only(&e, ErrorKind::NotRepresentable);
    assert_eq!(d.pos, Pos::new(11, 19), "{d}");
    assert!(d.message.contains("`1e999` is too large"), "{d}");
    // `nan` and `inf` are not numbers in a grammar
    for word in ["nan", "inf"] {
        let text = format!(
            "{HEADER}block PctFee for fee {{\n pct: real in [0, 1] default {word}\n}}\n{TAIL}"
        );
        let e = parse(&text).unwrap_err();
        let d = only(&e, ErrorKind::Syntax);
        assert_eq!(d.pos, Pos::new(11, 30), "{d}");
        assert!(
            d.message
                .contains(&format!("expected a number, found `{word}`")),
            "{d}"
        );
    }
}

/// Writes `text` as a design file for the mini fixture grammar and loads it.
fn load_design(bytes: &[u8]) -> Result<(), GrammarError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.toml");
    let grammar = fixtures().join("mini.grammar");
    let text = String::from_utf8_lossy(bytes).replace("GRAMMAR", &grammar.to_string_lossy());
    let mut raw = bytes.to_vec();
    if std::str::from_utf8(bytes).is_ok() {
        raw = text.into_bytes();
    } else {
        // keep the invalid bytes; only substitute the grammar path in the valid prefix
        let at = bytes.windows(7).position(|w| w == b"GRAMMAR").unwrap();
        raw.splice(at..at + 7, grammar.to_string_lossy().bytes());
    }
    std::fs::write(&path, raw).unwrap();
    Design::load(&path).map(|_| ())
}

#[test]
fn nan_and_infinities_in_a_design_are_refused_not_defaulted() {
    for (value, col) in [
        ("nan", 5),
        ("+inf", 5),
        ("-inf", 5),
        ("1e999", 5),
        ("\"1e999 %\"", 1),
    ] {
        let t = format!("grammar = \"GRAMMAR\"\n[CurvePrice]\nk = {value}\n");
        let e = load_design(t.as_bytes()).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(e.diagnostics.len(), 1, "{e}");
        assert_eq!((d.pos.line, d.pos.col), (3, col), "{value}: {d}");
        assert!(d.message.contains("not a finite number"), "{value}: {d}");
    }
    // a finite value of the same shape loads
    load_design(b"grammar = \"GRAMMAR\"\n[CurvePrice]\nk = 0.5\n").unwrap();
}

// ---- text: BOM, CR, CRLF, invalid UTF-8 -------------------------------------------------

/// The mini grammar with `\n` replaced by `eol`, and an error on its line 10 if `broken`.
fn mini_with(eol: &str, bom: bool, broken: bool) -> Vec<u8> {
    let mut text = std::fs::read_to_string(fixtures().join("mini.grammar")).unwrap();
    if broken {
        text = text.replace("block FlatPrice for price", "block FlatPrice for prize");
    }
    let mut out = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    out.extend(text.replace('\n', eol).into_bytes());
    out
}

#[test]
fn grammars_with_bom_cr_or_crlf_load_like_lf_ones() {
    let dir = tempfile::tempdir().unwrap();
    let reference = tsynth_grammar::Library::load(&fixtures().join("mini.grammar")).unwrap();
    for (eol, bom) in [
        ("\r\n", false),
        ("\r", false),
        ("\n", true),
        ("\r", true),
        ("\r\n", true),
    ] {
        let g = fixture_copy(dir.path(), &mini_with(eol, bom, false));
        let lib = Library::load(&g).unwrap_or_else(|e| panic!("{eol:?} bom={bom}: {e}"));
        assert_eq!(lib.structure_count(), reference.structure_count());
        assert_eq!(lib.tree.len(), reference.tree.len());
        // positions are the editor's: same as in the LF file
        let g2 = fixture_copy(dir.path(), &mini_with(eol, bom, true));
        let e = Library::load(&g2).unwrap_err();
        let d = only(&e, ErrorKind::UnknownName);
        assert_eq!(d.pos, Pos::new(10, 21), "{eol:?} bom={bom}: {d}");
    }
}

#[test]
fn invalid_utf8_in_a_grammar_is_reported_at_its_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = mini_with("\n", false, false);
    // line 2 is `grammar mini`: break the `m` of `mini` (column 9)
    let at = bytes
        .windows(12)
        .position(|w| w == b"grammar mini")
        .unwrap()
        + 8;
    bytes[at] = 0xFF;
    let g = fixture_copy(dir.path(), &bytes);
    let e = Library::load(&g).unwrap_err();
    let d = only(&e, ErrorKind::Encoding);
    assert_eq!(d.pos, Pos::new(2, 9), "{d}");
    assert!(
        d.message
            .contains(&format!("byte 0xFF at byte offset {at}")),
        "{d}"
    );
    assert_eq!(e.to_string().matches("t.grammar").count(), 1, "{e}");
}

#[test]
fn invalid_utf8_in_a_block_is_reported_in_the_block_file() {
    let dir = tempfile::tempdir().unwrap();
    let g = fixture_copy(dir.path(), format!("{HEADER}{TAIL}").as_bytes());
    let sol = dir.path().join("blocks/limit/NoCap.sol");
    let mut bytes = std::fs::read(&sol).unwrap();
    bytes.extend_from_slice(b"// caf\xE9\n");
    std::fs::write(&sol, bytes).unwrap();
    let e = Library::load(&g).unwrap_err();
    let d = only(&e, ErrorKind::Encoding);
    assert!(d.file.ends_with("limit/NoCap.sol"), "{d}");
    assert_eq!(d.pos, Pos::new(9, 7), "{d}");
}

#[test]
fn designs_with_bom_and_cr_load_and_invalid_utf8_is_positioned() {
    load_design(b"\xEF\xBB\xBFgrammar = \"GRAMMAR\"\r[CurvePrice]\rk = 0.5\r").unwrap();
    load_design(b"grammar = \"GRAMMAR\"\r\n[CurvePrice]\r\nk = 0.5\r\n").unwrap();
    let e = load_design(b"grammar = \"GRAMMAR\"\n[CurvePrice]\n# \xC3(\nk = 0.5\n").unwrap_err();
    let d = only(&e, ErrorKind::Encoding);
    assert_eq!(d.pos, Pos::new(3, 3), "{d}");
    assert!(d.file.ends_with("d.toml"));
}

// ---- properties of the bounds -----------------------------------------------------------

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Parentheses around a binding: accepted up to the limit (the compound's `{` is one
    /// level), refused beyond it at the first `(` too deep.
    #[test]
    fn expression_nesting_is_accepted_exactly_up_to_the_limit(n in 0usize..120) {
        let expr = format!("{}level{}", "(".repeat(n), ")".repeat(n));
        let r = parse(&with_binding(&expr));
        if n < MAX_GRAMMAR_NESTING {
            prop_assert!(r.is_ok(), "{n}: {:?}", r.err());
        } else {
            let e = r.unwrap_err();
            let d = only(&e, ErrorKind::TooDeep);
            prop_assert_eq!(d.pos, Pos::new(16, 24 + MAX_GRAMMAR_NESTING as u32 - 1));
        }
    }

    /// A real range `[0, 10^k]` is accepted exactly when 10^k * 1e18 fits in a uint256.
    #[test]
    fn real_ranges_are_accepted_exactly_when_encodable(k in 0i32..90, mant in 1u32..10) {
        let hi = f64::from(mant) * 10f64.powi(k);
        let text = format!("{HEADER}block PctFee for fee {{\n pct: real in [0, {hi:e}] default 0\n}}\n{TAIL}");
        let r = parse(&text);
        let encodable = tsynth_grammar::wad::to_wad(hi).is_ok();
        prop_assert_eq!(r.is_ok(), encodable, "hi {:e}: {:?}", hi, r.err());
        if !encodable {
            prop_assert!(r.unwrap_err().has_kind(ErrorKind::NotRepresentable));
        }
    }
}
