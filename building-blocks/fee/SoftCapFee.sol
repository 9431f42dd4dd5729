// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title SoftCapFee — soft cap on the swap:consume volume ratio (fee slot).
/// @notice LP fee = min(10%, baseFee + slope·max(0, R - R*)) with
/// R = swapVolume / (consumeVolume·spot0 + 1 base token), cumulative since initialize:
/// swapVolume in base units, consumeVolume in datatoken units, spot0 the current fee-free spot.
abstract contract SoftCapFee is PoolCore {
    /// The "+ epsilon" in R's denominator: one base token.
    uint256 internal constant SOFT_CAP_EPSILON = 1e18;

    uint256 internal immutable _scBase;
    uint256 internal immutable _scCommunity;
    uint256 internal immutable _scThreshold;
    uint256 internal immutable _scSlope;

    /// @param baseFee LP fee while R <= R*, wad in [0, 0.1].
    /// @param communityFee community fee, wad in [0, 0.1].
    /// @param ratioThreshold R*, wad (dimensionless), <= 1e9.
    /// @param slope extra LP fee per unit of R above R*, wad in [0, 1].
    constructor(uint256 baseFee, uint256 communityFee, uint256 ratioThreshold, uint256 slope) {
        if (baseFee > MAX_FEE) revert ParamOutOfRange("baseFee", baseFee);
        if (communityFee > MAX_FEE) revert ParamOutOfRange("communityFee", communityFee);
        if (ratioThreshold > 1e9 * ONE) revert ParamOutOfRange("ratioThreshold", ratioThreshold);
        if (slope > ONE) revert ParamOutOfRange("slope", slope);
        _scBase = baseFee;
        _scCommunity = communityFee;
        _scThreshold = ratioThreshold;
        _scSlope = slope;
    }

    /// R = swapVolume / (consumeVolume·spot0 + epsilon), wad.
    function _volumeRatio() internal view returns (uint256) {
        uint256 denom = SOFT_CAP_EPSILON;
        if (_consumeVol != 0) denom += WeightedMath.mul(_consumeVol, _calcSpotPrice(0));
        return WeightedMath.div(_swapVol, denom);
    }

    function _swapFee() internal view override returns (uint256) {
        if (!_initialized) return _scBase;
        uint256 r = _volumeRatio();
        if (r <= _scThreshold) return _scBase;
        uint256 fee = _scBase + WeightedMath.mul(_scSlope, r - _scThreshold);
        return fee > MAX_FEE ? MAX_FEE : fee;
    }

    function _communityFee() internal view override returns (uint256) {
        return _scCommunity;
    }
}
