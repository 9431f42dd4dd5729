// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/PoolCore.sol";

/// Staking and unstaking are switched off in this pool.
error StakingDisabled();

/// @title NoStaking — stake and unstake always revert (staking slot).
abstract contract NoStaking is PoolCore {
    function _stake(address, uint256) internal pure override returns (uint256) {
        revert StakingDisabled();
    }

    function _unstake(address, uint256) internal pure override returns (uint256) {
        revert StakingDisabled();
    }

    /// The publisher owns the whole opening supply (it provided both sides).
    function _initialShares(address publisher_, uint256 supply) internal override returns (uint256) {
        _mintShares(publisher_, supply);
        return supply;
    }
}
