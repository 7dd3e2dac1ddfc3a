// Shared helpers of the tracker UI: fetching the API, escaping text, and a small SVG line chart.
"use strict";

const palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f"];

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = body && (body.detail || body.title) || response.statusText;
    const errors = body && body.errors ? " " + Object.entries(body.errors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : "";
    throw new Error(`${response.status} ${detail}${errors}`);
  }
  return body;
}

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function fmt(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : String(+value.toFixed(5));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function stateBadge(state) { return `<span class="state ${esc(state)}">${esc(state)}</span>`; }

function query(name) { return new URLSearchParams(location.search).get(name); }

function showError(error) {
  const target = document.getElementById("error");
  if (target) target.textContent = error.message || String(error);
}

function niceTicks(min, max, count) {
  if (min === max) { min -= 1; max += 1; }
  const step0 = (max - min) / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= step0);
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

// series: [{ label, steps: [...], values: [...] }]. Returns the chart element; each series is one <polyline>.
function lineChart(title, series) {
  const width = 460, height = 240, left = 52, right = 12, top = 10, bottom = 28;
  const points = series.flatMap(s => s.steps.map((x, i) => [x, s.values[i]]));
  const element = document.createElement("div");
  element.className = "chart";
  element.dataset.metric = title;
  if (points.length === 0) {
    element.innerHTML = `<div class="title">${esc(title)}</div><div class="muted">no points yet</div>`;
    return element;
  }
  let [minX, maxX] = [Math.min(...points.map(p => p[0])), Math.max(...points.map(p => p[0]))];
  let [minY, maxY] = [Math.min(...points.map(p => p[1])), Math.max(...points.map(p => p[1]))];
  if (minX === maxX) { minX -= 1; maxX += 1; }
  if (minY === maxY) { const pad = Math.abs(minY) * 0.1 || 1; minY -= pad; maxY += pad; }
  const sx = x => left + (x - minX) / (maxX - minX) * (width - left - right);
  const sy = y => top + (1 - (y - minY) / (maxY - minY)) * (height - top - bottom);
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`;
  for (const t of niceTicks(minY, maxY, 5)) {
    svg += `<line x1="${left}" x2="${width - right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eef2f7"/>`;
    svg += `<text x="${left - 6}" y="${sy(t) + 4}" font-size="10" text-anchor="end" fill="#667085">${esc(fmt(t))}</text>`;
  }
  for (const t of niceTicks(minX, maxX, 6)) {
    svg += `<text x="${sx(t)}" y="${height - 10}" font-size="10" text-anchor="middle" fill="#667085">${esc(fmt(t))}</text>`;
  }
  svg += `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#98a2b3"/>`;
  svg += `<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#98a2b3"/>`;
  series.forEach((s, index) => {
    const color = palette[index % palette.length];
    const path = s.steps.map((x, i) => `${sx(x).toFixed(1)},${sy(s.values[i]).toFixed(1)}`).join(" ");
    svg += `<polyline class="curve" data-series="${esc(s.label)}" data-points="${s.steps.length}" fill="none" stroke="${color}" stroke-width="1.8" points="${path}"/>`;
    if (s.steps.length === 1) svg += `<circle cx="${sx(s.steps[0])}" cy="${sy(s.values[0])}" r="3" fill="${color}"/>`;
  });
  svg += "</svg>";
  const legend = series.map((s, i) => `<span style="--c:${palette[i % palette.length]}">${esc(s.label)}</span>`).join("");
  element.innerHTML = `<div class="title">${esc(title)}</div>${svg}<div class="legend">${legend}</div>`;
  return element;
}

// Confusion matrix as an SVG heatmap: rows are the true class, columns the predicted class.
function heatmap(matrix) {
  const labels = matrix.labels, cells = matrix.matrix, n = labels.length;
  const size = Math.max(18, Math.min(48, Math.floor(480 / Math.max(n, 1)))), margin = 90;
  const max = Math.max(1, ...cells.flat());
  let svg = `<svg class="confusion" viewBox="0 0 ${margin + n * size + 10} ${margin + n * size + 10}" width="${margin + n * size + 10}">`;
  cells.forEach((row, r) => row.forEach((count, c) => {
    const shade = Math.round(255 - 200 * count / max);
    svg += `<rect class="cell" data-row="${r}" data-col="${c}" x="${margin + c * size}" y="${margin + r * size}" width="${size}" height="${size}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>`;
    if (size >= 24) svg += `<text x="${margin + c * size + size / 2}" y="${margin + r * size + size / 2 + 4}" font-size="11" text-anchor="middle" fill="${count / max > 0.6 ? "#fff" : "#111"}">${count}</text>`;
  }));
  labels.forEach((label, i) => {
    svg += `<text x="${margin - 6}" y="${margin + i * size + size / 2 + 4}" font-size="11" text-anchor="end">${esc(label)}</text>`;
    svg += `<text transform="translate(${margin + i * size + size / 2},${margin - 6}) rotate(-45)" font-size="11">${esc(label)}</text>`;
  });
  return svg + `<text x="4" y="14" font-size="11" fill="#667085">rows: true class, columns: predicted</text></svg>`;
}
