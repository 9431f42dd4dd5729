// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./ERC20.sol";

/// Only the deployer may mint base tokens.
error OnlyDeployer(address caller);

/// @title BaseToken — the base ERC-20 "OCEAN"; the deployer mints to fund agents.
contract BaseToken is ERC20 {
    address public immutable deployer;

    constructor() ERC20("Ocean Token", "OCEAN") {
        deployer = msg.sender;
    }

    /// Mints `amount` to `to` (deployer only).
    function mint(address to, uint256 amount) external {
        if (msg.sender != deployer) revert OnlyDeployer(msg.sender);
        _mint(to, amount);
    }
}
