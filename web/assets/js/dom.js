// DOM helpers (written here; the dashboard uses no framework): every piece of data goes into the page as text
// (textContent / setAttribute), never as HTML.

/** Creates an element. attrs: class, text, on<Event> handlers, dataset, any other attribute. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element (same conventions as h). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value' && 'value' in el) el.value = String(v);
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Appends children to an element, skipping null/undefined/false (unlike Element.append). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// ---- formatting ----

export function num(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return Number(n).toLocaleString('en-US');
}

export function usd(n) {
  if (n === null || n === undefined) return '—';
  const v = Number(n);
  if (v === 0) return '$0';
  if (Math.abs(v) < 0.01) return `$${v.toPrecision(3)}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

export function ms(n) {
  if (n === null || n === undefined) return '—';
  const v = Number(n);
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(typeof iso === 'number' ? iso * 1000 : iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString('en-GB', { hour12: false });
}

export function pct(n) {
  if (n === null || n === undefined) return '—';
  return `${Number(n).toFixed(1)}%`; // the API gives percentages (0-100)
}

export function json(v) {
  return JSON.stringify(v, null, 2);
}

/** A status pill. */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`, text });
}

/** A section card with a title. */
export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', { text: title }) : null, ...children);
}

/** An error message block (for a failed API call). */
export function errorBox(err) {
  return h('div', { class: 'error-box', role: 'alert', text: err?.message ?? String(err) });
}

/** A table: columns [{label, cell(row) -> Node|string, class}], rows. */
export function table(columns, rows, { rowAttrs, empty = 'Nothing here yet.' } = {}) {
  const body = h('tbody');
  for (const r of rows) body.append(tableRow(columns, r, rowAttrs));
  const t = h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.class, text: c.label })))), body);
  if (rows.length === 0) body.append(h('tr', { class: 'empty' }, h('td', { colspan: columns.length, text: empty })));
  return t;
}

export function tableRow(columns, r, rowAttrs) {
  return h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map((c) => h('td', { class: c.class }, c.cell(r))));
}
