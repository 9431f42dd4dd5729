//! Exact conversion of parameter values to 1e18 fixed point ("wad") `uint256`.

use alloy_primitives::U256;

/// Errors converting a real to wad.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WadError {
    /// Negative or non-finite values have no `uint256` encoding.
    #[error("{0} cannot be encoded as a 1e18 fixed-point uint256")]
    NotRepresentable(f64),
}

/// Converts `v` to `round(v * 1e18)` using `v`'s shortest decimal representation, so that
/// e.g. `0.001` becomes exactly `1e15` (ties round half up).
pub fn to_wad(v: f64) -> Result<U256, WadError> {
    if !v.is_finite() || v < 0.0 {
        return Err(WadError::NotRepresentable(v));
    }
    // Rust prints f64 without exponent and with the shortest round-trip digits.
    let s = format!("{v}");
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut digits = String::with_capacity(int.len() + 18);
    digits.push_str(int);
    let fb = frac.as_bytes();
    for i in 0..18 {
        digits.push(fb.get(i).map(|&b| b as char).unwrap_or('0'));
    }
    let mut w = U256::from_str_radix(&digits, 10).map_err(|_| WadError::NotRepresentable(v))?;
    if fb.get(18).is_some_and(|&b| b >= b'5') {
        w += U256::from(1u8);
    }
    Ok(w)
}

/// Converts a wad back to f64 (nearest representable).
pub fn from_wad(w: U256) -> f64 {
    let s = w.to_string();
    let (int, frac) = if s.len() > 18 {
        (s[..s.len() - 18].to_string(), s[s.len() - 18..].to_string())
    } else {
        ("0".to_string(), format!("{s:0>18}"))
    };
    format!("{int}.{frac}").parse().unwrap_or(f64::NAN)
}
