// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title FixedFee — constant LP fee and community fee (fee slot).
abstract contract FixedFee is PoolCore {
    uint256 internal immutable _ffLp;
    uint256 internal immutable _ffCommunity;

    /// @param lpFee LP fee, wad in [0, 0.1]; stays in the pool.
    /// @param communityFee community fee, wad in [0, 0.1]; sent to `community`.
    constructor(uint256 lpFee, uint256 communityFee) {
        if (lpFee > MAX_FEE) revert ParamOutOfRange("lpFee", lpFee);
        if (communityFee > MAX_FEE) revert ParamOutOfRange("communityFee", communityFee);
        _ffLp = lpFee;
        _ffCommunity = communityFee;
    }

    function _swapFee() internal view override returns (uint256) {
        return _ffLp;
    }

    function _communityFee() internal view override returns (uint256) {
        return _ffCommunity;
    }
}
