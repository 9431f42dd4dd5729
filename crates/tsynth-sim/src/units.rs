//! Conversions between token base units (18 decimals, `U256`) and whole tokens (`f64`).

use tsynth_evm::U256;

/// One whole token in base units.
pub const ONE: u128 = 1_000_000_000_000_000_000;

/// Whole tokens → base units (negative and non-finite values give 0).
pub fn to_wei(tokens: f64) -> U256 {
    if !tokens.is_finite() || tokens <= 0.0 {
        return U256::ZERO;
    }
    let wei = tokens * ONE as f64;
    if wei >= u128::MAX as f64 {
        return U256::from(u128::MAX);
    }
    U256::from(wei as u128)
}

/// Base units → whole tokens (lossy beyond 2^53 base units of precision).
pub fn to_tokens(wei: U256) -> f64 {
    let limbs = wei.as_limbs();
    let mut v = 0.0;
    for (i, limb) in limbs.iter().enumerate() {
        v += *limb as f64 * 2f64.powi(64 * i as i32);
    }
    v / ONE as f64
}

/// `wei × fraction` for a fraction in [0, 1], rounded down.
pub fn scale(wei: U256, fraction: f64) -> U256 {
    if fraction <= 0.0 || !fraction.is_finite() {
        return U256::ZERO;
    }
    if fraction >= 1.0 {
        return wei;
    }
    let ppb = (fraction * 1e18) as u128;
    wei * U256::from(ppb) / U256::from(ONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(to_wei(1.5), U256::from(1_500_000_000_000_000_000u128));
        assert_eq!(to_tokens(to_wei(1234.25)), 1234.25);
        assert_eq!(to_wei(-1.0), U256::ZERO);
        assert!(to_tokens(U256::from(1u8) << 200) > 1e41);
        assert_eq!(scale(to_wei(10.0), 0.25), to_wei(2.5));
        assert_eq!(scale(to_wei(10.0), 2.0), to_wei(10.0));
    }
}
