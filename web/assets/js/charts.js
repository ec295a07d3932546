// Small SVG charts drawn by hand (no library): bars (optionally stacked) and lines over time buckets.
// Every mark carries a <title> tooltip and data-* attributes with its value.
import { h, s } from './dom.js';

const W = 460;
const H = 200;
const PAD = { left: 66, right: 10, top: 12, bottom: 26 };

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function timeLabel(iso, spanSeconds) {
  const d = new Date(iso);
  if (spanSeconds > 2 * 86400) return d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
}

function frame(buckets, max, format) {
  const g = s('g', { class: 'axis' });
  const innerH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + innerH - (innerH * i) / 4;
    g.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    g.append(s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick', text: format((max * i) / 4) }));
  }
  if (buckets.length > 0) {
    const span = (Date.parse(buckets.at(-1).timestamp) - Date.parse(buckets[0].timestamp)) / 1000;
    const innerW = W - PAD.left - PAD.right;
    const idx = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
    for (const i of idx) {
      const x = PAD.left + (innerW * (i + 0.5)) / buckets.length;
      g.append(s('text', { x, y: H - 8, 'text-anchor': 'middle', class: 'tick', text: timeLabel(buckets[i].timestamp, span) }));
    }
  }
  return g;
}

function wrap(svgEl, series, empty) {
  const legend = h('div', { class: 'legend' },
    series.map((se) => h('span', { class: 'legend-item' }, h('i', { class: `swatch ${se.cls}` }), se.label)));
  return h('div', { class: 'chart' }, svgEl, legend, empty ? h('div', { class: 'chart-empty', text: 'No requests in this period' }) : null);
}

/**
 * Bars per bucket. series: [{key, label, cls, value(bucket)}]; stacked bars add up, otherwise side by side.
 * format(n) labels the axis and the tooltips; `integer` keeps grid lines on whole numbers (counts).
 */
export function barChart(buckets, series, { format = String, stacked = true, name = '', integer = false } = {}) {
  const vals = buckets.map((b) => series.map((se) => Number(se.value(b)) || 0));
  let max = niceMax(Math.max(0, ...vals.map((v) => (stacked ? v.reduce((a, c) => a + c, 0) : Math.max(0, ...v)))));
  if (integer) max = Math.max(4, Math.ceil(max / 4) * 4); // whole numbers on every grid line
  const svgEl = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': name, dataset: { chart: name } });
  svgEl.append(frame(buckets, max, format));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = buckets.length ? innerW / buckets.length : innerW;
  const barW = Math.max(1, slot * 0.7);
  buckets.forEach((b, i) => {
    let base = 0;
    series.forEach((se, j) => {
      const v = vals[i][j];
      if (v <= 0) return;
      const bh = (v / max) * innerH;
      const w = stacked ? barW : barW / series.length;
      const x = PAD.left + slot * i + (slot - barW) / 2 + (stacked ? 0 : w * j);
      const y = PAD.top + innerH - bh - (stacked ? (base / max) * innerH : 0);
      svgEl.append(s('rect', { x, y, width: w, height: Math.max(bh, 1), class: `bar ${se.cls}`, dataset: { value: v, series: se.key } },
        s('title', { text: `${timeLabel(b.timestamp, 0)} · ${se.label}: ${format(v)}` })));
      if (stacked) base += v;
    });
  });
  const empty = vals.every((v) => v.every((x) => x === 0));
  return wrap(svgEl, series, empty);
}

/** Lines per series over the buckets; buckets without a value (null) break nothing: the line skips them. */
export function lineChart(buckets, series, { format = String, name = '' } = {}) {
  const vals = buckets.map((b) => series.map((se) => {
    const v = se.value(b);
    return v === null || v === undefined ? null : Number(v);
  }));
  const max = niceMax(Math.max(0, ...vals.flat().filter((v) => v !== null)));
  const svgEl = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': name, dataset: { chart: name } });
  svgEl.append(frame(buckets, max, format));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  series.forEach((se, j) => {
    const pts = [];
    buckets.forEach((b, i) => {
      const v = vals[i][j];
      if (v === null || (b.requests !== undefined && Number(b.requests) === 0)) return;
      const x = PAD.left + (innerW * (i + 0.5)) / buckets.length;
      const y = PAD.top + innerH - (v / max) * innerH;
      pts.push([x, y, v, b]);
    });
    if (pts.length > 1) {
      svgEl.append(s('polyline', { points: pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: `line ${se.cls}` }));
    }
    for (const [x, y, v, b] of pts) {
      svgEl.append(s('circle', { cx: x, cy: y, r: 3, class: `dot ${se.cls}`, dataset: { value: v, series: se.key } },
        s('title', { text: `${timeLabel(b.timestamp, 0)} · ${se.label}: ${format(v)}` })));
    }
  });
  const empty = !vals.flat().some((v) => v !== null && v > 0);
  return wrap(svgEl, series, empty);
}
