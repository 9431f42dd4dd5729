// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title BalancerJoin — Ocean V3 staking: Balancer V1 single-asset join/exit in base (staking slot).
/// @notice stake: P = S((1 + X(1 - (1 - wB)f)/B)^wB - 1), X <= B/2.
/// unstake: a = B(1 - ((S - P)/S)^(1/wB))(1 - (1 - wB)f), a <= B/3. f = LP fee. No bot.
abstract contract BalancerJoin is PoolCore {
    function _stake(address who, uint256 baseIn) internal override returns (uint256 sharesOut) {
        (uint256 wBase,) = _weights();
        sharesOut = WeightedMath.sharesOutGivenIn(_baseBal, wBase, _totalShares, baseIn, _swapFee());
        _mintShares(who, sharesOut);
    }

    function _unstake(address who, uint256 sharesIn) internal override returns (uint256 baseOut) {
        (uint256 wBase,) = _weights();
        baseOut = WeightedMath.outGivenSharesIn(_baseBal, wBase, _totalShares, sharesIn, _swapFee());
        _burnShares(who, sharesIn);
    }

    /// The publisher owns the whole opening supply (it provided both sides).
    function _initialShares(address publisher_, uint256 supply) internal override returns (uint256) {
        _mintShares(publisher_, supply);
        return supply;
    }
}
