// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The ERC-20 surface the vault needs from its asset.
interface IVaultAsset {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// The reward stream the vault harvests.
interface IVaultStream {
    function pending() external view returns (uint256);
    function release() external returns (uint256);
}

/// A zero amount where a positive one is required (or an amount too small to mint a share).
error ZeroAmount();
/// A zero address where a contract or account is required.
error ZeroAddress();
/// The caller holds fewer shares than it tries to redeem.
error NotEnoughShares(uint256 held, uint256 wanted);
/// An ERC-20 transfer returned false.
error TransferFailed();
/// A block's constructor parameter is outside its hard range.
error ParamOutOfRange(string name, uint256 value);

/// @title VaultCore — a staking vault: deposit the asset for shares, redeem shares for the
/// asset, and `harvest()` (anyone may call it) pulls the rewards the stream has accrued into
/// the vault, raising the value of every share.
/// @notice A candidate is `contract Candidate is VaultCore, <profit>, <exit>, <entry>`.
/// Three slots of hooks decide when harvested profit counts (profit), what a withdrawal
/// costs or whether it is allowed yet (exit) and what a deposit costs (entry). Fees go to the
/// treasury. Share prices use one virtual share and one virtual asset, so the vault cannot be
/// inflated by a first depositor; balances are accounted internally, so donations are ignored.
abstract contract VaultCore {
    uint256 internal constant ONE = 1e18;
    /// Upper bound of any fee (10%).
    uint256 internal constant MAX_FEE = ONE / 10;

    IVaultAsset internal immutable _asset;
    IVaultStream internal immutable _stream;
    address internal immutable _treasury;

    /// Assets the vault holds for its shareholders, including profit not yet unlocked.
    uint256 internal _held;
    uint256 internal _supply;
    mapping(address => uint256) internal _shares;

    event Deposit(address indexed who, uint256 assets, uint256 shares, uint256 fee);
    event Withdraw(address indexed who, uint256 shares, uint256 assets, uint256 fee);
    event Harvest(address indexed caller, uint256 profit);

    constructor(address asset_, address stream_, address treasury_) {
        if (asset_ == address(0) || stream_ == address(0) || treasury_ == address(0)) revert ZeroAddress();
        _asset = IVaultAsset(asset_);
        _stream = IVaultStream(stream_);
        _treasury = treasury_;
    }

    // ---- hooks ---------------------------------------------------------------------------

    /// profit: called after `harvest` added `profit` to the vault.
    function _onProfit(uint256 profit) internal virtual;
    /// profit: harvested assets that do not count for share prices yet.
    function _lockedProfit() internal view virtual returns (uint256);
    /// exit: called after every deposit of `who`.
    function _afterDeposit(address who) internal virtual;
    /// exit: called before `who` withdraws `assets`; may revert; returns the fee taken.
    function _exitFee(address who, uint256 assets) internal view virtual returns (uint256);
    /// entry: the fee taken from a deposit of `assets`.
    function _entryFee(uint256 assets) internal view virtual returns (uint256);

    // ---- views ---------------------------------------------------------------------------

    /// Assets that back the shares now (held minus locked profit).
    function totalAssets() public view returns (uint256) {
        return _held - _lockedProfit();
    }

    function totalShares() external view returns (uint256) {
        return _supply;
    }

    function sharesOf(address who) external view returns (uint256) {
        return _shares[who];
    }

    /// Assets `shares` are worth now, before any exit fee.
    function convertToAssets(uint256 shares) public view returns (uint256) {
        return shares * (totalAssets() + 1) / (_supply + 1);
    }

    /// Rewards a `harvest()` would pull in now.
    function pendingRewards() external view returns (uint256) {
        return _stream.pending();
    }

    /// Profit harvested but not unlocked yet.
    function lockedProfit() external view returns (uint256) {
        return _lockedProfit();
    }

    // ---- actions -------------------------------------------------------------------------

    /// Deposits `assets` (pulled from the caller) for shares; the entry fee goes to the treasury.
    function deposit(uint256 assets) external returns (uint256 shares) {
        uint256 fee = _entryFee(assets);
        uint256 net = assets - fee;
        shares = net * (_supply + 1) / (totalAssets() + 1);
        if (shares == 0) revert ZeroAmount();
        _pull(msg.sender, assets);
        if (fee > 0) _push(_treasury, fee);
        _held += net;
        _supply += shares;
        _shares[msg.sender] += shares;
        _afterDeposit(msg.sender);
        emit Deposit(msg.sender, assets, shares, fee);
    }

    /// Redeems `shares` for assets; the exit fee goes to the treasury.
    function withdraw(uint256 shares) external returns (uint256 assets) {
        uint256 held = _shares[msg.sender];
        if (shares == 0) revert ZeroAmount();
        if (held < shares) revert NotEnoughShares(held, shares);
        uint256 gross = convertToAssets(shares);
        uint256 fee = _exitFee(msg.sender, gross);
        assets = gross - fee;
        _shares[msg.sender] = held - shares;
        _supply -= shares;
        _held -= gross;
        if (fee > 0) _push(_treasury, fee);
        if (assets > 0) _push(msg.sender, assets);
        emit Withdraw(msg.sender, shares, assets, fee);
    }

    /// Pulls the accrued rewards into the vault (anyone may call it); returns the profit.
    function harvest() external returns (uint256 profit) {
        profit = _stream.release();
        _held += profit;
        _onProfit(profit);
        emit Harvest(msg.sender, profit);
    }

    function _pull(address from, uint256 amount) private {
        if (!_asset.transferFrom(from, address(this), amount)) revert TransferFailed();
    }

    function _push(address to, uint256 amount) private {
        if (!_asset.transfer(to, amount)) revert TransferFailed();
    }
}
