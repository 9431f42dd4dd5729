//! Malformed grammars: one test per kind of error, asserting the message and the position;
//! the parser never panics.

use crate::common::{HEADER, fixtures, parse, pos_of};
use proptest::prelude::*;
use tsynth_grammar::{ErrorKind, GrammarDiagnostic as Diagnostic, GrammarError};

const TAIL: &str =
    "compound Root {\n    use FlatPrice\n    use ZeroFee\n    use NoCap\n}\nstart Root\n";

fn err(text: &str) -> GrammarError {
    match parse(text) {
        Ok(_) => panic!("grammar unexpectedly valid:\n{text}"),
        Err(e) => e,
    }
}

/// The single diagnostic of `kind`, checked to be in the test grammar file at `pos`.
fn expect(e: &GrammarError, kind: ErrorKind, pos: tsynth_grammar::Pos, msg: &str) -> Diagnostic {
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} diagnostic in:\n{e}"))
        .clone();
    assert_eq!(d.pos, pos, "position of {kind:?}: {d}");
    assert!(
        d.message.contains(msg),
        "message `{}` lacks `{msg}`",
        d.message
    );
    let shown = d.to_string();
    let prefix = format!("{}:{}:{}: ", d.file.display(), pos.line, pos.col);
    assert!(
        shown.starts_with(&prefix),
        "`{shown}` should start with `{prefix}`"
    );
    d
}

#[test]
fn valid_header_and_tail_parse() {
    let lib = parse(&format!("{HEADER}{TAIL}")).expect("valid");
    assert_eq!(lib.structure_count(), 1);
    assert_eq!(lib.genotype_len(), 0);
}

#[test]
fn unknown_block() {
    let text = format!(
        "{HEADER}compound Root {{\n use FlatPrice\n use Missing\n use NoCap\n}}\nstart Root\n"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::UnknownName,
        pos_of(&text, "Missing", 0),
        "unknown block or part `Missing`",
    );
}

#[test]
fn unknown_slot() {
    let text = format!("{HEADER}block Extra for nowhere\n{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::UnknownName,
        pos_of(&text, "nowhere", 0),
        "unknown slot `nowhere`",
    );
}

#[test]
fn missing_file() {
    let text = format!("{HEADER}block Ghost for fee \"fee/Ghost.sol\"\n{TAIL}");
    let e = err(&text);
    let d = expect(
        &e,
        ErrorKind::Io,
        pos_of(&text, "\"fee/Ghost.sol\"", 0),
        "cannot read Solidity file",
    );
    assert!(d.message.contains("Ghost.sol"));
    assert!(d.file.ends_with("test.grammar"));
}

#[test]
fn missing_default_file_is_reported_at_the_block_name() {
    let text = format!("{HEADER}block Phantom for limit\n{TAIL}");
    let e = err(&text);
    let d = expect(
        &e,
        ErrorKind::Io,
        pos_of(&text, "Phantom", 0),
        "limit/Phantom.sol",
    );
    assert!(d.message.contains("cannot read"));
}

#[test]
fn duplicate_name() {
    let text = format!("{HEADER}block ZeroFee for fee\n{TAIL}");
    let e = err(&text);
    let first = pos_of(&text, "ZeroFee", 0);
    expect(
        &e,
        ErrorKind::DuplicateName,
        pos_of(&text, "ZeroFee", 1),
        &format!(
            "duplicate part name `ZeroFee` (first declared at line {}:{})",
            first.line, first.col
        ),
    );
}

#[test]
fn duplicate_parameter() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 1] default 0.5\n pct: real in [0, 1] default 0.5\n}}\n{TAIL}"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::DuplicateName,
        pos_of(&text, "pct", 1),
        "duplicate parameter `pct`",
    );
}

#[test]
fn empty_choice() {
    let text = format!("{HEADER}choice Nothing =\n{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::EmptyChoice,
        pos_of(&text, "Nothing", 0),
        "choice `Nothing` has no alternatives",
    );
}

#[test]
fn bad_range_reversed() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0.5, 0.1] default 0.2\n}}\n{TAIL}"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::BadRange,
        pos_of(&text, "[0.5", 0),
        "lower bound 0.5 is not below upper bound 0.1",
    );
}

#[test]
fn bad_range_log_from_zero() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 0.1] log default 0.01\n}}\n{TAIL}"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::BadRange,
        pos_of(&text, "[0,", 0),
        "log scale needs a lower bound above 0",
    );
}

#[test]
fn bad_default_outside_range() {
    let text =
        format!("{HEADER}block PctFee for fee {{\n pct: real in [0, 0.1] default 0.5\n}}\n{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::BadRange,
        pos_of(&text, "0.5", 0),
        "default 0.5 of `pct` is outside its range",
    );
}

#[test]
fn bad_integer_bounds_and_negative_range() {
    let text = format!(
        "{HEADER}block CurvePrice for price {{\n k: real in [-1, 10] default 1\n steps: integer in [1.5, 10] default 2\n}}\n{TAIL}"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::BadRange,
        pos_of(&text, "[-1", 0),
        "is negative",
    );
    let d = e
        .diagnostics
        .iter()
        .filter(|d| d.kind == ErrorKind::BadRange)
        .nth(1)
        .expect("two range errors");
    assert_eq!(d.pos, pos_of(&text, "[1.5", 0));
    assert!(d.message.contains("whole numbers"));
}

#[test]
fn recursion() {
    let text = format!(
        "{HEADER}compound A {{\n use FlatPrice\n use B\n}}\ncompound B {{\n use A\n}}\ncompound Root {{\n use A\n use ZeroFee\n use NoCap\n}}\nstart Root\n"
    );
    let e = err(&text);
    let mut at = pos_of(&text, "use A", 0);
    at.col += 4; // the reference `A` closing the cycle B -> A
    let d = expect(&e, ErrorKind::Recursion, at, "A -> B -> A");
    assert!(d.message.contains("finite"));
    assert_eq!(
        e.diagnostics
            .iter()
            .filter(|d| d.kind == ErrorKind::Recursion)
            .count(),
        1
    );
}

#[test]
fn self_recursion_through_a_choice() {
    let text = format!("{HEADER}choice Loop = ZeroFee | Loop\n{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::Recursion,
        pos_of(&text, "Loop", 1),
        "Loop -> Loop",
    );
}

#[test]
fn unknown_parameter_in_expression() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 0.1] default 0.01\n}}\ncompound Root {{\n level: real in [0, 0.1] default 0.01\n use FlatPrice\n use PctFee with pct = levle * 2\n use NoCap\n}}\nstart Root\n"
    );
    let e = err(&text);
    let d = expect(
        &e,
        ErrorKind::UnknownParameter,
        pos_of(&text, "levle", 0),
        "unknown parameter `levle` in expression",
    );
    assert!(
        d.message.contains("`level`"),
        "lists the parameters in scope: {}",
        d.message
    );
}

#[test]
fn binding_to_unknown_child_parameter() {
    let text = format!(
        "{HEADER}block PctFee for fee {{\n pct: real in [0, 0.1] default 0.01\n}}\ncompound Root {{\n use FlatPrice\n use PctFee with fee = 0.01\n use NoCap\n}}\nstart Root\n"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::UnknownParameter,
        pos_of(&text, "fee = 0.01", 0),
        "`PctFee` has no parameter `fee`",
    );
}

#[test]
fn constructor_type_mismatch_is_reported_in_the_solidity_file() {
    let text = format!(
        "{HEADER}block BadCtor for fee {{\n pct: real in [0, 0.1] default 0.01\n}}\n{TAIL}"
    );
    let e = err(&text);
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.kind == ErrorKind::Solidity)
        .expect("solidity error");
    assert!(d.file.ends_with("blocks/fee/BadCtor.sol"), "{d}");
    let sol = std::fs::read_to_string(fixtures().join("blocks/fee/BadCtor.sol")).unwrap();
    assert_eq!(d.pos, pos_of(&sol, "bool pct_", 0));
    assert!(
        d.message
            .contains("is `bool` but grammar parameter `pct` is real (needs `uint256`)"),
        "{}",
        d.message
    );
}

#[test]
fn constructor_arity_mismatch() {
    let text = format!("{HEADER}block PctFee for fee\n{TAIL}");
    let e = err(&text);
    let d = expect_file(&e, "PctFee.sol");
    assert!(
        d.message
            .contains("takes 1 parameter(s) but the grammar declares 0"),
        "{}",
        d.message
    );
    let sol = std::fs::read_to_string(fixtures().join("blocks/fee/PctFee.sol")).unwrap();
    assert_eq!(d.pos, pos_of(&sol, "constructor", 0));
}

fn expect_file(e: &GrammarError, file: &str) -> Diagnostic {
    e.diagnostics
        .iter()
        .find(|d| d.file.ends_with(file))
        .unwrap_or_else(|| panic!("no diagnostic in {file}:\n{e}"))
        .clone()
}

#[test]
fn block_missing_its_hook() {
    let text = format!("{HEADER}block NoHook for fee\n{TAIL}");
    let e = err(&text);
    let d = expect_file(&e, "NoHook.sol");
    assert!(
        d.message
            .contains("does not implement hook `_fee` of slot `fee`"),
        "{}",
        d.message
    );
    let sol = std::fs::read_to_string(fixtures().join("blocks/fee/NoHook.sol")).unwrap();
    assert_eq!(d.pos, pos_of(&sol, "NoHook", 0));
}

#[test]
fn block_file_without_the_named_contract() {
    let text = format!("{HEADER}block WrongName for fee\n{TAIL}");
    let e = err(&text);
    let d = expect(
        &e,
        ErrorKind::Solidity,
        pos_of(&text, "WrongName", 0),
        "does not declare contract `WrongName`",
    );
    assert!(d.message.contains("found: SomethingElse"));
}

#[test]
fn block_filling_the_wrong_slot() {
    // ZeroFee implements `_fee`, declared here for the `limit` slot.
    let text = HEADER.replace(
        "block NoCap for limit",
        "block NoCap for limit\nblock ZeroFee2 for limit \"fee/ZeroFee.sol\"",
    );
    let text = format!("{text}{TAIL}");
    let e = err(&text);
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("does not declare contract `ZeroFee2`")),
        "{e}"
    );
}

#[test]
fn slot_filled_twice_and_slot_left_empty() {
    let text = format!(
        "{HEADER}compound Root {{\n use ZeroFee\n use ZeroFee\n use NoCap\n}}\nstart Root\n"
    );
    let e = err(&text);
    expect(
        &e,
        ErrorKind::SlotConflict,
        pos_of(&text, "Root", 0),
        "fills slot(s) {fee} twice",
    );
    let text = format!("{HEADER}compound Root {{\n use ZeroFee\n use NoCap\n}}\nstart Root\n");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::SlotConflict,
        pos_of(&text, "Root", 1),
        "leaves slot(s) {price} unfilled",
    );
}

#[test]
fn choice_alternatives_must_fill_the_same_slots() {
    let text = format!("{HEADER}choice Mixed = ZeroFee | NoCap\n{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::SlotConflict,
        pos_of(&text, "Mixed", 0),
        "fill different slots",
    );
}

#[test]
fn syntax_errors_are_all_collected() {
    let text = format!("{HEADER}block Odd for fee {{ x: complex }}\nchoice = A\n{TAIL}");
    let e = err(&text);
    let syn: Vec<_> = e
        .diagnostics
        .iter()
        .filter(|d| d.kind == ErrorKind::Syntax)
        .collect();
    assert_eq!(syn.len(), 2, "{e}");
    assert_eq!(syn[0].pos, pos_of(&text, "complex", 0));
    assert!(
        syn[0]
            .message
            .contains("expected a parameter type (real, integer, bool), found `complex`")
    );
    assert_eq!(syn[1].pos, pos_of(&text, "= A", 0));
    assert!(syn[1].message.contains("expected a choice name"));
}

#[test]
fn lexical_errors() {
    let text = format!("{HEADER}block X for fee \"unterminated\n$\n{TAIL}");
    let e = err(&text);
    let syn: Vec<_> = e
        .diagnostics
        .iter()
        .filter(|d| d.kind == ErrorKind::Syntax)
        .collect();
    assert_eq!(syn[0].pos, pos_of(&text, "\"unterminated", 0));
    assert_eq!(syn[0].message, "unterminated string");
    assert_eq!(syn[1].pos, pos_of(&text, "$", 0));
    assert!(syn[1].message.contains("unexpected character `$`"));
}

#[test]
fn missing_core_and_start() {
    let e = err("grammar t\nslot fee: _fee\n");
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.kind == ErrorKind::Missing && d.message.contains("core"))
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.kind == ErrorKind::Missing && d.message.contains("start"))
    );
}

#[test]
fn hook_not_in_core() {
    let text = HEADER.replace("slot limit: _limit", "slot limit: _limit, _nothing");
    let text = format!("{text}{TAIL}");
    let e = err(&text);
    expect(
        &e,
        ErrorKind::Solidity,
        pos_of(&text, "limit", 0),
        "hook `_nothing` of slot `limit` is not declared in core",
    );
}

#[test]
fn core_hook_without_slot() {
    let text = HEADER
        .replace("slot limit: _limit\n", "")
        .replace("block NoCap for limit\n", "");
    let text = format!("{text}compound Root {{\n use FlatPrice\n use ZeroFee\n}}\nstart Root\n");
    let e = err(&text);
    let d = expect_file(&e, "MiniCore.sol");
    assert!(
        d.message
            .contains("`_limit` of core `MiniCore` belongs to no slot"),
        "{}",
        d.message
    );
}

#[test]
fn unreadable_grammar_file() {
    let e = tsynth_grammar::Library::load(&fixtures().join("does-not-exist.grammar")).unwrap_err();
    assert_eq!(e.diagnostics[0].kind, ErrorKind::Io);
    assert!(
        e.to_string()
            .contains("does-not-exist.grammar:1:1: cannot read grammar")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parser_never_panics_on_random_text(s in "\\PC{0,300}") {
        let _ = parse(&s);
    }

    #[test]
    fn parser_never_panics_on_mutated_grammars(
        edits in proptest::collection::vec((0usize..10_000, 0usize..4, "[a-z{}\\[\\]()=|:,.#\"0-9 \n-]{0,3}"), 1..6)
    ) {
        let mut text: Vec<char> = std::fs::read_to_string(fixtures().join("mini.grammar")).unwrap().chars().collect();
        for (at, len, ins) in edits {
            let at = at % (text.len() + 1);
            let end = (at + len).min(text.len());
            text.splice(at..end, ins.chars());
        }
        let text: String = text.into_iter().collect();
        match parse(&text) {
            Ok(lib) => prop_assert!(lib.structure_count() >= 1),
            Err(e) => {
                prop_assert!(!e.diagnostics.is_empty());
                for d in &e.diagnostics {
                    prop_assert!(d.pos.line >= 1 && d.pos.col >= 1);
                }
            }
        }
    }
}

#[test]
fn several_errors_are_reported_at_once_without_cascades() {
    let src = std::fs::read_to_string(fixtures().join("mini.grammar")).unwrap();
    let text = src
        .replace("| PctFee | TwoFee", "| PctFee | TwoFee | BadCtor | NoHook")
        .replace("use Fee with pct = level", "use Fee with pct = lvl")
        .replace(
            "k:     real in [0.001, 10] log",
            "k:     real in [0, 10] log",
        )
        + "block BadCtor for fee {\n    pct: real in [0, 1] default 0.5\n}\nblock NoHook for fee\ncompound Loop { use Loop }\n";
    let e = err(&text);
    let kinds: Vec<ErrorKind> = e.diagnostics.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::BadRange,
            ErrorKind::UnknownParameter,
            ErrorKind::Recursion,
            ErrorKind::Solidity,
            ErrorKind::Solidity
        ],
        "{e}"
    );
    // the rejected `k` does not also produce a constructor-arity error for CurvePrice
    assert!(!e.to_string().contains("CurvePrice.sol"), "{e}");
    assert_eq!(e.diagnostics[1].pos, pos_of(&text, "lvl", 0));
    assert_eq!(e.to_string().lines().count(), 5);
}
