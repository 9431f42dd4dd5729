//! A bounded pool of solc-js workers, started lazily. A request that finds its worker dead
//! gets a fresh worker and is retried once; a request that times out kills its worker.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::SolcError;
use crate::worker::{Failure, Worker};

/// Pool parameters.
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    pub node: PathBuf,
    pub dir: PathBuf,
    pub version: String,
    pub size: usize,
    pub timeout: Duration,
    pub startup_timeout: Duration,
}

#[derive(Default)]
struct State {
    idle: Vec<Worker>,
    /// Workers alive or being started (idle + busy + starting).
    live: usize,
    pids: Vec<u32>,
}

/// Counters, readable at any time.
#[derive(Default)]
pub(crate) struct PoolCounters {
    pub starts: AtomicU64,
    pub requests: AtomicU64,
    pub restarts: AtomicU64,
    pub timeouts: AtomicU64,
}

pub(crate) struct Pool {
    cfg: PoolConfig,
    state: Mutex<State>,
    freed: Condvar,
    pub counters: PoolCounters,
}

impl Pool {
    pub(crate) fn new(cfg: PoolConfig) -> Self {
        Pool {
            cfg,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
            counters: PoolCounters::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Process ids of the running workers.
    pub(crate) fn pids(&self) -> Vec<u32> {
        self.lock().pids.clone()
    }

    fn start(&self) -> Result<Worker, SolcError> {
        let w = Worker::spawn(
            &self.cfg.node,
            &self.cfg.dir,
            &self.cfg.version,
            self.cfg.startup_timeout,
        )?;
        self.counters.starts.fetch_add(1, Ordering::Relaxed);
        self.lock().pids.push(w.pid());
        Ok(w)
    }

    /// Start a worker in a slot already counted in `live`; frees the slot on failure.
    fn start_in_slot(&self) -> Result<Worker, SolcError> {
        self.start().inspect_err(|_| self.release_slot())
    }

    fn release_slot(&self) {
        let mut g = self.lock();
        g.live -= 1;
        drop(g);
        self.freed.notify_one();
    }

    /// Forget a dead or killed worker but keep its slot.
    fn bury(&self, w: Worker) {
        let pid = w.pid();
        drop(w);
        self.lock().pids.retain(|&p| p != pid);
    }

    fn checkout(&self) -> Result<Worker, SolcError> {
        let mut g = self.lock();
        loop {
            if let Some(w) = g.idle.pop() {
                return Ok(w);
            }
            if g.live < self.cfg.size {
                g.live += 1;
                drop(g);
                return self.start_in_slot();
            }
            g = self.freed.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn checkin(&self, w: Worker) {
        self.lock().idle.push(w);
        self.freed.notify_one();
    }

    /// Start workers until `n` (at most the pool size) are running.
    pub(crate) fn warm_up(&self, n: usize) -> Result<(), SolcError> {
        let n = n.min(self.cfg.size);
        let mut started = Vec::new();
        loop {
            {
                let mut g = self.lock();
                if g.live >= n {
                    break;
                }
                g.live += 1;
            }
            started.push(self.start_in_slot()?);
        }
        for w in started {
            self.checkin(w);
        }
        Ok(())
    }

    /// Stop every idle worker (busy ones finish their request and stay).
    pub(crate) fn stop_idle(&self) {
        let idle: Vec<Worker> = {
            let mut g = self.lock();
            let idle = std::mem::take(&mut g.idle);
            g.live -= idle.len();
            let gone: Vec<u32> = idle.iter().map(Worker::pid).collect();
            g.pids.retain(|p| !gone.contains(p));
            idle
        };
        drop(idle);
        self.freed.notify_all();
    }

    /// Compile one standard-JSON input; returns solc's standard-JSON output.
    pub(crate) fn compile(&self, input: &str) -> Result<String, SolcError> {
        let mut w = self.checkout()?;
        let mut retried = false;
        loop {
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            match w.request(input, self.cfg.timeout) {
                Ok(out) => {
                    self.checkin(w);
                    return Ok(out);
                }
                Err(Failure::Reply(msg)) => {
                    self.checkin(w);
                    return Err(SolcError::Protocol(msg));
                }
                Err(Failure::Timeout) => {
                    self.counters.timeouts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        pid = w.pid(),
                        "solc worker timed out after {:?}; killing it",
                        self.cfg.timeout
                    );
                    self.bury(w);
                    self.release_slot();
                    return Err(SolcError::Timeout(self.cfg.timeout));
                }
                Err(Failure::Died(msg)) => {
                    self.bury(w);
                    if retried {
                        self.release_slot();
                        return Err(SolcError::Worker(format!(
                            "{msg} (after a restart; giving up on this request)"
                        )));
                    }
                    tracing::warn!("{msg}; restarting it and retrying the request");
                    self.counters.restarts.fetch_add(1, Ordering::Relaxed);
                    retried = true;
                    w = self.start_in_slot()?;
                }
            }
        }
    }
}
