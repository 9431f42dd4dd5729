// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title FreeEntry — deposits cost nothing (entry slot).
abstract contract FreeEntry is VaultCore {
    function _entryFee(uint256) internal pure override returns (uint256) {
        return 0;
    }
}
