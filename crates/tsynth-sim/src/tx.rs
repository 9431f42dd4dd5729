//! Transactions as agents send them: one call, classified as a success, a refusal by the
//! design's policy (the domain says which reverts those are), or a failure; and views, which
//! must work. Errors of the harness itself (not a revert or a halt) end the seed ([`Fatal`]).

use tsynth_evm::{Address, EvmError, RevertReason, SolCall, World};

use crate::domain::Fatal;
use crate::stats::count_call;

/// How one transaction ended, as a simulation sees it.
#[derive(Debug)]
pub enum TxOutcome<T> {
    /// Succeeded with this return value.
    Ok(T),
    /// Refused by a design policy (a lock-up, a cap): the design working, not a failure.
    Policy,
    /// Reverted or halted for any other reason.
    Failed,
}

/// Sends `call` from `from` to `to` (committing it) and classifies the result; `is_policy`
/// says which reverts are a design's policy. `what` names the step in a fatal error.
pub fn send<C: SolCall>(
    world: &mut World,
    from: Address,
    to: Address,
    call: &C,
    what: &str,
    is_policy: impl Fn(&RevertReason) -> bool,
) -> Result<TxOutcome<C::Return>, Fatal> {
    count_call();
    match world.call_sol(from, to, call) {
        Ok(r) => Ok(TxOutcome::Ok(r)),
        Err(EvmError::Revert(reason)) if is_policy(&reason) => Ok(TxOutcome::Policy),
        Err(EvmError::Revert(_) | EvmError::Halt { .. }) => Ok(TxOutcome::Failed),
        Err(source) => Err(Fatal {
            what: format!("{what} (`{}`)", C::SIGNATURE),
            source,
        }),
    }
}

/// Reads a view of `to` (dry run, from the zero address). Any failure is fatal: views must
/// work.
pub fn view<C: SolCall>(world: &mut World, to: Address, call: &C) -> Result<C::Return, Fatal> {
    count_call();
    world
        .dry_run_sol(Address::ZERO, to, call)
        .map_err(|source| Fatal {
            what: format!("view `{}`", C::SIGNATURE),
            source,
        })
}
