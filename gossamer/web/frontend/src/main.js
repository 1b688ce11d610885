// The gossamer workbench: one page, seven views sharing one filter state.
// Every piece of corpus text reaches the page through textContent or an attribute set by
// setAttribute on an element we create: never innerHTML, so article text stays inert.
import { geoNaturalEarth1, geoPath, geoGraticule10 } from "d3-geo";
import { feature } from "topojson-client";
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import countries from "world-atlas/countries-110m.json";

const SVGNS = "http://www.w3.org/2000/svg";
const FILTER_KEYS = ["since", "until", "actor", "place", "category", "grade"];
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];

const state = { filters: {}, view: "map", health: null, colours: {}, docId: null };

// ---------------------------------------------------------------- small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  setAttrs(node, attrs);
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === "text") node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function params(extra = {}) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (state.filters[k]) p.set(k, state.filters[k]);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== "") p.set(k, v);
  return p;
}

async function api(path, extra = {}, useFilters = true) {
  const p = useFilters ? params(extra) : new URLSearchParams(extra);
  const res = await fetch(`${path}?${p}`, { headers: { accept: "application/json" } });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

function exportLink(label, path, extra = {}) {
  return el("a", { href: `${path}?${params(extra)}`, download: "", class: "export" }, label);
}

function colour(category) {
  const key = category || "OTHER";
  if (!state.colours[key]) {
    const n = Object.keys(state.colours).length;
    state.colours[key] = PALETTE[n % PALETTE.length];
  }
  return state.colours[key];
}

function status(text, isError = false) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

function legend(items) {
  return el("div", { class: "legend" },
    // a tiny SVG swatch: the CSP forbids inline style attributes, SVG fill is an attribute
    items.map(([name, c]) => el("span", {}, svg("svg", { class: "swatch", width: 10, height: 10, viewBox: "0 0 10 10" },
      svg("rect", { width: 10, height: 10, rx: 2, fill: c })), name)));
}

// ---------------------------------------------------------------- filter state

function readFilterForm() {
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = document.getElementById(`f-${k}`).value.trim();
    if (v) f[k] = v;
  }
  return f;
}

function writeFilterForm() {
  for (const k of FILTER_KEYS) document.getElementById(`f-${k}`).value = state.filters[k] || "";
}

function setFilters(patch) {
  state.filters = { ...state.filters, ...patch };
  for (const k of Object.keys(state.filters)) if (!state.filters[k]) delete state.filters[k];
  writeFilterForm();
  render();
}

function filterSummary() {
  const parts = FILTER_KEYS.filter((k) => state.filters[k]).map((k) => `${k}=${state.filters[k]}`);
  return parts.length ? parts.join(" · ") : "no filters";
}

// ---------------------------------------------------------------- views

const views = {
  map: renderMap,
  timeline: renderTimeline,
  web: renderWeb,
  claims: renderClaims,
  reader: renderReader,
  search: renderSearch,
  add: renderAdd,
};

function show(view) {
  state.view = view;
  if (location.hash !== `#${view}`) history.replaceState(null, "", `#${view}`);
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.view === view);
  for (const s of document.querySelectorAll(".view")) s.classList.toggle("active", s.id === `view-${view}`);
  render();
}

let renderToken = 0;
async function render() {
  const mine = ++renderToken;
  const root = document.getElementById(`view-${state.view}`);
  try {
    status(`loading… (${filterSummary()})`);
    await views[state.view](root, () => mine === renderToken);
    if (mine === renderToken) status(filterSummary());
  } catch (err) {
    if (mine === renderToken) status(String(err.message || err), true);
  }
  document.body.dataset.ready = state.view;
}

// Map ---------------------------------------------------------------------------------------

const WORLD = feature(countries, countries.objects.countries);

async function renderMap(root, current) {
  const cell = 0.5;
  const data = await api("/api/map", { cell });
  if (!current()) return;
  clear(root);
  const W = 960, H = 500;
  const pts = data.features;
  const projection = geoNaturalEarth1();
  if (pts.length) {
    // frame the points, at least 10 degrees each way so one point does not zoom to infinity
    const lons = pts.map((f) => f.geometry.coordinates[0]), lats = pts.map((f) => f.geometry.coordinates[1]);
    let [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const padLon = Math.max(0, 10 - (e - w)) / 2, padLat = Math.max(0, 10 - (n - s)) / 2;
    [w, e, s, n] = [Math.max(-180, w - padLon), Math.min(180, e + padLon), Math.max(-85, s - padLat), Math.min(85, n + padLat)];
    const extent = { type: "MultiPoint", coordinates: [[w, s], [e, n], [w, n], [e, s]] };
    projection.fitExtent([[60, 40], [W - 60, H - 40]], extent);
    if (projection.scale() > 3000) projection.scale(3000);
  } else projection.fitSize([W, H], { type: "Sphere" });
  const path = geoPath(projection);
  const map = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, id: "map-svg", xmlns: SVGNS });
  map.append(svg("rect", { class: "sea", x: 0, y: 0, width: W, height: H }));
  map.append(svg("path", { d: path(geoGraticule10()), fill: "none", stroke: "#e3eaf1", "stroke-width": 0.5 }));
  for (const f of WORLD.features) map.append(svg("path", { class: "land", d: path(f) || "" }));
  const detail = el("div", { class: "panel", id: "map-detail" }, el("p", { class: "muted" }, "Click a point for its events."));
  const max = Math.max(1, ...pts.map((f) => f.properties.count));
  for (const f of pts) {
    const [x, y] = projection(f.geometry.coordinates);
    const p = f.properties;
    const dot = svg("circle", {
      class: "pt", cx: x.toFixed(1), cy: y.toFixed(1), r: (3 + 9 * Math.sqrt(p.count / max)).toFixed(1),
      fill: colour(p.category), "data-category": p.category,
    }, svg("title", {}, `${p.category}: ${p.count} event(s), ${p.first || "?"} – ${p.last || "?"}`));
    dot.addEventListener("click", () => mapDetail(detail, f, cell));
    map.append(dot);
  }
  const cats = [...new Set(pts.map((f) => f.properties.category))].sort();
  root.append(
    el("div", { class: "toolbar" },
      el("strong", {}, `${pts.reduce((n, f) => n + f.properties.count, 0)} located events`),
      exportLink("GeoJSON", "/api/export/events.geojson"),
      el("button", { type: "button", on: { click: () => downloadSvg(map) } }, "SVG")),
    legend(cats.map((c) => [c, colour(c)])),
    el("div", { class: "split" }, el("div", {}, map), detail));
}

async function mapDetail(panel, f, cell) {
  const [lon, lat] = f.geometry.coordinates;
  const km = Math.max(5, cell * 111 * 0.75);
  const data = await api("/api/events", { near: `${lat.toFixed(4)},${lon.toFixed(4)}`, km: km.toFixed(0), category: f.properties.category, limit: 50 });
  clear(panel);
  panel.append(el("h3", {}, `${f.properties.category} near ${lat.toFixed(2)}, ${lon.toFixed(2)}`));
  for (const v of data.items) {
    panel.append(el("div", { class: "event" },
      el("strong", {}, `${v.date || "?"} ${v.category || ""} `),
      el("span", {}, [v.actors.join(", "), v.trigger, v.recipients.join(", ")].filter(Boolean).join(" ")),
      el("div", { class: "muted" }, `${v.place || ""} · ${v.outlet || ""} · `,
        el("a", { href: "#", on: { click: (e) => { e.preventDefault(); openDoc(v.doc_id); } } }, v.title || v.doc_id))));
  }
}

function downloadSvg(node) {
  const text = new XMLSerializer().serializeToString(node);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  const a = el("a", { href: url, download: "gossamer-map.svg" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Timeline ----------------------------------------------------------------------------------

function dayNumber(iso) {
  return Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000);
}
function isoDay(n) {
  return new Date(n * 86400000).toISOString().slice(0, 10);
}

async function renderTimeline(root, current) {
  const data = await api("/api/timeline");
  if (!current()) return;
  clear(root);
  const days = data.days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day));
  root.append(el("div", { class: "toolbar" },
    el("strong", { id: "timeline-total" }, `${days.reduce((n, d) => n + d.total, 0)} events on ${days.length} day(s)`),
    el("span", { class: "muted" }, "drag across the bars to set the time filter"),
    el("button", { type: "button", on: { click: () => setFilters({ since: "", until: "" }) } }, "clear time"),
    exportLink("CSV", "/api/export/events.csv")));
  root.append(legend(data.categories.map((c) => [c, colour(c)])));
  if (!days.length) {
    root.append(el("p", { class: "muted" }, "No dated events match."));
    return;
  }
  const W = 960, H = 300, L = 40, B = 30;
  const first = dayNumber(days[0].day), last = dayNumber(days[days.length - 1].day);
  const span = Math.max(1, last - first + 1);
  const bw = (W - L - 10) / span;
  const max = Math.max(...days.map((d) => d.total));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, id: "timeline-svg" });
  const y = (n) => H - B - (n / max) * (H - B - 10);
  chart.append(svg("text", { class: "axis", x: 2, y: 14 }, String(max)));
  for (const d of days) {
    const x = L + (dayNumber(d.day) - first) * bw;
    let acc = 0;
    for (const c of data.categories) {
      const n = d.categories[c] || 0;
      if (!n) continue;
      chart.append(svg("rect", {
        class: "bar", x: x.toFixed(1), width: Math.max(1, bw - 1).toFixed(1), y: y(acc + n).toFixed(1),
        height: (y(acc) - y(acc + n)).toFixed(1), fill: colour(c), "data-day": d.day,
      }, svg("title", {}, `${d.day} ${c}: ${n}`)));
      acc += n;
    }
  }
  const ticks = Math.min(8, span);
  for (let i = 0; i < ticks; i++) {
    const n = first + Math.round((i * (span - 1)) / Math.max(1, ticks - 1));
    chart.append(svg("text", { class: "axis", x: (L + (n - first) * bw).toFixed(1), y: H - 10 }, isoDay(n)));
  }
  // brushing: drag sets since/until to the days under the band
  const band = svg("rect", { class: "brush", x: 0, y: 0, width: 0, height: H - B, visibility: "hidden" });
  chart.append(band);
  const toX = (ev) => {
    const r = chart.getBoundingClientRect();
    return ((ev.clientX - r.left) / r.width) * W;
  };
  const toDay = (x) => first + Math.min(span - 1, Math.max(0, Math.floor((x - L) / bw)));
  let start = null;
  chart.addEventListener("mousedown", (ev) => {
    start = toX(ev);
    setAttrs(band, { x: start, width: 0, visibility: "visible" });
    ev.preventDefault();
  });
  chart.addEventListener("mousemove", (ev) => {
    if (start === null) return;
    const x = toX(ev);
    setAttrs(band, { x: Math.min(start, x), width: Math.abs(x - start) });
  });
  const end = (ev) => {
    if (start === null) return;
    const x = toX(ev);
    const a = toDay(Math.min(start, x)), b = toDay(Math.max(start, x));
    start = null;
    setFilters({ since: isoDay(a), until: isoDay(b) });
  };
  chart.addEventListener("mouseup", end);
  root.append(chart);
}

// Actor web ---------------------------------------------------------------------------------

async function renderWeb(root, current) {
  const data = await api("/api/web", { limit: 400 });
  if (!current()) return;
  clear(root);
  const types = [...new Set(data.edges.map((e) => e.type))].sort();
  const ntypes = [...new Set(data.nodes.map((n) => n.type || "?"))].sort();
  const edgeColour = Object.fromEntries(types.map((t, i) => [t, PALETTE[(i + 3) % PALETTE.length]]));
  const nodeColour = Object.fromEntries(ntypes.map((t, i) => [t, PALETTE[(i + 9) % PALETTE.length]]));
  const detail = el("div", { class: "panel", id: "web-detail" }, el("p", { class: "muted" }, "Click an actor or a tie for its evidence."));
  root.append(el("div", { class: "toolbar" },
    el("strong", {}, `${data.nodes.length} actors, ${data.edges.length} of ${data.total} ties`),
    exportLink("GEXF", "/api/export/web.gexf", { limit: 2000 })));
  root.append(legend([...types.map((t) => [`tie: ${t}`, edgeColour[t]]), ...ntypes.map((t) => [`actor: ${t}`, nodeColour[t]])]));
  if (!data.nodes.length) {
    root.append(el("p", { class: "muted" }, "No actor ties match (the web is built when the corpus is linked)."));
    return;
  }
  const g = new Graph({ multi: true, type: "directed" });
  data.nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / data.nodes.length;
    g.addNode(n.id, { x: Math.cos(a) * 100, y: Math.sin(a) * 100, size: 1 });
  });
  for (const e of data.edges) g.addEdgeWithKey(e.id, e.source, e.target, { weight: e.weight || 1 });
  forceAtlas2.assign(g, { iterations: 150, settings: { gravity: 1, scalingRatio: 10, barnesHutOptimize: g.order > 300 } });
  const W = 800, H = 560, pad = 50;
  const xs = g.mapNodes((_, a) => a.x), ys = g.mapNodes((_, a) => a.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x) => pad + ((x - x0) / Math.max(1e-9, x1 - x0)) * (W - 2 * pad);
  const sy = (y) => pad + ((y - y0) / Math.max(1e-9, y1 - y0)) * (H - 2 * pad);
  const pic = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, id: "web-svg" });
  const byId = Object.fromEntries(data.nodes.map((n) => [n.id, n]));
  const select = (node) => {
    for (const s of pic.querySelectorAll(".sel")) s.classList.remove("sel");
    node.classList.add("sel");
  };
  for (const e of data.edges) {
    const a = g.getNodeAttributes(e.source), b = g.getNodeAttributes(e.target);
    const line = svg("line", {
      class: "edge", x1: sx(a.x).toFixed(1), y1: sy(a.y).toFixed(1), x2: sx(b.x).toFixed(1), y2: sy(b.y).toFixed(1),
      stroke: edgeColour[e.type], "stroke-width": Math.min(8, 1.5 + Math.log2(1 + (e.weight || 1))).toFixed(1),
      "data-type": e.type,
    }, svg("title", {}, `${byId[e.source].name} — ${e.type} — ${byId[e.target].name}`));
    line.addEventListener("click", () => { select(line); edgeDetail(detail, [e], byId); });
    pic.append(line);
  }
  for (const n of data.nodes) {
    const a = g.getNodeAttributes(n.id);
    const dot = svg("circle", {
      class: "node", cx: sx(a.x).toFixed(1), cy: sy(a.y).toFixed(1), r: (4 + Math.min(10, Math.sqrt(n.documents || 1) * 2)).toFixed(1),
      fill: nodeColour[n.type || "?"], "data-id": n.id,
    }, svg("title", {}, `${n.name} (${n.type || "?"})`));
    dot.addEventListener("click", () => {
      select(dot);
      const mine = data.edges.filter((e) => e.source === n.id || e.target === n.id);
      edgeDetail(detail, mine, byId, n);
    });
    const right = sx(a.x) > W * 0.7; // labels near the right edge run leftwards
    pic.append(dot, svg("text", {
      class: "nlabel", x: (sx(a.x) + (right ? -8 : 8)).toFixed(1), y: (sy(a.y) + 3).toFixed(1), "text-anchor": right ? "end" : "start",
    }, n.name));
  }
  root.append(el("div", { class: "split" }, el("div", {}, pic), detail));
}

function edgeDetail(panel, edges, byId, node = null) {
  clear(panel);
  if (node) {
    panel.append(el("h3", {}, node.name),
      el("p", { class: "muted" }, [node.type, node.country, node.kb_id].filter(Boolean).join(" · ")),
      el("button", { type: "button", on: { click: () => setFilters({ actor: node.name }) } }, "filter by this actor"));
  }
  for (const e of edges) {
    panel.append(el("h4", {}, `${byId[e.source].name} — ${e.type} → ${byId[e.target].name}`),
      el("p", { class: "muted" }, `weight ${e.weight ?? "?"} · ${e.first_seen || "?"} – ${e.last_seen || "?"}`));
    const list = el("ul", { class: "evidence" });
    for (const ev of Array.isArray(e.evidence) ? e.evidence : []) {
      const text = ev.snippet || ev.text || "";
      list.append(el("li", {}, el("q", {}, text), " ",
        el("a", { href: "#", on: { click: (x) => { x.preventDefault(); openDoc(ev.doc_id); } } }, "read")));
    }
    panel.append(list);
  }
}

// Claim ledger ------------------------------------------------------------------------------

const CLAIM_COLUMNS = [
  ["grade", "grade"], ["kind", "kind"], ["source_type", "source type"], ["source", "source"],
  ["checkworthiness", "check-worthiness"], ["links", "linked"], ["text", "claim"], ["outlet", "outlet"], ["published", "date"],
];
const ledger = { sort: "published", dir: 1, query: "" };

async function renderClaims(root, current) {
  const data = await api("/api/claims", { limit: 500 });
  if (!current()) return;
  clear(root);
  const detail = el("div", { class: "panel", id: "claim-detail" }, el("p", { class: "muted" }, "Click a claim to see what corroborates or contradicts it."));
  const body = el("tbody");
  const filterBox = el("input", { placeholder: "filter these rows", id: "claim-filter", value: ledger.query });
  const head = el("tr", {}, CLAIM_COLUMNS.map(([key, label]) => el("th", {
    "data-key": key, on: { click: () => { ledger.dir = ledger.sort === key ? -ledger.dir : 1; ledger.sort = key; fill(); } },
  }, label)));
  const fill = () => {
    clear(body);
    const needle = ledger.query.toLowerCase();
    const rows = data.items
      .filter((c) => !needle || `${c.text} ${c.source || ""} ${c.outlet || ""} ${c.grade || ""}`.toLowerCase().includes(needle))
      .sort((a, b) => {
        const x = a[ledger.sort] ?? "", y = b[ledger.sort] ?? "";
        return (x > y ? 1 : x < y ? -1 : 0) * ledger.dir;
      });
    for (const c of rows) {
      const tr = el("tr", { class: "claim-row", "data-doc": c.doc_id, "data-id": c.id },
        CLAIM_COLUMNS.map(([key]) => el("td", {}, key === "checkworthiness" && c[key] != null ? Number(c[key]).toFixed(2) : c[key] ?? "")));
      tr.addEventListener("click", () => {
        for (const s of body.querySelectorAll(".sel")) s.classList.remove("sel");
        tr.classList.add("sel");
        claimDetail(detail, c.doc_id, c.id);
      });
      body.append(tr);
    }
  };
  filterBox.addEventListener("input", () => { ledger.query = filterBox.value; fill(); });
  root.append(el("div", { class: "toolbar" },
    el("strong", { id: "claims-total" }, `${data.total} claims`), data.total > data.items.length ? el("span", { class: "muted" }, `(first ${data.items.length} shown)`) : null,
    filterBox, exportLink("CSV", "/api/export/claims.csv")));
  root.append(el("div", { class: "split" }, el("div", { class: "panel" }, el("table", { id: "claims-table" }, el("thead", {}, head), body)), detail));
  fill();
}

async function claimDetail(panel, docId, claimId) {
  const c = await api(`/api/claims/${encodeURIComponent(docId)}/${encodeURIComponent(claimId)}`, {}, false);
  clear(panel);
  panel.append(el("h3", {}, `Claim ${c.grade || ""}`),
    el("blockquote", { class: "claim-text" }, c.text),
    el("p", { class: "muted" }, [c.source_type, c.source, c.outlet, c.published].filter(Boolean).join(" · ")),
    el("a", { href: "#", on: { click: (e) => { e.preventDefault(); openDoc(c.doc_id); } } }, c.title || c.doc_id));
  if (c.corpus_grade && Array.isArray(c.corpus_grade.reasons)) {
    panel.append(el("ul", { class: "muted" }, c.corpus_grade.reasons.map((r) => el("li", {}, r))));
  }
  panel.append(el("h4", {}, `${c.links.length} linked claim(s)`));
  for (const l of c.links) {
    const cls = l.relation === "corroborates" || l.relation === "contradicts" ? `rel-${l.relation}` : "rel-other";
    panel.append(el("div", { class: `linked ${cls}`, "data-relation": l.relation },
      el("strong", {}, l.relation), " ", el("span", { class: "muted" }, `score ${l.score ?? "?"}`),
      el("div", {}, l.text || ""),
      el("div", { class: "muted" }, [l.outlet, l.published, l.reason || l.why].filter(Boolean).join(" · "))));
  }
}

// Reader ------------------------------------------------------------------------------------

const READER_KINDS = ["entities", "places", "times", "quantities", "claims", "rhetoric"];
const readerHidden = new Set();

function openDoc(docId) {
  state.docId = docId;
  show("reader");
}

async function renderReader(root, current) {
  const list = await api("/api/documents", { limit: 200 });
  if (!current()) return;
  clear(root);
  const docs = el("ul", { class: "doclist", id: "doc-list" });
  for (const d of list.items) {
    docs.append(el("li", { "data-id": d.id, on: { click: () => { state.docId = d.id; render(); } } },
      d.title || d.source || d.id, el("span", { class: "muted" }, ` ${d.outlet || ""} ${d.published || ""}`)));
  }
  const pane = el("div", { id: "reader-doc" });
  root.append(el("div", { class: "toolbar" }, el("strong", {}, `${list.total} documents`), exportLink("CSV", "/api/export/documents.csv")),
    el("div", { class: "split" }, pane, el("div", { class: "panel" }, docs)));
  const docId = state.docId || (list.items[0] && list.items[0].id);
  if (!docId) {
    pane.append(el("p", { class: "muted" }, "No documents match."));
    return;
  }
  const data = await api(`/api/documents/${encodeURIComponent(docId)}`, {}, false);
  if (!current()) return;
  const doc = data.document;
  const toggles = el("div", { class: "toolbar", id: "reader-toggles" });
  const textBox = el("div", { class: "doc-text", id: "doc-text" });
  for (const k of READER_KINDS) {
    const box = el("input", { type: "checkbox", "data-kind": k });
    box.checked = !readerHidden.has(k);
    box.addEventListener("change", () => {
      if (box.checked) readerHidden.delete(k); else readerHidden.add(k);
      textBox.classList.toggle(`hide-${k}`, !box.checked);
    });
    toggles.append(el("label", {}, box, el("span", { class: `k-${k}` }, `${k} (${(data[k] || []).length})`)));
    textBox.classList.toggle(`hide-${k}`, readerHidden.has(k));
  }
  highlight(textBox, doc.text, data);
  pane.append(el("h2", { id: "doc-title" }, doc.title || doc.source || doc.id),
    el("p", { class: "muted" }, [doc.outlet, doc.author, doc.published, doc.url].filter(Boolean).join(" · ")),
    toggles, textBox,
    el("a", { href: `/api/documents/${encodeURIComponent(doc.id)}`, download: `${doc.id}.json` }, "analysis JSON"));
}

// Splits the text at every mention boundary; each piece is a text node in a span whose
// classes say which kinds cover it, and whose title names the items.
function highlight(box, text, data) {
  const marks = [];
  for (const kind of READER_KINDS) {
    for (const item of data[kind] || []) {
      for (const m of item.mentions || []) {
        if (Array.isArray(m) && m[0] < m[1] && m[1] <= text.length) marks.push([m[0], m[1], kind, itemLabel(kind, item)]);
      }
    }
  }
  const cuts = new Set([0, text.length]);
  for (const [s, e] of marks) { cuts.add(s); cuts.add(e); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const s = points[i], e = points[i + 1];
    const covering = marks.filter((m) => m[0] <= s && m[1] >= e);
    const piece = text.slice(s, e);
    if (!covering.length) { box.append(document.createTextNode(piece)); continue; }
    box.append(el("span", {
      class: [...new Set(covering.map((m) => `k-${m[2]}`))].join(" "),
      title: covering.map((m) => `${m[2]}: ${m[3]}`).join("\n"),
    }, piece));
  }
}

function itemLabel(kind, item) {
  if (kind === "places") return `${item.name}${item.role === "demonym" ? " (demonym)" : ""} ${item.country || ""}`;
  if (kind === "times") return `${item.start || "?"} – ${item.end || "?"}`;
  if (kind === "quantities") return `${item.value ?? ""} ${item.unit || ""}`;
  if (kind === "claims") return `${item.kind} ${item.grade ? (item.grade.reliability || "") + (item.grade.credibility || "") : ""}`;
  if (kind === "rhetoric") return `${item.technique}: ${item.why || ""}`;
  return `${item.name || ""} ${item.type || ""}`;
}

// Search ------------------------------------------------------------------------------------

const search = { q: "" };

async function renderSearch(root, current) {
  clear(root);
  const box = el("input", { type: "search", id: "search-box", placeholder: "full-text search (FTS5: words, \"a phrase\", OR, NOT)", size: 60, value: search.q });
  const out = el("div", { id: "search-results" });
  const form = el("form", { class: "toolbar", on: { submit: (e) => { e.preventDefault(); search.q = box.value.trim(); render(); } } },
    box, el("button", { type: "submit" }, "search"));
  root.append(form, out);
  if (!search.q) return;
  const data = await api("/api/search", { q: search.q, limit: 100 });
  if (!current()) return;
  out.append(el("div", { class: "toolbar" }, el("strong", { id: "search-total" }, `${data.total} document(s)`),
    exportLink("CSV", "/api/export/documents.csv", { text: search.q })));
  for (const d of data.items) {
    out.append(el("div", { class: "hit" },
      el("a", { href: "#", on: { click: (e) => { e.preventDefault(); openDoc(d.id); } } }, d.title || d.id),
      el("span", { class: "muted" }, ` ${d.outlet || ""} ${d.published || ""}`),
      snippet(d.snippet || "")));
  }
}

// FTS5 snippets mark hits with [ and ]: shown as <mark> elements, text as text.
function snippet(s) {
  const p = el("p", { class: "snippet" });
  const parts = s.split(/(\[[^\]]*\])/);
  for (const part of parts) {
    if (part.startsWith("[") && part.endsWith("]")) p.append(el("mark", {}, part.slice(1, -1)));
    else if (part) p.append(document.createTextNode(part));
  }
  return p;
}

// Add ---------------------------------------------------------------------------------------

async function renderAdd(root) {
  clear(root);
  if (!state.health || !state.health.allow_ingest) {
    root.append(el("p", { class: "muted" }, "This server is read-only. Start it with --allow-ingest to add articles."));
    return;
  }
  const files = [];
  const text = el("textarea", { id: "add-text", placeholder: "Paste an article here" });
  const title = el("input", { id: "add-title", placeholder: "title (optional)", size: 40 });
  const published = el("input", { id: "add-published", placeholder: "published YYYY-MM-DD (optional)", size: 22 });
  const token = el("input", { id: "add-token", placeholder: "token printed at start", size: 30 });
  const drop = el("div", { class: "drop", id: "add-drop" }, "Drop .txt, .md, .html, .json or .jsonl files here");
  const list = el("ul");
  const result = el("div", { id: "add-result" });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    for (const f of e.dataTransfer.files) {
      files.push({ name: f.name, text: await f.text() });
      list.append(el("li", {}, `${f.name} (${f.size} bytes)`));
    }
  });
  const send = async () => {
    const body = files.length ? { files } : { text: text.value, title: title.value || undefined, published: published.value || undefined };
    const headers = { "content-type": "application/json" };
    if (token.value) headers.authorization = `Bearer ${token.value}`;
    clear(result).append("analysing…");
    const res = await fetch("/api/ingest", { method: "POST", headers, body: JSON.stringify(body) });
    const data = await res.json();
    clear(result).append(res.ok ? `added ${data.added}, already stored ${data.skipped}, failed ${data.failed.length}` : data.error);
    if (res.ok) state.health = await api("/api/health", {}, false);
  };
  root.append(text, el("div", { class: "toolbar" }, title, published,
    state.health.token_required ? token : null, el("button", { type: "button", id: "add-send", on: { click: send } }, "analyse and store")),
  drop, list, result);
}

// ---------------------------------------------------------------- start

async function start() {
  state.health = await api("/api/health", {}, false);
  const select = document.getElementById("f-category");
  for (const c of state.health.categories) select.append(el("option", { value: c }, c));
  document.getElementById("tab-add").hidden = !state.health.allow_ingest;
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => show(b.dataset.view));
  document.getElementById("filters").addEventListener("submit", (e) => { e.preventDefault(); state.filters = readFilterForm(); render(); });
  document.getElementById("f-category").addEventListener("change", () => { state.filters = readFilterForm(); render(); });
  document.getElementById("f-clear").addEventListener("click", () => { state.filters = {}; writeFilterForm(); render(); });
  const hash = location.hash.slice(1);
  window.addEventListener("hashchange", () => {
    const v = location.hash.slice(1);
    if (views[v] && v !== state.view) show(v);
  });
  show(views[hash] ? hash : "map");
}

start().catch((err) => status(String(err.message || err), true));
