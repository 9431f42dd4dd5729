//! The domain-free simulation loop: one run per seed (tick loop, block time, probes, KPIs,
//! per-seed outcome), and many seeds in parallel on rayon with results in seed order,
//! whatever the thread count.

use rayon::prelude::*;
use tsynth_evm::Snapshot;

use crate::domain::{AttackPlan, Domain, Fatal, Probe};
use crate::kpi::KpiSeries;
use crate::metrics::{COMPLEXITY, HORIZON_COVERAGE, MetricSpec, Selection, horizon_coverage};
use crate::outcome::{SETUP_FAILURE_VIOLATION, SeedOutcome};

/// Everything one seed produced.
#[derive(Debug, Clone)]
pub struct SeedRun {
    /// Named values, violation and failure.
    pub outcome: SeedOutcome,
    /// Per-tick KPIs when recording was asked for (empty otherwise).
    pub kpis: KpiSeries,
}

/// A candidate ready to simulate: its tick-0 snapshot, the domain's prepared state, the
/// static complexity of its structure and the length of its longest time-based schedule.
pub struct Candidate<'a, D: Domain> {
    /// The domain.
    pub domain: &'a D,
    /// The scenario.
    pub scenario: &'a D::Scenario,
    /// State at tick 0 (each seed runs in its own copy).
    pub snapshot: &'a Snapshot,
    /// The domain's prepared state.
    pub prepared: &'a D::Prepared,
    /// Static complexity (the engine's metric).
    pub complexity: f64,
    /// The design's longest time-based schedule in seconds (0 = none), for the engine's
    /// [`HORIZON_COVERAGE`] metric.
    pub schedule_seconds: u64,
    /// Objectives and constraints (violation per seed).
    pub selection: &'a Selection,
    /// Declared metrics (for messages).
    pub metrics: &'a [MetricSpec],
    /// The attacks to run on the final state (hall of fame, full search).
    pub attacks: &'a AttackPlan,
}

impl<D: Domain> Candidate<'_, D> {
    /// Runs one seed. Never panics on a bad design: a [`Fatal`] error becomes an infeasible
    /// outcome with the tick and the reason.
    pub fn run_seed(&self, seed: u64, record: bool) -> SeedRun {
        let d = self.domain;
        let mut world = self.snapshot.to_world();
        let columns = if record { d.kpi_columns() } else { Vec::new() };
        let mut kpis = KpiSeries::new(&columns);
        let mut failure = None;
        let mut state = match d.start(self.prepared, self.scenario, seed, &mut world) {
            Ok(s) => Some(s),
            Err(f) => {
                failure = Some(format!("tick 0: {f}"));
                None
            }
        };
        let last = d.run_spec(self.scenario).ticks;
        if let Some(st) = state.as_mut()
            && let Err(why) = self.ticks(st, &mut world, last, record, &mut kpis)
        {
            failure = Some(why);
        }
        let mut attacks = Vec::new();
        let mut values = match state {
            Some(st) => {
                attacks = d.found_attacks(&st);
                d.measure(st, self.prepared)
            }
            None => Default::default(),
        };
        values.insert(COMPLEXITY.to_string(), self.complexity);
        let horizon = d.run_spec(self.scenario).horizon_seconds();
        values.insert(
            HORIZON_COVERAGE.to_string(),
            horizon_coverage(horizon, self.schedule_seconds),
        );
        let mut violation = if failure.is_some() {
            SETUP_FAILURE_VIOLATION
        } else {
            self.selection.violation(&values)
        };
        // The full attack search on the final state of a seed that is feasible so far (an
        // infeasible one is out of the race whatever an attacker could take).
        // A seed infeasible by then gets a last screen (the hall and the domain's templates
        // on its final state) so that its risk still reads what an obvious attack takes.
        if failure.is_none() && self.attacks.attacks_anything() {
            match self.full_search(seed, &world, violation <= 0.0) {
                Ok(Some(report)) => {
                    d.absorb_attacks(&report, &mut values, &mut attacks);
                    violation = self.selection.violation(&values);
                }
                Ok(None) => {}
                Err(f) => {
                    failure = Some(format!("end-of-run attack search: {f}"));
                    violation = SETUP_FAILURE_VIOLATION;
                }
            }
        }
        SeedRun {
            outcome: SeedOutcome {
                seed,
                values,
                violation,
                failure,
                condition: None,
                attacks,
            },
            kpis,
        }
    }

    /// The domain's full attack search on `world`, the final state of seed `seed`.
    fn full_search(
        &self,
        seed: u64,
        world: &tsynth_evm::World,
        feasible: bool,
    ) -> Result<Option<crate::domain::AttackReport>, Fatal> {
        let plan = self.attacks;
        let run = self.domain.run_spec(self.scenario);
        // feasible: the full search or the hall screen; infeasible: the hall and templates
        // (or the full search, when the plan asks for it there too)
        let search = (feasible || plan.search_infeasible) && plan.searches(seed);
        let request = crate::domain::AttackRequest {
            budget: plan.full_budget,
            seed: plan.seed ^ seed,
            templates: search || !feasible,
            schedule_seconds: self.schedule_seconds,
            after_ticks: run.ticks,
            market_seed: seed,
            hall: plan.hall.clone(),
            screen_only: !search,
        };
        // timed here for every domain; a domain times its own in-simulation screens
        crate::stats::time_attack(|| {
            self.domain
                .attack(self.prepared, None, world, self.scenario, &request)
        })
    }

    /// Runs seed `seed` for its first `ticks` ticks (probes included, capped at the
    /// scenario's length) and hands back the world and the seed's state there: the state an
    /// adversary search then attacks.
    pub fn run_until(&self, seed: u64, ticks: u32) -> Result<(tsynth_evm::World, D::Seed), String> {
        let d = self.domain;
        let mut world = self.snapshot.to_world();
        let mut st = d
            .start(self.prepared, self.scenario, seed, &mut world)
            .map_err(|f| format!("tick 0: {f}"))?;
        let last = ticks.min(d.run_spec(self.scenario).ticks);
        let mut kpis = KpiSeries::new(&[]);
        self.ticks(&mut st, &mut world, last, false, &mut kpis)?;
        Ok((world, st))
    }

    fn ticks(
        &self,
        st: &mut D::Seed,
        world: &mut tsynth_evm::World,
        last: u32,
        record: bool,
        kpis: &mut KpiSeries,
    ) -> Result<(), String> {
        let d = self.domain;
        let at = |tick: u32| move |f: Fatal| format!("tick {tick}: {f}");
        let run = d.run_spec(self.scenario);
        let mut row = Vec::with_capacity(kpis.columns.len());
        let mut record_row = |st: &D::Seed, world: &mut tsynth_evm::World, tick: u32| {
            row.clear();
            row.extend([
                f64::from(tick),
                world.block_number() as f64,
                world.timestamp() as f64,
            ]);
            d.kpis(st, world, &mut row)?;
            kpis.rows.push(row.clone());
            Ok::<(), Fatal>(())
        };
        if record {
            record_row(st, world, 0).map_err(at(0))?;
        }
        for tick in 1..=last {
            world.advance(run.blocks_per_tick(), u64::from(run.seconds_per_tick));
            d.step(st, world, tick).map_err(at(tick))?;
            if record {
                record_row(st, world, tick).map_err(at(tick))?;
            }
            if run.probe_interval > 0 && tick.is_multiple_of(run.probe_interval) {
                let elapsed = u64::from(tick) * u64::from(run.seconds_per_tick);
                let mut probe =
                    Probe::new(world, self.schedule_seconds, elapsed, run.seconds_per_block);
                d.probe(st, &mut probe, tick).map_err(at(tick))?;
            }
        }
        if last < run.ticks {
            return Ok(());
        }
        d.finish(st, world).map_err(at(run.ticks))
    }

    /// Runs every seed on the current rayon pool; results come back in the order of `seeds`.
    pub fn run_seeds(&self, seeds: &[u64], record: bool) -> Vec<SeedRun> {
        seeds
            .par_iter()
            .map(|&s| self.run_seed(s, record))
            .collect()
    }
}
