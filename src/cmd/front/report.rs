//! `tsynth front report`: one self-contained HTML page (inline CSS, JS, data; no network).
//!
//! The page (template and script in `crates/tsynth/assets/`) shows an interactive scatter
//! matrix (each point has `data-id`), a detail panel (`#detail`, `#detail-id`,
//! `#detail-params`, `#detail-objectives`, `#detail-source`, ...), the hypervolume over
//! generations and a sortable member table. `index.html#select=<id>` selects on load.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::KnownArgs;
use super::known::KnownScore;
use tsynth_search::rundir::{ArchiveMember as Member, GenerationRecord as Generation};

use super::rundata::Run;

const TEMPLATE: &str = include_str!("../../../assets/front-report.html");
const STYLE: &str = include_str!("../../../assets/front-report.css");
const SCRIPT: &str = include_str!("../../../assets/front-report.js");

#[derive(Serialize)]
struct MemberView<'a> {
    #[serde(flatten)]
    member: &'a Member,
    /// The domain's criteria table for this member (empty when the domain has none).
    criteria: Vec<CriterionView>,
}

/// One criterion's verdict for a member, as the page shows it.
#[derive(Serialize)]
struct CriterionView {
    criterion: String,
    cell: String,
    verdict: crate::criteria::Verdict,
    rule: String,
}

/// The criteria rows of every member (held-out seeds when it has them), or nothing when the
/// run's domain has no criteria file or the file does not fit the run's metrics.
fn criteria_views(run: &Run) -> Vec<Vec<CriterionView>> {
    let n = run.archive.members.len();
    let grammar = run.config.grammar.as_ref().map(|g| Path::new(&g.absolute));
    let set = crate::registry::find_criteria(&run.config.domain, grammar)
        .and_then(|p| crate::criteria::CriteriaSet::load(&p).ok())
        .filter(|s| {
            s.check_metrics(&run.config.domain, &run.archive.metrics)
                .is_ok()
        });
    let Some(set) = set else {
        return (0..n).map(|_| Vec::new()).collect();
    };
    run.archive
        .members
        .iter()
        .map(|m| {
            let seeds = m.held_out.as_ref().map_or(&m.per_seed, |h| &h.per_seed);
            let agg = tsynth_sim::Aggregate::from_seeds(seeds, &run.archive.metrics);
            set.criteria
                .iter()
                .zip(set.judge(&agg))
                .map(|(c, cell)| CriterionView {
                    criterion: format!("{} {}", c.id, c.name),
                    cell: cell.text(),
                    verdict: cell.verdict,
                    rule: c
                        .checks
                        .iter()
                        .map(crate::criteria::Check::describe)
                        .collect::<Vec<_>>()
                        .join(" and "),
                })
                .collect()
        })
        .collect()
}

#[derive(Serialize)]
struct Data<'a> {
    run: String,
    scenario: &'a str,
    objectives: &'a [String],
    aggregation: &'static str,
    members: Vec<MemberView<'a>>,
    /// structure_hash → file → text (one copy per structure).
    sources: BTreeMap<String, BTreeMap<String, String>>,
    known: &'a [KnownScore],
    generations: &'a [Generation],
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Integers beyond 2^53 (the run's 64-bit seeds) would be rounded by JavaScript's numbers:
/// they are written as strings instead, so the page shows them exactly.
fn exact_for_js(v: &mut serde_json::Value) {
    const SAFE: u64 = 1 << 53;
    match v {
        serde_json::Value::Number(n) => {
            if let Some(u) = n.as_u64().filter(|&u| u > SAFE) {
                *v = serde_json::Value::String(u.to_string());
            } else if let Some(i) = n.as_i64().filter(|&i| i < -(SAFE as i64)) {
                *v = serde_json::Value::String(i.to_string());
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(exact_for_js),
        serde_json::Value::Object(o) => o.values_mut().for_each(exact_for_js),
        _ => {}
    }
}

/// The report page for `run` with the known designs' scores.
pub(super) fn render(run: &Run, known: &[KnownScore]) -> Result<String> {
    let mut sources = BTreeMap::new();
    let mut members = Vec::new();
    let mut criteria = criteria_views(run).into_iter();
    for m in &run.archive.members {
        let key = if m.sources.is_empty() {
            format!("sources/{}/", m.structure_hash)
        } else {
            m.sources.clone()
        };
        if !sources.contains_key(&key) {
            let files = run.sources(m)?;
            sources.insert(key.clone(), files);
        }
        members.push(MemberView {
            member: m,
            criteria: criteria.next().unwrap_or_default(),
        });
    }
    let name = run
        .dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| run.dir.display().to_string());
    let data = Data {
        run: name.clone(),
        scenario: &run.config.scenario.given,
        objectives: &run.archive.objectives,
        aggregation: run.aggregation().name(),
        members,
        sources,
        known,
        generations: &run.generations,
    };
    // `<` never appears raw inside the JSON, so `</script>` cannot end the block early.
    let mut value = serde_json::to_value(&data)?;
    exact_for_js(&mut value);
    let json = serde_json::to_string(&value)?.replace('<', "\\u003c");
    let title = html_escape(&format!("tsynth front — {name}"));
    // The data is spliced in whole, so nothing in it is ever taken for a placeholder.
    let (before, after) = TEMPLATE
        .split_once("__DATA__")
        .expect("the report template has a __DATA__ placeholder");
    let fill = |s: &str| {
        s.replace("__TITLE__", &title)
            .replace("/*__STYLE__*/", STYLE)
            .replace("/*__SCRIPT__*/", SCRIPT)
    };
    Ok(format!("{}{json}{}", fill(before), fill(after)))
}

/// Runs `tsynth front report`.
pub fn run(dir: &Path, out: &Path, known: &KnownArgs) -> Result<()> {
    let run = Run::load(dir)?;
    let scores = super::known::scores(&run, known)?;
    let html = render(&run, &scores)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let path = out.join("index.html");
    crate::fsutil::write_atomic(&path, html.as_bytes())?;
    println!(
        "wrote {} ({} member(s), {} known design(s), {} generation(s); {} KiB)",
        path.display(),
        run.archive.members.len(),
        scores.len(),
        run.generations.len(),
        html.len() / 1024
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_integers_become_strings_and_small_ones_stay_numbers() {
        let mut v = serde_json::json!({
            "seed": 12_161_901_831_778_409_049u64,
            "small": 42,
            "neg": -5,
            "f": 0.5,
            "list": [9_007_199_254_740_993u64, 1]
        });
        exact_for_js(&mut v);
        assert_eq!(v["seed"], "12161901831778409049");
        assert_eq!(v["small"], 42);
        assert_eq!(v["neg"], -5);
        assert_eq!(v["f"], 0.5);
        assert_eq!(v["list"][0], "9007199254740993");
        assert_eq!(v["list"][1], 1);
    }

    #[test]
    fn template_has_every_placeholder_once() {
        for p in ["__DATA__", "/*__STYLE__*/", "/*__SCRIPT__*/"] {
            assert_eq!(TEMPLATE.matches(p).count(), 1, "{p}");
        }
        assert!(!SCRIPT.contains("__DATA__") && !STYLE.contains("__DATA__"));
    }
}
