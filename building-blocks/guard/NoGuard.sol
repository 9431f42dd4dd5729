// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title NoGuard — no restriction on unstaking (guard slot).
abstract contract NoGuard is PoolCore {
    function _afterStake(address, uint256) internal pure override {}

    function _beforeUnstake(address, uint256, uint256 baseOut) internal pure override returns (uint256) {
        return baseOut;
    }
}
