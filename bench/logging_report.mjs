// Renders bench/logging.sh's JSON lines as Markdown: throughput and CPU per request per variant and
// scenario, each as a ratio to "off" measured in the same round (the variants of a round run back to
// back), the median of those ratios over the rounds, latency percentiles, and what was stored.
import fs from 'node:fs';

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = lines.find((l) => l.kind === 'meta') ?? {};
const runs = lines.filter((l) => l.kind === 'wrk');
const scenarios = [...new Set(runs.map((r) => r.scenario))];
const variants = ['off', 'meta', 'content'];
const label = { off: 'log off', meta: 'log on, no content', content: 'log on, with content' };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
};
const rps = (r) => (r.wrk.duration_us ? (r.wrk.requests * 1e6) / r.wrk.duration_us : 0);
// The instance's CPU time per request served in the measured run (all its threads), in microseconds.
const cpuPerReq = (r) => (r.wrk.cpu_ticks && r.wrk.requests ? (r.wrk.cpu_ticks / r.wrk.clk_tck) * 1e6 / r.wrk.requests : 0);

const out = [];
out.push(`# Request log cost (bench/logging.sh)`, '');
out.push(`${meta.date ?? ''}, commit ${meta.commit ?? '?'}, ${meta.cpus} CPUs (${meta.cpu_model ?? '?'}), heimdall --workers 1 on core ${meta.proxy_core}, wrk and upstream nginx on core ${meta.load_core}; ${meta.conns} connections, ${meta.duration} per run after ${meta.warmup} warm-up, ${meta.rounds} rounds (${meta.agent_rounds ?? meta.rounds} for the agent scenario${meta.agent_sessions ? `: ${meta.agent_sessions} conversations of ${meta.agent_turns} turns` : ""}; order reversed every other round). Load average before/after: ${meta.loadavg_before} / ${meta.loadavg_after}.`, '');
out.push('Each round runs the three variants back to back; a variant\'s ratio is taken against "off" of the same round, and the table gives the median over the rounds (this VM\'s speed drifts by tens of percent over minutes, far more than within a round). Throughput: requests per second. CPU: the instance\'s own CPU time per request, all threads (the writer\'s included); "vs off (CPU)" is off\'s CPU per request divided by the variant\'s: the throughput ratio a proxy bound by its CPU would show.', '');
out.push('| scenario | variant | req/s (median) | vs off (paired median) | CPU µs/req (median) | vs off, CPU (paired median) | p50 ms | p99 ms | non-2xx |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const s of scenarios) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  for (const v of variants) {
    const rs = runs.filter((r) => r.scenario === s && r.variant === v);
    if (!rs.length) continue;
    const ratios = [];
    const cpuRatios = [];
    for (const r of rs) {
      const off = runs.find((o) => o.scenario === s && o.variant === 'off' && o.round === r.round);
      if (!off) continue;
      if (rps(off)) ratios.push(rps(r) / rps(off));
      if (cpuPerReq(r)) cpuRatios.push(cpuPerReq(off) / cpuPerReq(r));
    }
    const cpu = median(rs.map(cpuPerReq));
    out.push(`| ${s} | ${label[v]} | ${median(rs.map(rps)).toFixed(0)} | ${ratios.length ? pct(median(ratios)) : '-'} | ${cpu ? cpu.toFixed(1) : '-'} | ${cpuRatios.length ? pct(median(cpuRatios)) : '-'} | ${(median(rs.map((r) => r.wrk.p50_us)) / 1000).toFixed(2)} | ${(median(rs.map((r) => r.wrk.p99_us)) / 1000).toFixed(2)} | ${rs.reduce((a, r) => a + (r.wrk.err_status ?? 0), 0)} |`);
  }
}
const instr = lines.filter((l) => l.kind === 'instr' && l.requests > 0);
if (instr.length) {
  out.push('', 'Instructions per request (callgrind, user space only: the kernel\'s share of the work is not counted): each variant once more in a fresh instance under valgrind, 8 connections for 10 s after a 3 s warm-up, counted from the first request of the run until the writer has stored its last record. "proxy" is every thread but the writer. "vs off" is off\'s total divided by the variant\'s.', '');
  out.push('| scenario | variant | requests | proxy | writer | total | vs off |', '|---|---|---:|---:|---:|---:|---:|');
  const per = (l) => (l.proxy_ir + l.writer_ir) / l.requests;
  for (const l of instr) {
    const off = instr.find((o) => o.scenario === l.scenario && o.variant === 'off');
    const k = (x) => `${(x / 1000).toFixed(1)}k`;
    out.push(`| ${l.scenario} | ${label[l.variant]} | ${l.requests} | ${k(l.proxy_ir / l.requests)} | ${k(l.writer_ir / l.requests)} | ${k(per(l))} | ${off ? `${((per(off) / per(l)) * 100).toFixed(1)}%` : '-'} |`);
  }
}
out.push('', '| instance | requests served | records stored | dropped | logs.db bytes |', '|---|---:|---:|---:|---:|');
for (const s of lines.filter((l) => l.kind === 'stored')) {
  out.push(`| ${s.instance} | ${s.served} | ${s.stored} | ${s.dropped} | ${s.db_bytes} |`);
}
console.log(out.join('\n'));
