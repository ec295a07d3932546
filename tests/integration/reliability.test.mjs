// Reliability by fault injection: retries (statuses, retry-after, key rotation), fallbacks (configured
// chains and the request's `fallbacks`, on both inbound APIs), stream first-event inspection, timeouts,
// connection resets and garbage, circuit breakers and the per-provider concurrency limit. Each test asserts
// what the client got and what every upstream received (attempt counts, keys, models).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, sseEvents, waitFor } from './lib/harness.mjs';

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const KEY_A = 'azure-fake-key';
const KEY_B = 'azure-fake-key-2';

let up; // Azure (both keys unless a test says otherwise) and Anthropic
before(async () => {
  up = await startFakeUpstream();
});
after(cleanup);

function azureKey(name, value, endpoint, extra = {}) {
  return {
    name,
    value,
    models: ['*'],
    aliases: { 'claude-sonnet-4-6': 'my-claude-sonnet-deployment', 'prod-sonnet': { model_id: 'prod-claude-sonnet', model_family: 'claude' }, 'gpt-4o': 'my-gpt4o-deployment' },
    azure_key_config: { endpoint, api_version: '2024-10-21' },
    ...extra,
  };
}

/** Azure with two keys (a, b), Anthropic as a configured fallback; knobs per test. */
function config({ keys, network = {}, azure = {}, client = {}, fallbacks = [{ provider: 'anthropic', model_map: { 'prod-sonnet': 'claude-sonnet-4-6' } }] } = {}) {
  return {
    client,
    providers: {
      azure: {
        keys: keys ?? [azureKey('key-a', KEY_A, up.url), azureKey('key-b', KEY_B, up.url)],
        network_config: {
          max_retries: 2, retry_backoff_initial: 20, retry_backoff_max: 200,
          default_request_timeout_in_seconds: 10, stream_idle_timeout_in_seconds: 1, ...network,
        },
        fallbacks,
        ...azure,
      },
      anthropic: {
        keys: [{ name: 'anthropic-key', value: 'sk-ant-fake', models: ['*'] }],
        network_config: { base_url: up.url },
      },
    },
  };
}

async function gateway(cfg) {
  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  return startGateway({ config: cfg });
}

const messages = (gw, body) => request(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: HEADERS, body });
const msg = (extra = {}) => ({ model: 'azure/claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra });
const keyOf = (r) => r.headers['x-api-key'] ?? r.headers['api-key'];

test('429, 500, 502, 503, 504, 529 and 408 are retried; each retry moves to the other key', async () => {
  const gw = await gateway(config({ network: { max_retries: 7 } }));
  await up.script([429, 500, 502, 503, 504, 529, 408].map((status) => ({ status })));
  const r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'azure');
  const seen = await up.requests();
  assert.equal(seen.length, 8);
  assert.ok(seen.every((s) => s.path === '/anthropic/v1/messages'));
  for (let i = 1; i < seen.length; i++) assert.notEqual(keyOf(seen[i]), keyOf(seen[i - 1]), `attempt ${i + 1} rotated the key`);
  await gw.waitForLog(/"msg":"request id=\S+ path=\/anthropic\/v1\/messages .*status=200 .*attempts=8/);
  await gw.stop();
});

test('a non-retryable error (400) is not retried and, with no fallback, is the answer', async () => {
  const gw = await gateway(config({ fallbacks: [] }));
  await up.script([{ status: 400 }]);
  const r = await messages(gw, msg());
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.equal((await up.requests()).length, 1);
  await gw.stop();
});

test('a rate limit signalled only in the body (HTTP 400) is retried', async () => {
  const gw = await gateway(config({ fallbacks: [] }));
  await up.script([{ status: 400, body: { error: { code: '400', message: 'Requests to this deployment have exceeded the rate limit; retry later' } } }]);
  const r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).length, 2);
  await gw.stop();
});

test('retry-after-ms shorter than the cap is honoured; a retry-after beyond the cap falls back to the backoff', async () => {
  const one = [azureKey('key-a', KEY_A, up.url)];
  const gw = await gateway(config({ keys: one, network: { max_retries: 1, retry_backoff_initial: 10, retry_backoff_max: 1000 } }));
  await up.script([{ status: 429, headers: { 'retry-after-ms': '600' } }]);
  let r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  let seen = await up.requests();
  assert.equal(seen.length, 2);
  const waited = seen[1].received_at_ms - seen[0].received_at_ms;
  assert.ok(waited >= 580, `waited ${waited} ms for retry-after-ms 600`);

  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  await up.script([{ status: 429, headers: { 'retry-after': '30' } }]);
  const t0 = Date.now();
  r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  seen = await up.requests();
  assert.equal(seen.length, 2);
  assert.ok(Date.now() - t0 < 5000, 'a 30 s retry-after over the 1 s cap is not waited for');
  await gw.stop();
});

test('retries exhausted on Azure -> the configured Anthropic fallback, model mapped; the response names it', async () => {
  const gw = await gateway(config());
  await up.script([{ status: 503 }, { status: 529 }, { status: 500 }]);
  const r = await messages(gw, msg({ model: 'azure/prod-sonnet' }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  assert.equal(r.headers['x-heimdall-deployment'], 'claude-sonnet-4-6');
  const seen = await up.requests();
  assert.deepEqual(seen.map((s) => s.path), ['/anthropic/v1/messages', '/anthropic/v1/messages', '/anthropic/v1/messages', '/v1/messages']);
  assert.equal(seen[3].body.model, 'claude-sonnet-4-6', 'model_map applied');
  assert.equal(seen[3].headers['x-api-key'], 'sk-ant-fake');
  await gw.waitForLog(/provider=anthropic .*status=200 .*attempts=4 fallback=0/);
  await gw.waitForLog(/served by fallback=0 \(provider=anthropic key=anthropic-key deployment=claude-sonnet-4-6\)/);
  await gw.stop();
});

test("every target fails -> the primary's error (status, body and provider header)", async () => {
  const gw = await gateway(config({ network: { max_retries: 1 } }));
  await up.script([{ status: 503 }, { status: 503 }, { status: 401 }]);
  const r = await messages(gw, msg());
  assert.equal(r.status, 503);
  assert.equal(r.json.type, 'error', 'the Azure error body, not the fallback 401');
  assert.notEqual(r.json.error.type, 'authentication_error');
  assert.equal(r.headers['x-heimdall-provider'], 'azure');
  assert.equal((await up.requests()).length, 3);
  await gw.stop();
});

test("the request's `fallbacks` replace the configured chain; an empty list disables it", async () => {
  const gw = await gateway(config({ network: { max_retries: 0 } }));
  await up.script([{ status: 503 }]);
  let r = await messages(gw, msg({ fallbacks: ['anthropic/claude-haiku-4-5'] }));
  assert.equal(r.status, 200, r.text);
  let seen = await up.requests();
  assert.equal(seen[1].body.model, 'claude-haiku-4-5');
  assert.equal(seen[1].body.fallbacks, undefined, 'gateway-only field not forwarded');

  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  await up.script([{ status: 503 }]);
  r = await messages(gw, msg({ fallbacks: [] }));
  assert.equal(r.status, 503);
  seen = await up.requests();
  assert.equal(seen.length, 1);

  r = await messages(gw, msg({ fallbacks: ['claude-haiku-4-5'] }));
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /fallbacks\[0\]/);
  await gw.stop();
});

test('OpenAI API: fallbacks from an Azure GPT deployment to Claude on Anthropic (translated), and back', async () => {
  const gw = await gateway(config({ network: { max_retries: 0 }, fallbacks: [] }));
  await up.script([{ status: 429 }]);
  let r = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body: { model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi' }], fallbacks: ['anthropic/claude-sonnet-4-6'] },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.object, 'chat.completion');
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  let seen = await up.requests();
  assert.deepEqual(seen.map((s) => s.path), ['/openai/deployments/my-gpt4o-deployment/chat/completions', '/v1/messages']);

  // Both fail: the primary's error in OpenAI's shape.
  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  await up.script([{ status: 429 }, { status: 500 }]);
  r = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body: { model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi' }], fallbacks: ['anthropic/claude-sonnet-4-6'], stream: true },
  });
  assert.equal(r.status, 429);
  assert.ok(r.json.error.message, r.text);
  seen = await up.requests();
  assert.equal(seen.length, 2);
  await gw.stop();
});

test('streams: an error as the first event (inside HTTP 200) is retried; the client sees one clean stream', async () => {
  const gw = await gateway(config());
  await up.script([{ error_event: { type: 'overloaded_error', message: 'Overloaded' } }, { error_event: { type: 'rate_limit_error', message: 'slow down' } }]);
  const r = await messages(gw, msg({ stream: true }));
  assert.equal(r.status, 200);
  const events = sseEvents(r.text);
  assert.equal(events.filter((e) => e.event === 'message_start').length, 1);
  assert.equal(events.filter((e) => e.event === 'error').length, 0, r.text);
  assert.equal(events.at(-1).event, 'message_stop');
  assert.equal((await up.requests()).length, 3);

  // OpenAI upstream (translated to Anthropic for the client): the error chunk after the role chunk.
  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  await up.script([{ error_event: { type: 'server_error', message: 'The server had an error' } }]);
  const t = await messages(gw, msg({ model: 'azure/gpt-4o', stream: true }));
  const tev = sseEvents(t.text);
  assert.equal(tev.filter((e) => e.event === 'error').length, 0, t.text);
  assert.equal(tev.at(-1).event, 'message_stop');
  assert.equal((await up.requests()).length, 2);
  await gw.stop();
});

test('streams: after content reached the client, a stall ends the stream with an error event (no retry)', async () => {
  const gw = await gateway(config());
  await up.script([{ stall_after_events: 4 }]);
  const r = await messages(gw, msg({ stream: true }));
  assert.equal(r.status, 200);
  const events = sseEvents(r.text);
  assert.equal(events[0].event, 'message_start');
  assert.equal(events.at(-1).event, 'error');
  assert.equal(events.at(-1).data.error.type, 'timeout_error');
  assert.equal((await up.requests()).length, 1);
  await gw.stop();
});

test('streams: silence before the first event is an idle timeout and is retried', async () => {
  const gw = await gateway(config());
  await up.script([{ stall_after_events: 0 }]);
  const r = await messages(gw, msg({ stream: true }));
  assert.equal(r.status, 200);
  const events = sseEvents(r.text);
  assert.equal(events.at(-1).event, 'message_stop');
  assert.equal((await up.requests()).length, 2);
  await gw.stop();
});

test('slow headers: the first-byte timeout fires and the retry succeeds', async () => {
  const gw = await gateway(config({ network: { first_byte_timeout_in_seconds: 1 } }));
  await up.script([{ delay_ms: 4000 }]);
  const t0 = Date.now();
  const r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  assert.ok(Date.now() - t0 < 3500, `took ${Date.now() - t0} ms`);
  const seen = await up.requests();
  assert.equal(seen.length, 2);
  assert.notEqual(keyOf(seen[0]), keyOf(seen[1]));
  await gw.waitForLog(/timed out while waiting for the response headers; retrying/);
  await gw.stop();
});

test('connection reset and garbage bytes are retried, streaming or not', async () => {
  const gw = await gateway(config());
  await up.script([{ reset: true }, { garbage: 'SSH-2.0-OpenSSH_9.2\r\n\r\nnot http at all' }]);
  let r = await messages(gw, msg());
  assert.equal(r.status, 200, r.text);
  assert.equal((await up.requests()).length, 3);

  await up.reset();
  await up.config({ azure_keys: [KEY_A, KEY_B] });
  await up.script([
    { garbage: '\u0000\u0001\u0002' },
    { status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'this is not an event stream' },
  ]);
  r = await messages(gw, msg({ stream: true }));
  assert.equal(r.status, 200);
  assert.equal(sseEvents(r.text).at(-1).event, 'message_stop');
  assert.equal((await up.requests()).length, 3);
  await gw.stop();
});

test('circuit breaker: a failing key is shed after the threshold, probed after the cooldown, and closes again', async () => {
  const bad = await startFakeUpstream();
  await bad.config({ azure_keys: [KEY_B] });
  const cfg = config({
    keys: [azureKey('key-a', KEY_A, up.url), azureKey('key-b', KEY_B, bad.url)],
    network: { max_retries: 1 },
    azure: { circuit_breaker: { failure_threshold: 2, cooldown_ms: 1500 } },
  });
  const gw = await gateway(cfg);
  await bad.script(Array.from({ length: 50 }, () => ({ status: 503 })));
  // Until key-b has failed twice, requests that pick it are retried on key-a; then key-b is skipped.
  await waitFor(async () => {
    const r = await messages(gw, msg());
    assert.equal(r.status, 200, r.text);
    return (await bad.requests()).length >= 2;
  }, { timeoutMs: 5000, intervalMs: 1 });
  await gw.waitForLog(/circuit breaker azure\/key-b\/my-claude-sonnet-deployment: closed -> open/);
  const before = (await up.requests()).length;
  for (let i = 0; i < 10; i++) {
    const r = await messages(gw, msg());
    assert.equal(r.status, 200);
  }
  assert.equal((await bad.requests()).length, 2, 'no call reaches the open key');
  assert.equal((await up.requests()).length - before, 10, 'one attempt each, all on key-a');

  // Healthy again: after the cooldown one probe goes through and closes the breaker.
  await bad.clearScript();
  await waitFor(async () => {
    await messages(gw, msg());
    return (await bad.requests()).length >= 3;
  }, { timeoutMs: 6000, intervalMs: 50 });
  await gw.waitForLog(/key-b\/my-claude-sonnet-deployment: open -> half-open/);
  await gw.waitForLog(/key-b\/my-claude-sonnet-deployment: half-open -> closed/);
  await gw.stop();
  await bad.stop();
});

test('concurrency limit: drop_excess_requests answers 529 (Anthropic) / 503 (OpenAI) at once; otherwise requests queue', async () => {
  const one = [azureKey('key-a', KEY_A, up.url)];
  let gw = await gateway(config({ keys: one, fallbacks: [], client: { drop_excess_requests: true }, azure: { concurrency_and_buffer_size: { concurrency: 1, buffer_size: 0 } } }));
  await up.script([{ delay_ms: 1500 }]);
  const slow = messages(gw, msg());
  await up.waitRequests(1);
  const t0 = Date.now();
  const dropped = await messages(gw, msg());
  assert.equal(dropped.status, 529);
  assert.equal(dropped.json.error.type, 'overloaded_error');
  const chat = await request(`${gw.url}/v1/chat/completions`, { method: 'POST', body: { model: 'azure/claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] } });
  assert.equal(chat.status, 503);
  assert.ok(Date.now() - t0 < 1000, 'refused at once');
  assert.equal((await slow).status, 200);
  assert.equal((await up.requests()).length, 1);
  await gw.stop();

  gw = await gateway(config({ keys: one, fallbacks: [], azure: { concurrency_and_buffer_size: { concurrency: 1, buffer_size: 10 } } }));
  await up.script([{ delay_ms: 500 }, { delay_ms: 500 }]);
  const rs = await Promise.all([messages(gw, msg()), messages(gw, msg()), messages(gw, msg())]);
  assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
  const seen = await up.requests();
  assert.equal(seen.length, 3);
  const times = seen.map((s) => s.received_at_ms).sort((a, b) => a - b);
  assert.ok(times[1] - times[0] >= 450 && times[2] - times[1] >= 450, `calls were serialised: ${times.map((t) => t - times[0])}`);
  await gw.stop();
});

test('a stream silent after its preamble (reasoning) is committed after 5 s and kept alive with pings', { timeout: 30_000 }, async () => {
  const gw = await gateway(config({ network: { stream_idle_timeout_in_seconds: 15 } }));
  // Role chunk only, then 11 s of silence, then the content: message_start at 5 s, a ping at 10 s.
  await up.script([{ pause_after_events: { events: 1, ms: 11000 } }]);
  const t0 = Date.now();
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify(msg({ model: 'azure/gpt-4o', stream: true })) });
  assert.equal(res.status, 200);
  const headersAfter = Date.now() - t0;
  assert.ok(headersAfter >= 4500 && headersAfter < 8000, `headers after ${headersAfter} ms`);
  const types = sseEvents(await res.text()).map((e) => e.event);
  assert.equal(types[0], 'message_start');
  assert.ok(types.indexOf('ping') > 0 && types.indexOf('ping') < types.indexOf('content_block_start'), types.join(','));
  assert.equal(types.at(-1), 'message_stop');
  assert.equal((await up.requests()).length, 1);
  await gw.stop();
});
