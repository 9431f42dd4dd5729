// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title ExitFee — a fixed fraction of every withdrawal goes to the treasury (exit slot).
abstract contract ExitFee is VaultCore {
    uint256 internal immutable _exitFeeRate;

    /// @param exitFee fraction of the withdrawn assets, wad (<= 10%).
    constructor(uint256 exitFee) {
        if (exitFee > MAX_FEE) revert ParamOutOfRange("exitFee", exitFee);
        _exitFeeRate = exitFee;
    }

    function _afterDeposit(address) internal pure override {}

    function _exitFee(address, uint256 assets) internal view override returns (uint256) {
        return assets * _exitFeeRate / ONE;
    }
}
