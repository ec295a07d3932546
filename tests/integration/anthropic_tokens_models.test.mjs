// count_tokens (forwarded to Anthropic, estimated locally where Azure cannot count) and the model lists.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  gw = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
});
after(cleanup);
beforeEach(async () => up.reset());

const countBody = (model) => ({
  model,
  messages: [{ role: 'user', content: 'Count the tokens in this sentence, please, as precisely as you can.' }],
  tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
});
const BETA = { 'anthropic-beta': 'claude-code-20250219,token-counting-2024-11-01', 'anthropic-version': '2023-06-01' };

test('count_tokens on Azure falls back to a local estimate once, then stops asking', async () => {
  let r = await request(`${gw.url}/anthropic/v1/messages/count_tokens?beta=true`, { method: 'POST', headers: BETA, body: countBody('azure/claude-sonnet-4-6') });
  assert.equal(r.status, 200, r.text);
  assert.ok(Number.isInteger(r.json.input_tokens) && r.json.input_tokens > 20 && r.json.input_tokens < 2000, r.text);
  assert.equal(r.headers['x-heimdall-token-count'], 'estimated');
  let seen = await up.requests();
  assert.equal(seen.length, 1);
  assert.equal(seen[0].path, '/anthropic/v1/messages/count_tokens');
  assert.equal(seen[0].body.model, 'my-claude-sonnet-deployment');

  // Both workers may each learn once; after that nothing more is sent.
  for (let i = 0; i < 10; i++) {
    r = await request(`${gw.url}/anthropic/v1/messages/count_tokens?beta=true`, { method: 'POST', headers: BETA, body: countBody('azure/claude-sonnet-4-6') });
    assert.equal(r.status, 200);
  }
  seen = await up.requests();
  assert.ok(seen.length <= 2, `upstream asked ${seen.length} times`);
});

test('count_tokens on Azure is forwarded when the deployment can count', async () => {
  const gw2 = await startGateway({ config: azureAndAnthropic(up.url), env: azureEnv(up.url) });
  await up.config({ azure_count_tokens: true });
  const r = await request(`${gw2.url}/anthropic/v1/messages/count_tokens`, { method: 'POST', headers: BETA, body: countBody('azure/claude-haiku-4-5') });
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-heimdall-token-count'], undefined);
  const [seen] = await up.requests();
  assert.equal(seen.body.model, 'my-claude-haiku-deployment');
  await gw2.stop();
});

test('count_tokens on Anthropic is forwarded with the betas', async () => {
  const r = await request(`${gw.url}/anthropic/v1/messages/count_tokens`, { method: 'POST', headers: BETA, body: countBody('claude-sonnet-4-6') });
  assert.equal(r.status, 200);
  assert.ok(r.json.input_tokens > 0);
  const [seen] = await up.requests();
  assert.equal(seen.path, '/v1/messages/count_tokens');
  assert.equal(seen.headers['anthropic-beta'], 'claude-code-20250219,token-counting-2024-11-01');
});

test('count_tokens validates its body', async () => {
  const r = await request(`${gw.url}/anthropic/v1/messages/count_tokens`, { method: 'POST', body: { messages: [] } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /model: field required/);
});

test('GET /v1/models lists every configured model and alias as provider/model', async () => {
  const r = await request(`${gw.url}/v1/models`);
  assert.equal(r.status, 200);
  assert.equal(r.json.object, 'list');
  const ids = r.json.data.map((m) => m.id);
  for (const id of ['azure/claude-sonnet-4-6', 'azure/claude-haiku-4-5', 'azure/gpt-4o', 'azure/prod-sonnet']) {
    assert.ok(ids.includes(id), `${id} in ${ids}`);
  }
  assert.equal(r.json.data[0].object, 'model');
  assert.equal(r.json.data.find((m) => m.id === 'azure/gpt-4o').owned_by, 'azure');
});

test('GET /anthropic/v1/models pages like Anthropic', async () => {
  let r = await request(`${gw.url}/anthropic/v1/models?limit=2`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.length, 2);
  assert.equal(r.json.has_more, true);
  assert.equal(r.json.data[0].type, 'model');
  assert.equal(r.json.first_id, r.json.data[0].id);
  const after = r.json.last_id;
  r = await request(`${gw.url}/anthropic/v1/models?limit=2&after_id=${encodeURIComponent(after)}`);
  assert.equal(r.json.data.length, 2);
  assert.equal(r.json.has_more, false);
  r = await request(`${gw.url}/anthropic/v1/models?before_id=${encodeURIComponent(r.json.first_id)}&limit=1`);
  assert.equal(r.json.data[0].id, after);
  r = await request(`${gw.url}/anthropic/v1/models?limit=0`);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
});
