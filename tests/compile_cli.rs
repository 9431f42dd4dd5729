//! `tsynth compile` end to end: the real binary, a temporary cache, the real solc-js.

use std::path::Path;
use std::process::{Command, Output};

fn tsynth(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsynth"))
        .args(args)
        .current_dir(dir)
        .env("TSYNTH_CACHE", cache)
        .env("TSYNTH_SOLC", "/nonexistent/solc")
        .env_remove("RUST_LOG")
        .output()
        .expect("run tsynth")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

const VAULT: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "./lib/Math.sol";
import "core/IVault.sol";

contract Vault is IVault {
    mapping(address => uint256) public shares;
    function deposit(uint256 amount) external returns (uint256) {
        shares[msg.sender] += Math.min(amount, 1e24);
        return shares[msg.sender];
    }
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/Vault.sol", VAULT);
    write(
        dir.path(),
        "src/lib/Math.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nlibrary Math {\n    \
         function min(uint256 a, uint256 b) internal pure returns (uint256) { return a < b ? a : b; }\n}\n",
    );
    write(
        dir.path(),
        "interfaces/core/IVault.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ninterface IVault {\n    \
         function deposit(uint256 amount) external returns (uint256);\n}\n",
    );
    dir
}

#[test]
fn compiles_a_file_with_imports_then_hits_the_disk_cache() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let args = ["compile", "src/Vault.sol", "-I", "interfaces"];
    let first = tsynth(p.path(), cache.path(), &args);
    let out = text(&first.stdout);
    assert!(first.status.success(), "stderr: {}", text(&first.stderr));
    assert!(out.contains("Vault  [src/Vault.sol]  creation "), "{out}");
    assert!(out.contains("0xb6b55f25  deposit(uint256)"), "{out}");
    assert!(out.contains("0x"), "{out}");
    assert!(out.contains("source: compiled;"), "{out}");

    let second = tsynth(p.path(), cache.path(), &args);
    let out2 = text(&second.stdout);
    assert!(second.status.success());
    assert!(out2.contains("source: disk cache;"), "{out2}");

    // JSON: same contract, marked cached, with a compile-service time.
    let json = tsynth(
        p.path(),
        cache.path(),
        &[
            "compile",
            "src/Vault.sol",
            "-I",
            "interfaces",
            "--json",
            "--contract",
            "Vault",
        ],
    );
    assert!(json.status.success(), "{}", text(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert_eq!(v["cached"], true);
    assert_eq!(v["origin"], "disk");
    let c = &v["contracts"][0];
    assert_eq!(c["name"], "Vault");
    assert_eq!(c["functions"]["deposit(uint256)"], "b6b55f25");
    assert_eq!(c["functions"]["shares(address)"], "ce7c2ac2");
    let runtime = c["runtime_size"].as_u64().unwrap();
    assert!(runtime > 100);
    assert_eq!(
        c["deployed_bytecode"].as_str().unwrap().len() as u64,
        2 + 2 * runtime
    );
    assert!(v["compile_service_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn optimize_flag_changes_the_result() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut a = vec!["compile", "src/Vault.sol", "-I", "interfaces", "--json"];
        a.extend_from_slice(extra);
        let o = tsynth(p.path(), cache.path(), &a);
        assert!(o.status.success(), "{}", text(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let plain = run(&[]);
    let opt = run(&["--optimize"]);
    assert_ne!(plain["cache_key"], opt["cache_key"]);
    assert_eq!(opt["origin"], "compiled");
    assert!(
        opt["contracts"][0]["runtime_size"].as_u64()
            < plain["contracts"][0]["runtime_size"].as_u64()
    );
}

#[test]
fn compile_error_prints_file_line_col_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pools/Broken.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract Broken {\n    \
         function f() external pure returns (uint256) {\n        return missing * 2;\n    }\n}\n",
    );
    let o = tsynth(dir.path(), cache.path(), &["compile", "./pools/Broken.sol"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    // The file as the user named it, 1-based line and column of `missing`.
    assert!(
        err.contains("./pools/Broken.sol:5:16: DeclarationError: Undeclared identifier."),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert!(text(&o.stdout).is_empty());

    // With --json the diagnostics are also a JSON document on stdout.
    let o = tsynth(
        dir.path(),
        cache.path(),
        &["compile", "pools/Broken.sol", "--json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["ok"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["severity"].as_str(),
            d["line"].as_u64(),
            d["column"].as_u64()
        ),
        (Some("error"), Some(5), Some(16))
    );
    assert_eq!(d["file"], "pools/Broken.sol");
}

#[test]
fn missing_import_and_unknown_contract_are_clear_errors() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    // Without -I interfaces, core/IVault.sol cannot be found: error names file and line.
    let o = tsynth(p.path(), cache.path(), &["compile", "src/Vault.sol"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("src/Vault.sol:4: import \"core/IVault.sol\" not found"),
        "{err}"
    );

    let o = tsynth(
        p.path(),
        cache.path(),
        &[
            "compile",
            "src/Vault.sol",
            "-I",
            "interfaces",
            "--contract",
            "Nope",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("no contract `Nope`") && err.contains("src/Vault.sol:Vault"),
        "{err}"
    );

    let o = tsynth(p.path(), cache.path(), &["compile", "does/not/exist.sol"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("does/not/exist.sol"));
}

#[test]
fn imports_above_the_current_directory_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/Y.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract Y {}\n",
    );
    write(
        dir.path(),
        "a/b/X.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nimport \"../Y.sol\";\ncontract X is Y { uint public x = nope; }\n",
    );
    // From a/b, `../Y.sol` climbs above the current directory; solc would drop the `..`,
    // so the sources get absolute names; the error still names the file as typed.
    let cwd = dir.path().join("a/b");
    let o = tsynth(&cwd, cache.path(), &["compile", "X.sol"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("X.sol:4:35: DeclarationError: Undeclared identifier."),
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");

    write(
        dir.path(),
        "a/b/X.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\nimport \"../Y.sol\";\ncontract X is Y { uint public x = 1; }\n",
    );
    let o = tsynth(&cwd, cache.path(), &["compile", "X.sol"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("0x0c55699c  x()"),
        "{}",
        text(&o.stdout)
    );
}
