//! The attack search on a prepared candidate at tick 0 and on forks moved forward in time
//! (+1 day, +7 days, just past the end of the design's longest schedule), so that a time
//! bomb — an allocation that vests or unlocks late, an auction that ends — is seen even when
//! it sits past the simulated horizon. This is what `tsynth attack` runs.

use tsynth_evm::World;
use tsynth_sim::{AttackProbe, AttackReport, AttackRequest};

use super::exec::{Arena, BLOCK_SECONDS};
use super::lang::{Actor, fmt_duration};
use super::search::{SearchSettings, search};
use crate::agents::Fatal;
use crate::setup::Prepared;

/// One day in seconds.
const DAY: u64 = 86_400;

/// The states probed: (label, seconds after the attacked state), for a state `elapsed`
/// seconds after launch and a design whose longest schedule ends `schedule_seconds` after
/// launch (the schedule-end probe is left out when that end has passed).
pub fn probe_times(schedule_seconds: u64, elapsed: u64) -> Vec<(String, u64)> {
    let mut t = vec![
        ("now".to_string(), 0),
        ("+1 day".to_string(), DAY),
        ("+7 days".to_string(), 7 * DAY),
    ];
    let end = (schedule_seconds + BLOCK_SECONDS).saturating_sub(elapsed);
    if schedule_seconds > 0 && end > 0 && ![0, DAY, 7 * DAY].contains(&end) {
        t.push((
            format!(
                "schedule end ({} after launch)",
                fmt_duration(schedule_seconds)
            ),
            end,
        ));
    }
    t
}

/// Runs the search at every probed state of `world` (`elapsed` seconds after launch).
pub fn attack_report(
    prepared: &Prepared,
    world: &World,
    elapsed: u64,
    request: &AttackRequest,
) -> Result<AttackReport, Fatal> {
    let arena = Arena {
        contracts: prepared.contracts,
        attacker: prepared.attacker,
        publisher: prepared.publisher,
        publisher_endowment: prepared.publisher_endowment,
    };
    let settings = SearchSettings {
        budget: request.budget,
        templates: request.templates,
        seed: request.seed,
        ..SearchSettings::default()
    };
    let delays: Vec<u64> = [request.schedule_seconds]
        .into_iter()
        .filter(|&d| d > 0)
        .collect();
    let mut probes = Vec::new();
    for (when, offset) in probe_times(request.schedule_seconds, elapsed) {
        let mut world = world.fork();
        if offset > 0 {
            world.advance(offset.div_ceil(BLOCK_SECONDS), offset);
        }
        let t0 = world.timestamp();
        let found = search(&world, &arena, &settings, &[], &delays)?;
        // the best attack again, to value what the honest holders are left with
        let mut after = world.fork();
        super::exec::execute(&mut after, &arena, &found.attack)?;
        let mut holders = prepared.agents.clone();
        if found.attack.actor == Actor::Outsider {
            holders.push(prepared.publisher);
        }
        let victim_loss = super::exec::victim_loss(&world, &after, &prepared.contracts, &holders)?;
        let pool_base = found.outcome.pool_base;
        let risk = if pool_base > 0.0 {
            found.outcome.gain.max(victim_loss).max(0.0) / pool_base
        } else {
            0.0
        };
        let who = match found.attack.actor {
            Actor::Outsider => "outside attacker",
            Actor::Publisher => "publisher",
        };
        let mut lines = vec![format!(
            "{who}, {:.0}% of the attacker capital ({}):",
            100.0 * found.attack.capital,
            found.attack.origin
        )];
        lines.extend(found.outcome.trace.iter().enumerate().map(|(i, t)| {
            format!(
                "{:>3}. block {:>6}  t+{:<10} {}{}",
                i + 1,
                t.block,
                fmt_duration(t.time - t0),
                t.what,
                if t.ok { "" } else { "  [refused]" }
            )
        }));
        probes.push(AttackProbe {
            when,
            offset_seconds: offset,
            gain: found.outcome.gain,
            victim_loss,
            risk,
            evaluations: found.evaluations,
            found_at: found.found_at,
            origin: found.attack.origin.clone(),
            lines,
        });
    }
    Ok(AttackReport { probes })
}

/// What a simulation probe's attack screen found.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    /// The worst risk (gain over the pool's base balance at the attacked state).
    pub risk: f64,
    /// The attack that reached it (`None` when nothing paid).
    pub attack: Option<super::lang::Attack>,
    /// Attack evaluations spent.
    pub evaluations: u32,
}

/// The attack screen a simulation probe runs: the templates (rug pull, the July-2022 loop,
/// loops delayed past locks and the design's schedule) and `extra` evaluations of search,
/// on a fork of the probe's state and, while the design's schedule has not ended, on a fork
/// just past its end. Deterministic given `seed`.
pub fn screen(
    probe: &tsynth_sim::Probe<'_>,
    arena: &Arena,
    extra: u32,
    seed: u64,
) -> Result<Screened, Fatal> {
    let schedule = probe.schedule_seconds();
    let delays: Vec<u64> = [schedule].into_iter().filter(|&d| d > 0).collect();
    let settings = SearchSettings {
        budget: super::search::templates(&delays).len() as u32 + extra,
        templates: true,
        seed,
        ..SearchSettings::default()
    };
    let mut out = Screened {
        risk: 0.0,
        attack: None,
        evaluations: 0,
    };
    let to_end = (schedule + BLOCK_SECONDS).saturating_sub(probe.elapsed_seconds());
    let mut states = vec![0];
    if schedule > 0 && to_end > 0 {
        states.push(to_end);
    }
    for ahead in states {
        let world = probe.fork_ahead(ahead);
        let found = search(&world, arena, &settings, &[], &delays)?;
        out.evaluations += found.evaluations;
        let risk = found.outcome.risk();
        if risk > out.risk {
            out.risk = risk;
            out.attack = Some(found.attack);
        }
    }
    Ok(out)
}
