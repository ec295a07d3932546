// Self-test of the fake LLM upstream and the harness (no gateway binary needed).
//   node --test tests/integration/fake_upstream_selftest.test.mjs
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startFakeUpstream, cleanup, request, sseEvents, iterSse, waitFor, REPO_ROOT } from './lib/harness.mjs';

let up;
before(async () => { up = await startFakeUpstream(); });
after(cleanup);
beforeEach(async () => { await up.reset(); });

const ANT = { 'x-api-key': 'sk-ant-fake', 'anthropic-version': '2023-06-01' };
const msgBody = (extra = {}) => ({
  model: 'claude-sonnet-4-5', max_tokens: 64,
  messages: [{ role: 'user', content: 'What is the capital of France? Answer briefly please.' }], ...extra,
});
const chatBody = (extra = {}) => ({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello there' }], ...extra });

/** Rebuilds the final Anthropic message from stream events. */
function foldAnthropic(events) {
  const start = events.find((e) => e.event === 'message_start').data.message;
  const content = [];
  const json = {};
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      content[data.index] = { ...data.content_block };
      json[data.index] = '';
    } else if (event === 'content_block_delta') {
      const b = content[data.index];
      const d = data.delta;
      if (d.type === 'text_delta') b.text += d.text;
      else if (d.type === 'input_json_delta') json[data.index] += d.partial_json;
      else if (d.type === 'thinking_delta') b.thinking += d.thinking;
      else if (d.type === 'signature_delta') b.signature = d.signature;
    } else if (event === 'content_block_stop') {
      if (content[data.index].type === 'tool_use') content[data.index].input = JSON.parse(json[data.index]);
    }
  }
  const md = events.find((e) => e.event === 'message_delta').data;
  return { ...start, content, stop_reason: md.delta.stop_reason, usage: { ...start.usage, ...md.usage } };
}

test('anthropic: auth, version and JSON errors', async () => {
  let r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'x-api-key': 'nope' }, body: msgBody() });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  assert.match(r.headers['request-id'], /^req_fake_\d+$/);
  assert.equal(r.headers['anthropic-ratelimit-requests-remaining'], '99');

  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-fake' }, body: msgBody() });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');

  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(r.status, 400);
  assert.equal(r.json.type, 'error');
  assert.equal(r.json.error.type, 'invalid_request_error');

  // API version 2026-10-21: key as Bearer accepted; sampling parameters rejected.
  const V2 = { authorization: 'Bearer sk-ant-fake', 'anthropic-version': '2026-10-21' };
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: V2, body: msgBody() });
  assert.equal(r.status, 200);
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: V2, body: msgBody({ temperature: 1 }) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody({ temperature: 1 }) });
  assert.equal(r.status, 200);
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: { model: 'claude-x', messages: [] } });
  assert.equal(r.status, 400, 'max_tokens is required');

  r = await request(`${up.url}/nope`, {});
  assert.equal(r.status, 404);
  assert.ok(r.json);
});

test('anthropic: default JSON reply and count_tokens', async () => {
  const r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /application\/json/);
  const m = r.json;
  assert.match(m.id, /^msg_fake_\d+$/);
  assert.equal(m.type, 'message');
  assert.equal(m.model, 'claude-sonnet-4-5');
  assert.deepEqual(m.content, [{ type: 'text', text: 'Hello from claude-sonnet-4-5: What is the capital of France? Answer br' }]);
  assert.equal(m.stop_reason, 'end_turn');
  assert.equal(m.stop_sequence, null);
  assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
  assert.equal(m.usage.cache_read_input_tokens, 0);

  const c = await request(`${up.url}/v1/messages/count_tokens`, { method: 'POST', headers: ANT, body: { model: 'claude-x', messages: msgBody().messages } });
  assert.equal(c.status, 200);
  assert.deepEqual(c.json, { input_tokens: m.usage.input_tokens });

  const models = await request(`${up.url}/v1/models`, { headers: ANT });
  assert.equal(models.status, 200);
  assert.equal(models.json.data[0].type, 'model');
});

test('anthropic: streaming text, tool_use and thinking', async () => {
  let r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody({ stream: true }) });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/event-stream/);
  let ev = sseEvents(r.text);
  assert.deepEqual(ev.map((e) => e.event), [
    'message_start', 'content_block_start', 'ping', ...ev.filter((e) => e.event === 'content_block_delta').map(() => 'content_block_delta'),
    'content_block_stop', 'message_delta', 'message_stop',
  ]);
  assert.ok(ev.filter((e) => e.event === 'content_block_delta').length >= 2);
  for (const e of ev) assert.equal(e.data.type, e.event);
  assert.equal(ev[0].data.message.usage.output_tokens, 1);
  assert.deepEqual(ev[0].data.message.content, []);
  let msg = foldAnthropic(ev);
  assert.equal(msg.content[0].text, 'Hello from claude-sonnet-4-5: What is the capital of France? Answer br');

  await up.script([{
    content: [
      { type: 'thinking', thinking: 'Let me think about the weather.', signature: 'sig123' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
    ],
    usage: { output_tokens: 42 },
  }]);
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody({ stream: true }) });
  ev = sseEvents(r.text);
  const toolStart = ev.find((e) => e.event === 'content_block_start' && e.data.content_block.type === 'tool_use');
  assert.deepEqual(toolStart.data.content_block, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} });
  assert.ok(ev.filter((e) => e.data.delta?.type === 'input_json_delta').length >= 2);
  assert.ok(ev.some((e) => e.data.delta?.type === 'signature_delta'));
  msg = foldAnthropic(ev);
  assert.equal(msg.stop_reason, 'tool_use');
  assert.equal(msg.usage.output_tokens, 42);
  assert.deepEqual(msg.content, [
    { type: 'thinking', thinking: 'Let me think about the weather.', signature: 'sig123' },
    { type: 'text', text: 'Checking.' },
    { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
  ]);
});

test('azure claude (foundry): auth variants, deployments, count_tokens', async () => {
  const url = `${up.url}/anthropic/v1/messages`;
  let r = await request(url, { method: 'POST', headers: { 'api-key': 'wrong', 'anthropic-version': '2023-06-01' }, body: msgBody() });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, '401');
  assert.match(r.json.error.message, /^Access denied due to invalid subscription key/);
  for (const h of [{ 'x-api-key': 'azure-fake-key' }, { 'api-key': 'azure-fake-key' }, { authorization: 'Bearer azure-fake-token' }]) {
    r = await request(url, { method: 'POST', headers: { ...h, 'anthropic-version': '2023-06-01' }, body: msgBody() });
    assert.equal(r.status, 200, JSON.stringify(h));
    assert.match(r.headers['apim-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(r.headers['x-ms-region'], 'swedencentral');
    assert.equal(r.json.model, 'claude-sonnet-4-5');
  }
  r = await request(url, { method: 'POST', headers: { 'api-key': 'azure-fake-key' }, body: msgBody({ model: 'mistral-large' }) });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'DeploymentNotFound');

  await up.config({ claude_deployments: ['my-claude'] });
  r = await request(url, { method: 'POST', headers: { 'api-key': 'azure-fake-key' }, body: msgBody({ model: 'my-claude' }) });
  assert.equal(r.status, 200);
  r = await request(url, { method: 'POST', headers: { 'api-key': 'azure-fake-key' }, body: msgBody({ model: 'claude-sonnet-4-5' }) });
  assert.equal(r.status, 404);

  const ct = `${up.url}/anthropic/v1/messages/count_tokens`;
  r = await request(ct, { method: 'POST', headers: { 'api-key': 'azure-fake-key' }, body: msgBody({ model: 'my-claude' }) });
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { error: { code: '404', message: 'Resource not found' } });
  await up.config({ azure_count_tokens: true });
  r = await request(ct, { method: 'POST', headers: { 'api-key': 'azure-fake-key' }, body: msgBody({ model: 'my-claude' }) });
  assert.equal(r.status, 200);
  assert.ok(r.json.input_tokens > 0);
});

test('azure openai: api-version, auth, deployments, tool calls, v1 surface', async () => {
  const dep = (d, q = '?api-version=2024-10-21') => `${up.url}/openai/deployments/${d}/chat/completions${q}`;
  const AZ = { 'api-key': 'azure-fake-key' };
  let r = await request(dep('gpt-4o', ''), { method: 'POST', headers: AZ, body: chatBody() });
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { error: { code: '404', message: 'Resource not found' } });
  r = await request(dep('gpt-4o'), { method: 'POST', headers: { 'api-key': 'bad' }, body: chatBody() });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, '401');
  r = await request(dep('llama'), { method: 'POST', headers: AZ, body: chatBody() });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'DeploymentNotFound');

  await up.script([{ content: [{ type: 'text', text: 'Sure.' }, { type: 'tool_use', name: 'lookup', input: { q: 'x' } }] }]);
  r = await request(dep('gpt-4o'), { method: 'POST', headers: { authorization: 'Bearer azure-fake-token' }, body: chatBody() });
  assert.equal(r.status, 200);
  assert.equal(r.json.object, 'chat.completion');
  assert.match(r.json.id, /^chatcmpl-fake-\d+$/);
  const choice = r.json.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, 'Sure.');
  assert.equal(choice.message.tool_calls[0].function.name, 'lookup');
  assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), { q: 'x' });
  assert.equal(r.json.usage.total_tokens, r.json.usage.prompt_tokens + r.json.usage.completion_tokens);
  assert.equal(r.json.usage.prompt_tokens_details.cached_tokens, 0);

  await up.script([{ content: [{ type: 'tool_use', id: 'call_9', name: 'lookup', input: { q: 'abc', n: 5 } }] }]);
  r = await request(`${up.url}/openai/v1/chat/completions`, {
    method: 'POST', headers: AZ, body: chatBody({ model: 'o4-mini', stream: true, stream_options: { include_usage: true } }),
  });
  assert.equal(r.status, 200);
  const ev = sseEvents(r.text);
  assert.ok(ev.every((e) => e.event === null));
  assert.equal(ev.at(-1).data, '[DONE]');
  const chunks = ev.slice(0, -1).map((e) => e.data);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const tcDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.equal(tcDeltas[0].id, 'call_9');
  assert.equal(tcDeltas[0].function.name, 'lookup');
  assert.ok(tcDeltas.length >= 3);
  assert.deepEqual(JSON.parse(tcDeltas.map((t) => t.function.arguments).join('')), { q: 'abc', n: 5 });
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.ok(chunks.at(-1).usage.completion_tokens > 0);
});

test('openai: auth and streaming text', async () => {
  let r = await request(`${up.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-wrong-key-123456' }, body: chatBody() });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'invalid_api_key');
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.equal(r.json.error.param, null);
  assert.match(r.json.error.message, /^Incorrect API key provided: /);
  assert.ok(!r.json.error.message.includes('sk-wrong-key-123456'));

  r = await request(`${up.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-openai-fake' }, body: chatBody({ stream: true }) });
  const ev = sseEvents(r.text);
  assert.equal(ev.at(-1).data, '[DONE]');
  const text = ev.slice(0, -1).map((e) => e.data.choices[0]?.delta.content ?? '').join('');
  assert.equal(text, 'Hello from gpt-4o: hello there');
  assert.equal(ev.at(-2).data.choices[0].finish_reason, 'stop');
  assert.ok(!('usage' in ev.at(-2).data), 'no usage without include_usage');

  r = await request(`${up.url}/v1/models`, { headers: { authorization: 'Bearer sk-openai-fake' } });
  assert.equal(r.json.object, 'list');
});

test('script queue: FIFO, match.path_prefix, verbatim and generated error bodies, recording', async () => {
  await up.script([
    { match: { path_prefix: '/v1/chat/' }, content: [{ type: 'text', text: 'for openai' }] },
    { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, headers: { 'retry-after': '0' } },
    { status: 429 },
    { content: [{ type: 'text', text: 'third' }] },
  ]);
  let r = await request(`${up.url}/v1/messages?beta=true`, { method: 'POST', headers: { ...ANT, 'X-Custom': 'Abc' }, body: msgBody() });
  assert.equal(r.status, 529);
  assert.equal(r.headers['retry-after'], '0');
  assert.equal(r.json.error.type, 'overloaded_error');
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'rate_limit_error');
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() });
  assert.equal(r.json.content[0].text, 'third');
  r = await request(`${up.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-openai-fake' }, body: chatBody() });
  assert.equal(r.json.choices[0].message.content, 'for openai');
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() });
  assert.match(r.json.content[0].text, /^Hello from/);

  const recs = await up.waitRequests(5, 2000);
  assert.equal(recs.length, 5);
  assert.equal(recs[0].method, 'POST');
  assert.equal(recs[0].path, '/v1/messages');
  assert.deepEqual(recs[0].query, { beta: 'true' });
  assert.equal(recs[0].headers['x-custom'], 'Abc');
  assert.equal(recs[0].body.model, 'claude-sonnet-4-5');
  assert.equal(typeof recs[0].raw_body, 'string');
  assert.equal(recs[0].aborted, false);
  assert.equal(recs[0].status, 529);
  assert.ok(recs[0].seq < recs[1].seq);

  await up.script([{ status: 500 }]);
  await up.clearScript();
  r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() });
  assert.equal(r.status, 200);

  await assert.rejects(up.waitRequests(100, 200), /timed out/);
  await up.reset();
  assert.deepEqual(await up.requests(), []);
});

test('streaming error_event, delay_ms and chunk_delay_ms', async () => {
  await up.script([{ error_event: { type: 'overloaded_error', message: 'Overloaded' } }]);
  let r = await request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody({ stream: true }) });
  let ev = sseEvents(r.text);
  assert.deepEqual(ev.map((e) => e.event), ['message_start', 'error']);
  assert.deepEqual(ev[1].data, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

  await up.script([{ delay_ms: 150, chunk_delay_ms: 20 }]);
  const t0 = Date.now();
  const res = await fetch(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'content-type': 'application/json' }, body: JSON.stringify(msgBody({ stream: true })) });
  assert.ok(Date.now() - t0 >= 140, 'headers delayed');
  const times = [];
  ev = [];
  for await (const e of iterSse(res)) {
    ev.push(e);
    times.push(Date.now());
  }
  assert.equal(ev.at(-1).event, 'message_stop');
  // Measured from the request, not between arrivals: a busy client may read several events at once, but
  // none can arrive before the fake has waited for it.
  assert.ok(times.at(-1) - t0 >= (150 + 20 * (ev.length - 1)) * 0.9, 'events paced');
});

test('stall, stall_after_events and drop_after_events: abort detection', async () => {
  // Full stall: the client gives up; the fake records the abort.
  await up.script([{ stall: true }]);
  const ac = new AbortController();
  const p = fetch(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'content-type': 'application/json' }, body: JSON.stringify(msgBody()), signal: ac.signal });
  await up.waitRequests(1, 2000);
  ac.abort();
  await assert.rejects(p);
  let aborted = await up.waitAborted(1, 3000);
  assert.equal(aborted[0].path, '/v1/messages');
  assert.equal(aborted[0].aborted, true);

  // Stall mid-stream after 3 events.
  await up.reset();
  await up.script([{ stall_after_events: 3 }]);
  const ac2 = new AbortController();
  const res = await fetch(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'content-type': 'application/json' }, body: JSON.stringify(msgBody({ stream: true })), signal: ac2.signal });
  const seen = [];
  const reader = (async () => {
    for await (const e of iterSse(res)) seen.push(e.event);
  })();
  // Wait for the 3 events, then give up.
  await waitFor(() => seen.length >= 3, { timeoutMs: 3000, intervalMs: 5 });
  assert.deepEqual(seen, ['message_start', 'content_block_start', 'ping']);
  ac2.abort();
  await assert.rejects(reader);
  aborted = await up.waitAborted(1, 3000);
  assert.equal(aborted.length, 1);
  assert.equal(aborted[0].status, 200);

  // Server-side drop: client sees a truncated stream; not counted as a client abort.
  await up.reset();
  await up.script([{ drop_after_events: 2, chunk_delay_ms: 5 }]);
  const res3 = await fetch(`${up.url}/v1/messages`, { method: 'POST', headers: { ...ANT, 'content-type': 'application/json' }, body: JSON.stringify(msgBody({ stream: true })) });
  const got = [];
  await assert.rejects((async () => { for await (const e of iterSse(res3)) got.push(e.event); })());
  assert.deepEqual(got, ['message_start', 'content_block_start']);
  const recs = await up.waitRequests(1, 2000);
  assert.equal(recs[0].dropped, true);
  assert.equal(recs[0].aborted, false);
});

// Wire-format check with the real Anthropic SDK when tests/clients has been installed.
const sdkDir = path.join(REPO_ROOT, 'tests/clients/node_modules/@anthropic-ai/sdk');
test('reset and garbage replies: no HTTP response at all', async () => {
  await up.script([{ reset: true }, { garbage: 'NOT HTTP\r\n' }]);
  await assert.rejects(request(`${up.url}/v1/messages`, { method: 'POST', headers: ANT, body: msgBody() }));
  // Raw socket: the garbage bytes arrive verbatim, then the connection closes.
  const net = await import('node:net');
  const got = await new Promise((resolve, reject) => {
    const sock = net.connect(up.port, '127.0.0.1', () => {
      const b = JSON.stringify(msgBody());
      sock.write(`POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: sk-ant-fake\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`);
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => resolve(data));
    sock.on('error', reject);
  });
  assert.equal(got, 'NOT HTTP\r\n');
  const recs = await up.requests();
  assert.equal(recs.length, 2);
  assert.ok(recs.every((r) => r.dropped && !r.aborted));
});

test('anthropic SDK parses the fake (stream + JSON + errors)', { skip: !fs.existsSync(sdkDir) && 'tests/clients not installed' }, async () => {
  const require = createRequire(path.join(REPO_ROOT, 'tests/clients/package.json'));
  const sdk = require('@anthropic-ai/sdk');
  const Anthropic = sdk.Anthropic ?? sdk.default;
  const client = new Anthropic({ apiKey: 'sk-ant-fake', baseURL: up.url, maxRetries: 0 });
  const msgBody = (extra = {}) => ({ model: 'claude-fake-model', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra });
  const m = await client.messages.create(msgBody());
  assert.match(m.content[0].text, /^Hello from/);

  await up.script([{ content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'tool_use', name: 'f', input: { a: 1 } }] }]);
  const final = await client.messages.stream(msgBody()).finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  assert.deepEqual(final.content[1].input, { a: 1 });
  assert.equal(final.content[0].signature, 's');

  await up.script([{ status: 529 }]);
  await assert.rejects(client.messages.create(msgBody()), (e) => e.status === 529 && e.error?.error?.type === 'overloaded_error');

  await up.script([{ error_event: { type: 'overloaded_error', message: 'Overloaded' } }]);
  await assert.rejects(client.messages.stream(msgBody()).finalMessage(), /Overloaded|overloaded/);
});
