//! The domain end to end through `tsynth_sim::Simulator`: designs compiled from the grammar,
//! the harvest sandwich on weak and guarded designs, determinism, infeasible set-ups, KPIs.

use tsynth_evm::U256;
use tsynth_sim::{Simulate, seeds};
use tsynth_vault::metrics as m;

use crate::common::{design, evaluate, grammar, simulator};

#[test]
fn grammar_has_twelve_structures_and_points_at_the_crate_blocks() {
    let lib = grammar();
    assert_eq!(lib.structure_count(), 12);
    let blocks = std::fs::canonicalize(&lib.blocks_dir).unwrap();
    assert_eq!(
        blocks,
        std::fs::canonicalize(tsynth_vault::deploy::blocks_dir()).unwrap()
    );
    for d in [
        "vault-naive.toml",
        "vault-yearn.toml",
        "vault-lockup.toml",
        "vault-exitfee.toml",
    ] {
        let (sources, _) = design(d);
        assert!(sources.contains_key("Candidate.sol"), "{d}");
    }
    let sel = simulator().selection();
    assert_eq!(
        sel.objectives,
        [m::SANDWICH_GAIN, m::HONEST_YIELD, "complexity"]
    );
    assert!(sel.validate(simulator().metrics()).is_ok());
    assert_eq!(simulator().domain(), "vault");
}

#[test]
fn sandwich_robs_the_naive_vault() {
    let ev = evaluate("vault-naive.toml", 2);
    let a = &ev.aggregate;
    assert!(a.feasible(), "{a:?}");
    assert_eq!(ev.seeds.len(), 2);
    assert_eq!(a.seeds, 2);
    // With 10x the vault's assets the attacker takes 10/11 of the uncredited rewards.
    assert!(a.mean[m::SANDWICH_GAIN] > 0.5, "{a:?}");
    assert!(a.worst[m::SANDWICH_PROFIT] > 1.0, "{a:?}");
    assert!(a.mean[m::HONEST_YIELD] > 0.0, "{a:?}");
    assert!(a.mean[m::HARVESTS] > 0.0, "{a:?}");
    assert_eq!(a.mean[m::FEES_PAID], 0.0, "{a:?}");
}

#[test]
fn lockup_longer_than_the_attackers_patience_stops_it() {
    let ev = evaluate("vault-lockup.toml", 2);
    let a = &ev.aggregate;
    assert_eq!(a.worst[m::SANDWICH_GAIN], 0.0, "{a:?}");
    assert_eq!(a.worst[m::SANDWICH_PROFIT], 0.0, "{a:?}");
    // The price: savers who change their mind within two days are refused, so the default
    // constraint (withdraw_success >= 0.8) makes this design infeasible in this scenario.
    assert!(a.mean[m::WITHDRAW_SUCCESS] < 0.8, "{a:?}");
    assert!(a.violation > 0.0 && a.failure.is_none(), "{a:?}");
}

#[test]
fn a_short_unlock_is_waited_out_and_a_long_one_costs_yield() {
    let naive = evaluate("vault-naive.toml", 2).aggregate;
    let yearn = evaluate("vault-yearn.toml", 2).aggregate;
    assert!(yearn.feasible(), "{yearn:?}");
    // 6 h of unlocking against an attacker who holds up to a day: it waits and takes as much.
    assert!(yearn.mean[m::SANDWICH_GAIN] > 0.5, "{yearn:?}");
    // The same block unlocking over 7 and 30 days: the sandwich shrinks, and so does the
    // savers' yield within the 5-day run (profit still locked at the end is not theirs yet).
    let (sources, _) = design("vault-yearn.toml");
    let unlock = |days: u64| {
        let params = [U256::from(days * 86_400)];
        let seeds = seeds::consecutive(1, 2);
        simulator()
            .evaluate(&sources, &params, 0, &seeds, false)
            .0
            .aggregate
    };
    let (week, month) = (unlock(7), unlock(30));
    assert!(
        week.mean[m::SANDWICH_GAIN] < 0.25 * naive.mean[m::SANDWICH_GAIN],
        "{week:?}"
    );
    assert!(
        month.mean[m::SANDWICH_GAIN] < week.mean[m::SANDWICH_GAIN],
        "{month:?}"
    );
    assert!(
        week.mean[m::HONEST_YIELD] < 0.5 * naive.mean[m::HONEST_YIELD],
        "{week:?}"
    );
    assert!(
        month.mean[m::HONEST_YIELD] < week.mean[m::HONEST_YIELD],
        "{month:?}"
    );
}

#[test]
fn an_exit_fee_trades_the_sandwich_for_the_savers_yield() {
    let naive = evaluate("vault-naive.toml", 2).aggregate;
    let fee = evaluate("vault-exitfee.toml", 2).aggregate;
    assert!(fee.feasible(), "{fee:?}");
    assert!(
        fee.mean[m::SANDWICH_GAIN] < 0.15 * naive.mean[m::SANDWICH_GAIN],
        "{fee:?}"
    );
    assert!(fee.mean[m::FEES_PAID] > 0.0, "{fee:?}");
    assert!(
        fee.mean[m::HONEST_YIELD] < naive.mean[m::HONEST_YIELD],
        "{fee:?}"
    );
    // Under the default "better" rule (lower sandwich_gain, no worse honest_yield) neither
    // beats the other: both belong on the front.
    let (rule, metrics) = (&simulator().selection().better, simulator().metrics());
    assert!(!rule.beats(metrics, &naive.mean, &fee.mean));
    assert!(!rule.beats(metrics, &fee.mean, &naive.mean));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (sources, params) = design("vault-naive.toml");
    let s = seeds::consecutive(7, 3);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulator().evaluate(&sources, &params, 0, &s, false).0)
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.seeds, two.seeds);
    assert_eq!(one.aggregate, two.aggregate);
    assert_ne!(one.seeds[0].values, one.seeds[1].values, "seeds differ");
}

#[test]
fn a_constructor_revert_comes_back_infeasible() {
    let (sources, _) = design("vault-lockup.toml");
    // LockUp's hard limit is one year; the grammar never samples this, a caller might.
    let params = [U256::from(400u64 * 86_400)];
    let (ev, runs) = simulator().evaluate(&sources, &params, 0, &[1], false);
    assert!(runs.is_empty());
    assert!(!ev.aggregate.feasible());
    let why = ev.aggregate.failure.unwrap();
    assert!(
        why.contains("set-up") && why.contains("ParamOutOfRange"),
        "{why}"
    );
}

#[test]
fn kpis_have_the_domain_columns_and_one_row_per_tick() {
    let (sources, params) = design("vault-yearn.toml");
    let (_, runs) = simulator().evaluate(&sources, &params, 0, &[3], true);
    let k = &runs[0].kpis;
    let ticks = simulator().run_spec().ticks as usize;
    assert_eq!(k.rows.len(), ticks + 1);
    assert_eq!(
        k.columns[..4],
        ["tick", "block", "timestamp", "total_assets"]
    );
    let price = k.series("share_price");
    assert!(price.first().unwrap().1 >= 1.0 - 1e-9);
    assert!(
        price.last().unwrap().1 > price.first().unwrap().1,
        "rewards raise the share price"
    );
    for p in simulator().plots() {
        for (col, _) in &p.lines {
            assert!(k.column(col).is_some(), "{col}");
        }
    }
}

#[test]
fn every_structure_compiles_deploys_and_runs() {
    let lib = grammar();
    let mut rng = seeds::stream_rng(11, 0);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        if seen.len() == 12 {
            break;
        }
        let g = tsynth_grammar::operators::random_genotype(&lib, &mut rng);
        let e = lib.emit(&lib.decode(&g).unwrap()).unwrap();
        if !seen.insert(e.structure_hash.clone()) {
            continue;
        }
        let (ev, _) = simulator().evaluate(
            &e.sources,
            &e.param_words(),
            e.schedule_seconds,
            &[5],
            false,
        );
        let a = &ev.aggregate;
        assert!(
            a.failure.is_none(),
            "{:?}: {a:?}",
            e.sources["Candidate.sol"]
        );
        assert!(a.mean[m::HONEST_YIELD] > -0.1, "{a:?}");
    }
    assert_eq!(seen.len(), 12);
}

#[test]
fn a_registry_finds_the_domain_from_the_scenario() {
    use tsynth_sim::simulator::{DomainEntry, Registry};
    let path = crate::common::repo().join("scenarios/vault.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let entry = tsynth_vault::entry();
    assert_eq!(entry.name(), "vault");
    // As the CLI's registry does: amm would come first; here a stand-in default, then vault.
    let registry = Registry::new(vec![Box::new(entry.clone()), Box::new(entry)]);
    assert_eq!(registry.for_scenario(&text, &path).unwrap().name(), "vault");
    let sim = registry
        .simulator(
            &text,
            &path,
            tsynth_solc::Compiler::shared().unwrap(),
            &grammar().blocks_dir,
            tsynth_solc::Settings::default(),
        )
        .unwrap();
    let (sources, params) = design("vault-naive.toml");
    let via_registry = sim.evaluate(&sources, &params, 0, &[1, 2], false).0;
    let direct = simulator().evaluate(&sources, &params, 0, &[1, 2], false).0;
    assert_eq!(via_registry.seeds, direct.seeds);
    assert_eq!(sim.plots(), simulator().plots());
}
