//! Native-solc selection and first-use installation of solc-js.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tsynth_solc::{
    BackendKind, CacheOrigin, CompileRequest, Compiler, CompilerConfig, DiskCacheConfig,
    NativeSolc, SolcError, ensure_installed, locate_solc_js, pinned_version,
};

/// A stand-in for a native `solc`: answers `--version` with `version` and runs solc-js's
/// own command line for `--standard-json`, logging every call to `log`.
fn fake_solc(dir: &Path, version: &str, solc_js: &Path, log: &Path) -> PathBuf {
    let path = dir.join(format!("solc-{version}"));
    let script = format!(
        "#!/bin/sh\necho \"$1\" >> '{log}'\n\
         if [ \"$1\" = \"--version\" ]; then\n  echo 'solc, the solidity compiler commandline interface'\n  echo 'Version: {version}+commit.73712a01.Linux.g++'\n  exit 0\nfi\n\
         node '{js}/node_modules/solc/solc.js' --standard-json | grep -v '^>>>'\n",
        log = log.display(),
        js = solc_js.display(),
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn compiler_with(native: NativeSolc, cache: &Path) -> Compiler {
    Compiler::new(CompilerConfig {
        workers: Some(1),
        native_solc: native,
        disk_cache: DiskCacheConfig::Dir(cache.to_path_buf()),
        ..CompilerConfig::default()
    })
    .unwrap()
}

#[test]
fn native_solc_of_the_pinned_version_is_used_and_others_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let solc_js = locate_solc_js(None).unwrap();
    ensure_installed(&solc_js, &pinned_version(&solc_js).unwrap()).unwrap();
    let log = tmp.path().join("calls.log");

    let wrong = fake_solc(tmp.path(), "0.8.12", &solc_js, &log);
    let c = compiler_with(NativeSolc::Path(wrong), &tmp.path().join("c1"));
    assert_eq!(c.backend_kind().unwrap(), BackendKind::SolcJs);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "--version\n");

    let right = fake_solc(tmp.path(), "0.8.30", &solc_js, &log);
    let c = compiler_with(NativeSolc::Path(right.clone()), &tmp.path().join("c2"));
    let out = c
        .compile(&CompileRequest::single(
            "N.sol",
            "pragma solidity ^0.8.0;\ncontract N { function n() external {} }",
        ))
        .expect("native compile");
    assert_eq!(out.origin, CacheOrigin::Compiled);
    assert_eq!(
        out.contract("N").unwrap().method_identifiers["n()"],
        "2e52d606"
    );
    assert_eq!(c.backend_kind().unwrap(), BackendKind::Native(right));
    assert_eq!(
        c.stats().worker_starts,
        0,
        "no solc-js worker when native solc is used"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "--version\n--version\n--standard-json\n"
    );

    // Errors from the native backend carry the same typed diagnostics.
    let err = c
        .compile(&CompileRequest::single(
            "E.sol",
            "contract E { uint x = ; }",
        ))
        .expect_err("syntax error");
    let e = err
        .compile_failure()
        .unwrap()
        .errors()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        (e.file.as_deref(), e.line, e.column),
        (Some("E.sol"), Some(1), Some(23))
    );
}

#[test]
fn solc_js_is_installed_once_when_two_installers_race() {
    let solc_js = locate_solc_js(None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("solc-js");
    std::fs::create_dir(&dir).unwrap();
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(solc_js.join(f), dir.join(f)).unwrap();
    }
    let version = pinned_version(&dir).unwrap();
    let results: Vec<Result<bool, SolcError>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| ensure_installed(&dir, &version)))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let installed: Vec<bool> = results
        .into_iter()
        .map(|r| r.expect("install succeeds"))
        .collect();
    assert_eq!(
        installed.iter().filter(|&&b| b).count(),
        1,
        "exactly one installer runs npm ci: {installed:?}"
    );
    assert!(dir.join("node_modules/solc/soljson.js").is_file());
    assert!(
        !ensure_installed(&dir, &version).unwrap(),
        "already installed"
    );

    // A compiler pointed at the fresh install works.
    let c = Compiler::new(CompilerConfig {
        workers: Some(1),
        solc_js_dir: Some(dir.clone()),
        native_solc: NativeSolc::Off,
        disk_cache: DiskCacheConfig::Off,
        ..CompilerConfig::default()
    })
    .unwrap();
    assert!(
        c.compile(&CompileRequest::single("I.sol", "contract I {}"))
            .is_ok()
    );
}

#[test]
fn package_json_must_pin_an_exact_version() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("package.json"),
        r#"{"dependencies":{"solc":"^0.8.30"}}"#,
    )
    .unwrap();
    let err = Compiler::new(CompilerConfig {
        solc_js_dir: Some(tmp.path().to_path_buf()),
        ..CompilerConfig::default()
    })
    .expect_err("range is not a pin");
    assert!(matches!(err, SolcError::BadPackageJson { .. }));
    assert!(err.to_string().contains("exact version"), "{err}");

    let missing = Compiler::new(CompilerConfig {
        solc_js_dir: Some(tmp.path().join("nope")),
        ..CompilerConfig::default()
    })
    .expect_err("no package.json");
    assert!(
        missing.to_string().contains("TSYNTH_SOLC_JS_DIR"),
        "{missing}"
    );
}
