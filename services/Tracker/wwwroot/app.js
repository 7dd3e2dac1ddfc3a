// Shared helpers of the tracker UI: fetching the API, escaping text, interactive curve charts (uPlot) and the confusion matrix.
"use strict";

// Okabe and Ito's colour-blind-safe palette (yellow left out: too faint on white), then Paul Tol's wine, teal and olive,
// so that ten compared runs stay distinguishable. Series past the seventh are also dashed.
const palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255", "#44AA99", "#999933"];

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text }; }
  if (!response.ok) {
    const detail = body && (body.detail || body.title) || response.statusText;
    const errors = body && body.errors ? " " + Object.entries(body.errors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : "";
    const error = new Error(`${response.status} ${detail}${errors}`);
    error.problem = body;
    throw error;
  }
  return body;
}

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function fmt(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : String(+value.toPrecision(6));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function stateBadge(state) { return `<span class="state ${esc(state)}">${esc(state)}</span>`; }

function query(name) { return new URLSearchParams(location.search).get(name); }

/** Replaces query parameters in the address without a reload, so a reload or a shared link shows the same view. */
function setQuery(values) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === "") params.delete(key); else params.set(key, value);
  }
  history.replaceState(null, "", location.pathname + (params.size ? "?" + params : ""));
}

function showError(error) {
  const target = document.getElementById("error");
  if (target) target.textContent = error.message || String(error);
}

function chartLibraryLoaded() {
  if (typeof uPlot === "function") return true;
  showError(new Error("The chart library (uPlot) is not installed on this tracker: run scripts/setup.sh, which installs it with npm."));
  return false;
}

function withAlpha(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight w in [0, 1), debiased like Adam's moments so the
 * first points are not pulled towards zero (tensorboard/plugins/scalar, vz_line_chart2). Non-finite values pass through.
 */
function ema(values, weight) {
  if (!(weight > 0)) return values.slice();
  const smoothed = new Array(values.length);
  let last = 0, count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) { smoothed[i] = v; continue; }
    last = last * weight + (1 - weight) * v;
    count++;
    smoothed[i] = last / (1 - Math.pow(weight, count));
  }
  return smoothed;
}

/** Page-wide chart settings (x axis, log scale, smoothing), kept in the address. */
const chartSettings = {
  x: query("x") || "step",
  log: query("log") === "1",
  smoothing: Math.min(0.99, Math.max(0, +(query("smoothing") ?? 0.6) || 0)),
};

/** The controls for chartSettings; onChange(kind) runs after a change ("x", "log" or "smoothing"). */
function chartControls(container, onChange) {
  container.classList.add("toolbar", "chart-controls");
  container.innerHTML = `
    <label>x axis <select id="x-axis"><option value="step">step</option><option value="epoch">epoch</option><option value="wall">wall time</option></select></label>
    <label><input type="checkbox" id="log-scale"> log scale (y)</label>
    <label for="smoothing">smoothing</label><input type="range" id="smoothing" min="0" max="0.99" step="0.01" aria-describedby="smoothing-value">
    <output id="smoothing-value" for="smoothing"></output>
    <span class="muted hint">drag to zoom · shift-drag or arrow keys to pan · wheel or +/− to zoom · double-click or 0 to reset</span>`;
  const x = container.querySelector("#x-axis"), log = container.querySelector("#log-scale"), smoothing = container.querySelector("#smoothing"),
    shown = container.querySelector("#smoothing-value");
  x.value = chartSettings.x; log.checked = chartSettings.log; smoothing.value = chartSettings.smoothing; shown.textContent = chartSettings.smoothing.toFixed(2);
  x.addEventListener("change", () => { chartSettings.x = x.value; setQuery({ x: x.value === "step" ? null : x.value }); onChange("x"); });
  log.addEventListener("change", () => { chartSettings.log = log.checked; setQuery({ log: log.checked ? "1" : null }); onChange("log"); });
  smoothing.addEventListener("input", () => {
    chartSettings.smoothing = +smoothing.value;
    shown.textContent = chartSettings.smoothing.toFixed(2);
    setQuery({ smoothing: chartSettings.smoothing === 0.6 ? null : chartSettings.smoothing });
    onChange("smoothing");
  });
}

/**
 * One interactive chart of one or more curves, drawn by uPlot on a canvas. Each curve is two series: the raw points,
 * faint, and the smoothed line over them. Hovering shows every curve's stored value at that point; the window can be
 * zoomed (drag, wheel, +/−) and panned (shift-drag, arrow keys); a zoomed window of a downsampled curve is fetched in detail.
 * curves: [{ label, steps, values, wallTimes, epochs?, downsampled?, total?, color? }]
 * options.detail: async (label, fromStep, toStep) => curve, for zoomed windows.
 * Append chart.element to the page, then call build() (uPlot sizes itself to the element).
 */
class CurveChart {
  constructor(title, curves, options = {}) {
    this.title = title;
    this.curves = curves;
    this.options = options;
    this.detail = null; // curves fetched for the zoomed window, by label
    this.element = document.createElement("figure");
    this.element.className = "chart";
    this.element.dataset.metric = title;
    this.element.innerHTML = `<figcaption><span class="title">${esc(title)}</span>
        <button type="button" class="secondary small reset" aria-label="reset zoom of ${esc(title)}">reset zoom</button></figcaption>
      <div class="plot" tabindex="0" role="img" aria-label="${esc(title)} chart; arrow keys pan, plus and minus zoom, 0 resets"></div>
      <div class="readout" aria-live="polite"></div><div class="legend"></div>`;
    this.element.chart = this;
    this.plot = this.element.querySelector(".plot");
    this.readout = this.element.querySelector(".readout");
    this.element.querySelector(".reset").addEventListener("click", () => this.resetZoom());
    this.plot.addEventListener("keydown", event => this.onKey(event));
    new ResizeObserver(() => this.uplot && this.uplot.setSize(this.size())).observe(this.plot);
  }

  colorOf(index) { return this.curves[index].color || palette[index % palette.length]; }

  size() { return { width: Math.max(280, this.plot.clientWidth || 440), height: 240 }; }

  xOf(curve) {
    if (chartSettings.x === "wall" && curve.wallTimes && curve.wallTimes.length === curve.steps.length) return curve.wallTimes;
    if (chartSettings.x === "epoch" && curve.epochs) return curve.epochs;
    return curve.steps;
  }

  /** The aligned table uPlot draws: x, then per curve its raw and smoothed values. */
  table() {
    const tables = this.curves.map(c => {
      const shown = this.detail && this.detail[c.label] || c;
      let values = shown.values.map(v => (chartSettings.log && !(v > 0)) ? null : v);
      return [this.xOf(shown), values, ema(values, chartSettings.smoothing)];
    });
    if (tables.length === 1) return tables[0];
    return uPlot.join(tables.map(t => {
      // uPlot.join needs strictly increasing x; equal x values (points logged twice at one wall time) keep the last.
      const keep = t[0].map((x, i) => i === t[0].length - 1 || t[0][i + 1] > x);
      return t.map(column => column.filter((_, i) => keep[i]));
    }));
  }

  build() {
    if (this.uplot) this.uplot.destroy();
    const smoothing = chartSettings.smoothing > 0;
    const series = [{ label: chartSettings.x === "wall" ? "time" : chartSettings.x }];
    this.curves.forEach((c, i) => {
      const color = this.colorOf(i), dash = i >= 7 ? [6, 3] : undefined;
      series.push({ label: c.label + " (raw)", stroke: smoothing ? withAlpha(color, 0.3) : color, width: 1, dash, spanGaps: true, points: { show: c.steps.length < 2 } });
      series.push({ label: c.label, stroke: color, width: 1.75, dash, spanGaps: true, show: smoothing, points: { show: false } });
    });
    const self = this;
    const options = {
      ...this.size(),
      scales: { x: { time: chartSettings.x === "wall" }, y: { distr: chartSettings.log ? 3 : 1 } },
      axes: [{ stroke: "#475467", grid: { stroke: "#eef2f7" } },
        { stroke: "#475467", grid: { stroke: "#eef2f7" }, size: 64, values: (u, ticks) => ticks.map(fmt) }],
      series,
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: true },
        // Shift-drag pans instead of selecting a window to zoom into.
        bind: { mousedown: (u, target, handler) => event => { if (event.shiftKey) { self.startPan(event); return null; } return handler(event); } },
      },
      hooks: {
        setCursor: [u => self.showReadout(u.cursor.idx)],
        setScale: [(u, key) => { if (key === "x") self.onWindow(); }],
      },
    };
    this.uplot = new uPlot(options, this.table(), this.plot);
    this.uplot.over.addEventListener("wheel", event => this.onWheel(event), { passive: false });
    this.uplot.over.addEventListener("dblclick", () => this.resetZoom());
    this.renderLegend();
    this.onWindow();
  }

  renderLegend() {
    this.element.querySelector(".legend").innerHTML = this.curves.map((c, i) =>
      `<span style="--c:${this.colorOf(i)}" data-series="${esc(c.label)}">${esc(c.label)}${c.downsampled ? ` <span class="muted">(${(this.detail && this.detail[c.label] || c).values.length} of ${c.total} points)</span>` : ""}</span>`).join("");
    this.element.dataset.points = this.curves.map(c => c.total ?? c.steps.length).join(",");
  }

  /** New points (live runs): redraws, keeping a zoomed window where it is. */
  update(curves) {
    const zoomed = this.isZoomed();
    this.curves = curves;
    if (!this.uplot) { this.build(); return; }
    if (!zoomed) this.detail = null;
    this.uplot.setData(this.table(), !zoomed);
    this.renderLegend();
  }

  /** Rebuilds after a page-wide setting changed (x axis and log scale need new scales; smoothing only new data). */
  settingsChanged(kind) {
    if (kind === "smoothing") {
      const on = chartSettings.smoothing > 0;
      this.curves.forEach((c, i) => {
        this.uplot.series[1 + 2 * i].stroke = () => on ? withAlpha(this.colorOf(i), 0.3) : this.colorOf(i);
        this.uplot.setSeries(2 + 2 * i, { show: on });
      });
      this.uplot.setData(this.table(), !this.isZoomed());
      return;
    }
    this.detail = null;
    this.build();
  }

  extent() {
    const xs = this.uplot.data[0];
    return xs.length ? [xs[0], xs[xs.length - 1]] : [0, 1];
  }

  isZoomed() {
    if (!this.uplot) return false;
    const [min, max] = this.extent(), scale = this.uplot.scales.x;
    return scale.min > min + 1e-9 * Math.abs(max - min) || scale.max < max - 1e-9 * Math.abs(max - min);
  }

  setWindow(min, max) {
    const [lo, hi] = this.extent();
    const width = Math.min(max - min, hi - lo);
    if (!(width > 0)) return;
    if (min < lo) { min = lo; max = lo + width; }
    if (max > hi) { max = hi; min = hi - width; }
    this.uplot.setScale("x", { min, max });
  }

  resetZoom() {
    this.detail = null;
    this.uplot.setData(this.table(), true);
  }

  zoom(factor, center) {
    const { min, max } = this.uplot.scales.x;
    const at = center ?? (min + max) / 2;
    this.setWindow(at - (at - min) * factor, at + (max - at) * factor);
  }

  pan(fraction) {
    const { min, max } = this.uplot.scales.x;
    const shift = (max - min) * fraction;
    this.setWindow(min + shift, max + shift);
  }

  onWheel(event) {
    event.preventDefault();
    const center = this.uplot.posToVal(event.offsetX, "x");
    this.zoom(event.deltaY < 0 ? 0.8 : 1.25, center);
  }

  onKey(event) {
    const actions = { ArrowLeft: () => this.pan(-0.1), ArrowRight: () => this.pan(0.1), "+": () => this.zoom(0.8), "=": () => this.zoom(0.8),
      "-": () => this.zoom(1.25), "0": () => this.resetZoom(), Home: () => this.resetZoom() };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  }

  startPan(down) {
    const { min, max } = this.uplot.scales.x, width = this.uplot.over.clientWidth || 1;
    const move = event => this.setWindow(min - (event.clientX - down.clientX) / width * (max - min), max - (event.clientX - down.clientX) / width * (max - min));
    const up = () => { document.removeEventListener("mousemove", move); document.removeEventListener("mouseup", up); };
    document.addEventListener("mousemove", move);
    document.addEventListener("mouseup", up);
  }

  /** Shows each curve's stored (raw) and smoothed value at the hovered point. */
  showReadout(index) {
    if (index === null || index === undefined) { this.readout.innerHTML = "&nbsp;"; delete this.readout.dataset.x; return; }
    const data = this.uplot.data, x = data[0][index];
    const xText = chartSettings.x === "wall" ? new Date(x * 1000).toLocaleString() : fmt(x);
    this.readout.dataset.x = String(x);
    this.readout.innerHTML = `<span>${esc(this.uplot.series[0].label)} ${esc(xText)}</span>` + this.curves.map((c, i) => {
      const raw = data[1 + 2 * i][index], smooth = data[2 + 2 * i][index];
      if (raw === null || raw === undefined) return "";
      return `<span class="value" data-series="${esc(c.label)}" data-value="${raw}" style="--c:${this.colorOf(i)}">${esc(c.label)} ${esc(fmt(raw))}`
        + (chartSettings.smoothing > 0 ? ` <span class="muted">(smoothed ${esc(fmt(smooth))})</span>` : "") + "</span>";
    }).join("");
  }

  /** After the x window changed: records it, and fetches a downsampled curve's points in the window in detail. */
  onWindow() {
    const { min, max } = this.uplot.scales.x;
    this.element.dataset.xMin = String(min);
    this.element.dataset.xMax = String(max);
    if (!this.options.detail || !this.curves.some(c => c.downsampled) || !this.isZoomed()) return;
    clearTimeout(this.detailTimer);
    this.detailTimer = setTimeout(() => this.fetchDetail(min, max), 150);
  }

  async fetchDetail(min, max) {
    const fetched = {};
    for (const c of this.curves.filter(c => c.downsampled)) {
      const xs = this.xOf(this.detail && this.detail[c.label] || c), steps = (this.detail && this.detail[c.label] || c).steps;
      let from = null, to = null;
      xs.forEach((x, i) => { if (x >= min && from === null) from = steps[Math.max(0, i - 1)]; if (x <= max) to = steps[Math.min(steps.length - 1, i + 1)]; });
      if (from === null || to === null) continue;
      fetched[c.label] = await this.options.detail(c.label, from, to);
    }
    const scale = this.uplot.scales.x;
    if (scale.min !== min || scale.max !== max) return; // the window moved on while fetching
    this.detail = { ...(this.detail || {}), ...fetched };
    this.uplot.setData(this.table(), false);
    this.uplot.setScale("x", { min, max });
    this.renderLegend();
  }
}

/**
 * Confusion matrix as an SVG heatmap: rows are the true class, columns the predicted class. Colour is the row-normalised
 * rate (so a rare class's errors show as clearly as a common one's); each cell shows its count or its rate.
 */
function heatmap(matrix, show = "counts") {
  const labels = matrix.labels, cells = matrix.matrix, n = labels.length;
  const size = Math.max(18, Math.min(56, Math.floor(560 / Math.max(n, 1)))), margin = 96;
  const rowTotals = cells.map(row => row.reduce((a, b) => a + b, 0));
  const width = margin + n * size + 10;
  let svg = `<svg class="confusion" viewBox="0 0 ${width} ${width}" width="${width}" role="img" aria-label="confusion matrix, rows true class, columns predicted class">`;
  cells.forEach((row, r) => row.forEach((count, c) => {
    const rate = rowTotals[r] ? count / rowTotals[r] : 0;
    // White to Okabe-Ito blue, linear in the rate: luminance falls monotonically, readable without colour vision.
    const mix = (from, to) => Math.round(from + (to - from) * rate);
    const fill = `rgb(${mix(255, 0)},${mix(255, 114)},${mix(255, 178)})`;
    const text = show === "rates" ? (rate * 100).toFixed(rate >= 0.995 || rate === 0 ? 0 : 1) + "%" : String(count);
    svg += `<g class="cell" data-row="${r}" data-col="${c}" data-count="${count}" data-rate="${rate}"><title>true ${esc(labels[r])}, predicted ${esc(labels[c])}: ${count} (${(rate * 100).toFixed(1)}% of ${esc(labels[r])})</title>`
      + `<rect x="${margin + c * size}" y="${margin + r * size}" width="${size}" height="${size}" fill="${fill}" stroke="#fff"/>`;
    if (size >= 24) svg += `<text x="${margin + c * size + size / 2}" y="${margin + r * size + size / 2 + 4}" font-size="11" text-anchor="middle" fill="${rate > 0.5 ? "#fff" : "#111"}">${text}</text>`;
    svg += "</g>";
  }));
  labels.forEach((label, i) => {
    svg += `<text x="${margin - 6}" y="${margin + i * size + size / 2 + 4}" font-size="11" text-anchor="end">${esc(label)}</text>`;
    svg += `<text transform="translate(${margin + i * size + size / 2},${margin - 6}) rotate(-45)" font-size="11">${esc(label)}</text>`;
  });
  return svg + `<text x="4" y="14" font-size="11" fill="#475467">rows: true class, columns: predicted</text></svg>`;
}

/** Makes a table's header cells sort its body rows (click or Enter/Space on the header's button). */
function sortableTable(table) {
  table.querySelectorAll("thead th").forEach((th, column) => {
    if (th.querySelector("button")) return;
    th.innerHTML = `<button type="button" class="sort">${th.innerHTML}</button>`;
    th.querySelector("button").addEventListener("click", () => {
      const descending = th.getAttribute("aria-sort") === "ascending";
      table.querySelectorAll("thead th").forEach(other => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const body = table.tBodies[0], rows = [...body.rows];
      const key = row => { const text = row.cells[column]?.textContent.trim() ?? ""; const n = Number(text); return text !== "" && Number.isFinite(n) ? n : text; };
      rows.sort((a, b) => { const [x, y] = [key(a), key(b)]; const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)); return descending ? -order : order; });
      body.append(...rows);
    });
  });
}

/** The sweeps as a table (GET /sweeps): each links to its page with the trials, parallel coordinates and best-so-far curve. */
function sweepsTable(sweeps) {
  const ended = s => s.trials.filter(t => !["queued", "running"].includes(t.state)).length;
  const objective = s => s.spec.objective ? `${s.spec.objective.metric} (${s.spec.objective.goal || "maximize"})` : "";
  return `<thead><tr><th scope="col">Sweep</th><th scope="col">Experiment</th><th scope="col">State</th><th scope="col">Method</th><th scope="col">Trials ended</th>
      <th scope="col">Pruned</th><th scope="col">Objective</th><th scope="col">Best</th><th scope="col">Created</th></tr></thead><tbody>`
    + sweeps.map(s => `<tr data-sweep="${s.id}"><td><a href="/sweep.html?id=${s.id}">${s.id.slice(0, 8)}</a></td><td>${esc(s.spec.experiment)}</td>
      <td>${stateBadge(s.state)}</td><td>${esc(s.spec.method)}</td><td class="num">${ended(s)} of ${s.trialsPlanned}</td>
      <td class="num">${s.trials.filter(t => t.state === "pruned").length}</td><td>${esc(objective(s))}</td>
      <td class="num">${s.best ? esc(fmt(s.best.objective)) + ` <span class="muted">(trial ${s.best.trial})</span>` : '<span class="muted">—</span>'}</td>
      <td>${esc(new Date(s.createdAt).toLocaleString())}</td></tr>`).join("")
    + (sweeps.length ? "" : '<tr><td colspan="9" class="muted">No sweep yet: start one with POST /sweeps or platform sweeps create.</td></tr>') + "</tbody>";
}
