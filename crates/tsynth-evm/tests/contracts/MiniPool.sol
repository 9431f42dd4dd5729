// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IMiniToken {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title MiniPool — a constant-product pool of two ERC-20s, used to measure call speed.
/// @notice Reserves are tracked in storage; each swap pulls the input token with
/// `transferFrom` and pays the output token with `transfer`.
contract MiniPool {
    error Slippage(uint256 out, uint256 minOut);
    error ZeroAmount();

    event Swap(address indexed who, bool buy, uint256 amountIn, uint256 amountOut);

    IMiniToken public immutable base;
    IMiniToken public immutable dt;
    uint256 public immutable fee; // 1e18 = 100%
    uint256 public baseReserve;
    uint256 public dtReserve;
    uint256 public swapVolume;

    constructor(address base_, address dt_, uint256 fee_) {
        base = IMiniToken(base_);
        dt = IMiniToken(dt_);
        fee = fee_;
    }

    /// Pulls both reserves from the caller (who must have approved them).
    function seed(uint256 baseAmount, uint256 dtAmount) external {
        base.transferFrom(msg.sender, address(this), baseAmount);
        dt.transferFrom(msg.sender, address(this), dtAmount);
        baseReserve += baseAmount;
        dtReserve += dtAmount;
    }

    function spotPrice() external view returns (uint256) {
        return (baseReserve * 1e18) / dtReserve;
    }

    function quote(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public view returns (uint256) {
        if (amountIn == 0) revert ZeroAmount();
        uint256 inAfterFee = (amountIn * (1e18 - fee)) / 1e18;
        return (reserveOut * inAfterFee) / (reserveIn + inAfterFee);
    }

    function buyDt(uint256 baseIn, uint256 minDtOut) external returns (uint256 dtOut) {
        dtOut = quote(baseIn, baseReserve, dtReserve);
        if (dtOut < minDtOut) revert Slippage(dtOut, minDtOut);
        base.transferFrom(msg.sender, address(this), baseIn);
        dt.transfer(msg.sender, dtOut);
        baseReserve += baseIn;
        dtReserve -= dtOut;
        swapVolume += baseIn;
        emit Swap(msg.sender, true, baseIn, dtOut);
    }

    function sellDt(uint256 dtIn, uint256 minBaseOut) external returns (uint256 baseOut) {
        baseOut = quote(dtIn, dtReserve, baseReserve);
        if (baseOut < minBaseOut) revert Slippage(baseOut, minBaseOut);
        dt.transferFrom(msg.sender, address(this), dtIn);
        base.transfer(msg.sender, baseOut);
        dtReserve += dtIn;
        baseReserve -= baseOut;
        swapVolume += baseOut;
        emit Swap(msg.sender, false, dtIn, baseOut);
    }
}
