// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// The buys of this block would bring in more base than the per-block cap.
error BuyCapExceeded(uint256 requested, uint256 available);

/// @title BuyCap — per-block cap on base paid in by buys (limit slot; anti launch-spike).
/// @notice Sum of baseIn of buys in one block <= maxBuyFraction × the pool's base balance at
/// the first buy of that block. Sells are not limited.
abstract contract BuyCap is PoolCore {
    uint256 internal immutable _bcFraction;
    uint256 internal _bcBlock;
    uint256 internal _bcCap;
    uint256 internal _bcUsed;

    /// @param maxBuyFraction wad in (0, 1].
    constructor(uint256 maxBuyFraction) {
        if (maxBuyFraction == 0 || maxBuyFraction > ONE) revert ParamOutOfRange("maxBuyFraction", maxBuyFraction);
        _bcFraction = maxBuyFraction;
    }

    function _beforeSwap(address, bool buy, uint256 amountIn) internal override {
        if (!buy) return;
        if (block.number != _bcBlock) {
            _bcBlock = block.number;
            _bcCap = WeightedMath.mul(_baseBal, _bcFraction);
            _bcUsed = 0;
        }
        uint256 used = _bcUsed + amountIn;
        if (used > _bcCap) revert BuyCapExceeded(amountIn, _bcCap - _bcUsed);
        _bcUsed = used;
    }
}
