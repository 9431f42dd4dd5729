//! Process-wide counters for benchmarks (relaxed atomics: nearly free, never affect results).

use std::sync::atomic::{AtomicU64, Ordering};

static EVM_CALLS: AtomicU64 = AtomicU64::new(0);

/// Counts one EVM call made by a simulation.
#[inline]
pub fn count_call() {
    EVM_CALLS.fetch_add(1, Ordering::Relaxed);
}

/// EVM calls made by simulations in this process so far (all threads).
pub fn evm_calls() -> u64 {
    EVM_CALLS.load(Ordering::Relaxed)
}

static ATTACK_NANOS: AtomicU64 = AtomicU64::new(0);
static ATTACK_EVALS: AtomicU64 = AtomicU64::new(0);

/// Runs `f`, an attack (an in-simulation screen or an end-of-run search), adding its wall
/// time on this thread to the process's attack time. Call it at the outermost attack entry
/// only (nested calls would count twice).
pub fn time_attack<T>(f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = f();
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    ATTACK_NANOS.fetch_add(nanos, Ordering::Relaxed);
    out
}

/// Counts one attack evaluation (a fork, the attack's transactions and its liquidation).
#[inline]
pub fn count_attack_evaluation() {
    ATTACK_EVALS.fetch_add(1, Ordering::Relaxed);
}

/// Seconds of worker time spent attacking in this process so far (all threads), and the
/// attack evaluations made in it.
pub fn attack_time() -> (f64, u64) {
    (
        ATTACK_NANOS.load(Ordering::Relaxed) as f64 * 1e-9,
        ATTACK_EVALS.load(Ordering::Relaxed),
    )
}
