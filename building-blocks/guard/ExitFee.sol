// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title ExitFee — the pool keeps a fraction of every unstake payout (guard slot).
abstract contract ExitFee is PoolCore {
    uint256 internal immutable _efFee;

    /// @param exitFee fraction of the payout kept by the pool, wad in [0, 0.5].
    constructor(uint256 exitFee) {
        if (exitFee > ONE / 2) revert ParamOutOfRange("exitFee", exitFee);
        _efFee = exitFee;
    }

    function _afterStake(address, uint256) internal pure override {}

    function _beforeUnstake(address, uint256, uint256 baseOut) internal view override returns (uint256) {
        return baseOut - WeightedMath.mul(baseOut, _efFee);
    }
}
