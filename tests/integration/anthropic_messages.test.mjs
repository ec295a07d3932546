// /anthropic/v1/messages through Heimdall to the fake Azure Claude deployment and the fake Anthropic API:
// what the upstream received, what the client got, streaming, errors, timeouts and disconnects.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startGateway, startFakeUpstream, request, cleanup, sseEvents, iterSse } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url, { top: { client: { max_request_body_size_mb: 1 } } }), env: azureEnv(up.url) });
});
after(cleanup);
beforeEach(async () => up.reset());

const CLAUDE_CODE_HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer bf-client-virtual-key',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fast-mode-2026-01-01',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.1.331 (external, sdk-cli)',
};

const post = (path, body, headers = CLAUDE_CODE_HEADERS) =>
  request(`${gw.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

function body(extra = {}) {
  return {
    model: 'azure/claude-sonnet-4-6',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello', cache_control: { type: 'ephemeral' } }] }],
    ...extra,
  };
}

test('non-streaming via Azure alias: deployment, headers and byte-identical body upstream', async () => {
  const raw = JSON.stringify(body({ fallbacks: ['anthropic/claude-sonnet-4-6'], metadata: { user_id: '{"session_id":"s"}' } }), null, 1);
  const r = await post('/anthropic/v1/messages?beta=true', raw);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.type, 'message');
  assert.match(r.json.content[0].text, /my-claude-sonnet-deployment/);
  assert.equal(r.headers['x-heimdall-provider'], 'azure');
  assert.equal(r.headers['x-heimdall-deployment'], 'my-claude-sonnet-deployment');
  assert.ok(r.headers['apim-request-id'], 'upstream request id relayed');

  const [seen] = await up.requests();
  assert.equal(seen.path, '/anthropic/v1/messages');
  assert.equal(seen.headers['x-api-key'], 'azure-fake-key');
  assert.equal(seen.headers['anthropic-version'], '2023-06-01');
  assert.equal(seen.headers['anthropic-beta'], 'claude-code-20250219,interleaved-thinking-2025-05-14', 'fast-mode beta dropped for Azure');
  assert.equal(seen.headers.authorization, undefined, "the client's credential is never forwarded");
  // Only `model` changed and `fallbacks` removed; everything else byte for byte.
  const expected = raw.replace('"model": "azure/claude-sonnet-4-6"', '"model": "my-claude-sonnet-deployment"')
    .replace(/,\n "fallbacks": \[\n  "anthropic\/claude-sonnet-4-6"\n \]/, '');
  assert.equal(seen.raw_body, expected);
});

test('streaming relays every event in order and ends with message_stop', async () => {
  await up.script([{ content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Hello there, streaming world' },
    { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls -la' } }], chunk_delay_ms: 5 }]);
  const r = await post('/anthropic/v1/messages?beta=true', body({ stream: true }));
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /text\/event-stream/);
  const events = sseEvents(r.text);
  const types = events.map((e) => e.event);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.ok(types.includes('ping'));
  const json = events.filter((e) => e.data?.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json).join('');
  assert.deepEqual(JSON.parse(json), { command: 'ls -la' });
  assert.ok(events.some((e) => e.data?.delta?.type === 'signature_delta'));
  assert.equal(events.find((e) => e.event === 'message_delta').data.delta.stop_reason, 'tool_use');
  await gw.waitForLog(/stream=true status=200 .*output_tokens=\d+ .*stop_reason=tool_use/, 5000);
});

test('events reach the client as they are produced, not buffered', async () => {
  await up.script([{ chunk_delay_ms: 300 }]);
  const t0 = Date.now();
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: CLAUDE_CODE_HEADERS, body: JSON.stringify(body({ stream: true })) });
  let firstAt;
  let n = 0;
  for await (const ev of iterSse(res)) {
    if (n++ === 0) firstAt = Date.now() - t0;
    if (ev.event === 'message_stop') break;
  }
  const total = Date.now() - t0;
  assert.ok(n >= 6);
  assert.ok(firstAt < total - 900, `first event at ${firstAt} ms of ${total} ms`);
});

test('no provider prefix routes to anthropic; anthropic/ prefix too', async () => {
  let r = await post('/anthropic/v1/messages', body({ model: 'claude-opus-4-5' }), { 'content-type': 'application/json', 'x-api-key': 'bf-x' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  r = await post('/anthropic/v1/messages', body({ model: 'anthropic/claude-opus-4-5' }), { 'content-type': 'application/json' });
  assert.equal(r.status, 200);
  const seen = await up.requests();
  assert.equal(seen[0].path, '/v1/messages');
  assert.equal(seen[0].headers['x-api-key'], 'sk-ant-fake', 'gateway key, not the client key');
  assert.equal(seen[0].body.model, 'claude-opus-4-5');
  assert.equal(seen[1].headers['anthropic-version'], '2023-06-01', 'default version when the client sends none');
});

test('request field `deployment` overrides the alias', async () => {
  const r = await post('/anthropic/v1/messages', body({ deployment: 'special-claude-dep' }));
  assert.equal(r.status, 200, r.text);
  const [seen] = await up.requests();
  assert.equal(seen.body.model, 'special-claude-dep');
  assert.equal('deployment' in seen.body, false);
});

test('bad input gets Anthropic-shaped errors naming the field', async () => {
  let r = await post('/anthropic/v1/messages', '{"model": ');
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json), ['type', 'error']);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.match(r.json.error.message, /not valid JSON/);

  r = await post('/anthropic/v1/messages', { messages: [] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^model: field required/);

  r = await post('/anthropic/v1/messages', { model: 'azure/claude-sonnet-4-6', messages: 'hi' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^messages: expected an array/);

  r = await post('/anthropic/v1/messages', body({ stream: 'yes' }));
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^stream: expected a boolean/);

  r = await post('/anthropic/v1/messages', '[]');
  assert.equal(r.status, 400);

  r = await post('/anthropic/v1/messages', `{"model":"x","messages":${'['.repeat(200)}${']'.repeat(200)}}`);
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /nested deeper than/);

  r = await post('/anthropic/v1/messages', body({ model: 'vertex/gemini-pro' }));
  assert.equal(r.status, 404);
  assert.equal(r.json.error.type, 'not_found_error');
  assert.match(r.json.error.message, /provider "vertex" is not configured/);

  assert.equal((await up.requests()).length, 0, 'nothing reached the upstream');
});

test('an oversized body is refused with 413 request_too_large', async () => {
  const big = 'x'.repeat(1024 * 1024 + 10);
  const r = await post('/anthropic/v1/messages', body({ messages: [{ role: 'user', content: big }] }));
  assert.equal(r.status, 413);
  assert.equal(r.json.error.type, 'request_too_large');
  assert.equal((await up.requests()).length, 0);
});

test('upstream errors keep their status and type; Azure shapes are mapped', async () => {
  await up.config({ azure_keys: ['some-other-key'] });
  let r = await post('/anthropic/v1/messages', body());
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'authentication_error');
  assert.match(r.json.error.message, /^azure upstream error: Access denied/);
  assert.doesNotMatch(r.text, /azure-fake-key/);
  await up.reset();

  await up.script([{ status: 429, headers: { 'retry-after': '7' } }]);
  r = await post('/anthropic/v1/messages', body());
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'rate_limit_error');
  assert.equal(r.headers['retry-after'], '7');

  await up.script([{ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } }]);
  r = await post('/anthropic/v1/messages', body({ model: 'claude-sonnet-4-6' }));
  assert.equal(r.status, 500);
  assert.deepEqual(r.json, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } });

  await up.script([{ status: 529 }]);
  r = await post('/anthropic/v1/messages', body({ stream: true }));
  assert.equal(r.status, 529);
  assert.equal(r.json.error.type, 'overloaded_error');
});

test('an unreachable upstream is a 502 naming the provider', async () => {
  const srv = net.createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const deadPort = srv.address().port;
  srv.close();
  const cfg = azureAndAnthropic(`http://127.0.0.1:${deadPort}`);
  const gw2 = await startGateway({ config: cfg, env: azureEnv(`http://127.0.0.1:${deadPort}`) });
  const r = await request(`${gw2.url}/anthropic/v1/messages`, { method: 'POST', body: body() });
  assert.equal(r.status, 502);
  assert.equal(r.json.error.type, 'api_error');
  assert.match(r.json.error.message, /provider "azure": cannot connect/);
  assert.doesNotMatch(r.text, /azure-fake-key/);
  await gw2.stop();
});

test('an upstream that never answers times out with 504', async () => {
  await up.script([{ stall: true }]);
  const t0 = Date.now();
  const r = await post('/anthropic/v1/messages', body());
  assert.equal(r.status, 504);
  assert.match(r.json.error.message, /timed out/);
  assert.ok(Date.now() - t0 < 9000);
});

test('a stream that stalls mid-way ends with an error event after the idle timeout', async () => {
  await up.script([{ stall_after_events: 3 }]);
  const r = await post('/anthropic/v1/messages', body({ stream: true }));
  assert.equal(r.status, 200);
  const events = sseEvents(r.text);
  assert.equal(events.length, 4);
  assert.equal(events.at(-1).event, 'error');
  assert.equal(events.at(-1).data.type, 'error');
  assert.match(events.at(-1).data.error.message, /timed out/);
});

test('an upstream that drops the stream yields an error event, never a silent cut', async () => {
  await up.script([{ drop_after_events: 2 }]);
  const r = await post('/anthropic/v1/messages', body({ stream: true }));
  const events = sseEvents(r.text);
  assert.equal(events.at(-1).event, 'error');
});

test('an error event before any content is the answer: HTTP status of its type, body as the upstream sent it', async () => {
  // (No retries configured here; tests/integration/reliability.test.mjs covers retry and fallback.)
  await up.script([{ error_event: { type: 'overloaded_error', message: 'Overloaded' } }]);
  const r = await post('/anthropic/v1/messages', body({ stream: true }));
  assert.equal(r.status, 529);
  assert.deepEqual(r.json, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
});

test('a client that disconnects mid-stream cancels the upstream request', async () => {
  await up.script([{ chunk_delay_ms: 200 }]);
  const ctl = new AbortController();
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: CLAUDE_CODE_HEADERS, body: JSON.stringify(body({ stream: true })), signal: ctl.signal });
  const it = iterSse(res);
  const first = await it.next();
  assert.equal(first.value.event, 'message_start');
  ctl.abort();
  const aborted = await up.waitAborted(1, 5000);
  assert.equal(aborted.length, 1);
  assert.equal(aborted[0].path, '/anthropic/v1/messages');
  // The request is still recorded, with what was relayed before the client left.
  await gw.waitForLog(/stream=true status=200 .*error=client disconnected/, 5000);
});

test('a client that disconnects while the upstream is silent cancels it too', async () => {
  await up.script([{ stall: true }]);
  const ctl = new AbortController();
  const pending = fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: CLAUDE_CODE_HEADERS, body: JSON.stringify(body({ stream: true })), signal: ctl.signal }).catch(() => null);
  await up.waitRequests(1, 5000);
  ctl.abort();
  await pending;
  const aborted = await up.waitAborted(1, 5000);
  assert.equal(aborted.length, 1);
  await gw.waitForLog(/stream=true status=499 .*error=client disconnected/, 5000);
  const h = await request(`${gw.url}/health`);
  assert.equal(h.status, 200);
});

test('keep-alive: many sequential requests reuse connections', async () => {
  for (let i = 0; i < 20; i++) {
    const r = await post('/anthropic/v1/messages', body());
    assert.equal(r.status, 200);
  }
  assert.equal((await up.requests()).length, 20);
});
