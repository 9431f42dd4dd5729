// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title FixedRate — fixed-rate exchange at the opening price (pricing slot).
/// @notice No curve: price = rate = the `initialPrice` given to initialize, slippage 0.
/// Buys are limited by the pool's datatokens, sells by the pool's base. For the staking
/// blocks it reports value-share weights wBase = B / (B + rate·D), clamped to [0.02, 0.98],
/// for which the weighted spot formula gives exactly the rate.
abstract contract FixedRate is PoolCore {
    function _weights() internal view override returns (uint256 wBase, uint256 wDt) {
        uint256 valueDt = WeightedMath.mul(_dtBal, _openPrice);
        if (_baseBal + valueDt == 0) return (ONE / 2, ONE / 2);
        wBase = WeightedMath.div(_baseBal, _baseBal + valueDt);
        if (wBase < ONE / 50) wBase = ONE / 50;
        else if (wBase > ONE - ONE / 50) wBase = ONE - ONE / 50;
        wDt = ONE - wBase;
    }

    function _calcOutGivenIn(bool buy, uint256 amountIn, uint256 fee) internal view override returns (uint256 out) {
        uint256 net = WeightedMath.mul(amountIn, ONE - fee);
        if (buy) {
            out = WeightedMath.div(net, _openPrice);
            if (out > _dtBal) revert InsufficientLiquidity(out, _dtBal);
        } else {
            out = WeightedMath.mul(net, _openPrice);
            if (out > _baseBal) revert InsufficientLiquidity(out, _baseBal);
        }
    }

    function _calcSpotPrice(uint256 fee) internal view override returns (uint256) {
        return WeightedMath.mul(_openPrice, WeightedMath.div(ONE, ONE - fee));
    }

    function _initialDt(uint256 baseAmount, uint256 initialPrice) internal pure override returns (uint256) {
        return WeightedMath.div(baseAmount, initialPrice);
    }
}
