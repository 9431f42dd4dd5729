//! Simulator throughput: simulations per second of a scenario on one and on two threads,
//! ticks per second, and the rate of EVM calls inside simulations next to raw revm
//! `transact_commit` on the same candidate pool in the same run.
//!
//! ```sh
//! cargo run --release -p tsynth-amm --example bench_sim -- \
//!     [--design designs/ocean-v4.1.toml] [--scenario scenarios/default.toml] [--sims 32]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use alloy_sol_types::SolCall;
use revm::context::{CfgEnv, TxEnv};
use revm::handler::MainnetContext;
use revm::primitives::TxKind;
use revm::{ExecuteCommitEvm, MainBuilder};
use tsynth_amm::bindings::IDataPool;
use tsynth_amm::deploy::compile_candidate;
use tsynth_amm::{AmmDomain, Scenario, setup};
use tsynth_evm::{SpecId, U256};
use tsynth_grammar::Design;
use tsynth_sim::stats::evm_calls;
use tsynth_sim::{Simulate, Simulator};
use tsynth_solc::{Compiler, Settings};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let design = PathBuf::from(arg(&args, "--design", "designs/ocean-v4.1.toml"));
    let scenario_path = PathBuf::from(arg(&args, "--scenario", "scenarios/default.toml"));
    let sims: u64 = arg(&args, "--sims", "32").parse()?;

    let scenario = Scenario::load(&scenario_path)?;
    let ticks = scenario.run.ticks as f64;
    let (_, library, genotype) = Design::load(&design)?;
    let emitted = library.emit(&library.decode(&genotype)?)?;
    let params = emitted.param_words();
    let compiler = Compiler::shared()?;
    let sim = Simulator::new(
        AmmDomain,
        scenario.clone(),
        compiler,
        &library.blocks_dir,
        Settings::default(),
    )?;
    // Warm up: compile (cached afterwards), page in code.
    let (warm, _) = sim.evaluate(
        &emitted.sources,
        &params,
        emitted.schedule_seconds,
        &[0],
        false,
    );
    if let Some(f) = warm.aggregate.failure {
        return Err(format!("design fails: {f}").into());
    }

    println!("design {} on {}", design.display(), scenario_path.display());
    let mut per_thread = Vec::new();
    let mut sim_call_rate = 0.0;
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let seeds: Vec<u64> = (1..=sims).collect();
        let calls0 = evm_calls();
        let t = Instant::now();
        pool.install(|| {
            sim.evaluate(
                &emitted.sources,
                &params,
                emitted.schedule_seconds,
                &seeds,
                false,
            )
        });
        let secs = t.elapsed().as_secs_f64();
        let calls = (evm_calls() - calls0) as f64;
        let rate = sims as f64 / secs;
        println!(
            "threads {threads}: {sims} sims in {secs:.3} s = {rate:.1} sims/s ({:.1} per core), {:.0} ticks/s, {:.0} EVM calls/sim, {:.0} EVM calls/s",
            rate / threads as f64,
            rate * ticks,
            calls / sims as f64,
            calls / secs
        );
        if threads == 1 {
            sim_call_rate = calls / secs;
        }
        per_thread.push(rate);
    }

    // Raw revm on the same candidate: alternate buy and sell swaps by a funded agent.
    let art = compile_candidate(compiler, emitted.sources.clone(), &Settings::default())?;
    let env = tsynth_amm::deploy::Env::deploy(
        &tsynth_amm::deploy::EnvArtifacts::compile(
            compiler,
            &tsynth_amm::deploy::load_sources(&library.blocks_dir)?,
            &Settings::default(),
        )?,
        Default::default(),
    )?;
    let (snapshot, prepared) = setup::prepare(&env, &art, &params, &scenario)?;
    let trader = prepared.agents[0];
    let mut world = snapshot.to_world();
    let buy = IDataPool::buyDtCall {
        baseIn: U256::from(10u64).pow(U256::from(16u64)),
        minDtOut: U256::ZERO,
    };
    let dt = world.call_sol(trader, prepared.contracts.pool, &buy)?;
    let sell = IDataPool::sellDtCall {
        dtIn: dt / U256::from(2),
        minBaseOut: U256::ZERO,
    };
    let calls = [buy.abi_encode(), sell.abi_encode()];
    let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
    cfg.disable_nonce_check = true;
    let mut evm = MainnetContext::new(world.snapshot().db().clone(), SpecId::PRAGUE)
        .with_cfg(cfg)
        .build_mainnet();
    let n = 20_000u64;
    let t = Instant::now();
    for i in 0..n {
        let tx = TxEnv::builder()
            .caller(trader)
            .kind(TxKind::Call(prepared.contracts.pool))
            .data(calls[(i % 2) as usize].clone().into())
            .gas_limit(30_000_000)
            .gas_price(0)
            .build_fill();
        let r = evm.transact_commit(tx).map_err(|e| format!("{e:?}"))?;
        assert!(r.is_success(), "raw swap failed: {r:?}");
    }
    let raw_rate = n as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    for i in 0..n {
        world.call(
            trader,
            prepared.contracts.pool,
            calls[(i % 2) as usize].clone().into(),
        )?;
    }
    let world_rate = n as f64 / t.elapsed().as_secs_f64();
    println!(
        "raw revm transact_commit (buy/sell swaps on this pool): {raw_rate:.0} calls/s; tsynth-evm World::call same mix: {world_rate:.0} calls/s (ratio {:.2})",
        world_rate / raw_rate
    );
    println!(
        "EVM calls/s inside simulations (1 thread, mixed swaps/views/forks) / raw revm swap calls/s = {:.2}",
        sim_call_rate / raw_rate
    );
    println!(
        "speed-up 2 threads / 1 thread = {:.2}",
        per_thread[1] / per_thread[0]
    );
    Ok(())
}
