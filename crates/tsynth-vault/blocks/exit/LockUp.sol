// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// The caller deposited less than the lock-up period ago.
error Locked(uint256 until);

/// @title LockUp — no withdrawal within `lockSeconds` of the caller's last deposit (exit slot).
abstract contract LockUp is VaultCore {
    uint256 internal immutable _lockSeconds;
    mapping(address => uint256) internal _lockedUntil;

    /// @param lockSeconds lock after each deposit, seconds (<= 1 year).
    constructor(uint256 lockSeconds) {
        if (lockSeconds > 365 days) revert ParamOutOfRange("lockSeconds", lockSeconds);
        _lockSeconds = lockSeconds;
    }

    function _afterDeposit(address who) internal override {
        _lockedUntil[who] = block.timestamp + _lockSeconds;
    }

    function _exitFee(address who, uint256) internal view override returns (uint256) {
        uint256 until = _lockedUntil[who];
        if (block.timestamp < until) revert Locked(until);
        return 0;
    }
}
