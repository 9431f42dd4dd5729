//! Reading sources and their imports from disk, and compiling them: the source unit names
//! chosen in Rust must be the ones solc resolves the import directives to.

use std::path::Path;

use tsynth_solc::{CompileRequest, SolcError, load_with_imports};

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

const HEAD: &str = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n";

/// A tree with `./`, `../` and include-directory imports, and a diamond (Base imported twice).
fn tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write(
        p,
        "app/pools/Pool.sol",
        &format!(
            "{HEAD}import \"./parts/Fee.sol\";\nimport {{Base}} from \"../Base.sol\";\nimport * as L from \"blocks/Lib.sol\";\n\
         contract Pool is Base, Fee {{ function g() external pure returns (uint) {{ return L.Lib.one() + fee(); }} }}\n"
        ),
    );
    write(
        p,
        "app/pools/parts/Fee.sol",
        &format!(
            "{HEAD}import \"../../Base.sol\";\nabstract contract Fee is Base {{ function fee() internal pure returns (uint) {{ return 3; }} }}\n"
        ),
    );
    write(
        p,
        "app/Base.sol",
        &format!("{HEAD}abstract contract Base {{ uint internal b; }}\n"),
    );
    write(
        p,
        "inc/blocks/Lib.sol",
        &format!(
            "{HEAD}library Lib {{ function one() internal pure returns (uint) {{ return 1; }} }}\n"
        ),
    );
    d
}

#[test]
fn relative_and_include_imports_resolve_like_solc() {
    let d = tree();
    // Absolute top path: units are absolute paths, plus `blocks/Lib.sol` from the include dir.
    let top = d.path().join("app/pools/Pool.sol");
    let inc = d.path().join("inc");
    let set = load_with_imports(&top, &[inc.as_path()]).expect("all imports found");
    let base = d.path().join("app/Base.sol").to_string_lossy().into_owned();
    let names: Vec<&str> = set.sources.keys().map(String::as_str).collect();
    assert_eq!(set.sources.len(), 4, "{names:?}");
    assert!(
        set.sources.contains_key(&base),
        "diamond import read once: {names:?}"
    );
    assert!(set.sources.contains_key("blocks/Lib.sol"));
    assert_eq!(set.top_unit, top.to_string_lossy());

    let out = crate::common::shared()
        .compile(&CompileRequest::new(set.sources))
        .expect("solc finds every import under the names we chose");
    assert!(out.contract("Pool").is_some_and(|c| !c.is_abstract()));
}

#[test]
fn missing_import_names_the_importing_file_and_line() {
    let d = tree();
    let top = d.path().join("app/pools/Pool.sol");
    // Without the include directory `blocks/Lib.sol` is not found.
    let err = load_with_imports(&top, &[]).expect_err("missing include");
    match &err {
        SolcError::ImportNotFound {
            importer,
            line,
            import,
            searched,
        } => {
            assert_eq!(importer, &top);
            assert_eq!(*line, 5);
            assert_eq!(import, "blocks/Lib.sol");
            assert!(!searched.is_empty());
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(
        err.to_string()
            .contains("Pool.sol:5: import \"blocks/Lib.sol\" not found")
    );

    std::fs::remove_file(d.path().join("app/Base.sol")).unwrap();
    let err = load_with_imports(&top, &[d.path().join("inc").as_path()]).expect_err("missing");
    assert!(
        err.to_string().contains("import \"../Base.sol\" not found"),
        "{err}"
    );
}

#[test]
fn from_file_builds_a_request() {
    let d = tree();
    let top = d.path().join("app/pools/parts/Fee.sol");
    let req = CompileRequest::from_file(&top, &[]).expect("reads");
    assert_eq!(req.sources.len(), 2);
    let out = crate::common::shared().compile(&req).expect("compiles");
    assert!(out.contract("Fee").is_some_and(|c| c.is_abstract()));
}

#[test]
fn unreadable_and_non_utf8_sources_name_their_path_once() {
    let d = tempfile::tempdir().unwrap();
    // missing file: the path once, the OS message once, no `source()` to print it again
    let missing = d.path().join("Missing.sol");
    let err = load_with_imports(&missing, &[]).expect_err("missing");
    let s = err.to_string();
    assert_eq!(s.matches("Missing.sol").count(), 1, "{s}");
    assert!(std::error::Error::source(&err).is_none(), "{s}");
    // invalid UTF-8: reported at its line and column, path once
    let bad = d.path().join("Bad.sol");
    std::fs::write(
        &bad,
        b"// SPDX-License-Identifier: MIT\r\npragma solidity ^0.8.20;\r\n// caf\xE9\r\n",
    )
    .unwrap();
    let err = load_with_imports(&bad, &[]).expect_err("not UTF-8");
    let s = err.to_string();
    assert!(s.contains("Bad.sol:3:7: invalid UTF-8 (byte 0xE9"), "{s}");
    assert_eq!(s.matches("Bad.sol").count(), 1, "{s}");
}

#[test]
fn crlf_and_bom_sources_are_read_as_lf_text() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("A.sol");
    std::fs::write(
        &p,
        format!("\u{FEFF}{HEAD}contract A {{}}\r\n").replace('\n', "\r\n"),
    )
    .unwrap();
    let set = load_with_imports(&p, &[]).expect("reads");
    let text = set.sources.values().next().unwrap();
    assert!(
        !text.contains('\r') && !text.starts_with('\u{FEFF}'),
        "{text:?}"
    );
}
