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
