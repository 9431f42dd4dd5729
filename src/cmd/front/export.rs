//! `tsynth front export`: the front as CSV (one row per member) or JSON.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use tsynth_search::rundir::{ObjectiveScores, ParamRecord, Score};
use tsynth_sim::SeedOutcome;

use super::rundata::{Run, param_display};

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values: id, feasible, violation, mean_* and worst_* per objective,
    /// structure hash, blocks, parameters.
    Csv,
    /// JSON: the members with objectives, per-seed values, blocks, parameters and design.
    Json,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else if x.is_nan() {
        "nan".into()
    } else if x > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

/// The CSV text of a run's front.
pub(super) fn csv(run: &Run) -> String {
    let mut head = vec!["id".to_string(), "feasible".into(), "violation".into()];
    for agg in ["mean", "worst"] {
        for o in &run.archive.objectives {
            head.push(format!("{agg}_{o}"));
        }
    }
    head.extend(["structure_hash".into(), "blocks".into(), "params".into()]);
    let mut out = head.join(",") + "\n";
    for m in &run.archive.members {
        let mut row = vec![
            csv_field(&m.id),
            m.feasible.to_string(),
            csv_num(m.violation),
        ];
        for map in [&m.objectives.mean, &m.objectives.worst] {
            for o in &run.archive.objectives {
                row.push(csv_num(map.get(o).copied().unwrap_or(f64::INFINITY)));
            }
        }
        row.push(csv_field(&m.structure_hash));
        row.push(csv_field(&super::list::blocks_of(m)));
        let params: Vec<String> = m
            .params
            .iter()
            .map(|p| format!("{}.{}={}", p.block, p.name, param_display(p)))
            .collect();
        row.push(csv_field(&params.join("; ")));
        out += &row.join(",");
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonMember<'a> {
    id: &'a str,
    feasible: bool,
    violation: f64,
    objectives: &'a ObjectiveScores,
    seeds: &'a [u64],
    per_seed: &'a [SeedOutcome],
    held_out: Option<&'a Score>,
    structure_hash: &'a str,
    full_hash: &'a str,
    blocks: &'a std::collections::BTreeMap<String, String>,
    params: &'a [ParamRecord],
    design: &'a str,
    sources: String,
}

#[derive(Serialize)]
struct JsonFront<'a> {
    run: String,
    objectives: &'a [String],
    aggregation: &'static str,
    members: Vec<JsonMember<'a>>,
}

/// The JSON text of a run's front (non-finite values become `null`).
pub(super) fn json(run: &Run) -> Result<String> {
    let doc = JsonFront {
        run: run.dir.display().to_string(),
        objectives: &run.archive.objectives,
        aggregation: run.aggregation().name(),
        members: run
            .archive
            .members
            .iter()
            .map(|m| JsonMember {
                id: &m.id,
                feasible: m.feasible,
                violation: m.violation,
                objectives: &m.objectives,
                seeds: &m.seeds,
                per_seed: &m.per_seed,
                held_out: m.held_out.as_ref(),
                structure_hash: &m.structure_hash,
                full_hash: &m.full_hash,
                blocks: &m.blocks,
                params: &m.params,
                design: &m.design,
                sources: run.sources_dir(m).display().to_string(),
            })
            .collect(),
    };
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// Runs `tsynth front export`.
pub fn run(dir: &Path, format: Format, out: Option<&Path>) -> Result<()> {
    let run = Run::load(dir)?;
    let text = match format {
        Format::Csv => csv(&run),
        Format::Json => json(&run)?,
    };
    match out {
        Some(p) => {
            crate::fsutil::write_atomic(p, text.as_bytes())?;
            eprintln!(
                "wrote {} member(s) to {}",
                run.archive.members.len(),
                p.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
