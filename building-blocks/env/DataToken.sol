// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./ERC20.sol";
import "../core/IDataPool.sol";

/// Only the deployer may call setPool.
error OnlyOwner(address caller);
/// setPool was already called (once per candidate world).
error PoolAlreadySet();
/// No pool is set yet.
error PoolNotSet();
/// Only the pool may mint datatokens.
error OnlyPool(address caller);

/// @title DataToken — the datatoken ERC-20; its pool is the only minter.
/// @notice `order()` consumes exactly 1 DT: 3% to `community`, the rest to the publisher,
/// then notifies the pool of the consume volume.
contract DataToken is ERC20 {
    /// One order spends exactly one datatoken.
    uint256 public constant ORDER_AMOUNT = 1e18;
    /// Community share of an order: 3%.
    uint256 public constant COMMUNITY_SHARE = 3e16;

    address public immutable owner;
    address public immutable community;
    address public pool;
    address public publisher;

    event Order(address indexed consumer, uint256 amount);

    constructor(address community_) ERC20("Data Token", "DT") {
        owner = msg.sender;
        community = community_;
    }

    /// Binds the token to its pool and publisher (deployer only, once).
    function setPool(address pool_, address publisher_) external {
        if (msg.sender != owner) revert OnlyOwner(msg.sender);
        if (pool != address(0)) revert PoolAlreadySet();
        pool = pool_;
        publisher = publisher_;
    }

    /// Mints `amount` to `to` (pool only).
    function mint(address to, uint256 amount) external {
        if (msg.sender != pool || pool == address(0)) revert OnlyPool(msg.sender);
        _mint(to, amount);
    }

    /// Burns `amount` of the caller's datatokens.
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    /// Consumes one datatoken: 3% to the community, the rest to the publisher.
    function order() external {
        address p = pool;
        if (p == address(0)) revert PoolNotSet();
        uint256 toCommunity = ORDER_AMOUNT * COMMUNITY_SHARE / 1e18;
        _transfer(msg.sender, community, toCommunity);
        _transfer(msg.sender, publisher, ORDER_AMOUNT - toCommunity);
        emit Order(msg.sender, ORDER_AMOUNT);
        IDataPool(p).notifyConsume(ORDER_AMOUNT);
    }
}
