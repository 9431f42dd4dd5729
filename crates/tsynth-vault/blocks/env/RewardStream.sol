// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IStreamToken {
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// Only the deployer may configure the stream.
error NotOwner(address caller);
/// The stream is already bound to a vault.
error AlreadyBound(address vault);
/// Only the bound vault may release rewards.
error NotVault(address caller);

/// @title RewardStream — emits `rate` tokens per second to one vault (e.g. protocol
/// emissions or a strategy's income). Rewards accrue with time and move only when the vault
/// calls `release()`, which is what `harvest()` does.
contract RewardStream {
    IStreamToken public immutable token;
    address public immutable owner;
    address public vault;
    uint256 public rate;
    uint256 public last;

    constructor(address token_) {
        token = IStreamToken(token_);
        owner = msg.sender;
    }

    /// Binds the stream to `vault_` and starts it at `rate_` tokens (wei) per second.
    function start(address vault_, uint256 rate_) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (vault != address(0)) revert AlreadyBound(vault);
        vault = vault_;
        rate = rate_;
        last = block.timestamp;
    }

    /// Rewards accrued and not yet released (capped by what the stream holds).
    function pending() public view returns (uint256) {
        if (vault == address(0)) return 0;
        uint256 owed = (block.timestamp - last) * rate;
        uint256 held = token.balanceOf(address(this));
        return owed < held ? owed : held;
    }

    /// Pays the accrued rewards to the vault; returns the amount.
    function release() external returns (uint256 amount) {
        if (msg.sender != vault) revert NotVault(msg.sender);
        amount = pending();
        last = block.timestamp;
        if (amount > 0) token.transfer(msg.sender, amount);
    }
}
