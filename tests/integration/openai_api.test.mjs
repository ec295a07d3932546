// The OpenAI-compatible inbound API with the official `openai` SDK (OpenAI and AzureOpenAI clients):
// to Azure GPT deployments (relayed) and to Claude deployments (translated), streaming and not.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, sseEvents } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { openaiSdk } from './lib/clients.mjs';

let up;
let gw;
let sdk;
before(async () => {
  sdk = await openaiSdk();
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
});
after(cleanup);
beforeEach(async () => up.reset());

const client = () => new sdk.OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'bf-openai-client', maxRetries: 0 });

test('chat.completions to an Azure GPT deployment is relayed with only the model changed', async () => {
  const res = await client().chat.completions.create({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi there' }] });
  assert.equal(res.object, 'chat.completion');
  assert.match(res.choices[0].message.content, /my-gpt4o-deployment/);
  assert.ok(res.usage.prompt_tokens > 0);
  const [seen] = await up.requests();
  assert.equal(seen.path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
  assert.equal(seen.headers['api-key'], 'azure-fake-key');
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.body.model, 'my-gpt4o-deployment');
});

test('streaming to GPT: chunks relayed, usage read', async () => {
  await up.script([{ content: [{ type: 'text', text: 'one two three four' }], chunk_delay_ms: 2 }]);
  const stream = await client().chat.completions.create({ model: 'azure/gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count' }] });
  let text = '';
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'one two three four');
  assert.ok(usage.completion_tokens > 0);
  await gw.waitForLog(/path=\/v1\/chat\/completions .*stream=true status=200 .*output_tokens=[1-9]/, 5000);
});

test('chat.completions to a Claude deployment is translated both ways (tools included)', async () => {
  await up.script([{ content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_x', name: 'lookup', input: { q: 'heimdall' } }] }]);
  const res = await client().chat.completions.create({
    model: 'azure/claude-sonnet-4-6',
    max_tokens: 200,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Find heimdall' }],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
    tool_choice: 'required',
  });
  assert.equal(res.choices[0].finish_reason, 'tool_calls');
  const call = res.choices[0].message.tool_calls[0];
  assert.equal(call.id, 'toolu_x');
  assert.deepEqual(JSON.parse(call.function.arguments), { q: 'heimdall' });
  assert.equal(res.model, 'azure/claude-sonnet-4-6');
  const [seen] = await up.requests();
  assert.equal(seen.path, '/anthropic/v1/messages');
  assert.equal(seen.body.model, 'my-claude-sonnet-deployment');
  assert.equal(seen.headers['x-api-key'], 'azure-fake-key');
  assert.deepEqual(seen.body.system.map((b) => b.text), ['Be brief.']);
  assert.deepEqual(seen.body.tool_choice, { type: 'any' });
  assert.equal(seen.body.tools[0].name, 'lookup');
});

test('streaming from a Claude deployment arrives as chat.completion.chunks ending in [DONE]', async () => {
  await up.script([{ content: [{ type: 'text', text: 'Streaming from Claude' }, { type: 'tool_use', id: 'toolu_s', name: 'f', input: { a: 1 } }], chunk_delay_ms: 2 }]);
  const r = await request(`${gw.url}/openai/v1/chat/completions`, {
    method: 'POST',
    body: { model: 'azure/claude-haiku-4-5', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'go' }] },
  });
  assert.equal(r.status, 200, r.text);
  const events = sseEvents(r.text);
  assert.equal(events.at(-1).data, '[DONE]');
  const chunks = events.slice(0, -1).map((e) => e.data);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Streaming from Claude');
  const args = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []).map((t) => t.function.arguments ?? '').join('');
  assert.deepEqual(JSON.parse(args), { a: 1 });
  assert.equal(chunks.find((c) => c.choices[0]?.finish_reason).choices[0].finish_reason, 'tool_calls');
  assert.ok(chunks.at(-1).usage.completion_tokens > 0);
});

test('the AzureOpenAI client reaches deployments through /openai/openai/deployments/...', async () => {
  const az = new sdk.AzureOpenAI({ endpoint: `${gw.url}/openai`, apiKey: 'bf-azure-client', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
  const res = await az.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'azure sdk' }] });
  assert.match(res.choices[0].message.content, /my-gpt4o-deployment/);
  const az2 = new sdk.AzureOpenAI({ endpoint: `${gw.url}/openai`, apiKey: 'bf-azure-client', apiVersion: '2024-10-21', deployment: 'claude-sonnet-4-6', maxRetries: 0 });
  const res2 = await az2.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'to claude' }] });
  assert.match(res2.choices[0].message.content, /my-claude-sonnet-deployment/);
  const seen = await up.requests();
  assert.equal(seen[0].path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
  assert.equal(seen[1].path, '/anthropic/v1/messages');
});

test('errors come back in OpenAI shape', async () => {
  await assert.rejects(client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof sdk.OpenAI.BadRequestError && /names no provider/.test(e.message));
  await up.script([{ status: 429 }]);
  await assert.rejects(client().chat.completions.create({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof sdk.OpenAI.RateLimitError);
  await up.script([{ status: 529 }]);
  await assert.rejects(client().chat.completions.create({ model: 'azure/claude-sonnet-4-6', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 529);
  const r = await request(`${gw.url}/v1/chat/completions`, { method: 'POST', body: { model: 'azure/gpt-4o', messages: 'nope' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.message.startsWith('messages'), r.text);
  assert.equal(typeof r.json.error.type, 'string');
  const m = await request(`${gw.url}/openai/v1/models`);
  assert.equal(m.json.object, 'list');
});
