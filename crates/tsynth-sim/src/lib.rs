//! `tsynth-sim` — the domain-free simulation engine (TokenSPICE's job, in process).
//!
//! A [`Domain`] describes one kind of mechanism (its environment, agents, adversaries,
//! scenario schema, KPIs and metrics); the engine runs it: compile → deploy the environment →
//! a per-seed copy of the candidate's world → the tick loop with block time → probes on forks
//! → KPI series → per-seed named values → aggregation over seeds. Search and the CLI hold a
//! simulator as `dyn` [`Simulate`], never naming a domain or a metric.
//!
//! * [`domain`]: the [`Domain`] trait, [`Probe`], [`Fatal`].
//! * [`metrics`]: metric declarations and the run's [`Selection`] of objectives and
//!   constraints.
//! * [`engine`]: the tick loop, one seed or many on rayon.
//! * [`simulator`]: [`Simulator`], [`Simulate`], [`DomainEntry`] for a CLI registry.
//! * [`scenario`]: `domain = ...`, `[run]`, positioned errors, checked number types.
//! * [`tx`]: sending calls as agents do (success, policy refusal, failure) and views.
//! * [`kpi`], [`outcome`], [`seeds`], [`units`], [`complexity`], [`stats`].
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

pub mod complexity;
pub mod domain;
pub mod engine;
pub mod kpi;
pub mod metrics;
pub mod outcome;
pub mod scenario;
pub mod seeds;
pub mod simulator;
pub mod stats;
pub mod time;
pub mod tx;
pub mod units;

pub use domain::{
    AttackPlan, AttackProbe, AttackReport, AttackRequest, Domain, DomainError, Fatal, FoundAttack,
    Probe,
};
pub use engine::SeedRun;
pub use kpi::{KpiSeries, PlotSpec};
pub use metrics::{
    BetterRule, COMPLEXITY, Constraint, Direction, HORIZON_COVERAGE, MetricSpec, Selection, Values,
};
pub use outcome::{Aggregate, SeedOutcome};
pub use scenario::{RunSpec, ScenarioError};
pub use simulator::{
    DomainEntry, Entry, EvalOptions, Registry, SimError, SimEvaluation, Simulate, Simulator,
};
