// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title CliffVesting — nothing before a cliff, then linear vesting (allocation slot).
/// @notice Entitlement = 0 while elapsed < cliff, else vestRatio × D0 × min(1, elapsed / vestDuration)
/// (the part vested during the cliff unlocks at once).
abstract contract CliffVesting is PoolCore {
    uint256 internal immutable _cvRatio;
    uint256 internal immutable _cvCliff;
    uint256 internal immutable _cvDuration;

    /// @param vestRatio multiple of D0, wad in [0, 1000].
    /// @param cliff seconds after initialize before anything vests.
    /// @param vestDuration seconds (>= 1).
    constructor(uint256 vestRatio, uint256 cliff, uint256 vestDuration) {
        if (vestRatio > 1000 * ONE) revert ParamOutOfRange("vestRatio", vestRatio);
        if (cliff > 10 * 365 days) revert ParamOutOfRange("cliff", cliff);
        if (vestDuration == 0 || vestDuration > 10 * 365 days) revert ParamOutOfRange("vestDuration", vestDuration);
        _cvRatio = vestRatio;
        _cvCliff = cliff;
        _cvDuration = vestDuration;
    }

    function _onInitialize(address) internal pure override {}

    function _vestedTotal() internal view override returns (uint256) {
        uint256 t = _elapsed();
        if (t < _cvCliff) return 0;
        uint256 total = WeightedMath.mul(_initialDtAmount, _cvRatio);
        if (t >= _cvDuration) return total;
        return total * t / _cvDuration;
    }
}
