//! `tsynth verify`: how a design holds up across the conditions it cannot control.
//!
//! The scenario's uncontrollable variables (docs/verify.md) give the conditions: Monte Carlo
//! samples of them (each with its own agent seed) estimate every metric's distribution and
//! the yield — the share of conditions in which every criterion holds — with an exact
//! confidence interval; a deterministic search over the variables' box finds each metric's
//! worst case; a greedy cover extracts a few corners that reproduce those worst cases, for a
//! later synthesis to score on. Everything written is a function of the design, the scenario,
//! the criteria and the flags: never of the thread count or the clock.

mod report;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use tsynth_sim::Simulate;
use tsynth_sim::metrics::Direction;
use tsynth_verify::{
    Condition, Cover, Phase, SearchConfig, SearchResult, Space, Summary, Target, YieldEstimate,
};

use super::common_args::CommonArgs;
use crate::criteria::{Bound, CriteriaSet, Verdict};

/// Scenario of `verify` when none is given.
pub const DEFAULT_VERIFY_SCENARIO: &str = "scenarios/verify.toml";

/// Arguments of `tsynth verify`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("scenario", |a| a.help("Scenario with uncontrollable variables (default: scenarios/verify.toml)")))]
#[command(mut_arg("seeds", |a| a.hide(true)))]
#[command(mut_arg("out", |a| a.help("Output directory (default: runs/<UTC timestamp>-verify-<design stem>)")))]
#[command(mut_arg("no_progress", |a| a.help("No progress bar")))]
pub struct Args {
    /// Design file (e.g. designs/ocean-v4.1.toml).
    #[arg(long)]
    pub design: PathBuf,
    /// Monte Carlo conditions (each a sample of the variables plus an agent seed).
    #[arg(long, default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub samples: u32,
    /// Criteria file (default: the domain's, e.g. criteria/ocean-v41.toml).
    #[arg(long, value_name = "FILE")]
    pub criteria: Option<PathBuf>,
    /// Seed of the Monte Carlo conditions and of the worst-case exploration.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Evaluations of the worst-case search over the variables' box.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub worst_budget: u32,
    /// Agent seed of the nominal run and of every worst-case evaluation.
    #[arg(long, default_value_t = 1)]
    pub worst_seed: u64,
    /// Most corners extracted.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub corners: u32,
    /// A corner reproduces a metric's worst case when it is within this share of the
    /// metric's observed range from the worst value.
    #[arg(long, default_value_t = tsynth_verify::corners::DEFAULT_TOLERANCE)]
    pub tolerance: f64,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Flags shared with `sim`, `evolve` and `tune` (`--seeds` does not apply).
    #[command(flatten)]
    pub common: CommonArgs,
}

/// A metric verification follows, and which way is worse.
#[derive(Debug, Clone, Serialize)]
struct TargetSpec {
    name: String,
    higher_is_worse: bool,
    unit: String,
    /// Why it is followed: `criterion 5`, `objective`, `constraint`.
    role: String,
}

/// One condition's result.
#[derive(Debug, Clone, Serialize)]
struct Outcome {
    /// Every metric measured.
    values: BTreeMap<String, f64>,
    /// Constraint violation under the scenario's constraints (0 = feasible).
    violation: f64,
    /// Why the condition failed outright (set-up revert, out of gas, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    /// Each criterion's verdict, in the criteria file's order.
    criteria: Vec<Verdict>,
    /// Every criterion ✓.
    pass: bool,
    /// No constraint violated and no failure.
    feasible: bool,
}

/// Everything a condition needs besides its values.
struct Evaluator<'a> {
    space: &'a Space,
    scenario: &'a Path,
    blocks_dir: &'a Path,
    emitted: &'a tsynth_grammar::Emitted,
    criteria: Option<&'a CriteriaSet>,
    bar: &'a ProgressBar,
}

impl Evaluator<'_> {
    /// Simulates the design under the variables' `values` with agent seed `seed`.
    fn run(&self, values: &[f64], seed: u64) -> Result<Outcome> {
        let text = self.space.render(values);
        let sim = crate::registry::simulator_from_text(&text, self.scenario, self.blocks_dir)
            .with_context(|| {
                format!(
                    "the scenario at {}",
                    describe_values(self.space, values, None)
                )
            })?;
        let (eval, _) = super::design::evaluate(
            sim.as_ref(),
            self.emitted,
            &[seed],
            false,
            &super::design::default_plan(),
        );
        let values = eval.aggregate.mean.clone();
        let failure = eval.aggregate.failure.clone();
        let criteria: Vec<Verdict> = self.criteria.map_or_else(Vec::new, |set| {
            set.judge_values(&values, &values)
                .iter()
                .map(|c| c.verdict)
                .collect()
        });
        let pass = failure.is_none() && criteria.iter().all(|v| *v == Verdict::Pass);
        let violation = eval.aggregate.violation;
        self.bar.inc(1);
        Ok(Outcome {
            values,
            violation,
            failure: failure.clone(),
            criteria,
            pass,
            feasible: failure.is_none() && violation <= 0.0,
        })
    }
}

/// `name = value, ...` of the variables (only those away from the nominal condition when
/// `moved` gives the box point and the nominal box point).
fn describe_values(space: &Space, values: &[f64], moved: Option<(&[f64], &[f64])>) -> String {
    let parts: Vec<String> = space
        .variables()
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(i, _)| moved.is_none_or(|(t, n)| (t[*i] - n[*i]).abs() > 1e-9))
        .map(|(_, (v, x))| format!("{} = {}", v.name, fmt_var(v, *x)))
        .collect();
    if parts.is_empty() {
        "the nominal condition".into()
    } else {
        parts.join(", ")
    }
}

/// A variable's value: whole numbers as integers.
fn fmt_var(v: &tsynth_verify::Variable, x: f64) -> String {
    fmt_whole(v.integer, x)
}

/// `x` as an integer when `integer`, else as [`fmt_num`].
fn fmt_whole(integer: bool, x: f64) -> String {
    if integer {
        format!("{}", x.round() as i64)
    } else {
        fmt_num(x)
    }
}

/// A number for tables: 4 significant digits.
fn fmt_num(v: f64) -> String {
    crate::criteria::fmt_value(v)
}

/// The metrics to follow: every criterion's metrics (direction from its bound), then the
/// run's objectives and constraints (direction from the domain).
fn targets(sim: &dyn Simulate, criteria: Option<&CriteriaSet>) -> Vec<TargetSpec> {
    let mut out: Vec<TargetSpec> = Vec::new();
    let unit = |n: &str| {
        sim.metrics()
            .iter()
            .find(|m| m.name == n)
            .map_or(String::new(), |m| m.unit.clone())
    };
    let direction = |n: &str| {
        sim.metrics()
            .iter()
            .find(|m| m.name == n)
            .map_or(Direction::Minimize, |m| m.direction)
    };
    let mut push = |name: &str, higher_is_worse: bool, role: String| {
        if !out.iter().any(|t| t.name == name) {
            out.push(TargetSpec {
                name: name.to_string(),
                higher_is_worse,
                unit: unit(name),
                role,
            });
        }
    };
    if let Some(set) = criteria {
        for c in &set.criteria {
            for k in &c.checks {
                push(
                    &k.metric,
                    k.bound == Bound::AtMost,
                    format!("criterion {}", c.id),
                );
            }
        }
    }
    let sel = sim.selection();
    for o in &sel.objectives {
        push(o, direction(o) == Direction::Minimize, "objective".into());
    }
    for c in &sel.constraints {
        push(&c.metric, c.max.is_some(), "constraint".into());
    }
    out
}

/// `verify.json`.
#[derive(Debug, Serialize)]
struct Report<'a> {
    design: String,
    scenario: String,
    structure_hash: &'a str,
    criteria: Option<CriteriaRef>,
    seed: u64,
    worst_seed: u64,
    samples: usize,
    variables: Vec<VariableOut>,
    targets: &'a [TargetSpec],
    nominal: &'a Outcome,
    yields: Yields,
    metrics: Vec<MetricOut>,
    worst_case: WorstOut,
    corners: Vec<CornerOut>,
    uncovered: Vec<String>,
    tolerance: f64,
    max_corners: usize,
    conditions: Vec<ConditionOut<'a>>,
}

#[derive(Debug, Serialize)]
struct CriteriaRef {
    path: String,
    revision: u32,
    title: String,
}

#[derive(Debug, Serialize)]
struct VariableOut {
    name: String,
    line: usize,
    col: usize,
    distribution: String,
    nominal: f64,
    box_low: f64,
    box_high: f64,
    integer: bool,
}

#[derive(Debug, Serialize)]
struct CriterionYield {
    id: String,
    name: String,
    nominal: Verdict,
    /// ✓ in the condition.
    pass: YieldEstimate,
    /// ✓ or ≈.
    pass_or_near: f64,
}

#[derive(Debug, Serialize)]
struct Yields {
    /// Every criterion ✓ (`None` without criteria).
    all_criteria: Option<YieldEstimate>,
    /// Plain words on the sigma level of `all_criteria`.
    all_criteria_verdict: Option<String>,
    /// Feasible under the scenario's constraints.
    feasible: YieldEstimate,
    per_criterion: Vec<CriterionYield>,
    interval: &'static str,
}

#[derive(Debug, Serialize)]
struct MetricOut {
    name: String,
    higher_is_worse: bool,
    role: String,
    unit: String,
    nominal: f64,
    summary: Summary,
    /// Worst over the Monte Carlo conditions.
    mc_worst: f64,
    /// Worst found by the worst-case search.
    worst_case: f64,
}

#[derive(Debug, Serialize)]
struct WorstOut {
    budget: usize,
    evaluations: usize,
    agent_seed: u64,
    per_metric: Vec<WorstMetric>,
    screening: Vec<ScreeningOut>,
    points: Vec<PointOut>,
}

#[derive(Debug, Serialize)]
struct WorstMetric {
    metric: String,
    nominal: f64,
    worst: f64,
    evaluation: usize,
    phase: Phase,
    /// Every variable's value at the worst point.
    values: BTreeMap<String, f64>,
    /// The variables away from the centre of the box there, as text.
    moved: String,
    /// The variable whose one-at-a-time range of this metric is largest.
    most_sensitive: Option<String>,
    /// The (at most) two variables it is most sensitive to, with the metric at the low end
    /// of the variable's box, at nominal and at the high end (the others nominal).
    screening: Vec<(String, [f64; 3])>,
}

#[derive(Debug, Serialize)]
struct ScreeningOut {
    variable: String,
    low: f64,
    high: f64,
    /// Per metric: value with the variable at the low end, at the centre, at the high end.
    effect: BTreeMap<String, [f64; 3]>,
}

#[derive(Debug, Serialize)]
struct PointOut {
    phase: Phase,
    box_point: Vec<f64>,
    values: Vec<f64>,
    metrics: Vec<f64>,
}

#[derive(Debug, Serialize)]
struct CornerOut {
    id: String,
    evaluation: usize,
    covers: Vec<String>,
    reproduces: Vec<String>,
    values: BTreeMap<String, f64>,
    ordered_values: Vec<(String, f64)>,
}

#[derive(Debug, Serialize)]
struct ConditionOut<'a> {
    index: usize,
    agent_seed: u64,
    values: &'a [f64],
    outcome: &'a Outcome,
}

fn progress(total: u64, hidden: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if hidden {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:24} {pos}/{len} conditions {msg} [{elapsed_precise}, ETA {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}

/// Runs `tsynth verify`.
pub fn run(args: Args) -> Result<ExitCode> {
    args.common.init_threads(None)?;
    anyhow::ensure!(
        args.tolerance.is_finite() && (0.0..1.0).contains(&args.tolerance),
        "--tolerance must be in [0, 1)"
    );
    let scenario = args.common.scenario_or(DEFAULT_VERIFY_SCENARIO)?;
    let (library, emitted) = super::design::emit_file(&args.design)?;
    let text = tsynth_sim::scenario::read(&scenario)?;
    let space = crate::registry::scenario_space(&text, &scenario)?;
    let nominal_sim = crate::registry::simulator_from_text(
        &space.render_nominal(),
        &scenario,
        &library.blocks_dir,
    )?;
    let domain = nominal_sim.domain();
    let criteria_path = match &args.criteria {
        Some(p) => Some(p.clone()),
        None => crate::registry::find_criteria(domain, Some(&args.design)),
    };
    let criteria = match &criteria_path {
        Some(p) => {
            let set = CriteriaSet::load(p)?;
            set.check_metrics(domain, nominal_sim.metrics())?;
            Some(set)
        }
        None => None,
    };
    let specs = targets(nominal_sim.as_ref(), criteria.as_ref());
    let out = args.common.out.clone().unwrap_or_else(|| {
        let stem = args
            .design
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "design".into());
        super::common_args::new_run_dir(Path::new(&format!("verify-{stem}")))
    });
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    let samples = args.samples as usize;
    let budget = args.worst_budget as usize;
    let bar = progress(
        (1 + samples + budget.saturating_sub(1)) as u64,
        args.common.no_progress,
    );
    let ev = Evaluator {
        space: &space,
        scenario: &scenario,
        blocks_dir: &library.blocks_dir,
        emitted: &emitted,
        criteria: criteria.as_ref(),
        bar: &bar,
    };
    let started = Instant::now();

    // The nominal condition first: a design that cannot be simulated stops here.
    bar.set_message("nominal");
    let nominal = ev.run(&space.nominal(), args.worst_seed)?;
    if let Some(why) = &nominal.failure
        && (why.starts_with("compile") || why.starts_with("set-up"))
    {
        bar.finish_and_clear();
        bail!(
            "{}: the design cannot be simulated at the nominal condition: {why}",
            args.design.display()
        );
    }

    // Monte Carlo.
    bar.set_message("Monte Carlo");
    let conditions: Vec<Condition> = tsynth_verify::conditions(&space, args.seed, samples);
    let mc: Vec<Outcome> = conditions
        .par_iter()
        .map(|c| {
            ev.run(&c.values, c.agent_seed)
                .with_context(|| format!("Monte Carlo condition {}", c.index))
        })
        .collect::<Result<Vec<_>>>()?;
    let mc_secs = started.elapsed().as_secs_f64();

    // Worst-case search over the box, at the worst-case agent seed.
    bar.set_message("worst case");
    let wc_started = Instant::now();
    let targets: Vec<Target> = specs
        .iter()
        .map(|t| Target {
            name: t.name.clone(),
            higher_is_worse: t.higher_is_worse,
        })
        .collect();
    let failed: Mutex<Vec<(Vec<u16>, anyhow::Error)>> = Mutex::new(Vec::new());
    let start = space.nominal_box();
    let of = |o: &Outcome| -> Vec<f64> {
        specs
            .iter()
            .map(|s| o.values.get(&s.name).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let eval_point = |t: &[f64]| -> Vec<f64> {
        // The search starts at the nominal condition, already simulated.
        if t == start.as_slice() {
            return of(&nominal);
        }
        let values = space.at_box(t);
        match ev.run(&values, args.worst_seed) {
            Ok(o) => of(&o),
            Err(e) => {
                let key = t.iter().map(|x| (x * 1024.0).round() as u16).collect();
                failed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((key, e));
                vec![f64::NAN; specs.len()]
            }
        }
    };
    let search_cfg = SearchConfig {
        budget,
        batch: 8,
        seed: args.seed,
    };
    let result = if budget > 0 {
        tsynth_verify::search(&start, &targets, &search_cfg, &eval_point)
    } else {
        SearchResult {
            evaluations: Vec::new(),
            worst: Vec::new(),
            screening: vec![[None, None]; space.len()],
        }
    };
    let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some((_, e)) = failed.into_iter().next() {
        bar.finish_and_clear();
        return Err(e.context("worst-case search"));
    }
    let wc_secs = wc_started.elapsed().as_secs_f64();
    let cover = tsynth_verify::extract(&result, &targets, args.corners as usize, args.tolerance);
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();

    let report = build_report(
        &args,
        &scenario,
        &space,
        &emitted,
        criteria.as_ref(),
        &specs,
        &nominal,
        &conditions,
        &mc,
        &result,
        &cover,
    );
    let mut json = serde_json::to_vec_pretty(&report)?;
    json.push(b'\n');
    crate::fsutil::write_atomic(&out.join("verify.json"), &json)?;
    write_corners(&out, &args, &scenario, &space, &report)?;
    let plots = if args.no_plots {
        Vec::new()
    } else {
        report::plots(&out, &report, &mc, criteria.as_ref())?
    };
    report::html(&out, &report, &plots)?;
    print_report(&report, criteria.as_ref())?;
    // The search's first point is the nominal run.
    let sims = 1 + mc.len() + result.evaluations.len().saturating_sub(1);
    println!(
        "{sims} simulations in {wall:.1} s ({:.2} conditions/s; Monte Carlo {:.1} s, worst case {:.1} s, {} threads); wrote {}",
        sims as f64 / wall.max(1e-9),
        mc_secs,
        wc_secs,
        rayon::current_num_threads(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn build_report<'a>(
    args: &Args,
    scenario: &Path,
    space: &Space,
    emitted: &'a tsynth_grammar::Emitted,
    criteria: Option<&CriteriaSet>,
    specs: &'a [TargetSpec],
    nominal: &'a Outcome,
    conditions: &'a [Condition],
    mc: &'a [Outcome],
    result: &SearchResult,
    cover: &Cover,
) -> Report<'a> {
    let n = mc.len() as u64;
    let count = |f: &dyn Fn(&Outcome) -> bool| mc.iter().filter(|o| f(o)).count() as u64;
    let all = criteria.map(|_| YieldEstimate::new(count(&|o| o.pass), n));
    let per_criterion = criteria.map_or_else(Vec::new, |set| {
        set.criteria
            .iter()
            .enumerate()
            .map(|(i, c)| CriterionYield {
                id: c.id.clone(),
                name: c.name.clone(),
                nominal: nominal.criteria.get(i).copied().unwrap_or(Verdict::Missing),
                pass: YieldEstimate::new(count(&|o| o.criteria[i] == Verdict::Pass), n),
                pass_or_near: count(&|o| o.criteria[i] <= Verdict::Near) as f64 / n.max(1) as f64,
            })
            .collect()
    });
    let value_of = |o: &Outcome, m: &str| o.values.get(m).copied().unwrap_or(f64::NAN);
    let named = |values: &[f64]| -> BTreeMap<String, f64> {
        space
            .variables()
            .iter()
            .zip(values)
            .map(|(v, x)| (v.name.clone(), *x))
            .collect()
    };
    let target_of = |s: &TargetSpec| Target {
        name: s.name.clone(),
        higher_is_worse: s.higher_is_worse,
    };
    let metrics: Vec<MetricOut> = specs
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let xs: Vec<f64> = mc.iter().map(|o| value_of(o, &s.name)).collect();
            let t = target_of(s);
            let mc_worst = xs
                .iter()
                .copied()
                .max_by(|a, b| t.badness(*a).total_cmp(&t.badness(*b)))
                .unwrap_or(f64::NAN);
            let worst_case = result
                .worst
                .get(j)
                .map_or(f64::NAN, |&i| result.evaluations[i].values[j]);
            MetricOut {
                name: s.name.clone(),
                higher_is_worse: s.higher_is_worse,
                role: s.role.clone(),
                unit: s.unit.clone(),
                nominal: value_of(nominal, &s.name),
                summary: Summary::of(&xs),
                mc_worst,
                worst_case,
            }
        })
        .collect();
    let start = space.nominal_box();
    let sensitivity = |j: usize, i: usize| -> f64 {
        let [lo, hi] = result.screening[i];
        let vals: Vec<f64> = [lo, Some(0), hi]
            .iter()
            .filter_map(|k| k.and_then(|k| result.evaluations.get(k)))
            .map(|e| e.values[j])
            .filter(|v| v.is_finite())
            .collect();
        if vals.len() < 2 {
            return 0.0;
        }
        let hi = vals.iter().copied().fold(f64::MIN, f64::max);
        let lo = vals.iter().copied().fold(f64::MAX, f64::min);
        // Differences at rounding level are not sensitivity.
        if hi - lo <= 1e-9 * hi.abs().max(lo.abs()).max(1e-12) {
            0.0
        } else {
            hi - lo
        }
    };
    let per_metric: Vec<WorstMetric> = specs
        .iter()
        .enumerate()
        .filter_map(|(j, s)| {
            let &i = result.worst.get(j)?;
            let e = &result.evaluations[i];
            let values = space.at_box(&e.point);
            let mut ranked: Vec<(usize, f64)> = (0..space.len())
                .map(|v| (v, sensitivity(j, v)))
                .filter(|(_, s)| *s > 0.0)
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let most = ranked
                .first()
                .map(|(v, _)| space.variables()[*v].name.clone());
            let at = |k: Option<usize>| k.map_or(f64::NAN, |k| result.evaluations[k].values[j]);
            let screening_of = ranked
                .iter()
                .take(2)
                .map(|&(v, _)| {
                    let [lo, hi] = result.screening[v];
                    (
                        space.variables()[v].name.clone(),
                        [at(lo), at(Some(0)), at(hi)],
                    )
                })
                .collect();
            Some(WorstMetric {
                metric: s.name.clone(),
                nominal: value_of(nominal, &s.name),
                worst: e.values[j],
                evaluation: i,
                phase: e.phase,
                values: named(&values),
                moved: describe_values(space, &values, Some((&e.point, &start))),
                most_sensitive: most,
                screening: screening_of,
            })
        })
        .collect();
    let screening: Vec<ScreeningOut> = space
        .variables()
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let [lo, hi] = result.screening[i];
            let (lo, hi) = (lo?, hi?);
            let (b_lo, b_hi) = v.bounds();
            let effect = specs
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    (
                        s.name.clone(),
                        [
                            result.evaluations[lo].values[j],
                            result.evaluations[0].values[j],
                            result.evaluations[hi].values[j],
                        ],
                    )
                })
                .collect();
            Some(ScreeningOut {
                variable: v.name.clone(),
                low: b_lo,
                high: b_hi,
                effect,
            })
        })
        .collect();
    let points = result
        .evaluations
        .iter()
        .map(|e| PointOut {
            phase: e.phase,
            box_point: e.point.clone(),
            values: space.at_box(&e.point),
            metrics: e.values.clone(),
        })
        .collect();
    let corners = cover
        .corners
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let values = space.at_box(&result.evaluations[c.evaluation].point);
            CornerOut {
                id: format!("c{}", k + 1),
                evaluation: c.evaluation,
                covers: c.covers.iter().map(|&j| specs[j].name.clone()).collect(),
                reproduces: c
                    .reproduces
                    .iter()
                    .map(|&j| specs[j].name.clone())
                    .collect(),
                values: named(&values),
                ordered_values: space
                    .variables()
                    .iter()
                    .zip(&values)
                    .map(|(v, x)| (v.name.clone(), *x))
                    .collect(),
            }
        })
        .collect();
    Report {
        design: args.design.display().to_string(),
        scenario: scenario.display().to_string(),
        structure_hash: &emitted.structure_hash,
        criteria: criteria.map(|c| CriteriaRef {
            path: c.path.display().to_string(),
            revision: c.revision,
            title: c.title.clone(),
        }),
        seed: args.seed,
        worst_seed: args.worst_seed,
        samples: mc.len(),
        variables: space
            .variables()
            .iter()
            .map(|v| {
                let (lo, hi) = v.bounds();
                VariableOut {
                    name: v.name.clone(),
                    line: v.line,
                    col: v.col,
                    distribution: v.describe(),
                    nominal: v.nominal(),
                    box_low: lo,
                    box_high: hi,
                    integer: v.integer,
                }
            })
            .collect(),
        targets: specs,
        nominal,
        yields: Yields {
            all_criteria_verdict: all.as_ref().map(YieldEstimate::verdict),
            all_criteria: all,
            feasible: YieldEstimate::new(count(&|o| o.feasible), n),
            per_criterion,
            interval: "two-sided 95% Clopper-Pearson; `demonstrated` and `sigma`: one-sided 95% lower bound",
        },
        metrics,
        worst_case: WorstOut {
            budget: args.worst_budget as usize,
            evaluations: result.evaluations.len(),
            agent_seed: args.worst_seed,
            per_metric,
            screening,
            points,
        },
        corners,
        uncovered: cover
            .uncovered
            .iter()
            .map(|&j| specs[j].name.clone())
            .collect(),
        tolerance: cover.tolerance,
        max_corners: args.corners as usize,
        conditions: conditions
            .iter()
            .zip(mc)
            .map(|(c, o)| ConditionOut {
                index: c.index,
                agent_seed: c.agent_seed,
                values: &c.values,
                outcome: o,
            })
            .collect(),
    }
}

/// A TOML string literal.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `corners.toml` (every corner's variable values, for synthesis) and `corners/<id>.toml`
/// (each corner as a concrete scenario any command can run).
fn write_corners(
    out: &Path,
    args: &Args,
    scenario: &Path,
    space: &Space,
    report: &Report<'_>,
) -> Result<()> {
    let mut s = String::new();
    s +=
        "# Corners extracted by `tsynth verify`: together they reproduce the worst case found of\n";
    s += "# every metric listed in `covers` (within `tolerance` of its observed range). Each corner\n";
    s +=
        "# gives every uncontrollable variable of the scenario a value; corners/<id>.toml is the\n";
    s +=
        "# scenario with those values, runnable by any command (e.g. tsynth sim --scenario ...).\n";
    s += &format!(
        "design = {}\n",
        toml_str(&args.design.display().to_string())
    );
    s += &format!("scenario = {}\n", toml_str(&scenario.display().to_string()));
    s += &format!("agent_seed = {}\n", args.worst_seed);
    s += &format!(
        "tolerance = {}\n",
        tsynth_verify::space::literal(report.tolerance, false)
    );
    let list = |v: &[String]| v.iter().map(|x| toml_str(x)).collect::<Vec<_>>().join(", ");
    s += &format!("uncovered = [{}]\n", list(&report.uncovered));
    let dir = out.join("corners");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for c in &report.corners {
        s += &format!("\n[[corner]]\nid = {}\n", toml_str(&c.id));
        s += &format!("covers = [{}]\n", list(&c.covers));
        s += &format!("reproduces = [{}]\n", list(&c.reproduces));
        s += "[corner.values]\n";
        let values: Vec<f64> = c.ordered_values.iter().map(|(_, x)| *x).collect();
        for ((name, x), v) in c.ordered_values.iter().zip(space.variables()) {
            s += &format!(
                "{} = {}\n",
                toml_str(name),
                tsynth_verify::space::literal(*x, v.integer)
            );
        }
        let mut text = format!(
            "# Corner {} of `tsynth verify --design {}` on {}: covers {}\n",
            c.id,
            args.design.display(),
            scenario.display(),
            c.covers.join(", ")
        );
        text += &space.render(&values);
        crate::fsutil::write_atomic(&dir.join(format!("{}.toml", c.id)), text.as_bytes())?;
    }
    crate::fsutil::write_atomic(&out.join("corners.toml"), s.as_bytes())?;
    Ok(())
}

fn pct(v: f64) -> String {
    if v.is_nan() {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * v)
    }
}

fn yield_text(y: &YieldEstimate) -> String {
    format!(
        "{}/{} = {} [{}, {}]",
        y.passed,
        y.total,
        pct(y.value),
        pct(y.ci_low),
        pct(y.ci_high)
    )
}

fn print_report(r: &Report<'_>, criteria: Option<&CriteriaSet>) -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "verify {} on {}: {} variable(s), {} Monte Carlo condition(s) (seed {}), worst case {} evaluation(s) (agent seed {})",
        r.design,
        r.scenario,
        r.variables.len(),
        r.samples,
        r.seed,
        r.worst_case.evaluations,
        r.worst_seed
    )?;
    writeln!(o, "\nuncontrollable variables")?;
    let w = r
        .variables
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(8)
        .max(8);
    for v in &r.variables {
        writeln!(
            o,
            "  {:<w$}  nominal {:>8}  box [{}, {}]  {}",
            v.name,
            fmt_whole(v.integer, v.nominal),
            fmt_whole(v.integer, v.box_low),
            fmt_whole(v.integer, v.box_high),
            v.distribution
        )?;
    }
    writeln!(
        o,
        "\nyield ({}; {})",
        criteria.map_or("no criteria".to_string(), |c| format!(
            "{} revision {}",
            c.path.display(),
            c.revision
        )),
        r.yields.interval
    )?;
    if let Some(all) = &r.yields.all_criteria {
        writeln!(o, "  every criterion ✓      {}", yield_text(all))?;
    }
    writeln!(
        o,
        "  feasible (constraints) {}",
        yield_text(&r.yields.feasible)
    )?;
    if let Some(v) = &r.yields.all_criteria_verdict {
        writeln!(o, "  {v}")?;
    }
    if !r.yields.per_criterion.is_empty() {
        let w = r
            .yields
            .per_criterion
            .iter()
            .map(|c| c.id.len() + 1 + c.name.chars().count())
            .max()
            .unwrap_or(9);
        writeln!(
            o,
            "\n  {:<w$}  nominal  {:<26}  ✓ or ≈",
            "criterion", "yield ✓ [95% CI]"
        )?;
        for c in &r.yields.per_criterion {
            let label = format!("{} {}", c.id, c.name);
            let pad = w - label.chars().count();
            writeln!(
                o,
                "  {label}{}  {:<7}  {:<26}  {}",
                " ".repeat(pad),
                c.nominal.symbol(),
                yield_text(&c.pass),
                pct(c.pass_or_near)
            )?;
        }
    }
    let w = r
        .metrics
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        o,
        "\n  {:<w$} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {:>10}",
        "metric", "worse", "nominal", "mean", "sd", "q05", "q50", "q95", "MC worst", "worst case"
    )?;
    for m in &r.metrics {
        let s = &m.summary;
        writeln!(
            o,
            "  {:<w$} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {:>10}",
            m.name,
            if m.higher_is_worse { "high" } else { "low" },
            fmt_num(m.nominal),
            fmt_num(s.mean),
            fmt_num(s.sd),
            fmt_num(s.q05),
            fmt_num(s.q50),
            fmt_num(s.q95),
            fmt_num(m.mc_worst),
            fmt_num(m.worst_case)
        )?;
    }
    if !r.worst_case.per_metric.is_empty() {
        writeln!(
            o,
            "\nworst case per metric (nominal -> worst, at; then the one-at-a-time screening of the \
             two variables it is most sensitive to: value with the variable at its box's low end / \
             nominal / high end)"
        )?;
        for m in &r.worst_case.per_metric {
            writeln!(
                o,
                "  {:<w$} {:>9} -> {:<9} at {} (evaluation {}, {:?})",
                m.metric,
                fmt_num(m.nominal),
                fmt_num(m.worst),
                m.moved,
                m.evaluation,
                m.phase,
            )?;
            let sens: Vec<String> = m
                .screening
                .iter()
                .map(|(v, [a, b, c])| {
                    format!("{v}: {} / {} / {}", fmt_num(*a), fmt_num(*b), fmt_num(*c))
                })
                .collect();
            if !sens.is_empty() {
                writeln!(o, "  {:<w$}   sensitive to {}", "", sens.join("; "))?;
            }
        }
    }
    if !r.corners.is_empty() {
        writeln!(
            o,
            "\n{} corner(s) (at most {}; a corner reproduces a metric within {:.0}% of its observed range from the worst)",
            r.corners.len(),
            r.max_corners,
            100.0 * r.tolerance
        )?;
        for c in &r.corners {
            let at: Vec<String> = c
                .ordered_values
                .iter()
                .zip(&r.variables)
                .map(|((n, x), v)| format!("{n} = {}", fmt_whole(v.integer, *x)))
                .collect();
            writeln!(o, "  {}: covers {}", c.id, c.covers.join(", "))?;
            writeln!(o, "      {}", at.join(", "))?;
        }
        if !r.uncovered.is_empty() {
            writeln!(
                o,
                "  not covered (raise --corners): {}",
                r.uncovered.join(", ")
            )?;
        }
    }
    Ok(())
}
