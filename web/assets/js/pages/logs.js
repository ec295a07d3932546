// Logs: stats, charts (volume, latency, cost) and the request table, updated live from /ws.
import { api, query } from '../api.js';
import { barChart, lineChart } from '../charts.js';
import { h, clear, num, usd, ms, time, pct, badge, errorBox, table, tableRow } from '../dom.js';
import { LiveFeed } from '../live.js';

const RANGES = [
  { key: '1h', label: 'Last hour', seconds: 3600, bucket: 60 },
  { key: '6h', label: 'Last 6 hours', seconds: 6 * 3600, bucket: 600 },
  { key: '24h', label: 'Last 24 hours', seconds: 86400, bucket: 1800 },
  { key: '7d', label: 'Last 7 days', seconds: 7 * 86400, bucket: 6 * 3600 },
  { key: '30d', label: 'Last 30 days', seconds: 30 * 86400, bucket: 86400 },
];
const PAGE = 50;

export const COLUMNS = [
  { label: 'Time', cell: (l) => h('a', { href: `/logs/${encodeURIComponent(l.id)}`, text: time(l.timestamp) }) },
  { label: 'Status', cell: (l) => badge(l.status === 'success' ? String(l.status_code ?? 'ok') : `${l.status_code ?? ''} error`.trim(), l.status === 'success' ? 'ok' : 'err') },
  { label: 'Provider', cell: (l) => l.provider ?? '—', class: 'col-provider' },
  { label: 'Model', cell: (l) => l.model ?? '—', class: 'col-model' },
  { label: 'Deployment', cell: (l) => l.deployment ?? '—', class: 'col-deployment' },
  { label: 'Virtual key', cell: (l) => l.virtual_key_name ?? '—' },
  { label: 'Tokens', cell: (l) => `${num(l.prompt_tokens)} → ${num(l.completion_tokens)}`, class: 'num col-tokens' },
  { label: 'Cost', cell: (l) => usd(l.cost), class: 'num col-cost' },
  { label: 'Latency', cell: (l) => ms(l.latency), class: 'num' },
];

function readFilters() {
  const q = new URLSearchParams(location.search);
  return {
    range: RANGES.some((r) => r.key === q.get('range')) ? q.get('range') : '24h',
    providers: q.get('providers') ?? '',
    models: q.get('models') ?? '',
    status: q.get('status') ?? '',
    content_search: q.get('content_search') ?? '',
  };
}

function apiFilters(f) {
  const range = RANGES.find((r) => r.key === f.range);
  return {
    start_time: Math.floor(Date.now() / 1000) - range.seconds,
    providers: f.providers, models: f.models, status: f.status, content_search: f.content_search,
  };
}

function matches(f, l) {
  const range = RANGES.find((r) => r.key === f.range);
  if (Date.parse(l.timestamp) < Date.now() - range.seconds * 1000) return false;
  if (f.providers && !f.providers.split(',').includes(l.provider)) return false;
  if (f.models && !f.models.split(',').includes(l.model)) return false;
  if (f.status && !f.status.split(',').includes(l.status)) return false;
  return !f.content_search; // content search needs the server
}

function select(name, options, value, onChange) {
  const el = h('select', { name, id: `filter-${name}`, onchange: () => onChange(el.value) },
    options.map(([v, label]) => h('option', { value: v, selected: v === value, text: label })));
  return el;
}

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label', text: label }), h('div', { class: 'stat-value', id, text: value }));
}

export async function render(root, _params, { navigate }) {
  const f = readFilters();
  const liveBadge = h('span', { class: 'live-state', id: 'live-state', dataset: { state: 'connecting' }, text: 'Connecting…' });
  const statsEl = h('div', { class: 'stats', id: 'stats' });
  const chartsEl = h('div', { class: 'charts', id: 'charts' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const more = h('button', { class: 'btn', type: 'button', hidden: true, text: 'Load more' });
  const info = h('div', { class: 'muted small', id: 'logs-count' });
  const filterBar = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() });
  root.append(
    h('div', { class: 'page-head' }, h('h1', { text: 'Logs' }), liveBadge),
    filterBar, statsEl, chartsEl,
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Requests' }), info), tableWrap, more));

  const setFilter = (k, v) => {
    const q = new URLSearchParams(location.search);
    if (v) q.set(k, v); else q.delete(k);
    const s = q.toString();
    navigate(`/logs${s ? `?${s}` : ''}`);
  };

  let rows = [];
  let total = 0;
  const tbody = () => tableWrap.querySelector('tbody');
  const rowAttrs = (l) => ({ dataset: { logId: l.id }, class: 'clickable', onclick: (e) => { if (!e.target.closest('a')) navigate(`/logs/${encodeURIComponent(l.id)}`); } });

  function drawTable() {
    clear(tableWrap).append(table(COLUMNS, rows, { rowAttrs, empty: 'No requests yet. Send one through the gateway and it appears here.' }));
    info.textContent = `${num(rows.length)} of ${num(total)}`;
    more.hidden = rows.length >= total;
  }

  async function loadPage(offset) {
    const r = await api(`/api/logs${query({ ...apiFilters(f), limit: PAGE, offset })}`);
    total = r.pagination?.total_count ?? r.logs.length;
    const seen = new Set(rows.map((l) => l.id));
    rows = offset === 0 ? r.logs : rows.concat(r.logs.filter((l) => !seen.has(l.id)));
    drawTable();
  }
  more.addEventListener('click', () => loadPage(rows.length).catch((e) => tableWrap.append(errorBox(e))));

  async function loadSummary() {
    const range = RANGES.find((r) => r.key === f.range);
    const [stats, hist] = await Promise.all([
      api(`/api/logs/stats${query(apiFilters(f))}`),
      // No end_time: the buckets run to the latest request (an end taken from this browser's clock could cut off
      // what the server logged a moment ago).
      api(`/api/logs/histogram${query({ ...apiFilters(f), bucket_seconds: range.bucket })}`),
    ]);
    clear(statsEl).append(
      stat('Requests', num(stats.total_requests), 'stat-requests'),
      stat('Success rate', stats.total_requests ? pct(stats.success_rate) : '—', 'stat-success'),
      stat('Avg latency', stats.total_requests ? ms(stats.average_latency) : '—', 'stat-latency'),
      stat('p95 latency', stats.total_requests ? ms(stats.p95_latency) : '—', 'stat-p95'),
      stat('Tokens', num(stats.total_tokens), 'stat-tokens'),
      stat('Cost', usd(stats.total_cost ?? 0), 'stat-cost'));
    const b = hist.buckets ?? [];
    clear(chartsEl).append(
      h('section', { class: 'card chart-card' }, h('h2', { text: 'Volume' }),
        barChart(b, [
          { key: 'success', label: 'Successful', cls: 's-ok', value: (x) => x.requests - x.errors },
          { key: 'errors', label: 'Errors', cls: 's-err', value: (x) => x.errors },
        ], { format: (n) => num(Math.round(n)), name: 'volume', integer: true })),
      h('section', { class: 'card chart-card' }, h('h2', { text: 'Latency' }),
        lineChart(b, [
          { key: 'avg', label: 'Average', cls: 's-a', value: (x) => x.average_latency },
          { key: 'p95', label: 'p95', cls: 's-b', value: (x) => x.p95_latency },
        ], { format: ms, name: 'latency' })),
      h('section', { class: 'card chart-card' }, h('h2', { text: 'Cost' }),
        barChart(b, [{ key: 'cost', label: 'Cost (USD)', cls: 's-cost', value: (x) => x.cost }], { format: usd, name: 'cost' })));
  }

  // Filters (provider and model choices from what the log has seen).
  const rerender = () => filterBar.replaceChildren(
    select('range', RANGES.map((r) => [r.key, r.label]), f.range, (v) => setFilter('range', v)),
    select('providers', [['', 'All providers'], ...(filterData.providers ?? []).map((p) => [p, p])], f.providers, (v) => setFilter('providers', v)),
    select('models', [['', 'All models'], ...(filterData.models ?? []).map((p) => [p, p])], f.models, (v) => setFilter('models', v)),
    select('status', [['', 'Any status'], ['success', 'Success'], ['error', 'Error']], f.status, (v) => setFilter('status', v)),
    h('input', { type: 'search', name: 'content_search', placeholder: 'Search content…', value: f.content_search,
      onchange: (e) => setFilter('content_search', e.target.value.trim()) }));
  let filterData = {};
  rerender();

  try {
    await Promise.all([loadPage(0), loadSummary(), api('/api/logs/filterdata').then((d) => { filterData = d; rerender(); })]);
  } catch (e) {
    if (e.status === 404 || e.status === 503) {
      clear(root).append(h('h1', { text: 'Logs' }),
        h('div', { class: 'notice', id: 'logs-unavailable' }, e.status === 503
          ? `The request log is turned off on this gateway (${e.message}).`
          : 'The request log is not available on this gateway (GET /api/logs answered 404).'));
      return null;
    }
    root.append(errorBox(e));
  }

  // Live: new rows from /ws; stats and charts follow a moment later. While the feed is down, poll.
  let summaryTimer = null;
  const refreshSummary = () => {
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(() => loadSummary().catch(() => {}), 800);
  };
  const addLive = (l) => {
    if (!matches(f, l) || rows.some((x) => x.id === l.id)) return;
    rows.unshift(l);
    total += 1;
    const tb = tbody();
    if (!tb) return;
    tb.querySelector('tr.empty')?.remove();
    const tr = tableRow(COLUMNS, l, rowAttrs);
    tr.classList.add('row-new');
    tb.prepend(tr);
    info.textContent = `${num(rows.length)} of ${num(total)}`;
  };
  let pollTimer = null;
  const poll = () => {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      try {
        const r = await api(`/api/logs${query({ ...apiFilters(f), limit: PAGE, offset: 0 })}`);
        const fresh = r.logs.filter((l) => !rows.some((x) => x.id === l.id)).reverse();
        fresh.forEach(addLive);
        if (fresh.length) refreshSummary();
      } catch { /* keep polling */ }
      if (feedState !== 'live') poll();
    }, 3000);
  };
  let feedState = 'connecting';
  const feed = new LiveFeed({
    onMessage: (msg) => {
      if (msg.type === 'log' && msg.payload) {
        if (msg.operation === 'create') addLive(msg.payload);
        else {
          const i = rows.findIndex((x) => x.id === msg.payload.id);
          if (i >= 0) rows[i] = msg.payload;
        }
        refreshSummary();
      }
    },
    onState: (state) => {
      feedState = state;
      liveBadge.dataset.state = state;
      liveBadge.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline — refreshing every 3 s';
      if (state === 'offline') poll();
    },
  }).start();

  return () => {
    feed.stop();
    clearTimeout(summaryTimer);
    clearTimeout(pollTimer);
  };
}
