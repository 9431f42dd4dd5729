//! The tunable parameters of a design: naming, selection, errors, genotypes that keep the
//! structure fixed and stay inside the grammar's ranges.

use std::path::PathBuf;

use tsynth_grammar::Design;
use tsynth_search::tune::{DesignSpace, TuneError};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn v41() -> DesignSpace {
    let (_, lib, g) = Design::load(&root().join("designs/ocean-v4.1.toml")).unwrap();
    DesignSpace::new(lib, g).unwrap()
}

#[test]
fn v41_parameters_are_named_block_dot_param() {
    let s = v41();
    let names = s.names();
    for want in [
        "LinearWeights.startBaseWeight",
        "LinearWeights.endBaseWeight",
        "LinearWeights.duration",
        "SoftCapFee.baseFee",
        "SoftCapFee.communityFee",
        "SoftCapFee.ratioThreshold",
        "SoftCapFee.slope",
        "LinearVesting.vestRatio",
        "LinearVesting.vestDuration",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
    // only parameters of the chosen blocks: nothing of FixedFee or ConstantWeights
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with("FixedFee.") && !n.starts_with("ConstantWeights."))
    );
    // genes in genotype order
    assert!(s.params.windows(2).all(|w| w[0].gene < w[1].gene));
}

#[test]
fn selection_by_qualified_bare_or_path_name() {
    let s = v41();
    let sel = s
        .select(&["slope".into(), "SoftCapFee.baseFee".into(), "slope".into()])
        .unwrap();
    let names: Vec<&str> = sel.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["SoftCapFee.slope", "SoftCapFee.baseFee"],
        "order kept, no duplicates"
    );
    let by_path = s.select(&[sel[0].path.clone()]).unwrap();
    assert_eq!(by_path[0].gene, sel[0].gene);
    assert_eq!(s.select(&[]).unwrap().len(), s.params.len(), "empty = all");
}

#[test]
fn unknown_parameter_names_it_and_lists_the_valid_ones() {
    let s = v41();
    let e = s.select(&["lpFee".into()]).unwrap_err();
    assert!(matches!(e, TuneError::UnknownParam { .. }));
    let msg = e.to_string();
    assert!(msg.contains("`lpFee`"), "{msg}");
    assert!(
        msg.contains("SoftCapFee.slope") && msg.contains("LinearVesting.vestRatio"),
        "{msg}"
    );
}

#[test]
fn every_bare_name_of_v41_selects_its_own_parameter() {
    let s = v41();
    for p in &s.params {
        let sel = s.select(std::slice::from_ref(&p.spec.name)).unwrap();
        assert_eq!(sel.len(), 1);
        assert_eq!(sel[0].gene, p.gene, "{}", p.name);
    }
}

#[test]
fn genotypes_keep_the_structure_and_clamp_to_ranges() {
    let s = v41();
    let sel = s.select(&["slope".into(), "baseFee".into()]).unwrap();
    let start = s.start_genes(&sel);
    assert_eq!(s.genotype(&sel, &start), s.start);
    let g = s.genotype(&sel, &[2.0, -1.0]);
    assert_eq!(g.0[sel[0].gene], 1.0);
    assert_eq!(g.0[sel[1].gene], 0.0);
    let d0 = s.library.decode(&s.start).unwrap();
    let d1 = s.library.decode(&g).unwrap();
    let blocks =
        |d: &tsynth_grammar::Derivation| d.blocks.iter().map(|b| b.block).collect::<Vec<_>>();
    assert_eq!(blocks(&d0), blocks(&d1), "structure fixed");
    let e0 = s.library.emit(&d0).unwrap();
    let e1 = s.library.emit(&d1).unwrap();
    assert_eq!(e0.structure_hash, e1.structure_hash);
    assert_ne!(e0.full_hash, e1.full_hash);
    // slope at the top of its range, baseFee at the bottom
    let slope = sel[0].spec.decode(1.0).as_f64();
    assert_eq!(slope, sel[0].spec.hi);
    assert_eq!(sel[1].spec.decode(0.0).as_f64(), sel[1].spec.lo);
}
