// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title EntryFee — a fixed fraction of every deposit goes to the treasury (entry slot).
abstract contract EntryFee is VaultCore {
    uint256 internal immutable _entryFeeRate;

    /// @param entryFee fraction of the deposited assets, wad (<= 10%).
    constructor(uint256 entryFee) {
        if (entryFee > MAX_FEE) revert ParamOutOfRange("entryFee", entryFee);
        _entryFeeRate = entryFee;
    }

    function _entryFee(uint256 assets) internal view override returns (uint256) {
        return assets * _entryFeeRate / ONE;
    }
}
