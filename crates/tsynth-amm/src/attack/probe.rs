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
            risk: found.outcome.risk(),
            evaluations: found.evaluations,
            found_at: found.found_at,
            origin: found.attack.origin.clone(),
            lines,
        });
    }
    Ok(AttackReport { probes })
}
