// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title LaunchFee — LP fee decaying linearly after launch (fee slot).
/// @notice LP fee = startFee + (endFee - startFee)·min(1, elapsed/decayDuration), elapsed in
/// seconds since initialize: dampens launch spikes, then settles at `endFee`.
abstract contract LaunchFee is PoolCore {
    uint256 internal immutable _lfStart;
    uint256 internal immutable _lfEnd;
    uint256 internal immutable _lfDuration;
    uint256 internal immutable _lfCommunity;

    /// @param startFee LP fee at initialize, wad in [0, 0.1].
    /// @param endFee LP fee after the decay, wad in [0, 0.1].
    /// @param decayDuration seconds (>= 1).
    /// @param communityFee community fee, wad in [0, 0.1].
    constructor(uint256 startFee, uint256 endFee, uint256 decayDuration, uint256 communityFee) {
        if (startFee > MAX_FEE) revert ParamOutOfRange("startFee", startFee);
        if (endFee > MAX_FEE) revert ParamOutOfRange("endFee", endFee);
        if (decayDuration == 0 || decayDuration > 10 * 365 days) {
            revert ParamOutOfRange("decayDuration", decayDuration);
        }
        if (communityFee > MAX_FEE) revert ParamOutOfRange("communityFee", communityFee);
        _lfStart = startFee;
        _lfEnd = endFee;
        _lfDuration = decayDuration;
        _lfCommunity = communityFee;
    }

    function _swapFee() internal view override returns (uint256) {
        uint256 t = _elapsed();
        if (t >= _lfDuration) return _lfEnd;
        if (_lfEnd >= _lfStart) return _lfStart + (_lfEnd - _lfStart) * t / _lfDuration;
        return _lfStart - (_lfStart - _lfEnd) * t / _lfDuration;
    }

    function _communityFee() internal view override returns (uint256) {
        return _lfCommunity;
    }
}
