// hiconn status page: polls GET /stats and GET /stats/history and draws the last ten
// minutes as inline SVG. No framework, no build step, nothing from elsewhere (the CSP
// allows only this server). Text goes in through textContent, never innerHTML.
"use strict";

const REFRESH_MS = 2000;
const WINDOW_MS = 10 * 60 * 1000;
const W = 600, H = 120, PAD = 14;  // the SVG's own units (it scales to the figure)
const SVG = "http://www.w3.org/2000/svg";

// The charts: [title, unit, series] where a series is [label, path into history.series].
// A path to an object (closes by reason) stands for one line per entry that is not all 0.
const CHARTS = [
  ["Connections", "", [["open", "connections"]]],
  ["Accepts per second", "/s", [["accepts", "accepts_per_s"]]],
  ["Closes per second by reason", "/s", [["", "closes_per_s"]]],
  ["Bytes per second", "B/s", [["in", "bytes_in_per_s"], ["out", "bytes_out_per_s"]]],
  ["Send-queue bytes", "B", [["queued", "send_queue_bytes"]]],
  ["Accept pauses (per second) and accepting (1/0)", "", [["", "accept_pauses"], ["accepting", "accepting"]]],
  ["Chat messages and deliveries per second", "/s", [["messages", "messages_per_s"], ["deliveries", "deliveries_per_s"]]],
  ["Federation nodes", "", [["nodes", "federation_nodes"]]],
];

function el(name, attrs, text) {
  const e = name.startsWith("svg:") ? document.createElementNS(SVG, name.slice(4)) : document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

// [label, key, values] for each line of a chart; lines of a family that are all 0 are left
// out, but a chart keeps at least one line so that "nothing happened" is drawn as a 0 line.
function linesOf(chart, series) {
  const lines = [];
  for (const [label, key] of chart[2]) {
    const s = series[key];
    if (Array.isArray(s)) lines.push([label, key, s]);
    else if (s && typeof s === "object") {
      const entries = Object.entries(s);
      const busy = entries.filter(([, v]) => v.some((x) => x));
      for (const [name, v] of busy.length ? busy : entries.slice(0, 1)) lines.push([name, key + "." + name, v]);
    }
  }
  return lines;
}

function drawChart(chart, history) {
  const lines = linesOf(chart, history.series);
  if (!lines.length) return null;  // not reported by this workload
  const times = history.time_ms;
  const end = times.length ? times[times.length - 1] : Date.now();
  let max = 0;
  for (const [, , v] of lines) for (const x of v) if (x !== null && x > max) max = x;
  const top = max > 0 ? max * 1.1 : 1;
  const x = (t) => PAD + ((t - (end - WINDOW_MS)) / WINDOW_MS) * (W - 2 * PAD);
  const y = (v) => H - PAD - (v / top) * (H - 2 * PAD);

  const figure = el("figure", { "data-chart": chart[0] });
  const caption = el("figcaption", {}, chart[0]);
  const latest = el("span", { class: "latest" });
  caption.append(latest);
  const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": chart[0] });
  svg.append(el("svg:line", { class: "axis", x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD }));
  svg.append(el("svg:text", { class: "label", x: PAD, y: 10 }, fmt(max) + (chart[1] ? " " + chart[1] : "")));
  svg.append(el("svg:text", { class: "label", x: PAD, y: H - 2 }, "−10 min"));
  svg.append(el("svg:text", { class: "label", x: W - PAD - 20, y: H - 2 }, "now"));
  const legend = el("div", { class: "legend" });
  lines.forEach(([label, key, values], i) => {
    const points = [];
    values.forEach((v, j) => { if (v !== null) points.push(`${x(times[j]).toFixed(1)},${y(v).toFixed(1)}`); });
    svg.append(el("svg:polyline", { class: "c" + (i % 6), "data-series": key, "data-points": points.length,
                                    points: points.join(" ") }));
    const last = values.length ? values[values.length - 1] : null;
    const item = el("span", { class: "c" + (i % 6), "data-series": key, "data-value": last === null ? "" : last },
                    (label ? label + " " : "") + fmt(last));
    legend.append(item);
  });
  latest.textContent = lines.length === 1 ? fmt(lines[0][2][lines[0][2].length - 1]) + (chart[1] ? " " + chart[1] : "") : "";
  figure.append(caption, svg, legend);
  return figure;
}

// {"connections": {"current": 3}} -> [["connections.current", 3]]
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? prefix + "." + k : k;
    if (v !== null && typeof v === "object") flatten(v, key, out);
    else out.push([key, v]);
  }
  return out;
}

function drawTable(stats) {
  const body = document.querySelector("#figures tbody");
  const rows = flatten(stats, "", []).map(([key, v]) => {
    const tr = el("tr", { "data-key": key });
    tr.append(el("td", {}, key), el("td", { class: "value", "data-value": v === null ? "" : v }, fmt(v)));
    return tr;
  });
  body.replaceChildren(...rows);
  document.getElementById("version").textContent = stats.version || "";
  document.getElementById("workload").textContent = "workload " + (stats.workload || "?") + ";";
  const accepting = document.getElementById("accepting");
  accepting.textContent = stats.accepting ? "accepting;" : "PAUSED (not accepting);";
  accepting.className = stats.accepting ? "" : "paused";
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

async function refresh() {
  const updated = document.getElementById("updated");
  try {
    const [stats, history] = await Promise.all([getJson("/stats"), getJson("/stats/history")]);
    drawTable(stats);
    const charts = CHARTS.map((c) => drawChart(c, history)).filter((f) => f);
    document.getElementById("charts").replaceChildren(...charts);
    updated.textContent = "updated " + new Date().toLocaleTimeString("en-GB") + " (every " + REFRESH_MS / 1000 + " s)";
    updated.className = "";
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
  } catch (e) {
    updated.textContent = "update failed: " + e.message + " (retrying)";
    updated.className = "stale";
  }
  setTimeout(refresh, REFRESH_MS);
}

refresh();
