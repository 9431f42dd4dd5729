// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title LinearVesting — publisher allocation vesting linearly (allocation slot).
/// @notice Entitlement = vestRatio × D0 × min(1, elapsed / vestDuration), claimed with claimVested.
abstract contract LinearVesting is PoolCore {
    uint256 internal immutable _lvRatio;
    uint256 internal immutable _lvDuration;

    /// @param vestRatio multiple of D0, wad in [0, 1000].
    /// @param vestDuration seconds (>= 1).
    constructor(uint256 vestRatio, uint256 vestDuration) {
        if (vestRatio > 1000 * ONE) revert ParamOutOfRange("vestRatio", vestRatio);
        if (vestDuration == 0 || vestDuration > 10 * 365 days) revert ParamOutOfRange("vestDuration", vestDuration);
        _lvRatio = vestRatio;
        _lvDuration = vestDuration;
    }

    function _onInitialize(address) internal pure override {}

    function _vestedTotal() internal view override returns (uint256) {
        uint256 total = WeightedMath.mul(_initialDtAmount, _lvRatio);
        uint256 t = _elapsed();
        if (t >= _lvDuration) return total;
        return total * t / _lvDuration;
    }
}
