// Anthropic Messages in, OpenAI Chat Completions out: Azure GPT deployments (deployment and v1 surfaces),
// OpenAI and OpenAI-compatible providers, translated both ways, streaming included.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, sseEvents } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { anthropicSdk } from './lib/clients.mjs';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url);
  cfg.providers.azure.keys[0].aliases['gpt-5-mini'] = { model_id: 'my-gpt5-v1', api_version: 'v1' };
  cfg.providers.openai = { keys: [{ name: 'oa', value: 'sk-openai-fake' }], network_config: { base_url: `${up.url}/v1` } };
  cfg.providers['local-vllm'] = {
    keys: [{ name: 'v', value: 'sk-openai-fake' }],
    custom_provider_config: { base_provider_type: 'openai' },
    network_config: { base_url: `${up.url}/v1` },
  };
  gw = await startGateway({ config: cfg, env: azureEnv(up.url) });
});
after(cleanup);
beforeEach(async () => up.reset());

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: 'Bearer bf-k' };
const post = (path, body) => request(`${gw.url}${path}`, { method: 'POST', headers: HEADERS, body });
const msgs = (extra = {}) => ({
  model: 'azure/gpt-4o',
  max_tokens: 32000,
  system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'List the files', cache_control: { type: 'ephemeral' } }] }],
  ...extra,
});

test('non-streaming: Azure deployment URL, api-key, translated body and Anthropic-shaped answer', async () => {
  const r = await post('/anthropic/v1/messages', msgs({ thinking: { type: 'adaptive' }, context_management: { edits: [] }, metadata: { user_id: 'dev-1' } }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.type, 'message');
  assert.equal(r.json.role, 'assistant');
  assert.match(r.json.id, /^msg_/);
  assert.equal(r.json.content[0].type, 'text');
  assert.match(r.json.content[0].text, /my-gpt4o-deployment/);
  assert.equal(r.json.stop_reason, 'end_turn');
  assert.ok(r.json.usage.input_tokens > 0 && r.json.usage.output_tokens > 0);
  const [seen] = await up.requests();
  assert.equal(seen.path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
  assert.equal(seen.query['api-version'], '2024-10-21');
  assert.equal(seen.headers['api-key'], 'azure-fake-key');
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.body.model, 'my-gpt4o-deployment');
  assert.equal(seen.body.messages[0].role, 'system');
  assert.match(JSON.stringify(seen.body.messages[0].content), /coding agent/);
  assert.equal(seen.body.messages[1].role, 'user');
  assert.equal(seen.body.user, 'dev-1');
  assert.ok(!('thinking' in seen.body) && !('context_management' in seen.body) && !('system' in seen.body));
  assert.ok(seen.body.max_tokens <= 16384, 'max_tokens capped to the model maximum');
});

test('streaming with text and two tool calls: exact Anthropic event order and stop_reason tool_use', async () => {
  await up.script([{
    content: [{ type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_a', name: 'Read', input: { file_path: '/a.txt' } },
      { type: 'tool_use', id: 'call_b', name: 'Bash', input: { command: 'ls -la /tmp' } }],
    chunk_delay_ms: 2,
  }]);
  const r = await post('/anthropic/v1/messages', msgs({
    stream: true,
    tools: [{ name: 'Read', description: 'Read a file', input_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { file_path: { type: 'string' } }, additionalProperties: false } },
      { name: 'Bash', description: 'Run', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
      { name: 'DeferredToolPlaceholder', description: 'x', input_schema: { type: 'object' }, defer_loading: true }],
  }));
  assert.equal(r.status, 200, r.text);
  const events = sseEvents(r.text);
  const types = events.map((e) => e.event);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.equal(types.at(-2), 'message_delta');
  const starts = events.filter((e) => e.event === 'content_block_start');
  assert.deepEqual(starts.map((e) => [e.data.index, e.data.content_block.type]), [[0, 'text'], [1, 'tool_use'], [2, 'tool_use']]);
  assert.deepEqual(starts.slice(1).map((e) => [e.data.content_block.id, e.data.content_block.name]), [['call_a', 'Read'], ['call_b', 'Bash']]);
  for (const i of [1, 2]) {
    const json = events.filter((e) => e.event === 'content_block_delta' && e.data.index === i).map((e) => e.data.delta.partial_json).join('');
    assert.deepEqual(JSON.parse(json), i === 1 ? { file_path: '/a.txt' } : { command: 'ls -la /tmp' });
  }
  const md = events.find((e) => e.event === 'message_delta').data;
  assert.equal(md.delta.stop_reason, 'tool_use');
  assert.ok(md.usage.output_tokens > 0);
  const [seen] = await up.requests();
  assert.equal(seen.body.stream, true);
  assert.deepEqual(seen.body.stream_options, { include_usage: true });
  assert.deepEqual(seen.body.tools.map((t) => t.function.name), ['Read', 'Bash'], 'defer_loading tools are not sent');
  assert.equal(seen.body.tools[0].function.parameters.$schema, undefined);
});

test('a multi-turn tool loop is sent as tool_calls and tool messages in order', async () => {
  const r = await post('/anthropic/v1/messages', msgs({
    messages: [
      { role: 'user', content: 'Read two files' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: 'sig' }, { type: 'text', text: 'Reading.' },
        { type: 'tool_use', id: 'call_1', name: 'Read', input: { file_path: '/a' } }, { type: 'tool_use', id: 'call_2', name: 'Read', input: { file_path: '/b' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'A' }, { type: 'tool_result', tool_use_id: 'call_2', content: 'nope', is_error: true }, { type: 'text', text: 'continue' }] },
    ],
  }));
  assert.equal(r.status, 200, r.text);
  const [seen] = await up.requests();
  const roles = seen.body.messages.map((m) => m.role);
  assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool', 'tool', 'user']);
  assert.deepEqual(seen.body.messages[2].tool_calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments).file_path]), [['call_1', 'Read', '/a'], ['call_2', 'Read', '/b']]);
  assert.equal(seen.body.messages[3].tool_call_id, 'call_1');
  assert.match(JSON.stringify(seen.body.messages[4].content), /nope/);
});

test('Azure v1 surface, OpenAI and OpenAI-compatible providers', async () => {
  let r = await post('/anthropic/v1/messages', msgs({ model: 'azure/gpt-5-mini' }));
  assert.equal(r.status, 200, r.text);
  r = await post('/anthropic/v1/messages', msgs({ model: 'openai/gpt-4o' }));
  assert.equal(r.status, 200, r.text);
  r = await post('/anthropic/v1/messages', msgs({ model: 'local-vllm/gpt-4o-mini' }));
  assert.equal(r.status, 200, r.text);
  const seen = await up.requests();
  assert.equal(seen[0].path, '/openai/v1/chat/completions');
  assert.equal(seen[0].body.model, 'my-gpt5-v1');
  assert.equal(seen[0].query['api-version'], undefined);
  assert.ok('max_completion_tokens' in seen[0].body, 'reasoning models get max_completion_tokens');
  assert.equal(seen[1].path, '/v1/chat/completions');
  assert.equal(seen[1].headers.authorization, 'Bearer sk-openai-fake');
  assert.equal(seen[2].body.model, 'gpt-4o-mini');
});

test('upstream errors and cut streams map to Anthropic shapes', async () => {
  await up.script([{ status: 429, headers: { 'retry-after': '3' } }]);
  let r = await post('/anthropic/v1/messages', msgs());
  assert.equal(r.status, 429);
  assert.equal(r.json.type, 'error');
  assert.equal(r.json.error.type, 'rate_limit_error');
  assert.equal(r.headers['retry-after'], '3');

  await up.config({ azure_keys: ['other'] });
  r = await post('/anthropic/v1/messages', msgs());
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'authentication_error');
  await up.reset();

  await up.script([{ drop_after_events: 2 }]);
  r = await post('/anthropic/v1/messages', msgs({ stream: true }));
  const events = sseEvents(r.text);
  assert.equal(events.at(-1).event, 'error');
  assert.equal(events[0].event, 'message_start');
});

test('count_tokens for a GPT deployment is exact (o200k) and sends nothing upstream', async () => {
  const r = await post('/anthropic/v1/messages/count_tokens', { model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'Hello world' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-token-count'], 'o200k_base');
  // OpenAI's framing: 3 per message + "user" (1) + "Hello world" (2) + 3 reply priming = 9.
  assert.equal(r.json.input_tokens, 9);
  assert.equal((await up.requests()).length, 0);
});

test('the Anthropic SDK streams from a GPT deployment', async () => {
  const Anthropic = await anthropicSdk();
  const client = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: 'bf-k', maxRetries: 0 });
  await up.script([{ content: [{ type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } }] }]);
  const final = await client.messages.stream({
    model: 'azure/gpt-4o', max_tokens: 100,
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    messages: [{ role: 'user', content: 'Weather?' }],
  }).finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  assert.deepEqual(final.content.find((b) => b.type === 'tool_use').input, { city: 'Oslo' });
});

test('pings keep a silent translated stream alive', { timeout: 20_000 }, async () => {
  const cfg = azureAndAnthropic(up.url, { azureNetwork: { stream_idle_timeout_in_seconds: 15 } });
  const gw2 = await startGateway({ config: cfg, env: azureEnv(up.url) });
  await up.script([{ pause_after_events: { events: 2, ms: 5600 } }]);
  const r = await request(`${gw2.url}/anthropic/v1/messages`, { method: 'POST', headers: HEADERS, body: msgs({ stream: true }) });
  const types = sseEvents(r.text).map((e) => e.event);
  assert.ok(types.includes('ping'), types.join(','));
  assert.ok(types.indexOf('ping') > types.indexOf('message_start'));
  assert.equal(types.at(-1), 'message_stop');
  await gw2.stop();
});

test('images become image_url parts; a PDF for Azure is a clear 400 naming the block', async () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  let r = await post('/anthropic/v1/messages', msgs({ messages: [{ role: 'user', content: [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    { type: 'text', text: 'What are these?' }] }] }));
  assert.equal(r.status, 200, r.text);
  const [seen] = await up.requests();
  const parts = seen.body.messages[1].content;
  assert.deepEqual(parts.map((p) => p.type), ['image_url', 'image_url', 'text']);
  assert.equal(parts[0].image_url.url, `data:image/png;base64,${png}`);
  assert.equal(parts[1].image_url.url, 'https://example.com/cat.jpg');
  r = await post('/anthropic/v1/messages', msgs({ messages: [{ role: 'user', content: [
    { type: 'text', text: 'Summarise' }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }] }));
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.match(r.json.error.message, /messages\[0\]\.content\[1\]/);
});
