//! Decoding of revert data into typed reasons.
//!
//! Solidity reverts carry ABI-encoded data: `Error(string)` for `require`/`revert("...")`,
//! `Panic(uint256)` for compiler-inserted checks (overflow, division by zero, `assert`...),
//! a custom error (4-byte selector + arguments), or nothing at all.

use std::fmt;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::JsonAbi;
use alloy_primitives::{Bytes, U256};
use alloy_sol_types::{Panic, Revert, SolError};

/// Selector of `Error(string)`.
pub const ERROR_STRING_SELECTOR: [u8; 4] = Revert::SELECTOR;
/// Selector of `Panic(uint256)`.
pub const PANIC_SELECTOR: [u8; 4] = Panic::SELECTOR;

/// Why a call reverted, decoded from its revert data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevertReason {
    /// `revert("...")` / `require(cond, "...")`: the `Error(string)` message.
    Error(String),
    /// A compiler-inserted check failed: `Panic(uint256)` with its code and a human name
    /// (e.g. `0x11` → "arithmetic overflow or underflow").
    Panic {
        /// The panic code (`0x01` assert, `0x11` overflow, `0x12` division by zero, ...).
        code: U256,
        /// Human-readable name of the code; "unknown panic code" if Solidity defines none.
        name: &'static str,
    },
    /// A custom error: its 4-byte selector and the ABI-encoded arguments that follow it.
    Custom {
        /// The error's selector (first 4 bytes of the revert data).
        selector: [u8; 4],
        /// The ABI-encoded arguments (revert data after the selector).
        data: Bytes,
        /// The error's name when an ABI that declares it was supplied
        /// (see [`RevertReason::decode_with_abi`]).
        name: Option<String>,
    },
    /// `revert()` with no data (also `require(cond)` without a message).
    Empty,
    /// Data that is none of the above: shorter than a selector, or an `Error(string)` /
    /// `Panic(uint256)` selector followed by malformed data.
    Raw(Bytes),
}

impl RevertReason {
    /// Decodes raw revert data without an ABI (custom errors keep `name: None`).
    pub fn decode(data: &[u8]) -> Self {
        if data.is_empty() {
            return Self::Empty;
        }
        let Some((selector, rest)) = data.split_first_chunk::<4>() else {
            return Self::Raw(Bytes::copy_from_slice(data));
        };
        match *selector {
            ERROR_STRING_SELECTOR => match Revert::abi_decode(data) {
                Ok(revert) => Self::Error(revert.reason),
                Err(_) => Self::Raw(Bytes::copy_from_slice(data)),
            },
            PANIC_SELECTOR => match Panic::abi_decode(data) {
                Ok(panic) => Self::Panic {
                    code: panic.code,
                    name: panic_name(panic.code),
                },
                Err(_) => Self::Raw(Bytes::copy_from_slice(data)),
            },
            selector => Self::Custom {
                selector,
                data: Bytes::copy_from_slice(rest),
                name: None,
            },
        }
    }

    /// Decodes raw revert data, naming custom errors declared in `abi`.
    pub fn decode_with_abi(data: &[u8], abi: &JsonAbi) -> Self {
        let mut reason = Self::decode(data);
        reason.name_with(abi);
        reason
    }

    /// Fills in the name of a custom error if `abi` declares an error with its selector.
    /// Does nothing for other kinds of reason or an unknown selector.
    pub fn name_with(&mut self, abi: &JsonAbi) {
        if let Self::Custom { selector, name, .. } = self
            && name.is_none()
            && let Some(error) = abi.errors().find(|e| e.selector() == *selector)
        {
            *name = Some(error.name.clone());
        }
    }

    /// Decodes a custom error as the `sol!`-bound error type `E`; `None` if this is not a
    /// custom error with `E`'s selector or its arguments do not decode as `E`.
    pub fn decode_custom<E: SolError>(&self) -> Option<E> {
        match self {
            Self::Custom { selector, data, .. } if *selector == E::SELECTOR => {
                E::abi_decode_raw(data).ok()
            }
            _ => None,
        }
    }

    /// Whether this is a custom error with `E`'s selector.
    pub fn is_custom<E: SolError>(&self) -> bool {
        matches!(self, Self::Custom { selector, .. } if *selector == E::SELECTOR)
    }

    /// Decodes the arguments of a custom error declared in `abi`. Returns `None` for other
    /// kinds of reason, an unknown selector, or arguments that do not match the declaration.
    pub fn custom_args(&self, abi: &JsonAbi) -> Option<Vec<DynSolValue>> {
        let Self::Custom { selector, data, .. } = self else {
            return None;
        };
        let error = abi.errors().find(|e| e.selector() == *selector)?;
        error.abi_decode_input(data).ok()
    }
}

impl fmt::Display for RevertReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(msg) => write!(f, "Error({msg:?})"),
            Self::Panic { code, name } => write!(f, "Panic(0x{code:02x}: {name})"),
            Self::Custom {
                selector,
                data,
                name: Some(name),
            } => write!(
                f,
                "custom error {name} (0x{}) with {} bytes of arguments",
                alloy_primitives::hex::encode(selector),
                data.len()
            ),
            Self::Custom {
                selector,
                data,
                name: None,
            } => write!(
                f,
                "custom error 0x{} with {} bytes of arguments",
                alloy_primitives::hex::encode(selector),
                data.len()
            ),
            Self::Empty => f.write_str("empty revert"),
            Self::Raw(data) => write!(f, "undecodable revert data {data}"),
        }
    }
}

/// Human-readable name of a Solidity panic code (as listed in the Solidity documentation,
/// "Panic via assert and Error via require").
pub fn panic_name(code: U256) -> &'static str {
    let Ok(code) = u64::try_from(code) else {
        return "unknown panic code";
    };
    match code {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "invalid enum value",
        0x22 => "invalid storage byte array encoding",
        0x31 => "pop on empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory (allocation too large)",
        0x51 => "call to zero-initialized function pointer",
        _ => "unknown panic code",
    }
}
