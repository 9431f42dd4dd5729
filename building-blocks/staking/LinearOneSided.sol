// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// A one-sided stake above B/2 or a payout above B/2.
error OneSidedCap(uint256 amount, uint256 cap);

/// @title LinearOneSided — Ocean V4 one-sided staking with the linear math shipped in 2022 (staking slot).
/// @notice stake X: staker gets X·S/(2B) shares, the bot (shares held by the pool address)
/// mints X·D/B datatokens into the pool and gets the same shares; X <= B/2.
/// unstake P: q = min(P, bot shares); pays (P + q)/S·B base (= 2(P/S)B when the bot matches),
/// the bot burns q shares and (P + q)/S·D datatokens; payout <= B/2.
/// The payout ignores price moves, which the July 2022 stake→buy→unstake→sell loop exploits.
abstract contract LinearOneSided is PoolCore {
    function _stake(address who, uint256 baseIn) internal override returns (uint256 sharesOut) {
        uint256 b = _baseBal;
        if (baseIn > b / 2) revert OneSidedCap(baseIn, b / 2);
        sharesOut = baseIn * _totalShares / (2 * b);
        uint256 dtIn = baseIn * _dtBal / b;
        _mintShares(who, sharesOut);
        _mintShares(address(this), sharesOut);
        if (dtIn != 0) _mintDtToPool(dtIn);
    }

    function _unstake(address who, uint256 sharesIn) internal override returns (uint256 baseOut) {
        uint256 supply = _totalShares;
        uint256 bot = _shares[address(this)];
        uint256 matched = sharesIn < bot ? sharesIn : bot;
        uint256 burned = sharesIn + matched;
        baseOut = burned * _baseBal / supply;
        if (baseOut > _baseBal / 2) revert OneSidedCap(baseOut, _baseBal / 2);
        uint256 dtOut = burned * _dtBal / supply;
        _burnShares(who, sharesIn);
        if (matched != 0) _burnShares(address(this), matched);
        if (dtOut != 0) _burnPoolDt(dtOut);
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
