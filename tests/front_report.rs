//! `tsynth front report` in a real browser (headless Debian chromium): the page is
//! self-contained, `#select=<id>` selects a member, a real mouse click (Chrome DevTools
//! protocol) and hovering fill the detail panel, and a screenshot is not blank.
//!
//! Chromium comes from Debian's package, installed by `.ci/run` (tests never install
//! anything); under `CI=true` a missing browser fails the tests, elsewhere the
//! browser tests print why and return.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::front_support::{amm_design_count, root, shared_run, test_dir, text, tsynth_in};
use tsynth_search::rundir::{ArchiveFile, ArchiveMember, RunDir};

fn archive(run: &Path) -> ArchiveFile {
    RunDir::open(run).unwrap().read_archive().unwrap()
}

/// The report of the shared run, written once per test binary.
fn report() -> &'static PathBuf {
    static REPORT: OnceLock<PathBuf> = OnceLock::new();
    REPORT.get_or_init(|| {
        let f = shared_run();
        let out = test_dir("report");
        let designs = root().join("designs");
        let o = tsynth_in(
            &root(),
            &[
                "front",
                "report",
                f.run.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--designs",
                designs.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains(&format!("{} known design(s)", amm_design_count())),
            "{}",
            text(&o.stdout)
        );
        out.join("index.html")
    })
}

/// A member with parameters (the most of them), so the detail panel has something to show.
fn member_with_params(a: &ArchiveFile) -> &ArchiveMember {
    a.members.iter().max_by_key(|m| m.params.len()).unwrap()
}

fn find_chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|n| {
        let out = Command::new("sh")
            .args(["-c", &format!("command -v {n}")])
            .output()
            .ok()?;
        let p = text(&out.stdout).trim().to_string();
        (out.status.success() && !p.is_empty()).then(|| PathBuf::from(p))
    })
}

/// Chromium, or `None` (with the reason printed) when it is not installed. Tests never
/// install anything: `.ci/run` installs Debian's chromium. Under `CI=true` a missing browser
/// is a failure, not a skip.
fn chromium() -> Option<&'static PathBuf> {
    static CHROMIUM: OnceLock<Option<PathBuf>> = OnceLock::new();
    CHROMIUM
        .get_or_init(|| {
            let found = find_chromium();
            if found.is_none() {
                assert!(
                    std::env::var("CI").map_or(true, |v| v != "true"),
                    "chromium is missing under CI=true: .ci/run installs it (apt-get install chromium)"
                );
                eprintln!(
                    "SKIPPED: chromium is not installed (`bash .ci/run` installs it; `apt-get install chromium`)"
                );
            }
            found
        })
        .as_ref()
}

fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1400,1000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

fn file_url(p: &Path, hash: &str) -> String {
    format!("file://{}{hash}", p.canonicalize().unwrap().display())
}

#[test]
fn report_is_one_self_contained_page_with_every_member() {
    let html = std::fs::read_to_string(report()).unwrap();
    let a = archive(&shared_run().run);
    assert!(!html.contains("<script src"), "external script");
    assert!(!html.contains("<link"), "external stylesheet");
    assert!(!html.contains("https://"), "network reference");
    assert!(!html.contains("__DATA__") && !html.contains("/*__SCRIPT__*/"));
    // The embedded data holds every member, its sources and the hypervolume history.
    let start = html
        .find(r#"<script type="application/json" id="front-data">"#)
        .unwrap();
    let body = &html[start..];
    let json = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    let ids: Vec<&str> = data["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = a.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, want);
    for m in &a.members {
        let files = &data["sources"][m.sources.as_str()];
        assert!(
            files["Candidate.sol"]
                .as_str()
                .unwrap()
                .contains("contract Candidate"),
            "{}",
            m.id
        );
    }
    let gens = RunDir::open(&shared_run().run)
        .unwrap()
        .read_generations()
        .unwrap();
    let hv: Vec<f64> = data["generations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["hypervolume"].as_f64().unwrap())
        .collect();
    assert_eq!(hv, gens.iter().map(|g| g.hypervolume).collect::<Vec<_>>());
    assert!(hv.len() >= 2);
    assert_eq!(data["known"].as_array().unwrap().len(), amm_design_count());
}

#[test]
fn hash_selection_fills_the_detail_panel() {
    let Some(chromium) = chromium() else { return };
    let a = archive(&shared_run().run);
    let m = member_with_params(&a);
    let profile = tempfile::tempdir().unwrap();
    let out = headless(chromium, profile.path())
        .arg("--dump-dom")
        .arg(file_url(report(), &format!("#select={}", m.id)))
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let dom = text(&out.stdout);
    assert!(
        dom.contains(&format!(r#"<span id="detail-id">{}</span>"#, m.id)),
        "detail-id not {}",
        m.id
    );
    let params = &dom[dom.find(r#"id="detail-params""#).unwrap()..];
    let params = &params[..params.find("</table>").unwrap()];
    for p in &m.params {
        assert!(
            params.contains(&format!("<td>{}</td>", p.name)),
            "{} missing",
            p.name
        );
    }
    // The point is highlighted in every off-diagonal panel of the k x k matrix.
    // Only that member's points are marked.
    let marked = dom.matches("class=\"pt sel\"").count();
    assert_eq!(marked, panels(), "selected points");
    let theirs = dom
        .match_indices("class=\"pt sel\"")
        .filter(|(i, _)| {
            let tag = &dom[*i..*i + dom[*i..].find('>').unwrap()];
            tag.contains(&format!(r#"data-id="{}""#, m.id))
        })
        .count();
    assert_eq!(theirs, panels(), "selected points of {}", m.id);
}

/// A tiny Chrome DevTools protocol client over a websocket.
struct Cdp {
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Cdp {
    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next += 1;
        let id = self.next;
        let msg = serde_json::json!({ "id": id, "method": method, "params": params });
        self.ws
            .send(tungstenite::Message::Text(msg.to_string().into()))
            .unwrap();
        loop {
            let m = self.ws.read().unwrap();
            let Ok(t) = m.to_text() else { continue };
            let v: serde_json::Value = serde_json::from_str(t).unwrap_or_default();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, expr: &str) -> serde_json::Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({ "expression": expr, "returnByValue": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    fn mouse(&mut self, kind: &str, x: f64, y: f64) {
        self.call(
            "Input.dispatchMouseEvent",
            serde_json::json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
        );
    }

    /// The centre of a visible, unobscured point of member `id`.
    fn point_of(&mut self, id: &str) -> (f64, f64) {
        let v = self.eval(&format!(
            r#"(() => {{
                for (const p of document.querySelectorAll('.pt[data-id="{id}"]')) {{
                    p.scrollIntoView({{block: 'center', inline: 'center'}});
                    const r = p.getBoundingClientRect();
                    const x = r.x + r.width / 2, y = r.y + r.height / 2;
                    if (document.elementFromPoint(x, y) === p) return [x, y];
                }}
                return null;
            }})()"#
        ));
        assert!(!v.is_null(), "no clickable point for {id}");
        (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
    }
}

struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // The DevTools server may keep the connection open: read up to Content-Length.
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = s.read(&mut chunk).unwrap_or(0);
        buf.extend_from_slice(&chunk[..n]);
        let t = String::from_utf8_lossy(&buf).into_owned();
        if let Some(i) = t.find("\r\n\r\n") {
            let len = t[..i]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(usize::MAX);
            if buf.len() - (i + 4) >= len || n == 0 {
                return t;
            }
        } else if n == 0 {
            return t;
        }
    }
}

#[test]
fn clicking_and_hovering_points_show_their_details() {
    let Some(chromium) = chromium() else { return };
    let a = archive(&shared_run().run);
    let m = member_with_params(&a);
    let other = a.members.iter().find(|o| o.id != m.id).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let _browser = Browser(
        headless(chromium, profile.path())
            .arg("--remote-debugging-port=0")
            .arg(file_url(report(), ""))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let port_file = profile.path().join("DevToolsActivePort");
    let started = Instant::now();
    let port: u16 = loop {
        if let Some(p) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
        {
            break p;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "chromium did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let ws_url = loop {
        let resp = http_get(port, "/json/list");
        let body = &resp[resp.find("\r\n\r\n").map_or(0, |i| i + 4)..];
        let targets: serde_json::Value = serde_json::from_str(body.trim()).unwrap_or_default();
        let page = targets.as_array().and_then(|ts| {
            ts.iter()
                .find(|t| {
                    t["type"] == "page"
                        && t["url"].as_str().is_some_and(|u| u.ends_with("index.html"))
                })
                .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string))
        });
        if let Some(u) = page {
            break u;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no page target: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let (ws, _) = tungstenite::connect(ws_url.as_str()).unwrap();
    let mut cdp = Cdp { ws, next: 0 };
    while cdp.eval("document.body && document.body.dataset.ready === '1'") != true {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "page never ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let detail_id = "document.getElementById('detail-id').textContent";
    assert_eq!(cdp.eval(detail_id), "nothing selected");

    // A real click on one of the member's points.
    let (x, y) = cdp.point_of(&m.id);
    cdp.mouse("mouseMoved", x, y);
    cdp.mouse("mousePressed", x, y);
    cdp.mouse("mouseReleased", x, y);
    assert_eq!(cdp.eval(detail_id), m.id.as_str());
    let params = cdp.eval("document.getElementById('detail-params').textContent");
    let params = params.as_str().unwrap();
    for p in &m.params {
        assert!(params.contains(&p.name), "{} missing in {params}", p.name);
        assert!(params.contains(&p.block), "{} missing in {params}", p.block);
    }
    let objectives = cdp.eval("document.getElementById('detail-objectives').textContent");
    for o in &a.objectives {
        assert!(objectives.as_str().unwrap().contains(o.as_str()));
    }
    let source = cdp.eval("document.getElementById('detail-source').textContent");
    assert!(source.as_str().unwrap().contains("contract Candidate"));
    assert_eq!(
        cdp.eval("location.hash"),
        format!("#select={}", m.id).as_str()
    );
    let held = cdp.eval("document.getElementById('detail-heldout').textContent");
    match &m.held_out {
        Some(h) => {
            for s in &h.seeds {
                assert!(
                    held.as_str().unwrap().contains(&format!("seed {s}")),
                    "{held}"
                );
            }
        }
        None => assert_eq!(held, ""),
    }
    assert_eq!(
        cdp.eval(&format!(
            "document.querySelectorAll('.pt.sel[data-id=\"{}\"]').length",
            m.id
        )),
        serde_json::json!(panels())
    );

    // Hovering another member previews it; leaving returns to the pinned one.
    let (x2, y2) = cdp.point_of(&other.id);
    cdp.mouse("mouseMoved", x2, y2);
    assert_eq!(cdp.eval(detail_id), other.id.as_str());
    cdp.mouse("mouseMoved", 2.0, 2.0);
    assert_eq!(cdp.eval(detail_id), m.id.as_str());

    // A known design is clickable too.
    let known = cdp.eval(
        r#"(() => { const k = document.querySelector('.known-hit'); k.scrollIntoView({block: 'center'});
                    const r = k.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2,
                    k.getAttribute('data-id')]; })()"#,
    );
    let (kx, ky) = (known[0].as_f64().unwrap(), known[1].as_f64().unwrap());
    cdp.mouse("mouseMoved", kx, ky);
    cdp.mouse("mousePressed", kx, ky);
    cdp.mouse("mouseReleased", kx, ky);
    let name = known[2].as_str().unwrap().trim_start_matches("known:");
    assert_eq!(cdp.eval(detail_id), name);
    assert_eq!(
        cdp.eval("document.getElementById('detail-kind').textContent"),
        "known design"
    );
}

#[test]
fn screenshot_is_not_blank() {
    let Some(chromium) = chromium() else { return };
    let a = archive(&shared_run().run);
    let m = member_with_params(&a);
    let profile = tempfile::tempdir().unwrap();
    let shot = report().with_file_name("screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let out = headless(chromium, profile.path())
        .arg(format!("--screenshot={}", shot.display()))
        .arg(file_url(report(), &format!("#select={}", m.id)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(out.success());
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1400, 1000));
    let ch = info.color_type.samples();
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(ch).collect();
    let white = px
        .iter()
        .filter(|p| p[0] > 245 && p[1] > 245 && p[2] > 245)
        .count();
    let colours: std::collections::BTreeSet<(u8, u8, u8)> =
        px.iter().map(|p| (p[0], p[1], p[2])).collect();
    // Blue front points and the orange selected point are drawn.
    let blue = px
        .iter()
        .filter(|p| p[2] > 150 && p[0] < 90 && p[1] > 90 && p[1] < 150)
        .count();
    let orange = px
        .iter()
        .filter(|p| p[0] > 240 && p[1] > 140 && p[1] < 180 && p[2] < 60)
        .count();
    eprintln!(
        "screenshot {}: {} colours, {:.1}% non-white, {blue} blue px, {orange} orange px",
        shot.display(),
        colours.len(),
        100.0 * (1.0 - white as f64 / px.len() as f64)
    );
    assert!(colours.len() > 100, "too few colours: {}", colours.len());
    assert!(white < px.len() * 97 / 100, "almost blank");
    assert!(
        blue > 100 && orange > 50,
        "points not drawn ({blue} blue, {orange} orange)"
    );
}

/// Off-diagonal panels of the shared run's scatter matrix: k objectives give k x (k - 1).
fn panels() -> usize {
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shared_run().run.join("archive.json")).unwrap())
            .unwrap();
    let k = a["objectives"].as_array().unwrap().len();
    k * (k - 1)
}
