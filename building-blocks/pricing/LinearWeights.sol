// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title LinearWeights — weights shifting linearly over time (Dutch auction / LBP; pricing slot).
/// @notice Base weight w(t) = w0 + (w1 - w0)·clamp((t - t0)/(t1 - t0), 0, 1), with
/// t0 = initialize and t1 = t0 + duration (seconds); weighted Balancer math. (No start offset:
/// a candidate can take at most 12 block parameters, see README.)
abstract contract LinearWeights is PoolCore {
    uint256 internal immutable _lwStart;
    uint256 internal immutable _lwEnd;
    uint256 internal immutable _lwDuration;

    /// @param startBaseWeight base weight at t0, wad in [0.02, 0.98].
    /// @param endBaseWeight base weight from t1 on, wad in [0.02, 0.98].
    /// @param duration seconds from initialize to t1 (>= 1).
    constructor(uint256 startBaseWeight, uint256 endBaseWeight, uint256 duration) {
        if (startBaseWeight < ONE / 50 || startBaseWeight > ONE - ONE / 50) {
            revert ParamOutOfRange("startBaseWeight", startBaseWeight);
        }
        if (endBaseWeight < ONE / 50 || endBaseWeight > ONE - ONE / 50) {
            revert ParamOutOfRange("endBaseWeight", endBaseWeight);
        }
        if (duration == 0 || duration > 10 * 365 days) revert ParamOutOfRange("duration", duration);
        _lwStart = startBaseWeight;
        _lwEnd = endBaseWeight;
        _lwDuration = duration;
    }

    /// Base weight now (integer interpolation, rounded down in magnitude of the change).
    function _lwBaseWeight() internal view returns (uint256) {
        uint256 dt = _elapsed();
        if (dt >= _lwDuration) return _lwEnd;
        if (_lwEnd >= _lwStart) return _lwStart + (_lwEnd - _lwStart) * dt / _lwDuration;
        return _lwStart - (_lwStart - _lwEnd) * dt / _lwDuration;
    }

    function _weights() internal view override returns (uint256 wBase, uint256 wDt) {
        wBase = _lwBaseWeight();
        wDt = ONE - wBase;
    }

    function _calcOutGivenIn(bool buy, uint256 amountIn, uint256 fee) internal view override returns (uint256) {
        uint256 wB = _lwBaseWeight();
        uint256 wD = ONE - wB;
        return buy
            ? WeightedMath.outGivenIn(_baseBal, wB, _dtBal, wD, amountIn, fee)
            : WeightedMath.outGivenIn(_dtBal, wD, _baseBal, wB, amountIn, fee);
    }

    function _calcSpotPrice(uint256 fee) internal view override returns (uint256) {
        uint256 wB = _lwBaseWeight();
        return WeightedMath.spotPrice(_baseBal, wB, _dtBal, ONE - wB, fee);
    }

    function _initialDt(uint256 baseAmount, uint256 initialPrice) internal view override returns (uint256) {
        uint256 wB = _lwBaseWeight();
        return WeightedMath.div(WeightedMath.div(WeightedMath.mul(baseAmount, ONE - wB), wB), initialPrice);
    }
}
