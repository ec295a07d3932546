// Limits that hold across replicas: three gateways behind nginx sharing PostgreSQL (configuration) and
// Redis (usage counters). A request limit and a budget stop at exactly the totals one replica would
// allow, and a Redis restart in the middle loses no counted spend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startFakeUpstream, request, cleanup, waitFor } from './lib/harness.mjs';
import { azureAndAnthropic, azureEnv } from './lib/configs.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';
import { startLoadBalancer } from './lib/nginx.mjs';

const VK_REQ = 'bf-replica-requests-0123456789abcdefghijkl';
const VK_BUDGET = 'bf-replica-budget-0123456789abcdefghijklm';
let up;
let redis;
let lb;
let gateways;
before(async () => {
  up = await startFakeUpstream();
  const [pg, rd] = await Promise.all([startPostgres(), startRedis({ appendonly: true })]);
  redis = rd;
  const cfg = azureAndAnthropic(up.url, {
    top: {
      config_store: pg.storeConfig(),
      client: { enforce_auth_on_inference: true },
      governance: {
        store: { type: 'redis', url: redis.url },
        virtual_keys: [
          { id: 'req', name: 'req', value: VK_REQ, allowed_providers: ['azure'], rate_limit: { request_max_limit: 12, request_reset_duration: '1h' } },
          { id: 'budget', name: 'budget', value: VK_BUDGET, allowed_providers: ['azure'], budget: { max_limit: 0.004, reset_duration: '1d' } },
        ],
      },
    },
  });
  gateways = await Promise.all([0, 1, 2].map(() => startGateway({ config: cfg, env: azureEnv(up.url) })));
  lb = await startLoadBalancer(gateways.map((g) => g.port));
});
after(cleanup);

const send = (vk) => request(`${lb.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-bf-vk': vk },
  body: JSON.stringify({ model: 'azure/claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'same request every time' }] }),
});
const budgetUsage = async (gw) => (await request(`${gw.url}/api/governance/virtual-keys/budget`)).json.usage.find((u) => u.kind === 'budget').current_usage_usd;

test('a request limit holds exactly across three replicas, also under concurrency', async () => {
  const results = await Promise.all(Array.from({ length: 30 }, () => send(VK_REQ)));
  const ok = results.filter((r) => r.status === 200).length;
  assert.equal(ok, 12, results.map((r) => r.status).join(','));
  assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 429));
  // Every replica served some of them.
  for (const g of gateways) await g.waitForLog(/vk=req /);
});

test('a budget stops at the same total as one replica would, and survives a Redis restart', { timeout: 60_000 }, async () => {
  const first = await send(VK_BUDGET);
  assert.equal(first.status, 200, first.text);
  const u = first.json.usage;
  const perRequest = u.input_tokens * 3e-6 + u.output_tokens * 15e-6; // claude-sonnet-4-6 catalogue prices
  // One replica admits while spend < cap: ceil(cap / cost) requests in all.
  const expected = Math.ceil(0.004 / perRequest - 1e-9);
  let ok = 1;
  let restarted = false;
  for (let i = 0; i < 200; i++) {
    if (!restarted && ok === Math.floor(expected / 2)) {
      // Every charge so far has landed (each request is settled just after its answer).
      let before;
      await waitFor(async () => Math.abs((before = await budgetUsage(gateways[0])) - ok * perRequest) < 1e-9, { timeoutMs: 5000 });
      await redis.restart({ kill: true });
      restarted = true;
      assert.equal(await budgetUsage(gateways[1]), before, 'no counted spend was lost');
    }
    const r = await send(VK_BUDGET);
    if (r.status === 402) break;
    assert.equal(r.status, 200, r.text);
    ok++;
  }
  assert.ok(restarted);
  assert.equal(ok, expected, `per request $${perRequest}`);
  let spent;
  await waitFor(async () => Math.abs((spent = await budgetUsage(gateways[2])) - ok * perRequest) < 1e-9, { timeoutMs: 5000, message: () => `${spent} vs ${ok * perRequest}` });
});
