// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A fractional power was asked for a base outside (0, 2), where the series diverges.
error PowBaseOutOfRange(uint256 base);
/// The fractional power's series did not reach its precision within MAX_POW_TERMS terms:
/// the base is too close to 0 or 2 (every trade, join and exit keeps it within [1/2, 3/2],
/// where about 40 terms suffice). Reverting here is fast; without the bound such a base
/// ran the series for millions of terms, until the call ran out of gas.
error PowNotConverged(uint256 base, uint256 exp);
/// A trade or join brings in more than MAX_IN_RATIO of the in-balance.
error MaxInRatio(uint256 amountIn, uint256 limit);
/// An exit takes out more than MAX_OUT_RATIO of the out-balance.
error MaxOutRatio(uint256 amountOut, uint256 limit);
/// A division by a zero balance, weight or price.
error ZeroDenominator();

/// @title WeightedMath — Balancer-V1-style weighted-pool math in 1e18 fixed point.
/// @notice Written from the formulas: mul/div round half up; `pow` splits the exponent into an
/// integer part (square-and-multiply) and a fraction (binomial series in x = base - 1, stopped
/// when a term falls below 1e-10, and refused with `PowNotConverged` if that takes more than
/// MAX_POW_TERMS terms). Weights passed here are normalised (sum 1e18).
library WeightedMath {
    uint256 internal constant ONE = 1e18;
    /// Series stop: |term| < 1e-10 (in wad).
    uint256 internal constant POW_PRECISION = 1e8;
    /// Most terms of the fractional power's series (bases in [0.1, 1.9] converge well within
    /// it; the pools only use bases in [1/2, 3/2]).
    uint256 internal constant MAX_POW_TERMS = 256;
    /// Trades and joins may bring in at most half the in-balance.
    uint256 internal constant MAX_IN_RATIO = ONE / 2;
    /// Exits may take out at most a third of the out-balance (+1 wei so exactly 1/3 passes).
    uint256 internal constant MAX_OUT_RATIO = ONE / 3 + 1;

    /// a*b in wad, rounded half up. Reverts (panic) on overflow.
    function mul(uint256 a, uint256 b) internal pure returns (uint256) {
        return (a * b + ONE / 2) / ONE;
    }

    /// a/b in wad, rounded half up.
    function div(uint256 a, uint256 b) internal pure returns (uint256) {
        if (b == 0) revert ZeroDenominator();
        return (a * ONE + b / 2) / b;
    }

    /// base^n for an integer n (square-and-multiply, wad rounding at each step).
    function powi(uint256 base, uint256 n) internal pure returns (uint256 result) {
        result = (n & 1) == 1 ? base : ONE;
        for (n >>= 1; n != 0; n >>= 1) {
            base = mul(base, base);
            if ((n & 1) == 1) result = mul(result, base);
        }
    }

    /// base^exp for 0 < base < 2 (wad), any exp >= 0 (wad).
    function pow(uint256 base, uint256 exp) internal pure returns (uint256) {
        if (base == 0 || base >= 2 * ONE) revert PowBaseOutOfRange(base);
        uint256 whole = exp / ONE;
        uint256 frac = exp - whole * ONE;
        uint256 intPart = powi(base, whole);
        if (frac == 0) return intPart;
        return mul(intPart, _powFrac(base, frac));
    }

    /// base^r for 0 <= r < 1 by the binomial series (1 + x)^r = sum_k C(r, k) x^k, at most
    /// MAX_POW_TERMS terms.
    function _powFrac(uint256 base, uint256 r) private pure returns (uint256) {
        bool xNeg = base < ONE;
        uint256 x = xNeg ? ONE - base : base - ONE;
        uint256 term = ONE;
        uint256 sum = ONE;
        bool termNeg = false;
        // term_k = term_{k-1} * (r - (k-1)) * x / k ; signs tracked separately.
        for (uint256 k = 1; term >= POW_PRECISION; ++k) {
            if (k > MAX_POW_TERMS) revert PowNotConverged(base, r);
            uint256 km1 = (k - 1) * ONE;
            bool cNeg = km1 > r;
            uint256 c = cNeg ? km1 - r : r - km1;
            term = div(mul(term, mul(c, x)), k * ONE);
            if (term == 0) break;
            if (xNeg) termNeg = !termNeg;
            if (cNeg) termNeg = !termNeg;
            if (termNeg) sum -= term;
            else sum += term;
        }
        return sum;
    }

    /// Spot price of `out` in units of `in`, fee included:
    /// (bIn/wIn) / (bOut/wOut) / (1 - fee).
    function spotPrice(uint256 bIn, uint256 wIn, uint256 bOut, uint256 wOut, uint256 fee)
        internal
        pure
        returns (uint256)
    {
        uint256 ratio = div(div(bIn, wIn), div(bOut, wOut));
        return mul(ratio, div(ONE, ONE - fee));
    }

    /// Out given in: bOut * (1 - (bIn / (bIn + aIn(1 - fee)))^(wIn/wOut)).
    function outGivenIn(uint256 bIn, uint256 wIn, uint256 bOut, uint256 wOut, uint256 aIn, uint256 fee)
        internal
        pure
        returns (uint256)
    {
        uint256 limit = mul(bIn, MAX_IN_RATIO);
        if (aIn > limit) revert MaxInRatio(aIn, limit);
        uint256 adjusted = mul(aIn, ONE - fee);
        uint256 y = div(bIn, bIn + adjusted);
        uint256 p = pow(y, div(wIn, wOut));
        if (p >= ONE) return 0;
        return mul(bOut, ONE - p);
    }

    /// Shares minted for a single-asset join of `aIn` into a token with balance `bIn` and
    /// normalised weight `wIn`, share supply `supply`, swap fee `fee` charged on the part that
    /// is implicitly swapped: S((1 + a(1 - (1 - w) f)/b)^w - 1).
    function sharesOutGivenIn(uint256 bIn, uint256 wIn, uint256 supply, uint256 aIn, uint256 fee)
        internal
        pure
        returns (uint256)
    {
        uint256 limit = mul(bIn, MAX_IN_RATIO);
        if (aIn > limit) revert MaxInRatio(aIn, limit);
        uint256 afterFee = mul(aIn, ONE - mul(ONE - wIn, fee));
        uint256 ratio = div(bIn + afterFee, bIn);
        uint256 newSupply = mul(pow(ratio, wIn), supply);
        return newSupply > supply ? newSupply - supply : 0;
    }

    /// Tokens paid for a single-asset exit of `sharesIn` from a token with balance `bOut`,
    /// normalised weight `wOut`: b(1 - ((S - P)/S)^(1/w)) (1 - (1 - w) f).
    function outGivenSharesIn(uint256 bOut, uint256 wOut, uint256 supply, uint256 sharesIn, uint256 fee)
        internal
        pure
        returns (uint256 out)
    {
        uint256 limit = mul(bOut, MAX_OUT_RATIO);
        // Any exit paying <= 1/3 of the balance burns < 40% of the supply; refusing more than
        // half up front keeps the series base >= 1/2 (fast convergence).
        if (sharesIn > supply / 2) revert MaxOutRatio(bOut, limit);
        uint256 ratio = div(supply - sharesIn, supply);
        uint256 keep = mul(pow(ratio, div(ONE, wOut)), bOut);
        out = keep < bOut ? bOut - keep : 0;
        out = mul(out, ONE - mul(ONE - wOut, fee));
        if (out > limit) revert MaxOutRatio(out, limit);
    }
}
