// The official @anthropic-ai/sdk (npm, pinned) calling through Heimdall to the fake Azure Claude deployment.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, cleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { anthropicSdk } from './lib/clients.mjs';

let up;
let gw;
let client;
let Anthropic;
before(async () => {
  Anthropic = await anthropicSdk();
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
  client = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: 'bf-test-virtual-key', maxRetries: 0 });
});
after(cleanup);
beforeEach(async () => up.reset());

test('messages.create (non-streaming) through an Azure alias', async () => {
  const msg = await client.messages.create({
    model: 'azure/claude-sonnet-4-6',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Hello from the SDK' }],
  });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.match(msg.content[0].text, /my-claude-sonnet-deployment: Hello from the SDK/);
  assert.ok(msg.usage.input_tokens > 0);
  const [seen] = await up.requests();
  assert.equal(seen.body.model, 'my-claude-sonnet-deployment');
  assert.equal(seen.headers['x-api-key'], 'azure-fake-key');
  assert.equal(seen.headers.authorization, undefined);
});

test('messages.stream with a tool call assembles the final message', async () => {
  await up.script([{ content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_sdk', name: 'get_weather', input: { city: 'Oslo', unit: 'celsius' } }] }]);
  const stream = client.messages.stream({
    model: 'azure/claude-haiku-4-5',
    max_tokens: 200,
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
  });
  const texts = [];
  stream.on('text', (t) => texts.push(t));
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  assert.equal(texts.join(''), 'Let me check.');
  const tool = final.content.find((b) => b.type === 'tool_use');
  assert.deepEqual(tool.input, { city: 'Oslo', unit: 'celsius' });
  const [seen] = await up.requests();
  assert.equal(seen.body.model, 'my-claude-haiku-deployment');
  assert.equal(seen.body.stream, true);
});

test('countTokens and models.list (auto-pagination) work', async () => {
  const count = await client.messages.countTokens({ model: 'azure/claude-sonnet-4-6', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
  assert.ok(count.input_tokens > 0);
  const ids = [];
  for await (const m of client.models.list({ limit: 2 })) ids.push(m.id);
  assert.ok(ids.includes('azure/claude-sonnet-4-6') && ids.includes('azure/prod-sonnet'), ids.join(','));
  assert.equal(new Set(ids).size, ids.length);
});

test('gateway and upstream errors surface as the SDK typed errors', async () => {
  await assert.rejects(
    client.messages.create({ model: 'vertex/gemini', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && /not configured/.test(e.message),
  );
  await up.script([{ status: 429, headers: { 'retry-after': '1' } }]);
  await assert.rejects(
    client.messages.create({ model: 'azure/claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.RateLimitError,
  );
});
