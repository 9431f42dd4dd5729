//! Finding the pinned solc-js project (`tools/solc-js`) and installing it with `npm ci` on
//! first use. Concurrent installers (threads or processes) serialize on a lock file.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::SolcError;

/// Environment variable naming the solc-js project directory.
pub const SOLC_JS_DIR_ENV: &str = "TSYNTH_SOLC_JS_DIR";

const LOCK_FILE: &str = ".npm-ci.lock";

fn has_package_json(dir: &Path) -> bool {
    dir.join("package.json").is_file()
}

/// Locate the solc-js project directory: `explicit` if given, else `$TSYNTH_SOLC_JS_DIR`,
/// else `tools/solc-js` in the current directory or one of its ancestors, else the
/// directory this crate was built from (`../../tools/solc-js` of its manifest).
pub fn locate_solc_js(explicit: Option<&Path>) -> Result<PathBuf, SolcError> {
    let mut searched = Vec::new();
    let given = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(SOLC_JS_DIR_ENV).map(PathBuf::from));
    if let Some(dir) = given {
        if has_package_json(&dir) {
            return Ok(dir);
        }
        // An explicit choice that is wrong is an error, not a reason to guess elsewhere.
        return Err(SolcError::SolcJsNotFound {
            searched: vec![dir],
        });
    }
    if let Ok(cwd) = std::env::current_dir() {
        for anc in cwd.ancestors() {
            let cand = anc.join("tools").join("solc-js");
            if has_package_json(&cand) {
                return Ok(cand);
            }
        }
        searched.push(cwd.join("tools/solc-js (and every ancestor's)"));
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/solc-js");
    if has_package_json(&built) {
        return Ok(built);
    }
    searched.push(built);
    Err(SolcError::SolcJsNotFound { searched })
}

/// The exact `solc` version pinned in `<dir>/package.json` (e.g. `0.8.30`).
pub fn pinned_version(dir: &Path) -> Result<String, SolcError> {
    let path = dir.join("package.json");
    let text = std::fs::read_to_string(&path).map_err(|e| SolcError::io(&path, e))?;
    let bad = |reason: String| SolcError::BadPackageJson {
        path: path.clone(),
        reason,
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let ver = v
        .pointer("/dependencies/solc")
        .and_then(|s| s.as_str())
        .ok_or_else(|| bad("no `dependencies.solc` entry".into()))?;
    let parts: Vec<&str> = ver.split('.').collect();
    let exact = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !exact {
        return Err(bad(format!(
            "`dependencies.solc` must be an exact version like 0.8.30, found `{ver}`"
        )));
    }
    Ok(ver.to_string())
}

/// True when `<dir>/node_modules/solc` holds the pinned version with its compiler.
fn is_installed(dir: &Path, version: &str) -> bool {
    let pkg = dir.join("node_modules/solc/package.json");
    if !dir.join("node_modules/solc/soljson.js").is_file() {
        return false;
    }
    std::fs::read_to_string(pkg)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("version").and_then(|s| s.as_str()).map(str::to_owned))
        .is_some_and(|v| v == version)
}

/// Make sure solc-js `version` is installed in `dir`, running `npm ci` there if not.
/// Returns true when this call installed it.
pub fn ensure_installed(dir: &Path, version: &str) -> Result<bool, SolcError> {
    let lock_path = dir.join(LOCK_FILE);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path);
    let Ok(lock) = lock else {
        // Read-only project: nobody can install here, so just check.
        if is_installed(dir, version) {
            return Ok(false);
        }
        return Err(SolcError::Install {
            dir: dir.to_path_buf(),
            status: "not installed and the directory is not writable".into(),
            output: String::new(),
        });
    };
    {
        lock.lock_shared()
            .map_err(|e| SolcError::io(&lock_path, e))?;
        let ok = is_installed(dir, version);
        let _ = lock.unlock();
        if ok {
            return Ok(false);
        }
    }
    lock.lock().map_err(|e| SolcError::io(&lock_path, e))?;
    let result = (|| {
        if is_installed(dir, version) {
            return Ok(false);
        }
        tracing::info!(
            "installing solc-js {version} with `npm ci` in {} (first use)",
            dir.display()
        );
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| SolcError::ToolMissing {
                program: "npm".into(),
                version: version.into(),
                error: e,
            })?;
        if !out.status.success() || !is_installed(dir, version) {
            let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stdout));
            let tail: String = text
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            return Err(SolcError::Install {
                dir: dir.to_path_buf(),
                status: out.status.to_string(),
                output: tail,
            });
        }
        Ok(true)
    })();
    let _ = lock.unlock();
    result
}
