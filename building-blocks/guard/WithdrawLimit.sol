// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// The unstakes of this block would pay out more than the per-block limit.
error WithdrawLimitExceeded(uint256 requested, uint256 available);

/// @title WithdrawLimit — per-block cap on unstake payouts (guard slot).
/// @notice Sum of payouts in one block <= maxFractionPerBlock × the pool's base balance at the
/// first unstake of that block.
abstract contract WithdrawLimit is PoolCore {
    uint256 internal immutable _wlFraction;
    uint256 internal _wlBlock;
    uint256 internal _wlCap;
    uint256 internal _wlUsed;

    /// @param maxFractionPerBlock wad in (0, 1].
    constructor(uint256 maxFractionPerBlock) {
        if (maxFractionPerBlock == 0 || maxFractionPerBlock > ONE) {
            revert ParamOutOfRange("maxFractionPerBlock", maxFractionPerBlock);
        }
        _wlFraction = maxFractionPerBlock;
    }

    function _afterStake(address, uint256) internal pure override {}

    function _beforeUnstake(address, uint256, uint256 baseOut) internal override returns (uint256) {
        if (block.number != _wlBlock) {
            _wlBlock = block.number;
            _wlCap = WeightedMath.mul(_baseBal, _wlFraction);
            _wlUsed = 0;
        }
        uint256 used = _wlUsed + baseOut;
        if (used > _wlCap) revert WithdrawLimitExceeded(baseOut, _wlCap - _wlUsed);
        _wlUsed = used;
        return baseOut;
    }
}
