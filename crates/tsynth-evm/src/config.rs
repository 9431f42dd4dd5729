//! Configuration of a [`crate::World`]: hardfork, gas limits, chain id.

use revm::primitives::hardfork::SpecId;

use crate::error::EvmError;

/// EIP-7825 (Osaka) per-transaction gas limit cap: 2^24 = 16,777,216.
pub const EIP7825_TX_GAS_CAP: u64 = 1 << 24;

/// Default per-transaction gas limit (mainnet's block gas limit of the Cancun era), lowered to
/// the spec's cap when the spec has one.
pub const DEFAULT_TX_GAS_LIMIT: u64 = 30_000_000;

/// Default block gas limit: high enough that no simulated transaction is ever refused for it.
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 1_000_000_000_000;

/// The hardfork a [`crate::World`] runs by default: Prague, which is also solc 0.8.30's
/// default `evmVersion`. Prague has no protocol cap on a transaction's gas limit (that came
/// with EIP-7825 in Osaka), so the cap is the block gas limit.
pub const DEFAULT_SPEC: SpecId = SpecId::PRAGUE;

/// Settings of a [`crate::World`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldConfig {
    /// Hardfork rules to execute with (default [`DEFAULT_SPEC`] = Prague).
    pub spec: SpecId,
    /// Gas limit of every transaction that does not set its own.
    pub tx_gas_limit: u64,
    /// Block gas limit (the cap on any transaction's gas limit before Osaka).
    pub block_gas_limit: u64,
    /// Chain id seen by `block.chainid`.
    pub chain_id: u64,
    /// Override of the deployed-code size limit (EIP-170: 24,576 bytes); `None` keeps the
    /// spec's limit, so a candidate too big for mainnet fails to deploy here too. The
    /// init-code limit follows as twice this value (EIP-3860).
    pub code_size_limit: Option<usize>,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self::for_spec(DEFAULT_SPEC)
    }
}

impl WorldConfig {
    /// Default settings for `spec`, with the default transaction gas limit lowered to the
    /// spec's cap if it has one (Osaka and later: 2^24).
    pub fn for_spec(spec: SpecId) -> Self {
        let mut config = Self {
            spec,
            tx_gas_limit: DEFAULT_TX_GAS_LIMIT,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            chain_id: 1,
            code_size_limit: None,
        };
        config.tx_gas_limit = config.tx_gas_limit.min(config.tx_gas_cap().0);
        config
    }

    /// The largest gas limit a transaction may ask for, and the rule that sets it:
    /// EIP-7825's 2^24 from Osaka on, and never more than the block gas limit.
    pub fn tx_gas_cap(&self) -> (u64, &'static str) {
        let spec_cap = spec_tx_gas_cap(self.spec);
        match spec_cap {
            Some(cap) if cap <= self.block_gas_limit => (cap, "EIP-7825 cap of the chosen spec"),
            _ => (self.block_gas_limit, "block gas limit"),
        }
    }

    /// Checks `gas_limit` against [`WorldConfig::tx_gas_cap`].
    pub fn check_gas_limit(&self, gas_limit: u64) -> Result<u64, EvmError> {
        let (cap, why) = self.tx_gas_cap();
        if gas_limit > cap {
            Err(EvmError::GasCapExceeded {
                requested: gas_limit,
                cap,
                why,
            })
        } else {
            Ok(gas_limit)
        }
    }

    /// Checks the whole configuration (the default gas limit against the cap).
    pub fn validate(&self) -> Result<(), EvmError> {
        self.check_gas_limit(self.tx_gas_limit).map(|_| ())
    }
}

/// The protocol's per-transaction gas cap of `spec`, if it has one (EIP-7825, Osaka+).
pub fn spec_tx_gas_cap(spec: SpecId) -> Option<u64> {
    spec.is_enabled_in(SpecId::OSAKA)
        .then_some(EIP7825_TX_GAS_CAP)
}
