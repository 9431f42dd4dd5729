//! `tsynth grammar ...` and `tsynth design ...` end to end.

use std::path::Path;
use std::process::Output;

use crate::cli_support::{root, text, tsynth};

#[test]
fn check_and_count_amm() {
    let out = tsynth(&["grammar", "check", "grammars/amm.grammar"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("ok — grammar `amm`: 6 slots, 20 blocks"), "{s}");
    assert!(s.contains("1152 structures"), "{s}");
    let out = tsynth(&["grammar", "count", "grammars/amm.grammar"]);
    assert!(out.status.success());
    let n: u64 = text(&out.stdout).trim().parse().expect("a number");
    assert_eq!(n, 1152);
    assert!(n >= 1000);
}

#[test]
fn malformed_grammar_reports_every_error_with_position_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("bad.grammar");
    let src = std::fs::read_to_string(root().join("grammars/amm.grammar")).unwrap();
    let src = src
        .replace(
            "blocks \"../building-blocks\"",
            &format!("blocks \"{}\"", root().join("building-blocks").display()),
        )
        .replace(
            "choice Limit      = NoLimit | BuyCap",
            "choice Limit      = NoLimit | BuyCapp",
        )
        .replace(
            "block NoGuard for guard",
            "block NoGuard for guard\nblock NoGuard for guard",
        );
    std::fs::write(&g, &src).unwrap();
    for cmd in ["check", "count"] {
        let out = tsynth(&["grammar", cmd, g.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        let line_of = |needle: &str, nth: usize| {
            src.lines()
                .enumerate()
                .filter(|(_, l)| l.contains(needle))
                .nth(nth)
                .unwrap()
                .0
                + 1
        };
        let dup = line_of("block NoGuard for guard", 1);
        assert_eq!(
            lines[0],
            format!(
                "{}:{dup}:7: duplicate part name `NoGuard` (first declared at line {}:7)",
                g.display(),
                dup - 1
            )
        );
        let l = line_of("BuyCapp", 0);
        assert!(
            lines[1].starts_with(&format!(
                "{}:{l}:31: unknown block or part `BuyCapp`",
                g.display()
            )),
            "{}",
            lines[1]
        );
    }
}

#[test]
fn sample_writes_sources_and_designs_deterministically() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        let out = tsynth(&[
            "grammar",
            "sample",
            "grammars/amm.grammar",
            "--seed",
            "5",
            "--count",
            "3",
            "--out",
            d.path().to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout).lines().count(), 3);
    }
    for i in 0..3 {
        let s = format!("sample-{i:04}");
        for f in [
            "Candidate.sol",
            "design.toml",
            "args.json",
            "core/PoolCore.sol",
            "core/IDataPool.sol",
        ] {
            let fa = std::fs::read_to_string(a.path().join(&s).join(f))
                .unwrap_or_else(|e| panic!("{s}/{f}: {e}"));
            let fb = std::fs::read_to_string(b.path().join(&s).join(f)).unwrap();
            if f != "design.toml" {
                assert_eq!(fa, fb, "{s}/{f} differs between runs with the same seed");
            }
        }
        // the written design file is readable and decodes to the same structure
        let design = a.path().join(&s).join("design.toml");
        let out = tsynth(&["design", "show", design.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let args: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(a.path().join(&s).join("args.json")).unwrap(),
        )
        .unwrap();
        let hash = args["structure_hash"].as_str().unwrap();
        assert!(
            text(&out.stdout).contains(&format!("structure  {hash}")),
            "{}",
            text(&out.stdout)
        );
        // every block the candidate imports was written next to it
        let cand = std::fs::read_to_string(a.path().join(&s).join("Candidate.sol")).unwrap();
        for line in cand.lines().filter(|l| l.starts_with("import")) {
            let unit = line.split('"').nth(1).unwrap();
            assert!(a.path().join(&s).join(unit).is_file(), "{unit} missing");
        }
    }
    let other = tempfile::tempdir().unwrap();
    let out = tsynth(&[
        "grammar",
        "sample",
        "grammars/amm.grammar",
        "--seed",
        "6",
        "--count",
        "3",
        "--out",
        other.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let same = (0..3).all(|i| {
        let s = format!("sample-{i:04}/args.json");
        std::fs::read(a.path().join(&s)).unwrap() == std::fs::read(other.path().join(&s)).unwrap()
    });
    assert!(!same, "another seed gives other samples");
}

#[test]
fn design_show_and_emit() {
    let out = tsynth(&["design", "show", "designs/ocean-v3.toml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for want in [
        "pricing    ConstantWeights",
        "baseWeight = 0.7 fraction",
        "staking    BalancerJoin",
        "p[0] = 700000000000000000  (ConstantWeights.baseWeight)",
        "p[1] = 1000000000000000  (FixedFee.lpFee)",
        "constructor(address baseToken_, address dataToken_, address community_, uint256[] p):",
    ] {
        assert!(s.contains(want), "missing `{want}` in\n{s}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = tsynth(&[
        "design",
        "emit",
        "designs/ocean-v4.1.toml",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cand = std::fs::read_to_string(dir.path().join("Candidate.sol")).unwrap();
    assert!(cand.contains("contract Candidate is PoolCore, LinearWeights, SoftCapFee, BalancerOneSided, NoGuard, LinearVesting, NoLimit {"), "{cand}");
    assert!(dir.path().join("staking/BalancerOneSided.sol").is_file());
    // the emitted design file is equivalent to the original
    let out2 = tsynth(&[
        "design",
        "show",
        dir.path().join("design.toml").to_str().unwrap(),
    ]);
    let orig = tsynth(&["design", "show", "designs/ocean-v4.1.toml"]);
    let tail = |o: &Output| {
        text(&o.stdout)
            .lines()
            .skip(3)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(tail(&out2), tail(&orig));
}

#[test]
fn bad_design_file_is_a_positioned_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.toml");
    let grammar = root().join("grammars/amm.grammar");
    std::fs::write(
        &f,
        format!(
            "grammar = \"{}\"\n\n[FixedFee]\nlpFee = 0.001\nlpFeee = 2\n",
            grammar.display()
        ),
    )
    .unwrap();
    let out = tsynth(&["design", "show", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "{}:5:1: unknown parameter `lpFeee` of `FixedFee`",
            f.display()
        )),
        "{err}"
    );
    assert!(!Path::new(&dir.path().join("out")).exists());
}
