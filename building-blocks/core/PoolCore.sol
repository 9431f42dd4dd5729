// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./IDataPool.sol";
import "./WeightedMath.sol";

/// Minimal ERC-20 surface the pool needs.
interface IPoolToken {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// The datatoken: the pool is its only minter; any holder can burn its own tokens.
interface IPoolDataToken is IPoolToken {
    function mint(address to, uint256 amount) external;
    function burn(uint256 amount) external;
}

/// A pool function was called before `initialize`.
error NotInitialized();
/// `initialize` was called twice.
error AlreadyInitialized();
/// `initialize` must be called by the publisher it names.
error NotPublisher(address caller);
/// A zero amount or price where a positive one is required.
error ZeroAmount();
/// A zero address where a contract or account is required.
error ZeroAddress();
/// The trade pays less than the caller's minimum (or nothing at all).
error InsufficientOutput(uint256 amountOut, uint256 minOut);
/// The caller holds fewer shares than it tries to burn.
error InsufficientShares(uint256 balance, uint256 needed);
/// The pool does not hold enough of the token to pay.
error InsufficientLiquidity(uint256 requested, uint256 available);
/// `notifyConsume` may only be called by the datatoken.
error OnlyDataToken(address caller);
/// An ERC-20 transfer returned false.
error TokenTransferFailed(address token);
/// A swap moved the spot price the wrong way (buy must not lower it, sell must not raise it).
error PriceInvariant(uint256 spotBefore, uint256 spotAfter);
/// A trade would execute at a better price than the spot price before it: Balancer's
/// `spotPriceBefore <= amountIn / amountOut` check (ERR_MATH_APPROX), which catches
/// rounding in the trader's favour, typically on dust amounts. `price` is in base per DT:
/// the spot price with fee for a buy, the marginal price P (1 - fee) for a sell.
error MathApprox(uint256 price, uint256 amountIn, uint256 amountOut);
/// A block's constructor parameter is outside its hard range.
error ParamOutOfRange(string name, uint256 value);

/// @title PoolCore — IDataPool on top of one group of internal hooks per slot.
/// @notice A candidate is `contract Candidate is PoolCore, <one block per slot>`; every hook
/// below is implemented by exactly one block. PoolCore keeps the accounting (balances,
/// shares, volumes) and moves the tokens; blocks decide prices, fees and share amounts.
abstract contract PoolCore is IDataPool {
    /// 1.0 in wad.
    uint256 internal constant ONE = 1e18;
    /// Shares minted to the publisher at initialize (Balancer's INIT_POOL_SUPPLY).
    uint256 internal constant INIT_SHARES = 100e18;
    /// Upper bound of any single fee (10%).
    uint256 internal constant MAX_FEE = ONE / 10;
    /// Relative slack of the spot-price check on trades (1e-9, in wad): a trade may execute
    /// at most this much (plus one wei of the spot price) better than the spot price before
    /// it. It absorbs the rounding of curve-free (fixed-rate) pools, whose exact execution
    /// price equals the spot price, for outputs above about 1e9 wei; curve pools' honest
    /// trades pay a price impact far above it.
    uint256 internal constant SPOT_CHECK_SLACK = 1e9;

    IPoolToken internal immutable _base;
    IPoolDataToken internal immutable _dt;
    address internal immutable _community;

    /// Base tokens the pool accounts as liquidity.
    uint256 internal _baseBal;
    /// Datatokens the pool accounts as liquidity.
    uint256 internal _dtBal;
    uint256 internal _totalShares;
    mapping(address => uint256) internal _shares;
    /// Cumulative swap volume in base units (base in for buys, base out for sells).
    uint256 internal _swapVol;
    /// Cumulative consume volume in datatoken units.
    uint256 internal _consumeVol;
    address internal _publisher;
    bool internal _initialized;
    /// block.timestamp at initialize (schedules are measured from it).
    uint64 internal _initTime;
    /// The fee-free opening price given to initialize (base per DT, wad).
    uint256 internal _openPrice;
    /// Datatokens minted as initial liquidity (allocation amounts are relative to it).
    uint256 internal _initialDtAmount;
    /// Datatokens already paid to the publisher by `claimVested`.
    uint256 internal _claimed;

    constructor(address baseToken_, address dataToken_, address community_) {
        if (baseToken_ == address(0) || dataToken_ == address(0) || community_ == address(0)) {
            revert ZeroAddress();
        }
        _base = IPoolToken(baseToken_);
        _dt = IPoolDataToken(dataToken_);
        _community = community_;
    }

    // ---- hooks: pricing ------------------------------------------------------------------
    /// Normalised weights (sum 1e18) of base and datatoken.
    function _weights() internal view virtual returns (uint256 wBase, uint256 wDt);
    /// Amount out for `amountIn` in (buy: base in, DT out), `fee` = total fee.
    function _calcOutGivenIn(bool buy, uint256 amountIn, uint256 fee) internal view virtual returns (uint256);
    /// Spot price in base per DT, `fee` included.
    function _calcSpotPrice(uint256 fee) internal view virtual returns (uint256);
    /// Datatokens to mint at initialize so the fee-free price is `initialPrice`.
    function _initialDt(uint256 baseAmount, uint256 initialPrice) internal view virtual returns (uint256);

    // ---- hooks: fee ----------------------------------------------------------------------
    /// LP fee (stays in the pool).
    function _swapFee() internal view virtual returns (uint256);
    /// Community fee (sent to `community`).
    function _communityFee() internal view virtual returns (uint256);

    // ---- hooks: staking --------------------------------------------------------------------
    /// Mints shares for `baseIn` (not yet added to `_baseBal`); returns the staker's shares.
    function _stake(address who, uint256 baseIn) internal virtual returns (uint256 sharesOut);
    /// Burns `sharesIn` of `who`; returns the base owed (not yet taken from `_baseBal`).
    function _unstake(address who, uint256 sharesIn) internal virtual returns (uint256 baseOut);
    /// Mints the opening share supply `supply` at `initialize` (after the pool minted its
    /// initial datatokens) and returns the publisher's part. Who owns the datatoken-backed
    /// part is the staking design's business: the publisher (V3) or the side-staking bot.
    function _initialShares(address publisher_, uint256 supply) internal virtual returns (uint256 publisherShares);

    // ---- hooks: guard ----------------------------------------------------------------------
    /// Runs after every stake and after the publisher's initial shares are minted.
    function _afterStake(address who, uint256 shares) internal virtual;
    /// May revert or reduce the payout of an unstake; returns what is actually paid.
    function _beforeUnstake(address who, uint256 shares, uint256 baseOut) internal virtual returns (uint256 paidOut);

    // ---- hooks: allocation -----------------------------------------------------------------
    /// Runs at the end of initialize.
    function _onInitialize(address publisher_) internal virtual;
    /// Total datatokens the publisher is entitled to by now through `claimVested`.
    function _vestedTotal() internal view virtual returns (uint256);

    // ---- hooks: limit ----------------------------------------------------------------------
    /// Runs at the start of every swap; may revert.
    function _beforeSwap(address who, bool buy, uint256 amountIn) internal virtual;

    // ---- set-up ------------------------------------------------------------------------------
    /// @inheritdoc IDataPool
    function initialize(address publisher_, uint256 baseAmount, uint256 initialPrice) external {
        if (_initialized) revert AlreadyInitialized();
        if (msg.sender != publisher_) revert NotPublisher(msg.sender);
        if (baseAmount == 0 || initialPrice == 0) revert ZeroAmount();
        _initialized = true;
        _publisher = publisher_;
        _initTime = uint64(block.timestamp);
        _openPrice = initialPrice;
        _pull(_base, publisher_, baseAmount);
        _baseBal = baseAmount;
        uint256 d0 = _initialDt(baseAmount, initialPrice);
        if (d0 == 0) revert ZeroAmount();
        _initialDtAmount = d0;
        _mintDtToPool(d0);
        uint256 own = _initialShares(publisher_, INIT_SHARES);
        _onInitialize(publisher_);
        _afterStake(publisher_, own);
    }

    // ---- views -------------------------------------------------------------------------------
    function baseToken() external view returns (address) {
        return address(_base);
    }

    function dataToken() external view returns (address) {
        return address(_dt);
    }

    /// The address receiving community fees.
    function community() external view returns (address) {
        return _community;
    }

    function publisher() external view returns (address) {
        return _publisher;
    }

    function baseBalance() external view returns (uint256) {
        return _baseBal;
    }

    function dtBalance() external view returns (uint256) {
        return _dtBal;
    }

    function spotPrice() external view returns (uint256) {
        _requireInit();
        return _calcSpotPrice(_swapFee() + _communityFee());
    }

    function swapFee() external view returns (uint256) {
        return _swapFee() + _communityFee();
    }

    /// Current normalised weights (base, datatoken).
    function weights() external view returns (uint256 wBase, uint256 wDt) {
        return _weights();
    }

    function totalShares() external view returns (uint256) {
        return _totalShares;
    }

    function sharesOf(address who) external view returns (uint256) {
        return _shares[who];
    }

    function swapVolume() external view returns (uint256) {
        return _swapVol;
    }

    function consumeVolume() external view returns (uint256) {
        return _consumeVol;
    }

    function claimable() external view returns (uint256) {
        if (!_initialized) return 0;
        uint256 vested = _vestedTotal();
        return vested > _claimed ? vested - _claimed : 0;
    }

    // ---- trading -------------------------------------------------------------------------------
    function buyDt(uint256 baseIn, uint256 minDtOut) external returns (uint256 dtOut) {
        _requireInit();
        if (baseIn == 0) revert ZeroAmount();
        _beforeSwap(msg.sender, true, baseIn);
        uint256 cf = _communityFee();
        uint256 fee = _swapFee() + cf;
        uint256 spotBefore = _calcSpotPrice(fee);
        dtOut = _calcOutGivenIn(true, baseIn, fee);
        if (dtOut == 0 || dtOut < minDtOut) revert InsufficientOutput(dtOut, minDtOut);
        if (dtOut > _dtBal) revert InsufficientLiquidity(dtOut, _dtBal);
        _checkBuyPrice(spotBefore, baseIn, dtOut);
        uint256 toCommunity = WeightedMath.mul(baseIn, cf);
        _baseBal += baseIn - toCommunity;
        _dtBal -= dtOut;
        _swapVol += baseIn;
        uint256 spotAfter = _calcSpotPrice(fee);
        if (spotAfter < spotBefore) revert PriceInvariant(spotBefore, spotAfter);
        _pull(_base, msg.sender, baseIn);
        _push(_dt, msg.sender, dtOut);
        if (toCommunity != 0) _push(_base, _community, toCommunity);
        emit Swap(msg.sender, true, baseIn, dtOut);
    }

    function sellDt(uint256 dtIn, uint256 minBaseOut) external returns (uint256 baseOut) {
        _requireInit();
        if (dtIn == 0) revert ZeroAmount();
        _beforeSwap(msg.sender, false, dtIn);
        uint256 cf = _communityFee();
        uint256 fee = _swapFee() + cf;
        uint256 spotBefore = _calcSpotPrice(fee);
        baseOut = _calcOutGivenIn(false, dtIn, fee);
        if (baseOut == 0 || baseOut < minBaseOut) revert InsufficientOutput(baseOut, minBaseOut);
        if (baseOut > _baseBal) revert InsufficientLiquidity(baseOut, _baseBal);
        _checkSellPrice(fee, dtIn, baseOut);
        uint256 toCommunity = WeightedMath.mul(dtIn, cf);
        _dtBal += dtIn - toCommunity;
        _baseBal -= baseOut;
        _swapVol += baseOut;
        uint256 spotAfter = _calcSpotPrice(fee);
        if (spotAfter > spotBefore) revert PriceInvariant(spotBefore, spotAfter);
        _pull(_dt, msg.sender, dtIn);
        _push(_base, msg.sender, baseOut);
        if (toCommunity != 0) _push(_dt, _community, toCommunity);
        emit Swap(msg.sender, false, dtIn, baseOut);
    }

    // ---- liquidity -------------------------------------------------------------------------------
    function stake(uint256 baseIn) external returns (uint256 sharesOut) {
        _requireInit();
        if (baseIn == 0) revert ZeroAmount();
        sharesOut = _stake(msg.sender, baseIn);
        if (sharesOut == 0) revert InsufficientOutput(0, 1);
        _baseBal += baseIn;
        _afterStake(msg.sender, sharesOut);
        _pull(_base, msg.sender, baseIn);
        emit Stake(msg.sender, baseIn, sharesOut);
    }

    function unstake(uint256 sharesIn) external returns (uint256 baseOut) {
        _requireInit();
        if (sharesIn == 0) revert ZeroAmount();
        uint256 have = _shares[msg.sender];
        if (have < sharesIn) revert InsufficientShares(have, sharesIn);
        uint256 owed = _unstake(msg.sender, sharesIn);
        baseOut = _beforeUnstake(msg.sender, sharesIn, owed);
        if (baseOut > _baseBal) revert InsufficientLiquidity(baseOut, _baseBal);
        _baseBal -= baseOut;
        _push(_base, msg.sender, baseOut);
        emit Unstake(msg.sender, sharesIn, baseOut);
    }

    // ---- allocation -------------------------------------------------------------------------------
    function claimVested() external returns (uint256 amount) {
        _requireInit();
        uint256 vested = _vestedTotal();
        if (vested > _claimed) {
            amount = vested - _claimed;
            _claimed = vested;
            _dt.mint(_publisher, amount);
        }
    }

    // ---- environment -------------------------------------------------------------------------------
    function notifyConsume(uint256 amount) external {
        if (msg.sender != address(_dt)) revert OnlyDataToken(msg.sender);
        _consumeVol += amount;
    }

    // ---- trade checks ---------------------------------------------------------------------------------
    /// Balancer's ERR_MATH_APPROX check on a buy, `spotBefore <= baseIn / dtOut` (base per
    /// DT, fee included): reverts with `MathApprox` when the buyer pays less per DT than the
    /// spot price before the trade, by more than one wei of the spot price plus
    /// SPOT_CHECK_SLACK of it. Compared in exact integers (`baseIn * ONE < floor * dtOut`).
    function _checkBuyPrice(uint256 spotBefore, uint256 baseIn, uint256 dtOut) internal pure {
        uint256 slack = spotBefore * SPOT_CHECK_SLACK / ONE + 1;
        uint256 floor = spotBefore > slack ? spotBefore - slack : 0;
        if (baseIn * ONE < floor * dtOut) revert MathApprox(spotBefore, baseIn, dtOut);
    }

    /// The same check on a sell. Balancer's sell-direction spot is DT per base,
    /// (1 / P) / (1 - fee) with P the fee-free base-per-DT price `_calcSpotPrice(0)`, so
    /// `spot <= dtIn / baseOut` is `baseOut / dtIn <= P (1 - fee)`: the seller may not get more
    /// base per DT than the marginal price P (1 - fee), by more than one wei of it plus
    /// SPOT_CHECK_SLACK of it. Compared in base per DT so that no rounded reciprocal enters.
    function _checkSellPrice(uint256 fee, uint256 dtIn, uint256 baseOut) internal view {
        uint256 marginal = WeightedMath.mul(_calcSpotPrice(0), ONE - fee);
        uint256 ceiling = marginal + marginal * SPOT_CHECK_SLACK / ONE + 1;
        if (baseOut * ONE > ceiling * dtIn) revert MathApprox(marginal, dtIn, baseOut);
    }

    // ---- helpers for blocks -------------------------------------------------------------------------
    function _requireInit() internal view {
        if (!_initialized) revert NotInitialized();
    }

    /// Seconds since initialize (0 before it).
    function _elapsed() internal view returns (uint256) {
        return _initialized ? block.timestamp - _initTime : 0;
    }

    function _mintShares(address to, uint256 amount) internal {
        _shares[to] += amount;
        _totalShares += amount;
    }

    function _burnShares(address from, uint256 amount) internal {
        uint256 have = _shares[from];
        if (have < amount) revert InsufficientShares(have, amount);
        unchecked {
            _shares[from] = have - amount;
            _totalShares -= amount;
        }
    }

    /// Mints datatokens into the pool's liquidity.
    function _mintDtToPool(uint256 amount) internal {
        _dtBal += amount;
        _dt.mint(address(this), amount);
    }

    /// Burns datatokens out of the pool's liquidity.
    function _burnPoolDt(uint256 amount) internal {
        if (amount > _dtBal) revert InsufficientLiquidity(amount, _dtBal);
        _dtBal -= amount;
        _dt.burn(amount);
    }

    /// Mints datatokens straight to `to` (allocation blocks).
    function _mintDtTo(address to, uint256 amount) internal {
        _dt.mint(to, amount);
    }

    function _pull(IPoolToken token, address from, uint256 amount) internal {
        if (!token.transferFrom(from, address(this), amount)) revert TokenTransferFailed(address(token));
    }

    function _push(IPoolToken token, address to, uint256 amount) internal {
        if (!token.transfer(to, amount)) revert TokenTransferFailed(address(token));
    }
}
