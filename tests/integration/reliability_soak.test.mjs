// Soak: a steady request rate for a while with 20% of upstream calls failing in assorted ways (429 with
// retry-after, 5xx, 529, resets, garbage, an error as the first stream event, a stream cut mid-way, slow
// headers). Every client request must end with a complete, well-formed answer or a proper error in its
// API's shape; nothing may hang; the gateway's resident memory must stay flat.
//
// Default 20 s (CI); HEIMDALL_SOAK_SECONDS=120 for the full two minutes, HEIMDALL_SOAK_RPS for the rate.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startGateway, startFakeUpstream, cleanup, sseEvents } from './lib/harness.mjs';

after(cleanup);

const SECONDS = Number(process.env.HEIMDALL_SOAK_SECONDS || 20);
const RPS = Number(process.env.HEIMDALL_SOAK_RPS || 20);
const FAILURE_RATE = 0.2;
const REQUEST_DEADLINE_MS = 30000;

const FAILURES = [
  { status: 429, headers: { 'retry-after-ms': '50' } },
  { status: 500 },
  { status: 503 },
  { status: 529 },
  { reset: true },
  { garbage: 'HTTP/9.9 what\r\n\r\n' },
  { error_event: { type: 'overloaded_error', message: 'Overloaded' } },
  { drop_after_events: 3 }, // after content: the client gets an error event (a proper error, no retry)
  { delay_ms: 1500 }, // slower than the first-byte timeout
];

function statusKb(pid, field) {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}
const rssKb = (pid) => statusKb(pid, 'VmRSS');
// A sanitizer build reserves terabytes of shadow memory and keeps freed memory in quarantine, so its RSS
// says nothing about leaks (LeakSanitizer checks those at exit instead).
const isSanitizerBuild = (pid) => statusKb(pid, 'VmSize') > 1024 * 1024 * 1024;

// Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed.
function rng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  { path: '/anthropic/v1/messages', api: 'anthropic', stream: false, model: 'azure/claude-sonnet-4-6' },
  { path: '/anthropic/v1/messages', api: 'anthropic', stream: true, model: 'azure/claude-sonnet-4-6' },
  { path: '/anthropic/v1/messages', api: 'anthropic', stream: true, model: 'azure/gpt-4o' },
  { path: '/v1/chat/completions', api: 'openai', stream: false, model: 'azure/claude-sonnet-4-6' },
  { path: '/v1/chat/completions', api: 'openai', stream: true, model: 'azure/gpt-4o' },
];

/** 'ok', 'error' (a proper error), or a string describing what is wrong. */
function judge(kind, status, text) {
  if (status >= 400) {
    let j;
    try {
      j = JSON.parse(text);
    } catch {
      return `HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`;
    }
    const ok = kind.api === 'anthropic' ? j.type === 'error' && j.error?.type && j.error?.message : j.error?.message;
    return ok ? 'error' : `HTTP ${status} error body in the wrong shape: ${text.slice(0, 200)}`;
  }
  if (status !== 200) return `unexpected HTTP ${status}`;
  if (!kind.stream) {
    const j = JSON.parse(text);
    if (kind.api === 'anthropic') return j.type === 'message' && j.content?.length > 0 ? 'ok' : `bad message: ${text.slice(0, 200)}`;
    return j.object === 'chat.completion' && j.choices?.length > 0 ? 'ok' : `bad completion: ${text.slice(0, 200)}`;
  }
  const events = sseEvents(text);
  const last = events.at(-1);
  if (!last) return 'empty stream';
  if (kind.api === 'anthropic') {
    if (events.filter((e) => e.event === 'error').length > 1) return 'more than one error event';
    if (last.event === 'message_stop') return events[0].event === 'message_start' ? 'ok' : 'stream without message_start';
    return last.event === 'error' && last.data?.error?.type ? 'error' : `stream cut after ${last.event}`;
  }
  if (last.data === '[DONE]') return 'ok';
  return last.data?.error?.message ? 'error' : `chat stream cut: ${last.raw.slice(0, 200)}`;
}

test(`soak: ${SECONDS} s at ${RPS} req/s with ${FAILURE_RATE * 100}% of upstream calls failing`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const up = await startFakeUpstream({ args: ['--no-record'] });
  const random = rng(7);
  const total = Math.round(SECONDS * RPS);
  // Enough scripted replies for every upstream call (retries included); normal ones are `{}`.
  const script = [];
  for (let i = 0; i < total * 1.6; i++) script.push(random() < FAILURE_RATE ? FAILURES[Math.floor(random() * FAILURES.length)] : {});
  for (let i = 0; i < script.length; i += 500) await up.script(script.slice(i, i + 500));

  const key = (name, value) => ({
    name, value, models: ['*'],
    aliases: { 'claude-sonnet-4-6': 'my-claude-sonnet-deployment', 'gpt-4o': 'my-gpt4o-deployment' },
    azure_key_config: { endpoint: up.url, api_version: '2024-10-21' },
  });
  await up.config({ azure_keys: ['azure-fake-key', 'azure-fake-key-2'] });
  const gw = await startGateway({
    config: {
      providers: {
        azure: {
          keys: [key('key-a', 'azure-fake-key'), key('key-b', 'azure-fake-key-2')],
          network_config: {
            max_retries: 2, retry_backoff_initial: 20, retry_backoff_max: 200,
            default_request_timeout_in_seconds: 10, first_byte_timeout_in_seconds: 1, stream_idle_timeout_in_seconds: 2,
          },
          fallbacks: ['anthropic'],
          // Small enough that calls queue now and then (slow failures hold a slot for a second).
          concurrency_and_buffer_size: { concurrency: 4, buffer_size: 1000 },
        },
        anthropic: { keys: [{ name: 'anthropic-key', value: 'sk-ant-fake' }], network_config: { base_url: up.url } },
      },
    },
    args: ['--log-level', 'warn'],
  });

  const outcomes = { ok: 0, error: 0 };
  const problems = [];
  let rssStart = 0;
  const fire = async (i) => {
    const kind = KINDS[i % KINDS.length];
    const body = { model: kind.model, max_tokens: 64, stream: kind.stream, messages: [{ role: 'user', content: `request ${i}` }] };
    try {
      const res = await fetch(`${gw.url}${kind.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
      });
      const text = await res.text();
      const verdict = judge(kind, res.status, text);
      if (verdict === 'ok' || verdict === 'error') outcomes[verdict]++;
      else problems.push(`#${i} ${kind.path} ${kind.model} stream=${kind.stream}: ${verdict}`);
    } catch (err) {
      problems.push(`#${i} ${kind.path} ${kind.model} stream=${kind.stream}: ${err.name === 'TimeoutError' ? 'HUNG' : err.message}`);
    }
  };

  const t0 = Date.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RPS;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // The baseline is taken once the gateway is warm (pools, allocator arenas, first 10% of the run).
    if (i === Math.floor(total / 10)) rssStart = rssKb(gw.proc.pid);
    pending.push(fire(i));
  }
  await Promise.all(pending);
  const rssEnd = rssKb(gw.proc.pid);
  const elapsed = (Date.now() - t0) / 1000;
  const growthKb = rssEnd - rssStart;
  const failedAttempts = (gw.stderr().match(/ attempt \d+ \(provider=/g) || []).length;
  const fallbacks = (gw.stderr().match(/served by fallback/g) || []).length;
  console.log(`soak: ${total} requests in ${elapsed.toFixed(1)} s: ${outcomes.ok} ok, ${outcomes.error} proper errors, ` +
    `${problems.length} problems; ${failedAttempts} failed upstream attempts retried or fallen back from, ${fallbacks} served by the fallback; ` +
    `gateway RSS ${rssStart} kB -> ${rssEnd} kB (${growthKb >= 0 ? '+' : ''}${growthKb} kB)`);

  assert.deepEqual(problems, [], 'every request ends with a complete answer or a proper error');
  assert.equal(outcomes.ok + outcomes.error, total);
  // Only a stream cut after content reached the client (1 in 9 failures) should surface as an error.
  assert.ok(outcomes.ok >= total * 0.9, `${outcomes.ok}/${total} succeeded`);
  assert.ok(failedAttempts >= total * FAILURE_RATE * 0.5, `faults were injected (${failedAttempts} failed attempts)`);
  if (isSanitizerBuild(gw.proc.pid)) console.log('soak: sanitizer build, RSS not checked');
  else assert.ok(growthKb < Math.max(16 * 1024, rssStart * 0.25), `RSS grew by ${growthKb} kB`);
  await gw.stop();
  await up.stop();
});
