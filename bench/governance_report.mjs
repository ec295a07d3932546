#!/usr/bin/env node
// Renders the Markdown report from the JSON lines that bench/governance.sh collects.
// Usage: node governance_report.mjs governance.jsonl > governance.md
import fs from 'node:fs';

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = rows.find((r) => r.kind === 'meta') || {};
const wrk = rows.filter((r) => r.kind === 'wrk');
const sanity = rows.filter((r) => r.kind === 'sanity');
const usage = rows.filter((r) => r.kind === 'usage');
const logs = rows.filter((r) => r.kind === 'log');
const cmdstats = rows.find((r) => r.kind === 'redis_commandstats');

const out = [];
const p = (s = '') => out.push(s);
const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : Number(n).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const signed = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : `${n >= 0 ? '+' : ''}${fmt(n, d)}`);
const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);
const x = (r) => (r === null ? 'n/a' : `${fmt(r, 2)}×`);
const mean = (a) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);

function derive(r) {
  const w = r.wrk || {};
  const secs = (w.duration_us || 0) / 1e6;
  const req = w.requests || 0;
  const errs = (w.err_connect || 0) + (w.err_read || 0) + (w.err_write || 0) + (w.err_timeout || 0);
  return {
    ...r,
    req,
    rps: secs > 0 ? req / secs : 0,
    p50: w.p50_us,
    p99: w.p99_us,
    errs,
    non2xx: w.err_status || 0,
    cpuPerReq: r.variant === 'direct' || !req ? null : (r.proxy_cpu_ticks * 1e6) / r.clk_tck / req,
    redisPerReq: !req ? null : (r.redis_cpu_ticks * 1e6) / r.clk_tck / req,
    proxyUtil: r.variant === 'direct' || !secs ? null : (100 * r.proxy_cpu_ticks) / r.clk_tck / secs,
  };
}
const D = wrk.map(derive);
const scenarios = [...new Set(D.map((r) => r.scenario))];
const variants = ['off', 'inproc', 'redis'];
const names = { off: 'off (no virtual keys)', inproc: 'in-process counters', redis: 'Redis counters (loopback)', direct: 'direct (wrk → upstream)' };
// Mean over the rounds of one scenario/variant.
function agg(scenario, variant) {
  const rs = D.filter((r) => r.scenario === scenario && r.variant === variant);
  if (!rs.length) return null;
  const m = (k) => mean(rs.map((r) => r[k]).filter((v) => v !== null && v !== undefined));
  return {
    rounds: rs,
    rps: m('rps'),
    p50: m('p50'),
    p99: m('p99'),
    cpu: m('cpuPerReq'),
    redis: m('redisPerReq'),
    util: m('proxyUtil'),
    non2xx: rs.reduce((s, r) => s + r.non2xx, 0),
    errs: rs.reduce((s, r) => s + r.errs, 0),
    foreign: Math.max(...rs.map((r) => r.foreign_pct ?? 0)),
  };
}

p('# Heimdall governance benchmark');
p();
p(`Commit \`${meta.commit}\`${meta.dirty_files ? ` (work tree had ${meta.dirty_files} modified/untracked files)` : ''}, binary \`${meta.binary}\` (build id ${meta.binary_id}, modified ${meta.binary_mtime}); run ${meta.date_start} – ${meta.date}.`);
p(`Machine: ${meta.cpus} × ${meta.cpu_model}, Linux ${meta.kernel}; nginx ${meta.nginx}, wrk ${meta.wrk}, redis ${meta.redis}.`);
p(`Heimdall (\`serve --workers 1\`, one instance per variant and upstream port) pinned to core ${meta.proxy_core}; upstream nginx, redis-server and wrk pinned to core ${meta.load_core}. wrk -t1, ${meta.duration} per run after a ${meta.warmup} warm-up, ${meta.rounds} round(s) per scenario (variant order reversed every other round; tables show the mean). Route \`azure/claude-sonnet-4-6\` (passthrough), small body; every variant receives the same bytes, \`x-bf-vk\` included.`);
p(`Load average before/after: ${meta.loadavg_before} / ${meta.loadavg_after} (waited ${meta.load_waited_s} s for it to drop below ${meta.max_load}; waited ${meta.quiet_waited_s} s in all for quiet cores before runs).`);
p();
const bad = sanity.filter((s) => !s.ok);
p(`Sanity: ${sanity.length - bad.length}/${sanity.length} checks passed (with the key: 200 and the canned answer or full event sequence; without it: 401 from the governed instances, 200 from the ungoverned one).${bad.length ? ` **Failed:** ${bad.map((s) => `${s.instance} key=${s.with_key}: ${s.detail}`).join('; ')}` : ''}`);
p();

const targets = [];
for (const s of scenarios) {
  const off = agg(s, 'off');
  if (!off) continue;
  const one = off.rounds[0].conns === 1;
  const mode = off.rounds[0].mode === 'sse' ? 'SSE' : 'JSON';
  p(`## ${mode}, ${off.rounds[0].conns} connection${one ? '' : 's'}`);
  p();
  if (!one) {
    p('| variant | req/s (per round) | req/s | ÷ off | p50 µs | p99 µs | Heimdall CPU µs/req | Δ CPU µs/req | Heimdall CPU % | redis CPU µs/req | non-2xx | errors | foreign % (max) |');
    p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const v of variants) {
      const a = agg(s, v);
      if (!a) continue;
      const r = ratio(a.rps, off.rps);
      p(`| ${names[v]} | ${a.rounds.map((q) => fmt(q.rps)).join(' / ')} | ${fmt(a.rps)} | ${v === 'off' ? '1' : `**${x(r)}**`} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${fmt(a.cpu, 1)} | ${v === 'off' ? '' : signed(a.cpu - off.cpu, 1)} | ${fmt(a.util)} | ${v === 'redis' ? fmt(a.redis, 1) : ''} | ${a.non2xx} | ${a.errs} | ${a.foreign} |`);
      if (v !== 'off') targets.push({ s: `${mode} ${a.rounds[0].conns} conn throughput`, v, r, limit: v === 'inproc' ? 0.9 : 0.7 });
    }
  } else {
    const d = agg(s, 'direct');
    p('| variant | p50 µs | p99 µs | added p50 µs | added p99 µs | added p50 ÷ off | added p99 ÷ off | governance p50/p99 µs | req/s | CPU µs/req | redis CPU µs/req | non-2xx | foreign % (max) |');
    p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    if (d) p(`| ${names.direct} | ${fmt(d.p50)} | ${fmt(d.p99)} | | | | | | ${fmt(d.rps)} | | | ${d.non2xx} | ${d.foreign} |`);
    const offAdd50 = d ? off.p50 - d.p50 : null;
    const offAdd99 = d ? off.p99 - d.p99 : null;
    for (const v of variants) {
      const a = agg(s, v);
      if (!a) continue;
      const add50 = d ? a.p50 - d.p50 : null;
      const add99 = d ? a.p99 - d.p99 : null;
      p(`| ${names[v]} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${signed(add50)} | ${signed(add99)} | ${v === 'off' ? '1' : x(ratio(add50, offAdd50))} | ${v === 'off' ? '1' : x(ratio(add99, offAdd99))} | ${v === 'off' ? '' : `${signed(a.p50 - off.p50)} / ${signed(a.p99 - off.p99)}`} | ${fmt(a.rps)} | ${fmt(a.cpu, 1)} | ${v === 'redis' ? fmt(a.redis, 1) : ''} | ${a.non2xx} | ${a.foreign} |`);
    }
    // Per round: p99 at one connection is the number most hurt by other load on the machine.
    p();
    const nr = Math.max(...['direct', ...variants].map((v) => (agg(s, v) ? agg(s, v).rounds.length : 0)));
    p(`| per round: p50 / p99 µs (foreign %) | ${Array.from({ length: nr }, (_, i) => `round ${i + 1}`).join(' | ')} |`);
    p(`|---|${Array.from({ length: nr }, () => '---:').join('|')}|`);
    for (const v of ['direct', ...variants]) {
      const a = agg(s, v);
      if (!a) continue;
      p(`| ${names[v]} | ${a.rounds.map((q) => `${fmt(q.p50)} / ${fmt(q.p99)} (${q.foreign_pct})`).join(' | ')} |`);
    }
  }
  p();
}

if (targets.length) {
  p('## Targets');
  p();
  p('| | variant | ratio to off | target | met |');
  p('|---|---|---:|---:|---|');
  for (const t of targets) p(`| ${t.s} | ${names[t.v]} | ${x(t.r)} | ≥ ${fmt(t.limit, 2)}× | ${t.r !== null && t.r >= t.limit ? '**yes**' : '**NO**'} |`);
  p();
}

p('## Checks');
p();
for (const u of usage) {
  const spend = Array.isArray(u.usage) ? u.usage.find((q) => q.current_usage_usd !== undefined) : null;
  const reqs = Array.isArray(u.usage) ? u.usage.find((q) => q.current_usage !== undefined) : null;
  p(`- ${u.instance} (${u.when}): budget used $${spend ? fmt(spend.current_usage_usd, 4) : 'n/a'}, request counter ${reqs ? fmt(reqs.current_usage) : 'n/a'}.`);
}
if (cmdstats) {
  const redisReqs = D.filter((r) => r.variant === 'redis').reduce((s, r) => s + r.req, 0);
  const st = Object.entries(cmdstats.stats).map(([k, v]) => `${k} ${fmt(v.calls)} (${fmt(v.usec_per_call, 1)} µs/call)`).join(', ');
  p(`- Redis commands during the measured and warm-up runs: ${st}; ${fmt(redisReqs)} requests were measured on the Redis variant (warm-ups not counted).`);
}
for (const l of logs) {
  p(`- ${l.name}: ${l.alive_after ? 'alive at the end' : '**not alive at the end**'}, ${l.lines} log lines at warn and above${l.lines ? `: ${l.sample.map((s) => `\`${s.replace(/`/g, "'")}\``).join('; ')}` : ''}.`);
}
p();
process.stdout.write(out.join('\n'));
