//! Using a native `solc` binary of the pinned version instead of solc-js workers.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::SolcError;
use crate::worker::version_matches;

/// Environment variable naming a native solc binary.
pub const SOLC_ENV: &str = "TSYNTH_SOLC";

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Parse the `Version: 0.8.30+commit...` line of `solc --version`.
pub(crate) fn parse_version(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Version:"))
        .map(|v| v.trim().to_owned())
}

/// Find a native solc of `version`: `explicit`, else `$TSYNTH_SOLC`, else `solc` on PATH.
/// A candidate that fails to run or reports another version is ignored (debug log).
pub(crate) fn detect(explicit: Option<&Path>, version: &str) -> Option<PathBuf> {
    let cand = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(SOLC_ENV).map(PathBuf::from))
        .or_else(|| find_on_path("solc"))?;
    let out = match Command::new(&cand)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            tracing::debug!("ignoring native solc {}: {e}", cand.display());
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match parse_version(&text) {
        Some(v) if out.status.success() && version_matches(&v, version) => {
            tracing::debug!("using native solc {} ({v})", cand.display());
            Some(cand)
        }
        other => {
            tracing::debug!(
                "ignoring native solc {}: reports {:?}, need {version}",
                cand.display(),
                other
            );
            None
        }
    }
}

/// Run `solc --standard-json` on `input`, killing it after `timeout`.
pub(crate) fn compile(path: &Path, input: &str, timeout: Duration) -> Result<String, SolcError> {
    let err = |reason: String| SolcError::Native {
        path: path.to_path_buf(),
        reason,
    };
    let mut child = Command::new(path)
        .arg("--standard-json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("cannot start: {e}")))?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(err("cannot open pipes".into()));
    };
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SolcError::Timeout(timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(err(format!("wait failed: {e}"))),
        }
    };
    let _ = writer.join();
    let out = out_reader
        .join()
        .map_err(|_| err("reader thread panicked".into()))?
        .map_err(|e| err(format!("reading output: {e}")))?;
    let stderr_text = err_reader.join().unwrap_or_default();
    if out.trim().is_empty() {
        return Err(err(format!("no output ({status}): {}", stderr_text.trim())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_version_line() {
        let t = "solc, the solidity compiler commandline interface\nVersion: 0.8.30+commit.73712a01.Linux.g++\n";
        assert_eq!(
            super::parse_version(t).as_deref(),
            Some("0.8.30+commit.73712a01.Linux.g++")
        );
        assert_eq!(super::parse_version("garbage"), None);
    }
}
