// tsynth front report — plain JS, no dependencies. Reads the JSON in #front-data and draws
// an SVG scatter matrix, a detail panel, the hypervolume history and a members table.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("front-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var OBJ = DATA.objectives;
  var agg = DATA.aggregation === "worst" ? "worst" : "mean";
  var pinned = null;
  var sortKey = null, sortAsc = true;

  var byId = {};
  DATA.members.forEach(function (m) { byId[m.id] = { kind: "member", d: m }; });
  DATA.known.forEach(function (k) { byId["known:" + k.name] = { kind: "known", d: k }; });

  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fmt(x) {
    if (x === null || x === undefined) return "∞";
    if (typeof x !== "number") return String(x);
    if (!isFinite(x)) return "∞";
    var a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
    return String(parseFloat(x.toPrecision(6)));
  }
  function val(d, o) {
    var m = d.objectives && d.objectives[agg];
    var v = m ? m[o] : null;
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  // ---- scatter matrix ----
  function drawMatrix() {
    var host = document.getElementById("matrix");
    host.textContent = "";
    var k = OBJ.length, cell = 150, gap = 8, pad = 22;
    var size = k * cell + (k - 1) * gap + pad;
    var svg = el("svg", { viewBox: "0 0 " + size + " " + size, width: "100%", role: "img" }, host);
    var spans = OBJ.map(function (o) {
      var vs = [];
      DATA.members.concat(DATA.known).forEach(function (d) { var v = val(d, o); if (v !== null) vs.push(v); });
      if (!vs.length) return [0, 1];
      return [Math.min.apply(null, vs), Math.max.apply(null, vs)];
    });
    var ranges = spans.map(function (s) {
      var lo = s[0], hi = s[1];
      var p = hi - lo > 1e-12 ? (hi - lo) * 0.08 : Math.max(Math.abs(lo), 1) * 0.1;
      return [lo - p, hi + p];
    });
    for (var r = 0; r < k; r++) {
      for (var c = 0; c < k; c++) {
        var x0 = pad + c * (cell + gap), y0 = r * (cell + gap);
        var g = el("g", { transform: "translate(" + x0 + "," + y0 + ")" }, svg);
        if (r === c) {
          el("rect", { x: 0, y: 0, width: cell, height: cell, rx: 6, "class": "diag-bg" }, g);
          var t = el("text", { x: cell / 2, y: cell / 2 - 4, "text-anchor": "middle", "class": "diag-label" }, g);
          t.textContent = OBJ[r];
          var t2 = el("text", { x: cell / 2, y: cell / 2 + 14, "text-anchor": "middle", "class": "diag-range" }, g);
          t2.textContent = fmt(spans[r][0]) + " … " + fmt(spans[r][1]);
          continue;
        }
        el("rect", { x: 0, y: 0, width: cell, height: cell, rx: 6, "class": "panel-bg" }, g);
        drawPanel(g, cell, c, r, ranges[c], ranges[r]);
        if (r === k - 1) {
          var tx = el("text", { x: cell / 2, y: cell + 14, "text-anchor": "middle", "class": "tick" }, g);
          tx.textContent = OBJ[c];
        }
        if (c === 0) {
          var ty = el("text", { x: -6, y: cell / 2, "text-anchor": "middle", "class": "tick", transform: "rotate(-90 -6 " + cell / 2 + ")" }, g);
          ty.textContent = OBJ[r];
        }
      }
    }
    markSelected();
  }

  function drawPanel(g, cell, xi, yi, xr, yr) {
    var m = 8;
    function sx(v) { return m + (v - xr[0]) / (xr[1] - xr[0]) * (cell - 2 * m); }
    function sy(v) { return cell - m - (v - yr[0]) / (yr[1] - yr[0]) * (cell - 2 * m); }
    DATA.members.forEach(function (d) {
      var x = val(d, OBJ[xi]), y = val(d, OBJ[yi]);
      if (x === null || y === null) return;
      var p = el("circle", { cx: sx(x).toFixed(2), cy: sy(y).toFixed(2), r: 4.2, "class": "pt", "data-id": d.id }, g);
      hook(p, d.id);
    });
    DATA.known.forEach(function (d) {
      var x = val(d, OBJ[xi]), y = val(d, OBJ[yi]);
      if (x === null || y === null) return;
      var X = sx(x), Y = sy(y), s = 4.5, id = "known:" + d.name;
      var kg = el("g", { "class": "known-g", "data-id": id }, g);
      el("circle", { cx: X, cy: Y, r: 7, "class": "known-hit", "data-id": id }, kg);
      el("path", { d: "M" + (X - s) + " " + (Y - s) + "L" + (X + s) + " " + (Y + s) + "M" + (X + s) + " " + (Y - s) + "L" + (X - s) + " " + (Y + s), "class": "known", "data-id": id }, kg);
      var left = X > cell * 0.6;
      var t = el("text", { x: left ? X - 6 : X + 6, y: Y - 6, "text-anchor": left ? "end" : "start", "class": "known-label" }, kg);
      t.textContent = d.name;
      hook(kg, id);
    });
  }

  function hook(node, id) {
    node.addEventListener("mouseenter", function (ev) { showTooltip(ev, id); show(id); hoverAll(id, true); });
    node.addEventListener("mousemove", function (ev) { moveTooltip(ev); });
    node.addEventListener("mouseleave", function () { hideTooltip(); hoverAll(id, false); show(pinned); });
    node.addEventListener("click", function (ev) { ev.stopPropagation(); select(id); });
  }
  function hoverAll(id, on) {
    document.querySelectorAll('.pt[data-id="' + cssq(id) + '"]').forEach(function (p) { p.classList.toggle("hover", on); });
  }
  function cssq(s) { return String(s).replace(/["\\]/g, "\\$&"); }

  var tip = document.getElementById("tooltip");
  function showTooltip(ev, id) {
    var e = byId[id]; if (!e) return;
    var lines = [e.kind === "known" ? e.d.name + " (known design)" : e.d.id];
    OBJ.forEach(function (o) { lines.push(o + ": " + fmt(val(e.d, o))); });
    tip.textContent = lines.join("\n");
    tip.hidden = false;
    moveTooltip(ev);
  }
  function moveTooltip(ev) { tip.style.left = (ev.clientX + 14) + "px"; tip.style.top = (ev.clientY + 12) + "px"; }
  function hideTooltip() { tip.hidden = true; }

  // ---- detail panel ----
  function row(table, cells, head) {
    var tr = h("tr");
    cells.forEach(function (c, i) {
      var td = h(head ? "th" : "td", c);
      if (i > 0 && (typeof c === "number" || /^[-∞0-9.e+]+$/.test(String(c)))) td.className = "num";
      tr.appendChild(td);
    });
    table.appendChild(tr);
  }
  function show(id) {
    var e = id ? byId[id] : null;
    document.getElementById("detail-empty").hidden = !!e;
    document.getElementById("detail-body").hidden = !e;
    if (!e) {
      document.getElementById("detail-id").textContent = "nothing selected";
      document.getElementById("detail-kind").textContent = "design";
      return;
    }
    var d = e.d;
    document.getElementById("detail-kind").textContent = e.kind === "known" ? "known design" : "front member";
    document.getElementById("detail-id").textContent = e.kind === "known" ? d.name : d.id;
    var st = document.getElementById("detail-status");
    st.textContent = "";
    var f = h("span", d.feasible ? "feasible" : "infeasible", d.feasible ? "ok" : "bad");
    st.appendChild(f);
    st.appendChild(document.createTextNode("  violation " + fmt(d.violation) + (d.failure ? " — " + d.failure : "")));

    var tb = document.getElementById("detail-blocks"); tb.textContent = "";
    row(tb, ["slot", "block"], true);
    Object.keys(d.blocks || {}).forEach(function (s) { row(tb, [s, d.blocks[s]]); });

    var tp = document.getElementById("detail-params"); tp.textContent = "";
    row(tp, ["block", "parameter", "value"], true);
    (d.params || []).forEach(function (p) {
      var v = typeof p.value === "number" ? fmt(p.value) : String(p.value);
      row(tp, [p.block, p.name, v + (p.unit ? " " + p.unit : "")]);
    });
    if (!(d.params || []).length) row(tp, ["—", e.kind === "known" ? "see the design file below" : "no parameters", ""]);

    var to = document.getElementById("detail-objectives"); to.textContent = "";
    row(to, ["objective", "mean", "worst"], true);
    OBJ.forEach(function (o) { row(to, [o, fmt(d.objectives.mean[o]), fmt(d.objectives.worst[o])]); });

    var tc = document.getElementById("detail-criteria"); tc.textContent = "";
    var crit = d.criteria || [];
    document.getElementById("detail-criteria-h").hidden = !crit.length;
    if (crit.length) {
      row(tc, ["criterion", "verdict", "rule"], true);
      crit.forEach(function (c) { row(tc, [c.criterion, c.cell, c.rule]); });
    }

    var ts = document.getElementById("detail-seeds"); ts.textContent = "";
    row(ts, ["seed"].concat(OBJ).concat(["violation"]), true);
    (d.per_seed || []).forEach(function (s) {
      row(ts, [String(s.seed)].concat(OBJ.map(function (o) { return fmt((s.values || {})[o]); })).concat([fmt(s.violation)]));
    });
    if (!(d.per_seed || []).length) row(ts, ["seeds " + (d.seeds || []).join(", ")]);
    var ho = d.held_out;
    var th = document.getElementById("detail-heldout"); th.textContent = "";
    document.getElementById("detail-heldout-h").hidden = !ho;
    if (ho) {
      row(th, ["held-out"].concat(OBJ).concat(["violation"]), true);
      row(th, ["mean"].concat(OBJ.map(function (o) { return fmt(ho.objectives.mean[o]); })).concat([fmt(ho.violation)]));
      row(th, ["worst"].concat(OBJ.map(function (o) { return fmt(ho.objectives.worst[o]); })).concat([""]));
      (ho.per_seed || []).forEach(function (s) {
        row(th, ["seed " + s.seed].concat(OBJ.map(function (o) { return fmt((s.values || {})[o]); })).concat([fmt(s.violation)]));
      });
    }

    var files = (d.sources && DATA.sources[d.sources]) || {};
    document.getElementById("detail-hash").textContent = d.structure_hash ? "structure " + d.structure_hash : "";
    var fb = document.getElementById("detail-files"); fb.textContent = "";
    var names = Object.keys(files);
    var pre = document.getElementById("detail-source");
    function open(n) {
      pre.textContent = files[n];
      fb.querySelectorAll("button").forEach(function (b) { b.classList.toggle("on", b.dataset.file === n); });
    }
    names.forEach(function (n) {
      var b = h("button", n); b.type = "button"; b.dataset.file = n;
      b.addEventListener("click", function () { open(n); });
      fb.appendChild(b);
    });
    var first = names.filter(function (n) { return /Candidate/.test(n); })[0] || names[0];
    if (first) open(first); else pre.textContent = e.kind === "known" ? "(emitted from the design file when simulated)" : "(sources missing)";
    document.getElementById("detail-design").textContent = d.design || "";
  }

  function markSelected() {
    document.querySelectorAll(".sel").forEach(function (n) { n.classList.remove("sel"); });
    if (!pinned) return;
    document.querySelectorAll('[data-id="' + cssq(pinned) + '"]').forEach(function (n) {
      if (n.classList.contains("pt") || n.classList.contains("known") || n.tagName === "TR") n.classList.add("sel");
    });
  }
  function select(id) {
    if (!byId[id]) return;
    pinned = id;
    show(id);
    markSelected();
    if (history.replaceState) history.replaceState(null, "", "#select=" + encodeURIComponent(id));
  }

  // ---- hypervolume chart ----
  function drawHv() {
    var host = document.getElementById("hv-chart");
    var gs = DATA.generations.filter(function (g) { return typeof g.hypervolume === "number"; });
    if (!gs.length) { host.appendChild(h("div", "No generations.jsonl with hypervolume in this run.", "muted")); return; }
    var W = 640, H = 220, L = 64, B = 32, T = 10, R = 14;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img" }, host);
    var xs = gs.map(function (g) { return g.generation; }), ys = gs.map(function (g) { return g.hypervolume; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x1 === x0) x1 = x0 + 1;
    if (y1 - y0 < 1e-15) { y0 -= Math.abs(y0) * 0.05 + 1e-9; y1 += Math.abs(y1) * 0.05 + 1e-9; }
    function sx(v) { return L + (v - x0) / (x1 - x0) * (W - L - R); }
    function sy(v) { return H - B - (v - y0) / (y1 - y0) * (H - B - T); }
    el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, "class": "axis" }, svg);
    el("line", { x1: L, y1: T, x2: L, y2: H - B, "class": "axis" }, svg);
    [y0, (y0 + y1) / 2, y1].forEach(function (v) {
      var t = el("text", { x: L - 6, y: sy(v) + 3, "text-anchor": "end", "class": "tick" }, svg); t.textContent = fmt(v);
    });
    [x0, x1].forEach(function (v) {
      var t = el("text", { x: sx(v), y: H - B + 14, "text-anchor": "middle", "class": "tick" }, svg); t.textContent = String(v);
    });
    var lab = el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", "class": "tick" }, svg); lab.textContent = "generation";
    el("path", { d: gs.map(function (g, i) { return (i ? "L" : "M") + sx(g.generation).toFixed(1) + " " + sy(g.hypervolume).toFixed(1); }).join(""), "class": "hv-line" }, svg);
    gs.forEach(function (g) {
      var c = el("circle", { cx: sx(g.generation), cy: sy(g.hypervolume), r: 3, "class": "hv-dot" }, svg);
      var tt = el("title", {}, c); tt.textContent = "generation " + g.generation + ": hypervolume " + fmt(g.hypervolume) + ", front " + g.front_size;
    });
  }

  // ---- members table ----
  function drawTable() {
    var t = document.getElementById("members"); t.textContent = "";
    var cols = ["id"].concat(OBJ).concat(["blocks"]);
    var tr = h("tr");
    cols.forEach(function (c) {
      var th = h("th", c + (sortKey === c ? (sortAsc ? " ▲" : " ▼") : ""));
      if (OBJ.indexOf(c) >= 0) th.className = "num";
      th.addEventListener("click", function () { if (sortKey === c) sortAsc = !sortAsc; else { sortKey = c; sortAsc = true; } drawTable(); markSelected(); });
      tr.appendChild(th);
    });
    t.appendChild(tr);
    var ms = DATA.members.slice();
    if (sortKey && sortKey !== "id" && sortKey !== "blocks") {
      ms.sort(function (a, b) { var x = val(a, sortKey), y = val(b, sortKey); x = x === null ? Infinity : x; y = y === null ? Infinity : y; return (x - y) * (sortAsc ? 1 : -1) || (a.id < b.id ? -1 : 1); });
    } else if (sortKey === "id" && !sortAsc) ms.reverse();
    ms.forEach(function (m) {
      var r = h("tr"); r.dataset.id = m.id;
      r.appendChild(h("td", m.id));
      OBJ.forEach(function (o) { r.appendChild(h("td", fmt(val(m, o)), "num")); });
      r.appendChild(h("td", Object.keys(m.blocks || {}).map(function (s) { return m.blocks[s]; }).join(", ")));
      r.addEventListener("click", function () { select(m.id); });
      t.appendChild(r);
    });
  }

  function setAgg(a) {
    agg = a;
    document.querySelectorAll("button.agg").forEach(function (b) { b.classList.toggle("on", b.dataset.agg === a); });
    drawMatrix(); drawTable(); markSelected();
    show(pinned);
  }
  document.querySelectorAll("button.agg").forEach(function (b) { b.addEventListener("click", function () { setAgg(b.dataset.agg); }); });

  document.getElementById("summary").textContent =
    DATA.members.length + " front member(s) · " + DATA.known.length + " known design(s) · " +
    DATA.generations.length + " generation(s) · scenario " + (DATA.scenario || "?") + " · run " + DATA.run;

  drawHv();
  setAgg(agg);
  function fromHash() {
    var m = /^#select=(.+)$/.exec(location.hash);
    if (m) select(decodeURIComponent(m[1]));
  }
  fromHash();
  window.addEventListener("hashchange", fromHash);
  document.body.dataset.ready = "1";
})();
