//! The attack search on a prepared candidate at tick 0 and on forks moved forward in time
//! (+1 day, +7 days, just past the end of the design's longest schedule), so that a time
//! bomb — an allocation that vests or unlocks late, an auction that ends — is seen even when
//! it sits past the simulated horizon. This is what `tsynth attack` runs.

use tsynth_evm::World;
use tsynth_sim::{AttackProbe, AttackReport, AttackRequest};

use super::exec::{Arena, BLOCK_SECONDS};
use super::lang::{Actor, Attack, fmt_duration};
use super::search::{SearchSettings, search};
use crate::agents::Fatal;
use crate::setup::Prepared;

/// One day in seconds.
const DAY: u64 = 86_400;

/// The states probed: (label, seconds after the attacked state), for a state `elapsed`
/// seconds after launch and a design whose longest schedule ends `schedule_seconds` after
/// launch (the schedule-end probe is left out when that end has passed), and the labels of
/// the states left out because they are settled like an earlier probe.
///
/// A state at or after the schedule's end (plus one block) is *settled*: every time-based
/// mechanism of the design (auction, vesting, cliff, fee decay; a lock-up counts from the
/// attacker's own stake) has reached its final behaviour, and nobody but the attacker acts
/// on a fork, so a later state offers the attacker exactly what the first settled one does
/// (the blocks' contract, see `Library::schedule_seconds`). Only the first settled state is
/// searched; on a design without schedules, or judged after they ran out, that is "now".
pub fn probe_times(schedule_seconds: u64, elapsed: u64) -> (Vec<(String, u64)>, Vec<String>) {
    let mut t = vec![
        ("now".to_string(), 0),
        ("+1 day".to_string(), DAY),
        ("+7 days".to_string(), 7 * DAY),
    ];
    // seconds from the attacked state to the first settled one (0: it is settled already)
    let end = if schedule_seconds == 0 {
        0
    } else {
        (schedule_seconds + BLOCK_SECONDS).saturating_sub(elapsed)
    };
    if end > 0 && ![DAY, 7 * DAY].contains(&end) {
        t.push((
            format!(
                "schedule end ({} after launch)",
                fmt_duration(schedule_seconds)
            ),
            end,
        ));
    }
    t.sort_by_key(|&(_, o)| o);
    let settled_from = t.iter().position(|&(_, o)| o >= end).unwrap_or(t.len());
    let skipped = t
        .split_off((settled_from + 1).min(t.len()))
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    (t, skipped)
}

/// Reads the attacks of a hall of fame or a replay (entries that do not parse are skipped:
/// the hall is written by tsynth itself).
pub fn read_hall(hall: &[String]) -> Vec<Attack> {
    hall.iter()
        .filter_map(|t| Attack::parse(t).ok())
        .map(|mut a| {
            if !a.origin.starts_with("hall") {
                a.origin = format!("hall of fame: {}", a.origin);
            }
            a
        })
        .collect()
}

/// Runs the search at every probed state of `world` (`elapsed` seconds after launch),
/// starting from `request.hall` and (when asked) the templates; `publisher`: the publisher
/// may attack too.
pub fn attack_report(
    prepared: &Prepared,
    world: &World,
    elapsed: u64,
    request: &AttackRequest,
    publisher: bool,
) -> Result<AttackReport, Fatal> {
    let arena = arena(prepared);
    let hall = read_hall(&request.hall);
    let delays: Vec<u64> = [request.schedule_seconds]
        .into_iter()
        .filter(|&d| d > 0)
        .collect();
    // a screen evaluates its starting attacks and nothing else
    let starts = hall.len()
        + if request.templates {
            super::search::templates(&delays).len()
        } else {
            0
        };
    let settings = SearchSettings {
        budget: if request.screen_only {
            u32::try_from(starts).unwrap_or(u32::MAX)
        } else {
            request.budget
        },
        templates: request.templates,
        seed: request.seed,
        publisher,
        ..SearchSettings::default()
    };
    let mut probes = Vec::new();
    let (mut times, mut settled) = probe_times(request.schedule_seconds, elapsed);
    if request.screen_only {
        times.truncate(1);
        settled.clear();
    }
    for (when, offset) in times {
        let mut world = world.fork();
        if offset > 0 {
            world.advance(offset.div_ceil(BLOCK_SECONDS), offset);
        }
        let t0 = world.timestamp();
        let found = search(&world, &arena, &settings, &hall, &delays)?;
        // The best attack again, to value what the honest holders are left with. An attack
        // that does not pay has no attacker: its harm is not a risk (and is not valued).
        let pays = found.outcome.gain > 0.0;
        let victim_loss = if pays {
            let mut after = world.fork();
            super::exec::execute(&mut after, &arena, &found.attack)?;
            let mut holders = prepared.agents.clone();
            if found.attack.actor == Actor::Outsider {
                holders.push(prepared.publisher);
            }
            super::exec::victim_loss(&world, &after, &prepared.contracts, &holders)?
        } else {
            0.0
        };
        let pool_base = found.outcome.pool_base;
        let risk = if pool_base > 0.0 && pays {
            found.outcome.gain.max(victim_loss) / pool_base
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
            attack: (found.outcome.gain > 0.0).then(|| found.attack.encode()),
        });
    }
    Ok(AttackReport { probes, settled })
}

/// The arena of a prepared candidate.
pub fn arena(prepared: &Prepared) -> Arena {
    Arena {
        contracts: prepared.contracts,
        attacker: prepared.attacker,
        publisher: prepared.publisher,
        publisher_endowment: prepared.publisher_endowment,
    }
}

/// What a simulation probe's attack screen found.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    /// The attacker's best gain over the pool's base balance at the attacked state (0 when
    /// nothing paid).
    pub risk: f64,
    /// The attack that reached it (`None` when nothing paid).
    pub attack: Option<Attack>,
    /// Attack evaluations spent.
    pub evaluations: u32,
}

/// What an attack screen tries: the templates (rug pull, the July-2022 loop, loops delayed
/// past `delays`), then `extra` evaluations of search.
#[derive(Debug, Clone, Copy)]
pub struct ScreenSpec<'a> {
    /// The design's lock and schedule lengths, for the delayed templates.
    pub delays: &'a [u64],
    /// Evaluations of search after the attacks above.
    pub extra: u32,
    /// The publisher may attack too.
    pub publisher: bool,
    /// RNG seed.
    pub seed: u64,
}

/// The cheap attack screen of `spec` on forks of `world`. Deterministic given its seed.
pub fn screen(world: &World, arena: &Arena, spec: &ScreenSpec<'_>) -> Result<Screened, Fatal> {
    let ScreenSpec {
        delays,
        extra,
        publisher,
        seed,
    } = *spec;
    let starts = super::search::templates(delays).len();
    let settings = SearchSettings {
        budget: starts as u32 + extra,
        templates: true,
        seed,
        publisher,
        ..SearchSettings::default()
    };
    if settings.budget == 0 {
        return Ok(Screened {
            risk: 0.0,
            attack: None,
            evaluations: 0,
        });
    }
    let found = search(world, arena, &settings, &[], delays)?;
    let risk = found.outcome.risk();
    Ok(Screened {
        risk,
        attack: (risk > 0.0).then_some(found.attack),
        evaluations: found.evaluations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[(String, u64)]) -> Vec<&str> {
        v.iter().map(|(l, _)| l.as_str()).collect()
    }

    #[test]
    fn a_design_without_schedules_is_searched_now_only() {
        let (t, skipped) = probe_times(0, 0);
        assert_eq!(labels(&t), ["now"]);
        assert_eq!(skipped, ["+1 day", "+7 days"]);
        // judged after its 30-day schedule ran out: the same
        let (t, skipped) = probe_times(30 * DAY, 45 * DAY);
        assert_eq!(labels(&t), ["now"]);
        assert_eq!(skipped.len(), 2);
    }

    #[test]
    fn states_up_to_the_first_settled_one_are_searched() {
        // a one-hour schedule judged at launch: now, just past its end; later states settled
        let (t, skipped) = probe_times(3600, 0);
        assert_eq!(labels(&t), ["now", "schedule end (60.0 min after launch)"]);
        assert_eq!(t[1].1, 3600 + BLOCK_SECONDS);
        assert_eq!(skipped, ["+1 day", "+7 days"]);
        // three days: +1 day is before the end, +7 days after it
        let (t, skipped) = probe_times(3 * DAY, 0);
        assert_eq!(
            labels(&t),
            ["now", "+1 day", "schedule end (3.0 days after launch)"]
        );
        assert_eq!(skipped, ["+7 days"]);
        // a year of vesting judged at 90 days: every state
        let (t, skipped) = probe_times(365 * DAY, 90 * DAY);
        assert_eq!(t.len(), 4);
        assert!(skipped.is_empty());
        assert_eq!(t[3].1, 275 * DAY + BLOCK_SECONDS);
    }
}
