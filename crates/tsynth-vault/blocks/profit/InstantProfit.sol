// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "../core/VaultCore.sol";

/// @title InstantProfit — harvested profit counts at once (profit slot).
/// @notice Whoever holds shares at the harvest gets the rewards accrued before it, so a
/// deposit just before a harvest and a withdrawal just after take a share of them.
abstract contract InstantProfit is VaultCore {
    function _onProfit(uint256) internal pure override {}

    function _lockedProfit() internal pure override returns (uint256) {
        return 0;
    }
}
