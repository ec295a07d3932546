#!/usr/bin/env node
// Many concurrent slow streams through the gateway.
//
// Opens N concurrent streaming POSTs (`"stream":true`) to URL, ramping through --steps (default
// 1000,2500,5000). At each step it waits until every stream opened so far has received its first SSE
// event, then samples the gateway's VmRSS (and open fd count) from /proc/PID. It keeps sampling once a
// second while all streams are held (to see whether memory drifts while events flow), waits for every
// stream to end, checks that each ended with message_stop, and samples RSS again after they closed.
// With --waves 2 the whole ramp is repeated to see whether memory returns to the same level.
//
// Usage: node many_streams.mjs --url http://127.0.0.1:PORT/anthropic/v1/messages --pid GATEWAY_PID
//        [--steps 1000,2500,5000] [--open-concurrency 200] [--step-timeout 90] [--end-timeout 120]
//        [--waves 1] [--model azure/claude-sonnet-4-6]
// Progress goes to stderr; a JSON result to stdout. No npm dependencies.
import fs from 'node:fs';
import http from 'node:http';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const url = new URL(arg('url', 'http://127.0.0.1:8080/anthropic/v1/messages'));
const pid = Number(arg('pid', '0'));
const steps = arg('steps', '1000,2500,5000').split(',').map(Number).filter((n) => n > 0);
const openConcurrency = Number(arg('open-concurrency', '200'));
const stepTimeoutMs = Number(arg('step-timeout', '90')) * 1000;
const endTimeoutMs = Number(arg('end-timeout', '120')) * 1000;
const waves = Number(arg('waves', '1'));
const model = arg('model', 'azure/claude-sonnet-4-6');

const body = JSON.stringify({
  model, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }],
});
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 100000 });

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[many_streams +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStatus() {
  if (!pid) return {};
  try {
    const txt = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((txt.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1] || 0);
    let fds = null;
    try { fds = fs.readdirSync(`/proc/${pid}/fd`).length; } catch { /* ignore */ }
    return { rss_kb: kb('VmRSS'), hwm_kb: kb('VmHWM'), threads: kb('Threads'), fds };
  } catch (e) {
    return { error: `gateway process ${pid} gone: ${e.code || e.message}` };
  }
}

// Per-wave state.
let W;
function newWave(n) {
  return {
    wave: n, started: 0, settledOpen: 0, firstSeen: 0, ended: 0, ok: 0,
    failures: {}, failureSamples: [], eventCounts: new Map(), steps: [], timeline: [], firstEventMs: [],
  };
}

function fail(kind, detail) {
  W.failures[kind] = (W.failures[kind] || 0) + 1;
  if (W.failureSamples.length < 10) W.failureSamples.push({ kind, detail: String(detail).slice(0, 300) });
}

function openStream() {
  const w = W;
  w.started++;
  const start = Date.now();
  return new Promise((resolveFirst) => {
    let first = false;
    let settled = false;
    let buf = '';
    let events = 0;
    let last = null;
    let sawStop = false;
    let sawError = false;
    const gotFirst = () => {
      if (first) return;
      first = true;
      w.firstSeen++;
      w.firstEventMs.push(Date.now() - start);
      w.settledOpen++;
      resolveFirst();
    };
    const settle = (kind, detail) => {
      if (settled) return;
      settled = true;
      w.ended++;
      if (kind) fail(kind, detail); else w.ok++;
      w.eventCounts.set(events, (w.eventCounts.get(events) || 0) + 1);
      if (!first) { first = true; w.settledOpen++; resolveFirst(); } // a failed open also frees its opening slot
    };
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent,
      headers: {
        'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
        'anthropic-version': '2023-06-01', accept: 'text/event-stream',
      },
    }, (res) => {
      if (res.statusCode !== 200) {
        let txt = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { if (txt.length < 400) txt += d; });
        res.on('end', () => settle(`http_${res.statusCode}`, txt));
        res.on('error', (e) => settle(`http_${res.statusCode}`, e.message));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let idx;
        while ((idx = buf.search(/\r?\n\r?\n/)) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + (buf[idx] === '\r' ? 4 : 2));
          const m = block.match(/^event:\s*(.*)$/m);
          const type = m ? m[1].trim() : null;
          if (!type && !/^data:/m.test(block)) continue; // comment / keep-alive
          events++;
          if (events === 1 && type !== 'message_start') fail('first_event_not_message_start', type);
          if (type === 'error') { sawError = true; fail('sse_error_event', block); }
          if (type === 'message_stop') sawStop = true;
          last = type;
          gotFirst();
        }
      });
      res.on('end', () => {
        if (sawStop && last === 'message_stop') settle(null);
        else if (sawError) settle('ended_after_error_event', `last=${last} events=${events}`);
        else settle('ended_without_message_stop', `last=${last} events=${events}`);
      });
      res.on('error', (e) => settle(`response_${e.code || 'error'}`, e.message));
      res.on('aborted', () => settle('response_aborted', `events=${events}`));
    });
    req.on('error', (e) => settle(`request_${e.code || 'error'}`, e.message));
    req.setTimeout(0);
    req.end(body);
  });
}

async function openMany(n) {
  let inFlight = 0;
  let launched = 0;
  await new Promise((resolve) => {
    const pump = () => {
      while (inFlight < openConcurrency && launched < n) {
        launched++;
        inFlight++;
        openStream().then(() => { inFlight--; if (launched >= n && inFlight === 0) resolve(); else pump(); });
      }
      if (n === 0) resolve();
    };
    pump();
  });
}

async function waitFor(pred, timeoutMs, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

function percentile(arr, p) {
  if (!arr.length) return null;
  const s = [...arr].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function runWave(n) {
  W = newWave(n);
  const w = W;
  const sampler = setInterval(() => {
    w.timeline.push({ t_s: +((Date.now() - t0) / 1000).toFixed(1), open: w.started - w.ended, first_seen: w.firstSeen, ended: w.ended, ...procStatus() });
  }, 1000);
  w.before = procStatus();
  const rampStart = Date.now();
  for (const target of steps) {
    const toOpen = target - w.started;
    const stepStart = Date.now();
    const opening = openMany(toOpen);
    const okAll = await waitFor(() => w.settledOpen >= target, stepTimeoutMs);
    await Promise.race([opening, sleep(1000)]);
    const s = procStatus();
    const step = {
      target, started: w.started, with_first_event: w.firstSeen, open: w.started - w.ended, ended: w.ended,
      failures_so_far: w.ended - w.ok, reached: w.firstSeen >= target, timed_out: !okAll, open_s: +((Date.now() - stepStart) / 1000).toFixed(2), ...s,
    };
    w.steps.push(step);
    log(`wave ${n} step ${target}: open=${step.open} first=${step.with_first_event} rss=${s.rss_kb} KiB fds=${s.fds}${okAll ? '' : ' (TIMEOUT)'}${step.reached ? '' : ' (NOT ALL STREAMS STARTED)'}`);
  }
  w.ramp_s = +((Date.now() - rampStart) / 1000).toFixed(2);
  // Hold: sample while the peak count is still open (until the first stream ends on its own).
  const peakOpen = w.started - w.ended;
  const holdStart = procStatus();
  const endedAtPeak = w.ended;
  await waitFor(() => w.ended > endedAtPeak, endTimeoutMs, 200);
  // The last timeline sample taken while everything was still open.
  const holdSamples = w.timeline.filter((x) => x.open === peakOpen && x.rss_kb);
  w.hold = {
    open: peakOpen,
    rss_start_kb: holdStart.rss_kb,
    rss_end_kb: holdSamples.length ? holdSamples[holdSamples.length - 1].rss_kb : holdStart.rss_kb,
    rss_max_kb: Math.max(holdStart.rss_kb || 0, ...holdSamples.map((x) => x.rss_kb)),
    samples: holdSamples.length,
  };
  const allEnded = await waitFor(() => w.ended >= w.started, endTimeoutMs, 200);
  if (!allEnded) log(`wave ${n}: ${w.started - w.ended} streams still open after ${endTimeoutMs / 1000}s`);
  await sleep(2000);
  w.after = procStatus();
  clearInterval(sampler);
  log(`wave ${n} done: ok=${w.ok}/${w.started} failures=${JSON.stringify(w.failures)} rss after close=${w.after.rss_kb} KiB`);
  return {
    wave: n,
    started: w.started,
    ok: w.ok,
    ended: w.ended,
    still_open_at_timeout: w.started - w.ended,
    failures: w.failures,
    failure_samples: w.failureSamples,
    event_count_histogram: Object.fromEntries([...w.eventCounts.entries()].sort((a, b) => a[0] - b[0])),
    first_event_ms: { p50: percentile(w.firstEventMs, 50), p99: percentile(w.firstEventMs, 99), max: percentile(w.firstEventMs, 100) },
    ramp_s: w.ramp_s,
    before: w.before,
    steps: w.steps,
    hold: w.hold,
    after: w.after,
    timeline: w.timeline,
  };
}

const result = { url: url.href, pid, steps, open_concurrency: openConcurrency, waves: [] };
result.baseline = procStatus();
for (let i = 1; i <= waves; i++) {
  result.waves.push(await runWave(i));
  if (result.waves[result.waves.length - 1].after.error) break;
}
result.final = procStatus();
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
