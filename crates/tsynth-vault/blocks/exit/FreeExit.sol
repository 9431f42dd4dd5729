// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title FreeExit — withdraw any time, no fee (exit slot).
abstract contract FreeExit is VaultCore {
    function _afterDeposit(address) internal pure override {}

    function _exitFee(address, uint256) internal pure override returns (uint256) {
        return 0;
    }
}
