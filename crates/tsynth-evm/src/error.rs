//! Error types of the EVM world.

use alloy_primitives::{Address, Bytes};
use revm::context::result::{HaltReason, InvalidHeader, InvalidTransaction};

use crate::revert::RevertReason;

/// Everything that can go wrong with a transaction or a query against a [`crate::World`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvmError {
    /// The call reverted; the revert data is decoded.
    #[error("reverted: {0}")]
    Revert(RevertReason),
    /// The transaction ran out of gas.
    #[error("out of gas (gas limit {gas_limit})")]
    OutOfGas {
        /// The transaction's gas limit.
        gas_limit: u64,
    },
    /// Execution halted for a reason other than gas (invalid opcode, stack overflow,
    /// create collision, code size limit...).
    #[error("halted: {reason} (gas used {gas_used})")]
    Halt {
        /// revm's halt reason.
        reason: HaltReason,
        /// Gas consumed (all of the limit for most halts).
        gas_used: u64,
    },
    /// A gas limit above what the chosen spec and block gas limit allow was asked for.
    #[error(
        "gas limit {requested} exceeds the per-transaction cap {cap} ({why}); ask for at most {cap}"
    )]
    GasCapExceeded {
        /// The gas limit the caller asked for.
        requested: u64,
        /// The largest allowed gas limit.
        cap: u64,
        /// Which rule sets the cap (EIP-7825 or the block gas limit).
        why: &'static str,
    },
    /// revm rejected the transaction before running it (e.g. value above the sender's
    /// balance, sender with code while EIP-3607 is on).
    #[error("invalid transaction: {0}")]
    InvalidTransaction(InvalidTransaction),
    /// revm rejected the block environment.
    #[error("invalid block environment: {0}")]
    InvalidHeader(InvalidHeader),
    /// A database error (cannot happen with the in-memory database, kept for completeness)
    /// or another fatal error reported by revm.
    #[error("EVM database/internal error: {0}")]
    Db(String),
    /// ABI encoding/decoding failed.
    #[error("ABI: {0}")]
    Abi(#[from] AbiError),
    /// An ERC-20 `approve`/`transfer` returned `false` instead of reverting.
    #[error("ERC-20 {function} on {token} returned false")]
    Erc20ReturnedFalse {
        /// The token contract.
        token: Address,
        /// `"approve"` or `"transfer"`.
        function: &'static str,
    },
    /// A deployment succeeded but produced no address (should not happen on a CREATE).
    #[error("deployment returned no address (output {0})")]
    NoDeployedAddress(Bytes),
}

impl EvmError {
    /// The decoded revert reason, if this error is a revert.
    pub fn revert_reason(&self) -> Option<&RevertReason> {
        match self {
            Self::Revert(reason) => Some(reason),
            _ => None,
        }
    }
}

/// ABI encoding and decoding errors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbiError {
    /// The JSON ABI declares no function of that name.
    #[error("the ABI has no function named `{0}`")]
    UnknownFunction(String),
    /// The JSON ABI declares several overloads of that name taking that many arguments.
    #[error(
        "function `{name}` is overloaded with {count} variants taking {arity} arguments; \
         call it by its full signature, e.g. `{example}`"
    )]
    AmbiguousFunction {
        /// The function name asked for.
        name: String,
        /// Number of arguments given.
        arity: usize,
        /// Number of candidate overloads.
        count: usize,
        /// One candidate's full signature.
        example: String,
    },
    /// No overload of that name takes the given number of arguments.
    #[error("function `{name}` takes {expected} arguments, {given} given")]
    WrongArity {
        /// The function name asked for.
        name: String,
        /// Argument counts of the declared overloads, comma-separated.
        expected: String,
        /// Number of arguments given.
        given: usize,
    },
    /// Arguments do not match the declared input types.
    #[error("encoding the arguments of `{item}`: {message}")]
    Encode {
        /// The function or constructor signature.
        item: String,
        /// The underlying encoder message.
        message: String,
    },
    /// Return data does not match the declared output types.
    #[error("decoding the return data of `{item}`: {message}")]
    Decode {
        /// The function signature.
        item: String,
        /// The underlying decoder message.
        message: String,
    },
    /// Constructor arguments were given but the ABI declares no constructor.
    #[error("the ABI declares no constructor but {0} constructor arguments were given")]
    NoConstructor(usize),
    /// A solc JSON ABI could not be parsed.
    #[error("parsing JSON ABI {source_name}: {message}")]
    Json {
        /// Where the ABI came from (file name or description).
        source_name: String,
        /// The parser message, with line and column.
        message: String,
    },
}
