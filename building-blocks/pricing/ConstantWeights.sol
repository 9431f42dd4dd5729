// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title ConstantWeights — Balancer V1 weighted pool with constant weights (pricing slot).
/// @notice Base token weight `baseWeight`, datatoken weight `1 - baseWeight` (normalised).
abstract contract ConstantWeights is PoolCore {
    uint256 internal immutable _cwBase;
    uint256 internal immutable _cwDt;

    /// @param baseWeight normalised base-token weight, wad, in [0.02, 0.98].
    constructor(uint256 baseWeight) {
        if (baseWeight < ONE / 50 || baseWeight > ONE - ONE / 50) {
            revert ParamOutOfRange("baseWeight", baseWeight);
        }
        _cwBase = baseWeight;
        _cwDt = ONE - baseWeight;
    }

    function _weights() internal view override returns (uint256 wBase, uint256 wDt) {
        return (_cwBase, _cwDt);
    }

    function _calcOutGivenIn(bool buy, uint256 amountIn, uint256 fee) internal view override returns (uint256) {
        return buy
            ? WeightedMath.outGivenIn(_baseBal, _cwBase, _dtBal, _cwDt, amountIn, fee)
            : WeightedMath.outGivenIn(_dtBal, _cwDt, _baseBal, _cwBase, amountIn, fee);
    }

    function _calcSpotPrice(uint256 fee) internal view override returns (uint256) {
        return WeightedMath.spotPrice(_baseBal, _cwBase, _dtBal, _cwDt, fee);
    }

    function _initialDt(uint256 baseAmount, uint256 initialPrice) internal view override returns (uint256) {
        // (B/wB) / (D/wD) = price  =>  D = B·wD / (wB·price)
        return WeightedMath.div(WeightedMath.div(WeightedMath.mul(baseAmount, _cwDt), _cwBase), initialPrice);
    }
}
