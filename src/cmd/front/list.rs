//! `tsynth front list`: one row per front member.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use tsynth_search::rundir::ArchiveMember as Member;

use super::rundata::{Aggregation, Run, short_horizon};

/// A number as shown in tables: 6 significant digits, scientific for very large/small values.
pub(super) fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else {
            "inf".into()
        };
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.4e}")
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s.is_empty() || s == "-" {
            "0".into()
        } else {
            s.to_string()
        }
    }
}

/// Block names of a member, in slot order.
pub(super) fn blocks_of(m: &Member) -> String {
    m.blocks
        .iter()
        .map(|(slot, b)| format!("{slot}={b}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Member indices sorted by `sort` (ascending, ties by id), or in archive order.
pub(super) fn order(run: &Run, sort: Option<&str>, agg: Aggregation) -> Result<Vec<usize>> {
    let mut idx: Vec<usize> = (0..run.archive.members.len()).collect();
    if let Some(name) = sort {
        let k = run.objective(name)?;
        let vals: Vec<f64> = run
            .archive
            .members
            .iter()
            .map(|m| run.vector(m, agg)[k])
            .collect();
        idx.sort_by(|&a, &b| {
            vals[a]
                .total_cmp(&vals[b])
                .then_with(|| run.archive.members[a].id.cmp(&run.archive.members[b].id))
        });
    }
    Ok(idx)
}

/// Runs `tsynth front list`.
pub fn run(dir: &Path, sort: Option<&str>, agg: Option<Aggregation>) -> Result<()> {
    let run = Run::load(dir)?;
    let agg = agg.unwrap_or(run.aggregation());
    let idx = order(&run, sort, agg)?;
    let mut o = std::io::stdout().lock();
    let mut head = format!("{:<8}", "id");
    for name in &run.archive.objectives {
        head += &format!(" {:>12}", name);
    }
    head += &format!(" {:>8}  blocks", "feasible");
    writeln!(o, "{head}")?;
    for i in idx {
        let m = &run.archive.members[i];
        let mut line = format!("{:<8}", m.id);
        for v in run.vector(m, agg) {
            line += &format!(" {:>12}", fmt_num(v));
        }
        let flag = if short_horizon(m).is_some() { "!" } else { "" };
        let feasible = format!("{}{flag}", if m.feasible { "yes" } else { "no" });
        line += &format!(" {feasible:>8}  {}", blocks_of(m));
        writeln!(o, "{line}")?;
    }
    if run
        .archive
        .members
        .iter()
        .any(|m| short_horizon(m).is_some())
    {
        writeln!(
            o,
            "! judged before its schedule ran (horizon_coverage < 1): the scenario is shorter \
             than the member's auction, vesting, lock or fee decay; `front show ID` says by how much"
        )?;
    }
    writeln!(
        o,
        "{} member(s); objectives: {} over {} seed(s); all minimised",
        run.archive.members.len(),
        agg.name(),
        run.archive
            .members
            .first()
            .map(|m| m.seeds.len())
            .unwrap_or(0)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn numbers_are_short_and_readable() {
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(1.234_567_89), "1.234568");
        assert_eq!(fmt_num(0.000_012_3), "1.2300e-5");
        assert_eq!(fmt_num(f64::INFINITY), "inf");
        assert_eq!(fmt_num(-0.25), "-0.25");
    }
}
