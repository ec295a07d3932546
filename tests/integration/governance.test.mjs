// Governance through the real binary: virtual keys (config.json and API), every decision's status
// code in each API's error shape, rate limits with retry-after and window resets, budgets charged
// from real usage at catalogue prices, failed requests free, weighted provider choice, rotation, and
// concurrent requests on one budget.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGateway, startFakeUpstream, request, cleanup, waitFor, REPO_ROOT } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';

const PRICES = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/pricing.json'), 'utf8')).models;
const VK_ALICE = 'bf-alice-0123456789abcdefghijklmnopqrstuv';
const VK_BOB = 'sk-bf-bob-0123456789abcdefghijklmnopqrstuv';
const VK_OFF = 'bf-inactive-0123456789abcdefghijklmnopqr';

let up;
let gw;
before(async () => {
  up = await startFakeUpstream();
  const cfg = azureAndAnthropic(up.url, {
    top: {
      client: { enforce_auth_on_inference: true },
      governance: {
        budgets: [{ id: 'team-budget', max_limit: 1000, reset_duration: '1M', calendar_aligned: true }],
        teams: [{ id: 'platform', name: 'Platform', budget_id: 'team-budget' }],
        virtual_keys: [
          { id: 'alice', name: 'alice', value: VK_ALICE, team_id: 'platform',
            provider_configs: [{ provider: 'azure', weight: 1, allowed_models: ['claude-sonnet-4-6', 'gpt-4o'] }],
            rate_limit: { request_max_limit: 1000, request_reset_duration: '1m' } },
          { id: 'bob', name: 'bob', value: VK_BOB, allowed_providers: ['anthropic'] },
          { id: 'off', name: 'off', value: VK_OFF, is_active: false, allowed_providers: ['azure'] },
        ],
      },
    },
  });
  cfg.providers.azure.pricing_overrides = [
    { model_pattern: 'gpt-4o', input_cost_per_token: 0.001, output_cost_per_token: 0.002 },
    { model_pattern: 'claude-haiku-*', input_cost_per_token: 0.5, output_cost_per_token: 0.5 },
  ];
  cfg.providers.azure.keys[0].pricing_overrides = [{ model_pattern: 'claude-haiku-4-5', input_cost_per_token: 0.0001, output_cost_per_token: 0.0003 }];
  gw = await startGateway({ config: cfg, env: azureEnv(up.url) });
});
after(cleanup);
beforeEach(async () => up.reset());

const messages = (headers, body = {}) => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...body }),
});
const chat = (headers, body = {}) => request(`${gw.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body }),
});
const api = (p, method = 'GET', body) => request(`${gw.url}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
// Usage is charged right after the answer is sent, so a read straight after may not include it yet.
const usageOf = (id) => api(`/api/governance/virtual-keys/${id}`).then((r) => r.json.usage.find((u) => u.kind === 'budget').current_usage_usd);
const waitForUsage = async (id, expected) => {
  let last;
  await waitFor(async () => Math.abs((last = await usageOf(id)) - expected) < 1e-9, { timeoutMs: 5000, message: () => `usage ${last}, expected ${expected}` });
  return last;
};
const costOf = (model, u) => {
  const p = PRICES[model];
  return (u.input_tokens ?? 0) * p.input_cost_per_token + (u.output_tokens ?? 0) * p.output_cost_per_token +
    (u.cache_read_input_tokens ?? 0) * p.cache_read_input_token_cost + (u.cache_creation_input_tokens ?? 0) * p.cache_creation_input_token_cost;
};

test('missing, unknown and inactive keys: 401/401/403 in the Anthropic and OpenAI shapes', async () => {
  let r = await messages({});
  assert.equal(r.status, 401);
  assert.equal(r.json.type, 'error');
  assert.equal(r.json.error.type, 'authentication_error');
  assert.match(r.json.error.message, /virtual key is required/);
  r = await messages({ 'x-api-key': 'bf-not-a-real-key' });
  assert.equal(r.status, 401);
  assert.match(r.json.error.message, /unknown virtual key/);
  r = await chat({ authorization: 'Bearer bf-not-a-real-key' });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'authentication_error');
  r = await messages({ 'x-bf-vk': VK_OFF });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /virtual key "off" is inactive/);
  assert.equal((await up.requests()).length, 0, 'nothing reached the upstream');
});

test('the key is accepted from x-bf-vk, Authorization, x-api-key, api-key and x-goog-api-key (bf- and sk-bf-)', async () => {
  for (const h of [{ 'x-bf-vk': VK_ALICE }, { authorization: `Bearer ${VK_ALICE}` }, { 'x-api-key': VK_ALICE }, { 'api-key': VK_ALICE }, { 'x-goog-api-key': VK_ALICE }]) {
    const r = await messages(h);
    assert.equal(r.status, 200, `${JSON.stringify(h)}: ${r.text}`);
  }
  const r = await messages({ 'x-api-key': VK_BOB }, { model: 'claude-sonnet-4-6' });
  assert.equal(r.status, 200, r.text);
  await gw.waitForLog(/vk=bob /);
});

test('weighted provider choice for an unprefixed model; provider and model allow-lists give 403', async () => {
  let r = await messages({ 'x-bf-vk': VK_ALICE });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'azure');
  assert.equal((await up.requests()).at(-1).body.model, 'my-claude-sonnet-deployment');
  r = await messages({ 'x-bf-vk': VK_BOB });
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  r = await messages({ 'x-bf-vk': VK_ALICE }, { model: 'anthropic/claude-sonnet-4-6' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.type, 'permission_error');
  assert.match(r.json.error.message, /may not use provider "anthropic" \(allowed: azure\)/);
  r = await messages({ 'x-bf-vk': VK_ALICE }, { model: 'azure/claude-haiku-4-5' });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /may not use model "claude-haiku-4-5" on provider "azure"/);
  r = await chat({ authorization: `Bearer ${VK_BOB}` });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.type, 'permission_error');
  // A request fallback to a provider the key may not use is skipped, not called.
  await up.reset();
  await up.script([{ status: 500, error: { type: 'api_error', message: 'boom' } }]);
  r = await messages({ 'x-bf-vk': VK_ALICE }, { model: 'azure/claude-sonnet-4-6', fallbacks: ['anthropic/claude-sonnet-4-6'] });
  assert.notEqual(r.status, 200);
  const seen = await up.requests();
  assert.ok(seen.every((q) => q.path.startsWith("/anthropic/v1/messages") && q.body.model === "my-claude-sonnet-deployment"), JSON.stringify(seen.map((q) => [q.path, q.body?.model])));
});

test('the seed article POST /api/virtual-keys; budgets charged at catalogue prices; 402 when used up; failures are free', async () => {
  let r = await api('/api/virtual-keys', 'POST', { name: 'claude-code-azure', allowed_providers: ['azure'], budget: { monthly_limit_usd: 0.002 } });
  assert.equal(r.status, 201, r.text);
  const vk = r.json.value;
  assert.match(vk, /^bf-[A-Za-z0-9_-]{43}$/);
  const id = r.json.id;
  r = await api(`/api/governance/virtual-keys/${id}`);
  assert.equal(r.json.value, undefined, 'the value is shown once');
  assert.doesNotMatch(r.text, new RegExp(vk));

  // A failed request costs nothing.
  await up.script([{ status: 400, error: { type: 'invalid_request_error', message: 'bad' } }]);
  r = await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' });
  assert.equal(r.status, 400);
  await waitFor(async () => (await api(`/api/governance/virtual-keys/${id}`)).json.usage[0].reserved_usd === 0, { timeoutMs: 5000 });
  assert.equal(await usageOf(id), 0);

  // Each success is charged its real cost; the next request after the cap gets 402.
  let expected = 0;
  let last;
  for (let i = 0; i < 50; i++) {
    last = await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'x '.repeat(200) }] });
    if (last.status !== 200) break;
    expected += costOf('claude-sonnet-4-6', last.json.usage);
  }
  assert.equal(last.status, 402, last.text);
  assert.equal(last.json.error.type, 'billing_error');
  assert.match(last.json.error.message, /virtual key "claude-code-azure" budget .* is used up/);
  const used = await waitForUsage(id, expected);
  assert.ok(used >= 0.002);
  r = await api('/api/governance/budgets');
  assert.ok(r.json.budgets.some((b) => b.current_usage_usd === used));
  // The OpenAI API says so in its own shape.
  r = await chat({ authorization: `Bearer ${vk}` }, { model: 'azure/gpt-4o' });
  assert.equal(r.status, 402);
  assert.equal(r.json.error.type, 'insufficient_quota');
});

test('request rate limits answer 429 with retry-after, and the window resets', { timeout: 30_000 }, async () => {
  let r = await api('/api/governance/virtual-keys', 'POST', { name: 'limited', allowed_providers: ['azure'], rate_limit: { request_max_limit: 2, request_reset_duration: '3s' } });
  assert.equal(r.status, 201, r.text);
  const vk = r.json.value;
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((r = await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' })).status);
  if (statuses[2] !== 429) {
    // The 3 s window may have turned over between requests; the next two must then hit the limit.
    statuses.push((r = await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' })).status);
  }
  assert.equal(r.status, 429, statuses.join(','));
  assert.equal(r.json.error.type, 'rate_limit_error');
  const wait = Number(r.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 3, `retry-after ${wait}`);
  await waitFor(async () => (await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' })).status === 200, { timeoutMs: 8000, intervalMs: 250 });
});

test('concurrent requests on one budget overspend by at most one request', { timeout: 60_000 }, async () => {
  let r = await api('/api/virtual-keys', 'POST', { name: 'burst', allowed_providers: ['azure'], budget: { max_limit: 0.001, reset_duration: '1d' } });
  const vk = r.json.value;
  const id = r.json.id;
  await up.script(Array.from({ length: 200 }, () => ({ content: [{ type: 'text', text: 'word '.repeat(20) }], chunk_delay_ms: 2 })));
  const results = await Promise.all(Array.from({ length: 40 }, () =>
    messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6', max_tokens: 50, stream: true })));
  const ok = results.filter((x) => x.status === 200).length;
  const refused = results.filter((x) => x.status === 402).length;
  assert.equal(ok + refused, 40, results.map((x) => x.status).join(','));
  let budget;
  await waitFor(async () => {
    budget = (await api(`/api/governance/virtual-keys/${id}`)).json.usage.find((u) => u.kind === 'budget');
    return budget.reserved_usd === 0;
  }, { timeoutMs: 5000, message: () => `reservations left: ${JSON.stringify(budget)}` });
  const used = budget.current_usage_usd;
  const perRequest = used / ok;
  assert.ok(refused > 0, 'the cap was reached');
  assert.ok(used <= 0.001 + perRequest * 1.01, `spent ${used} with ${ok} requests of ~${perRequest}`);
});

test('rotation: the new value works, the old one only during its grace period', { timeout: 20_000 }, async () => {
  let r = await api('/api/virtual-keys', 'POST', { name: 'rotating', allowed_providers: ['azure'] });
  const id = r.json.id;
  const old = r.json.value;
  r = await api(`/api/governance/virtual-keys/${id}/rotate`, 'POST', { grace_period_seconds: 2 });
  assert.equal(r.status, 200, r.text);
  const fresh = r.json.value;
  assert.notEqual(fresh, old);
  assert.equal((await messages({ 'x-bf-vk': fresh }, { model: 'azure/claude-sonnet-4-6' })).status, 200);
  assert.equal((await messages({ 'x-bf-vk': old }, { model: 'azure/claude-sonnet-4-6' })).status, 200);
  await waitFor(async () => (await messages({ 'x-bf-vk': old }, { model: 'azure/claude-sonnet-4-6' })).status === 401, { timeoutMs: 6000, intervalMs: 250 });
  assert.equal((await messages({ 'x-bf-vk': fresh }, { model: 'azure/claude-sonnet-4-6' })).status, 200);
});

test('teams and customers CRUD; validation errors name the field; unknown ids 404', async () => {
  let r = await api('/api/governance/customers', 'POST', { name: 'Acme', budget: { max_limit: 50, reset_duration: '1M' } });
  assert.equal(r.status, 201, r.text);
  const cust = r.json.id;
  r = await api('/api/governance/teams', 'POST', { name: 'Infra', customer_id: cust });
  assert.equal(r.status, 201, r.text);
  const team = r.json.id;
  r = await api('/api/governance/teams', 'POST', { name: 'Ghost', customer_id: 'nope' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^customer_id: no customer with id "nope"/);
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'both', team_id: team, customer_id: cust, allowed_providers: ['azure'] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /team_id xor customer_id/);
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'bad-budget', budget: { max_limit: 1, reset_duration: 'monthly' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^budget\.reset_duration: invalid duration "monthly"/);
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'x', allowed_providers: ['nowhere'] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /provider "nowhere" is not configured/);
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'y', value: 'bf-chosen' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^value: set by the gateway/);
  r = await api('/api/governance/teams/nope');
  assert.equal(r.status, 404);
  r = await api(`/api/governance/teams/${team}`, 'DELETE');
  assert.equal(r.status, 200);
  r = await api('/api/governance/teams');
  assert.ok(!r.json.teams.some((t) => t.id === team));
});

test('pricing overrides: a key\'s win over its provider\'s, which win over the catalogue', async () => {
  let r = await api('/api/virtual-keys', 'POST', { name: 'priced', allowed_providers: ['azure'], budget: { max_limit: 1000, reset_duration: '1d' } });
  const vk = r.json.value;
  const id = r.json.id;
  r = await chat({ authorization: `Bearer ${vk}` }, { model: 'azure/gpt-4o' });
  assert.equal(r.status, 200, r.text);
  const gpt = r.json.usage.prompt_tokens * 0.001 + r.json.usage.completion_tokens * 0.002;
  r = await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-haiku-4-5' });
  assert.equal(r.status, 200, r.text);
  const haiku = r.json.usage.input_tokens * 0.0001 + r.json.usage.output_tokens * 0.0003;
  await waitForUsage(id, gpt + haiku);
});

test("a key's other providers are its fallbacks for an unprefixed model", async () => {
  let r = await api('/api/governance/virtual-keys', 'POST', {
    name: 'failover',
    provider_configs: [{ provider: 'azure', weight: 1 }, { provider: 'anthropic', weight: null, allowed_models: ['claude-sonnet-4-6'] }],
  });
  assert.equal(r.status, 201, r.text);
  const vk = r.json.value;
  await up.script([{ status: 503, error: { type: 'overloaded_error', message: 'busy' } }]);
  r = await messages({ 'x-bf-vk': vk });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-heimdall-provider'], 'anthropic');
  const seen = await up.requests();
  assert.deepEqual(seen.map((q) => q.path), ['/anthropic/v1/messages', '/v1/messages']);
  // With weight null, anthropic is never chosen first.
  await up.reset();
  for (let i = 0; i < 5; i++) assert.equal((await messages({ 'x-bf-vk': vk })).headers['x-heimdall-provider'], 'azure');
});

test('key_ids restrict a virtual key to some of a provider\'s keys; [] allows none', async () => {
  let r = await api('/api/providers/anthropic/keys', 'POST', { name: 'anthropic-second', value: 'sk-ant-second', models: ['*'], weight: 100 });
  assert.equal(r.status, 201, r.text);
  const secondId = r.json.id ?? r.json.key_id;
  assert.ok(secondId, r.text);
  await up.config({ anthropic_keys: ['sk-ant-fake', 'sk-ant-second'] });
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'keyed', provider_configs: [{ provider: 'anthropic', weight: 1, key_ids: ['anthropic-key'] }] });
  assert.equal(r.status, 201, r.text);
  const keyed = r.json.value;
  for (let i = 0; i < 6; i++) {
    r = await messages({ 'x-bf-vk': keyed });
    assert.equal(r.status, 200, r.text);
  }
  const seen = await up.requests();
  assert.equal(seen.length, 6);
  assert.ok(seen.every((q) => q.headers['x-api-key'] === 'sk-ant-fake'), JSON.stringify(seen.map((q) => q.headers['x-api-key'])));
  // Without the restriction the heavier second key takes (almost) all the traffic.
  await up.reset();
  await up.config({ anthropic_keys: ['sk-ant-fake', 'sk-ant-second'] });
  for (let i = 0; i < 6; i++) assert.equal((await messages({ 'x-bf-vk': VK_BOB })).status, 200);
  assert.ok((await up.requests()).some((q) => q.headers['x-api-key'] === 'sk-ant-second'));
  // [] denies every key: a clear 403, nothing sent upstream.
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'keyless', provider_configs: [{ provider: 'anthropic', weight: 1, key_ids: [] }] });
  assert.equal(r.status, 201, r.text);
  await up.reset();
  r = await messages({ 'x-bf-vk': r.json.value });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.type, 'permission_error');
  assert.match(r.json.error.message, /may not use any key of provider "anthropic"/);
  assert.equal((await up.requests()).length, 0);
  // Two spellings of the same field are refused, naming it.
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'twice', provider_configs: [{ provider: 'anthropic', key_ids: ['a'], allowed_keys: ['b'] }] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /^provider_configs\[0\]\.allowed_keys: give the provider keys once/);
  r = await api(`/api/providers/anthropic/keys/${secondId}`, 'DELETE');
  assert.ok(r.status === 200 || r.status === 204, r.text);
});

test('shared budgets and rate limits: CRUD, referenced by id, not deletable while in use', async () => {
  let r = await api('/api/governance/budgets', 'POST', { id: 'shared-budget', max_limit: 5, reset_duration: '1d' });
  assert.equal(r.status, 201, r.text);
  r = await api('/api/governance/rate-limits', 'POST', { id: 'one-per-hour', request_max_limit: 1, request_reset_duration: '1h' });
  assert.equal(r.status, 201, r.text);
  r = await api('/api/governance/rate-limits', 'POST', { id: 'empty' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /set token_max_limit, request_max_limit or both/);
  r = await api('/api/governance/virtual-keys', 'POST', { name: 'shared-user', allowed_providers: ['azure'], budget_id: 'shared-budget', rate_limit_id: 'one-per-hour' });
  assert.equal(r.status, 201, r.text);
  const vk = r.json.value;
  assert.equal((await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' })).status, 200);
  assert.equal((await messages({ 'x-bf-vk': vk }, { model: 'azure/claude-sonnet-4-6' })).status, 429);
  r = await api('/api/governance/budgets');
  assert.ok(r.json.configured.some((b) => b.id === 'shared-budget'));
  assert.ok(r.json.budgets.some((b) => b.id === 'shared-budget:spend' && b.current_usage_usd > 0));
  r = await api('/api/governance/budgets/shared-budget', 'PUT', { max_limit: 7, reset_duration: '1d' });
  assert.equal(r.status, 200, r.text);
  r = await api('/api/governance/budgets/shared-budget', 'DELETE');
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /budget_id: no budget with id "shared-budget"/);
  r = await api('/api/governance/budgets/nope');
  assert.equal(r.status, 404);
});

test('model lists show a virtual key only the providers and models it may use', async () => {
  const ids = async (p, vk) => {
    const r = await request(`${gw.url}${p}`, { headers: { 'x-bf-vk': vk } });
    assert.equal(r.status, 200, r.text);
    return r.json.data.map((m) => m.id).sort();
  };
  for (const p of ['/v1/models', '/anthropic/v1/models?limit=1000']) {
    const alice = await ids(p, VK_ALICE);
    const bob = await ids(p, VK_BOB);
    // Azure's key lists its deployments (aliases); Anthropic's key takes any model ("*"), so lists none.
    assert.deepEqual(alice, ['azure/claude-sonnet-4-6', 'azure/gpt-4o'], p);
    assert.deepEqual(bob, [], p);
  }
});
