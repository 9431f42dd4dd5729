// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// @title BalancerOneSided — bot-supported one-sided staking with Balancer math (staking slot).
/// @notice stake X: the staker joins single-asset (Balancer formula, LP fee on the non-base
/// part, X <= B/2); then the bot mints d = X·D/B datatokens and joins them single-asset
/// (fee-free), which restores the price; the bot's shares are held by the pool address.
/// unstake P: a plain single-asset base exit along the curve (a <= B/3); the bot does not
/// react. Every step keeps the invariant per share, so the one-block
/// stake→buy→unstake→sell loop does not pay (see README).
abstract contract BalancerOneSided is PoolCore {
    function _stake(address who, uint256 baseIn) internal override returns (uint256 sharesOut) {
        (uint256 wBase, uint256 wDt) = _weights();
        uint256 b = _baseBal;
        uint256 d = _dtBal;
        uint256 supply = _totalShares;
        sharesOut = WeightedMath.sharesOutGivenIn(b, wBase, supply, baseIn, _swapFee());
        _mintShares(who, sharesOut);
        uint256 dtIn = baseIn * d / b;
        if (dtIn != 0) {
            uint256 botShares = WeightedMath.sharesOutGivenIn(d, wDt, supply + sharesOut, dtIn, 0);
            _mintDtToPool(dtIn);
            _mintShares(address(this), botShares);
        }
    }

    function _unstake(address who, uint256 sharesIn) internal override returns (uint256 baseOut) {
        (uint256 wBase,) = _weights();
        baseOut = WeightedMath.outGivenSharesIn(_baseBal, wBase, _totalShares, sharesIn, _swapFee());
        _burnShares(who, sharesIn);
    }

    /// The publisher owns the base-backed part of the opening supply (by value: the base
    /// weight); the side-staking bot owns the part backed by the datatokens the pool minted.
    function _initialShares(address publisher_, uint256 supply) internal override returns (uint256 own) {
        (uint256 wBase,) = _weights();
        own = supply * wBase / 1e18;
        _mintShares(publisher_, own);
        _mintShares(address(this), supply - own);
    }
}
