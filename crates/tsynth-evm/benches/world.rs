//! Calls per second through `tsynth-evm` vs raw revm on the same pool contract, and the cost
//! of forking a realistic world.
//!
//! Run: `cargo bench -p tsynth-evm --bench world`
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::{hint::black_box, time::Instant};

use alloy_sol_types::{SolCall, SolValue};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use revm::{
    ExecuteCommitEvm, MainBuilder,
    context::{CfgEnv, TxEnv},
    handler::MainnetContext,
    primitives::TxKind,
};
use tsynth_evm::{Address, Bytes, SpecId, U256, World, hex, sol};

sol! {
    interface IMiniToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
    }
    interface IMiniPool {
        function seed(uint256 baseAmount, uint256 dtAmount) external;
    }
    /// The fixture pool's trading functions.
    interface ISwapPool {
        function spotPrice() external view returns (uint256);
        function buyDt(uint256 baseIn, uint256 minDtOut) external returns (uint256 dtOut);
        function sellDt(uint256 dtIn, uint256 minBaseOut) external returns (uint256 baseOut);
    }
}

const DEPLOYER: Address = Address::repeat_byte(0xd0);
const TRADER: Address = Address::repeat_byte(0xa1);

fn bin(text: &str) -> Vec<u8> {
    hex::decode(text.trim()).expect("fixture hex")
}

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

struct Setup {
    world: World,
    pool: Address,
    buy: Bytes,
    sell: Bytes,
}

/// Two tokens, a constant-product pool seeded with 1M/500k, a trader with plenty of base
/// and DT who has approved the pool, and `extra_accounts` funded holders of both tokens.
fn setup(extra_accounts: usize) -> Setup {
    let mut world = World::new();
    let token = bin(include_str!("../tests/contracts/MiniToken.bin"));
    let pool_code = bin(include_str!("../tests/contracts/MiniPool.bin"));
    let probe_code = bin(include_str!("../tests/contracts/Probe.bin"));
    let targs = |s: &str| ("Token".to_string(), s.to_string(), DEPLOYER).abi_encode_params();
    let base = world.deploy(DEPLOYER, &token, &targs("BASE")).unwrap();
    let dt = world.deploy(DEPLOYER, &token, &targs("DT")).unwrap();
    let fee = U256::from(3u64) * U256::from(10u64).pow(U256::from(15u64));
    let pool = world
        .deploy(DEPLOYER, &pool_code, &(base, dt, fee).abi_encode_params())
        .unwrap();
    world
        .deploy(
            DEPLOYER,
            &probe_code,
            &(U256::from(1), DEPLOYER).abi_encode_params(),
        )
        .unwrap();
    let mint = |w: &mut World, t: Address, to: Address, amount: U256| {
        w.call_sol(DEPLOYER, t, &IMiniToken::mintCall { to, amount })
            .unwrap();
    };
    for who in [DEPLOYER, TRADER] {
        mint(&mut world, base, who, ether(1_000_000_000));
        mint(&mut world, dt, who, ether(1_000_000_000));
        for t in [base, dt] {
            world
                .call_sol(
                    who,
                    t,
                    &IMiniToken::approveCall {
                        spender: pool,
                        amount: U256::MAX,
                    },
                )
                .unwrap();
        }
    }
    world
        .call_sol(
            DEPLOYER,
            pool,
            &IMiniPool::seedCall {
                baseAmount: ether(1_000_000),
                dtAmount: ether(500_000),
            },
        )
        .unwrap();
    for i in 0..extra_accounts {
        let who = Address::with_last_byte(i as u8 + 1);
        world.fund(who, ether(100));
        mint(&mut world, base, who, ether(1000));
        mint(&mut world, dt, who, ether(10));
    }
    let buy = ISwapPool::buyDtCall {
        baseIn: ether(1),
        minDtOut: U256::ZERO,
    }
    .abi_encode()
    .into();
    let sell = ISwapPool::sellDtCall {
        dtIn: ether(1) / U256::from(2),
        minBaseOut: U256::ZERO,
    }
    .abi_encode()
    .into();
    Setup {
        world,
        pool,
        buy,
        sell,
    }
}

fn calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_swap");
    group.throughput(Throughput::Elements(1));

    // Raw revm: same state, same settings (Prague, nonce check off, gas price 0), a fresh
    // TxEnv per call, transact_commit, output checked for success.
    {
        let s = setup(0);
        let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg.disable_nonce_check = true;
        let mut evm = MainnetContext::new(s.world.snapshot().db().clone(), SpecId::PRAGUE)
            .with_cfg(cfg)
            .build_mainnet();
        let mut i = 0u64;
        group.bench_function("raw_revm_transact_commit", |b| {
            b.iter(|| {
                i += 1;
                let data = if i.is_multiple_of(2) { &s.buy } else { &s.sell };
                let tx = TxEnv::builder()
                    .caller(TRADER)
                    .kind(TxKind::Call(s.pool))
                    .data(data.clone())
                    .gas_limit(30_000_000)
                    .gas_price(0)
                    .build_fill();
                let result = evm.transact_commit(tx).unwrap();
                assert!(result.is_success());
                black_box(result.into_output())
            })
        });
    }

    // tsynth-evm World::call with the same pre-encoded calldata.
    {
        let mut s = setup(0);
        let mut i = 0u64;
        group.bench_function("world_call", |b| {
            b.iter(|| {
                i += 1;
                let data = if i.is_multiple_of(2) { &s.buy } else { &s.sell };
                black_box(s.world.call(TRADER, s.pool, data.clone()).unwrap().output)
            })
        });
    }

    // World::call_sol: ABI encoding of the call and decoding of the return included.
    {
        let mut s = setup(0);
        let mut i = 0u64;
        group.bench_function("world_call_sol", |b| {
            b.iter(|| {
                i += 1;
                let out = if i.is_multiple_of(2) {
                    s.world.call_sol(
                        TRADER,
                        s.pool,
                        &ISwapPool::buyDtCall {
                            baseIn: ether(1),
                            minDtOut: U256::ZERO,
                        },
                    )
                } else {
                    s.world.call_sol(
                        TRADER,
                        s.pool,
                        &ISwapPool::sellDtCall {
                            dtIn: ether(1) / U256::from(2),
                            minBaseOut: U256::ZERO,
                        },
                    )
                };
                black_box(out.unwrap())
            })
        });
    }

    // A view call without commit (what a dry-run probe does).
    {
        let mut s = setup(0);
        group.bench_function("world_dry_run_sol_spot_price", |b| {
            b.iter(|| {
                black_box(
                    s.world
                        .dry_run_sol(TRADER, s.pool, &ISwapPool::spotPriceCall {})
                        .unwrap(),
                )
            })
        });
    }
    group.finish();
}

/// Interleaved comparison, robust to the load of a shared machine: rounds of `BLOCK` swaps
/// through raw revm and through `World::call` alternate (order flipped every round), and the
/// medians of the per-call times are compared. Printed to stderr.
fn interleaved_ratio(_: &mut Criterion) {
    const BLOCK: u64 = 2_000;
    const ROUNDS: usize = 21;
    let raw_setup = setup(0);
    let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
    cfg.disable_nonce_check = true;
    let mut raw = MainnetContext::new(raw_setup.world.snapshot().db().clone(), SpecId::PRAGUE)
        .with_cfg(cfg)
        .build_mainnet();
    let mut w = setup(0);
    let mut raw_block = |n: u64| {
        let start = Instant::now();
        for i in 0..n {
            let data = if i.is_multiple_of(2) {
                &raw_setup.buy
            } else {
                &raw_setup.sell
            };
            let tx = TxEnv::builder()
                .caller(TRADER)
                .kind(TxKind::Call(raw_setup.pool))
                .data(data.clone())
                .gas_limit(30_000_000)
                .gas_price(0)
                .build_fill();
            let result = raw.transact_commit(tx).unwrap();
            assert!(result.is_success());
            black_box(result.into_output());
        }
        start.elapsed().as_nanos() as f64 / n as f64
    };
    let mut world_block = |n: u64| {
        let start = Instant::now();
        for i in 0..n {
            let data = if i.is_multiple_of(2) { &w.buy } else { &w.sell };
            black_box(w.world.call(TRADER, w.pool, data.clone()).unwrap().output);
        }
        start.elapsed().as_nanos() as f64 / n as f64
    };
    raw_block(BLOCK); // warm-up
    world_block(BLOCK);
    let (mut raw_ns, mut world_ns) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            raw_ns.push(raw_block(BLOCK));
            world_ns.push(world_block(BLOCK));
        } else {
            world_ns.push(world_block(BLOCK));
            raw_ns.push(raw_block(BLOCK));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (r, t) = (median(&mut raw_ns), median(&mut world_ns));
    eprintln!(
        "interleaved pool swap ({ROUNDS} rounds x {BLOCK} calls): raw revm {:.0} calls/s, \
         tsynth-evm World::call {:.0} calls/s, ratio {:.3}",
        1e9 / r,
        1e9 / t,
        r / t
    );
}

fn forks(c: &mut Criterion) {
    let mut group = c.benchmark_group("fork");
    // 4 contracts (2 tokens, pool, probe), deployer + trader + 20 funded token holders.
    let s = setup(20);
    let snapshot = s.world.snapshot();
    eprintln!(
        "fork benchmark state: {} accounts in the database",
        snapshot.account_count()
    );
    group.bench_function("world_fork", |b| b.iter(|| black_box(s.world.fork())));
    group.bench_function("snapshot_to_world", |b| {
        b.iter(|| black_box(snapshot.to_world()))
    });
    let mut scratch = snapshot.to_world();
    group.bench_function("world_restore", |b| {
        b.iter(|| {
            scratch.restore(&snapshot);
            black_box(&scratch);
        })
    });
    // Fork + one swap in the fork + drop: what an adversary probe costs at minimum.
    group.bench_function("fork_then_swap", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut f = s.world.fork();
                black_box(f.call(TRADER, s.pool, s.buy.clone()).unwrap());
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40).measurement_time(std::time::Duration::from_secs(4));
    targets = interleaved_ratio, calls, forks
}
criterion_main!(benches);
