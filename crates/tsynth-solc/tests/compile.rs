//! End-to-end tests of the compiler service against the real pinned solc-js.

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};

use tsynth_solc::{CacheOrigin, CompileRequest, Settings, Severity, SolcError};

#[test]
fn compiles_sources_with_imports_and_keeps_warnings() {
    let mut sources = BTreeMap::new();
    sources.insert(
        "lib/Math.sol".to_string(),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\
         library Math {\n    function min(uint a, uint b) internal pure returns (uint) {\n        \
         return a < b ? a : b;\n    }\n}\n"
            .to_string(),
    );
    sources.insert(
        "Top.sol".to_string(),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nimport \"./lib/Math.sol\";\n\
         interface IThing { function f(uint x) external returns (uint); }\n\
         contract Top is IThing {\n    function f(uint x) external pure returns (uint) {\n        \
         uint unused = 3;\n        return Math.min(x, 10);\n    }\n}\n"
            .to_string(),
    );
    let out = crate::common::shared()
        .compile(&CompileRequest::new(sources))
        .expect("compiles");
    assert_eq!(out.origin, CacheOrigin::Compiled);
    assert_eq!(out.compiler_version, "0.8.30");

    let top = out.contract("Top").expect("Top");
    assert_eq!(top.source_file, "Top.sol");
    assert_eq!(top.qualified_name(), "Top.sol:Top");
    // f(uint256) selector is keccak("f(uint256)")[..4] = b3de648b.
    assert_eq!(
        top.method_identifiers.get("f(uint256)").map(String::as_str),
        Some("b3de648b")
    );
    assert_eq!(top.abi.functions().count(), 1);
    assert_eq!(
        top.abi.function("f").expect("f in ABI")[0]
            .selector()
            .to_string(),
        "0xb3de648b"
    );
    assert!(top.bytecode.len() > top.deployed_bytecode.len());
    assert!(top.deployed_bytecode.starts_with(&[0x60, 0x80, 0x60, 0x40]));
    // The interface is listed without code; the library is internal-only, so it has code.
    let ithing = out.contract("Top.sol:IThing").expect("IThing");
    assert!(ithing.is_abstract() && ithing.deployed_bytecode.is_empty());
    assert_eq!(
        out.deployable()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Top", "Math"]
    );
    // Sorted by (source file, name): "Top.sol" < "lib/Math.sol".

    // The unused local variable is a warning at Top.sol line 7, column 9.
    let w = out
        .warnings()
        .find(|d| d.message.contains("Unused local variable"))
        .expect("unused-variable warning kept with the artifact");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.file.as_deref(), Some("Top.sol"));
    assert_eq!((w.line, w.column), (Some(7), Some(9)));
}

#[test]
fn compile_error_names_file_line_and_column() {
    let mut sources = BTreeMap::new();
    sources.insert(
        "blocks/Fee.sol".to_string(),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\
         abstract contract Fee {\n    function fee() internal pure returns (uint) {\n        \
         return undefinedThing + 1;\n    }\n}\n"
            .to_string(),
    );
    sources.insert(
        "Candidate.sol".to_string(),
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nimport \"blocks/Fee.sol\";\n\
         contract Candidate is Fee {}\n"
            .to_string(),
    );
    let err = crate::common::shared()
        .compile(&CompileRequest::new(sources))
        .expect_err("undeclared identifier must fail");
    let failed = err.compile_failure().expect("a compile failure");
    let errors: Vec<_> = failed.errors().collect();
    assert_eq!(errors.len(), 1, "{failed}");
    let e = errors[0];
    assert_eq!(e.kind, "DeclarationError");
    assert_eq!(e.file.as_deref(), Some("blocks/Fee.sol"));
    assert_eq!((e.line, e.column), (Some(5), Some(16)));
    assert_eq!(
        err.to_string(),
        "blocks/Fee.sol:5:16: DeclarationError: Undeclared identifier."
    );

    // A parser error in the top file, at the first token after the missing semicolon.
    let bad = "pragma solidity ^0.8.20;\ncontract X {\n  uint a = 1\n  uint b;\n}\n";
    let err = crate::common::shared()
        .compile(&CompileRequest::single("X.sol", bad))
        .expect_err("syntax error");
    let e = err
        .compile_failure()
        .and_then(|f| f.errors().next().cloned())
        .expect("error");
    assert_eq!(e.kind, "ParserError");
    assert_eq!(
        (e.file.as_deref(), e.line, e.column),
        (Some("X.sol"), Some(4), Some(3))
    );
}

#[test]
fn optimizer_setting_changes_code_and_cache_key() {
    let c = crate::common::shared();
    let src = crate::common::token_source("optimizer test");
    let plain = CompileRequest::single("Token.sol", src.clone());
    let opt = plain.clone().with_settings(Settings::optimized());
    assert_ne!(c.cache_key(&plain), c.cache_key(&opt));
    let a = c.compile(&plain).expect("plain");
    let b = c.compile(&opt).expect("optimized");
    let (ta, tb) = (a.contract("Token").unwrap(), b.contract("Token").unwrap());
    assert_eq!(ta.method_identifiers, tb.method_identifiers);
    assert!(
        tb.deployed_bytecode.len() < ta.deployed_bytecode.len(),
        "optimized {} >= plain {}",
        tb.deployed_bytecode.len(),
        ta.deployed_bytecode.len()
    );
    assert_eq!(
        ta.method_identifiers
            .get("transfer(address,uint256)")
            .map(String::as_str),
        Some("a9059cbb")
    );
}

#[test]
fn second_compile_is_served_from_cache_without_a_worker() {
    let dir = tempfile::tempdir().unwrap();
    let req = CompileRequest::single("Token.sol", crate::common::token_source("cache test"));

    let c1 = crate::common::isolated(dir.path(), 1);
    let first = c1.compile(&req).expect("first compile");
    assert_eq!(first.origin, CacheOrigin::Compiled);
    assert_eq!(c1.stats().worker_requests, 1);

    let again = c1.compile(&req).expect("memory hit");
    assert_eq!(again.origin, CacheOrigin::Memory);
    assert_eq!(
        c1.stats().worker_requests,
        1,
        "a memory hit must not reach a worker"
    );
    assert_eq!(again.contracts, first.contracts);

    // A new compiler (as a new process would be) finds it on disk and starts no worker.
    let c2 = crate::common::isolated(dir.path(), 1);
    let from_disk = c2.compile(&req).expect("disk hit");
    assert_eq!(from_disk.origin, CacheOrigin::Disk);
    assert_eq!(from_disk.contracts, first.contracts);
    assert_eq!(from_disk.cache_key, first.cache_key);
    let s = c2.stats();
    assert_eq!((s.worker_starts, s.worker_requests, s.compiles), (0, 0, 0));
    assert_eq!(s.disk_hits, 1);
    assert!(c2.worker_pids().is_empty());
    // The disk hit also fills the memory cache.
    assert_eq!(c2.compile(&req).unwrap().origin, CacheOrigin::Memory);
}

#[test]
fn failed_compiles_are_cached_too() {
    let dir = tempfile::tempdir().unwrap();
    let req = CompileRequest::single("E.sol", "contract E { function f() { } }");
    let c1 = crate::common::isolated(dir.path(), 1);
    let e1 = c1.compile(&req).expect_err("missing visibility");
    let c2 = crate::common::isolated(dir.path(), 1);
    let e2 = c2.compile(&req).expect_err("still an error from disk");
    assert_eq!(e1.to_string(), e2.to_string());
    assert_eq!(c2.stats().disk_hits, 1);
    assert_eq!(c2.stats().worker_requests, 0);
}

#[test]
fn corrupt_disk_entry_is_detected_and_recompiled() {
    let dir = tempfile::tempdir().unwrap();
    let req = CompileRequest::single("Token.sol", crate::common::token_source("corrupt test"));
    let c1 = crate::common::isolated(dir.path(), 1);
    let good = c1.compile(&req).expect("compile");
    let path = c1.cache_entry_path(&good.cache_key).expect("disk cache on");
    // The atomic write left exactly the entry behind, no temporary file.
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [format!("{}.json", good.cache_key)]);
    let mut bytes = std::fs::read(&path).expect("entry written");
    // Flip one byte in the body: the JSON may still parse, the checksum must not match.
    let i = bytes.len() - 10;
    bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
    std::fs::write(&path, &bytes).unwrap();

    let c2 = crate::common::isolated(dir.path(), 1);
    let again = c2.compile(&req).expect("recompiled");
    assert_eq!(again.origin, CacheOrigin::Compiled);
    assert_eq!(c2.stats().corrupt_entries, 1);
    assert_eq!(again.contracts, good.contracts);

    // The rewritten entry is good again; a truncated one is also caught.
    let c3 = crate::common::isolated(dir.path(), 1);
    assert_eq!(c3.compile(&req).unwrap().origin, CacheOrigin::Disk);
    std::fs::write(&path, b"tsynth-solc-cache v2 abc\n{\"contr").unwrap();
    let c4 = crate::common::isolated(dir.path(), 1);
    assert_eq!(c4.compile(&req).unwrap().origin, CacheOrigin::Compiled);
    assert_eq!(c4.stats().corrupt_entries, 1);
}

#[test]
fn entry_copied_under_another_key_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let req_a = CompileRequest::single("Token.sol", crate::common::token_source("moved entry A"));
    let req_b = CompileRequest::single("Token.sol", crate::common::token_source("moved entry B"));
    let c1 = crate::common::isolated(dir.path(), 1);
    let a = c1.compile(&req_a).expect("compile A");
    let b = c1.compile(&req_b).expect("compile B");
    assert_ne!(a.cache_key, b.cache_key);
    // Put A's (valid, self-consistent) entry where B's belongs.
    let (pa, pb) = (
        c1.cache_entry_path(&a.cache_key).unwrap(),
        c1.cache_entry_path(&b.cache_key).unwrap(),
    );
    std::fs::create_dir_all(pb.parent().unwrap()).unwrap();
    std::fs::copy(&pa, &pb).unwrap();

    let c2 = crate::common::isolated(dir.path(), 1);
    let again = c2.compile(&req_b).expect("recompiled");
    assert_eq!(
        again.origin,
        CacheOrigin::Compiled,
        "A's entry was served for B"
    );
    assert_eq!(c2.stats().corrupt_entries, 1);
    assert_eq!(again.contracts, b.contracts);
    // A's own entry is still used where it belongs.
    assert_eq!(c2.compile(&req_a).unwrap().origin, CacheOrigin::Disk);
}

#[test]
fn two_threads_compile_at_once_on_two_workers() {
    let dir = tempfile::tempdir().unwrap();
    let c = crate::common::isolated(dir.path(), 2);
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = ["Alpha", "Beta"]
        .into_iter()
        .map(|name| {
            let c = c.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let src = format!(
                    "pragma solidity ^0.8.20;\ncontract {name} {{ function id() external pure returns (string memory) {{ return \"{name}\"; }} }}\n"
                );
                barrier.wait();
                c.compile(&CompileRequest::single(format!("{name}.sol"), src))
            })
        })
        .collect();
    let outs: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    assert!(outs[0].contract("Alpha").is_some() && outs[0].contract("Beta").is_none());
    assert!(outs[1].contract("Beta").is_some() && outs[1].contract("Alpha").is_none());
    let s = c.stats();
    assert_eq!(s.compiles, 2);
    assert_eq!(s.worker_requests, 2);
    assert_eq!(
        s.worker_starts, 2,
        "both requests arrived together, so both workers start"
    );
    assert_eq!(c.worker_pids().len(), 2);
}

#[test]
fn more_threads_than_workers_all_get_served() {
    let dir = tempfile::tempdir().unwrap();
    let c = crate::common::isolated(dir.path(), 2);
    let outs: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..6)
            .map(|i| {
                let c = &c;
                s.spawn(move || {
                    let src = format!(
                        "pragma solidity ^0.8.20;\ncontract C{i} {{ uint public v = {i}; }}\n"
                    );
                    c.compile(&CompileRequest::single(format!("C{i}.sol"), src))
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, o) in outs.iter().enumerate() {
        let o = o.as_ref().expect("compiled");
        assert!(o.contract(&format!("C{i}")).is_some());
    }
    let s = c.stats();
    assert_eq!(s.compiles, 6);
    assert!(s.worker_starts <= 2, "pool size 2 exceeded: {s:?}");
}

#[test]
fn killed_worker_is_restarted_and_the_request_retried() {
    let dir = tempfile::tempdir().unwrap();
    let c = crate::common::isolated(dir.path(), 1);
    c.compile(&CompileRequest::single("K1.sol", "contract K1 {}"))
        .unwrap();
    let pids = c.worker_pids();
    assert_eq!(pids.len(), 1);
    let status = std::process::Command::new("kill")
        .args(["-9", &pids[0].to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    std::thread::sleep(std::time::Duration::from_millis(100));

    let out = c
        .compile(&CompileRequest::single("K2.sol", "contract K2 {}"))
        .expect("recovered");
    assert!(out.contract("K2").is_some());
    let s = c.stats();
    assert_eq!(s.worker_restarts, 1);
    assert_eq!(s.worker_starts, 2);
    assert_eq!(s.worker_requests, 3, "first compile, failed attempt, retry");
    let now = c.worker_pids();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0], pids[0]);
}

#[test]
fn a_compile_that_exceeds_its_timeout_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let c = tsynth_solc::Compiler::new(tsynth_solc::CompilerConfig {
        workers: Some(1),
        timeout: std::time::Duration::from_millis(1),
        disk_cache: tsynth_solc::DiskCacheConfig::Dir(dir.path().to_path_buf()),
        native_solc: tsynth_solc::NativeSolc::Off,
        ..Default::default()
    })
    .unwrap();
    let err = c
        .compile(&CompileRequest::single(
            "Token.sol",
            crate::common::token_source("timeout"),
        ))
        .expect_err("1 ms is too short");
    assert!(matches!(err, SolcError::Timeout(_)), "{err}");
    assert_eq!(c.stats().timeouts, 1);
    assert!(c.worker_pids().is_empty(), "the timed-out worker is killed");
}

#[test]
fn missing_node_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let c = tsynth_solc::Compiler::new(tsynth_solc::CompilerConfig {
        workers: Some(1),
        node: "/nonexistent/bin/node".into(),
        disk_cache: tsynth_solc::DiskCacheConfig::Dir(dir.path().to_path_buf()),
        native_solc: tsynth_solc::NativeSolc::Off,
        ..Default::default()
    })
    .unwrap();
    let err = c
        .compile(&CompileRequest::single("N.sol", "contract N {}"))
        .expect_err("no node");
    assert!(matches!(err, SolcError::ToolMissing { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("/nonexistent/bin/node") && msg.contains("install"),
        "{msg}"
    );
}

#[test]
fn concurrent_requests_for_the_same_sources_compile_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = crate::common::isolated(dir.path(), 2);
    let req = CompileRequest::single("Token.sol", crate::common::token_source("dedupe test"));
    let barrier = Barrier::new(4);
    let origins: Vec<CacheOrigin> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    c.compile(&req).expect("compiles").origin
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(c.stats().compiles, 1, "{origins:?}");
    assert_eq!(c.stats().worker_requests, 1);
    assert_eq!(
        origins
            .iter()
            .filter(|o| **o == CacheOrigin::Compiled)
            .count(),
        1
    );
    assert_eq!(
        origins
            .iter()
            .filter(|o| **o == CacheOrigin::Memory)
            .count(),
        3
    );
}
