// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title NoLimit — no limit on swaps (limit slot).
abstract contract NoLimit is PoolCore {
    function _beforeSwap(address, bool, uint256) internal pure override {}
}
