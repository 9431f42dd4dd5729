//! Compiler-service benchmarks: cold worker start, warm compiles of a ~100-line contract
//! with and without the optimizer, disk-cache hits and memory-cache hits.
//!
//! Run: `cargo bench -p tsynth-solc --bench compile`
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tsynth_solc::{
    CacheOrigin, CompileRequest, Compiler, CompilerConfig, DiskCacheConfig, NativeSolc, Settings,
};

const POOL: &str = include_str!("fixtures/Pool.sol");

fn config(disk: DiskCacheConfig, memory_entries: usize) -> CompilerConfig {
    CompilerConfig {
        workers: Some(1),
        native_solc: NativeSolc::Off,
        disk_cache: disk,
        memory_cache_entries: memory_entries,
        ..CompilerConfig::default()
    }
}

fn request(optimize: bool) -> CompileRequest {
    let settings = if optimize {
        Settings::optimized()
    } else {
        Settings::default()
    };
    CompileRequest::single("Pool.sol", POOL).with_settings(settings)
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("solc");
    g.sample_size(10).measurement_time(Duration::from_secs(8));

    // A new worker process loading solc-js (node start + soljson load).
    g.bench_function("cold_worker_start", |b| {
        b.iter_batched(
            || Compiler::new(config(DiskCacheConfig::Off, 0)).expect("compiler"),
            |c| {
                c.warm_up(1).expect("worker starts");
                c
            },
            BatchSize::PerIteration,
        )
    });

    // Real compiles on a warm worker: no caches.
    let warm = Compiler::new(config(DiskCacheConfig::Off, 0)).expect("compiler");
    warm.warm_up(1).expect("worker");
    for optimize in [false, true] {
        let req = request(optimize);
        let name = if optimize {
            "warm_compile_100_lines_optimizer"
        } else {
            "warm_compile_100_lines_no_optimizer"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let out = warm.compile(black_box(&req)).expect("compiles");
                assert_eq!(out.origin, CacheOrigin::Compiled);
                out
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("solc_cache");
    let dir = tempfile::tempdir().expect("tempdir");
    let req = request(false);
    // Fill the disk cache once.
    Compiler::new(config(DiskCacheConfig::Dir(dir.path().into()), 0))
        .expect("compiler")
        .compile(&req)
        .expect("compiles");

    // A disk hit: hash the sources, read, verify the checksum, parse (memory cache off).
    let disk_only =
        Compiler::new(config(DiskCacheConfig::Dir(dir.path().into()), 0)).expect("compiler");
    g.bench_function("disk_cache_hit", |b| {
        b.iter(|| {
            let out = disk_only.compile(black_box(&req)).expect("hit");
            assert_eq!(out.origin, CacheOrigin::Disk);
            out
        })
    });

    // A memory hit: hash the sources and clone the artifacts.
    let mem = Compiler::new(config(DiskCacheConfig::Dir(dir.path().into()), 64)).expect("compiler");
    mem.compile(&req).expect("fill");
    g.bench_function("memory_cache_hit", |b| {
        b.iter(|| {
            let out = mem.compile(black_box(&req)).expect("hit");
            assert_eq!(out.origin, CacheOrigin::Memory);
            out
        })
    });
    g.bench_function("cache_key_only", |b| {
        b.iter(|| mem.cache_key(black_box(&req)))
    });
    g.finish();
}

criterion_group!(compile, benches);
criterion_main!(compile);
