//! Every seed scheme of tsynth in one place.
//!
//! - [`stream_rng`]: an agent's random stream within one simulation seed (stream 0, 1, ...).
//! - [`search_seeds`]: the simulation seeds a search scores candidates on — common random
//!   numbers shared by every candidate (a candidate scored on `k` seeds uses the first `k`).
//! - [`held_out_seeds`]: seeds for re-scoring results, disjoint from the search's.
//! - [`consecutive`]: `first, first + 1, ...` (what `tsynth sim --first-seed` uses).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The RNG of stream `stream` within simulation seed `seed`.
pub fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// SplitMix64: a bijective 64-bit mixer (Steele, Lea, Flood 2014).
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` simulation seeds of a search for a run seed.
pub fn search_seeds(run_seed: u64, n: u32) -> Vec<u64> {
    (0..u64::from(n))
        .map(|i| splitmix64(run_seed ^ splitmix64(i)))
        .collect()
}

/// `n` held-out seeds: a different stream, and never one of the first `search_max` search
/// seeds.
pub fn held_out_seeds(run_seed: u64, n: u32, search_max: u32) -> Vec<u64> {
    let used = search_seeds(run_seed, search_max);
    let tag = 0x4845_4C44_2D4F_5554; // "HELD-OUT"
    let mut out = Vec::with_capacity(n as usize);
    let mut i = 0u64;
    while out.len() < n as usize {
        let s = splitmix64(run_seed ^ splitmix64(i ^ tag).rotate_left(17));
        if !used.contains(&s) && !out.contains(&s) {
            out.push(s);
        }
        i += 1;
    }
    out
}

/// `n` consecutive seeds from `first` (wrapping at 2^64).
pub fn consecutive(first: u64, n: u32) -> Vec<u64> {
    (0..u64::from(n)).map(|i| first.wrapping_add(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_seeds_are_disjoint_and_stable() {
        let s = search_seeds(7, 6);
        let h = held_out_seeds(7, 8, 6);
        assert_eq!(h.len(), 8);
        assert!(h.iter().all(|x| !s.contains(x)));
        assert_eq!(h, held_out_seeds(7, 8, 6));
        assert_ne!(search_seeds(7, 2), search_seeds(8, 2));
        assert_eq!(search_seeds(7, 2), s[..2]);
        assert_eq!(consecutive(u64::MAX, 2), vec![u64::MAX, 0]);
    }
}
