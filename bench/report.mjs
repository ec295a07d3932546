#!/usr/bin/env node
// Renders the Markdown report from the JSON lines that bench/run.sh collects.
// Usage: node report.mjs results.jsonl > report.md
import fs from 'node:fs';

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = rows.find((r) => r.kind === 'meta') || {};
const wrk = rows.filter((r) => r.kind === 'wrk');
const sanity = rows.filter((r) => r.kind === 'sanity');
const logs = rows.filter((r) => r.kind === 'log');
const streams = rows.find((r) => r.kind === 'streams');

const out = [];
const p = (s = '') => out.push(s);
const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : Number(n).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const signed = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : `${n >= 0 ? '+' : ''}${fmt(n, d)}`);
const mib = (kb) => (kb ? fmt(kb / 1024, 1) : 'n/a');
const yes = (b) => (b === null ? 'n/a' : b ? '**yes**' : '**NO**');

function derive(r) {
  const w = r.wrk || {};
  const secs = (w.duration_us || 0) / 1e6;
  const req = w.requests || 0;
  const errs = (w.err_connect || 0) + (w.err_read || 0) + (w.err_write || 0) + (w.err_status || 0) + (w.err_timeout || 0);
  const cpuUs = (r.proxy_cpu_ticks * 1e6) / r.clk_tck;
  return {
    route: 'pt',
    body: 'small',
    ...r,
    rps: secs > 0 ? req / secs : 0,
    p50: w.p50_us,
    p99: w.p99_us,
    p999: w.p999_us,
    errs,
    errDetail: errs ? `connect ${w.err_connect}, read ${w.err_read}, write ${w.err_write}, status ${w.err_status}, timeout ${w.err_timeout}` : '',
    cpuPerReq: r.path === 'direct' || !req ? null : cpuUs / req,
    proxyUtil: r.path === 'direct' || !secs ? null : (100 * r.proxy_cpu_ticks) / r.clk_tck / secs,
    coreUtil: r.core_total ? (100 * r.core_busy) / r.core_total : null,
    foreign: r.foreign_pct ?? null,
    loadUtil: r.load_core_total ? (100 * r.load_core_busy) / r.load_core_total : null,
  };
}
const D = wrk.map(derive);
const get = (scenario, path) => D.find((r) => r.scenario === scenario && r.path === path);
const scenarios = [...new Set(D.map((r) => r.scenario))];
const isOne = (s) => /_c1(same)?$/.test(s);
const conc = scenarios.filter((s) => !isOne(s));
const one = scenarios.filter(isOne);
const first = (s) => D.find((r) => r.scenario === s) || {};
const routeName = (r) => (r.route === 'tr' ? 'translation (Anthropic → OpenAI Chat)' : 'passthrough');
const bodyName = (r) => (r.body === '10k' ? `~${fmt((r.body_bytes || 10240) / 1024, 0)} KB Claude-Code-like body` : 'small body');
const label = (s) => {
  const r = first(s);
  const extra = r.body === '10k' || r.route === 'tr' ? `, ${routeName(r)}, ${bodyName(r)}` : '';
  return `${r.mode === 'sse' ? 'streaming (SSE)' : 'non-streaming (JSON)'}, ${r.conns} connection${r.conns === 1 ? '' : 's'}${extra}`;
};
const shortLabel = (s) => {
  const r = first(s);
  return `${r.mode === 'sse' ? 'SSE' : 'JSON'}${r.body === '10k' ? `, ${r.route === 'tr' ? 'translation' : 'passthrough'}, ~10 KB` : ''}${r.same_core ? ', same core' : ''}`;
};

p('# Heimdall benchmark report');
p();
p(`Commit \`${meta.commit}\`${meta.dirty_files ? ` (work tree had ${meta.dirty_files} modified/untracked files)` : ''}, binary \`${meta.binary}\` (${meta.build_type || 'unknown build type'}, build id ${meta.binary_id}, modified ${meta.binary_mtime}${meta.binary_replaced_during_run ? '; it was rebuilt during the run, the run used a copy taken at the start' : ''}); run ${meta.date}.`);
p(`Machine: ${meta.cpus} × ${meta.cpu_model}, ${meta.mem_gib} GiB, Linux ${meta.kernel}; nginx ${meta.nginx}, wrk ${meta.wrk}, node ${meta.node}.`);
p(`Proxy under test pinned to core ${meta.proxy_core}; upstream nginx, wrk and Node helpers pinned to core ${meta.load_core}. wrk -t1, ${meta.duration} per run after a ${meta.warmup} warm-up. Load average before/after: ${meta.loadavg_before} / ${meta.loadavg_after}.`);
const MAXF = meta.max_foreign ?? 15;
if (meta.body_bytes) {
  const b = meta.body_bytes;
  p(`Request bodies: small ${b.small_pt_json} B (JSON) / ${b.small_pt_sse} B (SSE); Claude-Code-like ${fmt(b['10k_pt_json'])} B passthrough (\`azure/claude-sonnet-4-6\`) and ${fmt(b['10k_tr_json'])} B translation (\`azure/gpt-4o\`, answered by the upstream as an Azure OpenAI chat.completion / chunk stream). The "direct" path of the translation route posts the same body to the upstream's OpenAI deployment URL.`);
}
p(`"Foreign load" is CPU time on the two benchmark cores used by processes that are not part of the benchmark (anything but the proxy, the upstream nginx and wrk), in % of one core over the run. A run above ${MAXF}% was repeated up to ${meta.retries ?? 0} times and the least disturbed attempt kept (column "try")${meta.quiet_wait !== undefined ? `; before each attempt the harness waited (up to ${meta.quiet_wait} s) until the idle cores were below ${MAXF}% busy, ${meta.quiet_waited_s} s in all this run` : ''}.`);
const contended = D.filter((r) => r.foreign !== null && r.foreign > MAXF);
if (contended.length) {
  p();
  p(`**Warning: the machine was shared.** ${contended.length} of ${D.length} runs still had more than ${MAXF}% foreign load after retries (${contended.map((r) => `${r.scenario}/${r.path} ${r.foreign}%`).join(', ')}); their throughput and especially tail latency are depressed and noisy. CPU µs per request is the number least affected by sharing; the CPU-normalised ratios use it.`);
}
p();

for (const s of conc) {
  p(`## Throughput: ${label(s)}`);
  p();
  p('| path | req/s | p50 µs | p99 µs | p99.9 µs | proxy CPU µs/req | proxy CPU % of its core | load-gen core busy % | proxy peak RSS MiB | errors | foreign load % | try |');
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  for (const path of ['direct', 'nginx', 'heimdall']) {
    const r = get(s, path);
    if (!r) continue;
    p(`| ${path} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.p999)} | ${r.cpuPerReq === null ? '–' : fmt(r.cpuPerReq, 1)} | ${r.proxyUtil === null ? '–' : fmt(r.proxyUtil)} | ${fmt(r.loadUtil)} | ${path === 'direct' ? '–' : mib(r.proxy_hwm_kb)} | ${r.errs ? r.errDetail : 0}${r.proxy_alive_after === false ? ' **proxy died**' : ''} | ${fmt(r.foreign)} | ${r.attempt ?? 1} |`);
  }
  const d = get(s, 'direct'); const n = get(s, 'nginx'); const h = get(s, 'heimdall');
  if (n && h) {
    p();
    p(`Ratios: heimdall/nginx throughput **${fmt(h.rps / n.rps, 2)}×** as measured, **${fmt(n.cpuPerReq / h.cpuPerReq, 2)}×** CPU-normalised (nginx CPU µs/req ÷ heimdall CPU µs/req: the throughput ratio each would reach alone on a full core)${d ? `; heimdall/direct ${fmt(h.rps / d.rps, 2)}×, nginx/direct ${fmt(n.rps / d.rps, 2)}×` : ''}.`);
  }
  p();
}

if (one.length) {
  p('## Added latency at one connection');
  p();
  p(`Rows marked "same core" repeat the run with the proxy moved onto core ${meta.load_core} next to wrk and the upstream, so no request crosses cores: the difference to the pinned rows is cross-core wake-up latency, not proxy work.`);
  p();
  p('| mode | path | req/s | p50 µs | p99 µs | p50 − direct µs | p99 − direct µs | p50 − nginx µs | p99 − nginx µs | proxy CPU µs/req | foreign load % | try |');
  p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of one) {
    const d = get(s, 'direct'); const n = get(s, 'nginx');
    for (const path of ['direct', 'nginx', 'heimdall']) {
      const r = get(s, path);
      if (!r) continue;
      const overD = (k) => (path === 'direct' || !d ? '–' : signed(r[k] - d[k]));
      const overN = (k) => (path === 'heimdall' && n ? signed(r[k] - n[k]) : '–');
      p(`| ${shortLabel(s)} | ${path} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${overD('p50')} | ${overD('p99')} | ${overN('p50')} | ${overN('p99')} | ${r.cpuPerReq === null ? '–' : fmt(r.cpuPerReq, 1)} | ${fmt(r.foreign)} | ${r.attempt ?? 1} |`);
    }
  }
  p();
}

// ---- translation vs passthrough (~10 KB body)
const cmp = [];
for (const mode of ['json', 'sse']) {
  const find = (route, one) => D.find((r) => r.path === 'heimdall' && r.body === '10k' && r.route === route && r.mode === mode && (r.conns === 1) === one);
  const ptc = find('pt', false); const trc = find('tr', false);
  const pt1 = find('pt', true); const tr1 = find('tr', true);
  const dir = (r) => r && get(r.scenario, 'direct');
  const added = (r, k) => (r && dir(r) ? r[k] - dir(r)[k] : null);
  cmp.push({ mode, ptc, trc, pt1, tr1,
    addP50: [added(pt1, 'p50'), added(tr1, 'p50')], addP99: [added(pt1, 'p99'), added(tr1, 'p99')],
    nginx1: pt1 && get(pt1.scenario, 'nginx'), nginxc: ptc && get(ptc.scenario, 'nginx') });
}
// A ratio of added latencies is meaningless when the passthrough's is not positive (noise).
const ratio = (a, b) => (a === null || b === null || !(b > 0) ? null : a / b);
const times = (r) => (r === null ? 'n/a' : `${fmt(r, 2)}×`);
if (cmp.some((c) => c.ptc || c.pt1 || c.trc || c.tr1)) {
  p('## Translation vs passthrough (~10 KB Claude-Code-like request)');
  p();
  const c0 = cmp.find((c) => c.pt1 || c.tr1) || {};
  p(`Same gateway process, same ~10 KB Anthropic request body; only the model differs: \`azure/claude-sonnet-4-6\` is relayed as is, \`azure/gpt-4o\` is translated to OpenAI Chat Completions and the answer translated back. Throughput at ${meta.conns} connections (proxy pinned to core ${meta.proxy_core}); added latency at one connection${c0.pt1 && c0.pt1.same_core ? `, proxy on core ${meta.load_core} with wrk and the upstream (same core)` : ''}, over wrk posting the same body to the upstream directly.`);
  p();
  p('| mode | route | req/s (32 conn) | p50 µs | p99 µs | CPU µs/req | req/s (1 conn) | p50 µs | p99 µs | added p50 µs | added p99 µs | CPU µs/req (1 conn) |');
  p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cmp) {
    const row = (name, rc, r1, i) => p(`| ${c.mode === 'sse' ? 'SSE' : 'JSON'} | ${name} | ${rc ? fmt(rc.rps) : 'n/a'} | ${rc ? fmt(rc.p50) : 'n/a'} | ${rc ? fmt(rc.p99) : 'n/a'} | ${rc ? fmt(rc.cpuPerReq, 1) : 'n/a'} | ${r1 ? fmt(r1.rps) : 'n/a'} | ${r1 ? fmt(r1.p50) : 'n/a'} | ${r1 ? fmt(r1.p99) : 'n/a'} | ${signed(c.addP50[i])} | ${signed(c.addP99[i])} | ${r1 ? fmt(r1.cpuPerReq, 1) : 'n/a'} |`);
    if (c.nginxc || c.nginx1) {
      const n1 = c.nginx1; const d1 = n1 && get(n1.scenario, 'direct');
      p(`| ${c.mode === 'sse' ? 'SSE' : 'JSON'} | nginx proxy (floor) | ${c.nginxc ? fmt(c.nginxc.rps) : 'n/a'} | ${c.nginxc ? fmt(c.nginxc.p50) : 'n/a'} | ${c.nginxc ? fmt(c.nginxc.p99) : 'n/a'} | ${c.nginxc ? fmt(c.nginxc.cpuPerReq, 1) : 'n/a'} | ${n1 ? fmt(n1.rps) : 'n/a'} | ${n1 ? fmt(n1.p50) : 'n/a'} | ${n1 ? fmt(n1.p99) : 'n/a'} | ${n1 && d1 ? signed(n1.p50 - d1.p50) : 'n/a'} | ${n1 && d1 ? signed(n1.p99 - d1.p99) : 'n/a'} | ${n1 ? fmt(n1.cpuPerReq, 1) : 'n/a'} |`);
    }
    row('heimdall passthrough', c.ptc, c.pt1, 0);
    row('heimdall translation', c.trc, c.tr1, 1);
    p(`| ${c.mode === 'sse' ? 'SSE' : 'JSON'} | **translation ÷ passthrough** | ${c.trc && c.ptc ? `${fmt(c.trc.rps / c.ptc.rps, 2)}×` : 'n/a'} | | | ${c.trc && c.ptc ? `${fmt(c.trc.cpuPerReq / c.ptc.cpuPerReq, 2)}×` : 'n/a'} | ${c.tr1 && c.pt1 ? `${fmt(c.tr1.rps / c.pt1.rps, 2)}×` : 'n/a'} | | | **${times(ratio(c.addP50[1], c.addP50[0]))}** | **${times(ratio(c.addP99[1], c.addP99[0]))}** | ${c.tr1 && c.pt1 ? `${fmt(c.tr1.cpuPerReq / c.pt1.cpuPerReq, 2)}×` : 'n/a'} |`);
  }
  p();
}

// ---- many slow streams
let streamVerdict = null;
let streamSummary = 'not run';
if (streams) {
  const R = streams.result;
  p('## Many concurrent slow streams');
  p();
  p(`Each stream: ${streams.events} Anthropic SSE events, one every ${streams.interval_ms} ms (message_start first, message_stop last), from a Node upstream; the Node client ramps to ${R.steps.join(' → ')} concurrent streams through a fresh \`heimdall --workers 1\` (core ${meta.proxy_core}), waits for every stream's first event at each step, then samples the gateway's VmRSS. Baseline (idle, fresh process): ${mib(R.baseline.rss_kb)} MiB.`);
  p();
  const checks = [];
  for (const w of R.waves) {
    const base = w.before.rss_kb;
    p(`### Wave ${w.wave}${w.wave > 1 ? ' (same gateway process, after wave 1 closed)' : ''}`);
    p();
    p('| concurrent streams | all got first event | RSS MiB | RSS − wave start MiB | KiB/stream (avg) | KiB/stream (marginal) | gateway fds | ramp time s |');
    p('|---:|---|---:|---:|---:|---:|---:|---:|');
    let prev = { target: 0, rss_kb: base };
    const marg = [];
    for (const st of w.steps) {
      const avg = (st.rss_kb - base) / st.target;
      const m = (st.rss_kb - prev.rss_kb) / (st.target - prev.target);
      marg.push(m);
      p(`| ${fmt(st.open)} (target ${fmt(st.target)}) | ${st.reached ? 'yes' : `**no** (${st.with_first_event})`} | ${mib(st.rss_kb)} | ${fmt((st.rss_kb - base) / 1024, 1)} | ${fmt(avg, 1)} | ${fmt(m, 1)} | ${fmt(st.fds)} | ${st.open_s} |`);
      prev = st;
    }
    p();
    const h = w.hold || {};
    const drift = (h.rss_end_kb || 0) - (h.rss_start_kb || 0);
    const last = w.steps[w.steps.length - 1] || {};
    p(`- Held ${fmt(h.open)} streams for ${h.samples} one-second samples while events flowed: RSS ${mib(h.rss_start_kb)} → ${mib(h.rss_end_kb)} MiB (drift ${signed(drift / 1024, 1)} MiB, max ${mib(h.rss_max_kb)} MiB).`);
    p(`- After all streams ended (+2 s): RSS ${mib(w.after.rss_kb)} MiB (${signed((w.after.rss_kb - base) / 1024, 1)} MiB vs wave start), gateway fds ${fmt(w.after.fds)}, peak RSS (VmHWM) ${mib(w.after.hwm_kb)} MiB.`);
    p(`- Streams: ${fmt(w.started)} started, ${fmt(w.ok)} ended with message_stop, failures: ${Object.keys(w.failures).length ? Object.entries(w.failures).map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}${w.still_open_at_timeout ? `, ${w.still_open_at_timeout} still open at the timeout` : ''}.`);
    p(`- Events per stream (count: streams): ${Object.entries(w.event_count_histogram).map(([k, v]) => `${k}: ${v}`).join(', ')}; time to first event p50/p99/max ${w.first_event_ms.p50}/${w.first_event_ms.p99}/${w.first_event_ms.max} ms.`);
    if (w.failure_samples.length) {
      p('- Failure samples:');
      for (const f of w.failure_samples.slice(0, 5)) p(`  - \`${f.kind}\`: ${f.detail.replace(/\n/g, ' ').replace(/\|/g, '\\|')}`);
    }
    p();
    const allOk = w.ok === w.started && w.steps.every((s) => s.reached) && last.open === last.target;
    const driftOk = Math.abs(drift) <= Math.max(1024, 0.05 * (h.rss_start_kb || 0));
    const linearOk = marg.length < 2 || marg[marg.length - 1] <= Math.max(1.5 * marg[0], marg[0] + 4);
    checks.push({ wave: w.wave, allOk, driftOk, linearOk, after: w.after.rss_kb, lastTarget: last.target, avg: (last.rss_kb - base) / last.target });
  }
  let retainOk = null;
  if (checks.length >= 2) {
    retainOk = checks[checks.length - 1].after <= checks[0].after * 1.05 + 1024;
  }
  const c1 = checks[0] || {};
  streamVerdict = checks.length > 0 && checks.every((c) => c.allOk && c.driftOk && c.linearOk) && retainOk !== false && !!streams.gateway_alive_after;
  streamSummary = `${fmt(c1.lastTarget)} streams, ${fmt(c1.avg, 1)} KiB/stream; all ok: ${checks.map((c) => c.allOk).join('/')}; hold drift ok: ${checks.map((c) => c.driftOk).join('/')}; linear: ${checks.map((c) => c.linearOk).join('/')}${retainOk === null ? '' : `; wave-${checks.length} RSS after close within 5% of wave 1: ${retainOk}`}`;
  p(`Flat-memory checks: every stream of every wave got its first event and ended with message_stop (${checks.map((c) => yes(c.allOk)).join(', ')}); RSS drift while holding the peak ≤ max(1 MiB, 5%) (${checks.map((c) => yes(c.driftOk)).join(', ')}); per-stream memory of the last step ≤ 1.5× the first step's (${checks.map((c) => yes(c.linearOk)).join(', ')})${retainOk === null ? '' : `; RSS after wave ${checks.length} closed within 5% (+1 MiB) of after wave 1 (${yes(retainOk)})`}; gateway alive afterwards (${yes(!!streams.gateway_alive_after)}).`);
  p();
}

// ---- targets
p('## Targets');
p();
p('| target | measured | met |');
p('|---|---|---|');
const j1d = get('json_c1', 'direct'); const j1h = get('json_c1', 'heimdall');
const s1d = get('sse_c1', 'direct'); const s1h = get('sse_c1', 'heimdall');
if (j1d && j1h) {
  const added = j1h.p99 - j1d.p99;
  const j1n = get('json_c1', 'nginx');
  p(`| Heimdall added p99 at 1 connection ≤ 50 µs over direct (JSON) | ${signed(added)} µs (p99 ${fmt(j1h.p99)} vs ${fmt(j1d.p99)}); nginx proxy floor ${j1n ? signed(j1n.p99 - j1d.p99) : 'n/a'} µs | ${yes(added <= 50)} |`);
}
if (s1d && s1h) {
  const added = s1h.p99 - s1d.p99;
  const s1n = get('sse_c1', 'nginx');
  p(`| same, streaming (informational) | ${signed(added)} µs (p99 ${fmt(s1h.p99)} vs ${fmt(s1d.p99)}); nginx proxy floor ${s1n ? signed(s1n.p99 - s1d.p99) : 'n/a'} µs | ${yes(added <= 50)} |`);
}
for (const s of ['json_c1same', 'sse_c1same']) {
  const d = get(s, 'direct'); const n = get(s, 'nginx'); const h = get(s, 'heimdall');
  if (d && n && h) p(`| same, ${s.startsWith('sse') ? 'streaming' : 'JSON'}, proxy on the load core (informational) | ${signed(h.p99 - d.p99)} µs over direct, ${signed(h.p99 - n.p99)} µs over nginx (nginx: ${signed(n.p99 - d.p99)} µs) | ${yes(h.p99 - d.p99 <= 50)} |`);
}
for (const s of conc) {
  const n = get(s, 'nginx'); const h = get(s, 'heimdall');
  if (n && h) {
    p(`| Heimdall throughput ≥ 0.5× nginx proxy (${label(s)}) | ${fmt(h.rps / n.rps, 2)}× as measured (${fmt(h.rps)} vs ${fmt(n.rps)} req/s) | ${yes(h.rps >= 0.5 * n.rps && h.errs === 0)} |`);
    p(`| same, CPU-normalised | ${fmt(n.cpuPerReq / h.cpuPerReq, 2)}× (${fmt(h.cpuPerReq, 1)} vs ${fmt(n.cpuPerReq, 1)} CPU µs/req) | ${yes(n.cpuPerReq / h.cpuPerReq >= 0.5)} |`);
  }
}
for (const c of cmp) {
  if (!c.pt1 || !c.tr1) continue;
  const r50 = ratio(c.addP50[1], c.addP50[0]); const r99 = ratio(c.addP99[1], c.addP99[0]);
  p(`| Translation added latency < 2× passthrough's, ~10 KB request, 1 connection${c.pt1.same_core ? ', same core' : ''} (${c.mode === 'sse' ? 'SSE' : 'JSON'}) | p50 ${signed(c.addP50[1])} vs ${signed(c.addP50[0])} µs = ${times(r50)}; p99 ${signed(c.addP99[1])} vs ${signed(c.addP99[0])} µs = ${times(r99)} | p50 ${yes(r50 === null ? null : r50 < 2)}, p99 ${yes(r99 === null ? null : r99 < 2)} |`);
}
p(`| ${streams ? fmt(streams.result.steps[streams.result.steps.length - 1]) : '5,000'} concurrent slow streams held with flat memory | ${streamSummary} | ${yes(streamVerdict)} |`);
p();

// ---- sanity and logs
p('## Checks');
p();
p(`Sanity (one curl per path before the runs): ${sanity.map((s) => `${s.mode}/${s.route ? `${s.route === 'tr' ? 'translation' : 'passthrough'}/${s.body}/` : ''}${s.path} ${s.ok ? 'ok' : `**FAIL** (${s.detail})`}`).join('; ')}.`);
const errRows = D.filter((r) => r.errs);
if (errRows.length) p(`wrk errors: ${errRows.map((r) => `${r.scenario}/${r.path}: ${r.errDetail}`).join('; ')}.`);
else p('wrk errors: none (no connect/read/write/timeout errors, no non-2xx answers).');
for (const l of logs) {
  const listening = l.listening === undefined ? '' : l.listening.length ? ` besides the startup line (\`${l.listening[0].replace(/^.*heimdall listening on/, 'heimdall listening on')}\`)` : ' and **no startup "listening on" line**';
  p(`Gateway log \`${l.name}\` (--log-level warn): ${l.lines} line(s)${listening}${l.lines ? ':' : '.'}`);
  if (l.lines) {
    p('```');
    for (const s of l.sample) p(s);
    p('```');
  }
}
p();
process.stdout.write(`${out.join('\n')}\n`);
