//! The EVM world: an in-memory chain state plus a reusable revm instance.

use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::SolCall;
use revm::{
    ExecuteCommitEvm, ExecuteEvm, MainBuilder,
    context::{
        BlockEnv, CfgEnv, TxEnv,
        result::{EVMError, ExecutionResult, HaltReason, Output},
    },
    database::{CacheDB, EmptyDB},
    handler::{MainnetContext, MainnetEvm},
    primitives::TxKind,
    state::AccountInfo,
};

use crate::{
    config::WorldConfig,
    error::{AbiError, EvmError},
    revert::RevertReason,
};

/// The in-memory database behind a world: every account, its code and storage.
pub type Db = CacheDB<EmptyDB>;

type Evm = MainnetEvm<MainnetContext<Db>>;

/// What a successful transaction returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutput {
    /// Return data (for a deployment: the deployed runtime code).
    pub output: Bytes,
    /// Gas used as a receipt would report it (after refunds).
    pub gas_used: u64,
    /// Logs emitted, in order.
    pub logs: Vec<Log>,
    /// The new contract's address, for a deployment.
    pub created: Option<Address>,
}

/// A transaction to run: a call (`to = Some`) or a deployment (`to = None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxRequest {
    /// Sender.
    pub from: Address,
    /// Callee; `None` deploys `data` as creation code.
    pub to: Option<Address>,
    /// Calldata, or creation code followed by ABI-encoded constructor arguments.
    pub data: Bytes,
    /// Wei sent along.
    pub value: U256,
    /// Gas limit; `None` uses the world's [`WorldConfig::tx_gas_limit`].
    pub gas_limit: Option<u64>,
}

impl TxRequest {
    /// A call of `to` with `data`, no value, default gas.
    pub fn call(from: Address, to: Address, data: Bytes) -> Self {
        Self {
            from,
            to: Some(to),
            data,
            value: U256::ZERO,
            gas_limit: None,
        }
    }

    /// A deployment of `creation` code (constructor arguments already appended).
    pub fn create(from: Address, creation: Bytes) -> Self {
        Self {
            from,
            to: None,
            data: creation,
            value: U256::ZERO,
            gas_limit: None,
        }
    }

    /// Sets the wei sent along.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    /// Sets the gas limit (checked against the spec's cap when the transaction runs).
    pub fn with_gas_limit(mut self, gas_limit: u64) -> Self {
        self.gas_limit = Some(gas_limit);
        self
    }
}

/// A frozen copy of a world's state, block and settings.
///
/// Unlike [`World`] (which holds revm's single-threaded scratch buffers), a `Snapshot` is
/// `Send + Sync`: build the shared environment once, snapshot it, and let each worker
/// thread turn it into its own world with [`Snapshot::to_world`].
#[derive(Clone, Debug)]
pub struct Snapshot {
    db: Db,
    block: BlockEnv,
    config: WorldConfig,
}

impl Snapshot {
    /// A new world starting from this snapshot (clones the state; code is shared).
    pub fn to_world(&self) -> World {
        World::assemble(self.db.clone(), self.block.clone(), self.config.clone())
    }

    /// Turns the snapshot into a world without copying the state.
    pub fn into_world(self) -> World {
        World::assemble(self.db, self.block, self.config)
    }

    /// The snapshot's database, e.g. to run raw revm on the same state (benchmarks do).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Number of accounts (including contracts) the snapshot holds.
    pub fn account_count(&self) -> usize {
        self.db.cache.accounts.len()
    }
}

/// An in-memory EVM chain: accounts, contracts, the current block, and one revm instance
/// that is reused for every transaction.
///
/// # Execution settings
/// - Spec: [`WorldConfig::spec`], Prague by default (see [`crate::config::DEFAULT_SPEC`]).
/// - Gas price 0 and base fee 0: transactions cost no ETH, so agents need no ETH for gas
///   (value transfers still need a balance, and revm's balance check stays on for them).
/// - Transaction nonces are not checked (`disable_nonce_check`): callers never track nonces.
///   The sender's account nonce still increments on every transaction and deployment, so
///   CREATE addresses stay deterministic: `sender.create(nonce)`.
/// - EIP-3607 is off (`disable_eip3607`): a transaction may come from an address with code,
///   so a test or agent may act *as* a contract (e.g. a token notifying a pool).
/// - Chain-id check of transactions is off (transactions carry no chain id).
/// - Per-transaction gas limit: [`WorldConfig::tx_gas_limit`] unless the request sets one;
///   either is checked against [`WorldConfig::tx_gas_cap`] and refused with
///   [`EvmError::GasCapExceeded`] above it.
///
/// `World` is `!Send` because revm keeps a reference-counted scratch memory buffer in its
/// context; use [`Snapshot`] to move state between threads.
#[derive(Debug)]
pub struct World {
    evm: Evm,
    config: WorldConfig,
    template: TxEnv,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for World {
    /// Same as [`World::fork`].
    fn clone(&self) -> Self {
        self.fork()
    }
}

impl World {
    /// An empty world with the default settings ([`WorldConfig::default`]): Prague, 30M gas
    /// per transaction, block 1 at timestamp 1.
    pub fn new() -> Self {
        let config = WorldConfig::default();
        debug_assert!(config.validate().is_ok());
        Self::assemble(Db::default(), default_block(&config), config)
    }

    /// An empty world with `config`; fails if its gas limit exceeds the spec's cap.
    pub fn with_config(config: WorldConfig) -> Result<Self, EvmError> {
        config.validate()?;
        let block = default_block(&config);
        Ok(Self::assemble(Db::default(), block, config))
    }

    fn assemble(db: Db, block: BlockEnv, config: WorldConfig) -> Self {
        let mut cfg = CfgEnv::new_with_spec(config.spec);
        cfg.chain_id = config.chain_id;
        cfg.tx_chain_id_check = false;
        cfg.disable_nonce_check = true;
        cfg.disable_eip3607 = true;
        cfg.limit_contract_code_size = config.code_size_limit;
        cfg.tx_gas_limit_cap = Some(config.tx_gas_cap().0);
        let evm = MainnetContext::<Db>::new(db, config.spec)
            .with_cfg(cfg)
            .with_block(block)
            .build_mainnet();
        let template = TxEnv::builder()
            .gas_price(0)
            .gas_limit(config.tx_gas_limit)
            .chain_id(None)
            .build_fill();
        Self {
            evm,
            config,
            template,
        }
    }

    /// The world's settings.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }

    /// Sets the gas limit of transactions that do not set their own; refused above the cap.
    pub fn set_tx_gas_limit(&mut self, gas_limit: u64) -> Result<(), EvmError> {
        self.config.check_gas_limit(gas_limit)?;
        self.config.tx_gas_limit = gas_limit;
        self.template.gas_limit = gas_limit;
        Ok(())
    }

    // ---- state ------------------------------------------------------------------------

    fn db(&self) -> &Db {
        &self.evm.ctx.journaled_state.database
    }

    fn db_mut(&mut self) -> &mut Db {
        &mut self.evm.ctx.journaled_state.database
    }

    /// Sets the ETH balance of `addr` to `wei` (creating the account if needed).
    pub fn fund(&mut self, addr: Address, wei: U256) {
        let mut info = self.account_info(addr).unwrap_or_default();
        info.balance = wei;
        self.db_mut().insert_account_info(addr, info);
    }

    fn account_info(&self, addr: Address) -> Option<AccountInfo> {
        self.db().cache.accounts.get(&addr).and_then(|a| a.info())
    }

    /// ETH balance of `addr` in wei.
    pub fn balance(&self, addr: Address) -> U256 {
        self.account_info(addr).map_or(U256::ZERO, |i| i.balance)
    }

    /// Account nonce of `addr` (number of transactions sent, or contracts created by a
    /// contract).
    pub fn nonce(&self, addr: Address) -> u64 {
        self.account_info(addr).map_or(0, |i| i.nonce)
    }

    /// Whether `addr` holds code.
    pub fn has_code(&self, addr: Address) -> bool {
        self.account_info(addr)
            .and_then(|i| i.code)
            .is_some_and(|c| !c.is_empty())
    }

    /// Raw storage slot `slot` of `addr`.
    pub fn storage_at(&self, addr: Address, slot: U256) -> U256 {
        self.db()
            .cache
            .accounts
            .get(&addr)
            .and_then(|a| a.storage.get(&slot).copied())
            .unwrap_or(U256::ZERO)
    }

    /// The address the next deployment by `deployer` will get (`deployer.create(nonce)`).
    pub fn next_deploy_address(&self, deployer: Address) -> Address {
        deployer.create(self.nonce(deployer))
    }

    // ---- block --------------------------------------------------------------------------

    /// Current block number (`block.number`).
    pub fn block_number(&self) -> u64 {
        self.evm.ctx.block.number.saturating_to()
    }

    /// Current block timestamp in seconds (`block.timestamp`).
    pub fn timestamp(&self) -> u64 {
        self.evm.ctx.block.timestamp.saturating_to()
    }

    /// Sets the block number and timestamp seen by the next transactions.
    pub fn set_block(&mut self, number: u64, timestamp: u64) {
        self.evm.ctx.block.number = U256::from(number);
        self.evm.ctx.block.timestamp = U256::from(timestamp);
    }

    /// Moves `blocks` blocks and `seconds` seconds forward (saturating).
    pub fn advance(&mut self, blocks: u64, seconds: u64) {
        let number = self.block_number().saturating_add(blocks);
        let timestamp = self.timestamp().saturating_add(seconds);
        self.set_block(number, timestamp);
    }

    // ---- fork / snapshot ----------------------------------------------------------------

    /// A copy of the state, block and settings that can be sent to other threads.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.db().clone(),
            block: self.evm.ctx.block.clone(),
            config: self.config.clone(),
        }
    }

    /// An independent world starting from this one's state: changes in either never reach
    /// the other. Cost: one clone of the account map (code is shared by reference count)
    /// plus a fresh revm instance.
    pub fn fork(&self) -> World {
        self.snapshot().into_world()
    }

    /// Replaces this world's state and block with `snapshot`'s (keeps the revm instance, so
    /// it is cheaper than building a new world). The snapshot's settings are adopted too.
    pub fn restore(&mut self, snapshot: &Snapshot) {
        if snapshot.config != self.config {
            *self = snapshot.to_world();
            return;
        }
        *self.db_mut() = snapshot.db.clone();
        self.evm.ctx.block = snapshot.block.clone();
    }

    // ---- transactions -------------------------------------------------------------------

    fn tx_env(&self, tx: TxRequest) -> Result<TxEnv, EvmError> {
        let gas_limit = match tx.gas_limit {
            Some(g) => self.config.check_gas_limit(g)?,
            None => self.config.tx_gas_limit,
        };
        Ok(TxEnv {
            caller: tx.from,
            kind: tx.to.map_or(TxKind::Create, TxKind::Call),
            data: tx.data,
            value: tx.value,
            gas_limit,
            ..self.template.clone()
        })
    }

    #[inline]
    fn call_env(&self, from: Address, to: Address, data: Bytes) -> TxEnv {
        TxEnv {
            caller: from,
            kind: TxKind::Call(to),
            data,
            ..self.template.clone()
        }
    }

    #[inline]
    fn run(&mut self, env: TxEnv, commit: bool) -> Result<CallOutput, EvmError> {
        let gas_limit = env.gas_limit;
        let result = if commit {
            self.evm.transact_commit(env)
        } else {
            self.evm.transact(env).map(|r| r.result)
        };
        outcome(result.map_err(map_evm_error)?, gas_limit)
    }

    /// Runs `tx` and commits its state changes (a revert commits only the sender's nonce).
    pub fn transact(&mut self, tx: TxRequest) -> Result<CallOutput, EvmError> {
        let env = self.tx_env(tx)?;
        self.run(env, true)
    }

    /// Runs `tx` and throws its state changes away.
    pub fn transact_dry(&mut self, tx: TxRequest) -> Result<CallOutput, EvmError> {
        let env = self.tx_env(tx)?;
        self.run(env, false)
    }

    /// Calls `to` with `calldata` from `from` and commits the state changes.
    #[inline]
    pub fn call(
        &mut self,
        from: Address,
        to: Address,
        calldata: Bytes,
    ) -> Result<CallOutput, EvmError> {
        let env = self.call_env(from, to, calldata);
        self.run(env, true)
    }

    /// Calls `to` with `calldata` from `from` without changing any state (like `eth_call`).
    #[inline]
    pub fn dry_run(
        &mut self,
        from: Address,
        to: Address,
        calldata: Bytes,
    ) -> Result<CallOutput, EvmError> {
        let env = self.call_env(from, to, calldata);
        self.run(env, false)
    }

    /// Deploys `creation` code with ABI-encoded constructor `args` appended; returns the new
    /// contract's address (deterministic: `from.create(nonce of from)`).
    pub fn deploy(
        &mut self,
        from: Address,
        creation: &[u8],
        args: &[u8],
    ) -> Result<Address, EvmError> {
        let mut data = Vec::with_capacity(creation.len() + args.len());
        data.extend_from_slice(creation);
        data.extend_from_slice(args);
        let out = self.transact(TxRequest::create(from, data.into()))?;
        out.created.ok_or(EvmError::NoDeployedAddress(out.output))
    }

    /// Calls a function bound with alloy's `sol!` and decodes its return value; commits.
    #[inline]
    pub fn call_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, EvmError> {
        let out = self.call(from, to, call.abi_encode().into())?;
        decode_sol_return::<C>(&out.output)
    }

    /// Like [`World::call_sol`] but also returns gas used and logs.
    pub fn call_sol_full<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<(C::Return, CallOutput), EvmError> {
        let out = self.call(from, to, call.abi_encode().into())?;
        let ret = decode_sol_return::<C>(&out.output)?;
        Ok((ret, out))
    }

    /// Calls a function bound with alloy's `sol!` without changing any state.
    #[inline]
    pub fn dry_run_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, EvmError> {
        let out = self.dry_run(from, to, call.abi_encode().into())?;
        decode_sol_return::<C>(&out.output)
    }
}

fn decode_sol_return<C: SolCall>(data: &[u8]) -> Result<C::Return, EvmError> {
    C::abi_decode_returns(data).map_err(|e| {
        EvmError::Abi(AbiError::Decode {
            item: C::SIGNATURE.to_string(),
            message: e.to_string(),
        })
    })
}

fn default_block(config: &WorldConfig) -> BlockEnv {
    BlockEnv {
        number: U256::from(1),
        timestamp: U256::from(1),
        gas_limit: config.block_gas_limit,
        basefee: 0,
        ..BlockEnv::default()
    }
}

#[inline]
fn outcome(result: ExecutionResult<HaltReason>, gas_limit: u64) -> Result<CallOutput, EvmError> {
    match result {
        ExecutionResult::Success {
            gas, logs, output, ..
        } => {
            let (output, created) = match output {
                Output::Call(bytes) => (bytes, None),
                Output::Create(bytes, address) => (bytes, address),
            };
            Ok(CallOutput {
                output,
                gas_used: gas.tx_gas_used(),
                logs,
                created,
            })
        }
        ExecutionResult::Revert { output, .. } => {
            Err(EvmError::Revert(RevertReason::decode(&output)))
        }
        ExecutionResult::Halt {
            reason: HaltReason::OutOfGas(_),
            ..
        } => Err(EvmError::OutOfGas { gas_limit }),
        ExecutionResult::Halt { reason, gas, .. } => Err(EvmError::Halt {
            reason,
            gas_used: gas.tx_gas_used(),
        }),
    }
}

fn map_evm_error<E: std::fmt::Display>(
    err: EVMError<E, revm::context::result::InvalidTransaction>,
) -> EvmError {
    match err {
        EVMError::Transaction(t) => EvmError::InvalidTransaction(t),
        EVMError::Header(h) => EvmError::InvalidHeader(h),
        EVMError::Database(e) => EvmError::Db(e.to_string()),
        EVMError::Custom(s) => EvmError::Db(s),
        EVMError::CustomAny(e) => EvmError::Db(e.to_string()),
    }
}
