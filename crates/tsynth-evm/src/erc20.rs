//! ERC-20 helpers on top of the static bindings.

use alloy_primitives::{Address, U256};

use crate::{bindings::IERC20, error::EvmError, world::World};

impl World {
    /// `token.balanceOf(holder)`, read without changing state.
    pub fn erc20_balance(&mut self, token: Address, holder: Address) -> Result<U256, EvmError> {
        self.dry_run_sol(
            Address::ZERO,
            token,
            &IERC20::balanceOfCall { account: holder },
        )
    }

    /// `token.allowance(owner, spender)`, read without changing state.
    pub fn erc20_allowance(
        &mut self,
        token: Address,
        owner: Address,
        spender: Address,
    ) -> Result<U256, EvmError> {
        self.dry_run_sol(
            Address::ZERO,
            token,
            &IERC20::allowanceCall { owner, spender },
        )
    }

    /// `owner` calls `token.approve(spender, amount)`; committed.
    pub fn erc20_approve(
        &mut self,
        token: Address,
        owner: Address,
        spender: Address,
        amount: U256,
    ) -> Result<(), EvmError> {
        let ok = self.call_sol(owner, token, &IERC20::approveCall { spender, amount })?;
        ok.then_some(()).ok_or(EvmError::Erc20ReturnedFalse {
            token,
            function: "approve",
        })
    }

    /// `from` calls `token.transfer(to, amount)`; committed.
    pub fn erc20_transfer(
        &mut self,
        token: Address,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), EvmError> {
        let ok = self.call_sol(from, token, &IERC20::transferCall { to, amount })?;
        ok.then_some(()).ok_or(EvmError::Erc20ReturnedFalse {
            token,
            function: "transfer",
        })
    }
}
