// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title NoAllocation — the publisher gets no datatokens (allocation slot).
abstract contract NoAllocation is PoolCore {
    function _onInitialize(address) internal pure override {}

    function _vestedTotal() internal pure override returns (uint256) {
        return 0;
    }
}
