//! Stated limits on the shape of the input, checked before the recursive parts of the
//! reader (the expression parser, the part-graph walks, `solang-parser`) see it, so that
//! hostile input gets a positioned error instead of a stack overflow.

/// Deepest nesting of `(` `[` `{` in a grammar file.
pub const MAX_GRAMMAR_NESTING: usize = 32;

/// Most tokens in one binding expression (`use X with p = EXPR`): bounds the depth of the
/// expression tree, including chains such as `- - - x` or `a ^ b ^ c ^ ...`.
pub const MAX_EXPR_TOKENS: usize = 512;

/// Longest chain of parts (compound uses compound uses ... block) below any part.
pub const MAX_PART_DEPTH: usize = 64;

/// Deepest nesting of `(` `[` `{` in a building block's Solidity (comments and string
/// literals are skipped). Real blocks nest a handful of levels.
pub const MAX_SOLIDITY_NESTING: usize = 128;

/// Largest absolute value a real parameter's bounds may have: `x * 1e18` must fit in a
/// `uint256` (about 1.16e77), so a real above about 1.16e59 has no fixed-point encoding.
/// Checked exactly with [`crate::wad::to_wad`]; this constant is for documentation.
pub const MAX_REAL: f64 = 1.157_920_892_373_161_9e59;

/// Smallest non-zero magnitude a real parameter's bound may have: the encoding's
/// resolution is 1e-18, so smaller values all encode as 0.
pub const MIN_REAL: f64 = 1e-18;

/// Largest bound of an integer parameter: 2^53, the largest range in which every whole
/// number is exactly a 64-bit float (integers travel through the genotype as floats).
pub const MAX_INTEGER: f64 = 9_007_199_254_740_992.0;

/// The first place in `text` where `(` `[` `{` nest deeper than `max`, as a byte offset;
/// `//` and `/* */` comments and `"..."` / `'...'` literals are skipped (Solidity lexis).
/// A linear scan with no recursion: safe to run on any input.
pub fn solidity_nesting_violation(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solidity_scan_finds_the_first_bracket_too_deep() {
        assert_eq!(solidity_nesting_violation("a((b))", 2), None);
        assert_eq!(solidity_nesting_violation("a(((b)))", 2), Some(3));
        // comments and strings do not count
        assert_eq!(
            solidity_nesting_violation("// (((\n/* [[[ */ \"{{{\" '(('", 1),
            None
        );
        assert_eq!(solidity_nesting_violation("{ { }", 1), Some(2));
    }

    #[test]
    fn max_real_is_the_largest_encodable_magnitude() {
        assert!(crate::wad::to_wad(1.15e59).is_ok());
        assert!(crate::wad::to_wad(1.2e59).is_err());
        assert!(crate::wad::to_wad(MAX_REAL * (1.0 - 1e-12)).is_ok());
        assert!(crate::wad::to_wad(MAX_REAL * (1.0 + 1e-12)).is_err());
    }
}
