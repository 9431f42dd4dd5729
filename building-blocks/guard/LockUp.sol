// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// The caller staked less than the lock-up period ago.
error StakeLocked(uint256 until);

/// @title LockUp — unstaking locked for `lockSeconds` after the caller's last stake (guard slot).
/// @notice The publisher's initial shares count as a stake at initialize.
abstract contract LockUp is PoolCore {
    uint256 internal immutable _luSeconds;
    mapping(address => uint256) internal _luUntil;

    /// @param lockSeconds lock-up in seconds after each stake (<= 10 years).
    constructor(uint256 lockSeconds) {
        if (lockSeconds > 10 * 365 days) revert ParamOutOfRange("lockSeconds", lockSeconds);
        _luSeconds = lockSeconds;
    }

    function _afterStake(address who, uint256) internal override {
        _luUntil[who] = block.timestamp + _luSeconds;
    }

    function _beforeUnstake(address who, uint256, uint256 baseOut) internal view override returns (uint256) {
        uint256 until = _luUntil[who];
        if (block.timestamp < until) revert StakeLocked(until);
        return baseOut;
    }
}
