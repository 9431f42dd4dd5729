// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title LinearUnlock — harvested profit unlocks linearly over `unlockSeconds` (profit slot).
/// @notice What is still locked at a harvest is carried into the new unlock period, so the
/// locked amount never jumps down. A share bought just before a harvest only earns what
/// unlocks while it is held.
abstract contract LinearUnlock is VaultCore {
    uint256 internal immutable _unlockSeconds;
    uint256 internal _lockedAtHarvest;
    uint256 internal _lastHarvest;

    /// @param unlockSeconds time over which a harvest's profit unlocks (1 s to 1 year).
    constructor(uint256 unlockSeconds) {
        if (unlockSeconds == 0 || unlockSeconds > 365 days) revert ParamOutOfRange("unlockSeconds", unlockSeconds);
        _unlockSeconds = unlockSeconds;
    }

    function _onProfit(uint256 profit) internal override {
        _lockedAtHarvest = _lockedProfit() + profit;
        _lastHarvest = block.timestamp;
    }

    function _lockedProfit() internal view override returns (uint256) {
        uint256 elapsed = block.timestamp - _lastHarvest;
        if (elapsed >= _unlockSeconds) return 0;
        return _lockedAtHarvest * (_unlockSeconds - elapsed) / _unlockSeconds;
    }
}
