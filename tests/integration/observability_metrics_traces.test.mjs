// Prometheus /metrics and OTLP/HTTP trace export, driven through the real binary: known traffic (plain,
// retried, fallback, streamed, custom x-bf-prom-* label) against the fake upstream, then the scraped
// exposition is parsed and checked exactly; a loopback OTLP collector (node:http) receives the spans,
// and the fake upstream's recorded headers show the W3C traceparent each attempt sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, onCleanup, waitFor, runGateway, tmpDir, sseEvents } from './lib/harness.mjs';

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const KEY_A = 'azure-fake-key';
const KEY_B = 'azure-fake-key-2';

let up;
before(async () => {
  up = await startFakeUpstream();
});
after(cleanup);

function azureKey(name, value) {
  return {
    name, value, models: ['*'],
    aliases: { 'claude-sonnet-4-6': 'my-claude-sonnet-deployment', 'prod-sonnet': { model_id: 'prod-claude-sonnet', model_family: 'claude' } },
    azure_key_config: { endpoint: up.url, api_version: '2024-10-21' },
  };
}

function config({ client = {}, plugins } = {}) {
  return {
    client,
    providers: {
      azure: {
        keys: [azureKey('key-a', KEY_A), azureKey('key-b', KEY_B)],
        network_config: { max_retries: 2, retry_backoff_initial: 10, retry_backoff_max: 50, default_request_timeout_in_seconds: 10 },
        fallbacks: [{ provider: 'anthropic', model_map: { 'prod-sonnet': 'claude-sonnet-4-6' } }],
        concurrency_and_buffer_size: { concurrency: 8, buffer_size: 16 },
        circuit_breaker: { enabled: true, failure_threshold: 50, cooldown_ms: 30000 },
      },
      anthropic: { keys: [{ name: 'anthropic-key', value: 'sk-ant-fake', models: ['*'] }], network_config: { base_url: up.url } },
    },
    ...(plugins ? { plugins } : {}),
  };
}

async function gateway(cfg, env = {}) {
  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  return startGateway({ config: cfg, env });
}

const msg = (extra = {}) => ({ model: 'azure/claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra });
const messages = (gw, body, headers = {}) => request(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { ...HEADERS, ...headers }, body });

/** Parses the text exposition: [{name, labels, value}], and checks every sample's family was declared. */
function parseExposition(text) {
  const samples = [];
  const typed = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) { typed.set(m[1], m[2]); continue; }
    if (line.startsWith('# HELP ')) continue;
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `malformed exposition line: ${line}`);
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    let lm;
    while (m[2] && (lm = re.exec(m[2]))) labels[lm[1]] = lm[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(m[1]) || typed.has(family), `no # TYPE for ${m[1]}`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of the samples of `name` whose labels include `match`; undefined when there is none. */
function sum(samples, name, match = {}) {
  const hits = samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
  return hits.length ? hits.reduce((a, s) => a + s.value, 0) : undefined;
}

async function scrape(gw) {
  const r = await request(`${gw.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return parseExposition(r.text);
}

test('/metrics after known traffic: requests, tokens, cost, retries, fallbacks, stream latencies, custom label', async () => {
  const gw = await gateway(config({ client: { prometheus_labels: ['team'] } }));
  // 1: plain, with a prompt-cache read, custom label.
  await up.script([{ usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 3 } }]);
  let r = await messages(gw, msg(), { 'x-bf-prom-team': 'core' });
  assert.equal(r.status, 200, r.text);
  // 2: one retry.
  await up.script([{ status: 503 }, { usage: { input_tokens: 20, output_tokens: 7 } }]);
  r = await messages(gw, msg(), { 'x-bf-prom-team': 'core' });
  assert.equal(r.status, 200, r.text);
  // 3: Azure exhausted (3 attempts) -> the Anthropic fallback.
  await up.script([{ status: 503 }, { status: 503 }, { status: 503 }, { usage: { input_tokens: 1, output_tokens: 1 } }]);
  r = await messages(gw, msg({ model: 'azure/prod-sonnet' }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  // 4: streamed, paced.
  await up.script([{ chunk_delay_ms: 15, usage: { input_tokens: 4, output_tokens: 6 } }]);
  r = await messages(gw, msg({ stream: true }), { 'x-bf-prom-team': 'edge' });
  assert.equal(r.status, 200, r.text);
  assert.ok(sseEvents(r.text).some((e) => e.event === 'message_stop'));
  // 5: a client error (a provider that is not configured) that never goes upstream.
  r = await messages(gw, msg({ model: 'openai/gpt-4o' }));
  assert.equal(r.status, 404, r.text);

  // The record is published after the response is written: wait for the last one to be counted.
  let s;
  await waitFor(async () => {
    s = await scrape(gw);
    return sum(s, 'bifrost_error_requests_total') === 1 && sum(s, 'bifrost_success_requests_total') === 4;
  }, { timeoutMs: 5000, message: 'request metrics not published' });

  assert.equal(sum(s, 'bifrost_success_requests_total', { team: 'core' }), 2);
  assert.equal(sum(s, 'bifrost_success_requests_total', { team: 'edge' }), 1);
  assert.equal(sum(s, 'bifrost_success_requests_total', { team: '' }), 1);
  assert.equal(sum(s, 'bifrost_error_requests_total', { status_code: '404', model: 'openai/gpt-4o' }), 1);
  assert.equal(sum(s, 'bifrost_upstream_requests_total'), 4, 'the refused request never went upstream');
  assert.equal(sum(s, 'bifrost_success_requests_total', { provider: 'azure', model: 'claude-sonnet-4-6', method: 'anthropic.messages' }), 3);
  assert.equal(sum(s, 'bifrost_success_requests_total', { provider: 'anthropic', fallback_index: '0', number_of_retries: '3' }), 1);
  assert.equal(sum(s, 'bifrost_success_requests_total', { number_of_retries: '1', fallback_index: '-1' }), 1);
  assert.equal(sum(s, 'bifrost_input_tokens_total'), 35);
  assert.equal(sum(s, 'bifrost_output_tokens_total'), 19);
  assert.equal(sum(s, 'bifrost_input_tokens_total', { team: 'core' }), 30);
  assert.equal(sum(s, 'bifrost_cache_hits_total', { cache_type: 'prompt', team: 'core' }), 1);
  assert.equal(sum(s, 'heimdall_cache_read_tokens_total'), 3);
  const cost = (i, o, cr = 0) => i * 3e-6 + o * 15e-6 + cr * 3e-7;
  const expected = cost(10, 5, 3) + cost(20, 7) + cost(1, 1) + cost(4, 6);
  assert.ok(Math.abs(sum(s, 'bifrost_cost_total') - expected) < 1e-9, `cost ${sum(s, 'bifrost_cost_total')} != ${expected}`);
  assert.equal(sum(s, 'heimdall_request_retries_total'), 4);
  assert.equal(sum(s, 'heimdall_request_fallbacks_total', { provider: 'anthropic' }), 1);
  assert.equal(sum(s, 'heimdall_upstream_attempts_total'), 8);
  assert.equal(sum(s, 'heimdall_upstream_retries_total'), 3);
  assert.equal(sum(s, 'heimdall_upstream_fallbacks_total'), 1);
  assert.equal(sum(s, 'heimdall_upstream_failed_attempts_total'), 4);
  assert.equal(sum(s, 'heimdall_upstream_attempt_results_total', { provider: 'azure', status_code: '503' }), 4);
  assert.equal(sum(s, 'heimdall_upstream_attempt_results_total', { status_code: '200' }), 4);
  assert.equal(sum(s, 'bifrost_upstream_latency_seconds_count', { is_success: 'true' }), 4);
  assert.equal(sum(s, 'bifrost_stream_first_token_latency_seconds_count'), 1);
  assert.equal(sum(s, 'bifrost_stream_first_token_latency_seconds_count', { team: 'edge' }), 1);
  assert.ok(sum(s, 'bifrost_stream_inter_token_latency_seconds_count') >= 3, 'inter-token gaps of the paced stream');
  assert.ok(sum(s, 'bifrost_stream_inter_token_latency_seconds_sum') > 0.01);
  assert.equal(sum(s, 'http_requests_total', { path: '/anthropic/v1/messages', method: 'POST', status: '200' }), 4);
  assert.equal(sum(s, 'http_requests_total', { path: '/anthropic/v1/messages', status: '404' }), 1, 'a 404 from a route keeps its route');
  assert.equal(sum(s, 'http_request_duration_seconds_count', { path: '/anthropic/v1/messages' }), 5);
  assert.ok(sum(s, 'http_response_size_bytes_sum', { path: '/anthropic/v1/messages', status: '200' }) > 100);
  assert.ok(sum(await scrape(gw), 'http_requests_total', { path: '/metrics', status: '200' }) >= 1, 'earlier scrapes are counted');
  assert.equal(sum(s, 'heimdall_queue_dropped_requests_total'), 0);
  assert.equal(sum(s, 'heimdall_provider_concurrency_limit', { provider: 'azure' }), 8);
  assert.equal(sum(s, 'heimdall_provider_in_flight', { provider: 'azure' }), 0);
  assert.equal(sum(s, 'heimdall_provider_queue_depth', { provider: 'azure' }), 0);
  const breakers = s.filter((x) => x.name === 'heimdall_circuit_breaker_state');
  assert.ok(breakers.length >= 3, 'one series per state per breaker');
  assert.ok(breakers.filter((x) => x.labels.state === 'closed').every((x) => x.value === 1), 'every breaker closed');
  assert.ok(sum(s, 'heimdall_circuit_breaker_consecutive_failures') >= 1, 'the 503s were counted by the breakers');
  assert.equal(sum(s, 'heimdall_metrics_series_overflow_total') ?? 0, 0);
  await gw.stop();
});

test('/metrics caps label sets per metric; the rest go to one __overflow__ series and are counted', async () => {
  const gw = await gateway(config({ plugins: [{ enabled: true, name: 'telemetry', config: { custom_labels: ['user'], max_label_sets: 3 } }] }));
  for (let i = 0; i < 5; i++) {
    const r = await messages(gw, msg(), { 'x-bf-prom-user': `u${i}` });
    assert.equal(r.status, 200, r.text);
  }
  let s;
  await waitFor(async () => {
    s = await scrape(gw);
    return sum(s, 'bifrost_success_requests_total') === 5;
  }, { message: 'request metrics not published' });
  assert.equal(s.filter((x) => x.name === 'bifrost_success_requests_total').length, 4);
  assert.equal(sum(s, 'bifrost_success_requests_total', { user: '__overflow__', provider: '__overflow__' }), 2);
  assert.equal(sum(s, 'heimdall_metrics_series_overflow_total', { metric: 'bifrost_success_requests_total' }), 2);
  // A scanner's random paths share one series.
  for (let i = 0; i < 5; i++) await request(`${gw.url}/no/such/path/${i}`);
  s = await scrape(gw);
  assert.equal(sum(s, 'http_requests_total', { path: '__unmatched__', status: '404' }), 5);
  await gw.stop();
});

/** A loopback OTLP/HTTP collector: records every POST; the first `failFirst` get 503. */
async function startCollector({ failFirst = 0 } = {}) {
  const posts = [];
  let failures = failFirst;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d) => { body += d; }).on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body, status: 200 };
      posts.push(entry);
      if (failures > 0) {
        failures--;
        entry.status = 503;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":14,"message":"unavailable"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  const spans = () => posts.filter((p) => p.status === 200).flatMap((p) => {
    const rs = JSON.parse(p.body).resourceSpans;
    return rs.flatMap((r) => r.scopeSpans.flatMap((ss) => ss.spans.map((sp) => ({ ...sp, resource: r.resource }))));
  });
  return { url: `http://127.0.0.1:${server.address().port}`, posts, spans };
}

const attr = (span, key) => {
  const a = span.attributes.find((x) => x.key === key);
  if (!a) return undefined;
  const v = a.value;
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue ?? v.boolValue);
};

const otelPlugin = (collector, extra = {}) => [{
  enabled: true, name: 'otel',
  config: { service_name: 'heimdall-test', collector_url: collector.url, headers: { 'x-collector-token': 't0k' }, trace_type: 'genai_extension', protocol: 'http', export_interval_ms: 100, ...extra },
}];

test('OTLP/HTTP JSON export: server span + one client span per attempt, the client trace kept, traceparent sent upstream', async () => {
  const collector = await startCollector({ failFirst: 1 });
  const gw = await gateway(config({ plugins: otelPlugin(collector) }), { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,service.name=ignored' });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = '00f067aa0ba902b7';
  await up.script([{ status: 503 }, { usage: { input_tokens: 11, output_tokens: 13, cache_read_input_tokens: 2 } }]);
  const r = await messages(gw, msg(), { traceparent: `00-${traceId}-${parent}-01`, tracestate: 'vendor=abc' });
  assert.equal(r.status, 200, r.text);

  const spans = await waitFor(() => {
    const all = collector.spans().filter((s) => s.traceId === traceId);
    return all.length >= 3 ? all : null;
  }, { timeoutMs: 8000, message: () => `spans not exported; posts: ${JSON.stringify(collector.posts.map((p) => p.status))}` });
  assert.equal(spans.length, 3);
  assert.ok(collector.posts.length >= 2 && collector.posts[0].status === 503, 'the 503 was retried');
  const post = collector.posts.at(-1);
  assert.equal(post.method, 'POST');
  assert.equal(post.url, '/v1/traces');
  assert.equal(post.headers['content-type'], 'application/json');
  assert.equal(post.headers['x-collector-token'], 't0k');

  const server = spans.find((s) => s.kind === 2);
  const clients = spans.filter((s) => s.kind === 3);
  assert.ok(server, 'a server span');
  assert.equal(clients.length, 2, 'one client span per attempt');
  assert.equal(server.parentSpanId, parent, "the client's span is the parent");
  assert.match(server.spanId, /^[0-9a-f]{16}$/);
  assert.match(server.startTimeUnixNano, /^\d{19}$/);
  assert.ok(BigInt(server.endTimeUnixNano) > BigInt(server.startTimeUnixNano));
  const res = Object.fromEntries(server.resource.attributes.map((a) => [a.key, a.value.stringValue]));
  assert.equal(res['service.name'], 'heimdall-test');
  assert.equal(res['deployment.environment'], 'test');
  assert.equal(attr(server, 'gen_ai.operation.name'), 'chat');
  assert.equal(attr(server, 'gen_ai.provider.name'), 'azure');
  assert.equal(attr(server, 'gen_ai.request.model'), 'azure/claude-sonnet-4-6');
  assert.equal(attr(server, 'gen_ai.response.model'), 'claude-sonnet-4-6');
  assert.equal(attr(server, 'gen_ai.usage.input_tokens'), 11);
  assert.equal(attr(server, 'gen_ai.usage.output_tokens'), 13);
  assert.equal(attr(server, 'gen_ai.usage.cache_read.input_tokens'), 2);
  assert.equal(attr(server, 'http.response.status_code'), 200);
  assert.equal(attr(server, 'gen_ai.number_of_retries'), 1);
  assert.ok(attr(server, 'gen_ai.usage.cost') > 0);
  assert.equal(server.status.code, 0);

  const [first, second] = clients.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  for (const c of clients) assert.equal(c.parentSpanId, server.spanId);
  assert.equal(first.status.code, 2);
  assert.equal(attr(first, 'http.response.status_code'), 503);
  assert.equal(attr(first, 'error.type'), '503');
  assert.equal(attr(second, 'gen_ai.retry'), 1);
  assert.equal(second.status.code, 0);

  const seen = await up.requests();
  assert.equal(seen.length, 2);
  assert.equal(seen[0].headers.traceparent, `00-${traceId}-${first.spanId}-01`);
  assert.equal(seen[1].headers.traceparent, `00-${traceId}-${second.spanId}-01`);
  assert.equal(seen[1].headers.tracestate, 'vendor=abc');

  // No client traceparent: with tracing on, the trace starts here and still reaches the upstream.
  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  const r2 = await messages(gw, msg());
  assert.equal(r2.status, 200);
  const [only] = await up.requests();
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(only.headers.traceparent ?? '');
  assert.ok(m, `traceparent sent: ${only.headers.traceparent}`);
  const own = await waitFor(() => {
    const all = collector.spans().filter((s) => s.traceId === m[1]);
    return all.length >= 2 ? all : null;
  }, { timeoutMs: 8000, message: 'second trace not exported' });
  const root = own.find((s) => s.kind === 2);
  assert.equal(root.parentSpanId, undefined, 'a root span');
  assert.equal(own.find((s) => s.kind === 3).spanId, m[2]);

  // Counted once the collector's answer is back.
  await waitFor(async () => /^heimdall_otel_exported_spans_total 5$/m.test((await request(`${gw.url}/metrics`)).text),
    { message: 'heimdall_otel_exported_spans_total != 5' });
  await gw.stop();
});

test('a collector that never answers: requests are unaffected, failures are counted, shutdown stays quick', async () => {
  const sockets = new Set();
  const silent = http.createServer(() => {}); // accepts, reads, never answers
  silent.on('connection', (sock) => { sockets.add(sock); sock.on('close', () => sockets.delete(sock)); });
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => { for (const sock of sockets) sock.destroy(); silent.close(resolve); }));
  const collector = { url: `http://127.0.0.1:${silent.address().port}` };
  const gw = await gateway(config({ plugins: otelPlugin(collector, { timeout_ms: 300, batch_size: 2 }) }));
  for (let i = 0; i < 6; i++) {
    const r = await messages(gw, msg());
    assert.equal(r.status, 200, r.text);
  }
  await waitFor(async () => /^heimdall_otel_failed_spans_total [1-9]/m.test((await request(`${gw.url}/metrics`)).text),
    { timeoutMs: 10000, message: 'no failed export counted' });
  const t0 = Date.now();
  assert.equal(await gw.stop(), 0);
  assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
  assert.match(gw.stderr(), /otel: could not export \d+ span\(s\) to http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
});

test('without tracing: a client traceparent is passed on (attempt span as parent); none is invented', async () => {
  const gw = await gateway(config());
  const traceId = 'a'.repeat(31) + 'b';
  let r = await messages(gw, msg(), { traceparent: `00-${traceId}-${'1'.repeat(16)}-00` });
  assert.equal(r.status, 200);
  r = await messages(gw, msg());
  assert.equal(r.status, 200);
  const seen = await up.requests();
  assert.equal(seen.length, 2);
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(seen[0].headers.traceparent ?? '');
  assert.ok(m, `traceparent passed on: ${seen[0].headers.traceparent}`);
  assert.equal(m[1], traceId);
  assert.notEqual(m[2], '1'.repeat(16), "the gateway's attempt span is the upstream's parent");
  assert.equal(seen[1].headers.traceparent, undefined);
  await gw.stop();
});

test('otel config: grpc/protobuf is refused naming the field; unknown plugins are ignored with a warning', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config({ plugins: [{ enabled: true, name: 'otel', config: { collector_url: 'http://127.0.0.1:4317', protocol: 'grpc' } }] })));
  const res = await runGateway(['serve', '--host', '127.0.0.1', '--port', '0', '--app-dir', dir, '--config', file]);
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /plugins\[0\]\.config\.protocol: "grpc" is not supported: Heimdall exports traces over OTLP\/HTTP with JSON encoding only/);

  const gw = await gateway(config({ plugins: [{ enabled: true, name: 'semanticcache', config: {} }] }));
  await gw.waitForLog(/plugin \\"semanticcache\\" .* is not supported by Heimdall and is ignored/);
  await gw.stop();
});
