//! `tsynth front show`: one member in full, plus the command that re-simulates it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::list::fmt_num;
use tsynth_search::rundir::ArchiveMember as Member;
use tsynth_sim::SeedOutcome;

use super::rundata::{Run, horizon_note, param_display, seed_value};

/// Rewrites the `grammar = "..."` line of a design text so it resolves from `dest_dir`:
/// kept when it already resolves there, else pointed at the run's absolute grammar.
pub(super) fn relocate_design(text: &str, dest_dir: &Path, grammar_abs: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        let is_grammar =
            t.starts_with("grammar") && t["grammar".len()..].trim_start().starts_with('=');
        if is_grammar {
            let current = t
                .split_once('=')
                .map(|(_, v)| v.trim().trim_matches('"').to_string())
                .unwrap_or_default();
            let resolves = !current.is_empty() && dest_dir.join(&current).is_file();
            if !resolves && let Some(abs) = grammar_abs.map(Path::new).filter(|p| p.is_file()) {
                let rel = tsynth_grammar::design::relative_path(dest_dir, abs);
                out += &format!("grammar = {}\n", toml_quote(&rel));
                continue;
            }
        }
        out += line;
        out.push('\n');
    }
    out
}

fn toml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes `RUN/designs/<id>.toml`, the member's attack plan `RUN/designs/<id>.attacks.json` (and `RUN/designs/scenario.toml` when the run's scenario
/// path no longer holds the stored text); returns the design path and the commands that
/// re-simulate the member into `RUN/sims/`: one command when its seeds are consecutive, else
/// one per seed (`tsynth sim` takes a first seed and a count).
pub(crate) fn write_design(run: &Run, m: &Member) -> Result<(PathBuf, Vec<String>)> {
    anyhow::ensure!(
        !m.design.trim().is_empty(),
        "member `{}` in {} has no design text",
        m.id,
        run.dir.join("archive.json").display()
    );
    let dir = run.dir.join("designs");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{}.toml", m.id));
    let text = relocate_design(
        &m.design,
        &dir,
        run.config.grammar.as_ref().map(|g| g.absolute.as_str()),
    );
    crate::fsutil::write_atomic(&path, text.as_bytes())?;
    let given = Path::new(&run.config.scenario.absolute);
    let scenario = if std::fs::read_to_string(given).is_ok_and(|t| t == run.config.scenario_text) {
        given.to_path_buf()
    } else {
        let p = dir.join("scenario.toml");
        crate::fsutil::write_atomic(&p, run.config.scenario_text.as_bytes())?;
        p
    };
    // The end-of-run attacks the member was scored with (the hall of fame of its generation),
    // so that the command reproduces its rug risk and not a fresh search's.
    let plan_path = dir.join(format!("{}.attacks.json", m.id));
    let plan = serde_json::to_vec_pretty(&m.attack_plan)?;
    crate::fsutil::write_atomic(&plan_path, &plan)?;
    let base = format!(
        "tsynth sim --design {} --scenario {} --attack-plan {}",
        path.display(),
        scenario.display(),
        plan_path.display()
    );
    let seeds = &m.seeds;
    let consecutive = seeds
        .iter()
        .enumerate()
        .all(|(i, &s)| seeds.first().and_then(|f| f.checked_add(i as u64)) == Some(s));
    let sims = run.dir.join("sims");
    let cmds = match seeds.first() {
        None => vec![format!("{base} --out {}", sims.join(&m.id).display())],
        Some(&first) if consecutive => vec![format!(
            "{base} --seeds {} --first-seed {first} --out {}",
            seeds.len(),
            sims.join(&m.id).display()
        )],
        Some(_) => seeds
            .iter()
            .map(|s| {
                let out = sims.join(format!("{}-seed{s}", m.id));
                format!("{base} --seeds 1 --first-seed {s} --out {}", out.display())
            })
            .collect(),
    };
    Ok((path, cmds))
}

fn seed_table(o: &mut impl Write, objectives: &[String], seeds: &[SeedOutcome]) -> Result<()> {
    let mut head = format!("  {:>8}", "seed");
    for n in objectives {
        head += &format!(" {n:>12}");
    }
    writeln!(o, "{head} {:>10}", "violation")?;
    for s in seeds {
        let mut line = format!("  {:>8}", s.seed);
        for n in objectives {
            line += &format!(" {:>12}", fmt_num(seed_value(s, n)));
        }
        line += &format!(" {:>10}", fmt_num(s.violation));
        if let Some(f) = &s.failure {
            line += &format!("  FAILED: {f}");
        }
        writeln!(o, "{line}")?;
    }
    Ok(())
}

/// The domain's criteria table for one member (held-out seeds when it has them), or a line
/// saying why there is none.
fn criteria_table(o: &mut impl Write, run: &Run, m: &Member) -> Result<()> {
    let domain = &run.config.domain;
    let grammar = run.config.grammar.as_ref().map(|g| Path::new(&g.absolute));
    let Some(path) = crate::registry::find_criteria(domain, grammar) else {
        return Ok(());
    };
    let set = match crate::criteria::CriteriaSet::load(&path) {
        Ok(s) => s,
        Err(e) => {
            writeln!(o, "\ncriteria: not shown ({e})")?;
            return Ok(());
        }
    };
    if let Err(e) = set.check_metrics(domain, &run.archive.metrics) {
        writeln!(o, "\ncriteria: not shown ({e})")?;
        return Ok(());
    }
    let (seeds, label) = match &m.held_out {
        Some(h) => (&h.per_seed, "held-out seeds"),
        None => (&m.per_seed, "search seeds"),
    };
    let agg = tsynth_sim::Aggregate::from_seeds(seeds, &run.archive.metrics);
    let column = set.column(&m.id, &agg);
    writeln!(o, "\ncriteria ({label}):")?;
    for line in crate::criteria::render_text(&set, std::slice::from_ref(&column)).lines() {
        writeln!(o, "  {line}")?;
    }
    Ok(())
}

/// Runs `tsynth front show`.
pub fn run(dir: &Path, id: &str) -> Result<()> {
    let run = Run::load(dir)?;
    let m = run.member(id)?;
    let (design_path, cmd) = write_design(&run, m)?;
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "member {}  ({} run {})",
        m.id,
        run.config.command,
        run.dir.display()
    )?;
    writeln!(
        o,
        "feasible: {}  violation: {}",
        if m.feasible { "yes" } else { "no" },
        fmt_num(m.violation)
    )?;
    if let Some(note) = horizon_note(m) {
        writeln!(o, "WARNING: {note}")?;
    }
    writeln!(o, "structure hash: {}", m.structure_hash)?;
    writeln!(o, "full hash:      {}", m.full_hash)?;
    writeln!(o, "\nblocks:")?;
    for (slot, b) in &m.blocks {
        writeln!(o, "  {slot:<12} {b}")?;
    }
    writeln!(o, "\nparameters:")?;
    if m.params.is_empty() {
        writeln!(o, "  (none)")?;
    }
    for p in &m.params {
        writeln!(o, "  {:<20} {:<20} {}", p.block, p.name, param_display(p))?;
    }
    writeln!(o, "\nobjectives (minimised):")?;
    writeln!(o, "  {:<12} {:>12} {:>12}", "objective", "mean", "worst")?;
    for n in &run.archive.objectives {
        let g = |map: &tsynth_search::rundir::NamedObjectives| {
            fmt_num(map.get(n).copied().unwrap_or(f64::INFINITY))
        };
        writeln!(
            o,
            "  {n:<12} {:>12} {:>12}",
            g(&m.objectives.mean),
            g(&m.objectives.worst)
        )?;
    }
    criteria_table(&mut o, &run, m)?;
    writeln!(o, "\nper seed:")?;
    seed_table(&mut o, &run.archive.objectives, &m.per_seed)?;
    if let Some(h) = &m.held_out {
        writeln!(o, "\nheld-out seeds:")?;
        seed_table(&mut o, &run.archive.objectives, &h.per_seed)?;
    }
    let src = run.sources_dir(m);
    writeln!(o, "\nsolidity: {}", src.display())?;
    if let Ok(files) = run.sources(m) {
        for f in files.keys() {
            writeln!(o, "  {f}")?;
        }
    } else {
        writeln!(o, "  (missing)")?;
    }
    writeln!(o, "design:   {}", design_path.display())?;
    if cmd.len() == 1 {
        writeln!(o, "\nre-simulate:\n  {}", cmd[0])?;
    } else {
        writeln!(o, "\nre-simulate (one command per seed of the run):")?;
        for c in &cmd {
            writeln!(o, "  {c}")?;
        }
    }
    Ok(())
}
