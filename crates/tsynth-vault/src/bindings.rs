//! Static ABI bindings (alloy `sol!`) of the vault, its asset and its reward stream: the
//! only surface agents and adversaries use. Written by hand from `blocks/core/VaultCore.sol`
//! and `blocks/env/*.sol` (small enough that a file include would buy nothing).

#![allow(missing_docs)] // generated items

alloy_sol_types::sol! {
    /// The candidate vault (`VaultCore`'s external functions).
    interface IVault {
        function deposit(uint256 assets) external returns (uint256 shares);
        function withdraw(uint256 shares) external returns (uint256 assets);
        function harvest() external returns (uint256 profit);
        function totalAssets() external view returns (uint256);
        function totalShares() external view returns (uint256);
        function sharesOf(address who) external view returns (uint256);
        function convertToAssets(uint256 shares) external view returns (uint256);
        function pendingRewards() external view returns (uint256);
        function lockedProfit() external view returns (uint256);
    }
    /// The environment's asset.
    interface IStakeToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address who) external view returns (uint256);
    }
    /// The environment's reward stream.
    interface IRewardStream {
        function start(address vault, uint256 rate) external;
        function pending() external view returns (uint256);
    }
    /// `LockUp`'s refusal: a design policy, not a failure.
    error Locked(uint256 until);
}
