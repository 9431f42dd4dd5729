// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDataPool — the interface every derived data-token pool implements.
/// @notice Agents (honest and adversarial) act on a candidate only through these calls.
/// All amounts are token base units (18 decimals); prices and fees are 1e18 fixed point.
/// "base" is the base token (OCEAN-like ERC-20), "dt" the datatoken.
interface IDataPool {
    // ---- set-up -------------------------------------------------------------------------
    /// Seeds the pool. Caller is the publisher; it must have approved `baseAmount` base
    /// tokens. The pool mints the initial datatoken liquidity itself (it is the datatoken's
    /// minter) so that the opening spot price equals `initialPrice` (base per DT, 1e18).
    /// Runs the allocation block's premine. Callable once.
    function initialize(address publisher, uint256 baseAmount, uint256 initialPrice) external;

    // ---- views ----------------------------------------------------------------------------
    function baseToken() external view returns (address);
    function dataToken() external view returns (address);
    function publisher() external view returns (address);
    function baseBalance() external view returns (uint256);
    function dtBalance() external view returns (uint256);
    /// Spot price in base tokens per datatoken, swap fee included (1e18).
    function spotPrice() external view returns (uint256);
    /// Current total swap fee (1e18 = 100%).
    function swapFee() external view returns (uint256);
    function totalShares() external view returns (uint256);
    function sharesOf(address who) external view returns (uint256);
    /// Cumulative swap volume in base units, and consume volume in datatoken units.
    function swapVolume() external view returns (uint256);
    function consumeVolume() external view returns (uint256);
    /// Datatokens the publisher may claim now from its allocation.
    function claimable() external view returns (uint256);

    // ---- trading --------------------------------------------------------------------------
    function buyDt(uint256 baseIn, uint256 minDtOut) external returns (uint256 dtOut);
    function sellDt(uint256 dtIn, uint256 minBaseOut) external returns (uint256 baseOut);

    // ---- liquidity ------------------------------------------------------------------------
    /// Single-sided stake of base tokens; returns pool shares minted to the caller.
    function stake(uint256 baseIn) external returns (uint256 sharesOut);
    /// Burns `sharesIn` of the caller's shares; returns base tokens paid out.
    function unstake(uint256 sharesIn) external returns (uint256 baseOut);

    // ---- publisher allocation ---------------------------------------------------------------
    /// Mints the publisher's currently claimable datatokens to it; returns the amount.
    function claimVested() external returns (uint256 amount);

    // ---- environment hook ---------------------------------------------------------------------
    /// Called by the datatoken's `order()`: `amount` datatokens were consumed.
    function notifyConsume(uint256 amount) external;

    event Swap(address indexed who, bool buy, uint256 amountIn, uint256 amountOut);
    event Stake(address indexed who, uint256 baseIn, uint256 sharesOut);
    event Unstake(address indexed who, uint256 sharesIn, uint256 baseOut);
}
