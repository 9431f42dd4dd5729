//! `tsynth front list|show|plot|export|diff` end to end on a small run made in the test.

use std::path::Path;

use crate::front_support::{amm_design_count, build_run, root, shared_run, text, tsynth_in};
use tsynth_search::rundir::{ArchiveFile, RunDir};

fn archive(run: &Path) -> ArchiveFile {
    RunDir::open(run).unwrap().read_archive().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = tsynth_in(&root(), args);
    assert!(
        out.status.success(),
        "tsynth {args:?} failed: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Runs a command that must fail with exit code 1; returns stderr.
fn fails(args: &[&str]) -> String {
    let out = tsynth_in(&root(), args);
    assert_eq!(out.status.code(), Some(1), "tsynth {args:?} should exit 1");
    text(&out.stderr)
}

#[test]
fn list_shows_every_member_objective_and_block_and_sorts() {
    let f = shared_run();
    let run = f.run.to_str().unwrap();
    let a = archive(&f.run);
    let out = ok(&["front", "list", run]);
    let head = out.lines().next().unwrap();
    for o in &a.objectives {
        assert!(head.contains(o.as_str()), "{head}");
    }
    for m in &a.members {
        let line = out
            .lines()
            .find(|l| l.starts_with(&m.id))
            .unwrap_or_else(|| panic!("{} missing in\n{out}", m.id));
        for b in m.blocks.values() {
            assert!(line.contains(b.as_str()), "{line}");
        }
    }
    // Sorted by rug_risk: the column is non-decreasing and matches the archive's values.
    let out = ok(&["front", "list", run, "--sort", "rug_risk"]);
    let k = a.objectives.iter().position(|o| o == "rug_risk").unwrap();
    let mut prev = f64::NEG_INFINITY;
    let mut ids = Vec::new();
    for line in out.lines().skip(1).take(a.members.len()) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let v: f64 = cols[1 + k].parse().unwrap();
        assert!(v >= prev, "not sorted by rug_risk:\n{out}");
        prev = v;
        let m = a.members.iter().find(|m| m.id == cols[0]).unwrap();
        let want = m.objectives.mean["rug_risk"];
        assert!(
            (v - want).abs() <= 1e-6 + 1e-5 * want.abs(),
            "{v} vs {want}"
        );
        ids.push(cols[0].to_string());
    }
    assert_eq!(ids.len(), a.members.len());
    // Worst aggregation shows the worst values.
    let out = ok(&["front", "list", run, "--aggregate", "worst"]);
    assert!(out.contains("objectives: worst"), "{out}");
}

#[test]
fn show_prints_the_design_and_its_command_reproduces_the_objectives() {
    let f = shared_run();
    let run = f.run.to_str().unwrap();
    let a = archive(&f.run);
    let m = a
        .members
        .iter()
        .max_by_key(|m| m.params.len())
        .expect("members");
    let out = ok(&["front", "show", run, &m.id]);
    assert!(out.starts_with(&format!("member {}", m.id)), "{out}");
    for p in &m.params {
        let line = out
            .lines()
            .find(|l| l.contains(&p.block) && l.contains(&format!(" {} ", p.name)))
            .unwrap_or_else(|| panic!("{}.{} missing:\n{out}", p.block, p.name));
        if !p.unit.is_empty() {
            assert!(line.trim_end().ends_with(&p.unit), "{line}");
        }
    }
    for s in &m.seeds {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().next() == Some(&s.to_string())),
            "seed {s} row missing:\n{out}"
        );
    }
    let sol = f.run.join(&m.sources);
    assert!(out.contains(&sol.display().to_string()), "{out}");
    assert!(out.contains("Candidate.sol"), "{out}");
    let design = f.run.join("designs").join(format!("{}.toml", m.id));
    assert!(design.is_file());
    // The printed commands re-simulate the member: the archive's values on every seed.
    let cmds: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("tsynth sim "))
        .collect();
    assert!(!cmds.is_empty(), "{out}");
    let mut outcomes = Vec::new();
    for cmd in &cmds {
        assert!(
            cmd.contains(&format!("--design {}", design.display())),
            "{cmd}"
        );
        let mut args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let out_dir = args[args.iter().position(|a| *a == "--out").expect("--out") + 1];
        assert!(Path::new(out_dir).starts_with(f.run.join("sims")), "{cmd}");
        args.push("--no-plots");
        ok(&args);
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(Path::new(out_dir).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(summary["full_hash"].as_str(), Some(m.full_hash.as_str()));
        outcomes.extend(summary["per_seed"].as_array().unwrap().clone());
    }
    assert_eq!(outcomes.len(), m.per_seed.len());
    for (got, want) in outcomes.iter().zip(&m.per_seed) {
        assert_eq!(got["seed"].as_u64(), Some(want.seed));
        for o in &a.objectives {
            let g = got["values"][o.as_str()].as_f64().unwrap();
            assert_eq!(
                g,
                want.values[o.as_str()],
                "{o} differs on seed {}",
                want.seed
            );
        }
    }
}

#[test]
fn export_csv_and_json_carry_the_archive_values() {
    let f = shared_run();
    let run = f.run.to_str().unwrap();
    let a = archive(&f.run);
    let csv = ok(&["front", "export", run, "--format", "csv"]);
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&head[..3], &["id", "feasible", "violation"]);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), a.members.len());
    for (row, m) in rows.iter().zip(&a.members) {
        let cols: Vec<&str> = row.split(',').collect();
        assert_eq!(cols[0], m.id);
        for o in &a.objectives {
            let k = head.iter().position(|h| *h == format!("mean_{o}")).unwrap();
            assert_eq!(cols[k].parse::<f64>().unwrap(), m.objectives.mean[o]);
            let k = head
                .iter()
                .position(|h| *h == format!("worst_{o}"))
                .unwrap();
            assert_eq!(cols[k].parse::<f64>().unwrap(), m.objectives.worst[o]);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("front.json");
    ok(&[
        "front",
        "export",
        run,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), a.members.len());
    for (j, m) in members.iter().zip(&a.members) {
        assert_eq!(j["id"], m.id.as_str());
        assert_eq!(j["params"].as_array().unwrap().len(), m.params.len());
        assert_eq!(
            j["objectives"]["worst"]["slippage"].as_f64().unwrap(),
            m.objectives.worst["slippage"]
        );
        assert_eq!(j["design"].as_str().unwrap(), m.design);
    }
}

#[test]
fn plot_marks_known_designs_and_caches_their_scores() {
    let f = shared_run();
    let run = f.run.to_str().unwrap();
    let a = archive(&f.run);
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("front.svg");
    let designs = root().join("designs");
    let designs = designs.to_str().unwrap();
    let out = ok(&[
        "front",
        "plot",
        run,
        "--x",
        "slippage",
        "--y",
        "rug_risk",
        "--out",
        svg.to_str().unwrap(),
        "--designs",
        designs,
    ]);
    assert!(
        out.contains(&format!(
            "{} front member(s), {} known design(s)",
            a.members.iter().filter(|m| m.feasible).count(),
            amm_design_count()
        )),
        "{out}"
    );
    let s = std::fs::read_to_string(&svg).unwrap();
    for name in ["ocean-v3", "ocean-v4", "ocean-v4.1"] {
        assert!(s.lines().any(|l| l.trim() == name), "label {name} missing");
    }
    assert!(
        s.matches("<circle").count() > a.members.len(),
        "front points missing"
    );
    // The cache holds every pool design scored on the run's scenario and seeds.
    let cache: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.run.join("known-designs.json")).unwrap())
            .unwrap();
    let ds = cache["designs"].as_array().unwrap();
    assert_eq!(ds.len(), amm_design_count());
    for d in ds {
        let seeds = &a
            .members
            .iter()
            .find(|m| !m.seeds.is_empty())
            .unwrap()
            .seeds;
        assert_eq!(d["seeds"], serde_json::json!(seeds));
        assert!(d["objectives"]["mean"]["complexity"].as_f64().unwrap() > 0.0);
    }
    let before = std::fs::metadata(f.run.join("known-designs.json"))
        .unwrap()
        .modified()
        .unwrap();
    // Matrix as PNG, from the cache (no re-scoring: the cache file is not rewritten).
    let png = dir.path().join("matrix.png");
    let out = tsynth_in(
        &root(),
        &[
            "front",
            "plot",
            run,
            "--matrix",
            "--out",
            png.to_str().unwrap(),
            "--designs",
            designs,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("scoring known design"),
        "{}",
        text(&out.stderr)
    );
    let after = std::fs::metadata(f.run.join("known-designs.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let reader = decoder.read_info().unwrap();
    let (w, h) = (reader.info().width, reader.info().height);
    assert!(w >= 1200 && h >= 1200, "{w}x{h}");
}

#[test]
fn plot_without_axes_draws_the_scatter_matrix() {
    let f = shared_run();
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("default.png");
    let out = tsynth_in(
        &root(),
        &[
            "front",
            "plot",
            f.run.to_str().unwrap(),
            "--out",
            png.to_str().unwrap(),
            "--no-known",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&png).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let reader = decoder.read_info().unwrap();
    // The matrix is square and large (one panel per pair), a single scatter is 960x720.
    let (w, h) = (reader.info().width, reader.info().height);
    assert!(w >= 1200 && w == h, "{w}x{h}");
}

#[test]
fn diff_compares_hypervolume_and_dominance() {
    let f = shared_run();
    let dir = tempfile::tempdir().unwrap();
    let b = build_run(dir.path(), "run-b", 8, 6);
    let (ra, rb) = (f.run.to_str().unwrap(), b.run.to_str().unwrap());
    // A run against itself: equal hypervolume, nobody dominated.
    let out = ok(&["front", "diff", ra, ra]);
    assert!(out.contains("equal hypervolume"), "{out}");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .filter(|l| l.starts_with("A     ") || l.starts_with("B     "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][3], "0");
    assert_eq!(rows[1][3], "0");
    // A against B: the numbers are those of an independent computation.
    let out = ok(&["front", "diff", ra, rb]);
    let (aa, ab) = (archive(&f.run), archive(&b.run));
    let reference: Vec<f64> = aa
        .reference_point
        .iter()
        .zip(&ab.reference_point)
        .map(|(x, y)| x.max(*y))
        .collect();
    let pts = |a: &ArchiveFile| -> Vec<Vec<f64>> {
        a.members
            .iter()
            .map(|m| m.objectives.vector(a.aggregation, &a.objectives))
            .collect()
    };
    let (pa, pb) = (pts(&aa), pts(&ab));
    let hv_a = tsynth_moo::hypervolume(&pa, &reference).unwrap();
    let hv_b = tsynth_moo::hypervolume(&pb, &reference).unwrap();
    let dom = |xs: &[Vec<f64>], by: &[Vec<f64>]| {
        xs.iter()
            .filter(|x| by.iter().any(|y| tsynth_moo::dominance::dominates(y, x)))
            .count()
    };
    let rows: Vec<Vec<&str>> = out
        .lines()
        .filter(|l| l.starts_with("A     ") || l.starts_with("B     "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    let close = |s: &str, want: f64| {
        let got: f64 = s.parse().unwrap();
        (got - want).abs() <= 1e-5 * want.abs().max(1e-12)
    };
    assert!(close(rows[0][2], hv_a), "{out}\nwant {hv_a}");
    assert!(close(rows[1][2], hv_b), "{out}\nwant {hv_b}");
    assert_eq!(rows[0][3], dom(&pa, &pb).to_string(), "{out}");
    assert_eq!(rows[1][3], dom(&pb, &pa).to_string(), "{out}");
    assert_eq!(rows[0][1], pa.len().to_string());
}

#[test]
fn errors_name_the_path_id_or_objective_and_exit_1() {
    let f = shared_run();
    let run = f.run.to_str().unwrap();
    let a = archive(&f.run);
    let dir = tempfile::tempdir().unwrap();
    let nothing = dir.path().join("nothing");
    let e = fails(&["front", "list", nothing.to_str().unwrap()]);
    assert!(
        e.contains(&nothing.display().to_string()) && e.contains("no such directory"),
        "{e}"
    );
    let e = fails(&["front", "list", dir.path().to_str().unwrap()]);
    assert!(
        e.contains("not a run directory") && e.contains("run.toml"),
        "{e}"
    );
    // A run without an archive.
    let partial = dir.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    std::fs::copy(f.run.join("run.toml"), partial.join("run.toml")).unwrap();
    let e = fails(&["front", "show", partial.to_str().unwrap(), "m0001"]);
    assert!(
        e.contains("archive.json") && e.contains("missing archive"),
        "{e}"
    );
    // A corrupt archive names the file.
    std::fs::write(partial.join("archive.json"), "{ \"objectives\": [").unwrap();
    let e = fails(&["front", "export", partial.to_str().unwrap()]);
    assert!(e.contains("archive.json"), "{e}");
    // Unknown id: the valid ones are listed.
    let e = fails(&["front", "show", run, "m9999"]);
    assert!(e.contains("unknown member id `m9999`"), "{e}");
    for m in &a.members {
        assert!(e.contains(&m.id), "{e}");
    }
    // Unknown objective: the valid ones are listed.
    for args in [
        vec!["front", "list", run, "--sort", "profit"],
        vec![
            "front",
            "plot",
            run,
            "--x",
            "profit",
            "--y",
            "slippage",
            "--out",
            "/tmp/never.svg",
            "--no-known",
        ],
    ] {
        let e = fails(&args);
        assert!(e.contains("unknown objective `profit`"), "{e}");
        assert!(
            e.contains("slippage, price_drawdown, rug_risk, complexity"),
            "{e}"
        );
    }
    let e = fails(&[
        "front",
        "plot",
        run,
        "--matrix",
        "--out",
        "/tmp/x.gif",
        "--no-known",
    ]);
    assert!(e.contains("x.gif") && e.contains(".svg, .png"), "{e}");
}
