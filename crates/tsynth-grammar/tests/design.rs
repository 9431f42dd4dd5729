//! Design files: the known Ocean designs, both directions, round trip, errors.

use crate::common::{amm, fixtures, mini};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use tsynth_grammar::alloy_primitives::U256;
use tsynth_grammar::{Design, ErrorKind, Genotype, Library, Value, operators, param_words};

fn designs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../designs")
}

fn words(lib: &Library, g: &Genotype) -> Vec<String> {
    let d = lib.decode(g).unwrap();
    param_words(&lib.constructor_args(&d).unwrap())
        .iter()
        .map(U256::to_string)
        .collect()
}

fn blocks(lib: &Library, g: &Genotype) -> Vec<String> {
    lib.decode(g)
        .unwrap()
        .blocks
        .iter()
        .map(|b| lib.blocks[b.block].name.clone())
        .collect()
}

#[test]
fn ocean_v3() {
    let (d, lib, g) = Design::load(&designs().join("ocean-v3.toml")).unwrap();
    assert_eq!(lib.name, "amm");
    assert!(d.description.unwrap().starts_with("Ocean V3"));
    assert_eq!(
        blocks(&lib, &g),
        [
            "ConstantWeights",
            "FixedFee",
            "BalancerJoin",
            "NoGuard",
            "FullPremine",
            "NoLimit"
        ]
    );
    // 70/30, LP fee 0.1% ("0.1 %"), no community fee, premine 10 x D0
    assert_eq!(
        words(&lib, &g),
        [
            "700000000000000000",
            "1000000000000000",
            "0",
            "10000000000000000000"
        ]
    );
}

#[test]
fn ocean_v4() {
    let (_, lib, g) = Design::load(&designs().join("ocean-v4.toml")).unwrap();
    assert_eq!(
        blocks(&lib, &g),
        [
            "ConstantWeights",
            "FixedFee",
            "LinearOneSided",
            "NoGuard",
            "NoAllocation",
            "NoLimit"
        ]
    );
    assert_eq!(
        words(&lib, &g),
        ["500000000000000000", "1000000000000000", "1000000000000000"]
    );
}

#[test]
fn ocean_v4_1() {
    let (_, lib, g) = Design::load(&designs().join("ocean-v4.1.toml")).unwrap();
    assert_eq!(
        blocks(&lib, &g),
        [
            "LinearWeights",
            "SoftCapFee",
            "BalancerOneSided",
            "NoGuard",
            "LinearVesting",
            "NoLimit"
        ]
    );
    assert_eq!(
        words(&lib, &g),
        [
            "100000000000000000",
            "500000000000000000",
            "604800",
            "1000000000000000",
            "1000000000000000",
            "100000000000000000000",
            "500000000000000",
            "100000000000000000",
            "31536000"
        ]
    );
}

#[test]
fn omitted_parameters_take_defaults_and_omitted_slots_the_first_fit() {
    let text = "grammar = \"../../../../grammars/amm.grammar\"\n[SoftCapFee]\nslope = 0.001\n";
    let path = fixtures().join("partial.toml");
    let design = Design::parse(&path, text).unwrap();
    let lib = Library::load(&design.grammar_path()).unwrap();
    let g = lib.genotype_from_design(&design).unwrap();
    let d = lib.decode(&g).unwrap();
    assert_eq!(
        blocks(&lib, &g),
        [
            "ConstantWeights",
            "SoftCapFee",
            "NoStaking",
            "NoGuard",
            "NoAllocation",
            "NoLimit"
        ]
    );
    assert_eq!(d.blocks[0].values, vec![Value::Real(0.5)]);
    assert_eq!(
        d.blocks[1].values,
        vec![
            Value::Real(0.001),
            Value::Real(0.001),
            Value::Real(100.0),
            Value::Real(0.001)
        ]
    );
}

/// Writes `text` as a design next to the fixture grammar and loads it.
fn load_mini_design(
    text: &str,
) -> Result<(Design, Library, Genotype), tsynth_grammar::GrammarError> {
    let dir = tempfile::tempdir().unwrap();
    let grammar = fixtures().join("mini.grammar");
    let rel = tsynth_grammar::design::relative_path(dir.path(), &grammar);
    let text = text.replace("GRAMMAR", &rel);
    let path = dir.path().join("d.toml");
    std::fs::write(&path, &text).unwrap();
    let r = Design::load(&path);
    drop(dir);
    r
}

fn design_err(text: &str) -> tsynth_grammar::GrammarDiagnostic {
    let e = load_mini_design(text).expect_err("design should be rejected");
    e.diagnostics[0].clone()
}

#[test]
fn errors_name_file_line_and_column() {
    let base = "grammar = \"GRAMMAR\"\n";
    // unknown block
    let t = format!("{base}[CurvePrice]\nk = 1\n[Bogus]\n");
    let d = design_err(&t);
    assert_eq!(d.kind, ErrorKind::Design);
    assert!(d.message.contains("unknown block `Bogus`"), "{d}");
    assert_eq!((d.pos.line, d.pos.col), (4, 2));
    assert!(d.file.ends_with("d.toml"));
    // unknown parameter
    let t = format!("{base}[CurvePrice]\nk = 1\nkk = 2\n");
    let d = design_err(&t);
    assert!(
        d.message
            .contains("unknown parameter `kk` of `CurvePrice` (parameters: k, steps)"),
        "{d}"
    );
    assert_eq!((d.pos.line, d.pos.col), (4, 1));
    // out of range
    let t = format!("{base}[CurvePrice]\nk = 100\n");
    let d = design_err(&t);
    assert!(
        d.message
            .contains("`CurvePrice.k` = 100 is outside its range [0.001, 10]"),
        "{d}"
    );
    assert_eq!((d.pos.line, d.pos.col), (3, 1));
    // wrong unit, percent accepted only for fractions
    let t = format!("{base}[CurvePrice]\nsteps = \"10 seconds\"\n");
    assert!(
        design_err(&t)
            .message
            .contains("unit `seconds` does not match the parameter's unit `trades`")
    );
    // integer must be whole
    let t = format!("{base}[CurvePrice]\nsteps = 2.5\n");
    assert!(design_err(&t).message.contains("not a whole number"));
    // bool type
    let t = format!("{base}[Cap]\nstrict = 1\n");
    assert!(design_err(&t).message.contains("expects true or false"));
    // two blocks for one slot
    let t = format!("{base}[PctFee]\n[TwoFee]\n");
    let d = design_err(&t);
    assert!(
        d.message
            .contains("`PctFee` and `TwoFee` both fill slot `fee`"),
        "{d}"
    );
    assert_eq!(d.pos.line, 3);
    // a parameter computed by an expression cannot be set
    let t = format!("{base}[Cheap]\n[PctFee]\npct = 0.01\n");
    let d = design_err(&t);
    assert!(d.message.contains("computed by an expression"), "{d}");
    assert_eq!((d.pos.line, d.pos.col), (4, 1));
    // a choice is not a block
    let t = format!("{base}[Fee]\n");
    assert!(design_err(&t).message.contains("`Fee` is a choice"));
    // TOML syntax error with its position
    let t = format!("{base}[CurvePrice\n");
    let d = design_err(&t);
    assert!(d.message.starts_with("TOML"), "{d}");
    assert_eq!(d.pos.line, 2);
    // missing grammar key
    let e = Design::parse(Path::new("x.toml"), "[CurvePrice]\n").unwrap_err();
    assert!(e.to_string().contains("x.toml:1:1: missing `grammar"));
    // grammar not found, at the grammar value
    let e = Design::load(&fixtures().join("no-grammar.toml"));
    assert!(e.is_err());
}

#[test]
fn named_compound_selects_the_derivation() {
    // FlatPrice + PctFee can come from Cheap (pct bound) or Rich (pct free)
    let (_, lib, g) =
        load_mini_design("grammar = \"GRAMMAR\"\n[Rich]\n[FlatPrice]\n[PctFee]\npct = 0.05\n")
            .unwrap();
    let d = lib.decode(&g).unwrap();
    assert_eq!(lib.parts[d.compounds[1].part].name, "Rich");
    assert_eq!(d.blocks[1].values, vec![Value::Real(0.05)]);
    let (_, lib, g) =
        load_mini_design("grammar = \"GRAMMAR\"\n[Cheap]\nlevel = 0.01\n[PctFee]\n").unwrap();
    let d = lib.decode(&g).unwrap();
    assert_eq!(lib.parts[d.compounds[1].part].name, "Cheap");
    assert_eq!(d.blocks[1].values, vec![Value::Real(0.01)]);
}

#[test]
fn design_text_lists_units_and_computed_values() {
    let lib = mini();
    let mut g = lib.default_genotype();
    g.0[2] = 1.0; // Cheap's fee -> PctFee, bound to level
    let text = lib.design_text(&g, "mini.grammar", Some("a test")).unwrap();
    assert!(
        text.starts_with("# a test\ngrammar = \"mini.grammar\"\n"),
        "{text}"
    );
    assert!(text.contains("[Cheap]  # compound\nlevel = 0.002  # real in [0.0001, 0.05] log, unit fraction, default 0.002\n"), "{text}");
    assert!(
        text.contains("[PctFee]  # slot fee\n# pct = 0.002  (computed: level)\n"),
        "{text}"
    );
}

fn round_trip(lib: &Library, grammar: &Path, g: &Genotype) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let rel = tsynth_grammar::design::relative_path(dir.path(), grammar);
    let text = lib.design_text(g, &rel, None).unwrap();
    let path = dir.path().join("rt.toml");
    std::fs::write(&path, &text).unwrap();
    let (_, lib2, g2) =
        Design::load(&path).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    let (d1, d2) = (lib.decode(g).unwrap(), lib2.decode(&g2).unwrap());
    prop_assert_eq!(&d1.active, &d2.active, "{}", text);
    prop_assert_eq!(
        lib.emit(&d1).unwrap().full_hash,
        lib2.emit(&d2).unwrap().full_hash,
        "{}",
        text
    );
    // and back again: the text is a fixed point
    prop_assert_eq!(lib2.design_text(&g2, &rel, None).unwrap(), text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn design_file_genotype_round_trip(seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let lib = amm();
        let g = operators::random_genotype(&lib, &mut rng);
        round_trip(&lib, &lib.file.clone(), &g)?;
        let lib = mini();
        let g = operators::random_genotype(&lib, &mut rng);
        round_trip(&lib, &lib.file.clone(), &g)?;
    }
}

#[test]
fn schedule_is_the_longest_seconds_parameter() {
    let schedule = |file: &str| {
        let (_, lib, g) = Design::load(&designs().join(file)).unwrap();
        let d = lib.decode(&g).unwrap();
        let em = lib.emit(&d).unwrap();
        assert_eq!(em.schedule_seconds, lib.schedule_seconds(&d));
        em.schedule_seconds
    };
    // V4.1: a one-week auction and a one-year vesting -> one year.
    assert_eq!(schedule("ocean-v4.1.toml"), 31_536_000);
    // V4: constant weights, fixed fee, no vesting, no lock -> no schedule.
    assert_eq!(schedule("ocean-v4.toml"), 0);
}
