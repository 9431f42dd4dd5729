//! One long-lived `node` process running solc-js (`tools/solc-js/worker.js`), answering
//! one standard-JSON request per line on stdin with one response line on stdout.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::SolcError;

/// The worker script, embedded so any solc-js directory works.
pub(crate) const WORKER_JS: &str = include_str!("../../../tools/solc-js/worker.js");

/// How a request to a worker failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The process exited or its pipes broke.
    Died(String),
    /// No answer within the timeout.
    Timeout,
    /// The worker answered with an error about the request itself.
    Reply(String),
}

/// A running solc-js worker.
pub(crate) struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    pid: u32,
    next_id: u64,
    /// Full version reported by solc-js, e.g. `0.8.30+commit.73712a01.Emscripten.clang`.
    pub version: String,
}

impl Worker {
    /// Start `node` with the worker script in `dir` and wait for its `ready` line.
    pub(crate) fn spawn(
        node: &Path,
        dir: &Path,
        expected_version: &str,
        startup_timeout: Duration,
    ) -> Result<Worker, SolcError> {
        let mut child = Command::new(node)
            .arg("-e")
            .arg(WORKER_JS)
            .current_dir(dir)
            .env("TSYNTH_SOLC_JS_DIR", dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SolcError::ToolMissing {
                program: node.display().to_string(),
                version: expected_version.into(),
                error: e,
            })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SolcError::Worker(
                "could not open the worker's pipes".into(),
            ));
        };
        let (tx, lines) = mpsc::channel();
        std::thread::Builder::new()
            .name(format!("solc-worker-{pid}-out"))
            .spawn(move || {
                let mut r = BufReader::new(stdout);
                let mut line = String::new();
                loop {
                    line.clear();
                    match r.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            if tx.send(line.trim_end().to_owned()).is_err() {
                                break;
                            }
                        }
                    }
                }
            })
            .map_err(|e| SolcError::Worker(format!("cannot start reader thread: {e}")))?;
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = stderr_tail.clone();
        std::thread::Builder::new()
            .name(format!("solc-worker-{pid}-err"))
            .spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    tracing::debug!(pid, "solc worker stderr: {line}");
                    let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                    if t.len() == 8 {
                        t.pop_front();
                    }
                    t.push_back(line);
                }
            })
            .map_err(|e| SolcError::Worker(format!("cannot start reader thread: {e}")))?;
        let mut w = Worker {
            child,
            stdin,
            lines,
            stderr_tail,
            pid,
            next_id: 0,
            version: String::new(),
        };
        let ready = match w.lines.recv_timeout(startup_timeout) {
            Ok(l) => l,
            Err(RecvTimeoutError::Timeout) => {
                return Err(SolcError::Worker(format!(
                    "worker did not start within {startup_timeout:?}"
                )));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(SolcError::Worker(format!(
                    "worker exited during startup{}",
                    w.stderr_suffix()
                )));
            }
        };
        let v: serde_json::Value = serde_json::from_str(&ready)
            .map_err(|_| SolcError::Worker(format!("unexpected startup line: {ready}")))?;
        if v.get("ready").and_then(|r| r.as_bool()) != Some(true) {
            let msg = v.get("error").and_then(|e| e.as_str()).unwrap_or(&ready);
            return Err(SolcError::Worker(format!("cannot load solc-js: {msg}")));
        }
        let version = v
            .get("version")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        if !version_matches(&version, expected_version) {
            return Err(SolcError::VersionMismatch {
                expected: expected_version.into(),
                found: version,
            });
        }
        w.version = version;
        tracing::debug!(pid, version = %w.version, "solc worker started");
        Ok(w)
    }

    /// OS process id.
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    fn stderr_suffix(&self) -> String {
        // Give the stderr reader a moment to collect the last words of a dying process.
        std::thread::sleep(Duration::from_millis(20));
        let t = self.stderr_tail.lock().unwrap_or_else(|p| p.into_inner());
        if t.is_empty() {
            String::new()
        } else {
            format!(
                "; stderr: {}",
                t.iter().cloned().collect::<Vec<_>>().join(" | ")
            )
        }
    }

    /// Send one standard-JSON input and wait up to `timeout` for its output.
    pub(crate) fn request(&mut self, input: &str, timeout: Duration) -> Result<String, Failure> {
        self.next_id += 1;
        let id = self.next_id;
        let mut line = serde_json::json!({ "id": id, "input": input }).to_string();
        line.push('\n');
        if let Err(e) = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
        {
            return Err(Failure::Died(format!(
                "cannot write to worker {}: {e}{}",
                self.pid,
                self.stderr_suffix()
            )));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let reply = match self.lines.recv_timeout(left) {
                Ok(l) => l,
                Err(RecvTimeoutError::Timeout) => return Err(Failure::Timeout),
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self
                        .child
                        .try_wait()
                        .ok()
                        .flatten()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default();
                    return Err(Failure::Died(format!(
                        "worker {} exited{status}{}",
                        self.pid,
                        self.stderr_suffix()
                    )));
                }
            };
            let v: serde_json::Value = match serde_json::from_str(&reply) {
                Ok(v) => v,
                Err(_) => {
                    tracing::debug!(pid = self.pid, "ignoring non-JSON worker line: {reply}");
                    continue;
                }
            };
            if v.get("id").and_then(|i| i.as_u64()) != Some(id) {
                continue;
            }
            if let Some(out) = v.get("output").and_then(|o| o.as_str()) {
                return Ok(out.to_owned());
            }
            let msg = v
                .get("error")
                .and_then(|e| e.as_str())
                .unwrap_or("response without output");
            return Err(Failure::Reply(msg.to_owned()));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when a full solc version string (`0.8.30+commit...`) is release `expected`.
pub(crate) fn version_matches(full: &str, expected: &str) -> bool {
    full.strip_prefix(expected)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('+'))
}

#[cfg(test)]
mod tests {
    use super::version_matches;

    #[test]
    fn version_prefix_must_be_a_whole_release() {
        assert!(version_matches(
            "0.8.30+commit.73712a01.Emscripten.clang",
            "0.8.30"
        ));
        assert!(version_matches("0.8.30", "0.8.30"));
        assert!(!version_matches("0.8.3+commit.1", "0.8.30"));
        assert!(!version_matches("0.8.301", "0.8.30"));
        assert!(!version_matches("0.8.29+commit.x", "0.8.30"));
    }
}
