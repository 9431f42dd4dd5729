//! `core/WeightedMath.sol` directly, through a harness contract: the fixed-point power and
//! the single-asset join/exit formulas against f64, on seeded random inputs, and its range
//! errors.

use crate::blocks_common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tsynth_evm::{Address, U256, World, sol};
use tsynth_solc::ContractArtifact;

sol! {
    interface IMath {
        function pow(uint256 base, uint256 exp) external pure returns (uint256);
        function sharesOut(uint256 b, uint256 w, uint256 s, uint256 a, uint256 fee) external pure returns (uint256);
        function outForShares(uint256 b, uint256 w, uint256 s, uint256 p, uint256 fee) external pure returns (uint256);
        function outGivenIn(uint256 bIn, uint256 wIn, uint256 bOut, uint256 wOut, uint256 a, uint256 fee) external pure returns (uint256);
    }
}

const HARNESS: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import "core/WeightedMath.sol";
contract Candidate {
    function pow(uint256 base, uint256 exp) external pure returns (uint256) {
        return WeightedMath.pow(base, exp);
    }
    function sharesOut(uint256 b, uint256 w, uint256 s, uint256 a, uint256 fee) external pure returns (uint256) {
        return WeightedMath.sharesOutGivenIn(b, w, s, a, fee);
    }
    function outForShares(uint256 b, uint256 w, uint256 s, uint256 p, uint256 fee) external pure returns (uint256) {
        return WeightedMath.outGivenSharesIn(b, w, s, p, fee);
    }
    function outGivenIn(uint256 bIn, uint256 wIn, uint256 bOut, uint256 wOut, uint256 a, uint256 fee) external pure returns (uint256) {
        return WeightedMath.outGivenIn(bIn, wIn, bOut, wOut, a, fee);
    }
}
"#;

struct Harness {
    world: World,
    addr: Address,
    art: ContractArtifact,
}

fn harness() -> Harness {
    let (world, addr, art) = deploy_harness(HARNESS);
    Harness { world, addr, art }
}

impl Harness {
    fn call<C: tsynth_evm::SolCall<Return = U256>>(&mut self, c: &C) -> Result<U256, String> {
        self.world
            .dry_run_sol(Address::ZERO, self.addr, c)
            .map_err(|e| match fixture().1.name_revert(e, &[&self.art.abi]) {
                tsynth_evm::EvmError::Revert(tsynth_evm::RevertReason::Custom {
                    name: Some(n),
                    ..
                }) => n,
                other => other.to_string(),
            })
    }
}

/// A random wad in [lo, hi).
fn rnd(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> U256 {
    to_wad(rng.random_range(lo..hi))
}

#[test]
fn pow_matches_f64_within_1e_9() {
    let mut h = harness();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut worst = 0.0f64;
    for _ in 0..500 {
        let base = rnd(&mut rng, 0.5, 1.5);
        let exp = rnd(&mut rng, 0.0, 12.0);
        let got = f(h.call(&IMath::powCall { base, exp }).expect("pow"));
        let want = f(base).powf(f(exp));
        let err = rel(got, want);
        worst = worst.max(err);
        assert!(
            err < 1e-9,
            "pow({}, {}) = {got}, want {want}",
            f(base),
            f(exp)
        );
    }
    // exact cases: integer exponents and exponent 0
    assert_eq!(
        h.call(&IMath::powCall {
            base: wad("1.5"),
            exp: wad("2")
        }),
        Ok(wad("2.25"))
    );
    assert_eq!(
        h.call(&IMath::powCall {
            base: wad("0.7"),
            exp: U256::ZERO
        }),
        Ok(wad("1"))
    );
    eprintln!("pow: 500 samples, max relative error {worst:e}");
}

#[test]
fn pow_refuses_bases_outside_0_2() {
    let mut h = harness();
    for base in [U256::ZERO, wad("2"), wad("3")] {
        let r = h.call(&IMath::powCall {
            base,
            exp: wad("0.5"),
        });
        assert_eq!(r, Err("PowBaseOutOfRange".to_string()), "base {base}");
    }
}

#[test]
fn single_asset_join_and_exit_match_f64() {
    let mut h = harness();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..300 {
        let b = rnd(&mut rng, 10.0, 1e6);
        let w = rnd(&mut rng, 0.02, 0.98);
        let s = rnd(&mut rng, 1.0, 1e4);
        let fee = rnd(&mut rng, 0.0, 0.1);
        let (bf, wf, sf, ff) = (f(b), f(w), f(s), f(fee));
        // join: S((1 + a(1 − (1 − w)f)/b)^w − 1)
        let a = to_wad(bf * rng.random_range(1e-4..0.5));
        let af = f(a);
        let want = sf * ((wf * (af * (1.0 - (1.0 - wf) * ff) / bf).ln_1p()).exp_m1());
        let got = f(h
            .call(&IMath::sharesOutCall { b, w, s, a, fee })
            .expect("join"));
        assert!(rel(got, want) < 1e-8, "join: got {got} want {want}");
        // exit: b(1 − ((S − P)/S)^(1/w))(1 − (1 − w)f), only when within MAX_OUT_RATIO
        let p = to_wad(sf * rng.random_range(1e-4..0.3));
        let pf = f(p);
        let raw = -bf * (((-pf / sf).ln_1p()) / wf).exp_m1();
        let want = raw * (1.0 - (1.0 - wf) * ff);
        let r = h.call(&IMath::outForSharesCall { b, w, s, p, fee });
        if want <= bf / 3.0 * (1.0 - 1e-9) {
            let got = f(r.expect("exit"));
            assert!(rel(got, want) < 1e-8, "exit: got {got} want {want}");
        } else if want > bf / 3.0 * (1.0 + 1e-9) {
            assert_eq!(r, Err("MaxOutRatio".to_string()));
        }
    }
}

#[test]
fn ratio_limits_are_enforced() {
    let mut h = harness();
    let half = IMath::outGivenInCall {
        bIn: tokens(100),
        wIn: wad("0.5"),
        bOut: tokens(100),
        wOut: wad("0.5"),
        a: tokens(50),
        fee: U256::ZERO,
    };
    // exactly half the in-balance: 100·(1 − 100/150) = 33.33...
    let out = f(h.call(&half).expect("at the limit"));
    assert!((out - 100.0 / 3.0).abs() < 1e-12);
    let over = IMath::outGivenInCall {
        a: tokens(50) + U256::from(1),
        ..half
    };
    assert_eq!(h.call(&over), Err("MaxInRatio".to_string()));
    let join = IMath::sharesOutCall {
        b: tokens(100),
        w: wad("0.5"),
        s: tokens(100),
        a: tokens(51),
        fee: U256::ZERO,
    };
    assert_eq!(h.call(&join), Err("MaxInRatio".to_string()));
    // burning more than half the supply is refused before the series runs
    let exit = IMath::outForSharesCall {
        b: tokens(100),
        w: wad("0.9"),
        s: tokens(100),
        p: tokens(51),
        fee: U256::ZERO,
    };
    assert_eq!(h.call(&exit), Err("MaxOutRatio".to_string()));
}
