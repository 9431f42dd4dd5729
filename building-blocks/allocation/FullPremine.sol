// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title FullPremine — premine minted to the publisher at initialize (allocation slot).
/// @notice Amount = premineRatio × D0 (the datatokens minted as initial pool liquidity).
abstract contract FullPremine is PoolCore {
    uint256 internal immutable _fpRatio;

    /// @param premineRatio multiple of D0, wad in [0, 1000].
    constructor(uint256 premineRatio) {
        if (premineRatio > 1000 * ONE) revert ParamOutOfRange("premineRatio", premineRatio);
        _fpRatio = premineRatio;
    }

    function _onInitialize(address publisher_) internal override {
        uint256 amount = WeightedMath.mul(_initialDtAmount, _fpRatio);
        if (amount != 0) _mintDtTo(publisher_, amount);
    }

    function _vestedTotal() internal pure override returns (uint256) {
        return 0;
    }
}
